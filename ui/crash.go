package ui

import (
	"fmt"
	"reflect"
	"runtime/debug"

	tea "github.com/charmbracelet/bubbletea"
)

// CrashError is what Run returns when the wizard itself failed (a panic):
// the terminal was restored and the answers were saved as a draft first.
type CrashError struct {
	Value any    // what panicked
	Stack []byte // where
	Draft string // the draft the answers were saved to; "" if drafts are off or saving failed
	Saved error  // why saving failed, if it did
}

func (e *CrashError) Error() string {
	msg := fmt.Sprintf("internal error in the wizard: %v", e.Value)
	switch {
	case e.Draft != "" && e.Saved == nil:
		msg += fmt.Sprintf("; your answers were saved to %s and will be offered the next time", e.Draft)
	case e.Saved != nil:
		msg += fmt.Sprintf("; saving your answers failed too (%v)", e.Saved)
	}
	return msg
}

// crashMsg carries a panic of a command (running on its own goroutine)
// back to the program, which saves the answers and ends.
type crashMsg struct {
	value any
	stack []byte
}

// guard runs cmd with a recover that turns a panic into a crashMsg, and
// guards the commands of the batches and sequences it returns, which
// bubbletea runs on goroutines of its own.
func guard(cmd tea.Cmd) tea.Cmd {
	if cmd == nil {
		return nil
	}
	return func() (msg tea.Msg) {
		defer func() {
			if r := recover(); r != nil {
				msg = crashMsg{value: r, stack: debug.Stack()}
			}
		}()
		msg = cmd()
		if _, _, ok := splitCmds(msg); !ok {
			return msg
		}
		v := reflect.ValueOf(msg)
		out := reflect.MakeSlice(v.Type(), v.Len(), v.Len())
		for i := 0; i < v.Len(); i++ {
			c, _ := v.Index(i).Interface().(tea.Cmd)
			if g := guard(c); g != nil {
				out.Index(i).Set(reflect.ValueOf(g))
			}
		}
		return out.Interface()
	}
}
