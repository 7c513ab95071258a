package ui

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/exp/teatest"
	"github.com/ims-wizard/ims-wizard/client"
	"github.com/ims-wizard/ims-wizard/client/clienttest"
	"github.com/ims-wizard/ims-wizard/client/sandbox"
	"github.com/muesli/termenv"
)

// UI tests pin the colour profile (plain text views) and the terminal size.
func TestMain(m *testing.M) {
	lipgloss.SetColorProfile(termenv.Ascii)
	lipgloss.SetHasDarkBackground(true)
	time.Local = time.UTC // clock times on screen (drafts, look-ups) as in the goldens, wherever they run
	clienttest.WaitingTestsParallel(8)
	os.Exit(m.Run())
}

const (
	termW, termH = 80, 24
	seedID       = "4ca46bf1-5c61-48ff-b4f3-0ad4e5e3ba86"
	testEndpoint = "http://sandbox.test" // shown in curl and URLs; the client talks to the real sandbox URL
	waitLong     = 5 * time.Second
)

var seedTime = time.Date(2016, 6, 2, 7, 49, 48, 0, time.UTC)

// startSandbox serves a sandbox on loopback and returns a client for it.
func startSandbox(t *testing.T, opts sandbox.Options) *client.Client {
	t.Helper()
	srv := sandbox.New(opts)
	url, err := srv.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	c, err := client.New(client.Config{Endpoint: url, Timeout: 20 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// deterministic is a sandbox whose ids and clock are the seed's, for goldens.
func deterministic() sandbox.Options {
	return sandbox.Options{Clock: func() time.Time { return seedTime }, NewID: func() string { return seedID }}
}

// stable fixes what the sandbox cannot: the random request id and the
// measured latency, so result views can be compared with goldens.
type stable struct{ Creator }

func (s stable) Create(ctx context.Context, r client.Request) (*client.Result, error) {
	res, err := s.Creator.Create(ctx, r)
	if res != nil {
		res.RequestID, res.Latency = "0123456789abcdef0123456789abcdef", 42*time.Millisecond
	}
	var apiErr *client.APIError
	if errors.As(err, &apiErr) {
		apiErr.RequestID = "0123456789abcdef0123456789abcdef"
		apiErr.URL = strings.Replace(apiErr.URL, urlHost(apiErr.URL), "sandbox.test", 1)
	}
	return res, err
}

// rawBody sends the request with changes a wizard would never make, to get
// real refusals (and unknown fields) from the sandbox.
type rawBody struct {
	c      *client.Client
	change func(map[string]any)
}

func (r rawBody) Create(ctx context.Context, req client.Request) (*client.Result, error) {
	var body map[string]any
	if err := json.Unmarshal(req.Body(), &body); err != nil {
		return nil, err
	}
	r.change(body)
	data, _ := json.Marshal(body)
	return r.c.CreateBody(ctx, data)
}

func (r rawBody) FindRecent(ctx context.Context, name string, since time.Time) ([]*client.Image, error) {
	return r.c.FindRecent(ctx, name, since)
}

// probe wraps the wizard so a test can read its view while it runs.
type probe struct{ m *wizard }

type viewReq chan string

// inspect runs on the program's goroutine, so a test can read the model
// without racing it.
type inspect struct {
	fn   func(*wizard)
	done chan struct{}
}

func (p probe) Init() tea.Cmd { return p.m.Init() }
func (p probe) View() string  { return p.m.View() }
func (p probe) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch r := msg.(type) {
	case viewReq:
		r <- p.m.View()
		return p, nil
	case inspect:
		r.fn(p.m)
		close(r.done)
		return p, nil
	}
	_, cmd := p.m.Update(msg)
	return p, cmd
}

// wizard is a running wizard under teatest.
type driver struct {
	t  *testing.T
	tm *teatest.TestModel
	m  *wizard
}

func testOptions(cr Creator) Options {
	return Options{
		Creator: cr,
		Target:  Target{Kind: "sandbox", Label: "built-in sandbox", Endpoint: testEndpoint},
		Auth:    client.AuthInfo{Kind: client.AuthNone, Source: "sandbox"},
		Out:     &bytes.Buffer{},
	}
}

func startWizard(t *testing.T, o Options) *driver {
	t.Helper()
	return startWizardSize(t, o, termW, termH)
}

func startWizardSize(t *testing.T, o Options, w, h int) *driver {
	t.Helper()
	m := newWizard(context.Background(), o, testRenderer())
	tm := teatest.NewTestModel(t, probe{m}, teatest.WithInitialTermSize(w, h))
	t.Cleanup(func() {
		_ = tm.Quit()
		tm.WaitFinished(t, teatest.WithFinalTimeout(waitLong))
	})
	return &driver{t: t, tm: tm, m: m}
}

// view is the wizard's view once it has stopped changing.
func (w *driver) view() string {
	w.t.Helper()
	last := ""
	for i := 0; i < 100; i++ {
		ch := make(viewReq, 1)
		w.tm.Send(ch)
		select {
		case v := <-ch:
			if v == last {
				return v
			}
			last = v
		case <-time.After(waitLong):
			w.t.Fatal("the wizard does not answer")
		}
		time.Sleep(15 * time.Millisecond)
	}
	return last
}

// waitView waits until the view contains every one of want.
func (w *driver) waitView(want ...string) string {
	w.t.Helper()
	deadline := time.Now().Add(waitLong)
	var v string
	for time.Now().Before(deadline) {
		v = w.view()
		ok := true
		for _, s := range want {
			if !strings.Contains(v, s) {
				ok = false
			}
		}
		if ok {
			return v
		}
		time.Sleep(20 * time.Millisecond)
	}
	w.t.Fatalf("the view never showed %q; last view:\n%s", want, v)
	return ""
}

// flat folds every run of white space to one blank (and joins words
// wrapped at a hyphen), so text can be found whatever the wrapping.
func flat(s string) string {
	return strings.Join(strings.Fields(hyphenBreak.ReplaceAllString(s, "-")), " ")
}

var hyphenBreak = regexp.MustCompile(`-[ \t]*\n[ \t]*`)

// waitFlat waits until the view, wrapping ignored, contains every one of want.
func (w *driver) waitFlat(want ...string) string {
	w.t.Helper()
	deadline := time.Now().Add(waitLong)
	var v string
	for time.Now().Before(deadline) {
		v = w.view()
		ok := true
		for _, s := range want {
			if !strings.Contains(flat(v), flat(s)) {
				ok = false
			}
		}
		if ok {
			return v
		}
		time.Sleep(20 * time.Millisecond)
	}
	w.t.Fatalf("the view never showed %q; last view:\n%s", want, v)
	return ""
}

func (w *driver) typeText(s string) {
	for _, r := range s {
		if r == ' ' {
			w.tm.Send(tea.KeyMsg{Type: tea.KeySpace, Runes: []rune{r}})
			continue
		}
		w.tm.Send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}})
	}
}

func (w *driver) press(keys ...tea.KeyType) {
	for _, k := range keys {
		w.tm.Send(tea.KeyMsg{Type: k})
	}
}

func (w *driver) key(s string) { w.tm.Send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(s)}) }

// finish waits for the program to end and returns the model.
func (w *driver) finish() *wizard {
	w.t.Helper()
	fm := w.tm.FinalModel(w.t, teatest.WithFinalTimeout(waitLong))
	return fm.(probe).m
}

func urlHost(u string) string {
	rest := u[strings.Index(u, "://")+3:]
	if i := strings.IndexByte(rest, '/'); i >= 0 {
		rest = rest[:i]
	}
	return rest
}

func ioPipe() (*io.PipeReader, *io.PipeWriter) { return io.Pipe() }

// answers reads the wizard's answers on its own goroutine.
func (w *driver) answers() Answers {
	w.t.Helper()
	var a Answers
	w.inspect(func(m *wizard) { a = m.a })
	return a
}

func (w *driver) inspect(fn func(*wizard)) {
	w.t.Helper()
	done := make(chan struct{})
	w.tm.Send(inspect{fn: fn, done: done})
	select {
	case <-done:
	case <-time.After(waitLong):
		w.t.Fatal("the wizard does not answer")
	}
}

// testRenderer draws plain text, as on a pipe: goldens have no colours.
func testRenderer() *lipgloss.Renderer {
	r := lipgloss.NewRenderer(io.Discard)
	r.SetColorProfile(termenv.Ascii)
	r.SetHasDarkBackground(true)
	return r
}

// testCommon is the shared state of a wizard at the test terminal size.
func testCommon(o Options) *common {
	c := newCommon(context.Background(), o, testRenderer())
	c.width, c.height = termW, termH
	return c
}
