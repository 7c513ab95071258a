// Package localfile reads the small local files ims-wizard depends on (the
// credentials file, --cacert, the wizard's draft) without ever blocking or
// running out of memory on one that is not a plain file: a FIFO whose
// open waits for a writer that never comes, a symlink to /dev/zero that
// never ends, a device. Such a file is refused at once, and a regular one is
// read up to a size cap, so the program stays responsive to signals at
// every step.
package localfile

import (
	"errors"
	"io"
	"io/fs"
	"os"

	"github.com/ims-wizard/ims-wizard/client/l10n"
)

// NotRegularError is a path that is not a regular file once symlinks are
// followed: a FIFO, a device, a socket or a directory.
type NotRegularError struct {
	Path string
	Mode fs.FileMode
}

func (e *NotRegularError) Error() string { return e.Text(nil) }

// Text is the error in loc's language (nil: English).
func (e *NotRegularError) Text(loc *l10n.Localizer) string {
	return loc.T("security.file.not_regular", l10n.Args{"Path": e.Path, "Kind": Kind(loc, e.Mode)})
}

// Reason is the error without the path, for a message that names the
// file already.
func (e *NotRegularError) Reason(loc *l10n.Localizer) string {
	return loc.T("security.file.not_regular_here", l10n.Args{"Kind": Kind(loc, e.Mode)})
}

// TooLargeError is a regular file larger than the cap its reader set.
type TooLargeError struct {
	Path string
	Max  int64
}

func (e *TooLargeError) Error() string { return e.Text(nil) }

// Text is the error in loc's language (nil: English).
func (e *TooLargeError) Text(loc *l10n.Localizer) string {
	return loc.T("security.file.too_large", l10n.Args{"Path": e.Path, "Max": e.Max >> 10})
}

// Kind names a file mode's type for people, to follow "it is": "a named
// pipe", "a device", ….
func Kind(loc *l10n.Localizer, m fs.FileMode) string {
	switch {
	case m.IsDir():
		return loc.T("security.file.kind.directory")
	case m&fs.ModeNamedPipe != 0:
		return loc.T("security.file.kind.fifo")
	case m&fs.ModeSocket != 0:
		return loc.T("security.file.kind.socket")
	case m&fs.ModeCharDevice != 0:
		return loc.T("security.file.kind.char_device")
	case m&fs.ModeDevice != 0:
		return loc.T("security.file.kind.device")
	}
	return loc.T("security.file.kind.unusual")
}

// Open opens path for reading only if it is a regular file, after
// following symlinks: it is checked before opening (stat), opened so that
// even a FIFO swapped in meanwhile cannot block (O_NONBLOCK), and checked
// again on the opened descriptor (fstat). Errors are *fs.PathError (no such
// file, permission denied) or *NotRegularError.
func Open(path string) (*os.File, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, &NotRegularError{Path: path, Mode: fi.Mode()}
	}
	f, err := os.OpenFile(path, os.O_RDONLY|nonBlock, 0)
	if err != nil {
		return nil, err
	}
	fi, err = f.Stat()
	if err == nil && !fi.Mode().IsRegular() {
		err = &NotRegularError{Path: path, Mode: fi.Mode()}
	}
	if err != nil {
		f.Close()
		return nil, err
	}
	return f, nil
}

// ReadFile reads the regular file at path (see Open) whole, refusing one of
// more than max bytes with a *TooLargeError; it never reads more than
// max+1 bytes, whatever the file does meanwhile.
func ReadFile(path string, max int64) ([]byte, error) {
	f, err := Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, max+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > max {
		return nil, &TooLargeError{Path: path, Max: max}
	}
	return data, nil
}

// IsRefused reports an error of Open or ReadFile that is about the file's
// kind or size rather than its absence or permissions.
func IsRefused(err error) bool {
	var nr *NotRegularError
	var tl *TooLargeError
	return errors.As(err, &nr) || errors.As(err, &tl)
}
