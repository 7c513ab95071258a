package client

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Inert makes a server-supplied string safe to print on a terminal: C0 and C1
// control characters (ESC, BEL, CR, CSI, OSC, …) and DEL are shown in caret
// notation (^[, ^G, ^M) or as <U+009B>, so a name or message cannot move the
// cursor, retitle the window or write to the clipboard. Invisible format
// characters (Unicode category Cf: the bidi overrides and isolates U+202A–
// U+202E and U+2066–U+2069, the marks U+200E/U+200F, zero-width U+200B–
// U+200D, U+2060, U+FEFF, …) are shown as <U+202E> too, so a name cannot
// display reversed or hide characters. Newlines and tabs are kept only when
// keepNewlines is true. Invalid UTF-8 is shown as U+FFFD.
func Inert(s string) string { return inert(s, false) }

// InertMultiline is Inert that keeps \n and \t, for messages.
func InertMultiline(s string) string { return inert(s, true) }

func inert(s string, keepNewlines bool) string {
	clean := true
	for _, r := range s {
		if needsEscape(r, keepNewlines) {
			clean = false
			break
		}
	}
	if clean && utf8.ValidString(s) {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		switch {
		case !needsEscape(r, keepNewlines):
			b.WriteRune(r)
		case r < 0x20:
			b.WriteByte('^')
			b.WriteByte(byte(r) + '@')
		case r == 0x7f:
			b.WriteString("^?")
		default: // C1 controls, separators, format characters
			fmt.Fprintf(&b, "<U+%04X>", r)
		}
	}
	return b.String()
}

func needsEscape(r rune, keepNewlines bool) bool {
	if keepNewlines && (r == '\n' || r == '\t') {
		return false
	}
	return r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) || r == 0x2028 || r == 0x2029 ||
		(r >= 0xa0 && unicode.Is(unicode.Cf, r))
}
