package ui

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/aymanbagabas/go-osc52/v2"
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/viewport"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/ims-wizard/ims-wizard/client"
)

type resultPage struct {
	res    *client.Result
	vp     viewport.Model
	raw    bool
	found  bool // the image was found by the look-up, not created by this request
	notice string
}

func newResultPage(m *model, res *client.Result) resultPage {
	r := resultPage{res: res, vp: viewport.New(0, 0)}
	r.layout(m)
	return r
}

func (r *resultPage) layout(m *model) {
	r.vp.Width = m.c.contentWidth()
	r.vp.Height = max(m.c.bodyHeight()-2, 1)
	r.vp.SetContent(resultContent(m.c, r.res, r.raw, r.found, false))
}

func (r *resultPage) keys() []key.Binding {
	raw := keyRaw
	if r.raw {
		raw = key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "card"))
	}
	return []key.Binding{keyCopy, raw, keyAnother, keyQuitQ, keyScroll}
}

// absURL joins a server path (/v2/images/…) to the endpoint.
func absURL(endpoint, p string) string {
	if p == "" || strings.Contains(p, "://") {
		return p
	}
	return strings.TrimRight(endpoint, "/") + "/" + strings.TrimLeft(p, "/")
}

// resultContent is the result card, every field the server returned, the
// URLs, request id and latency; or, raw, the server's JSON. found: the image
// was found by the look-up after a lost answer, so there is no request id or
// latency of a create. plain leaves out the card's border (accessible mode).
func resultContent(c *common, res *client.Result, raw, found, plain bool) string {
	st := c.st
	cw := c.contentWidth()
	img := res.Image
	if raw {
		var buf bytes.Buffer
		if json.Indent(&buf, img.Raw, "", "  ") != nil {
			buf.Reset()
			buf.Write(img.Raw)
		}
		return st.bold.Render("Raw JSON") + st.subtle.Render("  as the server sent it") + "\n\n" +
			client.InertMultiline(buf.String())
	}
	endpoint := c.opts.Target.Endpoint
	row := func(label, value string) string {
		return st.label.Render(fmt.Sprintf("%-7s", label)) + " " + value
	}
	status := client.Inert(img.Status)
	card := strings.Join([]string{
		row("id", st.bold.Render(client.Inert(img.ID))),
		row("name", client.Inert(img.Name)),
		row("status", st.ok.Render(status)+st.subtle.Render(" · "+client.StatusMeaning(img.Status))),
	}, "\n")
	cardStyle := st.card
	if lipgloss.Width(card)+4 > cw {
		cardStyle = cardStyle.Width(cw - 2)
	}
	if plain {
		cardStyle = lipgloss.NewStyle()
	}
	var b strings.Builder
	if found {
		b.WriteString(st.ok.Render("✓ Found the image the earlier request created") + "\n")
		b.WriteString(renderLines(st.subtle, wrapText("Found by name, not created now: the earlier request's answer was lost, so there is no request id or latency of a create. Nothing was sent again.", cw)) + "\n")
	} else {
		b.WriteString(st.ok.Render("✓ Image metadata created") + "\n")
	}
	b.WriteString(cardStyle.Render(card) + "\n")
	if img.Status == "queued" && img.File != "" {
		b.WriteString(renderLines(st.subtle, wrapText("Next: upload the image file (PUT, Content-Type: application/octet-stream) to", cw)) + "\n")
		b.WriteString(c.kvURL("", client.Inert(absURL(endpoint, img.File)), 1, cw) + "\n")
	}
	b.WriteString("\n" + st.bold.Render("Every field the server returned") + "\n")
	fields := img.Fields()
	w := 0
	for _, f := range fields {
		w = max(w, lipgloss.Width(client.Inert(f.Key)))
	}
	w = min(w, cw/2)
	for _, f := range fields {
		v := client.Inert(f.Value)
		if v == "" {
			v = "(empty)"
		}
		if !f.Known {
			v += "  (not in the documented response)"
		}
		b.WriteString(c.kv(client.Inert(f.Key), v, w+1, cw) + "\n")
	}
	b.WriteString("\n")
	b.WriteString(c.kvURL("self", client.Inert(absURL(endpoint, img.Self)), 7, cw) + "\n")
	b.WriteString(c.kvURL("file", client.Inert(absURL(endpoint, img.File)), 7, cw) + "\n")
	if found {
		b.WriteString(st.label.Render("request id ") + st.subtle.Render("(none: found by GET /v2/images?name=…, not created now)"))
		return b.String()
	}
	rid := client.Inert(res.RequestID)
	if rid == "" {
		rid = st.subtle.Render("(none sent)")
	}
	b.WriteString(st.label.Render("request id ") + rid + st.label.Render("   latency ") + res.Latency.Round(time.Millisecond).String())
	return b.String()
}

func (r *resultPage) view(m *model) string {
	st := m.c.st
	var notice string
	if r.notice != "" {
		notice = r.notice
	} else {
		notice = st.subtle.Render(strings.TrimSpace(scrollHint(r.vp)))
	}
	return indent(padLines(r.vp.View(), r.vp.Height)) + "\n\n" + indent(notice)
}

func (r *resultPage) copied(err error) {
	if err != nil {
		r.notice = "could not copy: " + err.Error()
		return
	}
	r.notice = "copied the id to the clipboard (OSC 52)"
}

func (m *model) resultKey(k tea.KeyMsg) (tea.Model, tea.Cmd) {
	r := &m.result
	switch k.String() {
	case "c":
		return m, copyCmd(m.c, r.res.Image.ID)
	case "r":
		r.raw = !r.raw
		r.layout(m)
		r.vp.GotoTop()
		return m, nil
	case "n":
		return m, m.createAnother()
	case "q":
		return m.finish(r.res, nil)
	}
	var cmd tea.Cmd
	r.vp, cmd = r.vp.Update(k)
	return m, cmd
}

// copyCmd writes an OSC 52 sequence to the terminal the UI draws on, which
// the terminal turns into a clipboard copy (when it allows it).
func copyCmd(c *common, text string) tea.Cmd {
	out := c.out
	return func() tea.Msg {
		if out == nil {
			return copiedMsg{err: errors.New("no terminal to write to")}
		}
		_, err := osc52.New(text).WriteTo(out)
		return copiedMsg{err: err}
	}
}

// createAnother starts over at step 1 with this image's answers.
func (m *model) createAnother() tea.Cmd {
	m.reviewed = false
	m.touched = [numSteps]bool{}
	return m.enterStep(stepName)
}
