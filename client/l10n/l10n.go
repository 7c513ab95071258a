// Package l10n is ims-wizard's message catalogue: every sentence a person
// reads, in English and Spanish, looked up by id with named parameters and
// CLDR plural forms (go-i18n). The language is chosen once, in cmd, and the
// Localizer is passed down to whatever prints.
//
// go-i18n rather than golang.org/x/text/message: its catalogues are plain
// files keyed by stable ids (a translator edits a TOML file, no code
// generation step), templates name their parameters ({{.Name}}), and a
// missing translation falls back to English instead of failing the build.
//
// What is not in the catalogue, by design: API field names (__os_version,
// min_disk), flag names, -o json output, the --debug HTTP trace and every
// value that came from the server.
package l10n

import (
	"embed"
	"fmt"
	"io/fs"
	"maps"
	"sort"
	"strings"
	"sync"

	"github.com/BurntSushi/toml"
	"github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"
)

// Lang is an interface language.
type Lang string

const (
	English Lang = "en"
	Spanish Lang = "es"
	// Pseudo marks every catalogue string (⟦…⟧, accented letters), so a
	// test can find text that does not come from the catalogue.
	Pseudo Lang = "qps"
)

// Langs are the languages --lang accepts, for messages.
var Langs = []Lang{English, Spanish}

// ParseLang reads a --lang value: en, es (or a locale such as es_MX.UTF-8),
// or qps, the pseudo-locale used by tests.
func ParseLang(s string) (Lang, error) {
	switch v := strings.ToLower(strings.TrimSpace(s)); {
	case v == "qps" || v == "qps-ploc":
		return Pseudo, nil
	case v == "en" || strings.HasPrefix(v, "en_") || strings.HasPrefix(v, "en-"):
		return English, nil
	case v == "es" || strings.HasPrefix(v, "es_") || strings.HasPrefix(v, "es-"):
		return Spanish, nil
	}
	return "", fmt.Errorf("unknown language %q: use en or es", s)
}

// FromEnv chooses the language from the locale variables in POSIX order:
// the first of LC_ALL, LC_MESSAGES and LANG that is set decides; any es_*
// (or es) is Spanish, everything else (C, POSIX, en_*, unset) English.
func FromEnv(getenv func(string) string) Lang {
	for _, k := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		v := strings.TrimSpace(getenv(k))
		if v == "" {
			continue
		}
		if l, err := ParseLang(v); err == nil && l == Spanish {
			return Spanish
		}
		return English
	}
	return English
}

// Args are a message's named parameters: {{.Name}} in the catalogue.
// Count, when present, also picks the plural form.
type Args map[string]any

// Texter is a parameter that says itself in a language (client.Msg, a
// client.Problem): T renders it first, in the same language, so that a
// phrase (a file's description inside a refusal) is translated with the
// sentence around it and a Problem's Args stay free of rendered text.
type Texter interface {
	Text(*Localizer) string
}

// Localizer renders catalogue messages in one language. The zero value is
// not usable; New and the package's English are.
type Localizer struct {
	lang Lang
	loc  *i18n.Localizer
}

// New returns the localizer of lang.
func New(lang Lang) *Localizer {
	b := loadBundles()
	switch lang {
	case Spanish:
		return &Localizer{lang: lang, loc: i18n.NewLocalizer(b.main, "es")}
	case Pseudo:
		return &Localizer{lang: lang, loc: i18n.NewLocalizer(b.pseudo, "en")}
	}
	return &Localizer{lang: English, loc: i18n.NewLocalizer(b.main, "en")}
}

// EnglishLocalizer renders error texts that no front end localises (error
// values printed with %v, logs, the sandbox's answers). A nil *Localizer
// is English too.
func EnglishLocalizer() *Localizer { return english() }

var english = sync.OnceValue(func() *Localizer { return New(English) })

// Lang is the language l renders.
func (l *Localizer) Lang() Lang {
	if l == nil {
		return English
	}
	return l.lang
}

// T renders message id with args. A message missing from the language's
// catalogue falls back to English; an unknown id renders as the id in
// brackets, which tests catch (TestEveryIDInCode...).
func (l *Localizer) T(id string, args ...Args) string {
	if l == nil {
		l = english()
	}
	cfg := &i18n.LocalizeConfig{MessageID: id}
	if len(args) > 0 && args[0] != nil {
		data := l.renderNested(args[0])
		cfg.TemplateData = data
		if n, ok := data["Count"]; ok {
			cfg.PluralCount = n
		}
	}
	s, err := l.loc.Localize(cfg)
	if err != nil && s == "" {
		return "[" + id + "]"
	}
	return s
}

// renderNested is args with each Texter rendered in l's language: a
// copy, so that the caller's Args (a Problem's) keep their values.
func (l *Localizer) renderNested(args Args) map[string]any {
	var out map[string]any
	for k, v := range args {
		if m, ok := v.(Texter); ok {
			if out == nil {
				out = maps.Clone(map[string]any(args))
			}
			out[k] = m.Text(l)
		}
	}
	if out == nil {
		return args
	}
	return out
}

// Has reports whether id is in the catalogue.
func Has(id string) bool {
	_, ok := loadBundles().english[id]
	return ok
}

//go:embed catalog/*.toml
var catalogFS embed.FS

type bundles struct {
	main, pseudo *i18n.Bundle
	english      map[string]*i18n.Message
}

var loadBundles = sync.OnceValue(func() *bundles {
	b := &bundles{main: i18n.NewBundle(language.English), pseudo: i18n.NewBundle(language.English), english: map[string]*i18n.Message{}}
	for _, lang := range Langs {
		files, err := catalogueFiles(lang)
		if err != nil {
			panic("l10n: " + err.Error())
		}
		for _, f := range files {
			if err := b.main.AddMessages(f.Tag, f.Messages...); err != nil {
				panic("l10n: " + f.Path + ": " + err.Error())
			}
			if lang != English {
				continue
			}
			for _, m := range f.Messages {
				b.english[m.ID] = m
				if err := b.pseudo.AddMessages(language.English, pseudoMessage(m)); err != nil {
					panic("l10n: pseudo: " + err.Error())
				}
			}
		}
	}
	return b
})

// catalogueFiles parses a language's catalogue files: catalog/AREA.LANG.toml,
// one pair of files per area so that areas can be edited independently.
func catalogueFiles(lang Lang) ([]*i18n.MessageFile, error) {
	paths, err := fs.Glob(catalogFS, "catalog/*."+string(lang)+".toml")
	if err != nil {
		return nil, err
	}
	var out []*i18n.MessageFile
	for _, path := range paths {
		data, err := catalogFS.ReadFile(path)
		if err != nil {
			return nil, err
		}
		f, err := i18n.ParseMessageFileBytes(data, path, map[string]i18n.UnmarshalFunc{"toml": toml.Unmarshal})
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		out = append(out, f)
	}
	return out, nil
}

// Catalogue is a language's messages by id, each form's source text, and
// the file that holds each: for the tests that compare the catalogues. An id
// defined twice is an error.
func Catalogue(lang Lang) (map[string]map[string]string, error) {
	files, err := catalogueFiles(lang)
	if err != nil {
		return nil, err
	}
	out := map[string]map[string]string{}
	where := map[string]string{}
	for _, f := range files {
		for _, m := range f.Messages {
			if prev, dup := where[m.ID]; dup {
				return nil, fmt.Errorf("%s: id %q already defined in %s", f.Path, m.ID, prev)
			}
			where[m.ID] = f.Path
			forms := map[string]string{}
			for k, v := range map[string]string{"zero": m.Zero, "one": m.One, "two": m.Two, "few": m.Few, "many": m.Many, "other": m.Other} {
				if v != "" {
					forms[k] = v
				}
			}
			out[m.ID] = forms
		}
	}
	return out, nil
}

// IDs lists the catalogue's ids, sorted.
func IDs() []string {
	var ids []string
	for id := range loadBundles().english {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	return ids
}
