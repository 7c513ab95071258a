package ui

import (
	"context"
	"reflect"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/spinner"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/huh"
	"github.com/ims-wizard/ims-wizard/client"
)

// page is what the wizard shows.
type page int

const (
	pageForm page = iota
	pageReview
	pageSubmitting
	pageResult
	pageError
	pageResume // the first screen when a draft was found: resume or start fresh
	pageLookup // looking for the image of a create whose outcome is unknown
	pageFound  // what the look-up found: use it, create another, or back

	pageUploadPick   // choosing the image file to upload (from the result view)
	pageUploading    // the upload in flight, then the wait for active
	pageUploadFailed // the upload went wrong: checksum mismatch, killed, refused, cut
)

// Messages. Errors travel as messages; every form message is tagged with
// the generation of the form that asked for it, so a message of a form the
// user has just left (going back) never reaches its successor.
type (
	formMsg struct {
		gen int
		msg tea.Msg
	}
	createdMsg struct {
		seq    int
		name   string // the name sent
		result *client.Result
	}
	failedMsg struct {
		seq  int
		name string
		err  error
	}
	foundMsg struct {
		seq  int
		imgs []*client.Image
		err  error
	}
	copiedMsg struct{ err error }
)

// model is the wizard: one huh form per step, then review, submitting,
// result and error pages. It is used as a pointer so the forms can bind
// their fields to its answers.
type model struct {
	*session // the answers, their draft, unknown outcomes, the last image

	c   *common
	ctx context.Context

	step       stepID
	sf         *stepForm
	gen        int
	touched    [numSteps]bool // show the step's errors (an Enter was refused, or the value came in invalid)
	reviewed   bool           // the review was reached: finishing a step returns to it
	sizedNotes int            // note lines the form's height was computed with
	initCmd    tea.Cmd

	page    page
	resume  resumePage
	review  reviewPage
	submit  submitPage
	result  resultPage
	failure errorPage
	lookup  lookupPage
	pick    pickPage
	upload  uploadPage
	upFail  uploadErrorPage

	pickDir       string             // where the file picker was left, to reopen it there
	upSeq         int                // uploads; news of an earlier one are recognised by it
	uploadFailure *UploadFailedError // the shown image's last upload went wrong: quitting returns it

	seq          int // submissions and look-ups; answers of cancelled ones are recognised by it
	cancelledSeq int // the last cancelled submission, whose late answer goes to the review
	cancelMarked bool

	startNotice string // a damaged draft, said on the first step until it is left

	// What Run returns, set when the program is asked to quit.
	finalResult *client.Result
	finalErr    error
}

func newCommon(o Options) *common {
	cat := o.Catalog
	if cat == nil {
		cat = client.EmbeddedCatalog()
	}
	return &common{width: 80, height: 24, st: newStyles(), opts: o, cat: cat, menu: newOSMenu(cat), out: o.Out}
}

// newModel builds the wizard; it reads the draft (setting a damaged one
// aside), so the first screen offers to resume it.
func newModel(ctx context.Context, o Options) *model {
	c := newCommon(o)
	m := &model{c: c, ctx: ctx, session: newSession(o, c.cat)}
	m.startNotice = m.start.notice
	if m.start.found != nil {
		m.page = pageResume
		return m
	}
	m.initCmd = m.enterStep(stepName)
	return m
}

func (m *model) Init() tea.Cmd { return guard(m.initCmd) }

// Update handles a message; every command it returns runs under guard, so
// a panic anywhere ends the wizard with the answers saved.
func (m *model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	mm, cmd := m.update(msg)
	return mm, guard(cmd)
}

func (m *model) update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case crashMsg:
		return m.crashed(msg.value, msg.stack)
	case tea.WindowSizeMsg:
		m.c.width, m.c.height = msg.Width, msg.Height
		return m, m.layout()
	case formMsg:
		if msg.gen != m.gen || m.page != pageForm {
			return m, nil
		}
		return m.formUpdate(msg.msg)
	case createdMsg:
		return m.onCreated(msg)
	case failedMsg:
		return m.onFailed(msg)
	case foundMsg:
		return m.onFound(msg)
	case copiedMsg:
		m.result.copied(msg.err)
		return m, nil
	case dirReadMsg:
		return m.onDirRead(msg)
	case checkedMsg:
		return m.onChecked(msg)
	case uploadTickMsg:
		return m.onUploadTick(msg)
	case uploadDoneMsg:
		return m.onUploadDone(msg)
	case spinner.TickMsg:
		switch m.page {
		case pageSubmitting:
			return m, m.submit.tick(msg)
		case pageLookup:
			return m, m.lookup.tick(msg)
		case pageUploadPick:
			return m, m.pick.tick(msg)
		case pageUploading:
			return m, m.upload.tick(msg)
		}
		return m, nil
	case tea.KeyMsg:
		// Ctrl+C quits, except while a create or an upload is in flight:
		// there it cancels that.
		if msg.Type == tea.KeyCtrlC && m.page != pageSubmitting && m.page != pageUploading {
			return m.finish(m.lastCreated, ErrInterrupted)
		}
		switch m.page {
		case pageForm:
			return m.formKey(msg)
		case pageReview:
			return m.reviewKey(msg)
		case pageSubmitting:
			return m.submitKey(msg)
		case pageResult:
			return m.resultKey(msg)
		case pageError:
			return m.errorKey(msg)
		case pageResume:
			return m.resumeKey(msg)
		case pageLookup:
			return m.lookupKey(msg)
		case pageFound:
			return m.foundKey(msg)
		case pageUploadPick:
			return m.pickKey(msg)
		case pageUploading:
			return m.uploadKey(msg)
		case pageUploadFailed:
			return m.uploadFailedKey(msg)
		}
	}
	return m, nil
}

// finish ends the program; Run returns res and err. Ending without an
// image keeps the answers as a draft.
func (m *model) finish(res *client.Result, err error) (tea.Model, tea.Cmd) {
	m.cancelInFlight()
	m.finalResult, m.finalErr = res, err
	if err != nil {
		m.persist()
	}
	return m, tea.Quit
}

// crashed ends the program after a panic, the answers saved.
func (m *model) crashed(value any, stack []byte) (tea.Model, tea.Cmd) {
	return m.finish(m.lastCreated, m.crashError(value, stack))
}

func (m *model) crashError(value any, stack []byte) *CrashError {
	m.persist()
	return m.crashReport(value, stack)
}

// cancelInFlight cancels a request or look-up that is running.
func (m *model) cancelInFlight() {
	if m.page == pageSubmitting && m.submit.cancel != nil {
		m.submit.cancel()
	}
	if m.page == pageLookup && m.lookup.cancel != nil {
		m.lookup.cancel()
	}
	if m.pick.cancel != nil {
		m.pick.cancel()
	}
	if m.upload.cancel != nil {
		m.upload.cancel()
	}
}

// draftStep is where the user is, for the draft.
func (m *model) draftStep() string {
	if m.page == pageForm {
		return stepKey(m.step)
	}
	return reviewKey
}

// persist saves the answers as a draft, unless they already made the image
// shown, or the user has not yet chosen whether to resume one.
func (m *model) persist() {
	switch m.page {
	case pageResult, pageResume, pageUploadPick, pageUploading, pageUploadFailed:
		return
	}
	m.save(m.draftStep())
}

// layout follows a new terminal size.
func (m *model) layout() tea.Cmd {
	switch m.page {
	case pageForm:
		return m.sizeForm()
	case pageReview:
		m.review.layout(m)
	case pageResult:
		m.result.layout(m)
	case pageError:
		m.failure.layout(m)
	case pageFound:
		m.lookup.layout(m)
	case pageUploadPick:
		m.pick.layout(m)
	case pageUploading:
		m.upload.layout(m)
	case pageUploadFailed:
		m.upFail.layout(m)
	}
	return nil
}

// ---------------------------------------------------------------- form steps

// wrap tags a form's command with the form's generation.
func (m *model) wrap(cmd tea.Cmd) tea.Cmd {
	if cmd == nil {
		return nil
	}
	gen := m.gen
	return func() tea.Msg {
		msg := cmd()
		if msg == nil {
			return nil
		}
		return formMsg{gen: gen, msg: msg}
	}
}

var cmdType = reflect.TypeOf(tea.Cmd(nil))

// splitCmds unpacks the batch and sequence messages bubbletea would
// otherwise run itself (tea.Sequence's type is unexported: it is a []Cmd).
func splitCmds(msg tea.Msg) (cmds []tea.Cmd, sequence, ok bool) {
	if b, isBatch := msg.(tea.BatchMsg); isBatch {
		return b, false, true
	}
	v := reflect.ValueOf(msg)
	if v.Kind() != reflect.Slice || v.Type().Elem() != cmdType {
		return nil, false, false
	}
	cmds = make([]tea.Cmd, v.Len())
	for i := range cmds {
		cmds[i], _ = v.Index(i).Interface().(tea.Cmd)
	}
	return cmds, true, true
}

func (m *model) formUpdate(msg tea.Msg) (tea.Model, tea.Cmd) {
	if cmds, sequence, ok := splitCmds(msg); ok {
		for i, c := range cmds {
			cmds[i] = m.wrap(c)
		}
		if sequence {
			return m, tea.Sequence(cmds...)
		}
		return m, tea.Batch(cmds...)
	}
	_, cmd := m.sf.form.Update(msg)
	return m.afterForm(cmd)
}

func (m *model) formKey(k tea.KeyMsg) (tea.Model, tea.Cmd) {
	// esc leaves the step from any field (unless a filter wants it);
	// shift+tab moves to the previous field first.
	if k.Type == tea.KeyEsc && !m.escBusy() || k.Type == tea.KeyShiftTab && m.atFirstField() {
		return m, m.back()
	}
	_, cmd := m.sf.form.Update(k)
	if k.Type == tea.KeyEnter && len(m.sf.form.Errors()) > 0 {
		m.touched[m.step] = true
	}
	if m.sf.form.State == huh.StateCompleted {
		return m, m.advance()
	}
	cmd = m.wrap(cmd)
	if len(m.notes()) != m.sizedNotes {
		cmd = tea.Batch(cmd, m.sizeForm())
	}
	return m, cmd
}

func (m *model) afterForm(cmd tea.Cmd) (tea.Model, tea.Cmd) {
	if m.sf.form.State == huh.StateCompleted {
		return m, m.advance()
	}
	return m, m.wrap(cmd)
}

// atFirstField: going back from here leaves the step. huh refuses to leave
// a group holding an invalid value; the wizard does not ask huh, it swaps in
// the previous step's form, rebuilt from the kept answers.
func (m *model) atFirstField() bool {
	return m.sf.form.GetFocusedField() == m.sf.first
}

// escBusy: esc means something to the focused field (a select's filter).
func (m *model) escBusy() bool {
	esc := tea.KeyMsg{Type: tea.KeyEsc}
	for _, b := range m.sf.form.KeyBinds() {
		if b.Enabled() && key.Matches(esc, b) {
			return true
		}
	}
	return false
}

func (m *model) back() tea.Cmd {
	if m.step == stepName {
		return nil
	}
	return m.enterStep(m.step - 1)
}

// advance leaves a finished step: the next one, or, once the review has
// been reached, back to it (by way of any step still holding an error:
// the user may have gone back from it).
func (m *model) advance() tea.Cmd {
	m.startNotice = ""
	switch {
	case m.step == stepPlatform:
		return m.enterStep(stepVersion)
	case m.reviewed:
		if id, ok := m.firstInvalidStep(); ok {
			return m.enterStep(id)
		}
		return m.enterReview()
	case m.step+1 == numSteps:
		return m.enterReview()
	}
	return m.enterStep(m.step + 1)
}

func (m *model) firstInvalidStep() (stepID, bool) {
	for id := stepName; id < numSteps; id++ {
		if id != stepPlatform && len(stepProblems(id, &m.a, m.c.cat).Errors()) > 0 {
			return id, true
		}
	}
	return 0, false
}

// enterStep shows a step's form, rebuilt from the answers.
func (m *model) enterStep(id stepID) tea.Cmd {
	m.page = pageForm
	m.step = id
	m.gen++
	m.sf = buildStep(id, &m.a, m.c)
	m.touched[id] = len(stepProblems(id, &m.a, m.c.cat).Errors()) > 0 &&
		!(id == stepName && strings.TrimSpace(m.a.Name) == "")
	init := m.wrap(m.sf.form.Init())
	m.persist()
	return tea.Batch(init, m.sizeForm())
}

// stepHead is the step's title and help; its height is reserved above the form.
func (m *model) stepHead() string {
	info := steps[m.step]
	cw := m.c.contentWidth()
	title := m.c.st.stepTitle.Render(info.title)
	return title + "\n" + renderLines(m.c.st.subtle, wrapText(info.help, cw))
}

// notes are the lines under a step's form: fixed values, then the
// client's problems with the current answers (warnings always, errors once
// the user was refused or the value came in invalid).
func (m *model) notes() []string {
	c := m.c
	var notes []string
	for _, n := range []string{m.startNotice, m.drafts.notice()} {
		if n != "" {
			notes = append(notes, strings.Split(renderLines(c.st.warn, wrapText("! "+n, c.contentWidth())), "\n")...)
		}
	}
	notes = append(notes, fixedLines(m.step, c)...)
	ps := stepProblems(m.step, &m.a, c.cat)
	if m.step == stepPlatform {
		ps = ps.Errors() // the hovered platform's versions are judged on the next step
	}
	return append(notes, c.problemLines(ps, m.touched[m.step], c.contentWidth())...)
}

// sizeForm gives the form the room between the step's head and its notes.
func (m *model) sizeForm() tea.Cmd {
	cw := m.c.contentWidth()
	notes := m.notes()
	m.sizedNotes = len(notes)
	gap := 0
	if len(notes) > 0 {
		gap = 1
	}
	avail := m.c.bodyHeight() - linesHeight(m.stepHead()) - 1 - gap - len(notes)
	if m.sf.pick != nil {
		m.sf.pick.WithHeight(clampInt(len(m.sf.pick.options)+1, 3, max(avail, 3)))
	}
	_, cmd := m.sf.form.Update(tea.WindowSizeMsg{Width: cw, Height: max(avail, 3)})
	return m.wrap(cmd)
}

func clampInt(v, lo, hi int) int { return max(lo, min(v, hi)) }

// stepKeys are the footer of a step.
func (m *model) stepKeys() []key.Binding {
	back := keyBack
	if m.escBusy() {
		back = keyBackOnly
	}
	var ks []key.Binding
	switch f := m.sf.form.GetFocusedField().(type) {
	case interface{ GetFiltering() bool }:
		ks = append(ks, keyMove)
		if f.GetFiltering() {
			ks = append(ks, keyFilterEnd)
		} else {
			ks = append(ks, keyFilter)
		}
		ks = append(ks, keyNext)
	case *huh.Text:
		ks = append(ks, keyNextField, keyNewLine)
	case *huh.Confirm:
		ks = append(ks, keyToggle, keyNext)
	default:
		ks = append(ks, keyNext)
	}
	if m.step != stepName || !m.atFirstField() {
		ks = append(ks, back)
	}
	return append(ks, keyQuit)
}

func (m *model) viewForm() string {
	var b strings.Builder
	b.WriteString(indent(m.stepHead()))
	b.WriteString("\n\n")
	b.WriteString(indent(strings.TrimRight(m.sf.form.View(), "\n ")))
	if notes := m.notes(); len(notes) > 0 {
		b.WriteString("\n\n")
		b.WriteString(indent(strings.Join(notes, "\n")))
	}
	return b.String()
}

// progress is "step n/6" with a dot per step.
func (m *model) progress(n int) string {
	st := m.c.st
	var dots []string
	for i := 1; i <= reviewNumber; i++ {
		switch {
		case i < n:
			dots = append(dots, st.dotDone.Render("●"))
		case i == n:
			dots = append(dots, st.dotNow.Render("●"))
		default:
			dots = append(dots, st.dotTodo.Render("○"))
		}
	}
	return st.stepCount.Render(stepCounter(n)+" ") + strings.Join(dots, "")
}

func stepCounter(n int) string {
	return "step " + string(rune('0'+n)) + "/" + string(rune('0'+reviewNumber))
}

func (m *model) View() string {
	switch m.page {
	case pageReview:
		return m.c.frame(m.progress(reviewNumber), m.review.view(m), m.review.keys())
	case pageSubmitting:
		return m.c.frame(m.progress(reviewNumber), m.submit.view(m), []key.Binding{keyCancelReq})
	case pageResult:
		right := "created"
		switch {
		case m.result.up != nil:
			right = "uploaded"
		case m.result.found:
			right = "found"
		}
		return m.c.frame(m.c.st.ok.Render(right), m.result.view(m), m.resultKeys())
	case pageError:
		return m.c.frame(m.c.st.err.Render("failed"), m.failure.view(m), m.failure.keys())
	case pageResume:
		return m.c.frame(m.c.st.accent.Render("draft"), m.resume.view(m), m.resume.keys())
	case pageLookup:
		return m.c.frame(m.c.st.warn.Render("looking up"), m.lookup.viewLooking(m), []key.Binding{keyCancelLookup, keyQuit})
	case pageFound:
		return m.c.frame(m.c.st.warn.Render("outcome unknown"), m.lookup.viewFound(m), m.lookup.keys())
	case pageUploadPick:
		return m.c.frame(m.c.st.accent.Render("upload"), m.pick.view(m), m.pick.keys())
	case pageUploading:
		return m.c.frame(m.c.st.accent.Render("uploading"), m.upload.view(m), m.upload.keys())
	case pageUploadFailed:
		return m.c.frame(m.c.st.err.Render("upload failed"), m.upFail.view(m), []key.Binding{keyBackToImage, keyQuitQ, keyScroll})
	}
	return m.c.frame(m.progress(steps[m.step].number), m.viewForm(), m.stepKeys())
}
