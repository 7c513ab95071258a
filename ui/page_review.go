package ui

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/viewport"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/ims-wizard/ims-wizard/client"
)

// The review's choices, in order; Submit is the default.
const (
	choiceSubmit = iota
	choiceEdit
	choiceCancel
	numChoices
)

var choiceLabels = [numChoices]string{"Submit", "Edit a step", "Cancel"}

// editable are the steps offered by "Edit a step", numbered 1–5.
var editable = []stepID{stepName, stepPlatform, stepDisk, stepSizes, stepTags}

type reviewPage struct {
	vp      viewport.Model
	choice  int
	editing bool // the step list is open
	cursor  int  // in editable
	notice  []notice
	blocked bool // the answers hold an error: Submit is refused
}

// notice is a line of news above the review's choices (a cancelled
// request), wrapped to the terminal when drawn.
type notice struct {
	warn bool // a warning; otherwise an error
	text string
}

func (r *reviewPage) noticeLines(m *model) []string {
	var out []string
	for _, n := range r.notice {
		style := m.c.st.err
		if n.warn {
			style = m.c.st.warn
		}
		out = append(out, strings.Split(renderLines(style, wrapText(n.text, m.c.contentWidth())), "\n")...)
	}
	// The choices stay on screen however small the terminal.
	if limit := max(m.c.bodyHeight()-3, 0); len(out) > limit {
		out = out[:limit]
	}
	return out
}

// enterReview shows the review, with notices above the choices.
func (m *model) enterReview(notices ...notice) tea.Cmd {
	m.page = pageReview
	m.reviewed = true
	m.gen++ // messages of the last form are dropped
	m.review = reviewPage{vp: viewport.New(0, 0)}
	m.review.notice = notices
	m.persist()
	if n := m.drafts.notice(); n != "" {
		m.review.notice = append(m.review.notice, notice{warn: true, text: n})
	}
	m.review.refresh(m)
	return nil
}

// refresh rebuilds the review's content from the answers.
func (r *reviewPage) refresh(m *model) {
	content, blocked := reviewContent(m.c, m.a)
	r.blocked = blocked
	if r.blocked && r.choice == choiceSubmit {
		r.choice = choiceEdit
	}
	r.vp.SetContent(content)
	r.layout(m)
}

// reviewContent is the review: the problems, the exact body and the curl
// equivalent. blocked reports an error that keeps the request from being sent.
func reviewContent(c *common, a Answers) (content string, blocked bool) {
	st := c.st
	cw := c.contentWidth()
	req, _ := a.Request()
	ps := a.Problems(c.cat)
	endpoint := strings.TrimRight(c.opts.Target.Endpoint, "/")
	var b strings.Builder
	b.WriteString(st.stepTitle.Render("Review") + st.subtle.Render("  exactly what will be sent: POST "+client.Inert(endpoint)+"/v2/images"))
	b.WriteString("\n")
	if lines := c.problemLines(ps, true, cw); len(lines) > 0 {
		b.WriteString("\n" + strings.Join(lines, "\n") + "\n")
	}
	b.WriteString("\n" + st.bold.Render("Request body") + "\n")
	body := req.Body()
	b.WriteString(renderLines(st.code, client.InertMultiline(string(body))))
	b.WriteString("\n\n" + st.bold.Render("Equivalent curl") + st.subtle.Render("  (credentials redacted)") + "\n")
	b.WriteString(renderLines(st.code, client.InertMultiline(client.CurlCommand(endpoint, c.opts.Auth, body))))
	return b.String(), len(ps.Errors()) > 0
}

func (r *reviewPage) layout(m *model) {
	r.vp.Width = m.c.contentWidth()
	r.vp.Height = max(m.c.bodyHeight()-2-len(r.noticeLines(m)), 1)
}

func (r *reviewPage) keys() []key.Binding {
	if r.editing {
		return []key.Binding{keyMove, keyActivate, keyJump, keyEscClose, keyQuit}
	}
	return []key.Binding{keyActivate, keyChoose, keyScroll, keyJump, keyEscBack, keyQuit}
}

func (m *model) reviewKey(k tea.KeyMsg) (tea.Model, tea.Cmd) {
	r := &m.review
	if n, ok := jumpNumber(k); ok {
		return m, m.enterStep(editable[n-1])
	}
	if r.editing {
		switch k.String() {
		case "up", "k":
			r.cursor = (r.cursor + len(editable) - 1) % len(editable)
		case "down", "j", "tab":
			r.cursor = (r.cursor + 1) % len(editable)
		case "enter":
			return m, m.enterStep(editable[r.cursor])
		case "esc":
			r.editing = false
		}
		return m, nil
	}
	switch k.String() {
	case "enter":
		return m.activate(r.choice)
	case "left":
		r.choice = (r.choice + numChoices - 1) % numChoices
	case "right", "tab":
		r.choice = (r.choice + 1) % numChoices
	case "s":
		return m.activate(choiceSubmit)
	case "e":
		return m.activate(choiceEdit)
	case "esc", "shift+tab":
		return m, m.enterStep(stepTags)
	default:
		var cmd tea.Cmd
		r.vp, cmd = r.vp.Update(k)
		return m, cmd
	}
	return m, nil
}

func jumpNumber(k tea.KeyMsg) (int, bool) {
	s := k.String()
	if len(s) == 1 && s[0] >= '1' && s[0] < '1'+byte(len(editable)) {
		return int(s[0] - '0'), true
	}
	return 0, false
}

func (m *model) activate(choice int) (tea.Model, tea.Cmd) {
	r := &m.review
	r.choice = choice
	switch choice {
	case choiceSubmit:
		if r.blocked {
			r.notice = []notice{{text: "Fix the errors above first: choose Edit a step."}}
			r.choice = choiceEdit
			r.layout(m)
			return m, nil
		}
		return m, m.startSubmit()
	case choiceEdit:
		r.editing = true
		return m, nil
	}
	return m.finish(m.lastCreated, ErrInterrupted)
}

func (r *reviewPage) view(m *model) string {
	st := m.c.st
	var top string
	if r.editing {
		top = r.editList(m)
	} else {
		top = r.vp.View()
		if r.vp.TotalLineCount() > r.vp.Height {
			top = strings.TrimRight(top, "\n")
		}
	}
	var buttons []string
	for i, l := range choiceLabels {
		s := st.button
		if i == r.choice {
			s = st.buttonActive
		}
		buttons = append(buttons, s.Render(l))
	}
	bar := strings.Join(buttons, "  ")
	if !r.editing {
		bar += st.subtle.Render(scrollHint(r.vp))
	}
	parts := []string{indent(padLines(top, r.vp.Height))}
	for _, n := range r.noticeLines(m) {
		parts = append(parts, indent(n))
	}
	parts = append(parts, "", indent(bar))
	return strings.Join(parts, "\n")
}

func (r *reviewPage) editList(m *model) string {
	st := m.c.st
	lines := []string{st.stepTitle.Render("Edit which step?") + st.subtle.Render("  every answer is kept"), ""}
	w := 0
	for _, id := range editable {
		w = max(w, lipgloss.Width(stepTitleShort(id)))
	}
	for i, id := range editable {
		text := fmt.Sprintf("%d  %-*s  %s", i+1, w, stepTitleShort(id), stepSummary(id, m.a))
		if i == r.cursor {
			lines = append(lines, st.listItemSelected.Render("› "+text))
		} else {
			lines = append(lines, "  "+text)
		}
	}
	return strings.Join(lines, "\n")
}

func stepTitleShort(id stepID) string {
	switch id {
	case stepPlatform, stepVersion:
		return "Operating system"
	}
	return steps[id].title
}

// scrollHint says where more content is.
func scrollHint(vp viewport.Model) string {
	switch {
	case vp.TotalLineCount() <= vp.Height:
		return ""
	case !vp.AtBottom():
		return "   ↓ more below"
	}
	return "   ↑ more above"
}

// padLines pads s with empty lines to n lines.
func padLines(s string, n int) string {
	h := strings.Count(s, "\n") + 1
	if h < n {
		s += strings.Repeat("\n", n-h)
	}
	return s
}
