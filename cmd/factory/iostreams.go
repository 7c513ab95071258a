// Package factory builds, in one place, what every command depends on: the
// terminal streams, the environment and the connection to IMS.
package factory

import (
	"errors"
	"io"
	"os"

	"github.com/mattn/go-isatty"
)

// IOStreams are the process's streams and whether they are terminals.
type IOStreams struct {
	In     io.Reader
	Out    io.Writer
	ErrOut io.Writer

	InTTY, OutTTY, ErrTTY bool
}

// System returns the real streams. A stdout that was closed when the
// program started fails every write, as it would have without Go's
// runtime putting /dev/null there.
func System() *IOStreams {
	var out io.Writer = os.Stdout
	if stdoutWasClosed() {
		out = closedWriter{}
	}
	return &IOStreams{
		In: os.Stdin, Out: out, ErrOut: os.Stderr,
		InTTY:  isTerminal(os.Stdin),
		OutTTY: isTerminal(os.Stdout),
		ErrTTY: isTerminal(os.Stderr),
	}
}

func isTerminal(f *os.File) bool {
	return isatty.IsTerminal(f.Fd()) || isatty.IsCygwinTerminal(f.Fd())
}

// CanPrompt reports whether the wizard can run: it reads stdin and draws on
// stderr, so both must be terminals.
func (s *IOStreams) CanPrompt() bool { return s.InTTY && s.ErrTTY }

// CheckedOut returns a copy of s whose Out remembers the first write error,
// and a function that reports it (after flushing nothing: Out is written
// through). A result printed with many writes is then checked once: a full
// disk or a closed pipe must not pass for success.
func (s *IOStreams) CheckedOut() (*IOStreams, func() error) {
	w := &errWriter{w: s.Out}
	c := *s
	c.Out = w
	return &c, func() error { return w.err }
}

// errWriter keeps the first error of its writer and writes nothing after it.
type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) Write(p []byte) (int, error) {
	if e.err != nil {
		return 0, e.err
	}
	n, err := e.w.Write(p)
	if err == nil && n < len(p) {
		err = io.ErrShortWrite
	}
	e.err = err
	return n, err
}

// ErrStdoutClosed is the write error of a stdout closed at start.
var ErrStdoutClosed = errors.New("write /dev/stdout: the standard output is closed")

type closedWriter struct{}

func (closedWriter) Write([]byte) (int, error) { return 0, ErrStdoutClosed }
