package create

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ims-wizard/ims-wizard/client"
	"github.com/ims-wizard/ims-wizard/cmd/exitcode"
	"github.com/ims-wizard/ims-wizard/ui"
)

func qcow2(t *testing.T, size string) string {
	t.Helper()
	if _, err := exec.LookPath("qemu-img"); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("qemu-img is not installed in CI: .ci/glance install must install qemu-utils")
		}
		t.Skip("qemu-img not installed (Debian: qemu-utils)")
	}
	path := filepath.Join(t.TempDir(), "disk.qcow2")
	if out, err := exec.Command("qemu-img", "create", "-q", "-f", "qcow2", path, size).CombinedOutput(); err != nil {
		t.Fatalf("qemu-img: %v\n%s", err, out)
	}
	return path
}

// --file on a terminal without --yes opens the wizard with the file
// chosen and its steps prefilled; flags given still win.
func TestFileOpensTheWizardWithTheFile(t *testing.T) {
	path := qcow2(t, "60G")
	_, _, code, o := runWizardCmd(t, []string{"--file", path, "--name", "x"}, func(ui.Options) (*client.Result, error) { return nil, nil })
	if code != 0 || o.ImageFile == nil || o.ImageFile.Path != path || o.ImageFile.Info.VirtualSize != 60*client.GiB {
		t.Fatalf("code %d, ImageFile %+v", code, o.ImageFile)
	}
	if o.Initial.DiskFormat != "qcow2" || o.Initial.MinDisk == nil || *o.Initial.MinDisk != 60 {
		t.Errorf("Initial %+v: want disk_format qcow2, min_disk 60 from the file", o.Initial)
	}
	if strings.Join(o.InitialFields, ",") != client.FieldName {
		t.Errorf("InitialFields %v: what the file gives is a suggestion, not a flag", o.InitialFields)
	}
	_, _, _, o = runWizardCmd(t, []string{"--file", path, "--min-disk", "80", "--disk-format", "raw"}, func(ui.Options) (*client.Result, error) { return nil, nil })
	if o.Initial.DiskFormat != "raw" || *o.Initial.MinDisk != 80 {
		t.Errorf("flags given: %+v", o.Initial)
	}
}

// A file that cannot be read is refused before the wizard opens.
func TestMissingFileRefusedBeforeTheWizard(t *testing.T) {
	opened := false
	_, stderr, code, _ := runWizardCmd(t, []string{"--file", filepath.Join(t.TempDir(), "nope.qcow2")}, func(ui.Options) (*client.Result, error) {
		opened = true
		return nil, nil
	})
	if code != exitcode.Invalid || opened || !strings.Contains(stderr, "file (--file): ") || !strings.Contains(stderr, "nope.qcow2 does not exist") {
		t.Fatalf("code %d, wizard opened %v\n%s", code, opened, stderr)
	}
}

func TestFileWithFromIsAUsageError(t *testing.T) {
	_, _, code, _ := runWizardCmd(t, []string{"--file", "x.qcow2", "--from", "x.json", "--yes"}, nil)
	if code != exitcode.Invalid {
		t.Fatalf("code %d", code)
	}
}
