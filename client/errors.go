package client

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"io"
	"net"
	"net/http"
	"regexp"
	"strings"
	"syscall"
	"time"

	"github.com/ims-wizard/ims-wizard/client/l10n"
)

// APIError is any answer from the server that is not the expected success.
type APIError struct {
	Method     string
	URL        string
	StatusCode int
	Meaning    string // the seed's meaning of the status, in English (Explain says it in the reader's language)
	Code       string // the server's error code (IMG.0002, APIG.0301, 400 Bad Request)
	Message    string // the server's message, markup removed
	// Note is this tool's word on the answer beside the server's message: a
	// success whose body is not an image, a body cut short.
	Note      Msg
	RequestID string
	// Advice is what to do next. Hint, when set (by a front end, in its
	// reader's language), replaces it.
	Advice     Msg
	Hint       string
	RetryAfter string
	Body       []byte // raw body, capped
}

// Error is the error in one line: Explain's summary, the server's code and
// message (every server string inert: an error may be printed with %v
// anywhere).
func (e *APIError) Error() string {
	var b strings.Builder
	b.WriteString(e.summary(nil))
	if e.Code != "" {
		fmt.Fprintf(&b, " [%s]", Inert(e.Code))
	}
	if msg := e.message(nil); msg != "" {
		fmt.Fprintf(&b, ": %s", Inert(msg))
	}
	return b.String()
}

// message is the server's message and this tool's note on it, in loc's
// language, inert.
func (e *APIError) message(loc *l10n.Localizer) string {
	msg := InertMultiline(e.Message)
	if note := e.Note.Text(loc); note != "" {
		if msg != "" {
			msg += " "
		}
		msg += note
	}
	return msg
}

// hint is what to do next in loc's language: Hint as a front end set it,
// else Advice.
func (e *APIError) hint(loc *l10n.Localizer) string { return pick(e.Hint, e.Advice, loc) }

// pick is s, a text a front end set, or else m in loc's language.
// said is a parameter that is s (inert) when set, else m: a Msg, said in
// the language of the sentence it goes into.
func said(s string, m Msg) any {
	if s != "" {
		return Inert(s)
	}
	return m
}

func pick(s string, m Msg, loc *l10n.Localizer) string {
	if s != "" {
		return Inert(s)
	}
	return m.Text(loc)
}

// StatusText is the seed's meaning of an HTTP status, in English.
func StatusText(code int) string { return StatusTextIn(nil, code) }

// StatusTextIn is the seed's meaning of an HTTP status (plus the common
// ones a gateway or a redirect answers with) in loc's language.
func StatusTextIn(loc *l10n.Localizer, code int) string {
	if id := statusID(code); id != "" {
		return loc.T(id)
	}
	if t := http.StatusText(code); t != "" && loc.Lang() == l10n.English {
		return strings.ToLower(t) // Go's words: English only
	}
	return loc.T("explain.http.unexpected")
}

func statusID(code int) string {
	switch code {
	case 200:
		return "explain.http.200"
	case 201:
		return "explain.http.201"
	case 204:
		return "explain.http.204"
	case 301:
		return "explain.http.301"
	case 302:
		return "explain.http.302"
	case 303:
		return "explain.http.303"
	case 307:
		return "explain.http.307"
	case 308:
		return "explain.http.308"
	case 400:
		return "explain.http.400"
	case 401:
		return "explain.http.401"
	case 403:
		return "explain.http.403"
	case 404:
		return "explain.http.404"
	case 405:
		return "explain.http.405"
	case 409:
		return "explain.http.409"
	case 410:
		return "explain.http.410"
	case 413:
		return "explain.http.413"
	case 415:
		return "explain.http.415"
	case 429:
		return "explain.http.429"
	case 500:
		return "explain.http.500"
	case 501:
		return "explain.http.501"
	case 502:
		return "explain.http.502"
	case 503:
		return "explain.http.503"
	case 504:
		return "explain.http.504"
	}
	return ""
}

func hintFor(code int, auth AuthKind) Msg {
	switch {
	case code == 400:
		return NewMsg("explain.hint.400")
	case code == 401 && auth == AuthAKSK:
		return NewMsg("explain.hint.401_aksk")
	case code == 401:
		return NewMsg("explain.hint.401")
	case code == 403:
		return NewMsg("explain.hint.403")
	case code == 404:
		return NewMsg("explain.hint.404")
	case code == 409:
		return NewMsg("explain.hint.409")
	case code == 413:
		return NewMsg("explain.hint.413")
	case code == 429:
		return NewMsg("explain.hint.429")
	case code >= 500:
		return NewMsg("explain.hint.5xx")
	}
	return Msg{}
}

var (
	tagPattern   = regexp.MustCompile(`(?s)<[^>]*>`)
	spacePattern = regexp.MustCompile(`[ \t]*\n[ \t\n]*|[ \t]{2,}`)
	titlePattern = regexp.MustCompile(`(?is)<title>(.*?)</title>`)
)

// ParseErrorBody extracts (code, message) from every body shape seen in the
// field: IMS {"error":{code,message}}, the API gateway
// {"error_code","error_msg"}, Glance {"code","title","message"} with <br />
// markup, HTML pages and plain text.
func ParseErrorBody(contentType string, body []byte) (code, message string) {
	trimmed := strings.TrimSpace(string(body))
	if trimmed == "" {
		return "", ""
	}
	if strings.HasPrefix(trimmed, "{") {
		var shape struct {
			Error     json.RawMessage `json:"error"`
			ErrorCode string          `json:"error_code"`
			ErrorMsg  string          `json:"error_msg"`
			Code      json.RawMessage `json:"code"`
			Title     string          `json:"title"`
			Message   string          `json:"message"`
		}
		if json.Unmarshal([]byte(trimmed), &shape) == nil {
			// IMS sends a string code; Keystone-style IAM errors a number.
			var ims struct {
				Code    json.RawMessage `json:"code"`
				Message string          `json:"message"`
			}
			var text string
			switch {
			case json.Unmarshal(shape.Error, &ims) == nil && (len(ims.Code) > 0 || ims.Message != ""):
				return displayValue(ims.Code), cleanText(ims.Message)
			case json.Unmarshal(shape.Error, &text) == nil && text != "":
				return "", cleanText(text)
			case shape.ErrorCode != "" || shape.ErrorMsg != "":
				return shape.ErrorCode, cleanText(shape.ErrorMsg)
			case shape.Message != "" || len(shape.Code) > 0:
				return displayValue(shape.Code), cleanText(shape.Message)
			}
		}
	}
	if strings.Contains(contentType, "html") || strings.HasPrefix(strings.ToLower(trimmed), "<") {
		msg := cleanText(trimmed)
		if m := titlePattern.FindStringSubmatch(trimmed); m != nil {
			title := cleanText(m[1])
			msg = strings.TrimSpace(strings.TrimPrefix(msg, title))
			if msg == "" {
				msg = title
			}
		}
		return "", msg
	}
	return "", cleanText(trimmed)
}

// cleanText removes markup and entities and folds whitespace, keeping the
// line breaks Glance expresses as <br />.
func cleanText(s string) string {
	s = strings.ReplaceAll(s, "<br />", "\n")
	s = strings.ReplaceAll(s, "<br/>", "\n")
	s = strings.ReplaceAll(s, "<br>", "\n")
	s = tagPattern.ReplaceAllString(s, " ")
	s = html.UnescapeString(s)
	s = spacePattern.ReplaceAllStringFunc(s, func(m string) string {
		if strings.Contains(m, "\n") {
			return "\n"
		}
		return " "
	})
	return strings.TrimSpace(s)
}

// NetworkKind names the way a request failed before an HTTP answer arrived.
type NetworkKind string

const (
	NetRefused  NetworkKind = "connection refused"
	NetDNS      NetworkKind = "DNS lookup failed"
	NetTLS      NetworkKind = "TLS handshake failed"
	NetTimeout  NetworkKind = "timed out"
	NetReset    NetworkKind = "connection lost"
	NetCanceled NetworkKind = "canceled"
	NetOther    NetworkKind = "network error"
)

// NetworkError is a failure with no HTTP answer. Ambiguous is true when the
// request may have reached the server (it was sent but no answer came):
// the image may exist even though we did not hear back.
type NetworkError struct {
	Method    string
	URL       string
	Kind      NetworkKind
	Ambiguous bool
	// Advice is what to do next. Hint, when set (by a front end, in its
	// reader's language), replaces it.
	Advice Msg
	Hint   string
	Err    error
}

// kindText is the failure's kind in loc's language.
func (e *NetworkError) kindText(loc *l10n.Localizer) string {
	switch e.Kind {
	case NetRefused:
		return loc.T("explain.net.refused")
	case NetDNS:
		return loc.T("explain.net.dns")
	case NetTLS:
		return loc.T("explain.net.tls")
	case NetTimeout:
		return loc.T("explain.net.timeout")
	case NetReset:
		return loc.T("explain.net.reset")
	case NetCanceled:
		return loc.T("explain.net.canceled")
	case NetOther:
		return loc.T("explain.net.generic")
	}
	return Inert(string(e.Kind))
}

// Error is the error in one line: Explain's summary and the cause.
func (e *NetworkError) Error() string {
	return e.summary(nil) + ": " + Inert(fmt.Sprint(e.Err))
}

func (e *NetworkError) Unwrap() error { return e.Err }

// classifyNetworkError turns a transport error into a NetworkError with a
// hint. timeout is the configured timeout, for the message.
func classifyNetworkError(method, url string, err error, sent bool, timeout time.Duration) *NetworkError {
	ne := &NetworkError{Method: method, URL: url, Err: err, Kind: NetOther}
	var dnsErr *net.DNSError
	var certErr *tls.CertificateVerificationError
	var unknownAuthority x509.UnknownAuthorityError
	var hostnameErr x509.HostnameError
	var recordErr tls.RecordHeaderError
	switch {
	case errors.Is(err, context.Canceled):
		ne.Kind, ne.Advice = NetCanceled, NewMsg("explain.net_hint.canceled")
	case errors.Is(err, context.DeadlineExceeded) || isTimeout(err):
		ne.Kind = NetTimeout
		ne.Advice = NewMsg("explain.net_hint.timeout")
		if timeout > 0 {
			ne.Advice = NewMsg("explain.net_hint.timeout_after", l10n.Args{"Timeout": timeout.String()})
		}
	case errors.As(err, &dnsErr):
		ne.Kind, ne.Advice = NetDNS, NewMsg("explain.net_hint.dns")
	case errors.As(err, &certErr) || errors.As(err, &unknownAuthority) || errors.As(err, &hostnameErr):
		ne.Kind, ne.Advice = NetTLS, NewMsg("explain.net_hint.tls_trust")
	case errors.As(err, &recordErr):
		ne.Kind, ne.Advice = NetTLS, NewMsg("explain.net_hint.tls_plain")
	case errors.Is(err, syscall.ECONNREFUSED):
		ne.Kind, ne.Advice = NetRefused, NewMsg("explain.net_hint.refused")
	case connectionLost(err):
		ne.Kind, ne.Advice = NetReset, NewMsg("explain.net_hint.reset")
	}
	// Only a failure after the request left us is ambiguous; DNS, TLS and
	// refused connections never reach the API.
	switch ne.Kind {
	case NetTimeout, NetReset, NetOther, NetCanceled:
		ne.Ambiguous = sent
	}
	return ne
}

func isTimeout(err error) bool {
	var t interface{ Timeout() bool }
	return errors.As(err, &t) && t.Timeout()
}

// connectionLost is a connection that ended before the whole answer came,
// told by the error's type, never its text: reset or aborted by the peer,
// closed before any answer (io.EOF) or in the middle of one (a header or
// body cut short: io.ErrUnexpectedEOF), written to after the peer left
// (EPIPE), closed under the request (net.ErrClosed), or any other failure
// of the socket (*net.OpError; a refused dial is told apart before).
func connectionLost(err error) bool {
	var opErr *net.OpError
	for _, target := range []error{syscall.ECONNRESET, syscall.ECONNABORTED, syscall.EPIPE, io.EOF, io.ErrUnexpectedEOF, net.ErrClosed} {
		if errors.Is(err, target) {
			return true
		}
	}
	return errors.As(err, &opErr)
}

// RedirectError is a redirect the client refused to follow. IMS and IAM
// never redirect these calls, and following one would send the request,
// its credentials (X-Auth-Token, the AK/SK signature, the IAM password in
// the login body) included, wherever Location says: another host, or plain
// http. No redirect is ever followed, on any call.
type RedirectError struct {
	Method     string
	URL        string // the request that was redirected
	StatusCode int    // 301, 302, 303, 307 or 308
	Location   string // where the server pointed, resolved against URL; credentials redacted
	RequestID  string
}

// Error is the refusal in one line, every server string inert.
func (e *RedirectError) Error() string { return e.summary(nil) }

func (e *RedirectError) summary(loc *l10n.Localizer) string {
	return loc.T("security.redirect.summary", l10n.Args{
		"Request": Inert(e.Method + " " + e.URL), "Status": e.StatusCode, "Location": Inert(e.Location)})
}

func (e *RedirectError) hint(loc *l10n.Localizer) string { return loc.T("security.redirect.hint") }
