package imagefile

import (
	"bytes"
	"encoding/binary"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// realBytes makes a real file with qemu-img (or xorriso) and returns its
// bytes.
func realBytes(t *testing.T, make func(testing.TB, string) string) []byte {
	t.Helper()
	b, err := os.ReadFile(make(t, t.TempDir()))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// Damaged headers behind a known signature are errors that name the format
// and what is wrong; never a panic, never a guess.
func TestDamagedHeaders(t *testing.T) {
	t.Parallel()
	qcow2 := img("d.qcow2", "-f", "qcow2", "d.qcow2", "1G")
	vhdFixed := img("f.vhd", "-f", "vpc", "-o", "subformat=fixed", "f.vhd", "8M")
	vhdDynamic := img("d.vhd", "-f", "vpc", "d.vhd", "1G")
	vhdx := img("d.vhdx", "-f", "vhdx", "d.vhdx", "1G")
	vmdk := img("s.vmdk", "-f", "vmdk", "s.vmdk", "1G")
	vdi := img("d.vdi", "-f", "vdi", "d.vdi", "1G")
	iso := func(t testing.TB, dir string) string { return makeISO(t, dir, "x.iso", "X", false) }
	be, le := binary.BigEndian, binary.LittleEndian

	cases := []struct {
		name   string
		make   func(testing.TB, string) string
		damage func([]byte) []byte
		kind   ErrorKind
		format Format
		detail string
	}{
		{"qcow2 cluster_bits", qcow2, func(b []byte) []byte { be.PutUint32(b[20:], 40); return b }, Corrupt, QCOW2, "cluster_bits 40 is outside 9–21"},
		{"qcow2 version", qcow2, func(b []byte) []byte { be.PutUint32(b[4:], 9); return b }, Corrupt, QCOW2, "version 9"},
		{"qcow2 backing name length", qcow2, func(b []byte) []byte {
			be.PutUint64(b[8:], 512)
			be.PutUint32(b[16:], 5000)
			return b
		}, Corrupt, QCOW2, "backing file name length 5000"},
		{"qcow2 backing name past the end", qcow2, func(b []byte) []byte {
			be.PutUint64(b[8:], 1<<40)
			be.PutUint32(b[16:], 10)
			return b
		}, Truncated, QCOW2, "past its end"},
		{"qcow2 marked corrupt", qcow2, func(b []byte) []byte { b[79] |= 2; return b }, Corrupt, QCOW2, "qemu marked the image corrupt"},
		{"qcow2 unknown feature", qcow2, func(b []byte) []byte { b[78] |= 1; return b }, Corrupt, QCOW2, "unknown incompatible features"},
		{"qcow2 cut to 60 bytes", qcow2, func(b []byte) []byte { return b[:60] }, Truncated, QCOW2, "shorter than 72 bytes"},
		{"vhd footer checksum", vhdFixed, func(b []byte) []byte { b[len(b)-512+48]++; return b }, Corrupt, VHD, "footer checksum"},
		{"vhd fixed cut short", vhdFixed, func(b []byte) []byte { return append(b[:4096], b[len(b)-512:]...) }, Truncated, VHD, "shorter than its footer says"},
		{"vhd sparse header gone", vhdDynamic, func(b []byte) []byte { clear(b[512:520]); return b }, Corrupt, VHD, `no "cxsparse" header`},
		{"vhdx both region tables", vhdx, func(b []byte) []byte { b[192<<10+100]++; b[256<<10+100]++; return b }, Corrupt, VHDX, "region table checksum"},
		{"vhdx metadata item size", vhdx, func(b []byte) []byte { return vhdxPatchVirtualSize(t, b, 1000) }, Corrupt, VHDX, "virtual size 1000 is not a multiple of 512"},
		{"vmdk ASCII transfer", vmdk, func(b []byte) []byte { b[75], b[76] = '\n', 0; return b }, Corrupt, VMDK, "text (ASCII) mode"},
		{"vmdk version", vmdk, func(b []byte) []byte { le.PutUint32(b[4:], 7); return b }, Corrupt, VMDK, "version 7"},
		{"vmdk descriptor past the end", vmdk, func(b []byte) []byte { le.PutUint64(b[28:], 1<<40); return b }, Truncated, VMDK, "past the end"},
		{"vdi version", vdi, func(b []byte) []byte { le.PutUint32(b[0x44:], 0x00020000); return b }, Corrupt, VDI, "version 2.0"},
		{"iso cut short", iso, func(b []byte) []byte { return b[:len(b)-8192] }, Truncated, ISO, "an unfinished download?"},
		{"iso byte orders", iso, func(b []byte) []byte { b[0x8000+80]++; return b }, Corrupt, ISO, "byte orders"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			b := c.damage(realBytes(t, c.make))
			path := filepath.Join(t.TempDir(), "damaged")
			if err := os.WriteFile(path, b, 0o600); err != nil {
				t.Fatal(err)
			}
			info, err := Inspect(path)
			if err == nil {
				t.Fatalf("no error; got %+v", *info)
			}
			e := wantKind(t, err, c.kind)
			if e.Format != c.format || !strings.Contains(e.Detail, c.detail) || e.Path != path {
				t.Errorf("got %+v, want format %s and detail containing %q", *e, c.format, c.detail)
			}
			if !strings.HasPrefix(e.Error(), path+" ") || !strings.Contains(e.Error(), string(c.format)) {
				t.Errorf("message %q does not name the file and the format", e.Error())
			}
		})
	}
}

// The second VHDX region table stands in for a damaged first one.
func TestVHDXSecondRegionTable(t *testing.T) {
	t.Parallel()
	b := realBytes(t, img("d.vhdx", "-f", "vhdx", "d.vhdx", "3G"))
	b[192<<10+100]++
	info, err := Read(bytes.NewReader(b), int64(len(b)))
	if err != nil || info.VirtualSize != 3<<30 {
		t.Fatalf("%v, %+v", err, info)
	}
}

// vhdxPatchVirtualSize rewrites a VHDX's virtual disk size item.
func vhdxPatchVirtualSize(t *testing.T, b []byte, size uint64) []byte {
	f := &file{r: bytes.NewReader(b), size: int64(len(b))}
	off, _, err := vhdxMetadataRegionOf(f)
	if err != nil {
		t.Fatal(err)
	}
	table := b[off:]
	for i := 0; i < int(binary.LittleEndian.Uint16(table[10:])); i++ {
		e := table[32+32*i:]
		if bytes.Equal(e[:16], vhdxVirtualSize[:]) {
			binary.LittleEndian.PutUint64(b[off+uint64(binary.LittleEndian.Uint32(e[16:])):], size)
			return b
		}
	}
	t.Fatal("no virtual size item")
	return nil
}

// countingReader counts the bytes read through it.
type countingReader struct {
	r io.ReaderAt
	n int64
}

func (c *countingReader) ReadAt(p []byte, off int64) (int, error) {
	n, err := c.r.ReadAt(p, off)
	c.n += int64(n)
	return n, err
}

// Reads are bounded: every real file is detected from a few regions, a
// 100 GiB sparse raw file from three small reads.
func TestReadsAreBounded(t *testing.T) {
	t.Parallel()
	for _, rf := range realFiles {
		t.Run(rf.name, func(t *testing.T) {
			f, err := os.Open(rf.path(t))
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			fi, _ := f.Stat()
			cr := &countingReader{r: f}
			if _, err := Read(cr, fi.Size()); err != nil {
				t.Fatal(err)
			}
			limit := int64(MaxBytesRead)
			if rf.want.Format == Raw {
				limit = 2048 + 512 + isoSector // head, VHD footer, ISO descriptor
			}
			if cr.n > limit || cr.n == 0 {
				t.Errorf("read %d bytes of %d (limit %d)", cr.n, fi.Size(), limit)
			}
		})
	}
}

func BenchmarkInspectSparse100GiB(b *testing.B) {
	path := filepath.Join(b.TempDir(), "disk.raw")
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	if err := f.Truncate(100 << 30); err != nil {
		b.Fatal(err)
	}
	f.Close()
	for b.Loop() {
		if info, err := Inspect(path); err != nil || info.VirtualSize != 100<<30 {
			b.Fatal(info, err)
		}
	}
}
