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
	up     *uploadInfo // the image file was uploaded from here and the image read back
	banner []notice    // news above the card: an upload cancelled or failed
}

func newResultPage(m *model, res *client.Result) resultPage {
	r := resultPage{res: res, vp: viewport.New(0, 0)}
	r.layout(m)
	return r
}

func (r *resultPage) layout(m *model) {
	r.vp.Width = m.c.contentWidth()
	r.vp.Height = max(m.c.bodyHeight()-2, 1)
	content := resultContent(m.c, r.res, r.raw, r.found, false, r.up)
	if len(r.banner) > 0 {
		var lines []string
		for _, n := range r.banner {
			style, prefix := m.c.st.err, "✗ "
			if n.warn {
				style, prefix = m.c.st.warn, "! "
			}
			lines = append(lines, wrapPrefix(style, prefix, n.text, m.c.contentWidth())...)
		}
		content = strings.Join(lines, "\n") + "\n\n" + content
	}
	r.vp.SetContent(content)
}

func (m *model) resultKeys() []key.Binding {
	r := &m.result
	raw := keyRaw
	if r.raw {
		raw = key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "card"))
	}
	if m.canUpload() {
		return []key.Binding{keyCopy, raw, keyUpload, keyAnother, keyQuitQ, keyScroll}
	}
	return []key.Binding{keyCopy, raw, keyAnother, keyQuitQ, keyScroll}
}

// canUpload: the result view offers the upload of the image file (u) when
// an Uploader is set, the image is queued, and no upload is still running
// (one just cancelled, until it has returned).
func (m *model) canUpload() bool {
	img := m.result.res.Image
	return m.c.opts.Uploader != nil && img != nil && img.Status == "queued" && !m.upload.running
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
// up, when the image file was uploaded, adds the checksum and size to the
// card and the upload's figures under it.
func resultContent(c *common, res *client.Result, raw, found, plain bool, up *uploadInfo) string {
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
	lw := 7
	if up != nil {
		lw = 8 // "checksum"
	}
	row := func(label, value string) string {
		return st.label.Render(fmt.Sprintf("%-*s", lw, label)) + " " + value
	}
	status := client.Inert(img.Status)
	rows := []string{
		row("id", st.bold.Render(client.Inert(img.ID))),
		row("name", client.Inert(img.Name)),
		row("status", st.ok.Render(status)+st.subtle.Render(" · "+client.StatusMeaning(img.Status))),
	}
	if up != nil {
		if up.verified {
			rows = append(rows, row("checksum", client.Inert(img.Checksum)+st.subtle.Render(" · MD5 of the file")))
		} else {
			rows = append(rows, row("checksum", st.warn.Render("none reported yet")+st.subtle.Render(" · file MD5 "+up.md5)))
		}
		if img.Size.Valid {
			rows = append(rows, row("size", fmt.Sprintf("%s (%d bytes)", client.FormatBytes(img.Size.Value), img.Size.Value)))
		}
	}
	card := strings.Join(rows, "\n")
	cardStyle := st.card
	if lipgloss.Width(card)+4 > cw {
		cardStyle = cardStyle.Width(cw - 2)
	}
	if plain {
		cardStyle = lipgloss.NewStyle()
	}
	var b strings.Builder
	if up != nil {
		b.WriteString(st.ok.Render("✓ Image file uploaded") + "\n")
	}
	if found {
		b.WriteString(st.ok.Render("✓ Found the image the earlier request created") + "\n")
		b.WriteString(renderLines(st.subtle, wrapText("Found by name, not created now: the earlier request's answer was lost, so there is no request id or latency of a create. Nothing was sent again.", cw)) + "\n")
	} else if up == nil {
		b.WriteString(st.ok.Render("✓ Image metadata created") + "\n")
	}
	b.WriteString(cardStyle.Render(card) + "\n")
	if up != nil {
		if up.verified {
			b.WriteString(renderLines(st.ok, wrapText("✓ checksum verified: the server's checksum equals the MD5 of the file sent", cw)) + "\n")
		} else {
			b.WriteString(renderLines(st.warn, wrapText("! checksum not verified: the server reports none yet (the file's MD5 is "+up.md5+")", cw)) + "\n")
		}
		line := fmt.Sprintf("Uploaded %s: %s in %s (%s/s)", client.Inert(up.path), client.FormatBytes(up.bytes),
			up.latency.Round(time.Millisecond), client.FormatBytes(int64(up.rate)))
		if up.requestID != "" {
			line += ", request id " + client.Inert(up.requestID)
		}
		b.WriteString(renderLines(st.subtle, wrapText(line, cw)) + "\n")
	}
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
	case "u":
		if m.canUpload() {
			r.notice = ""
			return m, m.enterPick()
		}
		return m, nil
	case "n":
		m.uploadFailure = nil
		return m, m.createAnother()
	case "q":
		// An upload that went wrong is said by the exit (the image is returned too).
		return m.finish(r.res, m.uploadFailureErr())
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

// uploadFailureErr is the error of the last upload if it went wrong, or nil
// (a nil *UploadFailedError must not become a non-nil error).
func (m *model) uploadFailureErr() error {
	if m.uploadFailure == nil {
		return nil
	}
	return m.uploadFailure
}
