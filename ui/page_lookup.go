package ui

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/spinner"
	"github.com/charmbracelet/bubbles/viewport"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/ims-wizard/ims-wizard/client"
)

// lookBack widens the look-up before the first attempt: the server's
// clock (created_at) may be a little behind this machine's.
const lookBack = time.Minute

// lookupPage looks for the image a create with no clear answer may have
// made, then offers to use it, create another anyway, or go back. Nothing
// found sends the request again (resendMsg).
type lookupPage struct {
	c      *common
	seq    int
	req    client.Request
	since  time.Time // the first attempt with this name
	cancel context.CancelFunc
	spin   spinner.Model
	start  time.Time

	found  bool // the look-up answered: the choices are shown
	imgs   []*client.Image
	err    error // the look-up failed
	cursor int
	vp     viewport.Model
}

// resendMsg sends the request again, saying why.
type resendMsg struct {
	req  client.Request
	note string
}

// lookupChoice is one line of the choices under what the look-up found.
type lookupChoice struct {
	label string
	img   *client.Image // use this image
	send  bool          // create (another) anyway
}

func newLookupPage(c *common, req client.Request, since time.Time, seq int) *lookupPage {
	return &lookupPage{c: c, seq: seq, req: req, since: since, start: time.Now(),
		spin: spinner.New(spinner.WithSpinner(spinner.MiniDot), spinner.WithStyle(c.st.accent))}
}

// look lists the images called req.Name created since just before the
// first attempt; the answer arrives as foundMsg.
func (l *lookupPage) look() tea.Cmd {
	ctx, cancel := context.WithCancel(l.c.ctx)
	l.cancel = cancel
	creator, seq, name, since := l.c.opts.Creator, l.seq, l.req.Name, l.since
	find := func() tea.Msg {
		imgs, err := creator.FindRecent(ctx, name, since.Add(-lookBack))
		return foundMsg{seq: seq, imgs: imgs, err: err}
	}
	return tea.Batch(find, l.spin.Tick)
}

func (l *lookupPage) choices() []lookupChoice {
	c := l.c
	var cs []lookupChoice
	for _, img := range l.imgs {
		label := c.T("ui.lookup.use", map[string]any{"ID": client.Inert(img.ID)})
		if len(l.imgs) > 1 {
			label += "  " + c.T("ui.lookup.created_at", map[string]any{"When": client.Inert(img.CreatedAt)})
		}
		cs = append(cs, lookupChoice{label: label, img: img})
	}
	send := c.T("ui.lookup.create_another")
	if l.err != nil {
		send = c.T("ui.lookup.create_anyway")
	}
	return append(cs, lookupChoice{label: send, send: true}, lookupChoice{label: c.T("ui.lookup.back")})
}

func (l *lookupPage) update(msg tea.Msg) (tea.Cmd, tea.Msg) {
	switch msg := msg.(type) {
	case spinner.TickMsg:
		if l.found {
			return nil, nil
		}
		var cmd tea.Cmd
		l.spin, cmd = l.spin.Update(msg)
		return cmd, nil
	case foundMsg:
		return l.onFound(msg)
	case tea.KeyMsg:
		if !l.found {
			if key.Matches(msg, l.c.keys.LookBack) {
				l.cancel()
				return nil, lookupBackMsg{}
			}
			return nil, nil
		}
		return l.choose(msg)
	}
	return nil, nil
}

func (l *lookupPage) onFound(msg foundMsg) (tea.Cmd, tea.Msg) {
	if msg.seq != l.seq || l.found {
		return nil, nil
	}
	l.cancel()
	if msg.err == nil && len(msg.imgs) == 0 {
		return nil, resendMsg{req: l.req, note: l.c.T("ui.lookup.none_found", map[string]any{
			"Name": client.Inert(l.req.Name), "Since": l.since.Local().Format("15:04:05")})}
	}
	l.found, l.imgs, l.err, l.cursor = true, msg.imgs, msg.err, 0
	if l.err != nil {
		l.cursor = len(l.choices()) - 1 // Back: a stray Enter sends nothing
	}
	l.vp = viewport.New(0, 0)
	l.resize()
	return nil, nil
}

func (l *lookupPage) choose(k tea.KeyMsg) (tea.Cmd, tea.Msg) {
	km := l.c.keys
	cs := l.choices()
	switch {
	case key.Matches(k, km.Up):
		l.cursor = (l.cursor + len(cs) - 1) % len(cs)
	case key.Matches(k, km.Down):
		l.cursor = (l.cursor + 1) % len(cs)
	case key.Matches(k, km.ReviewBack):
		return nil, lookupBackMsg{}
	case key.Matches(k, km.Select):
		ch := cs[l.cursor]
		switch {
		case ch.img != nil:
			return nil, useImageMsg{img: ch.img}
		case ch.send:
			return nil, resendMsg{req: l.req}
		}
		return nil, lookupBackMsg{}
	case key.Matches(k, km.PageScroll):
		var cmd tea.Cmd
		l.vp, cmd = l.vp.Update(k)
		return cmd, nil
	}
	return nil, nil
}

func (l *lookupPage) status() string {
	if l.found {
		return l.c.st.warn.Render(l.c.T("ui.lookup.status.unknown"))
	}
	return l.c.st.warn.Render(l.c.T("ui.lookup.status.looking"))
}

func (l *lookupPage) keys() []key.Binding {
	km := l.c.keys
	if !l.found {
		return []key.Binding{km.LookBack, km.Quit}
	}
	return []key.Binding{km.Up, km.Down, km.Select, km.PageScroll, km.ReviewBack, km.Quit}
}

// shownChoices is how many choice lines fit under at least a line of text.
func (l *lookupPage) shownChoices() int {
	return max(min(len(l.choices()), l.c.bodyHeight()-2), 1)
}

func (l *lookupPage) resize() tea.Cmd {
	if !l.found {
		return nil
	}
	l.vp.Width = l.c.contentWidth()
	l.vp.Height = max(l.c.bodyHeight()-l.shownChoices()-1, 1)
	l.vp.SetContent(foundContent(l.c, l.req.Name, l.since, l.imgs, l.err))
	return nil
}

// foundContent says what the look-up found, or that it failed.
func foundContent(c *common, name string, since time.Time, imgs []*client.Image, lookErr error) string {
	st := c.st
	cw := c.contentWidth()
	sent := since.Local().Format("15:04:05")
	var lines []string
	if lookErr != nil {
		lines = append(lines,
			st.warn.Render("! "+c.T("ui.lookup.failed_title")),
			"",
			wrapText(c.T("ui.lookup.failed_text", map[string]any{"Name": fmt.Sprintf("%q", client.Inert(name)), "Sent": sent}), cw),
			"",
			strings.TrimRight(errorContent(c, lookErr, true), "\n"),
			"",
			renderLines(st.subtle, wrapText(c.T("ui.lookup.failed_choices"), cw)),
		)
		return strings.Join(lines, "\n")
	}
	lines = append(lines,
		st.warn.Render("! "+c.T("ui.lookup.may_exist")),
		"",
		wrapText(c.T("ui.lookup.found_text", map[string]any{"Name": fmt.Sprintf("%q", client.Inert(name)), "Sent": sent, "Count": len(imgs)}), cw),
	)
	for _, img := range imgs {
		status := client.Inert(img.Status) + st.subtle.Render(" · "+client.StatusMeaningIn(c.loc, img.Status))
		lines = append(lines, "",
			// API field names, as the result's fields are shown.
			c.kv("id", st.bold.Render(client.Inert(img.ID)), 13, cw),
			c.kv("status", status, 13, cw),
			c.kv("created_at", client.Inert(img.CreatedAt), 13, cw),
		)
		if img.OSVersion != "" {
			lines = append(lines, c.kv(client.FieldOSVersion, client.Inert(img.OSVersion), 13, cw))
		}
	}
	lines = append(lines, "", renderLines(st.subtle, wrapText(c.T("ui.lookup.found_choices"), cw)))
	return strings.Join(lines, "\n")
}

func (l *lookupPage) view() string {
	if !l.found {
		return l.viewLooking()
	}
	st := l.c.st
	var b []string
	cs := l.choices()
	// A small terminal shows a window of the choices, the cursor in it.
	n := l.shownChoices()
	first := clampInt(l.cursor-n+1, 0, len(cs)-n)
	for i, ch := range cs {
		if i < first || i >= first+n {
			continue
		}
		if i == l.cursor {
			b = append(b, st.listItemSelected.Render("› "+ch.label))
		} else {
			b = append(b, "  "+ch.label)
		}
	}
	return indent(padLines(l.vp.View(), l.vp.Height)) + "\n\n" + indent(strings.Join(b, "\n"))
}

func (l *lookupPage) viewLooking() string {
	c := l.c
	st := c.st
	elapsed := time.Since(l.start).Truncate(100 * time.Millisecond)
	lines := []string{
		st.stepTitle.Render(c.T("ui.lookup.title")),
		"",
		l.spin.View() + " " + st.bold.Render(c.T("ui.lookup.looking", map[string]any{"Name": fmt.Sprintf("%q", client.Inert(l.req.Name))})) +
			st.subtle.Render(fmt.Sprintf("  %.1fs", elapsed.Seconds())),
		"",
		wrapText(c.T("ui.lookup.looking_text", map[string]any{"Since": l.since.Local().Format("15:04:05")}), c.contentWidth()),
		"",
		st.subtle.Render(c.T("ui.lookup.looking_keys")),
	}
	return indent(strings.Join(lines, "\n"))
}
