package imagefile

import (
	"bytes"
	"encoding/binary"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// A fuzz input is a sparse file, so that a few bytes can describe headers
// anywhere in a large file (a VHDX's metadata lies past 1 MiB, a VHD's
// footer at the end): 8 bytes little-endian file size (taken modulo 1 TiB),
// then records of a 4-byte little-endian offset, a 2-byte length and that
// many bytes. Everything else reads as zeros.
type sparseFile struct {
	size int64
	segs []segment
}

type segment struct {
	off  int64
	data []byte
}

const sparseMaxSize = 1 << 40

func decodeSparse(in []byte) *sparseFile {
	s := &sparseFile{}
	if len(in) < 8 {
		return s
	}
	s.size = int64(binary.LittleEndian.Uint64(in) % sparseMaxSize)
	in = in[8:]
	for len(in) >= 6 {
		off := int64(binary.LittleEndian.Uint32(in))
		n := int(binary.LittleEndian.Uint16(in[4:]))
		in = in[6:]
		n = min(n, len(in))
		s.segs = append(s.segs, segment{off, in[:n]})
		in = in[n:]
	}
	return s
}

func encodeSparse(size int64, segs []segment) []byte {
	b := binary.LittleEndian.AppendUint64(nil, uint64(size))
	for _, s := range segs {
		b = binary.LittleEndian.AppendUint32(b, uint32(s.off))
		b = binary.LittleEndian.AppendUint16(b, uint16(len(s.data)))
		b = append(b, s.data...)
	}
	return b
}

func (s *sparseFile) ReadAt(p []byte, off int64) (int, error) {
	if off >= s.size {
		return 0, io.EOF
	}
	n := len(p)
	if int64(n) > s.size-off {
		n = int(s.size - off)
	}
	clear(p[:n])
	for _, seg := range s.segs {
		lo, hi := max(off, seg.off), min(off+int64(n), seg.off+int64(len(seg.data)))
		if lo < hi {
			copy(p[lo-off:hi-off], seg.data[lo-seg.off:hi-seg.off])
		}
	}
	if n < len(p) {
		return n, io.EOF
	}
	return n, nil
}

// recordingReader keeps what was read through it.
type recordingReader struct {
	r    io.ReaderAt
	segs []segment
}

func (rr *recordingReader) ReadAt(p []byte, off int64) (int, error) {
	n, err := rr.r.ReadAt(p, off)
	rr.segs = append(rr.segs, segment{off, append([]byte(nil), p[:n]...)})
	return n, err
}

// seedOf is a real file as Read sees it: the regions it reads, their zero
// blocks left out, and the file's size.
func seedOf(t *testing.T, path string) []byte {
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		t.Fatal(err)
	}
	rr := &recordingReader{r: f}
	if _, err := Read(rr, fi.Size()); err != nil {
		t.Fatal(err)
	}
	const block = 512
	var segs []segment
	for _, region := range rr.segs {
		for i := 0; i < len(region.data); i += block {
			b := region.data[i:min(i+block, len(region.data))]
			if bytes.Count(b, []byte{0}) < len(b) {
				segs = append(segs, segment{region.off + int64(i), b})
			}
		}
	}
	return encodeSparse(fi.Size(), segs)
}

var knownFormats = map[Format]bool{QCOW2: true, QCOW: true, VHD: true, VHDX: true, VMDK: true, VDI: true, ISO: true, ZVHD2: true, ZVHD: true, Raw: true}

func FuzzImageFile(f *testing.F) {
	f.Add(encodeSparse(0, nil))
	f.Add(encodeSparse(4096, []segment{{0, []byte(zvhd2Cookie + "\x00")}}))
	f.Add(encodeSparse(4096, []segment{{0, []byte("# Disk DescriptorFile\nversion=1\ncreateType=\"monolithicFlat\"\nRW 2048 FLAT \"x-flat.vmdk\" 0\n")}}))
	f.Fuzz(func(t *testing.T, in []byte) {
		s := decodeSparse(in)
		cr := &countingReader{r: s}
		info, err := Read(cr, s.size)
		if cr.n > MaxBytesRead {
			t.Fatalf("read %d bytes", cr.n)
		}
		if err != nil {
			var e *Error
			if !errors.As(err, &e) || (e.Kind != Corrupt && e.Kind != Truncated) || e.Error() == "" {
				t.Fatalf("error %v (%T)", err, err)
			}
			return
		}
		if !knownFormats[info.Format] || info.FileSize != s.size || info.VirtualSize < 0 {
			t.Fatalf("%+v for a %d-byte file", *info, s.size)
		}
		if (info.Format == Raw || info.Format == ISO) && info.VirtualSize != s.size {
			t.Fatalf("%s virtual size %d, file %d", info.Format, info.VirtualSize, s.size)
		}
		ConvertCommand("disk", info.Format, QCOW2)
	})
}

var writeSeeds = flag.Bool("write-fuzz-seeds", false, "rewrite testdata/fuzz/FuzzImageFile from real files made by qemu-img and xorriso")

const seedDir = "testdata/fuzz/FuzzImageFile"

// The committed seed corpus holds a real file of every kind, as made by
// qemu-img and xorriso and cut to the regions Read reads (their zero blocks
// left out), each still detected as the format its name starts with.
// -write-fuzz-seeds makes it again.
func TestFuzzSeeds(t *testing.T) {
	t.Parallel()
	if *writeSeeds {
		writeFuzzSeeds(t)
	}
	entries, err := os.ReadDir(seedDir)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[Format]bool{}
	for _, e := range entries {
		name := e.Name()
		if !strings.Contains(name, "_") {
			continue // one the fuzzer found
		}
		in := readSeed(t, filepath.Join(seedDir, name))
		s := decodeSparse(in)
		info, err := Read(s, s.size)
		want := Format(name[:strings.Index(name, "_")])
		if err != nil || info.Format != want {
			t.Errorf("%s: %v, %+v; want %s", name, err, info, want)
			continue
		}
		seen[want] = true
	}
	for _, f := range []Format{QCOW2, QCOW, VHD, VHDX, VMDK, VDI, ISO, Raw} {
		if !seen[f] {
			t.Errorf("no %s seed in %s", f, seedDir)
		}
	}
}

var seedName = regexp.MustCompile(`[^a-z0-9]+`)

func writeFuzzSeeds(t *testing.T) {
	if err := os.MkdirAll(seedDir, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, rf := range realFiles {
		if rf.want.Encrypted {
			continue // its key material is a megabyte of noise
		}
		in := seedOf(t, rf.path(t))
		name := string(rf.want.Format) + "_" + strings.Trim(seedName.ReplaceAllString(strings.ToLower(rf.name), "-"), "-")
		seed := fmt.Sprintf("go test fuzz v1\n[]byte(%q)\n", in)
		if err := os.WriteFile(filepath.Join(seedDir, name), []byte(seed), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func readSeed(t *testing.T, path string) []byte {
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	body, ok := strings.CutPrefix(string(b), "go test fuzz v1\n[]byte(")
	body, ok2 := strings.CutSuffix(strings.TrimSpace(body), ")")
	if !ok || !ok2 {
		t.Fatalf("%s: not a fuzz corpus file", path)
	}
	s, err := strconv.Unquote(body)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return []byte(s)
}
