//go:build !unix

package factory

func stdoutWasClosed() bool { return false }
