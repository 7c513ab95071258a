package ui

import (
	"context"
	"time"

	"github.com/charmbracelet/bubbles/spinner"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/ims-wizard/ims-wizard/client"
)

// wizard is the full-screen wizard's top model: the session (answers,
// drafts, unknown outcomes) and the page on screen. It routes messages to
// that page, handles the messages pages send up (page.go), and switches
// pages; what a page shows and how it reads keys is the page's own.
type wizard struct {
	*session
	c       *common
	current page
	initCmd tea.Cmd

	gen     int  // step forms built: a message of an earlier form is dropped
	editing bool // a step opened from the review: finishing or leaving it returns there

	// Submissions and look-ups; the answers of cancelled ones are
	// recognised by their seq.
	seq          int
	cancelledSeq int
	cancelMarked bool           // the cancel made the outcome unknown (it was not before)
	failure      *errorPage     // the last error view, where a look-up's Back returns
	lookupFrom   page           // where the look-up started: its Back returns to the error view or the review
	lastReq      client.Request // the request last sent
	attempt      int            // sends of the answers since the review's Submit: retries count up

	result        *resultPage        // the image shown; the upload pages return to it
	upload        *uploadPage        // the last upload started (running until its uploadEndedMsg)
	upSeq         int                // uploads; news of an earlier one are recognised by it
	uploadFailure *UploadFailedError // the shown image's last upload went wrong: quitting returns it
	chooserDir    string             // where the file chooser was left, to reopen it there
	chooserFrom   page               // where the chooser's esc returns: the image-file question or the result

	startNotice string // a damaged draft, said on the first step until it is left

	// What Run returns, set when the program is asked to quit.
	finalResult *client.Result
	finalErr    error
}

// newWizard builds the wizard; it reads the draft (setting a damaged one
// aside), so the first screen offers to resume it.
func newWizard(ctx context.Context, o Options, r *lipgloss.Renderer) *wizard {
	c := newCommon(ctx, o, r)
	w := &wizard{c: c, session: newSession(o, c.cat, c.loc)}
	w.startNotice = w.start.notice
	if o.Review != nil {
		w.initCmd = w.enterReview(false)
		return w
	}
	if w.start.found != nil {
		w.current = newResumePage(c, w.start)
		return w
	}
	w.initCmd = w.begin()
	return w
}

// begin is the first screen of a fresh run: the image-file question when
// the file can be uploaded from here and none was given, else the name.
func (w *wizard) begin() tea.Cmd {
	if w.c.file == nil && w.c.opts.Uploader != nil {
		w.current = newImageFilePage(w.c)
		return nil
	}
	if w.c.file != nil {
		w.a.File = w.c.file.Path
	}
	return w.enterStep(stepName)
}

func (w *wizard) Init() tea.Cmd { return guard(w.initCmd) }

// Update handles a message; every command it returns runs under guard, so
// a panic anywhere ends the wizard with the answers saved.
func (w *wizard) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	return w, guard(w.update(msg))
}

func (w *wizard) View() string {
	return w.c.frame(w.current.status(), w.current.view(), w.current.keys())
}

func (w *wizard) update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case crashMsg:
		return w.finish(w.lastCreated, w.crashError(msg.value, msg.stack))
	case tea.WindowSizeMsg:
		w.c.width, w.c.height = msg.Width, msg.Height
		return w.current.resize()
	case tea.KeyMsg:
		// Several keys read at once (key repeat, fast typing, a scripted
		// demo) arrive as one message: each is a key of its own, in order.
		// A paste stays one (it is text for a field).
		if msg.Type == tea.KeyRunes && len(msg.Runes) > 1 && !msg.Paste {
			var cmds []tea.Cmd
			for _, r := range msg.Runes {
				k := tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}, Alt: msg.Alt}
				if r == ' ' {
					k.Type = tea.KeySpace
				}
				cmds = append(cmds, w.update(k))
			}
			return tea.Batch(cmds...)
		}
		// Ctrl+C quits, except while a create or an upload is in flight:
		// there the page cancels it.
		if b, ok := w.current.(busyPage); msg.Type == tea.KeyCtrlC && !(ok && b.busy()) {
			return w.finish(w.lastCreated, ErrInterrupted)
		}
	case createdMsg:
		return w.onCreated(msg)
	case failedMsg:
		return w.onFailed(msg)
	case uploadTickMsg:
		if w.upload != nil {
			cmd, _ := w.upload.update(msg)
			return cmd
		}
		return nil
	case uploadEndedMsg:
		return w.onUploadEnded(msg)
	case autoCheckedMsg:
		return w.onAutoChecked(msg)
	case spinner.TickMsg:
		// Only the page on screen spins.
	}
	cmd, up := w.current.update(msg)
	return tea.Batch(cmd, w.handle(up))
}

// handle acts on a message a page sent up.
func (w *wizard) handle(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case nil:
		return nil
	case stepDoneMsg:
		w.startNotice = ""
		return w.advance(msg.id)
	case stepBackMsg:
		return w.back(msg.id)
	case resumeDraftMsg:
		id, review := w.takeDraft()
		w.reopenImageFile()
		if review {
			return w.enterReview(false)
		}
		return w.enterStep(id)
	case startFreshMsg:
		w.dropDraft()
		return w.begin()
	case imageFileSkipMsg:
		return w.enterStep(stepName)
	case imageFileChooseMsg:
		w.chooserFrom = w.current
		p, cmd := newFileChooser(w.c, nil, w.chooserDir)
		w.current = p
		return cmd
	case imageFileChosenMsg:
		w.chooserDir = msg.dir
		w.useImageFile(msg.file)
		return w.enterStep(stepName)
	case submitMsg:
		w.attempt = 0
		return w.startSubmit()
	case retryMsg:
		return w.startSubmit()
	case editStepMsg:
		w.editing = true
		return w.enterStep(msg.id)
	case reviewBack:
		return w.enterStepAt(stepTags, true)
	case editAnswersMsg:
		return w.enterReview(true)
	case quitMsg:
		return w.finish(w.lastCreated, msg.err)
	case requestCancelledMsg:
		return w.onRequestCancelled(msg)
	case resendMsg:
		return w.send(msg.req, msg.note)
	case useImageMsg:
		return w.useExisting(msg.img)
	case lookupBackMsg:
		if _, fromError := w.lookupFrom.(*errorPage); fromError && w.failure != nil {
			w.current = w.failure
			return w.current.resize()
		}
		return w.enterReview(false)
	case uploadWantedMsg:
		w.chooserFrom = w.result
		p, cmd := newFileChooser(w.c, w.result.res.Image, w.chooserDir)
		w.current = p
		return cmd
	case chooserBackMsg:
		w.chooserDir = msg.dir
		if q, ok := w.chooserFrom.(*imageFilePage); ok {
			w.current = q
			return nil
		}
		return w.showResult()
	case fileChosenMsg:
		w.chooserDir = msg.dir
		return w.startUpload(msg.check)
	case uploadLeftMsg:
		w.result.banner = []notice{{warn: true, text: msg.banner}}
		return w.showResult()
	case uploadSeenMsg:
		w.result.banner = []notice{{text: msg.banner}}
		return w.showResult()
	case createAnotherMsg:
		w.uploadFailure = nil
		w.editing = false
		w.c.file, w.a.File = nil, "" // that file was this image's
		return w.enterStep(stepName)

	case finishMsg:
		// An upload that went wrong is said by the exit (the image is returned too).
		return w.finish(msg.res, w.uploadFailureErr())
	}
	return nil
}

// finish ends the program; Run returns res and err. Ending without an
// image keeps the answers as a draft.
func (w *wizard) finish(res *client.Result, err error) tea.Cmd {
	w.cancelInFlight()
	w.finalResult, w.finalErr = res, err
	if err != nil {
		w.persist()
	}
	return tea.Quit
}

func (w *wizard) crashError(value any, stack []byte) *CrashError {
	w.persist()
	return w.crashReport(value, stack)
}

// cancelInFlight cancels a request, look-up, check or upload that is running.
func (w *wizard) cancelInFlight() {
	switch p := w.current.(type) {
	case *submitPage:
		p.cancel()
	case *lookupPage:
		if p.cancel != nil {
			p.cancel()
		}
	case *fileChooser:
		if p.cancel != nil {
			p.cancel()
		}
	}
	if w.upload != nil && w.upload.cancel != nil {
		w.upload.cancel()
	}
}

// draftStep is where the user is, for the draft.
func (w *wizard) draftStep() string {
	if p, ok := w.current.(*stepPage); ok {
		return stepKey(p.id)
	}
	return reviewKey
}

// persist saves the answers as a draft, unless they already made the image
// shown, or the user has not yet chosen whether to resume one.
func (w *wizard) persist() {
	switch w.current.(type) {
	case *resultPage, *resumePage, *imageFilePage, *fileChooser, *uploadPage, *uploadFailedPage:
		return
	}
	w.save(w.draftStep())
}

// --------------------------------------------------------------- the steps

// enterStep shows a step's form, rebuilt from the answers, on its first field.
func (w *wizard) enterStep(id stepID) tea.Cmd { return w.enterStepAt(id, false) }

// enterStepAt shows a step on its first field, or on its last (going back).
func (w *wizard) enterStepAt(id stepID, atLast bool) tea.Cmd {
	w.gen++
	p := newStepPage(w.c, &w.a, id, w.gen, func() []string { return []string{w.startNotice, w.drafts.notice()} })
	w.current = p
	w.persist()
	return p.init(atLast)
}

// advance leaves a finished step: the next one; the architecture and the
// platform lead to the version (the parts of the OS step); a step opened
// from the review returns there, by way of any step still holding an
// error.
func (w *wizard) advance(id stepID) tea.Cmd {
	switch {
	case id == stepArch:
		return w.enterStep(stepPlatform)
	case id == stepPlatform && w.a.versionPicked:
		// A version found by the platforms' filter: the OS step is done.
		w.a.versionPicked = false
		return w.advance(stepVersion)
	case id == stepPlatform:
		return w.enterStep(stepVersion)
	case w.editing:
		if bad, ok := firstInvalidStep(&w.a, w.c); ok && bad != id {
			return w.enterStep(bad)
		}
		return w.enterReview(false)
	case id+1 == numSteps:
		return w.enterReview(false)
	}
	return w.enterStep(id + 1)
}

// back leaves a step backwards: to the previous step, on its last field;
// a step opened from the review goes back there (except to an earlier part
// of the same OS step).
func (w *wizard) back(id stepID) tea.Cmd {
	switch {
	case w.editing && (id == stepPlatform || id == stepVersion):
		return w.enterStepAt(id-1, true)
	case w.editing:
		return w.enterReview(false)
	case id == stepName:
		return nil
	}
	return w.enterStepAt(id-1, true)
}

// --------------------------------------------------------------- the review

// enterReview shows the review, with notices above the choices; editList
// opens its step list.
func (w *wizard) enterReview(editList bool, notices ...notice) tea.Cmd {
	w.editing = false
	w.gen++ // messages of the last form are dropped
	r := newReviewPage(w.c, &w.a, notices, editList)
	w.current = r
	w.persist()
	if n := w.drafts.notice(); n != "" {
		r.notice = append(r.notice, notice{warn: true, text: n})
		r.resize()
	}
	return nil
}

// review is the review on screen, if it is.
func (w *wizard) review() *reviewPage {
	r, _ := w.current.(*reviewPage)
	return r
}

// --------------------------------------------------------------- submitting

// startSubmit validates the whole request once more (the same rules as the
// CLI) and sends it; the answer arrives as createdMsg or failedMsg. When an
// earlier create of the same name had no clear answer, it first looks for
// the image that request may have made.
func (w *wizard) startSubmit() tea.Cmd {
	req, _ := w.a.Request()
	if len(w.c.problems(w.a).Errors()) > 0 {
		return w.enterReview(false)
	}
	if since, ok := w.unknown[req.Name]; ok {
		return w.startLookup(req, since)
	}
	return w.send(req, "")
}

// send sends req; note is said while it is in flight.
func (w *wizard) send(req client.Request, note string) tea.Cmd {
	w.seq++
	w.attempt++
	w.sending(req.Name)
	w.lastReq = req
	p := newSubmitPage(w.c, req, note, w.seq, w.attempt)
	p.sentAt = w.now()
	w.current = p
	return p.send()
}

// abandonWait is how long a run ended from outside (a signal) waits for
// the answer of a create it cancelled.
const abandonWait = 2 * time.Second

// abandonSubmit settles a create still in flight when the run ends without
// waiting for it (a signal; the program is gone): it is cancelled, and its
// answer, if it comes within wait, is taken as usual (an image is
// created; an error is recorded, unknown when ambiguous). Without an
// answer it may have been sent: its outcome is unknown.
func (w *wizard) abandonSubmit(wait time.Duration) {
	p, ok := w.current.(*submitPage)
	if !ok {
		return
	}
	p.cancel()
	select {
	case msg := <-p.answer:
		w.update(msg)
	case <-time.After(wait):
		w.markUnknown(p.req.Name)
	}
}

func (w *wizard) onRequestCancelled(msg requestCancelledMsg) tea.Cmd {
	w.cancelledSeq = w.seq
	// Until its answer says otherwise, a cancelled request may have made
	// the image: submitting the name again first looks for it.
	_, known := w.unknown[msg.req.Name]
	w.cancelMarked = !known
	w.markUnknown(msg.req.Name)
	return w.enterReview(false, notice{warn: true, text: w.c.T("ui.submit.cancelled")})
}

func (w *wizard) onCreated(msg createdMsg) tea.Cmd {
	if _, submitting := w.current.(*submitPage); msg.seq != w.seq || !submitting {
		if msg.seq == w.cancelledSeq && msg.result != nil && msg.result.Image != nil {
			// The answer beat the cancel: the image exists (the answers,
			// back at the review, stay in the draft).
			w.settle(msg.name, msg.result)
			if r := w.review(); r != nil {
				r.notice = []notice{{warn: true, text: w.c.T("ui.submit.answer_beat_cancel", map[string]any{"ID": client.Inert(msg.result.Image.ID)})}}
				r.resize()
			}
			w.persist()
		}
		return nil
	}
	w.current.(*submitPage).cancel()
	w.ended(msg.name, msg.result, nil)
	cmd := w.showNewResult(msg.result, false)
	if w.c.file != nil && w.canUpload() {
		return w.autoUpload()
	}
	return cmd
}

func (w *wizard) onFailed(msg failedMsg) tea.Cmd {
	if _, submitting := w.current.(*submitPage); msg.seq != w.seq || !submitting {
		if msg.seq == w.cancelledSeq {
			if client.IsAmbiguous(msg.err) {
				if r := w.review(); r != nil {
					r.notice = append(r.notice, notice{warn: true, text: w.c.T("ui.submit.already_sent")})
					r.resize()
				}
			} else if w.cancelMarked {
				// It never left this machine: nothing can exist.
				w.forget(msg.name)
				w.persist()
			}
			w.cancelMarked = false
		}
		return nil
	}
	sent := w.current.(*submitPage)
	sent.cancel()
	w.ended(msg.name, nil, msg.err)
	w.failure = newErrorPage(w.c, w.lastReq, msg.err, sentAs{attempt: sent.attempt, at: sent.sentAt, took: w.now().Sub(sent.sentAt)})
	w.current = w.failure
	w.persist()
	return nil
}

// --------------------------------------------------------------- the look-up

// startLookup looks for the image an earlier create of req's name may have
// made before sending it again.
func (w *wizard) startLookup(req client.Request, since time.Time) tea.Cmd {
	w.seq++
	w.lookupFrom = w.current
	w.lastReq = req
	p := newLookupPage(w.c, req, since, w.seq)
	w.current = p
	return p.look()
}

// useExisting takes an image the lost request created as the result: no
// second image is made.
func (w *wizard) useExisting(img *client.Image) tea.Cmd {
	res := &client.Result{Image: img} // no create answered: no status, request id or latency
	w.created(w.lastReq.Name, res)
	return w.showNewResult(res, true)
}

// --------------------------------------------------------------- the result

// showNewResult shows an image just created (or found).
func (w *wizard) showNewResult(res *client.Result, found bool) tea.Cmd {
	w.result = newResultPage(w.c, res, found, w.canUpload)
	w.current = w.result
	return nil
}

// showResult goes back to the image shown.
func (w *wizard) showResult() tea.Cmd {
	w.current = w.result
	w.result.resize()
	w.result.vp.GotoTop()
	return nil
}

// canUpload: the result view offers the upload of the image file (u) when
// an Uploader is set, the image is queued, and no upload is still running
// (one just cancelled, until it has returned).
func (w *wizard) canUpload() bool {
	img := w.result.res.Image
	return w.c.opts.Uploader != nil && img != nil && img.Status == "queued" && (w.upload == nil || !w.upload.running)
}

// uploadFailureErr is the error of the last upload if it went wrong, or nil
// (a nil *UploadFailedError must not become a non-nil error).
func (w *wizard) uploadFailureErr() error {
	if w.uploadFailure == nil {
		return nil
	}
	return w.uploadFailure
}

// --------------------------------------------------------------- uploading

func (w *wizard) startUpload(check *client.UploadCheck) tea.Cmd {
	w.upSeq++
	w.upload = newUploadPage(w.c, w.result.res.Image, check, w.upSeq)
	w.uploadFailure = nil
	w.result.up, w.result.banner = nil, nil
	w.current = w.upload
	return w.upload.start()
}

func (w *wizard) onUploadEnded(msg uploadEndedMsg) tea.Cmd {
	u := w.upload
	if u == nil || msg.seq != u.seq {
		return nil
	}
	u.running = false
	u.cancel()
	o := msg.out
	u.snap = o.snap
	path, id := u.job.check.Path, u.image.ID
	// The image as read last replaces the one shown, and the one Run
	// returns, so the summary says its status now.
	shown := w.result != nil && w.result.res != nil && w.result.res.Image != nil && w.result.res.Image.ID == id
	if o.Final != nil && o.Final.Image != nil {
		if shown {
			w.result.res = withImage(w.result.res, o.Final)
		}
		w.uploaded(id, o.Final)
	}
	switch w.current.(type) {
	case *uploadPage, *resultPage:
	default:
		return nil // the user has moved on (create another)
	}
	if !shown {
		return nil
	}
	switch {
	case o.Err == nil:
		var banner []notice
		if u.stopped {
			banner = []notice{{warn: true, text: w.c.T("ui.upload.finished_before_cancel")}}
		}
		w.uploadFailure = nil
		w.result.show(w.result.res, newUploadInfo(path, o.Sent, o.Checked), banner)
		w.current = w.result
	case u.stopped || o.Stopped:
		w.result.show(w.result.res, nil, []notice{{warn: true, text: stoppedText(w.c.loc, o, id)}})
		w.current = w.result
	default:
		w.uploadFailure = &UploadFailedError{ImageID: id, Path: path, Err: o.Err}
		w.current = newUploadFailedPage(w.c, o, path, id, w.result.res)
	}
	return nil
}

// --------------------------------------------------------------- the image file

// useImageFile takes the file chosen before the create: its header
// prefills the disk format and the minimum disk (unless given on the
// command line), and it is uploaded right after the create.
func (w *wizard) useImageFile(f *client.ImageFile) {
	w.c.file = f
	w.a.File = f.Path
	given := map[string]bool{}
	for _, field := range w.c.opts.InitialFields {
		given[field] = true
	}
	in := f.Prefill(w.a.Input(), func(field string) bool { return given[field] })
	w.a.DiskFormat, w.a.MinDisk = in.DiskFormat, in.MinDisk
}

// reopenImageFile reads again the file a resumed draft names; one that is
// gone or changed is said, and the run goes on without it.
func (w *wizard) reopenImageFile() {
	if w.a.File == "" || w.c.file != nil {
		return
	}
	f, problem := client.InspectImageFile(w.a.File)
	if problem != nil {
		w.startNotice = w.c.T("ui.imagefile.reopen_failed", map[string]any{"Problem": problem.Text(w.c.loc)})
		w.a.File = ""
		return
	}
	w.c.file = f
}

// autoCheckedMsg is the check of the chosen file against the image just
// created, before its upload starts by itself.
type autoCheckedMsg struct {
	id    string
	check *client.UploadCheck
	err   error
}

// autoUpload checks the file chosen before the create against the image
// and uploads it, without asking for the file again.
func (w *wizard) autoUpload() tea.Cmd {
	up, img, path, ctx := w.c.opts.Uploader, w.result.res.Image, w.c.file.Path, w.c.ctx
	return func() tea.Msg {
		check, err := checkUpload(ctx, up, img, path)
		return autoCheckedMsg{id: img.ID, check: check, err: err}
	}
}

func (w *wizard) onAutoChecked(msg autoCheckedMsg) tea.Cmd {
	if w.result == nil || w.result.res.Image.ID != msg.id || w.current != w.result {
		return nil
	}
	if msg.err != nil {
		text, hint := refusalText(w.c, msg.err)
		if hint != "" {
			text += " " + w.c.T("ui.chooser.what_to_do", map[string]any{"Hint": hint})
		}
		w.result.banner = []notice{{text: w.c.T("ui.imagefile.auto_refused", map[string]any{"Reason": text})}}
		w.result.resize()
		return nil
	}
	return w.startUpload(msg.check)
}
