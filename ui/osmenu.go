package ui

import (
	"fmt"
	"sort"
	"strings"

	"github.com/ims-wizard/ims-wizard/client"
	"github.com/ims-wizard/ims-wizard/client/l10n"
)

// osMenu is the catalogue arranged for the two OS pickers: platforms first
// (popular ones first, "Other" last, Windows left out), then the versions of
// one platform. Built once per catalogue: the pickers only read it.
type osMenu struct {
	platforms []platformEntry
	byName    map[string]int
	windows   int // Windows versions left out
}

type platformEntry struct {
	name     string
	label    string
	versions []client.OSVersion
	labels   []string // version labels, aligned
}

// platformFirst are shown first when the catalogue has them, in this order;
// the rest keep catalogue order and "Other" comes last.
var platformFirst = []string{"Ubuntu", "CentOS", "EulerOS", "openEuler", "Debian"}

const otherPlatform = "Other"

func newOSMenu(cat *client.Catalog, loc *l10n.Localizer) *osMenu {
	m := &osMenu{byName: map[string]int{}}
	groups := map[string][]client.OSVersion{}
	var order []string
	for _, v := range cat.Versions { // one pass: groups in first-seen order
		if client.IsWindows(v) {
			m.windows++
			continue
		}
		if _, seen := groups[v.Platform]; !seen {
			order = append(order, v.Platform)
		}
		groups[v.Platform] = append(groups[v.Platform], v)
	}
	rank := func(p string) int {
		for i, f := range platformFirst {
			if strings.EqualFold(p, f) {
				return i
			}
		}
		if strings.EqualFold(p, otherPlatform) {
			return len(platformFirst) + 2
		}
		return len(platformFirst) + 1
	}
	sort.SliceStable(order, func(i, j int) bool { return rank(order[i]) < rank(order[j]) })

	nameW := 0
	for _, p := range order {
		nameW = max(nameW, len([]rune(p)))
	}
	for _, p := range order {
		vs := groups[p]
		e := platformEntry{name: p, versions: vs}
		e.label = fmt.Sprintf("%-*s  %s · %s · %s", nameW, client.Inert(p), client.Inert(typesOf(vs)), bitsOf(vs),
			loc.T("ui.os.versions", l10n.Args{"Count": len(vs)}))
		w := 0
		for _, v := range vs {
			w = max(w, len([]rune(v.Version)))
		}
		for _, v := range vs {
			// Labels are drawn: the server's strings are made inert (the
			// live list comes from the network).
			e.labels = append(e.labels, fmt.Sprintf("%-*s  %s · %d-bit", w, client.Inert(v.Version), client.Inert(v.Type), v.Bits))
		}
		m.byName[p] = len(m.platforms)
		m.platforms = append(m.platforms, e)
	}
	return m
}

// platform returns the entry of a platform name, if offered.
func (m *osMenu) platform(name string) (platformEntry, bool) {
	i, ok := m.byName[name]
	if !ok {
		return platformEntry{}, false
	}
	return m.platforms[i], true
}

// defaultPlatform is the one preselected when nothing was given.
func (m *osMenu) defaultPlatform() string {
	if len(m.platforms) == 0 {
		return ""
	}
	return m.platforms[0].name
}

// has reports whether version belongs to platform's offered versions.
func (e platformEntry) has(version string) bool {
	for _, v := range e.versions {
		if v.Version == version {
			return true
		}
	}
	return false
}

func typesOf(vs []client.OSVersion) string {
	var out []string
	seen := map[string]bool{}
	for _, v := range vs {
		if !seen[v.Type] {
			seen[v.Type] = true
			out = append(out, v.Type)
		}
	}
	return strings.Join(out, "/")
}

func bitsOf(vs []client.OSVersion) string {
	has := map[int]bool{}
	for _, v := range vs {
		has[v.Bits] = true
	}
	var bits []int
	for b := range has {
		bits = append(bits, b)
	}
	sort.Ints(bits)
	parts := make([]string, len(bits))
	for i, b := range bits {
		parts[i] = fmt.Sprint(b)
	}
	return strings.Join(parts, "/") + "-bit"
}
