package client

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/ims-wizard/ims-wizard/client/l10n"
)

// The curl commands ims-wizard prints for the user to run. A token never
// goes on curl's command line, where `ps` shows it to every user of the
// machine: curl reads the header from a pipe that bash's (or zsh's)
// built-in printf writes, -H @<(printf …). The commands therefore need
// bash or zsh, which the comment above each says.

// tokenHeader is the curl option that sends $OS_AUTH_TOKEN as X-Auth-Token
// without putting it on any command line.
const tokenHeader = `-H @<(printf 'X-Auth-Token: %s\n' "$OS_AUTH_TOKEN")`

// CurlCommand is CurlCommandIn in English.
func CurlCommand(endpoint string, auth AuthInfo, body []byte) string {
	return CurlCommandIn(nil, endpoint, auth, body)
}

// CurlCommandIn is a curl command equivalent to POST /v2/images with body,
// credentials replaced by a shell variable the user sets themselves; its
// comments (shell lines starting with #) are in loc's language.
func CurlCommandIn(loc *l10n.Localizer, endpoint string, auth AuthInfo, body []byte) string {
	var b strings.Builder
	comment := func(id string) {
		for _, line := range strings.Split(loc.T(id), "\n") {
			b.WriteString("# " + line + "\n")
		}
	}
	switch auth.Kind {
	case AuthAKSK:
		comment("auth.curl.aksk")
	case AuthPassword:
		comment("auth.curl.password")
	}
	if auth.Kind != AuthNone {
		comment("auth.curl.shell") // why the command needs bash or zsh
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
