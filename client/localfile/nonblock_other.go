//go:build !unix

package localfile

// nonBlock is unix's O_NONBLOCK; elsewhere FIFOs do not block open.
const nonBlock = 0
