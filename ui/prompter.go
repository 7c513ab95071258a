package ui

import (
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/ims-wizard/ims-wizard/client"
	"github.com/ims-wizard/ims-wizard/client/l10n"
)

// prompter asks accessible mode's questions one line at a time, in the
// interface language, for screen readers: the prompt, then the answer typed
// and Enter. It is ims-wizard's own rather than huh's accessible mode,
// whose prompts ("Enter a number between…", "Choose [y/N]") cannot be
// translated and whose confirm takes only y/n. Each question (fieldSpec)
// is the one the full-screen wizard asks with huh.
type prompter struct {
	loc *l10n.Localizer
	w   io.Writer
	in  *lineReader
}

// errInputEnded: the input ran out before the wizard had valid answers.
var errInputEnded = fmt.Errorf("%w: the input ended before the answers were complete and valid", ErrInterrupted)

func (p *prompter) printf(format string, args ...any) { fmt.Fprintf(p.w, format, args...) }

// readLine prints prompt and reads one line; errInputEnded at the end of
// the input, ErrInterrupted on Ctrl+C.
func (p *prompter) readLine(prompt string) (string, error) {
	p.printf("%s", prompt)
	var line []byte
	buf := make([]byte, 512)
	for {
		n, err := p.in.Read(buf)
		line = append(line, buf[:n]...)
		if err != nil || len(line) > 0 && line[len(line)-1] == '\n' {
			break
		}
	}
	switch {
	case p.in.interrupted:
		p.printf("\n")
		return "", ErrInterrupted
	case p.in.eof && len(line) == 0:
		p.printf("\n")
		return "", errInputEnded
	}
	return strings.TrimRight(string(line), "\r\n"), nil
}

// ask asks one question until its answer is valid: a text line (Enter keeps
// the value shown, "-" leaves an optional field out), an option of a list
// (its number), or yes/no.
func (p *prompter) ask(s fieldSpec) error {
	switch s.kind {
	case fieldList:
		return p.askList(s)
	case fieldConfirm:
		return p.askConfirm(s)
	}
	return p.askText(s)
}

func (p *prompter) title(s fieldSpec) string {
	t := s.title
	desc := s.description
	if s.accessibleDescription != "" {
		desc = s.accessibleDescription
	}
	if desc != "" {
		t += ". " + desc
	}
	if s.optional {
		t += " " + p.loc.T("ui.prompt.dash_leaves_out")
	}
	if s.display != nil {
		if cur := s.display(); strings.TrimSpace(cur) != "" {
			t += " " + p.loc.T("ui.prompt.enter_keeps", l10n.Args{"Value": client.Inert(cur)})
		}
	}
	return t
}

func (p *prompter) askText(s fieldSpec) error {
	p.printf("%s\n", p.title(s))
	for {
		line, err := p.readLine("> ")
		if err != nil {
			return err
		}
		t := strings.TrimSpace(line)
		switch {
		case t == "" && strings.TrimSpace(*s.value) != "":
			return nil // Enter keeps the value shown
		case s.optional && t == "-":
			*s.value = ""
			return nil
		}
		if err := s.validate(line); err != nil {
			p.printf("%s\n", err)
			continue
		}
		*s.value = line
		return nil
	}
}

// askList lists the options, numbered, and takes a number or the text of
// one (its start is enough when only one starts so; hidden options, the
// versions on the platforms' question, are found by text only).
func (p *prompter) askList(s fieldSpec) error {
	p.printf("%s\n", p.title(s))
	var shown []option
	def := 0
	for _, o := range s.options {
		if o.hidden {
			continue
		}
		if o.value == *s.value {
			def = len(shown)
		}
		shown = append(shown, o)
		p.printf("%d. %s\n", len(shown), o.label)
	}
	prompt := p.loc.T("ui.prompt.number_or_text", l10n.Args{"Max": len(shown), "Default": def + 1})
	for {
		line, err := p.readLine(prompt)
		if err != nil {
			return err
		}
		o, ok := p.listAnswer(s.options, shown, def, line)
		if !ok {
			continue
		}
		if err := s.validate(o.value); err != nil {
			p.printf("%s\n", err)
			continue
		}
		*s.value = o.value
		if s.onPick != nil {
			s.onPick(o.extra)
		}
		return nil
	}
}

// listAnswer is the option a typed line names: Enter the default, a
// number of the shown ones, or text: the one option it equals, else the
// one it starts, else the one holding all its words. Otherwise it says
// why and reports false.
func (p *prompter) listAnswer(all, shown []option, def int, line string) (option, bool) {
	t := strings.Join(strings.Fields(strings.ToLower(line)), " ")
	if t == "" {
		return shown[def], true
	}
	if i, err := strconv.Atoi(t); err == nil {
		if i >= 1 && i <= len(shown) {
			return shown[i-1], true
		}
		p.printf("%s\n", p.loc.T("ui.prompt.number_invalid", l10n.Args{"Max": len(shown)}))
		return option{}, false
	}
	match := func(o option) string {
		if o.match != "" {
			return strings.ToLower(o.match)
		}
		return strings.ToLower(o.label)
	}
	for _, rule := range []func(string) bool{
		func(m string) bool { return m == t },
		func(m string) bool { return strings.HasPrefix(m, t) },
		func(m string) bool {
			for _, w := range strings.Fields(t) {
				if !strings.Contains(m, w) {
					return false
				}
			}
			return true
		},
	} {
		var found []option
		for _, o := range all {
			if rule(match(o)) {
				found = append(found, o)
			}
		}
		switch {
		case len(found) == 1:
			return found[0], true
		case len(found) > 1:
			names := make([]string, 0, 8)
			for _, o := range found[:min(len(found), 8)] {
				names = append(names, o.match)
			}
			if len(found) > 8 {
				names = append(names, "…")
			}
			p.printf("%s\n", p.loc.T("ui.prompt.several_match", l10n.Args{"N": len(found), "Names": client.Inert(strings.Join(names, "; "))}))
			return option{}, false
		}
	}
	p.printf("%s\n", p.loc.T("ui.prompt.none_match", l10n.Args{"Max": len(shown)}))
	return option{}, false
}

// pick reads the number of one of n options; Enter picks def.
func (p *prompter) pick(n, def int) (int, error) {
	prompt := p.loc.T("ui.prompt.number", l10n.Args{"Max": n, "Default": def + 1})
	for {
		line, err := p.readLine(prompt)
		if err != nil {
			return def, err
		}
		t := strings.TrimSpace(line)
		if t == "" {
			return def, nil
		}
		if i, err := strconv.Atoi(t); err == nil && i >= 1 && i <= n {
			return i - 1, nil
		}
		p.printf("%s\n", p.loc.T("ui.prompt.number_invalid", l10n.Args{"Max": n}))
	}
}

func (p *prompter) askConfirm(s fieldSpec) error {
	p.printf("%s\n", p.title(s))
	def := p.loc.T("ui.prompt.no_default")
	if *s.flag {
		def = p.loc.T("ui.prompt.yes_default")
	}
	for {
		line, err := p.readLine(def + " ")
		if err != nil {
			return err
		}
		v, ok := parseYesNo(p.loc, line)
		switch {
		case strings.TrimSpace(line) == "":
			return nil // Enter keeps the value
		case ok:
			*s.flag = v
			return nil
		}
		p.printf("%s\n", p.loc.T("ui.prompt.yes_no_invalid"))
	}
}

// parseYesNo reads an answer to a yes/no question in the interface
// language, English's y/yes/n/no always accepted too.
func parseYesNo(loc *l10n.Localizer, s string) (value, ok bool) {
	t := strings.ToLower(strings.TrimSpace(s))
	for _, y := range append(strings.Split(loc.T("ui.prompt.yes_words"), ","), "y", "yes") {
		if t == strings.TrimSpace(y) {
			return true, true
		}
	}
	for _, n := range append(strings.Split(loc.T("ui.prompt.no_words"), ","), "n", "no") {
		if t == strings.TrimSpace(n) {
			return false, true
		}
	}
	return false, false
}

// choose asks for one of options, numbered; Enter picks def.
func (p *prompter) choose(title string, options []string, def int) (int, error) {
	p.printf("%s\n", p.loc.T("ui.prompt.choose_title", l10n.Args{"Title": title, "Default": options[def]}))
	for i, o := range options {
		p.printf("%d. %s\n", i+1, o)
	}
	return p.pick(len(options), def)
}
