package ui

import (
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
)

// imageFilePage is the optional first question: is the image file on this
// machine? Yes opens the file chooser; the file's header then prefills the
// disk format and the minimum disk, and the file is uploaded right after
// the create. No goes on to the name (the file can be uploaded later).
type imageFilePage struct {
	c      *common
	cursor int // 0 no, 1 yes
}

type (
	imageFileSkipMsg   struct{} // no: on to the name
	imageFileChooseMsg struct{} // yes: open the chooser
)

func newImageFilePage(c *common) *imageFilePage { return &imageFilePage{c: c} }

func (p *imageFilePage) choices() []string {
	return []string{p.c.T("ui.imagefile.no"), p.c.T("ui.imagefile.yes")}
}

func (p *imageFilePage) update(msg tea.Msg) (tea.Cmd, tea.Msg) {
	k, ok := msg.(tea.KeyMsg)
	if !ok {
		return nil, nil
	}
	km := p.c.keys
	switch {
	case key.Matches(k, km.Up, km.Down):
		p.cursor = 1 - p.cursor
	case key.Matches(k, km.Select):
		if p.cursor == 1 {
			return nil, imageFileChooseMsg{}
		}
		return nil, imageFileSkipMsg{}
	}
	return nil, nil
}

func (p *imageFilePage) view() string {
	c := p.c
	st, cw := c.st, c.contentWidth()
	lines := []string{
		st.stepTitle.Render(c.T("ui.imagefile.title")),
		renderLines(st.subtle, wrapText(c.T("ui.imagefile.help"), cw)),
		"",
	}
	for i, ch := range p.choices() {
		if i == p.cursor {
			lines = append(lines, st.listItemSelected.Render("› "+ch))
		} else {
			lines = append(lines, "  "+ch)
		}
	}
	return indent(strings.Join(lines, "\n"))
}

func (p *imageFilePage) status() string { return p.c.st.accent.Render(p.c.T("ui.imagefile.status")) }

func (p *imageFilePage) keys() []key.Binding {
	km := p.c.keys
	return []key.Binding{km.Up, km.Select, km.Quit}
}

func (p *imageFilePage) resize() tea.Cmd { return nil }
