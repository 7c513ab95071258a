package client_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	. "github.com/ims-wizard/ims-wizard/client"
	"github.com/ims-wizard/ims-wizard/client/sandbox"
)

// tokenHeader is the curl option the commands use for the token.
const tokenHeader = `-H @<(printf 'X-Auth-Token: %s\n' "$OS_AUTH_TOKEN")`

func TestCurlCommandShape(t *testing.T) {
	t.Parallel()
	body := SeedExample().Body()
	got := CurlCommand("http://127.0.0.1:9292/", AuthInfo{Kind: AuthNone}, body)
	if !strings.HasPrefix(got, "curl -sS -X POST 'http://127.0.0.1:9292/v2/images' \\\n") || strings.Contains(got, "X-Auth-Token") {
		t.Fatalf("got\n%s", got)
	}
	if !strings.Contains(got, string(body)) {
		t.Fatal("curl must carry the exact body")
	}
	got = CurlCommand("https://ims.x", AuthInfo{Kind: AuthAKSK}, body)
	if !strings.Contains(got, "curl cannot make them") || !strings.Contains(got, tokenHeader) {
		t.Fatalf("got\n%s", got)
	}
	// The token is never an argument of curl: only the variable's name is
	// written, inside printf's arguments.
	if strings.Contains(got, `-H "X-Auth-Token: $OS_AUTH_TOKEN"`) {
		t.Fatalf("the token would be on curl's command line:\n%s", got)
	}
}

// The printed commands run as printed, with bash, against a local server:
// the server receives the token as X-Auth-Token (and the exact body), and
// while curl waits for the answer no process on this machine has the token
// on its command line (what ps shows every user).
func TestPrintedCurlCommandsRunAndHideTheToken(t *testing.T) {
	t.Parallel()
	for _, tool := range []string{"bash", "curl"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s is not installed (make test installs curl): cannot run the printed command", tool)
		}
	}
	token := "tok-" + strings.ReplaceAll(t.Name(), "/", "-") + time.Now().Format("150405.000000000")
	sb := sandbox.New(sandbox.Options{})
	var mu sync.Mutex
	var got []string // "METHOD token-received on-a-command-line"
	var gotBody string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(b))
		mu.Lock()
		got = append(got, r.Method+" "+r.Header.Get("X-Auth-Token")+" "+onACommandLine(token))
		if r.Method == http.MethodPost {
			gotBody = string(b)
		}
		mu.Unlock()
		sb.ServeHTTP(w, r)
	}))
	defer srv.Close()

	auth := AuthInfo{Kind: AuthToken, Source: "OS_AUTH_TOKEN"}
	body := SeedExample().Body()
	out := runBash(t, CurlCommand(srv.URL, auth, body), token)
	var img map[string]any
	if err := json.Unmarshal(out, &img); err != nil || img["name"] != "test" || img["status"] != "queued" {
		t.Fatalf("the create did not run as printed: %v\n%s", err, out)
	}
	out = runBash(t, LookupCommand(srv.URL, auth, "test"), token)
	var list struct{ Images []map[string]any }
	if err := json.Unmarshal(out, &list); err != nil || len(list.Images) != 1 {
		t.Fatalf("the look-up did not run as printed: %v\n%s", err, out)
	}
	mu.Lock()
	want := []string{"POST " + token + " no", "GET " + token + " no"}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("the server saw:\n%s\nwant:\n%s", got, want)
	}
	if gotBody != string(body) {
		t.Fatalf("body %q, want %q", gotBody, body)
	}
	mu.Unlock()

	// Copied off a screen that indents every line (the wizard's review),
	// the command still runs and sends the same JSON: the indentation falls
	// inside the quoted body, as JSON white space.
	var indented []string
	for _, line := range strings.Split(CurlCommand(srv.URL, auth, body), "\n") {
		indented = append(indented, "  "+line)
	}
	runBash(t, strings.Join(indented, "\n"), token)
	mu.Lock()
	defer mu.Unlock()
	var sent, wantBody map[string]any
	if err := json.Unmarshal([]byte(gotBody), &sent); err != nil {
		t.Fatalf("the indented copy sent %q: %v", gotBody, err)
	}
	_ = json.Unmarshal(body, &wantBody)
	if !reflect.DeepEqual(sent, wantBody) {
		t.Fatalf("the indented copy sent %v, want %v", sent, wantBody)
	}
}

// runBash runs script with bash, OS_AUTH_TOKEN set, and returns its stdout.
func runBash(t *testing.T, script, token string) []byte {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, "bash", "-c", script)
	cmd.Env = append(os.Environ(), "OS_AUTH_TOKEN="+token)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%v\n%s\nscript:\n%s", err, stderr.String(), script)
	}
	return out
}

// onACommandLine is "yes" when a process's command line holds s, "no"
// otherwise, "?" where /proc cannot tell.
func onACommandLine(s string) string {
	procs, err := filepath.Glob("/proc/[0-9]*/cmdline")
	if err != nil || len(procs) == 0 {
		return "?"
	}
	for _, p := range procs {
		if b, err := os.ReadFile(p); err == nil && bytes.Contains(b, []byte(s)) {
			return "yes"
		}
	}
	return "no"
}
