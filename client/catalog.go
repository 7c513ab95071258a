package client

import (
	_ "embed"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
)

// OSVersion is one value IMS accepts for __os_version, with what IMS derives
// from it (__platform, __os_type, __os_bit), the architecture it is for and
// the evidence that IMS takes it.
type OSVersion struct {
	Platform string `json:"platform"`
	Type     string `json:"os_type"`
	Bits     int    `json:"os_bit"`
	Version  string `json:"os_version"`
	Arch     string `json:"arch"`               // ArchX86 or ArchArm
	Evidence string `json:"evidence,omitempty"` // one of the Evidence* levels
	Source   string `json:"source,omitempty"`   // where the evidence is, or the endpoint that listed it
}

// Architectures, as IMS's os_version list separates them (tag=x86, tag=arm).
const (
	ArchX86 = "x86_64"
	ArchArm = "aarch64" // Kunpeng
)

// Arches are the architectures in the order they are offered.
var Arches = []string{ArchX86, ArchArm}

// ParseArch reads an architecture as people write it: x86_64 (x86, amd64,
// x64) or aarch64 (arm, arm64, kunpeng), in any case.
func ParseArch(s string) (string, bool) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "x86_64", "x86-64", "x86", "amd64", "x64":
		return ArchX86, true
	case "aarch64", "arm", "arm64", "kunpeng":
		return ArchArm, true
	}
	return "", false
}

// Evidence levels: why the tool believes IMS accepts a value, strongest
// first. Only the first is Huawei's own word; the since-2022 file says what
// each of the others means (os-versions-since-2022.tsv).
const (
	EvidenceAPIReference = "huawei-api-reference" // Huawei's 2022 __os_version table
	EvidenceAPITest      = "api-test"             // sent by Huawei's own Terraform acceptance tests
	EvidencePeerAPIDoc   = "peer-api-doc"         // Open Telekom Cloud's __os_version table
	EvidenceImageName    = "image-name"           // a Huawei Cloud public image's name
	EvidencePeerDoc      = "peer-doc"             // a supported-OS table; exact spelling inferred
	EvidenceLiveList     = "live-list"            // listed by the target's GET /v1/cloudimages/os_version
)

var weakEvidence = map[string]bool{EvidenceAPITest: true, EvidencePeerAPIDoc: true, EvidenceImageName: true, EvidencePeerDoc: true}

// WeakEvidence reports a value that neither Huawei's API reference nor the
// target's live list vouches for: a guess from the best sources there are.
func (v OSVersion) WeakEvidence() bool { return weakEvidence[v.Evidence] }

// FallbackOSVersion is what IMS records when __os_version is omitted.
const FallbackOSVersion = "Other Linux(64 bit)"

// The embedded catalogue is two files: Huawei's 2022 table exactly as
// published (four columns, no architecture: every row of it is an x86 value,
// which TestTable2022IsAllX86 checks), and the values of later releases with
// their architecture, evidence and source.
var (
	//go:embed os-versions.tsv
	table2022 string
	//go:embed os-versions-since-2022.tsv
	tableSince2022 string
)

// source2022 is where the 2022 table's rows come from (its header says more).
const source2022 = "Huawei IMS API reference, 'Values of Related Parameters' (2022): huaweicloudDocs/ims, cn.zh-cn/API参考/相关参数取值列表.md"

var (
	header2022      = []string{"platform", "os_type", "os_bit", "os_version"}
	headerSince2022 = []string{"platform", "os_type", "os_bit", "os_version", "arch", "evidence", "source"}
)

// Catalog is a list of OS versions with lookups by normalised name, and
// where the list came from.
type Catalog struct {
	Versions []OSVersion
	Source   CatalogSource
	byKey    map[string]int // normalised version -> its first entry
}

// EmbeddedCatalog returns the catalogue shipped with the binary: Huawei's
// 2022 table, then the values of later releases. It is parsed once: the
// files are part of the source, so a parse error is a build error
// (TestEmbeddedCatalogParses).
func EmbeddedCatalog() *Catalog { return embedded }

var embedded = mustEmbeddedCatalog()

func mustEmbeddedCatalog() *Catalog {
	c, err := parseEmbedded(table2022, tableSince2022)
	if err != nil {
		panic("embedded OS catalogue: " + err.Error())
	}
	return c
}

func parseEmbedded(t2022, since string) (*Catalog, error) {
	old, err := parseTSV(t2022, header2022, OSVersion{Arch: ArchX86, Evidence: EvidenceAPIReference, Source: source2022})
	if err != nil {
		return nil, fmt.Errorf("os-versions.tsv: %w", err)
	}
	newer, err := parseTSV(since, headerSince2022, OSVersion{})
	if err != nil {
		return nil, fmt.Errorf("os-versions-since-2022.tsv: %w", err)
	}
	all := append(old, newer...)
	seen := map[string]int{}
	for i, v := range all {
		k := NormalizeOSVersion(v.Version)
		if j, dup := seen[k]; dup {
			return nil, fmt.Errorf("%q is listed twice (rows %d and %d of the merged table)", v.Version, j+1, i+1)
		}
		seen[k] = i
	}
	c := NewCatalog(all)
	c.Source = CatalogSource{Origin: OriginEmbedded}
	return c, nil
}

// ParseCatalogTSV reads a catalogue in the 2022 table's format: a header
// "platform, os_type, os_bit, os_version" (tab-separated), then one row per
// value; lines starting with # are comments. Its values are taken as x86.
func ParseCatalogTSV(tsv string) (*Catalog, error) {
	vs, err := parseTSV(tsv, header2022, OSVersion{Arch: ArchX86})
	if err != nil {
		return nil, err
	}
	return NewCatalog(vs), nil
}

// parseTSV reads rows under exactly the given header, strictly: every
// field present and without stray spaces, os_bit 32 or 64, known
// architectures and evidence levels. Columns the header lacks take their
// value from defaults.
func parseTSV(tsv string, header []string, defaults OSVersion) ([]OSVersion, error) {
	var out []OSVersion
	sawHeader := false
	for i, line := range strings.Split(tsv, "\n") {
		n := i + 1
		line = strings.TrimSuffix(line, "\r")
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		cols := strings.Split(line, "\t")
		if !sawHeader {
			if strings.Join(cols, "\t") != strings.Join(header, "\t") {
				return nil, fmt.Errorf("line %d: want the header %q, got %q", n, strings.Join(header, " "), strings.Join(cols, " "))
			}
			sawHeader = true
			continue
		}
		if len(cols) != len(header) {
			return nil, fmt.Errorf("line %d: want %d tab-separated columns, got %d", n, len(header), len(cols))
		}
		v := defaults
		for j, name := range header {
			val := cols[j]
			if val == "" || strings.TrimSpace(val) != val {
				return nil, fmt.Errorf("line %d: %s %q is empty or has stray spaces", n, name, val)
			}
			switch name {
			case "platform":
				v.Platform = val
			case "os_type":
				v.Type = val
			case "os_bit":
				bits, err := strconv.Atoi(val)
				if err != nil || (bits != 32 && bits != 64) {
					return nil, fmt.Errorf("line %d: os_bit %q is not 32 or 64", n, val)
				}
				v.Bits = bits
			case "os_version":
				if NormalizeOSVersion(val) != val {
					return nil, fmt.Errorf("line %d: os_version %q has runs of spaces", n, val)
				}
				v.Version = val
			case "arch":
				if val != ArchX86 && val != ArchArm {
					return nil, fmt.Errorf("line %d: arch %q is not %s or %s", n, val, ArchX86, ArchArm)
				}
				v.Arch = val
			case "evidence":
				if !weakEvidence[val] && val != EvidenceAPIReference {
					return nil, fmt.Errorf("line %d: evidence %q is not a known level", n, val)
				}
				v.Evidence = val
			case "source":
				v.Source = val
			}
		}
		out = append(out, v)
	}
	if !sawHeader {
		return nil, fmt.Errorf("no header %q", strings.Join(header, " "))
	}
	return out, nil
}

// NewCatalog indexes versions (an empty Arch is x86). A value listed for
// two architectures is kept once per architecture; a repeat within one
// architecture is dropped. The catalogue's Source is left to the caller.
func NewCatalog(versions []OSVersion) *Catalog {
	c := &Catalog{byKey: make(map[string]int, len(versions))}
	seen := make(map[[2]string]bool, len(versions))
	for _, v := range versions {
		if v.Arch == "" {
			v.Arch = ArchX86
		}
		k := NormalizeOSVersion(v.Version)
		if seen[[2]string{k, v.Arch}] {
			continue
		}
		seen[[2]string{k, v.Arch}] = true
		if _, ok := c.byKey[k]; !ok {
			c.byKey[k] = len(c.Versions)
		}
		c.Versions = append(c.Versions, v)
	}
	return c
}

// NormalizeOSVersion trims and collapses runs of whitespace, so that
// "Ubuntu  14.04 server 64bit " matches the catalogue entry. It is the one
// rule for every front end: flags, the wizard, drafts (client.Input) and
// the sandbox (through Validate and Lookup).
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

// Arches lists the architectures the catalogue has values for, x86 first.
func (c *Catalog) Arches() []string {
	var out []string
	for _, a := range Arches {
		for _, v := range c.Versions {
			if v.Arch == a {
				out = append(out, a)
				break
			}
		}
	}
	return out
}

// ForArch is the catalogue of one architecture's values, from the same
// source: what the wizard offers once the architecture is chosen, and what
// its suggestions come from.
func (c *Catalog) ForArch(arch string) *Catalog {
	var vs []OSVersion
	for _, v := range c.Versions {
		if v.Arch == arch {
			vs = append(vs, v)
		}
	}
	sub := NewCatalog(vs)
	sub.Source = c.Source
	return sub
}

// maxSuggestInput bounds the text "did you mean" looks at: an OS version
// is a few dozen characters, and a pasted megabyte must not cost more.
const maxSuggestInput = 256

// Suggest returns up to n catalogue names closest to s, for "did you mean":
// those sharing the most of its words, the nearest in spelling first
// (so "Ubuntu 23.04 server 64bit" suggests 22.04 and 24.04, not 19.04).
func (c *Catalog) Suggest(s string, n int) []string {
	s = cut(s, maxSuggestInput)
	words := strings.Fields(strings.ToLower(s))
	type scored struct {
		name        string
		score, dist int
	}
	var all []scored
	seen := map[string]bool{}
	for _, v := range c.Versions {
		if IsWindows(v) || seen[v.Version] {
			continue
		}
		seen[v.Version] = true
		lv := strings.ToLower(v.Version)
		score := 0
		for _, w := range words {
			if strings.Contains(lv, w) {
				score += len(w)
			}
		}
		if score > 0 {
			all = append(all, scored{v.Version, score, editDistance(NormalizeOSVersion(s), v.Version)})
		}
	}
	sort.SliceStable(all, func(i, j int) bool {
		if all[i].score != all[j].score {
			return all[i].score > all[j].score
		}
		return all[i].dist < all[j].dist
	})
	var out []string
	for i := 0; i < len(all) && i < n; i++ {
		out = append(out, all[i].name)
	}
	return out
}

// editDistance is the Levenshtein distance in runes. Written here (a dozen
// lines, inputs bounded by maxSuggestInput) rather than taken from a
// library for one tie-break.
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}

// cut keeps the first n runes of s.
func cut(s string, n int) string {
	i := 0
	for pos := range s {
		if i == n {
			return s[:pos]
		}
		i++
	}
	return s
}

// IsWindows reports a Windows version, which IMS no longer accepts here.
func IsWindows(v OSVersion) bool {
	return strings.EqualFold(v.Type, "Windows") || strings.HasPrefix(strings.ToLower(v.Version), "windows")
}

// NewestFirst is the catalogue in the order people look for a release:
// platforms as the catalogue first lists them, x86 before Arm, and within
// those the newest release first (by the numbers of its name: Ubuntu 24.04
// before 22.04 before 19.04). The catalogue's own order is its source's
// (the 2022 table, then later values), which puts 19.04 before 24.04.
func (c *Catalog) NewestFirst() *Catalog {
	rank := map[string]int{}
	for i, p := range c.Platforms() {
		rank[p] = i
	}
	vs := slices.Clone(c.Versions)
	slices.SortStableFunc(vs, func(a, b OSVersion) int {
		if d := rank[a.Platform] - rank[b.Platform]; d != 0 {
			return d
		}
		if a.Arch != b.Arch {
			return slices.Index(Arches, a.Arch) - slices.Index(Arches, b.Arch)
		}
		return -compareRelease(releaseNumbers(a.Version), releaseNumbers(b.Version))
	})
	sorted := NewCatalog(vs)
	sorted.Source = c.Source
	return sorted
}

var (
	bitsSuffix = regexp.MustCompile(`\(?\b(32|64) ?bit\)?`)
	number     = regexp.MustCompile(`\d+`)
)

// releaseNumbers are the numbers of a version's name, its bits left out:
// "Ubuntu 18.04.2 server 64bit" is 18, 4, 2.
func releaseNumbers(version string) []int {
	var out []int
	for _, s := range number.FindAllString(bitsSuffix.ReplaceAllString(version, ""), -1) {
		n, _ := strconv.Atoi(s)
		out = append(out, n)
	}
	return out
}

// compareRelease orders release numbers; of two where one extends the
// other, the longer is the later (18.04.2 after 18.04).
func compareRelease(a, b []int) int {
	for i := 0; i < len(a) && i < len(b); i++ {
		if a[i] != b[i] {
			return a[i] - b[i]
		}
	}
	return len(a) - len(b)
}
