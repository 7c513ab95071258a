package client

import (
	"context"
	"errors"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

func imageWith(status, checksum string) *Result {
	return &Result{Image: &Image{ID: "img-1", Status: status, Checksum: checksum}}
}

func TestVerifyUpload(t *testing.T) {
	t.Parallel()
	const md5 = "0123456789abcdef0123456789abcdef"
	cases := []struct {
		status, checksum string
		checked          bool
		reason           UploadRefusal // "": no error
	}{
		{"active", strings.ToUpper(md5), true, ""},
		{"active", "", false, ""}, // no checksum reported yet
		{"active", "ffffffffffffffffffffffffffffffff", true, RefusedChecksum},
		{"killed", "", false, RefusedFailed},
		{"deleted", "", false, RefusedFailed},
		{"saving", "", false, ""}, // not final: the caller decides
		{"queued", "", false, ""},
	}
	for _, tc := range cases {
		checked, err := VerifyUpload(imageWith(tc.status, tc.checksum).Image, md5)
		var ue *UploadError
		switch {
		case checked != tc.checked:
			t.Errorf("%s/%q: checked %v, want %v", tc.status, tc.checksum, checked, tc.checked)
		case tc.reason == "" && err != nil:
			t.Errorf("%s/%q: %v, want no error", tc.status, tc.checksum, err)
		case tc.reason != "" && (!errors.As(err, &ue) || ue.Reason != tc.reason || ue.Status != tc.status):
			t.Errorf("%s/%q: %v, want an *UploadError %s", tc.status, tc.checksum, err, tc.reason)
		}
	}
	// One wording for a killed image, whoever uploaded.
	_, err := VerifyUpload(&Image{ID: "img\x1b[2J", Status: "killed"}, md5)
	if want := "the file was sent but image img^[[2J is killed (" + StatusMeaning("killed") + ")"; !strings.HasPrefix(err.Error(), want) {
		t.Errorf("killed: %q, want it to start with %q", err, want)
	}
}

// waiter is a WaitFunc that reads statuses from a list, as WaitForStatus
// does (returning on a final status, or with the context's error).
func waiter(statuses ...string) WaitFunc {
	return func(ctx context.Context, id string, interval time.Duration, onStatus func(string)) (*Result, error) {
		if interval != UploadPollInterval {
			return nil, errors.New("not the shared poll interval")
		}
		var last *Result
		for i := 0; ; i++ {
			st := statuses[min(i, len(statuses)-1)]
			last = imageWith(st, "")
			if onStatus != nil {
				onStatus(st)
			}
			switch st {
			case "active", "killed", "deleted":
				return last, nil
			}
			select {
			case <-ctx.Done():
				return last, ctx.Err()
			case <-time.After(10 * time.Millisecond):
			}
		}
	}
}

func TestWaitUploaded(t *testing.T) {
	t.Parallel()
	res, err := WaitUploaded(context.Background(), waiter("saving", "active"), "img-1", time.Minute, nil)
	if err != nil || res.Image.Status != "active" {
		t.Fatalf("active: (%v, %v)", res, err)
	}
	// The limit runs out: the image as last read and a *WaitTimeoutError.
	res, err = WaitUploaded(context.Background(), waiter("saving"), "img-1", 50*time.Millisecond, nil)
	var wt *WaitTimeoutError
	if !errors.As(err, &wt) || wt.Status != "saving" || wt.ID != "img-1" || wt.Wait != 50*time.Millisecond || res.Image.Status != "saving" {
		t.Fatalf("timeout: (%v, %v)", res, err)
	}
	// The limit runs out during the first read (a slow server, a short
	// --wait): still a *WaitTimeoutError, the status unknown, not the
	// context's bare error (which the CLI would call unexpected, exit 1).
	res, err = WaitUploaded(context.Background(), func(ctx context.Context, _ string, _ time.Duration, _ func(string)) (*Result, error) {
		<-ctx.Done() // as WaitForStatus, when its GET outlives ctx
		return nil, ctx.Err()
	}, "img-1", 20*time.Millisecond, nil)
	if !errors.As(err, &wt) || wt.Status != "" || res != nil ||
		err.Error() != "the file was sent but no read of the image answered within 20ms: its status is not known yet" {
		t.Fatalf("timeout before any read: (%v, %v)", res, err)
	}
	// A read's own timeout (--timeout) within a longer wait is that read's
	// error, with its advice: not "no read answered within" the wait.
	readTimeout := &NetworkError{Method: "GET", URL: "http://x/v2/images/img-1", Kind: NetTimeout, Err: context.DeadlineExceeded}
	_, err = WaitUploaded(context.Background(), func(context.Context, string, time.Duration, func(string)) (*Result, error) {
		return nil, readTimeout
	}, "img-1", 10*time.Minute, nil)
	if err != readTimeout {
		t.Fatalf("a read's timeout: %v, want the read's error", err)
	}
	// Nothing read at all: the status after says so, without an empty reason.
	if got := (UploadOutcome{Err: wt}).StatusAfter(nil, "img-1"); got != "its status is not known: no read of it answered" {
		t.Errorf("StatusAfter with nothing read: %q", got)
	}
	// The caller's context ends first: its error, not a timeout.
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(30*time.Millisecond, cancel)
	_, err = WaitUploaded(ctx, waiter("saving"), "img-1", time.Minute, nil)
	if !errors.Is(err, context.Canceled) || errors.As(err, &wt) {
		t.Fatalf("cancelled: %v", err)
	}
	// A failed read is that error.
	boom := errors.New("boom")
	_, err = WaitUploaded(context.Background(), func(context.Context, string, time.Duration, func(string)) (*Result, error) {
		return nil, boom
	}, "img-1", time.Minute, nil)
	if !errors.Is(err, boom) {
		t.Fatalf("failed read: %v", err)
	}
}

// getter answers from a list of statuses ("" is a failed read).
func getter(calls *atomic.Int32, statuses ...string) GetFunc {
	return func(ctx context.Context, id string) (*Result, error) {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		i := int(calls.Add(1)) - 1
		st := statuses[min(i, len(statuses)-1)]
		if st == "" {
			return nil, errors.New("read failed")
		}
		return imageWith(st, ""), nil
	}
}

func TestSettleAfterUpload(t *testing.T) {
	t.Parallel()
	// The server has not yet seen the upload end: read again until it says
	// something else than saving; a cancelled context does not stop that.
	var calls atomic.Int32
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	res, err := settle(ctx, getter(&calls, "saving", "saving", "queued"), "img-1", time.Millisecond, time.Second)
	if err != nil || res.Image.Status != "queued" || calls.Load() != 3 {
		t.Fatalf("(%v, %v) after %d reads, want queued after 3", res, err, calls.Load())
	}
	// Still saving when the limit runs out: the last image read.
	calls.Store(0)
	start := time.Now()
	res, err = settle(context.Background(), getter(&calls, "saving"), "img-1", 5*time.Millisecond, 60*time.Millisecond)
	if err != nil || res.Image.Status != "saving" || time.Since(start) > time.Second || calls.Load() < 2 {
		t.Fatalf("(%v, %v) after %d reads", res, err, calls.Load())
	}
	// A read that fails after one succeeded: the last image read.
	calls.Store(0)
	if res, err := settle(context.Background(), getter(&calls, "saving", ""), "img-1", time.Millisecond, time.Second); err != nil || res.Image.Status != "saving" {
		t.Fatalf("(%v, %v)", res, err)
	}
	// Nothing could be read: the error.
	calls.Store(0)
	if res, err := settle(context.Background(), getter(&calls, ""), "img-1", time.Millisecond, time.Second); err == nil || res != nil {
		t.Fatalf("(%v, %v), want the read's error", res, err)
	}
	// The shared timings.
	if UploadSettleInterval != 200*time.Millisecond || UploadSettleLimit != 5*time.Second ||
		UploadPollInterval != time.Second || UploadWaitLimit != 30*time.Minute {
		t.Error("the upload timings changed: update the README")
	}
}

// fakeUploadAPI is the server side of the pipeline, scripted per test.
type fakeUploadAPI struct {
	upload func(ctx context.Context, progress func(UploadProgress)) (*UploadResult, error)
	status atomic.Value // string: what GET answers
	wait   func(ctx context.Context, onStatus func(string)) (*Result, error)
}

func (f *fakeUploadAPI) UploadFile(ctx context.Context, _, _ string, progress func(UploadProgress)) (*UploadResult, error) {
	return f.upload(ctx, progress)
}

func (f *fakeUploadAPI) WaitForStatus(ctx context.Context, _ string, _ time.Duration, onStatus func(string)) (*Result, error) {
	return f.wait(ctx, onStatus)
}

func (f *fakeUploadAPI) Get(context.Context, string) (*Result, error) {
	return imageWith(f.status.Load().(string), ""), nil
}

func checked(status string) *UploadCheck {
	return &UploadCheck{Path: "disk.raw", Size: 10, Image: imageWith(status, "")}
}

// While the file is sent, the image is read and its status reported: the
// front ends show saving live, then active once the wait ends.
func TestRunUploadReportsTheStatusWhileSending(t *testing.T) {
	t.Parallel()
	const md5 = "0123456789abcdef0123456789abcdef"
	sawSaving := make(chan struct{})
	api := &fakeUploadAPI{}
	api.status.Store("saving")
	api.upload = func(ctx context.Context, progress func(UploadProgress)) (*UploadResult, error) {
		progress(UploadProgress{Sent: 5, Total: 10})
		select { // the PUT ends only once the watch has seen saving
		case <-sawSaving:
		case <-time.After(5 * time.Second):
			return nil, errors.New("the status was never read while sending")
		}
		return &UploadResult{MD5: md5, Bytes: 10}, nil
	}
	api.wait = func(_ context.Context, onStatus func(string)) (*Result, error) {
		onStatus("saving")
		onStatus("active")
		return imageWith("active", md5), nil
	}
	var statuses []string
	var sent *UploadResult
	hooks := UploadHooks{
		Status: func(st string) {
			statuses = append(statuses, st)
			if st == "saving" {
				close(sawSaving)
			}
		},
		Sent: func(r *UploadResult) { sent = r },
	}
	out := runUpload(context.Background(), api, checked("queued"), UploadOptions{Wait: time.Minute, Hooks: hooks}, time.Millisecond)
	if out.Err != nil || !out.Checked || out.Phase != PhaseWaiting || sent == nil || out.Progress.Sent != 10 {
		t.Fatalf("outcome %+v, sent hook %v", out, sent)
	}
	if got := strings.Join(statuses, " → "); got != "queued → saving → active" {
		t.Errorf("statuses %q, want each change once, saving while sending", got)
	}
}

// A failed PUT says what the image is afterwards; a cancelled one is
// reported as stopped, not as a failure.
func TestRunUploadAfterAFailureOrAStop(t *testing.T) {
	t.Parallel()
	api := &fakeUploadAPI{}
	api.status.Store("queued")
	boom := errors.New("connection reset")
	api.upload = func(context.Context, func(UploadProgress)) (*UploadResult, error) { return nil, boom }
	out := runUpload(context.Background(), api, checked("queued"), UploadOptions{Wait: time.Minute}, time.Hour)
	if !errors.Is(out.Err, boom) || out.Stopped || out.Phase != PhaseSending || out.Final == nil {
		t.Fatalf("failure outcome %+v", out)
	}
	if got := out.StatusAfter(nil, "img-1"); got != "GET /v2/images/img-1 says it is now queued: "+StatusMeaning("queued") {
		t.Errorf("StatusAfter %q", got)
	}

	ctx, cancel := context.WithCancel(context.Background())
	api.upload = func(ctx context.Context, _ func(UploadProgress)) (*UploadResult, error) {
		cancel()
		<-ctx.Done()
		return nil, ctx.Err()
	}
	out = runUpload(ctx, api, checked("queued"), UploadOptions{Wait: time.Minute}, time.Hour)
	if !out.Stopped || out.Final == nil || out.Final.Image.Status != "queued" {
		t.Fatalf("stopped outcome %+v", out)
	}
}

// Wait 0 reads the image once: the checksum is compared only if the
// server already reports one.
func TestRunUploadWithoutWaiting(t *testing.T) {
	t.Parallel()
	api := &fakeUploadAPI{}
	api.status.Store("saving")
	api.upload = func(context.Context, func(UploadProgress)) (*UploadResult, error) {
		return &UploadResult{MD5: "x", Bytes: 10}, nil
	}
	api.wait = func(context.Context, func(string)) (*Result, error) { t.Fatal("waited"); return nil, nil }
	out := runUpload(context.Background(), api, checked("queued"), UploadOptions{Wait: 0}, time.Hour)
	if out.Err != nil || out.Checked || out.Final.Image.Status != "saving" {
		t.Fatalf("outcome %+v", out)
	}
}

func TestFormatClockAndETA(t *testing.T) {
	t.Parallel()
	for d, want := range map[time.Duration]string{0: "0:00", 65 * time.Second: "1:05", 3725 * time.Second: "1:02:05"} {
		if got := FormatClock(d); got != want {
			t.Errorf("FormatClock(%s) = %q, want %q", d, got, want)
		}
	}
	if got := (UploadProgress{Sent: 1, Total: 10}).ETAText(); got != "--:--" {
		t.Errorf("ETA without a rate: %q", got)
	}
	if got := (UploadProgress{Sent: 5, Total: 10, Rate: 1}).ETAText(); got != "0:05" {
		t.Errorf("ETA: %q", got)
	}
}
