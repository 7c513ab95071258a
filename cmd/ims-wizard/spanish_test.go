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
	for name, args := range map[string][]string{
		"root":         {"--help"},
		"sandbox":      {"sandbox", "--help"},
		"sandbox_list": {"sandbox", "list", "--help"},
		"os-versions":  {"os-versions", "--help"},
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
