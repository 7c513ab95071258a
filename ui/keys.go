package ui

import (
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/huh"
	"github.com/ims-wizard/ims-wizard/client/l10n"
)

// keyMap is every binding of the wizard's own pages, with its help in the
// interface language. Pages match keys with key.Matches on these bindings
// and draw their footers from the same ones, and the README's key table is
// compared with them (TestREADMEKeyTable): help, behaviour and documentation
// cannot disagree. A binding whose help key is empty is honoured but not
// drawn (it shares a line of help with another, e.g. ↓ with ↑).
type keyMap struct {
	Quit key.Binding // everywhere; while a request runs it cancels it instead

	// Form steps (the fields' own keys are huh's, see huhKeyMap).
	Back         key.Binding // shift+tab: previous field (the previous step from the first); esc: the previous step
	BackShiftTab key.Binding // the same while esc belongs to a list's filter

	// Lists: the OS and disk-format lists of the steps (listKeyMap).

	// Choices (the review's buttons, the resume and look-up lists).
	Select      key.Binding
	ChoiceLeft  key.Binding
	ChoiceRight key.Binding
	Up, Down    key.Binding
	Scroll      key.Binding // ↑/↓ pgup/pgdn in a scrolled view (help only: the viewport's own keys)
	PageScroll  key.Binding

	// Review.
	Submit     key.Binding
	EditStep   key.Binding
	Jump       key.Binding
	ReviewBack key.Binding
	CloseList  key.Binding
	CopyCurl   key.Binding
	SaveCurl   key.Binding
	// Cancel in the review asks first.
	ConfirmQuit key.Binding
	StayHere    key.Binding

	CancelRequest key.Binding // submitting

	// Result.
	CopyID   key.Binding
	Raw      key.Binding
	Card     key.Binding
	Upload   key.Binding
	Another  key.Binding
	QuitQ    key.Binding
	EditErr  key.Binding
	Retry    key.Binding
	LookUp   key.Binding
	LookBack key.Binding

	// Choosing the file to upload.
	FileUp       key.Binding
	FileDown     key.Binding
	FilePageUp   key.Binding
	FilePageDown key.Binding
	FileOpen     key.Binding
	FileParent   key.Binding
	FileType     key.Binding
	FileBack     key.Binding
	FileTop      key.Binding
	FileBottom   key.Binding
	PathUpload   key.Binding
	PathComplete key.Binding
	PathList     key.Binding
	CancelCheck  key.Binding
	CancelUpload key.Binding
	StopWaiting  key.Binding
	BackToImage  key.Binding
}

func newKeyMap(loc *l10n.Localizer) *keyMap {
	b := func(keys []string, helpKey, helpID string) key.Binding {
		if helpID == "" {
			return key.NewBinding(key.WithKeys(keys...), key.WithHelp(helpKey, ""))
		}
		return key.NewBinding(key.WithKeys(keys...), key.WithHelp(helpKey, loc.T(helpID)))
	}
	k := func(s ...string) []string { return s }
	return &keyMap{
		Quit:         b(k("ctrl+c"), "ctrl+c", "ui.key.quit"),
		Back:         b(k("shift+tab", "esc"), "shift+tab/esc", "ui.key.back"),
		BackShiftTab: b(k("shift+tab"), "shift+tab", "ui.key.back"),

		Select:      b(k("enter"), "enter", "ui.key.select"),
		ChoiceLeft:  b(k("left"), "←/→", "ui.key.choose"),
		ChoiceRight: b(k("right", "tab"), "", ""),
		Up:          b(k("up", "k", "shift+tab"), "↑/↓", "ui.key.move"),
		Down:        b(k("down", "j", "tab"), "", ""),
		Scroll:      b(k("up", "down", "k", "j", "pgup", "pgdown", "ctrl+u", "ctrl+d"), "↑/↓", "ui.key.scroll"),
		PageScroll:  b(k("pgup", "pgdown"), "pgup/pgdn", "ui.key.scroll"),

		Submit:      b(k("s"), "s", "ui.key.submit"),
		EditStep:    b(k("e"), "e", "ui.key.edit_step"),
		Jump:        b(k("1", "2", "3", "4", "5"), "1–5", "ui.key.jump"),
		ReviewBack:  b(k("esc", "shift+tab"), "esc", "ui.key.back"),
		CloseList:   b(k("esc"), "esc", "ui.key.close_list"),
		CopyCurl:    b(k("y"), "y", "ui.key.copy_curl"),
		SaveCurl:    b(k("w"), "w", "ui.key.save_curl"),
		ConfirmQuit: b(k("q", "enter"), "q/enter", "ui.key.confirm_quit"),
		StayHere:    b(k("esc", "n"), "esc", "ui.key.stay"),

		CancelRequest: b(k("esc", "ctrl+c"), "esc/ctrl+c", "ui.key.cancel_request"),

		CopyID:   b(k("c"), "c", "ui.key.copy_id"),
		Raw:      b(k("r"), "r", "ui.key.raw"),
		Card:     b(k("r"), "r", "ui.key.card"),
		Upload:   b(k("u"), "u", "ui.key.upload"),
		Another:  b(k("n"), "n", "ui.key.another"),
		QuitQ:    b(k("q"), "q", "ui.key.quit"),
		EditErr:  b(k("e"), "e", "ui.key.edit_answers"),
		Retry:    b(k("r"), "r", "ui.key.retry"),
		LookUp:   b(k("r"), "r", "ui.key.look_up"),
		LookBack: b(k("esc"), "esc", "ui.key.back_send_nothing"),

		FileUp:       b(k("up", "k", "ctrl+p"), "↑/↓", "ui.key.move"),
		FileDown:     b(k("down", "j", "ctrl+n"), "", ""),
		FilePageUp:   b(k("pgup", "ctrl+u"), "pgup/pgdn", "ui.key.page"),
		FilePageDown: b(k("pgdown", "ctrl+d"), "", ""),
		FileOpen:     b(k("enter", "right", "l"), "enter", "ui.key.choose"),
		FileParent:   b(k("left", "backspace", "h"), "←", "ui.key.parent"),
		FileType:     b(k("tab", "/", "~"), "tab", "ui.key.type_path"),
		FileBack:     b(k("esc"), "esc", "ui.key.back"),
		FileTop:      b(k("home", "g"), "g/home", "ui.key.first"),
		FileBottom:   b(k("end", "G"), "G/end", "ui.key.last"),
		PathUpload:   b(k("enter"), "enter", "ui.key.upload_path"),
		PathList:     b(k("esc"), "esc", "ui.key.list"),
		PathComplete: b(k("tab"), "tab", "ui.key.complete_path"),
		CancelCheck:  b(k("esc"), "esc", "ui.key.cancel_check"),
		CancelUpload: b(k("esc", "ctrl+c"), "esc/ctrl+c", "ui.key.cancel_upload"),
		StopWaiting:  b(k("esc", "ctrl+c"), "esc/ctrl+c", "ui.key.stop_waiting"),
		BackToImage:  b(k("esc", "b"), "esc", "ui.key.back_to_image"),
	}
}

// listKeyMap are the keys of the wizard's list field (the OS and
// disk-format lists).
type listKeyMap struct {
	Up, Down         key.Binding
	PageUp, PageDown key.Binding
	Top, Bottom      key.Binding
	Filter           key.Binding
	EndFilter        key.Binding
	ClearFilter      key.Binding
	Next, Prev       key.Binding
}

func newListKeyMap(loc *l10n.Localizer) listKeyMap {
	return listKeyMap{
		Up:          key.NewBinding(key.WithKeys("up", "k", "ctrl+k", "ctrl+p"), key.WithHelp("↑/↓", loc.T("ui.key.move"))),
		Down:        key.NewBinding(key.WithKeys("down", "j", "ctrl+j", "ctrl+n"), key.WithHelp("", "")),
		PageUp:      key.NewBinding(key.WithKeys("pgup", "ctrl+u"), key.WithHelp("pgup/ctrl+u", loc.T("ui.key.page_up"))),
		PageDown:    key.NewBinding(key.WithKeys("pgdown", "ctrl+d"), key.WithHelp("pgdn/ctrl+d", loc.T("ui.key.page_down"))),
		Top:         key.NewBinding(key.WithKeys("home", "g"), key.WithHelp("g/home", loc.T("ui.key.first"))),
		Bottom:      key.NewBinding(key.WithKeys("end", "G"), key.WithHelp("G/end", loc.T("ui.key.last"))),
		Filter:      key.NewBinding(key.WithKeys("/"), key.WithHelp("/", loc.T("ui.key.filter"))),
		EndFilter:   key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", loc.T("ui.key.end_filter"))),
		ClearFilter: key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", loc.T("ui.key.clear_filter"))),
		Next:        key.NewBinding(key.WithKeys("enter", "tab"), key.WithHelp("enter", loc.T("ui.key.next"))),
		Prev:        key.NewBinding(key.WithKeys("shift+tab"), key.WithHelp("", "")),
	}
}

// huhKeyMap is huh's keymap for the steps' fields, with its help in the
// interface language: ctrl+c is the wizard's (it never reaches a form),
// shift+tab is drawn once by the wizard's Back, and the tags field opens no
// external editor.
func huhKeyMap(loc *l10n.Localizer) *huh.KeyMap {
	km := huh.NewDefaultKeyMap()
	km.Quit.SetEnabled(false)
	next := loc.T("ui.key.next")
	km.Input.Next.SetHelp("enter", next)
	km.Input.Submit.SetHelp("enter", next)
	km.Input.Prev.SetHelp("", "")
	km.Input.AcceptSuggestion.SetHelp("ctrl+e", loc.T("ui.key.complete"))
	km.Text.Next.SetHelp("enter/tab", next)
	km.Text.Submit.SetHelp("enter/tab", next)
	km.Text.Prev.SetHelp("", "")
	km.Text.NewLine.SetHelp("ctrl+j", loc.T("ui.key.new_line"))
	km.Text.Editor.SetEnabled(false)
	km.Confirm.Toggle.SetHelp(loc.T("ui.key.confirm_keys"), loc.T("ui.key.choose"))
	if loc.Lang() == l10n.Spanish { // sí / no
		km.Confirm.Accept.SetKeys("s", "S", "y", "Y")
	}
	km.Confirm.Next.SetHelp("enter", next)
	km.Confirm.Submit.SetHelp("enter", next)
	km.Confirm.Prev.SetHelp("", "")
	km.Confirm.Accept.SetHelp("", "")
	km.Confirm.Reject.SetHelp("", "")
	return km
}
