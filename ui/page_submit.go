package ui

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/spinner"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/ims-wizard/ims-wizard/client"
)

// submitPage sends the request and shows it in flight; the answer arrives
// at the wizard as createdMsg or failedMsg (the wizard records outcomes,
// even of a request the user has left). Esc cancels it: requestCancelledMsg.
type submitPage struct {
	c       *common
	spin    spinner.Model
	start   time.Time // for the elapsed time
	sentAt  time.Time // the session's clock, said on the screen
	ctx     context.Context
	cancel  context.CancelFunc
	seq     int
	attempt int // 1 for the review's Submit, then each retry
	req     client.Request
	note    string // said while in flight (why it is sent again)
	// answer gets the create's answer (createdMsg or failedMsg) as well as
	// the program: when the program ends with the create in flight (a
	// signal), Run reads it there.
	answer chan tea.Msg
}

func newSubmitPage(c *common, req client.Request, note string, seq, attempt int) *submitPage {
	ctx, cancel := context.WithCancel(c.ctx)
	return &submitPage{
		c:       c,
		spin:    spinner.New(spinner.WithSpinner(spinner.MiniDot), spinner.WithStyle(c.st.accent)),
		start:   time.Now(),
		ctx:     ctx,
		cancel:  cancel,
		seq:     seq,
		attempt: attempt,
		req:     req,
		note:    note,
		answer:  make(chan tea.Msg, 1),
	}
}

// send is the command that sends the request, and the spinner's first tick.
func (s *submitPage) send() tea.Cmd {
	creator, seq, req, answer, ctx := s.c.opts.Creator, s.seq, s.req, s.answer, s.ctx
	send := func() tea.Msg {
		var msg tea.Msg
		if res, err := checkCreated(creator.Create(ctx, req)); err != nil {
			msg = failedMsg{seq: seq, name: req.Name, err: err}
		} else {
			msg = createdMsg{seq: seq, name: req.Name, result: res}
		}
		answer <- msg // never blocks: one answer, room for one
		return msg
	}
	return tea.Batch(send, s.spin.Tick)
}

func (s *submitPage) busy() bool { return true }

func (s *submitPage) update(msg tea.Msg) (tea.Cmd, tea.Msg) {
	switch msg := msg.(type) {
	case spinner.TickMsg:
		var cmd tea.Cmd
		s.spin, cmd = s.spin.Update(msg)
		return cmd, nil
	case tea.KeyMsg:
		if key.Matches(msg, s.c.keys.CancelRequest) {
			s.cancel()
			return nil, requestCancelledMsg{req: s.req}
		}
	}
	return nil, nil
}

func (s *submitPage) resize() tea.Cmd { return nil }

func (s *submitPage) status() string { return progressDots(s.c, reviewNumber) }

func (s *submitPage) keys() []key.Binding { return []key.Binding{s.c.keys.CancelRequest} }

func (s *submitPage) view() string {
	c := s.c
	st := c.st
	elapsed := time.Since(s.start).Truncate(100 * time.Millisecond)
	endpoint := strings.TrimRight(c.opts.Target.Endpoint, "/")
	lines := []string{
		st.stepTitle.Render(c.T("ui.submit.title")),
		"",
		s.spin.View() + " " + st.bold.Render(c.T("ui.submit.creating")) + st.subtle.Render(fmt.Sprintf("  %.1fs", elapsed.Seconds())),
		"",
		st.label.Render("POST ") + client.Inert(endpoint) + "/v2/images",
		st.label.Render(client.FieldName+" ") + client.Inert(s.req.Name),
		st.subtle.Render(attemptText(c, s.attempt, s.sentAt)),
		"",
	}
	if s.note != "" {
		lines = append(lines, renderLines(st.subtle, wrapText(s.note, c.contentWidth())), "")
	}
	lines = append(lines, st.subtle.Render(c.T("ui.submit.hint")))
	return indent(strings.Join(lines, "\n"))
}

// sentAs is when a request was sent and which attempt it was, so that a
// retry does not redraw an identical screen.
type sentAs struct {
	attempt int
	at      time.Time
	took    time.Duration // until the answer (or the error)
}

// attemptText is "sent at 21:04:05", with the attempt's number from the
// second on.
func attemptText(c *common, attempt int, at time.Time) string {
	clock := at.Format("15:04:05")
	if attempt > 1 {
		return c.T("ui.submit.attempt_n", map[string]any{"N": attempt, "Clock": clock})
	}
	return c.T("ui.submit.sent_at", map[string]any{"Clock": clock})
}
