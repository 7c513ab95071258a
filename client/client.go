package client

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	imsregion "github.com/huaweicloud/huaweicloud-sdk-go-v3/services/ims/v2/region"
	"github.com/ims-wizard/ims-wizard/client/l10n"
	"github.com/ims-wizard/ims-wizard/client/localfile"
)

// DevVersion is the version of a build that was not given one (go build,
// go test): what Config.Version means when empty.
const DevVersion = "dev"

// DefaultTimeout bounds each call unless configured otherwise.
const DefaultTimeout = 30 * time.Second

// Response bodies are read with a cap: an image is a few KiB, an error less.
const (
	maxSuccessBody = 8 << 20
	maxErrorBody   = 64 << 10
)

// maxCACertFile bounds --cacert: a CA bundle is a few hundred KiB.
const maxCACertFile = 4 << 20

// Config is everything a Client needs; the CLI builds it once.
type Config struct {
	Endpoint   string        // base URL, e.g. https://ims.cn-north-4.myhuaweicloud.com
	Timeout    time.Duration // per call; 0 means DefaultTimeout (negative is refused)
	CACertFile string        // extra CA to trust
	Insecure   bool          // skip TLS verification (test servers only)
	Auth       Authenticator // nil means NoAuth
	Debug      io.Writer     // HTTP trace, secrets redacted; nil for none
	// Proxy picks the proxy per request; nil means HTTP(S)_PROXY/NO_PROXY.
	Proxy func(*http.Request) (*url.URL, error)
	// Version is this tool's version, sent as User-Agent: ims-wizard/Version;
	// "" means DevVersion.
	Version string
}

// Client speaks IMS's native OpenStack API.
type Client struct {
	cfg   Config
	base  *url.URL
	hc    *http.Client
	proxy proxySecrets // the proxy credentials sent, to redact them too
}

// New checks the configuration (CheckEndpoint, the timeout, --cacert) and
// builds the HTTP client. The one http.Client it builds serves every call,
// API, upload and IAM login alike, and never follows a redirect: see
// RedirectError.
func New(cfg Config) (*Client, error) {
	if p := CheckEndpoint("endpoint", cfg.Endpoint); p != nil {
		return nil, p
	}
	base, _ := url.Parse(strings.TrimRight(cfg.Endpoint, "/"))
	if cfg.Timeout < 0 {
		return nil, CheckTimeout("timeout", cfg.Timeout)
	}
	if cfg.Timeout == 0 {
		cfg.Timeout = DefaultTimeout
	}
	if cfg.Auth == nil {
		cfg.Auth = NoAuth{}
	}
	if cfg.Proxy == nil {
		cfg.Proxy = http.ProxyFromEnvironment
	}
	if cfg.Version == "" {
		cfg.Version = DevVersion
	}
	tlsConf := &tls.Config{MinVersion: tls.VersionTLS12, InsecureSkipVerify: cfg.Insecure} //nolint:gosec // only when the user asks, and then said
	if cfg.CACertFile != "" {
		// A regular file only, read with a cap: --cacert /dev/zero or a
		// FIFO must not hang or exhaust memory.
		pem, err := localfile.ReadFile(cfg.CACertFile, maxCACertFile)
		if err != nil {
			return nil, NewError(err, "auth.cacert.read", l10n.Args{"Err": err})
		}
		pool, err := x509.SystemCertPool()
		if err != nil {
			pool = x509.NewCertPool()
		}
		if !pool.AppendCertsFromPEM(pem) {
			return nil, NewError(nil, "auth.cacert.no_pem", l10n.Args{"Path": Inert(cfg.CACertFile)})
		}
		tlsConf.RootCAs = pool
	}
	c := &Client{cfg: cfg, base: base}
	transport := http.DefaultTransport.(*http.Transport).Clone()
	transport.Proxy = func(req *http.Request) (*url.URL, error) {
		u, err := cfg.Proxy(req)
		c.proxy.note(u)
		return u, err
	}
	transport.TLSClientConfig = tlsConf
	c.hc = &http.Client{Transport: transport, CheckRedirect: c.refuseRedirect}
	return c, nil
}

// refuseRedirect is the http.Client's CheckRedirect: no redirect is
// followed, so no credential is ever sent again, to another origin or over
// plain http (IMS and IAM do not redirect these calls). The redirect
// answer is traced, and the request fails with a *RedirectError.
func (c *Client) refuseRedirect(next *http.Request, via []*http.Request) error {
	first := via[len(via)-1]
	e := &RedirectError{Method: first.Method, URL: first.URL.Redacted(), Location: next.URL.Redacted()}
	if resp := next.Response; resp != nil {
		e.StatusCode, e.RequestID = resp.StatusCode, requestID(resp.Header)
		c.traceResponse(resp, nil, 0)
	}
	return c.redactor().err(e)
}

// redirectAnswer is the *RedirectError of a redirect that reached the
// caller without CheckRedirect: Go does not follow a 307 or 308 whose body
// it cannot send again (an upload), and returns it as the answer.
func (c *Client) redirectAnswer(req *http.Request, resp *http.Response) error {
	switch resp.StatusCode {
	case http.StatusMovedPermanently, http.StatusFound, http.StatusSeeOther, http.StatusTemporaryRedirect, http.StatusPermanentRedirect:
	default:
		return nil
	}
	loc, err := resp.Location()
	if err != nil {
		return nil // no usable Location: an ordinary unexpected status
	}
	c.traceResponse(resp, nil, 0)
	return c.redactor().err(&RedirectError{Method: req.Method, URL: req.URL.Redacted(), StatusCode: resp.StatusCode,
		Location: loc.Redacted(), RequestID: requestID(resp.Header)})
}

// CheckEndpoint checks an API or IAM base URL given as name (a flag or a
// variable, named in the problem): an http(s) URL with a host and a valid
// port, without user:password@ (it would be printed with the URL: a
// credential belongs in a variable), a query or a fragment (they would be
// glued to every path). The URL is shown with any user info redacted.
func CheckEndpoint(name, raw string) *Problem {
	shown := Inert(redactUserinfo(raw))
	problem := func(id string, args l10n.Args) *Problem {
		args["Value"] = shown
		return &Problem{Field: name, ID: id, Args: args, Severity: SeverityError}
	}
	u, err := url.Parse(strings.TrimRight(raw, "/"))
	switch {
	case err != nil && strings.Contains(err.Error(), "invalid port"):
		return problem("security.endpoint.port", l10n.Args{"Port": Inert(portOf(raw))})
	case err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "":
		return problem("security.endpoint.not_http", l10n.Args{})
	case u.User != nil:
		return problem("security.endpoint.userinfo", l10n.Args{})
	case u.RawQuery != "" || u.ForceQuery || strings.Contains(raw, "#"):
		return problem("security.endpoint.query", l10n.Args{})
	}
	if port := u.Port(); port != "" {
		if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
			return problem("security.endpoint.port", l10n.Args{"Port": Inert(port)})
		}
	}
	return nil
}

// CheckTimeout refuses a time limit that is not positive: --timeout 0 or
// -1s would otherwise silently mean the default.
func CheckTimeout(name string, d time.Duration) *Problem {
	if d > 0 {
		return nil
	}
	return &Problem{Field: name, ID: "security.timeout.not_positive", Args: l10n.Args{"Value": d.String()}, Severity: SeverityError}
}

var userinfoPattern = regexp.MustCompile(`^([A-Za-z][A-Za-z0-9+.-]*://)[^/?#]*@`)

// redactUserinfo hides the user:password@ of a URL, even one that does not
// parse.
func redactUserinfo(raw string) string {
	return userinfoPattern.ReplaceAllString(raw, "${1}"+Redacted+"@")
}

// portOf is what follows the last ':' of a URL's host, for a message.
func portOf(raw string) string {
	rest := raw
	if i := strings.Index(rest, "://"); i >= 0 {
		rest = rest[i+3:]
	}
	if i := strings.IndexAny(rest, "/?#"); i >= 0 {
		rest = rest[:i]
	}
	if i := strings.LastIndex(rest, ":"); i >= 0 {
		return rest[i+1:]
	}
	return ""
}

// Endpoint is the base URL requests go to.
func (c *Client) Endpoint() string { return c.base.String() }

// AuthInfo describes the credentials in use.
func (c *Client) AuthInfo() AuthInfo { return c.cfg.Auth.Info() }

// EndpointForRegion is IMS's endpoint in a region, from the SDK's region table.
func EndpointForRegion(region string) (string, error) {
	r, err := imsregion.SafeValueOf(region)
	if err != nil || r == nil || len(r.Endpoints) == 0 {
		return "", NewError(nil, "auth.region.unknown", l10n.Args{"Region": Inert(fmt.Sprintf("%q", region)), "Regions": strings.Join(Regions(), ", ")})
	}
	return r.Endpoints[0], nil
}

// Regions lists the region ids IMS serves, per the SDK.
func Regions() []string { return imsRegionIDs }

// Result is a successful answer with what the user needs to quote it.
type Result struct {
	Image      *Image
	StatusCode int
	RequestID  string
	Latency    time.Duration
}

// Create sends POST /v2/images with the request's body. It is never
// retried: a lost answer does not mean a lost image.
func (c *Client) Create(ctx context.Context, r Request) (*Result, error) {
	return c.CreateBody(ctx, r.Body())
}

// CreateBody sends an already-encoded body, for tests that need a body
// Request cannot express.
func (c *Client) CreateBody(ctx context.Context, body []byte) (*Result, error) {
	resp, err := c.do(ctx, http.MethodPost, []string{"v2", "images"}, nil, body, http.StatusCreated)
	if err != nil {
		return nil, err
	}
	return resp.image()
}

// Get reads one image.
func (c *Client) Get(ctx context.Context, id string) (*Result, error) {
	resp, err := c.do(ctx, http.MethodGet, []string{"v2", "images", id}, nil, nil, http.StatusOK)
	if err != nil {
		return nil, err
	}
	return resp.image()
}

// ListByName returns the images called name (GET /v2/images?name=…),
// following the server's next links up to maxListPages pages.
func (c *Client) ListByName(ctx context.Context, name string) ([]*Image, error) {
	imgs, _, err := c.listByName(ctx, name)
	return imgs, err
}

// listByName is ListByName that also returns how far the server's clock is
// ahead of this machine's (negative: behind), measured from the first
// page's Date header; ok is false when the server sent no Date.
func (c *Client) listByName(ctx context.Context, name string) (_ []*Image, skew serverSkew, _ error) {
	// Newest first, said explicitly: the bounded listing must hold the
	// recent images a duplicate check looks for.
	q := url.Values{"name": {name}, "limit": {"100"}, "sort_key": {"created_at"}, "sort_dir": {"desc"}}
	var imgs []*Image
	for page := 0; page < maxListPages; page++ {
		resp, err := c.do(ctx, http.MethodGet, []string{"v2", "images"}, q, nil, http.StatusOK)
		if err != nil {
			return nil, skew, err
		}
		if page == 0 {
			skew = resp.skew()
		}
		var body struct {
			Images []json.RawMessage `json:"images"`
			Next   string            `json:"next"`
		}
		if err := json.Unmarshal(resp.body, &body); err != nil {
			return nil, skew, resp.badBody(err)
		}
		for _, raw := range body.Images {
			img, err := ParseImage(raw)
			if err != nil {
				return nil, skew, resp.badBody(err)
			}
			imgs = append(imgs, img)
		}
		next, err := url.Parse(body.Next)
		if body.Next == "" || err != nil || next.Query().Get("marker") == "" {
			break
		}
		q.Set("marker", next.Query().Get("marker"))
	}
	return imgs, skew, nil
}

// serverSkew is the server's clock minus this machine's, when known.
type serverSkew struct {
	d  time.Duration
	ok bool
}

// maxListPages bounds a listing: a duplicate check needs recent images only.
const maxListPages = 10

// FindRecent returns the images called name created at or after since (a
// time on this machine's clock): the candidates for "did my lost create
// actually happen?". The server's created_at is on the server's clock,
// which may be minutes off (AK/SK tolerates 15), so since is moved onto the
// server's clock by the skew measured from the listing's own Date header
// (rounded towards more candidates); when the server sends no Date, every
// image of that name is a candidate. Missing the lost image is what would
// create a duplicate; an extra candidate only asks the user to choose.
func (c *Client) FindRecent(ctx context.Context, name string, since time.Time) ([]*Image, error) {
	imgs, skew, err := c.listByName(ctx, name)
	if err != nil {
		return nil, err
	}
	if !skew.ok {
		return imgs, nil
	}
	// Date has a resolution of one second and is stamped before the answer
	// travels: the true skew is at least the measured one, and one more
	// second covers the rounding of created_at.
	threshold := since.Add(skew.d).Add(-time.Second).Truncate(time.Second)
	var recent []*Image
	for _, img := range imgs {
		// An unreadable time keeps the image as a candidate.
		created, err := time.Parse(time.RFC3339, img.CreatedAt)
		if err != nil || !created.Before(threshold) {
			recent = append(recent, img)
		}
	}
	return recent, nil
}

// ListOSVersions reads the target's live OS list (GET
// /v1/cloudimages/os_version), once with tag=x86 and once with tag=arm so
// that each value has its architecture; parseLiveCatalog (oslist.go) reads
// the answers.
func (c *Client) ListOSVersions(ctx context.Context) (*Catalog, error) {
	bodies := map[string][]byte{}
	for _, t := range osVersionTags {
		resp, err := c.do(ctx, http.MethodGet, []string{"v1", "cloudimages", "os_version"}, url.Values{"tag": {t.tag}}, nil, http.StatusOK)
		if err != nil {
			return nil, err
		}
		bodies[t.arch] = resp.body
	}
	return parseLiveCatalog(bodies, c.Endpoint(), time.Now())
}

type response struct {
	method, url string
	status      int
	requestID   string
	latency     time.Duration
	body        []byte
	date        string    // the Date header
	received    time.Time // when the answer arrived, on this machine's clock
}

// skew is the server's clock minus this machine's, from the Date header.
func (r *response) skew() serverSkew {
	server, err := http.ParseTime(r.date)
	if err != nil {
		return serverSkew{}
	}
	return serverSkew{d: server.Sub(r.received), ok: true}
}

// errNoImageID is a success whose JSON holds no image: {}, null, or the
// image wrapped in another object. Reporting it as created would print an
// empty id; it is an unknown outcome instead.
var errNoImageID = errors.New("no image id")

func (r *response) image() (*Result, error) {
	img, err := ParseImage(r.body)
	if err == nil && img.ID == "" {
		err = errNoImageID
	}
	if err != nil {
		return nil, r.badBody(err)
	}
	return &Result{Image: img, StatusCode: r.status, RequestID: r.requestID, Latency: r.latency}, nil
}

// bodyTooLargeError is a success body beyond maxSuccessBody.
type bodyTooLargeError struct{ mib int64 }

func (e *bodyTooLargeError) Error() string { return fmt.Sprintf("larger than %d MiB", e.mib) }

// badBody reports a success status whose body is not what the API promises.
func (r *response) badBody(err error) error {
	note := NewMsg("explain.body.empty", l10n.Args{"Status": r.status})
	var tooLarge *bodyTooLargeError
	switch {
	case errors.As(err, &tooLarge):
		note = NewMsg("explain.body.too_large", l10n.Args{"Status": r.status, "MiB": tooLarge.mib})
	case errors.Is(err, errNoImageID):
		note = NewMsg("explain.body.no_image", l10n.Args{"Status": r.status, "What": NewMsg("security.body.no_image_id")})
	case len(bytes.TrimSpace(r.body)) > 0:
		note = NewMsg("explain.body.not_json", l10n.Args{"Status": r.status, "Err": Inert(err.Error())})
	}
	return &APIError{
		Method: r.method, URL: r.url, StatusCode: r.status, Meaning: StatusText(r.status),
		Note: note, RequestID: r.requestID,
		Advice: NewMsg("explain.hint.maybe_created"),
		Body:   r.body,
	}
}

func (c *Client) do(ctx context.Context, method string, path []string, query url.Values, body []byte, want int) (*response, error) {
	r, err := c.attempt(ctx, method, path, query, body, want)
	// An expired IAM token is refused before anything is processed, so one
	// retry with a fresh login is safe even for a POST.
	var ae *APIError
	if re, ok := c.cfg.Auth.(Reauthenticator); ok && errors.As(err, &ae) && ae.StatusCode == http.StatusUnauthorized && re.Invalidate() {
		return c.attempt(ctx, method, path, query, body, want)
	}
	return r, err
}

func (c *Client) attempt(parent context.Context, method string, path []string, query url.Values, body []byte, want int) (*response, error) {
	ctx, cancel := context.WithTimeout(parent, c.cfg.Timeout)
	defer cancel()
	full := c.endpointURL(query, path...).String()

	var reader io.Reader
	if body != nil {
		reader = bytes.NewReader(body)
	}
	contentType := ""
	if body != nil {
		contentType = "application/json"
	}
	req, err := c.newRequest(ctx, method, full, contentType, reader)
	if err != nil {
		return nil, err
	}
	if err := c.cfg.Auth.Authorize(ctx, c.hc, req, body); err != nil {
		return nil, c.failed(parent, method, full, err, false)
	}
	req, wrote := trackSent(req)
	c.traceRequest(req, body)
	start := time.Now()
	resp, err := c.hc.Do(req)
	if err != nil {
		return nil, c.failed(parent, method, full, err, wrote.Load())
	}
	defer resp.Body.Close()
	if err := c.redirectAnswer(req, resp); err != nil {
		return nil, err
	}
	limit := int64(maxErrorBody)
	if resp.StatusCode == want {
		limit = maxSuccessBody
	}
	raw, readErr := io.ReadAll(io.LimitReader(resp.Body, limit+1))
	latency := time.Since(start)
	c.traceResponse(resp, raw, latency)
	if readErr != nil {
		return nil, c.failed(parent, method, full, readErr, true)
	}
	truncated := int64(len(raw)) > limit
	if truncated {
		raw = raw[:limit]
	}
	r := &response{method: method, url: full, status: resp.StatusCode, requestID: requestID(resp.Header), latency: latency, body: raw,
		date: resp.Header.Get("Date"), received: start.Add(latency)}
	if resp.StatusCode != want {
		e := c.apiError(method, full, resp, raw)
		if truncated {
			e.Note = NewMsg("explain.body.cut", l10n.Args{"KiB": limit >> 10})
		}
		return nil, e
	}
	if truncated {
		return nil, r.badBody(&bodyTooLargeError{mib: limit >> 20})
	}
	return r, nil
}

// newRequest is a request with the headers every call carries.
func (c *Client) newRequest(ctx context.Context, method, url, contentType string, body io.Reader) (*http.Request, error) {
	req, err := http.NewRequestWithContext(ctx, method, url, body)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept", "application/json") // else Glance answers errors in HTML
	req.Header.Set("User-Agent", "ims-wizard/"+c.cfg.Version)
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	return req, nil
}

// trackSent marks when the request has left this machine, which makes a
// later failure ambiguous: the server may have acted on it.
func trackSent(req *http.Request) (*http.Request, *atomic.Bool) {
	var sent atomic.Bool
	req = req.WithContext(httptrace.WithClientTrace(req.Context(), &httptrace.ClientTrace{
		WroteRequest: func(httptrace.WroteRequestInfo) { sent.Store(true) },
	}))
	return req, &sent
}

// apiError is the error of an answer that is not the expected success,
// with every secret the server echoed back removed, from every field.
func (c *Client) apiError(method, url string, resp *http.Response, body []byte) *APIError {
	return c.redactor().apiError(newAPIError(method, url, resp, body, c.cfg.Auth.Info().Kind))
}

// endpointURL is the base URL plus path segments, each escaped once, so an
// id with a space or a slash stays one segment.
func (c *Client) endpointURL(query url.Values, segments ...string) *url.URL {
	u := *c.base
	plain := strings.TrimRight(c.base.Path, "/")
	raw := strings.TrimRight(c.base.EscapedPath(), "/")
	for _, s := range segments {
		plain += "/" + s
		raw += "/" + url.PathEscape(s)
	}
	u.Path, u.RawPath = plain, raw
	if query != nil {
		u.RawQuery = query.Encode()
	}
	return &u
}

// failed classifies a transport error. Errors that are already ours (an
// IAM refusal during login, a refused redirect) pass through, redacted
// again with every secret of this client. A canceled parent context means
// the user stopped the call, whatever the transport reported.
func (c *Client) failed(parent context.Context, method, url string, err error, sent bool) error {
	var ae *APIError
	var ne *NetworkError
	var re *RedirectError
	switch {
	case errors.As(err, &re):
		return c.redactor().err(re)
	case errors.As(err, &ae) || errors.As(err, &ne):
		return c.redactor().err(err)
	}
	if parent.Err() != nil {
		// Both stay in the chain: the cancel decides the kind, and the
		// transport's error is still there for errors.Is and --debug.
		err = fmt.Errorf("%w (%w)", context.Canceled, err)
	}
	return c.redactor().err(classifyNetworkError(method, url, err, sent, c.cfg.Timeout))
}

func requestID(h http.Header) string {
	for _, k := range []string{"X-Request-Id", "X-Openstack-Request-Id", "X-Compute-Request-Id"} {
		if v := h.Get(k); v != "" {
			return v
		}
	}
	return ""
}

func newAPIError(method, url string, resp *http.Response, body []byte, auth AuthKind) *APIError {
	code, msg := ParseErrorBody(resp.Header.Get("Content-Type"), body)
	e := &APIError{
		Method: method, URL: url, StatusCode: resp.StatusCode, Meaning: StatusText(resp.StatusCode),
		Code: code, Message: msg, RequestID: requestID(resp.Header), Advice: hintFor(resp.StatusCode, auth),
		RetryAfter: resp.Header.Get("Retry-After"), Body: body,
	}
	if e.RequestID == "" {
		var gw struct {
			RequestID string `json:"request_id"`
		}
		if json.Unmarshal(body, &gw) == nil {
			e.RequestID = gw.RequestID
		}
	}
	if resp.StatusCode == http.StatusUnauthorized && auth == AuthAKSK {
		if skew, ok := clockSkew(resp.Header.Get("Date"), time.Now()); ok {
			e.Advice = NewMsg("explain.hint.clock_skew", l10n.Args{"Skew": skew.Round(time.Second).String()})
		}
	}
	if wait, ok := retryAfter(e.RetryAfter, time.Now()); ok {
		e.Advice = NewMsg("explain.hint.retry_after", l10n.Args{"Wait": wait.String()})
		if wait > maxRetryAfter {
			e.Advice = NewMsg("security.retry_after.long", l10n.Args{"Max": maxRetryAfter.String()})
		}
	}
	return e
}

// IsAmbiguous reports an error after which the image may or may not exist:
// the request was sent but no answer came, or a gateway failed (502/503/504).
func IsAmbiguous(err error) bool {
	var ne *NetworkError
	if errors.As(err, &ne) {
		return ne.Ambiguous
	}
	var ae *APIError
	if errors.As(err, &ae) {
		// A 2xx whose body is not an image probably created it.
		return ae.StatusCode == 502 || ae.StatusCode == 503 || ae.StatusCode == 504 ||
			(ae.StatusCode >= 200 && ae.StatusCode < 300)
	}
	return false
}

// MaxClockSkew is how far AK/SK signing tolerates the local clock being off.
const MaxClockSkew = 15 * time.Minute

// clockSkew reports how far now is from the server's Date header, when that
// is more than MaxClockSkew.
func clockSkew(date string, now time.Time) (time.Duration, bool) {
	server, err := http.ParseTime(date)
	if err != nil {
		return 0, false
	}
	d := now.Sub(server)
	if d < 0 {
		d = -d
	}
	return d, d > MaxClockSkew
}

// maxRetryAfter is the longest wait said as a duration; a longer one (or
// one that would overflow) is said as "more than" it.
const maxRetryAfter = 24 * time.Hour

// retryAfter reads a Retry-After header: seconds, or an HTTP date. A wait
// beyond maxRetryAfter is returned as just over it, never overflowed.
func retryAfter(v string, now time.Time) (time.Duration, bool) {
	if v == "" {
		return 0, false
	}
	if secs, err := strconv.ParseUint(strings.TrimSpace(v), 10, 64); err == nil || errors.Is(err, strconv.ErrRange) {
		if err != nil || secs > uint64(maxRetryAfter/time.Second) {
			return maxRetryAfter + time.Second, true
		}
		return time.Duration(secs) * time.Second, true
	}
	if at, err := http.ParseTime(v); err == nil {
		wait := at.Sub(now).Round(time.Second)
		if wait < 0 {
			wait = 0
		}
		return min(wait, maxRetryAfter+time.Second), true
	}
	return 0, false
}
