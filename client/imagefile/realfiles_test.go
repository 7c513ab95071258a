package imagefile

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// filesDir holds the real files, made once per run (see realFile.path).
var filesDir string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "imagefile-test")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	filesDir = dir
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// needTool skips a test whose tool is missing on a developer's machine;
// in CI (CI set) a missing tool fails: .ci/glance install installs them.
func needTool(t testing.TB, name string) {
	t.Helper()
	if _, err := exec.LookPath(name); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("%s is not installed in CI: .ci/glance install must install it", name)
		}
		t.Skipf("%s not installed (Debian: qemu-utils, xorriso; `.ci/glance install` installs them)", name)
	}
}

// run runs a command in dir and fails the test with its output if it fails.
func run(t testing.TB, dir string, name string, args ...string) {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
}

// qemuImg runs qemu-img in dir and returns the path of its last argument
// that names a file (the image made).
func qemuImg(t testing.TB, dir string, args ...string) {
	t.Helper()
	needTool(t, "qemu-img")
	// Making a LUKS image, qemu times its key derivation on the thread's
	// CPU clock, and gives up when that clock, coarse on a busy machine,
	// says 0 ms: the same command then works. Anything else fails at once.
	for attempt := 1; ; attempt++ {
		cmd := exec.Command("qemu-img", args...)
		cmd.Dir = dir
		out, err := cmd.CombinedOutput()
		if err == nil {
			return
		}
		if attempt == 5 || !strings.Contains(string(out), "Unable to get accurate CPU usage") {
			t.Fatalf("qemu-img %s: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
}

// qemuVirtualSize is qemu-img info's virtual-size of path read as format.
func qemuVirtualSize(t testing.TB, path, format string) int64 {
	t.Helper()
	out, err := exec.Command("qemu-img", "info", "--output=json", "-f", format, path).Output()
	if err != nil {
		t.Fatalf("qemu-img info %s: %v", path, err)
	}
	var v struct {
		VirtualSize int64 `json:"virtual-size"`
	}
	if err := json.Unmarshal(out, &v); err != nil {
		t.Fatal(err)
	}
	return v.VirtualSize
}

// makeISO builds an ISO 9660 image of one small file with xorriso; with a
// boot image, El Torito makes it bootable.
func makeISO(t testing.TB, dir, name, label string, bootable bool) string {
	t.Helper()
	needTool(t, "xorriso")
	content := filepath.Join(dir, name+".d")
	if err := os.MkdirAll(content, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(content, "README.TXT"), []byte("installer\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	args := []string{"-as", "mkisofs", "-quiet", "-V", label, "-o", name}
	if bootable {
		if err := os.WriteFile(filepath.Join(content, "boot.img"), make([]byte, 4096), 0o644); err != nil {
			t.Fatal(err)
		}
		args = append(args, "-b", "boot.img", "-no-emul-boot", "-c", "boot.cat")
	}
	run(t, dir, "xorriso", append(args, content)...)
	return filepath.Join(dir, name)
}

type realFile struct {
	name    string
	make    func(t testing.TB, dir string) string // returns the file's path
	qemuFmt string                                // compare VirtualSize with qemu-img info's ("": do not)
	want    Info                                  // Format, Version, Subformat, Completeness, BackingFile, Encrypted
}

// madeFiles are the realFiles made so far in this run, by name, under
// madeMu (the tests that use them run in parallel). The tests that read
// them do not write them.
var (
	madeMu    sync.Mutex
	madeFiles = map[string]string{}
)

// path makes the file once per run and returns its path.
func (rf realFile) path(t testing.TB) string {
	t.Helper()
	madeMu.Lock()
	defer madeMu.Unlock()
	if p, ok := madeFiles[rf.name]; ok {
		return p
	}
	dir := filepath.Join(filesDir, seedName.ReplaceAllString(strings.ToLower(rf.name), "-"))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	p := rf.make(t, dir)
	madeFiles[rf.name] = p
	return p
}

// img makes a file with `qemu-img create` and returns its path.
func img(name string, args ...string) func(testing.TB, string) string {
	return func(t testing.TB, dir string) string {
		qemuImg(t, dir, append([]string{"create", "-q"}, args...)...)
		return filepath.Join(dir, name)
	}
}

var realFiles = []realFile{
	{"qcow2 v3", img("disk.qcow2", "-f", "qcow2", "disk.qcow2", "60G"), "qcow2", Info{Format: QCOW2, Version: 3}},
	{"qcow2 v2", img("old.qcow2", "-f", "qcow2", "-o", "compat=0.10", "old.qcow2", "1500M"), "qcow2", Info{Format: QCOW2, Version: 2}},
	{"qcow2 overlay", func(t testing.TB, dir string) string {
		qemuImg(t, dir, "create", "-q", "-f", "qcow2", "base.qcow2", "3G")
		qemuImg(t, dir, "create", "-q", "-f", "qcow2", "-b", "base.qcow2", "-F", "qcow2", "child.qcow2")
		return filepath.Join(dir, "child.qcow2")
	}, "qcow2", Info{Format: QCOW2, Version: 3, Completeness: NeedsParent, BackingFile: "base.qcow2"}},
	{"qcow2 encrypted", img("enc.qcow2", "-f", "qcow2", "--object", "secret,id=s0,data=not-a-secret",
		"-o", "encrypt.format=luks,encrypt.key-secret=s0,encrypt.iter-time=10", "enc.qcow2", "1G"), "", Info{Format: QCOW2, Version: 3, Encrypted: true}},
	{"qcow2 external data", img("ext.qcow2", "-f", "qcow2", "-o", "data_file=ext.data", "ext.qcow2", "1G"), "qcow2", Info{Format: QCOW2, Version: 3, Completeness: ExternalData}},
	{"qcow v1", img("v1.qcow", "-f", "qcow", "v1.qcow", "2G"), "qcow", Info{Format: QCOW, Version: 1}},
	{"vhd dynamic", img("d.vhd", "-f", "vpc", "d.vhd", "10G"), "vpc", Info{Format: VHD, Subformat: "dynamic"}},
	{"vhd fixed", img("f.vhd", "-f", "vpc", "-o", "subformat=fixed", "f.vhd", "100M"), "vpc", Info{Format: VHD, Subformat: "fixed"}},
	{"vhd force_size", img("fs.vhd", "-f", "vpc", "-o", "force_size=on", "fs.vhd", "1G"), "vpc", Info{Format: VHD, Subformat: "dynamic"}},
	{"vhdx dynamic", img("d.vhdx", "-f", "vhdx", "d.vhdx", "60G"), "vhdx", Info{Format: VHDX, Version: 1, Subformat: "dynamic"}},
	{"vhdx fixed", img("f.vhdx", "-f", "vhdx", "-o", "subformat=fixed", "f.vhdx", "64M"), "vhdx", Info{Format: VHDX, Version: 1, Subformat: "fixed"}},
	{"vmdk monolithicSparse", img("s.vmdk", "-f", "vmdk", "s.vmdk", "60G"), "vmdk", Info{Format: VMDK, Version: 1, Subformat: "monolithicSparse"}},
	{"vmdk streamOptimized", img("so.vmdk", "-f", "vmdk", "-o", "subformat=streamOptimized", "so.vmdk", "5G"), "vmdk", Info{Format: VMDK, Version: 3, Subformat: "streamOptimized"}},
	{"vmdk monolithicFlat descriptor", img("flat.vmdk", "-f", "vmdk", "-o", "subformat=monolithicFlat", "flat.vmdk", "64M"), "vmdk",
		Info{Format: VMDK, Subformat: "monolithicFlat", Completeness: DescriptorOnly}},
	{"vmdk monolithicFlat extent", func(t testing.TB, dir string) string {
		img("flat.vmdk", "-f", "vmdk", "-o", "subformat=monolithicFlat", "flat.vmdk", "64M")(t, dir)
		return filepath.Join(dir, "flat-flat.vmdk")
	}, "raw", Info{Format: Raw}},
	{"vmdk twoGbMaxExtentSparse descriptor", img("two.vmdk", "-f", "vmdk", "-o", "subformat=twoGbMaxExtentSparse", "two.vmdk", "3G"), "vmdk",
		Info{Format: VMDK, Subformat: "twoGbMaxExtentSparse", Completeness: DescriptorOnly}},
	{"vmdk twoGbMaxExtentSparse extent", func(t testing.TB, dir string) string {
		img("two.vmdk", "-f", "vmdk", "-o", "subformat=twoGbMaxExtentSparse", "two.vmdk", "3G")(t, dir)
		return filepath.Join(dir, "two-s001.vmdk")
	}, "", Info{Format: VMDK, Version: 1, Completeness: ExtentOnly}},
	{"vmdk child", func(t testing.TB, dir string) string {
		qemuImg(t, dir, "create", "-q", "-f", "vmdk", "parent.vmdk", "2G")
		qemuImg(t, dir, "create", "-q", "-f", "vmdk", "-b", "parent.vmdk", "-F", "vmdk", "child.vmdk")
		return filepath.Join(dir, "child.vmdk")
	}, "vmdk", Info{Format: VMDK, Version: 1, Subformat: "monolithicSparse", Completeness: NeedsParent, BackingFile: "parent.vmdk"}},
	{"vdi dynamic", img("d.vdi", "-f", "vdi", "d.vdi", "8G"), "vdi", Info{Format: VDI, Subformat: "dynamic"}},
	{"vdi static", img("s.vdi", "-f", "vdi", "-o", "static=on", "s.vdi", "32M"), "vdi", Info{Format: VDI, Subformat: "fixed"}},
	{"raw sparse 100 GiB", img("disk.raw", "-f", "raw", "disk.raw", "100G"), "raw", Info{Format: Raw}},
	{"iso", func(t testing.TB, dir string) string { return makeISO(t, dir, "data.iso", "DATA DISC", false) }, "", Info{Format: ISO}},
	{"iso bootable", func(t testing.TB, dir string) string { return makeISO(t, dir, "boot.iso", "DEBIAN 12", true) }, "", Info{Format: ISO}},
}

func TestRealFiles(t *testing.T) {
	t.Parallel()
	for _, rf := range realFiles {
		t.Run(rf.name, func(t *testing.T) {
			path := rf.path(t)
			got, err := Inspect(path)
			if err != nil {
				t.Fatalf("Inspect: %v", err)
			}
			fi, err := os.Stat(path)
			if err != nil {
				t.Fatal(err)
			}
			if got.FileSize != fi.Size() {
				t.Errorf("FileSize %d, want %d", got.FileSize, fi.Size())
			}
			w := rf.want
			if got.Format != w.Format || got.Version != w.Version || got.Subformat != w.Subformat ||
				got.Completeness != w.Completeness || got.BackingFile != w.BackingFile || got.Encrypted != w.Encrypted {
				t.Errorf("got %+v\nwant %+v", *got, w)
			}
			switch {
			case rf.qemuFmt != "":
				if want := qemuVirtualSize(t, path, rf.qemuFmt); got.VirtualSize != want {
					t.Errorf("VirtualSize %d, qemu-img says %d", got.VirtualSize, want)
				}
			case got.Format == ISO:
				if got.VirtualSize != fi.Size() || got.ISO == nil || got.ISO.VolumeSize != fi.Size() {
					t.Errorf("ISO sizes: virtual %d, volume %+v; file %d", got.VirtualSize, got.ISO, fi.Size())
				}
			case got.VirtualSize <= 0:
				t.Errorf("VirtualSize %d", got.VirtualSize)
			}
		})
	}
}

func TestISOFacts(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	plain, err := Inspect(makeISO(t, dir, "data.iso", "DATA DISC", false))
	if err != nil {
		t.Fatal(err)
	}
	boot, err := Inspect(makeISO(t, dir, "boot.iso", "DEBIAN 12", true))
	if err != nil {
		t.Fatal(err)
	}
	if *plain.ISO != (ISOInfo{VolumeSize: plain.FileSize, Label: "DATA DISC"}) {
		t.Errorf("plain ISO: %+v", *plain.ISO)
	}
	if *boot.ISO != (ISOInfo{VolumeSize: boot.FileSize, Label: "DEBIAN 12", Bootable: true}) {
		t.Errorf("bootable ISO: %+v", *boot.ISO)
	}
}

// A streamOptimized VMDK as VMware writes it keeps the grain directory at
// the end and its real header in a footer; qemu-img writes the header up
// front, so the footer form is made from one here.
func TestVMDKFooterHeader(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	qemuImg(t, dir, "create", "-q", "-f", "vmdk", "-o", "subformat=streamOptimized", "so.vmdk", "5G")
	b, err := os.ReadFile(filepath.Join(dir, "so.vmdk"))
	if err != nil {
		t.Fatal(err)
	}
	footer := append([]byte(nil), b[:512]...)
	for i := 56; i < 64; i++ { // gdOffset = GD_AT_END in the leading header
		b[i] = 0xff
	}
	clear(b[12:20])                     // its capacity says nothing: the footer's counts
	b = append(b, make([]byte, 512)...) // footer marker
	b = append(b, footer...)
	b = append(b, make([]byte, 512)...) // end-of-stream marker
	path := filepath.Join(dir, "vmware.vmdk")
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	got, err := Inspect(path)
	if err != nil {
		t.Fatal(err)
	}
	if got.Format != VMDK || got.VirtualSize != 5<<30 || got.Subformat != "streamOptimized" {
		t.Errorf("got %+v", *got)
	}
}
