package client

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync/atomic"
	"testing"
)

// The signature is recomputed here from the published algorithm
// (SDK-HMAC-SHA256: canonical request, string to sign, HMAC with the SK) by
// hand, independently of the SDK, and must equal what the SDK's signer made.
func TestAKSKSignatureMatchesIndependentVector(t *testing.T) {
	t.Parallel()
	body := SeedExample().Body()
	req, _ := http.NewRequest(http.MethodPost, "https://ims.cn-north-4.myhuaweicloud.com/v2/images?b=2&a=1", strings.NewReader(string(body)))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	req.Header.Set("X-Project-Id", "0123456789abcdef0123456789abcdef")
	req.Header.Set("X-Sdk-Date", "20260101T120000Z")
	const ak, sk = "QTWAOYTTINDUT2QVKYUC", "MFyfvK41ba2giqM7Uio6PznpdUKGpownRZlmVmHc"

	got, err := SignAKSK(req, body, ak, sk)
	if err != nil {
		t.Fatal(err)
	}

	headers := map[string]string{
		"accept": "application/json", "host": "ims.cn-north-4.myhuaweicloud.com",
		"x-project-id": "0123456789abcdef0123456789abcdef", "x-sdk-date": "20260101T120000Z",
	}
	var names []string
	for k := range headers {
		names = append(names, k)
	}
	sort.Strings(names)
	var canonHeaders strings.Builder
	for _, k := range names {
		fmt.Fprintf(&canonHeaders, "%s:%s\n", k, headers[k])
	}
	bodyHash := sha256.Sum256(body)
	canonical := strings.Join([]string{"POST", "/v2/images/", "a=1&b=2", canonHeaders.String(),
		strings.Join(names, ";"), hex.EncodeToString(bodyHash[:])}, "\n")
	crHash := sha256.Sum256([]byte(canonical))
	sts := "SDK-HMAC-SHA256\n20260101T120000Z\n" + hex.EncodeToString(crHash[:])
	mac := hmac.New(sha256.New, []byte(sk))
	mac.Write([]byte(sts))
	want := fmt.Sprintf("SDK-HMAC-SHA256 Access=%s, SignedHeaders=%s, Signature=%s", ak, strings.Join(names, ";"), hex.EncodeToString(mac.Sum(nil)))

	if got["Authorization"] != want {
		t.Fatalf("Authorization\n got %s\nwant %s", got["Authorization"], want)
	}
	if got["X-Sdk-Date"] != "20260101T120000Z" {
		t.Fatalf("X-Sdk-Date %q", got["X-Sdk-Date"])
	}
}

func TestAKSKAuthorizeSetsHeaders(t *testing.T) {
	t.Parallel()
	var seen http.Header
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		seen = r.Header.Clone()
		w.WriteHeader(500)
	}))
	defer srv.Close()
	c, _ := New(Config{Endpoint: srv.URL, Auth: AKSKAuth{AK: "AKIDEXAMPLE", SK: "sk", ProjectID: "p1", SecurityToken: "st"}})
	_, _ = c.Create(context.Background(), SeedExample())
	for _, h := range []string{"Authorization", "X-Sdk-Date", "X-Project-Id", "X-Security-Token"} {
		if seen.Get(h) == "" {
			t.Errorf("missing %s", h)
		}
	}
	if !strings.HasPrefix(seen.Get("Authorization"), "SDK-HMAC-SHA256 Access=AKIDEXAMPLE, SignedHeaders=") {
		t.Errorf("Authorization %q", seen.Get("Authorization"))
	}
	if ua := seen.Get("User-Agent"); !strings.HasPrefix(ua, "ims-wizard/") {
		t.Errorf("User-Agent %q", ua)
	}
}

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestResolveAuthOrderAndSources(t *testing.T) {
	t.Parallel()
	home := t.TempDir()
	cases := []struct {
		name   string
		vars   map[string]string
		file   string
		kind   AuthKind
		source string
		errHas string
	}{
		{"nothing", nil, "", "", "", "no credentials"},
		{"aksk env", map[string]string{"HUAWEICLOUD_SDK_AK": "ak", "HUAWEICLOUD_SDK_SK": "sk", "OS_AUTH_TOKEN": "t"}, "", AuthAKSK, "HUAWEICLOUD_SDK_AK/SK", ""},
		{"ak without sk", map[string]string{"HUAWEICLOUD_SDK_AK": "ak"}, "", "", "", "HUAWEICLOUD_SDK_SK"},
		{"file", nil, "[basic]\nak = fileak\nsk = filesk\nproject_id = p\n", AuthAKSK, "~/.huaweicloud/credentials", ""},
		{"file without sk", nil, "[basic]\nak = fileak\n", "", "", "needs both ak and sk"},
		{"token", map[string]string{"OS_AUTH_TOKEN": "tok"}, "", AuthToken, "OS_AUTH_TOKEN", ""},
		{"password", map[string]string{"OS_USERNAME": "u", "OS_PASSWORD": "p", "OS_USER_DOMAIN_NAME": "acct", "OS_REGION_NAME": "cn-north-4"}, "", AuthPassword, "OS_USERNAME/OS_PASSWORD", ""},
		{"password without domain", map[string]string{"OS_USERNAME": "u", "OS_PASSWORD": "p"}, "", "", "", "OS_USER_DOMAIN_NAME"},
		{"password without user", map[string]string{"OS_PASSWORD": "p"}, "", "", "", "OS_USERNAME"},
		{"user without password", map[string]string{"OS_USERNAME": "u"}, "", "", "", "OS_PASSWORD is not"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := filepath.Join(home, strings.ReplaceAll(tc.name, " ", "_"))
			if tc.file != "" {
				os.MkdirAll(filepath.Join(dir, ".huaweicloud"), 0o700)
				os.WriteFile(filepath.Join(dir, ".huaweicloud", "credentials"), []byte(tc.file), 0o600)
			}
			a, err := ResolveAuth(AuthEnv{Getenv: env(tc.vars), HomeDir: dir, Region: tc.vars["OS_REGION_NAME"]})
			if tc.errHas != "" {
				if err == nil || !strings.Contains(err.Error(), tc.errHas) {
					t.Fatalf("want error containing %q, got %v", tc.errHas, err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			info := a.Info()
			if info.Kind != tc.kind || info.Source != tc.source {
				t.Fatalf("got %+v", info)
			}
			for _, secret := range []string{"sk", "filesk", "tok", "p"} {
				if strings.Contains(info.String(), " "+secret+" ") {
					t.Fatalf("info leaks a secret: %s", info)
				}
			}
		})
	}
}

func TestPasswordAuthExchangesTokenOnce(t *testing.T) {
	t.Parallel()
	var logins atomic.Int32
	var loginBody string
	iam := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/v3/auth/tokens" {
			w.WriteHeader(404)
			return
		}
		logins.Add(1)
		b, _ := io.ReadAll(r.Body)
		loginBody = string(b)
		w.Header().Set("X-Subject-Token", "issued-token")
		w.WriteHeader(201)
	}))
	defer iam.Close()
	var tokens []string
	ims := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		tokens = append(tokens, r.Header.Get("X-Auth-Token"))
		w.WriteHeader(404)
	}))
	defer ims.Close()
	a, err := ResolveAuth(AuthEnv{Getenv: env(map[string]string{"OS_USERNAME": "alice", "OS_PASSWORD": "pw", "OS_USER_DOMAIN_NAME": "acct", "OS_AUTH_URL": iam.URL + "/v3"}), Region: "cn-north-4"})
	if err != nil {
		t.Fatal(err)
	}
	c, _ := New(Config{Endpoint: ims.URL, Auth: a})
	c.Get(context.Background(), "x")
	c.Get(context.Background(), "y")
	if logins.Load() != 1 || len(tokens) != 2 || tokens[0] != "issued-token" || tokens[1] != "issued-token" {
		t.Fatalf("logins %d tokens %v", logins.Load(), tokens)
	}
	for _, want := range []string{`"name":"alice"`, `"password":"pw"`, `"domain":{"name":"acct"}`, `"project":{"name":"cn-north-4"}`, `"methods":["password"]`} {
		if !strings.Contains(loginBody, want) {
			t.Errorf("login body lacks %s: %s", want, loginBody)
		}
	}
}

func TestEndpointForRegion(t *testing.T) {
	t.Parallel()
	ep, err := EndpointForRegion("cn-north-4")
	if err != nil || ep != "https://ims.cn-north-4.myhuaweicloud.com" {
		t.Fatalf("got %q %v", ep, err)
	}
	_, err = EndpointForRegion("mars-1")
	if err == nil || !strings.Contains(err.Error(), "mars-1") || !strings.Contains(err.Error(), "cn-north-4") {
		t.Fatalf("got %v", err)
	}
}

// The SDK does not export its region list; its refusal names every region,
// which is what Regions must equal.
func TestRegionsMatchSDK(t *testing.T) {
	t.Parallel()
	r, sdkErr := sdkRegionErr("no-such-region")
	if r {
		t.Fatal("unexpected region")
	}
	start := strings.Index(sdkErr, "[")
	end := strings.LastIndex(sdkErr, "]")
	if start < 0 || end < start {
		t.Fatalf("unexpected SDK message %q", sdkErr)
	}
	sdk := strings.Split(sdkErr[start+1:end], ", ")
	if strings.Join(sdk, ",") != strings.Join(Regions(), ",") {
		t.Fatalf("SDK regions %v\nours %v", sdk, Regions())
	}
}
