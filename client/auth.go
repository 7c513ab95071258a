package client

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"

	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/auth/signer"
	sdkrequest "github.com/huaweicloud/huaweicloud-sdk-go-v3/core/request"
	"gopkg.in/ini.v1"
)

// AuthKind names how requests are authenticated.
type AuthKind string

const (
	AuthNone     AuthKind = "none"
	AuthAKSK     AuthKind = "AK/SK"
	AuthToken    AuthKind = "token"
	AuthPassword AuthKind = "IAM password"
)

// AuthInfo says which credentials are used and where they came from, for
// the user; it never holds a secret.
type AuthInfo struct {
	Kind   AuthKind
	Source string // e.g. "HUAWEICLOUD_SDK_AK/SK", "~/.huaweicloud/credentials"
	Who    string // a non-secret identifier: AK prefix, user name
}

func (a AuthInfo) String() string {
	if a.Kind == AuthNone {
		if a.Source == "" {
			return "none"
		}
		return "none (" + a.Source + ")"
	}
	s := string(a.Kind)
	if a.Who != "" {
		s += " (" + a.Who + ")"
	}
	if a.Source != "" {
		s += " from " + a.Source
	}
	return s
}

// Authenticator adds credentials to a request. body is the exact request
// body (nil for none), needed by AK/SK signing.
type Authenticator interface {
	Info() AuthInfo
	Authorize(ctx context.Context, hc *http.Client, req *http.Request, body []byte) error
}

// secretHolder is an Authenticator that can list the secrets it sends, so
// that a server echoing one back (in a header, a message) is redacted too.
type secretHolder interface {
	secrets() []string
}

func (t TokenAuth) secrets() []string { return []string{t.Token} }
func (a AKSKAuth) secrets() []string  { return []string{a.SK, a.SecurityToken} }
func (p *PasswordAuth) secrets() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return []string{p.Password, p.token}
}

// Reauthenticator is an Authenticator that can drop a cached credential and
// fetch a new one (IAM password: a token can expire mid-session). Invalidate
// reports whether there was a cached credential to drop: when the login
// itself was refused there is none, and trying again would only risk
// locking the account.
type Reauthenticator interface {
	Authenticator
	Invalidate() bool
}

// NoAuth sends no credentials: the sandbox, or a no-auth Glance.
type NoAuth struct{ Source string }

func (n NoAuth) Info() AuthInfo { return AuthInfo{Kind: AuthNone, Source: n.Source} }
func (NoAuth) Authorize(context.Context, *http.Client, *http.Request, []byte) error {
	return nil
}

// TokenAuth sends an existing token as X-Auth-Token.
type TokenAuth struct {
	Token  string
	Source string
}

func (t TokenAuth) Info() AuthInfo { return AuthInfo{Kind: AuthToken, Source: t.Source} }
func (t TokenAuth) Authorize(_ context.Context, _ *http.Client, req *http.Request, _ []byte) error {
	req.Header.Set("X-Auth-Token", t.Token)
	return nil
}

// AKSKAuth signs each request with the Huawei Cloud SDK's signer
// (SDK-HMAC-SHA256). Only the signer is used: the SDK's transport ignores
// HTTP(S)_PROXY.
type AKSKAuth struct {
	AK, SK, ProjectID, SecurityToken string
	Source                           string
}

func (a AKSKAuth) Info() AuthInfo {
	return AuthInfo{Kind: AuthAKSK, Source: a.Source, Who: "AK " + maskID(a.AK)}
}

func (a AKSKAuth) Authorize(_ context.Context, _ *http.Client, req *http.Request, body []byte) error {
	if a.ProjectID != "" {
		req.Header.Set("X-Project-Id", a.ProjectID)
	}
	if a.SecurityToken != "" {
		req.Header.Set("X-Security-Token", a.SecurityToken)
	}
	if ct := req.Header.Get("Content-Type"); ct != "" && !strings.Contains(ct, "application/json") {
		// The SDK signs such bodies as UNSIGNED-PAYLOAD and expects the
		// header on the wire too; it lets uploads stream unhashed.
		req.Header.Set("X-Sdk-Content-Sha256", "UNSIGNED-PAYLOAD")
	}
	headers, err := SignAKSK(req, body, a.AK, a.SK)
	if err != nil {
		return err
	}
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	return nil
}

// SignAKSK returns the headers (X-Sdk-Date, Authorization) that the SDK's
// signer computes for req. A X-Sdk-Date already on req is kept, which makes
// the signature reproducible in tests.
func SignAKSK(req *http.Request, body []byte, ak, sk string) (map[string]string, error) {
	b := sdkrequest.NewHttpRequestBuilder().
		WithEndpoint(req.URL.Scheme+"://"+req.URL.Host).
		WithPath(req.URL.EscapedPath()).
		WithMethod(req.Method).
		AddHeaderParam("Host", req.URL.Host)
	for k := range req.Header {
		b.AddHeaderParam(k, req.Header.Get(k))
	}
	for k, vs := range req.URL.Query() {
		if len(vs) == 1 {
			b.AddQueryParam(k, reflect.ValueOf(vs[0]))
		} else {
			b.AddQueryParam(k, reflect.ValueOf(vs))
		}
	}
	if body != nil {
		b.WithBody("", string(body))
	}
	return signer.Signer{}.Sign(b.Build(), ak, sk)
}

// PasswordAuth exchanges an IAM user's password for a token at
// https://iam.{region}.myhuaweicloud.com/v3/auth/tokens; the token is kept in
// memory only.
type PasswordAuth struct {
	User, Password, Domain, Project string
	TokenURL                        string
	Source                          string

	mu    sync.Mutex
	token string
}

func (p *PasswordAuth) Info() AuthInfo {
	return AuthInfo{Kind: AuthPassword, Source: p.Source, Who: "user " + p.User}
}

// Invalidate forgets the token so the next request logs in again.
func (p *PasswordAuth) Invalidate() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	had := p.token != ""
	p.token = ""
	return had
}

func (p *PasswordAuth) Authorize(ctx context.Context, hc *http.Client, req *http.Request, _ []byte) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.token == "" {
		tok, err := p.login(ctx, hc)
		if err != nil {
			return err
		}
		p.token = tok
	}
	req.Header.Set("X-Auth-Token", p.token)
	return nil
}

func (p *PasswordAuth) login(ctx context.Context, hc *http.Client) (string, error) {
	type named struct {
		Name string `json:"name"`
	}
	var body struct {
		Auth struct {
			Identity struct {
				Methods  []string `json:"methods"`
				Password struct {
					User struct {
						Name     string `json:"name"`
						Password string `json:"password"`
						Domain   named  `json:"domain"`
					} `json:"user"`
				} `json:"password"`
			} `json:"identity"`
			Scope struct {
				Project named `json:"project"`
			} `json:"scope"`
		} `json:"auth"`
	}
	body.Auth.Identity.Methods = []string{"password"}
	u := &body.Auth.Identity.Password.User
	u.Name, u.Password, u.Domain.Name = p.User, p.Password, p.Domain
	body.Auth.Scope.Project.Name = p.Project
	data, _ := json.Marshal(body)

	req, err := http.NewRequestWithContext(ctx, http.MethodPost, p.TokenURL, bytes.NewReader(data))
	if err != nil {
		return "", err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	resp, err := hc.Do(req)
	if err != nil {
		// The create was never sent: a failed login is not an unknown outcome.
		ne := classifyNetworkError(req.Method, p.TokenURL, err, false, 0)
		if ne.Kind == NetTimeout {
			ne.Hint = "IAM did not answer in time; check the network path to " + p.TokenURL
		}
		return "", ne
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
	if resp.StatusCode != http.StatusCreated && resp.StatusCode != http.StatusOK {
		apiErr := newAPIError(req.Method, p.TokenURL, resp, raw, AuthPassword)
		if len(p.Password) >= minSecretLen { // IAM has been seen echoing the request
			apiErr.Message = strings.ReplaceAll(apiErr.Message, p.Password, Redacted)
			apiErr.Body = []byte(strings.ReplaceAll(string(apiErr.Body), p.Password, Redacted))
		}
		apiErr.Hint = "IAM refused the login: check OS_USERNAME, OS_PASSWORD, OS_USER_DOMAIN_NAME (the account name) and OS_PROJECT_NAME"
		return "", apiErr
	}
	tok := resp.Header.Get("X-Subject-Token")
	if tok == "" {
		return "", errors.New("IAM answered without an X-Subject-Token header")
	}
	return tok, nil
}

// IAMTokenURL is the IAM token endpoint of a region.
func IAMTokenURL(region string) string {
	return "https://iam." + region + ".myhuaweicloud.com/v3/auth/tokens"
}

// AuthEnv is where credentials are looked for; tests replace both.
type AuthEnv struct {
	Getenv  func(string) string
	HomeDir string
	Region  string
}

// ErrNoCredentials means nothing is configured.
var ErrNoCredentials = errors.New("no credentials configured")

// ErrPasswordMissing means OS_USERNAME is set without OS_PASSWORD: on a
// terminal the password is asked for, masked, rather than put in the
// environment.
var ErrPasswordMissing = errors.New("IAM password login: OS_USERNAME is set but OS_PASSWORD is not")

// ResolveAuth picks the credentials from what is configured, in this order:
// AK/SK from HUAWEICLOUD_SDK_* variables, AK/SK from
// ~/.huaweicloud/credentials, OS_AUTH_TOKEN, IAM password (OS_USERNAME +
// OS_PASSWORD). It returns ErrNoCredentials when none is set, and an error
// naming the variable when a set is incomplete.
func ResolveAuth(env AuthEnv) (Authenticator, error) {
	get := env.Getenv
	if get == nil {
		get = os.Getenv
	}
	ak, sk := get("HUAWEICLOUD_SDK_AK"), get("HUAWEICLOUD_SDK_SK")
	switch {
	case ak != "" && sk != "":
		return AKSKAuth{AK: ak, SK: sk, ProjectID: get("HUAWEICLOUD_SDK_PROJECT_ID"),
			SecurityToken: get("HUAWEICLOUD_SDK_SECURITY_TOKEN"), Source: "HUAWEICLOUD_SDK_AK/SK"}, nil
	case ak != "":
		return nil, errors.New("HUAWEICLOUD_SDK_AK is set but HUAWEICLOUD_SDK_SK is not: set both")
	case sk != "":
		return nil, errors.New("HUAWEICLOUD_SDK_SK is set but HUAWEICLOUD_SDK_AK is not: set both")
	}
	path, source := get("HUAWEICLOUD_SDK_CREDENTIALS_FILE"), "HUAWEICLOUD_SDK_CREDENTIALS_FILE"
	if path == "" && env.HomeDir != "" {
		path, source = filepath.Join(env.HomeDir, ".huaweicloud", "credentials"), "~/.huaweicloud/credentials"
	}
	if path != "" {
		a, err := readCredentialsFile(path, source)
		switch {
		case err == nil:
			return a, nil
		case !errors.Is(err, os.ErrNotExist):
			return nil, err
		}
	}
	if tok := get("OS_AUTH_TOKEN"); tok != "" {
		return TokenAuth{Token: tok, Source: "OS_AUTH_TOKEN"}, nil
	}
	user, pass := get("OS_USERNAME"), get("OS_PASSWORD")
	if user != "" || pass != "" {
		switch {
		case user == "":
			return nil, errors.New("IAM password login needs OS_USERNAME as well as OS_PASSWORD")
		case pass == "":
			return nil, ErrPasswordMissing
		}
		domain := get("OS_USER_DOMAIN_NAME")
		if domain == "" {
			domain = get("OS_DOMAIN_NAME")
		}
		if domain == "" {
			return nil, errors.New("IAM password login needs OS_USER_DOMAIN_NAME (your Huawei Cloud account name)")
		}
		project := get("OS_PROJECT_NAME")
		if project == "" {
			project = env.Region
		}
		if project == "" {
			return nil, errors.New("IAM password login needs OS_PROJECT_NAME or a region (--region / OS_REGION_NAME)")
		}
		tokenURL := IAMTokenURL(project)
		if region := env.Region; region != "" {
			tokenURL = IAMTokenURL(region)
		}
		if authURL := get("OS_AUTH_URL"); authURL != "" {
			tokenURL = strings.TrimRight(authURL, "/") + "/auth/tokens"
		}
		return &PasswordAuth{User: user, Password: pass, Domain: domain, Project: project,
			TokenURL: tokenURL, Source: "OS_USERNAME/OS_PASSWORD"}, nil
	}
	return nil, ErrNoCredentials
}

// readCredentialsFile reads the SDK's INI file (section [basic]: ak, sk,
// project_id, security_token) with the same INI library the SDK uses; the
// SDK's own provider reads $HOME directly, which tests cannot redirect.
func readCredentialsFile(path, source string) (Authenticator, error) {
	if _, err := os.Stat(path); err != nil {
		return nil, err
	}
	file, err := ini.Load(path)
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", path, err)
	}
	basic := file.Section("basic")
	ak, sk := basic.Key("ak").String(), basic.Key("sk").String()
	if ak == "" || sk == "" {
		return nil, fmt.Errorf("%s: section [basic] needs both ak and sk", path)
	}
	return AKSKAuth{AK: ak, SK: sk, ProjectID: basic.Key("project_id").String(),
		SecurityToken: basic.Key("security_token").String(), Source: source}, nil
}

// maskID shows the first four characters of an identifier, enough to tell
// two keys apart without printing one.
func maskID(s string) string {
	if len(s) <= 4 {
		return "****"
	}
	return s[:4] + "…"
}
