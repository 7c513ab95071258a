package upload

import (
	"fmt"
	"time"

	"github.com/ims-wizard/ims-wizard/client"
	"github.com/ims-wizard/ims-wizard/client/l10n"
	"github.com/spf13/pflag"
)

// Flags are the upload command's own flags; the connection flags are the
// root command's persistent flags.
type Flags struct {
	Output string
	Wait   time.Duration
	Force  bool
}

func (f *Flags) register(fs *pflag.FlagSet, loc *l10n.Localizer) {
	fs.StringVarP(&f.Output, "output", "o", "text", loc.T("help.flag.upload_output"))
	fs.BoolVar(&f.Force, "force", false, loc.T("help.flag.force"))
	fs.DurationVar(&f.Wait, "wait", client.UploadWaitLimit, loc.T("help.flag.wait"))
}

func (f *Flags) check() error {
	switch f.Output {
	case "text", "json":
	default:
		return client.NewError(nil, "cli.output.unknown", l10n.Args{"Flag": "-o/--output", "Value": client.Inert(fmt.Sprintf("%q", f.Output))})
	}
	if f.Wait < 0 {
		return client.NewError(nil, "upload.usage.negative_wait", l10n.Args{"Value": f.Wait.String()})
	}
	return nil
}
