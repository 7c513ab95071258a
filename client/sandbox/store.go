package sandbox

import (
	"errors"
	"fmt"
	"io"
	"os"
	"sync"
	"time"
)

// store keeps the images and their uploaded files. Two kinds exist: a
// directory shared by every process that opens it (dirStore, the product's
// default) and a private in-memory one (memStore, Options.Dir == "", for
// tests). Images given out are copies: a change reaches the state only
// through update, all at once or not at all.
type store interface {
	// create stores a new image and sets its Seq; errExists when the id is taken.
	create(img *image) error
	// get reads one image: errNotFound, or a *damagedError when its record
	// was unreadable (it has then been set aside).
	get(id string) (*image, error)
	// update applies fn to the image under the state's lock and stores the
	// result, unless fn returns an error (then nothing changes).
	update(id string, fn func(*image) error) (*image, error)
	// remove deletes the image and its file, unless check refuses.
	remove(id string, check func(*image) error) error
	// scan calls fn for every readable image, in no particular order;
	// without extra, the images may lack their extra properties.
	scan(fn func(*image), extra bool) error
	// startUpload turns a queued image saving and returns where its bytes
	// go: a *stateError when it is not queued.
	startUpload(id string, now time.Time) (*image, upload, error)
	// openFile opens an image's uploaded bytes.
	openFile(id string) (io.ReadSeekCloser, error)
	// count is the number of images.
	count() (int, error)
	// reset removes every image and file and says how many images went.
	reset() (int, error)
	close() error
}

// upload receives an image's bytes: finish makes them the image's file and
// the image active; abandon drops them and puts the image back to queued.
type upload interface {
	io.Writer
	finish(checksum string, size int64, now time.Time) (*image, error)
	abandon(now time.Time)
}

var (
	errNotFound = errors.New("no such image")
	errExists   = errors.New("the id is already in use")
	// errGone: the image was deleted while its file was being uploaded.
	errGone = errors.New("the image was deleted during the upload")
)

// stateError refuses an upload to an image that is not queued.
type stateError struct{ status string }

func (e *stateError) Error() string { return "the image is " + e.status }

// damagedError is an image record that could not be read; it has been moved
// out of the way (setAside) so that the rest of the state stays usable.
type damagedError struct {
	id, setAside string
	cause        error
}

func (e *damagedError) Error() string {
	return fmt.Sprintf("the record of image %s was damaged (%v); it was set aside as %s", e.id, e.cause, e.setAside)
}

// memStore is a private state that lives as long as the Server: images in
// a map, uploaded bytes in unlinked temporary files (on disk, not in
// memory, and gone with the process even if Close is never called).
type memStore struct {
	mu     sync.Mutex
	seq    uint64
	images map[string]*image
	files  map[string]*os.File
}

func newMemStore() *memStore {
	return &memStore{images: map[string]*image{}, files: map[string]*os.File{}}
}

func (m *memStore) create(img *image) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, taken := m.images[img.ID]; taken {
		return errExists
	}
	m.seq++
	img.Seq = m.seq
	m.images[img.ID] = img.clone()
	return nil
}

func (m *memStore) get(id string) (*image, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	img, ok := m.images[id]
	if !ok {
		return nil, errNotFound
	}
	return img.clone(), nil
}

func (m *memStore) update(id string, fn func(*image) error) (*image, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	img, ok := m.images[id]
	if !ok {
		return nil, errNotFound
	}
	changed := img.clone()
	if err := fn(changed); err != nil {
		return nil, err
	}
	m.images[id] = changed
	return changed.clone(), nil
}

func (m *memStore) remove(id string, check func(*image) error) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	img, ok := m.images[id]
	if !ok {
		return errNotFound
	}
	if check != nil {
		if err := check(img.clone()); err != nil {
			return err
		}
	}
	delete(m.images, id)
	m.dropFile(id)
	return nil
}

func (m *memStore) dropFile(id string) {
	if f := m.files[id]; f != nil {
		f.Close()
		os.Remove(f.Name()) // already gone where unlinking an open file works
		delete(m.files, id)
	}
}

func (m *memStore) scan(fn func(*image), _ bool) error {
	m.mu.Lock()
	imgs := make([]*image, 0, len(m.images))
	for _, img := range m.images {
		imgs = append(imgs, img.clone())
	}
	m.mu.Unlock()
	for _, img := range imgs {
		fn(img)
	}
	return nil
}

func (m *memStore) startUpload(id string, now time.Time) (*image, upload, error) {
	f, err := os.CreateTemp("", "ims-wizard-sandbox-upload-*")
	if err != nil {
		return nil, nil, err
	}
	os.Remove(f.Name()) // unlinked: freed when closed, whatever happens
	img, err := m.update(id, func(img *image) error {
		if img.Status != statusQueued {
			return &stateError{img.Status}
		}
		img.Status = statusSaving
		img.UpdatedAt = now
		return nil
	})
	if err != nil {
		f.Close()
		return nil, nil, err
	}
	return img, &memUpload{m: m, id: id, f: f}, nil
}

type memUpload struct {
	m  *memStore
	id string
	f  *os.File
}

func (u *memUpload) Write(p []byte) (int, error) { return u.f.Write(p) }

func (u *memUpload) finish(checksum string, size int64, now time.Time) (*image, error) {
	m := u.m
	m.mu.Lock()
	defer m.mu.Unlock()
	img, ok := m.images[u.id]
	if !ok {
		u.f.Close()
		return nil, errGone
	}
	m.dropFile(u.id)
	m.files[u.id] = u.f
	img = img.clone()
	img.Status, img.Uploaded, img.Checksum, img.Size, img.UpdatedAt = statusActive, true, checksum, size, now
	m.images[u.id] = img
	return img.clone(), nil
}

func (u *memUpload) abandon(now time.Time) {
	u.f.Close()
	_, _ = u.m.update(u.id, func(img *image) error {
		if img.Status == statusSaving {
			img.Status, img.UpdatedAt = statusQueued, now
		}
		return nil
	})
}

func (m *memStore) openFile(id string) (io.ReadSeekCloser, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	f := m.files[id]
	if f == nil {
		return nil, errNotFound
	}
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	// A section reader of its own per download: concurrent downloads do
	// not share a file offset.
	return readSeekNopCloser{io.NewSectionReader(f, 0, st.Size())}, nil
}

type readSeekNopCloser struct{ io.ReadSeeker }

func (readSeekNopCloser) Close() error { return nil }

func (m *memStore) count() (int, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.images), nil
}

func (m *memStore) reset() (int, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	n := len(m.images)
	for id := range m.files {
		m.dropFile(id)
	}
	m.images = map[string]*image{}
	return n, nil
}

func (m *memStore) close() error {
	m.mu.Lock()
	defer m.mu.Unlock()
	for id := range m.files {
		m.dropFile(id)
	}
	return nil
}
