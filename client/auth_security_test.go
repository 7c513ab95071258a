package client

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// A credential pasted with its line break is a usage problem naming the
// variable (never printing the value): before, it failed as "connection
// lost" when Go refused the header.
func TestCredentialWithALineBreakIsRefused(t *testing.T) {
	t.Parallel()
	for _, k := range []string{"OS_AUTH_TOKEN", "HUAWEICLOUD_SDK_SK", "HUAWEICLOUD_SDK_SECURITY_TOKEN"} {
		vars := map[string]string{"HUAWEICLOUD_SDK_AK": "ak", "HUAWEICLOUD_SDK_SK": "sk", k: "secret-value\n"}
		if k == "OS_AUTH_TOKEN" {
			vars = map[string]string{k: "secret-value\r\n"}
		}
		_, err := ResolveAuth(AuthEnv{Getenv: env(vars)})
		var p *Problem
		if !errors.As(err, &p) || p.Field != k || !strings.Contains(err.Error(), k) || strings.Contains(err.Error(), "secret-value") {
			t.Errorf("%s: %v", k, err)
		}
	}
}

// A credentials file that cannot be read fails only a run that has no other
// credential: a token set, the run goes on.
func TestUnreadableCredentialsFileFailsOnlyWithoutOtherCredentials(t *testing.T) {
	t.Parallel()
	homes := map[string]func(home string){
		"symlink loop": func(home string) {
			os.Symlink(filepath.Join(home, ".huaweicloud"), filepath.Join(home, ".huaweicloud"))
		},
		"fifo": func(home string) {
			os.MkdirAll(filepath.Join(home, ".huaweicloud"), 0o700)
			syscall.Mkfifo(filepath.Join(home, ".huaweicloud", "credentials"), 0o600)
		},
		"link to /dev/zero": func(home string) {
			os.MkdirAll(filepath.Join(home, ".huaweicloud"), 0o700)
			os.Symlink("/dev/zero", filepath.Join(home, ".huaweicloud", "credentials"))
		},
	}
	if os.Geteuid() != 0 { // root reads everything
		homes["unreadable HOME"] = func(home string) {
			os.MkdirAll(filepath.Join(home, ".huaweicloud"), 0o700)
			os.Chmod(home, 0)
			t.Cleanup(func() { os.Chmod(home, 0o700) })
		}
	}
	for name, setUp := range homes {
		t.Run(name, func(t *testing.T) {
			home := filepath.Join(t.TempDir(), "home")
			os.Mkdir(home, 0o700)
			setUp(home)
			done := make(chan struct{})
			go func() {
				defer close(done)
				a, err := ResolveAuth(AuthEnv{Getenv: env(map[string]string{"OS_AUTH_TOKEN": "tok"}), HomeDir: home})
				if err != nil || a.Info().Kind != AuthToken {
					t.Errorf("with a token: %v %v", a, err)
				}
				if _, err := ResolveAuth(AuthEnv{Getenv: env(nil), HomeDir: home}); err == nil || errors.Is(err, ErrNoCredentials) {
					t.Errorf("with nothing else: %v, want the file's error", err)
				}
			}()
			select {
			case <-done:
			case <-time.After(10 * time.Second):
				t.Fatal("still reading the credentials file after 10s")
			}
		})
	}
}

func TestWorldReadableCredentialsFileIsWarned(t *testing.T) {
	t.Parallel()
	home := t.TempDir()
	path := filepath.Join(home, ".huaweicloud", "credentials")
	os.MkdirAll(filepath.Dir(path), 0o700)
	os.WriteFile(path, []byte("[basic]\nak = fileak\nsk = filesk\n"), 0o644)
	os.Chmod(path, 0o644)
	var warned []string
	a, err := ResolveAuth(AuthEnv{Getenv: env(nil), HomeDir: home, Warn: func(m Msg) { warned = append(warned, m.Text(nil)) }})
	if err != nil || a.Info().Kind != AuthAKSK || len(warned) != 1 || !strings.Contains(warned[0], "chmod 600") || !strings.Contains(warned[0], "0644") {
		t.Fatalf("%v %v %q", a, err, warned)
	}
	os.Chmod(path, 0o600)
	warned = nil
	if _, err := ResolveAuth(AuthEnv{Getenv: env(nil), HomeDir: home, Warn: func(m Msg) { warned = append(warned, m.Text(nil)) }}); err != nil || len(warned) != 0 {
		t.Fatalf("0600: %v %q", err, warned)
	}
}

// OS_AUTH_URL with a password in it is refused like --endpoint.
func TestAuthURLWithUserinfoIsRefused(t *testing.T) {
	t.Parallel()
	_, err := ResolveAuth(AuthEnv{Getenv: env(map[string]string{"OS_USERNAME": "u", "OS_PASSWORD": "p", "OS_USER_DOMAIN_NAME": "d",
		"OS_PROJECT_NAME": "x", "OS_AUTH_URL": "https://u:hunter22@iam.example/v3"})})
	if err == nil || !strings.Contains(err.Error(), "OS_AUTH_URL") || strings.Contains(err.Error(), "hunter22") {
		t.Fatalf("%v", err)
	}
}
