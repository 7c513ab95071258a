package client

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/ims-wizard/ims-wizard/client/l10n"
)

// Image is an image as IMS returns it, with every field of the seed's
// response typed. Raw keeps the server's JSON untouched, so fields this
// version does not know are shown, not dropped.
type Image struct {
	ID              string          `json:"id"`
	Name            string          `json:"name"`
	Status          string          `json:"status"`
	Visibility      string          `json:"visibility"`
	Protected       bool            `json:"protected"`
	ContainerFormat string          `json:"container_format"`
	DiskFormat      string          `json:"disk_format"`
	Tags            []string        `json:"tags"`
	MinRAM          int64           `json:"min_ram"`
	MinDisk         int64           `json:"min_disk"`
	CreatedAt       string          `json:"created_at"`
	UpdatedAt       string          `json:"updated_at"`
	Self            string          `json:"self"`
	File            string          `json:"file"`
	Schema          string          `json:"schema"`
	ImageSourceType string          `json:"__image_source_type"`
	ImageSize       FlexInt         `json:"__image_size"`
	IsRegistered    FlexBool        `json:"__isregistered"`
	OSVersion       string          `json:"__os_version"`
	OSType          string          `json:"__os_type"`
	Platform        string          `json:"__platform"`
	OSBit           FlexInt         `json:"__os_bit"`
	ImageType       string          `json:"__imagetype"`
	VirtualEnvType  string          `json:"virtual_env_type"`
	Owner           string          `json:"owner"`
	RootOrigin      string          `json:"__root_origin"`
	Checksum        string          `json:"checksum"`
	Size            FlexInt         `json:"size"`
	VirtualSize     FlexInt         `json:"virtual_size"`
	Properties      json.RawMessage `json:"properties,omitempty"`

	// Raw is the object exactly as received.
	Raw json.RawMessage `json:"-"`
}

// ParseImage decodes an image object and keeps its raw bytes.
func ParseImage(data []byte) (*Image, error) {
	var img Image
	if err := json.Unmarshal(data, &img); err != nil {
		return nil, err
	}
	img.Raw = append(json.RawMessage(nil), bytes.TrimSpace(data)...)
	return &img, nil
}

// Field is one key of the server's object with its value as display text.
type Field struct {
	Key   string
	Value string
	Known bool // a field of the seed's response table
}

var knownFields = map[string]bool{
	"visibility": true, "name": true, "protected": true, "container_format": true, "disk_format": true,
	"tags": true, "min_ram": true, "min_disk": true, "status": true, "created_at": true, "updated_at": true,
	"self": true, "id": true, "file": true, "schema": true, "__image_source_type": true, "__image_size": true,
	"__isregistered": true, "__os_version": true, "__os_type": true, "__platform": true, "__os_bit": true,
	"__imagetype": true, "virtual_env_type": true, "owner": true, "__root_origin": true, "checksum": true,
	"size": true, "virtual_size": true, "properties": true,
}

// Fields lists every key of the raw object in the server's order, values as
// compact text (strings unquoted). Display code must still pass them through
// Inert before printing: they are the server's words.
func (img *Image) Fields() []Field {
	dec := json.NewDecoder(bytes.NewReader(img.Raw))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return nil
	}
	var out []Field
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return out
		}
		key, _ := t.(string)
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return out
		}
		out = append(out, Field{Key: key, Value: displayValue(raw), Known: knownFields[key]})
	}
	return out
}

func displayValue(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	var list []string
	if json.Unmarshal(raw, &list) == nil {
		return strings.Join(list, ", ")
	}
	var buf bytes.Buffer
	if json.Compact(&buf, raw) == nil {
		return buf.String()
	}
	return string(raw)
}

// FlexInt is a number that Huawei sometimes sends as a string ("0", "64").
// Valid is false for null or absent.
type FlexInt struct {
	Value int64
	Valid bool
}

func (f *FlexInt) UnmarshalJSON(b []byte) error {
	s := strings.Trim(string(b), `"`)
	if s == "null" || s == "" {
		*f = FlexInt{}
		return nil
	}
	v, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return fmt.Errorf("not a number: %s", b)
	}
	*f = FlexInt{Value: v, Valid: true}
	return nil
}

func (f FlexInt) MarshalJSON() ([]byte, error) {
	if !f.Valid {
		return []byte("null"), nil
	}
	return strconv.AppendInt(nil, f.Value, 10), nil
}

// FlexBool is a boolean that Huawei sometimes sends as a string ("true").
type FlexBool struct {
	Value bool
	Valid bool
}

func (f *FlexBool) UnmarshalJSON(b []byte) error {
	s := strings.Trim(string(b), `"`)
	if s == "null" || s == "" {
		*f = FlexBool{}
		return nil
	}
	v, err := strconv.ParseBool(s)
	if err != nil {
		return fmt.Errorf("not a boolean: %s", b)
	}
	*f = FlexBool{Value: v, Valid: true}
	return nil
}

func (f FlexBool) MarshalJSON() ([]byte, error) {
	if !f.Valid {
		return []byte("null"), nil
	}
	return strconv.AppendBool(nil, f.Value), nil
}

// StatusMeaning explains an image status in the seed's words, in English.
func StatusMeaning(status string) string { return StatusMeaningIn(nil, status) }

// StatusMeaningIn explains an image status in loc's language.
func StatusMeaningIn(loc *l10n.Localizer, status string) string {
	return statusMeaningMsg(status).Text(loc)
}

func statusMeaningMsg(status string) Msg {
	switch status {
	case "queued":
		return NewMsg("status.queued")
	case "saving":
		return NewMsg("status.saving")
	case "active":
		return NewMsg("status.active")
	case "killed":
		return NewMsg("status.killed")
	case "deleted":
		return NewMsg("status.deleted")
	}
	return NewMsg("status.unknown")
}
