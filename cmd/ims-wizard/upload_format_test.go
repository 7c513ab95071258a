package main

import (
	"encoding/json"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ims-wizard/ims-wizard/client/clienttest"
)

// qcow2File makes a real qcow2 file with qemu-img (skipped where it is
// missing, failed in CI, where .ci/glance install puts it).
func qcow2File(t *testing.T) string {
	t.Helper()
	if _, err := exec.LookPath("qemu-img"); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("qemu-img is not installed in CI: .ci/glance install must install qemu-utils")
		}
		t.Skip("qemu-img not installed (Debian: qemu-utils; `.ci/glance install` installs it)")
	}
	path := filepath.Join(t.TempDir(), "disk.qcow2")
	if out, err := exec.Command("qemu-img", "create", "-q", "-f", "qcow2", path, "3G").CombinedOutput(); err != nil {
		t.Fatalf("qemu-img: %v\n%s", err, out)
	}
	return path
}

// imageStatus reads the image's status straight from the server.
func imageStatus(t *testing.T, endpoint, id string) string {
	t.Helper()
	resp, err := http.Get(strings.TrimRight(endpoint, "/") + "/v2/images/" + id)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var img struct{ Status string }
	if err := json.NewDecoder(resp.Body).Decode(&img); err != nil {
		t.Fatal(err)
	}
	return img.Status
}

// A file whose format is not the image's disk_format is refused before
// anything is sent (exit 2, both named, the image still queued); --force
// sends it with a warning.
func TestUploadRefusesAMismatchedFormat(t *testing.T) {
	t.Parallel()
	file := qcow2File(t)
	for _, s := range servers(t) {
		t.Run(s.name, func(t *testing.T) {
			id := createImage(t, s.url) // disk_format raw

			r := runCLI(t, cleanEnv(t), "upload", id, file, "--endpoint", s.url, "-o", "json")
			if r.code != 2 || r.stdout != "" {
				t.Fatalf("code %d\nstdout %q\nstderr %s", r.code, r.stdout, r.stderr)
			}
			for _, want := range []string{"the file is qcow2 (version 3), 3.0 GiB virtual but the image's disk_format is raw", "--disk-format qcow2", "--force"} {
				if !strings.Contains(r.stderr, want) {
					t.Errorf("stderr lacks %q:\n%s", want, r.stderr)
				}
			}
			if st := imageStatus(t, s.url, id); st != "queued" {
				t.Fatalf("after the refusal the image is %s, want queued", st)
			}
			r = runCLI(t, cleanEnv(t), "upload", id, file, "--endpoint", s.url, "--lang", "es")
			if r.code != 2 || !strings.Contains(r.stderr, "el archivo es qcow2 (versión 3), 3.0 GiB de tamaño virtual, pero el disk_format de la imagen es raw") ||
				!strings.Contains(r.stderr, "use --force para enviarlo de todos modos") {
				t.Fatalf("--lang es: code %d\n%s", r.code, r.stderr)
			}

			r = runCLI(t, cleanEnv(t), "upload", id, file, "--endpoint", s.url, "-o", "json", "--force")
			if r.code != 0 || decode(t, r.stdout)["status"] != "active" {
				t.Fatalf("--force: code %d\n%s", r.code, r.stderr)
			}
			if !strings.Contains(r.stderr, "warning: sending it anyway (--force): the file is qcow2") {
				t.Errorf("--force says nothing of the mismatch:\n%s", r.stderr)
			}
		})
	}
}

// The default disk_format is zvhd2, whose files ims-wizard cannot check
// for sure: a file without its signature is warned about, not refused.
func TestUploadToZVHD2ImageWarns(t *testing.T) {
	t.Parallel()
	file, _ := clienttest.RandomFile(t, t.TempDir(), "disk.img", 1<<20)
	for _, s := range servers(t) {
		t.Run(s.name, func(t *testing.T) {
			r := runCLI(t, cleanEnv(t), "--yes", "--endpoint", s.url, "--name", uniqueName("zvhd2"), "-o", "json")
			if r.code != 0 {
				t.Fatalf("create: %d\n%s", r.code, r.stderr)
			}
			img := decode(t, r.stdout)
			if img["disk_format"] != "zvhd2" {
				t.Fatalf("default disk_format %v", img["disk_format"])
			}
			r = runCLI(t, cleanEnv(t), "upload", img["id"].(string), file, "--endpoint", s.url, "-o", "json")
			if r.code != 0 || !strings.Contains(r.stderr, "warning: disk_format: zvhd2 cannot be checked") {
				t.Fatalf("code %d\n%s", r.code, r.stderr)
			}
		})
	}
}
