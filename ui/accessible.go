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

	"github.com/charmbracelet/lipgloss"
	"github.com/ims-wizard/ims-wizard/client"
	"github.com/ims-wizard/ims-wizard/client/l10n"
)

// accessibleRun is the wizard for screen readers: one line at a time (the
// prompter), the same steps, questions, validators and review as the
// full-screen wizard. Every step is validated again before it is left,
// and the whole request once more before it is sent.
type accessibleRun struct {
	*session // the answers, their draft, unknown outcomes, the last image

	ctx  context.Context
	c    *common
	w    io.Writer
	p    *prompter
	in   *lineReader
	intr <-chan struct{}
	cur  string // where the user is, for the draft
}

// runAccessible runs the accessible wizard. intr delivers interrupts (Ctrl+C
// in a cooked terminal, forwarded by cmd/root); nil means SIGINT, caught here.
func runAccessible(ctx context.Context, o Options, r *lipgloss.Renderer, intr <-chan struct{}) (res *client.Result, err error) {
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
	c := newCommon(ctx, o, r) // the shared content builders and the catalogue
	c.width, c.height, c.plain = 100, 40, true
	ar := newAccessibleRun(ctx, c, intr)
	defer func() {
		defer func() { err = ar.interrupted(err) }()
		if rec := recover(); rec != nil {
			stack := debug.Stack()
			if cm, ok := rec.(crashMsg); ok {
				rec, stack = cm.value, cm.stack
			}
			res, err = ar.lastCreated, ar.crashError(rec, stack)
		}
	}()
	ar.attach(newLineReader(ctx, o.In, intr))
	defer ar.in.Close()
	return ar.run()
}

// newAccessibleRun starts a run (and reads the draft, if any).
func newAccessibleRun(ctx context.Context, c *common, intr <-chan struct{}) *accessibleRun {
	return &accessibleRun{session: newSession(c.opts, c.cat, c.loc), ctx: ctx, c: c, w: c.opts.Out, intr: intr, cur: stepKey(stepName)}
}

// attach gives the run its input.
func (ar *accessibleRun) attach(in *lineReader) {
	ar.in = in
	ar.p = &prompter{loc: ar.c.loc, w: ar.w, in: in}
}

// persist saves the answers as a draft, and says when that failed.
func (ar *accessibleRun) persist() {
	ar.save(ar.cur)
	if n := ar.drafts.notice(); n != "" {
		ar.printf("%s\n", ar.c.T("ui.a11y.warning", l10n.Args{"Text": n}))
	}
}

func (ar *accessibleRun) crashError(value any, stack []byte) *CrashError {
	ar.persist()
	return ar.crashReport(value, stack)
}

func (ar *accessibleRun) printf(format string, args ...any) { fmt.Fprintf(ar.w, format, args...) }

func (ar *accessibleRun) run() (*client.Result, error) {
	c := ar.c
	start := ar.start
	ar.printf("%s\n", c.T("ui.a11y.heading"))
	ar.printf("%s\n", c.T("ui.a11y.target", l10n.Args{"Target": client.Inert(c.opts.Target.Label)}))
	ar.printf("%s\n\n", c.T("ui.a11y.credentials", l10n.Args{"Auth": client.Inert(c.opts.Auth.Text(c.loc))}))
	if start.notice != "" {
		ar.printf("%s\n\n", c.T("ui.a11y.warning", l10n.Args{"Text": start.notice}))
	}
	from, review := stepName, c.opts.Review != nil
	if d := start.found; d != nil {
		ar.printf("%s\n", c.T("ui.resume.saved_at", l10n.Args{"Draft": describeDraft(c, d)}))
		for _, l := range draftDetails(c, start, c.opts.Target) {
			ar.printf("%s\n", l)
		}
		choice, err := ar.p.choose(c.T("ui.a11y.resume_question"), []string{c.T("ui.resume.resume"), c.T("ui.resume.fresh")}, 0)
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
	if from == stepName && !review {
		if err := ar.askImageFile(); err != nil {
			return nil, err
		}
	} else {
		ar.reopenImageFile()
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
		choice, err := ar.p.choose(c.T("ui.a11y.what_next"), []string{c.T("ui.a11y.quit"), c.T("ui.a11y.another")}, 0)
		if errors.Is(err, errInputEnded) || err == nil && choice == 0 {
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

// stepsFrom asks the steps from id to the last.
func (ar *accessibleRun) stepsFrom(id stepID) error {
	for ; id < numSteps; id++ {
		if err := ar.step(id); err != nil {
			return err
		}
	}
	return nil
}

// step asks a step's questions until the client's validators accept them.
func (ar *accessibleRun) step(id stepID) error {
	c := ar.c
	if id == stepVersion && ar.a.versionPicked {
		// Typed on the platforms' question: the OS step is answered.
		ar.a.versionPicked = false
		ar.printf("%s\n\n", c.T("ui.a11y.version_picked", l10n.Args{"Version": client.Inert(ar.a.OSVersion), "Platform": client.Inert(ar.a.Platform)}))
		return nil
	}
	info := c.stepInfo(id)
	ar.cur = stepKey(id)
	for {
		ar.printf("%s\n%s\n", c.T("ui.a11y.step", l10n.Args{"N": info.number, "Total": reviewNumber, "Title": info.title}), strings.TrimSpace(info.help+" "+info.howToTyped))
		for _, l := range fixedLines(id, c) {
			ar.printf("%s\n", l)
		}
		for _, spec := range stepSpecs(id, &ar.a, c) {
			if err := ar.p.ask(spec); err != nil {
				return err
			}
			ar.printf("\n")
		}
		ps := stepProblems(id, &ar.a, c)
		if id == stepArch || id == stepPlatform {
			ps = nil // judged with the version
		}
		for _, p := range ps {
			ar.printf("%s\n", ar.problemLine(p))
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
		ar.printf("%s\n\n", c.T("ui.a11y.answer_again"))
	}
}

// problemLine is "Error: field: message" (or Warning).
func (ar *accessibleRun) problemLine(p client.Problem) string {
	id := "ui.a11y.error"
	if p.IsWarning() {
		id = "ui.a11y.warning"
	}
	return ar.c.T(id, l10n.Args{"Text": p.Field + ": " + p.Text(ar.c.loc)})
}

// reviewAndSubmit shows the review and sends the request; it returns the
// result, or an error to end the wizard with (ErrInterrupted on Cancel).
func (ar *accessibleRun) reviewAndSubmit() (*client.Result, error) {
	c := ar.c
	for {
		// Validate the whole request again, as the CLI would, and re-ask.
		if ps := c.problems(ar.a).Errors(); len(ps) > 0 {
			ar.printf("%s\n", c.T("ui.a11y.not_valid"))
			for _, p := range ps {
				ar.printf("%s\n", ar.problemLine(p))
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
		content, _ := reviewContent(c, ar.a)
		ar.printf("%s\n\n%s\n\n\n", c.T("ui.a11y.step", l10n.Args{"N": reviewNumber, "Total": reviewNumber, "Title": c.T("ui.review.title")}), content)
		choice, err := ar.p.choose(c.T("ui.a11y.send_question"), []string{c.T("ui.review.submit"), c.T("ui.review.edit"), c.T("ui.review.cancel")}, 0)
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
			if errors.Is(err, errCancelledRequest) {
				break // back to the review
			}
			if err == nil {
				// submit recorded the image, created or found.
				ar.printf("%s\n\n", resultContent(c, res, false, found, true, nil))
				return res, nil
			}
			if errors.Is(err, ErrInterrupted) {
				return nil, err
			}
			ar.persist()
			ar.printf("%s\n\n", errorContent(c, err, true))
			choice, cerr := ar.p.choose(c.T("ui.a11y.what_next"), []string{c.T("ui.a11y.edit_answers"), c.T("ui.a11y.retry"), c.T("ui.a11y.quit")}, 0)
			if errors.Is(cerr, errInputEnded) || cerr == nil && choice == 2 {
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
			if err := ar.step(stepArch); err != nil {
				return err
			}
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
	c := ar.c
	names := make([]string, len(editable))
	for i, id := range editable {
		names[i] = c.stepTitleShort(id) + ": " + c.stepSummary(id, ar.a)
	}
	choice, err := ar.p.choose(c.T("ui.review.edit_title"), names, 0)
	if err != nil {
		return err
	}
	id := editable[choice]
	if err := ar.step(id); err != nil {
		return err
	}
	if id == stepArch {
		if err := ar.step(stepPlatform); err != nil {
			return err
		}
		return ar.step(stepVersion)
	}
	return nil
}

// submit sends req, first looking for the image of an earlier create of
// the same name that had no clear answer. found: the result is an image
// the look-up found, not one created now. errCancelledRequest goes back to
// the review.
func (ar *accessibleRun) submit(req client.Request) (res *client.Result, found bool, err error) {
	c := ar.c
	since, unsure := ar.unknown[req.Name]
	if !unsure {
		res, err := ar.create(req)
		return res, false, err
	}
	ar.printf("%s\n", c.T("ui.a11y.looking", l10n.Args{"Name": fmt.Sprintf("%q", client.Inert(req.Name)), "Since": since.Local().Format("15:04:05")}))
	o, interrupted := ar.await(func(ctx context.Context) outcome {
		imgs, err := c.opts.Creator.FindRecent(ctx, req.Name, since.Add(-lookBack))
		return outcome{imgs: imgs, err: err}
	})
	switch {
	case interrupted:
		ar.printf("%s\n\n", c.T("ui.a11y.lookup_stopped"))
		return nil, false, errCancelledRequest
	case o.err != nil:
		ar.printf("%s\n\n", foundContent(c, req.Name, since, nil, o.err))
		choice, err := ar.p.choose(c.T("ui.a11y.send_anyway"), []string{c.T("ui.lookup.create_anyway"), c.T("ui.lookup.back")}, 1)
		if err != nil {
			return nil, false, err
		}
		if choice == 1 {
			return nil, false, errCancelledRequest
		}
	case len(o.imgs) > 0:
		ar.printf("%s\n\n", foundContent(c, req.Name, since, o.imgs, nil))
		var opts []string
		for _, img := range o.imgs {
			opts = append(opts, c.T("ui.lookup.use", l10n.Args{"ID": client.Inert(img.ID)})+"  "+c.T("ui.lookup.created_at", l10n.Args{"When": client.Inert(img.CreatedAt)}))
		}
		opts = append(opts, c.T("ui.lookup.create_another"), c.T("ui.lookup.back"))
		choice, err := ar.p.choose(c.T("ui.a11y.use_it"), opts, 0)
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
		ar.printf("%s\n", c.T("ui.a11y.none_found", l10n.Args{"Name": fmt.Sprintf("%q", client.Inert(req.Name))}))
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

var errCancelledRequest = errors.New("request cancelled")

// create sends the request; an interrupt cancels it and returns to the
// review. Its outcome is recorded as soon as it is known, before anything
// else, even when the run is ending.
func (ar *accessibleRun) create(req client.Request) (*client.Result, error) {
	c := ar.c
	endpoint := strings.TrimRight(c.opts.Target.Endpoint, "/")
	ar.printf("%s\n", c.T("ui.a11y.sending", l10n.Args{"URL": client.Inert(endpoint) + "/v2/images"}))
	ar.sending(req.Name)
	o, interrupted := ar.await(func(ctx context.Context) outcome {
		res, err := checkCreated(c.opts.Creator.Create(ctx, req))
		return outcome{res: res, err: err}
	})
	ar.ended(req.Name, o.res, o.err)
	switch {
	case !interrupted:
		return o.res, o.err
	case o.err == nil:
		// Even when the run is ending: the image is said, and returned.
		ar.printf("%s\n", c.T("ui.a11y.answer_beat_cancel"))
		return o.res, nil
	case ar.ctx.Err() != nil:
		return nil, ErrInterrupted
	}
	ar.printf("%s\n", c.T("ui.a11y.cancelled"))
	if client.IsAmbiguous(o.err) {
		ar.printf("%s\n", c.T("ui.submit.already_sent"))
	}
	ar.printf("\n")
	return nil, errCancelledRequest
}

// askImageFile is the optional first question: the path of the image file
// if it is on this machine. Its header prefills the disk format and the
// minimum disk, and it is uploaded right after the create.
func (ar *accessibleRun) askImageFile() error {
	c := ar.c
	if c.file != nil {
		ar.a.File = c.file.Path
		return nil
	}
	if c.opts.Uploader == nil {
		return nil
	}
	ar.printf("%s\n%s\n", c.T("ui.imagefile.title"), c.T("ui.imagefile.help"))
	for {
		line, err := ar.p.readLine(c.T("ui.a11y.file_prompt") + " ")
		if errors.Is(err, errInputEnded) {
			return nil
		}
		if err != nil {
			return err
		}
		path := resolvePath(line, c.workDir())
		if path == "" {
			ar.printf("\n")
			return nil
		}
		f, problem := client.InspectImageFile(path)
		if problem == nil {
			problem = firstBlocking(client.CheckImageFile(path, f.Info))
		}
		if problem != nil {
			ar.printf("%s\n\n", ar.problemLine(*problem))
			continue
		}
		ar.useImageFile(f)
		ar.printf("%s\n\n", f.Detected(c.loc))
		return nil
	}
}

// useImageFile takes the chosen file, as the full-screen wizard does.
func (ar *accessibleRun) useImageFile(f *client.ImageFile) {
	ar.c.file = f
	ar.a.File = f.Path
	given := map[string]bool{}
	for _, field := range ar.c.opts.InitialFields {
		given[field] = true
	}
	in := f.Prefill(ar.a.Input(), func(field string) bool { return given[field] })
	ar.a.DiskFormat, ar.a.MinDisk = in.DiskFormat, in.MinDisk
}

// reopenImageFile reads again the file a resumed draft names.
func (ar *accessibleRun) reopenImageFile() {
	if ar.a.File == "" || ar.c.file != nil {
		return
	}
	f, problem := client.InspectImageFile(ar.a.File)
	if problem != nil {
		ar.printf("%s\n", ar.c.T("ui.a11y.warning", l10n.Args{"Text": ar.c.T("ui.imagefile.reopen_failed", l10n.Args{"Problem": problem.Text(ar.c.loc)})}))
		ar.a.File = ""
		return
	}
	ar.c.file = f
}
