// Package upload is `ims-wizard upload <image-id> <file>`: the image file
// sent with PUT /v2/images/{id}/file, then the image read back until active
// and its checksum compared with the file's MD5.
package upload

import (
	"context"
	"errors"
	"fmt"

	"github.com/ims-wizard/ims-wizard/client/l10n"
	"github.com/ims-wizard/ims-wizard/cmd/exitcode"
	"github.com/ims-wizard/ims-wizard/cmd/factory"
	"github.com/ims-wizard/ims-wizard/cmd/uploadout"
	"github.com/spf13/cobra"
)

// NewCmd returns the upload command.
func NewCmd(io *factory.IOStreams, env factory.Env, conn *factory.ConnFlags, loc *l10n.Localizer) *cobra.Command {
	f := &Flags{}
	cmd := &cobra.Command{
		Use:   "upload <image-id> <file>",
		Short: "Upload the image file to a queued image (PUT /v2/images/{id}/file)",
		Long: `Uploads a local file as the image file of a queued image (PUT /v2/images/{id}/file,
application/octet-stream, streamed from disk), waits until the image is active and checks that
the server's checksum equals the file's MD5.

Before sending it checks that the file is a regular, readable file and that the image exists and
is queued, and it reads the file's header: a file whose format (qcow2, vhd, vhdx, vmdk, iso, raw,
…) is not the image's disk_format, that holds only part of a disk, or whose header is damaged is
refused (exit 2) unless --force is given. On Huawei Cloud, files of 2 GB and more must go through
OBS (register the image from OBS instead), and AK/SK signing covers bodies up to 12 MB only: larger uploads need a token
(OS_AUTH_TOKEN or an IAM password login).

--timeout bounds each call; for the upload itself it bounds the time without progress, not the
whole transfer. Ctrl+C stops the upload and reports the image's status afterwards.`,
		Example: `  ims-wizard upload 4ca4c2d1-8b64-4d0c-9e67-7d3b0c7d1f3e ./disk.qcow2 --region cn-north-4
  ims-wizard upload "$ID" ./disk.raw --endpoint http://127.0.0.1:9292 -o json`,
		Args: func(_ *cobra.Command, args []string) error {
			if len(args) != 2 {
				return exitcode.Usage(fmt.Errorf("upload takes 2 arguments, <image-id> <file>; got %d", len(args)))
			}
			if args[0] == "" || args[1] == "" {
				return exitcode.Usage(errors.New("upload: <image-id> and <file> must not be empty"))
			}
			return nil
		},
		SilenceUsage:  true,
		SilenceErrors: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			return run(cmd.Context(), io, env, conn, loc, f, args[0], args[1])
		},
	}
	f.register(cmd.Flags())
	return cmd
}

func run(ctx context.Context, io *factory.IOStreams, env factory.Env, cf *factory.ConnFlags, loc *l10n.Localizer, f *Flags, id, path string) error {
	if err := f.check(); err != nil {
		return exitcode.Usage(err)
	}
	conn, err := cf.Connect(env, io.ErrOut)
	if err != nil {
		return err
	}
	defer conn.Close()
	for _, n := range conn.Notices {
		fmt.Fprintln(io.ErrOut, n)
	}
	c := conn.Client
	out := uploadout.New(io, f.Output, conn, loc)
	check, err := c.CheckUpload(ctx, id, path)
	if err != nil {
		return out.Failure(err, "")
	}
	file, err := out.CheckFile(f.Force, check)
	if err != nil {
		return out.Failure(err, "")
	}
	_, err = out.Send(ctx, c, check, file, f.Wait)
	return err
}
