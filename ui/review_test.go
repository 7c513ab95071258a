package ui

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/ims-wizard/ims-wizard/client"
	"github.com/ims-wizard/ims-wizard/client/sandbox"
)

// w on the review writes the equivalent curl to a file and says how to run
// it; run as printed, it creates the very image the review shows.
func TestReviewSavesARunnableCurl(t *testing.T) {
	if _, err := exec.LookPath("curl"); err != nil {
		t.Skip("curl is not installed")
	}
	t.Parallel()
	c := startSandbox(t, sandbox.Options{})
	dir := t.TempDir()
	o := testOptions(c)
	o.Dir = dir
	o.Target.Endpoint = c.Endpoint()
	o.Initial = client.Request{Name: "saved-curl", Tags: []string{"from=script"}}
	w := startWizardSize(t, o, 160, 45)
	w.throughReview()
	w.key("w")
	v := flat(w.waitFlat("run it with: bash", "while this wizard is open")) // the built-in sandbox ends with the wizard
	command := regexp.MustCompile(`run it with: (bash \S+)`).FindStringSubmatch(v)
	if command == nil {
		t.Fatalf("no command in the notice:\n%s", v)
	}
	saved, _ := filepath.Glob(filepath.Join(dir, "ims-wizard-create-*.sh"))
	if len(saved) != 1 {
		t.Fatalf("files written: %v", saved)
	}
	out, err := exec.Command("sh", "-c", command[1]).CombinedOutput()
	if err != nil {
		t.Fatalf("%s: %v\n%s", command[1], err, out)
	}
	images, err := c.ListByName(context.Background(), "saved-curl")
	if err != nil || len(images) != 1 || !strings.Contains(strings.Join(images[0].Tags, ","), "from=script") {
		t.Fatalf("the saved curl did not create the reviewed image: %v %+v\n%s", err, images, out)
	}
}

// y sends the curl to the clipboard with OSC 52 and does not claim it
// arrived: terminals do not answer.
func TestReviewCopiesTheCurl(t *testing.T) {
	t.Parallel()
	c := startSandbox(t, sandbox.Options{})
	o := testOptions(c)
	out := &syncBuffer{}
	o.Out = out
	o.Initial = client.Request{Name: "copy-curl"}
	w := startWizard(t, o)
	w.throughReview()
	w.key("y")
	w.waitFlat("Terminals do not answer")
	w.inspect(func(*wizard) {})
	if !strings.HasPrefix(out.String(), "\x1b]52;c;") {
		t.Errorf("no OSC 52 written: %q", out.String())
	}
}

// Cancel on the review asks first: esc stays with every answer, q quits.
func TestReviewCancelAsksFirst(t *testing.T) {
	t.Parallel()
	c := startSandbox(t, sandbox.Options{})
	o := testOptions(c)
	o.DraftPath = filepath.Join(t.TempDir(), "draft.json")
	o.Initial = client.Request{Name: "maybe-later"}
	w := startWizard(t, o)
	w.throughReview()
	w.press(tea.KeyRight, tea.KeyRight, tea.KeyEnter)
	w.waitFlat("Quit without sending anything?", "kept as a draft")
	w.press(tea.KeyEsc)
	v := w.waitView("[ Cancel ]")
	if strings.Contains(v, "Quit without sending") {
		t.Fatalf("esc did not stay:\n%s", v)
	}
	if a := w.answers(); a.Name != "maybe-later" {
		t.Errorf("answers after staying: %+v", a)
	}
	w.press(tea.KeyEnter)
	w.waitFlat("Quit without sending anything?")
	w.key("q")
	m := w.finish()
	if m.finalErr != ErrInterrupted {
		t.Errorf("quitting ended with %v", m.finalErr)
	}
	if _, err := os.Stat(o.DraftPath); err != nil {
		t.Errorf("no draft kept: %v", err)
	}
}

// A command broken over lines by shellLines runs as the one command: the
// breaks fall outside quotes and each line but the last ends in " \".
func TestShellLinesRunAsTheOneCommand(t *testing.T) {
	t.Parallel()
	command := "printf '%s|' ims-wizard upload 4ca46bf1-5c61-48ff 'my image file.qcow2' --sandbox-dir '/tmp/a dir/state' --yes"
	want, err := exec.Command("sh", "-c", command).Output()
	if err != nil {
		t.Fatal(err)
	}
	for _, width := range []int{10, 24, 40, 200} {
		lines := shellLines(command, width)
		if width < 100 && len(lines) < 2 {
			t.Errorf("width %d: not broken: %q", width, lines)
		}
		got, err := exec.Command("sh", "-c", strings.Join(lines, "\n")).Output()
		if err != nil || string(got) != string(want) {
			t.Errorf("width %d: %q ran as %q (%v), want %q", width, lines, got, err, want)
		}
	}
}
