// Package draft keeps the wizard's answers on disk between runs: saved
// atomically (a temporary file in the same directory, fsync, rename), mode
// 0600 in a 0700 directory, versioned, and read back strictly enough that a
// damaged file is recognised and set aside instead of half-trusted.
//
// A draft never holds a secret: it is the answers a user typed (a name, an
// OS version, sizes, tags), where they were meant to go, and the creates
// whose outcome is unknown.
//
// Several wizards may run at once with the same draft file. Every change
// (Save, Clear) happens under an exclusive lock (flock on path+".lock",
// which is never removed: removing a lock file races with its next user)
// and re-reads the file first, so that:
//
//   - the answers, step and target are the last writer's: a draft is one
//     set of answers, and the last one typed is the one to offer;
//   - the unknown outcomes are never lost. They are per image name: a
//     change writes the union of the file's and the writer's, keeping for
//     a name the earliest Since (the look-up before the next create lists
//     the images made since then, which covers every later attempt too);
//   - a writer removes only what it settled: the records it had read or
//     written itself (same name, same Since) and has since resolved (its
//     image was created or found, or its user started fresh). A record
//     another process wrote meanwhile, even for the same name, stays.
//
// Reading needs no lock: files are replaced by rename, never rewritten in
// place. Taking the lock waits at most LockWait; a wizard blocked longer
// (another one stuck) reports that the draft could not be saved.
package draft

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
	"time"

	"github.com/gofrs/flock"
	"github.com/ims-wizard/ims-wizard/client/l10n"
	"github.com/ims-wizard/ims-wizard/client/localfile"
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
	Target  string    `json:"target"` // the target the answers were meant for: "sandbox" or its URL
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

// LockWait bounds the wait for another process's lock on the draft.
const LockWait = 5 * time.Second

// disk is how drafts reach the file system: the real one for callers
// (system), a failing or recording one in tests, passed down rather than
// swapped in a package variable so that tests can run in parallel.
type disk struct {
	rename   func(from, to string) error
	lockWait time.Duration
}

func system() disk { return disk{rename: os.Rename, lockWait: LockWait} }

// Save writes d to path atomically (readers see the old draft or the new
// one, never a part), under the lock, merged with the file as it is now:
// d's answers, step and target; the union of the unknown outcomes, minus
// those the caller settled (see the package comment). Version is set;
// SavedAt is set when zero.
func Save[T any](path string, d Draft[T], settled ...Attempt) error {
	return save(system(), path, d, settled...)
}

func save[T any](on disk, path string, d Draft[T], settled ...Attempt) error {
	return on.locked(path, func() error {
		d.Unknown = merge(current(path), d.Unknown, settled)
		return write(on, path, d)
	})
}

// Clear removes the draft's answers: under the lock, the unknown outcomes
// the caller did not settle (another process's) are kept, in blank (an
// outcomes-only draft of answers and step); with none left the file goes.
// No draft is not an error.
func Clear[T any](path string, blank Draft[T], settled ...Attempt) error {
	on := system()
	return on.locked(path, func() error {
		rest := merge(current(path), nil, settled)
		if len(rest) == 0 {
			err := os.Remove(path)
			if errors.Is(err, fs.ErrNotExist) {
				return nil
			}
			return err
		}
		blank.Unknown = rest
		return write(on, path, blank)
	})
}

// LockedError is a draft another process kept locked longer than Wait
// (LockWait).
type LockedError struct {
	Path string
	Wait time.Duration
}

func (e *LockedError) Error() string {
	return (*l10n.Localizer)(nil).T("security.draft.locked", l10n.Args{"Path": e.Path, "Wait": e.Wait.String()})
}

// locked runs change under the draft's exclusive lock.
func (on disk) locked(path string, change func() error) error {
	if err := ensureDir(filepath.Dir(path)); err != nil {
		return err
	}
	lock := flock.New(path+".lock", flock.SetPermissions(0o600))
	ctx, cancel := context.WithTimeout(context.Background(), on.lockWait)
	defer cancel()
	ok, err := lock.TryLockContext(ctx, 10*time.Millisecond)
	if err != nil && !ok && ctx.Err() == nil {
		return err
	}
	if !ok {
		return &LockedError{Path: path, Wait: on.lockWait}
	}
	defer lock.Unlock()
	return change()
}

// current is the unknown outcomes in the file now; a missing or damaged
// file has none (a damaged one is set aside when the wizard starts).
func current(path string) []Attempt {
	d, err := Load[json.RawMessage](path)
	if err != nil || d == nil {
		return nil
	}
	return d.Unknown
}

// merge is the union of theirs (the file's) and ours, by name, with the
// earliest Since, without the records we settled.
func merge(theirs, ours, settled []Attempt) []Attempt {
	var out []Attempt
	at := map[string]int{}
	add := func(a Attempt) {
		if a.Name == "" || a.Since.IsZero() {
			return
		}
		if i, ok := at[a.Name]; ok {
			if a.Since.Before(out[i].Since) {
				out[i].Since = a.Since
			}
			return
		}
		at[a.Name] = len(out)
		out = append(out, a)
	}
	for _, a := range theirs {
		if !isSettled(a, settled) {
			add(a)
		}
	}
	for _, a := range ours {
		add(a)
	}
	return out
}

func isSettled(a Attempt, settled []Attempt) bool {
	for _, s := range settled {
		if s.Name == a.Name && s.Since.Equal(a.Since) {
			return true
		}
	}
	return false
}

// write replaces path with d, atomically.
func write[T any](on disk, path string, d Draft[T]) (err error) {
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
	if err := on.rename(tmp, path); err != nil {
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
// be used is a *DamagedError, a FIFO or a device included (refused without
// blocking: localfile.Open).
func Load[T any](path string) (*Draft[T], error) {
	f, err := localfile.Open(path)
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
	var nr *localfile.NotRegularError
	switch {
	case errors.As(err, &pe):
		return pe.Err
	case errors.As(err, &nr):
		return errors.New(nr.Reason(nil))
	}
	return err
}

// SetAside moves a damaged draft out of the way, to
// path.damaged-<UTC time>, and returns the new path.
func SetAside(path string, now time.Time) (string, error) {
	return system().setAside(path, now)
}

func (on disk) setAside(path string, now time.Time) (string, error) {
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
	if err := on.rename(path, aside); err != nil {
		return "", err
	}
	syncDir(filepath.Dir(path))
	return aside, nil
}
