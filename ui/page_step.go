package ui

import (
	"reflect"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/huh"
)

// stepPage is one step of the form: a huh form built from the step's
// questions (stepSpecs), bound to the answers, with the step's head above
// it and the client's problems under it. It sends stepDoneMsg when the form
// completes and stepBackMsg when the user leaves it backwards; huh refuses
// to leave a group holding an invalid value, so going back never asks huh.
type stepPage struct {
	c       *common
	a       *Answers
	id      stepID
	gen     int // the form's generation: messages of an earlier form are dropped
	form    *huh.Form
	first   huh.Field
	fields  int             // how many the form has
	list    *listField      // the step's list, whose height follows the terminal
	touched bool            // show the step's errors (an Enter was refused, or the value came in invalid)
	notices func() []string // said above the step's notes: a damaged draft, a failed save
	sized   int             // note lines the form's height was computed with
	text    *huh.Text       // the step's multi-line field, shortened on a short terminal
	// compact is how much the step gives up to keep every question in view
	// on a short terminal: 1 the fixed notes (list source, fixed values),
	// 2 the help under the title, 3 the text field's extra lines.
	compact int
}

// formMsg carries a message of the form that asked for it, so that a
// message of a form the user has just left never reaches its successor.
type formMsg struct {
	gen int
	msg tea.Msg
}

func newStepPage(c *common, a *Answers, id stepID, gen int, notices func() []string) *stepPage {
	p := &stepPage{c: c, a: a, id: id, gen: gen, notices: notices}
	var fields []huh.Field
	for _, spec := range stepSpecs(id, a, c) {
		f := huhField(c, spec)
		switch f := f.(type) {
		case *listField:
			p.list = f
		case *huh.Text:
			p.text = f
		}
		fields = append(fields, f)
	}
	p.first, p.fields = fields[0], len(fields)
	p.form = huh.NewForm(huh.NewGroup(fields...)).
		WithTheme(c.st.theme).
		WithKeyMap(huhKeyMap(c.loc)).
		WithShowHelp(false).
		WithShowErrors(false)
	// An invalid value that came in (flags, a draft) shows at once; an
	// empty name is only required, not yet wrong.
	p.touched = len(stepProblems(id, a, c).Errors()) > 0 && !(id == stepName && strings.TrimSpace(a.Name) == "")
	return p
}

// huhField is the huh field of a question.
func huhField(c *common, s fieldSpec) huh.Field {
	switch s.kind {
	case fieldList:
		return newListField(s.key, s.title, s.options, s.value, c.loc).Validate(s.validate).OnPick(s.onPick)
	case fieldMultiline:
		return huh.NewText().Key(s.key).Title(s.title).Description(s.description).Placeholder(s.placeholder).
			Lines(3).ShowLineNumbers(false).ExternalEditor(false).Validate(s.validate).Value(s.value)
	case fieldConfirm:
		return huh.NewConfirm().Key(s.key).Title(s.title).Description(s.description).
			Affirmative(s.yes).Negative(s.no).Value(s.flag)
	}
	in := huh.NewInput().Key(s.key).Title(s.title).Placeholder(s.placeholder).Validate(s.validate).Value(s.value)
	if s.description != "" {
		in.Description(s.description)
	}
	return in
}

// init starts the form on its first field, or on its last (going back
// from the next step lands where one left it, so Shift+Tab reaches every
// field backwards).
func (p *stepPage) init(atLast bool) tea.Cmd {
	cmds := []tea.Cmd{p.wrap(p.form.Init())}
	for i := 1; atLast && i < p.fields; i++ {
		cmds = append(cmds, p.wrap(p.form.NextField()))
	}
	return tea.Batch(append(cmds, p.resize())...)
}

// wrap tags a form's command with the form's generation.
func (p *stepPage) wrap(cmd tea.Cmd) tea.Cmd {
	if cmd == nil {
		return nil
	}
	gen := p.gen
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

func (p *stepPage) update(msg tea.Msg) (tea.Cmd, tea.Msg) {
	switch msg := msg.(type) {
	case formMsg:
		if msg.gen != p.gen {
			return nil, nil
		}
		if cmds, sequence, ok := splitCmds(msg.msg); ok {
			for i, c := range cmds {
				cmds[i] = p.wrap(c)
			}
			if sequence {
				return tea.Sequence(cmds...), nil
			}
			return tea.Batch(cmds...), nil
		}
		_, cmd := p.form.Update(msg.msg)
		return p.after(cmd)
	case tea.KeyMsg:
		return p.key(msg)
	}
	return nil, nil
}

func (p *stepPage) key(k tea.KeyMsg) (tea.Cmd, tea.Msg) {
	// esc leaves the step from any field (unless a list's filter wants
	// it); shift+tab moves to the previous field first.
	if key.Matches(k, p.c.keys.Back) && (k.Type == tea.KeyEsc && !p.escBusy() || k.Type == tea.KeyShiftTab && p.atFirstField()) {
		return nil, stepBackMsg{id: p.id}
	}
	_, cmd := p.form.Update(k)
	cmd = p.navigateNow(cmd)
	if k.Type == tea.KeyEnter && len(p.form.Errors()) > 0 {
		p.touched = true
	}
	if p.form.State == huh.StateCompleted {
		return nil, stepDoneMsg{id: p.id}
	}
	cmd = p.wrap(cmd)
	if len(p.notes()) != p.sized {
		cmd = tea.Batch(cmd, p.resize())
	}
	return cmd, nil
}

func (p *stepPage) after(cmd tea.Cmd) (tea.Cmd, tea.Msg) {
	cmd = p.navigateNow(cmd)
	if p.form.State == huh.StateCompleted {
		return nil, stepDoneMsg{id: p.id}
	}
	return p.wrap(cmd), nil
}

// navigateNow does at once the move between fields that the form asked
// for with cmd. huh moves through commands (NextField, then its
// nextGroup), which bubbletea runs on goroutines: a key read before their
// messages came back (Enter Enter in one read, a scripted demo, a fast
// typist) reached the field being left, or the form just completed, and was
// lost. huh v1.0.0's fields answer Enter, Tab and Shift+Tab with NextField
// or PrevField itself, known here by its code; anything else stays a
// command. (A batch holding one cannot be known: tea.Batch is inlined,
// each caller with a closure of its own. TestTypeaheadInTmux types every
// step ahead and would catch a field that starts to send one.)
func (p *stepPage) navigateNow(cmd tea.Cmd) tea.Cmd {
	for range p.fields + 1 { // each move focuses another field: bounded
		move := fieldMove(cmd)
		if move == 0 {
			return cmd
		}
		before := p.form.GetFocusedField()
		if move < 0 {
			cmd = p.form.PrevField()
			continue
		}
		cmd = p.form.NextField()
		if p.form.GetFocusedField() == before && p.form.State == huh.StateNormal {
			// The step's last field: huh asks next for the next group,
			// and the step is one group: done unless a value is wrong.
			// The nextGroup command in cmd then finds a finished form
			// (or the same errors) and changes nothing, as huh's own
			// order would.
			cmd = tea.Batch(cmd, p.form.NextGroup())
		}
	}
	return cmd
}

var (
	nextFieldCode = funcCode(huh.NextField)
	prevFieldCode = funcCode(huh.PrevField)
)

func funcCode(cmd tea.Cmd) uintptr { return reflect.ValueOf(cmd).Pointer() }

// fieldMove is +1 when cmd is huh's NextField, -1 for PrevField, else 0.
func fieldMove(cmd tea.Cmd) int {
	if cmd == nil {
		return 0
	}
	switch funcCode(cmd) {
	case nextFieldCode:
		return 1
	case prevFieldCode:
		return -1
	}
	return 0
}

// atFirstField: going back from here leaves the step.
func (p *stepPage) atFirstField() bool { return p.form.GetFocusedField() == p.first }

// escBusy: esc means something to the focused field (a list's filter).
func (p *stepPage) escBusy() bool {
	l, ok := p.form.GetFocusedField().(*listField)
	return ok && l.escBusy()
}

// head is the step's title and help; its height is reserved above the form.
func (p *stepPage) head() string {
	info := p.c.stepInfo(p.id)
	title := p.c.st.stepTitle.Render(info.title)
	if p.compact >= 2 {
		return title
	}
	return title + "\n" + renderLines(p.c.st.subtle, wrapText(strings.TrimSpace(info.help+" "+info.howTo), p.c.contentWidth()))
}

// notes are the lines under the form: notices, fixed values, then the
// client's problems with the current answers (warnings always, errors once
// the user was refused or the value came in invalid).
func (p *stepPage) notes() []string {
	c := p.c
	var notes []string
	for _, n := range p.notices() {
		if n != "" {
			notes = append(notes, strings.Split(renderLines(c.st.warn, wrapText("! "+n, c.contentWidth())), "\n")...)
		}
	}
	if p.compact < 1 {
		notes = append(notes, fixedLines(p.id, c)...)
	}
	ps := stepProblems(p.id, p.a, c)
	if p.id == stepArch || p.id == stepPlatform {
		ps = ps.Errors() // the hovered platform's versions are judged on the version step
	}
	return append(notes, c.problemLines(ps, p.touched, c.contentWidth())...)
}

// resize gives the form the room between the step's head and its notes;
// on a short terminal it gives up the least useful lines first (compact)
// until every question fits.
func (p *stepPage) resize() tea.Cmd {
	cw := p.c.contentWidth()
	var avail int
	for p.compact = 0; ; p.compact++ {
		if p.text != nil {
			p.text.Lines(map[bool]int{true: 1, false: 3}[p.compact >= 3])
		}
		notes := p.notes()
		p.sized = len(notes)
		gap := 0
		if len(notes) > 0 {
			gap = 1
		}
		avail = p.c.bodyHeight() - linesHeight(p.head()) - 1 - gap - len(notes)
		if p.compact == 3 || avail >= p.formNeeds(cw) {
			break
		}
	}
	if p.list != nil {
		p.list.WithHeight(clampInt(len(p.list.options)+1, 3, max(avail, 3)))
	}
	_, cmd := p.form.Update(tea.WindowSizeMsg{Width: cw, Height: max(avail, 3)})
	return p.wrap(cmd)
}

// formNeeds is the height the form needs to show every question: a list
// its first rows (it scrolls), other fields their whole height.
func (p *stepPage) formNeeds(cw int) int {
	if p.list != nil {
		return min(len(p.list.options)-p.list.hidden+1, 6)
	}
	p.form.Update(tea.WindowSizeMsg{Width: cw, Height: 200})
	return linesHeight(strings.TrimRight(p.form.View(), "\n "))
}

// keys are the focused field's own keys (huh's, or the list's), then back
// and quit.
func (p *stepPage) keys() []key.Binding {
	km := p.c.keys
	var ks []key.Binding
	if f := p.form.GetFocusedField(); f != nil {
		binds := f.KeyBinds()
		switch f.(type) {
		case *huh.Text:
			if len(binds) > 1 {
				binds = append(binds[1:], binds[0]) // "next" before "new line": Enter is what most press
			}
		case *huh.Confirm:
			// huh names y/n after the buttons as it draws them; the toggle's
			// help already says y/n.
			if len(binds) > 4 {
				binds = binds[:4]
			}
		}
		ks = append(ks, binds...)
	}
	if p.id != stepName || !p.atFirstField() {
		if p.escBusy() {
			ks = append(ks, km.BackShiftTab)
		} else {
			ks = append(ks, km.Back)
		}
	}
	return append(ks, km.Quit)
}

func (p *stepPage) status() string { return progressDots(p.c, stepNumbers[p.id]) }

func (p *stepPage) view() string {
	var b strings.Builder
	b.WriteString(indent(p.head()))
	b.WriteString("\n\n")
	b.WriteString(indent(strings.TrimRight(p.form.View(), "\n ")))
	if notes := p.notes(); len(notes) > 0 {
		b.WriteString("\n\n")
		b.WriteString(indent(strings.Join(notes, "\n")))
	}
	return b.String()
}

// progressDots is "step n/6" with a dot per step.
func progressDots(c *common, n int) string {
	st := c.st
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
	return st.stepCount.Render(c.T("ui.step.counter", map[string]any{"N": n, "Total": reviewNumber})+" ") + strings.Join(dots, "")
}

// firstInvalidStep is the first step whose answers hold an error.
func firstInvalidStep(a *Answers, c *common) (stepID, bool) {
	for id := stepName; id < numSteps; id++ {
		if id != stepArch && id != stepPlatform && len(stepProblems(id, a, c).Errors()) > 0 {
			return id, true
		}
	}
	return 0, false
}
