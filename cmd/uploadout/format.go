package uploadout

import (
	"errors"
	"fmt"

	"github.com/ims-wizard/ims-wizard/client"
	"github.com/ims-wizard/ims-wizard/client/imagefile"
	"github.com/ims-wizard/ims-wizard/client/l10n"
)

// CheckFile reads the file's header and compares it with the image's
// disk_format (client.CheckUploadFile). A refusal ends the command before
// anything is sent (explain it with Failure), unless force: then it is
// printed as a warning and the upload goes on. What cannot be checked is
// always a warning on stderr (stdout stays the result alone). The facts
// found, if any, come back for Send's progress line.
func (o *Output) CheckFile(force bool, check *client.UploadCheck) (*imagefile.Info, error) {
	errOut := o.io.ErrOut
	fc, err := client.CheckUploadFile(o.loc, check.Path, check.Image.Image.DiskFormat)
	var ue *client.UploadError
	switch {
	case err == nil:
	case force && errors.As(err, &ue) && ue.Reason == client.RefusedFormat:
		fmt.Fprintln(errOut, o.loc.T("upload.warning", l10n.Args{"Text": o.loc.T("imagefile.upload.forced", l10n.Args{"Reason": client.Inert(ue.Message)})}))
	default:
		return nil, err
	}
	if fc == nil {
		return nil, nil
	}
	for _, w := range fc.Warnings {
		fmt.Fprintln(errOut, o.loc.T("cli.warning", l10n.Args{"Field": w.Field, "Text": w.Text(o.loc)}))
	}
	return fc.Info, nil
}
