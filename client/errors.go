package client

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"net"
	"net/http"
	"regexp"
	"strings"
	"time"

	"github.com/ims-wizard/ims-wizard/client/l10n"
)

// APIError is any answer from the server that is not the expected success.
type APIError struct {
	Method     string
	URL        string
	StatusCode int
	Meaning    string // the seed's meaning of the status
	Code       string // the server's error code (IMG.0002, APIG.0301, 400 Bad Request)
	Message    string // the server's message, markup removed
	RequestID  string
	Hint       string // what to do next
	RetryAfter string
	Body       []byte // raw body, capped
}

// Error is the error in one line: Explain's summary, the server's code and
// message (every server string inert: an error may be printed with %v
// anywhere).
func (e *APIError) Error() string {
	var b strings.Builder
	b.WriteString(e.summary())
	if e.Code != "" {
		fmt.Fprintf(&b, " [%s]", Inert(e.Code))
	}
	if e.Message != "" {
		fmt.Fprintf(&b, ": %s", Inert(e.Message))
	}
	return b.String()
}

// statusMeanings are the seed's words for each status, plus the common ones
// a gateway answers with.
var statusMeanings = map[int]string{
	400: "bad request: the server refused a value",
	401: "authentication failed",
	403: "you do not have the rights for this operation",
	404: "the requested resource was not found",
	409: "conflict with the current state of the resource",
	413: "the request body is too large",
	429: "too many requests: throttled",
	500: "internal service error",
	502: "bad gateway",
	503: "the service is unavailable",
	504: "gateway timeout",
}

// StatusText is the seed's meaning of an HTTP status.
func StatusText(code int) string {
	if m, ok := statusMeanings[code]; ok {
		return m
	}
	if t := http.StatusText(code); t != "" {
		return strings.ToLower(t)
	}
	return "unexpected status"
}

func hintFor(code int, auth AuthKind) string {
	switch {
	case code == 400:
		return "check the field named in the message; run with --dry-run to see the body that was sent"
	case code == 401 && auth == AuthAKSK:
		return "check HUAWEICLOUD_SDK_AK/SK and the project id; AK/SK signatures are also refused when this machine's clock is more than 15 minutes off"
	case code == 401:
		return "check your credentials (token expired? wrong password, user or domain?)"
	case code == 403:
		return "your account lacks the IMS permission for this call (ask for the IMS FullAccess policy), or the project is frozen"
	case code == 404:
		return "check the region and endpoint: the API path is not served there, or the image does not exist"
	case code == 409:
		return "the image is not in a state that allows this; read it back with its id"
	case code == 413:
		return "the body is too large for this endpoint"
	case code == 429:
		return "you are being throttled; wait and try again"
	case code >= 500:
		return "the service failed; try again later, and quote the request id if it persists"
	}
	return ""
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
	Hint      string
	Err       error
}

// Error is the error in one line: Explain's summary and the cause.
func (e *NetworkError) Error() string {
	return e.summary() + ": " + Inert(fmt.Sprint(e.Err))
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
	var opErr *net.OpError
	switch {
	case errors.Is(err, context.Canceled):
		ne.Kind, ne.Hint = NetCanceled, "the request was canceled before an answer arrived"
	case errors.Is(err, context.DeadlineExceeded) || isTimeout(err):
		ne.Kind = NetTimeout
		ne.Hint = "no answer in time; raise --timeout or check the network path (proxy, firewall)"
		if timeout > 0 {
			ne.Hint = fmt.Sprintf("no answer within %s; raise --timeout or check the network path (proxy, firewall)", timeout)
		}
	case errors.As(err, &dnsErr):
		ne.Kind, ne.Hint = NetDNS, "check the host name in --endpoint or the --region id"
	case errors.As(err, &certErr) || errors.As(err, &unknownAuthority) || errors.As(err, &hostnameErr):
		ne.Kind, ne.Hint = NetTLS, "the server's certificate is not trusted: pass its CA with --cacert FILE (or, only for a test server, --insecure)"
	case errors.As(err, &recordErr):
		ne.Kind, ne.Hint = NetTLS, "the server does not speak TLS here: try http:// in --endpoint"
	case isRefused(err):
		ne.Kind, ne.Hint = NetRefused, "nothing listens at that address: check --endpoint, or that the server is running"
	case errors.As(err, &opErr) || isReset(err):
		ne.Kind, ne.Hint = NetReset, "the connection broke before an answer arrived"
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

func isRefused(err error) bool { return strings.Contains(err.Error(), "connection refused") }

func isReset(err error) bool {
	s := err.Error()
	return strings.Contains(s, "connection reset") || strings.Contains(s, "EOF") || strings.Contains(s, "broken pipe")
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
