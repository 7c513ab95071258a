package imagefile

import (
	"bytes"
	"encoding/binary"
	"math"
	"strconv"
	"strings"
)

// VMDK (VMware's Virtual Disk Format 1.1; qemu block/vmdk.c): a sparse
// extent starts with a little-endian "KDMV" header (capacity in 512-byte
// sectors) and usually embeds a text descriptor; a descriptor file is that
// text alone, naming the extent files that hold the data.
const (
	vmdkSparseMagic = "KDMV"
	vmdk3Magic      = "COWD" // ESX 2's sparse format

	vmdkFlagNewlineTest = 1 << 0
	vmdkGDAtEnd         = math.MaxUint64 // streamOptimized: the real header is in the footer
	vmdkMaxDescriptor   = 64 << 10
	vmdkMaxSectors      = math.MaxInt64 / 512
)

func readVMDKSparse(f *file, head []byte) (*Info, error) {
	le := binary.LittleEndian
	if len(head) < 512 {
		return nil, &Error{Kind: Truncated, Format: VMDK, Detail: "the header is shorter than 512 bytes"}
	}
	hdr := head[:512]
	if le.Uint64(hdr[56:]) == vmdkGDAtEnd {
		// The header at the end of a streamOptimized file, after a
		// 512-byte footer marker, is the one with the real values.
		if f.size < 1536 {
			return nil, &Error{Kind: Truncated, Format: VMDK, Detail: "no room for the footer its header announces"}
		}
		footer, err := f.readAt(f.size-1024, 512)
		if err != nil {
			return nil, inFormat(VMDK, err)
		}
		if !hasPrefix(footer, vmdkSparseMagic) {
			return nil, corrupt(VMDK, "the footer its header announces is missing")
		}
		hdr = footer
	}
	version := le.Uint32(hdr[4:])
	if version < 1 || version > 3 {
		return nil, corrupt(VMDK, "version %d (1, 2 or 3)", version)
	}
	if le.Uint32(hdr[8:])&vmdkFlagNewlineTest != 0 && string(hdr[73:77]) != "\n \r\n" {
		return nil, corrupt(VMDK, "its newline test bytes were changed: was it sent in text (ASCII) mode?")
	}
	capacity := le.Uint64(hdr[12:])
	if capacity > vmdkMaxSectors {
		return nil, corrupt(VMDK, "capacity %d sectors is out of range", capacity)
	}
	info := &Info{Format: VMDK, Version: int(version), VirtualSize: int64(capacity) * 512}
	descOff, descLen := le.Uint64(hdr[28:]), le.Uint64(hdr[36:])
	if descOff == 0 {
		// Extents of split disks carry no descriptor: the disk is the
		// descriptor file that names them.
		info.Completeness = ExtentOnly
		return info, nil
	}
	if descOff > uint64(f.size)/512 || descLen > uint64(f.size)/512 || descOff*512 > uint64(f.size)-descLen*512 {
		return nil, &Error{Kind: Truncated, Format: VMDK, Detail: "the embedded descriptor lies past the end"}
	}
	n := min(descLen*512, vmdkMaxDescriptor)
	text, err := f.readAt(int64(descOff*512), int(n))
	if err != nil {
		return nil, inFormat(VMDK, err)
	}
	d := parseVMDKDescriptor(text)
	info.Subformat, info.BackingFile = d.createType, d.parent
	switch {
	case d.createType == "":
		// An empty descriptor area: qemu-img makes split disks' extents so.
		info.Completeness = ExtentOnly
	case d.hasParent:
		info.Completeness = NeedsParent
	}
	return info, nil
}

func readVMDK3(f *file, head []byte) (*Info, error) {
	if len(head) < 32 {
		return nil, &Error{Kind: Truncated, Format: VMDK, Detail: "the header is shorter than 32 bytes"}
	}
	sectors := binary.LittleEndian.Uint32(head[12:])
	return &Info{Format: VMDK, Subformat: "COWD", VirtualSize: int64(sectors) * 512}, nil
}

// looksLikeVMDKDescriptor is qemu's probe: comment and blank lines, then
// "version=1", "version=2" or "version=3" on a line of its own.
func looksLikeVMDKDescriptor(head []byte) bool {
	for len(head) > 0 {
		line, rest, found := bytes.Cut(head, []byte("\n"))
		if !found {
			return false // the version line must end within the head
		}
		line = bytes.TrimSuffix(line, []byte("\r"))
		switch {
		case len(line) > 0 && line[0] == '#':
		case len(bytes.Trim(line, " ")) == 0:
		default:
			s := string(line)
			return s == "version=1" || s == "version=2" || s == "version=3"
		}
		head = rest
	}
	return false
}

func readVMDKDescriptor(f *file) (*Info, error) {
	text, err := f.head(vmdkMaxDescriptor)
	if err != nil {
		return nil, inFormat(VMDK, err)
	}
	d := parseVMDKDescriptor(text)
	if d.badExtent != "" {
		return nil, corrupt(VMDK, "descriptor extent line %q", d.badExtent)
	}
	info := &Info{Format: VMDK, Subformat: d.createType, VirtualSize: d.sectors * 512,
		Completeness: DescriptorOnly, BackingFile: d.parent}
	if d.hasParent {
		info.Completeness = NeedsParent
	}
	return info, nil
}

type vmdkDescriptor struct {
	createType string
	parent     string // parentFileNameHint
	hasParent  bool   // parentCID is not ffffffff
	sectors    int64  // the sum of the extents' sizes
	badExtent  string // the first extent line that does not parse
}

// parseVMDKDescriptor reads the lines it needs; text past a NUL (the
// padding of an embedded descriptor) is ignored.
func parseVMDKDescriptor(text []byte) vmdkDescriptor {
	if i := bytes.IndexByte(text, 0); i >= 0 {
		text = text[:i]
	}
	var d vmdkDescriptor
	for _, raw := range strings.Split(string(text), "\n") {
		line := strings.TrimSpace(raw)
		key, value, isKV := strings.Cut(line, "=")
		key, value = strings.TrimSpace(key), strings.Trim(strings.TrimSpace(value), `"`)
		switch {
		case isKV && key == "createType":
			d.createType = bounded(value)
		case isKV && key == "parentCID":
			d.hasParent = !strings.EqualFold(value, "ffffffff")
		case isKV && key == "parentFileNameHint":
			d.parent = bounded(value)
		case strings.HasPrefix(line, "RW ") || strings.HasPrefix(line, "RDONLY ") || strings.HasPrefix(line, "NOACCESS "):
			fields := strings.Fields(line)
			n, err := strconv.ParseInt(fields[1], 10, 64)
			if err != nil || n < 0 || n > vmdkMaxSectors-d.sectors {
				if d.badExtent == "" {
					d.badExtent = bounded(line)
				}
				continue
			}
			d.sectors += n
		}
	}
	return d
}

// bounded keeps a string from the file short enough to show.
func bounded(s string) string {
	if len(s) > 256 {
		return s[:256]
	}
	return s
}
