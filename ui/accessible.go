package ui

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
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
	*session // the answers, their draft, unknown outcomes, the last image

	ctx  context.Context
	c    *common
	w    io.Writer
	in   *lineReader
	intr <-chan struct{}
	cur  string // where the user is, for the draft
}

// runAccessible runs the accessible wizard. intr delivers interrupts (Ctrl+C
// in a cooked terminal); nil means SIGINT.
func runAccessible(ctx context.Context, o Options, intr <-chan struct{}) (res *client.Result, err error) {
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
	c := newCommon(o) // the shared content builders and the catalogue
	c.width, c.height, c.plain = 100, 40, true
	ar := newAccessibleRun(ctx, c, intr)
	defer func() {
		if r := recover(); r != nil {
			stack := debug.Stack()
			if cm, ok := r.(crashMsg); ok {
				r, stack = cm.value, cm.stack
			}
			res, err = ar.lastCreated, ar.crashError(r, stack)
		}
	}()
	ar.in = newLineReader(ctx, o.In, intr)
	defer ar.in.Close()
	return ar.run()
}

// newAccessibleRun starts a run (and reads the draft, if any).
func newAccessibleRun(ctx context.Context, c *common, intr <-chan struct{}) *accessibleRun {
	return &accessibleRun{session: newSession(c.opts, c.cat), ctx: ctx, c: c, w: c.opts.Out, intr: intr, cur: stepKey(stepName)}
}

// persist saves the answers as a draft, and says when that failed.
func (ar *accessibleRun) persist() {
	ar.save(ar.cur)
	if n := ar.drafts.notice(); n != "" {
		ar.printf("Warning: %s\n", n)
	}
}

func (ar *accessibleRun) crashError(value any, stack []byte) *CrashError {
	ar.persist()
	return ar.crashReport(value, stack)
}

func (ar *accessibleRun) printf(format string, args ...any) { fmt.Fprintf(ar.w, format, args...) }

func (ar *accessibleRun) run() (*client.Result, error) {
	start := ar.start
	ar.printf("ims-wizard: create image metadata (POST /v2/images)\n")
	ar.printf("Requests go to: %s\n", client.Inert(ar.c.opts.Target.Label))
	ar.printf("Credentials: %s\n\n", client.Inert(authText(ar.c.opts.Auth)))
	if start.notice != "" {
		ar.printf("Warning: %s\n\n", start.notice)
	}
	from, review := stepName, false
	if d := start.found; d != nil {
		ar.printf("A draft of your answers was saved at %s.\n", describeDraft(d))
		for _, l := range draftDetails(start, ar.c.opts.Target) {
			ar.printf("%s\n", l)
		}
		choice, err := ar.choose("Resume the draft?", resumeChoices, 0)
		if err != nil {
			return nil, err // the draft stays as it was
		}
		if choice == 0 {
			from, review = ar.takeDraft()
			ar.cur = d.Step
		} else {
			ar.dropDraft()
		}
	}
	for {
		if !review {
			if err := ar.stepsFrom(from); err != nil {
				ar.persist()
				return ar.lastCreated, err
			}
		}
		from, review = stepName, false
		res, err := ar.reviewAndSubmit()
		if err != nil {
			ar.persist()
			return ar.lastCreated, err
		}
		res, failed, err := ar.offerUpload(res)
		if err != nil {
			return res, err
		}
		choice, err := ar.choose("What next?", []string{"Quit", "Create another image (answers kept)"}, 0)
		if err == errInputEnded || err == nil && choice == 0 {
			if failed != nil {
				return res, failed // an upload that went wrong is said by the exit
			}
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

// stepsFrom asks the steps from id to the last.
func (ar *accessibleRun) stepsFrom(id stepID) error {
	for ; id < numSteps; id++ {
		if err := ar.step(id); err != nil {
			return err
		}
	}
	return nil
}

// step asks a step's fields until the client's validators accept them.
func (ar *accessibleRun) step(id stepID) error {
	info := steps[id]
	ar.cur = stepKey(id)
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
			ar.cur = reviewKey
			if id+1 < numSteps {
				ar.cur = stepKey(id + 1)
			}
			ar.persist()
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
		ar.cur = reviewKey
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
			req, _ := ar.a.Request()
			res, found, err := ar.submit(req)
			if err == errCancelledRequest {
				break // back to the review
			}
			if err == nil {
				// submit recorded the image, created or found.
				ar.printf("%s\n\n", resultContent(ar.c, res, false, found, true, nil))
				return res, nil
			}
			if errors.Is(err, ErrInterrupted) {
				return nil, err
			}
			ar.persist()
			ar.printf("%s\n\n", errorContent(ar.c, err, true))
			choice, cerr := ar.choose("What next?", []string{"Edit answers", "Retry", "Quit"}, 0)
			if cerr == errInputEnded || cerr == nil && choice == 2 {
				return nil, &SubmitError{Request: req, Err: err}
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

// submit sends req, first looking for the image of an earlier create of
// the same name that had no clear answer. found: the result is an image
// the look-up found, not one created now. errCancelledRequest goes back to
// the review.
func (ar *accessibleRun) submit(req client.Request) (res *client.Result, found bool, err error) {
	since, unsure := ar.unknown[req.Name]
	if !unsure {
		res, err := ar.create(req)
		return res, false, err
	}
	ar.printf("The earlier request for %q (first sent %s) got no clear answer: the image may exist. Looking for images of that name created since then. Press Ctrl+C to stop.\n",
		client.Inert(req.Name), since.Local().Format("15:04:05"))
	o, interrupted := ar.await(func(ctx context.Context) outcome {
		imgs, err := ar.c.opts.Creator.FindRecent(ctx, req.Name, since.Add(-lookBack))
		return outcome{imgs: imgs, err: err}
	})
	switch {
	case interrupted:
		ar.printf("Look-up stopped; nothing was sent.\n\n")
		return nil, false, errCancelledRequest
	case o.err != nil:
		ar.printf("%s\n\n", foundContent(ar.c, req.Name, since, nil, o.err))
		choice, err := ar.choose("Send the request anyway?", []string{"Create anyway", "Back"}, 1)
		if err != nil {
			return nil, false, err
		}
		if choice == 1 {
			return nil, false, errCancelledRequest
		}
	case len(o.imgs) > 0:
		ar.printf("%s\n\n", foundContent(ar.c, req.Name, since, o.imgs, nil))
		var opts []string
		for _, img := range o.imgs {
			opts = append(opts, "Use the existing image "+client.Inert(img.ID)+" (created "+client.Inert(img.CreatedAt)+")")
		}
		opts = append(opts, "Create another anyway", "Back")
		choice, err := ar.choose("Use it?", opts, 0)
		switch {
		case err != nil:
			return nil, false, err
		case choice < len(o.imgs):
			res := &client.Result{Image: o.imgs[choice]} // no create answered: no status, request id or latency
			ar.created(req.Name, res)
			return res, true, nil
		case choice == len(o.imgs)+1:
			return nil, false, errCancelledRequest
		}
	default:
		ar.printf("No image named %q was created since the first attempt: sending the request again.\n", client.Inert(req.Name))
	}
	res, err = ar.create(req)
	return res, false, err
}

// outcome is what a call running on its own goroutine returned, or its panic.
type outcome struct {
	res   *client.Result
	check *client.UploadCheck
	imgs  []*client.Image
	err   error
	crash *crashMsg
}

// await runs call on a goroutine; an interrupt cancels it (and waits for
// it to return). A panic of the call is raised again here, where the
// wizard's recover saves the answers.
func (ar *accessibleRun) await(call func(context.Context) outcome) (o outcome, interrupted bool) {
	ctx, cancel := context.WithCancel(ar.ctx)
	defer cancel()
	done := make(chan outcome, 1)
	go func() {
		defer func() {
			if r := recover(); r != nil {
				done <- outcome{crash: &crashMsg{value: r, stack: debug.Stack()}}
			}
		}()
		done <- call(ctx)
	}()
	select {
	case o = <-done:
	case <-ar.intr:
		cancel()
		o, interrupted = <-done, true
	case <-ar.ctx.Done():
		cancel()
		o, interrupted = <-done, true
	}
	if o.crash != nil {
		panic(*o.crash)
	}
	return o, interrupted
}

var errCancelledRequest = fmt.Errorf("request cancelled")

// create sends the request; an interrupt cancels it and returns to the
// review. Its outcome is recorded as soon as it is known, before anything
// else, even when the run is ending.
func (ar *accessibleRun) create(req client.Request) (*client.Result, error) {
	endpoint := strings.TrimRight(ar.c.opts.Target.Endpoint, "/")
	ar.printf("Sending POST %s/v2/images. Press Ctrl+C to cancel.\n", client.Inert(endpoint))
	ar.sending(req.Name)
	o, interrupted := ar.await(func(ctx context.Context) outcome {
		res, err := checkCreated(ar.c.opts.Creator.Create(ctx, req))
		return outcome{res: res, err: err}
	})
	ar.ended(req.Name, o.res, o.err)
	switch {
	case !interrupted:
		return o.res, o.err
	case o.err == nil:
		// Even when the run is ending: the image is said, and returned.
		ar.printf("The server answered before the cancel took effect.\n")
		return o.res, nil
	case ar.ctx.Err() != nil:
		return nil, ErrInterrupted
	}
	ar.printf("Request cancelled; every answer is kept.\n")
	if client.IsAmbiguous(o.err) {
		ar.printf("The request had already been sent: the image may exist. Submitting again first looks for it by name.\n")
	}
	ar.printf("\n")
	return nil, errCancelledRequest
}
