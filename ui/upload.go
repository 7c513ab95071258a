package ui

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/ims-wizard/ims-wizard/client"
	"github.com/ims-wizard/ims-wizard/client/l10n"
)

// uploadSnap is what an upload's page draws: a copy taken under the job's
// lock, so the wizard never shares state with the upload's goroutines.
type uploadSnap struct {
	phase     client.UploadPhase
	progress  client.UploadProgress
	sent      *client.UploadResult // the PUT's answer, once it came
	statuses  []string             // the image's statuses in the order seen
	waitStart time.Time
}

// uploadJob is one upload through the client's pipeline (RunUpload). Its
// hooks, called from the pipeline's goroutines, only record into the job
// and signal notify; readers take snapshots: the full-screen wizard as
// messages, accessible mode on its own goroutine.
type uploadJob struct {
	up    Uploader
	check *client.UploadCheck

	mu     sync.Mutex
	snap   uploadSnap
	notify chan struct{} // capacity 1: something changed since the last snapshot
	done   chan struct{} // closed when run returns
}

func newUploadJob(up Uploader, check *client.UploadCheck) *uploadJob {
	j := &uploadJob{up: up, check: check, notify: make(chan struct{}, 1), done: make(chan struct{})}
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

func (j *uploadJob) record(f func(*uploadSnap)) {
	j.mu.Lock()
	f(&j.snap)
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

// uploadOutcome is how an upload ended: the pipeline's outcome and the
// last snapshot.
type uploadOutcome struct {
	client.UploadOutcome
	snap uploadSnap
}

// run uploads, waits and verifies, as `ims-wizard upload` does: the
// timings, the wait's end and the verdict on the image are the client's.
func (j *uploadJob) run(ctx context.Context) uploadOutcome {
	defer close(j.done)
	o := j.up.RunUpload(ctx, j.check, client.UploadOptions{Wait: client.UploadWaitLimit, Hooks: client.UploadHooks{
		Progress: func(p client.UploadProgress) { j.record(func(s *uploadSnap) { s.progress = p }) },
		Status: func(st string) {
			j.record(func(s *uploadSnap) {
				if n := len(s.statuses); n == 0 || s.statuses[n-1] != st {
					s.statuses = append(s.statuses, st)
				}
			})
		},
		Sent: func(r *client.UploadResult) {
			j.record(func(s *uploadSnap) {
				s.phase, s.sent, s.waitStart = client.PhaseWaiting, r, time.Now()
				s.progress.Sent = r.Bytes
			})
		},
	}})
	return uploadOutcome{UploadOutcome: o, snap: j.snapshot()}
}

// stoppedText says what a stopped (cancelled) upload did.
func stoppedText(loc *l10n.Localizer, o uploadOutcome, id string) string {
	var head string
	if o.Sent == nil {
		head = loc.T("ui.upload.cancelled_after", l10n.Args{"Sent": client.FormatBytes(o.Progress.Sent), "Total": client.FormatBytes(o.Progress.Total)})
	} else {
		head = loc.T("ui.upload.stopped_waiting", l10n.Args{"Size": client.FormatBytes(o.Sent.Bytes), "MD5": o.Sent.MD5})
	}
	return head + " " + o.StatusAfter(loc, id) + "."
}

// resolvePath turns what the user typed into a path: ~ is the home
// directory, a relative path is relative to dir.
func resolvePath(typed, dir string) string {
	p := unquotePath(strings.TrimSpace(typed), dir)
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
func progressText(loc *l10n.Localizer, p client.UploadProgress) string {
	return loc.T("ui.upload.progress", l10n.Args{"Sent": client.FormatBytes(p.Sent), "Total": client.FormatBytes(p.Total),
		"Rate": client.FormatBytes(int64(p.Rate)), "ETA": p.ETAText()})
}

// statusTrail is "queued → saving → active".
func statusTrail(statuses []string) string {
	out := make([]string, len(statuses))
	for i, s := range statuses {
		out[i] = client.Inert(s)
	}
	return strings.Join(out, " → ")
}

// checkUpload is the check before an upload from the wizard: the client's
// (CheckUpload: the file, the limits, the image queued), then the file's
// format against the image's disk_format, as ims-wizard upload refuses it
// (without --force). A format refusal is a problemError.
func checkUpload(ctx context.Context, up Uploader, img *client.Image, path string) (*client.UploadCheck, error) {
	check, err := up.CheckUpload(ctx, img.ID, path)
	if err != nil {
		return nil, err
	}
	f, problem := client.InspectImageFile(path)
	if problem == nil {
		problem = firstBlocking(f.Problems(client.Request{DiskFormat: img.DiskFormat}).For(client.FieldImageFile, client.FieldDiskFormat))
	}
	if problem != nil {
		return nil, problemError{*problem}
	}
	return check, nil
}

// unquotePath is a path as a terminal pastes a dropped file: in quotes
// ('/tmp/my disk.qcow2'), or with its blanks escaped (/tmp/my\ disk.qcow2).
// A path that exists as typed (in dir, when relative) is kept as typed.
func unquotePath(p, dir string) string {
	exists := func() bool {
		q := p
		if !filepath.IsAbs(q) && dir != "" {
			q = filepath.Join(dir, q)
		}
		_, err := os.Lstat(q)
		return err == nil
	}
	if len(p) >= 2 && (p[0] == '\'' || p[0] == '"') && p[len(p)-1] == p[0] {
		if !exists() {
			return p[1 : len(p)-1]
		}
	}
	if strings.Contains(p, "\\ ") {
		if !exists() {
			return strings.ReplaceAll(p, "\\ ", " ")
		}
	}
	return p
}
