package client

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/ims-wizard/ims-wizard/client/l10n"
)

// The upload pipeline, one for every front end (`ims-wizard upload` and the
// wizard): CheckUpload (upload.go), then RunUpload: the PUT with its
// progress and the image's status read while it is sent, the wait for a
// final status, the verdict on the image (checksum), and, after a stopped
// or failed upload, what the image is now. Front ends only draw what the
// hooks report and the outcome says.

const (
	// UploadPollInterval is how often the image is read while waiting for
	// it to leave saving after its file was sent.
	UploadPollInterval = time.Second
	// UploadWaitLimit is how long that wait lasts by default: Glance is
	// active at once, IMS may take minutes for a big file.
	UploadWaitLimit = 30 * time.Minute
	// UploadSettleInterval and UploadSettleLimit: after a cancelled or
	// failed upload the image is read again every UploadSettleInterval
	// while it still says saving (the server has not yet seen the upload
	// end), for at most UploadSettleLimit in all.
	UploadSettleInterval = 200 * time.Millisecond
	UploadSettleLimit    = 5 * time.Second
)

// errNoImageHeld is a read of the image whose answer held none.
var errNoImageHeld error = NewError(nil, "explain.body.no_image_held")

// WaitFunc waits for an image to reach a final status: (*Client).WaitForStatus.
type WaitFunc func(ctx context.Context, id string, interval time.Duration, onStatus func(status string)) (*Result, error)

// GetFunc reads an image once: (*Client).Get.
type GetFunc func(ctx context.Context, id string) (*Result, error)

// WaitTimeoutError is an image whose file was sent but that was still not
// active, killed or deleted when the wait ran out (exit code 4: no answer
// in time).
type WaitTimeoutError struct {
	ID     string        // the image
	Status string        // its status when the wait ran out (saving, normally); "" when no read answered in time
	Wait   time.Duration // how long it was waited for
}

func (e *WaitTimeoutError) Error() string { return e.text(nil) }

// Localize is Error in loc's language.
func (e *WaitTimeoutError) Localize(loc *l10n.Localizer) string { return e.text(loc) }

func (e *WaitTimeoutError) text(loc *l10n.Localizer) string {
	if e.Status == "" {
		return loc.T("explain.wait.timeout_unread", l10n.Args{"Wait": e.Wait.String()})
	}
	return loc.T("explain.wait.timeout", l10n.Args{"Status": Inert(e.Status), "Meaning": StatusMeaningIn(loc, e.Status), "Wait": e.Wait.String()})
}

func (e *WaitTimeoutError) hint(loc *l10n.Localizer) string {
	return loc.T("explain.wait.timeout_hint", l10n.Args{"ID": Inert(e.ID)})
}

// WaitUploaded waits for image id after its file was sent: wait (pass
// c.WaitForStatus) reads it every UploadPollInterval until it is active,
// killed or deleted, for at most limit. It returns the image as last read,
// and a *WaitTimeoutError when limit ran out first; ctx's error when ctx
// ended; the failed GET's error otherwise. A nil error means a final
// status: judge the image with VerifyUpload.
func WaitUploaded(ctx context.Context, wait WaitFunc, id string, limit time.Duration, onStatus func(status string)) (*Result, error) {
	wctx, cancel := context.WithTimeout(ctx, limit)
	defer cancel()
	res, err := wait(wctx, id, UploadPollInterval, onStatus)
	if err != nil && ctx.Err() == nil && errors.Is(wctx.Err(), context.DeadlineExceeded) {
		// The limit ran out, even if during the first read (a slow
		// server, a short --wait): the same answer, status unknown. (A
		// read's own --timeout is that read's error, with its advice.)
		wt := &WaitTimeoutError{ID: id, Wait: limit}
		if res != nil && res.Image != nil {
			wt.Status = res.Image.Status
		}
		return res, wt
	}
	return res, err
}

// VerifyUpload judges an image read after its file was sent, localMD5 being
// the MD5 of the bytes sent: active with the same checksum (checked), or
// with none reported yet (not checked), is nil; active with another
// checksum is an *UploadError RefusedChecksum (VerifyChecksum); killed or
// deleted is an *UploadError RefusedFailed. Any other status is not final
// yet: nil, not checked.
func VerifyUpload(img *Image, localMD5 string) (checked bool, err error) {
	switch img.Status {
	case "active":
		return VerifyChecksum(img, localMD5)
	case "killed", "deleted":
		return false, &UploadError{
			Reason: RefusedFailed, Status: img.Status,
			Msg:    NewMsg("explain.upload.failed", l10n.Args{"ID": Inert(img.ID), "Status": Inert(img.Status), "Meaning": statusMeaningMsg(img.Status)}),
			Advice: NewMsg("explain.upload.failed_hint"),
		}
	}
	return false, nil
}

// SettleAfterUpload reads image id after a cancelled or failed upload, to
// say truthfully what the server made of it: even when ctx was cancelled
// (the user stopped the upload, not this read), and again every
// UploadSettleInterval while the image still says saving, for at most
// UploadSettleLimit in all. It returns the image as last read; an error
// only when none could be read.
func SettleAfterUpload(ctx context.Context, get GetFunc, id string) (*Result, error) {
	return settle(ctx, get, id, UploadSettleInterval, UploadSettleLimit)
}

func settle(ctx context.Context, get GetFunc, id string, interval, limit time.Duration) (*Result, error) {
	gctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), limit)
	defer cancel()
	var last *Result
	for {
		res, err := get(gctx, id)
		switch {
		case err != nil && last != nil:
			return last, nil
		case err != nil:
			return nil, err
		case res == nil || res.Image == nil:
			if last != nil {
				return last, nil
			}
			return nil, errNoImageHeld
		case res.Image.Status != "saving":
			return res, nil
		}
		last = res
		t := time.NewTimer(interval)
		select {
		case <-gctx.Done():
			t.Stop()
			return last, nil
		case <-t.C:
		}
	}
}

// UploadHooks report an upload as it goes. Each is optional; they are
// called from the pipeline's goroutines, never two at once, never after
// RunUpload returns.
type UploadHooks struct {
	// Progress: bytes sent, at most every 100 ms and once at the end.
	Progress func(UploadProgress)
	// Status: the image's status, each time it changes, from the check's
	// read on: while the file is sent (read every UploadPollInterval) and
	// while the pipeline waits for a final status.
	Status func(status string)
	// Sent: the PUT succeeded; the wait for a final status begins.
	Sent func(*UploadResult)
}

// UploadPhase is where an upload is, or where it ended.
type UploadPhase int

const (
	PhaseSending UploadPhase = iota // PUT /v2/images/{id}/file
	PhaseWaiting                    // the file is sent; reading the image until active or killed
)

// UploadOutcome is how RunUpload ended.
type UploadOutcome struct {
	Phase    UploadPhase
	Progress UploadProgress // the last progress reported
	Sent     *UploadResult  // the PUT's answer (nil: the file was not, or not wholly, sent)
	Final    *Result        // the image as last read: after the wait, or after a failure
	Checked  bool           // the server reported a checksum and it equals the file's MD5
	Err      error          // nil: active (checksum verified, or none reported yet)
	Stopped  bool           // ctx was cancelled: the user stopped it
	AfterErr error          // reading the image after a failure failed
}

// UploadOptions tune RunUpload.
type UploadOptions struct {
	// Wait bounds the wait for a final status after the PUT; 0 reads the
	// image once and does not wait (its checksum may then be unknown).
	Wait  time.Duration
	Hooks UploadHooks
}

// uploadAPI is what the pipeline needs of a client; tests replace it.
type uploadAPI interface {
	UploadFile(ctx context.Context, id, path string, progress func(UploadProgress)) (*UploadResult, error)
	WaitForStatus(ctx context.Context, id string, interval time.Duration, onStatus func(status string)) (*Result, error)
	Get(ctx context.Context, id string) (*Result, error)
}

// RunUpload sends the file of a checked upload (CheckUpload) and sees it
// through: the PUT with progress, the status read while sending, the wait
// for active (o.Wait), the checksum, and after a stop or failure the
// image's status as the server sees it (SettleAfterUpload).
func (c *Client) RunUpload(ctx context.Context, check *UploadCheck, o UploadOptions) UploadOutcome {
	return runUpload(ctx, c, check, o, UploadPollInterval)
}

func runUpload(ctx context.Context, api uploadAPI, check *UploadCheck, o UploadOptions, poll time.Duration) (out UploadOutcome) {
	h := o.Hooks
	id := check.Image.Image.ID
	status := newStatusReporter(h.Status)
	if check.Image != nil && check.Image.Image != nil {
		status.report(check.Image.Image.Status)
	}
	progress := func(p UploadProgress) {
		out.Progress = p
		if h.Progress != nil {
			h.Progress(p)
		}
	}
	out.Progress = UploadProgress{Total: check.Size}

	// The status while the file is sent: saving, normally.
	sendCtx, stopWatch := context.WithCancel(ctx)
	watched := make(chan struct{})
	go func() {
		defer close(watched)
		watchWhileSending(sendCtx, api, id, poll, status.report)
	}()
	res, err := api.UploadFile(ctx, id, check.Path, progress)
	stopWatch()
	<-watched
	if err != nil {
		out.Err, out.Stopped = err, ctx.Err() != nil
		out.Final, out.AfterErr = SettleAfterUpload(ctx, api.Get, id)
		if out.Final != nil && out.Final.Image != nil {
			status.report(out.Final.Image.Status)
		}
		return out
	}
	out.Sent, out.Phase = res, PhaseWaiting
	out.Progress.Sent = res.Bytes
	if h.Sent != nil {
		h.Sent(res)
	}

	var final *Result
	if o.Wait == 0 {
		final, err = api.Get(ctx, id)
		if err == nil && final.Image != nil {
			status.report(final.Image.Status)
		}
	} else {
		final, err = WaitUploaded(ctx, api.WaitForStatus, id, o.Wait, status.report)
	}
	switch {
	case err != nil && ctx.Err() != nil:
		out.Err, out.Stopped = ctx.Err(), true
		out.Final, out.AfterErr = SettleAfterUpload(ctx, api.Get, id)
		return out
	case err != nil: // a *WaitTimeoutError, or the GET's error
		out.Final, out.Err = final, err
		return out
	case final == nil || final.Image == nil:
		out.Err = errNoImageHeld
		return out
	}
	out.Final = final
	out.Checked, out.Err = VerifyUpload(final.Image, res.MD5)
	return out
}

// watchWhileSending reads the image every interval until ctx ends, and
// reports its status: the card says saving while the file goes.
func watchWhileSending(ctx context.Context, api uploadAPI, id string, interval time.Duration, report func(string)) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		res, err := api.Get(ctx, id)
		if err == nil && res != nil && res.Image != nil && ctx.Err() == nil {
			report(res.Image.Status)
		}
	}
}

// statusReporter calls the Status hook with each new status, never two at
// once (the watch during the send and the wait after it take turns, but a
// late answer of the watch must not race the wait).
type statusReporter struct {
	mu   sync.Mutex
	last string
	hook func(string)
}

func newStatusReporter(hook func(string)) *statusReporter { return &statusReporter{hook: hook} }

func (s *statusReporter) report(st string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if st == "" || st == s.last {
		return
	}
	s.last = st
	if s.hook != nil {
		s.hook(st)
	}
}

// StatusAfter says what the image is after a stopped or failed upload, from
// the outcome's last read: "image X is now queued: metadata created; …".
func (o UploadOutcome) StatusAfter(loc *l10n.Localizer, id string) string {
	if o.AfterErr != nil || o.Final == nil || o.Final.Image == nil {
		if o.AfterErr == nil { // nothing was read (the wait ran out first)
			return loc.T("upload.after.unread")
		}
		return loc.T("upload.after.unknown", l10n.Args{"Reason": Explain(o.AfterErr, loc).Summary})
	}
	st := o.Final.Image.Status
	return loc.T("upload.after.status", l10n.Args{"ID": Inert(id), "Status": Inert(st), "Meaning": StatusMeaningIn(loc, st)})
}

// FormatClock is a duration as m:ss, or h:mm:ss from an hour.
func FormatClock(d time.Duration) string {
	s := int64(d.Round(time.Second) / time.Second)
	if s >= 3600 {
		return fmt.Sprintf("%d:%02d:%02d", s/3600, s/60%60, s%60)
	}
	return fmt.Sprintf("%d:%02d", s/60, s%60)
}

// ETAText is the time left as m:ss, or --:-- while unknown.
func (p UploadProgress) ETAText() string {
	if d := p.ETA(); d > 0 || p.Sent >= p.Total {
		return FormatClock(d)
	}
	return "--:--"
}
