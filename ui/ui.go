// Package ui is ims-wizard's interactive wizard: a huh form per parameter
// with the client's validators inline, a review of the exact request, then a
// bubbletea view that submits it and shows the created image or the error.
// Every rule (validation, parsing, the catalogue, making server strings
// inert) belongs to package client; this package only asks and shows.
package ui

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/ims-wizard/ims-wizard/client"
	"github.com/ims-wizard/ims-wizard/client/l10n"
	"github.com/muesli/termenv"
)

// Creator is what the wizard submits to (*client.Client satisfies it).
type Creator interface {
	Create(ctx context.Context, r client.Request) (*client.Result, error)
	// FindRecent lists the images called name created at or after since:
	// after a create with no clear answer, the image it may have made.
	FindRecent(ctx context.Context, name string, since time.Time) ([]*client.Image, error)
}

// Uploader sends the image file of a queued image and watches it turn
// active (*client.Client satisfies it). The wizard offers the upload from
// its result view only when Options.Uploader is set.
type Uploader interface {
	// CheckUpload is the pre-flight: the file is a readable regular file,
	// its size passes the endpoint's and the credentials' limits, the
	// image is queued. Refusals are *client.UploadError.
	CheckUpload(ctx context.Context, id, path string) (*client.UploadCheck, error)
	// RunUpload is the client's upload pipeline: the PUT with progress, the
	// status while sending and after, the checksum, the status after a stop
	// or a failure. Its hooks are called from other goroutines.
	RunUpload(ctx context.Context, check *client.UploadCheck, o client.UploadOptions) client.UploadOutcome
}

var _ Uploader = (*client.Client)(nil)

// Target says where requests go, for the header and the curl equivalent.
type Target struct {
	Kind     string // "sandbox", "region", "endpoint"
	Label    string // e.g. "built-in sandbox", "region cn-north-4", "endpoint https://glance.local:9292"
	Endpoint string // base URL, for the curl equivalent
}

// Options is everything the wizard needs from the CLI.
type Options struct {
	Creator Creator
	Catalog *client.Catalog // live list (real IMS) or the embedded one; nil means the embedded one
	Target  Target
	Auth    client.AuthInfo // shown in the header: kind and source, never a secret
	Initial client.Request  // flags given on the command line prefill their steps (still editable)
	// Uploader, if set, lets the result view upload the image file of a
	// queued image (key u; in accessible mode, a prompt after the result).
	Uploader Uploader
	// InitialFields are the API fields (client.FieldName, …) of Initial that
	// were given on the command line: they win over a resumed draft's values.
	InitialFields []string
	// DraftPath is where the answers are saved as they are given, and
	// offered back at the next start; "" turns drafts off.
	DraftPath  string
	Accessible bool      // --accessible or ACCESSIBLE=1: line-by-line prompts for screen readers
	In         io.Reader // normally os.Stdin
	Out        io.Writer // normally os.Stderr: the UI draws on stderr
	// Loc is the interface language (nil: English), chosen once by cmd.
	Loc *l10n.Localizer
	// Getenv is the environment (TERM, NO_COLOR, CLICOLOR_FORCE); nil
	// means os.Getenv.
	Getenv func(string) string
	// ImageFile is the image file given with --file, its header read
	// (nil: none). Initial already carries the disk_format and min_disk it
	// gives where the flags did not; the file step should start with it
	// chosen, the disk format and min_disk steps check against it
	// (ImageFile.Check, .Detected), and the upload start after the create
	// without asking for the file again.
	ImageFile *client.ImageFile
	// Review, when set, opens the wizard at the review with these answers:
	// a pasted request (--from), mistyped values as the customer wrote
	// them, every field editable. No draft is offered then (the draft on
	// disk is kept).
	Review *client.Input
	// PasteDropped are what the pasted request did that no step holds
	// (read-only keys, misspelt or unknown keys): the review lists them,
	// as not sent, so the customer's mistake is seen.
	PasteDropped client.Problems
	// Interrupts delivers Ctrl+C in accessible mode, where the terminal is
	// cooked and Ctrl+C is SIGINT: cmd/root forwards SIGINT here while the
	// wizard runs. nil: the wizard listens for SIGINT itself.
	Interrupts <-chan struct{}
	// UploadCommand is the CLI command line that uploads image id's file
	// later (with a FILE placeholder), shown on the result of a queued
	// image; nil shows none.
	UploadCommand func(id string) string
	// Created, if set, is told of every image the run creates or finds
	// (after "create another", there are several), and again with the
	// same ID when an image is read back after an upload. It is called
	// on the goroutine that called Run.
	Created func(*client.Result)
	// Dir is the working directory: typed relative paths are resolved
	// against it and the review's curl file is written in it. "" means the
	// process's current directory (tests give their own, so that they can
	// run in parallel).
	Dir string
}

// ErrInterrupted is returned when the user cancels or presses Ctrl+C
// (as an *InterruptedError, which errors.Is matches).
var ErrInterrupted = errors.New("interrupted")

// InterruptedError is the run ended by Cancel, Ctrl+C or a signal, saying
// whether the answers are kept in the draft (Options.DraftPath), for the
// next start to offer.
type InterruptedError struct{ DraftKept bool }

func (e *InterruptedError) Error() string        { return ErrInterrupted.Error() }
func (e *InterruptedError) Is(target error) bool { return target == ErrInterrupted }

// interrupted is err, told whether s's answers are in its draft when it is
// an interrupt or a failed create the user quit on.
func (s *session) interrupted(err error) error {
	var se *SubmitError
	if errors.As(err, &se) {
		se.DraftKept = s.draftKept()
		return err
	}
	if errors.Is(err, ErrInterrupted) {
		return &InterruptedError{DraftKept: s.draftKept()}
	}
	return err
}

// SubmitError is the error Run returns when the user quits from the error
// view: the server's or the network's error (errors.As reaches it), with
// the request it answered, so the caller can say how to look the image up.
type SubmitError struct {
	Request client.Request
	Err     error
	// DraftKept: the answers (and the unknown outcome, if any) are in the
	// draft, for the next start to offer.
	DraftKept bool
}

func (e *SubmitError) Error() string { return e.Err.Error() }

func (e *SubmitError) Unwrap() error { return e.Err }

// UploadFailedError is the error Run returns when the user quits after an
// upload from the result view went wrong (checksum mismatch, the image
// killed, the PUT refused or cut, the wait run out); Run returns the image
// as last read with it. errors.As reaches the *client.UploadError,
// *client.APIError or *client.NetworkError.
type UploadFailedError struct {
	ImageID string
	Path    string
	Err     error
}

func (e *UploadFailedError) Error() string {
	return fmt.Sprintf("uploading %s to image %s: %v", client.Inert(e.Path), client.Inert(e.ImageID), e.Err)
}

func (e *UploadFailedError) Unwrap() error { return e.Err }

// WasFound reports a result that no create answered: the image was found
// by the look-up after a create whose answer was lost (no request id, no
// latency, no status of a create).
func WasFound(res *client.Result) bool { return res != nil && res.Image != nil && res.StatusCode == 0 }

// Run runs the wizard until an image is created (returns its result, nil
// error; after an upload from the result view, the image as read back, so
// its status is active), or the user quits after an upload that went wrong
// (the image and an *UploadFailedError), or quits from the error view
// (returns a *SubmitError wrapping the *client.APIError /
// *client.NetworkError), or cancels / presses Ctrl+C (returns
// ErrInterrupted, with the result of an image created earlier in the
// session, if any). A panic restores the terminal, saves the answers and
// returns a *CrashError.
//
// With Options.DraftPath set, the answers are saved there after every step,
// on an error, on quitting and on a crash, and cleared once they made an
// image; the next run offers to resume them.
//
// On a terminal with TERM=dumb the wizard runs in accessible mode: such a
// terminal cannot redraw a screen.
//
// Cancelling ctx ends the run as an interrupt (ErrInterrupted): cmd/root
// cancels it on SIGTERM and SIGHUP. A create in flight then is cancelled
// and its outcome recorded in the draft (unknown, unless its answer comes
// at once); an image it made is returned.
func Run(ctx context.Context, o Options) (res *client.Result, err error) {
	if o.Creator == nil {
		return nil, errors.New("ui: Options.Creator is nil")
	}
	if o.In == nil {
		o.In = os.Stdin
	}
	if o.Out == nil {
		o.Out = os.Stderr
	}
	if o.Getenv == nil {
		o.Getenv = os.Getenv
	}
	if o.Catalog == nil {
		o.Catalog = client.EmbeddedCatalog()
	}
	accessible := o.AccessibleMode()
	r := newRenderer(o.Out, o.Getenv, accessible)
	if accessible {
		return runAccessible(ctx, o, r, o.Interrupts)
	}

	w := newWizard(ctx, o, r)
	defer func() { err = w.interrupted(err) }()
	// Panics are the wizard's to handle: commands run under guard, and a
	// panic in Update or View reaches the recover below, which restores
	// the terminal and saves the answers before anything else.
	//
	// Signals are the caller's: SIGTERM and SIGHUP cancel ctx (cmd/root's
	// signal.NotifyContext); in raw mode Ctrl+C is a key, not SIGINT.
	// Bubble Tea's own handler is off: on a signal that also cancels ctx,
	// its message can find the event loop gone and block the program's
	// shutdown for ever.
	p := tea.NewProgram(w,
		tea.WithContext(ctx),
		tea.WithInput(o.In),
		tea.WithOutput(o.Out),
		tea.WithAltScreen(),
		tea.WithoutCatchPanics(),
		tea.WithoutSignalHandler(),
	)
	defer func() {
		if rec := recover(); rec != nil {
			stack := debug.Stack()
			_ = p.ReleaseTerminal()
			p.Kill()
			w.cancelInFlight()
			res, err = w.lastCreated, w.crashError(rec, stack)
		}
	}()
	final, err := p.Run()
	fw, ok := final.(*wizard)
	if !ok {
		fw = w
	}
	// Ended from outside (a signal) with a create in flight: its outcome is
	// recorded before the answers are saved.
	fw.abandonSubmit(abandonWait)
	fw.cancelInFlight()
	switch {
	case errors.Is(err, tea.ErrInterrupted), errors.Is(err, tea.ErrProgramKilled) && ctx.Err() != nil:
		fw.persist()
		return fw.lastCreated, ErrInterrupted
	case err != nil:
		fw.persist()
		return fw.lastCreated, err
	case fw.finalResult == nil && fw.finalErr == nil:
		// Ended from outside (SIGTERM): neither created nor refused.
		fw.persist()
		return fw.lastCreated, ErrInterrupted
	}
	var ce *CrashError
	if errors.As(fw.finalErr, &ce) {
		return fw.lastCreated, ce
	}
	return fw.finalResult, fw.finalErr
}

// AccessibleMode reports whether Run asks line by line: --accessible (or
// ACCESSIBLE=1), or a TERM=dumb terminal, which cannot redraw a screen.
func (o Options) AccessibleMode() bool {
	getenv := o.Getenv
	if getenv == nil {
		getenv = os.Getenv
	}
	return o.Accessible || getenv("TERM") == "dumb"
}

// newRenderer draws on out with the colour profile of out (stderr,
// normally), not of stdout as lipgloss's default renderer would: NO_COLOR,
// CLICOLOR_FORCE and TERM=dumb are honoured through termenv. Accessible
// mode prints plain text for screen readers. On a terminal the background
// is asked for now, before the program reads the input.
func newRenderer(out io.Writer, getenv func(string) string, plain bool) *lipgloss.Renderer {
	r := lipgloss.NewRenderer(out, termenv.WithEnvironment(envFunc(getenv)))
	if plain {
		// Set, not asked: asking the terminal would read its answer from
		// the input the prompts read.
		r.SetColorProfile(termenv.Ascii)
		r.SetHasDarkBackground(true)
		return r
	}
	f, isFile := out.(*os.File)
	if !isFile || !isTerminal(f) || r.ColorProfile() == termenv.Ascii {
		r.SetHasDarkBackground(true)
		return r
	}
	r.SetHasDarkBackground(r.HasDarkBackground())
	return r
}

// envFunc is termenv's environment, read through Options.Getenv.
type envFunc func(string) string

func (e envFunc) Getenv(k string) string { return e(k) }
func (e envFunc) Environ() []string {
	var out []string
	for _, k := range []string{"TERM", "COLORTERM", "NO_COLOR", "CLICOLOR", "CLICOLOR_FORCE", "TERM_PROGRAM"} {
		if v := e(k); v != "" {
			out = append(out, k+"="+v)
		}
	}
	return out
}

func isTerminal(f *os.File) bool {
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}
