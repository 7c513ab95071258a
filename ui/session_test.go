package ui

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/ims-wizard/ims-wizard/client"
	"github.com/ims-wizard/ims-wizard/client/sandbox"
	"github.com/ims-wizard/ims-wizard/ui/draft"
)

func unknownNames(d *draft.Draft[Answers]) string {
	var names []string
	for _, u := range d.Unknown {
		names = append(names, u.Name)
	}
	return strings.Join(names, ",")
}

// The session's rules, without a front end: nothing is saved before
// something was given; an image settles only its own name, and the draft
// then keeps the other names' unknown outcomes without any answer.
func TestSessionCreatedKeepsOtherUnknownOutcomes(t *testing.T) {
	t.Parallel()
	o := testOptions(nil)
	o.DraftPath = draftPath(t)
	o.Initial = client.Request{Name: "b"}
	s := newSession(o, nil, nil)
	s.save(stepKey(stepName))
	noDraft(t, o.DraftPath) // only the command line's answers: nothing worth offering

	for _, name := range []string{"a", "b"} {
		s.sending(name)
		s.markUnknown(name)
	}
	s.a.MinRAM = "2048"
	s.save(reviewKey)
	if d := readDraft(t, o.DraftPath); unknownNames(d) != "a,b" || d.Answers.MinRAM != "2048" || d.Step != reviewKey {
		t.Fatalf("the draft holds %+v, %s at %s", d.Answers, unknownNames(d), d.Step)
	}

	img := &client.Result{Image: &client.Image{ID: "img-b", Name: "b"}}
	if !s.ended("b", img, nil) || s.lastCreated != img {
		t.Fatal("a created image is not recorded")
	}
	d := readDraft(t, o.DraftPath)
	if unknownNames(d) != "a" || !d.Answers.Equal(s.blank) || d.Step != stepKey(stepName) {
		t.Fatalf("after b's image the draft holds %+v, %s at %s; want a's unknown outcome alone", d.Answers, unknownNames(d), d.Step)
	}
	if _, ok := s.firstTry["b"]; ok {
		t.Error("b's first attempt is still remembered")
	}
	// Back at the first step with the image's answers: still only a's outcome.
	s.save(stepKey(stepName))
	if d := readDraft(t, o.DraftPath); unknownNames(d) != "a" || !d.Answers.Equal(s.blank) {
		t.Fatalf("the draft holds %+v, %s", d.Answers, unknownNames(d))
	}
	// An error that says nothing was sent leaves nothing unknown; an
	// ambiguous one (sent, cancelled) is recorded.
	s.ended("c", nil, &client.NetworkError{Kind: client.NetRefused})
	s.ended("d", nil, &client.NetworkError{Kind: client.NetCanceled, Ambiguous: true})
	if _, ok := s.unknown["c"]; ok {
		t.Error("a refused connection made an unknown outcome")
	}
	if _, ok := s.unknown["d"]; !ok {
		t.Error("a create cancelled after it was sent is not unknown")
	}
	s.forget("d")
	s.ended("a", &client.Result{Image: &client.Image{ID: "img-a", Name: "a"}}, nil)
	noDraft(t, o.DraftPath) // nothing left to keep
}

// The full-screen wizard: an image made by one of two names with unknown
// outcomes keeps the other's in the draft.
func TestCreatedClearsOnlyItsOwnUnknownOutcome(t *testing.T) {
	t.Parallel()
	cr := &scripted{}
	o := testOptions(cr)
	o.DraftPath = draftPath(t)
	since := time.Now().Add(-time.Minute)
	if err := draft.Save(o.DraftPath, draft.Draft[Answers]{Target: "built-in sandbox", Step: reviewKey, Answers: Answers{Name: "second", DiskFormat: "qcow2"},
		Unknown: []draft.Attempt{{Name: "first", Since: since}, {Name: "second", Since: since}}}); err != nil {
		t.Fatal(err)
	}
	w := startWizardSize(t, o, 120, 40)
	w.waitFlat("Resume where you left off?", `A create of "first"`, `A create of "second"`)
	w.press(tea.KeyEnter)
	w.waitView("Review")
	w.key("s") // looks first (nothing found), then sends
	w.waitView("Image metadata created")
	d := readDraft(t, o.DraftPath)
	if unknownNames(d) != "first" || d.Answers.Name != "" {
		t.Errorf("after the image of %q the draft holds %+v with %s; want only first's unknown outcome", "second", d.Answers, unknownNames(d))
	}
	w.key("q")
	w.finish()
	if d := readDraft(t, o.DraftPath); unknownNames(d) != "first" {
		t.Errorf("after quitting the draft holds %s", unknownNames(d))
	}
	if cr.finds.Load() != 1 || cr.creates.Load() != 1 {
		t.Errorf("%d look-ups, %d creates; want 1 and 1", cr.finds.Load(), cr.creates.Load())
	}
}

// hangingServer is a sandbox whose POSTs are received (posted is closed)
// and never answered: the create was sent, its outcome is unknown.
func hangingServer(t *testing.T) (*client.Client, <-chan struct{}) {
	t.Helper()
	sb := sandbox.New(sandbox.Options{})
	posted := make(chan struct{})
	var once sync.Once
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			sb.ServeHTTP(w, r)
			return
		}
		_, _ = io.Copy(io.Discard, r.Body) // read: the server then sees the client go
		once.Do(func() { close(posted) })
		<-r.Context().Done()
	}))
	t.Cleanup(srv.Close)
	c, err := client.New(client.Config{Endpoint: srv.URL, Timeout: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	return c, posted
}

func waitClosed(t *testing.T, ch <-chan struct{}, what string) {
	t.Helper()
	select {
	case <-ch:
	case <-time.After(waitLong):
		t.Fatalf("%s never happened", what)
	}
}

// Accessible mode, the run ended from outside while the create is in
// flight (SIGTERM or SIGHUP: cmd/root cancels the context), or Ctrl+C
// (SIGINT, which cmd/root forwards to the wizard: the request is cancelled
// and the review asked again, here answered Cancel): the draft records the
// unknown outcome so that a resumed run looks before sending again. The
// signals themselves are cmd/root's, tested on the real binary
// (cmd/ims-wizard): no test here signals its own process.
func TestAccessibleEndDuringCreateKeepsUnknownOutcome(t *testing.T) {
	t.Parallel()
	for _, how := range []string{"context cancelled", "ctrl+c"} {
		t.Run(how, func(t *testing.T) {
			c, posted := hangingServer(t)
			name := uniqueName("a11y-signal")
			var out syncBuffer
			pr, pw := ioPipe()
			t.Cleanup(func() { _ = pw.Close() })
			o := accessibleOptions(c, "", &out)
			o.In, o.DraftPath = pr, draftPath(t)
			o.Initial = client.Request{Name: name}
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			intr := make(chan struct{}, 1)
			done := make(chan runResult, 1)
			go func() {
				res, err := runAccessible(ctx, o, testRenderer(), intr)
				done <- runResult{res, err}
			}()
			_, _ = pw.Write([]byte(strings.Repeat("\n", 10))) // every default, then Submit
			waitClosed(t, posted, "the POST")
			if how == "ctrl+c" {
				intr <- struct{}{}
				waitOutput(t, &out, "Request cancelled; every answer is kept.")
				_, _ = pw.Write([]byte("3\n")) // Cancel
			} else {
				cancel()
			}
			r := waitRun(t, done)
			if !errors.Is(r.err, ErrInterrupted) || r.res != nil {
				t.Fatalf("Run = (%v, %v), want ErrInterrupted\n%s", r.res, r.err, out.String())
			}
			d := readDraft(t, o.DraftPath)
			if unknownNames(d) != name || d.Answers.Name != name || d.Step != reviewKey {
				t.Fatalf("the draft holds %+v at %s with unknown outcomes %q; want %q's\n%s", d.Answers, d.Step, unknownNames(d), name, out.String())
			}
		})
	}
}

// The full-screen wizard ended from outside (cmd/root cancels the context
// on SIGTERM and SIGHUP) while submitting: the create is cancelled after it
// was sent, and the draft records its unknown outcome.
func TestEndWhileSubmittingKeepsUnknownOutcome(t *testing.T) {
	t.Parallel()
	c, posted := hangingServer(t)
	name := uniqueName("tui-signal")
	o := testOptions(c)
	o.DraftPath = draftPath(t)
	o.Initial = client.Request{Name: name}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	out, write, done := runPipedContext(t, ctx, o)
	throughReviewPiped(t, out, write)
	write("s")
	waitClosed(t, posted, "the POST")
	cancel()
	r := waitRun(t, done)
	if !errors.Is(r.err, ErrInterrupted) || r.res != nil {
		t.Fatalf("Run = (%v, %v), want ErrInterrupted", r.res, r.err)
	}
	d := readDraft(t, o.DraftPath)
	if unknownNames(d) != name || d.Answers.Name != name || d.Step != reviewKey {
		t.Fatalf("the draft holds %+v at %s with unknown outcomes %q; want %q's", d.Answers, d.Step, unknownNames(d), name)
	}
}

// lateCreator creates the image even though the wizard cancelled the
// request: the answer beats the cancel.
type lateCreator struct {
	scripted
	started chan struct{}
}

func (l *lateCreator) Create(ctx context.Context, r client.Request) (*client.Result, error) {
	close(l.started)
	<-ctx.Done()
	return l.scripted.Create(context.Background(), r)
}

// A signal while submitting, but the image is created all the same: Run
// returns it (the CLI says it) and its answers leave the draft.
func TestSignalWhileSubmittingReturnsImageThatBeatTheCancel(t *testing.T) {
	t.Parallel()
	cr := &lateCreator{started: make(chan struct{})}
	o := testOptions(cr)
	o.DraftPath = draftPath(t)
	o.Initial = client.Request{Name: "late"}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	out, write, done := runPipedContext(t, ctx, o)
	throughReviewPiped(t, out, write)
	write("s")
	waitClosed(t, cr.started, "the create")
	cancel() // as NotifyContext does on SIGTERM
	r := waitRun(t, done)
	if !errors.Is(r.err, ErrInterrupted) || r.res == nil || r.res.Image.Name != "late" {
		t.Fatalf("Run = (%v, %v), want the image and ErrInterrupted", r.res, r.err)
	}
	noDraft(t, o.DraftPath)
}

// runPipedContext is runPiped with the run's context.
func runPipedContext(t *testing.T, ctx context.Context, o Options) (*syncBuffer, func(string), chan runResult) {
	t.Helper()
	pr, pw := ioPipe()
	out := &syncBuffer{}
	o.In, o.Out = pr, out
	done := make(chan runResult, 1)
	go func() {
		res, err := Run(ctx, o)
		done <- runResult{res, err}
	}()
	t.Cleanup(func() { _ = pw.Close() })
	return out, func(s string) { _, _ = pw.Write([]byte(s)) }, done
}

// throughReviewPiped presses Enter through every prefilled step, as a
// terminal would.
func throughReviewPiped(t *testing.T, out *syncBuffer, write func(string)) {
	t.Helper()
	waitOutput(t, out, "Image name")
	for _, marker := range []string{"Operating system · architecture", "Operating system · platform", "Ubuntu version", "Disk and container format",
		"┃ Minimum disk", "┃ Minimum RAM", "┃ Tags", "┃ Protect", "Review"} {
		write("\r")
		waitOutput(t, out, marker)
	}
}
