package main

import (
	"fmt"
	"github.com/ims-wizard/ims-wizard/client/clienttest"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// slowIMS serves one image whose status lags behind the upload, as IMS's
// does: "saving" while the file comes, and for settle after the PUT ends
// (failed: the PUT is answered 500 and the image goes back to queued;
// otherwise it is answered 204 and the image stays saving for ever).
type slowIMS struct {
	failed bool
	settle time.Duration

	mu    sync.Mutex
	until time.Time // saving until then (zero: for ever, once saving)
	state string
}

func (f *slowIMS) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if r.Method == http.MethodPut {
		f.mu.Unlock()
		_, _ = io.Copy(io.Discard, r.Body)
		f.mu.Lock()
		f.state = "saving"
		if f.failed {
			f.until = time.Now().Add(f.settle)
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusInternalServerError)
			io.WriteString(w, `{"error":{"code":"IMG.0500","message":"the store failed"}}`)
			return
		}
		w.WriteHeader(http.StatusNoContent)
		return
	}
	if f.state == "saving" && !f.until.IsZero() && time.Now().After(f.until) {
		f.state = "queued"
	}
	w.Header().Set("Content-Type", "application/json")
	fmt.Fprintf(w, `{"id": "img-1", "name": "slow", "status": %q, "disk_format": "raw", "container_format": "bare"}`, f.state)
}

// A failed upload reports the image's status once the server has seen the
// upload end: read again while it still says saving.
func TestUploadFailureReportsSettledStatus(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(&slowIMS{failed: true, settle: 700 * time.Millisecond, state: "queued"})
	defer srv.Close()
	file, _ := clienttest.RandomFile(t, t.TempDir(), "disk.raw", 1<<20)
	r := runCLI(t, cleanEnv(t), "upload", "img-1", file, "--endpoint", srv.URL)
	noPanic(t, r)
	if r.code != 3 || !strings.Contains(r.stderr, "HTTP 500") || !strings.Contains(r.stderr, "afterwards: GET /v2/images/img-1 says it is now queued") {
		t.Fatalf("exit %d, want 3 and the status after the server settled:\n%s", r.code, r.stderr)
	}
}

// A --wait that runs out exits 4, as the wizard does, with the image's
// status and what to do.
func TestUploadWaitRunsOutExit4(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(&slowIMS{state: "queued"})
	defer srv.Close()
	file, _ := clienttest.RandomFile(t, t.TempDir(), "disk.raw", 1<<20)
	r := runCLI(t, cleanEnv(t), "upload", "img-1", file, "--endpoint", srv.URL, "--wait", "1500ms", "-o", "json")
	noPanic(t, r)
	if r.code != 4 || r.stdout != "" {
		t.Fatalf("exit %d, stdout %q; want 4 and nothing\n%s", r.code, r.stdout, r.stderr)
	}
	for _, want := range []string{"error: the file was sent but the image is still saving", "after 1.5s",
		"what to do: read it again later (GET /v2/images/img-1)"} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, r.stderr)
		}
	}
}

// The wait runs out before any read of the image answered (a slow server,
// a short --wait): the same exit 4 and advice, the status said unknown,
// not an unexpected error (it was exit 1 with "context deadline exceeded").
func TestUploadWaitRunsOutBeforeAnyRead(t *testing.T) {
	t.Parallel()
	release := make(chan struct{})
	slow := &slowIMS{state: "queued"}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		slow.mu.Lock()
		sent := slow.state == "saving"
		slow.mu.Unlock()
		if r.Method == http.MethodGet && sent {
			select { // a read after the file was sent answers late
			case <-release:
			case <-time.After(10 * time.Second):
			}
		}
		slow.ServeHTTP(w, r)
	}))
	defer srv.Close()
	defer close(release) // first: the held read ends, so Close does not wait
	file, _ := clienttest.RandomFile(t, t.TempDir(), "disk.raw", 1<<20)
	r := runInProcess(t, cleanEnv(t), "upload", "img-1", file, "--endpoint", srv.URL, "--wait", "100ms")
	if r.code != 4 {
		t.Fatalf("exit %d; want 4\n%s", r.code, r.stderr)
	}
	for _, want := range []string{"error: the file was sent but no read of the image answered within 100ms: its status is not known yet",
		"what to do: read it again later (GET /v2/images/img-1)"} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, r.stderr)
		}
	}
}
