package ui

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"time"

	"github.com/aymanbagabas/go-osc52/v2"
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/viewport"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/ims-wizard/ims-wizard/client"
)

// resultPage shows the image created (or found after a lost answer): the
// card, every field the server returned, or its raw JSON; and, after an
// upload from here, the file's checksum and figures.
type resultPage struct {
	c      *common
	res    *client.Result
	vp     viewport.Model
	raw    bool
	found  bool // the image was found by the look-up, not created by this request
	notice string
	up     *uploadInfo // the image file was uploaded from here and the image read back
	banner []notice    // news above the card: an upload cancelled or failed
	// canUpload reports whether u is offered now (the wizard knows whether
	// an upload is still running).
	canUpload func() bool
}

func newResultPage(c *common, res *client.Result, found bool, canUpload func() bool) *resultPage {
	r := &resultPage{c: c, res: res, found: found, vp: viewport.New(0, 0), canUpload: canUpload}
	r.resize()
	return r
}

// copiedMsg is the answer of the OSC 52 copy.
type copiedMsg struct{ err error }

func (r *resultPage) resize() tea.Cmd {
	c := r.c
	r.vp.Width = c.contentWidth()
	r.vp.Height = max(c.bodyHeight()-2, 1)
	content := resultContent(c, r.res, r.raw, r.found, false, r.up)
	if len(r.banner) > 0 {
		var lines []string
		for _, n := range r.banner {
			style, prefix := c.st.err, "✗ "
			if n.warn {
				style, prefix = c.st.warn, "! "
			}
			lines = append(lines, wrapPrefix(style, prefix, n.text, c.contentWidth())...)
		}
		content = strings.Join(lines, "\n") + "\n\n" + content
	}
	r.vp.SetContent(content)
	return nil
}

// show puts the image as read now on the card (after an upload), with the
// upload's figures and a banner; the view starts at the top again.
func (r *resultPage) show(res *client.Result, up *uploadInfo, banner []notice) {
	r.res, r.up, r.banner, r.raw = res, up, banner, false
	r.resize()
	r.vp.GotoTop()
}

// setImage replaces the image shown (read again), keeping the rest.
func (r *resultPage) setImage(res *client.Result) {
	r.res = res
	r.resize()
}

func (r *resultPage) status() string {
	switch {
	case r.up != nil:
		return r.c.st.ok.Render(r.c.T("ui.result.status.uploaded"))
	case r.found:
		return r.c.st.ok.Render(r.c.T("ui.result.status.found"))
	}
	return r.c.st.ok.Render(r.c.T("ui.result.status.created"))
}

func (r *resultPage) keys() []key.Binding {
	km := r.c.keys
	raw := km.Raw
	if r.raw {
		raw = km.Card
	}
	if r.canUpload() {
		return []key.Binding{km.CopyID, raw, km.Upload, km.Another, km.QuitQ, km.Scroll}
	}
	return []key.Binding{km.CopyID, raw, km.Another, km.QuitQ, km.Scroll}
}

func (r *resultPage) update(msg tea.Msg) (tea.Cmd, tea.Msg) {
	switch msg := msg.(type) {
	case copiedMsg:
		r.copied(msg.err)
		return nil, nil
	case tea.KeyMsg:
		km := r.c.keys
		switch {
		case key.Matches(msg, km.CopyID):
			return copyCmd(r.c, r.res.Image.ID), nil
		case key.Matches(msg, km.Raw):
			r.raw = !r.raw
			r.resize()
			r.vp.GotoTop()
			return nil, nil
		case key.Matches(msg, km.Upload):
			if r.canUpload() {
				r.notice = ""
				return nil, uploadWantedMsg{}
			}
			return nil, nil
		case key.Matches(msg, km.Another):
			return nil, createAnotherMsg{}
		case key.Matches(msg, km.QuitQ):
			// An upload that went wrong is said by the exit (the image is returned too).
			return nil, finishMsg{res: r.res}
		case key.Matches(msg, km.Scroll):
			var cmd tea.Cmd
			r.vp, cmd = r.vp.Update(msg)
			return cmd, nil
		}
	}
	return nil, nil
}

func (r *resultPage) view() string {
	st := r.c.st
	notice := r.notice
	if notice == "" {
		notice = st.subtle.Render(strings.TrimSpace(scrollHint(r.c, r.vp)))
	}
	return indent(padLines(r.vp.View(), r.vp.Height)) + "\n\n" + indent(notice)
}

func (r *resultPage) copied(err error) {
	if err != nil {
		r.notice = r.c.T("ui.result.copy_failed", map[string]any{"Error": client.Inert(err.Error())})
		return
	}
	r.notice = r.c.T("ui.result.copied")
}

// copyText writes text to the clipboard with OSC 52 and answers nothing:
// the terminal does not say whether it did (copiedMsg would be a lie).
func copyText(c *common, text string) tea.Cmd {
	out := c.out
	return func() tea.Msg {
		if out != nil {
			_, _ = osc52.New(text).WriteTo(out)
		}
		return nil
	}
}

// copyCmd writes an OSC 52 sequence to the terminal the UI draws on, which
// the terminal turns into a clipboard copy (when it allows it).
func copyCmd(c *common, text string) tea.Cmd {
	out, noTerminal := c.out, c.T("ui.result.no_terminal")
	return func() tea.Msg {
		if out == nil {
			return copiedMsg{err: errors.New(noTerminal)}
		}
		_, err := osc52.New(text).WriteTo(out)
		return copiedMsg{err: err}
	}
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
		return st.bold.Render(c.T("ui.result.raw_title")) + st.subtle.Render("  "+c.T("ui.result.raw_subtitle")) + "\n\n" +
			client.InertMultiline(buf.String())
	}
	endpoint := c.opts.Target.Endpoint
	labels := []string{"id", client.FieldName, "status"}
	if up != nil {
		labels = append(labels, "checksum", "size")
	}
	lw := 0
	for _, l := range labels {
		lw = max(lw, lipgloss.Width(l))
	}
	lw = max(lw, 7)
	// The card's rows wrap under their value, not under the label: the
	// card is the content's width less its border and padding.
	inner := cw - 4
	if plain {
		inner = cw
	}
	row := func(label, value string) string {
		lines := strings.Split(wrapText(value, max(inner-lw-1, 10)), "\n")
		for i := 1; i < len(lines); i++ {
			lines[i] = strings.Repeat(" ", lw+1) + lines[i]
		}
		return st.label.Render(padRight(label, lw)) + " " + strings.Join(lines, "\n")
	}
	status := client.Inert(img.Status)
	rows := []string{
		row("id", st.bold.Render(client.Inert(img.ID))),
		row(client.FieldName, client.Inert(img.Name)),
		row("status", st.ok.Render(status)+st.subtle.Render(" · "+client.StatusMeaningIn(c.loc, img.Status))),
	}
	if up != nil {
		if up.verified {
			rows = append(rows, row("checksum", client.Inert(img.Checksum)+st.subtle.Render(" · "+c.T("ui.result.checksum_is_md5"))))
		} else {
			rows = append(rows, row("checksum", st.warn.Render(c.T("ui.result.checksum_none"))+st.subtle.Render(" · "+c.T("ui.result.file_md5", map[string]any{"MD5": up.md5}))))
		}
		if img.Size.Valid {
			rows = append(rows, row("size", c.T("ui.result.size", map[string]any{"Size": client.FormatBytes(img.Size.Value), "Bytes": img.Size.Value})))
		}
	}
	card := strings.Join(rows, "\n")
	cardStyle := st.card
	if lipgloss.Width(card)+4 > cw {
		cardStyle = cardStyle.Width(cw - 2)
	}
	if plain {
		cardStyle = c.r.NewStyle()
	}
	var b strings.Builder
	if up != nil {
		b.WriteString(st.ok.Render("✓ "+c.T("ui.result.uploaded")) + "\n")
	}
	if found {
		b.WriteString(st.ok.Render("✓ "+c.T("ui.result.found")) + "\n")
		b.WriteString(renderLines(st.subtle, wrapText(c.T("ui.result.found_note"), cw)) + "\n")
	} else if up == nil {
		b.WriteString(st.ok.Render("✓ "+c.T("ui.result.created")) + "\n")
	}
	b.WriteString(cardStyle.Render(card) + "\n")
	if up != nil {
		if up.verified {
			b.WriteString(renderLines(st.ok, wrapText("✓ "+c.T("ui.result.verified"), cw)) + "\n")
		} else {
			b.WriteString(renderLines(st.warn, wrapText("! "+c.T("ui.result.not_verified", map[string]any{"MD5": up.md5}), cw)) + "\n")
		}
		line := c.T("ui.result.upload_line", map[string]any{"Path": client.Inert(up.path), "Size": client.FormatBytes(up.bytes),
			"Took": up.latency.Round(time.Millisecond).String(), "Rate": client.FormatBytes(int64(up.rate))})
		if up.requestID != "" {
			line += ", " + c.T("ui.result.request_id", map[string]any{"ID": client.Inert(up.requestID)})
		}
		b.WriteString(renderLines(st.subtle, wrapText(line, cw)) + "\n")
	}
	if img.Status == "queued" && img.File != "" {
		b.WriteString(nextUpload(c, img, plain, cw))
	}
	b.WriteString("\n" + st.bold.Render(c.T("ui.result.fields")) + "\n")
	fields := img.Fields()
	w := 0
	for _, f := range fields {
		w = max(w, lipgloss.Width(client.Inert(f.Key)))
	}
	w = min(w, cw/2)
	for _, f := range fields {
		v := client.Inert(f.Value)
		if v == "" {
			v = c.T("ui.result.empty")
		}
		if !f.Known {
			v += "  " + c.T("ui.result.undocumented")
		}
		b.WriteString(c.kv(client.Inert(f.Key), v, w+1, cw) + "\n")
	}
	b.WriteString("\n")
	b.WriteString(c.kvURL("self", client.Inert(absURL(endpoint, img.Self)), 7, cw) + "\n")
	b.WriteString(c.kvURL("file", client.Inert(absURL(endpoint, img.File)), 7, cw) + "\n")
	if found {
		b.WriteString(st.label.Render(c.T("ui.result.request_id_label")+" ") + st.subtle.Render(c.T("ui.result.request_id_found")))
		return b.String()
	}
	rid := client.Inert(res.RequestID)
	if rid == "" {
		rid = st.subtle.Render(c.T("ui.result.request_id_none"))
	}
	b.WriteString(st.label.Render(c.T("ui.result.request_id_label")+" ") + rid + st.label.Render("   "+c.T("ui.result.latency")+" ") + res.Latency.Round(time.Millisecond).String())
	return b.String()
}

// uploadInfo is what the result view says about an upload that ended with
// the image active.
type uploadInfo struct {
	path      string
	bytes     int64
	latency   time.Duration
	rate      float64
	md5       string
	requestID string
	verified  bool // the server's checksum equals md5; false: it reported none
}

func newUploadInfo(path string, sent *client.UploadResult, verified bool) *uploadInfo {
	return &uploadInfo{path: path, bytes: sent.Bytes, latency: sent.Latency, rate: sent.Rate(),
		md5: sent.MD5, requestID: sent.RequestID, verified: verified}
}

// withImage is res (the create's answer, with its request id and latency)
// showing img instead: the same image, read again.
func withImage(res, read *client.Result) *client.Result {
	if read == nil || read.Image == nil {
		return res
	}
	if res == nil {
		return read
	}
	out := *res
	out.Image = read.Image
	return &out
}

// nextUpload says how to upload a queued image's file: with u now (or the
// accessible prompt that follows), or later with the CLI command, drawn so
// that a copy off the screen runs.
func nextUpload(c *common, img *client.Image, plain bool, cw int) string {
	st := c.st
	if c.opts.UploadCommand == nil {
		return renderLines(st.subtle, wrapText(c.T("ui.result.next_upload"), cw)) + "\n" +
			c.kvURL("", client.Inert(absURL(c.opts.Target.Endpoint, img.File)), 1, cw) + "\n"
	}
	id := "ui.result.next_later"
	switch {
	case c.opts.Uploader != nil && plain:
		id = "ui.result.next_asked"
	case c.opts.Uploader != nil:
		id = "ui.result.next_press_u"
	}
	command := client.Inert(c.opts.UploadCommand(img.ID))
	return renderLines(st.subtle, wrapText(c.T(id), cw)) + "\n" +
		renderLines(st.code, strings.Join(shellLines(command, cw-2), "\n")) + "\n"
}
