package main

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
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
// careless proxy might.
func TestNoSecretInAnyOutput(t *testing.T) {
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
				r := runCLI(t, cleanEnv(t, vars...), args...)
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
