package client

import (
	"bytes"
	"encoding/json"
	"math"
	"strconv"
	"strings"

	"github.com/ims-wizard/ims-wizard/client/l10n"
)

// API field names, used in every problem so the user can map a message to the
// request body and to the flag of the same name.
const (
	FieldOSVersion       = "__os_version"
	FieldVisibility      = "visibility"
	FieldName            = "name"
	FieldProtected       = "protected"
	FieldContainerFormat = "container_format"
	FieldDiskFormat      = "disk_format"
	FieldTags            = "tags"
	FieldMinRAM          = "min_ram"
	FieldMinDisk         = "min_disk"
)

// Defaults and the only values IMS accepts at creation.
const (
	DefaultVisibility      = "private"
	DefaultContainerFormat = "bare"
	DefaultDiskFormat      = "zvhd2"
)

// DiskFormat is one accepted disk_format with a line a first-time user can act on.
type DiskFormat struct {
	Name, Note string
}

// DiskFormats are the seed's five values, the default first.
var DiskFormats = []DiskFormat{
	{"zvhd2", "Huawei's optimised VHD; the default for non-ISO images"},
	{"vhd", "Virtual Hard Disk (Hyper-V, Xen, VirtualBox exports)"},
	{"raw", "a plain disk image, byte for byte"},
	{"iso", "an ISO 9660 installer image (becomes an ISO image, not a system disk)"},
	{"qcow2", "QEMU copy-on-write (KVM, OpenStack exports)"},
}

// Request is the body of POST /v2/images. Field order follows the seed's
// example request so that dry-run output reads like the documentation.
type Request struct {
	OSVersion       string   `json:"__os_version,omitempty"`
	ContainerFormat string   `json:"container_format,omitempty"`
	DiskFormat      string   `json:"disk_format,omitempty"`
	MinDisk         *int64   `json:"min_disk,omitempty"`
	MinRAM          *int64   `json:"min_ram,omitempty"`
	Name            string   `json:"name,omitempty"`
	Tags            []string `json:"tags,omitempty"`
	Visibility      string   `json:"visibility,omitempty"`
	Protected       bool     `json:"protected"`
	// Properties are the extra key: value properties IMS (Glance) keeps
	// beyond the fields above; Body writes them last, in this order.
	Properties []Property `json:"-"`
}

// Property is an extra image property. Glance's image schema allows any
// further top-level key whose value is a string, and IMS stores it as given.
type Property struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

// NewRequest returns a request holding IMS's defaults.
func NewRequest() Request {
	return Request{
		Visibility:      DefaultVisibility,
		ContainerFormat: DefaultContainerFormat,
		DiskFormat:      DefaultDiskFormat,
	}
}

// Body is the exact JSON sent: indented, HTML characters left as they are,
// so what --dry-run shows is byte for byte what goes on the wire. Extra
// properties follow the known fields, in their order.
func (r Request) Body() []byte {
	body := encodeJSON(r)
	if len(r.Properties) == 0 {
		return body
	}
	// The object always has "protected", so it ends with "\n}": the
	// properties go before that, indented like the fields.
	var buf bytes.Buffer
	buf.Write(body[:len(body)-len("\n}")])
	for _, p := range r.Properties {
		buf.WriteString(",\n  ")
		buf.Write(encodeJSON(p.Key))
		buf.WriteString(": ")
		buf.Write(encodeJSON(p.Value))
	}
	buf.WriteString("\n}")
	return buf.Bytes()
}

// encodeJSON is v as Body writes it: indented by two spaces, HTML
// characters as they are, no trailing newline.
func encodeJSON(v any) []byte {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		// Only strings, bools, ints and slices of strings: cannot fail.
		panic(err)
	}
	return bytes.TrimRight(buf.Bytes(), "\n")
}

// Int64 returns a pointer to v, for the optional integer fields.
func Int64(v int64) *int64 { return &v }

// ParseInt reads an optional integer field typed by a user: "" means not
// given. The problem names the field; it is a Problem, not an error, so that
// callers add it to the others without converting.
func ParseInt(field, s string) (*int64, *Problem) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, nil
	}
	v, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		id := "validate.min_disk.not_number"
		if field == FieldMinRAM {
			id = "validate.min_ram.not_number"
		}
		return nil, &Problem{Field: field, ID: id, Args: l10n.Args{"Value": quoted(Inert(s))}}
	}
	return &v, nil
}

// ParseTags splits text typed into the wizard or given as flags: one tag per
// line (or comma-separated), blank lines ignored, surrounding spaces trimmed.
func ParseTags(text string) []string {
	var tags []string
	for _, line := range strings.FieldsFunc(text, func(r rune) bool { return r == '\n' || r == ',' }) {
		if t := strings.TrimSpace(line); t != "" {
			tags = append(tags, t)
		}
	}
	return tags
}

// MaxInt32 bounds min_ram: IMS stores it as a 32-bit integer.
const MaxInt32 = math.MaxInt32

// SeedExample is the request of the seed document's example: the canonical
// test case, and what the README shows.
func SeedExample() Request {
	return Request{
		OSVersion:       "Ubuntu 14.04 server 64bit",
		ContainerFormat: "bare",
		DiskFormat:      "vhd",
		MinDisk:         Int64(100),
		MinRAM:          Int64(1024),
		Name:            "test",
		Tags:            []string{"test=testvalue", "image=imagevalue"},
		Visibility:      "private",
		Protected:       false,
	}
}

func itoa(v int64) string { return strconv.FormatInt(v, 10) }
