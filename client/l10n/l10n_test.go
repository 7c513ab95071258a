package l10n

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
)

var param = regexp.MustCompile(`{{\s*\.(\w+)`)

func params(s string) []string {
	seen := map[string]bool{}
	var out []string
	for _, m := range param.FindAllStringSubmatch(s, -1) {
		if !seen[m[1]] {
			seen[m[1]] = true
			out = append(out, m[1])
		}
	}
	sort.Strings(out)
	return out
}

// Every message exists in both catalogues, with the same parameters in
// every form, and a message with a Count has its plural forms.
func TestCataloguesMatch(t *testing.T) {
	en, err := Catalogue(English)
	if err != nil {
		t.Fatal(err)
	}
	es, err := Catalogue(Spanish)
	if err != nil {
		t.Fatal(err)
	}
	if len(en) == 0 {
		t.Fatal("the English catalogue is empty")
	}
	for id, forms := range en {
		esForms, ok := es[id]
		if !ok {
			t.Errorf("%s: missing from es.toml", id)
			continue
		}
		want := strings.Join(params(forms["other"]), ",")
		for lang, fs := range map[string]map[string]string{"en": forms, "es": esForms} {
			if fs["other"] == "" {
				t.Errorf("%s (%s): no \"other\" form", id, lang)
			}
			for form, text := range fs {
				if got := strings.Join(params(text), ","); got != want && !(form == "one" && got == strings.Join(params(strings.ReplaceAll(fs["other"], "{{.Count}}", "")), ",")) {
					t.Errorf("%s (%s, %s): parameters %q, want %q (as en's other form)", id, lang, form, got, want)
				}
			}
			if strings.Contains(want, "Count") && fs["one"] == "" {
				t.Errorf("%s (%s): has a Count but no \"one\" form", id, lang)
			}
		}
	}
	for id := range es {
		if _, ok := en[id]; !ok {
			t.Errorf("%s: in es.toml but not in en.toml", id)
		}
	}
}

func TestPluralForms(t *testing.T) {
	for _, tc := range []struct {
		lang  Lang
		count int
		want  string
	}{
		{English, 1, "is 1 character long"},
		{English, 3, "is 3 characters long"},
		{Spanish, 1, "tiene 1 carácter;"},
		{Spanish, 3, "tiene 3 caracteres;"},
	} {
		got := New(tc.lang).T("validate.name.too_long", Args{"Count": tc.count, "Max": 255})
		if !strings.Contains(got, tc.want) {
			t.Errorf("%s, %d: %q lacks %q", tc.lang, tc.count, got, tc.want)
		}
	}
}

func TestLanguageFromTheLocale(t *testing.T) {
	for _, tc := range []struct {
		env  map[string]string
		want Lang
	}{
		{nil, English},
		{map[string]string{"LANG": "es_MX.UTF-8"}, Spanish},
		{map[string]string{"LANG": "es"}, Spanish},
		{map[string]string{"LANG": "C"}, English},
		{map[string]string{"LANG": "POSIX"}, English},
		{map[string]string{"LANG": "es_CL.UTF-8", "LC_MESSAGES": "en_US.UTF-8"}, English},
		{map[string]string{"LANG": "en_US.UTF-8", "LC_MESSAGES": "es_AR.UTF-8"}, Spanish},
		{map[string]string{"LC_ALL": "C", "LC_MESSAGES": "es_ES.UTF-8"}, English},
		{map[string]string{"LC_ALL": "es_PE.UTF-8", "LANG": "C"}, Spanish},
	} {
		if got := FromEnv(func(k string) string { return tc.env[k] }); got != tc.want {
			t.Errorf("%v: %s, want %s", tc.env, got, tc.want)
		}
	}
	for in, want := range map[string]Lang{"es": Spanish, "EN": English, "es_MX": Spanish, "qps": Pseudo} {
		if got, err := ParseLang(in); err != nil || got != want {
			t.Errorf("ParseLang(%q) = %s, %v", in, got, err)
		}
	}
	if _, err := ParseLang("fr"); err == nil || !strings.Contains(err.Error(), "en or es") {
		t.Errorf("ParseLang(fr): %v", err)
	}
}

// The pseudo-locale marks every message and keeps its parameters.
func TestPseudoLocaleMarksAndKeepsParameters(t *testing.T) {
	got := New(Pseudo).T("validate.name.too_long", Args{"Count": 300, "Max": 255})
	if !strings.HasPrefix(got, PseudoOpen) || !strings.HasSuffix(got, PseudoClose) || !strings.Contains(got, "300") || !strings.Contains(got, "255") {
		t.Fatalf("%q", got)
	}
	if strings.Contains(got, "characters") {
		t.Errorf("%q: letters not transformed", got)
	}
}

func TestUnknownIDIsVisible(t *testing.T) {
	if got := New(Spanish).T("no.such.id"); got != "[no.such.id]" {
		t.Errorf("%q", got)
	}
}

// idLiteral is a string literal shaped like a catalogue id of one of the
// catalogue's areas.
var idLiteral = regexp.MustCompile(`^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$`)

// Every id the code names is in the catalogue, and every catalogue id is
// named by the code: no message is missing, none is dead.
func TestEveryIDInCodeIsInTheCatalogue(t *testing.T) {
	areas := map[string]bool{}
	for _, id := range IDs() {
		areas[strings.SplitN(id, ".", 2)[0]] = true
	}
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	used := map[string]string{}
	fset := token.NewFileSet()
	err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == ".git" || d.Name() == "testdata") {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		f, err := parser.ParseFile(fset, path, src, 0)
		if err != nil {
			return err
		}
		ast.Inspect(f, func(n ast.Node) bool {
			lit, ok := n.(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING {
				return true
			}
			s, err := strconv.Unquote(lit.Value)
			if err == nil && idLiteral.MatchString(s) && areas[strings.SplitN(s, ".", 2)[0]] {
				used[s] = fset.Position(lit.Pos()).String()
			}
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for id, where := range used {
		if !Has(id) {
			t.Errorf("%s: id %q is not in the catalogue", where, id)
		}
	}
	for _, id := range IDs() {
		if _, ok := used[id]; !ok {
			t.Errorf("catalogue id %q is named nowhere in the code", id)
		}
	}
}

// nested is a catalogue message as a parameter, as client.Msg is.
type nested struct{ id string }

func (n nested) Text(l *Localizer) string { return l.T(n.id) }

// A Texter parameter is rendered first, in the same language, and the
// caller's Args keep it (a Problem is rendered again in another
// language).
func TestNestedMessage(t *testing.T) {
	args := Args{"ID": "x", "Status": "queued", "Meaning": nested{"status.queued"}}
	es := New(Spanish).T("upload.after.status", args)
	en := New(English).T("upload.after.status", args)
	if !strings.Contains(en, "metadata created") || strings.Contains(es, "metadata created") || strings.Contains(es, "status.queued") {
		t.Errorf("en %q\nes %q", en, es)
	}
	if _, ok := args["Meaning"].(nested); !ok {
		t.Errorf("the caller's Args were changed: %v", args)
	}
	if got := New(Pseudo).T("upload.after.status", args); strings.Count(got, PseudoOpen) != 2 {
		t.Errorf("pseudo: %q, want the nested message marked too", got)
	}
}
