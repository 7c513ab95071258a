// Package sandboxcmd is `ims-wizard sandbox`: the embedded IMS emulator
// served standalone, for curl or the openstack CLI.
package sandboxcmd

import (
	"fmt"
	"time"

	"github.com/ims-wizard/ims-wizard/client/sandbox"
	"github.com/ims-wizard/ims-wizard/cmd/exitcode"
	"github.com/ims-wizard/ims-wizard/cmd/factory"
	"github.com/spf13/cobra"
)

// NewCmd returns the sandbox command.
func NewCmd(io *factory.IOStreams) *cobra.Command {
	var addr string
	var delay time.Duration
	var quiet bool
	cmd := &cobra.Command{
		Use:   "sandbox",
		Short: "Serve the built-in IMS sandbox on a local address",
		Long: `Serves the built-in IMS emulator (POST/GET /v2/images, GET /v1/cloudimages/os_version,
PUT /v2/images/{id}/file) until interrupted, so that curl or the openstack CLI can be pointed at it.
Images live in memory only.`,
		Example: `  ims-wizard sandbox --addr 127.0.0.1:9292
  openstack --os-auth-type none --os-endpoint http://127.0.0.1:9292 image list`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			opts := sandbox.Options{Delay: delay}
			if !quiet {
				opts.Log = io.ErrOut
			}
			srv := sandbox.New(opts)
			url, err := srv.Start(addr)
			if err != nil {
				return exitcode.Usage(fmt.Errorf("--addr %s: %w", addr, err))
			}
			defer srv.Close()
			fmt.Fprintf(io.Out, "IMS sandbox listening on %s (Ctrl+C to stop)\n", url)
			<-cmd.Context().Done()
			fmt.Fprintln(io.ErrOut, "sandbox stopped")
			return nil
		},
	}
	cmd.Flags().StringVar(&addr, "addr", factory.SandboxAddr, "address to listen on")
	cmd.Flags().DurationVar(&delay, "delay", 0, "answer each create after this delay (demos of the spinner and cancelling)")
	cmd.Flags().BoolVarP(&quiet, "quiet", "q", false, "do not log requests on stderr")
	return cmd
}
