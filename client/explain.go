package client

import (
	"errors"
	"fmt"
	"strings"

	"github.com/ims-wizard/ims-wizard/client/l10n"
)

// Explanation is an error told for people, the same way by every front end
// (the CLI's stderr, the wizard's error views): what kind of failure it is,
// the failure in one sentence, and its details as labelled rows. Every text
// in it is already inert (Inert; InertMultiline for messages, which may
// span lines): print it as it is.
type Explanation struct {
	// Title names the kind of failure, for a heading: "The server refused
	// the request", "No answer from the server: timed out".
	Title string
	// Summary is the failure in one sentence, for a one-line report:
	// "POST https://…/v2/images answered HTTP 400 (bad request: …)".
	Summary string
	// Rows are the details, in order; only those with a value.
	Rows []Row
}

// Row is one detail of an Explanation.
type Row struct {
	Label string // one of the Row… labels below
	Value string // inert; a RowMessage or RowError value may span lines
	// InSummary reports that the Summary already says this: a front end
	// that prints the Summary may leave the row out.
	InSummary bool
}

// The labels of an Explanation's rows.
const (
	RowStatus     = "status"      // the HTTP status and its meaning: "HTTP 429 · too many requests: throttled"
	RowCode       = "code"        // the server's error code
	RowMessage    = "message"     // the server's message, markup removed
	RowRequestID  = "request id"  // the server's request id, to quote
	RowRequest    = "request"     // method and URL
	RowRetryAfter = "retry after" // the server's Retry-After header, as sent
	RowCause      = "cause"       // why no answer came, in the network's words
	RowError      = "error"       // the error's own words
	RowHint       = "hint"        // what to do next
	RowLocation   = "location"    // where a refused redirect pointed
)

// Explain tells err for people: an *APIError (the status and its meaning,
// the server's code and message, the request id, Retry-After, what to do),
// a *NetworkError (its kind, cause and what to do), an *UploadError (its
// message and what to do), a *WaitTimeoutError, a *RedirectError (the
// status, where it pointed, why it was not followed), or any other error (its
// text). Wrapped errors are found with errors.As. Every value, the
// server's above all, is made inert. Explain(nil) is the zero Explanation.
func Explain(err error) Explanation {
	var ue *UploadError
	var wt *WaitTimeoutError
	var ae *APIError
	var ne *NetworkError
	var re *RedirectError
	var loc *l10n.Localizer // English until Explain takes the front end's
	var x Explanation
	switch {
	case err == nil:
		return x
	case errors.As(err, &ue):
		x.Title = "The upload went wrong"
		switch ue.Reason {
		case RefusedChecksum:
			x.Title = "Checksum mismatch: the image is not the file sent"
		case RefusedFailed:
			x.Title = "The server could not store the image file"
		case RefusedChanged:
			x.Title = loc.T("security.upload.changed_title")
		}
		x.Summary = Inert(ue.Message)
		x.add(RowError, x.Summary, true)
		x.add(RowHint, Inert(ue.Hint), false)
	case errors.As(err, &wt):
		x.Title = "The image did not become active in time"
		x.Summary = wt.Error()
		x.add(RowError, x.Summary, true)
		x.add(RowHint, wt.hint(), false)
	case errors.As(err, &ae):
		x.Title = "The server refused the request"
		if ae.StatusCode >= 200 && ae.StatusCode < 300 {
			x.Title = "The server's answer could not be read"
		}
		x.Summary = ae.summary()
		x.add(RowStatus, fmt.Sprintf("HTTP %d · %s", ae.StatusCode, Inert(ae.Meaning)), true)
		x.add(RowCode, Inert(ae.Code), false)
		x.add(RowMessage, InertMultiline(ae.Message), false)
		x.add(RowRequestID, Inert(ae.RequestID), false)
		x.add(RowRequest, Inert(ae.Method+" "+ae.URL), true)
		x.add(RowHint, Inert(ae.Hint), false)
		x.add(RowRetryAfter, Inert(ae.RetryAfter), false)
	case errors.As(err, &re):
		x.Title = loc.T("security.redirect.title")
		x.Summary = re.summary(loc)
		x.add(RowStatus, fmt.Sprintf("HTTP %d · %s", re.StatusCode, Inert(StatusText(re.StatusCode))), false)
		x.add(RowLocation, Inert(re.Location), true)
		x.add(RowRequestID, Inert(re.RequestID), false)
		x.add(RowRequest, Inert(re.Method+" "+re.URL), true)
		x.add(RowHint, re.hint(loc), false)
	case errors.As(err, &ne):
		x.Title = "No answer from the server: " + Inert(string(ne.Kind))
		x.Summary = ne.summary()
		x.add(RowRequest, Inert(ne.Method+" "+ne.URL), true)
		x.add(RowCause, ne.cause(), false)
		x.add(RowHint, Inert(ne.Hint), false)
	default:
		x.Title = "The request failed"
		x.Summary = InertMultiline(err.Error())
		x.add(RowError, x.Summary, true)
	}
	return x
}

func (x *Explanation) add(label, value string, inSummary bool) {
	if strings.TrimSpace(value) == "" {
		return
	}
	x.Rows = append(x.Rows, Row{Label: label, Value: value, InSummary: inSummary})
}

// Value is the value of the row labelled label, "" if there is none.
func (x Explanation) Value(label string) string {
	for _, r := range x.Rows {
		if r.Label == label {
			return r.Value
		}
	}
	return ""
}

// summary is "POST https://…/v2/images answered HTTP 400 (bad request: …)".
func (e *APIError) summary() string {
	return fmt.Sprintf("%s answered HTTP %d (%s)", Inert(e.Method+" "+e.URL), e.StatusCode, Inert(e.Meaning))
}

// summary is "POST https://…/v2/images: connection refused".
func (e *NetworkError) summary() string {
	return fmt.Sprintf("%s: %s", Inert(e.Method+" "+e.URL), Inert(string(e.Kind)))
}

// cause is the underlying error's text, inert.
func (e *NetworkError) cause() string {
	if e.Err == nil {
		return ""
	}
	return Inert(e.Err.Error())
}
