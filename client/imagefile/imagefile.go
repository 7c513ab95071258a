// Package imagefile reads what an image file says about itself before
// anything is sent: its format and the size of the disk it holds, from its
// header (and footer) only, never the whole file.
//
// It is a leaf package (it imports nothing from this module) so that the
// client, its upload pipeline and both front ends can use it; the rules of
// the API (which disk_format fits, min_disk) live in package client.
//
// Why not a library: the Go readers that exist either open one format only
// or recognise VHD, VHDX and VMDK without reading their sizes (lima-vm's
// go-qcow2reader has stubs for them), and none knows ISO 9660 volume sizes
// or Huawei's zvhd/zvhd2. The parsers here read fixed, bounded regions, as
// OpenStack Glance's format_inspector does, from the layouts in qemu's
// block/*.c, the VHDX and VMDK specifications and Huawei's ims-qemu-img.
package imagefile

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
)

// Format is a file format, named as Glance's disk_format names it.
type Format string

const (
	QCOW2 Format = "qcow2"
	QCOW  Format = "qcow" // QEMU's old version 1 format (no disk_format of that name)
	VHD   Format = "vhd"  // qemu calls it vpc
	VHDX  Format = "vhdx"
	VMDK  Format = "vmdk"
	VDI   Format = "vdi"
	ISO   Format = "iso"
	ZVHD2 Format = "zvhd2" // Huawei's, made by its qemu-img-hw
	ZVHD  Format = "zvhd"  // Huawei's older one
	Raw   Format = "raw"   // no signature found: a plain disk, byte for byte
)

// Completeness says whether the file holds the whole disk.
type Completeness int

const (
	// Complete: the whole disk is in this file.
	Complete Completeness = iota
	// NeedsParent: only the changes against a parent disk are here
	// (qcow2 backing file, differencing VHD/VHDX, VMDK child).
	NeedsParent
	// DescriptorOnly: a VMDK descriptor; the data is in the extent files
	// it names.
	DescriptorOnly
	// ExtentOnly: one extent of a multi-file VMDK, without its descriptor.
	ExtentOnly
	// ExternalData: a qcow2 whose data is in a separate data file.
	ExternalData
)

// Info is what the file says about itself. Strings taken from the file
// (BackingFile, ISO.Label) are as stored: sanitise them before display.
type Info struct {
	Format Format
	// VirtualSize is the size in bytes of the disk the file holds, as
	// qemu reports it. For an ISO and a raw file it is the file's size.
	VirtualSize int64
	FileSize    int64
	// Version is the header's version where it tells formats apart
	// (qcow2: 2 or 3; qcow: 1; VMDK sparse extent: 1–3); 0 otherwise.
	Version int
	// Subformat: "fixed", "dynamic" or "differencing" for VHD, VHDX and
	// VDI; the createType for VMDK ("monolithicSparse", "streamOptimized",
	// "monolithicFlat", …); "" otherwise.
	Subformat    string
	Completeness Completeness
	BackingFile  string // the parent the header names, if any
	Encrypted    bool   // qcow/qcow2 encryption: no cloud can boot it
	ISO          *ISOInfo
}

// ISOInfo is an ISO 9660 primary volume descriptor's facts.
type ISOInfo struct {
	VolumeSize int64  // volume space size × logical block size
	Label      string // the volume identifier, trailing spaces removed
	Bootable   bool   // an El Torito boot record is present
}

// MaxBytesRead bounds what Read reads from any file, whatever its headers
// say (the largest case: a VHDX's two region tables and metadata table).
const MaxBytesRead = 512 << 10

// Inspect reads path's header. It refuses what is not a regular file
// (FIFO, device, socket, directory) before reading anything, and opens
// without blocking, so a FIFO swapped in after the check cannot hang it.
// Errors are *Error.
func Inspect(path string) (*Info, error) { return inspect(path, nil) }

// inspect is Inspect; afterStat, when set, runs between the check and the
// open (a test swaps the file there).
func inspect(path string, afterStat func(string)) (*Info, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, &Error{Path: path, Kind: Unreadable, Err: err}
	}
	if !fi.Mode().IsRegular() {
		return nil, &Error{Path: path, Kind: NotRegular, Mode: fi.Mode().Type()}
	}
	if afterStat != nil {
		afterStat(path)
	}
	f, err := os.OpenFile(path, os.O_RDONLY|openNonBlocking, 0)
	if err != nil {
		return nil, &Error{Path: path, Kind: Unreadable, Err: err}
	}
	defer f.Close()
	// The path may now name something else than what was checked.
	ofi, err := f.Stat()
	if err != nil {
		return nil, &Error{Path: path, Kind: Unreadable, Err: err}
	}
	if !ofi.Mode().IsRegular() || !os.SameFile(fi, ofi) {
		return nil, &Error{Path: path, Kind: NotRegular, Mode: ofi.Mode().Type()}
	}
	info, err := Read(f, ofi.Size())
	if err != nil {
		var e *Error
		if errors.As(err, &e) {
			e.Path = path
		}
		return nil, err
	}
	return info, nil
}

// Read detects the format of the size bytes behind r. It reads at most
// MaxBytesRead bytes, at offsets the formats define, and allocates no
// more than that whatever the headers say. Errors are *Error (without a
// Path).
func Read(r io.ReaderAt, size int64) (*Info, error) {
	if size < 0 {
		return nil, &Error{Kind: Unreadable, Err: fmt.Errorf("negative size %d", size)}
	}
	f := &file{r: r, size: size}
	info, err := detect(f)
	if err != nil {
		return nil, err
	}
	info.FileSize = size
	return info, nil
}

func detect(f *file) (*Info, error) {
	// 2048 bytes: qemu's probe size, for a VMDK descriptor's comments.
	head, err := f.head(2048)
	if err != nil {
		return nil, err
	}
	switch {
	case hasPrefix(head, qcowMagic):
		return readQCOW(f, head)
	case hasPrefix(head, vhdxMagic):
		return readVHDX(f)
	case hasPrefix(head, vmdkSparseMagic):
		return readVMDKSparse(f, head)
	case hasPrefix(head, vmdk3Magic):
		return readVMDK3(f, head)
	case hasPrefix(head, vhdMagic):
		return readVHD(f, head, false)
	case isZVHD(head, zvhd2Cookie):
		return readZVHD(f, head, ZVHD2)
	case isZVHD(head, zvhdCookie):
		return readZVHD(f, head, ZVHD)
	case isVDI(head):
		return readVDI(f, head)
	case looksLikeVMDKDescriptor(head):
		return readVMDKDescriptor(f)
	}
	if size := f.size; size >= 1024 {
		tail, err := f.readAt(size-512, 512)
		if err != nil {
			return nil, err
		}
		if hasPrefix(tail, vhdMagic) {
			return readVHD(f, tail, true)
		}
	}
	if info, ok, err := readISO(f); ok || err != nil {
		return info, err
	}
	return &Info{Format: Raw, VirtualSize: f.size}, nil
}

// file reads bounded regions of r and counts what it read.
type file struct {
	r    io.ReaderAt
	size int64
	read int64 // bytes read so far, kept under MaxBytesRead
}

// head reads up to n bytes from offset 0 (fewer when the file is shorter).
func (f *file) head(n int) ([]byte, error) {
	if int64(n) > f.size {
		n = int(f.size)
	}
	return f.readAt(0, n)
}

// readAt reads exactly n bytes at off, which the caller has checked lie
// inside the file; a region past the end is a truncated file.
func (f *file) readAt(off int64, n int) ([]byte, error) {
	if off < 0 || n < 0 || off > f.size || int64(n) > f.size-off {
		return nil, &Error{Kind: Truncated, Detail: fmt.Sprintf("%d bytes at offset %d lie past its end (%d bytes)", n, off, f.size)}
	}
	if f.read+int64(n) > MaxBytesRead {
		// A header that makes us read more than any valid file needs.
		return nil, &Error{Kind: Corrupt, Detail: "its headers point at more metadata than any valid file has"}
	}
	f.read += int64(n)
	buf := make([]byte, n)
	if n == 0 {
		return buf, nil
	}
	m, err := f.r.ReadAt(buf, off)
	if m == n {
		return buf, nil
	}
	if err == nil || errors.Is(err, io.EOF) {
		// The file shrank while we read it.
		return nil, &Error{Kind: Truncated, Detail: fmt.Sprintf("it ended at %d while reading %d bytes at offset %d", off+int64(m), n, off)}
	}
	return nil, &Error{Kind: Unreadable, Err: err}
}

func hasPrefix(b []byte, magic string) bool {
	return len(b) >= len(magic) && string(b[:len(magic)]) == magic
}

// ErrorKind tells what went wrong.
type ErrorKind int

const (
	// NotRegular: a FIFO, device, socket or directory; nothing was read.
	NotRegular ErrorKind = iota + 1
	// Unreadable: missing, no permission, or an I/O error.
	Unreadable
	// Corrupt: a known signature with a header no valid file has.
	Corrupt
	// Truncated: the header describes more file than there is.
	Truncated
)

// Error is a file that could not be read or whose header is damaged. Path
// is as given: sanitise it before display.
type Error struct {
	Path   string
	Kind   ErrorKind
	Format Format      // the signature found (Corrupt, Truncated)
	Detail string      // what is wrong with the header (Corrupt, Truncated)
	Mode   fs.FileMode // the file's type (NotRegular)
	Err    error       // the system's error (Unreadable)
}

func (e *Error) Error() string {
	name := e.Path
	if name == "" {
		name = "the file"
	}
	switch e.Kind {
	case NotRegular:
		return fmt.Sprintf("%s is %s, not an image file", name, describeMode(e.Mode))
	case Unreadable:
		if errors.Is(e.Err, fs.ErrNotExist) {
			return fmt.Sprintf("%s does not exist", name)
		}
		var pe *fs.PathError
		if errors.As(e.Err, &pe) {
			return fmt.Sprintf("cannot read %s: %v", name, pe.Err)
		}
		return fmt.Sprintf("cannot read %s: %v", name, e.Err)
	case Truncated:
		if e.Format == "" {
			return fmt.Sprintf("%s is cut short: %s", name, e.Detail)
		}
		return fmt.Sprintf("%s is cut short (%s header): %s", name, e.Format, e.Detail)
	}
	if e.Format == "" {
		return fmt.Sprintf("%s is damaged: %s", name, e.Detail)
	}
	return fmt.Sprintf("%s has a damaged %s header: %s", name, e.Format, e.Detail)
}

func (e *Error) Unwrap() error { return e.Err }

func describeMode(m fs.FileMode) string {
	switch {
	case m&fs.ModeDir != 0:
		return "a directory"
	case m&fs.ModeNamedPipe != 0:
		return "a FIFO (named pipe)"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m&fs.ModeCharDevice != 0:
		return "a character device"
	case m&fs.ModeDevice != 0:
		return "a block device"
	case m&fs.ModeSymlink != 0:
		return "a symbolic link"
	}
	return "not a regular file"
}

// corrupt is a damaged header of format.
func corrupt(format Format, detail string, args ...any) error {
	return &Error{Kind: Corrupt, Format: format, Detail: fmt.Sprintf(detail, args...)}
}

// inFormat names format in a Truncated error from readAt.
func inFormat(format Format, err error) error {
	var e *Error
	if errors.As(err, &e) && e.Format == "" {
		e.Format = format
	}
	return err
}
