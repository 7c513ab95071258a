package sandbox_test

import (
	"context"
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/ims-wizard/ims-wizard/client"
	"github.com/ims-wizard/ims-wizard/client/sandbox"
)

// The sandbox lists the whole embedded catalogue and filters it by tag as
// IMS does: x86 and arm by architecture; bms and uefi are empty (it knows
// of no such support); an unknown tag is refused.
func TestOSVersionTags(t *testing.T) {
	t.Parallel()
	srv, _ := start(t, sandbox.Options{})
	count := func(query string) (n, arm int) {
		t.Helper()
		resp, body := getJSON(t, srv.URL()+"/v1/cloudimages/os_version"+query)
		if resp.StatusCode != 200 {
			t.Fatalf("%s: %d %s", query, resp.StatusCode, body)
		}
		var groups []struct {
			VersionList []struct {
				OSVersion string `json:"os_version"`
			} `json:"version_list"`
		}
		if err := json.Unmarshal(body, &groups); err != nil {
			t.Fatal(err)
		}
		for _, g := range groups {
			if len(g.VersionList) == 0 {
				t.Errorf("%s: a platform without versions", query)
			}
			for _, v := range g.VersionList {
				n++
				if strings.HasSuffix(v.OSVersion, "with ARM") {
					arm++
				}
			}
		}
		return n, arm
	}
	all := len(client.EmbeddedCatalog().Versions)
	if n, arm := count(""); n != all || arm != 13 {
		t.Errorf("no tag: %d values (%d Arm), want all %d", n, arm, all)
	}
	if n, arm := count("?tag=x86"); n != all-13 || arm != 0 {
		t.Errorf("x86: %d values, %d Arm", n, arm)
	}
	if n, arm := count("?tag=arm"); n != 13 || arm != 13 {
		t.Errorf("arm: %d values, %d Arm", n, arm)
	}
	for _, q := range []string{"?tag=bms", "?tag=uefi", "?tag=x86&tag=arm"} {
		if n, _ := count(q); n != 0 {
			t.Errorf("%s: %d values, want none", q, n)
		}
	}
	resp, body := getJSON(t, srv.URL()+"/v1/cloudimages/os_version?tag=kvm")
	if resp.StatusCode != 400 || !strings.Contains(string(body), `tag \"kvm\"`) {
		t.Errorf("unknown tag: %d %s", resp.StatusCode, body)
	}
}

// The client reads the sandbox's list with each value's architecture.
func TestListOSVersionsHasArches(t *testing.T) {
	t.Parallel()
	_, c := start(t, sandbox.Options{})
	cat, err := c.ListOSVersions(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if cat.Source.Origin != client.OriginLive || strings.Join(cat.Arches(), ",") != "x86_64,aarch64" {
		t.Errorf("source %+v, arches %v", cat.Source, cat.Arches())
	}
	for _, v := range client.EmbeddedCatalog().Versions {
		got, ok := cat.Lookup(v.Version)
		if !ok || got.Arch != v.Arch || got.Platform != v.Platform || got.Bits != v.Bits {
			t.Errorf("%q: live %+v %v, embedded arch %s", v.Version, got, ok, v.Arch)
		}
	}
}

// A real Glance has no such API: it answers 300 with its versions
// document, which is "no such API", not an outage.
func TestGlanceHasNoOSVersionList(t *testing.T) {
	t.Parallel()
	g := os.Getenv("IMS_TEST_GLANCE_URL")
	if g == "" {
		t.Skip("IMS_TEST_GLANCE_URL not set: skipping the real-Glance check (make test starts one and sets it)")
	}
	c, err := client.New(client.Config{Endpoint: g})
	if err != nil {
		t.Fatal(err)
	}
	cat, err := client.ResolveCatalog(context.Background(), c, client.OSListCache{Dir: t.TempDir()}, false)
	if err != nil {
		t.Fatal(err)
	}
	if cat.Source.Origin != client.OriginEmbedded || cat.Source.Fallback != client.FallbackNoAPI {
		t.Fatalf("source %+v", cat.Source)
	}
	if d := cat.Source.Describe(nil, cat.Source.ReadAt); !strings.Contains(d, "does not serve IMS's OS list (HTTP 300") {
		t.Errorf("Describe = %q", d)
	}
}
