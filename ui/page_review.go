package ui

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/viewport"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
	"github.com/ims-wizard/ims-wizard/client"
)

// The review's choices, in order; Submit is the default.
const (
	choiceSubmit = iota
	choiceEdit
	choiceCancel
	numChoices
)

// editable are the steps offered by "Edit a step", numbered 1–5.
var editable = []stepID{stepName, stepArch, stepDisk, stepSizes, stepTags}

// reviewPage shows exactly what will be sent (the problems, the body, the
// equivalent curl) and offers Submit, Edit a step, Cancel.
type reviewPage struct {
	c        *common
	a        *Answers
	vp       viewport.Model
	choice   int
	editing  bool // the step list is open
	quitting bool // Cancel was chosen: asking before quitting
	cursor   int  // in editable
	notice   []notice
	blocked  bool // the answers hold an error: Submit is refused
	builtFor int  // the content width the content was wrapped for
}

// notice is a line of news above the review's choices (a cancelled
// request), wrapped to the terminal when drawn.
type notice struct {
	warn bool // a warning; otherwise an error
	text string
}

func newReviewPage(c *common, a *Answers, notices []notice, editList bool) *reviewPage {
	r := &reviewPage{c: c, a: a, vp: viewport.New(0, 0), notice: notices, editing: editList}
	r.refresh()
	return r
}

func (r *reviewPage) noticeLines() []string {
	c := r.c
	var out []string
	for _, n := range r.notice {
		style := c.st.err
		if n.warn {
			style = c.st.warn
		}
		out = append(out, strings.Split(renderLines(style, wrapText(n.text, c.contentWidth())), "\n")...)
	}
	// The choices stay on screen however small the terminal.
	if limit := max(c.bodyHeight()-3, 0); len(out) > limit {
		out = out[:limit]
	}
	return out
}

// refresh rebuilds the review's content from the answers.
func (r *reviewPage) refresh() {
	content, blocked := reviewContent(r.c, *r.a)
	r.builtFor = r.c.contentWidth()
	r.blocked = blocked
	if r.blocked && r.choice == choiceSubmit {
		r.choice = choiceEdit
	}
	r.vp.SetContent(content)
	r.resize()
}

// reviewContent is the review: the problems, the exact body and the curl
// equivalent. blocked reports an error that keeps the request from being sent.
func reviewContent(c *common, a Answers) (content string, blocked bool) {
	st := c.st
	cw := c.contentWidth()
	req, _ := a.Request()
	ps := c.problems(a)
	endpoint := strings.TrimRight(c.opts.Target.Endpoint, "/")
	var b strings.Builder
	title := st.stepTitle.Render(c.T("ui.review.title"))
	subtitle := c.T("ui.review.subtitle", map[string]any{"URL": client.Inert(endpoint) + "/v2/images"})
	if ansi.StringWidth(title)+2+ansi.StringWidth(subtitle) <= cw {
		b.WriteString(title + st.subtle.Render("  "+subtitle) + "\n")
	} else {
		// Under the title, wrapped at blanks: the URL whole on its line.
		b.WriteString(title + "\n" + renderLines(st.subtle, wrapText(subtitle, cw)) + "\n")
	}
	if lines := c.problemLines(ps, true, cw); len(lines) > 0 {
		b.WriteString("\n" + strings.Join(lines, "\n") + "\n")
	}
	if dropped := c.opts.PasteDropped; len(dropped) > 0 {
		// What the customer's body did that no step holds: said, so the
		// mistake is seen, and not sent.
		b.WriteString("\n" + renderLines(st.warn, wrapText(c.T("ui.review.paste_dropped"), cw)) + "\n")
		for _, p := range dropped {
			b.WriteString(strings.Join(wrapPrefix(st.warn, "! ", client.FieldLabel(p.Field)+": "+p.Text(c.loc), cw), "\n") + "\n")
		}
	}
	b.WriteString("\n" + st.bold.Render(c.T("ui.review.body")) + "\n")
	body := req.Body()
	b.WriteString(renderLines(st.code, client.InertMultiline(string(body))))
	b.WriteString("\n\n" + st.bold.Render(c.T("ui.review.curl")))
	if c.opts.Auth.Kind != "" && c.opts.Auth.Kind != client.AuthNone {
		b.WriteString(st.subtle.Render("  " + c.T("ui.review.curl_redacted")))
	}
	b.WriteString(st.subtle.Render("  "+c.T("ui.review.curl_keys")) + "\n")
	b.WriteString(renderLines(st.code, client.InertMultiline(curlOf(c, a))))
	return b.String(), len(ps.Errors()) > 0
}

// curlOf is the curl command equivalent to the review's request.
func curlOf(c *common, a Answers) string {
	req, _ := a.Request()
	return client.CurlCommandIn(c.loc, strings.TrimRight(c.opts.Target.Endpoint, "/"), c.opts.Auth, req.Body())
}

func (r *reviewPage) resize() tea.Cmd {
	if r.builtFor != r.c.contentWidth() {
		// Built for another width (a review opened before the terminal's
		// size was known, with --from; a resize): wrapped again, or the
		// viewport would cut its lines.
		r.refresh()
		return nil
	}
	r.vp.Width = r.c.contentWidth()
	r.vp.Height = max(r.c.bodyHeight()-2-len(r.noticeLines()), 1)
	return nil
}

func (r *reviewPage) status() string { return progressDots(r.c, reviewNumber) }

func (r *reviewPage) keys() []key.Binding {
	km := r.c.keys
	if r.quitting {
		return []key.Binding{km.ConfirmQuit, km.StayHere}
	}
	if r.editing {
		return []key.Binding{km.Up, km.Down, km.Select, km.Jump, km.CloseList, km.Quit}
	}
	return []key.Binding{km.Select, km.ChoiceLeft, km.ChoiceRight, km.Scroll, km.Jump, km.CopyCurl, km.SaveCurl, km.ReviewBack, km.Quit}
}

// fullKeys are every key of the review, for the README's table.
func (r *reviewPage) fullKeys() []key.Binding {
	km := r.c.keys
	return []key.Binding{km.Select, km.ChoiceLeft, km.Submit, km.EditStep, km.Jump, km.Scroll, km.CopyCurl, km.SaveCurl, km.ReviewBack}
}

func (r *reviewPage) update(msg tea.Msg) (tea.Cmd, tea.Msg) {
	if m, ok := msg.(curlSavedMsg); ok {
		r.notice = []notice{m.notice}
		r.resize()
		return nil, nil
	}
	k, ok := msg.(tea.KeyMsg)
	if !ok {
		return nil, nil
	}
	km := r.c.keys
	if r.quitting {
		switch {
		case key.Matches(k, km.ConfirmQuit):
			return nil, quitMsg{err: ErrInterrupted}
		case key.Matches(k, km.StayHere):
			r.quitting = false
			r.notice = nil
			r.resize()
		}
		return nil, nil
	}
	if n, ok := jumpNumber(k); ok {
		return nil, editStepMsg{id: editable[n-1]}
	}
	if r.editing {
		switch {
		case key.Matches(k, km.Up):
			r.cursor = (r.cursor + len(editable) - 1) % len(editable)
		case key.Matches(k, km.Down):
			r.cursor = (r.cursor + 1) % len(editable)
		case key.Matches(k, km.Select):
			return nil, editStepMsg{id: editable[r.cursor]}
		case key.Matches(k, km.CloseList):
			r.editing = false
		}
		return nil, nil
	}
	switch {
	case key.Matches(k, km.Select):
		return r.activate(r.choice)
	case key.Matches(k, km.ChoiceLeft):
		r.choice = (r.choice + numChoices - 1) % numChoices
	case key.Matches(k, km.ChoiceRight):
		r.choice = (r.choice + 1) % numChoices
	case key.Matches(k, km.Submit):
		return r.activate(choiceSubmit)
	case key.Matches(k, km.EditStep):
		return r.activate(choiceEdit)
	case key.Matches(k, km.ReviewBack):
		return nil, reviewBack{}
	case key.Matches(k, km.CopyCurl):
		r.notice = []notice{{warn: true, text: r.c.T("ui.review.curl_copied")}}
		r.resize()
		return copyText(r.c, curlOf(r.c, *r.a)), nil
	case key.Matches(k, km.SaveCurl):
		return saveCurl(r.c, curlOf(r.c, *r.a)), nil
	case key.Matches(k, km.Scroll):
		var cmd tea.Cmd
		r.vp, cmd = r.vp.Update(k)
		return cmd, nil
	}
	return nil, nil
}

func jumpNumber(k tea.KeyMsg) (int, bool) {
	s := k.String()
	if len(s) == 1 && s[0] >= '1' && s[0] < '1'+byte(len(editable)) {
		return int(s[0] - '0'), true
	}
	return 0, false
}

func (r *reviewPage) activate(choice int) (tea.Cmd, tea.Msg) {
	r.choice = choice
	switch choice {
	case choiceSubmit:
		if r.blocked {
			r.notice = []notice{{text: r.c.T("ui.review.fix_first")}}
			r.choice = choiceEdit
			r.resize()
			return nil, nil
		}
		return nil, submitMsg{}
	case choiceEdit:
		r.editing = true
		return nil, nil
	}
	// Cancel asks first: quitting leaves the answers as a draft.
	r.quitting = true
	ask := "ui.review.confirm_quit"
	if r.c.opts.DraftPath == "" {
		ask = "ui.review.confirm_quit_lost"
	}
	r.notice = []notice{{warn: true, text: r.c.T(ask)}}
	r.resize()
	return nil, nil
}

// curlSavedMsg says where the curl command was written, or why not.
type curlSavedMsg struct{ notice notice }

// saveCurl writes the command to a new file in the working directory,
// runnable with bash.
func saveCurl(c *common, command string) tea.Cmd {
	dir := c.workDir()
	return func() tea.Msg {
		f, err := os.CreateTemp(dir, "ims-wizard-create-*.sh")
		if err == nil {
			_, err = f.WriteString("#!/usr/bin/env bash\n" + command + "\n")
			if cerr := f.Close(); err == nil {
				err = cerr
			}
		}
		if err != nil {
			return curlSavedMsg{notice{text: c.T("ui.review.curl_save_failed", map[string]any{"Error": client.Inert(err.Error())})}}
		}
		path, _ := filepath.Abs(f.Name())
		id := "ui.review.curl_saved"
		if c.opts.Target.Kind == "sandbox" {
			id = "ui.review.curl_saved_sandbox" // its port ends with the wizard
		}
		return curlSavedMsg{notice{warn: true, text: c.T(id, map[string]any{"Command": "bash " + client.ShellArg(path)})}}
	}
}

func (r *reviewPage) view() string {
	st := r.c.st
	var top string
	if r.editing {
		top = r.editList()
	} else {
		top = r.vp.View()
		if r.vp.TotalLineCount() > r.vp.Height {
			top = strings.TrimRight(top, "\n")
		}
	}
	labels := [numChoices]string{r.c.T("ui.review.submit"), r.c.T("ui.review.edit"), r.c.T("ui.review.cancel")}
	var buttons []string
	for i, l := range labels {
		s := st.button
		if i == r.choice {
			s = st.buttonActive
		}
		buttons = append(buttons, s.Render(l))
	}
	bar := strings.Join(buttons, "  ")
	if !r.editing {
		bar += st.subtle.Render(scrollHint(r.c, r.vp))
	}
	parts := []string{indent(padLines(top, r.vp.Height))}
	for _, n := range r.noticeLines() {
		parts = append(parts, indent(n))
	}
	parts = append(parts, "", indent(bar))
	return strings.Join(parts, "\n")
}

func (r *reviewPage) editList() string {
	c := r.c
	st := c.st
	lines := []string{st.stepTitle.Render(c.T("ui.review.edit_title")) + st.subtle.Render("  "+c.T("ui.review.edit_kept")), ""}
	w := 0
	for _, id := range editable {
		w = max(w, lipgloss.Width(c.stepTitleShort(id)))
	}
	for i, id := range editable {
		text := fmt.Sprintf("%d  %s  %s", i+1, padRight(c.stepTitleShort(id), w), c.stepSummary(id, *r.a))
		if i == r.cursor {
			lines = append(lines, st.listItemSelected.Render("› "+text))
		} else {
			lines = append(lines, "  "+text)
		}
	}
	return strings.Join(lines, "\n")
}

// scrollHint says where more content is.
func scrollHint(c *common, vp viewport.Model) string {
	switch {
	case vp.TotalLineCount() <= vp.Height:
		return ""
	case !vp.AtBottom():
		return "   " + c.T("ui.scroll.more_below")
	}
	return "   " + c.T("ui.scroll.more_above")
}
