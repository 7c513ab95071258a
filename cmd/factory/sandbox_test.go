package factory

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"math/big"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestSandboxStateDirPrecedence(t *testing.T) {
	cases := []struct {
		name   string
		flag   string
		vars   map[string]string
		home   string
		want   string
		chosen bool
	}{
		{"flag wins", "/flag", map[string]string{SandboxDirEnv: "/env", "XDG_STATE_HOME": "/xdg"}, "/home/u", "/flag", true},
		{"then the variable", "", map[string]string{SandboxDirEnv: "/env", "XDG_STATE_HOME": "/xdg"}, "/home/u", "/env", true},
		{"then XDG_STATE_HOME", "", map[string]string{"XDG_STATE_HOME": "/xdg"}, "/home/u", "/xdg/ims-wizard/sandbox", false},
		{"a relative XDG_STATE_HOME is ignored", "", map[string]string{"XDG_STATE_HOME": "rel"}, "/home/u", "/home/u/.local/state/ims-wizard/sandbox", false},
		{"then the home", "", nil, "/home/u", "/home/u/.local/state/ims-wizard/sandbox", false},
		{"no home: none", "", nil, "", "", false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := &ConnFlags{SandboxDir: tc.flag}
			env := envOf(tc.vars)
			env.HomeDir = tc.home
			got, chosen := f.SandboxStateDir(env)
			if got != filepath.FromSlash(tc.want) || chosen != tc.chosen {
				t.Errorf("= %q %v, want %q %v", got, chosen, tc.want, tc.chosen)
			}
		})
	}
}

func TestCommandRepeatsTheTarget(t *testing.T) {
	dir := t.TempDir()
	ca := filepath.Join(t.TempDir(), "ca dir", "ca.pem")
	os.MkdirAll(filepath.Dir(ca), 0o700)
	os.WriteFile(ca, []byte(testCA), 0o600)
	cases := []struct {
		name  string
		flags ConnFlags
		vars  map[string]string
		want  string
	}{
		{"default sandbox", ConnFlags{}, map[string]string{SandboxDirEnv: ""}, "ims-wizard upload 'a b' FILE --sandbox"},
		{"chosen state", ConnFlags{SandboxDir: dir}, nil, "ims-wizard upload 'a b' FILE --sandbox --sandbox-dir " + dir},
		{"endpoint with TLS flags", ConnFlags{Endpoint: "https://glance:9292", CACert: ca, Insecure: true}, nil,
			"ims-wizard upload 'a b' FILE --endpoint https://glance:9292 --cacert '" + ca + "' --insecure"},
		{"region", ConnFlags{}, map[string]string{"OS_AUTH_TOKEN": "t", "OS_REGION_NAME": "cn-north-4"}, "ims-wizard upload 'a b' FILE --region cn-north-4"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			env := envOf(tc.vars)
			env.HomeDir = t.TempDir()
			conn, err := tc.flags.Connect(env, nil)
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			if got := conn.Command("upload", "a b", "FILE"); got != tc.want {
				t.Errorf("Command = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestSandboxNoticesSayWhereImagesPersist(t *testing.T) {
	dir := t.TempDir()
	conn, err := (&ConnFlags{Sandbox: true, SandboxDir: dir}).Connect(envOf(nil), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if n := strings.Join(conn.Notices, "\n"); !strings.Contains(n, "persist in "+dir) || !strings.Contains(n, "ims-wizard sandbox reset --sandbox-dir "+dir) {
		t.Errorf("notices = %q", n)
	}
	if conn.SandboxDir != dir || conn.SandboxCommand("list") != "ims-wizard sandbox list --sandbox-dir "+dir {
		t.Errorf("SandboxDir %q, SandboxCommand %q", conn.SandboxDir, conn.SandboxCommand("list"))
	}
	if _, err := (&ConnFlags{Sandbox: true, SandboxDir: dir}).Connect(envOf(map[string]string{SandboxFailEnv: "nonsense"}), nil); err == nil {
		t.Error("a bad " + SandboxFailEnv + " was accepted")
	}
}

// testCA is a self-signed certificate, for --cacert to accept.
var testCA = func() string {
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "test CA"},
		NotBefore: time.Now(), NotAfter: time.Now().Add(time.Hour), IsCA: true, BasicConstraintsValid: true}
	der, _ := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	return string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}))
}()

// An unusable default state still gives a working sandbox, for the command
// only, and says so; a chosen one that cannot be used is an error.
func TestUnusableSandboxState(t *testing.T) {
	home := t.TempDir()
	state := filepath.Join(home, ".local", "state", "ims-wizard", "sandbox")
	os.MkdirAll(state, 0o700)
	os.WriteFile(filepath.Join(state, "not-a-state"), []byte("x"), 0o600)
	env := envOf(nil)
	env.HomeDir = home
	conn, err := (&ConnFlags{Sandbox: true}).Connect(env, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if n := strings.Join(conn.Notices, "\n"); !strings.Contains(n, "for this command only") || !strings.Contains(n, state) || conn.SandboxDir != "" {
		t.Errorf("notices = %q, dir %q", n, conn.SandboxDir)
	}
	if _, err := (&ConnFlags{Sandbox: true, SandboxDir: state}).Connect(env, nil); err == nil || !strings.Contains(err.Error(), "--sandbox-dir") {
		t.Errorf("a chosen unusable state: %v", err)
	}
}

func TestProgramName(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	self := filepath.Join(dir, "bin", "ims-wizard")
	other := filepath.Join(dir, "other", "ims-wizard")
	for _, p := range []string{self, other} {
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(p), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	found := func(p string) func(string) (string, error) {
		return func(string) (string, error) {
			if p == "" {
				return "", exec.ErrNotFound
			}
			return p, nil
		}
	}
	is := func(p string) func() (string, error) { return func() (string, error) { return p, nil } }
	for _, tc := range []struct {
		name, arg0 string
		look       func(string) (string, error)
		exe        func() (string, error)
		want       string
	}{
		{"started by name", "ims-wizard", found(""), is(self), "ims-wizard"},
		{"bin/ims-wizard, not installed", "bin/ims-wizard", found(""), is(self), "bin/ims-wizard"},
		{"bin/ims-wizard, that one installed", "bin/ims-wizard", found(self), is(self), "ims-wizard"},
		{"another ims-wizard on PATH", "./bin/ims-wizard", found(other), is(self), "./bin/ims-wizard"},
		{"go run", "/tmp/go-build123/b001/exe/ims-wizard", found(""), is("/tmp/go-build123/b001/exe/ims-wizard"), "ims-wizard"},
		{"no executable", "bin/ims-wizard", found(""), func() (string, error) { return "", errors.New("unknown") }, "ims-wizard"},
	} {
		if got := ProgramName(tc.arg0, tc.look, tc.exe); got != tc.want {
			t.Errorf("%s: ProgramName(%q) = %q, want %q", tc.name, tc.arg0, got, tc.want)
		}
	}
}
