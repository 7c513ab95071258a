package sandbox_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/ims-wizard/ims-wizard/client"
)

// answer is a plain HTTP exchange's outcome, for the calls the client does
// not make.
type answer struct {
	status int
	header http.Header
	body   []byte
}

// code is the error code of an error answer, in any of IMS's shapes.
func (a answer) code() string {
	code, _ := client.ParseErrorBody(a.header.Get("Content-Type"), a.body)
	return code
}

func (a answer) json(t *testing.T) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(a.body, &m); err != nil {
		t.Fatalf("not a JSON object (%v): %s", err, a.body)
	}
	return m
}

// call sends one request with plain net/http.
func call(t *testing.T, method, url, contentType string, body []byte) answer {
	t.Helper()
	var r io.Reader
	if body != nil {
		r = bytes.NewReader(body)
	}
	req, err := http.NewRequest(method, url, r)
	if err != nil {
		t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	req.Header.Set("Accept", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return answer{resp.StatusCode, resp.Header, raw}
}

const patchType = "application/openstack-images-v2.1-json-patch"

func patch(t *testing.T, base, id, ops string) answer {
	t.Helper()
	return call(t, http.MethodPatch, base+"/v2/images/"+id, patchType, []byte(ops))
}

// create makes an image from a JSON body and returns its id.
func create(t *testing.T, c *client.Client, body string) string {
	t.Helper()
	res, err := c.CreateBody(context.Background(), []byte(body))
	if err != nil {
		t.Fatalf("create %s: %v", body, err)
	}
	return res.Image.ID
}

func uploadBytes(t *testing.T, base, id string, data []byte) {
	t.Helper()
	if a := call(t, http.MethodPut, base+"/v2/images/"+id+"/file", "application/octet-stream", data); a.status != http.StatusNoContent {
		t.Fatalf("upload: %d %s", a.status, a.body)
	}
}

// wantError checks an error answer: its status, its code, an X-Request-Id,
// and words of its message.
func wantError(t *testing.T, what string, a answer, status int, code string, mentions ...string) {
	t.Helper()
	if a.status != status || a.code() != code {
		t.Errorf("%s: got %d %s, want %d %s", what, a.status, a.body, status, code)
		return
	}
	if a.header.Get("X-Request-Id") == "" {
		t.Errorf("%s: no X-Request-Id", what)
	}
	for _, m := range mentions {
		if !strings.Contains(string(a.body), m) {
			t.Errorf("%s: %s does not mention %q", what, a.body, m)
		}
	}
}
