package ui

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/progress"
	"github.com/charmbracelet/bubbles/spinner"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"
	"github.com/ims-wizard/ims-wizard/client"
)

// uploadPage shows an upload in flight: the progress bar with bytes, rate
// and ETA, then the image's status live until active or killed. The
// upload's end reaches the wizard as uploadEndedMsg, also after the user
// left the page (esc: uploadLeftMsg).
type uploadPage struct {
	c       *common
	seq     int
	job     *uploadJob
	image   *client.Image
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
	// uploadEndedMsg: the upload is over, however it ended.
	uploadEndedMsg struct {
		seq int
		out uploadOutcome
	}
)

func newUploadPage(c *common, img *client.Image, check *client.UploadCheck, seq int) *uploadPage {
	job := newUploadJob(c.opts.Uploader, check)
	fill := colOK.Light
	if c.r.HasDarkBackground() {
		fill = colOK.Dark
	}
	u := &uploadPage{
		c: c, seq: seq, job: job, image: img, running: true, snap: job.snapshot(),
		bar:  progress.New(progress.WithSolidFill(fill), progress.WithoutPercentage(), progress.WithColorProfile(c.r.ColorProfile())),
		spin: spinner.New(spinner.WithSpinner(spinner.MiniDot), spinner.WithStyle(c.st.accent)),
	}
	u.resize()
	return u
}

// start sends the checked file and watches the image; the job's news
// arrive as uploadTickMsg, its end as uploadEndedMsg.
func (u *uploadPage) start() tea.Cmd {
	ctx, cancel := context.WithCancel(u.c.ctx)
	u.cancel = cancel
	seq, job := u.seq, u.job
	run := func() tea.Msg { return uploadEndedMsg{seq: seq, out: job.run(ctx)} }
	return tea.Batch(run, listenUpload(seq, job), u.spin.Tick)
}

// listenUpload waits on the job's goroutine side for news and brings a
// snapshot to the program as a message; the wizard is never touched from
// the client's callbacks.
func listenUpload(seq int, job *uploadJob) tea.Cmd {
	return func() tea.Msg {
		if !job.next() {
			return nil // ended: uploadEndedMsg carries the rest
		}
		return uploadTickMsg{seq: seq, snap: job.snapshot()}
	}
}

func (u *uploadPage) busy() bool { return true }

func (u *uploadPage) update(msg tea.Msg) (tea.Cmd, tea.Msg) {
	switch msg := msg.(type) {
	case uploadTickMsg:
		if msg.seq != u.seq || !u.running {
			return nil, nil
		}
		u.snap = msg.snap
		return listenUpload(u.seq, u.job), nil
	case spinner.TickMsg:
		var cmd tea.Cmd
		u.spin, cmd = u.spin.Update(msg)
		return cmd, nil
	case tea.KeyMsg:
		km := u.c.keys
		if !key.Matches(msg, km.CancelUpload) {
			return nil, nil
		}
		// Cancel the upload (or the wait) and go back to the image; the
		// result view says what GET tells of it once the upload returned.
		u.cancel()
		u.stopped = true
		what := u.c.T("ui.upload.cancelling", map[string]any{"Sent": client.FormatBytes(u.snap.progress.Sent), "Total": client.FormatBytes(u.snap.progress.Total)})
		if u.snap.phase == client.PhaseWaiting {
			what = u.c.T("ui.upload.stopping_wait")
		}
		return nil, uploadLeftMsg{banner: what + " " + u.c.T("ui.upload.reading_status")}
	}
	return nil, nil
}

func (u *uploadPage) resize() tea.Cmd {
	u.bar.Width = clampInt(u.c.contentWidth()-6, 10, 60)
	return nil
}

func (u *uploadPage) status() string { return u.c.st.accent.Render(u.c.T("ui.upload.status")) }

func (u *uploadPage) keys() []key.Binding {
	if u.snap.phase == client.PhaseWaiting {
		return []key.Binding{u.c.keys.StopWaiting}
	}
	return []key.Binding{u.c.keys.CancelUpload}
}

func (u *uploadPage) view() string {
	c := u.c
	st, cw := c.st, c.contentWidth()
	snap := u.snap
	p := snap.progress
	img := u.image
	endpoint := strings.TrimRight(c.opts.Target.Endpoint, "/")
	// On a short terminal the blank lines go first, then the URL, the file
	// and image line, the hint (the footer says the keys too): the bar and
	// the status stay.
	var lines []string
	const (
		kept = iota
		spacing
		url
		about // the file and the image: the header says the upload is on
	)
	var kinds []int
	addAs := func(kind int, ls ...string) {
		for _, l := range ls {
			for _, part := range strings.Split(l, "\n") {
				lines, kinds = append(lines, part), append(kinds, kind)
			}
		}
	}
	add := func(ls ...string) { addAs(kept, ls...) }
	blank := func() { addAs(spacing, "") }
	add(st.stepTitle.Render(c.T("ui.upload.title")))
	blank()
	// Wrapped at blanks, never cut: the id and the URL are what one copies.
	addAs(about, renderLines(st.subtle, wrapText(client.Inert(filepath.Base(u.job.check.Path))+"  "+c.T("ui.upload.to_image", map[string]any{
		"Size": client.FormatBytes(u.job.check.Size), "ID": client.Inert(img.ID), "Name": fmt.Sprintf("%q", client.Inert(img.Name))}), cw)))
	addAs(url, c.kvURL("PUT", client.Inert(endpoint)+"/v2/images/"+client.Inert(img.ID)+"/file", 3, cw))
	blank()
	add(u.bar.ViewAs(p.Fraction()) + " " + fmt.Sprintf("%3.0f%%", 100*p.Fraction()))
	if snap.phase == client.PhaseSending {
		add(progressText(c.loc, p) + st.subtle.Render(fmt.Sprintf(" · %.1fs", p.Elapsed.Seconds())))
	} else if s := snap.sent; s != nil {
		add(st.ok.Render("✓ ") + wrapText(c.T("ui.upload.sent", map[string]any{"Size": client.FormatBytes(s.Bytes),
			"Took": s.Latency.Round(time.Millisecond).String(), "Rate": client.FormatBytes(int64(s.Rate())), "MD5": s.MD5}), cw-2))
	}
	blank()
	if snap.phase == client.PhaseWaiting {
		waited := time.Since(snap.waitStart).Truncate(time.Second)
		add(u.spin.View() + " " + st.bold.Render(c.T("ui.upload.waiting")))
		add(renderLines(st.subtle, wrapText(c.T("ui.upload.waiting_every", map[string]any{"Every": client.UploadPollInterval.String(), "Waited": waited.String()}), cw)))
	}
	cur := ""
	if n := len(snap.statuses); n > 0 {
		cur = snap.statuses[n-1]
	}
	add(wrapPrefix(c.r.NewStyle(), st.label.Render("status  "), statusTrail(snap.statuses)+" · "+client.StatusMeaningIn(c.loc, cur), cw)...)
	blank()
	hint := c.T("ui.upload.hint_sending")
	if snap.phase == client.PhaseWaiting {
		hint = c.T("ui.upload.hint_waiting")
	}
	hintLines := strings.Split(wrapText(hint, cw), "\n")
	for _, drop := range []int{spacing, url, about} {
		if len(lines)+len(hintLines) <= c.bodyHeight() {
			break
		}
		var keep []string
		var keepKinds []int
		for i, l := range lines {
			if kinds[i] != drop {
				keep, keepKinds = append(keep, l), append(keepKinds, kinds[i])
			}
		}
		lines, kinds = keep, keepKinds
	}
	if len(lines)+len(hintLines) <= c.bodyHeight() {
		add(renderLines(st.subtle, strings.Join(hintLines, "\n")))
	}
	for i, l := range lines {
		lines[i] = ansi.Truncate(l, cw, "…")
	}
	return indent(strings.Join(lines, "\n"))
}
