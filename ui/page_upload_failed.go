package ui

import (
	"errors"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/viewport"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/ims-wizard/ims-wizard/client"
)

// uploadFailedPage says how an upload went wrong: checksum mismatch, the
// image killed, the PUT refused or cut, the wait run out. Esc goes back to
// the image (uploadSeenMsg); q quits with the upload's error (finishMsg).
type uploadFailedPage struct {
	c       *common
	out     uploadOutcome
	path    string
	imageID string
	res     *client.Result // the image, as last read
	vp      viewport.Model
}

func newUploadFailedPage(c *common, o uploadOutcome, path, id string, res *client.Result) *uploadFailedPage {
	e := &uploadFailedPage{c: c, out: o, path: path, imageID: id, res: res, vp: viewport.New(0, 0)}
	e.resize()
	return e
}

func (e *uploadFailedPage) resize() tea.Cmd {
	e.vp.Width = e.c.contentWidth()
	e.vp.Height = max(e.c.bodyHeight()-1, 1)
	e.vp.SetContent(uploadErrorContent(e.c, e.out, e.path, e.imageID, false))
	return nil
}

func (e *uploadFailedPage) status() string {
	return e.c.st.err.Render(e.c.T("ui.upload_failed.status"))
}

func (e *uploadFailedPage) keys() []key.Binding {
	km := e.c.keys
	return []key.Binding{km.BackToImage, km.QuitQ, km.Scroll}
}

func (e *uploadFailedPage) update(msg tea.Msg) (tea.Cmd, tea.Msg) {
	k, ok := msg.(tea.KeyMsg)
	if !ok {
		return nil, nil
	}
	km := e.c.keys
	switch {
	case key.Matches(k, km.BackToImage):
		return nil, uploadSeenMsg{banner: e.c.T("ui.upload_failed.banner", map[string]any{"Error": client.Inert(e.out.Err.Error())})}
	case key.Matches(k, km.QuitQ):
		return nil, finishMsg{res: e.res}
	case key.Matches(k, km.Scroll):
		var cmd tea.Cmd
		e.vp, cmd = e.vp.Update(k)
		return cmd, nil
	}
	return nil, nil
}

func (e *uploadFailedPage) view() string { return indent(e.vp.View()) }

// uploadErrorContent explains a failed upload: what went wrong (the
// checksum, the image's status, the server's or the network's error), what
// the file sent was, and what GET says of the image afterwards. plain
// leaves out the TUI's key hints (accessible mode).
func uploadErrorContent(c *common, o uploadOutcome, path, id string, plain bool) string {
	st, cw := c.st, c.contentWidth()
	row := func(label, value string) string {
		if value == "" {
			return ""
		}
		return c.kv(label, value, 11, cw)
	}
	var lines []string
	var ue *client.UploadError
	var wt *client.WaitTimeoutError
	if !errors.As(o.Err, &ue) && !errors.As(o.Err, &wt) {
		// The server's or the network's error: said to be the upload's.
		lines = append(lines, st.bold.Render(c.T("ui.upload_failed.title")), "")
	}
	lines = append(lines, errorRows(c, client.Explain(o.Err, c.loc))...)
	lines = append(lines, "")
	if o.Sent != nil {
		lines = append(lines, row(c.T("ui.upload_failed.file"), c.T("ui.upload_failed.file_sent", map[string]any{"Path": client.Inert(path),
			"Size": client.FormatBytes(o.Sent.Bytes), "Took": o.Sent.Latency.Round(time.Millisecond).String(), "MD5": o.Sent.MD5})))
		if o.Sent.RequestID != "" {
			lines = append(lines, row(c.T("ui.result.request_id_label"), client.Inert(o.Sent.RequestID)))
		}
	} else {
		lines = append(lines, row(c.T("ui.upload_failed.file"), c.T("ui.upload_failed.file_part", map[string]any{"Path": client.Inert(path),
			"Sent": client.FormatBytes(o.snap.progress.Sent), "Total": client.FormatBytes(o.snap.progress.Total)})))
	}
	switch {
	case o.Sent != nil && o.Final != nil && o.Final.Image != nil && o.AfterErr == nil:
		st := o.Final.Image.Status
		lines = append(lines, row(c.T("ui.upload_failed.image"), client.Inert(st)+": "+client.StatusMeaningIn(c.loc, st)))
	default:
		lines = append(lines, row(c.T("ui.upload_failed.afterwards"), o.StatusAfter(c.loc, id)))
	}
	out := dropBlankRuns(lines)
	if !plain {
		out = append(out, "", renderLines(st.subtle, wrapText(c.T("ui.upload_failed.keys"), cw)))
	}
	return strings.Join(out, "\n")
}
