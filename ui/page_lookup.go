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
// made, then offers to use it, create another anyway, or go back.
type lookupPage struct {
	seq    int
	req    client.Request
	since  time.Time // the first attempt with this name
	from   page      // where Back returns: the error view or the review
	cancel context.CancelFunc
	spin   spinner.Model
	start  time.Time

	imgs   []*client.Image
	err    error // the look-up failed
	cursor int
	vp     viewport.Model
}

// lookupChoice is one line of the choices under what the look-up found.
type lookupChoice struct {
	label string
	img   *client.Image // use this image
	send  bool          // create (another) anyway
}

func (l *lookupPage) choices() []lookupChoice {
	var cs []lookupChoice
	for _, img := range l.imgs {
		label := "Use the existing image " + client.Inert(img.ID)
		if len(l.imgs) > 1 {
			label += "  (created " + client.Inert(img.CreatedAt) + ")"
		}
		cs = append(cs, lookupChoice{label: label, img: img})
	}
	send := "Create another anyway"
	if l.err != nil {
		send = "Create anyway"
	}
	return append(cs, lookupChoice{label: send, send: true}, lookupChoice{label: "Back"})
}

// startLookup looks for images called req.Name created since just before
// the first attempt; nothing found sends the request again.
func (m *model) startLookup(req client.Request, since time.Time) tea.Cmd {
	m.seq++
	ctx, cancel := context.WithCancel(m.ctx)
	from := m.page
	if from != pageError {
		from = pageReview
	}
	m.lookup = lookupPage{
		seq: m.seq, req: req, since: since, from: from, cancel: cancel, start: time.Now(),
		spin: spinner.New(spinner.WithSpinner(spinner.MiniDot), spinner.WithStyle(m.c.st.accent)),
	}
	m.page = pageLookup
	creator, seq, name := m.c.opts.Creator, m.seq, req.Name
	find := func() tea.Msg {
		imgs, err := creator.FindRecent(ctx, name, since.Add(-lookBack))
		return foundMsg{seq: seq, imgs: imgs, err: err}
	}
	return tea.Batch(find, m.lookup.spin.Tick)
}

func (l *lookupPage) tick(msg spinner.TickMsg) tea.Cmd {
	var cmd tea.Cmd
	l.spin, cmd = l.spin.Update(msg)
	return cmd
}

func (m *model) onFound(msg foundMsg) (tea.Model, tea.Cmd) {
	if msg.seq != m.lookup.seq || m.page != pageLookup {
		return m, nil
	}
	m.lookup.cancel()
	l := &m.lookup
	if msg.err == nil && len(msg.imgs) == 0 {
		return m, m.send(l.req, fmt.Sprintf("No image named %q was created since the first attempt (%s): sending the request again.",
			client.Inert(l.req.Name), l.since.Local().Format("15:04:05")))
	}
	l.imgs, l.err, l.cursor = msg.imgs, msg.err, 0
	if l.err != nil {
		l.cursor = len(l.choices()) - 1 // Back: a stray Enter sends nothing
	}
	l.vp = viewport.New(0, 0)
	m.page = pageFound
	l.layout(m)
	return m, nil
}

// back returns to the page the look-up started from.
func (m *model) lookupBack() tea.Cmd {
	if m.lookup.from == pageError && m.failure.err != nil {
		m.page = pageError
		m.failure.layout(m)
		return nil
	}
	return m.enterReview()
}

func (m *model) lookupKey(k tea.KeyMsg) (tea.Model, tea.Cmd) {
	if k.Type == tea.KeyEsc {
		m.lookup.cancel()
		return m, m.lookupBack()
	}
	return m, nil
}

func (m *model) foundKey(k tea.KeyMsg) (tea.Model, tea.Cmd) {
	l := &m.lookup
	cs := l.choices()
	switch k.String() {
	case "up", "k", "shift+tab":
		l.cursor = (l.cursor + len(cs) - 1) % len(cs)
	case "down", "j", "tab":
		l.cursor = (l.cursor + 1) % len(cs)
	case "esc":
		return m, m.lookupBack()
	case "enter":
		c := cs[l.cursor]
		switch {
		case c.img != nil:
			return m.useExisting(c.img)
		case c.send:
			return m, m.send(l.req, "")
		}
		return m, m.lookupBack()
	default:
		var cmd tea.Cmd
		l.vp, cmd = l.vp.Update(k)
		return m, cmd
	}
	return m, nil
}

// useExisting takes an image the lost request created as the result: no
// second image is made.
func (m *model) useExisting(img *client.Image) (tea.Model, tea.Cmd) {
	res := &client.Result{Image: img} // no create answered: no status, request id or latency
	m.created(m.lookup.req.Name, res)
	m.page = pageResult
	m.result = newResultPage(m, res)
	m.result.found = true
	m.result.layout(m)
	return m, nil
}

func (l *lookupPage) keys() []key.Binding {
	return []key.Binding{keyMove, keyActivate, keyPageScroll, keyEscBack, keyQuit}
}

// shownChoices is how many choice lines fit under at least a line of text.
func (l *lookupPage) shownChoices(m *model) int {
	return max(min(len(l.choices()), m.c.bodyHeight()-2), 1)
}

func (l *lookupPage) layout(m *model) {
	l.vp.Width = m.c.contentWidth()
	l.vp.Height = max(m.c.bodyHeight()-l.shownChoices(m)-1, 1)
	l.vp.SetContent(foundContent(m.c, l.req.Name, l.since, l.imgs, l.err))
}

// foundContent says what the look-up found, or that it failed.
func foundContent(c *common, name string, since time.Time, imgs []*client.Image, lookErr error) string {
	st := c.st
	cw := c.contentWidth()
	sent := since.Local().Format("15:04:05")
	var lines []string
	if lookErr != nil {
		lines = append(lines,
			st.warn.Render("! Could not look for an existing image"),
			"",
			wrapText(fmt.Sprintf("The request for %q (first sent %s) got no clear answer, so the image may exist; looking for it failed:", client.Inert(name), sent), cw),
			"",
			strings.TrimRight(errorContent(c, lookErr, true), "\n"),
			"",
			renderLines(st.subtle, wrapText("Create anyway sends the request again (a second image if the first one exists); Back keeps everything as it is.", cw)),
		)
		return strings.Join(lines, "\n")
	}
	what := "an image of that name was"
	if len(imgs) > 1 {
		what = fmt.Sprintf("%d images of that name were", len(imgs))
	}
	lines = append(lines,
		st.warn.Render("! The image may already exist"),
		"",
		wrapText(fmt.Sprintf("The request for %q (first sent %s) got no clear answer, and %s created since:", client.Inert(name), sent, what), cw),
	)
	for _, img := range imgs {
		status := client.Inert(img.Status) + st.subtle.Render(" · "+client.StatusMeaning(img.Status))
		lines = append(lines, "",
			c.kv("id", st.bold.Render(client.Inert(img.ID)), 8, cw),
			c.kv("status", status, 8, cw),
			c.kv("created", client.Inert(img.CreatedAt), 8, cw),
		)
		if img.OSVersion != "" {
			lines = append(lines, c.kv("os", client.Inert(img.OSVersion), 8, cw))
		}
	}
	lines = append(lines, "", renderLines(st.subtle, wrapText(
		"Use it to finish with that image (nothing is sent); Create another anyway sends the request again and makes a second image.", cw)))
	return strings.Join(lines, "\n")
}

func (l *lookupPage) viewLooking(m *model) string {
	st := m.c.st
	elapsed := time.Since(l.start).Truncate(100 * time.Millisecond)
	lines := []string{
		st.stepTitle.Render("Looking before sending again"),
		"",
		l.spin.View() + " " + st.bold.Render(fmt.Sprintf("Looking for images named %q", client.Inert(l.req.Name))) +
			st.subtle.Render(fmt.Sprintf("  %.1fs", elapsed.Seconds())),
		"",
		wrapText(fmt.Sprintf("The earlier request got no clear answer: the image may exist. Images created since %s (just before the first attempt) are listed before anything is sent again.",
			l.since.Local().Format("15:04:05")), m.c.contentWidth()),
		"",
		st.subtle.Render("esc goes back without sending; ctrl+c quits."),
	}
	return indent(strings.Join(lines, "\n"))
}

func (l *lookupPage) viewFound(m *model) string {
	st := m.c.st
	var b []string
	cs := l.choices()
	// A small terminal shows a window of the choices, the cursor in it.
	n := l.shownChoices(m)
	first := clampInt(l.cursor-n+1, 0, len(cs)-n)
	for i, c := range cs {
		if i < first || i >= first+n {
			continue
		}
		if i == l.cursor {
			b = append(b, st.listItemSelected.Render("› "+c.label))
		} else {
			b = append(b, "  "+c.label)
		}
	}
	return indent(padLines(l.vp.View(), l.vp.Height)) + "\n\n" + indent(strings.Join(b, "\n"))
}
