// Package clienttest holds helpers for the tests of packages that use the
// client: real files to upload, made the same way everywhere.
package clienttest

import (
	"crypto/md5"
	"encoding/hex"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
)

// RandomFile writes size pseudo-random bytes (seeded by size, so a test
// is repeatable) to dir/name and returns its path and hex MD5.
func RandomFile(t testing.TB, dir, name string, size int64) (path, md5hex string) {
	t.Helper()
	path = filepath.Join(dir, name)
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	h := md5.New()
	seed := [32]byte{byte(size), byte(size >> 8), byte(size >> 16), 7}
	if _, err := io.Copy(io.MultiWriter(f, h), io.LimitReader(rand.NewChaCha8(seed), size)); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	return path, hex.EncodeToString(h.Sum(nil))
}
