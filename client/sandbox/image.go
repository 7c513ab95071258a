package sandbox

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
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

// image is one stored image. Every field is guarded by Server.mu.
type image struct {
	id              string
	seq             uint64
	name            string
	os              client.OSVersion // what __os_version resolved to
	containerFormat string
	diskFormat      string
	minDisk         int64
	minRAM          int64
	tags            []string
	protected       bool
	extra           []property // Glance's extra properties, in the order sent

	status    string
	createdAt time.Time
	updatedAt time.Time

	// Known once a file has been uploaded.
	uploaded bool
	checksum string // hex MD5
	size     int64
}

// property is an extra (non-IMS) top-level field, which Glance stores and
// returns as is.
type property struct {
	key, value string
}

// virtualEnvType is what IMS derives from the format: an ISO becomes an ISO
// image, anything else an ECS system-disk image.
func (img *image) virtualEnvType() string {
	if img.diskFormat == "iso" {
		return "IsoImage"
	}
	return "FusionCompute"
}

// render is the image as IMS answers it, keys in the order of the seed's
// example response; checksum and size appear once a file is uploaded, and
// extra properties come last.
func (img *image) render(owner string) object {
	self := "/v2/images/" + img.id
	tags := img.tags
	if tags == nil {
		tags = []string{} // IMS answers [], never null
	}
	o := object{
		{"schema", "/v2/schemas/image"},
		{"min_disk", img.minDisk},
		{"created_at", img.createdAt.UTC().Format(timeLayout)},
		{"__image_source_type", "uds"},
		{"container_format", img.containerFormat},
		{"__image_size", strconv.FormatInt(img.size, 10)}, // a string in IMS's answers
		{"file", self + "/file"},
		{"updated_at", img.updatedAt.UTC().Format(timeLayout)},
		{"protected", img.protected},
		{"id", img.id},
		{"__isregistered", "true"},
		{"min_ram", img.minRAM},
		{"owner", owner},
		{"__os_type", img.os.Type},
		{"__imagetype", "private"},
		{"visibility", client.DefaultVisibility},
		{"virtual_env_type", img.virtualEnvType()},
		{"tags", tags},
		{"__platform", img.os.Platform},
		{"__os_bit", strconv.Itoa(img.os.Bits)},
		{"__os_version", img.os.Version},
		{"name", img.name},
		{"self", self},
		{"disk_format", img.diskFormat},
		{"status", img.status},
	}
	if img.uploaded {
		o = append(o,
			member{"checksum", img.checksum},
			member{"size", img.size},
			member{"virtual_size", nil},
		)
	}
	for _, p := range img.extra {
		o = append(o, member{p.key, p.value})
	}
	return o
}

// resolveOSVersion is the catalogue entry IMS records: the named one, or
// IMS's fallback when none is given (Linux/Other/64 even if a custom
// catalogue lacks it). version has passed validation, so it is known.
func resolveOSVersion(cat *client.Catalog, version string) client.OSVersion {
	if v, ok := cat.Lookup(version); ok {
		return v
	}
	if v, ok := cat.Lookup(client.FallbackOSVersion); ok {
		return v
	}
	return client.OSVersion{Platform: "Other", Type: "Linux", Bits: 64, Version: client.FallbackOSVersion}
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
