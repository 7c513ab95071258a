package main

import (
	"bytes"
	"context"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/ims-wizard/ims-wizard/client"
	"github.com/ims-wizard/ims-wizard/client/sandbox"
)

// noPanic fails when the program crashed instead of explaining itself.
func noPanic(t *testing.T, r run) {
	t.Helper()
	if strings.Contains(r.stderr, "panic:") || strings.Contains(r.stderr, "goroutine ") {
		t.Fatalf("crashed:\n%s", r.stderr)
	}
}

// Each of the seed's error statuses (and 409, 413, 429) in each body shape
// seen in the field: the user gets the status, its meaning, the server's
// code and message without markup, the request id and what to do. Two
// cases run the built binary, the others in-process.
func TestErrorStatusesInEveryBodyShape(t *testing.T) {
	t.Parallel()
	shapes := []struct {
		name, ctype string
		body        func(code int) string
		serverCode  string
	}{
		{"ims", "application/json", func(int) string { return `{"error":{"code":"IMG.0001","message":"the server says no"}}` }, "IMG.0001"},
		{"gateway", "application/json", func(int) string {
			return `{"error_code":"APIG.0308","error_msg":"the server says no","request_id":"gw-rid"}`
		}, "APIG.0308"},
		{"glance", "application/json", func(code int) string {
			return fmt.Sprintf(`{"message": "the server says no<br /><br />\n\n\n", "code": "%d %s", "title": "%s"}`, code, http.StatusText(code), http.StatusText(code))
		}, ""},
		{"html", "text/html", func(code int) string {
			return fmt.Sprintf("<html><head><title>%d %s</title></head><body><h1>%d %s</h1>the server says no<br /><br /></body></html>", code, http.StatusText(code), code, http.StatusText(code))
		}, ""},
		{"text", "text/plain", func(int) string { return "the server says no\n" }, ""},
		{"empty", "", func(int) string { return "" }, ""},
	}
	for _, code := range []int{400, 401, 403, 404, 409, 413, 429, 500, 503} {
		for _, shape := range shapes {
			t.Run(fmt.Sprintf("%d %s", code, shape.name), func(t *testing.T) {
				t.Parallel()
				srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					if shape.ctype != "" {
						w.Header().Set("Content-Type", shape.ctype)
					}
					if shape.name != "gateway" {
						w.Header().Set("X-Request-Id", "rid-42")
					}
					if code == 429 {
						w.Header().Set("Retry-After", "7")
					}
					w.WriteHeader(code)
					io.WriteString(w, shape.body(code))
				}))
				defer srv.Close()
				runner := runInProcess
				if (code == 400 && shape.name == "ims") || (code == 503 && shape.name == "html") {
					runner = runCLI
				}
				r := runner(t, cleanEnv(t), "--yes", "--name", "x", "--endpoint", srv.URL)
				noPanic(t, r)
				want := 3
				if code == 503 {
					want = 4 // the image may or may not exist
				}
				if r.code != want {
					t.Fatalf("exit %d, want %d\n%s", r.code, want, r.stderr)
				}
				musts := []string{fmt.Sprintf("HTTP %d (%s)", code, client.StatusText(code)), "what to do: "}
				if shape.name != "empty" {
					musts = append(musts, "the server says no")
				}
				if shape.serverCode != "" {
					musts = append(musts, "code: "+shape.serverCode)
				}
				if shape.name == "gateway" {
					musts = append(musts, "request id: gw-rid")
				} else {
					musts = append(musts, "request id: rid-42")
				}
				if code == 429 {
					musts = append(musts, "wait 7s")
				}
				// The labels are padded to the longest one present.
				said := regexp.MustCompile(`: +`).ReplaceAllString(r.stderr, ": ")
				for _, m := range musts {
					if !strings.Contains(said, m) {
						t.Errorf("stderr lacks %q:\n%s", m, r.stderr)
					}
				}
				if strings.Contains(r.stderr, "<br") || strings.Contains(r.stderr, "<h1>") {
					t.Errorf("markup shown:\n%s", r.stderr)
				}
				if r.stdout != "" {
					t.Errorf("stdout should be empty on error: %q", r.stdout)
				}
			})
		}
	}
}

func TestCreatedWithUnreadableBody(t *testing.T) {
	t.Parallel()
	for name, body := range map[string]string{"empty": "", "truncated": `{"id": "abc", "name": "x", "sta`, "not json": "<html>Created</html>",
		// JSON, but no image: before, "Created image \"\"" and exit 0.
		"empty object": `{}`, "null": `null`, "wrapped": `{"image": {"id": "abc", "name": "x", "status": "queued"}}`,
		"oversized": `{"id": "abc", "pad": "` + strings.Repeat("x", 9<<20) + `"}`} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("X-Openstack-Request-Id", "req-201")
				w.WriteHeader(201)
				io.WriteString(w, body)
			}))
			defer srv.Close()
			runner := runInProcess
			if name == "truncated" { // end to end, on the built binary
				runner = runCLI
			}
			r := runner(t, cleanEnv(t), "--yes", "--name", "x", "--endpoint", srv.URL, "-o", "json")
			noPanic(t, r)
			// The image was probably created: an unknown outcome (exit 4)
			// with the look-up to run before creating again.
			if r.code != 4 || !strings.Contains(r.stderr, "the server answered 201 but") || !strings.Contains(r.stderr, "outcome is unknown") ||
				!strings.Contains(r.stderr, "/v2/images?name=x") || !strings.Contains(r.stderr, "req-201") || r.stdout != "" {
				t.Fatalf("exit %d\nstdout %q\nstderr %s", r.code, r.stdout, r.stderr)
			}
		})
	}
}

func TestOversizedErrorBodyIsCappedAndClear(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		w.WriteHeader(500)
		io.WriteString(w, "disk on fire "+strings.Repeat("z", 5<<20))
	}))
	defer srv.Close()
	r := runInProcess(t, cleanEnv(t), "--yes", "--name", "x", "--endpoint", srv.URL)
	noPanic(t, r)
	if r.code != 3 || !strings.Contains(r.stderr, "disk on fire") || !strings.Contains(r.stderr, "body cut at 64 KiB") || len(r.stderr) > 80<<10 {
		t.Fatalf("exit %d, %d bytes of stderr", r.code, len(r.stderr))
	}
}

func TestServerThatNeverAnswersTimesOut(t *testing.T) {
	t.Parallel()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			defer c.Close() // accept, read nothing, answer nothing
		}
	}()
	start := time.Now()
	r := runCLI(t, cleanEnv(t), "--yes", "--name", "hang", "--endpoint", "http://"+l.Addr().String(), "--timeout", "1s")
	elapsed := time.Since(start)
	noPanic(t, r)
	if r.code != 4 || !strings.Contains(r.stderr, "timed out") || !strings.Contains(r.stderr, "--timeout") {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	// The timeout must fire within a second of --timeout (process start included).
	if elapsed > 2*time.Second {
		t.Fatalf("took %s for --timeout 1s", elapsed)
	}
	if !strings.Contains(r.stderr, "outcome is unknown") || !strings.Contains(r.stderr, "/v2/images?name=hang") {
		t.Fatalf("a timeout after sending is ambiguous and must print the look-up:\n%s", r.stderr)
	}
}

// The worst case for duplicates: the server creates the image, then the
// connection drops before the answer. The CLI says the outcome is unknown
// (exit 4) and prints the look-up that finds exactly that image.
func TestCreatedThenConnectionDropped(t *testing.T) {
	t.Parallel()
	sb := sandbox.New(sandbox.Options{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			sb.ServeHTTP(w, r)
			return
		}
		sb.ServeHTTP(httptest.NewRecorder(), r) // the image is created...
		conn, _, err := w.(http.Hijacker).Hijack()
		if err == nil {
			conn.(*net.TCPConn).SetLinger(0) // ...and the answer is lost (RST)
			conn.Close()
		}
	}))
	defer srv.Close()
	name := uniqueName("dropped")
	r := runInProcess(t, cleanEnv(t), "--yes", "--name", name, "--endpoint", srv.URL)
	noPanic(t, r)
	if r.code != 4 || !strings.Contains(r.stderr, "connection lost") || !strings.Contains(r.stderr, "outcome is unknown") {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	lookup := client.LookupCommand(srv.URL, client.AuthInfo{Kind: client.AuthNone}, name)
	if !strings.Contains(r.stderr, lookup) {
		t.Fatalf("stderr lacks the look-up %q:\n%s", lookup, r.stderr)
	}
	c, _ := client.New(client.Config{Endpoint: srv.URL})
	found, err := c.FindRecent(context.Background(), name, time.Now().Add(-time.Minute))
	if err != nil || len(found) != 1 {
		t.Fatalf("want exactly the one created image, got %d (%v)", len(found), err)
	}
}

// On the built binary: in-process, the client would take the proxy of the
// test's own environment (Go reads HTTP(S)_PROXY from the process).
func TestDNSFailure(t *testing.T) {
	t.Parallel()
	r := runCLI(t, cleanEnv(t), "--yes", "--name", "x", "--endpoint", "https://ims.nowhere.invalid")
	noPanic(t, r)
	if r.code != 4 || !strings.Contains(r.stderr, "DNS lookup failed") || strings.Contains(r.stderr, "outcome is unknown") {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
}

func TestSelfSignedTLS(t *testing.T) {
	t.Parallel()
	srv := httptest.NewTLSServer(sandbox.New(sandbox.Options{}))
	defer srv.Close()
	r := runCLI(t, cleanEnv(t), "--yes", "--name", "tls", "--endpoint", srv.URL)
	noPanic(t, r)
	if r.code != 4 || !strings.Contains(r.stderr, "TLS handshake failed") || !strings.Contains(r.stderr, "--cacert") {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}

	ca := filepath.Join(t.TempDir(), "ca.pem")
	pemBytes := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw})
	if err := os.WriteFile(ca, pemBytes, 0o600); err != nil {
		t.Fatal(err)
	}
	r = runInProcess(t, cleanEnv(t), "--yes", "--name", "tls", "--endpoint", srv.URL, "--cacert", ca, "-o", "json")
	if r.code != 0 || decode(t, r.stdout)["status"] != "queued" {
		t.Fatalf("with --cacert: exit %d\n%s", r.code, r.stderr)
	}

	r = runInProcess(t, cleanEnv(t), "--yes", "--name", "tls", "--endpoint", srv.URL, "--insecure", "-o", "json")
	if r.code != 0 || !strings.Contains(r.stderr, "verification is OFF") {
		t.Fatalf("with --insecure: exit %d\n%s", r.code, r.stderr)
	}

	r = runInProcess(t, cleanEnv(t), "--yes", "--name", "tls", "--endpoint", srv.URL, "--cacert", "/nonexistent.pem")
	if r.code != 2 || !strings.Contains(r.stderr, "--cacert") {
		t.Fatalf("missing CA file: exit %d\n%s", r.code, r.stderr)
	}
}

// Go never proxies loopback addresses, so the endpoint is a name that only
// the proxy knows; the proxy forwards to the sandbox. On the built binary:
// Go reads the proxy variables from the process's environment.
func TestProxyFromEnvironment(t *testing.T) {
	t.Parallel()
	sb := sandbox.New(sandbox.Options{})
	tlsSandbox := httptest.NewTLSServer(sb)
	defer tlsSandbox.Close()
	var proxied atomic.Int32
	proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		proxied.Add(1)
		if r.Method == http.MethodConnect { // HTTPS: tunnel to the TLS sandbox
			upstream, err := net.Dial("tcp", tlsSandbox.Listener.Addr().String())
			if err != nil {
				w.WriteHeader(502)
				return
			}
			conn, buf, _ := w.(http.Hijacker).Hijack()
			io.WriteString(conn, "HTTP/1.1 200 Connection established\r\n\r\n")
			go io.Copy(upstream, buf)
			io.Copy(conn, upstream)
			conn.Close()
			upstream.Close()
			return
		}
		// plain HTTP: the request line carries the absolute URL
		rp := &httputil.ReverseProxy{Rewrite: func(pr *httputil.ProxyRequest) {}, Transport: roundTripFunc(func(req *http.Request) (*http.Response, error) {
			rec := httptest.NewRecorder()
			sb.ServeHTTP(rec, req)
			return rec.Result(), nil
		})}
		rp.ServeHTTP(w, r)
	}))
	defer proxy.Close()

	r := runCLI(t, cleanEnv(t, "HTTP_PROXY="+proxy.URL), "--yes", "--name", "via-proxy", "--endpoint", "http://ims.behind-proxy.test", "-o", "json")
	if r.code != 0 || decode(t, r.stdout)["name"] != "via-proxy" || proxied.Load() != 1 {
		t.Fatalf("HTTP_PROXY: exit %d proxied %d\n%s", r.code, proxied.Load(), r.stderr)
	}
	r = runCLI(t, cleanEnv(t, "HTTPS_PROXY="+proxy.URL), "--yes", "--name", "via-proxy-tls", "--endpoint", "https://ims.behind-proxy.test", "--insecure", "-o", "json")
	if r.code != 0 || decode(t, r.stdout)["name"] != "via-proxy-tls" || proxied.Load() != 2 {
		t.Fatalf("HTTPS_PROXY: exit %d proxied %d\n%s", r.code, proxied.Load(), r.stderr)
	}
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// The image is created but its summary cannot be written to stdout: exit
// 4 (the caller did not get the id: look it up, do not retry) and the id on
// stderr. Before: exit 0, the id lost.
func TestResultThatCannotBeWritten(t *testing.T) {
	t.Parallel()
	sb := sandbox.New(sandbox.Options{})
	url, err := sb.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer sb.Close()
	full, err := os.OpenFile("/dev/full", os.O_WRONLY, 0)
	if err != nil {
		t.Skip("no /dev/full")
	}
	defer full.Close()
	brokenPipe := func() *os.File {
		r, w, err := os.Pipe()
		if err != nil {
			t.Fatal(err)
		}
		r.Close()
		return w
	}
	for name, stdout := range map[string]func() (*os.File, []string){
		"/dev/full json": func() (*os.File, []string) { return full, []string{"-o", "json"} },
		"/dev/full text": func() (*os.File, []string) { return full, nil },
		"broken pipe":    func() (*os.File, []string) { return brokenPipe(), []string{"-o", "json"} },
		"closed stdout":  func() (*os.File, []string) { return nil, []string{"-o", "json"} },
	} {
		t.Run(name, func(t *testing.T) {
			out, extra := stdout()
			imageName := uniqueName("unwritten")
			args := append([]string{"--yes", "--name", imageName, "--endpoint", url}, extra...)
			cmd := exec.Command(binary, args...)
			if out == nil { // started with stdout closed: bash closes it before exec
				cmd = exec.Command("bash", append([]string{"-c", `exec "$0" "$@" >&-`, binary}, args...)...)
			} else {
				cmd.Stdout = out
			}
			cmd.Env = cleanEnv(t)
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			err := cmd.Run()
			var ee *exec.ExitError
			c, _ := client.New(client.Config{Endpoint: url})
			imgs, _ := c.ListByName(context.Background(), imageName)
			if len(imgs) != 1 {
				t.Fatalf("%d images named %s", len(imgs), imageName)
			}
			if !errors.As(err, &ee) || ee.ExitCode() != 4 || !strings.Contains(stderr.String(), "could not write the result to stdout") ||
				!strings.Contains(stderr.String(), "id "+imgs[0].ID) {
				t.Fatalf("%v\nstderr %s", err, stderr.String())
			}
		})
	}
}

// Usage errors, not "connection lost" or a silent default: exit 2 naming
// the flag or the variable, a token never printed.
func TestBadFlagsAndVariablesAreUsageErrors(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		args []string
		vars []string
		want string
	}{
		{[]string{"--timeout", "-1s"}, nil, "--timeout"},
		{[]string{"--timeout", "0"}, nil, "--timeout"},
		{[]string{"--endpoint", "http://127.0.0.1:99999"}, nil, "--endpoint"},
		{[]string{"--endpoint", "http://127.0.0.1:9292/#frag"}, nil, "--endpoint"},
		{[]string{"--endpoint", "http://127.0.0.1:9292/?x=1", "--dry-run"}, nil, "--endpoint"},
		{[]string{"--endpoint", "http://127.0.0.1:1"}, []string{"OS_AUTH_TOKEN=tok-SECRET-1\nrest"}, "OS_AUTH_TOKEN"},
		{[]string{"--endpoint", "http://127.0.0.1:1"}, []string{"HUAWEICLOUD_SDK_AK=ak", "HUAWEICLOUD_SDK_SK=sk-SECRET-2\r"}, "HUAWEICLOUD_SDK_SK"},
	} {
		r := runInProcess(t, cleanEnv(t, tc.vars...), append([]string{"--yes", "--name", "x"}, tc.args...)...)
		if r.code != 2 || !strings.Contains(r.stderr, tc.want) || strings.Contains(r.stderr, "SECRET") {
			t.Errorf("%v %v: exit %d\n%s", tc.args, tc.vars, r.code, r.stderr)
		}
	}
	if r := runCLI(t, cleanEnv(t), "upload", "img", "f", "--timeout", "-1s"); r.code != 2 || !strings.Contains(r.stderr, "--timeout") {
		t.Errorf("upload --timeout -1s: exit %d\n%s", r.code, r.stderr)
	}
}

// runBounded runs the binary and fails if it has not ended within 15s; it
// then checks that SIGTERM still ends it.
func runBounded(t *testing.T, env []string, args ...string) run {
	t.Helper()
	cmd := exec.Command(binary, args...)
	cmd.Env = env
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	var err error
	select {
	case err = <-done:
	case <-time.After(15 * time.Second):
		cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-done:
			t.Fatalf("%v hung (SIGTERM ended it)\n%s", args, errOut.String())
		case <-time.After(5 * time.Second):
			cmd.Process.Kill()
			<-done
			t.Fatalf("%v hung and SIGTERM was swallowed\n%s", args, errOut.String())
		}
	}
	code := 0
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		code = ee.ExitCode()
	}
	return run{out.String(), errOut.String(), code}
}

// Local files that never end (a FIFO, /dev/zero, a symlink to it) are
// refused at once, exit 2: before, they hung for ever, ate gigabytes or
// crashed the runtime, and SIGTERM was swallowed.
func TestLocalFilesThatNeverEnd(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	zeroLink := filepath.Join(dir, "zero")
	os.Symlink("/dev/zero", zeroLink)
	credHome := func(target string) string {
		home := t.TempDir()
		os.MkdirAll(filepath.Join(home, ".huaweicloud"), 0o700)
		os.Symlink(target, filepath.Join(home, ".huaweicloud", "credentials"))
		return home
	}
	for _, tc := range []struct {
		name string
		home string
		args []string
		want string
	}{
		{"credentials FIFO", credHome(fifo), nil, "named pipe"},
		{"credentials link to /dev/zero", credHome(zeroLink), nil, "character device"},
		{"--cacert /dev/zero", t.TempDir(), []string{"--endpoint", "https://127.0.0.1:1", "--cacert", "/dev/zero"}, "--cacert"},
		{"--cacert FIFO", t.TempDir(), []string{"--endpoint", "https://127.0.0.1:1", "--cacert", fifo}, "named pipe"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			env := append(cleanEnv(t), "HOME="+tc.home)
			r := runBounded(t, env, append([]string{"--yes", "--name", "x", "--region", "cn-north-4"}, tc.args...)...)
			noPanic(t, r)
			if r.code != 2 || !strings.Contains(r.stderr, tc.want) {
				t.Fatalf("exit %d\n%s", r.code, r.stderr)
			}
		})
	}
}

// A credentials file that cannot be read does not fail a run that needs
// none: a token is set, or the sandbox is asked for.
func TestUnreadableCredentialsFileWithAnotherCredential(t *testing.T) {
	t.Parallel()
	home := t.TempDir()
	loop := filepath.Join(home, ".huaweicloud")
	os.Symlink(loop, loop) // stat fails with ELOOP, as an unreadable HOME would with EACCES
	sb := sandbox.New(sandbox.Options{})
	url, err := sb.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer sb.Close()
	env := append(cleanEnv(t), "HOME="+home)
	if r := runInProcess(t, append(env, "OS_AUTH_TOKEN=tok"), "--yes", "--name", "x", "--endpoint", url, "-o", "json"); r.code != 0 {
		t.Fatalf("with a token: exit %d\n%s", r.code, r.stderr)
	}
	if r := runInProcess(t, env, "--yes", "--name", "x", "--sandbox", "-o", "json"); r.code != 0 {
		t.Fatalf("--sandbox: exit %d\n%s", r.code, r.stderr)
	}
	if r := runInProcess(t, env, "--yes", "--name", "x", "--region", "cn-north-4"); r.code != 2 || !strings.Contains(r.stderr, "credentials") {
		t.Fatalf("nothing else: exit %d\n%s", r.code, r.stderr)
	}
}

// A credentials file others can read is warned about, as ssh does.
func TestWorldReadableCredentialsFileIsWarned(t *testing.T) {
	t.Parallel()
	home := t.TempDir()
	path := filepath.Join(home, ".huaweicloud", "credentials")
	os.MkdirAll(filepath.Dir(path), 0o700)
	os.WriteFile(path, []byte("[basic]\nak = AKTESTAKTEST\nsk = sk-value\n"), 0o600)
	os.Chmod(path, 0o644)
	r := runInProcess(t, append(cleanEnv(t), "HOME="+home), "--dry-run", "--name", "x", "--region", "cn-north-4")
	if r.code != 0 || !strings.Contains(r.stderr, "chmod 600 "+path) {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
}

// A file that shrinks while it is uploaded is said to have changed, with
// the image's status afterwards: before, "connection broken".
func TestUploadOfAFileThatShrinks(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "disk.raw")
	if err := os.WriteFile(path, nil, 0o600); err != nil || os.Truncate(path, 64<<20) != nil {
		t.Fatal(err)
	}
	sb := sandbox.New(sandbox.Options{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPut {
			first := make([]byte, 1)
			if _, err := io.ReadFull(r.Body, first); err == nil {
				os.Truncate(path, 1<<20)
			}
			r.Body = io.NopCloser(io.MultiReader(bytes.NewReader(first), r.Body))
		}
		sb.ServeHTTP(w, r)
	}))
	defer srv.Close()
	c, _ := client.New(client.Config{Endpoint: srv.URL})
	res, err := c.Create(context.Background(), client.Request{Name: "shrinks", DiskFormat: "raw"})
	if err != nil {
		t.Fatal(err)
	}
	r := runInProcess(t, cleanEnv(t), "upload", res.Image.ID, path, "--endpoint", srv.URL)
	noPanic(t, r)
	if r.code != 2 || !strings.Contains(r.stderr, "the file changed while it was sent") || !strings.Contains(r.stderr, "afterwards: GET /v2/images/"+res.Image.ID+" says it is now queued") {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
}
