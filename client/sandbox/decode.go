package sandbox

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/ims-wizard/ims-wizard/client"
)

// createBody is a POST /v2/images body decoded field by field, so that a
// wrong type is refused naming the field (as IMS and Glance do) and extra
// properties keep the order they were sent in.
type createBody struct {
	req   client.Request
	extra []property
}

// The fields the server sets (client.IsReadOnlyField) are refused: Glance
// answers 403 "Attribute … is read-only"; the sandbox answers IMS's 400
// IMG.0001 so that the client's hint points at the request.

// decodeCreateBody checks the JSON and the type of every field; the values
// themselves are checked afterwards by client.Request.Validate.
func decodeCreateBody(body []byte) (*createBody, *apiError) {
	if len(bytes.TrimSpace(body)) == 0 {
		return nil, newError(400, codeEmptyBody, "the request body is empty: send the image metadata as a JSON object")
	}
	members, err := splitObject(body)
	if err != nil {
		return nil, badRequest("the request body is not a JSON object: %v", err)
	}
	out := &createBody{}
	var problems []string
	for _, m := range members {
		if msg := out.set(m.key, m.raw); msg != "" {
			problems = append(problems, fieldLabel(m.key)+": "+msg)
		}
	}
	if len(problems) > 0 {
		return nil, badRequest("%s", strings.Join(problems, "; "))
	}
	if e := checkQuotas(out.extra, out.req.Tags); e != nil {
		return nil, e
	}
	return out, nil
}

// Glance's quotas (image_property_quota, image_tag_quota) and its limit on
// a property's name (the database column).
const (
	maxProperties  = 128
	maxTags        = 128
	maxPropertyKey = 255
)

// checkQuotas refuses what Glance refuses: too many extra properties or
// tags (413), a property name too long (400).
func checkQuotas(extra []property, tags []string) *apiError {
	for _, p := range extra {
		if n := utf8.RuneCountInString(p.Key); n > maxPropertyKey {
			return badRequest("property %q…: a property name may have at most %d characters, not %d", string([]rune(p.Key)[:32]), maxPropertyKey, n)
		}
	}
	if len(extra) > maxProperties {
		return sandboxError(http.StatusRequestEntityTooLarge,
			"%d extra properties; an image may have at most %d (Glance's image_property_quota)", len(extra), maxProperties)
	}
	if len(tags) > maxTags {
		return newError(http.StatusRequestEntityTooLarge, codeTagQuota, "%d tags; an image may have at most %d", len(tags), maxTags)
	}
	return nil
}

// rawMember is one top-level key with its undecoded value.
type rawMember struct {
	key string
	raw json.RawMessage
}

// splitObject reads one JSON object and nothing after it. A repeated key
// keeps its first position and its last value, as Python's json (Glance) does.
func splitObject(body []byte) ([]rawMember, error) {
	dec := json.NewDecoder(bytes.NewReader(body))
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	if tok != json.Delim('{') {
		return nil, fmt.Errorf("it starts with %s", describeToken(tok))
	}
	var members []rawMember
	index := map[string]int{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, err
		}
		key, _ := tok.(string) // inside an object the decoder only yields string keys
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return nil, err
		}
		if i, seen := index[key]; seen {
			members[i].raw = raw
			continue
		}
		index[key] = len(members)
		members = append(members, rawMember{key, raw})
	}
	if _, err := dec.Token(); err != nil { // the closing brace
		return nil, err
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, errors.New("unexpected data after the object")
	}
	return members, nil
}

func describeToken(tok json.Token) string {
	switch t := tok.(type) {
	case json.Delim:
		if t == '[' {
			return "an array"
		}
		return fmt.Sprintf("%q", string(t))
	case string:
		return "a string"
	case nil:
		return "null"
	case bool:
		return "a boolean"
	}
	return "a number"
}

// fieldLabel names a field in a message: API fields as they are, extra
// properties quoted because they are the caller's text.
func fieldLabel(key string) string {
	if slices.Contains(client.RequestFields, key) {
		return key
	}
	if client.IsReadOnlyField(key) {
		return key
	}
	return fmt.Sprintf("property %q", key)
}

// set stores one field and returns what is wrong with its type, if anything.
func (b *createBody) set(key string, raw json.RawMessage) string {
	r := &b.req
	switch key {
	case client.FieldName:
		return decodeString(raw, &r.Name)
	case client.FieldOSVersion:
		return decodeString(raw, &r.OSVersion)
	case client.FieldVisibility:
		return decodeString(raw, &r.Visibility)
	case client.FieldContainerFormat:
		return decodeString(raw, &r.ContainerFormat)
	case client.FieldDiskFormat:
		return decodeString(raw, &r.DiskFormat)
	case client.FieldProtected:
		return decodeBool(raw, &r.Protected)
	case client.FieldTags:
		return decodeTags(raw, &r.Tags)
	case client.FieldMinRAM:
		return decodeInt(raw, "MB", &r.MinRAM)
	case client.FieldMinDisk:
		return decodeInt(raw, "GB", &r.MinDisk)
	}
	if client.IsReadOnlyField(key) {
		return "is read-only: the server sets it"
	}
	// Glance's image schema allows extra properties of type string only.
	if kind := jsonKind(raw); kind != "string" {
		return "an extra property must be a string, got " + describe(raw)
	}
	var s string
	_ = json.Unmarshal(raw, &s) // a JSON string: cannot fail
	b.extra = append(b.extra, property{key, s})
	return ""
}

// jsonKind is the JSON type of a valid value, from its first byte.
func jsonKind(raw json.RawMessage) string {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return "nothing"
	}
	switch raw[0] {
	case '"':
		return "string"
	case '{':
		return "object"
	case '[':
		return "array"
	case 't', 'f':
		return "boolean"
	case 'n':
		return "null"
	}
	return "number"
}

// describe is "a string (\"abc\")": the kind, and the value when it is short.
func describe(raw json.RawMessage) string {
	kind := jsonKind(raw)
	article := "a "
	switch kind {
	case "object", "array":
		article = "an "
	case "null":
		return "null"
	}
	if v := bytes.TrimSpace(raw); kind != "object" && kind != "array" && utf8.RuneCount(v) <= 40 {
		return article + kind + " (" + string(v) + ")"
	}
	return article + kind
}

// null leaves a field unset, as if it were omitted.

func decodeString(raw json.RawMessage, dst *string) string {
	switch jsonKind(raw) {
	case "null":
		return ""
	case "string":
		_ = json.Unmarshal(raw, dst)
		return ""
	}
	return "must be a string, got " + describe(raw)
}

func decodeBool(raw json.RawMessage, dst *bool) string {
	switch jsonKind(raw) {
	case "null":
		return ""
	case "boolean":
		_ = json.Unmarshal(raw, dst)
		return ""
	}
	return "must be true or false, got " + describe(raw)
}

func decodeTags(raw json.RawMessage, dst *[]string) string {
	switch jsonKind(raw) {
	case "null":
		return ""
	case "array":
	default:
		return `must be an array of strings such as ["env=prod"], got ` + describe(raw)
	}
	var items []json.RawMessage
	_ = json.Unmarshal(raw, &items)
	tags := make([]string, len(items))
	for i, item := range items {
		if jsonKind(item) != "string" {
			return fmt.Sprintf("tag %d must be a string, got %s", i+1, describe(item))
		}
		_ = json.Unmarshal(item, &tags[i])
	}
	*dst = tags
	return ""
}

func decodeInt(raw json.RawMessage, unit string, dst **int64) string {
	switch jsonKind(raw) {
	case "null":
		return ""
	case "number":
	default:
		return fmt.Sprintf("must be a whole number of %s, got %s", unit, describe(raw))
	}
	text := string(bytes.TrimSpace(raw))
	v, err := strconv.ParseInt(text, 10, 64)
	switch {
	case err == nil:
		*dst = &v
		return ""
	case strings.ContainsAny(text, ".eE"):
		return fmt.Sprintf("must be a whole number of %s, got %s", unit, text)
	}
	return fmt.Sprintf("%s is out of range", text)
}
