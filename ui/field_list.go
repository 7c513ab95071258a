package ui

import (
	"errors"
	"io"
	"strings"
	"unicode"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/huh"
	"github.com/charmbracelet/x/ansi"
	"github.com/ims-wizard/ims-wizard/client/l10n"
)

// listField is a filterable single-choice huh field that renders only the
// options in view, so a keystroke costs the same at 20 options or 2,000
// (huh's Select renders every option on every frame, and with a fixed
// height it scrolls the cursor to the top row). It is the OS lists' and the
// disk format's field; accessible mode asks the same options with a line
// prompt instead.
type listField struct {
	key, title string
	options    []listOption
	value      *string
	validate   func(string) error
	onPick     func(extra string) // told the extra of the option under the cursor, with value
	hidden     int                // options shown only by a filter

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
	keymap  listKeyMap
	loc     *l10n.Localizer
}

type listOption struct {
	label, value string
	match        string // lower-cased, what the filter matches
	extra        string // given to onPick
	hidden       bool   // shown only when a filter matches it
}

var _ huh.Field = (*listField)(nil)

func newListField(k, title string, opts []option, value *string, loc *l10n.Localizer) *listField {
	p := &listField{key: k, title: title, value: value, validate: func(string) error { return nil }, loc: loc, keymap: newListKeyMap(loc)}
	p.options = make([]listOption, len(opts))
	for i, o := range opts {
		match := o.match
		if match == "" {
			match = o.label
		}
		p.options[i] = listOption{label: o.label, value: o.value, match: strings.ToLower(match), extra: o.extra, hidden: o.hidden}
		if o.hidden {
			p.hidden++
		}
	}
	p.applyFilter()
	for i, fi := range p.filtered {
		if p.options[fi].value == *value {
			p.cursor = i
		}
	}
	p.set()
	return p
}

func (p *listField) Validate(f func(string) error) *listField { p.validate = f; return p }

// OnPick is told the extra of every option the cursor lands on.
func (p *listField) OnPick(f func(extra string)) *listField { p.onPick = f; return p }

// set stores the option under the cursor, as huh's Select does on every move.
func (p *listField) set() {
	if p.cursor >= 0 && p.cursor < len(p.filtered) {
		o := p.options[p.filtered[p.cursor]]
		*p.value = o.value
		if p.onPick != nil {
			p.onPick(o.extra)
		}
	}
}

// matchesFilter: the filter is in the option's match text; with words,
// every word is, in any order ("22 ubuntu"). Hidden options need a filter.
func matchesFilter(o listOption, filter string, words bool) bool {
	switch {
	case filter == "":
		return !o.hidden
	case !words:
		return strings.Contains(o.match, filter)
	}
	for _, w := range strings.Fields(filter) {
		if !strings.Contains(o.match, w) {
			return false
		}
	}
	return true
}

// applyFilter keeps the option under the cursor when it still matches, and
// otherwise moves to the first match.
func (p *listField) applyFilter() {
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
	// The filter as typed first; when nothing has it, its words in any order.
	f := strings.Join(strings.Fields(strings.ToLower(string(p.filter))), " ")
	for _, words := range []bool{false, true} {
		p.filtered = p.filtered[:0]
		p.cursor = 0
		for i, o := range p.options {
			if matchesFilter(o, f, words) {
				if i == current {
					p.cursor = len(p.filtered)
				}
				p.filtered = append(p.filtered, i)
			}
		}
		if len(p.filtered) > 0 || !strings.Contains(f, " ") {
			return
		}
	}
}

// rows is the number of option rows in view.
func (p *listField) rows() int {
	if p.height <= 0 {
		return max(len(p.options)-p.hidden, 1)
	}
	return max(p.height-1, 1)
}

func (p *listField) scroll() {
	rows := p.rows()
	if p.cursor < p.offset {
		p.offset = p.cursor
	}
	if p.cursor >= p.offset+rows {
		p.offset = p.cursor - rows + 1
	}
	p.offset = clampInt(p.offset, 0, max(len(p.filtered)-rows, 0))
}

func (p *listField) Init() tea.Cmd { return nil }

func (p *listField) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	k, ok := msg.(tea.KeyMsg)
	if !ok {
		return p, nil
	}
	p.err = nil
	km := p.keymap
	switch {
	case p.filtering && key.Matches(k, km.EndFilter):
		p.filtering = false
	case !p.filtering && len(p.filter) > 0 && key.Matches(k, km.ClearFilter):
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
	case k.Type == tea.KeyRunes && len(k.Runes) > 1 && string(k.Runes[0]) == "/":
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
	case key.Matches(k, km.PageUp):
		p.cursor = max(p.cursor-p.rows(), 0)
	case key.Matches(k, km.PageDown):
		p.cursor = min(p.cursor+p.rows(), max(len(p.filtered)-1, 0))
	case key.Matches(k, km.Top):
		p.cursor = 0
	case key.Matches(k, km.Bottom):
		p.cursor = max(len(p.filtered)-1, 0)
	case key.Matches(k, km.Prev):
		return p, huh.PrevField
	case key.Matches(k, km.Next):
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

func (p *listField) styles() *huh.FieldStyles {
	t := p.theme
	if t == nil {
		t = huh.ThemeCharm()
	}
	if p.focused {
		return &t.Focused
	}
	return &t.Blurred
}

func (p *listField) View() string {
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
		if p.hidden > 0 {
			b.WriteString(st.Description.Render("  " + p.loc.T("ui.list.matching", l10n.Args{"N": n})))
		} else {
			b.WriteString(st.Description.Render("  " + p.loc.T("ui.list.matches", l10n.Args{"N": n, "Total": len(p.options)})))
		}
	default:
		b.WriteString(st.Title.Render(p.title))
		if n > p.rows() {
			b.WriteString(st.Description.Render("  " + p.loc.T("ui.list.window", l10n.Args{"From": p.offset + 1, "To": min(p.offset+p.rows(), n), "Total": n})))
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
				b.WriteString(pad + st.TextInput.Placeholder.Render(p.loc.T("ui.list.no_match")))
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

func (p *listField) Focus() tea.Cmd { p.focused = true; return nil }

func (p *listField) Blur() tea.Cmd {
	p.focused = false
	p.err = p.validate(*p.value)
	return nil
}

func (p *listField) Error() error   { return p.err }
func (p *listField) Skip() bool     { return false }
func (p *listField) Zoom() bool     { return false }
func (p *listField) GetKey() string { return p.key }
func (p *listField) GetValue() any  { return *p.value }

// GetFiltering reports an open filter, as huh's Select does.
func (p *listField) GetFiltering() bool { return p.filtering }

// KeyBinds are the keys the field honours now, for the footer.
func (p *listField) KeyBinds() []key.Binding {
	km := p.keymap
	if p.filtering {
		return []key.Binding{km.Up, km.Down, km.EndFilter, km.Next}
	}
	if len(p.filter) > 0 {
		return []key.Binding{km.Up, km.Down, km.ClearFilter, km.Filter, km.Next}
	}
	return []key.Binding{km.Up, km.Down, km.Filter, km.Next}
}

// fullKeyBinds are every key of the field, for the README's table.
func (km listKeyMap) fullKeyBinds() []key.Binding {
	return []key.Binding{km.Up, km.PageUp, km.PageDown, km.Top, km.Bottom, km.Filter, km.EndFilter, km.ClearFilter, km.Next}
}

// escBusy: esc belongs to the field now (it ends or clears a filter).
func (p *listField) escBusy() bool { return p.filtering || len(p.filter) > 0 }

func (p *listField) Run() error { return errors.New("ui: the list field runs inside the wizard only") }

func (p *listField) RunAccessible(io.Writer, io.Reader) error {
	return errors.New("ui: accessible mode asks lists with its own prompt")
}

func (p *listField) WithTheme(t *huh.Theme) huh.Field {
	if p.theme == nil {
		p.theme = t
	}
	return p
}

func (p *listField) WithAccessible(bool) huh.Field { return p }

// WithKeyMap keeps the field's own keys (listKeyMap): huh's Select keys do
// not apply to it.
func (p *listField) WithKeyMap(*huh.KeyMap) huh.Field { return p }

func (p *listField) WithWidth(w int) huh.Field { p.width = w; return p }

// WithHeight sets the total height (title and options).
func (p *listField) WithHeight(h int) huh.Field {
	p.height = h
	p.scroll()
	return p
}

func (p *listField) WithPosition(pos huh.FieldPosition) huh.Field {
	p.keymap.Prev.SetEnabled(!pos.IsFirst())
	return p
}
