package client

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// A token that expired mid-session: IMS answers 401, the client logs in
// again once and the create goes through.
func TestPasswordAuthReauthenticatesOnceOn401(t *testing.T) {
	t.Parallel()
	var logins atomic.Int32
	iam := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := logins.Add(1)
		w.Header().Set("X-Subject-Token", fmt.Sprintf("token-%d", n))
		w.WriteHeader(201)
	}))
	defer iam.Close()
	var creates atomic.Int32
	valid := "token-2"
	ims := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		creates.Add(1)
		if r.Header.Get("X-Auth-Token") != valid {
			w.WriteHeader(401)
			w.Write([]byte(`{"error_code":"APIG.1002","error_msg":"Incorrect token or token resolution failed"}`))
			return
		}
		w.WriteHeader(201)
		w.Write([]byte(`{"id":"img-1","name":"test","status":"queued"}`))
	}))
	defer ims.Close()
	auth := &PasswordAuth{User: "u", Password: "p", Domain: "d", Project: "p", TokenURL: iam.URL}
	c, _ := New(Config{Endpoint: ims.URL, Auth: auth})
	res, err := c.Create(context.Background(), SeedExample())
	if err != nil || res.Image.ID != "img-1" {
		t.Fatalf("got %v %v", res, err)
	}
	if logins.Load() != 2 || creates.Load() != 2 {
		t.Fatalf("logins %d creates %d, want 2 and 2", logins.Load(), creates.Load())
	}

	// A 401 that persists is reported after one retry, not looped on.
	valid = "never"
	logins.Store(0)
	creates.Store(0)
	_, err = c.Create(context.Background(), SeedExample())
	var ae *APIError
	if !errors.As(err, &ae) || ae.StatusCode != 401 || creates.Load() != 2 || logins.Load() != 1 {
		t.Fatalf("err %v creates %d logins %d", err, creates.Load(), logins.Load())
	}
}

// Token and AK/SK auth never retry: nothing would change.
func TestTokenAuthDoesNotRetry401(t *testing.T) {
	t.Parallel()
	var calls atomic.Int32
	ims := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		w.WriteHeader(401)
	}))
	defer ims.Close()
	c, _ := New(Config{Endpoint: ims.URL, Auth: TokenAuth{Token: "t"}})
	c.Create(context.Background(), SeedExample())
	if calls.Load() != 1 {
		t.Fatalf("calls %d", calls.Load())
	}
}

func TestAKSK401ExplainsClockSkew(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		offset time.Duration
		skew   bool
	}{{time.Hour, true}, {-20 * time.Minute, true}, {2 * time.Minute, false}} {
		ims := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Date", time.Now().Add(tc.offset).UTC().Format(http.TimeFormat))
			w.WriteHeader(401)
			w.Write([]byte(`{"error_code":"APIG.0301","error_msg":"Incorrect IAM authentication information: verify aksk signature fail"}`))
		}))
		c, _ := New(Config{Endpoint: ims.URL, Auth: AKSKAuth{AK: "ak", SK: "sk"}})
		_, err := c.Create(context.Background(), SeedExample())
		ims.Close()
		var ae *APIError
		if !errors.As(err, &ae) {
			t.Fatal(err)
		}
		hint := ae.hint(nil)
		explained := strings.Contains(hint, "clock is") && strings.Contains(hint, "off the server's")
		if explained != tc.skew {
			t.Errorf("offset %s: hint %q", tc.offset, hint)
		}
	}
}

// A refused login is not retried: only a cached token that IMS refused is
// worth a second login, and repeating a wrong password risks a lock-out.
func TestWrongPasswordLogsInOnce(t *testing.T) {
	t.Parallel()
	var logins atomic.Int32
	iam := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		logins.Add(1)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(401)
		w.Write([]byte(`{"error":{"code":401,"message":"The username or password is wrong.","title":"Unauthorized"}}`))
	}))
	defer iam.Close()
	auth := &PasswordAuth{User: "u", Password: "hunter2-pass", Domain: "d", Project: "p", TokenURL: iam.URL}
	c, _ := New(Config{Endpoint: "http://127.0.0.1:1", Auth: auth})
	_, err := c.Create(context.Background(), SeedExample())
	var ae *APIError
	if !errors.As(err, &ae) || ae.StatusCode != 401 || ae.Code != "401" || ae.Message != "The username or password is wrong." {
		t.Fatalf("got %#v", err)
	}
	if logins.Load() != 1 {
		t.Fatalf("logins %d, want 1", logins.Load())
	}
	if IsAmbiguous(err) {
		t.Fatal("a refused login never sent the create")
	}
}

func TestRetryAfterForms(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	for in, want := range map[string]time.Duration{"7": 7 * time.Second, now.Add(90 * time.Second).Format(http.TimeFormat): 90 * time.Second} {
		got, ok := retryAfter(in, now)
		if !ok || got != want {
			t.Errorf("retryAfter(%q) = %v %v", in, got, ok)
		}
	}
	if _, ok := retryAfter("soon", now); ok {
		t.Error("garbage accepted")
	}
}
