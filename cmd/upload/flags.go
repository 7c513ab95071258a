package upload

import (
	"fmt"
	"time"

	"github.com/ims-wizard/ims-wizard/client"
	"github.com/spf13/pflag"
)

// Flags are the upload command's own flags; the connection flags are the
// root command's persistent flags.
type Flags struct {
	Output string
	Wait   time.Duration
	Force  bool
}

func (f *Flags) register(fs *pflag.FlagSet) {
	fs.StringVarP(&f.Output, "output", "o", "text", "output format: text or json (json: the final image as the server sent it, alone on stdout)")
	fs.BoolVar(&f.Force, "force", false, "send the file even when its detected format is not the image's disk_format, or it looks damaged or incomplete (the refusal is shown as a warning)")
	fs.DurationVar(&f.Wait, "wait", client.UploadWaitLimit, "how long to wait for the image to become active after the upload (0: do not wait; the checksum is then not verified)")
}

func (f *Flags) check() error {
	switch f.Output {
	case "text", "json":
	default:
		return fmt.Errorf("-o/--output %q: use text or json", f.Output)
	}
	if f.Wait < 0 {
		return fmt.Errorf("--wait %s: must be 0 or more", f.Wait)
	}
	return nil
}
