package client

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/ims-wizard/ims-wizard/client/l10n"
)

// The live OS list: GET /v1/cloudimages/os_version, read once per
// architecture (tag=x86, tag=arm) so that every value has one. Wherever a
// target answers it (a region, the sandbox, any endpoint), it is the truth
// for pickers and validation; elsewhere the embedded catalogue stands in,
// and the catalogue's Source says which and why.

// Origin says where a catalogue came from.
type Origin int

const (
	OriginGiven    Origin = iota // built by the caller with NewCatalog (tests, a sandbox's own list)
	OriginEmbedded               // the catalogue shipped with the binary
	OriginLive                   // a target's GET /v1/cloudimages/os_version
)

// Fallback says why the embedded catalogue stands in for a live list.
type Fallback int

const (
	FallbackNone        Fallback = iota // no live list was asked for
	FallbackOffline                     // nothing is sent (a dry run) and no fresh list is cached
	FallbackNoAPI                       // the target does not serve the list (a plain Glance)
	FallbackUnreachable                 // no answer from the target (network error)
	FallbackFailed                      // the target answered with an error (401, 403, 5xx, …)
	FallbackEmpty                       // the target answered the list, and it is empty
)

// CatalogSource is where a catalogue came from, for validation messages and
// for the line that tells the user which list is in use and how old it is.
type CatalogSource struct {
	Origin   Origin
	Endpoint string    // the target, without userinfo: whose live list this is, or which could not give one
	Label    string    // how messages name the target ("region cn-north-4"); "" means Endpoint
	ReadAt   time.Time // live: when the list was read from the target
	Cached   bool      // live: taken from the disk cache rather than read now
	Fallback Fallback  // embedded: why the live list is not used
	Err      error     // embedded: the failure behind Fallback, if any
}

// ErrNoOSVersionAPI is a target whose answer to GET
// /v1/cloudimages/os_version is not IMS's list: a plain Glance answers 300
// with its versions document.
var ErrNoOSVersionAPI = errors.New("not IMS's OS list")

// ErrEmptyOSList is a target that answers GET /v1/cloudimages/os_version
// with the list's shape and no version in it: it serves the API, but
// nothing could be checked against it.
var ErrEmptyOSList = errors.New("an empty OS list")

// osVersionTags are the two reads of a live list and the architecture each
// gives its values.
var osVersionTags = []struct{ tag, arch string }{{"x86", ArchX86}, {"arm", ArchArm}}

// maxLiveVersions bounds a live list; IMS lists a few hundred values.
const maxLiveVersions = 10000

// parseLiveCatalog reads the answers to the tagged reads (bodies, by
// architecture) into a live catalogue.
func parseLiveCatalog(bodies map[string][]byte, endpoint string, readAt time.Time) (*Catalog, error) {
	endpoint = CacheKey(endpoint)
	lists := map[string][]OSVersion{}
	for _, t := range osVersionTags {
		vs, err := parseOSVersionList(bodies[t.arch], t.arch, endpoint)
		if err != nil {
			return nil, fmt.Errorf("GET /v1/cloudimages/os_version?tag=%s: %w", t.tag, err)
		}
		lists[t.arch] = vs
	}
	var all []OSVersion
	if sameValues(lists[ArchX86], lists[ArchArm]) {
		// The target ignored the tag and listed everything twice: the
		// value's name is then the best guide to its architecture.
		for _, v := range lists[ArchX86] {
			v.Arch = archFromName(v.Version)
			all = append(all, v)
		}
	} else {
		all = append(lists[ArchX86], lists[ArchArm]...)
	}
	if len(all) == 0 {
		return nil, fmt.Errorf("GET /v1/cloudimages/os_version: %w", ErrEmptyOSList)
	}
	cat := NewCatalog(all)
	cat.Source = CatalogSource{Origin: OriginLive, Endpoint: endpoint, ReadAt: readAt}
	return cat, nil
}

// parseOSVersionList reads one answer: a JSON array of platforms, each with
// its version_list, as ims-api.md shows.
func parseOSVersionList(body []byte, arch, endpoint string) ([]OSVersion, error) {
	var groups []struct {
		Platform    string `json:"platform"`
		VersionList []struct {
			Platform  string  `json:"platform"`
			OSVersion *string `json:"os_version"`
			OSBit     FlexInt `json:"os_bit"`
			OSType    string  `json:"os_type"`
		} `json:"version_list"`
	}
	if err := json.Unmarshal(body, &groups); err != nil {
		return nil, fmt.Errorf("the answer is not a list of platforms (%w): %w", err, ErrNoOSVersionAPI)
	}
	var out []OSVersion
	for _, g := range groups {
		for _, v := range g.VersionList {
			if v.OSVersion == nil || NormalizeOSVersion(*v.OSVersion) == "" {
				return nil, fmt.Errorf("a version of platform %q has no os_version: %w", Inert(g.Platform), ErrNoOSVersionAPI)
			}
			p := v.Platform
			if p == "" {
				p = g.Platform
			}
			out = append(out, OSVersion{Platform: p, Type: v.OSType, Bits: int(v.OSBit.Value), Version: *v.OSVersion,
				Arch: arch, Evidence: EvidenceLiveList, Source: endpoint})
			if len(out) > maxLiveVersions {
				return nil, fmt.Errorf("more than %d versions: %w", maxLiveVersions, ErrNoOSVersionAPI)
			}
		}
	}
	return out, nil
}

func sameValues(a, b []OSVersion) bool {
	if len(a) == 0 || len(a) != len(b) {
		return false
	}
	set := make(map[string]bool, len(a))
	for _, v := range a {
		set[NormalizeOSVersion(v.Version)] = true
	}
	for _, v := range b {
		if !set[NormalizeOSVersion(v.Version)] {
			return false
		}
	}
	return true
}

// armName matches how IMS names Arm values: "… 64bit with ARM" (Chinese
// site), "… for ARM" (international site).
var armName = regexp.MustCompile(`(?i)\b(arm|arm64|aarch64|kunpeng)\b`)

func archFromName(version string) string {
	if armName.MatchString(version) {
		return ArchArm
	}
	return ArchX86
}

// CacheKey is an endpoint as the cache and the messages know it: scheme,
// host and path, without userinfo, query or trailing slash.
func CacheKey(endpoint string) string {
	u, err := url.Parse(strings.TrimSpace(endpoint))
	if err != nil || u.Host == "" {
		return strings.TrimRight(endpoint, "/")
	}
	u.User, u.RawQuery, u.Fragment, u.RawFragment, u.ForceQuery = nil, "", "", "", false
	u.Scheme, u.Host = strings.ToLower(u.Scheme), strings.ToLower(u.Host)
	u.Path, u.RawPath = strings.TrimRight(u.Path, "/"), strings.TrimRight(u.RawPath, "/")
	return u.String()
}

// OSLister reads a target's live list: *Client.
type OSLister interface {
	Endpoint() string
	ListOSVersions(ctx context.Context) (*Catalog, error)
}

// ResolveCatalog is the OS catalogue for a target: its live list, from the
// cache while fresh (unless refresh), else read now and cached; or, when
// the target gives none, the embedded catalogue with the reason. Two
// failures are errors, not fallbacks: ctx's (a Ctrl+C), and credentials
// refused (401), since creating would be refused the same way and another
// IAM login with a wrong password brings a lock-out nearer.
func ResolveCatalog(ctx context.Context, l OSLister, cache OSListCache, refresh bool) (*Catalog, error) {
	endpoint := CacheKey(l.Endpoint())
	if !refresh {
		// A damaged cache file is ignored here and rewritten below.
		if cat, err := cache.Load(endpoint); err == nil && cat != nil {
			return cat, nil
		}
	}
	cat, err := l.ListOSVersions(ctx)
	if ctx.Err() != nil {
		return nil, ctx.Err()
	}
	var ae *APIError
	if errors.As(err, &ae) && ae.StatusCode == http.StatusUnauthorized {
		return nil, err
	}
	if err != nil {
		return EmbeddedFallback(endpoint, fallbackOf(err), err), nil
	}
	// A cache that cannot be written costs one read per run, nothing more.
	_ = cache.Store(cat)
	return cat, nil
}

// CachedCatalog is what a run that sends nothing checks against: the
// target's cached live list while fresh, else the embedded catalogue.
func CachedCatalog(endpoint string, cache OSListCache) *Catalog {
	endpoint = CacheKey(endpoint)
	if cat, err := cache.Load(endpoint); err == nil && cat != nil {
		return cat
	}
	return EmbeddedFallback(endpoint, FallbackOffline, nil)
}

// EmbeddedFallback is the embedded catalogue standing in for endpoint's
// live list, saying why.
func EmbeddedFallback(endpoint string, why Fallback, err error) *Catalog {
	c := *embedded // the versions and index are shared and never written
	c.Source = CatalogSource{Origin: OriginEmbedded, Endpoint: CacheKey(endpoint), Fallback: why, Err: err}
	return &c
}

// fallbackOf tells a target without the API (a plain Glance: 300 Multiple
// Choices, 404, 405, 501, or an answer that is not the list) from one that
// could not be reached and one that answered with an error.
func fallbackOf(err error) Fallback {
	var ae *APIError
	var ne *NetworkError
	switch {
	case errors.Is(err, ErrEmptyOSList):
		return FallbackEmpty
	case errors.Is(err, ErrNoOSVersionAPI):
		return FallbackNoAPI
	case errors.As(err, &ne):
		return FallbackUnreachable
	case errors.As(err, &ae):
		switch ae.StatusCode {
		case 300, 404, 405, 501:
			return FallbackNoAPI
		}
	}
	return FallbackFailed
}

// Describe is the catalogue's source in one line: which list is in use and
// how old it is, or why the embedded catalogue stands in.
func (s CatalogSource) Describe(loc *l10n.Localizer, now time.Time) string {
	args := l10n.Args{"Endpoint": s.Name(), "Detail": s.detail(loc)}
	switch s.Origin {
	case OriginLive:
		if !s.Cached {
			return loc.T("osversions.source.live", args)
		}
		args["Age"] = Age(loc, now.Sub(s.ReadAt))
		return loc.T("osversions.source.cached", args)
	case OriginGiven:
		return loc.T("osversions.source.custom")
	}
	switch s.Fallback {
	case FallbackOffline:
		return loc.T("osversions.source.offline", args)
	case FallbackNoAPI:
		return loc.T("osversions.source.no_api", args)
	case FallbackUnreachable:
		return loc.T("osversions.source.unreachable", args)
	case FallbackFailed:
		return loc.T("osversions.source.failed", args)
	case FallbackEmpty:
		return loc.T("osversions.source.empty", args)
	}
	return loc.T("osversions.source.embedded")
}

// Age is a duration as people say how old something is: minutes, then
// hours (a cached list is at most a day old).
func Age(loc *l10n.Localizer, d time.Duration) string {
	switch {
	case d < time.Minute:
		return loc.T("osversions.age.moment")
	case d < time.Hour:
		return loc.T("osversions.age.minutes", l10n.Args{"Count": int(d / time.Minute)})
	case d < 48*time.Hour:
		return loc.T("osversions.age.hours", l10n.Args{"Count": int(d / time.Hour)})
	}
	return loc.T("osversions.age.days", l10n.Args{"Count": int(d / (24 * time.Hour))})
}

// Name is the target as messages name it.
func (s CatalogSource) Name() string {
	if s.Label != "" {
		return Inert(s.Label)
	}
	return Inert(s.Endpoint)
}

// detail is the failure behind a fallback in a few words: the network
// failure's kind, the HTTP status, or that the answer is not the list.
func (s CatalogSource) detail(loc *l10n.Localizer) string {
	var ae *APIError
	var ne *NetworkError
	switch {
	case s.Err == nil:
		return ""
	case errors.As(s.Err, &ne):
		return ne.kindText(loc)
	case errors.As(s.Err, &ae):
		return fmt.Sprintf("HTTP %d, %s", ae.StatusCode, StatusTextIn(loc, ae.StatusCode))
	case errors.Is(s.Err, ErrNoOSVersionAPI):
		return loc.T("osversions.source.not_the_list")
	}
	return ErrorText(s.Err, loc)
}
