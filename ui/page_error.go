package ui

import (
	"errors"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/viewport"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"
	"github.com/ims-wizard/ims-wizard/client"
)

// errorPage explains why a create failed (client.Explain) and offers to
// edit the answers, retry, or quit with the error.
type errorPage struct {
	c    *common
	req  client.Request // the request that failed
	err  error
	sent sentAs
	vp   viewport.Model
}

func newErrorPage(c *common, req client.Request, err error, sent sentAs) *errorPage {
	e := &errorPage{c: c, req: req, err: err, sent: sent, vp: viewport.New(0, 0)}
	e.resize()
	return e
}

func (e *errorPage) resize() tea.Cmd {
	e.vp.Width = e.c.contentWidth()
	e.vp.Height = max(e.c.bodyHeight()-1, 1)
	when := attemptText(e.c, e.sent.attempt, e.sent.at) + ", " + e.c.T("ui.error.answered_after", map[string]any{"Took": e.sent.took.Round(time.Millisecond).String()})
	e.vp.SetContent(errorContent(e.c, e.err, false) + "\n\n" + renderLines(e.c.st.subtle, wrapText(when, e.c.contentWidth())))
	return nil
}

func (e *errorPage) status() string { return e.c.st.err.Render(e.c.T("ui.error.status")) }

func (e *errorPage) keys() []key.Binding {
	km := e.c.keys
	retry := km.Retry
	if client.IsAmbiguous(e.err) {
		retry = km.LookUp
	}
	return []key.Binding{km.EditErr, retry, km.QuitQ, km.Scroll}
}

func (e *errorPage) update(msg tea.Msg) (tea.Cmd, tea.Msg) {
	k, ok := msg.(tea.KeyMsg)
	if !ok {
		return nil, nil
	}
	km := e.c.keys
	switch {
	case key.Matches(k, km.EditErr):
		return nil, editAnswersMsg{}
	case key.Matches(k, km.Retry):
		return nil, retryMsg{}
	case key.Matches(k, km.QuitQ):
		return nil, quitMsg{err: &SubmitError{Request: e.req, Err: e.err}}
	case key.Matches(k, km.Scroll):
		var cmd tea.Cmd
		e.vp, cmd = e.vp.Update(k)
		return cmd, nil
	}
	return nil, nil
}

func (e *errorPage) view() string { return indent(e.vp.View()) }

// errorContent explains an error (client.Explain, in the wizard's look),
// and says what an ambiguous outcome means. plain leaves out the TUI's key
// hints (accessible mode).
func errorContent(c *common, err error, plain bool) string {
	st := c.st
	cw := c.contentWidth()
	lines := errorRows(c, client.Explain(err, c.loc))
	if client.IsAmbiguous(err) {
		lines = append(lines, "", renderLines(st.warn, wrapText("! "+ambiguousText(c, err), cw)))
	}
	out := dropBlankRuns(lines)
	if !plain {
		hint := c.T("ui.error.hint")
		if client.IsAmbiguous(err) {
			hint = c.T("ui.error.hint_ambiguous")
		}
		out = append(out, "", renderLines(st.subtle, wrapText(hint, cw)))
	}
	return strings.Join(out, "\n")
}

// errorRows are an explained error's heading and rows, as the wizard shows
// them: every row, the summary's included (it is not shown).
func errorRows(c *common, x client.Explanation) []string {
	st := c.st
	cw := c.contentWidth()
	lines := append(wrapPrefix(st.err, "✗ ", x.Title, cw), "") // a title can be long ("No clear answer (HTTP 503): …")
	// The labels' column is as wide as the widest (they are translated).
	lw := 0
	for _, r := range x.Rows {
		lw = max(lw, ansi.StringWidth(r.Label)+1)
	}
	lw = min(lw, max(cw/3, 8))
	for _, r := range x.Rows {
		v := r.Value
		if head, rest, ok := strings.Cut(v, " · "); ok && r.Key == client.RowStatus {
			v = st.bold.Render(head) + " · " + rest // "HTTP 400" stands out
		}
		lines = append(lines, c.kv(r.Label, v, lw, cw))
	}
	return lines
}

// ambiguousText says plainly what an ambiguous outcome means.
func ambiguousText(c *common, err error) string {
	var apiErr *client.APIError
	head := c.T("ui.error.ambiguous_network")
	if errors.As(err, &apiErr) {
		head = c.T("ui.error.ambiguous_gateway", map[string]any{"Status": apiErr.StatusCode})
	}
	return head + " " + c.T("ui.error.ambiguous_retry")
}
