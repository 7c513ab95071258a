package exitcode

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/ims-wizard/ims-wizard/client"
)

func TestOf(t *testing.T) {
	canceled := &client.NetworkError{Kind: client.NetCanceled, Ambiguous: true, Err: fmt.Errorf("%w", context.Canceled)}
	cases := []struct {
		err  error
		want int
	}{
		{nil, OK},
		{errors.New("boom"), Failure},
		{Usage(errors.New("bad flag")), Invalid},
		{&client.ValidationError{}, Invalid},
		{&client.APIError{StatusCode: 400}, API},
		{&client.APIError{StatusCode: 500}, API},
		{&client.APIError{StatusCode: 503}, Network}, // ambiguous: the image may exist
		{&client.APIError{StatusCode: 502}, Network},
		{&client.NetworkError{Kind: client.NetRefused}, Network},
		{&client.NetworkError{Kind: client.NetTimeout, Ambiguous: true}, Network},
		{canceled, Interrupted},
		{ErrInterrupted, Interrupted},
		{fmt.Errorf("wrapped: %w", &client.APIError{StatusCode: 404}), API},
		{Reported(API, errors.New("x")), API},
		{&client.UploadError{Reason: client.RefusedStatus}, Invalid},
		{&client.UploadError{Reason: client.RefusedAKSKSize}, Invalid},
		{&client.UploadError{Reason: client.RefusedChecksum}, API},
		{&client.UploadError{Reason: client.RefusedFailed}, API},
		// The upload's wait ran out: 4 from `ims-wizard upload` and from the
		// wizard, which returns it wrapped.
		{&client.WaitTimeoutError{ID: "img", Status: "saving", Wait: time.Minute}, Network},
		{fmt.Errorf("uploading x to image img: %w", &client.WaitTimeoutError{Status: "saving"}), Network},
		// A refused redirect is the server's answer; a file changed under
		// the upload is the input's problem; an unwritable result leaves
		// the caller without the id: look it up.
		{&client.RedirectError{StatusCode: 307, Location: "http://127.0.0.2/"}, API},
		{fmt.Errorf("login: %w", &client.RedirectError{StatusCode: 308}), API},
		{&client.UploadError{Reason: client.RefusedChanged}, Invalid},
		{&WriteError{Err: errors.New("no space left on device")}, Network},
	}
	for _, tc := range cases {
		if got := Of(tc.err); got != tc.want {
			t.Errorf("Of(%v) = %d, want %d", tc.err, got, tc.want)
		}
	}
}
