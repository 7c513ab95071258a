package imagefile

import (
	"encoding/binary"
	"math"
)

// qcow and qcow2 (qemu docs/interop/qcow2.txt, block/qcow.c): a big-endian
// header at offset 0 whose size field is the virtual size in bytes.
const qcowMagic = "QFI\xfb"

const (
	qcowMaxBackingName   = 1023 // qemu refuses longer backing file names
	qcow2MinClusterBits  = 9
	qcow2MaxClusterBits  = 21
	qcow2IncompatCorrupt = 1 << 1
	qcow2IncompatData    = 1 << 2 // external data file
	qcow2IncompatKnown   = 1<<5 - 1
)

func readQCOW(f *file, head []byte) (*Info, error) {
	be := binary.BigEndian
	if len(head) < 48 {
		return nil, &Error{Kind: Truncated, Format: QCOW2, Detail: "the header is shorter than 48 bytes"}
	}
	version := be.Uint32(head[4:])
	info := &Info{Format: QCOW2, Version: int(version)}
	backingOff := be.Uint64(head[8:])
	backingLen := be.Uint32(head[16:])
	size := be.Uint64(head[24:])
	var crypt uint32
	switch version {
	case 1:
		info.Format = QCOW
		crypt = be.Uint32(head[36:])
		if cb := head[32]; cb < qcow2MinClusterBits || cb > 16 {
			return nil, corrupt(QCOW, "cluster_bits %d is outside 9–16", cb)
		}
	case 2, 3:
		if len(head) < 72 {
			return nil, &Error{Kind: Truncated, Format: QCOW2, Detail: "the header is shorter than 72 bytes"}
		}
		cb := be.Uint32(head[20:])
		if cb < qcow2MinClusterBits || cb > qcow2MaxClusterBits {
			return nil, corrupt(QCOW2, "cluster_bits %d is outside %d–%d", cb, qcow2MinClusterBits, qcow2MaxClusterBits)
		}
		crypt = be.Uint32(head[32:])
		if version == 3 {
			if len(head) < 104 {
				return nil, &Error{Kind: Truncated, Format: QCOW2, Detail: "the version 3 header is shorter than 104 bytes"}
			}
			incompat := be.Uint64(head[72:])
			hlen := be.Uint32(head[100:])
			if hlen < 104 || hlen > 1<<cb {
				return nil, corrupt(QCOW2, "header_length %d is outside 104–%d", hlen, 1<<cb)
			}
			if int64(hlen) > f.size {
				return nil, &Error{Kind: Truncated, Format: QCOW2, Detail: "the file is shorter than its header"}
			}
			if incompat&^qcow2IncompatKnown != 0 {
				return nil, corrupt(QCOW2, "unknown incompatible features %#x (made by a newer qemu?)", incompat&^qcow2IncompatKnown)
			}
			if incompat&qcow2IncompatCorrupt != 0 {
				return nil, corrupt(QCOW2, "qemu marked the image corrupt; check it with qemu-img check")
			}
			if incompat&qcow2IncompatData != 0 {
				info.Completeness = ExternalData
			}
		}
	default:
		return nil, corrupt(QCOW2, "version %d (only 1, 2 and 3 exist)", version)
	}
	if size > math.MaxInt64 {
		return nil, corrupt(info.Format, "virtual size %d is out of range", size)
	}
	info.VirtualSize = int64(size)
	info.Encrypted = crypt != 0
	if backingOff != 0 {
		if backingLen == 0 || backingLen > qcowMaxBackingName {
			return nil, corrupt(info.Format, "backing file name length %d is outside 1–%d", backingLen, qcowMaxBackingName)
		}
		if backingOff > math.MaxInt64 {
			return nil, corrupt(info.Format, "backing file name offset %d is out of range", backingOff)
		}
		name, err := f.readAt(int64(backingOff), int(backingLen))
		if err != nil {
			return nil, inFormat(info.Format, err)
		}
		info.BackingFile = string(name)
		info.Completeness = NeedsParent
	}
	return info, nil
}
