package ui

import "github.com/charmbracelet/bubbles/key"

// Keys shared by the pages; each page lists the ones it honours in its
// footer (see README-keys.md).
var (
	keyQuit      = key.NewBinding(key.WithKeys("ctrl+c"), key.WithHelp("ctrl+c", "quit"))
	keyBack      = key.NewBinding(key.WithKeys("shift+tab", "esc"), key.WithHelp("shift+tab/esc", "back"))
	keyBackOnly  = key.NewBinding(key.WithKeys("shift+tab"), key.WithHelp("shift+tab", "back"))
	keyNext      = key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "next"))
	keyNextField = key.NewBinding(key.WithKeys("enter", "tab"), key.WithHelp("enter/tab", "next"))
	keyNewLine   = key.NewBinding(key.WithKeys("ctrl+j", "alt+enter"), key.WithHelp("ctrl+j", "new line"))
	keyMove      = key.NewBinding(key.WithKeys("up", "down"), key.WithHelp("↑/↓", "move"))
	keyFilter    = key.NewBinding(key.WithKeys("/"), key.WithHelp("/", "filter"))
	keyFilterEnd = key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "end filter"))
	keyToggle    = key.NewBinding(key.WithKeys("left", "right", "y", "n"), key.WithHelp("←/→ y/n", "choose"))

	keyChoose   = key.NewBinding(key.WithKeys("left", "right", "tab"), key.WithHelp("←/→", "choose"))
	keyActivate = key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "select"))
	keyJump     = key.NewBinding(key.WithKeys("1", "2", "3", "4", "5"), key.WithHelp("1–5", "edit"))
	keyScroll   = key.NewBinding(key.WithKeys("up", "down", "pgup", "pgdown"), key.WithHelp("↑/↓", "scroll"))
	keyEscBack  = key.NewBinding(key.WithKeys("esc", "shift+tab"), key.WithHelp("esc", "back"))
	keyEscClose = key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "close list"))

	keyCancelReq = key.NewBinding(key.WithKeys("esc", "ctrl+c"), key.WithHelp("esc/ctrl+c", "cancel request"))

	keyCopy    = key.NewBinding(key.WithKeys("c"), key.WithHelp("c", "copy id"))
	keyRaw     = key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "raw JSON"))
	keyAnother = key.NewBinding(key.WithKeys("n"), key.WithHelp("n", "create another"))
	keyQuitQ   = key.NewBinding(key.WithKeys("q"), key.WithHelp("q", "quit"))
	keyUpload  = key.NewBinding(key.WithKeys("u"), key.WithHelp("u", "upload"))
	keyEditErr = key.NewBinding(key.WithKeys("e"), key.WithHelp("e", "edit answers"))
	keyRetry   = key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "retry"))

	keyPageScroll   = key.NewBinding(key.WithKeys("pgup", "pgdown"), key.WithHelp("pgup/pgdn", "scroll"))
	keyLookRetry    = key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "look up, then retry"))
	keyCancelLookup = key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "back, send nothing"))

	keyPickChoose   = key.NewBinding(key.WithKeys("enter", "right"), key.WithHelp("enter", "choose"))
	keyPickUp       = key.NewBinding(key.WithKeys("left", "backspace"), key.WithHelp("←", "up"))
	keyPickType     = key.NewBinding(key.WithKeys("tab"), key.WithHelp("tab", "type path"))
	keyPickBack     = key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "back"))
	keyPathUpload   = key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "upload this file"))
	keyPathList     = key.NewBinding(key.WithKeys("tab", "esc"), key.WithHelp("tab/esc", "list"))
	keyCancelCheck  = key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "cancel check"))
	keyCancelUpload = key.NewBinding(key.WithKeys("esc", "ctrl+c"), key.WithHelp("esc/ctrl+c", "cancel upload"))
	keyStopWait     = key.NewBinding(key.WithKeys("esc", "ctrl+c"), key.WithHelp("esc/ctrl+c", "stop waiting"))
	keyBackToImage  = key.NewBinding(key.WithKeys("esc", "b"), key.WithHelp("esc", "back to the image"))
)
