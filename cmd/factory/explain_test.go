package factory

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/ims-wizard/ims-wizard/client"
	"github.com/ims-wizard/ims-wizard/client/l10n"
)

// The CLI prints client.Explain: the summary, then every row the summary
// does not say, the server's strings inert.
func TestExplainPrintsTheExplanation(t *testing.T) {
	cases := []struct {
		name string
		err  error
		want string
	}{
		{"api", &client.APIError{Method: "POST", URL: "https://h/v2/images", StatusCode: 429, Meaning: client.StatusText(429),
			Code: "APIG.0308", Message: "slow\ndown\x1b[2J", RequestID: "rid", RetryAfter: "7", Hint: "wait 7s"},
			"error: POST https://h/v2/images answered HTTP 429 (too many requests: throttled)\n" +
				"  code:        APIG.0308\n" +
				"  message:     slow\n" +
				"               down^[[2J\n" +
				"  request id:  rid\n" +
				"  what to do:  wait 7s\n" +
				"  retry after: 7\n"},
		{"network", &client.NetworkError{Method: "POST", URL: "http://h/v2/images", Kind: client.NetTLS, Hint: "pass --cacert",
			Err: errors.New("x509: certificate signed by \x1b]0;evil\x07")},
			"error: POST http://h/v2/images: TLS handshake failed\n" +
				"  cause:      x509: certificate signed by ^[]0;evil^G\n" +
				"  what to do: pass --cacert\n"},
		{"upload", &client.UploadError{Reason: client.RefusedFile, Message: "file /tmp/\x1b[31mx does not exist"},
			"error: file /tmp/^[[31mx does not exist\n"},
		{"wait", &client.WaitTimeoutError{ID: "img", Status: "saving", Wait: time.Minute},
			"error: the file was sent but the image is still saving (" + client.StatusMeaning("saving") + ") after 1m0s\n" +
				"  what to do: read it again later (GET /v2/images/img); IMS may take long to process big files\n"},
		{"other", errors.New("boom"), "error: boom\n"},
	}

	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var b bytes.Buffer
			Explain(&b, nil, tc.err)
			if b.String() != tc.want {
				t.Errorf("got:\n%s\nwant:\n%s", b.String(), tc.want)
			}
			if strings.ContainsAny(b.String(), "\x1b\x07") {
				t.Errorf("control characters on stderr: %q", b.String())
			}
		})
	}
}

// A row the command adds (the image's status after a failed upload) is
// padded to the explanation's column, in cells: "qué hacer", "después".
func TestExplainAddsTheCommandsRowsInItsColumn(t *testing.T) {
	err := &client.APIError{Method: "PUT", URL: "http://h/v2/images/img/file", StatusCode: 500, Code: "IMG.0500", Message: "the store failed",
		Advice: client.NewMsg("explain.hint.5xx")}
	var b bytes.Buffer
	loc := l10n.New(l10n.Spanish)
	Explain(&b, loc, err, client.Row{Key: "afterwards", Label: "después", Value: "queued"})
	want := "error: PUT http://h/v2/images/img/file respondió HTTP 500 (error interno del servicio)\n" +
		"  código:    IMG.0500\n" +
		"  mensaje:   the store failed\n" +
		"  qué hacer: " + loc.T("explain.hint.5xx") + "\n" +
		"  después:   queued\n"
	if b.String() != want {
		t.Errorf("got:\n%s\nwant:\n%s", b.String(), want)
	}
}
