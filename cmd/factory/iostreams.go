// Package factory builds, in one place, what every command depends on: the
// terminal streams, the environment and the connection to IMS.
package factory

import (
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

// System returns the real streams.
func System() *IOStreams {
	return &IOStreams{
		In: os.Stdin, Out: os.Stdout, ErrOut: os.Stderr,
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
