package sandbox

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/gofrs/flock"
	"github.com/google/renameio/v2"
	"github.com/ims-wizard/ims-wizard/client"
	"github.com/ims-wizard/ims-wizard/client/l10n"
)

// A state directory:
//
//	FORMAT              {"program":"ims-wizard sandbox","format":1}
//	lock                taken (flock) for every change, by every process
//	images/<id>.json    one record per image, replaced atomically (temp file, fsync, rename)
//	files/<id>          an image's uploaded bytes, written the same way
//	files/<id>.lock     held (flock) by the process uploading <id>
//	damaged/            records that could not be read, set aside
//	generation          a random token, replaced after every change
//
// and beside it <dir>.open-lock, taken while a process checks and opens it.
//
// One small file per image keeps a create's cost independent of how many
// images exist (write one file; nothing is read or rewritten), lets readers
// go without the lock (a rename is atomic: a record is old or new, never
// half), and confines damage to the one image whose file is bad. A lock held
// by a live uploader tells a crashed upload (its image left saving) from a
// running one: the kernel releases it when the uploader dies. A listing must
// read every record; a process keeps what it read with the generation token
// it saw before reading, and reads again only once the token has changed.
const (
	formatFile    = "FORMAT"
	lockFile      = "lock"
	imagesDir     = "images"
	filesDir      = "files"
	damagedDir    = "damaged"
	genFile       = "generation"
	stateProgram  = "ims-wizard sandbox"
	stateFormat   = 1
	recordSuffix  = ".json"
	uploadSuffix  = ".lock"
	privateDir    = 0o700
	privateFile   = 0o600
	setAsideStamp = "20060102T150405"
)

type dirStore struct {
	dir    string
	notify func(string) // says what was set aside

	mu   sync.Mutex // the state lock is one flock per process: goroutines queue here first
	lock *flock.Flock

	cacheMu sync.Mutex
	cache   listCache
}

// listCache is every image as a listing last read them (without their
// extra properties, so that it stays small), valid while the state's
// generation token is the one it was read under.
type listCache struct {
	token  string
	images []*image
}

type formatDoc struct {
	Program string `json:"program"`
	Format  int    `json:"format"`
}

// openDir opens (creating it if needed) the state in dir. A state that is
// damaged or of a newer format is moved aside to a sibling directory and a
// new one started; the returned notices say so. A directory that holds
// other things and no state is refused, never touched. Processes opening
// the same state at once take turns (a lock file beside the directory), so
// that none moves aside a state another has just started.
func openDir(dir string, notify func(string)) (*dirStore, []client.Msg, error) {
	if notify == nil {
		notify = func(string) {}
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, nil, err
	}
	d := &dirStore{dir: abs, notify: notify, lock: flock.New(filepath.Join(abs, lockFile), flock.SetPermissions(privateFile))}
	if err := os.MkdirAll(filepath.Dir(abs), privateDir); err != nil {
		return nil, nil, err
	}
	opening := flock.New(abs+".open-lock", flock.SetPermissions(privateFile))
	if err := opening.Lock(); err != nil {
		return nil, nil, fmt.Errorf("locking %s: %w", opening.Path(), err)
	}
	defer opening.Unlock()

	var notices []client.Msg
	problem, err := d.checkFormat()
	if err != nil {
		return nil, nil, err
	}
	if !problem.IsZero() {
		aside := fmt.Sprintf("%s.set-aside-%s", abs, time.Now().Format(setAsideStamp))
		if err := os.Rename(abs, aside); err != nil {
			return nil, nil, client.NewError(err, "sandbox.state.move_failed", l10n.Args{"Dir": client.Inert(abs), "Problem": problem, "Err": err})
		}
		notices = append(notices, client.NewMsg("sandbox.state.moved", l10n.Args{"Dir": client.Inert(abs), "Problem": problem, "Aside": client.Inert(aside)}))
	}
	if err := d.init(); err != nil {
		return nil, nil, err
	}
	return d, notices, nil
}

// ownEntries are the names a state directory holds (besides temporary
// files, which start with a dot).
var ownEntries = map[string]bool{formatFile: true, lockFile: true, imagesDir: true, filesDir: true, damagedDir: true, genFile: true}

// checkFormat says what is wrong with an existing state (the zero Msg when
// nothing is, or when there is no state yet).
func (d *dirStore) checkFormat() (client.Msg, error) {
	raw, err := os.ReadFile(filepath.Join(d.dir, formatFile))
	switch {
	case errors.Is(err, fs.ErrNotExist):
		entries, rerr := os.ReadDir(d.dir)
		if errors.Is(rerr, fs.ErrNotExist) {
			return client.Msg{}, nil
		}
		if rerr != nil {
			return client.Msg{}, rerr
		}
		for _, e := range entries {
			if !ownEntries[e.Name()] && !strings.HasPrefix(e.Name(), ".") {
				return client.Msg{}, client.NewError(nil, "sandbox.state.foreign", l10n.Args{"Dir": client.Inert(d.dir), "File": formatFile})
			}
		}
		if n, _ := d.count(); n > 0 {
			return client.NewMsg("sandbox.state.no_format"), nil
		}
		return client.Msg{}, nil // empty, or a start that stopped half-way
	case err != nil:
		return client.Msg{}, err
	}
	var doc formatDoc
	if json.Unmarshal(raw, &doc) != nil || doc.Program != stateProgram || doc.Format < 1 {
		return client.NewMsg("sandbox.state.bad_format"), nil
	}
	if doc.Format > stateFormat {
		return client.NewMsg("sandbox.state.newer", l10n.Args{"Format": doc.Format, "Reads": stateFormat}), nil
	}
	return client.Msg{}, nil
}

// init makes what a state needs, FORMAT last: a state with a FORMAT file
// is complete.
func (d *dirStore) init() error {
	for _, sub := range []string{"", imagesDir, filesDir, damagedDir} {
		if err := os.MkdirAll(filepath.Join(d.dir, sub), privateDir); err != nil {
			return err
		}
	}
	if _, err := os.Stat(filepath.Join(d.dir, genFile)); errors.Is(err, fs.ErrNotExist) {
		if err := d.bump(); err != nil {
			return err
		}
	}
	path := filepath.Join(d.dir, formatFile)
	if _, err := os.Stat(path); err == nil {
		return nil
	}
	doc, _ := json.Marshal(formatDoc{Program: stateProgram, Format: stateFormat})
	return writeAtomic(path, append(doc, '\n'))
}

// writeAtomic replaces path with data: a temporary file in the same
// directory, synced, then renamed over it.
func writeAtomic(path string, data []byte) error {
	return renameio.WriteFile(path, data, privateFile, renameio.WithTempDir(filepath.Dir(path)))
}

// locked runs fn holding the state's lock, against every goroutine of this
// process and every other process.
func (d *dirStore) locked(fn func() error) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if err := d.lock.Lock(); err != nil {
		return fmt.Errorf("locking the sandbox state: %w", err)
	}
	defer d.lock.Unlock()
	return fn()
}

// validID keeps ids that can name a file in the state; any other id names
// no image.
func validID(id string) bool {
	if id == "" || len(id) > 128 || id[0] == '.' {
		return false
	}
	for _, r := range id {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '.') {
			return false
		}
	}
	return true
}

func (d *dirStore) recordPath(id string) string {
	return filepath.Join(d.dir, imagesDir, id+recordSuffix)
}

func (d *dirStore) filePath(id string) string { return filepath.Join(d.dir, filesDir, id) }

// read loads one record; a record that cannot be read is set aside.
func (d *dirStore) read(id string) (*image, error) {
	if !validID(id) {
		return nil, errNotFound
	}
	raw, err := os.ReadFile(d.recordPath(id))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, errNotFound
	}
	if err != nil {
		return nil, err
	}
	img := &image{}
	err = json.Unmarshal(raw, img)
	switch {
	case err != nil:
	case img.Format != recordFormat:
		err = fmt.Errorf("record format %d, not %d", img.Format, recordFormat)
	case img.ID != id:
		err = fmt.Errorf("it holds image %q", img.ID)
	}
	if err != nil {
		return nil, d.setAside(id, err)
	}
	return img, nil
}

func (d *dirStore) setAside(id string, cause error) error {
	aside := filepath.Join(d.dir, damagedDir, fmt.Sprintf("%s%s.%s", id, recordSuffix, time.Now().Format(setAsideStamp)))
	if err := os.Rename(d.recordPath(id), aside); errors.Is(err, fs.ErrNotExist) {
		return errNotFound // someone else set it aside or deleted it first
	} else if err != nil {
		return fmt.Errorf("image %s: its record is damaged (%v) and could not be set aside: %w", id, cause, err)
	}
	_ = d.bump()
	e := &damagedError{id: id, setAside: aside, cause: cause}
	d.notify("sandbox: " + e.Error())
	return e
}

func (d *dirStore) write(img *image) error {
	img.Format = recordFormat
	raw, err := json.Marshal(img)
	if err != nil {
		return err
	}
	if err := writeAtomic(d.recordPath(img.ID), raw); err != nil {
		return err
	}
	return d.bump()
}

// bump replaces the generation token after a change. The token only tells
// caches apart, so it is renamed into place without a sync: after a crash
// no cache survives anyway.
func (d *dirStore) bump() error {
	tmp, err := os.CreateTemp(d.dir, "."+genFile)
	if err != nil {
		return err
	}
	_, err = tmp.WriteString(newRequestID())
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), filepath.Join(d.dir, genFile))
	}
	if err != nil {
		os.Remove(tmp.Name())
	}
	return err
}

func (d *dirStore) token() string {
	raw, _ := os.ReadFile(filepath.Join(d.dir, genFile))
	return string(raw)
}

func (d *dirStore) create(img *image) error {
	if !validID(img.ID) {
		return fmt.Errorf("id %q cannot be stored: use letters, digits, '-', '_' and '.'", img.ID)
	}
	return d.locked(func() error {
		if _, err := os.Stat(d.recordPath(img.ID)); err == nil {
			return errExists
		}
		// The wall clock in nanoseconds, read under the lock, orders the
		// creates of every process without a shared counter to rewrite.
		img.Seq = uint64(time.Now().UnixNano())
		return d.write(img)
	})
}

func (d *dirStore) get(id string) (*image, error) {
	img, err := d.read(id)
	if err == nil && img.Status == statusSaving {
		return d.reviveIfStale(id)
	}
	return img, err
}

// reviveIfStale puts an image left saving by a dead uploader back to
// queued, as the sandbox does for an interrupted upload.
func (d *dirStore) reviveIfStale(id string) (*image, error) {
	var img *image
	err := d.locked(func() error {
		var err error
		if img, err = d.read(id); err != nil || img.Status != statusSaving {
			return err
		}
		uploader := flock.New(d.filePath(id)+uploadSuffix, flock.SetPermissions(privateFile))
		free, err := uploader.TryLock()
		if err != nil || !free {
			return err // alive: still saving
		}
		defer d.endUpload(id, uploader)
		img.Status = statusQueued
		img.UpdatedAt = time.Now()
		d.notify(fmt.Sprintf("sandbox: image %s was left saving by an upload that died; it is queued again", id))
		return d.write(img)
	})
	return img, err
}

// endUpload releases an upload's lock and removes what a dead upload left.
func (d *dirStore) endUpload(id string, uploader *flock.Flock) {
	os.Remove(uploader.Path())
	uploader.Unlock()
	// renameio names its temporary files "." + the target's name + digits.
	leftovers, _ := filepath.Glob(filepath.Join(d.dir, filesDir, "."+id+"*"))
	for _, f := range leftovers {
		if rest := strings.TrimPrefix(filepath.Base(f), "."+id); rest != "" && strings.Trim(rest, "0123456789") == "" {
			os.Remove(f)
		}
	}
}

func (d *dirStore) update(id string, fn func(*image) error) (*image, error) {
	var out *image
	err := d.locked(func() error {
		img, err := d.read(id)
		if err != nil {
			return err
		}
		if err := fn(img); err != nil {
			return err
		}
		out = img
		return d.write(img)
	})
	return out, err
}

func (d *dirStore) remove(id string, check func(*image) error) error {
	return d.locked(func() error {
		img, err := d.read(id)
		if err != nil {
			return err
		}
		if check != nil {
			if err := check(img); err != nil {
				return err
			}
		}
		if err := os.Remove(d.recordPath(id)); err != nil {
			return err
		}
		if err := d.bump(); err != nil {
			return err
		}
		if err := os.Remove(d.filePath(id)); err != nil && !errors.Is(err, fs.ErrNotExist) {
			d.notify(fmt.Sprintf("sandbox: image %s deleted, but its file remains: %v", id, err))
		}
		return nil
	})
}

// scan reads every record without the lock: each is read whole, as it was
// before or after any change. Damaged ones are set aside and skipped.
// Without extra it may answer from what the last scan read, if nothing
// changed since (the images then lack their extra properties).
func (d *dirStore) scan(fn func(*image), extra bool) error {
	token := d.token() // read before the records: a change after it makes the next scan read again
	if !extra && token != "" {
		d.cacheMu.Lock()
		cached := d.cache
		d.cacheMu.Unlock()
		if cached.token == token {
			for _, img := range cached.images {
				if img.Status == statusSaving {
					// Perhaps left by a dead upload: read it again, which revives it.
					fresh, err := d.get(img.ID)
					if err != nil {
						continue
					}
					img = fresh
				}
				fn(img.clone())
			}
			return nil
		}
	}
	entries, err := os.ReadDir(filepath.Join(d.dir, imagesDir))
	if err != nil {
		return err
	}
	light := make([]*image, 0, len(entries))
	for _, e := range entries {
		id, ok := recordID(e.Name())
		if !ok {
			continue
		}
		img, err := d.get(id)
		var damaged *damagedError
		switch {
		case errors.Is(err, errNotFound), errors.As(err, &damaged):
			continue
		case err != nil:
			return err
		}
		l := img.clone()
		l.Extra = nil
		light = append(light, l)
		fn(img)
	}
	if token != "" {
		d.cacheMu.Lock()
		d.cache = listCache{token: token, images: light}
		d.cacheMu.Unlock()
	}
	return nil
}

// recordID is the image id of a record's file name; temporary files (a
// write in progress) start with a dot.
func recordID(name string) (string, bool) {
	if strings.HasPrefix(name, ".") || !strings.HasSuffix(name, recordSuffix) {
		return "", false
	}
	return strings.TrimSuffix(name, recordSuffix), true
}

func (d *dirStore) count() (int, error) {
	entries, err := os.ReadDir(filepath.Join(d.dir, imagesDir))
	if err != nil {
		return 0, err
	}
	n := 0
	for _, e := range entries {
		if _, ok := recordID(e.Name()); ok {
			n++
		}
	}
	return n, nil
}

func (d *dirStore) startUpload(id string, now time.Time) (*image, upload, error) {
	uploader := flock.New(d.filePath(id)+uploadSuffix, flock.SetPermissions(privateFile))
	var img *image
	err := d.locked(func() error {
		var err error
		if img, err = d.read(id); err != nil {
			return err
		}
		if img.Status != statusQueued {
			return &stateError{img.Status}
		}
		if free, err := uploader.TryLock(); err != nil {
			return err
		} else if !free {
			return &stateError{statusSaving}
		}
		img.Status = statusSaving
		img.UpdatedAt = now
		if err := d.write(img); err != nil {
			d.endUpload(id, uploader)
			return err
		}
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	pending, err := renameio.NewPendingFile(d.filePath(id), renameio.WithTempDir(filepath.Join(d.dir, filesDir)),
		renameio.WithStaticPermissions(privateFile))
	u := &dirUpload{d: d, id: id, uploader: uploader, pending: pending}
	if err != nil {
		u.abandon(now)
		return nil, nil, err
	}
	return img, u, nil
}

type dirUpload struct {
	d        *dirStore
	id       string
	uploader *flock.Flock
	pending  *renameio.PendingFile
}

func (u *dirUpload) Write(p []byte) (int, error) { return u.pending.Write(p) }

func (u *dirUpload) finish(checksum string, size int64, now time.Time) (*image, error) {
	// Synced before taking the lock: a large file's flush holds nobody up.
	if err := u.pending.Sync(); err != nil {
		u.abandon(now)
		return nil, err
	}
	d := u.d
	var img *image
	err := d.locked(func() error {
		defer d.endUpload(u.id, u.uploader)
		var err error
		if img, err = d.read(u.id); errors.Is(err, errNotFound) {
			u.pending.Cleanup()
			return errGone
		} else if err != nil {
			u.pending.Cleanup()
			return err
		}
		if err := u.pending.CloseAtomicallyReplace(); err != nil {
			u.pending.Cleanup()
			img.Status, img.UpdatedAt = statusQueued, now
			return errors.Join(err, d.write(img))
		}
		img.Status, img.Uploaded, img.Checksum, img.Size, img.UpdatedAt = statusActive, true, checksum, size, now
		return d.write(img)
	})
	return img, err
}

func (u *dirUpload) abandon(now time.Time) {
	if u.pending != nil {
		u.pending.Cleanup()
	}
	d := u.d
	_ = d.locked(func() error {
		defer d.endUpload(u.id, u.uploader)
		img, err := d.read(u.id)
		if err != nil || img.Status != statusSaving {
			return err
		}
		img.Status, img.UpdatedAt = statusQueued, now
		return d.write(img)
	})
}

func (d *dirStore) openFile(id string) (io.ReadSeekCloser, error) {
	if !validID(id) {
		return nil, errNotFound
	}
	f, err := os.Open(d.filePath(id))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, errNotFound
	}
	return f, err
}

// reset empties the state: images, files, set-aside records. The FORMAT
// and lock files stay, so that other processes keep using the directory.
func (d *dirStore) reset() (int, error) {
	var n int
	err := d.locked(func() error {
		var err error
		if n, err = d.count(); err != nil {
			return err
		}
		for _, sub := range []string{imagesDir, filesDir, damagedDir} {
			entries, err := os.ReadDir(filepath.Join(d.dir, sub))
			if err != nil && !errors.Is(err, fs.ErrNotExist) {
				return err
			}
			for _, e := range entries {
				if err := os.RemoveAll(filepath.Join(d.dir, sub, e.Name())); err != nil {
					return err
				}
			}
		}
		if err := d.init(); err != nil {
			return err
		}
		return d.bump()
	})
	return n, err
}

func (d *dirStore) close() error { return nil }
