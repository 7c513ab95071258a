package client

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func randomSecret(t *testing.T) string {
	b := make([]byte, 24)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// Many generated secrets, each through every kind of auth, with --debug on:
// none may appear in the trace or in the curl equivalent.
func TestDebugTraceAndCurlNeverShowSecrets(t *testing.T) {
	t.Parallel()
	iam := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Subject-Token", r.Header.Get("X-Test-Issue"))
		w.WriteHeader(201)
	}))
	defer iam.Close()
	ims := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// Echo the credentials back the way a careless server might.
		w.Header().Set("X-Subject-Token", r.Header.Get("X-Auth-Token"))
		w.Header().Set("Set-Cookie", "session="+r.Header.Get("X-Auth-Token"))
		w.WriteHeader(400)
		w.Write([]byte(`{"error":{"code":"IMG.0001","message":"bad"}}`))
	}))
	defer ims.Close()

	for i := 0; i < 40; i++ {
		sk, token, password, secTok := randomSecret(t), randomSecret(t), randomSecret(t), randomSecret(t)
		auths := []Authenticator{
			AKSKAuth{AK: "AK" + randomSecret(t)[:10], SK: sk, SecurityToken: secTok},
			TokenAuth{Token: token},
			&PasswordAuth{User: "u", Password: password, Domain: "d", Project: "p", TokenURL: iam.URL + "/v3/auth/tokens"},
		}
		for _, a := range auths {
			var trace bytes.Buffer
			hc := &http.Client{Transport: issueTokenTransport{token: token}}
			c, _ := New(Config{Endpoint: ims.URL, Auth: a, Debug: &trace})
			c.hc.Transport = hc.Transport
			_, _ = c.Create(context.Background(), SeedExample())
			out := trace.String() + CurlCommand(ims.URL, a.Info(), SeedExample().Body()) + a.Info().String()
			for _, secret := range []string{sk, token, password, secTok} {
				if strings.Contains(out, secret) {
					t.Fatalf("%s: secret leaked in:\n%s", a.Info().Kind, out)
				}
			}
			if a.Info().Kind == AuthAKSK && !strings.Contains(trace.String(), "Signature="+Redacted) {
				t.Fatalf("signature not redacted:\n%s", trace.String())
			}
		}
	}
}

// issueTokenTransport makes the IAM stub issue a known token, so the test
// can look for it in the output.
type issueTokenTransport struct{ token string }

func (t issueTokenTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	r.Header.Set("X-Test-Issue", t.token)
	return http.DefaultTransport.RoundTrip(r)
}

func TestRedactHeader(t *testing.T) {
	t.Parallel()
	auth := "SDK-HMAC-SHA256 Access=QTWAOYTTINDUT2QVKYUC, SignedHeaders=host;x-sdk-date, Signature=abcdef0123"
	got := RedactHeader("authorization", auth)
	if got != "SDK-HMAC-SHA256 Access=QTWA…, SignedHeaders=host;x-sdk-date, Signature="+Redacted {
		t.Fatalf("got %q", got)
	}
	for _, h := range []string{"X-Auth-Token", "x-subject-token", "X-Security-Token", "Cookie", "Authorization"} {
		if RedactHeader(h, "Bearer s3cr3t") != Redacted {
			t.Errorf("%s not redacted", h)
		}
	}
	if RedactHeader("Content-Type", "application/json") != "application/json" {
		t.Error("ordinary header changed")
	}
	body := RedactBody([]byte(`{"auth":{"identity":{"password":{"user":{"name":"u","password":"p\"w"}}}}}`))
	if strings.Contains(body, `p\"w`) || !strings.Contains(body, `"name":"u"`) {
		t.Fatalf("got %s", body)
	}
}
