package factory

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/ims-wizard/ims-wizard/client"
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
}

// Register adds the connection flags to a flag set.
func (f *ConnFlags) Register(fs *pflag.FlagSet) {
	fs.StringVar(&f.Region, "region", "", "Huawei Cloud region id, e.g. cn-north-4 (default $OS_REGION_NAME)")
	fs.StringVar(&f.Endpoint, "endpoint", "", "API base URL, e.g. https://ims.cn-north-4.myhuaweicloud.com or a Glance URL")
	fs.BoolVar(&f.Sandbox, "sandbox", false, "use the built-in IMS sandbox (the default when nothing is configured)")
	fs.StringVar(&f.SandboxDir, "sandbox-dir", "", "where the built-in sandbox keeps its images (default $"+SandboxDirEnv+", else $XDG_STATE_HOME/ims-wizard/sandbox)")
	f.Timeout = client.DefaultTimeout
	fs.Var((*positiveDuration)(&f.Timeout), "timeout", "time limit for each API call (positive)")
	fs.StringVar(&f.CACert, "cacert", "", "PEM file of a CA to trust for the endpoint's certificate")
	fs.BoolVar(&f.Insecure, "insecure", false, "skip TLS certificate verification (test servers only)")
	fs.BoolVar(&f.Debug, "debug", false, "trace HTTP requests and responses on stderr (secrets redacted)")
}

// Env is the process environment and home directory; tests replace them.
type Env struct {
	Getenv  func(string) string
	HomeDir string
	// AskPassword asks for the IAM password, masked, when OS_USERNAME is set
	// without OS_PASSWORD; nil when there is no terminal to ask on.
	AskPassword func(user string) (string, error)
}

// SystemEnv is the real environment.
func SystemEnv() Env {
	home, _ := os.UserHomeDir()
	return Env{Getenv: os.Getenv, HomeDir: home}
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
	repeat           []string // flags that reach this target again, for Command
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
	if f.Endpoint != "" {
		if p := client.CheckEndpoint("--endpoint", f.Endpoint); p != nil {
			return Target{}, nil, nil, exitcode.Usage(p)
		}
	}
	if f.Sandbox {
		if f.Endpoint != "" || f.Region != "" {
			return Target{}, nil, nil, exitcode.Usage(errors.New("--sandbox cannot be combined with --endpoint or --region"))
		}
		return sandboxTarget(), client.NoAuth{Source: "sandbox"}, []string{"Using the built-in IMS sandbox (--sandbox): nothing is sent to Huawei Cloud."}, nil
	}
	region := f.Region
	regionSource := "--region"
	if region == "" {
		region = env.Getenv("OS_REGION_NAME")
		regionSource = "OS_REGION_NAME"
	}
	var notices []string
	authEnv := client.AuthEnv{Getenv: env.Getenv, HomeDir: env.HomeDir, Region: region,
		Warn: func(w string) { notices = append(notices, w) }}
	auth, authErr := client.ResolveAuth(authEnv)
	if errors.Is(authErr, client.ErrPasswordMissing) && env.AskPassword != nil {
		auth, authErr = resolveWithAskedPassword(env, authEnv)
	}
	noCreds := errors.Is(authErr, client.ErrNoCredentials)
	switch {
	case errors.Is(authErr, exitcode.ErrInterrupted):
		return Target{}, nil, nil, exitcode.Reported(exitcode.Interrupted, authErr)
	case authErr != nil && !noCreds:
		return Target{}, nil, nil, exitcode.Usage(fmt.Errorf("credentials: %w", authErr))
	}
	if f.Insecure {
		notices = append(notices, "TLS certificate verification is OFF (--insecure): use this only with a test server.")
	}
	switch {
	case f.Endpoint != "":
		if noCreds {
			auth = client.NoAuth{Source: "no credentials configured"}
		}
		return Target{Kind: "endpoint", Label: "endpoint " + f.Endpoint, Endpoint: f.Endpoint, Region: region}, auth, notices, nil
	case noCreds:
		msg := "Using the built-in IMS sandbox: no credentials and no --endpoint are configured, so nothing is sent to Huawei Cloud."
		if region != "" {
			msg += fmt.Sprintf(" (Region %s from %s needs credentials: see README, Configuration.)", region, regionSource)
		}
		return sandboxTarget(), client.NoAuth{Source: "sandbox"}, append(notices, msg), nil
	case region == "":
		return Target{}, nil, nil, exitcode.Usage(fmt.Errorf("%s credentials found (%s) but no region: pass --region (e.g. cn-north-4) or set OS_REGION_NAME, or give --endpoint", auth.Info().Kind, auth.Info().Source))
	}
	endpoint, err := client.EndpointForRegion(region)
	if err != nil {
		return Target{}, nil, nil, exitcode.Usage(fmt.Errorf("%s: %w", regionSource, err))
	}
	return Target{Kind: "region", Label: "region " + region, Endpoint: endpoint, Region: region}, auth, notices, nil
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
		p.Source = "OS_USERNAME, password typed at the prompt"
	}
	return a, err
}

// SandboxAddr is where a dry run says the sandbox would listen; the embedded
// one takes any free loopback port.
const SandboxAddr = "127.0.0.1:9292"

func sandboxTarget() Target {
	return Target{Kind: "sandbox", Label: "built-in sandbox", Endpoint: "http://" + SandboxAddr}
}

// Connect resolves the plan and builds the client, starting the embedded
// sandbox when that is the target.
func (f *ConnFlags) Connect(env Env, debug io.Writer) (*Connection, error) {
	target, auth, notices, err := f.Plan(env)
	if err != nil {
		return nil, err
	}
	conn := &Connection{Target: target, Auth: auth.Info(), Notices: notices}
	if target.Kind == "sandbox" {
		faults, err := sandboxFaults(env)
		if err != nil {
			return nil, err
		}
		srv, said, err := f.OpenSandbox(env, sandbox.Options{Faults: faults})
		if _, chosen := f.SandboxStateDir(env); err != nil && !chosen {
			// The default place is unusable (a read-only home, say): the
			// sandbox still works, for this command only, and says so.
			said = []string{fmt.Sprintf("Could not use %v; the sandbox's images last for this command only (choose a directory with --sandbox-dir).", err)}
			srv, err = sandbox.Open(sandbox.Options{Faults: faults})
		}
		if err != nil {
			return nil, err
		}
		url, err := srv.Start("127.0.0.1:0")
		if err != nil {
			return nil, fmt.Errorf("starting the built-in sandbox: %w", err)
		}
		conn.Target.Endpoint = url
		conn.Target.Label = "built-in sandbox (" + url + ")"
		conn.close = func() { _ = srv.Close() }
		_, chosen := f.SandboxStateDir(env)
		conn.SandboxDir, conn.sandboxDirChosen = srv.Dir(), chosen
		conn.Notices = append(conn.Notices, said...)
		if srv.Dir() != "" {
			conn.Notices = append(conn.Notices, fmt.Sprintf("Sandbox images persist in %s (empty it with: %s).", srv.Dir(), conn.SandboxCommand("reset")))
		}
	} else {
		// The in-process sandbox gets a new port each run: a cached list
		// of it would never be read again, so it is read live each time.
		conn.osCache = OSCache(env)
	}
	conn.repeat = f.repeatFlags(conn.Target, conn.SandboxDir, conn.sandboxDirChosen)
	cfg := client.Config{Endpoint: conn.Target.Endpoint, Timeout: f.Timeout, CACertFile: f.CACert, Insecure: f.Insecure, Auth: auth}
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

// CatalogFailed explains an error of Catalog on w (a Ctrl+C needs no
// explanation) and returns it with its exit code.
func CatalogFailed(w io.Writer, err error) error {
	var done *exitcode.Error
	if errors.As(err, &done) && done.Reported {
		return err
	}
	ExplainError(w, err)
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
		return errors.New(p.Text(nil))
	}
	*d = positiveDuration(v)
	return nil
}
