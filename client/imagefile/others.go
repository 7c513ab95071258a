package imagefile

import (
	"bytes"
	"encoding/binary"
	"fmt"
)

// VDI (VirtualBox; qemu block/vdi.c): a little-endian header whose
// signature is at 0x40; qemu reads only version 1.1.
const (
	vdiSignature = 0xbeda107f
	vdiVersion11 = 0x00010001
)

func isVDI(head []byte) bool {
	return len(head) >= 0x44 && binary.LittleEndian.Uint32(head[0x40:]) == vdiSignature
}

func readVDI(f *file, head []byte) (*Info, error) {
	le := binary.LittleEndian
	if len(head) < 0x180 {
		return nil, &Error{Kind: Truncated, Format: VDI, Detail: "the header is shorter than 384 bytes"}
	}
	if v := le.Uint32(head[0x44:]); v != vdiVersion11 {
		return nil, corrupt(VDI, "version %d.%d (qemu and ims-wizard read 1.1)", v>>16, v&0xffff)
	}
	size := le.Uint64(head[0x170:])
	if size > vmdkMaxSectors*512 {
		return nil, corrupt(VDI, "disk size %d is out of range", size)
	}
	info := &Info{Format: VDI, VirtualSize: int64(size)}
	switch typ := le.Uint32(head[0x4c:]); typ {
	case 1:
		info.Subformat = "dynamic"
	case 2:
		info.Subformat = "fixed"
	case 4:
		info.Subformat = "differencing"
		info.Completeness = NeedsParent
	default:
		return nil, corrupt(VDI, "image type %d (1 dynamic, 2 fixed, 4 differencing)", typ)
	}
	return info, nil
}

// zvhd and zvhd2, Huawei's formats (huaweicloud/ims-qemu-img, src/zvhd.c
// and src/zvhd2.c): a 4 KiB footer at offset 0 that starts with the cookie
// "stream" (zvhd) or "z2strm" (zvhd2), its fields in the writer's byte
// order (little-endian: x86); qemu-img-hw takes the disk's size from
// curr_size at offset 48. Only the cookie is relied on: nothing else is
// checked, so that no real file of Huawei's is ever called damaged.
const (
	zvhdCookie  = "stream"
	zvhd2Cookie = "z2strm"
	zvhdMaxSize = 64 << 40
)

func isZVHD(head []byte, cookie string) bool {
	return len(head) > len(cookie) && hasPrefix(head, cookie) && head[len(cookie)] == 0
}

func readZVHD(f *file, head []byte, format Format) (*Info, error) {
	info := &Info{Format: format}
	if len(head) >= 56 {
		// 0 (unknown) unless plausible: see the comment above.
		if size := binary.LittleEndian.Uint64(head[48:]); size <= zvhdMaxSize {
			info.VirtualSize = int64(size)
		}
	}
	return info, nil
}

// ISO 9660 (ECMA-119): volume descriptors of 2048 bytes from sector 16,
// each "CD001" at byte 1, ended by a terminator (type 255); the primary
// one (type 1) holds the volume's size and label, both-endian.
const (
	isoSector         = 2048
	isoFirst          = 16
	isoMaxDescriptors = 32
	isoMagic          = "CD001"
	isoElTorito       = "EL TORITO SPECIFICATION"
)

// readISO reports ok=false when the file is no ISO 9660 image.
func readISO(f *file) (info *Info, ok bool, err error) {
	if f.size < (isoFirst+1)*isoSector {
		return nil, false, nil
	}
	var pvd []byte
	bootable := false
	for i := int64(0); i < isoMaxDescriptors; i++ {
		off := (isoFirst + i) * isoSector
		if off+isoSector > f.size {
			break
		}
		d, err := f.readAt(off, isoSector)
		if err != nil {
			return nil, i > 0, inFormat(ISO, err)
		}
		if string(d[1:6]) != isoMagic {
			if i == 0 {
				return nil, false, nil
			}
			break
		}
		switch d[0] {
		case 0:
			bootable = bootable || bytes.HasPrefix(d[7:39], []byte(isoElTorito))
		case 1:
			if pvd == nil {
				pvd = d
			}
		}
		if d[0] == 255 {
			break
		}
	}
	if pvd == nil {
		return nil, true, corrupt(ISO, "no primary volume descriptor")
	}
	le, be := binary.LittleEndian, binary.BigEndian
	blocks, block := le.Uint32(pvd[80:]), le.Uint16(pvd[128:])
	if blocks != be.Uint32(pvd[84:]) || block != be.Uint16(pvd[130:]) {
		return nil, true, corrupt(ISO, "the two byte orders of the volume size disagree")
	}
	if block != 512 && block != 1024 && block != 2048 {
		return nil, true, corrupt(ISO, "logical block size %d (512, 1024 or 2048)", block)
	}
	vol := int64(blocks) * int64(block)
	if vol > f.size {
		return nil, true, &Error{Kind: Truncated, Format: ISO,
			Detail: fmt.Sprintf("the volume is %d bytes but the file only %d (an unfinished download?)", vol, f.size)}
	}
	label := string(bytes.TrimRight(pvd[40:72], " \x00"))
	return &Info{Format: ISO, VirtualSize: f.size, ISO: &ISOInfo{VolumeSize: vol, Label: label, Bootable: bootable}}, true, nil
}
