//go:build !unix

package imagefile

// openNonBlocking: no FIFOs to block on here.
const openNonBlocking = 0
