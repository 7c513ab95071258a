// Package root assembles the command tree and turns errors into exit codes.
package root

import (
	"context"
	"errors"
	"fmt"
	"os/signal"
	"runtime/debug"
	"strings"
	"syscall"

	"github.com/ims-wizard/ims-wizard/client"
	"github.com/ims-wizard/ims-wizard/client/l10n"
	"github.com/ims-wizard/ims-wizard/cmd/create"
	"github.com/ims-wizard/ims-wizard/cmd/exitcode"
	"github.com/ims-wizard/ims-wizard/cmd/factory"
	"github.com/ims-wizard/ims-wizard/cmd/osversions"
	"github.com/ims-wizard/ims-wizard/cmd/sandboxcmd"
	"github.com/ims-wizard/ims-wizard/cmd/upload"
	"github.com/ims-wizard/ims-wizard/ui"
	"github.com/spf13/cobra"
)

// NewCmd builds the whole command tree from its dependencies, every
// text of it (help, flags, cobra's own words) in deps.Loc's language.
func NewCmd(deps factory.Deps) *cobra.Command {
	if deps.Version == "" {
		deps.Version = client.DevVersion
	}
	deps.Conn.Loc, deps.Conn.Version = deps.Loc, deps.Version
	root := create.NewCmd(deps)
	root.Version = deps.Version
	deps.Conn.Register(root.PersistentFlags())
	// Read before the commands are built (their help is in that language);
	// declared so that cobra accepts it and lists it.
	root.PersistentFlags().String("lang", "", deps.Loc.T("help.flag.lang"))
	root.AddCommand(
		sandboxcmd.NewCmd(deps),
		osversions.NewCmd(deps),
		upload.NewCmd(deps.IO, deps.Env, deps.Conn, deps.Loc),
	)
	root.SetIn(deps.IO.In)
	root.SetOut(deps.IO.Out)
	root.SetErr(deps.IO.ErrOut)
	// Flag and argument errors are usage errors: exit 2, like invalid input.
	localize(root, deps.Loc)
	return root
}

// Main runs the program with the real world and returns the exit code.
func Main(version string, args []string) int {
	// SIGTERM and SIGHUP (the terminal closed) end the run as an
	// interrupt: the wizard restores the terminal and records a create in
	// flight in the draft. SIGINT is routed: see factory.Interrupts.
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGHUP)
	defer stop()
	ctx, interrupt := context.WithCancel(ctx)
	defer interrupt()
	interrupts, unwatch := factory.WatchInterrupts(interrupt)
	defer unwatch()
	// A closed stdout pipe is a write error to report (the image's id goes
	// to stderr instead), not a silent death by SIGPIPE.
	signal.Ignore(syscall.SIGPIPE)
	io := factory.System()
	env := factory.SystemEnv()
	if io.CanPrompt() {
		env.AskPassword = func(user string) (string, error) {
			pw, err := ui.AskPassword(io.In, io.ErrOut, user)
			if errors.Is(err, ui.ErrInterrupted) {
				return "", exitcode.ErrInterrupted
			}
			return pw, err
		}
	}
	deps := factory.Deps{IO: io, Env: env, Conn: &factory.ConnFlags{}, Version: version, Interrupts: interrupts, Wizard: ui.Run}
	return Run(ctx, deps, args)
}

// Run is Main without what belongs to the process (signals, the real
// streams, the exit): it chooses the language (--lang, else the locale of
// deps.Env), runs the command line args on deps and returns the exit code.
// Tests run the program in-process through it.
func Run(ctx context.Context, deps factory.Deps, args []string) (code int) {
	io := deps.IO
	lang, err := chooseLang(args, deps.Env.Getenv)
	deps.Loc = l10n.New(lang)
	if err != nil {
		return report(io, deps.Loc, exitcode.Usage(err))
	}
	defer func() {
		// A crash still ends with a message and exit code; the stack trace
		// carries no secret (credentials live in the environment only).
		if r := recover(); r != nil {
			fmt.Fprintf(io.ErrOut, "%s %v\n%s\n%s", deps.Loc.T("cli.internal_error"), r, deps.Loc.T("cli.report_crash"), debug.Stack())
			code = exitcode.Failure
		}
	}()
	cmd := NewCmd(deps)
	cmd.SetArgs(args)
	err = cmd.ExecuteContext(ctx)
	if err != nil && ctx.Err() != nil {
		// The signal, not the symptom it caused, decides the exit code.
		err = exitcode.Reported(exitcode.Interrupted, exitcode.ErrInterrupted)
	}
	return report(io, deps.Loc, err)
}

func report(io *factory.IOStreams, loc *l10n.Localizer, err error) int {
	if err == nil {
		return exitcode.OK
	}
	var e *exitcode.Error
	if !errors.As(err, &e) || !e.Reported {
		fmt.Fprintf(io.ErrOut, "%s %s\n", loc.T("cli.error_prefix"), client.ErrorText(err, loc))
	}
	if errors.Is(err, exitcode.ErrInterrupted) {
		fmt.Fprintln(io.ErrOut, loc.T("cli.interrupted"))
	}
	return exitcode.Of(err)
}

// chooseLang is the interface language: --lang if given (before cobra
// parses anything: the commands' help is built in it), else the locale.
// A --lang it does not know is an error, said in the locale's language.
func chooseLang(args []string, getenv func(string) string) (l10n.Lang, error) {
	for i, a := range args {
		if a == "--" {
			break
		}
		v, ok := strings.CutPrefix(a, "--lang=")
		if !ok && a == "--lang" && i+1 < len(args) {
			v, ok = args[i+1], true
		}
		if ok {
			lang, err := l10n.ParseLang(v)
			if err != nil {
				return l10n.FromEnv(getenv), client.NewError(err, "cli.lang.unknown", l10n.Args{"Value": client.Inert(fmt.Sprintf("%q", v))})
			}
			return lang, nil
		}
	}
	return l10n.FromEnv(getenv), nil
}
