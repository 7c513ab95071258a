//go:build unix

package localfile

import "syscall"

// nonBlock makes open(2) of a FIFO return at once instead of waiting for a
// writer; it changes nothing for a regular file.
const nonBlock = syscall.O_NONBLOCK
