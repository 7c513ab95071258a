package ui

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"

	"github.com/charmbracelet/huh"
	"github.com/ims-wizard/ims-wizard/client"
)

// errInputEnded: the input ran out before the wizard had valid answers.
var errInputEnded = fmt.Errorf("%w: the input ended before the answers were complete and valid", ErrInterrupted)

// accessibleRun is the wizard for screen readers: huh's accessible prompts,
// one line each, the same steps, validators and review as the TUI. huh's
// prompts give up at end of input with whatever they hold, so every step is
// validated again here, and the whole request once more before it is sent.
type accessibleRun struct {
	ctx  context.Context
	c    *common
	w    io.Writer
	in   *lineReader
	intr <-chan struct{}
	a    Answers
	last *client.Result // the last image created in this session
}

// runAccessible runs the accessible wizard. intr delivers interrupts (Ctrl+C
// in a cooked terminal); nil means SIGINT.
func runAccessible(ctx context.Context, o Options, intr <-chan struct{}) (*client.Result, error) {
	if intr == nil {
		sig := make(chan os.Signal, 1)
		signal.Notify(sig, os.Interrupt)
		defer signal.Stop(sig)
		ch := make(chan struct{}, 1)
		done := make(chan struct{})
		defer close(done)
		go func() {
			for {
				select {
				case <-sig:
					select {
					case ch <- struct{}{}:
					default:
					}
				case <-done:
					return
				}
			}
		}()
		intr = ch
	}
	m := newModel(ctx, o) // for the shared content builders and the catalogue
	m.c.width, m.c.height, m.c.plain = 100, 40, true
	ar := &accessibleRun{ctx: ctx, c: m.c, w: o.Out, intr: intr, a: AnswersFromRequest(o.Initial, m.c.cat)}
	ar.in = newLineReader(ctx, o.In, intr)
	defer ar.in.Close()
	return ar.run()
}

func (ar *accessibleRun) printf(format string, args ...any) { fmt.Fprintf(ar.w, format, args...) }

func (ar *accessibleRun) run() (*client.Result, error) {
	ar.printf("ims-wizard: create image metadata (POST /v2/images)\n")
	ar.printf("Requests go to: %s\n", client.Inert(ar.c.opts.Target.Label))
	ar.printf("Credentials: %s\n\n", client.Inert(authText(ar.c.opts.Auth)))
	for {
		if err := ar.allSteps(); err != nil {
			return ar.last, err
		}
		res, err := ar.reviewAndSubmit()
		if errors.Is(err, ErrInterrupted) {
			return ar.last, err
		}
		if err != nil {
			return nil, err
		}
		ar.last = res
		choice, err := ar.choose("What next?", []string{"Quit", "Create another image (answers kept)"}, 0)
		if err == errInputEnded || err == nil && choice == 0 {
			return res, nil
		}
		if err != nil {
			return res, err
		}
	}
}

func authText(a client.AuthInfo) string {
	if a.Kind == "" {
		return string(client.AuthNone)
	}
	return a.String()
}

func (ar *accessibleRun) allSteps() error {
	for id := stepName; id < numSteps; id++ {
		if err := ar.step(id); err != nil {
			return err
		}
	}
	return nil
}

// step asks a step's fields until the client's validators accept them.
func (ar *accessibleRun) step(id stepID) error {
	info := steps[id]
	for {
		ar.printf("Step %d of %d: %s\n%s\n", info.number, reviewNumber, info.title, info.help)
		for _, l := range fixedLines(id, ar.c) {
			ar.printf("%s\n", l)
		}
		fields, _ := stepFields(id, &ar.a, ar.c, true)
		for _, f := range fields {
			before := ar.in.got
			_ = f.RunAccessible(ar.w, ar.in)
			ar.printf("\n")
			if ar.in.interrupted {
				return ErrInterrupted
			}
			if ar.in.eof && ar.in.got == before {
				return errInputEnded
			}
		}
		ar.clearDashes(id)
		ps := stepProblems(id, &ar.a, ar.c.cat)
		if id == stepPlatform {
			ps = nil // judged with the version
		}
		for _, p := range ps {
			ar.printf("%s: %s\n", severityWord(p), p.Error())
		}
		if len(ps.Errors()) == 0 {
			if len(ps) > 0 {
				ar.printf("\n")
			}
			return nil
		}
		if ar.in.eof {
			return errInputEnded
		}
		ar.printf("Please answer this step again.\n\n")
	}
}

// clearDashes: "-" leaves an optional field out.
func (ar *accessibleRun) clearDashes(id stepID) {
	for _, s := range []*string{&ar.a.MinDisk, &ar.a.MinRAM, &ar.a.Tags} {
		if strings.TrimSpace(*s) == "-" {
			*s = ""
		}
	}
}

func severityWord(p client.Problem) string {
	if p.IsWarning() {
		return "Warning"
	}
	return "Error"
}

// choose asks for one of options; Enter picks def. It returns
// errInputEnded when the input ran out before an answer.
func (ar *accessibleRun) choose(title string, options []string, def int) (int, error) {
	choice := def
	opts := make([]huh.Option[int], len(options))
	for i, o := range options {
		opts[i] = huh.NewOption(o, i)
	}
	sel := huh.NewSelect[int]().Title(fmt.Sprintf("%s (Enter: %s)", title, options[def])).Options(opts...).Value(&choice)
	before := ar.in.got
	_ = sel.RunAccessible(ar.w, ar.in)
	ar.printf("\n")
	switch {
	case ar.in.interrupted:
		return def, ErrInterrupted
	case ar.in.eof && ar.in.got == before:
		return def, errInputEnded
	}
	return choice, nil
}

// reviewAndSubmit shows the review and sends the request; it returns the
// result, or an error to end the wizard with (ErrInterrupted on Cancel).
func (ar *accessibleRun) reviewAndSubmit() (*client.Result, error) {
	for {
		// huh's prompts end with whatever they hold at end of input:
		// validate the whole request again, as the CLI would, and re-ask.
		if ps := ar.a.Problems(ar.c.cat).Errors(); len(ps) > 0 {
			ar.printf("These answers are not valid:\n")
			for _, p := range ps {
				ar.printf("Error: %s\n", p.Error())
			}
			ar.printf("\n")
			if ar.in.eof {
				return nil, errInputEnded
			}
			if err := ar.reask(ps); err != nil {
				return nil, err
			}
			continue
		}
		content, _ := reviewContent(ar.c, ar.a)
		ar.printf("Step %d of %d: %s\n\n", reviewNumber, reviewNumber, content)
		ar.printf("\n\n")
		choice, err := ar.choose("Send this request?", []string{"Submit", "Edit a step", "Cancel"}, 0)
		if err != nil {
			return nil, err
		}
		switch choice {
		case 1:
			if err := ar.editStep(); err != nil {
				return nil, err
			}
			continue
		case 2:
			return nil, ErrInterrupted
		}
		for {
			res, err := ar.create()
			if err == errCancelledRequest {
				break // back to the review
			}
			if err == nil {
				ar.printf("%s\n\n", resultContent(ar.c, res, false, true))
				return res, nil
			}
			ar.printf("%s\n\n", errorContent(ar.c, err, true))
			choice, cerr := ar.choose("What next?", []string{"Edit answers", "Retry", "Quit"}, 0)
			if cerr == errInputEnded || cerr == nil && choice == 2 {
				return nil, err
			}
			if cerr != nil {
				return nil, cerr
			}
			if choice == 0 {
				if err := ar.editStep(); err != nil {
					return nil, err
				}
				break
			}
		}
	}
}

// reask asks again every step holding one of the problems.
func (ar *accessibleRun) reask(ps client.Problems) error {
	asked := map[stepID]bool{}
	for _, p := range ps {
		id := stepOf(p.Field)
		if asked[id] {
			continue
		}
		asked[id] = true
		if id == stepVersion {
			if err := ar.step(stepPlatform); err != nil {
				return err
			}
		}
		if err := ar.step(id); err != nil {
			return err
		}
	}
	return nil
}

func (ar *accessibleRun) editStep() error {
	names := make([]string, len(editable))
	for i, id := range editable {
		names[i] = fmt.Sprintf("%s: %s", stepTitleShort(id), stepSummary(id, ar.a))
	}
	choice, err := ar.choose("Edit which step?", names, 0)
	if err != nil {
		return err
	}
	id := editable[choice]
	if err := ar.step(id); err != nil {
		return err
	}
	if id == stepPlatform {
		return ar.step(stepVersion)
	}
	return nil
}

var errCancelledRequest = fmt.Errorf("request cancelled")

// create sends the request; an interrupt cancels it and returns to the review.
func (ar *accessibleRun) create() (*client.Result, error) {
	req, _ := ar.a.Request()
	endpoint := strings.TrimRight(ar.c.opts.Target.Endpoint, "/")
	ar.printf("Sending POST %s/v2/images. Press Ctrl+C to cancel.\n", client.Inert(endpoint))
	ctx, cancel := context.WithCancel(ar.ctx)
	defer cancel()
	type answer struct {
		res *client.Result
		err error
	}
	done := make(chan answer, 1)
	go func() {
		res, err := ar.c.opts.Creator.Create(ctx, req)
		if err == nil && (res == nil || res.Image == nil) {
			err = fmt.Errorf("the server's answer holds no image")
		}
		done <- answer{res, err}
	}()
	select {
	case a := <-done:
		return a.res, a.err
	case <-ar.intr:
		cancel()
		a := <-done
		if a.err == nil {
			ar.printf("The server answered before the cancel took effect.\n")
			return a.res, nil
		}
		ar.printf("Request cancelled; every answer is kept.\n")
		if client.IsAmbiguous(a.err) {
			ar.printf("The request had already been sent: the image may exist. Look it up by name before submitting again.\n")
		}
		ar.printf("\n")
		return nil, errCancelledRequest
	case <-ar.ctx.Done():
		cancel()
		<-done
		return nil, ErrInterrupted
	}
}
