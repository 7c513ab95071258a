// Package root assembles the command tree and turns errors into exit codes.
package root

import (
	"context"
	"errors"
	"fmt"
	"os"
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

// NewCmd builds the whole command tree from its dependencies.
func NewCmd(deps factory.Deps) *cobra.Command {
	root := create.NewCmd(deps)
	root.Version = client.Version
	deps.Conn.Register(root.PersistentFlags())
	// Read before the commands are built (their help is in that language);
	// declared so that cobra accepts it and lists it.
	root.PersistentFlags().String("lang", "", "interface language: en or es (default: from LC_ALL, LC_MESSAGES, LANG)")
	root.AddCommand(
		sandboxcmd.NewCmd(deps.IO, deps.Env, deps.Conn),
		osversions.NewCmd(deps),
		upload.NewCmd(deps.IO, deps.Env, deps.Conn, deps.Loc),
	)
	root.SetIn(deps.IO.In)
	root.SetOut(deps.IO.Out)
	root.SetErr(deps.IO.ErrOut)
	// Flag errors are usage errors: exit 2, like invalid input.
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return exitcode.Usage(err) })
	return root
}

// Main runs the program with the real world and returns the exit code.
func Main(version string, args []string) int {
	client.Version = version
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
	lang, err := chooseLang(args, env.Getenv)
	if err != nil {
		return report(io, exitcode.Usage(err))
	}
	deps := factory.Deps{IO: io, Env: env, Conn: &factory.ConnFlags{}, Loc: l10n.New(lang), Interrupts: interrupts, Wizard: ui.Run}
	cmd := NewCmd(deps)
	cmd.SetArgs(args)
	defer func() {
		// A crash still ends with a message and exit code; the stack trace
		// carries no secret (credentials live in the environment only).
		if r := recover(); r != nil {
			fmt.Fprintf(io.ErrOut, "internal error: %v\nplease report this with the output of --debug (credentials are redacted)\n%s", r, debug.Stack())
			os.Exit(exitcode.Failure)
		}
	}()
	err = cmd.ExecuteContext(ctx)
	if err != nil && ctx.Err() != nil {
		// The signal, not the symptom it caused, decides the exit code.
		err = exitcode.Reported(exitcode.Interrupted, exitcode.ErrInterrupted)
	}
	return report(io, err)
}

func report(io *factory.IOStreams, err error) int {
	if err == nil {
		return exitcode.OK
	}
	var e *exitcode.Error
	if !errors.As(err, &e) || !e.Reported {
		fmt.Fprintf(io.ErrOut, "error: %v\n", err)
	}
	if errors.Is(err, exitcode.ErrInterrupted) {
		fmt.Fprintln(io.ErrOut, "interrupted")
	}
	return exitcode.Of(err)
}

// chooseLang is the interface language: --lang if given (before cobra
// parses anything: the commands' help is built in it), else the locale.
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
				return "", fmt.Errorf("--lang: %w", err)
			}
			return lang, nil
		}
	}
	return l10n.FromEnv(getenv), nil
}
