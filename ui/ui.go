// Package ui is ims-wizard's interactive wizard: a huh form per parameter
// with the client's validators inline, a review of the exact request, then a
// bubbletea view that submits it and shows the created image or the error.
// Every rule (validation, parsing, the catalogue, making server strings
// inert) belongs to package client; this package only asks and shows.
package ui

import (
	"context"
	"errors"
	"io"
	"os"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/ims-wizard/ims-wizard/client"
	"github.com/muesli/termenv"
)

// Creator is what the wizard submits to (*client.Client satisfies it).
type Creator interface {
	Create(ctx context.Context, r client.Request) (*client.Result, error)
}

// Target says where requests go, for the header and the curl equivalent.
type Target struct {
	Kind     string // "sandbox", "region", "endpoint"
	Label    string // e.g. "built-in sandbox", "region cn-north-4", "endpoint https://glance.local:9292"
	Endpoint string // base URL, for the curl equivalent
}

// Options is everything the wizard needs from the CLI.
type Options struct {
	Creator    Creator
	Catalog    *client.Catalog // live list (real IMS) or the embedded one; nil means the embedded one
	Target     Target
	Auth       client.AuthInfo // shown in the header: kind and source, never a secret
	Initial    client.Request  // flags given on the command line prefill their steps (still editable)
	Accessible bool            // --accessible or ACCESSIBLE=1: huh accessible mode
	In         io.Reader       // normally os.Stdin
	Out        io.Writer       // normally os.Stderr: the UI draws on stderr
}

// ErrInterrupted is returned when the user cancels or presses Ctrl+C.
var ErrInterrupted = errors.New("interrupted")

// getenv is os.Getenv; tests replace it.
var getenv = os.Getenv

// Run runs the wizard until an image is created (returns its result, nil
// error), or the user quits from the error view (returns that
// *client.APIError / *client.NetworkError), or cancels / presses Ctrl+C
// (returns ErrInterrupted, with the result of an image created earlier in
// the session, if any).
//
// On a terminal with TERM=dumb the wizard runs in accessible mode, as huh
// does: such a terminal cannot redraw a screen.
func Run(ctx context.Context, o Options) (*client.Result, error) {
	if o.Creator == nil {
		return nil, errors.New("ui: Options.Creator is nil")
	}
	if o.In == nil {
		o.In = os.Stdin
	}
	if o.Out == nil {
		o.Out = os.Stderr
	}
	if o.Catalog == nil {
		o.Catalog = client.EmbeddedCatalog()
	}
	accessible := o.Accessible || getenv("TERM") == "dumb"
	setColours(o.Out, accessible)
	if accessible {
		return runAccessible(ctx, o, nil)
	}

	m := newModel(ctx, o)
	p := tea.NewProgram(m,
		tea.WithContext(ctx),
		tea.WithInput(o.In),
		tea.WithOutput(o.Out),
		tea.WithAltScreen(),
	)
	final, err := p.Run()
	fm, ok := final.(*model)
	if !ok {
		fm = m
	}
	if fm.page == pageSubmitting && fm.submit.cancel != nil {
		fm.submit.cancel()
	}
	switch {
	case errors.Is(err, tea.ErrInterrupted), errors.Is(err, tea.ErrProgramKilled) && ctx.Err() != nil:
		return fm.lastCreated, ErrInterrupted
	case err != nil:
		return nil, err
	case fm.finalResult == nil && fm.finalErr == nil:
		// Ended from outside (SIGTERM): neither created nor refused.
		return fm.lastCreated, ErrInterrupted
	}
	return fm.finalResult, fm.finalErr
}

// setColours takes the colour profile from the output the UI draws on
// (stderr, normally), not from stdout as lipgloss would: NO_COLOR,
// CLICOLOR_FORCE and TERM=dumb are honoured through termenv. Accessible mode
// prints plain text for screen readers.
func setColours(out io.Writer, accessible bool) {
	o := termenv.NewOutput(out, termenv.WithEnvironment(envFunc{}))
	profile := o.EnvColorProfile()
	if accessible {
		profile = termenv.Ascii
	}
	lipgloss.SetColorProfile(profile)
	if f, ok := out.(*os.File); ok && profile != termenv.Ascii && isTerminal(f) {
		lipgloss.SetHasDarkBackground(o.HasDarkBackground())
	}
}

// envFunc lets tests drive termenv's environment through getenv.
type envFunc struct{}

func (envFunc) Getenv(k string) string { return getenv(k) }
func (envFunc) Environ() []string      { return os.Environ() }

func isTerminal(f *os.File) bool {
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}
