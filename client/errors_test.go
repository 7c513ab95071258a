package client

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func TestParseErrorBodyShapes(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, ctype, body, code, msg string
	}{
		{"IMS", "application/json", `{"error": {"code": "IMG.0002", "message": "The image name is too long."}}`, "IMG.0002", "The image name is too long."},
		{"gateway", "application/json", `{"error_code": "APIG.0301", "error_msg": "Incorrect IAM authentication information: verify aksk signature fail", "request_id": "abc"}`, "APIG.0301", "Incorrect IAM authentication information: verify aksk signature fail"},
		{"glance json", "application/json", `{"message": "400 Bad Request<br /><br />\nProvided object does not match schema 'image': -1 is less than the minimum of 0<br /><br />\n\n\n", "code": "400 Bad Request", "title": "Bad Request"}`, "400 Bad Request", "400 Bad Request\nProvided object does not match schema 'image': -1 is less than the minimum of 0"},
		{"glance json numeric code", "application/json", `{"message": "boom", "code": 500, "title": "Internal"}`, "500", "boom"},
		{"html", "text/html", "<html>\n <head>\n  <title>404 Not Found</title>\n </head>\n <body>\n  <h1>404 Not Found</h1>\n  The resource could not be found.<br /><br />\n\n\n\n </body>\n</html>", "", "404 Not Found\nThe resource could not be found."},
		{"html entities", "text/html", "<p>a &amp; b &lt;c&gt;</p>", "", "a & b <c>"},
		{"text", "text/plain", "400 Bad Request\n\nProvided object does not match schema 'image'\n\n   ", "", "400 Bad Request\nProvided object does not match schema 'image'"},
		{"error as string", "application/json", `{"error": "quota exceeded"}`, "", "quota exceeded"},
		{"empty", "", "   ", "", ""},
		{"json-looking text", "application/json", `{not json`, "", "{not json"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			code, msg := ParseErrorBody(tc.ctype, []byte(tc.body))
			if code != tc.code || msg != tc.msg {
				t.Fatalf("got (%q, %q)\nwant (%q, %q)", code, msg, tc.code, tc.msg)
			}
		})
	}
}

func TestAPIErrorFromServer(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusUnauthorized)
		_, _ = w.Write([]byte(`{"error_code":"APIG.0301","error_msg":"Incorrect IAM authentication information","request_id":"gw-123"}`))
	}))
	defer srv.Close()
	c, err := New(Config{Endpoint: srv.URL, Auth: AKSKAuth{AK: "AKEXAMPLE0001", SK: "secret"}})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Create(context.Background(), SeedExample())
	var ae *APIError
	if !errors.As(err, &ae) {
		t.Fatalf("want APIError, got %T %v", err, err)
	}
	if ae.StatusCode != 401 || ae.Code != "APIG.0301" || ae.RequestID != "gw-123" || ae.Meaning != "authentication failed" {
		t.Fatalf("got %+v", ae)
	}
	if !strings.Contains(ae.hint(nil), "clock") {
		t.Fatalf("an AK/SK 401 should mention clock skew: %q", ae.hint(nil))
	}
}

func TestHintsPerStatus(t *testing.T) {
	t.Parallel()
	for code, word := range map[int]string{401: "credentials", 403: "permission", 404: "region", 500: "later", 503: "later"} {
		if h := hintFor(code, AuthToken).Text(nil); !strings.Contains(h, word) {
			t.Errorf("%d: hint %q lacks %q", code, h, word)
		}
	}
}

func TestNetworkErrorsAreClassified(t *testing.T) {
	t.Parallel()
	// A port nobody listens on: refused, not ambiguous.
	l, _ := net.Listen("tcp", "127.0.0.1:0")
	addr := l.Addr().String()
	l.Close()
	c, _ := New(Config{Endpoint: "http://" + addr})
	_, err := c.Create(context.Background(), SeedExample())
	var ne *NetworkError
	if !errors.As(err, &ne) || ne.Kind != NetRefused || ne.Ambiguous {
		t.Fatalf("got %#v", err)
	}

	// DNS failure (the .invalid TLD never resolves).
	c, _ = New(Config{Endpoint: "http://ims.example.invalid"})
	_, err = c.Create(context.Background(), SeedExample())
	if !errors.As(err, &ne) || ne.Kind != NetDNS || ne.Ambiguous {
		t.Fatalf("got %#v", err)
	}

	// A server that never answers: timeout, ambiguous, fired on time.
	hang := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { <-hang }))
	defer srv.Close()
	defer close(hang)
	c, _ = New(Config{Endpoint: srv.URL, Timeout: 200 * time.Millisecond})
	start := time.Now()
	_, err = c.Create(context.Background(), SeedExample())
	if !errors.As(err, &ne) || ne.Kind != NetTimeout || !ne.Ambiguous || !IsAmbiguous(err) {
		t.Fatalf("got %#v", err)
	}
	if d := time.Since(start); d > 1200*time.Millisecond {
		t.Fatalf("timeout took %s", d)
	}
}

func TestSuccessWithBadBody(t *testing.T) {
	t.Parallel()
	for _, body := range []string{"", `{"id": "x", "name":`, "<html>ok</html>"} {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("X-Openstack-Request-Id", "req-1")
			w.WriteHeader(http.StatusCreated)
			_, _ = w.Write([]byte(body))
		}))
		c, _ := New(Config{Endpoint: srv.URL})
		_, err := c.Create(context.Background(), SeedExample())
		srv.Close()
		var ae *APIError
		if !errors.As(err, &ae) || ae.StatusCode != 201 || ae.RequestID != "req-1" || !strings.Contains(ae.hint(nil), "look the image up") {
			t.Fatalf("body %q: got %#v", body, err)
		}
	}
}

// An id is one path segment, escaped exactly once, whatever it holds.
func TestIDIsEscapedOnce(t *testing.T) {
	t.Parallel()
	var seen string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		seen = r.RequestURI
		w.WriteHeader(404)
	}))
	defer srv.Close()
	c, _ := New(Config{Endpoint: srv.URL + "/base"})
	c.Get(context.Background(), "a b/c%")
	if seen != "/base/v2/images/a%20b%2Fc%25" {
		t.Fatalf("request URI %q", seen)
	}
}

func TestFindRecentKeepsNewAndUnreadableTimes(t *testing.T) {
	t.Parallel()
	now := time.Now().UTC()
	var query string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		query = r.URL.RawQuery
		fmt.Fprintf(w, `{"images":[{"id":"new","created_at":%q},{"id":"old","created_at":%q},{"id":"odd","created_at":"yesterday-ish"}]}`,
			now.Format(time.RFC3339), now.Add(-time.Hour).Format(time.RFC3339))
	}))
	defer srv.Close()
	c, _ := New(Config{Endpoint: srv.URL})
	found, err := c.FindRecent(context.Background(), "x y", now.Add(-time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, img := range found {
		ids = append(ids, img.ID)
	}
	if strings.Join(ids, ",") != "new,odd" {
		t.Fatalf("found %v", ids)
	}
	if !strings.Contains(query, "name=x+y") || !strings.Contains(query, "sort_dir=desc") {
		t.Fatalf("query %q", query)
	}
}

func TestErrorStringsAreInert(t *testing.T) {
	t.Parallel()
	ae := &APIError{Method: "POST", URL: "u", StatusCode: 400, Meaning: "m", Code: "C\x1b[1m", Message: "boom\x07\x1b]0;t\x07"}
	ne := &NetworkError{Method: "POST", URL: "u", Kind: NetOther, Err: errors.New("bad \x1b[2J")}
	for _, s := range []string{ae.Error(), ne.Error()} {
		if strings.ContainsAny(s, "\x1b\x07") {
			t.Errorf("control characters in %q", s)
		}
	}
}
