package client

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/ims-wizard/ims-wizard/client/l10n"
)

func listBody(versions ...string) []byte {
	var entries []string
	for _, v := range versions {
		entries = append(entries, fmt.Sprintf(`{"platform":"P","os_version_key":%q,"os_version":%q,"os_bit":64,"os_type":"Linux"}`, v, v))
	}
	return []byte(`[{"platform":"P","version_list":[` + strings.Join(entries, ",") + `]}]`)
}

func TestParseLiveCatalog(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 5, 6, 7, 8, 9, 0, time.UTC)
	cat, err := parseLiveCatalog(map[string][]byte{ArchX86: listBody("P 1 64bit", "P 2 64bit"), ArchArm: listBody("P 2 64bit with ARM")},
		"https://user:secret@IMS.example/", at)
	if err != nil {
		t.Fatal(err)
	}
	if len(cat.Versions) != 3 || cat.Versions[2].Arch != ArchArm || cat.Versions[0].Arch != ArchX86 {
		t.Errorf("versions %+v", cat.Versions)
	}
	if s := cat.Source; s.Origin != OriginLive || s.Endpoint != "https://ims.example" || !s.ReadAt.Equal(at) || s.Cached {
		t.Errorf("source %+v", s)
	}
	if v := cat.Versions[0]; v.Evidence != EvidenceLiveList || v.Source != "https://ims.example" || v.Platform != "P" || v.Bits != 64 {
		t.Errorf("entry %+v", v)
	}

	// A target that ignores the tag lists everything twice: the names say
	// which values are Arm.
	both := listBody("P 1 64bit", "P 1 64bit with ARM")
	cat, err = parseLiveCatalog(map[string][]byte{ArchX86: both, ArchArm: both}, "http://x", at)
	if err != nil || len(cat.Versions) != 2 || cat.Versions[0].Arch != ArchX86 || cat.Versions[1].Arch != ArchArm {
		t.Errorf("tag ignored: %+v %v", cat, err)
	}

	for name, body := range map[string]string{
		"a Glance versions document": `{"versions": [{"id": "v2.15", "status": "CURRENT"}]}`,
		"not JSON":                   `<html>`,
		"a version without a name":   `[{"platform":"P","version_list":[{"os_bit":64}]}]`,
	} {
		_, err := parseLiveCatalog(map[string][]byte{ArchX86: []byte(body), ArchArm: []byte(`[]`)}, "http://x", at)
		if !errors.Is(err, ErrNoOSVersionAPI) {
			t.Errorf("%s: %v, want ErrNoOSVersionAPI", name, err)
		}
	}
	// A list with nothing in it is that, not a missing API: the target
	// serves it (before: "does not serve IMS's OS list").
	for name, body := range map[string]string{"an empty list": `[]`, "platforms without versions": `[{"platform":"P","version_list":[]}]`} {
		_, err := parseLiveCatalog(map[string][]byte{ArchX86: []byte(body), ArchArm: []byte(`[]`)}, "http://x", at)
		if !errors.Is(err, ErrEmptyOSList) || errors.Is(err, ErrNoOSVersionAPI) {
			t.Errorf("%s: %v, want ErrEmptyOSList only", name, err)
		}
	}
	// The decoder's error stays in the chain beside ErrNoOSVersionAPI.
	_, err = parseLiveCatalog(map[string][]byte{ArchX86: []byte(`<html>`), ArchArm: []byte(`[]`)}, "http://x", at)
	var syntax *json.SyntaxError
	if !errors.As(err, &syntax) {
		t.Errorf("not JSON: %v does not keep the decoder's *json.SyntaxError", err)
	}
}

func TestCacheKeyDropsCredentials(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"https://ak:sk@IMS.cn-north-4.example.com/": "https://ims.cn-north-4.example.com",
		"http://127.0.0.1:9292/base/?x=1#f":         "http://127.0.0.1:9292/base",
		"https://ims.example":                       "https://ims.example",
	} {
		if got := CacheKey(in); got != want {
			t.Errorf("CacheKey(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestFallbackOf(t *testing.T) {
	t.Parallel()
	for err, want := range map[error]Fallback{
		&APIError{StatusCode: 300}:                    FallbackNoAPI,
		&APIError{StatusCode: 404}:                    FallbackNoAPI,
		&APIError{StatusCode: 405}:                    FallbackNoAPI,
		&APIError{StatusCode: 501}:                    FallbackNoAPI,
		&APIError{StatusCode: 401}:                    FallbackFailed,
		&APIError{StatusCode: 503}:                    FallbackFailed,
		&NetworkError{Kind: NetRefused}:               FallbackUnreachable,
		fmt.Errorf("x: %w", ErrNoOSVersionAPI):        FallbackNoAPI,
		fmt.Errorf("x: %w", ErrEmptyOSList):           FallbackEmpty,
		fmt.Errorf("wrapped: %w", &NetworkError{}):    FallbackUnreachable,
		errors.New("something else went wrong there"): FallbackFailed,
	} {
		if got := fallbackOf(err); got != want {
			t.Errorf("fallbackOf(%v) = %v, want %v", err, got, want)
		}
	}
}

// fakeLister counts the reads of a live list.
type fakeLister struct {
	endpoint string
	reads    int
	cat      *Catalog
	err      error
	cancel   context.CancelFunc // called during the read, as a Ctrl+C would
}

func (f *fakeLister) Endpoint() string { return f.endpoint }

func (f *fakeLister) ListOSVersions(context.Context) (*Catalog, error) {
	f.reads++
	if f.cancel != nil {
		f.cancel()
		return nil, &NetworkError{Kind: NetCanceled}
	}
	return f.cat, f.err
}

func liveOf(endpoint string, at time.Time, versions ...string) *Catalog {
	bodies := map[string][]byte{ArchX86: listBody(versions...), ArchArm: listBody()}
	cat, err := parseLiveCatalog(bodies, endpoint, at)
	if err != nil {
		panic(err)
	}
	return cat
}

// Read once, then from the cache for a day; --refresh reads again; a
// failure falls back to the embedded catalogue and is not cached.
func TestResolveCatalogCachesTheLiveList(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 5, 6, 7, 8, 9, 0, time.UTC)
	cache := OSListCache{Dir: t.TempDir(), Now: func() time.Time { return now }}
	l := &fakeLister{endpoint: "https://ims.example", cat: liveOf("https://ims.example", now, "P 1 64bit")}
	ctx := context.Background()

	cat, err := ResolveCatalog(ctx, l, cache, false)
	if err != nil || cat.Source.Origin != OriginLive || cat.Source.Cached || l.reads != 1 {
		t.Fatalf("first: %+v %v, %d reads", cat.Source, err, l.reads)
	}
	now = now.Add(23 * time.Hour)
	cat, err = ResolveCatalog(ctx, l, cache, false)
	if err != nil || !cat.Source.Cached || l.reads != 1 {
		t.Fatalf("within the day: %+v %v, %d reads", cat.Source, err, l.reads)
	}
	if _, ok := cat.Lookup("P 1 64bit"); !ok || cat.Versions[0].Evidence != EvidenceLiveList {
		t.Errorf("cached list %+v", cat.Versions)
	}
	if _, err := ResolveCatalog(ctx, l, cache, true); err != nil || l.reads != 2 {
		t.Fatalf("refresh: %v, %d reads", err, l.reads)
	}
	now = now.Add(25 * time.Hour)
	l.cat, l.err = nil, &APIError{StatusCode: 503}
	cat, err = ResolveCatalog(ctx, l, cache, false)
	if err != nil || l.reads != 3 || cat.Source.Origin != OriginEmbedded || cat.Source.Fallback != FallbackFailed {
		t.Fatalf("stale, then an outage: %+v %v, %d reads", cat.Source, err, l.reads)
	}
	if _, ok := cat.Lookup("Ubuntu 14.04 server 64bit"); !ok {
		t.Error("the fallback is not the embedded catalogue")
	}
	if c, _ := cache.Load(l.endpoint); c != nil {
		t.Error("a stale list was served from the cache")
	}

	// Refused credentials are not a fallback: the create would be refused
	// too, after another login.
	l.err = &APIError{StatusCode: 401}
	if cat, err := ResolveCatalog(ctx, l, cache, false); cat != nil || err != l.err {
		t.Errorf("401: %v %v", cat, err)
	}

	// A Ctrl+C during the read is not a fallback.
	cctx, cancel := context.WithCancel(ctx)
	l.cancel = cancel
	if _, err := ResolveCatalog(cctx, l, cache, true); !errors.Is(err, context.Canceled) {
		t.Errorf("canceled: %v", err)
	}
}

func TestDescribeSaysWhichListAndHowOld(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 5, 6, 7, 8, 9, 0, time.UTC)
	es := l10n.New(l10n.Spanish)
	for _, tc := range []struct {
		src       CatalogSource
		want, es_ string
	}{
		{CatalogSource{Origin: OriginLive, Endpoint: "https://ims.example", ReadAt: now}, "live list of https://ims.example, read just now", "lista en vivo"},
		{CatalogSource{Origin: OriginLive, Endpoint: "https://ims.example", Label: "region xx-1", ReadAt: now.Add(-3 * time.Hour), Cached: true},
			"live list of region xx-1, read 3 hours ago", "hace 3 horas"},
		{CatalogSource{Origin: OriginLive, Endpoint: "e", ReadAt: now.Add(-time.Minute), Cached: true}, "read 1 minute ago", "hace 1 minuto"},
		{CatalogSource{Origin: OriginEmbedded}, "built-in catalogue (Huawei's 2022 table", "catálogo integrado"},
		{CatalogSource{Origin: OriginEmbedded, Endpoint: "e", Fallback: FallbackOffline}, "nothing is sent", "no se envía nada"},
		{CatalogSource{Origin: OriginEmbedded, Endpoint: "http://g", Fallback: FallbackNoAPI, Err: &APIError{StatusCode: 300}},
			"http://g does not serve IMS's OS list (HTTP 300, multiple choices)", "no ofrece"},
		{CatalogSource{Origin: OriginEmbedded, Endpoint: "http://g", Fallback: FallbackNoAPI, Err: fmt.Errorf("x: %w", ErrNoOSVersionAPI)},
			"(its answer to GET /v1/cloudimages/os_version is not that list)", "no es esa lista"},
		{CatalogSource{Origin: OriginEmbedded, Endpoint: "http://g", Fallback: FallbackUnreachable, Err: &NetworkError{Kind: NetRefused}},
			"http://g could not be reached to read its OS list (connection refused)", "no se pudo conectar"},
		{CatalogSource{Origin: OriginEmbedded, Endpoint: "http://g", Fallback: FallbackFailed, Err: &APIError{StatusCode: 403}},
			"did not give its OS list (HTTP 403", "no entregó"},
		{CatalogSource{Origin: OriginEmbedded, Endpoint: "http://g", Fallback: FallbackEmpty, Err: fmt.Errorf("x: %w", ErrEmptyOSList)},
			"built-in catalogue; http://g answered GET /v1/cloudimages/os_version with an empty list", "con una lista vacía"},
		{CatalogSource{}, "a list given to the program", "proporcionada"},
	} {
		if got := tc.src.Describe(nil, now); !strings.Contains(got, tc.want) || strings.Contains(got, "[osversions") {
			t.Errorf("%+v: %q, want it to contain %q", tc.src, got, tc.want)
		}
		if got := tc.src.Describe(es, now); !strings.Contains(got, tc.es_) {
			t.Errorf("%+v in Spanish: %q, want it to contain %q", tc.src, got, tc.es_)
		}
	}
	if got := Age(nil, 50*time.Hour); got != "2 days" {
		t.Errorf("Age(50h) = %q", got)
	}
}
