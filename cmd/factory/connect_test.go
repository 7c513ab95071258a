package factory

import (
	"strings"
	"testing"

	"github.com/ims-wizard/ims-wizard/client"
	"github.com/ims-wizard/ims-wizard/cmd/exitcode"
)

func envOf(m map[string]string) Env {
	return Env{Getenv: func(k string) string { return m[k] }}
}

func TestPlanPicksTargetAndSaysWhy(t *testing.T) {
	cases := []struct {
		name   string
		flags  ConnFlags
		vars   map[string]string
		kind   string
		auth   client.AuthKind
		notice string
		errHas string
	}{
		{"nothing configured", ConnFlags{}, nil, "sandbox", client.AuthNone, "no credentials and no --endpoint", ""},
		{"explicit sandbox", ConnFlags{Sandbox: true}, map[string]string{"OS_AUTH_TOKEN": "t"}, "sandbox", client.AuthNone, "--sandbox", ""},
		{"sandbox with endpoint", ConnFlags{Sandbox: true, Endpoint: "http://x"}, nil, "", "", "", "cannot be combined"},
		{"endpoint without credentials", ConnFlags{Endpoint: "http://glance:9292"}, nil, "endpoint", client.AuthNone, "", ""},
		{"endpoint with token", ConnFlags{Endpoint: "http://glance:9292"}, map[string]string{"OS_AUTH_TOKEN": "t"}, "endpoint", client.AuthToken, "", ""},
		{"region with token", ConnFlags{Region: "cn-north-4"}, map[string]string{"OS_AUTH_TOKEN": "t"}, "region", client.AuthToken, "", ""},
		{"OS_REGION_NAME with AK/SK", ConnFlags{}, map[string]string{"OS_REGION_NAME": "ap-southeast-1", "HUAWEICLOUD_SDK_AK": "a", "HUAWEICLOUD_SDK_SK": "s"}, "region", client.AuthAKSK, "", ""},
		{"region without credentials", ConnFlags{Region: "cn-north-4"}, nil, "sandbox", client.AuthNone, "needs credentials", ""},
		{"credentials without region", ConnFlags{}, map[string]string{"OS_AUTH_TOKEN": "t"}, "", "", "", "no region"},
		{"unknown region", ConnFlags{Region: "mars-1"}, map[string]string{"OS_AUTH_TOKEN": "t"}, "", "", "", "mars-1"},
		{"insecure is said", ConnFlags{Endpoint: "https://x", Insecure: true}, nil, "endpoint", client.AuthNone, "verification is OFF", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			target, auth, notices, err := tc.flags.Plan(envOf(tc.vars))
			if tc.errHas != "" {
				if err == nil || !strings.Contains(err.Error(), tc.errHas) {
					t.Fatalf("want error with %q, got %v", tc.errHas, err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if target.Kind != tc.kind || auth.Info().Kind != tc.auth {
				t.Fatalf("got %+v %+v", target, auth.Info())
			}
			if tc.notice != "" && !strings.Contains(strings.Join(notices, "\n"), tc.notice) {
				t.Fatalf("notices %q lack %q", notices, tc.notice)
			}
		})
	}
}

func TestMissingPasswordIsAskedForOnATerminal(t *testing.T) {
	vars := map[string]string{"OS_USERNAME": "alice", "OS_USER_DOMAIN_NAME": "acct", "OS_REGION_NAME": "cn-north-4"}
	f := ConnFlags{}
	if _, _, _, err := f.Plan(envOf(vars)); err == nil || !strings.Contains(err.Error(), "OS_PASSWORD") {
		t.Fatalf("without a terminal: %v", err)
	}
	env := envOf(vars)
	var askedFor string
	env.AskPassword = func(user string) (string, error) { askedFor = user; return "typed-secret", nil }
	_, auth, _, err := f.Plan(env)
	if err != nil {
		t.Fatal(err)
	}
	p, ok := auth.(*client.PasswordAuth)
	if !ok || p.Password != "typed-secret" || askedFor != "alice" || !strings.Contains(p.Info().Source, "prompt") {
		t.Fatalf("got %#v asked %q", auth, askedFor)
	}
	if strings.Contains(p.Info().String(), "typed-secret") {
		t.Fatal("info shows the password")
	}
}

func TestPasswordPromptInterruptedExits130(t *testing.T) {
	env := envOf(map[string]string{"OS_USERNAME": "alice", "OS_USER_DOMAIN_NAME": "acct", "OS_REGION_NAME": "cn-north-4"})
	env.AskPassword = func(string) (string, error) { return "", exitcode.ErrInterrupted }
	_, _, _, err := (&ConnFlags{}).Plan(env)
	if exitcode.Of(err) != exitcode.Interrupted {
		t.Fatalf("exit %d for %v", exitcode.Of(err), err)
	}
}

func TestEnvFlag(t *testing.T) {
	for v, want := range map[string]bool{"": false, "0": false, "false": false, "No": false, "1": true, "true": true, "yes": true, "x": true} {
		if EnvFlag(v) != want {
			t.Errorf("EnvFlag(%q) != %v", v, want)
		}
	}
}

func TestDebugLogIsPrivateAndBesideTheDraft(t *testing.T) {
	state := t.TempDir()
	f, err := DebugLog(envOf(map[string]string{"XDG_STATE_HOME": state}))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	info, _ := f.Stat()
	if !strings.HasPrefix(f.Name(), state+"/ims-wizard/") || info.Mode().Perm() != 0o600 {
		t.Fatalf("%s %v", f.Name(), info.Mode())
	}
}
