package sandbox

import (
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
			})
		}
		groups = append(groups, g)
	}
	return groups
}
