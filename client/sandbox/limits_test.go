package sandbox_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/ims-wizard/ims-wizard/client/sandbox"
)

// Request sizes are capped as Glance caps them (413 in IMS's shape), so a
// client cannot make the sandbox keep megabytes per image.
func TestSizeLimits(t *testing.T) {
	t.Parallel()
	srv, c := start(t, sandbox.Options{})
	base := srv.URL()
	post := func(body string) answer { return call(t, "POST", base+"/v2/images", "application/json", []byte(body)) }

	wantError(t, "1 MB property", post(`{"name":"big","p":"`+strings.Repeat("x", 1_000_000)+`"}`), 413, "SANDBOX.0413", "64 KiB")
	props := make([]string, 129)
	for i := range props {
		props[i] = fmt.Sprintf(`"p%d":"v"`, i)
	}
	wantError(t, "129 properties", post(`{"name":"many",`+strings.Join(props, ",")+`}`), 413, "SANDBOX.0413", "128")
	wantError(t, "long property name", post(`{"name":"k","`+strings.Repeat("k", 256)+`":"v"}`), 400, "IMG.0001", "255")
	tags := make([]string, 129)
	for i := range tags {
		tags[i] = fmt.Sprintf(`"t=%d"`, i)
	}
	wantError(t, "129 tags", post(`{"name":"t","tags":[`+strings.Join(tags, ",")+`]}`), 413, "IMG.0116", "128")
	if a := post(`{"name":"ok",` + strings.Join(props[:128], ",") + `}`); a.status != 201 {
		t.Errorf("128 properties: %d %s", a.status, a.body)
	}

	id := create(t, c, `{"name":"p"}`)
	wantError(t, "big PATCH", patch(t, base, id, `[{"op":"add","path":"/p","value":"`+strings.Repeat("x", 70<<10)+`"}]`), 413, "SANDBOX.0413")
	var ops []string
	for i := range 129 {
		ops = append(ops, fmt.Sprintf(`{"op":"add","path":"/p%d","value":"v"}`, i))
	}
	wantError(t, "PATCH to 129 properties", patch(t, base, id, "["+strings.Join(ops, ",")+"]"), 413, "SANDBOX.0413", "128")
}

// A page holds at most Glance's api_limit_max (1000) images, 25 by default.
func TestListPageSizes(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	srv, _ := start(t, sandbox.Options{Dir: dir})
	if err := sandbox.FillState(dir, 1010); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		query string
		want  int
	}{{"", 25}, {"limit=5000", 1000}, {"limit=1000", 1000}, {"limit=7", 7}} {
		names, page := listNames(t, srv.URL(), tt.query)
		if len(names) != tt.want || page.Next == "" {
			t.Errorf("?%s: %d images, next %q; want %d and a next link", tt.query, len(names), page.Next, tt.want)
		}
	}
}

// A client that stops sending in the middle of a body is cut off after the
// idle timeout: an upload goes back to queued, a create creates nothing.
func TestStalledBodiesTimeOut(t *testing.T) {
	t.Parallel()
	srv, c := start(t, sandbox.Options{BodyIdleTimeout: 200 * time.Millisecond})
	addr := strings.TrimPrefix(srv.URL(), "http://")
	send := func(head string, body string) (*http.Response, time.Duration) {
		t.Helper()
		conn, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		began := time.Now()
		fmt.Fprintf(conn, "%s\r\nHost: s\r\n\r\n%s", head, body) // then nothing more
		conn.SetReadDeadline(time.Now().Add(10 * time.Second))   // bounds the test, not the server
		resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
		if err != nil {
			t.Fatalf("no answer to a stalled body: %v", err)
		}
		return resp, time.Since(began)
	}

	id := create(t, c, `{"name":"stall"}`)
	resp, took := send(fmt.Sprintf("PUT /v2/images/%s/file HTTP/1.1\r\nContent-Type: application/octet-stream\r\nContent-Length: 1000000", id), "first bytes")
	var body struct {
		Error struct{ Code, Message string }
	}
	json.NewDecoder(resp.Body).Decode(&body)
	if resp.StatusCode != 408 || body.Error.Code != "SANDBOX.0408" || !strings.Contains(body.Error.Message, "queued again") {
		t.Errorf("stalled upload: %d %+v", resp.StatusCode, body)
	}
	if took > 5*time.Second {
		t.Errorf("answered after %s", took)
	}
	waitStatus(t, c, id, "queued")

	resp, _ = send("POST /v2/images HTTP/1.1\r\nContent-Type: application/json\r\nContent-Length: 500", `{"name":"half`)
	if resp.StatusCode != 408 {
		t.Errorf("stalled create: %d", resp.StatusCode)
	}
	if names, _ := listNames(t, srv.URL(), "name=half"); len(names) != 0 {
		t.Errorf("a stalled create created %v", names)
	}
}

// The idle timeout is about the body only: a create held by --delay for
// longer, once its body is read, still happens.
func TestIdleTimeoutEndsWithTheBody(t *testing.T) {
	t.Parallel()
	_, c := start(t, sandbox.Options{BodyIdleTimeout: 100 * time.Millisecond, Delay: 400 * time.Millisecond})
	if _, err := c.Create(context.Background(), ubuntuRequest("patient")); err != nil {
		t.Fatalf("a delayed create failed: %v", err)
	}
}
