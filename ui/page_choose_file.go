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

// fileChooser chooses an image file: a directory listing (starting in the
// current directory) or a typed path. For an upload (image set) the chosen
// path goes through the client's CheckUpload and the format check, and a
// checked file goes up as fileChosenMsg; before the create (image nil) the
// file's header is read (client.InspectImageFile) and an accepted file goes
// up as imageFileChosenMsg. A refusal is shown here, nothing sent; esc goes
// up as chooserBackMsg.
//
// It is not bubbles' filepicker: in v1.0.0 that one panics drawing an
// entry removed after the listing (nil FileInfo), keeps the old listing
// under the new directory's name when a directory cannot be read, cannot go
// above a relative start ("."), prints file names raw (terminal controls),
// loses the cursor on resize, and binds esc and letters a path cannot then
// be typed with.
type fileChooser struct {
	c       *common
	image   *client.Image // the image the file is for; nil: the file is chosen before the create
	dir     string
	entries []fileEntry
	readErr error
	reading bool
	readSeq int
	cursor  int
	offset  int
	focus   string // after a listing arrives, the cursor goes to this name (the directory just left)

	typing     bool // the path input has the focus
	input      textinput.Model
	completing int // Tabs pressed: a completion's answer for an earlier one is dropped
	// awaiting: a Tab's completion is being computed; keys typed meanwhile
	// (Tab Enter in one go) wait in typedAhead, to act on the completed
	// path as a shell's would.
	awaiting   bool
	typedAhead []tea.KeyMsg
	candidates []string // the entries the last Tab could not choose between
	noMatch    bool     // the last Tab found no entry

	problem   error // the last check's refusal or failure
	checking  bool
	checkPath string
	checkSeq  int
	cancel    context.CancelFunc
	spin      spinner.Model
}

// fileChosenMsg: the file was checked and can be sent; dir is where the
// chooser was, to open there next time.
type fileChosenMsg struct {
	check *client.UploadCheck
	dir   string
}

// imageFileChosenMsg: the file chosen before the create, its header read.
type imageFileChosenMsg struct {
	file *client.ImageFile
	dir  string
}

// chooserBackMsg: back to where the chooser was opened from, nothing sent.
type chooserBackMsg struct{ dir string }

// problemError is a refusal that is a Problem (the file's own, before the
// create): shown in the interface language.
type problemError struct{ p client.Problem }

func (e problemError) Error() string { return e.p.Text(nil) }

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
		file  *client.ImageFile
		err   error
	}
)

// newFileChooser opens the chooser in dir (the current directory when "").
func newFileChooser(c *common, img *client.Image, dir string) (*fileChooser, tea.Cmd) {
	if dir == "" {
		dir = c.workDir()
	}
	in := textinput.New()
	in.Prompt = c.T("ui.chooser.path") + " "
	in.Placeholder = c.T("ui.chooser.path_placeholder")
	in.CharLimit = 4096
	in.Cursor.SetMode(cursor.CursorStatic) // no blink: a frame changes only when something did
	in.PromptStyle = c.st.label
	in.PlaceholderStyle = c.st.subtle
	in.TextStyle = c.r.NewStyle()
	in.Cursor.Style = c.r.NewStyle()
	in.Cursor.TextStyle = c.r.NewStyle()
	in.CompletionStyle = c.st.subtle
	p := &fileChooser{c: c, image: img, input: in}
	p.resize()
	return p, p.readDir(dir, "")
}

// readDir lists dir on a goroutine (a slow or huge directory never blocks
// the screen); focus names the entry the cursor goes to.
func (p *fileChooser) readDir(dir, focus string) tea.Cmd {
	p.readSeq++
	p.dir, p.reading, p.focus, p.readErr = filepath.Clean(dir), true, focus, nil
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
func (p *fileChooser) firstChoice() int {
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

func (p *fileChooser) onDirRead(msg dirReadMsg) {
	if msg.seq != p.readSeq {
		return
	}
	p.reading, p.entries, p.readErr = false, msg.entries, msg.err
	p.cursor, p.offset = p.firstChoice(), 0
	for i, e := range p.entries {
		if p.focus != "" && e.name == p.focus && !e.up {
			p.cursor = i
		}
	}
	p.scroll()
}

// startCheck checks path (see fileChooser); the answer arrives as checkedMsg.
func (p *fileChooser) startCheck(path string) tea.Cmd {
	if p.cancel != nil {
		p.cancel()
	}
	ctx, cancel := context.WithCancel(p.c.ctx)
	p.checkSeq++
	p.checking, p.checkPath, p.cancel, p.problem = true, path, cancel, nil
	// A new spinner: the ticks of an earlier check's are ignored.
	p.spin = spinner.New(spinner.WithSpinner(spinner.MiniDot), spinner.WithStyle(p.c.st.accent))
	seq := p.checkSeq
	if p.image == nil {
		inspect := func() tea.Msg {
			f, problem := client.InspectImageFile(path)
			if problem == nil {
				// A file this API cannot take at all (VMDK, VHDX, part of a
				// disk) is refused with how to convert it.
				problem = firstBlocking(client.CheckImageFile(path, f.Info))
			}
			if problem != nil {
				return checkedMsg{seq: seq, err: problemError{*problem}}
			}
			return checkedMsg{seq: seq, file: f}
		}
		return tea.Batch(inspect, p.spin.Tick)
	}
	up, img := p.c.opts.Uploader, p.image
	check := func() tea.Msg {
		c, err := checkUpload(ctx, up, img, path)
		return checkedMsg{seq: seq, check: c, err: err}
	}
	return tea.Batch(check, p.spin.Tick)
}

func (p *fileChooser) onChecked(msg checkedMsg) (tea.Cmd, tea.Msg) {
	if msg.seq != p.checkSeq || !p.checking {
		return nil, nil
	}
	p.checking = false
	p.cancel()
	if msg.err == nil && msg.check == nil && msg.file == nil {
		msg.err = errors.New(p.c.T("ui.chooser.check_empty"))
	}
	if msg.err != nil {
		p.problem = msg.err
		return nil, nil
	}
	p.typing = false
	p.input.Blur()
	if msg.file != nil {
		return nil, imageFileChosenMsg{file: msg.file, dir: p.dir}
	}
	return nil, fileChosenMsg{check: msg.check, dir: p.dir}
}

func (p *fileChooser) busy() bool { return false }

func (p *fileChooser) update(msg tea.Msg) (tea.Cmd, tea.Msg) {
	switch msg := msg.(type) {
	case dirReadMsg:
		p.onDirRead(msg)
		return nil, nil
	case checkedMsg:
		return p.onChecked(msg)
	case spinner.TickMsg:
		if !p.checking {
			return nil, nil
		}
		var cmd tea.Cmd
		p.spin, cmd = p.spin.Update(msg)
		return cmd, nil
	case completedMsg:
		if msg.seq != p.completing {
			return nil, nil // an earlier Tab's
		}
		if p.typing && p.input.Value() == msg.typed {
			p.input.SetValue(msg.value)
			p.input.CursorEnd()
			p.candidates, p.noMatch = msg.candidates, msg.none
		}
		p.awaiting = false
		return p.replayTypedAhead()
	case tea.KeyMsg:
		if p.awaiting {
			p.typedAhead = append(p.typedAhead, msg)
			return nil, nil
		}
		return p.key(msg)
	}
	return nil, nil
}

// replayTypedAhead handles the keys that waited for a completion, in
// order, until one starts another completion (the rest wait again) or
// leaves the page.
func (p *fileChooser) replayTypedAhead() (tea.Cmd, tea.Msg) {
	var cmds []tea.Cmd
	for len(p.typedAhead) > 0 && !p.awaiting {
		k := p.typedAhead[0]
		p.typedAhead = p.typedAhead[1:]
		cmd, up := p.key(k)
		cmds = append(cmds, cmd)
		if up != nil {
			p.typedAhead = nil
			return tea.Batch(cmds...), up
		}
	}
	return tea.Batch(cmds...), nil
}

// completedMsg is Tab's completion of typed.
type completedMsg struct {
	seq   int
	typed string
	pathCompletion
}

// complete completes the typed path on a goroutine (a huge or slow
// directory never blocks the screen).
func (p *fileChooser) complete() tea.Cmd {
	p.completing++
	p.awaiting = true
	seq, typed, dir := p.completing, p.input.Value(), p.dir
	return func() tea.Msg {
		return completedMsg{seq: seq, typed: typed, pathCompletion: completePath(typed, dir)}
	}
}

func (p *fileChooser) key(k tea.KeyMsg) (tea.Cmd, tea.Msg) {
	km := p.c.keys
	if p.checking {
		if key.Matches(k, km.CancelCheck) {
			p.cancel()
			p.checking = false
			p.problem = errCheckCancelled
		}
		return nil, nil
	}
	if p.typing {
		switch {
		case key.Matches(k, km.PathUpload):
			path := resolvePath(p.input.Value(), p.dir)
			if path == "" {
				return nil, nil
			}
			return p.startCheck(path), nil
		case key.Matches(k, km.PathComplete):
			return p.complete(), nil
		case key.Matches(k, km.PathList):
			p.typing = false
			p.input.Blur()
			p.candidates, p.noMatch = nil, false
			return nil, nil
		}
		before := p.input.Value()
		var cmd tea.Cmd
		p.input, cmd = p.input.Update(k)
		if p.input.Value() != before {
			// The path is being fixed: the refusal of the old one goes.
			p.problem, p.candidates, p.noMatch = nil, nil, false
		}
		return cmd, nil
	}
	switch {
	case key.Matches(k, km.FileBack):
		if p.cancel != nil {
			p.cancel()
		}
		return nil, chooserBackMsg{dir: p.dir}
	case key.Matches(k, km.FileType):
		// Relative to the directory shown: nothing is prefilled, so that
		// a pasted absolute path is the path.
		p.typing = true
		value := ""
		if k.String() != "tab" {
			value = k.String()
		}
		p.input.SetValue(value)
		p.input.CursorEnd()
		return p.input.Focus(), nil
	case key.Matches(k, km.FileUp):
		p.move(-1)
	case key.Matches(k, km.FileDown):
		p.move(1)
	case key.Matches(k, km.FilePageUp):
		p.move(-max(p.listHeight(), 1))
	case key.Matches(k, km.FilePageDown):
		p.move(max(p.listHeight(), 1))
	case key.Matches(k, km.FileTop):
		p.move(-len(p.entries))
	case key.Matches(k, km.FileBottom):
		p.move(len(p.entries))
	case key.Matches(k, km.FileParent):
		return p.parent(), nil
	case key.Matches(k, km.FileOpen):
		if p.reading || p.cursor >= len(p.entries) {
			return nil, nil
		}
		e := p.entries[p.cursor]
		switch {
		case e.up:
			return p.parent(), nil
		case e.dir:
			return p.readDir(filepath.Join(p.dir, e.name), ""), nil
		case k.Type == tea.KeyEnter:
			return p.startCheck(filepath.Join(p.dir, e.name)), nil
		}
	}
	return nil, nil
}

var errCheckCancelled = errors.New("check cancelled; nothing was sent")

func (p *fileChooser) parent() tea.Cmd {
	parent := filepath.Dir(p.dir)
	if parent == p.dir {
		return nil
	}
	return p.readDir(parent, filepath.Base(p.dir))
}

func (p *fileChooser) move(delta int) {
	if len(p.entries) == 0 {
		return
	}
	p.cursor = clampInt(p.cursor+delta, 0, len(p.entries)-1)
	p.scroll()
}

// scroll keeps the cursor in view at the current list height.
func (p *fileChooser) scroll() {
	h := max(p.listHeight(), 1)
	if p.cursor < p.offset {
		p.offset = p.cursor
	}
	if p.cursor >= p.offset+h {
		p.offset = p.cursor - h + 1
	}
	p.offset = clampInt(p.offset, 0, max(len(p.entries)-h, 0))
}

func (p *fileChooser) resize() tea.Cmd {
	p.input.Width = max(p.c.contentWidth()-lipgloss.Width(p.input.Prompt)-1, 10)
	p.scroll()
	return nil
}

func (p *fileChooser) status() string { return p.c.st.accent.Render(p.c.T("ui.chooser.status")) }

func (p *fileChooser) keys() []key.Binding {
	km := p.c.keys
	switch {
	case p.checking:
		return []key.Binding{km.CancelCheck, km.Quit}
	case p.typing:
		return []key.Binding{km.PathUpload, km.PathComplete, km.PathList, km.Quit}
	}
	return []key.Binding{km.FileUp, km.FileDown, km.FileOpen, km.FileParent, km.FileType, km.FileBack, km.Quit}
}

// head is everything above the listing; the listing takes the rest. On a
// short terminal the blank lines and the image line go first, and the
// refusal is cut to leave the path and a line of the listing in view.
func (p *fileChooser) head() []string {
	c := p.c
	st, cw, bh := c.st, c.contentWidth(), c.bodyHeight()
	roomy := bh >= 14
	img := p.image
	title, sub := c.T("ui.chooser.title"), c.T("ui.chooser.before_create")
	if img != nil {
		sub = c.T("ui.chooser.to_image", map[string]any{"ID": client.Inert(img.ID), "Name": fmt.Sprintf("%q", client.Inert(img.Name))})
	} else {
		title = c.T("ui.chooser.title_before")
	}
	lines := []string{st.stepTitle.Render(title)}
	if roomy {
		lines = append(lines, ansi.Truncate(st.subtle.Render(sub), cw, "…"))
	}
	if p.problem != nil {
		if roomy {
			lines = append(lines, "")
		}
		problem := refusalLines(c, p.problem, cw)
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
		lines = append(lines, p.spin.View()+" "+ansi.Truncate(c.T("ui.chooser.checking", map[string]any{"Path": client.Inert(p.checkPath)}), cw-2, "…"))
	case p.typing:
		lines = append(lines, p.input.View())
		switch {
		case p.noMatch:
			lines = append(lines, st.subtle.Render(c.T("ui.chooser.no_match")))
		case len(p.candidates) > 0:
			lines = append(lines, p.candidateLines(cw, roomy)...)
		}
	default:
		lines = append(lines, st.label.Render(c.T("ui.chooser.path")+" ")+st.subtle.Render(c.T("ui.chooser.path_hint")))
	}
	if roomy {
		lines = append(lines, "")
	}
	lines = append(lines, st.bold.Render(truncateLeft(client.Inert(p.dir), cw)))
	if p.readErr != nil {
		lines = append(lines, wrapPrefix(st.warn, "! ", c.T("ui.chooser.read_partly", map[string]any{"Error": client.Inert(p.readErr.Error())}), cw)...)
	}
	return lines
}

func (p *fileChooser) listHeight() int {
	return p.c.bodyHeight() - len(p.head())
}

func (p *fileChooser) view() string {
	lines := p.head()
	h := p.c.bodyHeight() - len(lines)
	st, cw := p.c.st, p.c.contentWidth()
	switch {
	case p.reading && len(p.entries) == 0:
		lines = append(lines, st.subtle.Render(p.c.T("ui.chooser.reading")))
	case len(p.entries) == 0:
		lines = append(lines, st.subtle.Render(p.c.T("ui.chooser.empty")))
	}
	offset := clampInt(p.offset, 0, max(len(p.entries)-max(h, 1), 0))
	for i := offset; i < len(p.entries) && i < offset+h; i++ {
		lines = append(lines, p.row(p.entries[i], i == p.cursor, cw))
	}
	for i, l := range lines {
		lines[i] = ansi.Truncate(l, cw, "…")
	}
	return indent(strings.Join(lines, "\n"))
}

// row is one entry: name (inert), then its size or kind at the right.
func (p *fileChooser) row(e fileEntry, selected bool, cw int) string {
	c := p.c
	st := c.st
	name := client.Inert(e.name)
	right := ""
	switch {
	case e.up:
		name, right = "..", c.T("ui.chooser.parent")
	case e.dir:
		name += string(filepath.Separator)
	case e.other != "":
		right = kindLabel(c, e.other)
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

// refusalLines explain why an upload is not sent: the check's refusal
// (message and what to do), or the failed read of the image.
func refusalLines(c *common, err error, width int) []string {
	st := c.st
	if errors.Is(err, errCheckCancelled) {
		return wrapPrefix(st.warn, "! ", c.T("ui.chooser.check_cancelled"), width)
	}
	msg, hint := refusalText(c, err)
	lines := wrapPrefix(st.err, "✗ ", c.T("ui.chooser.refused", map[string]any{"Reason": msg}), width)
	if hint != "" {
		lines = append(lines, wrapPrefix(st.subtle, "  ", c.T("ui.chooser.what_to_do", map[string]any{"Hint": hint}), width)...)
	}
	return lines
}

// refusalText is why an upload is not sent, and what to do: the check's
// refusal, or the failed read of the image (client.Explain, on one line).
func refusalText(c *common, err error) (msg, hint string) {
	var pe problemError
	if errors.As(err, &pe) {
		if pe.p.ID == "imagefile.disk_format.mismatch" {
			// The image's disk_format is fixed once created: the way on.
			return pe.p.Text(c.loc), c.T("ui.chooser.mismatch_hint")
		}
		return pe.p.Text(c.loc), ""
	}
	x := client.Explain(err, c.loc)
	msg = x.Summary
	for _, label := range []string{client.RowMessage, client.RowCause} {
		if v := x.Value(label); v != "" {
			msg += ": " + strings.Join(strings.Fields(v), " ")
		}
	}
	var ae *client.APIError
	var ne *client.NetworkError
	if errors.As(err, &ae) || errors.As(err, &ne) {
		msg = c.T("ui.chooser.read_image_failed", map[string]any{"Error": msg})
	}
	return msg, x.Value(client.RowHint)
}

// kindLabel names what a listed entry is when it is not a regular file.
func kindLabel(c *common, kind string) string {
	switch kind {
	case "pipe":
		return c.T("ui.chooser.kind.pipe")
	case "socket":
		return c.T("ui.chooser.kind.socket")
	case "device":
		return c.T("ui.chooser.kind.device")
	case "broken link":
		return c.T("ui.chooser.kind.broken_link")
	}
	return c.T("ui.chooser.kind.special")
}

// firstBlocking is the first error among ps, or nil.
func firstBlocking(ps client.Problems) *client.Problem {
	if errs := ps.Errors(); len(errs) > 0 {
		return &errs[0]
	}
	return nil
}

// candidateLines are the entries Tab could not choose between, as many
// as fit on 3 lines (1 when the terminal is short), then how many more.
func (p *fileChooser) candidateLines(cw int, roomy bool) []string {
	limit := 1
	if roomy {
		limit = 3
	}
	var lines []string
	line := ""
	for i, n := range p.candidates {
		name := client.Inert(n)
		more := p.c.T("ui.chooser.more_matches", map[string]any{"N": len(p.candidates) - i})
		next := name
		if line != "" {
			next = line + "  " + name
		}
		last := len(lines) == limit-1
		rest := i < len(p.candidates)-1
		if ansi.StringWidth(next) <= cw && (!last || !rest || ansi.StringWidth(next+"  "+more) <= cw) {
			line = next
			continue
		}
		if last {
			lines = append(lines, strings.TrimSpace(line+"  "+more))
			line = ""
			break
		}
		lines = append(lines, line)
		line = ansi.Truncate(name, cw, "…")
	}
	if line != "" {
		lines = append(lines, line)
	}
	for i, l := range lines {
		lines[i] = p.c.st.subtle.Render(l)
	}
	return lines
}
