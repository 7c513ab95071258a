package ui

import (
	"fmt"
	"io"
	"strings"
	"unicode"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/huh"
	"github.com/charmbracelet/x/ansi"
)

// picker is a filterable single-choice huh field that renders only the
// options in view, so a keystroke costs the same at 20 options or 2,000
// (huh's Select renders every option on every frame, and with a fixed
// height it scrolls the cursor to the top row). It is used for the OS
// pickers; its accessible mode is huh's Select over the same options.
type picker struct {
	key, title string
	options    []pickOption
	value      *string
	validate   func(string) error

	filtered  []int // indexes into options
	cursor    int   // index into filtered
	offset    int   // first filtered row in view
	filter    []rune
	filtering bool

	focused bool
	err     error
	width   int
	height  int // total height; 0 means every option
	theme   *huh.Theme
	keymap  huh.SelectKeyMap
}

type pickOption struct {
	label, value string
	match        string // lower-cased label, for the filter
}

var _ huh.Field = (*picker)(nil)

func newPicker(k, title string, labels, values []string, value *string) *picker {
	p := &picker{key: k, title: title, value: value, validate: func(string) error { return nil }}
	p.options = make([]pickOption, len(labels))
	for i := range labels {
		p.options[i] = pickOption{label: labels[i], value: values[i], match: strings.ToLower(labels[i])}
	}
	p.applyFilter()
	for i, fi := range p.filtered {
		if p.options[fi].value == *value {
			p.cursor = i
		}
	}
	p.set()
	p.WithKeyMap(huh.NewDefaultKeyMap())
	return p
}

func (p *picker) Validate(f func(string) error) *picker { p.validate = f; return p }

// set stores the option under the cursor, as huh's Select does on every move.
func (p *picker) set() {
	if p.cursor >= 0 && p.cursor < len(p.filtered) {
		*p.value = p.options[p.filtered[p.cursor]].value
	}
}

// applyFilter keeps the option under the cursor when it still matches, and
// otherwise moves to the first match.
func (p *picker) applyFilter() {
	current := -1
	if p.cursor >= 0 && p.cursor < len(p.filtered) {
		current = p.filtered[p.cursor]
	} else {
		for i, o := range p.options {
			if o.value == *p.value {
				current = i
			}
		}
	}
	f := strings.ToLower(string(p.filter))
	p.filtered = p.filtered[:0]
	p.cursor = 0
	for i, o := range p.options {
		if f == "" || strings.Contains(o.match, f) {
			if i == current {
				p.cursor = len(p.filtered)
			}
			p.filtered = append(p.filtered, i)
		}
	}
}

// rows is the number of option rows in view.
func (p *picker) rows() int {
	if p.height <= 0 {
		return max(len(p.options), 1)
	}
	return max(p.height-1, 1)
}

func (p *picker) scroll() {
	rows := p.rows()
	if p.cursor < p.offset {
		p.offset = p.cursor
	}
	if p.cursor >= p.offset+rows {
		p.offset = p.cursor - rows + 1
	}
	p.offset = clampInt(p.offset, 0, max(len(p.filtered)-rows, 0))
}

func (p *picker) Init() tea.Cmd { return nil }

func (p *picker) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	k, ok := msg.(tea.KeyMsg)
	if !ok {
		return p, nil
	}
	p.err = nil
	km := p.keymap
	switch {
	case p.filtering && k.Type == tea.KeyEsc:
		p.filtering = false
	case !p.filtering && k.Type == tea.KeyEsc && len(p.filter) > 0:
		p.filter = p.filter[:0]
		p.applyFilter()
	case p.filtering && k.Type == tea.KeyBackspace:
		if len(p.filter) == 0 {
			p.filtering = false
		} else {
			p.filter = p.filter[:len(p.filter)-1]
			p.applyFilter()
		}
	case p.filtering && (k.Type == tea.KeyRunes && !k.Alt || k.Type == tea.KeySpace):
		runes := k.Runes
		if k.Type == tea.KeySpace {
			runes = []rune{' '}
		}
		for _, r := range runes {
			if unicode.IsPrint(r) {
				p.filter = append(p.filter, r)
			}
		}
		p.applyFilter()
	case key.Matches(k, km.Filter):
		p.filtering = true
	case k.Type == tea.KeyRunes && len(k.Runes) > 1 && string(k.Runes[0]) == "/" && km.Filter.Enabled():
		// "/" and what follows arrived in one read (fast typing, tmux).
		p.filtering = true
		p.filter = append(p.filter, k.Runes[1:]...)
		p.applyFilter()
	case key.Matches(k, km.Up):
		if len(p.filtered) > 0 {
			p.cursor = (p.cursor - 1 + len(p.filtered)) % len(p.filtered)
		}
	case key.Matches(k, km.Down):
		if len(p.filtered) > 0 {
			p.cursor = (p.cursor + 1) % len(p.filtered)
		}
	case key.Matches(k, km.HalfPageUp), k.Type == tea.KeyPgUp:
		p.cursor = max(p.cursor-p.rows(), 0)
	case key.Matches(k, km.HalfPageDown), k.Type == tea.KeyPgDown:
		p.cursor = min(p.cursor+p.rows(), max(len(p.filtered)-1, 0))
	case key.Matches(k, km.GotoTop):
		p.cursor = 0
	case key.Matches(k, km.GotoBottom):
		p.cursor = max(len(p.filtered)-1, 0)
	case key.Matches(k, km.Prev):
		return p, huh.PrevField
	case key.Matches(k, km.Next, km.Submit):
		if len(p.filtered) == 0 {
			return p, nil
		}
		p.filtering = false
		p.set()
		if p.err = p.validate(*p.value); p.err != nil {
			return p, nil
		}
		return p, huh.NextField
	}
	p.set()
	p.scroll()
	return p, nil
}

func (p *picker) styles() *huh.FieldStyles {
	t := p.theme
	if t == nil {
		t = huh.ThemeCharm()
	}
	if p.focused {
		return &t.Focused
	}
	return &t.Blurred
}

func (p *picker) View() string {
	st := p.styles()
	inner := p.width - st.Base.GetHorizontalFrameSize()
	var b strings.Builder
	n := len(p.filtered)
	switch {
	case p.filtering || len(p.filter) > 0:
		b.WriteString(st.TextInput.Prompt.Render("/") + st.TextInput.Text.Render(string(p.filter)))
		if p.filtering {
			b.WriteString(st.TextInput.Cursor.Reverse(true).Render(" "))
		}
		b.WriteString(st.Description.Render(fmt.Sprintf("  %d of %d", n, len(p.options))))
	default:
		b.WriteString(st.Title.Render(p.title))
		if n > p.rows() {
			b.WriteString(st.Description.Render(fmt.Sprintf("  %d–%d of %d", p.offset+1, min(p.offset+p.rows(), n), n)))
		}
	}
	if p.err != nil {
		b.WriteString(st.ErrorIndicator.String())
	}
	rows := p.rows()
	selector := st.SelectSelector.String()
	pad := strings.Repeat(" ", ansi.StringWidth(selector))
	for r := 0; r < rows; r++ {
		b.WriteByte('\n')
		i := p.offset + r
		if i >= n {
			if r == 0 {
				b.WriteString(pad + st.TextInput.Placeholder.Render("no match: esc clears the filter"))
			}
			continue
		}
		label := p.options[p.filtered[i]].label
		if inner > 0 {
			label = ansi.Truncate(label, max(inner-ansi.StringWidth(selector), 1), "…")
		}
		if i == p.cursor {
			b.WriteString(selector + st.SelectedOption.Render(label))
		} else {
			b.WriteString(pad + st.UnselectedOption.Render(label))
		}
	}
	return st.Base.Width(p.width).Render(b.String())
}

func (p *picker) Focus() tea.Cmd { p.focused = true; return nil }

func (p *picker) Blur() tea.Cmd {
	p.focused = false
	p.err = p.validate(*p.value)
	return nil
}

func (p *picker) Error() error   { return p.err }
func (p *picker) Skip() bool     { return false }
func (p *picker) Zoom() bool     { return false }
func (p *picker) GetKey() string { return p.key }
func (p *picker) GetValue() any  { return *p.value }

// GetFiltering reports an open filter, as huh's Select does.
func (p *picker) GetFiltering() bool { return p.filtering }

func (p *picker) KeyBinds() []key.Binding {
	km := p.keymap
	setFilter, clearFilter := km.SetFilter, km.ClearFilter
	setFilter.SetEnabled(p.filtering)
	clearFilter.SetEnabled(!p.filtering && len(p.filter) > 0)
	filter := km.Filter
	filter.SetEnabled(!p.filtering)
	return []key.Binding{km.Up, km.Down, filter, setFilter, clearFilter, km.Prev, km.Next, km.Submit}
}

func (p *picker) Run() error { return huh.Run(p) }

// RunAccessible asks with huh's accessible Select over the same options.
func (p *picker) RunAccessible(w io.Writer, r io.Reader) error {
	opts := make([]huh.Option[string], len(p.options))
	for i, o := range p.options {
		opts[i] = huh.NewOption(o.label, o.value)
	}
	sel := huh.NewSelect[string]().Title(p.title).Options(opts...).Validate(p.validate).Value(p.value)
	if p.theme != nil {
		sel.WithTheme(p.theme)
	}
	return sel.RunAccessible(w, r)
}

func (p *picker) WithTheme(t *huh.Theme) huh.Field {
	if p.theme == nil {
		p.theme = t
	}
	return p
}

func (p *picker) WithAccessible(bool) huh.Field { return p }

func (p *picker) WithKeyMap(k *huh.KeyMap) huh.Field {
	p.keymap = k.Select
	p.keymap.Left.SetEnabled(false)
	p.keymap.Right.SetEnabled(false)
	return p
}

func (p *picker) WithWidth(w int) huh.Field { p.width = w; return p }

// WithHeight sets the total height (title and options).
func (p *picker) WithHeight(h int) huh.Field {
	p.height = h
	p.scroll()
	return p
}

func (p *picker) WithPosition(pos huh.FieldPosition) huh.Field {
	p.keymap.Prev.SetEnabled(!pos.IsFirst())
	p.keymap.Next.SetEnabled(!pos.IsLast())
	p.keymap.Submit.SetEnabled(pos.IsLast())
	return p
}
