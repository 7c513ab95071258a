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
	"sync/atomic"
	"syscall"

	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/auth/signer"
	sdkrequest "github.com/huaweicloud/huaweicloud-sdk-go-v3/core/request"
	"github.com/ims-wizard/ims-wizard/client/l10n"
	"github.com/ims-wizard/ims-wizard/client/localfile"
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

// String is the credentials in English: Text(nil).
func (a AuthInfo) String() string { return a.Text(nil) }

// Text says which credentials are used and where they came from, in loc's
// language: "AK/SK (AK ABCD…) from HUAWEICLOUD_SDK_AK/SK", "none (sandbox)".
// Sources and identifiers are names (variables, files, a user), kept as
// they are, except the few said in words (SourceSandbox…).
func (a AuthInfo) Text(loc *l10n.Localizer) string {
	source := sourceText(loc, a.Source)
	switch {
	case a.Kind == AuthNone || a.Kind == "":
		if source == "" {
			return loc.T("auth.info.none")
		}
		return loc.T("auth.info.none_from", l10n.Args{"Source": source})
	case a.Who == "" && source == "":
		return loc.T("auth.info.kind", l10n.Args{"Kind": a.kindText(loc)})
	case a.Who == "":
		return loc.T("auth.info.kind_from", l10n.Args{"Kind": a.kindText(loc), "Source": source})
	case source == "":
		return loc.T("auth.info.kind_who", l10n.Args{"Kind": a.kindText(loc), "Who": a.whoText(loc)})
	}
	return loc.T("auth.info.kind_who_from", l10n.Args{"Kind": a.kindText(loc), "Who": a.whoText(loc), "Source": source})
}

func (a AuthInfo) kindText(loc *l10n.Localizer) string {
	switch a.Kind {
	case AuthAKSK:
		return "AK/SK"
	case AuthToken:
		return loc.T("auth.kind.token")
	case AuthPassword:
		return loc.T("auth.kind.password")
	}
	return Inert(string(a.Kind))
}

// whoText is Who in loc's language: "AK ABCD…" stays, "user NAME" is said.
func (a AuthInfo) whoText(loc *l10n.Localizer) string {
	if user, ok := strings.CutPrefix(a.Who, "user "); ok && a.Kind == AuthPassword {
		return loc.T("auth.who.user", l10n.Args{"User": Inert(user)})
	}
	return Inert(a.Who)
}

// Credential sources said in words rather than named (a variable, a file).
const (
	SourceSandbox       = "sandbox"
	SourceNone          = "no credentials configured"
	SourcePasswordTyped = "OS_USERNAME, password typed at the prompt"
)

func sourceText(loc *l10n.Localizer, source string) string {
	switch source {
	case SourceSandbox:
		return loc.T("auth.source.sandbox")
	case SourceNone:
		return loc.T("auth.source.none")
	case SourcePasswordTyped:
		return loc.T("auth.source.password_typed")
	}
	return Inert(source)
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
	tok, _ := p.issued.Load().(string)
	return []string{p.Password, tok}
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
	// issued is every token's last value, for redaction: read without mu,
	// which the login holds while a refused redirect is traced.
	issued atomic.Value
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
		p.issued.Store(tok)
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
	var redirect *RedirectError
	if errors.As(err, &redirect) {
		return "", redirect // the password was not sent again
	}
	if err != nil {
		// The create was never sent: a failed login is not an unknown outcome.
		ne := classifyNetworkError(req.Method, p.TokenURL, err, false, 0)
		if ne.Kind == NetTimeout {
			ne.Advice = NewMsg("auth.iam.timeout_hint", l10n.Args{"URL": Inert(p.TokenURL)})
		}
		return "", ne
	}
	defer resp.Body.Close()
	switch resp.StatusCode {
	case http.StatusMovedPermanently, http.StatusFound, http.StatusSeeOther, http.StatusTemporaryRedirect, http.StatusPermanentRedirect:
		if loc, err := resp.Location(); err == nil { // not followed (see CheckRedirect)
			return "", &RedirectError{Method: req.Method, URL: req.URL.Redacted(), StatusCode: resp.StatusCode, Location: loc.Redacted(), RequestID: requestID(resp.Header)}
		}
	}
	raw, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
	if resp.StatusCode != http.StatusCreated && resp.StatusCode != http.StatusOK {
		apiErr := newAPIError(req.Method, p.TokenURL, resp, raw, AuthPassword)
		apiErr.Advice = NewMsg("auth.iam.refused_hint")
		// IAM has been seen echoing the request, in any field: every one is
		// redacted (the client redacts it again with all its secrets).
		return "", newRedactor(p.Password).apiError(apiErr)
	}
	tok := resp.Header.Get("X-Subject-Token")
	if tok == "" {
		return "", NewError(nil, "auth.iam.no_token")
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
	// Warn, if set, is told what the user should fix but that does not stop
	// the run: a credentials file other users can read.
	Warn func(Msg)
}

// maxCredentialsFile bounds the credentials file: a few lines of INI.
const maxCredentialsFile = 64 << 10

// ErrNoCredentials means nothing is configured.
var ErrNoCredentials error = NewError(nil, "auth.none")

// ErrPasswordMissing means OS_USERNAME is set without OS_PASSWORD: on a
// terminal the password is asked for, masked, rather than put in the
// environment.
var ErrPasswordMissing error = NewError(nil, "auth.password.missing")

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
	// Every value that goes into a header must be one line: a token pasted
	// with its newline is a usage error naming the variable, never a
	// "connection lost" (and never printed).
	for _, k := range []string{"HUAWEICLOUD_SDK_AK", "HUAWEICLOUD_SDK_SK", "HUAWEICLOUD_SDK_PROJECT_ID", "HUAWEICLOUD_SDK_SECURITY_TOKEN", "OS_AUTH_TOKEN"} {
		if p := checkHeaderValue(k, get(k)); p != nil {
			return nil, p
		}
	}
	ak, sk := get("HUAWEICLOUD_SDK_AK"), get("HUAWEICLOUD_SDK_SK")
	switch {
	case ak != "" && sk != "":
		return AKSKAuth{AK: ak, SK: sk, ProjectID: get("HUAWEICLOUD_SDK_PROJECT_ID"),
			SecurityToken: get("HUAWEICLOUD_SDK_SECURITY_TOKEN"), Source: "HUAWEICLOUD_SDK_AK/SK"}, nil
	case ak != "":
		return nil, NewError(nil, "auth.aksk.half", l10n.Args{"Set": "HUAWEICLOUD_SDK_AK", "Unset": "HUAWEICLOUD_SDK_SK"})
	case sk != "":
		return nil, NewError(nil, "auth.aksk.half", l10n.Args{"Set": "HUAWEICLOUD_SDK_SK", "Unset": "HUAWEICLOUD_SDK_AK"})
	}
	path, source := get("HUAWEICLOUD_SDK_CREDENTIALS_FILE"), "HUAWEICLOUD_SDK_CREDENTIALS_FILE"
	if path == "" && env.HomeDir != "" {
		path, source = filepath.Join(env.HomeDir, ".huaweicloud", "credentials"), "~/.huaweicloud/credentials"
	}
	// A credentials file that cannot be read (an unreadable HOME, a FIFO,
	// a device) is an error only when no other credential is set: a run
	// with a token must not fail on it.
	var fileErr error
	if path != "" {
		a, err := readCredentialsFile(path, source, env.Warn)
		switch {
		case err == nil:
			return a, nil
		case isAbsent(err):
		case errors.As(err, new(*unreadableError)):
			fileErr = err
		default:
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
			return nil, NewError(nil, "auth.password.no_user")
		case pass == "":
			return nil, ErrPasswordMissing
		}
		domain := get("OS_USER_DOMAIN_NAME")
		if domain == "" {
			domain = get("OS_DOMAIN_NAME")
		}
		if domain == "" {
			return nil, NewError(nil, "auth.password.no_domain")
		}
		project := get("OS_PROJECT_NAME")
		if project == "" {
			project = env.Region
		}
		if project == "" {
			return nil, NewError(nil, "auth.password.no_project")
		}
		tokenURL := IAMTokenURL(project)
		if region := env.Region; region != "" {
			tokenURL = IAMTokenURL(region)
		}
		if authURL := get("OS_AUTH_URL"); authURL != "" {
			// Its password would show with the URL in every message.
			if p := CheckEndpoint("OS_AUTH_URL", authURL); p != nil {
				return nil, p
			}
			tokenURL = strings.TrimRight(authURL, "/") + "/auth/tokens"
		}
		return &PasswordAuth{User: user, Password: pass, Domain: domain, Project: project,
			TokenURL: tokenURL, Source: "OS_USERNAME/OS_PASSWORD"}, nil
	}
	if fileErr != nil {
		return nil, fileErr
	}
	return nil, ErrNoCredentials
}

// checkHeaderValue refuses a credential that cannot be one HTTP header
// value: a line break or another control character.
func checkHeaderValue(name, value string) *Problem {
	for _, r := range value {
		if (r < 0x20 && r != '\t') || r == 0x7f {
			return &Problem{Field: name, ID: "security.credential.control", Severity: SeverityError}
		}
	}
	return nil
}

// isAbsent reports a credentials file that is not there (or whose
// directory is not a directory): no file, not an error.
func isAbsent(err error) bool {
	return errors.Is(err, os.ErrNotExist) || errors.Is(err, syscall.ENOTDIR)
}

// unreadableError is a credentials file that may exist but could not be
// read (permissions, a symlink loop, not a regular file, too large), as
// opposed to one read whose content is wrong.
type unreadableError struct{ err error }

func (e *unreadableError) Error() string                       { return e.err.Error() }
func (e *unreadableError) Localize(loc *l10n.Localizer) string { return ErrorText(e.err, loc) }
func (e *unreadableError) Unwrap() error                       { return e.err }

// readCredentialsFile reads the SDK's INI file (section [basic]: ak, sk,
// project_id, security_token) with the same INI library the SDK uses; the
// SDK's own provider reads $HOME directly, which tests cannot redirect.
func readCredentialsFile(path, source string, warn func(Msg)) (Authenticator, error) {
	// A regular file only, read with a cap: a FIFO or a link to /dev/zero
	// must neither hang the run nor exhaust its memory.
	f, err := localfile.Open(path)
	if isAbsent(err) {
		return nil, err
	}
	if err != nil {
		return nil, &unreadableError{err}
	}
	defer f.Close()
	if fi, err := f.Stat(); err == nil && fi.Mode().Perm()&0o044 != 0 && warn != nil {
		// As ssh says of a private key: others can read the secret key.
		warn(NewMsg("security.credentials.readable", l10n.Args{"Path": Inert(path), "Mode": fmt.Sprintf("%04o", fi.Mode().Perm())}))
	}
	data, err := io.ReadAll(io.LimitReader(f, maxCredentialsFile+1))
	if err != nil {
		return nil, &unreadableError{NewError(err, "auth.file.read", l10n.Args{"Path": Inert(path), "Err": err})}
	}
	if len(data) > maxCredentialsFile {
		return nil, &unreadableError{&localfile.TooLargeError{Path: path, Max: maxCredentialsFile}}
	}
	file, err := ini.Load(data)
	if err != nil {
		return nil, NewError(err, "auth.file.read", l10n.Args{"Path": Inert(path), "Err": err})
	}
	basic := file.Section("basic")
	ak, sk := basic.Key("ak").String(), basic.Key("sk").String()
	if ak == "" || sk == "" {
		return nil, NewError(nil, "auth.file.no_keys", l10n.Args{"Path": Inert(path)})
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
