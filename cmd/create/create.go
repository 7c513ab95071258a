package create

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/ims-wizard/ims-wizard/client"
	"github.com/ims-wizard/ims-wizard/cmd/exitcode"
	"github.com/ims-wizard/ims-wizard/cmd/factory"
	"github.com/ims-wizard/ims-wizard/ui"
	"github.com/spf13/cobra"
)

// Deps are what the command needs from the outside world; tests replace
// Wizard so that command tests never prompt.
type Deps struct {
	IO     *factory.IOStreams
	Env    factory.Env
	Conn   *factory.ConnFlags
	Wizard func(context.Context, ui.Options) (*client.Result, error)
}

// NewCmd returns the root command's create behaviour bound to a cobra command.
func NewCmd(deps Deps) *cobra.Command {
	f := &Flags{}
	cmd := &cobra.Command{
		Use:   "ims-wizard",
		Short: "Create image metadata on Huawei Cloud IMS (POST /v2/images)",
		Long: `ims-wizard creates image metadata on Huawei Cloud's Image Management Service through its
native OpenStack API (POST /v2/images). On a terminal it opens a step-by-step wizard; with
--yes it creates the image from flags. With no credentials and no --endpoint it uses a
built-in sandbox, so it works without a cloud account.`,
		Example: `  ims-wizard                                  # the wizard (sandbox unless configured)
  ims-wizard --yes --name demo -o json        # scripted, JSON output
  ims-wizard --name test --os-version "Ubuntu 14.04 server 64bit" --disk-format vhd \
    --min-disk 100 --min-ram 1024 --tag test=testvalue --tag image=imagevalue --dry-run`,
		Args:          cobra.NoArgs,
		SilenceUsage:  true,
		SilenceErrors: true,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return run(cmd.Context(), deps, f)
		},
	}
	f.register(cmd.Flags())
	return cmd
}

func run(ctx context.Context, deps Deps, f *Flags) error {
	io := deps.IO
	if err := f.checkOutput(); err != nil {
		return exitcode.Usage(err)
	}
	req, parseProblems := f.request()
	interactive := !f.Yes && !f.DryRun
	if interactive && !io.CanPrompt() {
		msg := "not a terminal: pass --yes to create from flags (or --dry-run to preview)"
		if missing := f.missingForScript(); len(missing) > 0 {
			msg += "; also give " + strings.Join(missing, ", ")
		}
		return exitcode.Usage(errors.New(msg))
	}
	if interactive {
		return runWizard(ctx, deps, f, req)
	}

	problems := append(parseProblems, validate(f, req)...)
	if f.NoValidate && len(parseProblems) == 0 {
		fmt.Fprintln(io.ErrOut, "warning: --no-validate: sending the values as given; the server decides what is valid.")
	}
	if errs := problems.Errors(); len(errs) > 0 {
		printProblems(io, errs)
		return exitcode.Reported(exitcode.Invalid, &client.ValidationError{Problems: errs})
	}
	for _, w := range problems.Warnings() {
		fmt.Fprintf(io.ErrOut, "warning: %s: %s\n", w.Field, w.Message)
	}

	if f.DryRun {
		target, auth, notices, err := deps.Conn.Plan(deps.Env)
		if err != nil {
			return err
		}
		for _, n := range notices {
			fmt.Fprintln(io.ErrOut, n)
		}
		return printDryRun(io, f.Output, target, auth.Info(), req)
	}

	conn, err := deps.Conn.Connect(deps.Env, io.ErrOut)
	if err != nil {
		return err
	}
	defer conn.Close()
	for _, n := range conn.Notices {
		fmt.Fprintln(io.ErrOut, n)
	}
	res, err := conn.Client.Create(ctx, req)
	if err != nil {
		printFailure(io, err, req, conn)
		return exitcode.Reported(exitcode.Of(err), err)
	}
	return printCreated(io, f.Output, conn, res)
}

// validate applies the request rules unless --no-validate, in which case
// only well-typedness (already checked by parsing) is required.
func validate(f *Flags, req client.Request) client.Problems {
	if f.NoValidate {
		return nil
	}
	return req.Validate(client.EmbeddedCatalog())
}

func runWizard(ctx context.Context, deps Deps, f *Flags, initial client.Request) error {
	conn, err := deps.Conn.Connect(deps.Env, deps.IO.ErrOut)
	if err != nil {
		return err
	}
	defer conn.Close()
	cat, notice := conn.Catalog(ctx)
	if notice != "" {
		fmt.Fprintln(deps.IO.ErrOut, notice)
	}
	res, err := deps.Wizard(ctx, ui.Options{
		Creator:    conn.Client,
		Catalog:    cat,
		Target:     ui.Target{Kind: conn.Target.Kind, Label: conn.Target.Label, Endpoint: conn.Target.Endpoint},
		Auth:       conn.Auth,
		Initial:    initial,
		Accessible: f.Accessible || deps.Env.Getenv("ACCESSIBLE") != "",
		In:         deps.IO.In,
		Out:        deps.IO.ErrOut,
	})
	switch {
	case errors.Is(err, ui.ErrInterrupted):
		return exitcode.Reported(exitcode.Interrupted, exitcode.ErrInterrupted)
	case err != nil:
		return exitcode.Reported(exitcode.Of(err), err)
	}
	img := res.Image
	fmt.Fprintf(deps.IO.Out, "Created image %s %q (%s) on %s\n", client.Inert(img.ID), client.Inert(img.Name), client.Inert(img.Status), conn.Target.Label)
	return nil
}
