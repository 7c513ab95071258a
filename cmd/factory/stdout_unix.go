//go:build unix

package factory

import (
	"os"
	"syscall"
)

// stdoutWasClosed reports a process started with its stdout closed
// (`ims-wizard … >&-`). The Go runtime then puts /dev/null on the
// descriptor, opened read-write, so every write would succeed and the
// result (an image id) would be lost without a word. A shell redirection to
// /dev/null opens it write-only, so it is not mistaken for this.
func stdoutWasClosed() bool {
	flags, _, errno := syscall.Syscall(syscall.SYS_FCNTL, 1, syscall.F_GETFL, 0)
	if errno != 0 || flags&syscall.O_ACCMODE != syscall.O_RDWR {
		return false
	}
	var out, null syscall.Stat_t
	if syscall.Fstat(1, &out) != nil || syscall.Stat(os.DevNull, &null) != nil {
		return false
	}
	return out.Rdev == null.Rdev && out.Mode&syscall.S_IFMT == syscall.S_IFCHR
}
