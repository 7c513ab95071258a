package factory

import (
	"context"
	"os"
	"os/signal"
	"sync"
)

// Interrupts routes Ctrl+C (SIGINT). By default it cancels the command's
// context: a scripted create or upload stops and exits 130. While the
// accessible wizard runs, whose terminal is cooked so that Ctrl+C is a
// signal rather than a key, it goes to the wizard instead, which cancels
// what is in flight (and returns to the review) or, at a prompt, ends.
type Interrupts struct {
	mu     sync.Mutex
	to     chan struct{}
	cancel context.CancelFunc
}

// WatchInterrupts starts routing SIGINT; stop ends it.
func WatchInterrupts(cancel context.CancelFunc) (i *Interrupts, stop func()) {
	i = &Interrupts{cancel: cancel}
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt)
	done := make(chan struct{})
	go func() {
		for {
			select {
			case <-sig:
				i.deliver()
			case <-done:
				return
			}
		}
	}()
	return i, func() { signal.Stop(sig); close(done) }
}

// Take makes the caller the receiver of interrupts until release; nil
// Interrupts (tests) give a channel nothing is sent on.
func (i *Interrupts) Take() (<-chan struct{}, func()) {
	ch := make(chan struct{}, 1)
	if i == nil {
		return ch, func() {}
	}
	i.mu.Lock()
	i.to = ch
	i.mu.Unlock()
	return ch, func() {
		i.mu.Lock()
		if i.to == ch {
			i.to = nil
		}
		i.mu.Unlock()
	}
}

func (i *Interrupts) deliver() {
	i.mu.Lock()
	to := i.to
	i.mu.Unlock()
	if to == nil {
		i.cancel()
		return
	}
	select {
	case to <- struct{}{}:
	default: // one is already waiting to be read
	}
}
