package main

import (
	"context"
	"crypto/md5"
	"encoding/hex"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/ims-wizard/ims-wizard/client"
)

// createFiles are real image files made once per run by qemu-img, next to
// the binary (TestMain removes them with it): a 60 GiB qcow2 (sparse: a
// few hundred KiB on disk) and a 2 GiB VMDK. Tests only read them; one that
// writes next to a file copies it first.
var createFiles = struct {
	once sync.Once
	dir  string
	err  error
}{}

func createFile(t *testing.T, name string) string {
	t.Helper()
	if _, err := exec.LookPath("qemu-img"); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("qemu-img is not installed in CI: .ci/glance install must install qemu-utils")
		}
		t.Skip("qemu-img not installed (Debian: qemu-utils; `.ci/glance install` installs it)")
	}
	createFiles.once.Do(func() {
		dir := filepath.Join(filepath.Dir(binary), "files")
		if err := os.Mkdir(dir, 0o700); err != nil {
			createFiles.err = err
			return
		}
		for _, args := range [][]string{{"-f", "qcow2", "disk.qcow2", "60G"}, {"-f", "vmdk", "disk.vmdk", "2G"}} {
			cmd := exec.Command("qemu-img", append([]string{"create", "-q"}, args...)...)
			cmd.Dir = dir
			if out, err := cmd.CombinedOutput(); err != nil {
				createFiles.err = &exec.ExitError{Stderr: out}
				return
			}
		}
		createFiles.dir = dir
	})
	if createFiles.err != nil {
		t.Fatalf("making the image files: %v", createFiles.err)
	}
	return filepath.Join(createFiles.dir, name)
}

func fileMD5(t *testing.T, path string) string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	h := md5.New()
	if _, err := io.Copy(h, f); err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// nothingCreated fails when an image of that name exists on the server.
func nothingCreated(t *testing.T, endpoint, name string) {
	t.Helper()
	c, err := client.New(client.Config{Endpoint: endpoint})
	if err != nil {
		t.Fatal(err)
	}
	if imgs, err := c.ListByName(context.Background(), name); err != nil || len(imgs) != 0 {
		t.Fatalf("an image %q was created (%d, %v)", name, len(imgs), err)
	}
}

// create --file PATH --yes: disk_format and min_disk from the file, then
// the upload, active with the checksum verified; -o json prints the final
// image alone.
func TestCreateWithFileUploads(t *testing.T) {
	t.Parallel()
	qcow2 := createFile(t, "disk.qcow2")
	sum := fileMD5(t, qcow2)
	for _, s := range servers(t) {
		t.Run(s.name, func(t *testing.T) {
			r := runCLI(t, cleanEnv(t), "--yes", "--endpoint", s.url, "--name", uniqueName("file"), "--file", qcow2, "-o", "json")
			if r.code != 0 {
				t.Fatalf("code %d\n%s", r.code, r.stderr)
			}
			img := decode(t, r.stdout) // one JSON object: the final image alone
			if img["status"] != "active" || img["disk_format"] != "qcow2" || img["min_disk"] != float64(60) || img["checksum"] != sum {
				t.Fatalf("final image %v; want active, qcow2, min_disk 60, checksum %s", img, sum)
			}
			for _, want := range []string{"detected: qcow2 (version 3), 60.0 GiB virtual", "from the file: disk_format qcow2, min_disk 60"} {
				if !strings.Contains(r.stderr, want) {
					t.Errorf("stderr lacks %q:\n%s", want, r.stderr)
				}
			}

			// In text: the created image, then the upload's result.
			r = runCLI(t, cleanEnv(t), "--yes", "--endpoint", s.url, "--name", uniqueName("file"), "--file", qcow2, "--min-disk", "61")
			if r.code != 0 {
				t.Fatalf("text: code %d\n%s", r.code, r.stderr)
			}
			for _, want := range []string{"Created image", "Uploaded ", "active: the image is ready to use", sum + " (verified: equals the local file's MD5)"} {
				if !strings.Contains(r.stdout, want) {
					t.Errorf("stdout lacks %q:\n%s", want, r.stdout)
				}
			}
			if strings.Contains(r.stdout, "Next: upload") || !regexp.MustCompile(`min_disk\s+61\n`).MatchString(r.stdout) {
				t.Errorf("stdout:\n%s", r.stdout)
			}
		})
	}
}

// A file that does not fit the flags is refused with every other problem,
// each naming its field and the detected facts, and nothing is created.
func TestCreateWithFileRefusesAMismatch(t *testing.T) {
	t.Parallel()
	qcow2 := createFile(t, "disk.qcow2")
	for _, s := range servers(t) {
		t.Run(s.name, func(t *testing.T) {
			name := uniqueName("mismatch")
			r := runCLI(t, cleanEnv(t), "--yes", "--endpoint", s.url, "--name", name, "--file", qcow2, "--disk-format", "raw", "--min-disk", "50", "--tag", "=v")
			if r.code != 2 || r.stdout != "" {
				t.Fatalf("code %d\nstdout %s\nstderr %s", r.code, r.stdout, r.stderr)
			}
			for _, want := range []string{
				"(3 problems)",
				"tags (--tag): ",
				"disk_format (--disk-format): raw does not fit the file: it is qcow2 (version 3), 60.0 GiB virtual",
				"min_disk (--min-disk): 50 GB is smaller than the disk in the file (qcow2 (version 3), 60.0 GiB virtual; 64424509440 bytes): use at least 60 GB",
			} {
				if !strings.Contains(r.stderr, want) {
					t.Errorf("stderr lacks %q:\n%s", want, r.stderr)
				}
			}
			nothingCreated(t, s.url, name)

			// The same refusal in Spanish.
			r = runCLI(t, cleanEnv(t), "--yes", "--endpoint", s.url, "--name", name, "--file", qcow2, "--disk-format", "raw", "--lang", "es")
			if r.code != 2 || !strings.Contains(r.stderr, "disk_format (--disk-format): raw no corresponde al archivo, que es qcow2 (versión 3), 60.0 GiB de tamaño virtual") ||
				!strings.Contains(r.stderr, "detectado: qcow2 (versión 3)") {
				t.Fatalf("--lang es: code %d\n%s", r.code, r.stderr)
			}
			nothingCreated(t, s.url, name)

			// A dry run checks, shows the body and the upload, sends nothing.
			r = runCLI(t, cleanEnv(t), "--dry-run", "--endpoint", s.url, "--name", name, "--file", qcow2)
			if r.code != 0 || !strings.Contains(r.stdout, `"disk_format": "qcow2"`) || !strings.Contains(r.stdout, `"min_disk": 60`) ||
				!strings.Contains(r.stdout, "Then: PUT "+s.url+"/v2/images/{id}/file with "+qcow2+" (") || !strings.Contains(r.stdout, "; qcow2 (version 3), 60.0 GiB virtual)") {
				t.Fatalf("dry run: code %d\n%s\n%s", r.code, r.stdout, r.stderr)
			}
			nothingCreated(t, s.url, name)
		})
	}
}

// A VMDK is refused on --file with the commands that convert it; the
// printed qemu-img command runs as printed, and its result is created and
// uploaded.
func TestCreateWithFileConvertsAVMDK(t *testing.T) {
	t.Parallel()
	source := createFile(t, "disk.vmdk")
	for _, s := range servers(t) {
		t.Run(s.name, func(t *testing.T) {
			vmdk := filepath.Join(t.TempDir(), "my disk.vmdk")
			b, err := os.ReadFile(source)
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(vmdk, b, 0o600); err != nil {
				t.Fatal(err)
			}
			name := uniqueName("vmdk")
			r := runCLI(t, cleanEnv(t), "--yes", "--endpoint", s.url, "--name", name, "--file", vmdk)
			if r.code != 2 || !strings.Contains(r.stderr, "file (--file): this API does not take vmdk files") || !strings.Contains(r.stderr, "OBS") {
				t.Fatalf("code %d\n%s", r.code, r.stderr)
			}
			nothingCreated(t, s.url, name)
			converted := strings.TrimSuffix(vmdk, ".vmdk") + ".qcow2"
			m := regexp.MustCompile("`(qemu-img convert [^`]+ -O qcow2 [^`]+)`").FindStringSubmatch(r.stderr)
			if m == nil || !strings.HasSuffix(m[1], " '"+converted+"'") {
				t.Fatalf("no qemu-img convert to %s in:\n%s", converted, r.stderr)
			}
			if out, err := exec.Command("bash", "-c", m[1]).CombinedOutput(); err != nil {
				t.Fatalf("%s: %v\n%s", m[1], err, out)
			}
			r = runCLI(t, cleanEnv(t), "--yes", "--endpoint", s.url, "--name", name, "--file", converted, "-o", "json")
			if r.code != 0 {
				t.Fatalf("the converted file: code %d\n%s", r.code, r.stderr)
			}
			if img := decode(t, r.stdout); img["status"] != "active" || img["disk_format"] != "qcow2" || img["min_disk"] != float64(40) {
				t.Fatalf("%v", img)
			}
		})
	}
}

// When the upload fails after the create (the sandbox's own fault
// injection answers the first PUT of a file 503, and the image stays
// queued), stderr says the image exists and prints the command that sends
// the file again, with the connection flags used; it runs as printed.
func TestCreateWithFileUploadFailsThenRetry(t *testing.T) {
	t.Parallel()
	source := createFile(t, "disk.qcow2")
	const fail = "PUT /v2/images/*/file=503*1"
	for _, tc := range []struct {
		name string
		conn func(t *testing.T, env []string) (flags, extraEnv []string)
	}{
		{"served sandbox", func(t *testing.T, env []string) ([]string, []string) {
			return []string{"--endpoint", startSandboxServer(t, env, "--fail", fail)}, nil
		}},
		{"built-in sandbox", func(*testing.T, []string) ([]string, []string) {
			return nil, []string{"IMS_WIZARD_SANDBOX_FAIL=" + fail}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			file := filepath.Join(dir, "it's a disk.qcow2")
			b, err := os.ReadFile(source)
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(file, b, 0o600); err != nil {
				t.Fatal(err)
			}
			env := cleanEnv(t, "PATH="+filepath.Dir(binary)+":"+os.Getenv("PATH"))
			flags, extra := tc.conn(t, env)
			args := append([]string{"--yes", "--name", uniqueName("retry"), "--file", file, "-o", "json"}, flags...)
			r := runCLI(t, append(env, extra...), args...)
			// 503: the server may have acted, so exit 4 (as ims-wizard upload's).
			if r.code != 4 || r.stdout != "" {
				t.Fatalf("code %d, stdout %q\n%s", r.code, r.stdout, r.stderr)
			}
			m := regexp.MustCompile(`Image (\S+) was created on .+, but its file was not uploaded\.\nOnce the cause is fixed, upload the file with:\n  (ims-wizard upload .+)\n`).FindStringSubmatch(r.stderr)
			if m == nil || !strings.Contains(r.stderr, "HTTP 503") || !strings.Contains(r.stderr, "is now queued") {
				t.Fatalf("stderr:\n%s", r.stderr)
			}
			id, retry := m[1], m[2]
			wantFlags := " --sandbox --sandbox-dir " // cleanEnv chooses the state's directory
			if len(flags) > 0 {
				wantFlags = " --endpoint " + flags[1]
			}
			if want := "ims-wizard upload " + id + " '" + strings.ReplaceAll(file, "'", `'\''`) + "'" + wantFlags; !strings.HasPrefix(retry, want) {
				t.Errorf("retry command\n%s\nwant\n%s", retry, want)
			}
			cmd := exec.Command("bash", "-c", retry+" -o json")
			cmd.Dir, cmd.Env = dir, env
			out, err := cmd.Output()
			if err != nil {
				t.Fatalf("%s: %v", retry, err)
			}
			if img := decode(t, string(out)); img["id"] != id || img["status"] != "active" || img["checksum"] != fileMD5(t, file) {
				t.Fatalf("after the retry: %v", img)
			}
		})
	}
}

// On a real terminal, --file without --yes opens the wizard with the
// disk format and minimum disk taken from the file: Enter through every
// step creates the image with them, and uploads the file.
func TestCreateWithFileOpensTheWizardInTmux(t *testing.T) {
	t.Parallel()
	qcow2 := createFile(t, "disk.qcow2")
	env := cleanEnv(t)
	endpoint := startSandboxServer(t, env)
	name := uniqueName("tmux-file")
	p := newPane(t, 100, 30, paneEnv(t, "TERM=xterm-256color", "XDG_STATE_HOME="+t.TempDir())+" "+binary+
		" --endpoint "+endpoint+" --name "+name+" --file "+qcow2+"; echo EXIT=$?; sleep 60")
	p.waitFor("Image name")
	p.enterUntil("Image file uploaded")
	p.keys("q")
	p.waitFor("EXIT=0")
	c, err := client.New(client.Config{Endpoint: endpoint})
	if err != nil {
		t.Fatal(err)
	}
	imgs, err := c.ListByName(context.Background(), name)
	if err != nil || len(imgs) != 1 {
		t.Fatalf("%d images named %s (%v)", len(imgs), name, err)
	}
	if img := imgs[0]; img.DiskFormat != "qcow2" || img.MinDisk != 60 || img.Status != "active" {
		t.Fatalf("created with disk_format %s, min_disk %d, now %s; want qcow2 and 60 from the file, active", img.DiskFormat, img.MinDisk, img.Status)
	}
}

// The wizard's first question on a real terminal: yes, the file is here;
// picked in the chooser, it fills the disk format and the minimum disk
// (the disk step says what it found), and is uploaded after the create.
func TestImageFileFirstQuestionInTmux(t *testing.T) {
	t.Parallel()
	qcow2 := createFile(t, "disk.qcow2")
	env := cleanEnv(t)
	endpoint := startSandboxServer(t, env)
	name := uniqueName("first-question")
	p := newPane(t, 100, 30, "cd "+filepath.Dir(qcow2)+" && "+paneEnv(t, "TERM=xterm-256color", "XDG_STATE_HOME="+t.TempDir())+" "+binary+
		" --endpoint "+endpoint+" --name "+name+"; echo EXIT=$?; sleep 60")
	p.waitFor("Is the image file on this machine?")
	p.keys("Down", "Enter")
	p.waitFor("disk.qcow2")
	p.keys("Tab")
	p.text("disk.q")
	p.keys("Tab") // completes the name
	p.waitFor("path disk.qcow2")
	p.keys("Enter")
	for _, step := range []string{"Image name", "Operating system · architecture", "Operating system · platform", "Operating system · version"} {
		p.waitFor(step)
		p.keys("Enter")
	}
	s := p.waitFor("Disk and container format")
	if !strings.Contains(s, "detected: qcow2") || !strings.Contains(s, "> qcow2") {
		t.Fatalf("the disk step does not say what the file is, with qcow2 chosen:\n%s", s)
	}
	p.enterUntil("Image file uploaded")
	p.keys("q")
	p.waitFor("EXIT=0")
	c, err := client.New(client.Config{Endpoint: endpoint})
	if err != nil {
		t.Fatal(err)
	}
	imgs, err := c.ListByName(context.Background(), name)
	if err != nil || len(imgs) != 1 || imgs[0].DiskFormat != "qcow2" || imgs[0].MinDisk != 60 || imgs[0].Status != "active" {
		t.Fatalf("images named %s: %+v (%v); want one, qcow2, min_disk 60, active", name, imgs, err)
	}
}

// Tab then Enter in one go in the chooser's path field act on the
// completed path, as in a shell: Enter used the half-typed one ("disk.q
// does not exist") while the completion was still being computed.
func TestChooserTabEnterTypedAheadInTmux(t *testing.T) {
	t.Parallel()
	qcow2 := createFile(t, "disk.qcow2")
	p := newPane(t, 100, 30, "cd "+filepath.Dir(qcow2)+" && "+paneEnv(t, "TERM=xterm-256color", "XDG_STATE_HOME="+t.TempDir())+" "+binary+
		" --name tab-enter; echo EXIT=$?; sleep 60")
	p.waitFor("Is the image file on this machine?")
	p.keys("Down", "Enter")
	p.waitFor("disk.qcow2")
	p.keys("Tab", "disk.q", "Tab", "Enter") // typing, the start of the name, complete, choose: read at once
	p.waitFor("Image name")
	s := p.enterUntil("Disk and container format")
	if !strings.Contains(s, "detected: qcow2") {
		t.Fatalf("the disk step does not say the file was read:\n%s", s)
	}
	p.keys("C-c")
	p.waitFor("EXIT=")
}
