package client

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"time"
)

// OSListMaxAge is how long a cached live list is used: IMS adds values
// rarely, and `ims-wizard os-versions --refresh` renews it at once.
const OSListMaxAge = 24 * time.Hour

// maxCacheFile bounds what is read from the cache: a list of a few hundred
// values is some tens of KiB.
const maxCacheFile = 4 << 20

// cacheFormat is the cache file's layout version; another one is ignored.
const cacheFormat = 1

// clockSlack is how far in the future a cached list's time may be (clocks
// move) before the file is taken as damaged.
const clockSlack = 5 * time.Minute

// OSListCache keeps each target's live OS list on disk, one file per
// endpoint (keyed by CacheKey, so never by credentials), for OSListMaxAge.
// Files are written atomically and read only when they are regular files
// of bounded size; a damaged one is ignored and rewritten.
type OSListCache struct {
	Dir    string           // "" disables the cache
	MaxAge time.Duration    // 0 means OSListMaxAge
	Now    func() time.Time // nil means time.Now
}

type cacheFile struct {
	Format   int           `json:"format"`
	Endpoint string        `json:"endpoint"`
	ReadAt   time.Time     `json:"read_at"`
	Versions []cachedEntry `json:"versions"`
}

type cachedEntry struct {
	Platform string `json:"platform"`
	Type     string `json:"os_type"`
	Bits     int    `json:"os_bit"`
	Version  string `json:"os_version"`
	Arch     string `json:"arch"`
}

func (c OSListCache) now() time.Time {
	if c.Now == nil {
		return time.Now()
	}
	return c.Now()
}

// Path is the cache file of endpoint.
func (c OSListCache) Path(endpoint string) string {
	sum := sha256.Sum256([]byte(CacheKey(endpoint)))
	return filepath.Join(c.Dir, "os-versions-"+hex.EncodeToString(sum[:8])+".json")
}

// Load returns endpoint's cached live list while it is fresh; nil and no
// error when there is none or it is too old; an error when the file is
// damaged or not a plain file.
func (c OSListCache) Load(endpoint string) (*Catalog, error) {
	if c.Dir == "" {
		return nil, nil
	}
	endpoint = CacheKey(endpoint)
	data, err := readBounded(c.Path(endpoint), maxCacheFile)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var f cacheFile
	if err := json.Unmarshal(data, &f); err != nil {
		return nil, fmt.Errorf("OS list cache %s: %w", c.Path(endpoint), err)
	}
	now := c.now()
	switch {
	case f.Format != cacheFormat || f.Endpoint != endpoint || len(f.Versions) == 0 || f.ReadAt.IsZero():
		return nil, fmt.Errorf("OS list cache %s: not a cached list of %s", c.Path(endpoint), endpoint)
	case f.ReadAt.After(now.Add(clockSlack)):
		return nil, fmt.Errorf("OS list cache %s: read in the future (%s)", c.Path(endpoint), f.ReadAt)
	}
	maxAge := c.MaxAge
	if maxAge <= 0 {
		maxAge = OSListMaxAge
	}
	if now.Sub(f.ReadAt) >= maxAge {
		return nil, nil
	}
	vs := make([]OSVersion, len(f.Versions))
	for i, e := range f.Versions {
		if NormalizeOSVersion(e.Version) == "" || (e.Arch != ArchX86 && e.Arch != ArchArm) {
			return nil, fmt.Errorf("OS list cache %s: entry %d is damaged", c.Path(endpoint), i+1)
		}
		vs[i] = OSVersion{Platform: e.Platform, Type: e.Type, Bits: e.Bits, Version: e.Version, Arch: e.Arch,
			Evidence: EvidenceLiveList, Source: endpoint}
	}
	cat := NewCatalog(vs)
	cat.Source = CatalogSource{Origin: OriginLive, Endpoint: endpoint, ReadAt: f.ReadAt, Cached: true}
	return cat, nil
}

// Store writes a live list to its endpoint's file, atomically: a reader
// sees the old file or the new one, never half of one.
func (c OSListCache) Store(cat *Catalog) error {
	if c.Dir == "" || cat.Source.Origin != OriginLive {
		return nil
	}
	f := cacheFile{Format: cacheFormat, Endpoint: CacheKey(cat.Source.Endpoint), ReadAt: cat.Source.ReadAt.UTC()}
	for _, v := range cat.Versions {
		f.Versions = append(f.Versions, cachedEntry{v.Platform, v.Type, v.Bits, v.Version, v.Arch})
	}
	data, err := json.Marshal(f)
	if err != nil {
		return err
	}
	if len(data) > maxCacheFile {
		return fmt.Errorf("OS list of %s is too large to cache (%d bytes)", f.Endpoint, len(data))
	}
	if err := os.MkdirAll(c.Dir, 0o700); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(c.Dir, ".os-versions-*.tmp")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // after the rename, nothing is left to remove
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), c.Path(f.Endpoint))
}

// readBounded reads a regular file of at most limit bytes. The file opened
// must be the one examined (no symlink, no swap in between), so a link
// planted in the cache directory is not followed.
func readBounded(path string, limit int64) ([]byte, error) {
	before, err := os.Lstat(path)
	if err != nil {
		return nil, err
	}
	if !before.Mode().IsRegular() {
		return nil, fmt.Errorf("%s is not a regular file", path)
	}
	if before.Size() > limit {
		return nil, fmt.Errorf("%s is larger than %d bytes", path, limit)
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	opened, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !os.SameFile(before, opened) {
		return nil, fmt.Errorf("%s changed while being opened", path)
	}
	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("%s is larger than %d bytes", path, limit)
	}
	return data, nil
}
