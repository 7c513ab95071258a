package ui

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/ims-wizard/ims-wizard/client"
	"github.com/ims-wizard/ims-wizard/client/l10n"
	"github.com/ims-wizard/ims-wizard/client/sandbox"
	"github.com/ims-wizard/ims-wizard/ui/draft"
)

// draftPath is a draft file in a fresh state directory (short, so that
// paths in messages are not cut by the wrapping).
func draftPath(t *testing.T) string {
	dir, err := os.MkdirTemp("", "imsw")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = os.RemoveAll(dir) })
	return filepath.Join(dir, "state", "ims-wizard", "draft.json")
}

func readDraft(t *testing.T, path string) *draft.Draft[Answers] {
	t.Helper()
	d, err := draft.Load[Answers](path)
	if err != nil {
		t.Fatalf("reading the draft: %v", err)
	}
	if d == nil {
		t.Fatalf("no draft at %s", path)
	}
	return d
}

func noDraft(t *testing.T, path string) {
	t.Helper()
	if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("a draft is left at %s (%v)", path, err)
	}
}

// every answer differs from its default, so a lost one shows.
var fullAnswers = Answers{Name: "resumed", Platform: "CentOS", OSVersion: "CentOS 7.6 64bit", DiskFormat: "qcow2",
	MinDisk: "60", MinRAM: "2048", Tags: "a=1\nb=2", Protected: true}

func saveDraft(t *testing.T, path, step string, a Answers) {
	t.Helper()
	err := draft.Save(path, draft.Draft[Answers]{SavedAt: time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC),
		Target: "built-in sandbox", Step: step, Answers: a})
	if err != nil {
		t.Fatal(err)
	}
}

// The answers are on disk after every step, while the wizard runs: 0600 in
// a 0700 directory, and never a temporary file left beside them.
func TestDraftSavedAfterEachStep(t *testing.T) {
	t.Parallel()
	c := startSandbox(t, sandbox.Options{})
	o := testOptions(c)
	o.DraftPath = draftPath(t)
	w := startWizard(t, o)
	w.waitView("Image name")
	if _, err := os.Stat(o.DraftPath); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("a draft was written before anything was answered (%v)", err)
	}
	w.typeText("drafted")
	w.press(tea.KeyEnter)
	w.waitView("Operating system · architecture")
	w.press(tea.KeyEnter)
	w.waitView("Operating system · platform")
	checks := []struct {
		step   string
		answer func(Answers) string
		want   string
		next   func()
		marker string
	}{
		{"platform", func(a Answers) string { return a.Name }, "drafted", func() { w.press(tea.KeyDown, tea.KeyEnter) }, "CentOS version"},
		{"version", func(a Answers) string { return a.Platform }, "CentOS", func() {
			w.key("/")
			w.typeText("CentOS 7.6 64")
			w.waitView("> CentOS 7.6 64bit")
			w.press(tea.KeyEnter)
		}, "Disk and container format"},
		{"disk", func(a Answers) string { return a.OSVersion }, "CentOS 7.6 64bit", func() { w.press(tea.KeyDown, tea.KeyDown, tea.KeyEnter) }, "Minimum disk and RAM"},
		{"sizes", func(a Answers) string { return a.DiskFormat }, "raw", func() {
			w.typeText("80")
			w.press(tea.KeyEnter)
			w.waitView("┃ Minimum RAM")
			w.typeText("512")
			w.press(tea.KeyEnter)
		}, "Tags, protection"},
		{"tags", func(a Answers) string { return a.MinDisk + "/" + a.MinRAM }, "80/512", func() {
			w.typeText("k=v")
			w.press(tea.KeyEnter)
			w.waitView("┃ Protect the image?")
			w.press(tea.KeyLeft, tea.KeyEnter)
		}, "Review"},
		{"review", func(a Answers) string { return a.Tags }, "k=v", nil, ""},
	}
	for _, ck := range checks {
		d := readDraft(t, o.DraftPath)
		if d.Step != ck.step || ck.answer(d.Answers) != ck.want {
			t.Fatalf("at step %s the draft holds step %q, answer %q; want %q", ck.step, d.Step, ck.answer(d.Answers), ck.want)
		}
		if d.Target != "sandbox" || d.Version != draft.Version || time.Since(d.SavedAt) > time.Minute {
			t.Errorf("draft metadata: %+v", d)
		}
		if ck.next != nil {
			ck.next()
			w.waitView(ck.marker)
		}
	}
	if d := readDraft(t, o.DraftPath); !d.Answers.Equal(w.answers()) {
		t.Errorf("the draft holds %+v, the wizard %+v", d.Answers, w.answers())
	}
	if !readDraft(t, o.DraftPath).Answers.Protected {
		t.Error("protected was not saved")
	}
	fi, err := os.Stat(o.DraftPath)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("draft mode %v (%v), want 0600", fi.Mode(), err)
	}
	if di, err := os.Stat(filepath.Dir(o.DraftPath)); err != nil || di.Mode().Perm() != 0o700 {
		t.Errorf("directory mode %v (%v), want 0700", di.Mode(), err)
	}
	entries, _ := os.ReadDir(filepath.Dir(o.DraftPath))
	if len(entries) != 2 || entries[0].Name() != "draft.json" || entries[1].Name() != "draft.json.lock" {
		t.Errorf("the state directory holds %v, want only draft.json and its lock file", entries)
	}
}

// A draft is offered on the first screen; resuming restores every answer
// and the step it was saved at.
func TestDraftResumeRestoresEveryAnswer(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ step, marker string }{{"sizes", "┃ Minimum disk"}, {"review", `"min_ram": 2048`}} {
		t.Run(tc.step, func(t *testing.T) {
			c := startSandbox(t, sandbox.Options{})
			o := testOptions(c)
			o.DraftPath = draftPath(t)
			saveDraft(t, o.DraftPath, tc.step, fullAnswers)
			w := startWizard(t, o)
			n := 4
			if tc.step == "review" {
				n = 6
			}
			v := w.waitFlat("Resume where you left off?", `name "resumed"`, "at step "+string(rune('0'+n))+" of 6", "› Resume the draft", "Start fresh")
			if !strings.Contains(v, time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC).Local().Format("2006-01-02 15:04:05")) {
				t.Errorf("the draft's time is not shown:\n%s", v)
			}
			w.press(tea.KeyEnter)
			w.waitView(tc.marker)
			if a := w.answers(); !a.Equal(fullAnswers) {
				t.Fatalf("resumed answers %+v, want %+v", a, fullAnswers)
			}
			if tc.step == "sizes" {
				w.waitView("> 60")
				return
			}
			// Submitting the resumed answers creates exactly them, and clears the draft.
			w.key("s")
			w.waitView("Image metadata created")
			noDraft(t, o.DraftPath)
			w.key("q")
			img := w.finish().finalResult.Image
			if img.Name != "resumed" || img.OSVersion != "CentOS 7.6 64bit" || img.DiskFormat != "qcow2" || img.MinDisk != 60 ||
				img.MinRAM != 2048 || strings.Join(img.Tags, ",") != "a=1,b=2" || !img.Protected {
				t.Errorf("created %+v", img)
			}
		})
	}
}

// Start fresh drops the draft and starts from the command line's values.
func TestDraftStartFresh(t *testing.T) {
	t.Parallel()
	c := startSandbox(t, sandbox.Options{})
	o := testOptions(c)
	o.DraftPath = draftPath(t)
	o.Initial = client.Request{Name: "from-flags"}
	saveDraft(t, o.DraftPath, "tags", fullAnswers)
	w := startWizard(t, o)
	w.waitView("Resume where you left off?")
	w.press(tea.KeyDown)
	w.waitView("› Start fresh")
	w.press(tea.KeyEnter)
	w.waitView("Image name", "> from-flags")
	if a, want := w.answers(), AnswersFromRequest(o.Initial, nil); !a.Equal(want) {
		t.Errorf("answers %+v, want the command line's %+v", a, want)
	}
	noDraft(t, o.DraftPath)
}

// Values given on the command line win over the draft's, and the first
// screen says which.
func TestDraftFlagsWinOverDraft(t *testing.T) {
	t.Parallel()
	c := startSandbox(t, sandbox.Options{})
	o := testOptions(c)
	o.DraftPath = draftPath(t)
	o.Initial = client.Request{Name: "new-name", MinDisk: client.Int64(50), DiskFormat: "qcow2"}
	o.InitialFields = []string{client.FieldName, client.FieldMinDisk, client.FieldDiskFormat}
	saveDraft(t, o.DraftPath, "review", fullAnswers)
	w := startWizardSize(t, o, 120, 30)
	w.waitFlat("Given on the command line, --name and --min-disk win over the draft's values.")
	w.press(tea.KeyEnter)
	w.waitView("Review")
	want := fullAnswers
	want.Name, want.MinDisk = "new-name", "50" // disk_format was given too, but equal
	if a := w.answers(); !a.Equal(want) {
		t.Errorf("answers %+v, want %+v", a, want)
	}
}

// A damaged draft is set aside, said on the first screen, and never fatal.
func TestDraftDamagedIsSetAside(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name  string
		write func(path string) error
		why   string
	}{
		{"bad json", func(p string) error { return os.WriteFile(p, []byte(`{"version": 1, "answers": {`), 0o600) }, "not valid JSON"},
		{"wrong version", func(p string) error {
			return os.WriteFile(p, []byte(`{"version": 7, "saved_at": "2026-03-04T05:06:07Z", "answers": {}}`), 0o600)
		}, "version 7, want 1"},
		{"unreadable", func(p string) error { return os.Mkdir(p, 0o700) }, "is a directory"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := startSandbox(t, sandbox.Options{})
			o := testOptions(c)
			o.DraftPath = draftPath(t)
			if err := os.MkdirAll(filepath.Dir(o.DraftPath), 0o700); err != nil {
				t.Fatal(err)
			}
			if err := tc.write(o.DraftPath); err != nil {
				t.Fatal(err)
			}
			w := startWizardSize(t, o, 200, 30)
			v := w.waitFlat("Image name", "The draft "+o.DraftPath+" was damaged", tc.why, "and was set aside as draft.json.damaged-")
			if strings.Contains(v, "Resume") {
				t.Errorf("a damaged draft was offered:\n%s", v)
			}
			matches, _ := filepath.Glob(o.DraftPath + ".damaged-*")
			if len(matches) != 1 {
				t.Fatalf("set aside as %v, want one file", matches)
			}
			noDraft(t, o.DraftPath)
			// The notice stays until the first step is left; drafts work again.
			w.typeText("after")
			w.press(tea.KeyEnter)
			w.waitView("Operating system · architecture")
			w.press(tea.KeyEnter)
			v = w.waitView("Operating system · platform")
			if strings.Contains(v, "damaged") {
				t.Errorf("the notice outlived the first step:\n%s", v)
			}
			if d := readDraft(t, o.DraftPath); d.Answers.Name != "after" {
				t.Errorf("the new draft holds %+v", d.Answers)
			}
		})
	}
}

// An image created from the answers clears the draft.
func TestDraftClearedAfterCreate(t *testing.T) {
	t.Parallel()
	c := startSandbox(t, sandbox.Options{})
	o := testOptions(c)
	o.DraftPath = draftPath(t)
	o.Initial = client.Request{Name: "clear-me"}
	w := startWizard(t, o)
	for _, marker := range []string{"architecture", "platform", "version", "Disk and", "┃ Minimum disk", "┃ Minimum RAM", "Tags,", "┃ Protect", "Review"} {
		w.press(tea.KeyEnter)
		w.waitView(marker)
	}
	readDraft(t, o.DraftPath)
	w.press(tea.KeyEnter)
	w.waitView("Image metadata created")
	noDraft(t, o.DraftPath)
	// Ctrl+C on the result keeps no draft either: the answers made the image.
	w.press(tea.KeyCtrlC)
	m := w.finish()
	if !errors.Is(m.finalErr, ErrInterrupted) || m.finalResult == nil {
		t.Errorf("Ctrl+C on the result: (%v, %v), want the image and ErrInterrupted", m.finalResult, m.finalErr)
	}
	noDraft(t, o.DraftPath)
}

// An error and Ctrl+C keep the draft.
func TestDraftKeptAfterErrorAndCtrlC(t *testing.T) {
	t.Parallel()
	t.Run("error", func(t *testing.T) {
		o := testOptions(failing{&client.APIError{Method: "POST", URL: "http://x/v2/images", StatusCode: 500, Meaning: "internal service error"}})
		o.DraftPath = draftPath(t)
		o.Initial = client.Request{Name: "kept", MinRAM: client.Int64(1024)}
		w := startWizard(t, o)
		for _, marker := range []string{"architecture", "platform", "version", "Disk and", "┃ Minimum disk", "┃ Minimum RAM", "Tags,", "┃ Protect", "Review"} {
			w.press(tea.KeyEnter)
			w.waitView(marker)
		}
		w.press(tea.KeyEnter)
		w.waitView("HTTP 500")
		if d := readDraft(t, o.DraftPath); !d.Answers.Equal(w.answers()) || d.Step != "review" {
			t.Errorf("after the error the draft holds %+v at %s", d.Answers, d.Step)
		}
		w.key("q")
		m := w.finish()
		var se *SubmitError
		if !errors.As(m.finalErr, &se) || se.Request.Name != "kept" {
			t.Errorf("quit from the error: %v, want a *SubmitError for the request", m.finalErr)
		}
		// What Run returns says the draft is kept, for the CLI to say how
		// to resume (as after Ctrl+C).
		if !errors.As(m.interrupted(m.finalErr), &se) || !se.DraftKept {
			t.Errorf("Run's error after quitting from the error view does not say the draft is kept: %+v", se)
		}
		if d := readDraft(t, o.DraftPath); d.Answers.Name != "kept" || d.Answers.MinRAM != "1024" {
			t.Errorf("after quitting the draft holds %+v", d.Answers)
		}
	})
	t.Run("ctrl+c", func(t *testing.T) {
		c := startSandbox(t, sandbox.Options{})
		o := testOptions(c)
		o.DraftPath = draftPath(t)
		w := startWizard(t, o)
		w.typeText("interrupted")
		w.press(tea.KeyEnter)
		w.waitView("Operating system · architecture")
		w.press(tea.KeyEnter)
		w.waitView("Operating system · platform")
		w.press(tea.KeyDown, tea.KeyEnter)
		w.waitView("CentOS version")
		w.press(tea.KeyCtrlC)
		m := w.finish()
		if !errors.Is(m.finalErr, ErrInterrupted) {
			t.Fatalf("err %v", m.finalErr)
		}
		d := readDraft(t, o.DraftPath)
		if d.Answers.Name != "interrupted" || d.Answers.Platform != "CentOS" || d.Step != "version" {
			t.Errorf("after Ctrl+C the draft holds %+v at %s", d.Answers, d.Step)
		}
	})
	t.Run("ctrl+c mid-step", func(t *testing.T) {
		c := startSandbox(t, sandbox.Options{})
		o := testOptions(c)
		o.DraftPath = draftPath(t)
		w := startWizard(t, o)
		w.typeText("half-typed")
		w.waitView("> half-typed")
		w.press(tea.KeyCtrlC)
		w.finish()
		if d := readDraft(t, o.DraftPath); d.Answers.Name != "half-typed" || d.Step != "name" {
			t.Errorf("the draft holds %+v at %s", d.Answers, d.Step)
		}
	})
}

// A draft that cannot be saved is said, and the wizard goes on.
func TestDraftSaveFailureIsSaid(t *testing.T) {
	t.Parallel()
	c := startSandbox(t, sandbox.Options{})
	o := testOptions(c)
	dir := t.TempDir()
	blocker := filepath.Join(dir, "state")
	if err := os.WriteFile(blocker, nil, 0o600); err != nil { // a file where the directory should be
		t.Fatal(err)
	}
	o.DraftPath = filepath.Join(blocker, "ims-wizard", "draft.json")
	w := startWizardSize(t, o, 120, 30)
	w.typeText("x")
	w.press(tea.KeyEnter)
	w.waitView("Operating system · architecture")
	w.press(tea.KeyEnter)
	w.waitFlat("Operating system · platform", "Could not save the draft", "the answers are kept only while the wizard runs")
}

// Accessible mode: the draft is offered with a line prompt, resumed at its
// step, saved after each step and cleared by the created image.
func TestAccessibleDraft(t *testing.T) {
	t.Parallel()
	c := startSandbox(t, sandbox.Options{})
	path := draftPath(t)
	saveDraft(t, path, "sizes", fullAnswers)
	var out syncBuffer
	o := accessibleOptions(c, "1\n"+strings.Repeat("\n", 6), &out) // resume; keep sizes, tags, protected; submit; quit
	o.DraftPath = path
	res, err := Run(context.Background(), o)
	if err != nil || res == nil {
		t.Fatalf("Run = (%v, %v)\n%s", res, err, out.String())
	}
	text := out.String()
	if !strings.Contains(text, `A draft of your answers was saved at`) || !strings.Contains(text, `(name "resumed", at step 4 of 6)`) ||
		!strings.Contains(text, "Resume the draft?") {
		t.Errorf("the draft was not offered:\n%s", text)
	}
	if strings.Contains(text, "Step 1 of 6") {
		t.Errorf("resumed at step 1, not 4:\n%s", text)
	}
	img := res.Image
	if img.Name != "resumed" || img.OSVersion != "CentOS 7.6 64bit" || img.MinDisk != 60 || !img.Protected {
		t.Errorf("created %+v", img)
	}
	noDraft(t, path)

	// Saved after each step: the input ends on step 3.
	out = syncBuffer{}
	o = accessibleOptions(c, "piped\n\n2\n\n", &out)
	o.DraftPath = path
	if _, err := Run(context.Background(), o); !errors.Is(err, ErrInterrupted) {
		t.Fatalf("err %v, want ErrInterrupted at the end of input", err)
	}
	if d := readDraft(t, path); d.Answers.Name != "piped" || d.Answers.Platform != "CentOS" || d.Step != "disk" {
		t.Errorf("the draft holds %+v at %s", d.Answers, d.Step)
	}

	// Damaged: said, set aside, and the run goes on.
	if err := os.WriteFile(path, []byte("garbage"), 0o600); err != nil {
		t.Fatal(err)
	}
	out = syncBuffer{}
	o = accessibleOptions(c, "", &out)
	o.DraftPath = path
	_, _ = Run(context.Background(), o)
	if text := out.String(); !strings.Contains(text, "The draft "+path+" was damaged (not valid JSON") || !strings.Contains(text, "set aside as draft.json.damaged-") {
		t.Errorf("the damaged draft was not reported:\n%s", text)
	}

	// Start fresh removes the draft.
	saveDraft(t, path, "tags", fullAnswers)
	out = syncBuffer{}
	o = accessibleOptions(c, "2\n", &out)
	o.DraftPath = path
	_, _ = Run(context.Background(), o)
	noDraft(t, path)
}

// A draft made for another target says so; the sandbox is one target
// whatever its port.
func TestDraftForAnotherTargetIsSaid(t *testing.T) {
	t.Parallel()
	c := startSandbox(t, sandbox.Options{})
	o := testOptions(c)
	o.DraftPath = draftPath(t)
	if err := draft.Save(o.DraftPath, draft.Draft[Answers]{Target: "region cn-north-4", Step: "name", Answers: fullAnswers}); err != nil {
		t.Fatal(err)
	}
	w := startWizardSize(t, o, 120, 30)
	w.waitFlat("It was made for region cn-north-4; requests now go to built-in sandbox.")

	o.Target.Label = "built-in sandbox (http://127.0.0.1:1234)"
	saveDraft(t, o.DraftPath, "name", fullAnswers)
	w = startWizardSize(t, o, 120, 30)
	if v := w.waitView("Resume where you left off?"); strings.Contains(v, "It was made for") {
		t.Errorf("the sandbox on another port is called another target:\n%s", v)
	}

	// Saved in Spanish, where the sandbox's label is translated: the same
	// target read in English.
	if err := os.Remove(o.DraftPath); err != nil {
		t.Fatal(err)
	}
	es := o
	es.Target.Label = "IMS de pruebas integrado"
	es.Loc = l10n.New(l10n.Spanish)
	w = startWizardSize(t, es, 120, 30)
	w.waitView("Nombre")
	w.typeText("en-español")
	w.press(tea.KeyEnter)
	w.waitView("arquitectura")
	if d, err := draft.Load[Answers](o.DraftPath); err != nil || d.Target != "sandbox" {
		t.Fatalf("the draft keeps its target as %q (%v), want the language-free \"sandbox\"", d.Target, err)
	}
	w = startWizardSize(t, o, 120, 30)
	if v := w.waitView("Resume where you left off?"); strings.Contains(v, "It was made for") {
		t.Errorf("a draft saved in Spanish is called another target:\n%s", v)
	}

	// Another endpoint is another target, named by its URL.
	glance := o
	glance.Target = Target{Kind: "endpoint", Label: "endpoint http://127.0.0.1:9292", Endpoint: "http://127.0.0.1:9292/"}
	w = startWizardSize(t, glance, 120, 30)
	w.waitFlat("It was made for the built-in sandbox; requests now go to endpoint http://127.0.0.1:9292.")
}
