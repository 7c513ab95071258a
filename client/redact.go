package client

import (
	"fmt"
	"io"
	"net/http"
	"regexp"
	"sort"
	"strings"
	"time"
)

// Redacted replaces every secret in output.
const Redacted = "[REDACTED]"

// secretHeaders never appear in output with their values.
var secretHeaders = map[string]bool{
	"Authorization": true, "X-Auth-Token": true, "X-Subject-Token": true,
	"X-Security-Token": true, "Cookie": true, "Set-Cookie": true, "Proxy-Authorization": true,
}

var (
	signaturePattern = regexp.MustCompile(`(Signature=)[^,\s]+`)
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

// scrub replaces every secret the client sends that appears in s: servers
// and proxies sometimes echo credentials back in messages or headers.
func (c *Client) scrub(s string) string {
	holder, ok := c.cfg.Auth.(secretHolder)
	if !ok {
		return s
	}
	for _, secret := range holder.secrets() {
		if len(secret) >= minSecretLen {
			s = strings.ReplaceAll(s, secret, Redacted)
		}
	}
	return s
}

func (c *Client) traceRequest(req *http.Request, body []byte) {
	if c.cfg.Debug == nil {
		return
	}
	w := c.cfg.Debug
	fmt.Fprintf(w, "> %s %s\n", req.Method, req.URL)
	c.writeHeaders(w, "> ", req.Header)
	if len(body) > 0 {
		fmt.Fprintf(w, ">\n%s\n", InertMultiline(c.scrub(RedactBody(body))))
	}
}

func (c *Client) traceResponse(resp *http.Response, body []byte, latency time.Duration) {
	if c.cfg.Debug == nil {
		return
	}
	w := c.cfg.Debug
	fmt.Fprintf(w, "< %s %s (%s)\n", resp.Proto, resp.Status, latency.Round(time.Millisecond))
	c.writeHeaders(w, "< ", resp.Header)
	if len(body) > 0 {
		fmt.Fprintf(w, "<\n%s\n", InertMultiline(c.scrub(RedactBody(body))))
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
			fmt.Fprintf(w, "%s%s: %s\n", prefix, k, Inert(c.scrub(RedactHeader(k, v))))
		}
	}
}

// CurlCommand is a curl command equivalent to POST /v2/images with body,
// credentials replaced by a shell variable the user sets themselves.
func CurlCommand(endpoint string, auth AuthInfo, body []byte) string {
	var b strings.Builder
	switch auth.Kind {
	case AuthAKSK:
		b.WriteString("# AK/SK signatures are computed per request and curl cannot make them;\n")
		b.WriteString("# get a token (IAM POST /v3/auth/tokens, header X-Subject-Token) and set OS_AUTH_TOKEN.\n")
	case AuthPassword:
		b.WriteString("# ims-wizard exchanges your IAM password for a token; set OS_AUTH_TOKEN to such a token.\n")
	}
	fmt.Fprintf(&b, "curl -sS -X POST %s \\\n", shellQuote(strings.TrimRight(endpoint, "/")+"/v2/images"))
	b.WriteString("  -H 'Content-Type: application/json' \\\n")
	b.WriteString("  -H 'Accept: application/json' \\\n")
	if auth.Kind != AuthNone {
		b.WriteString("  -H \"X-Auth-Token: $OS_AUTH_TOKEN\" \\\n")
	}
	b.WriteString("  --data-binary @- <<'JSON'\n")
	b.Write(body)
	b.WriteString("\nJSON")
	return b.String()
}

// shellQuote single-quotes s for POSIX shells.
func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
