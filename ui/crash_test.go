package ui

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/ims-wizard/ims-wizard/client"
)

// panicking is a Creator whose Create panics (a bug in a dependency).
type panicking struct{}

func (panicking) Create(context.Context, client.Request) (*client.Result, error) {
	panic("creator exploded")
}

func (panicking) FindRecent(context.Context, string, time.Time) ([]*client.Image, error) {
	return nil, nil
}

// badError's Error panics: it makes the wizard's own Update panic when it
// explains the error, on the program's goroutine.
type badError struct{}

func (badError) Error() string { panic("error text exploded") }

type runResult struct {
	res *client.Result
	err error
}

// runPiped runs Run with a pipe for keys, as a terminal would.
func runPiped(t *testing.T, o Options) (*syncBuffer, func(string), chan runResult) {
	t.Helper()
	pr, pw := ioPipe()
	out := &syncBuffer{}
	o.In, o.Out = pr, out
	done := make(chan runResult, 1)
	go func() {
		res, err := Run(context.Background(), o)
		done <- runResult{res, err}
	}()
	t.Cleanup(func() { _ = pw.Close() })
	return out, func(s string) { _, _ = pw.Write([]byte(s)) }, done
}

func waitRun(t *testing.T, done chan runResult) runResult {
	t.Helper()
	select {
	case r := <-done:
		return r
	case <-time.After(waitLong):
		t.Fatal("Run did not return")
	}
	return runResult{}
}

// A panic, in a command (the Creator) or in the wizard's own Update,
// restores the terminal, saves the answers, and returns a *CrashError.
func TestCrashSavesDraftAndRestoresTerminal(t *testing.T) {
	t.Parallel()
	for name, cr := range map[string]Creator{
		"in the creator": panicking{},
		"in update":      failing{badError{}},
	} {
		t.Run(name, func(t *testing.T) {
			o := testOptions(cr)
			o.DraftPath = draftPath(t)
			o.Initial = client.Request{Name: "crash", MinRAM: client.Int64(4096)}
			out, write, done := runPiped(t, o)
			waitOutput(t, out, "Image name")
			for _, marker := range []string{"Operating system · architecture", "Operating system · platform", "Ubuntu version", "Disk and container format",
				"┃ Minimum disk", "┃ Minimum RAM", "┃ Tags", "┃ Protect", "Review"} {
				write("\r")
				waitOutput(t, out, marker)
			}
			write("s")
			r := waitRun(t, done)
			var ce *CrashError
			if !errors.As(r.err, &ce) || ce.Draft != o.DraftPath || ce.Saved != nil || len(ce.Stack) == 0 {
				t.Fatalf("Run = (%v, %v), want a *CrashError naming the draft", r.res, r.err)
			}
			if !strings.Contains(ce.Error(), "exploded") || !strings.Contains(ce.Error(), "your answers were saved to "+o.DraftPath) {
				t.Errorf("crash message: %s", ce.Error())
			}
			d := readDraft(t, o.DraftPath)
			if d.Answers.Name != "crash" || d.Answers.MinRAM != "4096" || d.Step != "review" {
				t.Errorf("the draft holds %+v at %s", d.Answers, d.Step)
			}
			// After the last screen drawn: the cursor shown, the alternate screen left.
			s := out.String()
			tail := s[strings.LastIndex(s, "Review"):]
			if !strings.Contains(tail, "\x1b[?25h") || !strings.Contains(tail, "\x1b[?1049l") {
				t.Errorf("the terminal was not restored: %q", tail[max(len(tail)-200, 0):])
			}
		})
	}
}

// Accessible mode: a panicking Creator also ends with the answers saved.
func TestAccessibleCrashSavesDraft(t *testing.T) {
	t.Parallel()
	var out syncBuffer
	o := accessibleOptions(panicking{}, strings.Repeat("\n", 10), &out)
	o.DraftPath = draftPath(t)
	o.Initial = client.Request{Name: "a11y-crash"}
	_, err := Run(context.Background(), o)
	var ce *CrashError
	if !errors.As(err, &ce) || ce.Draft != o.DraftPath || !strings.Contains(ce.Error(), "creator exploded") {
		t.Fatalf("Run error %v, want a *CrashError", err)
	}
	if d := readDraft(t, o.DraftPath); d.Answers.Name != "a11y-crash" || d.Step != "review" {
		t.Errorf("the draft holds %+v at %s", d.Answers, d.Step)
	}
}

// Ctrl+C quits from every page (except while a create is in flight, where
// it cancels the create) with ErrInterrupted and the session's last image.
func TestCtrlCAnywhereInterrupts(t *testing.T) {
	t.Parallel()
	lost := &client.NetworkError{Method: "POST", URL: "http://x/v2/images", Kind: client.NetReset, Ambiguous: true, Err: errors.New("reset")}
	toError := func(w *driver) {
		w.throughReview()
		w.press(tea.KeyEnter)
		w.waitFlat("the image may exist")
	}
	cases := []struct {
		name  string
		cr    Creator
		draft bool
		reach func(w *driver)
	}{
		{"resume", &scripted{}, true, func(w *driver) { w.waitView("Resume where you left off?") }},
		{"edit list", &scripted{}, false, func(w *driver) { w.throughReview(); w.key("e"); w.waitView("Edit which step?") }},
		{"error", &scripted{create: []error{lost}}, false, toError},
		{"look-up in flight", &blockingFind{scripted{create: []error{lost}}}, false, func(w *driver) {
			toError(w)
			w.key("r")
			w.waitView("Looking for images named")
		}},
		{"found", &foundOne{scripted{create: []error{lost}}}, false, func(w *driver) {
			toError(w)
			w.key("r")
			w.waitView("The image may already exist")
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			o := testOptions(tc.cr)
			o.Initial = client.Request{Name: "ctrl-c"}
			if tc.draft {
				o.DraftPath = draftPath(t)
				saveDraft(t, o.DraftPath, "tags", fullAnswers)
			}
			w := startWizardSize(t, o, 100, 40)
			tc.reach(w)
			w.press(tea.KeyCtrlC)
			m := w.finish()
			if !errors.Is(m.finalErr, ErrInterrupted) {
				t.Fatalf("Ctrl+C on %s: %v, want ErrInterrupted", tc.name, m.finalErr)
			}
			if tc.draft {
				if d := readDraft(t, o.DraftPath); !d.Answers.Equal(fullAnswers) {
					t.Errorf("Ctrl+C on the resume screen changed the draft: %+v", d.Answers)
				}
			}
			if bf, ok := tc.cr.(*blockingFind); ok {
				select {
				case <-bf.cancelled():
				case <-time.After(waitLong):
					t.Error("the look-up in flight was not cancelled")
				}
			}
		})
	}
}

// blockingFind's look-up waits for its context.
type blockingFind struct{ scripted }

var findCancelled = make(chan struct{}, 8)

func (b *blockingFind) FindRecent(ctx context.Context, _ string, _ time.Time) ([]*client.Image, error) {
	<-ctx.Done()
	findCancelled <- struct{}{}
	return nil, ctx.Err()
}

func (b *blockingFind) cancelled() <-chan struct{} { return findCancelled }

// foundOne's look-up finds one image.
type foundOne struct{ scripted }

func (f *foundOne) FindRecent(context.Context, string, time.Time) ([]*client.Image, error) {
	img, _ := client.ParseImage([]byte(`{"id": "found-1", "name": "ctrl-c", "status": "queued", "created_at": "2026-03-04T05:06:07Z"}`))
	return []*client.Image{img}, nil
}

// Ctrl+C through Run on the error view: the terminal is restored, the
// answers kept, ErrInterrupted returned.
func TestRunCtrlCOnErrorRestoresTerminal(t *testing.T) {
	t.Parallel()
	o := testOptions(failing{&client.APIError{Method: "POST", URL: "http://x/v2/images", StatusCode: 503, Meaning: "the service is unavailable"}})
	o.DraftPath = draftPath(t)
	o.Initial = client.Request{Name: "piped-error"}
	out, write, done := runPiped(t, o)
	waitOutput(t, out, "Image name")
	for _, marker := range []string{"Operating system · architecture", "Operating system · platform", "Ubuntu version", "Disk and container format",
		"┃ Minimum disk", "┃ Minimum RAM", "┃ Tags", "┃ Protect", "Review"} {
		write("\r")
		waitOutput(t, out, marker)
	}
	write("s")
	waitOutput(t, out, "HTTP 503")
	write("\x03")
	r := waitRun(t, done)
	if !errors.Is(r.err, ErrInterrupted) || r.res != nil {
		t.Fatalf("Run = (%v, %v), want ErrInterrupted", r.res, r.err)
	}
	if s := out.String(); !strings.Contains(s[strings.LastIndex(s, "HTTP 503"):], "\x1b[?1049l") {
		t.Error("the alternate screen was not left")
	}
	if d := readDraft(t, o.DraftPath); d.Answers.Name != "piped-error" || len(d.Unknown) != 1 {
		t.Errorf("the draft holds %+v (unknown %v); a 503 is an unknown outcome", d.Answers, d.Unknown)
	}
}
