package ui

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/spinner"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/ims-wizard/ims-wizard/client"
)

type submitPage struct {
	spin   spinner.Model
	start  time.Time
	cancel context.CancelFunc
	seq    int
	req    client.Request
	note   string // said while in flight (why it is sent again)
	// answer gets the create's answer (createdMsg or failedMsg) as well as
	// the program: when the program ends with the create in flight (a
	// signal), Run reads it there.
	answer chan tea.Msg
}

// startSubmit validates the whole request once more (the same rules as the
// CLI) and sends it; the answer arrives as createdMsg or failedMsg. When an
// earlier create of the same name had no clear answer, it first looks for
// the image that request may have made.
func (m *model) startSubmit() tea.Cmd {
	req, ps := m.a.Request()
	ps = append(ps, req.Validate(m.c.cat)...)
	if len(ps.Errors()) > 0 {
		m.enterReview()
		return nil
	}
	if since, ok := m.unknown[req.Name]; ok {
		return m.startLookup(req, since)
	}
	return m.send(req, "")
}

// send sends req; note is said while it is in flight.
func (m *model) send(req client.Request, note string) tea.Cmd {
	m.seq++
	ctx, cancel := context.WithCancel(m.ctx)
	m.sending(req.Name)
	m.submit = submitPage{
		spin:   spinner.New(spinner.WithSpinner(spinner.MiniDot), spinner.WithStyle(m.c.st.accent)),
		start:  time.Now(),
		cancel: cancel,
		seq:    m.seq,
		req:    req,
		note:   note,
		answer: make(chan tea.Msg, 1),
	}
	m.page = pageSubmitting
	creator, seq, answer := m.c.opts.Creator, m.seq, m.submit.answer
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
	return tea.Batch(send, m.submit.spin.Tick)
}

// abandonWait is how long a run ended from outside (a signal) waits for
// the answer of a create it cancelled.
const abandonWait = 2 * time.Second

// abandonSubmit settles a create still in flight when the run ends without
// waiting for it (a signal; the program is gone): it is cancelled, and its
// answer, if it comes within wait, is taken as usual (an image is
// created; an error is recorded, unknown when ambiguous). Without an
// answer it may have been sent: its outcome is unknown.
func (m *model) abandonSubmit(wait time.Duration) {
	if m.page != pageSubmitting || m.submit.answer == nil {
		return
	}
	m.submit.cancel()
	select {
	case msg := <-m.submit.answer:
		m.update(msg)
	case <-time.After(wait):
		m.markUnknown(m.submit.req.Name)
	}
}

func (s *submitPage) tick(msg spinner.TickMsg) tea.Cmd {
	var cmd tea.Cmd
	s.spin, cmd = s.spin.Update(msg)
	return cmd
}

func (m *model) submitKey(k tea.KeyMsg) (tea.Model, tea.Cmd) {
	if k.Type != tea.KeyEsc && k.Type != tea.KeyCtrlC {
		return m, nil
	}
	m.submit.cancel()
	m.cancelledSeq = m.submit.seq
	// Until its answer says otherwise, a cancelled request may have made
	// the image: submitting the name again first looks for it.
	_, known := m.unknown[m.submit.req.Name]
	m.cancelMarked = !known
	m.markUnknown(m.submit.req.Name)
	return m, m.enterReview(notice{warn: true, text: "Request cancelled; every answer is kept. Submit again when ready."})
}

func (m *model) onCreated(msg createdMsg) (tea.Model, tea.Cmd) {
	if msg.seq != m.seq || m.page != pageSubmitting {
		if msg.seq == m.cancelledSeq && msg.result != nil && msg.result.Image != nil {
			// The answer beat the cancel: the image exists (the answers,
			// back at the review, stay in the draft).
			m.settle(msg.name, msg.result)
			if m.page == pageReview {
				m.review.notice = []notice{{warn: true, text: fmt.Sprintf(
					"The server answered before the cancel took effect: image %s was created.", client.Inert(msg.result.Image.ID))}}
				m.review.layout(m)
			}
			m.persist()
		}
		return m, nil
	}
	m.submit.cancel()
	m.ended(m.submit.req.Name, msg.result, nil)
	m.page = pageResult
	m.result = newResultPage(m, msg.result)
	return m, nil
}

func (m *model) onFailed(msg failedMsg) (tea.Model, tea.Cmd) {
	if msg.seq != m.seq || m.page != pageSubmitting {
		if msg.seq == m.cancelledSeq {
			if client.IsAmbiguous(msg.err) {
				if m.page == pageReview {
					m.review.notice = append(m.review.notice, notice{warn: true,
						text: "The request had already been sent: the image may exist. Submitting again first looks for it by name."})
					m.review.layout(m)
				}
			} else if m.cancelMarked {
				// It never left this machine: nothing can exist.
				m.forget(msg.name)
				m.persist()
			}
			m.cancelMarked = false
		}
		return m, nil
	}
	m.submit.cancel()
	m.ended(m.submit.req.Name, nil, msg.err)
	m.page = pageError
	m.failure = newErrorPage(m, msg.err)
	m.persist()
	return m, nil
}

func (s *submitPage) view(m *model) string {
	st := m.c.st
	elapsed := time.Since(s.start).Truncate(100 * time.Millisecond)
	endpoint := strings.TrimRight(m.c.opts.Target.Endpoint, "/")
	lines := []string{
		st.stepTitle.Render("Submitting"),
		"",
		s.spin.View() + " " + st.bold.Render("Creating image metadata") + st.subtle.Render(fmt.Sprintf("  %.1fs", elapsed.Seconds())),
		"",
		st.label.Render("POST ") + client.Inert(endpoint) + "/v2/images",
		st.label.Render("name ") + client.Inert(s.req.Name),
		"",
	}
	if s.note != "" {
		lines = append(lines, renderLines(st.subtle, wrapText(s.note, m.c.contentWidth())), "")
	}
	lines = append(lines,
		st.subtle.Render("esc or ctrl+c cancels the request and returns to the review; nothing you typed is lost."),
	)
	return indent(strings.Join(lines, "\n"))
}
