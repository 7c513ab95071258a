// Package sandboxcmd is `ims-wizard sandbox`: the embedded IMS emulator
// served standalone, for curl, the SDKs or the openstack CLI, on the same
// persistent state as the sandbox every other command uses.
package sandboxcmd

import (
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/ims-wizard/ims-wizard/client"
	"github.com/ims-wizard/ims-wizard/client/sandbox"
	"github.com/ims-wizard/ims-wizard/cmd/exitcode"
	"github.com/ims-wizard/ims-wizard/cmd/factory"
	"github.com/spf13/cobra"
)

// notForSandbox are the root's connection flags: they choose where other
// commands send requests, and mean nothing to the command that serves.
var notForSandbox = []string{"endpoint", "region", "sandbox", "timeout", "cacert", "insecure", "debug"}

// NewCmd returns the sandbox command and its subcommands.
func NewCmd(io *factory.IOStreams, env factory.Env, conn *factory.ConnFlags) *cobra.Command {
	var (
		addr        string
		delay       time.Duration
		quiet       bool
		allowRemote bool
		fails       []string
	)
	cmd := &cobra.Command{
		Use:   "sandbox",
		Short: "Serve the built-in IMS sandbox on a local address",
		Long: `Serves the built-in IMS emulator until interrupted, for curl, the Huawei Cloud SDK,
gophercloud or the openstack CLI: POST/GET /v2/images, GET/PATCH/DELETE /v2/images/{id},
PUT/GET /v2/images/{id}/file, PUT/DELETE /v2/images/{id}/tags/{tag}, GET /v2/schemas/image(s),
GET /v1/cloudimages/os_version.

Its images persist in the same state as the sandbox of every other command (ims-wizard with no
credentials, or --sandbox): what one creates, the other serves at once. The state is in
$XDG_STATE_HOME/ims-wizard/sandbox (else ~/.local/state/ims-wizard/sandbox), or --sandbox-dir,
or $` + factory.SandboxDirEnv + `; "ims-wizard sandbox reset" empties it.

It has no authentication: it listens on loopback only, unless --allow-remote.

--fail injects failures into the next matching requests, in IMS's shapes, to show every error
view or reproduce a customer's failure:
  ` + strings.ReplaceAll(sandbox.FaultSyntax, "\n", "\n  "),
		Example: `  ims-wizard sandbox --addr 127.0.0.1:9292
  openstack --os-auth-type none --os-endpoint http://127.0.0.1:9292 image list
  ims-wizard sandbox --fail 'POST /v2/images=503*1' --fail 'PUT /v2/images/*/file=reset'
  ims-wizard sandbox --fail 'POST /v2/images=created-then-reset'
  ims-wizard sandbox list
  ims-wizard sandbox reset`,
		Args:          cobra.NoArgs,
		SilenceUsage:  true,
		SilenceErrors: true,
		PersistentPreRunE: func(c *cobra.Command, _ []string) error {
			for _, name := range notForSandbox {
				if c.Flags().Changed(name) {
					return exitcode.Usage(fmt.Errorf("--%s does not apply to ims-wizard sandbox, which serves the sandbox (its state: --sandbox-dir); point other commands at it with --endpoint URL", name))
				}
			}
			return nil
		},
		RunE: func(c *cobra.Command, _ []string) error {
			var faults []sandbox.Fault
			for _, spec := range fails {
				f, err := sandbox.ParseFault(spec)
				if err != nil {
					return exitcode.Usage(fmt.Errorf("--fail: %w", err))
				}
				faults = append(faults, f)
			}
			remote, err := listensBeyondLoopback(addr)
			if err != nil {
				return exitcode.Usage(fmt.Errorf("--addr %s: %w", addr, err))
			}
			if remote && !allowRemote {
				return exitcode.Usage(fmt.Errorf("--addr %s listens beyond this machine, and the sandbox has no authentication: anyone who reaches it can read, change and delete its images; use 127.0.0.1:PORT, or pass --allow-remote to do it anyway", addr))
			}
			opts := sandbox.Options{Delay: delay, Faults: faults}
			if !quiet {
				opts.Log = io.ErrOut
			}
			srv, notices, err := conn.OpenSandbox(env, opts)
			if err != nil {
				return err
			}
			for _, n := range notices {
				fmt.Fprintln(io.ErrOut, n)
			}
			url, err := srv.Start(addr)
			if err != nil {
				return exitcode.Usage(fmt.Errorf("--addr %s: %w", addr, err))
			}
			defer srv.Close()
			if remote {
				fmt.Fprintf(io.ErrOut, "warning: --allow-remote: the sandbox listens on %s with no authentication; anyone who can reach this address can read, change and delete its images\n", addr)
			}
			fmt.Fprintf(io.Out, "IMS sandbox listening on %s (Ctrl+C to stop)\n", url)
			fmt.Fprintf(io.Out, "State: %s\n", describeState(srv))
			for _, f := range faults {
				fmt.Fprintf(io.Out, "Fault: %s\n", f.Spec)
			}
			<-c.Context().Done()
			fmt.Fprintln(io.ErrOut, "sandbox stopped")
			return nil
		},
	}
	cmd.Flags().StringVar(&addr, "addr", factory.SandboxAddr, "address to listen on (loopback unless --allow-remote)")
	cmd.Flags().BoolVar(&allowRemote, "allow-remote", false, "allow an --addr reachable from other machines (the sandbox has no authentication)")
	cmd.Flags().DurationVar(&delay, "delay", 0, "answer each create after this delay (demos of the spinner and cancelling)")
	cmd.Flags().StringArrayVar(&fails, "fail", nil, "inject a fault, e.g. 'POST /v2/images=503' (repeatable; see above)")
	cmd.Flags().BoolVarP(&quiet, "quiet", "q", false, "do not log requests on stderr")
	cmd.AddCommand(newResetCmd(io, env, conn), newListCmd(io, env, conn))
	hideConnectionFlags(cmd)
	return cmd
}

// describeState is where the state is and what it holds.
func describeState(srv *sandbox.Server) string {
	n, err := srv.Count()
	if srv.Dir() == "" {
		return fmt.Sprintf("in memory, for this run only (%d images)", n)
	}
	if err != nil {
		return fmt.Sprintf("%s (unreadable: %v)", srv.Dir(), err)
	}
	return fmt.Sprintf("%s (%d image%s; ims-wizard sandbox reset empties it)", srv.Dir(), n, plural(n))
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// listensBeyondLoopback reports an address other machines may reach: no
// host (":9292"), an unspecified one (0.0.0.0, ::), any address that is
// not loopback, or a host name other than localhost.
func listensBeyondLoopback(addr string) (bool, error) {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false, err
	}
	if host == "" {
		return true, nil
	}
	if strings.EqualFold(host, "localhost") {
		return false, nil
	}
	ip := net.ParseIP(strings.Trim(host, "[]"))
	return ip == nil || !ip.IsLoopback(), nil
}

// hideConnectionFlags leaves the root's connection flags out of this
// command's help (they are refused if given).
func hideConnectionFlags(cmd *cobra.Command) {
	defaultHelp := (&cobra.Command{}).HelpFunc()
	cmd.SetHelpFunc(func(c *cobra.Command, args []string) {
		for _, name := range notForSandbox {
			if f := c.InheritedFlags().Lookup(name); f != nil {
				f.Hidden = true
			}
		}
		defaultHelp(c, args)
	})
}

func newResetCmd(io *factory.IOStreams, env factory.Env, conn *factory.ConnFlags) *cobra.Command {
	return &cobra.Command{
		Use:   "reset",
		Short: "Empty the sandbox's state: every image and uploaded file",
		Long: `Removes every image and uploaded file from the sandbox's state, for every process using it
(a running ims-wizard sandbox included), and says how many images went.`,
		Args:          cobra.NoArgs,
		SilenceUsage:  true,
		SilenceErrors: true,
		RunE: func(*cobra.Command, []string) error {
			srv, notices, err := conn.OpenSandbox(env, sandbox.Options{})
			if err != nil {
				return err
			}
			defer srv.Close()
			for _, n := range notices {
				fmt.Fprintln(io.ErrOut, n)
			}
			n, err := srv.Reset()
			if err != nil {
				return fmt.Errorf("emptying the sandbox state %s: %w", srv.Dir(), err)
			}
			fmt.Fprintf(io.Out, "Removed %d image%s from the sandbox state in %s.\n", n, plural(n), srv.Dir())
			return nil
		},
	}
}

func newListCmd(io *factory.IOStreams, env factory.Env, conn *factory.ConnFlags) *cobra.Command {
	var name, output string
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List the images in the sandbox's state, newest first",
		Long: `Lists the images in the sandbox's state (id, status, created, name), newest first; with --name
only those of that name. It reads the state directly: no sandbox needs to be running.`,
		Args:          cobra.NoArgs,
		SilenceUsage:  true,
		SilenceErrors: true,
		RunE: func(*cobra.Command, []string) error {
			if output != "text" && output != "json" {
				return exitcode.Usage(fmt.Errorf("-o %q: use text or json", output))
			}
			srv, notices, err := conn.OpenSandbox(env, sandbox.Options{})
			if err != nil {
				return err
			}
			defer srv.Close()
			for _, n := range notices {
				fmt.Fprintln(io.ErrOut, n)
			}
			imgs, err := srv.Images(name)
			if err != nil {
				return fmt.Errorf("reading the sandbox state %s: %w", srv.Dir(), err)
			}
			if output == "json" {
				return printJSON(io, imgs)
			}
			fmt.Fprintf(io.ErrOut, "State: %s\n", describeState(srv))
			if len(imgs) == 0 {
				what := "no images"
				if name != "" {
					what = fmt.Sprintf("no image called %q", client.Inert(name))
				}
				fmt.Fprintf(io.ErrOut, "The sandbox state in %s has %s.\n", srv.Dir(), what)
				return nil
			}
			w := tabwriter.NewWriter(io.Out, 0, 0, 2, ' ', 0)
			fmt.Fprintln(w, "ID\tSTATUS\tCREATED\tNAME")
			for _, img := range imgs {
				fmt.Fprintf(w, "%s\t%s\t%s\t%s\n", client.Inert(img.ID), client.Inert(img.Status),
					img.CreatedAt.UTC().Format(time.RFC3339), client.Inert(img.Name))
			}
			return w.Flush()
		},
	}
	cmd.Flags().StringVar(&name, "name", "", "only the images of this name")
	cmd.Flags().StringVarP(&output, "output", "o", "text", "text or json")
	return cmd
}

func printJSON(io *factory.IOStreams, imgs []sandbox.Summary) error {
	type row struct {
		ID        string `json:"id"`
		Name      string `json:"name"`
		Status    string `json:"status"`
		CreatedAt string `json:"created_at"`
	}
	rows := make([]row, len(imgs))
	for i, img := range imgs {
		rows[i] = row{img.ID, img.Name, img.Status, img.CreatedAt.UTC().Format(time.RFC3339)}
	}
	enc := json.NewEncoder(io.Out)
	enc.SetIndent("", "  ")
	if err := enc.Encode(rows); err != nil {
		return errors.Join(errors.New("writing the list"), err)
	}
	return nil
}
