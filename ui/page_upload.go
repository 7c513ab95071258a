package ui

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/progress"
	"github.com/charmbracelet/bubbles/spinner"
	"github.com/charmbracelet/bubbles/viewport"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
	"github.com/ims-wizard/ims-wizard/client"
)

// uploadPage shows an upload in flight: the progress bar with bytes, rate
// and ETA, then the image's status live until active or killed.
type uploadPage struct {
	seq     int
	job     *uploadJob
	imageID string
	cancel  context.CancelFunc
	running bool // the job has not returned (also after a cancel, until it has)
	stopped bool // the user cancelled: the outcome goes to the result view
	snap    uploadSnap
	bar     progress.Model
	spin    spinner.Model
}

type (
	uploadTickMsg struct {
		seq  int
		snap uploadSnap
	}
	uploadDoneMsg struct {
		seq int
		out uploadOutcome
	}
)

// startUpload sends the checked file and watches the image; the job's
// news arrive as uploadTickMsg, its end as uploadDoneMsg.
func (m *model) startUpload(check *client.UploadCheck) tea.Cmd {
	m.upSeq++
	ctx, cancel := context.WithCancel(m.ctx)
	id := m.result.res.Image.ID
	job := newUploadJob(m.c.opts.Uploader, id, check)
	m.upload = uploadPage{
		seq: m.upSeq, job: job, imageID: id, cancel: cancel, running: true, snap: job.snapshot(),
		bar: progress.New(progress.WithSolidFill(string(colourOf(colOK))), progress.WithoutPercentage(),
			progress.WithColorProfile(lipgloss.ColorProfile())),
		spin: spinner.New(spinner.WithSpinner(spinner.MiniDot), spinner.WithStyle(m.c.st.accent)),
	}
	m.upload.layout(m)
	m.uploadFailure = nil
	m.result.up, m.result.banner = nil, nil
	m.page = pageUploading
	seq := m.upSeq
	run := func() tea.Msg { return uploadDoneMsg{seq: seq, out: job.run(ctx)} }
	return tea.Batch(run, listenUpload(seq, job), m.upload.spin.Tick)
}

// colourOf picks the adaptive colour for the background lipgloss detected.
func colourOf(c lipgloss.AdaptiveColor) string {
	if lipgloss.HasDarkBackground() {
		return c.Dark
	}
	return c.Light
}

// listenUpload waits on the job's goroutine side for news and brings a
// snapshot to the program as a message; the model is never touched from
// the client's callbacks.
func listenUpload(seq int, job *uploadJob) tea.Cmd {
	return func() tea.Msg {
		if !job.next() {
			return nil // ended: uploadDoneMsg carries the rest
		}
		return uploadTickMsg{seq: seq, snap: job.snapshot()}
	}
}

func (m *model) onUploadTick(msg uploadTickMsg) (tea.Model, tea.Cmd) {
	u := &m.upload
	if msg.seq != u.seq || !u.running {
		return m, nil
	}
	u.snap = msg.snap
	return m, listenUpload(u.seq, u.job)
}

func (u *uploadPage) layout(m *model) {
	u.bar.Width = clampInt(m.c.contentWidth()-6, 10, 60)
}

func (u *uploadPage) tick(msg spinner.TickMsg) tea.Cmd {
	var cmd tea.Cmd
	u.spin, cmd = u.spin.Update(msg)
	return cmd
}

// uploadKey: esc or ctrl+c cancels the upload (or the wait) and goes back
// to the result view, which says what GET tells of the image once the
// upload has returned.
func (m *model) uploadKey(k tea.KeyMsg) (tea.Model, tea.Cmd) {
	if k.Type != tea.KeyEsc && k.Type != tea.KeyCtrlC {
		return m, nil
	}
	u := &m.upload
	u.cancel()
	u.stopped = true
	what := fmt.Sprintf("Upload cancelled after %s of %s were sent.", client.FormatBytes(u.snap.progress.Sent), client.FormatBytes(u.snap.progress.Total))
	if u.snap.phase == phaseWaiting {
		what = "Stopped waiting for the image; the file was sent."
	}
	m.result.banner = []notice{{warn: true, text: what + " Reading the image's status…"}}
	m.page = pageResult
	m.result.layout(m)
	m.result.vp.GotoTop()
	return m, nil
}

func (m *model) onUploadDone(msg uploadDoneMsg) (tea.Model, tea.Cmd) {
	u := &m.upload
	if msg.seq != u.seq {
		return m, nil
	}
	u.running = false
	u.cancel()
	o := msg.out
	u.snap = o.snap
	path := u.job.path
	// The image as read last replaces the one shown, and the one Run
	// returns, so the summary says its status now.
	shown := m.result.res != nil && m.result.res.Image != nil && m.result.res.Image.ID == u.imageID
	if o.final != nil && o.final.Image != nil {
		if shown {
			m.result.res = withImage(m.result.res, o.final)
		}
		m.uploaded(u.imageID, o.final)
	}
	if !shown || (m.page != pageUploading && m.page != pageResult) {
		return m, nil // the user has moved on (create another)
	}
	switch {
	case o.err == nil:
		m.result.up = newUploadInfo(path, o.sent, o.checked)
		m.result.banner = nil
		if u.stopped {
			m.result.banner = []notice{{warn: true, text: "The upload finished before the cancel took effect."}}
		}
		m.uploadFailure = nil
		m.page = pageResult
	case u.stopped || o.stopped:
		m.result.banner = []notice{{warn: true, text: stoppedText(o, u.imageID)}}
		m.page = pageResult
	default:
		m.uploadFailure = &UploadFailedError{ImageID: u.imageID, Path: path, Err: o.err}
		m.upFail = newUploadErrorPage(m, o, path)
		m.page = pageUploadFailed
		return m, nil
	}
	m.result.raw = false
	m.result.layout(m)
	m.result.vp.GotoTop()
	return m, nil
}

func (u *uploadPage) view(m *model) string {
	st, cw := m.c.st, m.c.contentWidth()
	roomy := m.c.bodyHeight() >= 14 // on a short terminal the bar comes first, the rest as it fits
	snap := u.snap
	p := snap.progress
	img := m.result.res.Image
	endpoint := strings.TrimRight(m.c.opts.Target.Endpoint, "/")
	var lines []string
	add := func(ls ...string) {
		for _, l := range ls {
			lines = append(lines, strings.Split(l, "\n")...)
		}
	}
	blank := func() {
		if roomy {
			lines = append(lines, "")
		}
	}
	add(st.stepTitle.Render("Uploading the image file"))
	blank()
	add(st.bold.Render(client.Inert(filepath.Base(u.job.path))) + st.subtle.Render(fmt.Sprintf("  %s  →  image %s %q",
		client.FormatBytes(u.job.size), client.Inert(img.ID), client.Inert(img.Name))))
	if roomy {
		add(st.label.Render("PUT ") + client.Inert(endpoint) + "/v2/images/" + client.Inert(img.ID) + "/file")
	}
	blank()
	add(u.bar.ViewAs(p.Fraction()) + " " + fmt.Sprintf("%3.0f%%", 100*p.Fraction()))
	if snap.phase == phaseSending {
		add(progressText(p) + st.subtle.Render(fmt.Sprintf(" · %.1fs", p.Elapsed.Seconds())))
	} else if s := snap.sent; s != nil {
		add(st.ok.Render("✓ ") + fmt.Sprintf("Sent %s in %s (%s/s) · MD5 %s",
			client.FormatBytes(s.Bytes), s.Latency.Round(time.Millisecond), client.FormatBytes(int64(s.Rate())), s.MD5))
	}
	blank()
	if snap.phase == phaseWaiting {
		waited := time.Since(snap.waitStart).Truncate(time.Second)
		add(u.spin.View() + " " + st.bold.Render("Waiting for the image to become active") +
			st.subtle.Render(fmt.Sprintf("  GET every %s · %s", client.UploadPollInterval, waited)))
	}
	cur := ""
	if n := len(snap.statuses); n > 0 {
		cur = snap.statuses[n-1]
	}
	add(wrapPrefix(lipgloss.NewStyle(), st.label.Render("status  "), statusTrail(snap.statuses)+" · "+client.StatusMeaning(cur), cw)...)
	blank()
	hint := "esc or ctrl+c cancels the upload and returns to the image; it stays queued and can take the file again."
	if snap.phase == phaseWaiting {
		hint = "esc or ctrl+c stops waiting and returns to the image (the file is sent; its checksum is then not checked)."
	}
	add(renderLines(st.subtle, wrapText(hint, cw)))
	for i, l := range lines {
		lines[i] = ansi.Truncate(l, cw, "…")
	}
	return indent(strings.Join(lines, "\n"))
}

func (u *uploadPage) keys() []key.Binding {
	if u.snap.phase == phaseWaiting {
		return []key.Binding{keyStopWait}
	}
	return []key.Binding{keyCancelUpload}
}

// ---------------------------------------------------------------- failed

// uploadErrorPage says how an upload went wrong: checksum mismatch, the
// image killed, the PUT refused or cut, the wait run out.
type uploadErrorPage struct {
	content string
	vp      viewport.Model
}

func newUploadErrorPage(m *model, o uploadOutcome, path string) uploadErrorPage {
	e := uploadErrorPage{content: uploadErrorContent(m.c, o, path, m.upload.imageID, false), vp: viewport.New(0, 0)}
	e.layout(m)
	return e
}

func (e *uploadErrorPage) layout(m *model) {
	e.vp.Width = m.c.contentWidth()
	e.vp.Height = max(m.c.bodyHeight()-1, 1)
	e.vp.SetContent(e.content)
}

func (e *uploadErrorPage) view(*model) string { return indent(e.vp.View()) }

func (m *model) uploadFailedKey(k tea.KeyMsg) (tea.Model, tea.Cmd) {
	switch k.String() {
	case "esc", "b":
		m.page = pageResult
		m.result.banner = []notice{{text: "The upload failed: " + client.Inert(m.uploadFailure.Err.Error())}}
		m.result.layout(m)
		m.result.vp.GotoTop()
		return m, nil
	case "q":
		return m.finish(m.result.res, m.uploadFailureErr())
	}
	var cmd tea.Cmd
	m.upFail.vp, cmd = m.upFail.vp.Update(k)
	return m, cmd
}

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
	if !errors.As(o.err, &ue) && !errors.As(o.err, &wt) {
		// The server's or the network's error: said to be the upload's.
		lines = append(lines, st.bold.Render("Uploading the image file failed"), "")
	}
	lines = append(lines, errorRows(c, client.Explain(o.err))...)
	lines = append(lines, "")
	if o.sent != nil {
		lines = append(lines, row("file", fmt.Sprintf("%s: %s sent in %s, MD5 %s", client.Inert(path),
			client.FormatBytes(o.sent.Bytes), o.sent.Latency.Round(time.Millisecond), o.sent.MD5)))
		if o.sent.RequestID != "" {
			lines = append(lines, row("request id", client.Inert(o.sent.RequestID)))
		}
	} else {
		lines = append(lines, row("file", fmt.Sprintf("%s: %s of %s sent", client.Inert(path),
			client.FormatBytes(o.snap.progress.Sent), client.FormatBytes(o.snap.progress.Total))))
	}
	switch {
	case o.sent != nil && o.final != nil && o.final.Image != nil && o.afterErr == nil:
		st := o.final.Image.Status
		lines = append(lines, row("image", fmt.Sprintf("%s: %s", client.Inert(st), client.StatusMeaning(st))))
	default:
		lines = append(lines, row("afterwards", afterText(id, o.final, o.afterErr)))
	}
	out := dropBlankRuns(lines)
	if !plain {
		out = append(out, "", renderLines(st.subtle, wrapText("esc goes back to the image, q quits (the upload's error is returned).", cw)))
	}
	return strings.Join(out, "\n")
}
