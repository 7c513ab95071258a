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
	Key   string // one of the Row… keys below, to find a row by
	Label string // the key in the reader's language, to show
	Value string // inert; a RowMessage or RowError value may span lines
	// InSummary reports that the Summary already says this: a front end
	// that prints the Summary may leave the row out.
	InSummary bool
}

// The keys of an Explanation's rows (Row.Label is what to show).
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

// rowLabel is a row's key in loc's language.
func rowLabel(loc *l10n.Localizer, key string) string {
	switch key {
	case RowStatus:
		return loc.T("explain.row.status")
	case RowCode:
		return loc.T("explain.row.code")
	case RowMessage:
		return loc.T("explain.row.message")
	case RowRequestID:
		return loc.T("explain.row.request_id")
	case RowRequest:
		return loc.T("explain.row.request")
	case RowRetryAfter:
		return loc.T("explain.row.retry_after")
	case RowCause:
		return loc.T("explain.row.cause")
	case RowError:
		return loc.T("explain.row.error")
	case RowHint:
		return loc.T("explain.row.hint")
	case RowLocation:
		return loc.T("explain.row.location")
	}
	return key
}

// Explain tells err for people in loc's language (nil: English): an
// *APIError (the status and its meaning, the server's code and message,
// the request id, Retry-After, what to do), a *NetworkError (its kind,
// cause and what to do), an *UploadError (its message and what to do), a
// *WaitTimeoutError, a *RedirectError (the status, where it pointed, why
// it was not followed), or any other error (its text, ErrorText). Wrapped
// errors are found with errors.As. Every value, the server's above all, is
// made inert; the server's words stay as they are. Explain(nil, loc) is
// the zero Explanation.
func Explain(err error, loc *l10n.Localizer) Explanation {
	var ue *UploadError
	var wt *WaitTimeoutError
	var ae *APIError
	var ne *NetworkError
	var re *RedirectError
	var x Explanation
	switch {
	case err == nil:
		return x
	case errors.As(err, &ue):
		x.Title = loc.T("explain.title.upload")
		switch ue.Reason {
		case RefusedChecksum:
			x.Title = loc.T("explain.title.checksum")
		case RefusedFailed:
			x.Title = loc.T("explain.title.upload_failed")
		case RefusedChanged:
			x.Title = loc.T("security.upload.changed_title")
		}
		x.Summary = pick(ue.Message, ue.Msg, loc)
		x.add(loc, RowError, x.Summary, true)
		x.add(loc, RowHint, pick(ue.Hint, ue.Advice, loc), false)
	case errors.As(err, &wt):
		x.Title = loc.T("explain.title.wait_timeout")
		x.Summary = wt.text(loc)
		x.add(loc, RowError, x.Summary, true)
		x.add(loc, RowHint, wt.hint(loc), false)
	case errors.As(err, &ae):
		switch {
		case ae.StatusCode >= 200 && ae.StatusCode < 300:
			x.Title = loc.T("explain.title.unreadable_answer")
		case IsAmbiguous(ae):
			// A gateway's 502/503/504 refuses nothing: the request may have
			// reached IMS (the error view says the image may exist).
			x.Title = loc.T("explain.title.gateway", l10n.Args{"Status": ae.StatusCode})
		default:
			x.Title = loc.T("explain.title.refused")
		}
		x.Summary = ae.summary(loc)
		x.add(loc, RowStatus, fmt.Sprintf("HTTP %d · %s", ae.StatusCode, StatusTextIn(loc, ae.StatusCode)), true)
		x.add(loc, RowCode, Inert(ae.Code), false)
		x.add(loc, RowMessage, ae.message(loc), false)
		x.add(loc, RowRequestID, Inert(ae.RequestID), false)
		x.add(loc, RowRequest, Inert(ae.Method+" "+ae.URL), true)
		x.add(loc, RowHint, ae.hint(loc), false)
		x.add(loc, RowRetryAfter, Inert(ae.RetryAfter), false)
	case errors.As(err, &re):
		x.Title = loc.T("security.redirect.title")
		x.Summary = re.summary(loc)
		x.add(loc, RowStatus, fmt.Sprintf("HTTP %d · %s", re.StatusCode, StatusTextIn(loc, re.StatusCode)), false)
		x.add(loc, RowLocation, Inert(re.Location), true)
		x.add(loc, RowRequestID, Inert(re.RequestID), false)
		x.add(loc, RowRequest, Inert(re.Method+" "+re.URL), true)
		x.add(loc, RowHint, re.hint(loc), false)
	case errors.As(err, &ne):
		x.Title = loc.T("explain.title.no_answer", l10n.Args{"Kind": ne.kindText(loc)})
		x.Summary = ne.summary(loc)
		x.add(loc, RowRequest, Inert(ne.Method+" "+ne.URL), true)
		x.add(loc, RowCause, ne.cause(loc), false)
		x.add(loc, RowHint, pick(ne.Hint, ne.Advice, loc), false)
	default:
		x.Title = loc.T("explain.title.failed")
		x.Summary = ErrorText(err, loc)
		x.add(loc, RowError, x.Summary, true)
	}
	return x
}

func (x *Explanation) add(loc *l10n.Localizer, key, value string, inSummary bool) {
	if strings.TrimSpace(value) == "" {
		return
	}
	x.Rows = append(x.Rows, Row{Key: key, Label: rowLabel(loc, key), Value: value, InSummary: inSummary})
}

// Value is the value of the row of key, "" if there is none.
func (x Explanation) Value(key string) string {
	for _, r := range x.Rows {
		if r.Key == key {
			return r.Value
		}
	}
	return ""
}

// summary is "POST https://…/v2/images answered HTTP 400 (bad request: …)".
func (e *APIError) summary(loc *l10n.Localizer) string {
	return loc.T("explain.summary.api", l10n.Args{"Request": Inert(e.Method + " " + e.URL), "Status": e.StatusCode,
		"Meaning": StatusTextIn(loc, e.StatusCode)})
}

// summary is "POST https://…/v2/images: connection refused".
func (e *NetworkError) summary(loc *l10n.Localizer) string {
	return Inert(e.Method+" "+e.URL) + ": " + e.kindText(loc)
}

// cause is the underlying error's text, inert: the network's own words
// (Go's), or this tool's when it gave up itself (an upload that stalled).
func (e *NetworkError) cause(loc *l10n.Localizer) string {
	if e.Err == nil {
		return ""
	}
	return Inert(ErrorText(e.Err, loc))
}
