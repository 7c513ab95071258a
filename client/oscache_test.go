package client

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestOSListCacheRoundTrip(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 5, 6, 7, 8, 9, 0, time.UTC)
	dir := filepath.Join(t.TempDir(), "cache", "ims-wizard")
	cache := OSListCache{Dir: dir, Now: func() time.Time { return now }}
	live := liveOf("https://ak:sk@ims.example/", now, "P 1 64bit", "P 2 64bit")
	if err := cache.Store(live); err != nil {
		t.Fatal(err)
	}
	cat, err := cache.Load("https://ims.example")
	if err != nil || cat == nil {
		t.Fatalf("Load = %v, %v", cat, err)
	}
	if s := cat.Source; s.Origin != OriginLive || !s.Cached || !s.ReadAt.Equal(now) || s.Endpoint != "https://ims.example" {
		t.Errorf("source %+v", s)
	}
	if len(cat.Versions) != 2 || cat.Versions[1] != live.Versions[1] {
		t.Errorf("versions %+v, want %+v", cat.Versions, live.Versions)
	}
	// Private files, no credentials, no temporary file left behind.
	info, err := os.Stat(dir)
	if err != nil || info.Mode().Perm() != 0o700 {
		t.Errorf("cache dir %v %v", info.Mode(), err)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Fatalf("cache dir holds %d entries, want the one file", len(entries))
	}
	data, _ := os.ReadFile(filepath.Join(dir, entries[0].Name()))
	if info, _ := entries[0].Info(); info.Mode().Perm() != 0o600 || strings.Contains(string(data), "sk@") {
		t.Errorf("cache file %v: %s", info.Mode(), data)
	}
	// One file per endpoint.
	if c, err := cache.Load("https://other.example"); c != nil || err != nil {
		t.Errorf("another endpoint: %v %v", c, err)
	}
	// Stale after a day.
	now = now.Add(OSListMaxAge)
	if c, err := cache.Load("https://ims.example"); c != nil || err != nil {
		t.Errorf("a day old: %v %v", c, err)
	}
	// A list "read" in the future is damaged.
	now = now.Add(-OSListMaxAge - time.Hour)
	if c, err := cache.Load("https://ims.example"); c != nil || err == nil {
		t.Errorf("from the future: %v %v", c, err)
	}
	// Nothing is cached without a directory, and only live lists are.
	if err := (OSListCache{}).Store(live); err != nil {
		t.Error(err)
	}
	if err := cache.Store(EmbeddedCatalog()); err != nil {
		t.Error(err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("%d entries after storing the embedded catalogue", len(entries))
	}
}

// A damaged, oversized or planted cache file is never used; a damaged one
// is replaced by the next read.
func TestOSListCacheRefusesWhatItDidNotWrite(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 5, 6, 7, 8, 9, 0, time.UTC)
	dir := t.TempDir()
	cache := OSListCache{Dir: dir, Now: func() time.Time { return now }}
	endpoint := "https://ims.example"
	path := cache.Path(endpoint)
	other := OSListCache{Dir: t.TempDir(), Now: cache.Now}
	if err := other.Store(liveOf(endpoint, now, "P 1 64bit")); err != nil {
		t.Fatal(err)
	}
	good := other.Path(endpoint) // a good file, elsewhere
	goodData, err := os.ReadFile(good)
	if err != nil {
		t.Fatal(err)
	}

	for name, plant := range map[string]func() error{
		"garbage": func() error { return os.WriteFile(path, []byte("{not json"), 0o600) },
		"other format": func() error {
			return os.WriteFile(path, []byte(strings.Replace(string(goodData), `"format":1`, `"format":2`, 1)), 0o600)
		},
		"other target": func() error {
			return os.WriteFile(path, []byte(strings.Replace(string(goodData), endpoint, "https://evil.example", 1)), 0o600)
		},
		"empty list": func() error {
			return os.WriteFile(path, []byte(`{"format":1,"endpoint":"`+endpoint+`","read_at":"2026-05-06T07:00:00Z","versions":[]}`), 0o600)
		},
		"bad arch": func() error {
			return os.WriteFile(path, []byte(strings.ReplaceAll(string(goodData), "x86_64", "mips")), 0o600)
		},
		"too large":        func() error { return os.WriteFile(path, append(goodData, make([]byte, maxCacheFile)...), 0o600) },
		"symlink":          func() error { return os.Symlink(good, path) },
		"a directory":      func() error { return os.Mkdir(path, 0o700) },
		"link to a device": func() error { return os.Symlink("/dev/zero", path) },
	} {
		t.Run(name, func(t *testing.T) {
			os.RemoveAll(path)
			if err := plant(); err != nil {
				t.Fatal(err)
			}
			if c, err := cache.Load(endpoint); c != nil || err == nil {
				t.Fatalf("Load = %v, %v: want it refused", c, err)
			}
			if name == "a directory" {
				return // not ours to remove; the next Store fails and the list is read each time
			}
			l := &fakeLister{endpoint: endpoint, cat: liveOf(endpoint, now, "P 9 64bit")}
			cat, err := ResolveCatalog(t.Context(), l, cache, false)
			if err != nil || l.reads != 1 || cat.Source.Cached {
				t.Fatalf("the damaged file was used: %+v %v", cat.Source, err)
			}
			if c, err := cache.Load(endpoint); err != nil || c == nil || c.Versions[0].Version != "P 9 64bit" {
				t.Fatalf("not rewritten: %v %v", c, err)
			}
			if data, _ := os.ReadFile(good); string(data) != string(goodData) {
				t.Error("the file a planted link points to was written")
			}
		})
	}
}
