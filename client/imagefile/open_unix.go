//go:build unix

package imagefile

import "syscall"

// openNonBlocking makes open(2) of a FIFO return at once instead of waiting
// for a writer; it does nothing to a regular file.
const openNonBlocking = syscall.O_NONBLOCK
