package client

import (
	"errors"
	"io/fs"
	"syscall"

	"github.com/ims-wizard/ims-wizard/client/l10n"
)

// Msg is a sentence for people kept as a catalogue id and its parameters,
// so that each front end says it in its reader's language: the client's
// errors carry Msgs, and their Error() says them in English. A parameter
// that can say itself (a Msg, a Problem, a Localized error) is rendered in
// the same language; any other error parameter is its Error(), inert.
// Strings from outside (the server, a path) must be made inert by whoever
// puts them in.
type Msg struct {
	ID   string
	Args l10n.Args
}

// NewMsg is the message id with args (at most one Args).
func NewMsg(id string, args ...l10n.Args) Msg {
	m := Msg{ID: id}
	if len(args) > 0 {
		m.Args = args[0]
	}
	return m
}

// IsZero reports an unset message.
func (m Msg) IsZero() bool { return m.ID == "" }

// Text is the message in loc's language (nil: English); "" for the zero Msg.
func (m Msg) Text(loc *l10n.Localizer) string {
	if m.ID == "" {
		return ""
	}
	if len(m.Args) == 0 {
		return loc.T(m.ID)
	}
	args := make(l10n.Args, len(m.Args))
	for k, v := range m.Args {
		switch v := v.(type) {
		case error: // before Text: a Problem's Text leaves out its field
			args[k] = ErrorText(v, loc)
		case interface{ Text(*l10n.Localizer) string }:
			args[k] = v.Text(loc)
		default:
			args[k] = v
		}
	}
	return loc.T(m.ID, args)
}

// Localized is an error that can say itself in a reader's language; its
// Error() is the English.
type Localized interface {
	error
	Localize(loc *l10n.Localizer) string
}

// ErrorText is err as a person reads it in loc's language: a Localized
// error (looked for through wrappers that add no words of their own, such
// as exit codes) says itself; any other error is its Error(), inert.
func ErrorText(err error, loc *l10n.Localizer) string {
	if err == nil {
		return ""
	}
	for e := err; e != nil; {
		switch l := e.(type) {
		case Localized:
			return l.Localize(loc)
		case interface{ Text(*l10n.Localizer) string }: // localfile's errors
			return l.Text(loc)
		}
		if text, ok := osErrorText(e, loc); ok {
			return text
		}
		inner := errors.Unwrap(e)
		if inner == nil || inner.Error() != e.Error() {
			break
		}
		e = inner
	}
	return InertMultiline(err.Error())
}

// osErrorText is a failed file operation (an *fs.PathError, or a bare
// errno) in loc's language, when the catalogue words its cause.
func osErrorText(err error, loc *l10n.Localizer) (string, bool) {
	if errno, ok := err.(syscall.Errno); ok {
		reason := errnoText(loc, errno)
		return reason, reason != ""
	}
	pe, ok := err.(*fs.PathError)
	if !ok {
		return "", false
	}
	errno, ok := pe.Err.(syscall.Errno)
	reason := ""
	if ok {
		reason = errnoText(loc, errno)
	}
	if reason == "" {
		return "", false
	}
	path := Inert(pe.Path)
	if op := opText(loc, pe.Op); op != "" {
		return loc.T("explain.os.path_op", l10n.Args{"Op": op, "Path": path, "Reason": reason}), true
	}
	return loc.T("explain.os.path", l10n.Args{"Path": path, "Reason": reason}), true
}

func opText(loc *l10n.Localizer, op string) string {
	switch op {
	case "open", "openat":
		return loc.T("explain.os.op.open")
	case "stat", "lstat", "fstat", "statat":
		return loc.T("explain.os.op.stat")
	case "read":
		return loc.T("explain.os.op.read")
	case "write":
		return loc.T("explain.os.op.write")
	case "mkdir", "mkdirat":
		return loc.T("explain.os.op.mkdir")
	case "rename":
		return loc.T("explain.os.op.rename")
	case "remove", "unlinkat":
		return loc.T("explain.os.op.remove")
	}
	return ""
}

// errnoIDs name the system errors a person meets with files.
var errnoIDs = map[syscall.Errno]string{
	syscall.ENOENT:       "explain.os.errno.not_exist",
	syscall.EACCES:       "explain.os.errno.permission",
	syscall.EPERM:        "explain.os.errno.not_permitted",
	syscall.EISDIR:       "explain.os.errno.is_dir",
	syscall.ENOTDIR:      "explain.os.errno.not_dir",
	syscall.EEXIST:       "explain.os.errno.exists",
	syscall.ENOSPC:       "explain.os.errno.no_space",
	syscall.EROFS:        "explain.os.errno.read_only",
	syscall.ELOOP:        "explain.os.errno.loop",
	syscall.ENAMETOOLONG: "explain.os.errno.name_too_long",
	syscall.EIO:          "explain.os.errno.io",
}

func errnoText(loc *l10n.Localizer, errno syscall.Errno) string {
	if id, ok := errnoIDs[errno]; ok {
		return loc.T(id)
	}
	return ""
}

// MsgError is an error that is a catalogue message, optionally wrapping
// the error it explains (for errors.Is and errors.As).
type MsgError struct {
	Msg Msg
	Err error
}

// NewError is a MsgError of id with args, wrapping err (which may be nil).
func NewError(err error, id string, args ...l10n.Args) *MsgError {
	return &MsgError{Msg: NewMsg(id, args...), Err: err}
}

func (e *MsgError) Error() string                       { return e.Msg.Text(nil) }
func (e *MsgError) Localize(loc *l10n.Localizer) string { return e.Msg.Text(loc) }
func (e *MsgError) Unwrap() error                       { return e.Err }

// Localize is the problem as Error() says it, in loc's language:
// "field: message".
func (p *Problem) Localize(loc *l10n.Localizer) string { return p.Field + ": " + p.Text(loc) }
