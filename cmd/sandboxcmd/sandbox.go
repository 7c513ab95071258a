// Package sandboxcmd is `ims-wizard sandbox`: the embedded IMS emulator
// served standalone, for curl, the SDKs or the openstack CLI, on the same
// persistent state as the sandbox every other command uses.
package sandboxcmd

import (
	"encoding/json"
	"fmt"
	"net"
	"strings"
	"time"

	"github.com/ims-wizard/ims-wizard/client"
	"github.com/ims-wizard/ims-wizard/client/l10n"
	"github.com/ims-wizard/ims-wizard/client/sandbox"
	"github.com/ims-wizard/ims-wizard/cmd/exitcode"
	"github.com/ims-wizard/ims-wizard/cmd/factory"
	"github.com/spf13/cobra"
)

// notForSandbox are the root's connection flags: they choose where other
// commands send requests, and mean nothing to the command that serves.
var notForSandbox = []string{"endpoint", "region", "sandbox", "timeout", "cacert", "insecure", "debug"}

// NewCmd returns the sandbox command and its subcommands.
func NewCmd(deps factory.Deps) *cobra.Command {
	io, env, conn, loc := deps.IO, deps.Env, deps.Conn, deps.Loc
	var (
		addr        string
		delay       time.Duration
		quiet       bool
		allowRemote bool
		fails       []string
	)
	cmd := &cobra.Command{
		Use:   "sandbox",
		Short: loc.T("help.sandbox.short"),
		Long: loc.T("help.sandbox.long", l10n.Args{"Env": factory.SandboxDirEnv,
			"Syntax": "  " + strings.ReplaceAll(sandbox.FaultSyntax(loc), "\n", "\n  ")}),
		Example:       loc.T("help.sandbox.example"),
		Args:          cobra.NoArgs,
		SilenceUsage:  true,
		SilenceErrors: true,
		PersistentPreRunE: func(c *cobra.Command, _ []string) error {
			for _, name := range notForSandbox {
				if c.Flags().Changed(name) {
					return exitcode.Usage(client.NewError(nil, "cli.sandbox.flag_not_here", l10n.Args{"Flag": "--" + name}))
				}
			}
			return nil
		},
		RunE: func(c *cobra.Command, _ []string) error {
			var faults []sandbox.Fault
			for _, spec := range fails {
				f, err := sandbox.ParseFault(spec)
				if err != nil {
					return exitcode.Usage(client.NewError(err, "cli.sandbox.bad_fault", l10n.Args{"Err": err}))
				}
				faults = append(faults, f)
			}
			remote, err := listensBeyondLoopback(addr)
			if err != nil {
				return exitcode.Usage(client.NewError(err, "cli.sandbox.bad_addr", l10n.Args{"Addr": client.Inert(addr), "Err": err}))
			}
			if remote && !allowRemote {
				return exitcode.Usage(client.NewError(nil, "cli.sandbox.remote_refused", l10n.Args{"Addr": client.Inert(addr)}))
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
				return exitcode.Usage(client.NewError(err, "cli.sandbox.bad_addr", l10n.Args{"Addr": client.Inert(addr), "Err": err}))
			}
			defer srv.Close()
			if remote {
				fmt.Fprintln(io.ErrOut, loc.T("cli.sandbox.remote_warning", l10n.Args{"Addr": client.Inert(addr)}))
			}
			fmt.Fprintln(io.Out, loc.T("cli.sandbox.listening", l10n.Args{"URL": url}))
			fmt.Fprintln(io.Out, loc.T("cli.sandbox.state", l10n.Args{"State": describeState(loc, srv)}))
			for _, f := range faults {
				fmt.Fprintln(io.Out, loc.T("cli.sandbox.fault", l10n.Args{"Fault": client.Inert(f.Spec)}))
			}
			<-c.Context().Done()
			fmt.Fprintln(io.ErrOut, loc.T("cli.sandbox.stopped"))
			return nil
		},
	}
	cmd.Flags().StringVar(&addr, "addr", factory.SandboxAddr, loc.T("help.flag.addr"))
	cmd.Flags().BoolVar(&allowRemote, "allow-remote", false, loc.T("help.flag.allow_remote"))
	cmd.Flags().DurationVar(&delay, "delay", 0, loc.T("help.flag.delay"))
	cmd.Flags().StringArrayVar(&fails, "fail", nil, loc.T("help.flag.fail"))
	cmd.Flags().BoolVarP(&quiet, "quiet", "q", false, loc.T("help.flag.quiet"))
	cmd.AddCommand(newResetCmd(deps), newListCmd(deps))
	hideConnectionFlags(cmd)
	return cmd
}

// describeState is where the state is and what it holds.
func describeState(loc *l10n.Localizer, srv *sandbox.Server) string {
	n, err := srv.Count()
	if srv.Dir() == "" {
		return loc.T("cli.sandbox.in_memory", l10n.Args{"Count": n})
	}
	if err != nil {
		return loc.T("cli.sandbox.unreadable", l10n.Args{"Dir": client.Inert(srv.Dir()), "Err": client.ErrorText(err, loc)})
	}
	return loc.T("cli.sandbox.dir_state", l10n.Args{"Dir": client.Inert(srv.Dir()), "Count": n})
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

func newResetCmd(deps factory.Deps) *cobra.Command {
	io, env, conn, loc := deps.IO, deps.Env, deps.Conn, deps.Loc
	return &cobra.Command{
		Use:           "reset",
		Short:         loc.T("help.sandbox_reset.short"),
		Long:          loc.T("help.sandbox_reset.long"),
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
				return client.NewError(err, "cli.sandbox.reset_failed", l10n.Args{"Dir": client.Inert(srv.Dir()), "Err": err})
			}
			fmt.Fprintln(io.Out, loc.T("cli.sandbox.reset", l10n.Args{"Count": n, "Dir": client.Inert(srv.Dir())}))
			return nil
		},
	}
}

func newListCmd(deps factory.Deps) *cobra.Command {
	io, env, conn, loc := deps.IO, deps.Env, deps.Conn, deps.Loc
	var name, output string
	cmd := &cobra.Command{
		Use:           "list",
		Short:         loc.T("help.sandbox_list.short"),
		Long:          loc.T("help.sandbox_list.long"),
		Args:          cobra.NoArgs,
		SilenceUsage:  true,
		SilenceErrors: true,
		RunE: func(*cobra.Command, []string) error {
			if output != "text" && output != "json" {
				return exitcode.Usage(client.NewError(nil, "cli.output.unknown", l10n.Args{"Flag": "-o", "Value": client.Inert(fmt.Sprintf("%q", output))}))
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
				return client.NewError(err, "cli.sandbox.list_failed", l10n.Args{"Dir": client.Inert(srv.Dir()), "Err": err})
			}
			if output == "json" {
				return printJSON(io, loc, imgs)
			}
			fmt.Fprintln(io.ErrOut, loc.T("cli.sandbox.state", l10n.Args{"State": describeState(loc, srv)}))
			if len(imgs) == 0 {
				said := loc.T("cli.sandbox.empty", l10n.Args{"Dir": client.Inert(srv.Dir())})
				if name != "" {
					said = loc.T("cli.sandbox.none_named", l10n.Args{"Dir": client.Inert(srv.Dir()), "Name": fmt.Sprintf("%q", client.Inert(name))})
				}
				fmt.Fprintln(io.ErrOut, said)
				return nil
			}
			rows := [][]string{strings.Split(loc.T("cli.sandbox.columns"), "|")}
			for _, img := range imgs {
				rows = append(rows, []string{client.Inert(img.ID), client.Inert(img.Status),
					img.CreatedAt.UTC().Format(time.RFC3339), client.Inert(img.Name)})
			}
			return factory.WriteTable(io.Out, rows, 2)
		},
	}
	cmd.Flags().StringVar(&name, "name", "", loc.T("help.flag.list_name"))
	cmd.Flags().StringVarP(&output, "output", "o", "text", loc.T("help.flag.list_output"))
	return cmd
}

func printJSON(io *factory.IOStreams, loc *l10n.Localizer, imgs []sandbox.Summary) error {
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
		return client.NewError(err, "cli.sandbox.write_failed", l10n.Args{"Err": err})
	}
	return nil
}
