package imagefile

import (
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"hash/crc32"
	"strings"
)

// VHDX ([MS-VHDX]; qemu block/vhdx.c): little-endian. "vhdxfile" at 0; two
// copies of a 64 KiB region table at 192 KiB and 256 KiB, each with a
// CRC-32C; the table's metadata region entry points at a metadata table
// whose items hold the virtual disk size and the file parameters.
const (
	vhdxMagic            = "vhdxfile"
	vhdxTableSize        = 64 << 10
	vhdxMaxEntries       = 2047
	vhdxMetadataTableMin = 64 << 10 // items start after the table
	vhdxMaxSize          = 64 << 40 // the format's 64 TiB
)

var (
	vhdxRegionTables = []int64{192 << 10, 256 << 10}

	vhdxMetadataRegion = guid("8B7CA206-4790-4B9A-B8FE-575F050F886E")
	vhdxFileParameters = guid("CAA16737-FA36-4D43-B3B6-33F0AA44E76B")
	vhdxVirtualSize    = guid("2FA54224-CD1B-4876-B211-5DBED83BF4B8")
	vhdxSectorSize     = guid("8141BF1D-A96F-4709-BA47-F233A8FAAB5F")
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

func readVHDX(f *file) (*Info, error) {
	le := binary.LittleEndian
	metaOff, metaLen, err := vhdxMetadataRegionOf(f)
	if err != nil {
		return nil, err
	}
	if metaOff < 1<<20 || metaOff%(1<<20) != 0 || metaLen < vhdxMetadataTableMin {
		return nil, corrupt(VHDX, "metadata region at %d, %d bytes: not a 1 MiB-aligned region of at least 64 KiB", metaOff, metaLen)
	}
	if metaOff > uint64(f.size) || metaLen > uint64(f.size)-metaOff {
		return nil, &Error{Kind: Truncated, Format: VHDX, Detail: "the metadata region lies past the end"}
	}
	table, err := f.readAt(int64(metaOff), vhdxTableSize)
	if err != nil {
		return nil, inFormat(VHDX, err)
	}
	if !hasPrefix(table, "metadata") {
		return nil, corrupt(VHDX, "no metadata table signature at offset %d", metaOff)
	}
	count := int(le.Uint16(table[10:]))
	if count > vhdxMaxEntries {
		return nil, corrupt(VHDX, "%d metadata entries (at most %d)", count, vhdxMaxEntries)
	}
	// item reads the metadata item id, of exactly n bytes.
	item := func(id [16]byte, n int) ([]byte, error) {
		for i := 0; i < count; i++ {
			e := table[32+32*i : 64+32*i]
			if !bytes.Equal(e[:16], id[:]) {
				continue
			}
			off, length := uint64(le.Uint32(e[16:])), uint64(le.Uint32(e[20:]))
			if length != uint64(n) || off < vhdxMetadataTableMin || off+length > metaLen {
				return nil, corrupt(VHDX, "metadata item %s at %d, %d bytes, is out of place", guidString(id), off, length)
			}
			b, err := f.readAt(int64(metaOff+off), n)
			return b, inFormat(VHDX, err)
		}
		return nil, corrupt(VHDX, "metadata item %s is missing", guidString(id))
	}
	params, err := item(vhdxFileParameters, 8)
	if err != nil {
		return nil, err
	}
	sizeB, err := item(vhdxVirtualSize, 8)
	if err != nil {
		return nil, err
	}
	sectorB, err := item(vhdxSectorSize, 4)
	if err != nil {
		return nil, err
	}
	size, sector := le.Uint64(sizeB), uint64(le.Uint32(sectorB))
	if sector != 512 && sector != 4096 {
		return nil, corrupt(VHDX, "logical sector size %d (512 or 4096)", sector)
	}
	if size == 0 || size > vhdxMaxSize || size%sector != 0 {
		return nil, corrupt(VHDX, "virtual size %d is not a multiple of %d up to 64 TiB", size, sector)
	}
	if bs := le.Uint32(params); bs < 1<<20 || bs > 256<<20 || bs&(bs-1) != 0 {
		return nil, corrupt(VHDX, "block size %d is not a power of two of 1–256 MiB", bs)
	}
	info := &Info{Format: VHDX, Version: 1, VirtualSize: int64(size), Subformat: "dynamic"}
	switch flags := le.Uint32(params[4:]); {
	case flags&2 != 0:
		info.Subformat = "differencing"
		info.Completeness = NeedsParent
	case flags&1 != 0:
		info.Subformat = "fixed"
	}
	return info, nil
}

// vhdxMetadataRegionOf finds the metadata region in the first region table
// whose signature and checksum are right.
func vhdxMetadataRegionOf(f *file) (off, length uint64, err error) {
	le := binary.LittleEndian
	var last error
	for _, at := range vhdxRegionTables {
		t, err := f.readAt(at, vhdxTableSize)
		if err != nil {
			return 0, 0, inFormat(VHDX, err)
		}
		if !hasPrefix(t, "regi") {
			last = corrupt(VHDX, "no region table signature at offset %d", at)
			continue
		}
		want := le.Uint32(t[4:])
		clear(t[4:8])
		if got := crc32.Checksum(t, castagnoli); got != want {
			last = corrupt(VHDX, "region table checksum at offset %d: %#08x, computed %#08x", at, want, got)
			continue
		}
		count := int(le.Uint32(t[8:]))
		if count > vhdxMaxEntries {
			last = corrupt(VHDX, "%d region entries (at most %d)", count, vhdxMaxEntries)
			continue
		}
		for i := 0; i < count; i++ {
			e := t[16+32*i : 48+32*i]
			if bytes.Equal(e[:16], vhdxMetadataRegion[:]) {
				return le.Uint64(e[16:]), uint64(le.Uint32(e[24:])), nil
			}
		}
		last = corrupt(VHDX, "the region table has no metadata region")
	}
	return 0, 0, last
}

// guid encodes a GUID as stored: the first three groups little-endian.
func guid(s string) [16]byte {
	raw, err := hex.DecodeString(strings.ReplaceAll(s, "-", ""))
	if err != nil || len(raw) != 16 {
		panic("bad GUID " + s)
	}
	var g [16]byte
	g[0], g[1], g[2], g[3] = raw[3], raw[2], raw[1], raw[0]
	g[4], g[5] = raw[5], raw[4]
	g[6], g[7] = raw[7], raw[6]
	copy(g[8:], raw[8:])
	return g
}

func guidString(g [16]byte) string {
	raw := []byte{g[3], g[2], g[1], g[0], g[5], g[4], g[7], g[6]}
	raw = append(raw, g[8:]...)
	h := strings.ToUpper(hex.EncodeToString(raw))
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}
