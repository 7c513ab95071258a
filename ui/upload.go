package ui

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/ims-wizard/ims-wizard/client"
)

// uploadPhase is where an upload is.
type uploadPhase int

const (
	phaseSending uploadPhase = iota // PUT /v2/images/{id}/file
	phaseWaiting                    // the file is sent; GET until active or killed
)

// uploadSnap is what an upload's page draws: a copy taken under the job's
// lock, so the model never shares state with the upload's goroutines.
type uploadSnap struct {
	phase     uploadPhase
	progress  client.UploadProgress
	sent      *client.UploadResult // the PUT's answer, once it came
	statuses  []string             // the image's statuses in the order seen, from the check's
	waitStart time.Time
}

// uploadJob is one upload: the PUT with its progress, the wait for a final
// status, the checksum. run executes on a goroutine of its own; the
// client's callbacks (from the goroutine that sends the body, and from
// WaitForStatus) only record into the job and signal notify. Readers take
// snapshots: the TUI as messages, accessible mode on its own goroutine.
type uploadJob struct {
	up    Uploader
	id    string
	path  string
	size  int64
	image *client.Result // the image as the check read it (queued)

	mu     sync.Mutex
	snap   uploadSnap
	notify chan struct{} // capacity 1: something changed since the last snapshot
	done   chan struct{} // closed when run returns
}

func newUploadJob(up Uploader, id string, check *client.UploadCheck) *uploadJob {
	j := &uploadJob{up: up, id: id, path: check.Path, size: check.Size, image: check.Image,
		notify: make(chan struct{}, 1), done: make(chan struct{})}
	j.snap.progress.Total = check.Size
	if check.Image != nil && check.Image.Image != nil {
		j.snap.statuses = []string{check.Image.Image.Status}
	}
	return j
}

// changed signals a reader without ever blocking the upload.
func (j *uploadJob) changed() {
	select {
	case j.notify <- struct{}{}:
	default:
	}
}

func (j *uploadJob) onProgress(p client.UploadProgress) {
	j.mu.Lock()
	j.snap.progress = p
	j.mu.Unlock()
	j.changed()
}

func (j *uploadJob) onStatus(st string) {
	j.mu.Lock()
	if n := len(j.snap.statuses); n == 0 || j.snap.statuses[n-1] != st {
		j.snap.statuses = append(j.snap.statuses, st)
	}
	j.mu.Unlock()
	j.changed()
}

func (j *uploadJob) snapshot() uploadSnap {
	j.mu.Lock()
	defer j.mu.Unlock()
	s := j.snap
	s.statuses = slices.Clone(s.statuses)
	return s
}

// next waits until something changed (true) or the job ended (false).
func (j *uploadJob) next() bool {
	select {
	case <-j.notify:
		return true
	case <-j.done:
		return false
	}
}

// uploadOutcome is how an upload ended.
type uploadOutcome struct {
	sent     *client.UploadResult // the PUT succeeded (nil: the file was not, or not wholly, sent)
	final    *client.Result       // the image as last read: after the wait, or by the GET after a failure
	checked  bool                 // the server reported a checksum and it was compared
	err      error                // nil: active, checksum verified (or none reported yet)
	stopped  bool                 // the context was cancelled: the user stopped it
	afterErr error                // the GET after a failure failed
	snap     uploadSnap           // the last snapshot
}

// run uploads, waits and verifies, as `ims-wizard upload` does (the
// timings, the wait's end and the verdict on the image are the client's).
func (j *uploadJob) run(ctx context.Context) (o uploadOutcome) {
	defer close(j.done)
	defer func() { o.snap = j.snapshot() }()
	res, err := j.up.UploadFile(ctx, j.id, j.path, j.onProgress)
	if err != nil {
		o.err, o.stopped = err, ctx.Err() != nil
		o.final, o.afterErr = client.SettleAfterUpload(ctx, j.up.Get, j.id)
		return o
	}
	o.sent = res
	j.mu.Lock()
	j.snap.phase, j.snap.sent, j.snap.waitStart = phaseWaiting, res, time.Now()
	j.snap.progress.Sent = res.Bytes
	j.mu.Unlock()
	j.changed()

	final, err := client.WaitUploaded(ctx, j.up.WaitForStatus, j.id, client.UploadWaitLimit, j.onStatus)
	switch {
	case err != nil && ctx.Err() != nil:
		o.err, o.stopped = ctx.Err(), true
		o.final, o.afterErr = client.SettleAfterUpload(ctx, j.up.Get, j.id)
		return o
	case err != nil: // a *client.WaitTimeoutError, or the GET's error
		o.final, o.err = final, err
		return o
	case final == nil || final.Image == nil:
		o.err = errors.New("the server's answer holds no image")
		return o
	}
	o.final = final
	o.checked, o.err = client.VerifyUpload(final.Image, res.MD5)
	return o
}

// withImage is res (the create's answer, with its request id and latency)
// showing img instead: the same image, read again.
func withImage(res, read *client.Result) *client.Result {
	if read == nil || read.Image == nil {
		return res
	}
	if res == nil {
		return read
	}
	out := *res
	out.Image = read.Image
	return &out
}

// uploadInfo is what the result view says about an upload that ended with
// the image active.
type uploadInfo struct {
	path      string
	bytes     int64
	latency   time.Duration
	rate      float64
	md5       string
	requestID string
	verified  bool // the server's checksum equals md5; false: it reported none
}

func newUploadInfo(path string, sent *client.UploadResult, verified bool) *uploadInfo {
	return &uploadInfo{path: path, bytes: sent.Bytes, latency: sent.Latency, rate: sent.Rate(),
		md5: sent.MD5, requestID: sent.RequestID, verified: verified}
}

// afterText says what the image is now, from the GET after a failed or
// stopped upload.
func afterText(id string, after *client.Result, afterErr error) string {
	if afterErr != nil || after == nil || after.Image == nil {
		return fmt.Sprintf("its status could not be read afterwards (%s)", client.Inert(errText(afterErr)))
	}
	st := after.Image.Status
	return fmt.Sprintf("GET /v2/images/%s says it is now %s: %s", client.Inert(id), client.Inert(st), client.StatusMeaning(st))
}

// stoppedText says what a stopped (cancelled) upload did.
func stoppedText(o uploadOutcome, id string) string {
	snap := o.snap
	var head string
	if o.sent == nil {
		head = fmt.Sprintf("Upload cancelled after %s of %s were sent; nothing more is sent.",
			client.FormatBytes(snap.progress.Sent), client.FormatBytes(snap.progress.Total))
	} else {
		head = fmt.Sprintf("Stopped waiting for the image: the file was sent (%s, MD5 %s) but its checksum was not checked.",
			client.FormatBytes(o.sent.Bytes), o.sent.MD5)
	}
	return head + " " + afterText(id, o.final, o.afterErr) + "."
}

// resolvePath turns what the user typed into a path: ~ is the home
// directory, a relative path is relative to dir.
func resolvePath(typed, dir string) string {
	p := strings.TrimSpace(typed)
	if p == "~" || strings.HasPrefix(p, "~/") || strings.HasPrefix(p, "~"+string(filepath.Separator)) {
		if home, err := os.UserHomeDir(); err == nil {
			p = filepath.Join(home, p[1:])
		}
	}
	if p != "" && !filepath.IsAbs(p) && dir != "" {
		p = filepath.Join(dir, p)
	}
	return p
}

// progressText is "3.0 MiB of 8.0 MiB · 1.2 MiB/s · ETA 0:04".
func progressText(p client.UploadProgress) string {
	eta := "--:--"
	if d := p.ETA(); d > 0 || p.Sent >= p.Total {
		eta = clock(d)
	}
	return fmt.Sprintf("%s of %s · %s/s · ETA %s", client.FormatBytes(p.Sent), client.FormatBytes(p.Total),
		client.FormatBytes(int64(p.Rate)), eta)
}

// clock formats a duration as m:ss (or h:mm:ss), as `ims-wizard upload`.
func clock(d time.Duration) string {
	s := int64(d.Round(time.Second) / time.Second)
	if s >= 3600 {
		return fmt.Sprintf("%d:%02d:%02d", s/3600, s/60%60, s%60)
	}
	return fmt.Sprintf("%d:%02d", s/60, s%60)
}

// statusTrail is "queued → saving → active".
func statusTrail(statuses []string) string {
	out := make([]string, len(statuses))
	for i, s := range statuses {
		out[i] = client.Inert(s)
	}
	return strings.Join(out, " → ")
}
