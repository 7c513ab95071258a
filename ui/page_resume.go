package ui

import (
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
)

// resumePage is the first screen when a draft was found: resume it, or
// start fresh (which removes it).
type resumePage struct {
	cursor int // 0 resume, 1 start fresh
}

var resumeChoices = []string{"Resume the draft", "Start fresh"}

func (r *resumePage) keys() []key.Binding {
	return []key.Binding{keyMove, keyActivate, keyQuit}
}

func (m *model) resumeKey(k tea.KeyMsg) (tea.Model, tea.Cmd) {
	r := &m.resume
	switch k.String() {
	case "up", "k", "down", "j", "tab", "shift+tab":
		r.cursor = 1 - r.cursor
	case "enter":
		if r.cursor == 0 {
			return m, m.resumeDraft()
		}
		return m, m.startFresh()
	}
	return m, nil
}

// resumeDraft takes the draft's answers (with the command line's on top)
// and opens the step it was saved at.
func (m *model) resumeDraft() tea.Cmd {
	id, review := m.takeDraft()
	if review {
		return m.enterReview()
	}
	return m.enterStep(id)
}

// startFresh drops the draft and starts at step 1 from the command line's values.
func (m *model) startFresh() tea.Cmd {
	m.dropDraft()
	m.page = pageForm
	return m.enterStep(stepName)
}

func (r *resumePage) view(m *model) string {
	st := m.c.st
	cw := m.c.contentWidth()
	top := []string{
		st.stepTitle.Render("Resume where you left off?"),
		"",
		wrapText("A draft of your answers was saved at "+describeDraft(m.start.found)+".", cw),
	}
	for _, d := range draftDetails(m.start, m.c.opts.Target) {
		top = append(top, renderLines(st.subtle, wrapText(d, cw)))
	}
	top = append(top, "", renderLines(st.subtle, wrapText("Start fresh removes the draft. Either way, answers are saved again as you go.", cw)))
	// The choices stay on screen however small the terminal.
	lines := strings.Split(strings.Join(top, "\n"), "\n")
	if limit := max(m.c.bodyHeight()-3, 0); len(lines) > limit {
		lines = lines[:limit]
	}
	lines = append(lines, "")
	for i, c := range resumeChoices {
		if i == r.cursor {
			lines = append(lines, st.listItemSelected.Render("› "+c))
		} else {
			lines = append(lines, "  "+c)
		}
	}
	return indent(strings.Join(lines, "\n"))
}
