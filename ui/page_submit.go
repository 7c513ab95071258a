package ui

import (
	"context"
	"errors"
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
	now := time.Now()
	if _, ok := m.firstTry[req.Name]; !ok {
		m.firstTry[req.Name] = now
	}
	m.submit = submitPage{
		spin:   spinner.New(spinner.WithSpinner(spinner.MiniDot), spinner.WithStyle(m.c.st.accent)),
		start:  now,
		cancel: cancel,
		seq:    m.seq,
		req:    req,
		note:   note,
	}
	m.page = pageSubmitting
	creator, seq := m.c.opts.Creator, m.seq
	send := func() tea.Msg {
		res, err := creator.Create(ctx, req)
		switch {
		case err != nil:
			return failedMsg{seq: seq, name: req.Name, err: err}
		case res == nil || res.Image == nil:
			return failedMsg{seq: seq, name: req.Name, err: errors.New("the server's answer holds no image")}
		}
		return createdMsg{seq: seq, result: res}
	}
	return tea.Batch(send, m.submit.spin.Tick)
}

// markUnknown records that a create of name may have made an image.
func (m *model) markUnknown(name string) {
	if _, ok := m.unknown[name]; ok {
		return
	}
	since, ok := m.firstTry[name]
	if !ok {
		since = m.submit.start
	}
	m.unknown[name] = since
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
			// The answer beat the cancel: the image exists.
			m.lastCreated = msg.result
			m.settled(msg.result.Image.Name)
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
	m.settled(m.submit.req.Name)
	m.lastCreated = msg.result
	m.drafts.clear()
	m.initial, m.drafts.wrote = m.a, false
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
				delete(m.unknown, msg.name)
				m.persist()
			}
			m.cancelMarked = false
		}
		return m, nil
	}
	m.submit.cancel()
	if client.IsAmbiguous(msg.err) {
		m.markUnknown(m.submit.req.Name)
	}
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
