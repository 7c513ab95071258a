package factory

import (
	"context"

	"github.com/ims-wizard/ims-wizard/client"
	"github.com/ims-wizard/ims-wizard/client/l10n"
	"github.com/ims-wizard/ims-wizard/ui"
)

// Deps are what every command needs from the outside world, built once by
// cmd/root (gh's Factory): tests build their own, with a fake Wizard so that
// command tests never prompt.
type Deps struct {
	IO   *IOStreams
	Env  Env
	Conn *ConnFlags
	Loc  *l10n.Localizer // the interface language, chosen once (--lang, then the locale)
	// Version is the program's version (main's, set at build time): what
	// --version prints and User-Agent sends; "" means client.DevVersion.
	Version string
	// Interrupts routes Ctrl+C; nil in tests (it then reaches nothing).
	Interrupts *Interrupts
	Wizard     func(context.Context, ui.Options) (*client.Result, error)
}
