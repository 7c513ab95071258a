package client

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/ims-wizard/ims-wizard/client/l10n"
)

// Redacted replaces every secret in output.
const Redacted = "[REDACTED]"

// secretHeaders never appear in output with their values.
var secretHeaders = map[string]bool{
	"Authorization": true, "X-Auth-Token": true, "X-Subject-Token": true,
	"X-Security-Token": true, "Cookie": true, "Set-Cookie": true, "Proxy-Authorization": true,
}

var (
	signaturePattern = regexp.MustCompile(`(Signature=)[^,\s"'&<>\\]+`)
	passwordPattern  = regexp.MustCompile(`("(?:password|secret|sk|security_token|token)"\s*:\s*)"(?:[^"\\]|\\.)*"`)
)

// RedactHeader returns a header value fit for output. An AK/SK
// Authorization keeps its algorithm, AK prefix and signed header list.
func RedactHeader(name, value string) string {
	name = http.CanonicalHeaderKey(name)
	if !secretHeaders[name] {
		return value
	}
	if name == "Authorization" && strings.HasPrefix(value, "SDK-HMAC-SHA256 ") {
		v := signaturePattern.ReplaceAllString(value, "${1}"+Redacted)
		return accessPattern.ReplaceAllStringFunc(v, func(m string) string {
			return "Access=" + maskID(strings.TrimPrefix(m, "Access="))
		})
	}
	return Redacted
}

var accessPattern = regexp.MustCompile(`Access=[^,\s]+`)

// RedactBody hides password-like JSON values (the IAM login body).
func RedactBody(body []byte) string {
	return passwordPattern.ReplaceAllString(string(body), `${1}"`+Redacted+`"`)
}

// minSecretLen keeps scrubbing from redacting every "a" when a test or a
// user sets a one-letter secret.
const minSecretLen = 4

// redactor removes secrets from text shown to the user: the one function
// every string a server sent goes through before it is kept in an error or
// written to the trace. A server may echo a credential in any field (an
// error code, a request id header, a message) and in any of the forms its
// software produces, so each secret is looked for in each of them: raw;
// JSON-escaped the way Go and Python write it (\u003c, \", non-ASCII as
// \u00e9); HTML-escaped (&lt;, &#39;, &quot;, &#x27;); markup-stripped as
// ParseErrorBody cleans messages; URL-escaped. AK/SK signatures
// (Signature=…) are computed per request and redacted by their shape.
type redactor struct {
	forms []string // longest first, so a longer form wins over its parts
}

func newRedactor(secrets ...string) redactor {
	seen := map[string]bool{}
	var forms []string
	for _, s := range secrets {
		if len(s) < minSecretLen {
			continue
		}
		for _, f := range secretForms(s) {
			if len(f) >= minSecretLen && !seen[f] {
				seen[f] = true
				forms = append(forms, f)
			}
		}
	}
	sort.Slice(forms, func(i, j int) bool { return len(forms[i]) > len(forms[j]) })
	return redactor{forms: forms}
}

// secretForms are the ways s can come back from a server.
func secretForms(s string) []string {
	forms := []string{s, jsonEscape(s, true), jsonEscape(s, false),
		asciiJSON(s, false, "\\u%04x"), asciiJSON(s, false, "\\u%04X"), asciiJSON(s, true, "\\u%04x"), asciiJSON(s, true, "\\u%04X"),
		html.EscapeString(s), pythonHTMLEscape(s), cleanText(s), url.QueryEscape(s), url.PathEscape(s)}
	// Escaped twice (a JSON message holding escaped markup), and the
	// markup-stripped form of the HTML-escaped one.
	forms = append(forms, jsonEscape(html.EscapeString(s), false), html.EscapeString(jsonEscape(s, false)))
	return forms
}

// jsonEscape is s as a JSON string's contents, as encoding/json writes it.
func jsonEscape(s string, escapeHTML bool) string {
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(escapeHTML)
	_ = enc.Encode(s)
	out := strings.TrimSuffix(b.String(), "\n")
	return strings.TrimSuffix(strings.TrimPrefix(out, `"`), `"`)
}

// asciiJSON is s as Python's json.dumps writes it (ensure_ascii): every
// non-ASCII character as \uXXXX (surrogate pairs beyond the BMP); with
// escapeHTML, <, > and & too, as other encoders do.
func asciiJSON(s string, escapeHTML bool, hexFormat string) string {
	var b strings.Builder
	for _, r := range jsonEscape(s, escapeHTML) {
		switch {
		case r < utf8.RuneSelf:
			b.WriteRune(r)
		case r > 0xffff:
			r -= 0x10000
			fmt.Fprintf(&b, hexFormat+hexFormat, 0xd800+(r>>10), 0xdc00+(r&0x3ff))
		default:
			fmt.Fprintf(&b, hexFormat, r)
		}
	}
	return b.String()
}

// pythonHTMLEscape is Python's html.escape(s, quote=True).
var pythonHTMLEscape = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;", "'", "&#x27;").Replace

// String returns s with every secret, and every AK/SK signature, replaced
// by Redacted.
func (r redactor) String(s string) string {
	for _, f := range r.forms {
		if strings.Contains(s, f) {
			s = strings.ReplaceAll(s, f, Redacted)
		}
	}
	if strings.Contains(s, "Signature=") {
		s = signaturePattern.ReplaceAllString(s, "${1}"+Redacted)
	}
	return s
}

// apiError redacts every field of e that holds text from the server (or
// from the request's URL) in place, and returns it.
func (r redactor) apiError(e *APIError) *APIError {
	for _, p := range []*string{&e.URL, &e.Meaning, &e.Code, &e.Message, &e.RequestID, &e.Hint, &e.RetryAfter} {
		*p = r.String(*p)
	}
	e.Note, e.Advice = r.msg(e.Note), r.msg(e.Advice)
	e.Body = []byte(r.String(string(e.Body)))
	return e
}

// msg is m with every secret in its string parameters redacted.
func (r redactor) msg(m Msg) Msg {
	if len(m.Args) == 0 {
		return m
	}
	args := make(l10n.Args, len(m.Args))
	for k, v := range m.Args {
		if s, ok := v.(string); ok {
			v = r.String(s)
		}
		args[k] = v
	}
	return Msg{ID: m.ID, Args: args}
}

// err redacts any error of this package in place; another error whose text
// holds a secret is replaced by one with the same chain and the text
// redacted.
func (r redactor) err(err error) error {
	var ae *APIError
	var re *RedirectError
	var ne *NetworkError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &ae):
		r.apiError(ae)
		return err
	case errors.As(err, &re):
		re.URL, re.Location, re.RequestID = r.String(re.URL), r.String(re.Location), r.String(re.RequestID)
		return err
	case errors.As(err, &ne):
		ne.URL, ne.Hint, ne.Advice = r.String(ne.URL), r.String(ne.Hint), r.msg(ne.Advice)
		if ne.Err != nil {
			ne.Err = r.err(ne.Err)
		}
		return err
	}
	if msg := err.Error(); r.String(msg) != msg {
		return &redactedError{msg: r.String(msg), err: err}
	}
	return err
}

// redactedError is an error whose text held a secret.
type redactedError struct {
	msg string
	err error
}

func (e *redactedError) Error() string { return e.msg }
func (e *redactedError) Unwrap() error { return e.err }

// proxySecrets are the proxy credentials Go's transport sends on its own
// (Proxy-Authorization from HTTP(S)_PROXY's user:password@): a proxy or a
// server may echo them back too.
type proxySecrets struct {
	mu  sync.Mutex
	set map[string]bool
}

func (p *proxySecrets) note(u *url.URL) {
	if u == nil || u.User == nil {
		return
	}
	pw, ok := u.User.Password()
	if !ok {
		return
	}
	basic := base64.StdEncoding.EncodeToString([]byte(u.User.Username() + ":" + pw))
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.set == nil {
		p.set = map[string]bool{}
	}
	p.set[pw], p.set[basic] = true, true
}

func (p *proxySecrets) list() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := make([]string, 0, len(p.set))
	for s := range p.set {
		out = append(out, s)
	}
	return out
}

// redactor is the redactor of every secret this client sends: its
// credentials (the IAM password and token, the SK, the security token)
// and the proxy's.
func (c *Client) redactor() redactor {
	var secrets []string
	if holder, ok := c.cfg.Auth.(secretHolder); ok {
		secrets = holder.secrets()
	}
	return newRedactor(append(secrets, c.proxy.list()...)...)
}

// shown is a line of the trace: secrets redacted, then inert.
func (c *Client) shown(s string) string { return Inert(c.redactor().String(s)) }

func (c *Client) traceRequest(req *http.Request, body []byte) {
	if c.cfg.Debug == nil {
		return
	}
	w := c.cfg.Debug
	fmt.Fprintf(w, "> %s\n", c.shown(req.Method+" "+req.URL.String()))
	c.writeHeaders(w, "> ", req.Header)
	if len(body) > 0 {
		fmt.Fprintf(w, ">\n%s\n", InertMultiline(c.redactor().String(RedactBody(body))))
	}
}

func (c *Client) traceResponse(resp *http.Response, body []byte, latency time.Duration) {
	if c.cfg.Debug == nil {
		return
	}
	w := c.cfg.Debug
	fmt.Fprintf(w, "< %s (%s)\n", c.shown(resp.Proto+" "+resp.Status), latency.Round(time.Millisecond))
	c.writeHeaders(w, "< ", resp.Header)
	if len(body) > 0 {
		fmt.Fprintf(w, "<\n%s\n", InertMultiline(c.redactor().String(RedactBody(body))))
	}
}

func (c *Client) writeHeaders(w io.Writer, prefix string, h http.Header) {
	keys := make([]string, 0, len(h))
	for k := range h {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		for _, v := range h[k] {
			fmt.Fprintf(w, "%s%s: %s\n", prefix, c.shown(k), c.shown(RedactHeader(k, v)))
		}
	}
}
