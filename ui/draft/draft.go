// Package draft keeps the wizard's answers on disk between runs: saved
// atomically (a temporary file in the same directory, fsync, rename), mode
// 0600 in a 0700 directory, versioned, and read back strictly enough that a
// damaged file is recognised and set aside instead of half-trusted.
//
// A draft never holds a secret: it is the answers a user typed (a name, an
// OS version, sizes, tags), where they were meant to go, and the creates
// whose outcome is unknown.
package draft

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
	"time"
)

// Version is the format of the draft files this package writes and reads.
const Version = 1

// maxSize bounds a draft file: the answers are a few hundred bytes.
const maxSize = 1 << 20

// Attempt is a create whose outcome is unknown (sent, no answer): before
// the same name is sent again, the images created since Since are looked up.
type Attempt struct {
	Name  string    `json:"name"`
	Since time.Time `json:"since"`
}

// Draft is what is saved: the answers (T) and what they were for.
type Draft[T any] struct {
	Version int       `json:"version"`
	SavedAt time.Time `json:"saved_at"`
	Target  string    `json:"target"` // the label of the target the answers were meant for
	Step    string    `json:"step"`   // where the user was, e.g. "sizes" or "review"
	Answers T         `json:"answers"`
	Unknown []Attempt `json:"unknown_outcomes,omitempty"`
}

// DamagedError reports a draft file that cannot be used: unreadable, not
// the JSON of a draft, or of another version.
type DamagedError struct {
	Path string
	Err  error
}

func (e *DamagedError) Error() string { return fmt.Sprintf("draft %s is damaged: %v", e.Path, e.Err) }

func (e *DamagedError) Unwrap() error { return e.Err }

// rename is os.Rename; tests replace it.
var rename = os.Rename

// Save writes d to path atomically: readers see the old draft or the new
// one, never a part. Version is set; SavedAt is set when zero.
func Save[T any](path string, d Draft[T]) (err error) {
	d.Version = Version
	if d.SavedAt.IsZero() {
		d.SavedAt = time.Now()
	}
	data, err := json.MarshalIndent(d, "", "  ")
	if err != nil {
		return err
	}
	data = append(data, '\n')
	dir := filepath.Dir(path)
	if err := ensureDir(dir); err != nil {
		return err
	}
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".*.tmp") // mode 0600
	if err != nil {
		return err
	}
	tmp := f.Name()
	defer func() {
		if err != nil {
			_ = f.Close()
			_ = os.Remove(tmp)
		}
	}()
	if err := f.Chmod(0o600); err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		return err
	}
	if err := f.Sync(); err != nil {
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if err := rename(tmp, path); err != nil {
		return err
	}
	syncDir(dir)
	return nil
}

// ensureDir creates dir (and its parents) 0700; a directory it creates is
// made exactly 0700 whatever the umask. An existing directory is left as is.
func ensureDir(dir string) error {
	if _, err := os.Stat(dir); err == nil {
		return nil
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	return os.Chmod(dir, 0o700)
}

// syncDir makes the rename durable; file systems that cannot sync a
// directory are not an error.
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		_ = d.Close()
	}
}

// Load reads the draft at path. No file is (nil, nil); a file that cannot
// be used is a *DamagedError.
func Load[T any](path string) (*Draft[T], error) {
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR) {
		return nil, nil // no draft (or not even its directory)
	}
	if err != nil {
		return nil, &DamagedError{Path: path, Err: withoutPath(err)}
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxSize+1))
	if err != nil {
		return nil, &DamagedError{Path: path, Err: withoutPath(err)}
	}
	if len(data) > maxSize {
		return nil, &DamagedError{Path: path, Err: fmt.Errorf("larger than %d KiB", maxSize>>10)}
	}
	var probe struct {
		Version *int `json:"version"`
	}
	if err := json.Unmarshal(data, &probe); err != nil {
		return nil, &DamagedError{Path: path, Err: fmt.Errorf("not valid JSON (%v)", err)}
	}
	if probe.Version == nil || *probe.Version != Version {
		v := "none"
		if probe.Version != nil {
			v = fmt.Sprint(*probe.Version)
		}
		return nil, &DamagedError{Path: path, Err: fmt.Errorf("version %s, want %d", v, Version)}
	}
	var d Draft[T]
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&d); err != nil {
		return nil, &DamagedError{Path: path, Err: fmt.Errorf("not a draft (%v)", err)}
	}
	if d.SavedAt.IsZero() {
		return nil, &DamagedError{Path: path, Err: errors.New("no saved_at time")}
	}
	return &d, nil
}

// withoutPath drops the path an os error repeats: the DamagedError has it.
func withoutPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// Clear removes the draft; no draft is not an error.
func Clear(path string) error {
	err := os.Remove(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	return err
}

// SetAside moves a damaged draft out of the way, to
// path.damaged-<UTC time>, and returns the new path.
func SetAside(path string, now time.Time) (string, error) {
	base := path + ".damaged-" + now.UTC().Format("20060102T150405Z")
	aside := base
	for i := 2; ; i++ {
		if _, err := os.Lstat(aside); errors.Is(err, fs.ErrNotExist) {
			break
		}
		if i > 100 {
			return "", fmt.Errorf("setting %s aside: too many damaged drafts", path)
		}
		aside = fmt.Sprintf("%s-%d", base, i)
	}
	if err := rename(path, aside); err != nil {
		return "", err
	}
	syncDir(filepath.Dir(path))
	return aside, nil
}
