package imagefile

import (
	"os"
	"path/filepath"
	"testing"
)

// The printed conversion never names a file that exists: qemu-img convert
// would overwrite it without asking.
func TestConvertCommandNeverOverwrites(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	touch := func(name string) {
		if err := os.WriteFile(filepath.Join(dir, name), nil, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	touch("disk.vmdk")
	for _, want := range []string{"disk.qcow2", "disk-converted.qcow2", "disk-converted-2.qcow2", "disk-converted-3.qcow2"} {
		cmd, out, ok := ConvertCommand("disk.vmdk", VMDK, QCOW2)
		if !ok || out != want || cmd != "qemu-img convert -p -f vmdk -O qcow2 disk.vmdk "+want {
			t.Fatalf("%q, %q, %v; want the output %s", cmd, out, ok, want)
		}
		touch(want)
	}
	// A qcow2 flattened into a qcow2 is never written over itself.
	if _, out, _ := ConvertCommand("disk.qcow2", QCOW2, QCOW2); out != "disk-converted-4.qcow2" {
		t.Errorf("qcow2 to qcow2: %s", out)
	}
}
