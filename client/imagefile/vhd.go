package imagefile

import (
	"encoding/binary"
	"unicode/utf16"
)

// VHD (qemu's vpc; block/vpc.c and Microsoft's VHD specification): a
// big-endian 512-byte footer at the end of the file; dynamic and
// differencing disks also carry a copy at offset 0, whose data_offset
// points at a "cxsparse" header.
const (
	vhdMagic       = "conectix"
	vhdSparseMagic = "cxsparse"

	vhdFixed        = 2
	vhdDynamic      = 3
	vhdDifferencing = 4

	// qemu's limits: 2040 GiB, and the largest CHS geometry (for which
	// qemu uses the footer's current_size instead).
	vhdMaxSectors  = 0xff000000
	vhdMaxGeometry = 65535 * 16 * 255
)

func readVHD(f *file, footer []byte, fromTail bool) (*Info, error) {
	be := binary.BigEndian
	if len(footer) < 512 {
		return nil, &Error{Kind: Truncated, Format: VHD, Detail: "the footer is shorter than 512 bytes"}
	}
	if sum := vhdChecksum(footer); sum != be.Uint32(footer[64:]) {
		return nil, corrupt(VHD, "footer checksum %#08x, computed %#08x", be.Uint32(footer[64:]), sum)
	}
	info := &Info{Format: VHD}
	switch typ := be.Uint32(footer[60:]); typ {
	case vhdFixed:
		info.Subformat = "fixed"
	case vhdDynamic:
		info.Subformat = "dynamic"
	case vhdDifferencing:
		info.Subformat = "differencing"
		info.Completeness = NeedsParent
	default:
		return nil, corrupt(VHD, "disk type %d (2 fixed, 3 dynamic, 4 differencing)", typ)
	}
	if fromTail && info.Subformat != "fixed" {
		return nil, corrupt(VHD, "a %s disk without the copy of its footer at the start", info.Subformat)
	}
	sectors := vhdSectors(footer)
	if sectors > vhdMaxSectors {
		return nil, corrupt(VHD, "%d sectors is more than VHD's 2040 GiB", sectors)
	}
	info.VirtualSize = int64(sectors) * 512
	if info.Subformat == "fixed" {
		if fromTail && info.VirtualSize > f.size-512 {
			return nil, &Error{Kind: Truncated, Format: VHD, Detail: "the fixed disk's data is shorter than its footer says"}
		}
		return info, nil
	}
	// Dynamic and differencing: the sparse header must be where the
	// footer says.
	off := be.Uint64(footer[16:])
	if off > uint64(f.size) {
		return nil, &Error{Kind: Truncated, Format: VHD, Detail: "the dynamic disk header lies past the end"}
	}
	hdr, err := f.readAt(int64(off), 1024)
	if err != nil {
		return nil, inFormat(VHD, err)
	}
	if !hasPrefix(hdr, vhdSparseMagic) {
		return nil, corrupt(VHD, "no %q header at offset %d", vhdSparseMagic, off)
	}
	blockSize := be.Uint32(hdr[32:])
	if blockSize < 512 || blockSize&(blockSize-1) != 0 {
		return nil, corrupt(VHD, "block size %d is not a power of two of at least 512", blockSize)
	}
	if entries := be.Uint32(hdr[28:]); uint64(entries)*uint64(blockSize) < sectors*512 {
		return nil, corrupt(VHD, "%d blocks of %d bytes are fewer than the disk's size", entries, blockSize)
	}
	if info.Completeness == NeedsParent {
		info.BackingFile = utf16BE(hdr[64 : 64+512])
	}
	return info, nil
}

// vhdSectors is the disk's size as qemu computes it: from the CHS geometry
// for images made by Virtual PC and by qemu itself (creator "vpc ",
// "qemu"), else from current_size, which Hyper-V, Disk2vhd, XenServer,
// Azure and qemu with force_size ("qem2") write.
func vhdSectors(footer []byte) uint64 {
	be := binary.BigEndian
	chs := uint64(be.Uint16(footer[56:])) * uint64(footer[58]) * uint64(footer[59])
	creator := string(footer[28:32])
	if (creator == "vpc " || creator == "qemu") && chs != vhdMaxGeometry {
		return chs
	}
	return be.Uint64(footer[48:]) / 512
}

// vhdChecksum is the one's complement of the sum of the footer's bytes,
// its checksum field counted as zero.
func vhdChecksum(footer []byte) uint32 {
	var sum uint32
	for i, b := range footer[:512] {
		if i < 64 || i >= 68 {
			sum += uint32(b)
		}
	}
	return ^sum
}

// utf16BE decodes a NUL-terminated big-endian UTF-16 name.
func utf16BE(b []byte) string {
	units := make([]uint16, 0, len(b)/2)
	for i := 0; i+1 < len(b); i += 2 {
		u := binary.BigEndian.Uint16(b[i:])
		if u == 0 {
			break
		}
		units = append(units, u)
	}
	return string(utf16.Decode(units))
}
