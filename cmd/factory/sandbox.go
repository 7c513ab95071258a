package factory

import (
	"os"
	"path/filepath"
	"strings"

	"github.com/ims-wizard/ims-wizard/client"
	"github.com/ims-wizard/ims-wizard/client/l10n"
	"github.com/ims-wizard/ims-wizard/client/sandbox"
	"github.com/ims-wizard/ims-wizard/cmd/exitcode"
)

// SandboxDirEnv names the environment variable that moves the built-in
// sandbox's state (--sandbox-dir wins over it).
const SandboxDirEnv = "IMS_WIZARD_SANDBOX_DIR"

// SandboxFailEnv names the environment variable of faults for the
// in-process sandbox, as `ims-wizard sandbox --fail` takes them, separated
// by ";": to show the wizard's error views on the built-in sandbox.
const SandboxFailEnv = "IMS_WIZARD_SANDBOX_FAIL"

func sandboxFaults(env Env) ([]sandbox.Fault, error) {
	var faults []sandbox.Fault
	for _, spec := range strings.Split(env.Getenv(SandboxFailEnv), ";") {
		if strings.TrimSpace(spec) == "" {
			continue
		}
		f, err := sandbox.ParseFault(strings.TrimSpace(spec))
		if err != nil {
			return nil, exitcode.Usage(client.NewError(err, "cli.sandbox.fail_env", l10n.Args{"Env": SandboxFailEnv, "Err": err}))
		}
		faults = append(faults, f)
	}
	return faults, nil
}

// SandboxStateDir is where the built-in sandbox keeps its images: the flag
// (--sandbox-dir), else $IMS_WIZARD_SANDBOX_DIR, else
// $XDG_STATE_HOME/ims-wizard/sandbox, else
// ~/.local/state/ims-wizard/sandbox, beside the wizard's draft. chosen
// reports that the user picked it (flag or variable), so that printed
// commands repeat it. "" when no home directory is known.
func (f *ConnFlags) SandboxStateDir(env Env) (dir string, chosen bool) {
	if f.SandboxDir != "" {
		return f.SandboxDir, true
	}
	if d := env.Getenv(SandboxDirEnv); d != "" {
		return d, true
	}
	if draft := DraftPath(env); draft != "" {
		return filepath.Join(filepath.Dir(draft), "sandbox"), false
	}
	return "", false
}

// OpenSandbox opens the built-in sandbox on its state directory, with what
// the user must be told about it.
func (f *ConnFlags) OpenSandbox(env Env, opts sandbox.Options) (*sandbox.Server, []string, error) {
	dir, chosen := f.SandboxStateDir(env)
	opts.Dir = dir
	srv, err := sandbox.Open(opts)
	if err != nil {
		source := f.Loc.T("cli.sandbox.default_location")
		switch {
		case f.SandboxDir != "":
			source = "--sandbox-dir"
		case chosen:
			source = SandboxDirEnv
		}
		return nil, nil, exitcode.Usage(client.NewError(err, "cli.sandbox.state_error", l10n.Args{"Source": source, "Err": err}))
	}
	var notices []string
	for _, n := range srv.Notices() {
		notices = append(notices, n.Text(f.Loc))
	}
	if dir == "" {
		notices = append(notices, f.Loc.T("cli.sandbox.no_home", l10n.Args{"Env": SandboxDirEnv}))
	}
	return srv, notices, nil
}

// Command is an ims-wizard command line for the user to run next, against
// the same target as this connection: args, then the flags that chose the
// target (--sandbox, --sandbox-dir, --endpoint, --region, --cacert,
// --insecure), each argument shell-quoted where it needs to be.
func (c *Connection) Command(args ...string) string {
	return commandLine(c.program, append(args, c.repeat...))
}

// ForgetsOnExit: the target is a built-in sandbox whose state lasts this
// command only, so no later command reaches its images.
func (c *Connection) ForgetsOnExit() bool { return c.Target.Kind == "sandbox" && c.SandboxDir == "" }

// ServeCommand is the `ims-wizard sandbox` command that serves the
// built-in sandbox's state this command line would use, on SandboxAddr:
// where a dry run's curl for the sandbox goes.
func (f *ConnFlags) ServeCommand(env Env) string {
	args := []string{"sandbox"}
	if f.SandboxDir != "" {
		args = append(args, "--sandbox-dir", f.SandboxDir)
	}
	return commandLine(env.Program, args)
}

// SandboxCommand is an `ims-wizard sandbox …` command line on this
// connection's sandbox state.
func (c *Connection) SandboxCommand(args ...string) string {
	all := append([]string{"sandbox"}, args...)
	if c.sandboxDirChosen {
		all = append(all, "--sandbox-dir", c.SandboxDir)
	}
	return commandLine(c.program, all)
}

// commandLine is program (nil: "ims-wizard") with args, each shell-quoted.
func commandLine(program func() string, args []string) string {
	name := "ims-wizard"
	if program != nil {
		name = client.ShellArg(program())
	}
	quoted := make([]string, len(args))
	for i, a := range args {
		quoted[i] = client.ShellArg(a)
	}
	return strings.TrimSpace(name + " " + strings.Join(quoted, " "))
}

// ProgramName is how the user runs ims-wizard, for the commands it prints
// to run next: "ims-wizard" when it was started by that name, or when that
// name on PATH is this very program; else the path it was started by
// (bin/ims-wizard after make build: "ims-wizard upload …" would not be
// found), which runs from the same shell. A binary of go run is deleted
// when it ends: then "ims-wizard" too.
func ProgramName(arg0 string, lookPath func(string) (string, error), executable func() (string, error)) string {
	const name = "ims-wizard"
	if !strings.ContainsRune(arg0, filepath.Separator) {
		return name
	}
	self, err := executable()
	if err != nil {
		return name
	}
	if onPath, err := lookPath(name); err == nil {
		a, errA := os.Stat(onPath)
		b, errB := os.Stat(self)
		if errA == nil && errB == nil && os.SameFile(a, b) {
			return name
		}
	}
	if strings.Contains(self, string(filepath.Separator)+"go-build") {
		return name
	}
	return arg0
}

// repeatFlags are the flags that make a later command reach the same
// target with the same TLS settings.
func (f *ConnFlags) repeatFlags(t Target, sandboxDir string, dirChosen bool) []string {
	var out []string
	switch t.Kind {
	case "sandbox":
		out = append(out, "--sandbox")
		if dirChosen {
			out = append(out, "--sandbox-dir", sandboxDir)
		}
	case "endpoint":
		out = append(out, "--endpoint", f.Endpoint)
		if f.Region != "" {
			out = append(out, "--region", f.Region)
		}
	case "region":
		out = append(out, "--region", t.Region)
	}
	if f.CACert != "" {
		out = append(out, "--cacert", f.CACert)
	}
	if f.Insecure {
		out = append(out, "--insecure")
	}
	return out
}
