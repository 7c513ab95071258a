package factory

import (
	"context"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/ims-wizard/ims-wizard/client"
	"github.com/ims-wizard/ims-wizard/client/l10n"
	"github.com/ims-wizard/ims-wizard/client/sandbox"
	"github.com/ims-wizard/ims-wizard/cmd/exitcode"
	"github.com/spf13/pflag"
)

// ConnFlags are the connection flags shared by every command that talks to IMS.
type ConnFlags struct {
	Region     string
	Endpoint   string
	Sandbox    bool
	SandboxDir string // the built-in sandbox's state; see SandboxStateDir
	Timeout    time.Duration
	CACert     string
	Insecure   bool
	Debug      bool

	// Loc is the language of what the connection says (its notices, its
	// errors, the target's label); nil is English. cmd/root sets it.
	Loc *l10n.Localizer
	// Version is the program's version, for the client's User-Agent ("" is
	// client.DevVersion). cmd/root sets it from Deps.Version.
	Version string
}

// Register adds the connection flags to a flag set, described in f.Loc's
// language.
func (f *ConnFlags) Register(fs *pflag.FlagSet) {
	loc := f.Loc
	fs.StringVar(&f.Region, "region", "", loc.T("help.flag.region"))
	fs.StringVar(&f.Endpoint, "endpoint", "", loc.T("help.flag.endpoint"))
	fs.BoolVar(&f.Sandbox, "sandbox", false, loc.T("help.flag.sandbox"))
	fs.StringVar(&f.SandboxDir, "sandbox-dir", "", loc.T("help.flag.sandbox_dir", l10n.Args{"Env": SandboxDirEnv}))
	f.Timeout = client.DefaultTimeout
	fs.Var((*positiveDuration)(&f.Timeout), "timeout", loc.T("help.flag.timeout"))
	fs.StringVar(&f.CACert, "cacert", "", loc.T("help.flag.cacert"))
	fs.BoolVar(&f.Insecure, "insecure", false, loc.T("help.flag.insecure"))
	fs.BoolVar(&f.Debug, "debug", false, loc.T("help.flag.debug"))
}

// Env is the process environment and home directory; tests replace them.
type Env struct {
	Getenv  func(string) string
	HomeDir string
	// AskPassword asks for the IAM password, masked, when OS_USERNAME is set
	// without OS_PASSWORD; nil when there is no terminal to ask on.
	AskPassword func(user string) (string, error)
	// Program is how the user runs ims-wizard, for the commands it prints
	// (nil is "ims-wizard"): see ProgramName. A function, so that PATH is
	// looked at only when a command is printed, not at every start.
	Program func() string
}

// SystemEnv is the real environment.
func SystemEnv() Env {
	home, _ := os.UserHomeDir()
	return Env{Getenv: os.Getenv, HomeDir: home, Program: sync.OnceValue(func() string {
		return ProgramName(os.Args[0], exec.LookPath, os.Executable)
	})}
}

// Target says where requests go, for the user.
type Target struct {
	Kind     string // "sandbox", "region" or "endpoint"
	Label    string
	Endpoint string
	Region   string
}

// Connection is a ready client with what the user must be told about it.
type Connection struct {
	Client *client.Client
	Target Target
	Auth   client.AuthInfo
	// Notices are said once on stderr before any request: the sandbox in
	// use, TLS verification off.
	Notices []string
	// SandboxDir is the built-in sandbox's state directory, when it is
	// the target ("" for a state that lasts this command only).
	SandboxDir       string
	sandboxDirChosen bool
	repeat           []string      // flags that reach this target again, for Command
	program          func() string // Env.Program
	close            func()

	osCache client.OSListCache // where the target's live OS list is kept
	catalog *client.Catalog    // the OS catalogue, read once per connection
}

// Close stops the embedded sandbox, if one was started.
func (c *Connection) Close() {
	if c.close != nil {
		c.close()
	}
}

// Plan resolves target and credentials without any network I/O: it is what
// --dry-run shows and what Connect acts on.
func (f *ConnFlags) Plan(env Env) (Target, client.Authenticator, []string, error) {
	// The endpoint is checked here, the one place every command (and
	// --dry-run) goes through, before anything else.
	loc := f.Loc
	if f.Endpoint != "" {
		if p := client.CheckEndpoint("--endpoint", f.Endpoint); p != nil {
			return Target{}, nil, nil, exitcode.Usage(p)
		}
	}
	if f.Sandbox {
		if f.Endpoint != "" || f.Region != "" {
			return Target{}, nil, nil, exitcode.Usage(client.NewError(nil, "cli.conn.sandbox_combined"))
		}
		return f.sandboxTarget(), client.NoAuth{Source: client.SourceSandbox}, []string{loc.T("cli.conn.sandbox_flag")}, nil
	}
	region := f.Region
	regionSource := "--region"
	if region == "" {
		region = env.Getenv("OS_REGION_NAME")
		regionSource = "OS_REGION_NAME"
	}
	var notices []string
	authEnv := client.AuthEnv{Getenv: env.Getenv, HomeDir: env.HomeDir, Region: region,
		Warn: func(w client.Msg) { notices = append(notices, w.Text(loc)) }}
	auth, authErr := client.ResolveAuth(authEnv)
	if errors.Is(authErr, client.ErrPasswordMissing) && env.AskPassword != nil {
		auth, authErr = resolveWithAskedPassword(env, authEnv)
	}
	noCreds := errors.Is(authErr, client.ErrNoCredentials)
	switch {
	case errors.Is(authErr, exitcode.ErrInterrupted):
		return Target{}, nil, nil, exitcode.Reported(exitcode.Interrupted, authErr)
	case authErr != nil && !noCreds:
		return Target{}, nil, nil, exitcode.Usage(client.NewError(authErr, "cli.conn.credentials", l10n.Args{"Err": authErr}))
	}
	if f.Insecure {
		notices = append(notices, loc.T("cli.conn.insecure"))
	}
	switch {
	case f.Endpoint != "":
		if noCreds {
			auth = client.NoAuth{Source: client.SourceNone}
		}
		return Target{Kind: "endpoint", Label: loc.T("cli.target.endpoint", l10n.Args{"Endpoint": client.Inert(f.Endpoint)}),
			Endpoint: f.Endpoint, Region: region}, auth, notices, nil
	case noCreds:
		msg := loc.T("cli.conn.sandbox_default")
		if region != "" {
			msg = loc.T("cli.conn.sandbox_default_region", l10n.Args{"Region": client.Inert(region), "Source": regionSource})
		}
		return f.sandboxTarget(), client.NoAuth{Source: client.SourceSandbox}, append(notices, msg), nil
	case region == "":
		info := auth.Info()
		return Target{}, nil, nil, exitcode.Usage(client.NewError(nil, "cli.conn.no_region", l10n.Args{
			"Kind": client.AuthInfo{Kind: info.Kind}.Text(loc), "Source": client.Inert(info.Source)}))
	}
	endpoint, err := client.EndpointForRegion(region)
	if err != nil {
		return Target{}, nil, nil, exitcode.Usage(client.NewError(err, "cli.conn.region", l10n.Args{"Source": regionSource, "Err": err}))
	}
	return Target{Kind: "region", Label: loc.T("cli.target.region", l10n.Args{"Region": client.Inert(region)}),
		Endpoint: endpoint, Region: region}, auth, notices, nil
}

func resolveWithAskedPassword(env Env, authEnv client.AuthEnv) (client.Authenticator, error) {
	password, err := env.AskPassword(env.Getenv("OS_USERNAME"))
	if err != nil {
		return nil, err
	}
	if password == "" {
		return nil, client.ErrPasswordMissing
	}
	authEnv.Getenv = func(k string) string {
		if k == "OS_PASSWORD" {
			return password
		}
		return env.Getenv(k)
	}
	a, err := client.ResolveAuth(authEnv)
	if p, ok := a.(*client.PasswordAuth); ok {
		p.Source = client.SourcePasswordTyped
	}
	return a, err
}

// SandboxAddr is where a dry run says the sandbox would listen; the embedded
// one takes any free loopback port.
const SandboxAddr = "127.0.0.1:9292"

func (f *ConnFlags) sandboxTarget() Target {
	return Target{Kind: "sandbox", Label: f.Loc.T("cli.target.sandbox"), Endpoint: "http://" + SandboxAddr}
}

// Connect resolves the plan and builds the client, starting the embedded
// sandbox when that is the target.
func (f *ConnFlags) Connect(env Env, debug io.Writer) (*Connection, error) {
	target, auth, notices, err := f.Plan(env)
	if err != nil {
		return nil, err
	}
	conn := &Connection{Target: target, Auth: auth.Info(), Notices: notices, program: env.Program}
	if target.Kind == "sandbox" {
		faults, err := sandboxFaults(env)
		if err != nil {
			return nil, err
		}
		srv, said, err := f.OpenSandbox(env, sandbox.Options{Faults: faults})
		if _, chosen := f.SandboxStateDir(env); err != nil && !chosen {
			// The default place is unusable (a read-only home, say): the
			// sandbox still works, for this command only, and says so.
			said = []string{f.Loc.T("cli.conn.sandbox_unusable", l10n.Args{"Err": client.ErrorText(err, f.Loc)})}
			srv, err = sandbox.Open(sandbox.Options{Faults: faults})
		}
		if err != nil {
			return nil, err
		}
		url, err := srv.Start("127.0.0.1:0")
		if err != nil {
			return nil, client.NewError(err, "cli.conn.sandbox_start", l10n.Args{"Err": err})
		}
		conn.Target.Endpoint = url
		conn.Target.Label = f.Loc.T("cli.target.sandbox_at", l10n.Args{"URL": url})
		conn.close = func() { _ = srv.Close() }
		_, chosen := f.SandboxStateDir(env)
		conn.SandboxDir, conn.sandboxDirChosen = srv.Dir(), chosen
		conn.Notices = append(conn.Notices, said...)
		if srv.Dir() != "" {
			conn.Notices = append(conn.Notices, f.Loc.T("cli.conn.sandbox_persist", l10n.Args{"Dir": client.Inert(srv.Dir()), "Command": conn.SandboxCommand("reset")}))
		}
	} else {
		// The in-process sandbox gets a new port each run: a cached list
		// of it would never be read again, so it is read live each time.
		conn.osCache = OSCache(env)
	}
	conn.repeat = f.repeatFlags(conn.Target, conn.SandboxDir, conn.sandboxDirChosen)
	cfg := client.Config{Endpoint: conn.Target.Endpoint, Timeout: f.Timeout, CACertFile: f.CACert, Insecure: f.Insecure, Auth: auth,
		Version: f.Version}
	if f.Debug {
		cfg.Debug = debug
	}
	c, err := client.New(cfg)
	if err != nil {
		conn.Close()
		return nil, exitcode.Usage(err)
	}
	conn.Client = c
	return conn, nil
}

// Catalog is the OS catalogue for pickers and checks, read once per
// connection: the target's live list (cached on disk for a day) wherever it
// answers GET /v1/cloudimages/os_version, else the embedded catalogue; its
// Source says which, how old, or why not. The error is a Ctrl+C's or
// refused credentials (client.ResolveCatalog): see CatalogFailed.
func (c *Connection) Catalog(ctx context.Context) (*client.Catalog, error) {
	if c.catalog != nil {
		return c.catalog, nil
	}
	return c.readCatalog(ctx, false)
}

// RefreshCatalog is Catalog read from the target again, renewing the cache.
func (c *Connection) RefreshCatalog(ctx context.Context) (*client.Catalog, error) {
	return c.readCatalog(ctx, true)
}

func (c *Connection) readCatalog(ctx context.Context, refresh bool) (*client.Catalog, error) {
	cat, err := client.ResolveCatalog(ctx, c.Client, c.osCache, refresh)
	if ctx.Err() != nil {
		return nil, exitcode.Reported(exitcode.Interrupted, exitcode.ErrInterrupted)
	}
	if err != nil {
		return nil, err
	}
	cat.Source.Label = c.Target.Label // a fresh catalogue: ResolveCatalog never shares one
	c.catalog = cat
	return cat, nil
}

// CatalogFailed explains an error of Catalog on w in loc's language (a
// Ctrl+C needs no explanation) and returns it with its exit code.
func CatalogFailed(w io.Writer, loc *l10n.Localizer, err error) error {
	var done *exitcode.Error
	if errors.As(err, &done) && done.Reported {
		return err
	}
	Explain(w, loc, err)
	return exitcode.Reported(exitcode.Of(err), err)
}

// CachedCatalog is the OS catalogue of a run that sends nothing (a dry
// run): the target's cached live list while fresh, else the embedded one.
// The built-in sandbox serves the embedded catalogue, so that is its list.
func CachedCatalog(env Env, target Target) *client.Catalog {
	if target.Kind == "sandbox" {
		return client.EmbeddedCatalog()
	}
	cat := client.CachedCatalog(target.Endpoint, OSCache(env))
	cat.Source.Label = target.Label
	return cat
}

// OSCache is where live OS lists are kept: $XDG_CACHE_HOME/ims-wizard, else
// ~/.cache/ims-wizard (a relative XDG_CACHE_HOME is ignored, as the XDG
// spec says). With neither, nothing is cached.
func OSCache(env Env) client.OSListCache {
	base := env.Getenv("XDG_CACHE_HOME")
	if !filepath.IsAbs(base) {
		base = ""
		if env.HomeDir != "" {
			base = filepath.Join(env.HomeDir, ".cache")
		}
	}
	if base == "" {
		return client.OSListCache{}
	}
	return client.OSListCache{Dir: filepath.Join(base, "ims-wizard")}
}

// RefreshCommand is the command that renews the cached OS list of target,
// with the connection flags that reach it, quoted for a POSIX shell.
func (f *ConnFlags) RefreshCommand(target Target) string {
	args := []string{"ims-wizard", "os-versions", "--refresh"}
	switch target.Kind {
	case "region":
		args = append(args, "--region", target.Region)
	case "endpoint":
		args = append(args, "--endpoint", target.Endpoint)
	}
	if f.CACert != "" {
		args = append(args, "--cacert", f.CACert)
	}
	if f.Insecure {
		args = append(args, "--insecure")
	}
	for i, a := range args {
		args[i] = shellWord(a)
	}
	return strings.Join(args, " ")
}

// shellWord quotes a word for a POSIX shell when it needs it.
func shellWord(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./:=@,+") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// positiveDuration is a duration flag that refuses 0 and negative values
// when parsed (a usage error, exit 2): --timeout 0 or -1s would otherwise
// silently mean the default.
type positiveDuration time.Duration

func (d *positiveDuration) String() string { return time.Duration(*d).String() }
func (d *positiveDuration) Type() string   { return "duration" }

func (d *positiveDuration) Set(s string) error {
	v, err := time.ParseDuration(s)
	if err != nil {
		return err
	}
	if p := client.CheckTimeout("--timeout", v); p != nil {
		return p
	}
	*d = positiveDuration(v)
	return nil
}
