package client

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// What happens after an image's file is sent, the same for every front end
// (`ims-wizard upload` and the wizard): the wait for a final status, the
// verdict on the image, and what it is after a stopped or failed upload.

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

// WaitFunc waits for an image to reach a final status: (*Client).WaitForStatus.
type WaitFunc func(ctx context.Context, id string, interval time.Duration, onStatus func(status string)) (*Result, error)

// GetFunc reads an image once: (*Client).Get.
type GetFunc func(ctx context.Context, id string) (*Result, error)

// WaitTimeoutError is an image whose file was sent but that was still not
// active, killed or deleted when the wait ran out (exit code 4: no answer
// in time).
type WaitTimeoutError struct {
	ID     string        // the image
	Status string        // its status when the wait ran out (saving, normally)
	Wait   time.Duration // how long it was waited for
}

func (e *WaitTimeoutError) Error() string {
	return fmt.Sprintf("the file was sent but the image is still %s (%s) after %s", Inert(e.Status), StatusMeaning(e.Status), e.Wait)
}

func (e *WaitTimeoutError) hint() string {
	return fmt.Sprintf("read it again later (GET /v2/images/%s); IMS may take long to process big files", Inert(e.ID))
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
	if err != nil && ctx.Err() == nil && errors.Is(err, context.DeadlineExceeded) && res != nil && res.Image != nil {
		return res, &WaitTimeoutError{ID: id, Status: res.Image.Status, Wait: limit}
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
			Message: fmt.Sprintf("the file was sent but image %s is %s (%s)", Inert(img.ID), Inert(img.Status), StatusMeaning(img.Status)),
			Hint:    "the server could not store or process the file: check the disk format, delete the image, create a new one and upload again",
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
			return nil, errors.New("the server's answer holds no image")
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
