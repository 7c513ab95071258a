package client

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
	"unicode"
)

// evil holds every kind of terminal control a server could slip into a
// string: ESC sequences (CSI, OSC 52 clipboard write), BEL, CR, a C1 CSI,
// DEL and a Unicode line separator.
const evil = "x\x1b[2J\x1b]52;c;cHduZWQ=\x07\r\u009b31m\x7f\u2028y"

// controlFree reports a string a terminal shows as text; newlines and
// tabs only where multiline allows them.
func controlFree(s string, multiline bool) bool {
	for _, r := range s {
		if multiline && (r == '\n' || r == '\t') {
			continue
		}
		if unicode.IsControl(r) || r == '\u2028' || r == '\u2029' {
			return false
		}
	}
	return true
}

func checkInert(t *testing.T, x Explanation) {
	t.Helper()
	if !controlFree(x.Title, false) {
		t.Errorf("title %q holds controls", x.Title)
	}
	if !controlFree(x.Summary, true) {
		t.Errorf("summary %q holds controls", x.Summary)
	}
	for _, r := range x.Rows {
		multiline := r.Key == RowMessage || r.Key == RowError
		if !controlFree(r.Value, multiline) {
			t.Errorf("row %s %q holds controls", r.Label, r.Value)
		}
	}
}

func rowsOf(x Explanation) string {
	var b strings.Builder
	for _, r := range x.Rows {
		mark := ""
		if r.InSummary {
			mark = "*"
		}
		fmt.Fprintf(&b, "%s%s=%s\n", mark, r.Key, r.Value)
	}
	return b.String()
}

func TestExplainAPIError(t *testing.T) {
	t.Parallel()
	ae := &APIError{Method: "POST", URL: "https://ims.example/v2/images", StatusCode: 429, Meaning: StatusText(429),
		Code: "APIG.0308", Message: "slow down\nplease", RequestID: "rid-1", RetryAfter: "7",
		Hint: "you are being throttled; the server asks to wait 7s before trying again"}
	x := Explain(fmt.Errorf("wrapped: %w", ae), nil)
	if x.Title != "The server refused the request" {
		t.Errorf("title %q", x.Title)
	}
	// A gateway's 503 refuses nothing: the title says the outcome is open.
	gw := Explain(&APIError{Method: "POST", URL: "https://ims.example/v2/images", StatusCode: 503}, nil)
	if want := "No clear answer (HTTP 503): the image may or may not exist"; gw.Title != want {
		t.Errorf("503 title %q, want %q", gw.Title, want)
	}
	if want := "POST https://ims.example/v2/images answered HTTP 429 (too many requests: throttled)"; x.Summary != want {
		t.Errorf("summary %q, want %q", x.Summary, want)
	}
	want := "*status=HTTP 429 · too many requests: throttled\ncode=APIG.0308\nmessage=slow down\nplease\nrequest id=rid-1\n" +
		"*request=POST https://ims.example/v2/images\nhint=you are being throttled; the server asks to wait 7s before trying again\nretry after=7\n"
	if got := rowsOf(x); got != want {
		t.Errorf("rows:\n%s\nwant:\n%s", got, want)
	}
	// The one-line Error() says the same summary.
	if !strings.HasPrefix(ae.Error(), x.Summary+" [APIG.0308]: slow down") {
		t.Errorf("Error() %q does not start with the summary", ae.Error())
	}
	// Empty fields make no row; a 2xx that is not an image is not a refusal.
	x = Explain(&APIError{Method: "POST", URL: "u", StatusCode: 201, Meaning: StatusText(201)}, nil)
	if x.Title != "The server's answer could not be read" || rowsOf(x) != "*status=HTTP 201 · created\n*request=POST u\n" {
		t.Errorf("%q\n%s", x.Title, rowsOf(x))
	}
}

func TestExplainNetworkError(t *testing.T) {
	t.Parallel()
	ne := &NetworkError{Method: "POST", URL: "http://127.0.0.1:1/v2/images", Kind: NetRefused,
		Hint: "nothing listens at that address", Err: errors.New("dial tcp 127.0.0.1:1: connect: connection refused")}
	x := Explain(ne, nil)
	if x.Title != "No answer from the server: connection refused" || x.Summary != "POST http://127.0.0.1:1/v2/images: connection refused" {
		t.Errorf("title %q, summary %q", x.Title, x.Summary)
	}
	want := "*request=POST http://127.0.0.1:1/v2/images\ncause=dial tcp 127.0.0.1:1: connect: connection refused\nhint=nothing listens at that address\n"
	if got := rowsOf(x); got != want {
		t.Errorf("rows:\n%s\nwant:\n%s", got, want)
	}
	if ne.Error() != x.Summary+": "+x.Value(RowCause) {
		t.Errorf("Error() %q is not the summary and the cause", ne.Error())
	}
	if x := Explain(&NetworkError{Method: "GET", URL: "u", Kind: NetTimeout}, nil); x.Value(RowCause) != "" || len(x.Rows) != 1 {
		t.Errorf("a nil cause: %s", rowsOf(x))
	}
}

func TestExplainUploadOutcomes(t *testing.T) {
	t.Parallel()
	cases := []struct {
		err          error
		title, rows  string
		summaryIsErr bool
	}{
		{&UploadError{Reason: RefusedChecksum, Message: "checksum mismatch", Hint: "do not use this image"},
			"Checksum mismatch: the image is not the file sent", "*error=checksum mismatch\nhint=do not use this image\n", true},
		{&UploadError{Reason: RefusedFailed, Message: "image i is killed"}, "The server could not store the image file", "*error=image i is killed\n", true},
		{&UploadError{Reason: RefusedFile, Message: "file f does not exist"}, "The upload went wrong", "*error=file f does not exist\n", true},
		{&WaitTimeoutError{ID: "img-1", Status: "saving", Wait: 90 * time.Second}, "The image did not become active in time",
			"*error=the file was sent but the image is still saving (" + StatusMeaning("saving") + ") after 1m30s\n" +
				"hint=read it again later (GET /v2/images/img-1); IMS may take long to process big files\n", true},
		{errors.New("two\nlines"), "The request failed", "*error=two\nlines\n", true},
	}
	for _, tc := range cases {
		x := Explain(tc.err, nil)
		if x.Title != tc.title || rowsOf(x) != tc.rows || x.Summary != x.Value(RowError) {
			t.Errorf("Explain(%v, nil):\ntitle %q\nsummary %q\n%s\nwant title %q\n%s", tc.err, x.Title, x.Summary, rowsOf(x), tc.title, tc.rows)
		}
	}
	if x := Explain(nil, nil); x.Title != "" || x.Summary != "" || x.Rows != nil {
		t.Errorf("Explain(nil, nil) = %+v", x)
	}
}

// Every string a server (or a path, or an error of the network stack)
// supplies is made inert, in every field of every kind of error.
func TestExplainMakesEveryServerStringInert(t *testing.T) {
	t.Parallel()
	errs := map[string]error{
		"api": &APIError{Method: "PUT" + evil, URL: "https://h/v2/images/" + evil + "/file", StatusCode: 503, Meaning: evil,
			Code: evil, Message: evil + "\n" + evil, RequestID: evil, RetryAfter: evil, Hint: evil},
		"network":      &NetworkError{Method: "GET" + evil, URL: evil, Kind: NetworkKind(evil), Hint: evil, Err: errors.New(evil)},
		"upload":       &UploadError{Reason: RefusedStatus, Message: evil, Hint: evil, Status: evil},
		"wait timeout": &WaitTimeoutError{ID: evil, Status: evil, Wait: time.Second},
		"other":        fmt.Errorf("wrapped %s: %w", evil, errors.New(evil)),
	}
	for name, err := range errs {
		t.Run(name, func(t *testing.T) {
			x := Explain(err, nil)
			checkInert(t, x)
			if len(x.Rows) == 0 {
				t.Fatal("no rows")
			}
			// The text is kept, only made visible.
			if !strings.Contains(x.Summary+rowsOf(x), "^[[2J") {
				t.Errorf("the server's text was dropped, not made inert:\n%s", rowsOf(x))
			}
			if name != "other" && !controlFree(err.Error(), false) { // the client's own errors
				t.Errorf("Error() %q holds controls", err.Error())
			}
		})
	}
}
