package client

import (
	"errors"
	"fmt"
	"io/fs"
	"strings"

	"github.com/ims-wizard/ims-wizard/client/imagefile"
	"github.com/ims-wizard/ims-wizard/client/l10n"
)

// What an image file says about itself (client/imagefile), checked against
// the image's disk_format and min_disk. The facts are imagefile.Info; every
// sentence about them is a message of the catalogue's imagefile area. A
// Problem carries the file's description as a Msg, so that it is
// rendered in the language of the sentence around it.

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
		p := refuse(FieldMinDisk, "imagefile.min_disk.too_large", l10n.Args{
			"Size": FormatBytes(info.VirtualSize), "File": describeMsg(info), "Max": MinDiskHigh})
		return &p
	case minDisk < need:
		// The bytes too: a disk of 10.0 GiB may need 11 GB (qemu's VHDs
		// round up to their geometry).
		p := refuse(FieldMinDisk, "imagefile.min_disk.too_small", l10n.Args{
			"Value": minDisk, "File": describeMsg(info), "Count": info.VirtualSize, "Need": need})
		return &p
	}
	return nil
}

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
		p := warn(FieldDiskFormat, "imagefile.disk_format.unchecked", l10n.Args{
			"DiskFormat": diskFormat, "File": describeMsg(info), "Cookie": quoted(zvhdCookie(diskFormat)), "Raw": info.Format == imagefile.Raw})
		return &p
	}
	p := refuse(FieldDiskFormat, "imagefile.disk_format.mismatch", l10n.Args{"DiskFormat": Inert(diskFormat), "File": describeMsg(info)})
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

// CheckImageFile reports what makes the file unusable whatever the
// disk_format: a format POST /v2/images does not take (with the qemu-img
// command that converts it, and Huawei's OBS route), part of a disk only,
// or encryption. Errors block; warnings do not. Each problem is the fact
// and what to do about it.
func CheckImageFile(path string, info *imagefile.Info) Problems {
	var ps Problems
	for _, p := range fileProblems(path, info) {
		ps = append(ps, refuse(FieldImageFile, "imagefile.file.problem", l10n.Args{"Fact": p.fact, "Remedy": p.remedy}))
	}
	if info.Encrypted {
		ps = append(ps, warn(FieldImageFile, "imagefile.file.encrypted", nil))
	}
	return ps
}

// fileProblem is what is wrong with a file and what to do about it.
type fileProblem struct{ fact, remedy Msg }

// fileProblems are the blocking problems of the file itself: a format this
// API does not take, and a file that holds only part of a disk.
func fileProblems(path string, info *imagefile.Info) []fileProblem {
	var ps []fileProblem
	_, accepted := DiskFormatFor(info)
	// An extent alone cannot be converted: only its descriptor can.
	if !accepted && info.Completeness != imagefile.ExtentOnly {
		ps = append(ps, fileProblem{Msg{ID: "imagefile.fact.unsupported", Args: l10n.Args{"Format": string(info.Format)}}, conversionMsg(path, info)})
	}
	flatten := func() Msg {
		if !accepted {
			return Msg{ID: "imagefile.remedy.flatten_converted"}
		}
		cmd, _, _ := imagefile.ConvertCommand(path, info.Format, imagefile.QCOW2)
		return Msg{ID: "imagefile.remedy.flatten", Args: l10n.Args{"Command": cmd}}
	}
	switch info.Completeness {
	case imagefile.NeedsParent:
		parent := ""
		if info.BackingFile != "" {
			parent = quoted(Inert(info.BackingFile))
		}
		ps = append(ps, fileProblem{Msg{ID: "imagefile.fact.needs_parent", Args: l10n.Args{"Parent": parent}}, flatten()})
	case imagefile.DescriptorOnly:
		ps = append(ps, fileProblem{Msg{ID: "imagefile.fact.descriptor"}, flatten()})
	case imagefile.ExtentOnly:
		ps = append(ps, fileProblem{Msg{ID: "imagefile.fact.extent"}, Msg{ID: "imagefile.remedy.extent"}})
	case imagefile.ExternalData:
		ps = append(ps, fileProblem{Msg{ID: "imagefile.fact.external_data"}, flatten()})
	}
	return ps
}

// ConversionHint says how to turn a file of a format POST /v2/images does
// not take into one it does: the qemu-img commands (to qcow2, and to VHD),
// and Huawei's other route, importing the file from OBS.
func ConversionHint(loc *l10n.Localizer, path string, info *imagefile.Info) string {
	m := conversionMsg(path, info)
	return loc.T(m.ID, m.Args)
}

func conversionMsg(path string, info *imagefile.Info) Msg {
	toQCOW2, _, ok := imagefile.ConvertCommand(path, info.Format, imagefile.QCOW2)
	if !ok {
		return Msg{ID: "imagefile.remedy.convert_huawei"}
	}
	toVHD, _, _ := imagefile.ConvertCommand(path, info.Format, imagefile.VHD)
	return Msg{ID: "imagefile.remedy.convert", Args: l10n.Args{"ToQCOW2": toQCOW2, "ToVHD": toVHD}}
}

// DescribeImageFile is the detected facts in one line, as shown next to
// the disk format: "qcow2 (version 3), 60.0 GiB virtual",
// "iso, 612.0 MiB, volume label \"DEBIAN 12\", bootable".
func DescribeImageFile(loc *l10n.Localizer, info *imagefile.Info) string {
	m := describeMsg(info)
	return loc.T(m.ID, m.Args)
}

// DetectedText is the line the wizard's disk format step shows:
// "detected: qcow2 (version 3), 60.0 GiB virtual".
func DetectedText(loc *l10n.Localizer, info *imagefile.Info) string {
	return loc.T("imagefile.detected", l10n.Args{"File": describeMsg(info)})
}

func describeMsg(info *imagefile.Info) Msg {
	version := 0
	if info.Format == imagefile.QCOW2 || info.Format == imagefile.QCOW {
		version = info.Version
	}
	args := l10n.Args{"Format": string(info.Format), "Version": version, "Subformat": Inert(info.Subformat)}
	switch {
	case info.Format == imagefile.ISO:
		label, bootable := "", false
		if iso := info.ISO; iso != nil {
			if iso.Label != "" {
				label = quoted(Inert(iso.Label))
			}
			bootable = iso.Bootable
		}
		return Msg{ID: "imagefile.describe.iso", Args: l10n.Args{"Size": FormatBytes(info.FileSize), "Label": label, "Bootable": bootable}}
	case info.Format == imagefile.Raw:
		return Msg{ID: "imagefile.describe.raw", Args: l10n.Args{"Size": FormatBytes(info.VirtualSize)}}
	case info.VirtualSize > 0:
		args["Size"] = FormatBytes(info.VirtualSize)
		return Msg{ID: "imagefile.describe.disk", Args: args}
	}
	return Msg{ID: "imagefile.describe.disk_unsized", Args: args}
}

// ImageFile is a local image file read before anything is sent: what the
// wizard's file step and create --file work from.
type ImageFile struct {
	Path string
	Info *imagefile.Info
}

// InspectImageFile reads the header of the file at path (never the whole
// file). A file that cannot be used at all (missing, not a regular file,
// empty, unreadable, damaged header) is a Problem of FieldImageFile.
func InspectImageFile(path string) (*ImageFile, *Problem) {
	info, err := imagefile.Inspect(path)
	if err != nil {
		msg := inspectErrorMsg(path, err)
		p := refuse(FieldImageFile, msg.ID, msg.Args)
		var ie *imagefile.Error
		if errors.As(err, &ie) && (ie.Kind == imagefile.Corrupt || ie.Kind == imagefile.Truncated) {
			p = refuse(FieldImageFile, "imagefile.file.damaged", l10n.Args{"Reason": msg})
		}
		return nil, &p
	}
	if info.FileSize == 0 {
		p := refuse(FieldImageFile, "imagefile.error.empty", l10n.Args{"Path": Inert(path)})
		return nil, &p
	}
	return &ImageFile{Path: path, Info: info}, nil
}

// Suggested is what the file says the request should be: the disk_format
// naming its format ("" when POST /v2/images does not take it; Problems
// then says why) and the min_disk it needs (MinDiskFor).
func (f *ImageFile) Suggested() (diskFormat string, minDisk int64) {
	df, ok := DiskFormatFor(f.Info)
	if !ok {
		df = ""
	}
	gb, _ := MinDiskFor(f.Info)
	return df, gb
}

// Prefill is in with disk_format and min_disk taken from the file where
// given(field) is false (not typed by the user). A format the API does
// not take leaves disk_format as it is.
func (f *ImageFile) Prefill(in Input, given func(field string) bool) Input {
	df, gb := f.Suggested()
	if df != "" && !given(FieldDiskFormat) {
		in.DiskFormat = df
	}
	if !given(FieldMinDisk) {
		in.MinDisk = fmt.Sprint(gb)
	}
	return in
}

// Detected is DetectedText of the file.
func (f *ImageFile) Detected(loc *l10n.Localizer) string { return DetectedText(loc, f.Info) }

// Problems are every finding of the file against request r, each of its
// field: the file itself (FieldImageFile: a format this API does not take,
// part of a disk, encryption), r's disk_format (FieldDiskFormat) and r's
// min_disk (FieldMinDisk; not set is a warning). The wizard's validators
// pick their field's with For.
func (f *ImageFile) Problems(r Request) Problems {
	ps := CheckImageFile(f.Path, f.Info)
	if _, accepted := DiskFormatFor(f.Info); accepted {
		// For a format the API does not take, the conversion is the remedy,
		// not another disk_format.
		if p := CheckDiskFormat(f.Info, r.DiskFormat); p != nil {
			ps = append(ps, *p)
		}
	}
	switch {
	case r.MinDisk != nil:
		if p := CheckMinDisk(f.Info, *r.MinDisk); p != nil {
			ps = append(ps, *p)
		}
	default:
		if need, bounded := MinDiskFor(f.Info); bounded {
			ps = append(ps, warn(FieldMinDisk, "imagefile.min_disk.unset", l10n.Args{"File": describeMsg(f.Info), "Need": need}))
		}
	}
	return ps
}

// Check is Problems for the request that in (the wizard's typed text)
// makes; text that does not parse is left to the field's own validation.
func (f *ImageFile) Check(in Input) Problems {
	r, parse := in.Request()
	var ps Problems
	for _, p := range f.Problems(r) {
		if len(parse.For(p.Field)) == 0 {
			ps = append(ps, p)
		}
	}
	return ps
}

// UploadProblems are the upload's size rules (CheckUploadSize) for this
// file sent to endpoint with auth, as a problem of FieldImageFile: checked
// before the image is created, so that nothing is left half-made.
func (f *ImageFile) UploadProblems(endpoint string, auth AuthKind) Problems {
	var ue *UploadError
	if err := CheckUploadSize(endpoint, auth, f.Info.FileSize); errors.As(err, &ue) {
		return Problems{refuse(FieldImageFile, "imagefile.file.upload_limit", l10n.Args{"Reason": said(ue.Message, ue.Msg), "Hint": said(ue.Hint, ue.Advice)})}
	}
	return nil
}

// ImageFileCheck is what CheckUploadFile found.
type ImageFileCheck struct {
	Info     *imagefile.Info
	Warnings Problems // shown, not blocking
}

// CheckUploadFile reads the header of the file at path and checks it
// against an image whose disk_format is diskFormat, before anything is
// sent. It refuses (an *UploadError, RefusedFormat: the facts in Message,
// what to do in Hint, in loc's language) a detected format that is not
// diskFormat, a format POST /v2/images does not take, a file that holds
// only part of a disk, and a damaged header; what cannot be checked comes
// back as warnings. A file that cannot be read is RefusedFile.
func CheckUploadFile(loc *l10n.Localizer, path, diskFormat string) (*ImageFileCheck, error) {
	info, err := imagefile.Inspect(path)
	if err != nil {
		return nil, uploadFileError(loc, path, err)
	}
	check := &ImageFileCheck{Info: info}
	var facts, remedies []string
	if p := CheckDiskFormat(info, diskFormat); p != nil && p.IsWarning() {
		check.Warnings = append(check.Warnings, *p)
	} else if p != nil {
		facts = append(facts, loc.T("imagefile.fact.mismatch", l10n.Args{"File": describeMsg(info), "DiskFormat": Inert(diskFormat)}))
		if df, ok := DiskFormatFor(info); ok {
			remedies = append(remedies, loc.T("imagefile.remedy.disk_format", l10n.Args{"DiskFormat": df}))
		}
	}
	for _, p := range fileProblems(path, info) {
		facts = append(facts, loc.T(p.fact.ID, p.fact.Args))
		remedies = append(remedies, loc.T(p.remedy.ID, p.remedy.Args))
	}
	if len(facts) > 0 {
		hint := loc.T("imagefile.remedy.force")
		if len(remedies) > 0 {
			hint = loc.T("imagefile.remedy.or_force", l10n.Args{"Remedies": strings.Join(remedies, "; ")})
		}
		return check, &UploadError{Reason: RefusedFormat, Message: strings.Join(facts, "; "), Hint: hint}
	}
	if info.Encrypted {
		check.Warnings = append(check.Warnings, CheckImageFile(path, info)...)
	}
	return check, nil
}

func uploadFileError(loc *l10n.Localizer, path string, err error) error {
	msg := inspectErrorMsg(path, err)
	text := loc.T(msg.ID, msg.Args)
	var ie *imagefile.Error
	if !errors.As(err, &ie) || ie.Kind == imagefile.NotRegular || ie.Kind == imagefile.Unreadable {
		return &UploadError{Reason: RefusedFile, Message: text, Err: err}
	}
	return &UploadError{Reason: RefusedFormat, Message: text, Err: err, Hint: loc.T("imagefile.remedy.damaged")}
}

// inspectErrorMsg is the message of an error of imagefile.Inspect(path).
// The header's technical detail stays as the reader wrote it (English).
func inspectErrorMsg(path string, err error) Msg {
	path = Inert(path)
	var ie *imagefile.Error
	if !errors.As(err, &ie) {
		return Msg{ID: "imagefile.error.unreadable", Args: l10n.Args{"Path": path, "Err": Inert(err.Error())}}
	}
	switch ie.Kind {
	case imagefile.NotRegular:
		return Msg{ID: "imagefile.error.not_regular", Args: l10n.Args{"Path": path, "What": modeMsg(ie.Mode)}}
	case imagefile.Unreadable:
		if errors.Is(ie.Err, fs.ErrNotExist) {
			return Msg{ID: "imagefile.error.missing", Args: l10n.Args{"Path": path}}
		}
		reason := ie.Err
		var pe *fs.PathError
		if errors.As(ie.Err, &pe) {
			reason = pe.Err
		}
		return Msg{ID: "imagefile.error.unreadable", Args: l10n.Args{"Path": path, "Err": Inert(fmt.Sprint(reason))}}
	case imagefile.Truncated:
		return Msg{ID: "imagefile.error.truncated", Args: l10n.Args{"Path": path, "Format": string(ie.Format), "Detail": Inert(ie.Detail)}}
	}
	return Msg{ID: "imagefile.error.corrupt", Args: l10n.Args{"Path": path, "Format": string(ie.Format), "Detail": Inert(ie.Detail)}}
}

func modeMsg(m fs.FileMode) Msg {
	id := "imagefile.mode.unknown"
	switch {
	case m&fs.ModeDir != 0:
		id = "imagefile.mode.directory"
	case m&fs.ModeNamedPipe != 0:
		id = "imagefile.mode.fifo"
	case m&fs.ModeSocket != 0:
		id = "imagefile.mode.socket"
	case m&fs.ModeCharDevice != 0:
		id = "imagefile.mode.char_device"
	case m&fs.ModeDevice != 0:
		id = "imagefile.mode.block_device"
	case m&fs.ModeSymlink != 0:
		id = "imagefile.mode.symlink"
	}
	return Msg{ID: id}
}
