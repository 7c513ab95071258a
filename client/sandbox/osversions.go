package sandbox

import (
	"net/http"
	"slices"
	"strings"

	"github.com/ims-wizard/ims-wizard/client"
)

// osVersionGroup is one platform of GET /v1/cloudimages/os_version.
type osVersionGroup struct {
	Platform    string           `json:"platform"`
	VersionList []osVersionEntry `json:"version_list"`
}

type osVersionEntry struct {
	Platform string `json:"platform"`
	Key      string `json:"os_version_key"`
	Version  string `json:"os_version"`
	Bits     int    `json:"os_bit"`
	Type     string `json:"os_type"`
	arch     string // for ?tag=x86|arm; IMS does not show it
}

// groupOSVersions lists the whole catalogue by platform, Windows included:
// the real API lists it, and the client is the one that refuses it.
func groupOSVersions(cat *client.Catalog) []osVersionGroup {
	groups := []osVersionGroup{}
	for _, platform := range cat.Platforms() {
		g := osVersionGroup{Platform: platform}
		for _, v := range cat.ByPlatform(platform) {
			g.VersionList = append(g.VersionList, osVersionEntry{
				Platform: v.Platform,
				Key:      strings.ReplaceAll(v.Version, " ", "_"),
				Version:  v.Version,
				Bits:     v.Bits,
				Type:     v.Type,
				arch:     v.Arch,
			})
		}
		groups = append(groups, g)
	}
	return groups
}

// osVersionTags are the values of ?tag= and the architecture each keeps;
// "" keeps none. The catalogue records no BMS or UEFI support, so those
// lists are empty rather than a guess. Several tags narrow together, as
// IMS's example ?tag=kvm&tag=uefi suggests; an unknown tag is refused, so
// that a typo does not pass for "everything".
var osVersionTags = map[string]string{"x86": client.ArchX86, "arm": client.ArchArm, "bms": "", "uefi": ""}

// handleOSVersions is GET /v1/cloudimages/os_version[?tag=…].
func (s *Server) handleOSVersions(w http.ResponseWriter, r *http.Request) {
	tags := r.URL.Query()["tag"]
	for _, t := range tags {
		if _, ok := osVersionTags[t]; !ok {
			writeError(w, badRequest("tag %q is not one of arm, x86, bms, uefi", t))
			return
		}
	}
	if len(tags) == 0 {
		writeJSON(w, http.StatusOK, s.osVersions)
		return
	}
	groups := []osVersionGroup{}
	for _, g := range s.osVersions {
		kept := osVersionGroup{Platform: g.Platform}
		for _, v := range g.VersionList {
			if !slices.ContainsFunc(tags, func(t string) bool { return osVersionTags[t] != v.arch }) {
				kept.VersionList = append(kept.VersionList, v)
			}
		}
		if len(kept.VersionList) > 0 {
			groups = append(groups, kept)
		}
	}
	writeJSON(w, http.StatusOK, groups)
}
