package main

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/ims-wizard/ims-wizard/client/sandbox"
)

// readAll reads a request body and puts it back for the next handler.
func readAll(r *http.Request) string {
	b, _ := io.ReadAll(r.Body)
	r.Body = io.NopCloser(bytes.NewReader(b))
	return string(b)
}

func secret(t *testing.T) string {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return "S3CR3T" + hex.EncodeToString(b)
}

// No credential reaches stdout or stderr, whatever the mode (--debug,
// --dry-run, text, json, errors), for every kind of auth, over many
// generated secrets. The server echoes credentials back in headers, as a
// careless proxy might. The first round runs the built binary (what a
// library writing to the real stdout or stderr would show), the others
// run in-process.
func TestNoSecretInAnyOutput(t *testing.T) {
	t.Parallel()
	var issued atomic.Value // the token IAM hands out, new each round
	iam := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Subject-Token", issued.Load().(string))
		w.WriteHeader(201)
	}))
	defer iam.Close()
	sb := sandbox.New(sandbox.Options{})
	echo := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Subject-Token", r.Header.Get("X-Auth-Token"))
		w.Header().Set("Set-Cookie", "t="+r.Header.Get("X-Auth-Token"))
		if r.Method == http.MethodPost && strings.Contains(readAll(r), `"name": "fail"`) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(401) // the error path, echoing the credentials in its body
			fmt.Fprintf(w, `{"error":{"code":"APIG.0301","message":"bad token %s / %s"}}`, r.Header.Get("X-Auth-Token"), r.Header.Get("Authorization"))
			return
		}
		sb.ServeHTTP(w, r)
	}))
	defer echo.Close()

	for i := 0; i < 8; i++ {
		runner := runInProcess
		if i == 0 {
			runner = runCLI
		}
		sk, token, password, secTok := secret(t), secret(t), secret(t), secret(t)
		issuedToken := secret(t)
		issued.Store(issuedToken)
		secrets := []string{sk, token, password, secTok, issuedToken}
		envs := map[string][]string{
			"aksk":     {"HUAWEICLOUD_SDK_AK=AKTEST" + sk[6:12], "HUAWEICLOUD_SDK_SK=" + sk, "HUAWEICLOUD_SDK_SECURITY_TOKEN=" + secTok, "HUAWEICLOUD_SDK_PROJECT_ID=p"},
			"token":    {"OS_AUTH_TOKEN=" + token},
			"password": {"OS_USERNAME=alice", "OS_PASSWORD=" + password, "OS_USER_DOMAIN_NAME=acct", "OS_PROJECT_NAME=cn-north-4", "OS_AUTH_URL=" + iam.URL + "/v3"},
		}
		for kind, vars := range envs {
			runs := [][]string{
				{"--yes", "--debug", "--name", "s", "--endpoint", echo.URL},
				{"--yes", "--debug", "--name", "s", "--endpoint", echo.URL, "-o", "json"},
				{"--dry-run", "--name", "s", "--region", "cn-north-4"},
				{"--dry-run", "--debug", "--name", "s", "--endpoint", echo.URL, "-o", "json"},
				{"--yes", "--debug", "--name", "s", "--endpoint", "http://127.0.0.1:1"},
				{"--yes", "--name", "", "--endpoint", echo.URL},
				{"--yes", "--debug", "--name", "fail", "--endpoint", echo.URL},
			}
			for _, args := range runs {
				r := runner(t, cleanEnv(t, vars...), args...)
				for _, s := range secrets {
					if strings.Contains(r.stdout, s) || strings.Contains(r.stderr, s) {
						t.Fatalf("%s %v leaked a secret (exit %d):\nstdout %s\nstderr %s", kind, args, r.code, r.stdout, r.stderr)
					}
				}
				if args[0] == "--yes" && args[1] == "--debug" && args[5] == echo.URL && !strings.Contains(r.stderr, "[REDACTED]") {
					t.Fatalf("%s: the debug trace shows no redaction marker:\n%s", kind, r.stderr)
				}
			}
		}
	}
}

// otherOrigin listens on 127.0.0.2 (Linux answers all of 127/8): another
// origin than the hostile server on 127.0.0.1. Nothing may reach it.
func otherOrigin(t *testing.T) (url string, seen func() []string) {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.2:0")
	if err != nil {
		t.Skipf("cannot listen on 127.0.0.2: %v", err)
	}
	var mu sync.Mutex
	var got []string
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		got = append(got, fmt.Sprintf("%s %s %v %s", r.Method, r.URL, r.Header, readAll(r)))
		mu.Unlock()
		w.WriteHeader(201)
		io.WriteString(w, `{"id":"stolen","name":"x","status":"queued"}`)
	})}
	go srv.Serve(l)
	t.Cleanup(func() { srv.Close() })
	return "http://" + l.Addr().String(), func() []string { mu.Lock(); defer mu.Unlock(); return append([]string(nil), got...) }
}

// A create answered 307 (and the IAM login, and the upload) is not
// re-sent to the Location with the credentials: exit 3, the Location named.
// Before: re-POSTed with X-Auth-Token, "Created image … on endpoint <the
// first host>", exit 0.
func TestRedirectsNeverForwardCredentials(t *testing.T) {
	t.Parallel()
	other, seen := otherOrigin(t)
	hostile := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		readAll(r)
		w.Header().Set("Location", other+r.URL.Path)
		w.WriteHeader(307)
	}))
	defer hostile.Close()
	file := filepath.Join(t.TempDir(), "disk.raw")
	os.WriteFile(file, bytes.Repeat([]byte("d"), 1024), 0o600)
	envs := map[string][]string{
		"token":    {"OS_AUTH_TOKEN=tok-" + secret(t)},
		"aksk":     {"HUAWEICLOUD_SDK_AK=AKTESTAKTEST", "HUAWEICLOUD_SDK_SK=" + secret(t), "HUAWEICLOUD_SDK_SECURITY_TOKEN=" + secret(t)},
		"password": {"OS_USERNAME=alice", "OS_PASSWORD=" + secret(t), "OS_USER_DOMAIN_NAME=acct", "OS_PROJECT_NAME=p", "OS_AUTH_URL=" + hostile.URL + "/v3"},
	}
	for kind, vars := range envs {
		for _, args := range [][]string{
			{"--yes", "--name", "x", "--endpoint", hostile.URL},
			{"upload", "img", file, "--endpoint", hostile.URL},
		} {
			runner := runInProcess
			if kind == "token" { // one kind end to end, on the built binary
				runner = runCLI
			}
			r := runner(t, cleanEnv(t, vars...), args...)
			noPanic(t, r)
			if r.code != 3 || !strings.Contains(r.stderr, "redirect to "+other) || !strings.Contains(r.stderr, "not followed") || strings.Contains(r.stdout, "stolen") {
				t.Fatalf("%s %v: exit %d\nstdout %s\nstderr %s", kind, args, r.code, r.stdout, r.stderr)
			}
		}
	}
	if got := seen(); len(got) > 0 {
		t.Fatalf("the other origin received:\n%s", strings.Join(got, "\n"))
	}
}

// IAM echoing the password back in error.code, X-Request-Id and the
// message (JSON-escaped with \u003c, in markup): none of it shows.
func TestLoginErrorEchoingThePasswordShowsNone(t *testing.T) {
	t.Parallel()
	password := "pw<" + secret(t) + ">&'x"
	iam := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var body struct {
			Auth struct {
				Identity struct {
					Password struct {
						User struct{ Password string } `json:"user"`
					} `json:"password"`
				} `json:"identity"`
			} `json:"auth"`
		}
		json.NewDecoder(r.Body).Decode(&body)
		pw := body.Auth.Identity.Password.User.Password
		code, _ := json.Marshal(pw) // \u003c, \u003e, \u0026
		msg, _ := json.Marshal("wrong password <b>" + pw + "</b>")
		w.Header().Set("X-Request-Id", pw)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(401)
		fmt.Fprintf(w, `{"error":{"code":%s,"message":%s}}`, code, msg)
	}))
	defer iam.Close()
	escaped, _ := json.Marshal(password)
	forms := []string{password, strings.Trim(string(escaped), `"`), secretPart(password)}
	vars := []string{"OS_USERNAME=alice", "OS_PASSWORD=" + password, "OS_USER_DOMAIN_NAME=acct", "OS_PROJECT_NAME=p", "OS_AUTH_URL=" + iam.URL + "/v3"}
	for i, args := range [][]string{{"--yes", "--name", "x", "--endpoint", "http://127.0.0.1:1"}, {"--yes", "--debug", "--name", "x", "--endpoint", "http://127.0.0.1:1"}} {
		runner := runInProcess
		if i == 1 { // --debug end to end, on the built binary
			runner = runCLI
		}
		r := runner(t, cleanEnv(t, vars...), args...)
		if r.code != 3 || !strings.Contains(r.stderr, "401") {
			t.Fatalf("exit %d\n%s", r.code, r.stderr)
		}
		for _, f := range forms {
			if strings.Contains(r.stderr, f) || strings.Contains(r.stdout, f) {
				t.Fatalf("%v shows the password (as %q):\n%s", args, f, r.stderr)
			}
		}
	}
}

// secretPart is the random part of a secret built by secret().
func secretPart(s string) string {
	i := strings.Index(s, "S3CR3T")
	return s[i : i+len("S3CR3T")+32]
}

// A password in the endpoint URL is refused (exit 2) before it can show in
// the POST line, the summary, --debug, --dry-run or the curl equivalent.
func TestPasswordInEndpointIsRefused(t *testing.T) {
	t.Parallel()
	pw := secret(t)
	file := filepath.Join(t.TempDir(), "disk.raw")
	os.WriteFile(file, []byte("d"), 0o600)
	endpoint := "http://alice:" + pw + "@127.0.0.1:9/"
	for _, args := range [][]string{
		{"--yes", "--name", "x", "--endpoint", endpoint},
		{"--yes", "--debug", "--name", "x", "--endpoint", endpoint},
		{"--dry-run", "--name", "x", "--endpoint", endpoint},
		{"upload", "img", file, "--endpoint", endpoint},
	} {
		runner := runInProcess
		if args[0] == "upload" { // the upload end to end, on the built binary
			runner = runCLI
		}
		r := runner(t, cleanEnv(t), args...)
		if r.code != 2 || !strings.Contains(r.stderr, "--endpoint") || !strings.Contains(r.stderr, "OS_AUTH_TOKEN") ||
			strings.Contains(r.stderr+r.stdout, pw) {
			t.Fatalf("%v: exit %d\nstdout %s\nstderr %s", args, r.code, r.stdout, r.stderr)
		}
	}
}
