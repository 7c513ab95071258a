package client

import (
	_ "embed"
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// OSVersion is one value IMS accepts for __os_version, with what IMS derives
// from it (__platform, __os_type, __os_bit).
type OSVersion struct {
	Platform string `json:"platform"`
	Type     string `json:"os_type"`
	Bits     int    `json:"os_bit"`
	Version  string `json:"os_version"`
}

// FallbackOSVersion is what IMS records when __os_version is omitted.
const FallbackOSVersion = "Other Linux(64 bit)"

//go:embed os-versions.tsv
var embeddedCatalog string

// Catalog is a list of OS versions with lookups by normalised name.
type Catalog struct {
	Versions []OSVersion
	byKey    map[string]int
}

// EmbeddedCatalog returns the documented __os_version table shipped with the
// binary; it is parsed once because the TSV is part of the source.
func EmbeddedCatalog() *Catalog { return embedded }

var embedded = mustParseCatalog(embeddedCatalog)

func mustParseCatalog(tsv string) *Catalog {
	c, err := ParseCatalogTSV(tsv)
	if err != nil {
		panic("embedded os-versions.tsv: " + err.Error())
	}
	return c
}

// ParseCatalogTSV reads "platform, os_type, os_bit, os_version" rows; lines
// starting with # and the header row are skipped.
func ParseCatalogTSV(tsv string) (*Catalog, error) {
	var versions []OSVersion
	for i, line := range strings.Split(tsv, "\n") {
		line = strings.TrimRight(line, "\r")
		if line == "" || strings.HasPrefix(line, "#") || strings.HasPrefix(line, "platform\t") {
			continue
		}
		cols := strings.Split(line, "\t")
		if len(cols) != 4 {
			return nil, fmt.Errorf("line %d: want 4 tab-separated columns, got %d", i+1, len(cols))
		}
		bits, err := strconv.Atoi(cols[2])
		if err != nil {
			return nil, fmt.Errorf("line %d: os_bit %q is not a number", i+1, cols[2])
		}
		versions = append(versions, OSVersion{Platform: cols[0], Type: cols[1], Bits: bits, Version: cols[3]})
	}
	return NewCatalog(versions), nil
}

// NewCatalog indexes versions; later duplicates of a name are ignored.
func NewCatalog(versions []OSVersion) *Catalog {
	c := &Catalog{byKey: make(map[string]int, len(versions))}
	for _, v := range versions {
		k := NormalizeOSVersion(v.Version)
		if _, dup := c.byKey[k]; dup {
			continue
		}
		c.byKey[k] = len(c.Versions)
		c.Versions = append(c.Versions, v)
	}
	return c
}

// NormalizeOSVersion trims and collapses runs of whitespace, so that
// "Ubuntu  14.04 server 64bit " matches the catalogue entry.
func NormalizeOSVersion(s string) string { return strings.Join(strings.Fields(s), " ") }

// Lookup finds a version by its whitespace-normalised exact name.
func (c *Catalog) Lookup(version string) (OSVersion, bool) {
	i, ok := c.byKey[NormalizeOSVersion(version)]
	if !ok {
		return OSVersion{}, false
	}
	return c.Versions[i], true
}

// Platforms lists the platforms in catalogue order (first appearance).
func (c *Catalog) Platforms() []string {
	seen := map[string]bool{}
	var out []string
	for _, v := range c.Versions {
		if !seen[v.Platform] {
			seen[v.Platform] = true
			out = append(out, v.Platform)
		}
	}
	return out
}

// ByPlatform lists the versions of one platform in catalogue order.
func (c *Catalog) ByPlatform(platform string) []OSVersion {
	var out []OSVersion
	for _, v := range c.Versions {
		if v.Platform == platform {
			out = append(out, v)
		}
	}
	return out
}

// Suggest returns up to n catalogue names closest to s, for "did you mean".
func (c *Catalog) Suggest(s string, n int) []string {
	words := strings.Fields(strings.ToLower(s))
	type scored struct {
		name  string
		score int
	}
	var all []scored
	for _, v := range c.Versions {
		if IsWindows(v) {
			continue
		}
		lv := strings.ToLower(v.Version)
		score := 0
		for _, w := range words {
			if strings.Contains(lv, w) {
				score += len(w)
			}
		}
		if score > 0 {
			all = append(all, scored{v.Version, score})
		}
	}
	sort.SliceStable(all, func(i, j int) bool { return all[i].score > all[j].score })
	var out []string
	for i := 0; i < len(all) && i < n; i++ {
		out = append(out, all[i].name)
	}
	return out
}

// IsWindows reports a Windows version, which IMS no longer accepts here.
func IsWindows(v OSVersion) bool {
	return strings.EqualFold(v.Type, "Windows") || strings.HasPrefix(strings.ToLower(v.Version), "windows")
}
