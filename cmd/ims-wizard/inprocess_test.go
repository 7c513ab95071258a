package main

import (
	"context"
	"github.com/ims-wizard/ims-wizard/client/clienttest"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/ims-wizard/ims-wizard/client"
	"github.com/ims-wizard/ims-wizard/cmd/factory"
	"github.com/ims-wizard/ims-wizard/cmd/root"
	"github.com/ims-wizard/ims-wizard/ui"
)

// inProcess is how runInProcess runs the program: what the built binary
// would get, without a process (no signals, no exit, no real terminal).
type inProcess struct {
	stdin string
	// tty makes stdin and stderr terminals, so that the wizard is called.
	tty bool
	// wizard stands in for the wizard (ui.Run); nil fails the test if the
	// program calls it.
	wizard func(context.Context, ui.Options) (*client.Result, error)
	// ctx, when set, is the run's context (cancel it to interrupt a
	// command that serves, such as ims-wizard sandbox).
	ctx context.Context
	// stdout, when set, receives stdout as it is written.
	stdout *syncBuffer
	// version is the program's version, as main passes it ("" as go test
	// builds it: dev).
	version string
}

// runInProcess runs the command line args in this process, through
// root.Run (the path Main takes, minus signals and os.Exit), with env as
// its whole environment (cleanEnv's, for instance) and HOME as its home.
// It is much faster than runCLI; use runCLI where signals, exit codes as
// the shell sees them, or the terminal matter.
func runInProcess(t *testing.T, env []string, args ...string) run {
	t.Helper()
	return runInProcessWith(t, inProcess{}, env, args...)
}

func runInProcessWith(t *testing.T, p inProcess, env []string, args ...string) run {
	t.Helper()
	vars := map[string]string{}
	for _, kv := range env {
		k, v, _ := strings.Cut(kv, "=")
		vars[k] = v
	}
	stdout := p.stdout
	if stdout == nil {
		stdout = &syncBuffer{}
	}
	var stderr syncBuffer
	io := &factory.IOStreams{In: strings.NewReader(p.stdin), Out: stdout, ErrOut: &stderr, InTTY: p.tty, ErrTTY: p.tty}
	wizard := p.wizard
	if wizard == nil {
		wizard = func(context.Context, ui.Options) (*client.Result, error) {
			t.Errorf("%v: the wizard was called", args)
			return nil, ui.ErrInterrupted
		}
	}
	deps := factory.Deps{
		IO:      io,
		Env:     factory.Env{Getenv: func(k string) string { return vars[k] }, HomeDir: vars["HOME"]},
		Conn:    &factory.ConnFlags{},
		Wizard:  wizard,
		Version: p.version,
	}
	ctx := p.ctx
	if ctx == nil {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(context.Background(), 60*time.Second)
		defer cancel()
	}
	code := root.Run(ctx, deps, args)
	return run{stdout.String(), stderr.String(), code}
}

// syncBuffer is a buffer safe to read while the program writes it.
type syncBuffer = clienttest.SyncBuffer

var loopbackPort = regexp.MustCompile(`127\.0\.0\.1:\d+`)

// The in-process path is the binary's: same output, same exit code.
func TestInProcessRunIsTheBinarysRun(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{
		{"--yes", "--name", "", "--min-disk", "5"},
		{"--dry-run", "--name", "demo", "--tag", "a=1"},
		{"--lang", "es", "os-versions", "--platform", "nada"},
		{"--nmae"},
	} {
		env := cleanEnv(t)
		bin, in := runCLI(t, env, args...), runInProcess(t, env, args...)
		for _, r := range []*run{&bin, &in} { // each run's sandbox listens on a port of its own
			r.stderr = loopbackPort.ReplaceAllString(r.stderr, "127.0.0.1:PORT")
		}
		if bin != in {
			t.Errorf("%q:\nbinary     %+v\nin process %+v", args, bin, in)
		}
	}
}

// The version main is given is what --version prints and what the client
// sends as User-Agent; a run given none says dev. Before, the version was a
// package variable of client, set by main: two runs in one process shared it.
func TestVersionComesFromTheDeps(t *testing.T) {
	t.Parallel()
	agents := make(chan string, 4)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost {
			agents <- r.Header.Get("User-Agent")
		}
		w.WriteHeader(500)
	}))
	defer srv.Close()
	for version, want := range map[string]string{"9.9.9-test": "9.9.9-test", "": "dev"} {
		p := inProcess{version: version}
		if r := runInProcessWith(t, p, cleanEnv(t), "--version"); r.code != 0 || r.stdout != "ims-wizard version "+want+"\n" {
			t.Errorf("version %q: --version printed %q (exit %d)", version, r.stdout, r.code)
		}
		if r := runInProcessWith(t, p, cleanEnv(t), "--yes", "--name", "x", "--endpoint", srv.URL); r.code != 3 {
			t.Fatalf("version %q: exit %d\n%s", version, r.code, r.stderr)
		}
		if got := <-agents; got != "ims-wizard/"+want {
			t.Errorf("version %q: User-Agent %q, want ims-wizard/%s", version, got, want)
		}
	}
}
