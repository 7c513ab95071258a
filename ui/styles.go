package ui

import (
	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/huh"
	"github.com/charmbracelet/lipgloss"
)

// styles are built once per wizard from the default lipgloss renderer, whose
// colour profile Run sets from the output the UI draws on.
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

func newStyles() *styles {
	s := &styles{}
	s.app = lipgloss.NewStyle().Bold(true).Foreground(colPink)
	s.subtle = lipgloss.NewStyle().Foreground(colSubtle)
	s.accent = lipgloss.NewStyle().Foreground(colAccent)
	s.bold = lipgloss.NewStyle().Bold(true)
	s.ok = lipgloss.NewStyle().Foreground(colOK).Bold(true)
	s.warn = lipgloss.NewStyle().Foreground(colWarn)
	s.err = lipgloss.NewStyle().Foreground(colErr)
	s.rule = lipgloss.NewStyle().Foreground(colFaint)
	s.stepTitle = lipgloss.NewStyle().Bold(true).Foreground(colAccent)
	s.stepCount = lipgloss.NewStyle().Foreground(colSubtle)
	s.label = lipgloss.NewStyle().Foreground(colSubtle)
	s.value = lipgloss.NewStyle().Foreground(colText)
	s.code = lipgloss.NewStyle().Foreground(colText)
	s.card = lipgloss.NewStyle().Border(lipgloss.RoundedBorder()).BorderForeground(colOK).Padding(0, 1)
	s.errCard = lipgloss.NewStyle().Border(lipgloss.RoundedBorder()).BorderForeground(colErr).Padding(0, 1)
	s.button = lipgloss.NewStyle().Padding(0, 2).Foreground(colText).Background(colButton)
	s.buttonActive = lipgloss.NewStyle().Padding(0, 2).Bold(true).Foreground(lipgloss.Color("#FFFDF5")).Background(colAccent)
	s.listItem = lipgloss.NewStyle().PaddingLeft(2)
	s.listItemSelected = lipgloss.NewStyle().Foreground(colAccent).Bold(true)
	s.dotDone = lipgloss.NewStyle().Foreground(colAccent)
	s.dotNow = lipgloss.NewStyle().Foreground(colPink)
	s.dotTodo = lipgloss.NewStyle().Foreground(colFaint)
	s.help = help.New().Styles
	s.help.ShortKey = lipgloss.NewStyle().Foreground(colAccent).Bold(true)
	s.help.ShortDesc = lipgloss.NewStyle().Foreground(colSubtle)
	s.help.ShortSeparator = lipgloss.NewStyle().Foreground(colFaint)
	s.help.Ellipsis = s.help.ShortSeparator
	s.theme = huh.ThemeCharm()
	return s
}
