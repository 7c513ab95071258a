package client

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"

	"github.com/ims-wizard/ims-wizard/client/imagefile"
	"github.com/ims-wizard/ims-wizard/client/l10n"
)

// makeImage runs `qemu-img create -q ARGS…` in dir and returns dir/name;
// it skips on a machine without qemu-img, and fails in CI (CI set), where
// .ci/glance install puts it.
func makeImage(t *testing.T, dir, name string, args ...string) string {
	t.Helper()
	if _, err := exec.LookPath("qemu-img"); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("qemu-img is not installed in CI: .ci/glance install must install qemu-utils")
		}
		t.Skip("qemu-img not installed (Debian: qemu-utils; `.ci/glance install` installs it)")
	}
	cmd := exec.Command("qemu-img", append([]string{"create", "-q"}, args...)...)
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("qemu-img create %v: %v\n%s", args, err, out)
	}
	return filepath.Join(dir, name)
}

func TestDiskFormatFor(t *testing.T) {
	t.Parallel()
	for f, want := range map[imagefile.Format]bool{
		imagefile.QCOW2: true, imagefile.VHD: true, imagefile.Raw: true, imagefile.ISO: true, imagefile.ZVHD2: true,
		imagefile.VHDX: false, imagefile.VMDK: false, imagefile.VDI: false, imagefile.QCOW: false, imagefile.ZVHD: false,
	} {
		name, accepted := DiskFormatFor(&imagefile.Info{Format: f})
		if name != string(f) || accepted != want {
			t.Errorf("%s: %q, %v", f, name, accepted)
		}
	}
}

func TestMinDiskFor(t *testing.T) {
	t.Parallel()
	cases := []struct {
		info    imagefile.Info
		gb      int64
		bounded bool
	}{
		{imagefile.Info{Format: imagefile.QCOW2, VirtualSize: 60 * GiB}, 60, true},
		{imagefile.Info{Format: imagefile.QCOW2, VirtualSize: 60*GiB + 1}, 61, true},
		{imagefile.Info{Format: imagefile.Raw, VirtualSize: 512}, MinDiskLow, true},
		{imagefile.Info{Format: imagefile.VHD, VirtualSize: 300 * GiB}, 300, true},
		{imagefile.Info{Format: imagefile.ISO, VirtualSize: 4 * GiB}, MinDiskLow, false},
		{imagefile.Info{Format: imagefile.ZVHD2}, MinDiskLow, false}, // no size in the header
	}
	for _, c := range cases {
		if gb, bounded := MinDiskFor(&c.info); gb != c.gb || bounded != c.bounded {
			t.Errorf("%+v: %d, %v; want %d, %v", c.info, gb, bounded, c.gb, c.bounded)
		}
	}
}

func TestCheckMinDisk(t *testing.T) {
	t.Parallel()
	disk := &imagefile.Info{Format: imagefile.QCOW2, Version: 3, VirtualSize: 60 * GiB}
	if p := CheckMinDisk(disk, 60); p != nil {
		t.Errorf("60 GB for 60 GiB: %v", p)
	}
	p := CheckMinDisk(disk, 40)
	if p == nil || p.Field != FieldMinDisk || p.IsWarning() ||
		p.Text(nil) != "40 GB is smaller than the disk in the file (qcow2 (version 3), 60.0 GiB virtual; 64424509440 bytes): use at least 60 GB (1 GB counted as 2^30 bytes)" {
		t.Errorf("40 GB for 60 GiB: %+v", p)
	}
	// qemu rounds a VHD up to its CHS geometry: "10G" is a little more.
	vhd, err := imagefile.Inspect(makeImage(t, t.TempDir(), "d.vhd", "-f", "vpc", "d.vhd", "50G"))
	if err != nil {
		t.Fatal(err)
	}
	if p := CheckMinDisk(vhd, 50); p == nil || !strings.Contains(p.Text(nil), "50.0 GiB virtual; 53688360960 bytes): use at least 51 GB") {
		t.Errorf("qemu's 50G VHD in 50 GB: %+v", p)
	}
	huge := &imagefile.Info{Format: imagefile.Raw, VirtualSize: 300 * GiB}
	if p := CheckMinDisk(huge, 255); p == nil || !strings.Contains(p.Text(nil), "more than IMS's largest min_disk, 255 GB") {
		t.Errorf("300 GiB: %+v", p)
	}
	iso := &imagefile.Info{Format: imagefile.ISO, VirtualSize: 4 * GiB, FileSize: 4 * GiB}
	if p := CheckMinDisk(iso, 40); p != nil {
		t.Errorf("an ISO sets no bound: %v", p)
	}
}

func TestCheckDiskFormat(t *testing.T) {
	t.Parallel()
	info := func(f imagefile.Format) *imagefile.Info {
		return &imagefile.Info{Format: f, VirtualSize: GiB, FileSize: GiB}
	}
	cases := []struct {
		detected   imagefile.Format
		diskFormat string
		want       string // "" fits, "error", "warning"
	}{
		{imagefile.QCOW2, "qcow2", ""},
		{imagefile.QCOW2, "raw", "error"},
		{imagefile.Raw, "qcow2", "error"},
		{imagefile.ISO, "raw", "error"},
		{imagefile.Raw, "iso", "error"},
		{imagefile.VHD, "vhd", ""},
		{imagefile.ZVHD2, "zvhd2", ""},
		// Huawei's formats: only what positively is something else is refused.
		{imagefile.QCOW2, "zvhd2", "error"},
		{imagefile.VHD, "zvhd2", "error"},
		{imagefile.Raw, "zvhd2", "warning"},
		{imagefile.ZVHD, "zvhd2", "warning"},
		{imagefile.ZVHD2, "zvhd", "warning"},
		{imagefile.Raw, "zvhd", "warning"},
	}
	for _, c := range cases {
		p := CheckDiskFormat(info(c.detected), c.diskFormat)
		got := ""
		switch {
		case p != nil && p.IsWarning():
			got = "warning"
		case p != nil:
			got = "error"
		}
		if got != c.want || (p != nil && p.Field != FieldDiskFormat) {
			t.Errorf("%s file, disk_format %s: %s %+v; want %s", c.detected, c.diskFormat, got, p, c.want)
		}
	}
	p := CheckDiskFormat(info(imagefile.Raw), "zvhd2")
	if want := `zvhd2 cannot be checked: the file (raw, 1.0 GiB) has no zvhd2 signature (Huawei's qemu-img-hw starts zvhd2 files with "z2strm"); if it is a plain disk, the image's disk_format should be raw`; p.Text(nil) != want {
		t.Errorf("%q\nwant %q", p.Text(nil), want)
	}
}

func TestDescribeImageFile(t *testing.T) {
	t.Parallel()
	cases := map[string]imagefile.Info{
		"qcow2 (version 3), 60.0 GiB virtual": {Format: imagefile.QCOW2, Version: 3, VirtualSize: 60 * GiB},
		"vhd (dynamic), 10.0 GiB virtual":     {Format: imagefile.VHD, Subformat: "dynamic", VirtualSize: 10 * GiB},
		"raw, 2.0 GiB":                        {Format: imagefile.Raw, VirtualSize: 2 * GiB},
		"zvhd2, virtual size unknown":         {Format: imagefile.ZVHD2},
		`iso, 600.0 MiB, volume label "DEBIAN^[]0;x^G", bootable`: {Format: imagefile.ISO, FileSize: 600 << 20,
			ISO: &imagefile.ISOInfo{Label: "DEBIAN\x1b]0;x\x07", Bootable: true}},
	}
	for want, info := range cases {
		if got := DescribeImageFile(nil, &info); got != want {
			t.Errorf("%q, want %q", got, want)
		}
	}
}

// backticked are the commands a message quotes between backticks.
var backticked = regexp.MustCompile("`([^`]+)`")

// runPrinted runs every command quoted in msg with bash, in dir: what the
// program prints for the user to run must run as printed.
func runPrinted(t *testing.T, dir, msg string) {
	t.Helper()
	cmds := backticked.FindAllStringSubmatch(msg, -1)
	if len(cmds) == 0 {
		t.Fatalf("no command in %q", msg)
	}
	for _, m := range cmds {
		cmd := exec.Command("bash", "-c", m[1])
		cmd.Dir = dir
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("%s: %v\n%s", m[1], err, out)
		}
	}
}

func TestCheckUploadFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	qcow2 := makeImage(t, dir, "disk.qcow2", "-f", "qcow2", "disk.qcow2", "1G")

	if check, err := CheckUploadFile(nil, qcow2, "qcow2"); err != nil || check.Info.Format != imagefile.QCOW2 || len(check.Warnings) != 0 {
		t.Fatalf("qcow2 for qcow2: %+v, %v", check, err)
	}

	_, err := CheckUploadFile(nil, qcow2, "raw")
	var ue *UploadError
	if !errors.As(err, &ue) || ue.Reason != RefusedFormat ||
		ue.Message != "the file is qcow2 (version 3), 1.0 GiB virtual but the image's disk_format is raw" ||
		ue.Hint != "create an image with disk_format qcow2 for this file (flag --disk-format qcow2); or pass --force to send it anyway" {
		t.Fatalf("qcow2 for raw: %#v", err)
	}

	raw := filepath.Join(dir, "disk.img")
	if err := os.WriteFile(raw, make([]byte, 1<<20), 0o600); err != nil {
		t.Fatal(err)
	}
	check, err := CheckUploadFile(nil, raw, "zvhd2")
	if err != nil || len(check.Warnings) != 1 || check.Warnings[0].Field != FieldDiskFormat {
		t.Fatalf("raw for zvhd2 (the default) must warn, not refuse: %+v, %v", check, err)
	}

	fifo := filepath.Join(dir, "pipe")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := CheckUploadFile(nil, fifo, "raw"); !errors.As(err, &ue) || ue.Reason != RefusedFile || !strings.Contains(ue.Message, "FIFO") {
		t.Fatalf("FIFO: %v", err)
	}

	damaged := filepath.Join(dir, "damaged file.qcow2")
	b, _ := os.ReadFile(qcow2)
	b[20] = 99 // cluster_bits
	if err := os.WriteFile(damaged, b, 0o600); err != nil {
		t.Fatal(err)
	}
	_, err = CheckUploadFile(nil, damaged, "qcow2")
	if !errors.As(err, &ue) || ue.Reason != RefusedFormat || !strings.Contains(ue.Message, "damaged qcow2 header") || !strings.Contains(ue.Hint, "--force") {
		t.Fatalf("damaged: %v", err)
	}
}

// Formats POST /v2/images does not take are refused with the commands that
// convert them, which run as printed and make files that fit.
func TestConversionHintsRun(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir) // relative names, as a user types them
	files := []string{
		makeImage(t, dir, "disk.vmdk", "-f", "vmdk", "disk.vmdk", "2G"),
		makeImage(t, dir, "it's a disk.vhdx", "-f", "vhdx", "it's a disk.vhdx", "3G"),
		makeImage(t, dir, "-dash.vdi", "-f", "vdi", "--", "-dash.vdi", "1G"),
		makeImage(t, dir, "esc\x1b[31m.vmdk", "-f", "vmdk", "esc\x1b[31m.vmdk", "1G"),
	}
	for _, path := range files {
		rel := filepath.Base(path)
		_, err := CheckUploadFile(nil, rel, "qcow2")
		if err == nil {
			t.Fatalf("%q: not refused", rel)
		}
		msg := err.Error()
		if !strings.Contains(msg, "this API does not take") || !strings.Contains(msg, "OBS") || strings.ContainsRune(msg, 0x1b) {
			t.Errorf("%q: %s", rel, msg)
		}
		runPrinted(t, dir, msg)
		info, _ := imagefile.Inspect(path)
		stem := strings.TrimSuffix(path, filepath.Ext(path))
		for ext, format := range map[string]imagefile.Format{".qcow2": imagefile.QCOW2, ".vhd": imagefile.VHD} {
			out, err := imagefile.Inspect(stem + ext)
			if err != nil || out.Format != format || out.VirtualSize < info.VirtualSize {
				t.Errorf("%s%s: %+v, %v (source %d bytes)", stem, ext, out, err, info.VirtualSize)
			}
		}
	}
}

func TestPartialFilesAreRefused(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	makeImage(t, dir, "base.qcow2", "-f", "qcow2", "base.qcow2", "2G")
	child := makeImage(t, dir, "child.qcow2", "-f", "qcow2", "-b", "base.qcow2", "-F", "qcow2", "child.qcow2")
	_, err := CheckUploadFile(nil, child, "qcow2")
	var ue *UploadError
	if !errors.As(err, &ue) || ue.Reason != RefusedFormat || !strings.Contains(ue.Message, `parent disk ("base.qcow2")`) {
		t.Fatalf("overlay: %v", err)
	}
	runPrinted(t, dir, ue.Hint) // flattens it
	flat, err := imagefile.Inspect(filepath.Join(dir, "child-converted.qcow2"))
	if err != nil || flat.Completeness != imagefile.Complete || flat.VirtualSize != 2*GiB {
		t.Fatalf("flattened: %+v, %v", flat, err)
	}

	desc := makeImage(t, dir, "split.vmdk", "-f", "vmdk", "-o", "subformat=twoGbMaxExtentSparse", "split.vmdk", "3G")
	if _, err := CheckUploadFile(nil, filepath.Join(dir, "split-s001.vmdk"), "vmdk"); err == nil || !strings.Contains(err.Error(), "one piece of a multi-file VMDK") ||
		strings.Contains(err.Error(), "`") {
		t.Errorf("extent (which no command converts alone): %v", err)
	}
	_, err = CheckUploadFile(nil, desc, "vmdk")
	if err == nil || !strings.Contains(err.Error(), "VMDK descriptor") {
		t.Fatalf("descriptor: %v", err)
	}
	runPrinted(t, dir, err.Error())
}

// The wizard's and --file's API: what the file suggests, what it makes of
// a request, each problem of its field.
func TestImageFileAgainstARequest(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	f, p := InspectImageFile(makeImage(t, dir, "disk.qcow2", "-f", "qcow2", "disk.qcow2", "60G"))
	if p != nil {
		t.Fatal(p)
	}
	if df, gb := f.Suggested(); df != "qcow2" || gb != 60 {
		t.Errorf("Suggested: %s, %d", df, gb)
	}
	if got := f.Detected(nil); got != "detected: qcow2 (version 3), 60.0 GiB virtual" {
		t.Errorf("Detected: %q", got)
	}
	given := map[string]bool{}
	in := f.Prefill(Input{Name: "x", MinDisk: "80"}, func(field string) bool { return given[field] })
	if in.DiskFormat != "qcow2" || in.MinDisk != "60" {
		t.Errorf("Prefill, nothing given: %+v", in)
	}
	given[FieldMinDisk] = true
	if in := f.Prefill(Input{MinDisk: "80"}, func(field string) bool { return given[field] }); in.MinDisk != "80" {
		t.Errorf("Prefill kept no typed min_disk: %+v", in)
	}
	if ps := f.Check(Input{Name: "x", DiskFormat: "qcow2", MinDisk: "60"}); len(ps) != 0 {
		t.Errorf("a fitting request: %v", ps)
	}
	ps := f.Check(Input{Name: "x", DiskFormat: "raw", MinDisk: "50"})
	if len(ps.Errors()) != 2 || len(ps.For(FieldDiskFormat)) != 1 || len(ps.For(FieldMinDisk)) != 1 {
		t.Fatalf("raw, 50 GB for a 60 GiB qcow2: %v", ps)
	}
	if got := ps.For(FieldDiskFormat)[0].Text(nil); got != "raw does not fit the file: it is qcow2 (version 3), 60.0 GiB virtual" {
		t.Errorf("%q", got)
	}
	// Text that does not parse is the field's own validation's to report.
	if ps := f.Check(Input{Name: "x", DiskFormat: "qcow2", MinDisk: "abc"}); len(ps) != 0 {
		t.Errorf("min_disk abc: %v", ps)
	}
	if ps := f.Problems(Request{DiskFormat: "qcow2"}); len(ps) != 1 || !ps[0].IsWarning() || ps[0].ID != "imagefile.min_disk.unset" {
		t.Errorf("min_disk not set: %v", ps)
	}
	// A format the API does not take: the conversion, not another disk_format.
	vmdk, _ := InspectImageFile(makeImage(t, dir, "disk.vmdk", "-f", "vmdk", "disk.vmdk", "1G"))
	if df, _ := vmdk.Suggested(); df != "" {
		t.Errorf("VMDK suggests disk_format %q", df)
	}
	ps = vmdk.Problems(Request{DiskFormat: "zvhd2", MinDisk: ptr(int64(40))})
	if len(ps) != 1 || ps[0].Field != FieldImageFile || !strings.Contains(ps[0].Text(nil), "qemu-img convert") {
		t.Errorf("VMDK: %v", ps)
	}
}

func ptr[T any](v T) *T { return &v }

func TestInspectImageFileRefusals(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	empty := filepath.Join(dir, "empty.img")
	if err := os.WriteFile(empty, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	damaged := filepath.Join(dir, "damaged.qcow2")
	b, _ := os.ReadFile(makeImage(t, dir, "disk.qcow2", "-f", "qcow2", "disk.qcow2", "1G"))
	b[20] = 99 // cluster_bits
	if err := os.WriteFile(damaged, b, 0o600); err != nil {
		t.Fatal(err)
	}
	for path, want := range map[string]string{
		filepath.Join(dir, "nope.qcow2"): "nope.qcow2 does not exist",
		dir:                              "is a directory, not an image file",
		empty:                            "empty.img is empty",
		damaged:                          "has a damaged qcow2 header",
	} {
		f, p := InspectImageFile(path)
		if f != nil || p == nil || p.Field != FieldImageFile || !strings.Contains(p.Text(nil), want) {
			t.Errorf("%s: %v, %v; want %q", path, f, p, want)
		}
	}
	if _, p := InspectImageFile(damaged); !strings.Contains(p.Text(nil), "get it again") {
		t.Errorf("damaged: no remedy in %q", p.Text(nil))
	}
}

// Huawei's upload limits are checked before anything is created.
func TestImageFileUploadProblems(t *testing.T) {
	t.Parallel()
	f := &ImageFile{Path: "big.raw", Info: &imagefile.Info{Format: imagefile.Raw, FileSize: 3 * GiB, VirtualSize: 3 * GiB}}
	if ps := f.UploadProblems("https://ims.cn-north-4.myhuaweicloud.com", AuthToken); len(ps) != 1 || ps[0].Field != FieldImageFile || !strings.Contains(ps[0].Text(nil), "OBS") {
		t.Errorf("3 GiB to Huawei: %v", ps)
	}
	if ps := f.UploadProblems("http://127.0.0.1:9292", AuthNone); len(ps) != 0 {
		t.Errorf("3 GiB to a Glance: %v", ps)
	}
}

// Every word of a refusal comes from the catalogue: in Spanish, the file's
// description inside it is Spanish too, and the pseudo-locale marks both.
func TestImageFileWordsAreTranslated(t *testing.T) {
	t.Parallel()
	es := l10n.New(l10n.Spanish)
	disk := &imagefile.Info{Format: imagefile.QCOW2, Version: 3, VirtualSize: 60 * GiB}
	p := CheckMinDisk(disk, 40)
	want := "40 GB es menos que el disco del archivo (qcow2 (versión 3), 60.0 GiB de tamaño virtual; 64424509440 bytes): indique al menos 60 GB (1 GB equivale aquí a 2^30 bytes)"
	if got := p.Text(es); got != want {
		t.Errorf("es:\n%s\nwant\n%s", got, want)
	}
	if got := p.Text(nil); !strings.Contains(got, "60.0 GiB virtual") {
		t.Errorf("the same problem in English: %q", got)
	}
	if got := CheckMinDisk(&imagefile.Info{Format: imagefile.Raw, VirtualSize: 40*GiB + 1}, 40).Text(nil); !strings.Contains(got, "40.0 GiB; 42949672961 bytes") {
		t.Errorf("%q", got)
	}
	pseudo := l10n.New(l10n.Pseudo)
	iso := &imagefile.Info{Format: imagefile.ISO, FileSize: 600 << 20, ISO: &imagefile.ISOInfo{Label: "D", Bootable: true}}
	if got := DetectedText(pseudo, iso); strings.Count(got, l10n.PseudoOpen) != 2 || strings.Contains(got, "bootable") {
		t.Errorf("pseudo: %q", got)
	}
	_, err := CheckUploadFile(es, makeImage(t, t.TempDir(), "d.qcow2", "-f", "qcow2", "d.qcow2", "1G"), "raw")
	var ue *UploadError
	if !errors.As(err, &ue) || ue.Message != "el archivo es qcow2 (versión 3), 1.0 GiB de tamaño virtual, pero el disk_format de la imagen es raw" ||
		!strings.Contains(ue.Hint, "--disk-format qcow2") || !strings.Contains(ue.Hint, "use --force") {
		t.Errorf("es upload refusal: %#v", err)
	}
}
