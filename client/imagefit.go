package client

import (
	"errors"
	"fmt"
	"strings"

	"github.com/ims-wizard/ims-wizard/client/imagefile"
)

// What an image file says about itself (client/imagefile), checked against
// the image's disk_format and min_disk. The facts are imagefile.Info; every
// sentence shown to the user about them is built in this file, so that the
// catalogue of translations can take them over from one place.

// FieldImageFile names the image file in problems (the --file flag).
const FieldImageFile = "file"

// RefusedFormat: the file's detected format is not the image's disk_format,
// the file holds only part of a disk, or its header is damaged.
const RefusedFormat UploadRefusal = "disk-format"

// GiB is the unit of IMS's GB limits as this client counts them (binary,
// like HuaweiUploadLimit): min_disk 40 means 40 × 2^30 bytes.
const GiB = 1 << 30

// DiskFormatFor is the disk_format that names the detected format, and
// whether POST /v2/images accepts it (one of DiskFormats). qcow (QEMU's
// version 1) has no disk_format of its own.
func DiskFormatFor(info *imagefile.Info) (diskFormat string, accepted bool) {
	name := string(info.Format)
	for _, f := range DiskFormats {
		if f.Name == name {
			return name, true
		}
	}
	return name, false
}

// MinDiskFor is the min_disk, in GB (GiB), that the file needs: its virtual
// size rounded up to whole GiB, and at least MinDiskLow. bounded is false
// when the file sets no lower bound: an ISO (an installer's size says
// nothing of the disk it installs to, so the floor is only a suggestion)
// or a header that gives no size; gb is then MinDiskLow.
func MinDiskFor(info *imagefile.Info) (gb int64, bounded bool) {
	if info.Format == imagefile.ISO || info.VirtualSize <= 0 {
		return MinDiskLow, false
	}
	return max(CeilGiB(info.VirtualSize), MinDiskLow), true
}

// CeilGiB is n bytes in whole GiB, rounded up.
func CeilGiB(n int64) int64 {
	if n <= 0 {
		return 0
	}
	return (n-1)/GiB + 1
}

// CheckMinDisk reports a min_disk (GB) too small for the disk in the file,
// or a disk larger than any min_disk IMS takes; nil when it fits or the file
// sets no bound (see MinDiskFor).
func CheckMinDisk(info *imagefile.Info, minDisk int64) *Problem {
	need, bounded := MinDiskFor(info)
	switch {
	case !bounded:
		return nil
	case need > MinDiskHigh:
		p := refuse(FieldMinDisk, "the disk in the file is %s (%s): more than IMS's largest min_disk, %d GB (%s)",
			FormatBytes(info.VirtualSize), DescribeImageFile(info), MinDiskHigh, unitNote)
		return &p
	case minDisk < need:
		// The bytes too: a disk of 10.0 GiB may need 11 GB (qemu's VHDs
		// round up to their geometry).
		p := refuse(FieldMinDisk, "%d GB is smaller than the disk in the file (%s; %d bytes): use at least %d GB (%s)",
			minDisk, DescribeImageFile(info), info.VirtualSize, need, unitNote)
		return &p
	}
	return nil
}

const unitNote = "1 GB counted as 2^30 bytes"

// CheckDiskFormat reports a disk_format that does not fit the file: an
// error when the file is positively another format, a warning when the
// format cannot be checked (Huawei's zvhd2 and zvhd: a file without their
// signature is not called a mismatch, see zvhdUncertain). nil when it fits.
func CheckDiskFormat(info *imagefile.Info, diskFormat string) *Problem {
	detected := string(info.Format)
	switch {
	case detected == diskFormat:
		return nil
	case zvhdUncertain(info.Format, diskFormat):
		p := warn(FieldDiskFormat, "%s cannot be checked: the file (%s) has no %s signature (Huawei's qemu-img-hw starts %s files with %q)%s",
			diskFormat, DescribeImageFile(info), diskFormat, diskFormat, zvhdCookie(diskFormat), ifRaw(info))
		return &p
	}
	p := refuse(FieldDiskFormat, "%s does not fit the file: it is %s", diskFormat, DescribeImageFile(info))
	return &p
}

// zvhdUncertain: declared zvhd2 or zvhd and no other signature found, or the
// two Huawei formats crossed (qemu-img-hw can write a zvhd2 readable as
// zvhd, with zvhd's cookie). Huawei's own source is the only description of
// these formats this project has, so their absence proves nothing.
func zvhdUncertain(detected imagefile.Format, diskFormat string) bool {
	huawei := diskFormat == string(imagefile.ZVHD2) || diskFormat == string(imagefile.ZVHD)
	return huawei && (detected == imagefile.Raw || detected == imagefile.ZVHD || detected == imagefile.ZVHD2)
}

func zvhdCookie(diskFormat string) string {
	if diskFormat == string(imagefile.ZVHD) {
		return "stream"
	}
	return "z2strm"
}

func ifRaw(info *imagefile.Info) string {
	if info.Format == imagefile.Raw {
		return "; if it is a plain disk, the image's disk_format should be raw"
	}
	return ""
}

// CheckImageFile reports what makes the file unusable whatever the
// disk_format: a format POST /v2/images does not take (with the qemu-img
// command that converts it, and Huawei's OBS route), part of a disk only,
// or encryption. Errors block; warnings do not.
func CheckImageFile(path string, info *imagefile.Info) Problems {
	var ps Problems
	for _, p := range fileProblems(path, info) {
		ps = append(ps, refuse(FieldImageFile, "%s; %s", p.fact, p.remedy))
	}
	if info.Encrypted {
		ps = append(ps, warn(FieldImageFile, "the file is encrypted: a server cannot boot from it unless the cloud holds its key; decrypt it with qemu-img convert first"))
	}
	return ps
}

// fileProblem is what is wrong with a file and what to do about it.
type fileProblem struct{ fact, remedy string }

// fileProblems are the blocking problems of the file itself: a format this
// API does not take, and a file that holds only part of a disk.
func fileProblems(path string, info *imagefile.Info) []fileProblem {
	var ps []fileProblem
	_, accepted := DiskFormatFor(info)
	// An extent alone cannot be converted: only its descriptor can.
	if !accepted && info.Completeness != imagefile.ExtentOnly {
		ps = append(ps, fileProblem{fmt.Sprintf("this API does not take %s files", info.Format), ConversionHint(path, info)})
	}
	flatten := func() string {
		if !accepted {
			return "the conversion above makes one file of it (run it next to the files it needs)"
		}
		cmd, _, _ := imagefile.ConvertCommand(path, info.Format, imagefile.QCOW2)
		return fmt.Sprintf("make one file of it with `%s` (next to the files it needs)", cmd)
	}
	switch info.Completeness {
	case imagefile.NeedsParent:
		parent := ""
		if info.BackingFile != "" {
			parent = fmt.Sprintf(" (%q)", Inert(info.BackingFile))
		}
		ps = append(ps, fileProblem{fmt.Sprintf("the file holds only the changes against a parent disk%s: uploaded alone it is not a bootable disk", parent), flatten()})
	case imagefile.DescriptorOnly:
		ps = append(ps, fileProblem{"the file is a VMDK descriptor: the disk's data is in the extent files it names", flatten()})
	case imagefile.ExtentOnly:
		ps = append(ps, fileProblem{"the file is one piece of a multi-file VMDK", "convert the small descriptor .vmdk that names it instead"})
	case imagefile.ExternalData:
		ps = append(ps, fileProblem{"the file keeps its data in a separate data file", flatten()})
	}
	return ps
}

// ConversionHint says how to turn a file of a format POST /v2/images does
// not take into one it does: the qemu-img commands (to qcow2, and to VHD),
// and Huawei's other route, importing the file from OBS.
func ConversionHint(path string, info *imagefile.Info) string {
	obs := "or upload it to an OBS bucket and register it with IMS, which imports more formats " +
		"(console: Image Management Service → Create Image → Import Image; API: POST /v2/cloudimages/action)"
	toQCOW2, _, ok := imagefile.ConvertCommand(path, info.Format, imagefile.QCOW2)
	if !ok {
		return "convert it with Huawei's qemu-img-hw (github.com/huaweicloud/ims-qemu-img), " + obs
	}
	toVHD, _, _ := imagefile.ConvertCommand(path, info.Format, imagefile.VHD)
	return fmt.Sprintf("convert it to qcow2 with `%s` (or to VHD with `%s`), %s", toQCOW2, toVHD, obs)
}

// DescribeImageFile is the detected facts in one line, as shown next to
// the disk format: "qcow2 (version 3), 60.0 GiB virtual",
// "iso, 612.0 MiB, label \"DEBIAN 12\", bootable".
func DescribeImageFile(info *imagefile.Info) string {
	var details []string
	if info.Format == imagefile.QCOW2 || info.Format == imagefile.QCOW {
		details = append(details, fmt.Sprintf("version %d", info.Version))
	}
	if info.Subformat != "" {
		details = append(details, Inert(info.Subformat))
	}
	s := string(info.Format)
	if len(details) > 0 {
		s += " (" + strings.Join(details, ", ") + ")"
	}
	switch {
	case info.Format == imagefile.ISO:
		s += ", " + FormatBytes(info.FileSize)
		if iso := info.ISO; iso != nil {
			if iso.Label != "" {
				s += fmt.Sprintf(", label %q", Inert(iso.Label))
			}
			if iso.Bootable {
				s += ", bootable"
			}
		}
	case info.Format == imagefile.Raw:
		s += ", " + FormatBytes(info.VirtualSize)
	case info.VirtualSize > 0:
		s += ", " + FormatBytes(info.VirtualSize) + " virtual"
	default:
		s += ", virtual size unknown"
	}
	return s
}

// ImageFileCheck is what CheckUploadFile found.
type ImageFileCheck struct {
	Info     *imagefile.Info
	Warnings Problems // shown, not blocking
}

// CheckUploadFile reads the header of the file at path and checks it
// against an image whose disk_format is diskFormat, before anything is
// sent. It refuses (an *UploadError, RefusedFormat: the facts in Message,
// what to do in Hint) a detected format that is not diskFormat, a format
// POST /v2/images does not take, a file that holds only part of a disk,
// and a damaged header; what cannot be checked comes back as warnings. A
// file that cannot be read is RefusedFile.
func CheckUploadFile(path, diskFormat string) (*ImageFileCheck, error) {
	info, err := imagefile.Inspect(path)
	if err != nil {
		return nil, uploadFileError(err)
	}
	check := &ImageFileCheck{Info: info}
	var facts, remedies []string
	if p := CheckDiskFormat(info, diskFormat); p != nil && p.IsWarning() {
		check.Warnings = append(check.Warnings, *p)
	} else if p != nil {
		facts = append(facts, fmt.Sprintf("the file is %s but the image's disk_format is %s", DescribeImageFile(info), Inert(diskFormat)))
		if df, ok := DiskFormatFor(info); ok {
			remedies = append(remedies, fmt.Sprintf("create an image with disk_format %s for this file (flag --disk-format %s)", df, df))
		}
	}
	for _, p := range fileProblems(path, info) {
		facts, remedies = append(facts, p.fact), append(remedies, p.remedy)
	}
	if len(facts) > 0 {
		hint := "pass --force to send it anyway"
		if len(remedies) > 0 {
			hint = strings.Join(remedies, "; ") + "; or " + hint
		}
		return check, &UploadError{Reason: RefusedFormat, Message: strings.Join(facts, "; "), Hint: hint}
	}
	if info.Encrypted {
		check.Warnings = append(check.Warnings, CheckImageFile(path, info)...)
	}
	return check, nil
}

func uploadFileError(err error) error {
	var ie *imagefile.Error
	if !errors.As(err, &ie) {
		return &UploadError{Reason: RefusedFile, Message: err.Error(), Err: err}
	}
	switch ie.Kind {
	case imagefile.NotRegular, imagefile.Unreadable:
		return &UploadError{Reason: RefusedFile, Message: ie.Error(), Err: err}
	}
	return &UploadError{Reason: RefusedFormat, Message: ie.Error(), Err: err,
		Hint: "the file may be damaged or incomplete (an unfinished download or copy?): get it again and compare its checksum with the source's; pass --force to send it anyway"}
}
