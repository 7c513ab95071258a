package ui

import (
	"errors"
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/viewport"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/ims-wizard/ims-wizard/client"
)

type errorPage struct {
	err error
	vp  viewport.Model
}

func newErrorPage(m *model, err error) errorPage {
	e := errorPage{err: err, vp: viewport.New(0, 0)}
	e.layout(m)
	return e
}

func (e *errorPage) layout(m *model) {
	e.vp.Width = m.c.contentWidth()
	e.vp.Height = max(m.c.bodyHeight()-1, 1)
	e.vp.SetContent(errorContent(m.c, e.err, false))
}

func (e *errorPage) keys() []key.Binding {
	retry := keyRetry
	if client.IsAmbiguous(e.err) {
		retry = keyLookRetry
	}
	return []key.Binding{keyEditErr, retry, keyQuitQ, keyScroll}
}

// errorContent explains an error (client.Explain, in the wizard's look),
// and says what an ambiguous outcome means. plain leaves out the TUI's key
// hints (accessible mode).
func errorContent(c *common, err error, plain bool) string {
	st := c.st
	cw := c.contentWidth()
	lines := errorRows(c, client.Explain(err))
	if client.IsAmbiguous(err) {
		lines = append(lines, "", renderLines(st.warn, wrapText("! "+ambiguousText(err), cw)))
	}
	out := dropBlankRuns(lines)
	if !plain {
		r := "r sends the same request again"
		if client.IsAmbiguous(err) {
			r = "r first looks for the image, then offers to use it or send again"
		}
		out = append(out, "", renderLines(st.subtle, wrapText("e edits the answers (nothing is lost), "+r+", q quits.", cw)))
	}
	return strings.Join(out, "\n")
}

// errorRows are an explained error's heading and rows, as the wizard shows
// them: every row, the summary's included (it is not shown).
func errorRows(c *common, x client.Explanation) []string {
	st := c.st
	cw := c.contentWidth()
	lines := []string{st.err.Render("✗ " + x.Title), ""}
	for _, r := range x.Rows {
		v := r.Value
		if head, rest, ok := strings.Cut(v, " · "); ok && r.Label == client.RowStatus {
			v = st.bold.Render(head) + " · " + rest // "HTTP 400" stands out
		}
		lines = append(lines, c.kv(r.Label, v, 11, cw))
	}
	return lines
}

// dropBlankRuns leaves out the blank lines that follow another.
func dropBlankRuns(lines []string) []string {
	var out []string
	for i, l := range lines {
		if l != "" || (i > 0 && lines[i-1] != "") {
			out = append(out, l)
		}
	}
	return out
}

// ambiguousText says plainly what an ambiguous outcome means.
func ambiguousText(err error) string {
	var apiErr *client.APIError
	head := "The request was sent but no answer came: the image may exist."
	if errors.As(err, &apiErr) {
		head = fmt.Sprintf("The request was sent but only a gateway answered (HTTP %d), not IMS: the image may exist.", apiErr.StatusCode)
	}
	return head + " Retrying first looks for an image of this name created since the first attempt, and offers to use it instead of creating a second one."
}

func (e *errorPage) view(m *model) string {
	return indent(e.vp.View())
}

func (m *model) errorKey(k tea.KeyMsg) (tea.Model, tea.Cmd) {
	switch k.String() {
	case "e":
		cmd := m.enterReview()
		m.review.editing = true
		return m, cmd
	case "r":
		return m, m.startSubmit()
	case "q":
		return m.finish(m.lastCreated, &SubmitError{Request: m.submit.req, Err: m.failure.err})
	}
	var cmd tea.Cmd
	m.failure.vp, cmd = m.failure.vp.Update(k)
	return m, cmd
}

func errText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}
