package sandbox

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/ims-wizard/ims-wizard/client"
)

// Image statuses (seed document): metadata created, file uploading, usable.
const (
	statusQueued = "queued"
	statusSaving = "saving"
	statusActive = "active"
)

// timeLayout is IMS's UTC timestamp, e.g. "2016-06-02T07:49:48Z".
const timeLayout = "2006-01-02T15:04:05Z"

// recordFormat is the version of an image record on disk; a record of
// another version is set aside, never half-read.
const recordFormat = 1

// image is one stored image: what a state file holds and what a handler
// works on. Handlers get their own copy from the store; changes reach the
// state only through store.update.
type image struct {
	Format          int        `json:"format"`
	ID              string     `json:"id"`
	Seq             uint64     `json:"seq"` // creation order, to sort images created in the same second
	Name            string     `json:"name"`
	OS              osRecord   `json:"os"` // what __os_version resolved to
	ContainerFormat string     `json:"container_format"`
	DiskFormat      string     `json:"disk_format"`
	MinDisk         int64      `json:"min_disk"`
	MinRAM          int64      `json:"min_ram"`
	Tags            []string   `json:"tags"`
	Protected       bool       `json:"protected"`
	Extra           []property `json:"extra"` // Glance's extra properties, in the order sent

	Status    string    `json:"status"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`

	// Known once a file has been uploaded.
	Uploaded bool   `json:"uploaded"`
	Checksum string `json:"checksum,omitempty"` // hex MD5
	Size     int64  `json:"size,omitempty"`
}

// osRecord is the catalogue entry an image's __os_version resolved to,
// kept with the image so that a later catalogue change does not rewrite it.
type osRecord struct {
	Version  string `json:"version"`
	Platform string `json:"platform"`
	Type     string `json:"type"`
	Bits     int    `json:"bits"`
}

func osRecordOf(v client.OSVersion) osRecord {
	return osRecord{Version: v.Version, Platform: v.Platform, Type: v.Type, Bits: v.Bits}
}

// property is an extra (non-IMS) top-level field, which Glance stores and
// returns as is.
type property struct {
	Key   string `json:"k"`
	Value string `json:"v"`
}

// clone is a deep copy, so a handler's changes never leak into the store.
func (img *image) clone() *image {
	c := *img
	c.Tags = slices.Clone(img.Tags)
	c.Extra = slices.Clone(img.Extra)
	return &c
}

// extra returns the value of an extra property.
func (img *image) extra(key string) (string, bool) {
	for _, p := range img.Extra {
		if p.Key == key {
			return p.Value, true
		}
	}
	return "", false
}

// setExtra adds or replaces an extra property, keeping its first position.
func (img *image) setExtra(key, value string) {
	for i := range img.Extra {
		if img.Extra[i].Key == key {
			img.Extra[i].Value = value
			return
		}
	}
	img.Extra = append(img.Extra, property{key, value})
}

func (img *image) removeExtra(key string) bool {
	for i := range img.Extra {
		if img.Extra[i].Key == key {
			img.Extra = slices.Delete(img.Extra, i, i+1)
			return true
		}
	}
	return false
}

// virtualEnvType is what IMS derives from the format: an ISO becomes an ISO
// image, anything else an ECS system-disk image.
func (img *image) virtualEnvType() string {
	if img.DiskFormat == "iso" {
		return "IsoImage"
	}
	return "FusionCompute"
}

// render is the image as IMS answers it, keys in the order of the seed's
// example response; checksum and size appear once a file is uploaded, and
// extra properties come last.
func (img *image) render(owner string) object {
	self := "/v2/images/" + img.ID
	tags := img.Tags
	if tags == nil {
		tags = []string{} // IMS answers [], never null
	}
	o := object{
		{"schema", "/v2/schemas/image"},
		{"min_disk", img.MinDisk},
		{"created_at", formatTime(img.CreatedAt)},
		{"__image_source_type", "uds"},
		{"container_format", img.ContainerFormat},
		{"__image_size", strconv.FormatInt(img.Size, 10)}, // a string in IMS's answers
		{"file", self + "/file"},
		{"updated_at", formatTime(img.UpdatedAt)},
		{"protected", img.Protected},
		{"id", img.ID},
		{"__isregistered", "true"},
		{"min_ram", img.MinRAM},
		{"owner", owner},
		{"__os_type", img.OS.Type},
		{"__imagetype", "private"},
		{"visibility", client.DefaultVisibility},
		{"virtual_env_type", img.virtualEnvType()},
		{"tags", tags},
		{"__platform", img.OS.Platform},
		{"__os_bit", strconv.Itoa(img.OS.Bits)},
		{"__os_version", img.OS.Version},
		{"name", img.Name},
		{"self", self},
		{"disk_format", img.DiskFormat},
		{"status", img.Status},
	}
	if img.Uploaded {
		o = append(o,
			member{"checksum", img.Checksum},
			member{"size", img.Size},
			member{"virtual_size", nil},
		)
	}
	for _, p := range img.Extra {
		o = append(o, member{p.Key, p.Value})
	}
	return o
}

func formatTime(t time.Time) string { return t.UTC().Format(timeLayout) }

// resolveOSVersion is the catalogue entry IMS records: the named one, or
// IMS's fallback when none is given (Linux/Other/64 even if a custom
// catalogue lacks it). version has passed validation, so it is known.
func resolveOSVersion(cat *client.Catalog, version string) osRecord {
	if v, ok := cat.Lookup(version); ok {
		return osRecordOf(v)
	}
	if v, ok := cat.Lookup(client.FallbackOSVersion); ok {
		return osRecordOf(v)
	}
	return osRecord{Platform: "Other", Type: "Linux", Bits: 64, Version: client.FallbackOSVersion}
}

// newUUID is a random (version 4) UUID, the form of IMS image ids.
func newUUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // never fails since Go 1.24
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// newRequestID is 32 hex digits, the form of Huawei's X-Request-Id.
func newRequestID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}
