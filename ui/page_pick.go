package ui

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/charmbracelet/bubbles/cursor"
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/spinner"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
	"github.com/ims-wizard/ims-wizard/client"
)

// pickPage chooses the image file to upload: a directory listing (starting
// in the current directory) or a typed path. The chosen path goes through
// the client's CheckUpload; a refusal is shown here, nothing sent.
//
// It is not bubbles' filepicker: in v1.0.0 that one panics drawing an
// entry removed after the listing (nil FileInfo), keeps the old listing
// under the new directory's name when a directory cannot be read, cannot go
// above a relative start ("."), prints file names raw (terminal controls),
// loses the cursor on resize, and binds esc and letters a path cannot then
// be typed with.
type pickPage struct {
	dir     string
	entries []fileEntry
	readErr error
	reading bool
	readSeq int
	cursor  int
	offset  int
	focus   string // after a listing arrives, the cursor goes to this name (the directory just left)

	typing bool // the path input has the focus
	input  textinput.Model

	problem   error // the last check's refusal or failure
	checking  bool
	checkPath string
	checkSeq  int
	cancel    context.CancelFunc
	spin      spinner.Model
}

// fileEntry is one line of the listing.
type fileEntry struct {
	name  string
	dir   bool   // a directory, or a link to one
	size  int64  // of a regular file
	other string // not a regular file: what it is, shown instead of a size
	up    bool   // "..": the parent directory
}

type (
	dirReadMsg struct {
		seq     int
		dir     string
		entries []fileEntry
		err     error
	}
	checkedMsg struct {
		seq   int
		check *client.UploadCheck
		err   error
	}
)

// enterPick opens the file picker, in the directory it was last left in
// (the current directory the first time).
func (m *model) enterPick() tea.Cmd {
	dir := m.pickDir
	if dir == "" {
		if wd, err := os.Getwd(); err == nil {
			dir = wd
		} else {
			dir = string(filepath.Separator)
		}
	}
	in := textinput.New()
	in.Prompt = "path "
	in.Placeholder = "type a path (~ and relative paths work), Enter uploads it"
	in.CharLimit = 4096
	in.Cursor.SetMode(cursor.CursorStatic) // no blink: a frame changes only when something did
	in.PromptStyle = m.c.st.label
	in.PlaceholderStyle = m.c.st.subtle
	m.pick = pickPage{input: in}
	m.page = pageUploadPick
	return m.readDir(dir, "")
}

// readDir lists dir on a goroutine (a slow or huge directory never blocks
// the screen); focus names the entry the cursor goes to.
func (m *model) readDir(dir, focus string) tea.Cmd {
	p := &m.pick
	p.readSeq++
	p.dir, p.reading, p.focus, p.readErr = filepath.Clean(dir), true, focus, nil
	m.pickDir = p.dir
	seq, d := p.readSeq, p.dir
	return func() tea.Msg {
		entries, err := listDir(d)
		return dirReadMsg{seq: seq, dir: d, entries: entries, err: err}
	}
}

// listDir reads a directory for the picker: ".." first (unless at the
// root), then directories, then files, by name; hidden entries left out.
// Entries gone since the listing are skipped; links are followed.
func listDir(dir string) ([]fileEntry, error) {
	des, err := os.ReadDir(dir) // what was read before an error is kept
	var out []fileEntry
	for _, de := range des {
		name := de.Name()
		if strings.HasPrefix(name, ".") {
			continue
		}
		info, ierr := de.Info()
		if ierr != nil {
			continue
		}
		e := fileEntry{name: name}
		if info.Mode()&os.ModeSymlink != 0 {
			target, serr := os.Stat(filepath.Join(dir, name))
			if serr != nil {
				e.other = "broken link"
				out = append(out, e)
				continue
			}
			info = target
		}
		switch mode := info.Mode(); {
		case mode.IsDir():
			e.dir = true
		case mode.IsRegular():
			e.size = info.Size()
		default:
			e.other = fileKind(mode)
		}
		out = append(out, e)
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].dir != out[j].dir {
			return out[i].dir
		}
		a, b := strings.ToLower(out[i].name), strings.ToLower(out[j].name)
		if a != b {
			return a < b
		}
		return out[i].name < out[j].name
	})
	if parent := filepath.Dir(dir); parent != dir {
		out = append([]fileEntry{{name: "..", dir: true, up: true}}, out...)
	}
	return out, err
}

func fileKind(mode os.FileMode) string {
	switch {
	case mode&os.ModeNamedPipe != 0:
		return "pipe"
	case mode&os.ModeSocket != 0:
		return "socket"
	case mode&os.ModeDevice != 0:
		return "device"
	}
	return "special"
}

// firstChoice is where the cursor starts in a listing: the first regular
// file, else the first entry that is not "..".
func (p *pickPage) firstChoice() int {
	first := -1
	for i, e := range p.entries {
		switch {
		case !e.up && !e.dir && e.other == "":
			return i
		case !e.up && first < 0:
			first = i
		}
	}
	return max(first, 0)
}

func (m *model) onDirRead(msg dirReadMsg) (tea.Model, tea.Cmd) {
	p := &m.pick
	if msg.seq != p.readSeq || m.page != pageUploadPick {
		return m, nil
	}
	p.reading, p.entries, p.readErr = false, msg.entries, msg.err
	p.cursor, p.offset = p.firstChoice(), 0
	for i, e := range p.entries {
		if p.focus != "" && e.name == p.focus && !e.up {
			p.cursor = i
		}
	}
	p.scroll(m)
	return m, nil
}

// startCheck runs CheckUpload on path; the answer arrives as checkedMsg.
func (m *model) startCheck(path string) tea.Cmd {
	p := &m.pick
	if p.cancel != nil {
		p.cancel()
	}
	ctx, cancel := context.WithCancel(m.ctx)
	p.checkSeq++
	p.checking, p.checkPath, p.cancel, p.problem = true, path, cancel, nil
	// A new spinner: the ticks of an earlier check's are ignored.
	p.spin = spinner.New(spinner.WithSpinner(spinner.MiniDot), spinner.WithStyle(m.c.st.accent))
	up, id, seq := m.c.opts.Uploader, m.result.res.Image.ID, p.checkSeq
	check := func() tea.Msg {
		c, err := up.CheckUpload(ctx, id, path)
		return checkedMsg{seq: seq, check: c, err: err}
	}
	return tea.Batch(check, p.spin.Tick)
}

func (m *model) onChecked(msg checkedMsg) (tea.Model, tea.Cmd) {
	p := &m.pick
	if msg.seq != p.checkSeq || m.page != pageUploadPick || !p.checking {
		return m, nil
	}
	p.checking = false
	p.cancel()
	if msg.err == nil && msg.check == nil {
		msg.err = errors.New("the check returned nothing")
	}
	if msg.err != nil {
		p.problem = msg.err
		return m, nil
	}
	p.typing = false
	p.input.Blur()
	return m, m.startUpload(msg.check)
}

func (m *model) pickKey(k tea.KeyMsg) (tea.Model, tea.Cmd) {
	p := &m.pick
	if p.checking {
		if k.Type == tea.KeyEsc {
			p.cancel()
			p.checking = false
			p.problem = errCheckCancelled
		}
		return m, nil
	}
	if p.typing {
		switch k.Type {
		case tea.KeyEnter:
			path := resolvePath(p.input.Value(), p.dir)
			if path == "" {
				return m, nil
			}
			return m, m.startCheck(path)
		case tea.KeyTab, tea.KeyEsc:
			p.typing = false
			p.input.Blur()
			return m, nil
		}
		var cmd tea.Cmd
		p.input, cmd = p.input.Update(k)
		return m, cmd
	}
	switch k.String() {
	case "esc":
		return m, m.leavePick()
	case "tab", "/", "~":
		p.typing = true
		value := p.dir + string(filepath.Separator)
		if p.dir == string(filepath.Separator) {
			value = p.dir
		}
		if k.String() != "tab" {
			value = k.String()
		}
		p.input.SetValue(value)
		p.input.CursorEnd()
		return m, p.input.Focus()
	case "up", "k", "ctrl+p":
		p.move(m, -1)
	case "down", "j", "ctrl+n":
		p.move(m, 1)
	case "pgup", "ctrl+u":
		p.move(m, -max(p.listHeight(m), 1))
	case "pgdown", "ctrl+d":
		p.move(m, max(p.listHeight(m), 1))
	case "home", "g":
		p.move(m, -len(p.entries))
	case "end", "G":
		p.move(m, len(p.entries))
	case "left", "backspace", "h":
		return m, m.pickParent()
	case "enter", "right", "l":
		if p.reading || p.cursor >= len(p.entries) {
			return m, nil
		}
		e := p.entries[p.cursor]
		switch {
		case e.up:
			return m, m.pickParent()
		case e.dir:
			return m, m.readDir(filepath.Join(p.dir, e.name), "")
		case k.String() == "enter":
			return m, m.startCheck(filepath.Join(p.dir, e.name))
		}
	}
	return m, nil
}

var errCheckCancelled = errors.New("check cancelled; nothing was sent")

func (m *model) pickParent() tea.Cmd {
	p := &m.pick
	parent := filepath.Dir(p.dir)
	if parent == p.dir {
		return nil
	}
	return m.readDir(parent, filepath.Base(p.dir))
}

// leavePick goes back to the result view, nothing sent.
func (m *model) leavePick() tea.Cmd {
	if m.pick.cancel != nil {
		m.pick.cancel()
	}
	m.page = pageResult
	m.result.layout(m)
	return nil
}

func (p *pickPage) move(m *model, delta int) {
	if len(p.entries) == 0 {
		return
	}
	p.cursor = clampInt(p.cursor+delta, 0, len(p.entries)-1)
	p.scroll(m)
}

// scroll keeps the cursor in view at the current list height.
func (p *pickPage) scroll(m *model) {
	h := max(p.listHeight(m), 1)
	if p.cursor < p.offset {
		p.offset = p.cursor
	}
	if p.cursor >= p.offset+h {
		p.offset = p.cursor - h + 1
	}
	p.offset = clampInt(p.offset, 0, max(len(p.entries)-h, 0))
}

func (p *pickPage) layout(m *model) {
	p.input.Width = max(m.c.contentWidth()-lipgloss.Width(p.input.Prompt)-1, 10)
	p.scroll(m)
}

func (p *pickPage) tick(msg spinner.TickMsg) tea.Cmd {
	if !p.checking {
		return nil
	}
	var cmd tea.Cmd
	p.spin, cmd = p.spin.Update(msg)
	return cmd
}

func (p *pickPage) keys() []key.Binding {
	switch {
	case p.checking:
		return []key.Binding{keyCancelCheck, keyQuit}
	case p.typing:
		return []key.Binding{keyPathUpload, keyPathList, keyQuit}
	}
	return []key.Binding{keyMove, keyPickChoose, keyPickUp, keyPickType, keyPickBack, keyQuit}
}

// head is everything above the listing; the listing takes the rest. On a
// short terminal the blank lines and the image line go first, and the
// refusal is cut to leave the path and a line of the listing in view.
func (p *pickPage) head(m *model) []string {
	st, cw, bh := m.c.st, m.c.contentWidth(), m.c.bodyHeight()
	roomy := bh >= 14
	img := m.result.res.Image
	lines := []string{st.stepTitle.Render("Upload the image file")}
	if roomy {
		lines = append(lines, ansi.Truncate(st.subtle.Render(fmt.Sprintf("to image %s %q", client.Inert(img.ID), client.Inert(img.Name))), cw, "…"))
	}
	if p.problem != nil {
		if roomy {
			lines = append(lines, "")
		}
		problem := refusalLines(m.c, p.problem, cw)
		if limit := max(bh-4, 1); !roomy && len(problem) > limit {
			problem = problem[:limit]
		}
		lines = append(lines, problem...)
	}
	if roomy {
		lines = append(lines, "")
	}
	switch {
	case p.checking:
		lines = append(lines, p.spin.View()+" "+ansi.Truncate("Checking "+client.Inert(p.checkPath)+" …", cw-2, "…"))
	case p.typing:
		lines = append(lines, p.input.View())
	default:
		lines = append(lines, st.label.Render("path ")+st.subtle.Render("(tab to type one, or choose below)"))
	}
	if roomy {
		lines = append(lines, "")
	}
	lines = append(lines, st.bold.Render(truncateLeft(client.Inert(p.dir), cw)))
	if p.readErr != nil {
		lines = append(lines, wrapPrefix(st.warn, "! ", "cannot read all of this directory: "+client.Inert(p.readErr.Error()), cw)...)
	}
	return lines
}

func (p *pickPage) listHeight(m *model) int {
	return m.c.bodyHeight() - len(p.head(m))
}

func (p *pickPage) view(m *model) string {
	lines := p.head(m)
	h := m.c.bodyHeight() - len(lines)
	st, cw := m.c.st, m.c.contentWidth()
	switch {
	case p.reading && len(p.entries) == 0:
		lines = append(lines, st.subtle.Render("reading…"))
	case len(p.entries) == 0:
		lines = append(lines, st.subtle.Render("(empty: no files to show; hidden ones are left out, tab types a path)"))
	}
	offset := clampInt(p.offset, 0, max(len(p.entries)-max(h, 1), 0))
	for i := offset; i < len(p.entries) && i < offset+h; i++ {
		lines = append(lines, p.row(m, p.entries[i], i == p.cursor, cw))
	}
	for i, l := range lines {
		lines[i] = ansi.Truncate(l, cw, "…")
	}
	return indent(strings.Join(lines, "\n"))
}

// row is one entry: name (inert), then its size or kind at the right.
func (p *pickPage) row(m *model, e fileEntry, selected bool, cw int) string {
	st := m.c.st
	name := client.Inert(e.name)
	right := ""
	switch {
	case e.up:
		name, right = "..", "parent"
	case e.dir:
		name += string(filepath.Separator)
	case e.other != "":
		right = e.other
	default:
		right = client.FormatBytes(e.size)
	}
	nameW := max(cw-2-1-max(lipgloss.Width(right), 10), 8)
	text := padRight(ansi.Truncate(name, nameW, "…"), nameW) + " " + fmt.Sprintf("%10s", right)
	switch {
	case selected:
		return st.listItemSelected.Render("> " + text)
	case e.dir:
		return "  " + st.accent.Render(text)
	case e.other != "":
		return "  " + st.subtle.Render(text)
	}
	return "  " + text
}

// truncateLeft keeps the end of a path that is too long: "…/images/2024".
func truncateLeft(s string, w int) string {
	if lipgloss.Width(s) <= w {
		return s
	}
	rs := []rune(s)
	for len(rs) > 0 && lipgloss.Width("…"+string(rs)) > w {
		rs = rs[1:]
	}
	return "…" + string(rs)
}

// refusalLines explain why an upload is not sent: the check's refusal
// (message and what to do), or the failed read of the image.
func refusalLines(c *common, err error, width int) []string {
	st := c.st
	if errors.Is(err, errCheckCancelled) {
		return wrapPrefix(st.warn, "! ", "Check cancelled; nothing was sent.", width)
	}
	msg, hint := refusalText(err)
	lines := wrapPrefix(st.err, "✗ ", msg+"; nothing was sent.", width)
	if hint != "" {
		lines = append(lines, wrapPrefix(st.subtle, "  ", "what to do: "+hint, width)...)
	}
	return lines
}

// refusalText is why an upload is not sent, and what to do: the check's
// refusal, or the failed read of the image (client.Explain, on one line).
func refusalText(err error) (msg, hint string) {
	x := client.Explain(err)
	msg = x.Summary
	for _, label := range []string{client.RowMessage, client.RowCause} {
		if v := x.Value(label); v != "" {
			msg += ": " + strings.Join(strings.Fields(v), " ")
		}
	}
	var ae *client.APIError
	var ne *client.NetworkError
	if errors.As(err, &ae) || errors.As(err, &ne) {
		msg = "reading the image failed: " + msg
	}
	return msg, x.Value(client.RowHint)
}
