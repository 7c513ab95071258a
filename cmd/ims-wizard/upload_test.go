package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"github.com/ims-wizard/ims-wizard/client/clienttest"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

func sparseFile(t *testing.T, size int64) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "sparse.img")
	if err := os.WriteFile(path, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(path, size); err != nil {
		t.Fatal(err)
	}
	return path
}

// createImage creates a queued image with the CLI and returns its id.
func createImage(t *testing.T, endpoint string) string {
	t.Helper()
	r := runCLI(t, cleanEnv(t), "--yes", "--endpoint", endpoint, "--name", uniqueName("up"), "--disk-format", "raw", "-o", "json")
	if r.code != 0 {
		t.Fatalf("create: code %d\n%s", r.code, r.stderr)
	}
	id, _ := decode(t, r.stdout)["id"].(string)
	if id == "" {
		t.Fatalf("no id in %s", r.stdout)
	}
	return id
}

func TestUploadAgainstServers(t *testing.T) {
	t.Parallel()
	file, sum := clienttest.RandomFile(t, t.TempDir(), "disk.raw", 24<<20)
	for _, s := range servers(t) {
		t.Run(s.name, func(t *testing.T) {
			id := createImage(t, s.url)

			r := runCLI(t, cleanEnv(t), "upload", id, file, "--endpoint", s.url, "-o", "json")
			if r.code != 0 {
				t.Fatalf("upload: code %d\n%s", r.code, r.stderr)
			}
			img := decode(t, r.stdout)
			if img["status"] != "active" || img["checksum"] != sum || img["id"] != id {
				t.Fatalf("after upload: status %v checksum %v (want active, %s)", img["status"], img["checksum"], sum)
			}
			if strings.Contains(r.stderr, "\r") || strings.Contains(r.stderr, "ETA") {
				t.Fatalf("progress written to a non-terminal stderr: %q", r.stderr)
			}

			t.Run("not queued any more", func(t *testing.T) {
				r := runCLI(t, cleanEnv(t), "upload", id, file, "--endpoint", s.url, "-o", "json")
				if r.code != 2 || !strings.Contains(r.stderr, "is active") || !strings.Contains(r.stderr, "only a queued image") || r.stdout != "" {
					t.Fatalf("code %d\nstdout %q\nstderr %s", r.code, r.stdout, r.stderr)
				}
			})
			t.Run("missing file", func(t *testing.T) {
				missing := filepath.Join(t.TempDir(), "no-such.qcow2")
				r := runCLI(t, cleanEnv(t), "upload", createImage(t, s.url), missing, "--endpoint", s.url)
				if r.code != 2 || !strings.Contains(r.stderr, missing) || r.stdout != "" {
					t.Fatalf("code %d\n%s", r.code, r.stderr)
				}
			})
			t.Run("unknown image", func(t *testing.T) {
				r := runCLI(t, cleanEnv(t), "upload", "00000000-0000-0000-0000-000000000000", file, "--endpoint", s.url)
				if r.code != 3 || !strings.Contains(r.stderr, "HTTP 404") {
					t.Fatalf("code %d\n%s", r.code, r.stderr)
				}
			})
			t.Run("text output says the checksum is verified", func(t *testing.T) {
				r := runCLI(t, cleanEnv(t), "upload", createImage(t, s.url), file, "--endpoint", s.url)
				if r.code != 0 {
					t.Fatalf("code %d\n%s", r.code, r.stderr)
				}
				for _, want := range []string{"Uploaded 24.0 MiB", "active: the image is ready to use", sum + " (verified", "upload "} {
					if !strings.Contains(r.stdout, want) {
						t.Errorf("text output lacks %q:\n%s", want, r.stdout)
					}
				}
			})
		})
	}
}

func TestUploadUsageAndSizeRefusals(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{{"upload"}, {"upload", "id"}, {"upload", "id", "f", "extra"}, {"upload", "", "f"}} {
		if r := runCLI(t, cleanEnv(t), args...); r.code != 2 || !strings.Contains(r.stderr, "<image-id>") {
			t.Errorf("%v: code %d\n%s", args, r.code, r.stderr)
		}
	}
	if r := runCLI(t, cleanEnv(t), "upload", "id", "f", "-o", "yaml"); r.code != 2 || !strings.Contains(r.stderr, "yaml") {
		t.Errorf("-o yaml: code %d\n%s", r.code, r.stderr)
	}

	// Huawei's 2 GB rule is decided from the endpoint alone, before any
	// request: no network is needed to see it.
	big := sparseFile(t, 2<<30)
	r := runCLI(t, cleanEnv(t, "OS_AUTH_TOKEN=tok"), "upload", "some-id", big, "--endpoint", "https://ims.cn-north-4.myhuaweicloud.com")
	if r.code != 2 || !strings.Contains(r.stderr, "2 GB") || !strings.Contains(r.stderr, "OBS") {
		t.Fatalf("2 GB on Huawei: code %d\n%s", r.code, r.stderr)
	}

	// AK/SK signing covers 12 MB.
	srvs := servers(t)
	sb := srvs[0].url
	id := createImage(t, sb)
	over := sparseFile(t, 12<<20+1)
	aksk := cleanEnv(t, "HUAWEICLOUD_SDK_AK=AKEXAMPLE0001", "HUAWEICLOUD_SDK_SK=secret")
	r = runCLI(t, aksk, "upload", id, over, "--endpoint", sb)
	if r.code != 2 || !strings.Contains(r.stderr, "12 MB") || !strings.Contains(r.stderr, "OS_AUTH_TOKEN") || strings.Contains(r.stderr, "secret") {
		t.Fatalf("AK/SK over 12 MB: code %d\n%s", r.code, r.stderr)
	}
	// 12 MB exactly is sent (the sandbox ignores the signature).
	r = runCLI(t, aksk, "upload", id, sparseFile(t, 12<<20), "--endpoint", sb, "-o", "json")
	if r.code != 0 || decode(t, r.stdout)["status"] != "active" {
		t.Fatalf("AK/SK 12 MB: code %d\n%s", r.code, r.stderr)
	}
}

// fakeIMS serves one image for the failure paths the sandbox does not
// produce: a slow upload (to interrupt), a wrong checksum, a killed image.
type fakeIMS struct {
	mode string // "slow", "badsum", "killed"

	mu      sync.Mutex
	status  string
	started chan struct{}
	once    sync.Once
}

func (f *fakeIMS) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodPut {
		f.mu.Lock()
		f.status = "saving"
		f.mu.Unlock()
		buf := make([]byte, 256<<10)
		for {
			_, err := io.ReadFull(r.Body, buf)
			f.once.Do(func() { close(f.started) })
			if err != nil {
				break
			}
			if f.mode == "slow" {
				time.Sleep(100 * time.Millisecond)
			}
		}
		f.mu.Lock()
		switch f.mode {
		case "slow":
			f.status = "queued" // the client went away
		case "badsum":
			f.status = "active"
		case "killed":
			f.status = "killed"
		}
		f.mu.Unlock()
		w.WriteHeader(http.StatusNoContent)
		return
	}
	f.mu.Lock()
	st := f.status
	f.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	fmt.Fprintf(w, `{"id": "img-1", "name": "fake", "status": %q, "checksum": %q, "disk_format": "raw", "container_format": "bare"}`,
		st, map[bool]string{true: "0123456789abcdef0123456789abcdef"}[st == "active"])
}

func newFake(t *testing.T, mode string) string {
	f := &fakeIMS{mode: mode, status: "queued", started: make(chan struct{})}
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	return srv.URL
}

func TestUploadWrongOutcomesExit3(t *testing.T) {
	t.Parallel()
	file, _ := clienttest.RandomFile(t, t.TempDir(), "disk.raw", 1<<20)
	r := runCLI(t, cleanEnv(t), "upload", "img-1", file, "--endpoint", newFake(t, "badsum"), "-o", "json")
	if r.code != 3 || !strings.Contains(r.stderr, "checksum mismatch") || r.stdout != "" {
		t.Fatalf("bad checksum: code %d\nstdout %q\n%s", r.code, r.stdout, r.stderr)
	}
	r = runCLI(t, cleanEnv(t), "upload", "img-1", file, "--endpoint", newFake(t, "killed"))
	if r.code != 3 || !strings.Contains(r.stderr, "killed") {
		t.Fatalf("killed: code %d\n%s", r.code, r.stderr)
	}
}

func TestUploadInterruptedExit130(t *testing.T) {
	t.Parallel()
	f := &fakeIMS{mode: "slow", status: "queued", started: make(chan struct{})}
	srv := httptest.NewServer(f)
	defer srv.Close()
	file, _ := clienttest.RandomFile(t, t.TempDir(), "disk.raw", 64<<20)

	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, binary, "upload", "img-1", file, "--endpoint", srv.URL)
	cmd.Env = cleanEnv(t)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	select {
	case <-f.started:
	case <-time.After(30 * time.Second):
		t.Fatal("the upload never started")
	}
	if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	err := cmd.Wait()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 130 {
		t.Fatalf("want exit 130, got %v\n%s", err, errOut.String())
	}
	for _, want := range []string{"Upload interrupted after", "is now ", "interrupted"} {
		if !strings.Contains(errOut.String(), want) {
			t.Errorf("stderr lacks %q:\n%s", want, errOut.String())
		}
	}
	if out.Len() != 0 {
		t.Errorf("stdout should be empty: %q", out.String())
	}
}
