package ui

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
	"github.com/ims-wizard/ims-wizard/client"
	"github.com/ims-wizard/ims-wizard/client/l10n"
)

// common is what every page shares (soft-serve's common): the terminal's
// size, the renderer of the output drawn on and the styles made with it,
// the interface language, the key bindings, the catalogue, and the options
// the wizard was started with. Pages read it; only the wizard sets the size.
type common struct {
	ctx           context.Context
	width, height int
	r             *lipgloss.Renderer
	st            *styles
	loc           *l10n.Localizer
	keys          *keyMap
	opts          Options
	cat           *client.Catalog
	menus         map[string]*osMenu // the OS lists offered, per architecture
	file          *client.ImageFile  // the image file chosen before the create (or given with --file), its header read
	out           io.Writer          // where OSC 52 goes: the terminal the UI draws on
	plain         bool               // accessible mode: no wrapping, no borders
}

func newCommon(ctx context.Context, o Options, r *lipgloss.Renderer) *common {
	cat := o.Catalog
	if cat == nil {
		cat = client.EmbeddedCatalog()
	}
	loc := o.Loc
	if loc == nil {
		loc = l10n.EnglishLocalizer()
	}
	return &common{ctx: ctx, width: 80, height: 24, r: r, st: newStyles(r), loc: loc, keys: newKeyMap(loc),
		opts: o, cat: cat, menus: map[string]*osMenu{}, file: o.ImageFile, out: o.Out}
}

// workDir is Options.Dir, else the current directory (the root when even
// that cannot be read, as a shell would show).
func (c *common) workDir() string {
	if c.opts.Dir != "" {
		if abs, err := filepath.Abs(c.opts.Dir); err == nil {
			return abs
		}
		return c.opts.Dir
	}
	if wd, err := os.Getwd(); err == nil {
		return wd
	}
	return string(filepath.Separator)
}

// problems is every finding about the answers: the client's rules (the
// CLI's), and when an image file was chosen, what it says of the disk
// format and the minimum disk (client.ImageFile.Check) and whether it can
// be uploaded to the target.
func (c *common) problems(a Answers) client.Problems {
	ps := a.Problems(c.cat)
	if c.file != nil {
		ps = append(ps, c.file.Check(a.Input())...)
		ps = append(ps, c.file.UploadProblems(c.opts.Target.Endpoint, c.opts.Auth.Kind)...)
	}
	return ps
}

// menu is the OS list offered for an architecture (the catalogue's first
// when arch is not one of its), newest releases first; built once.
func (c *common) menu(arch string) *osMenu {
	if !slices.Contains(c.cat.Arches(), arch) {
		arch = c.defaultArch()
	}
	m, ok := c.menus[arch]
	if !ok {
		m = newOSMenu(c.cat.ForArch(arch).NewestFirst(), c.loc)
		m.windows = len(windowsOf(c.cat))
		c.menus[arch] = m
	}
	return m
}

// defaultArch is x86_64 when the catalogue has it.
func (c *common) defaultArch() string {
	if arches := c.cat.Arches(); len(arches) > 0 {
		return arches[0]
	}
	return client.ArchX86
}

func windowsOf(cat *client.Catalog) []client.OSVersion {
	var out []client.OSVersion
	for _, v := range cat.Versions {
		if client.IsWindows(v) {
			out = append(out, v)
		}
	}
	return out
}

// T is a catalogue message in the interface language.
func (c *common) T(id string, args ...l10n.Args) string { return c.loc.T(id, args...) }

// Layout constants. Below 80×24 pages scroll; down to 40×12 the header
// keeps the position and the footer keeps every key's help (on two lines
// when one is too narrow).
const (
	headerHeight = 3 // two lines and a rule
	maxWidth     = 110
)

// footerHeight is the rule and the keys' lines: two lines of keys on a
// terminal narrower than 80 columns.
func (c *common) footerHeight() int {
	if c.width < 80 && !c.plain {
		return 3
	}
	return 2
}

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
	return max(c.height-headerHeight-c.footerHeight(), 3)
}

// header is the product and the page's position on the first line, where
// requests go and as whom on the second. When the first line is too narrow
// the subtitle goes first: the position stays.
func (c *common) header(right string) string {
	w := max(min(c.width, maxWidth)-2, 20)
	st := c.st
	name := st.app.Render("ims-wizard")
	left := name + st.subtle.Render("  "+c.T("ui.header.subtitle"))
	line1 := left
	if right != "" {
		switch {
		case w-lipgloss.Width(left)-lipgloss.Width(right) >= 2:
			line1 = left + strings.Repeat(" ", w-lipgloss.Width(left)-lipgloss.Width(right)) + right
		case w-lipgloss.Width(name)-lipgloss.Width(right) >= 2:
			line1 = name + strings.Repeat(" ", w-lipgloss.Width(name)-lipgloss.Width(right)) + right
		default:
			line1 = right
		}
	}
	auth := client.Inert(c.opts.Auth.Text(c.loc))
	line2 := st.label.Render(c.T("ui.header.target")+" ") + st.value.Render(client.Inert(c.opts.Target.Label)) +
		st.label.Render("   "+c.T("ui.header.credentials")+" ") + st.value.Render(auth)
	line1 = ansi.Truncate(line1, w, "…")
	line2 = ansi.Truncate(line2, w, "…")
	return indent(line1) + "\n" + indent(line2) + "\n" + c.rule()
}

func (c *common) rule() string {
	return " " + c.st.rule.Render(strings.Repeat("─", max(min(c.width, maxWidth)-2, 1)))
}

// footer is the rule and the keys' help, drawn from the bindings the page
// honours (bindings with no help key are honoured but not drawn). Items go
// on as many lines as the footer has; when they still do not fit, items
// are left out for "…" but the way out (q or ctrl+c; else the last), so
// that quitting stays in view.
func (c *common) footer(keys []key.Binding) string {
	w := max(min(c.width, maxWidth)-3, 10)
	items := c.helpItems(keys)
	out := len(items) - 1
	for i, k := range drawn(keys) {
		if slices.Contains(k.Keys(), "q") || slices.Contains(k.Keys(), "ctrl+c") {
			out = i
		}
	}
	rows := c.footerHeight() - 1
	sep := c.st.help.ShortSeparator.Inline(true).Render(" • ")
	var lines []string
	for len(items) > 0 {
		fit := 1
		for fit < len(items) && lipgloss.Width(strings.Join(items[:fit+1], sep)) <= w {
			fit++
		}
		if len(lines) == rows-1 && fit < len(items) {
			// The last line: keep the way out, drop what does not fit before it.
			last := items[len(items)-1]
			head := items[:len(items)-1]
			if out >= 0 && out < len(items) {
				last = items[out]
				head = append(append([]string{}, items[:out]...), items[out+1:]...)
			}
			ell := c.st.help.Ellipsis.Render("…")
			for len(head) > 0 && lipgloss.Width(strings.Join(append(append([]string{}, head...), ell, last), sep)) > w {
				head = head[:len(head)-1]
			}
			lines = append(lines, strings.Join(append(append(head, ell), last), sep))
			break
		}
		lines = append(lines, strings.Join(items[:fit], sep))
		items = items[fit:]
		out -= fit
	}
	for len(lines) < rows {
		lines = append(lines, "")
	}
	for i, l := range lines {
		lines[i] = indent(ansi.Truncate(l, w, "…"))
	}
	return c.rule() + "\n" + strings.Join(lines, "\n")
}

// helpLine is the keys' help on one line: "enter next • ctrl+c quit".
func (c *common) helpLine(keys []key.Binding) string {
	return strings.Join(c.helpItems(keys), c.st.help.ShortSeparator.Inline(true).Render(" • "))
}

// drawn are the bindings the footer draws: enabled, with a help key.
func drawn(keys []key.Binding) []key.Binding {
	var out []key.Binding
	for _, k := range keys {
		if k.Enabled() && k.Help().Key != "" {
			out = append(out, k)
		}
	}
	return out
}

func (c *common) helpItems(keys []key.Binding) []string {
	var items []string
	for _, k := range drawn(keys) {
		h := k.Help()
		items = append(items, c.st.help.ShortKey.Inline(true).Render(h.Key)+" "+c.st.help.ShortDesc.Inline(true).Render(h.Desc))
	}
	return items
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
		text := p.Field + ": " + p.Text(c.loc)
		if p.IsWarning() {
			out = append(out, wrapPrefix(c.st.warn, "! ", text, width)...)
		} else if showErrors {
			out = append(out, wrapPrefix(c.st.err, "✗ ", text, width)...)
		}
	}
	return out
}

// wrapPrefix word-wraps text to width with a hanging indent after prefix.
func wrapPrefix(style lipgloss.Style, prefix, text string, width int) []string {
	pw := lipgloss.Width(prefix)
	lines := strings.Split(wrapText(text, max(width-pw, 10)), "\n")
	for i, l := range lines {
		if i == 0 {
			lines[i] = style.Render(prefix + l)
		} else {
			lines[i] = style.Render(strings.Repeat(" ", pw) + l)
		}
	}
	return lines
}

// wrapText wraps plain text to width cells at spaces (x/ansi: escape
// sequences and wide characters are measured as the terminal draws them).
// A word longer than the line (a URL, a long name) gets a line of its own,
// and is cut only when it is longer than a whole line.
const nbHyphen = "\u2011"

func wrapText(text string, width int) string {
	width = max(width, 10)
	var out []string
	// x/ansi always breaks at a hyphen: ids, names and file names are
	// split there mid-token. Hidden as a non-breaking hyphen, the text
	// breaks at blanks only (a word longer than the line is cut after).
	text = strings.ReplaceAll(strings.ReplaceAll(text, "\t", "    "), "-", nbHyphen)
	for _, line := range strings.Split(strings.ReplaceAll(ansi.Wordwrap(text, width, ""), nbHyphen, "-"), "\n") {
		line = strings.TrimRight(line, " ")
		if ansi.StringWidth(line) > width {
			line = ansi.Hardwrap(line, width, false)
		}
		out = append(out, strings.Split(line, "\n")...)
	}
	for i, l := range out {
		out[i] = strings.TrimRight(l, " ")
	}
	return strings.Join(out, "\n")
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

// kvURL is kv for a URL: cut at the column (in cells, x/ansi's Hardwrap),
// not at its hyphens.
func (c *common) kvURL(label, url string, lw, width int) string {
	w := max(width-lw-1, 10)
	lines := strings.Split(ansi.Hardwrap(url, w, true), "\n")
	return c.st.label.Render(padRight(label, lw)) + " " + strings.Join(lines, "\n"+strings.Repeat(" ", lw+1))
}

// padLines pads s with empty lines to n lines.
func padLines(s string, n int) string {
	h := strings.Count(s, "\n") + 1
	if h < n {
		s += strings.Repeat("\n", n-h)
	}
	return s
}

// linesHeight is the rendered height of s.
func linesHeight(s string) int { return lipgloss.Height(s) }

func clampInt(v, lo, hi int) int { return max(lo, min(v, hi)) }

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

// truncateLeft keeps the end of s within w cells: "…/images/2024".
func truncateLeft(s string, w int) string {
	n := lipgloss.Width(s)
	if n <= w {
		return s
	}
	return ansi.TruncateLeft(s, n-w+1, "…")
}

// shellLines breaks a shell command line at blanks outside quotes, each
// line but the last ending in " \\", so that a copy of the lines runs as
// the one command; a word longer than width stays whole.
func shellLines(command string, width int) []string {
	var words []string
	var cur strings.Builder
	quoted := false
	for _, r := range command {
		switch {
		case r == '\'':
			quoted = !quoted
		case r == ' ' && !quoted:
			if cur.Len() > 0 {
				words = append(words, cur.String())
				cur.Reset()
			}
			continue
		}
		cur.WriteRune(r)
	}
	if cur.Len() > 0 {
		words = append(words, cur.String())
	}
	var lines []string
	line := ""
	for _, w := range words {
		switch {
		case line == "":
			line = w
		case ansi.StringWidth(line+" "+w+" \\") <= width:
			line += " " + w
		default:
			lines = append(lines, line+" \\")
			line = "  " + w
		}
	}
	return append(lines, line)
}
