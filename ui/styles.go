package ui

import (
	"reflect"

	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/huh"
	"github.com/charmbracelet/lipgloss"
)

// styles are built once per wizard with the renderer of the output the UI
// draws on (stderr, normally), so colours follow that output and not
// stdout, which lipgloss's default renderer would look at.
type styles struct {
	app, subtle, accent, bold  lipgloss.Style
	ok, warn, err              lipgloss.Style
	rule                       lipgloss.Style
	stepTitle, stepCount       lipgloss.Style
	label, value, code         lipgloss.Style
	card, errCard              lipgloss.Style
	button, buttonActive       lipgloss.Style
	listItem, listItemSelected lipgloss.Style
	dotDone, dotTodo, dotNow   lipgloss.Style
	help                       help.Styles
	theme                      *huh.Theme
}

var (
	colAccent = lipgloss.AdaptiveColor{Light: "#5A56E0", Dark: "#7571F9"}
	colPink   = lipgloss.AdaptiveColor{Light: "#D2439E", Dark: "#F780E2"}
	colSubtle = lipgloss.AdaptiveColor{Light: "#767676", Dark: "#949494"}
	colFaint  = lipgloss.AdaptiveColor{Light: "#B2B2B2", Dark: "#5F5F5F"}
	colText   = lipgloss.AdaptiveColor{Light: "#1A1A1A", Dark: "#E4E4E4"}
	colOK     = lipgloss.AdaptiveColor{Light: "#02A660", Dark: "#02BF87"}
	colWarn   = lipgloss.AdaptiveColor{Light: "#B97A00", Dark: "#F5C542"}
	colErr    = lipgloss.AdaptiveColor{Light: "#D3303A", Dark: "#FF5F6D"}
	colButton = lipgloss.AdaptiveColor{Light: "#E8E8F8", Dark: "#3A3A5A"}
)

func newStyles(r *lipgloss.Renderer) *styles {
	n := r.NewStyle
	s := &styles{}
	s.app = n().Bold(true).Foreground(colPink)
	s.subtle = n().Foreground(colSubtle)
	s.accent = n().Foreground(colAccent)
	s.bold = n().Bold(true)
	s.ok = n().Foreground(colOK).Bold(true)
	s.warn = n().Foreground(colWarn)
	s.err = n().Foreground(colErr)
	s.rule = n().Foreground(colFaint)
	s.stepTitle = n().Bold(true).Foreground(colAccent)
	s.stepCount = n().Foreground(colSubtle)
	s.label = n().Foreground(colSubtle)
	s.value = n().Foreground(colText)
	s.code = n().Foreground(colText)
	s.card = n().Border(lipgloss.RoundedBorder()).BorderForeground(colOK).Padding(0, 1)
	s.errCard = n().Border(lipgloss.RoundedBorder()).BorderForeground(colErr).Padding(0, 1)
	s.button = n().Padding(0, 2).Foreground(colText).Background(colButton)
	s.buttonActive = n().Padding(0, 2).Bold(true).Foreground(lipgloss.Color("#FFFDF5")).Background(colAccent)
	s.listItem = n().PaddingLeft(2)
	s.listItemSelected = n().Foreground(colAccent).Bold(true)
	s.dotDone = n().Foreground(colAccent)
	s.dotNow = n().Foreground(colPink)
	s.dotTodo = n().Foreground(colFaint)
	s.help = help.Styles{
		ShortKey:       n().Foreground(colAccent).Bold(true),
		ShortDesc:      n().Foreground(colSubtle),
		ShortSeparator: n().Foreground(colFaint),
		Ellipsis:       n().Foreground(colFaint),
		FullKey:        n().Foreground(colAccent).Bold(true),
		FullDesc:       n().Foreground(colSubtle),
		FullSeparator:  n().Foreground(colFaint),
	}
	s.theme = themeFor(huh.ThemeCharm(), r)
	return s
}

// themeFor is a huh theme drawn with r: huh builds its themes with
// lipgloss's default renderer (stdout's profile), so every style in it is
// given r instead.
func themeFor(t *huh.Theme, r *lipgloss.Renderer) *huh.Theme {
	rebind(reflect.ValueOf(t).Elem(), r)
	return t
}

var styleType = reflect.TypeOf(lipgloss.Style{})

func rebind(v reflect.Value, r *lipgloss.Renderer) {
	switch v.Kind() {
	case reflect.Struct:
		if v.Type() == styleType {
			if v.CanSet() {
				v.Set(reflect.ValueOf(v.Interface().(lipgloss.Style).Renderer(r)))
			}
			return
		}
		for i := 0; i < v.NumField(); i++ {
			if f := v.Field(i); f.CanSet() {
				rebind(f, r)
			}
		}
	case reflect.Pointer:
		if !v.IsNil() {
			rebind(v.Elem(), r)
		}
	}
}
