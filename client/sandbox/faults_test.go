package sandbox_test

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/ims-wizard/ims-wizard/client"
	"github.com/ims-wizard/ims-wizard/client/sandbox"
)

func TestParseFault(t *testing.T) {
	t.Parallel()
	good := []struct {
		spec string
		want sandbox.Fault
	}{
		{"POST /v2/images=503", sandbox.Fault{Method: "POST", Path: "/v2/images", Status: 503}},
		{"post /v2/images=401*2", sandbox.Fault{Method: "POST", Path: "/v2/images", Status: 401, Times: 2}},
		{"/v2/images/*=404", sandbox.Fault{Path: "/v2/images/*", Status: 404}},
		{"POST /v2/images=400:IMG.0015", sandbox.Fault{Method: "POST", Path: "/v2/images", Status: 400, Code: "IMG.0015"}},
		{"PUT /v2/images/*/file=reset*1", sandbox.Fault{Method: "PUT", Path: "/v2/images/*/file", Reset: true, Times: 1}},
		{"GET /v2/images=timeout", sandbox.Fault{Method: "GET", Path: "/v2/images", Timeout: true}},
		{"POST /v2/images=created-then-reset", sandbox.Fault{Method: "POST", Path: "/v2/images", Reset: true, Done: true}},
		{"POST /v2/images=created-then-504", sandbox.Fault{Method: "POST", Path: "/v2/images", Status: 504, Done: true}},
	}
	for _, tt := range good {
		got, err := sandbox.ParseFault(tt.spec)
		tt.want.Spec = tt.spec
		if err != nil || got != tt.want {
			t.Errorf("ParseFault(%q) = %+v, %v; want %+v", tt.spec, got, err, tt.want)
		}
	}
	for _, bad := range []string{"POST /v2/images", "POST /v2/images=200", "POST /v2/images=600", "POST v2/images=503",
		"POST /v2/images=oops", "POST /v2/images=503*0", "POST /v2/images=503*x", "P0ST /v2/images=503", "/v2/[=503"} {
		if _, err := sandbox.ParseFault(bad); err == nil || !strings.Contains(err.Error(), "PATH=FAULT") {
			t.Errorf("ParseFault(%q) = %v, want an error showing the form", bad, err)
		}
	}
}

func faults(t *testing.T, specs ...string) []sandbox.Fault {
	t.Helper()
	var out []sandbox.Fault
	for _, s := range specs {
		f, err := sandbox.ParseFault(s)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, f)
	}
	return out
}

func TestInjectedStatuses(t *testing.T) {
	t.Parallel()
	var log lockedBuffer
	srv, c := start(t, sandbox.Options{Log: &log, Faults: faults(t,
		"POST /v2/images=503*1", "GET /v2/images/*=401*1", "GET /v2/images=429*1", "DELETE /v2/images/*=400:IMG.0015")})
	ctx := context.Background()

	_, err := c.Create(ctx, ubuntuRequest("f"))
	var ae *client.APIError
	if !errors.As(err, &ae) || ae.StatusCode != 503 || ae.Code != "SANDBOX.0503" || !strings.Contains(ae.Message, "fault injected") ||
		ae.RequestID == "" || !client.IsAmbiguous(err) {
		t.Fatalf("first create: %v", err)
	}
	res, err := c.Create(ctx, ubuntuRequest("f")) // *1: used up
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Get(ctx, res.Image.ID)
	if !errors.As(err, &ae) || ae.StatusCode != 401 || ae.Code != "APIG.0301" || ae.RequestID == "" {
		t.Errorf("401: %v", err)
	}
	_, err = c.ListByName(ctx, "f")
	if !errors.As(err, &ae) || ae.StatusCode != 429 || ae.Code != "APIG.0308" || ae.RetryAfter != "1" {
		t.Errorf("429: %+v", err)
	}
	if imgs, err := c.ListByName(ctx, "f"); err != nil || len(imgs) != 1 {
		t.Errorf("after the faults: %v %v", imgs, err)
	}
	a := call(t, "DELETE", srv.URL()+"/v2/images/"+res.Image.ID, "", nil)
	wantError(t, "a code of one's choice", a, 400, "IMG.0015", "fault injected")
	if !strings.Contains(log.String(), `fault "POST /v2/images=503*1"`) {
		t.Errorf("the log does not say which fault fired:\n%s", log.String())
	}
}

func TestInjectedConnectionFaults(t *testing.T) {
	t.Parallel()
	srv, c := start(t, sandbox.Options{Faults: faults(t,
		"POST /v2/images=reset*1", "POST /v2/images=created-then-reset*1", "PUT /v2/images/*/file=reset*1")})
	ctx := context.Background()
	var ne *client.NetworkError

	_, err := c.Create(ctx, ubuntuRequest("cut"))
	if !errors.As(err, &ne) {
		t.Fatalf("reset: %v, want a network error", err)
	}
	if imgs, _ := c.ListByName(ctx, "cut"); len(imgs) != 0 {
		t.Errorf("a reset create created %d images", len(imgs))
	}

	_, err = c.Create(ctx, ubuntuRequest("cut"))
	if !errors.As(err, &ne) || !client.IsAmbiguous(err) {
		t.Fatalf("created-then-reset: %v, want an ambiguous network error", err)
	}
	imgs, _ := c.ListByName(ctx, "cut")
	if len(imgs) != 1 {
		t.Fatalf("created-then-reset: %d images, want the one created", len(imgs))
	}

	// An upload cut off puts the image back to queued; the next one works.
	id := imgs[0].ID
	req, _ := http.NewRequest("PUT", srv.URL()+"/v2/images/"+id+"/file", bytes.NewReader(make([]byte, 1<<20)))
	req.Header.Set("Content-Type", "application/octet-stream")
	if resp, err := http.DefaultClient.Do(req); err == nil {
		resp.Body.Close()
		t.Fatalf("upload under reset answered %d", resp.StatusCode)
	}
	waitStatus(t, c, id, "queued")
	uploadBytes(t, srv.URL(), id, []byte("second try"))
}

func TestInjectedTimeout(t *testing.T) {
	t.Parallel()
	var log lockedBuffer
	srv, _ := start(t, sandbox.Options{Log: &log, Faults: faults(t, "POST /v2/images=timeout")})
	c, _ := client.New(client.Config{Endpoint: srv.URL(), Timeout: 300 * time.Millisecond})
	began := time.Now()
	_, err := c.Create(context.Background(), ubuntuRequest("slow"))
	var ne *client.NetworkError
	if !errors.As(err, &ne) || !client.IsAmbiguous(err) {
		t.Fatalf("timeout: %v", err)
	}
	if took := time.Since(began); took > 5*time.Second {
		t.Errorf("took %s", took)
	}
	names, _ := listNames(t, srv.URL(), "name=slow")
	if len(names) != 0 {
		t.Errorf("a timed-out create created %v", names)
	}
	// Close does not wait for the client to give up on a held request.
	held := make(chan error, 1)
	go func() {
		c2, _ := client.New(client.Config{Endpoint: srv.URL(), Timeout: time.Minute})
		_, err := c2.Create(context.Background(), ubuntuRequest("held"))
		held <- err
	}()
	// The log says when the second request reached the fault.
	deadline := time.Now().Add(5 * time.Second)
	for strings.Count(log.String(), "fault ") < 2 {
		if time.Now().After(deadline) {
			t.Fatalf("the held request never reached the fault:\n%s", log.String())
		}
		time.Sleep(5 * time.Millisecond)
	}
	began = time.Now()
	srv.Close()
	if err := <-held; err == nil || time.Since(began) > 4*time.Second {
		t.Errorf("held request: %v after %s", err, time.Since(began))
	}
}
