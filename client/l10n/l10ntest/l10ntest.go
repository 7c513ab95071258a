// Package l10ntest finds human text that did not come from the catalogue,
// in output rendered in the pseudo-locale (l10n.Pseudo, --lang qps), where
// every catalogue string is marked ⟦…⟧. A test renders a screen or runs a
// command in it and fails on what Unmarked returns.
//
// Human text is what is left once the marked segments (they nest: a
// message's parameter may be another message) are taken out, then the
// values: the strings the test put in or knows the server sends (allowed),
// and the technical tokens below. What remains may hold no word of three or
// more letters. A token is technical, never a word, when it is
//
//   - a flag (--name, -o), a command line's own word (ims-wizard, sandbox,
//     upload, os-versions, help, completion, the shells), an environment
//     variable or an acronym (OS_AUTH_TOKEN, HTTP, IMS, TLS: no lower-case
//     letter), a placeholder in capitals (FILE);
//   - a URL, a path, an API field or a key (anything holding / : = _ . @ $
//     or a digit: __os_version, min_disk, /v2/images, key=value, 40GB);
//   - one of the API's own values that flags and the server use (queued,
//     private, bare, zvhd2, text, json, true, false…) or a name of a
//     product or protocol (Huawei, Cloud, OpenStack, Glance, curl, Ctrl+C).
//
// Everything else of three letters or more (an English "the", a Spanish
// "imagen" written in the code) is unmarked human text.
package l10ntest

import (
	"regexp"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/ims-wizard/ims-wizard/client/l10n"
)

// Unmarked returns the words of text outside the pseudo-locale's marks
// that are neither one of allowed (exact strings, matched as whole words:
// names, ids, server values, API field names, URLs the test used) nor
// technical tokens (see the package), each
// once, in order of appearance, with the line it was found on:
// "word (in: line)". nil means none.
func Unmarked(text string, allowed ...string) []string {
	rest := stripMarked(text)
	sorted := append([]string(nil), allowed...)
	sort.Slice(sorted, func(i, j int) bool { return len(sorted[i]) > len(sorted[j]) })
	for _, a := range sorted {
		rest = removeWhole(rest, a)
	}
	var out []string
	seen := map[string]bool{}
	for _, line := range strings.Split(rest, "\n") {
		for _, tok := range strings.Fields(line) {
			word := strings.Trim(tok, "\"'`()[]{}<>,;:.!?¿¡«»…·|")
			if word == "" || technical(word) || letters(word) < 3 || seen[word] {
				continue
			}
			seen[word] = true
			out = append(out, word+" (in: "+strings.Join(strings.Fields(line), " ")+")")
		}
	}
	return out
}

// removeWhole is s with each occurrence of v that is not part of a longer
// word (no letter or digit just before or after it) replaced by a space.
func removeWhole(s, v string) string {
	if strings.TrimSpace(v) == "" {
		return s
	}
	var b strings.Builder
	for {
		i := strings.Index(s, v)
		if i < 0 {
			b.WriteString(s)
			return b.String()
		}
		before, _ := utf8.DecodeLastRuneInString(s[:i])
		after, _ := utf8.DecodeRuneInString(s[i+len(v):])
		if (i > 0 && wordRune(before)) || (i+len(v) < len(s) && wordRune(after)) {
			b.WriteString(s[:i+1])
			s = s[i+1:]
			continue
		}
		b.WriteString(s[:i] + " ")
		s = s[i+len(v):]
	}
}

func wordRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

// stripMarked is text with every marked segment, nested ones included,
// replaced by a space.
func stripMarked(text string) string {
	var b strings.Builder
	depth := 0
	for _, r := range text {
		switch {
		case string(r) == l10n.PseudoOpen:
			if depth == 0 {
				b.WriteByte(' ')
			}
			depth++
		case string(r) == l10n.PseudoClose:
			if depth > 0 {
				depth--
			}
		case depth == 0:
			b.WriteRune(r)
		case r == '\n':
			b.WriteRune(r) // keep the lines, for the report
		}
	}
	return b.String()
}

// structural is what makes a token a URL, a path, a field, a flag, a
// variable or a number rather than a word.
var structural = regexp.MustCompile(`[/:=_.@$\d+\\]|^-`)

// technicalWords are values of the API and the command line, and product
// and protocol names: they read the same in every language.
var technicalWords = map[string]bool{
	// the command line
	"ims-wizard": true, "sandbox": true, "upload": true, "os-versions": true, "help": true, "completion": true,
	"list": true, "reset": true, "bash": true, "zsh": true, "fish": true, "powershell": true, "curl": true,
	"source": true, "echo": true, "autoload": true, "compinit": true, "brew": true, "Out-String": true, "Invoke-Expression": true,
	// values of flags and of the API
	"text": true, "json": true, "true": true, "false": true, "queued": true, "saving": true, "active": true,
	"killed": true, "deleted": true, "private": true, "bare": true, "vhd": true, "raw": true, "iso": true,
	"timeout": true, "created-then-reset": true, "created-then-timeout": true, "created-then-STATUS": true,
	"x86_64": true, "arm": true, "aarch64": true, "kunpeng": true,
	// products and protocols
	"Huawei": true, "Cloud": true, "OpenStack": true, "openstack": true, "Glance": true, "gophercloud": true,
	"Linux": true, "macOS": true, "Windows": true, "Ctrl+C": true, "Kunpeng": true, "bash-completion": true,
}

// technical reports a token (its surrounding punctuation trimmed) that is
// a value, not a word (see the package).
func technical(word string) bool {
	if technicalWords[word] || structural.MatchString(word) {
		return true
	}
	for _, r := range word {
		if unicode.IsLower(r) {
			return false
		}
	}
	return true // no lower-case letter: an acronym, a variable, a placeholder
}

func letters(s string) int {
	n := 0
	for _, r := range s {
		if unicode.IsLetter(r) {
			n++
		}
	}
	return n
}
