package localfile

import (
	"errors"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// A FIFO (with no writer), /dev/zero and a symlink to it are refused at
// once: before, opening the FIFO blocked for ever and reading /dev/zero
// never ended.
func TestNonRegularFilesAreRefusedPromptly(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "zero-link")
	if err := os.Symlink("/dev/zero", link); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{fifo, "/dev/zero", link, dir} {
		done := make(chan error, 1)
		go func() { _, err := ReadFile(path, 1<<20); done <- err }()
		select {
		case err := <-done:
			var nr *NotRegularError
			if !errors.As(err, &nr) || !IsRefused(err) {
				t.Errorf("%s: %v, want a NotRegularError", path, err)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("%s: still reading after 10s", path)
		}
	}
}

func TestReadFileCapsTheSize(t *testing.T) {
	path := filepath.Join(t.TempDir(), "big")
	if err := os.WriteFile(path, make([]byte, 2048), 0o600); err != nil {
		t.Fatal(err)
	}
	var tl *TooLargeError
	if _, err := ReadFile(path, 1024); !errors.As(err, &tl) || !IsRefused(err) {
		t.Fatalf("over the cap: %v", err)
	}
	data, err := ReadFile(path, 2048)
	if err != nil || len(data) != 2048 {
		t.Fatalf("at the cap: %d bytes, %v", len(data), err)
	}
	if _, err := ReadFile(filepath.Join(t.TempDir(), "none"), 10); !errors.Is(err, os.ErrNotExist) || IsRefused(err) {
		t.Fatalf("missing file: %v", err)
	}
}

// A symlink to a regular file is followed.
func TestSymlinkToARegularFileIsRead(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "real")
	if err := os.WriteFile(target, []byte("ok"), 0o600); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "link")
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
	if data, err := ReadFile(link, 10); err != nil || string(data) != "ok" {
		t.Fatalf("%q %v", data, err)
	}
}
