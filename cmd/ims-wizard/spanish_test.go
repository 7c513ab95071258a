package main

import (
	"regexp"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"
)

// Goldens of the main command-line screens in Spanish (issue 13): the
// help of the commands, and an API error's explanation, as a person on
// an 80-column terminal reads them. Update with: go test ./cmd/ims-wizard
// -run TestSpanish -update.

const termWidth = 80

func TestSpanishHelp(t *testing.T) {
	t.Parallel()
	for name, args := range map[string][]string{
		"root":         {"--help"},
		"sandbox":      {"sandbox", "--help"},
		"sandbox_list": {"sandbox", "list", "--help"},
		"os-versions":  {"os-versions", "--help"},
		"upload":       {"upload", "--help"},
	} {
		t.Run(name, func(t *testing.T) {
			r := runInProcess(t, cleanEnv(t, "LANG=es_MX.UTF-8"), args...)
			if r.code != 0 || r.stderr != "" {
				t.Fatalf("exit %d\n%s", r.code, r.stderr)
			}
			for _, line := range strings.Split(r.stdout, "\n") {
				if w := ansi.StringWidth(line); w > termWidth && !strings.HasPrefix(strings.TrimSpace(line), "ims-wizard ") {
					t.Errorf("%d cells, wider than the terminal: %q", w, line)
				}
			}
			checkFlagColumns(t, r.stdout)
			golden.RequireEqual(t, []byte(r.stdout))
		})
	}
}

// checkFlagColumns checks that in each flag table the descriptions start
// at one column, counted in cells: "duración" is 8 cells (9 bytes), and a
// table padded by bytes would shift every row after it.
func checkFlagColumns(t *testing.T, help string) {
	t.Helper()
	row := regexp.MustCompile(`^  (-\w, |    )--\S+( \S+)? {3,}`)
	for _, table := range strings.Split(help, "\n\n") {
		column := -1
		for _, line := range strings.Split(table, "\n") {
			m := row.FindString(line)
			if m == "" {
				continue
			}
			if w := ansi.StringWidth(m); column < 0 {
				column = w
			} else if w != column {
				t.Errorf("description at cell %d, not %d: %q", w, column, line)
			}
		}
	}
}

// An API error as the CLI explains it: the labels ("código", "qué hacer")
// padded to one column in cells.
func TestSpanishErrorExplanation(t *testing.T) {
	t.Parallel()
	r := runInProcess(t, cleanEnv(t, "LANG=es_MX.UTF-8", "IMS_WIZARD_SANDBOX_FAIL=POST /v2/images=429"), "--yes", "--name", "demo")
	if r.code != 3 {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	_, explained, ok := strings.Cut(r.stderr, "\nerror: ")
	if !ok {
		t.Fatalf("no explanation:\n%s", r.stderr)
	}
	explained = "error: " + explained
	explained = regexp.MustCompile(`127\.0\.0\.1:\d+`).ReplaceAllString(explained, "127.0.0.1:PORT")
	explained = regexp.MustCompile(`(?m)^(  id de solicitud: +)[0-9a-f]+$`).ReplaceAllString(explained, "${1}REQUEST-ID")
	column := -1
	for _, line := range strings.Split(strings.TrimSuffix(explained, "\n"), "\n")[1:] {
		label, _, ok := strings.Cut(line, ": ")
		if !ok {
			t.Fatalf("not a row: %q", line)
		}
		value := len(line) - len(strings.TrimLeft(line[len(label)+1:], " "))
		if w := ansi.StringWidth(line[:value]); column < 0 {
			column = w
		} else if w != column {
			t.Errorf("value at cell %d, not %d: %q", w, column, line)
		}
	}
	golden.RequireEqual(t, []byte(explained))
}

// The language comes from --lang, else LC_ALL, LC_MESSAGES, LANG, as the
// built program reads its environment.
func TestLanguageChoice(t *testing.T) {
	t.Parallel()
	create := []string{"--yes", "--name", "demo"}
	for _, tc := range []struct {
		name string
		env  []string
		args []string
		want string
	}{
		{"LANG=es_MX", []string{"LANG=es_MX.UTF-8"}, create, "Se creó la imagen"},
		{"--lang en wins", []string{"LANG=es_MX.UTF-8"}, append([]string{"--lang", "en"}, create...), "Created image"},
		{"--lang=es wins", []string{"LANG=en_US.UTF-8"}, append([]string{"--lang=es"}, create...), "Se creó la imagen"},
		{"LC_ALL=C wins", []string{"LC_ALL=C", "LANG=es_CL.UTF-8"}, create, "Created image"},
		{"LC_MESSAGES=es wins over LANG", []string{"LC_MESSAGES=es_AR.UTF-8", "LANG=en_US.UTF-8"}, create, "Se creó la imagen"},
		{"no locale", nil, create, "Created image"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := runCLI(t, cleanEnv(t, tc.env...), tc.args...)
			if r.code != 0 || !strings.Contains(r.stdout, tc.want) {
				t.Fatalf("exit %d, stdout lacks %q:\n%s\n%s", r.code, tc.want, r.stdout, r.stderr)
			}
		})
	}
	// A --lang it does not know is said in the locale's language.
	r := runCLI(t, cleanEnv(t, "LANG=es_MX.UTF-8"), "--lang", "fr", "--yes", "--name", "demo")
	if r.code != 2 || r.stderr != "error: --lang \"fr\": idioma desconocido; use en o es\n" {
		t.Fatalf("exit %d, stderr %q", r.code, r.stderr)
	}
}

// "1 problema", "3 problemas": the count picks the plural form.
func TestSpanishProblemsArePlural(t *testing.T) {
	t.Parallel()
	env := cleanEnv(t, "LANG=es_MX.UTF-8")
	one := runInProcess(t, env, "--yes", "--name", "")
	three := runInProcess(t, env, "--yes", "--name", "", "--min-disk", "5", "--tag", "x")
	if !strings.Contains(one.stderr, "error: la solicitud no es válida; no se envió nada (1 problema):\n") ||
		!strings.Contains(three.stderr, "error: la solicitud no es válida; no se envió nada (3 problemas):\n") {
		t.Fatalf("one:\n%s\nthree:\n%s", one.stderr, three.stderr)
	}
}
