package factory

import (
	"context"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ims-wizard/ims-wizard/client"
	"github.com/ims-wizard/ims-wizard/client/sandbox"
)

func TestOSCacheFollowsXDG(t *testing.T) {
	for _, tc := range []struct {
		xdg, home, want string
	}{
		{"/x/cache", "/home/a", "/x/cache/ims-wizard"},
		{"relative/cache", "/home/a", "/home/a/.cache/ims-wizard"}, // the XDG spec: ignore a relative path
		{"", "/home/a", "/home/a/.cache/ims-wizard"},
		{"", "", ""}, // nowhere to keep it: not cached
	} {
		env := Env{Getenv: func(k string) string { return map[string]string{"XDG_CACHE_HOME": tc.xdg}[k] }, HomeDir: tc.home}
		if got := OSCache(env).Dir; got != tc.want {
			t.Errorf("XDG_CACHE_HOME=%q HOME=%q: %q, want %q", tc.xdg, tc.home, got, tc.want)
		}
	}
}

// The command printed to renew a cached list reaches the same target and
// survives the shell.
func TestRefreshCommandQuotes(t *testing.T) {
	f := &ConnFlags{CACert: "/tmp/my ca.pem", Insecure: true}
	got := f.RefreshCommand(Target{Kind: "endpoint", Endpoint: "https://ims.example/it's"})
	want := `ims-wizard os-versions --refresh --endpoint 'https://ims.example/it'\''s' --cacert '/tmp/my ca.pem' --insecure`
	if got != want {
		t.Fatalf("got  %s\nwant %s", got, want)
	}
	out, err := exec.Command("sh", "-c", "printf '%s|' "+strings.TrimPrefix(got, "ims-wizard ")).Output()
	if err != nil || string(out) != "os-versions|--refresh|--endpoint|https://ims.example/it's|--cacert|/tmp/my ca.pem|--insecure|" {
		t.Errorf("the shell reads %q (%v)", out, err)
	}
	if got := (&ConnFlags{}).RefreshCommand(Target{Kind: "region", Region: "cn-north-4"}); got != "ims-wizard os-versions --refresh --region cn-north-4" {
		t.Errorf("region: %s", got)
	}
}

// The catalogue is read once per connection, names the target, and is
// cached for an endpoint but not for the in-process sandbox (a new port
// each run would leave a file per run).
func TestConnectionReadsTheCatalogueOnce(t *testing.T) {
	srv := sandbox.New(sandbox.Options{})
	url, err := srv.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	home := t.TempDir()
	env := Env{Getenv: func(string) string { return "" }, HomeDir: home}
	ctx := context.Background()

	conn, err := (&ConnFlags{Endpoint: url}).Connect(env, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	cat, err := conn.Catalog(ctx)
	if err != nil || cat.Source.Origin != client.OriginLive || cat.Source.Label != "endpoint "+url {
		t.Fatalf("%+v %v", cat.Source, err)
	}
	if again, _ := conn.Catalog(ctx); again != cat {
		t.Error("read twice on one connection")
	}
	if c := CachedCatalog(env, conn.Target); !c.Source.Cached || c.Source.Label != "endpoint "+url {
		t.Errorf("not cached for a dry run: %+v", c.Source)
	}

	sb, err := (&ConnFlags{Sandbox: true}).Connect(env, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer sb.Close()
	if cat, err := sb.Catalog(ctx); err != nil || cat.Source.Origin != client.OriginLive {
		t.Fatalf("sandbox: %+v %v", cat.Source, err)
	}
	files, _ := filepath.Glob(filepath.Join(home, ".cache", "ims-wizard", "*"))
	if len(files) != 1 {
		t.Errorf("cache files %q: want only the endpoint's", files)
	}
	if c := CachedCatalog(env, Target{Kind: "sandbox", Endpoint: "http://" + SandboxAddr}); c != client.EmbeddedCatalog() {
		t.Errorf("a sandbox dry run checks against %+v", c.Source)
	}
}
