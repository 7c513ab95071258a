package upload

import (
	"errors"
	"fmt"
	"io"

	"github.com/ims-wizard/ims-wizard/client"
	"github.com/ims-wizard/ims-wizard/client/imagefile"
)

// checkFileFormat reads the file's header and compares it with the image's
// disk_format (client.CheckUploadFile). A refusal ends the command before
// anything is sent, unless force: then it is printed as a warning and the
// upload goes on. What cannot be checked is always a warning on stderr
// (stdout stays the result alone). The facts found, if any, come back for
// the progress line.
func checkFileFormat(errOut io.Writer, force bool, check *client.UploadCheck) (*imagefile.Info, error) {
	fc, err := client.CheckUploadFile(check.Path, check.Image.Image.DiskFormat)
	var ue *client.UploadError
	switch {
	case err == nil:
	case force && errors.As(err, &ue) && ue.Reason == client.RefusedFormat:
		fmt.Fprintf(errOut, "warning: sending it anyway (--force): %s\n", client.Inert(ue.Message))
	default:
		return nil, err
	}
	if fc == nil {
		return nil, nil
	}
	for _, w := range fc.Warnings {
		fmt.Fprintf(errOut, "warning: %s\n", client.Inert(w.Error()))
	}
	return fc.Info, nil
}
