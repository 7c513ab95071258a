// Package upload is `ims-wizard upload <image-id> <file>`: the image file
// sent with PUT /v2/images/{id}/file, then the image read back until active
// and its checksum compared with the file's MD5.
package upload

import (
	"context"
	"fmt"

	"github.com/ims-wizard/ims-wizard/client"
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
		Use:   "upload " + loc.T("help.upload.args"),
		Short: loc.T("help.upload.short"),
		Long:  loc.T("help.upload.long"),
		// Commands only, which read the same in every language.
		Example: `  ims-wizard upload 4ca4c2d1-8b64-4d0c-9e67-7d3b0c7d1f3e ./disk.qcow2 --region cn-north-4
  ims-wizard upload "$ID" ./disk.raw --endpoint http://127.0.0.1:9292 -o json`,
		Args:          cobra.ExactArgs(2), // refused in the reader's language by cmd/root
		SilenceUsage:  true,
		SilenceErrors: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			if args[0] == "" || args[1] == "" {
				// Here rather than in Args, whose refusals cmd/root rewrites
				// as "the arguments do not fit its usage".
				return exitcode.Usage(client.NewError(nil, "upload.usage.empty_args"))
			}
			return run(cmd.Context(), io, env, conn, loc, f, args[0], args[1])
		},
	}
	f.register(cmd.Flags(), loc)
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
