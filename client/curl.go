package client

import (
	"fmt"
	"net/url"
	"strings"
)

// The curl commands ims-wizard prints for the user to run. A token never
// goes on curl's command line, where `ps` shows it to every user of the
// machine: curl reads the header from a pipe that bash's (or zsh's)
// built-in printf writes, -H @<(printf …). The commands therefore need
// bash or zsh, which the comment above each says.

// tokenHeader is the curl option that sends $OS_AUTH_TOKEN as X-Auth-Token
// without putting it on any command line.
const tokenHeader = `-H @<(printf 'X-Auth-Token: %s\n' "$OS_AUTH_TOKEN")`

// curlShellNote says why the command needs bash or zsh.
const curlShellNote = "# bash or zsh: the token is passed through a pipe, not on curl's command line (where ps would show it)\n"

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
	if auth.Kind != AuthNone {
		b.WriteString(curlShellNote)
	}
	fmt.Fprintf(&b, "curl -sS -X POST %s \\\n", shellQuote(strings.TrimRight(endpoint, "/")+"/v2/images"))
	b.WriteString("  -H 'Content-Type: application/json' \\\n")
	b.WriteString("  -H 'Accept: application/json' \\\n")
	if auth.Kind != AuthNone {
		b.WriteString("  " + tokenHeader + " \\\n")
	}
	// The body in single quotes, not a here-document: copied off a screen
	// that indents it, the indentation lands inside the quotes (JSON white
	// space), where a here-document's terminator would no longer match.
	b.WriteString("  --data-binary " + shellQuote(string(body)))
	return b.String()
}

// LookupCommand is a curl command listing the images called name, for a
// user whose create had an unknown outcome. With credentials it needs bash
// or zsh (see tokenHeader).
func LookupCommand(endpoint string, auth AuthInfo, name string) string {
	cmd := "curl -sS -H 'Accept: application/json' "
	if auth.Kind != AuthNone {
		cmd += tokenHeader + " "
	}
	return cmd + shellQuote(strings.TrimRight(endpoint, "/")+"/v2/images?name="+url.QueryEscape(name))
}

// shellQuote single-quotes s for POSIX shells.
func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
