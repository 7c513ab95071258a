package l10n

import (
	"strings"

	"github.com/nicksnyder/go-i18n/v2/i18n"
)

// Pseudo-locale markers: every catalogue string renders between them.
const (
	PseudoOpen  = "⟦"
	PseudoClose = "⟧"
)

var pseudoLetters = strings.NewReplacer(
	"a", "á", "e", "é", "i", "í", "o", "ó", "u", "ú",
	"A", "Á", "E", "É", "I", "Í", "O", "Ó", "U", "Ú",
	"n", "ñ", "c", "ç", "y", "ý",
)

// pseudoMessage is m with every form marked and its letters accented,
// template actions ({{.Name}}) left intact so parameters still fill in.
func pseudoMessage(m *i18n.Message) *i18n.Message {
	p := *m
	for _, f := range []*string{&p.Zero, &p.One, &p.Two, &p.Few, &p.Many, &p.Other} {
		if *f != "" {
			*f = PseudoOpen + pseudoText(*f) + PseudoClose
		}
	}
	return &p
}

func pseudoText(s string) string {
	var b strings.Builder
	for s != "" {
		i := strings.Index(s, "{{")
		if i < 0 {
			b.WriteString(pseudoLetters.Replace(s))
			break
		}
		b.WriteString(pseudoLetters.Replace(s[:i]))
		j := strings.Index(s[i:], "}}")
		if j < 0 {
			b.WriteString(s[i:])
			break
		}
		b.WriteString(s[i : i+j+2])
		s = s[i+j+2:]
	}
	return b.String()
}
