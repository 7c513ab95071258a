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

// errorContent explains an error: the status and its meaning, the server's
// code and message, the request id and the hint, every server string made
// inert. plain leaves out the TUI's key hints (accessible mode).
func errorContent(c *common, err error, plain bool) string {
	st := c.st
	cw := c.contentWidth()
	lines := errorRows(c, err)
	if client.IsAmbiguous(err) {
		lines = append(lines, "", renderLines(st.warn, wrapText("! "+ambiguousText(err), cw)))
	}
	var out []string
	for i, l := range lines {
		if l != "" || (i > 0 && lines[i-1] != "") {
			out = append(out, l)
		}
	}
	if !plain {
		r := "r sends the same request again"
		if client.IsAmbiguous(err) {
			r = "r first looks for the image, then offers to use it or send again"
		}
		out = append(out, "", renderLines(st.subtle, wrapText("e edits the answers (nothing is lost), "+r+", q quits.", cw)))
	}
	return strings.Join(out, "\n")
}

// errorRows are the heading and rows of an API or network error (empty
// rows are "" for the caller to drop).
func errorRows(c *common, err error) []string {
	st := c.st
	cw := c.contentWidth()
	row := func(label, value string) string {
		if value == "" {
			return ""
		}
		return c.kv(label, value, 11, cw)
	}
	var lines []string
	var apiErr *client.APIError
	var netErr *client.NetworkError
	switch {
	case errors.As(err, &apiErr):
		lines = append(lines,
			st.err.Render("✗ The server refused the request"),
			"",
			row("status", st.bold.Render(fmt.Sprintf("HTTP %d", apiErr.StatusCode))+" · "+client.Inert(apiErr.Meaning)),
			row("code", client.Inert(apiErr.Code)),
			row("message", client.InertMultiline(apiErr.Message)),
			row("request id", client.Inert(apiErr.RequestID)),
			row("request", client.Inert(apiErr.Method+" "+apiErr.URL)),
			row("hint", client.Inert(apiErr.Hint)),
		)
		if apiErr.RetryAfter != "" {
			lines = append(lines, row("retry after", client.Inert(apiErr.RetryAfter)))
		}
	case errors.As(err, &netErr):
		lines = append(lines,
			st.err.Render("✗ No answer from the server: "+string(netErr.Kind)),
			"",
			row("request", client.Inert(netErr.Method+" "+netErr.URL)),
			row("error", client.Inert(errText(netErr.Err))),
			row("hint", client.Inert(netErr.Hint)),
		)
	default:
		lines = append(lines,
			st.err.Render("✗ The request failed"),
			"",
			row("error", client.InertMultiline(err.Error())),
		)
	}
	return lines
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
