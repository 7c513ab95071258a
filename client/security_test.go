package client_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ims-wizard/ims-wizard/client"
	"github.com/ims-wizard/ims-wizard/client/sandbox"
)

// otherOrigin is a server on 127.0.0.2 (Linux answers all of 127/8 on
// loopback): another origin than the 127.0.0.1 of the hostile servers. It
// records every request it gets; none may arrive.
type otherOrigin struct {
	url  string
	mu   sync.Mutex
	seen []string
}

func newOtherOrigin(t *testing.T) *otherOrigin {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.2:0")
	if err != nil {
		t.Skipf("cannot listen on 127.0.0.2 (not Linux?): %v", err)
	}
	o := &otherOrigin{url: "http://" + l.Addr().String()}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		o.mu.Lock()
		o.seen = append(o.seen, fmt.Sprintf("%s %s token=%q sectoken=%q auth=%q body=%q", r.Method, r.URL, r.Header.Get("X-Auth-Token"),
			r.Header.Get("X-Security-Token"), r.Header.Get("Authorization"), body))
		o.mu.Unlock()
		w.WriteHeader(http.StatusCreated)
		io.WriteString(w, `{"id":"stolen","name":"x","status":"queued"}`)
	})}
	go srv.Serve(l)
	t.Cleanup(func() { srv.Close() })
	return o
}

func (o *otherOrigin) requests() []string {
	o.mu.Lock()
	defer o.mu.Unlock()
	return append([]string(nil), o.seen...)
}

// redirector answers every request with status and a Location on the other
// origin, the same path.
func redirector(status int, to string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		w.Header().Set("Location", to+r.URL.Path)
		w.Header().Set("X-Request-Id", "rid-redirect")
		w.WriteHeader(status)
	})
}

// No call follows a redirect, whatever the status, the credentials or the
// call: the error names the Location and nothing reaches the other origin.
// Before, a 307 to a create was re-POSTed there with X-Auth-Token (or the
// AK/SK headers), and the IAM login's body, password included.
func TestRedirectsAreRefusedOnEveryCall(t *testing.T) {
	t.Parallel()
	other := newOtherOrigin(t)
	file := filepath.Join(t.TempDir(), "disk.raw")
	if err := os.WriteFile(file, bytes.Repeat([]byte("x"), 4096), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, status := range []int{301, 302, 303, 307, 308} {
		hostile := httptest.NewServer(redirector(status, other.url))
		auths := map[string]client.Authenticator{
			"token": client.TokenAuth{Token: "tok-secret-value"},
			"aksk":  client.AKSKAuth{AK: "AKTESTAKTEST", SK: "sk-secret-value", SecurityToken: "sectok-secret-value"},
			// The login itself is redirected: the password must stay here.
			"password": &client.PasswordAuth{User: "u", Password: "pw-secret-value", Domain: "d", Project: "p", TokenURL: hostile.URL + "/v3/auth/tokens"},
		}
		for kind, auth := range auths {
			c := newClient(t, client.Config{Endpoint: hostile.URL, Auth: auth, Timeout: 5 * time.Second})
			calls := map[string]func() error{
				"create": func() error { _, err := c.Create(context.Background(), client.SeedExample()); return err },
				"get":    func() error { _, err := c.Get(context.Background(), "img"); return err },
				"list":   func() error { _, err := c.FindRecent(context.Background(), "x", time.Now()); return err },
				"upload": func() error { _, err := c.UploadFile(context.Background(), "img", file, nil); return err },
			}
			for name, call := range calls {
				err := call()
				var re *client.RedirectError
				if !errors.As(err, &re) || re.StatusCode != status || !strings.HasPrefix(re.Location, other.url+"/") {
					t.Fatalf("%d %s %s: %v (%T), want a RedirectError to %s", status, kind, name, err, err, other.url)
				}
				if client.IsAmbiguous(err) {
					t.Errorf("%d %s %s: a refused redirect is not an unknown outcome", status, kind, name)
				}
				x := client.Explain(err, nil)
				if x.Value(client.RowLocation) != re.Location || !strings.Contains(x.Summary, other.url) || x.Value(client.RowHint) == "" {
					t.Errorf("%d %s %s: explanation %+v", status, kind, name, x)
				}
			}
		}
		hostile.Close()
	}
	if seen := other.requests(); len(seen) > 0 {
		t.Fatalf("the other origin received:\n%s", strings.Join(seen, "\n"))
	}
}

// An https endpoint redirecting to plain http is refused the same way.
func TestHTTPSToHTTPRedirectIsRefused(t *testing.T) {
	t.Parallel()
	other := newOtherOrigin(t)
	hostile := httptest.NewTLSServer(redirector(307, other.url))
	defer hostile.Close()
	c := newClient(t, client.Config{Endpoint: hostile.URL, Insecure: true, Auth: client.TokenAuth{Token: "tok-secret-value"}})
	_, err := c.Create(context.Background(), client.SeedExample())
	var re *client.RedirectError
	if !errors.As(err, &re) || !strings.HasPrefix(re.Location, "http://127.0.0.2") {
		t.Fatalf("%v", err)
	}
	if len(other.requests()) > 0 {
		t.Fatal("the token went out over plain http")
	}
}

// A password with every character that escaping changes, as IAM or a proxy
// might echo it in each field it can: error.code, X-Request-Id, the message
// (JSON-escaped the Go and the Python way, HTML-escaped, wrapped in markup).
const nastyPassword = `pa<ss>"wo&rd'é🔑`

func echoForms(s string) map[string]string {
	goJSON, _ := json.Marshal(s) // \u003c, \u0026, \"
	var plain strings.Builder
	enc := json.NewEncoder(&plain)
	enc.SetEscapeHTML(false)
	enc.Encode(s)
	var py strings.Builder // Python's json.dumps: non-ASCII as \uXXXX, < > & as they are
	for _, r := range strings.Trim(strings.TrimSpace(plain.String()), `"`) {
		switch {
		case r < 0x80:
			py.WriteRune(r)
		case r > 0xffff:
			r -= 0x10000
			fmt.Fprintf(&py, `\u%04x\u%04x`, 0xd800+(r>>10), 0xdc00+(r&0x3ff))
		default:
			fmt.Fprintf(&py, `\u%04x`, r)
		}
	}
	return map[string]string{
		"raw": s, "go json": strings.Trim(string(goJSON), `"`), "python json": py.String(),
		"html": html.EscapeString(s), "stripped": "pa \"wo&rd'é🔑",
	}
}

func TestLoginErrorsNeverShowThePassword(t *testing.T) {
	t.Parallel()
	forms := echoForms(nastyPassword)
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
		code, _ := json.Marshal(pw)
		w.Header().Set("X-Request-Id", pw)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(401)
		msg, _ := json.Marshal("bad password <b>" + html.EscapeString(pw) + "</b> / <i>" + pw + "</i> / " + forms["go json"])
		fmt.Fprintf(w, `{"error":{"code":%s,"message":%s},"echo":"%s"}`, code, msg, forms["python json"])
	}))
	defer iam.Close()
	var trace bytes.Buffer
	auth := &client.PasswordAuth{User: "u", Password: nastyPassword, Domain: "d", Project: "p", TokenURL: iam.URL + "/v3/auth/tokens"}
	c := newClient(t, client.Config{Endpoint: "http://127.0.0.1:1", Auth: auth, Debug: &trace})
	_, err := c.Create(context.Background(), client.SeedExample())
	var ae *client.APIError
	if !errors.As(err, &ae) || ae.StatusCode != 401 {
		t.Fatalf("%v", err)
	}
	shown := []string{err.Error(), ae.Code, ae.Message, ae.RequestID, string(ae.Body), trace.String()}
	for _, r := range client.Explain(err, nil).Rows {
		shown = append(shown, r.Value)
	}
	for _, s := range shown {
		for name, f := range forms {
			if strings.Contains(s, f) {
				t.Errorf("the password shows (%s form %q) in %q", name, f, s)
			}
		}
	}
	if !strings.Contains(ae.Message, client.Redacted) || ae.RequestID != client.Redacted || ae.Code != client.Redacted {
		t.Errorf("code %q request id %q message %q: want each redacted", ae.Code, ae.RequestID, ae.Message)
	}
}

// An AK/SK signature and a proxy's Proxy-Authorization echoed back in a
// message are redacted too.
func TestEchoedSignatureAndProxyCredentialsAreRedacted(t *testing.T) {
	t.Parallel()
	proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("X-Echo", r.Header.Get("Proxy-Authorization"))
		w.WriteHeader(400)
		fmt.Fprintf(w, `{"error":{"code":"IMG.0001","message":"you sent %s and %s"}}`, r.Header.Get("Authorization"), r.Header.Get("Proxy-Authorization"))
	}))
	defer proxy.Close()
	proxyURL, _ := url.Parse(proxy.URL)
	proxyURL.User = url.UserPassword("puser", "proxy-secret-pw")
	var trace bytes.Buffer
	c := newClient(t, client.Config{Endpoint: "http://ims.example.test", Debug: &trace,
		Auth:  client.AKSKAuth{AK: "AKTESTAKTEST", SK: "sk-secret-value"},
		Proxy: func(*http.Request) (*url.URL, error) { return proxyURL, nil }})
	_, err := c.Create(context.Background(), client.SeedExample())
	var ae *client.APIError
	if !errors.As(err, &ae) || ae.StatusCode != 400 {
		t.Fatalf("%v", err)
	}
	basic := "cHVzZXI6cHJveHktc2VjcmV0LXB3" // base64("puser:proxy-secret-pw")
	if strings.Contains(ae.Message, basic) || strings.Contains(trace.String(), basic) || !strings.Contains(ae.Message, "Signature="+client.Redacted) {
		t.Fatalf("message %q\ntrace:\n%s", ae.Message, trace.String())
	}
	if sig := strings.Index(ae.Message, "Signature="); sig >= 0 && !strings.HasPrefix(ae.Message[sig:], "Signature="+client.Redacted) {
		t.Fatalf("signature shown: %q", ae.Message)
	}
}

// rawServer answers every connection with the bytes of resp, as written.
func rawServer(t *testing.T, resp string) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() {
		for {
			conn, err := l.Accept()
			if err != nil {
				return
			}
			go func() {
				defer conn.Close()
				req, err := http.ReadRequest(bufio.NewReader(conn))
				if err == nil {
					io.Copy(io.Discard, req.Body)
				}
				io.WriteString(conn, resp)
			}()
		}
	}()
	t.Cleanup(func() { l.Close() })
	return "http://" + l.Addr().String()
}

// The reason phrase, like every other line of --debug, is made inert:
// before, "HTTP/1.1 400 Bad\e]52;c;…" reached the terminal raw.
func TestDebugTraceIsInertEverywhere(t *testing.T) {
	t.Parallel()
	url := rawServer(t, "HTTP/1.1 400 Bad\x1b]52;c;aGk=\x07\u202e\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}")
	var trace bytes.Buffer
	c := newClient(t, client.Config{Endpoint: url, Debug: &trace})
	_, err := c.Create(context.Background(), client.SeedExample())
	if err == nil {
		t.Fatal("want an error")
	}
	if strings.ContainsAny(trace.String(), "\x1b\x07\u202e") || !strings.Contains(trace.String(), "400 Bad^[]52;c;aGk=^G<U+202E>") {
		t.Fatalf("trace:\n%q", trace.String())
	}
}

// A 201 whose JSON holds no image ({}, null, the image wrapped) is an
// unknown outcome, not "Created image \"\"" with an empty id.
func TestCreatedWithoutAnImageIsAnUnknownOutcome(t *testing.T) {
	t.Parallel()
	for _, body := range []string{`{}`, `null`, `{"image":{"id":"abc","name":"x","status":"queued"}}`, `[]`} {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(201)
			io.WriteString(w, body)
		}))
		c := newClient(t, client.Config{Endpoint: srv.URL})
		res, err := c.Create(context.Background(), client.SeedExample())
		srv.Close()
		var ae *client.APIError
		if res != nil || !errors.As(err, &ae) || ae.StatusCode != 201 || !client.IsAmbiguous(err) {
			t.Fatalf("%s: %+v %v", body, res, err)
		}
	}
}

func TestHugeRetryAfterDoesNotOverflow(t *testing.T) {
	t.Parallel()
	for _, v := range []string{"99999999999", "99999999999999999999999", "86401", time.Now().Add(1e6 * time.Hour).UTC().Format(http.TimeFormat)} {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Retry-After", v)
			w.WriteHeader(429)
		}))
		c := newClient(t, client.Config{Endpoint: srv.URL})
		_, err := c.Create(context.Background(), client.SeedExample())
		srv.Close()
		var ae *client.APIError
		if hint := client.Explain(err, nil).Value(client.RowHint); !errors.As(err, &ae) || !strings.Contains(hint, "more than 24h0m0s") {
			t.Errorf("Retry-After %s: hint %q", v, hint)
		}
	}
}

func TestCheckEndpoint(t *testing.T) {
	t.Parallel()
	for raw, id := range map[string]string{
		"https://ims.cn-north-4.myhuaweicloud.com": "",
		"http://127.0.0.1:9292/":                   "",
		"http://[::1]:9292":                        "",
		"ftp://host":                               "security.endpoint.not_http",
		"host:9292":                                "security.endpoint.not_http",
		"http://alice:S3cr3tPW@host/":              "security.endpoint.userinfo",
		"http://alice@host/":                       "security.endpoint.userinfo",
		"http://host:99999":                        "security.endpoint.port",
		"http://host:0":                            "security.endpoint.port",
		"http://host:http":                         "security.endpoint.port",
		"http://alice:S3cr3tPW@host:x/":            "security.endpoint.port",
		"http://host/?a=b":                         "security.endpoint.query",
		"http://host/?":                            "security.endpoint.query",
		"http://host/#frag":                        "security.endpoint.query",
	} {
		p := client.CheckEndpoint("--endpoint", raw)
		switch {
		case id == "" && p != nil:
			t.Errorf("%s refused: %v", raw, p)
		case id != "" && (p == nil || p.ID != id):
			t.Errorf("%s: %v, want %s", raw, p, id)
		case p != nil && (strings.Contains(p.Error(), "S3cr3tPW") || !strings.HasPrefix(p.Error(), "--endpoint: ")):
			t.Errorf("%s: %q", raw, p.Error())
		}
		if _, err := client.New(client.Config{Endpoint: raw}); (err != nil) != (id != "") {
			t.Errorf("New(%s): %v", raw, err)
		}
	}
}

// The server's clock is 120 s behind this machine's, as AK/SK tolerates:
// the image a lost create made is still found, so the retry sends nothing.
// Before, "no image was created since the first attempt" and a duplicate.
func TestFindRecentWithTheServerClockBehind(t *testing.T) {
	t.Parallel()
	const behind = 120 * time.Second
	var offset atomic.Int64 // how far further back the server's clock goes
	clock := func() time.Time { return time.Now().Add(-behind - time.Duration(offset.Load())) }
	sb := sandbox.New(sandbox.Options{Clock: clock})
	withDate := true
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if withDate {
			w.Header().Set("Date", clock().UTC().Format(http.TimeFormat))
		} else {
			w.Header()["Date"] = nil
		}
		sb.ServeHTTP(w, r)
	}))
	defer srv.Close()
	c := newClient(t, client.Config{Endpoint: srv.URL})
	// Ten minutes before the first attempt: not a candidate.
	offset.Store(int64(10 * time.Minute))
	old, err := c.Create(context.Background(), client.Request{Name: "skewed", DiskFormat: "raw"})
	if err != nil {
		t.Fatal(err)
	}
	offset.Store(0)
	later := time.Now().Add(10 * time.Minute)
	firstAttempt := time.Now()
	lost, err := c.Create(context.Background(), client.Request{Name: "skewed", DiskFormat: "raw"})
	if err != nil {
		t.Fatal(err)
	}
	found, err := c.FindRecent(context.Background(), "skewed", firstAttempt)
	if err != nil || len(found) != 1 || found[0].ID != lost.Image.ID {
		t.Fatalf("found %d images (%v), want only %s", len(found), err, lost.Image.ID)
	}
	if found, _ := c.FindRecent(context.Background(), "skewed", later); len(found) != 0 {
		t.Fatalf("images created before since are candidates: %d", len(found))
	}
	// Without a Date to measure the skew, every image of that name is one.
	withDate = false
	found, err = c.FindRecent(context.Background(), "skewed", firstAttempt)
	if err != nil || len(found) != 2 || (found[0].ID != old.Image.ID && found[1].ID != old.Image.ID) {
		t.Fatalf("without Date: %d images (%v), want both", len(found), err)
	}
}

// hostileUpload is a server that changes the file being uploaded once the
// first byte arrives (change), then lets the sandbox take the rest.
func hostileUpload(t *testing.T, change func()) (*client.Client, *sandbox.Server) {
	t.Helper()
	sb := sandbox.New(sandbox.Options{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPut {
			first := make([]byte, 1)
			if _, err := io.ReadFull(r.Body, first); err == nil {
				change()
			}
			r.Body = io.NopCloser(io.MultiReader(bytes.NewReader(first), r.Body))
		}
		sb.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	return newClient(t, client.Config{Endpoint: srv.URL, Timeout: 10 * time.Second}), sb
}

// A file that shrinks, grows or is written to while it is sent is said to
// have changed, with how many of its bytes went: before, "connection
// broken" (or nothing at all).
func TestUploadOfAFileThatChanges(t *testing.T) {
	t.Parallel()
	// Sparse, so that it is big enough that the client is still reading it
	// when the server makes the change, whatever the socket buffers.
	const size = 64 << 20
	for name, change := range map[string]func(path string){
		"shrinks": func(path string) { os.Truncate(path, size/2) },
		"grows": func(path string) {
			f, _ := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0)
			f.Write([]byte("more"))
			f.Close()
		},
	} {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "disk.raw")
			if err := os.WriteFile(path, nil, 0o600); err != nil || os.Truncate(path, size) != nil {
				t.Fatal(err)
			}
			c, _ := hostileUpload(t, func() { change(path) })
			id := createQueued(t, c, "changes")
			_, err := c.UploadFile(context.Background(), id, path, nil)
			var ue *client.UploadError
			if !errors.As(err, &ue) || ue.Reason != client.RefusedChanged || !strings.Contains(ue.Msg.Text(nil), "while it was sent") {
				t.Fatalf("%v (%T)", err, err)
			}
			if name == "shrinks" && !strings.Contains(ue.Msg.Text(nil), fmt.Sprintf("of %d bytes", size)) {
				t.Errorf("message %q lacks how much was sent", ue.Msg.Text(nil))
			}
			if x := client.Explain(err, nil); x.Title != "The file changed while it was sent" {
				t.Errorf("title %q", x.Title)
			}
			// What the server made of it is readable afterwards (the
			// sandbox takes the first size bytes of a grown file).
			if res, err := client.SettleAfterUpload(context.Background(), c.Get, id); err != nil || (name == "shrinks") != (res.Image.Status == "queued") {
				t.Errorf("after: %+v %v", res, err)
			}
		})
	}
	t.Run("written to", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "disk.raw")
		if err := os.WriteFile(path, bytes.Repeat([]byte("x"), 1<<20), 0o600); err != nil {
			t.Fatal(err)
		}
		c, _ := hostileUpload(t, func() { os.Chtimes(path, time.Now(), time.Now().Add(time.Hour)) })
		id := createQueued(t, c, "written")
		_, err := c.UploadFile(context.Background(), id, path, nil)
		var ue *client.UploadError
		if !errors.As(err, &ue) || ue.Reason != client.RefusedChanged {
			t.Fatalf("%v (%T)", err, err)
		}
	})
}
