package client

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
)

// Each client sends the version it was configured with, on every kind of
// call (the create and the upload's PUT), and two clients in one process
// do not share it: the version is configuration, not a package variable.
func TestUserAgentIsTheConfiguredVersion(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	seen := map[string][]string{} // method → User-Agents
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		seen[r.Method] = append(seen[r.Method], r.Header.Get("User-Agent"))
		mu.Unlock()
		w.WriteHeader(500)
	}))
	defer srv.Close()
	for _, version := range []string{"1.2.3", ""} {
		c, err := New(Config{Endpoint: srv.URL, Version: version})
		if err != nil {
			t.Fatal(err)
		}
		_, _ = c.Create(context.Background(), SeedExample())
		_, _ = c.Upload(context.Background(), "id", bytes.NewReader([]byte("d")), 1, nil)
	}
	want := []string{"ims-wizard/1.2.3", "ims-wizard/" + DevVersion}
	mu.Lock()
	defer mu.Unlock()
	for _, method := range []string{http.MethodPost, http.MethodPut} {
		got := seen[method]
		if len(got) != 2 || got[0] != want[0] || got[1] != want[1] {
			t.Errorf("%s User-Agents %q, want %q", method, got, want)
		}
	}
}
