package ui

import (
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
)

// resumePage is the first screen when a draft was found: resume it, or
// start fresh (which removes it).
type resumePage struct {
	c      *common
	start  draftStart
	cursor int // 0 resume, 1 start fresh
}

func newResumePage(c *common, start draftStart) *resumePage { return &resumePage{c: c, start: start} }

func (r *resumePage) keys() []key.Binding {
	km := r.c.keys
	return []key.Binding{km.Up, km.Down, km.Select, km.Quit}
}

func (r *resumePage) update(msg tea.Msg) (tea.Cmd, tea.Msg) {
	k, ok := msg.(tea.KeyMsg)
	if !ok {
		return nil, nil
	}
	km := r.c.keys
	switch {
	case key.Matches(k, km.Up, km.Down):
		r.cursor = 1 - r.cursor
	case key.Matches(k, km.Select):
		if r.cursor == 0 {
			return nil, resumeDraftMsg{}
		}
		return nil, startFreshMsg{}
	}
	return nil, nil
}

func (r *resumePage) resize() tea.Cmd { return nil }

func (r *resumePage) status() string { return r.c.st.accent.Render(r.c.T("ui.resume.status")) }

func (r *resumePage) choices() []string {
	return []string{r.c.T("ui.resume.resume"), r.c.T("ui.resume.fresh")}
}

func (r *resumePage) view() string {
	c := r.c
	st := c.st
	cw := c.contentWidth()
	details := []string{wrapText(c.T("ui.resume.saved_at", map[string]any{"Draft": describeDraft(c, r.start.found)}), cw)}
	for _, d := range draftDetails(c, r.start, c.opts.Target) {
		details = append(details, renderLines(st.subtle, wrapText(d, cw)))
	}
	note := renderLines(st.subtle, wrapText(c.T("ui.resume.note"), cw))
	// The choices stay on screen however small the terminal: the general
	// note goes first, then the blank lines, then the details are cut
	// (a line says so) rather than a sentence left half.
	limit := max(c.bodyHeight()-3, 1)
	split := func(parts ...string) []string { return strings.Split(strings.Join(parts, "\n"), "\n") }
	title := st.stepTitle.Render(c.T("ui.resume.title"))
	lines := split(append(append([]string{title, ""}, details...), "", note)...)
	if len(lines) > limit {
		lines = split(append([]string{title, ""}, details...)...)
	}
	if len(lines) > limit {
		lines = split(append([]string{title}, details...)...)
	}
	if len(lines) > limit {
		lines = append(lines[:limit-1], st.subtle.Render("…"))
	}
	lines = append(lines, "")
	for i, ch := range r.choices() {
		if i == r.cursor {
			lines = append(lines, st.listItemSelected.Render("› "+ch))
		} else {
			lines = append(lines, "  "+ch)
		}
	}
	return indent(strings.Join(lines, "\n"))
}
