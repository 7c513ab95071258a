package ui

import (
	"bufio"
	"context"
	"io"
)

// lineReader feeds huh's accessible prompts one line per Read. huh builds a
// new bufio.Scanner for every prompt; over a pipe, a scanner reading ahead
// would swallow the answers of the prompts that follow. It also ends input
// when the context is done or an interrupt arrives, and records whether
// the input ran out, so that an answer huh defaulted at end of input is not
// mistaken for one the user gave.
type lineReader struct {
	ctx   context.Context
	intr  <-chan struct{}
	lines chan []byte
	stop  chan struct{}

	pending     []byte
	eof         bool // no more input
	interrupted bool // Ctrl+C or the context ended
	got         int  // lines delivered
}

func newLineReader(ctx context.Context, in io.Reader, intr <-chan struct{}) *lineReader {
	r := &lineReader{ctx: ctx, intr: intr, lines: make(chan []byte), stop: make(chan struct{})}
	go r.pump(in)
	return r
}

func (r *lineReader) pump(in io.Reader) {
	defer close(r.lines)
	br := bufio.NewReader(in)
	for {
		line, err := br.ReadBytes('\n')
		if len(line) > 0 {
			select {
			case r.lines <- line:
			case <-r.stop:
				return
			}
		}
		if err != nil {
			return
		}
	}
}

// Close stops the pump once it has read its current line.
func (r *lineReader) Close() { close(r.stop) }

func (r *lineReader) Read(p []byte) (int, error) {
	if len(r.pending) > 0 {
		n := copy(p, r.pending)
		r.pending = r.pending[n:]
		return n, nil
	}
	if r.eof {
		return 0, io.EOF
	}
	select {
	case line, ok := <-r.lines:
		if !ok {
			r.eof = true
			return 0, io.EOF
		}
		r.got++
		n := copy(p, line)
		r.pending = line[n:]
		return n, nil
	case <-r.intr:
		r.interrupted, r.eof = true, true
		return 0, io.EOF
	case <-r.ctx.Done():
		r.interrupted, r.eof = true, true
		return 0, io.EOF
	}
}
