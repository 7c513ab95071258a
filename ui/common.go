package ui

import (
	"io"
	"strings"

	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
	"github.com/ims-wizard/ims-wizard/client"
)

// common is what every page shares: the terminal size, the styles, and the
// options the wizard was started with.
type common struct {
	width, height int
	st            *styles
	opts          Options
	cat           *client.Catalog
	menu          *osMenu
	out           io.Writer // where OSC 52 goes; the terminal the UI draws on
	plain         bool      // accessible mode: no wrapping, no borders
}

// Minimum sizes the layout assumes; below them pages scroll or clip.
const (
	headerHeight = 3 // two lines and a rule
	footerHeight = 2 // a rule and the keys
	maxWidth     = 110
)

// contentWidth is the width of a page's body text; plain text (accessible
// mode) is not wrapped.
func (c *common) contentWidth() int {
	if c.plain {
		return 1 << 16
	}
	w := min(c.width, maxWidth) - 4
	return max(w, 20)
}

// bodyHeight is the number of lines between header and footer.
func (c *common) bodyHeight() int {
	return max(c.height-headerHeight-footerHeight, 3)
}

func (c *common) header(right string) string {
	w := max(min(c.width, maxWidth)-2, 20)
	st := c.st
	left := st.app.Render("ims-wizard") + st.subtle.Render("  create image metadata · POST /v2/images")
	line1 := left
	if right != "" {
		gap := w - lipgloss.Width(left) - lipgloss.Width(right)
		if gap >= 2 {
			line1 = left + strings.Repeat(" ", gap) + right
		}
	}
	auth := client.Inert(c.opts.Auth.String())
	if c.opts.Auth.Kind == "" {
		auth = string(client.AuthNone)
	}
	line2 := st.label.Render("target ") + st.value.Render(client.Inert(c.opts.Target.Label)) +
		st.label.Render("   credentials ") + st.value.Render(auth)
	line1 = ansi.Truncate(line1, w, "…")
	line2 = ansi.Truncate(line2, w, "…")
	return indent(line1) + "\n" + indent(line2) + "\n" + c.rule()
}

func (c *common) rule() string {
	return " " + c.st.rule.Render(strings.Repeat("─", max(min(c.width, maxWidth)-2, 1)))
}

func (c *common) footer(keys []key.Binding) string {
	h := help.New()
	h.Styles = c.st.help
	h.Width = max(min(c.width, maxWidth)-2, 20)
	return c.rule() + "\n" + indent(ansi.Truncate(h.ShortHelpView(keys), h.Width-1, "…"))
}

// frame lays out a page: header, body clipped or padded to the body height,
// footer. The result is exactly the terminal's height (when it has one).
func (c *common) frame(right, body string, keys []key.Binding) string {
	bh := c.bodyHeight()
	lines := strings.Split(body, "\n")
	if len(lines) > bh {
		lines = lines[:bh]
	}
	for len(lines) < bh {
		lines = append(lines, "")
	}
	w := max(c.width, 20)
	for i, l := range lines {
		if lipgloss.Width(l) > w {
			l = ansi.Truncate(l, w, "")
		}
		// Padding blanks would be copied with the text (a curl line
		// ending in "\ " no longer continues); the renderer clears
		// the rest of each line anyway.
		lines[i] = strings.TrimRight(l, " ")
	}
	return c.header(right) + "\n" + strings.Join(lines, "\n") + "\n" + c.footer(keys)
}

// indent adds the two-column margin every page uses.
func indent(s string) string {
	if s == "" {
		return s
	}
	return "  " + strings.ReplaceAll(s, "\n", "\n  ")
}

// problemLines renders problems as lines: errors with ✗, warnings with !.
func (c *common) problemLines(ps client.Problems, showErrors bool, width int) []string {
	var out []string
	for _, p := range ps {
		if p.IsWarning() {
			out = append(out, wrapPrefix(c.st.warn, "! ", p.Error(), width)...)
		} else if showErrors {
			out = append(out, wrapPrefix(c.st.err, "✗ ", p.Error(), width)...)
		}
	}
	return out
}

// wrapPrefix word-wraps text to width with a hanging indent after prefix.
func wrapPrefix(style lipgloss.Style, prefix, text string, width int) []string {
	pw := lipgloss.Width(prefix)
	wrapped := lipgloss.NewStyle().Width(max(width-pw, 10)).Render(text)
	lines := strings.Split(wrapped, "\n")
	for i, l := range lines {
		l = strings.TrimRight(l, " ")
		if i == 0 {
			lines[i] = style.Render(prefix + l)
		} else {
			lines[i] = style.Render(strings.Repeat(" ", pw) + l)
		}
	}
	return lines
}

// wrapText word-wraps plain text to width.
func wrapText(text string, width int) string {
	lines := strings.Split(lipgloss.NewStyle().Width(max(width, 10)).Render(text), "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " ")
	}
	return strings.Join(lines, "\n")
}

// kv renders "label  value" with the label in a column of width lw and the
// value wrapped under itself within width.
func (c *common) kv(label, value string, lw, width int) string {
	lines := strings.Split(wrapText(value, max(width-lw-1, 10)), "\n")
	for i := 1; i < len(lines); i++ {
		lines[i] = strings.Repeat(" ", lw+1) + lines[i]
	}
	return c.st.label.Render(padRight(label, lw)) + " " + strings.Join(lines, "\n")
}

func padRight(s string, w int) string {
	if n := lipgloss.Width(s); n < w {
		return s + strings.Repeat(" ", w-n)
	}
	return s
}

// renderLines styles each line of s on its own. lipgloss pads a multi-line
// block to its widest line; trailing blanks would break copied text (a
// curl line ending in "\ " no longer continues).
func renderLines(style lipgloss.Style, s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		if l != "" {
			lines[i] = style.Render(l)
		}
	}
	return strings.Join(lines, "\n")
}

// kvURL is kv for a URL: wrapped at the column, not at its hyphens.
func (c *common) kvURL(label, url string, lw, width int) string {
	w := max(width-lw-1, 10)
	var lines []string
	for rs := []rune(url); len(rs) > 0; {
		n := min(len(rs), w)
		lines = append(lines, string(rs[:n]))
		rs = rs[n:]
	}
	return c.st.label.Render(padRight(label, lw)) + " " + strings.Join(lines, "\n"+strings.Repeat(" ", lw+1))
}
