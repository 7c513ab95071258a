package imagefile

import (
	"errors"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// inspectWithin runs Inspect and fails the test if it has not returned
// within a deadline: a FIFO must never make it wait.
func inspectWithin(t *testing.T, path string) (*Info, error) {
	t.Helper()
	return inspectSwapping(t, path, nil)
}

// inspectSwapping is inspectWithin with afterStat run between the check
// and the open.
func inspectSwapping(t *testing.T, path string, afterStat func(string)) (*Info, error) {
	t.Helper()
	type result struct {
		info *Info
		err  error
	}
	done := make(chan result, 1)
	go func() {
		info, err := inspect(path, afterStat)
		done <- result{info, err}
	}()
	select {
	case r := <-done:
		return r.info, r.err
	case <-time.After(10 * time.Second):
		t.Fatalf("Inspect(%s) still blocked after 10 s", path)
		return nil, nil
	}
}

func wantKind(t *testing.T, err error, kind ErrorKind) *Error {
	t.Helper()
	var e *Error
	if !errors.As(err, &e) || e.Kind != kind {
		t.Fatalf("error %v (%T), want kind %d", err, err, kind)
	}
	return e
}

func TestRefusesWhatIsNotARegularFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	fifo := filepath.Join(dir, "disk.fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "link.qcow2")
	if err := os.Symlink(fifo, link); err != nil {
		t.Fatal(err)
	}
	cases := map[string]string{
		fifo:        "a FIFO (named pipe)",
		link:        "a FIFO (named pipe)",
		"/dev/zero": "a character device",
		dir:         "a directory",
	}
	for path, what := range cases {
		_, err := inspectWithin(t, path)
		e := wantKind(t, err, NotRegular)
		if want := path + " is " + what + ", not an image file"; e.Error() != want {
			t.Errorf("%q, want %q", e.Error(), want)
		}
	}
	_, err := Inspect(filepath.Join(dir, "missing.qcow2"))
	if e := wantKind(t, err, Unreadable); !errors.Is(e, os.ErrNotExist) || e.Error() != filepath.Join(dir, "missing.qcow2")+" does not exist" {
		t.Errorf("missing file: %v", e)
	}
}

// A FIFO put in the file's place after the check must neither block the
// open (O_NONBLOCK) nor be read (the opened file is checked again).
func TestFIFOSwappedInAfterTheCheck(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "disk.raw")
	if err := os.WriteFile(path, make([]byte, 4096), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := inspectSwapping(t, path, func(p string) {
		if err := os.Remove(p); err != nil {
			t.Error(err)
		}
		if err := syscall.Mkfifo(p, 0o600); err != nil {
			t.Error(err)
		}
	})
	wantKind(t, err, NotRegular)
}

func TestUnreadableFile(t *testing.T) {
	t.Parallel()
	if os.Geteuid() == 0 {
		t.Skip("root reads files whatever their mode")
	}
	path := filepath.Join(t.TempDir(), "secret.qcow2")
	if err := os.WriteFile(path, []byte("QFI\xfb"), 0o000); err != nil {
		t.Fatal(err)
	}
	_, err := Inspect(path)
	wantKind(t, err, Unreadable)
}
