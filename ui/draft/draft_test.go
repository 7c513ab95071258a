package draft

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

type answers struct {
	Name  string `json:"name"`
	Count int    `json:"count"`
}

func sample(name string) Draft[answers] {
	return Draft[answers]{
		SavedAt: time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC),
		Target:  "built-in sandbox",
		Step:    "sizes",
		Answers: answers{Name: name, Count: 3},
		Unknown: []Attempt{{Name: name, Since: time.Date(2026, 3, 4, 5, 0, 0, 0, time.UTC)}},
	}
}

func TestSaveLoadRoundTrip(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "state", "ims-wizard", "draft.json")
	if err := Save(path, sample("web")); err != nil {
		t.Fatal(err)
	}
	got, err := Load[answers](path)
	if err != nil || got == nil {
		t.Fatalf("Load = %v, %v", got, err)
	}
	want := sample("web")
	want.Version = Version
	if got.Version != want.Version || !got.SavedAt.Equal(want.SavedAt) || got.Target != want.Target || got.Step != want.Step ||
		got.Answers != want.Answers || len(got.Unknown) != 1 || got.Unknown[0].Name != "web" || !got.Unknown[0].Since.Equal(want.Unknown[0].Since) {
		t.Errorf("round trip: got %+v, want %+v", got, want)
	}
}

func TestSaveModes(t *testing.T) {
	t.Parallel()
	old := syscall.Umask(0)
	defer syscall.Umask(old)
	root := t.TempDir()
	path := filepath.Join(root, "state", "ims-wizard", "draft.json")
	if err := Save(path, sample("m")); err != nil {
		t.Fatal(err)
	}
	for p, want := range map[string]os.FileMode{path: 0o600, filepath.Dir(path): 0o700 | os.ModeDir, filepath.Join(root, "state"): 0o700 | os.ModeDir} {
		fi, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode() != want {
			t.Errorf("%s: mode %v, want %v", p, fi.Mode(), want)
		}
	}
	// Saving again over an existing draft keeps 0600.
	if err := Save(path, sample("again")); err != nil {
		t.Fatal(err)
	}
	if fi, _ := os.Stat(path); fi.Mode() != 0o600 {
		t.Errorf("after a second save: mode %v", fi.Mode())
	}
}

// The new draft replaces the old one by rename: a reader holding the old
// file still reads the whole old draft, and no temporary file is left.
func TestSaveIsAtomic(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "draft.json")
	if err := Save(path, sample("old")); err != nil {
		t.Fatal(err)
	}
	oldData, _ := os.ReadFile(path)
	held, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer held.Close()
	before, _ := held.Stat()

	var renames []string
	recording := system()
	recording.rename = func(from, to string) error {
		renames = append(renames, filepath.Base(from)+" -> "+filepath.Base(to))
		if filepath.Dir(from) != dir {
			t.Errorf("temporary file %s is not in the draft's directory", from)
		}
		return os.Rename(from, to)
	}
	if err := save(recording, path, sample("new")); err != nil {
		t.Fatal(err)
	}
	if len(renames) != 1 || !strings.HasSuffix(renames[0], " -> draft.json") || !strings.HasPrefix(renames[0], ".draft.json.") {
		t.Errorf("renames %q, want one temporary file renamed onto draft.json", renames)
	}
	after, _ := os.Stat(path)
	if os.SameFile(before, after) {
		t.Error("the draft was rewritten in place, not replaced")
	}
	heldData := make([]byte, len(oldData)+10)
	n, _ := held.ReadAt(heldData, 0)
	if string(heldData[:n]) != string(oldData) {
		t.Errorf("the old file changed under its reader:\n%s", heldData[:n])
	}
	assertOnly(t, dir, "draft.json", "draft.json.lock")
	if d, err := Load[answers](path); err != nil || d.Answers.Name != "new" {
		t.Errorf("Load after save = %+v, %v", d, err)
	}
}

// A save that fails (here, the rename) leaves the previous draft whole and
// no temporary file behind.
func TestFailedSaveKeepsOldDraft(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "draft.json")
	if err := Save(path, sample("old")); err != nil {
		t.Fatal(err)
	}
	failing := system()
	failing.rename = func(string, string) error { return errors.New("disk on fire") }
	if err := save(failing, path, sample("new")); err == nil || !strings.Contains(err.Error(), "disk on fire") {
		t.Fatalf("Save = %v, want the rename's error", err)
	}
	assertOnly(t, dir, "draft.json", "draft.json.lock")
	if d, err := Load[answers](path); err != nil || d.Answers.Name != "old" {
		t.Errorf("Load = %+v, %v; want the old draft", d, err)
	}
}

func TestLoadMissingIsNoDraft(t *testing.T) {
	t.Parallel()
	d, err := Load[answers](filepath.Join(t.TempDir(), "nope", "draft.json"))
	if d != nil || err != nil {
		t.Fatalf("Load = %v, %v; want nil, nil", d, err)
	}
}

func TestLoadDamaged(t *testing.T) {
	t.Parallel()
	cases := map[string]string{
		"bad json":      `{"version": 1, "answers": {"name": "x"`,
		"not an object": `[1, 2]`,
		"no version":    `{"saved_at": "2026-03-04T05:06:07Z", "answers": {}}`,
		"wrong version": `{"version": 99, "saved_at": "2026-03-04T05:06:07Z", "answers": {}}`,
		"wrong types":   `{"version": 1, "saved_at": "2026-03-04T05:06:07Z", "answers": {"name": 7}}`,
		"no saved_at":   `{"version": 1, "answers": {"name": "x"}}`,
		"empty":         ``,
		"binary":        "\x00\x01\x02",
	}
	for name, content := range cases {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "draft.json")
			if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
				t.Fatal(err)
			}
			d, err := Load[answers](path)
			var de *DamagedError
			if d != nil || !errors.As(err, &de) || de.Path != path {
				t.Fatalf("Load = %+v, %v; want a *DamagedError", d, err)
			}
		})
	}
	t.Run("unreadable", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "draft.json")
		if err := os.Mkdir(path, 0o700); err != nil { // a directory where the file should be
			t.Fatal(err)
		}
		if _, err := Load[answers](path); !errors.As(err, new(*DamagedError)) {
			t.Fatalf("Load = %v, want a *DamagedError", err)
		}
	})
}

func TestSetAsideAndClear(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "draft.json")
	now := time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)
	for i, want := range []string{"draft.json.damaged-20260304T050607Z", "draft.json.damaged-20260304T050607Z-2"} {
		if err := os.WriteFile(path, []byte("garbage"), 0o600); err != nil {
			t.Fatal(err)
		}
		aside, err := SetAside(path, now)
		if err != nil || filepath.Base(aside) != want {
			t.Fatalf("SetAside #%d = %q, %v; want %s", i+1, aside, err, want)
		}
		if data, _ := os.ReadFile(aside); string(data) != "garbage" {
			t.Errorf("the set-aside file holds %q", data)
		}
		if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("the damaged draft is still in place")
		}
	}
	if err := Save(path, sample("x")); err != nil {
		t.Fatal(err)
	}
	if err := Clear(path, Draft[answers]{}, sample("x").Unknown...); err != nil {
		t.Fatal(err)
	}
	if err := Clear(path, Draft[answers]{}); err != nil {
		t.Errorf("clearing no draft: %v", err)
	}
	if d, err := Load[answers](path); d != nil || err != nil {
		t.Errorf("after Clear: %v, %v", d, err)
	}
}

func assertOnly(t *testing.T, dir string, names ...string) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range entries {
		got = append(got, e.Name())
	}
	if strings.Join(got, ",") != strings.Join(names, ",") {
		t.Errorf("directory holds %q, want only %q", got, names)
	}
}
