package client

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/ims-wizard/ims-wizard/client/l10n"
)

// pastedMember is one top-level key of a pasted body. A repeated key keeps
// its first position and its last value, as Python's json (Glance) does.
type pastedMember struct {
	key   string
	raw   json.RawMessage
	count int
}

// decodeBody reads body field by field, so that a wrong type names its
// field and every problem is found in one pass.
func (p *Pasted) decodeBody(body []byte) {
	p.Body = body
	members, problem := splitPastedObject(body)
	if problem != nil {
		p.Findings = append(p.Findings, *problem)
		return
	}
	p.WellFormed = true
	p.members = members
	for _, m := range members {
		p.present[m.key] = true
		if m.count > 1 {
			p.dups[m.key] = m.count
		}
		p.set(m.key, m.raw)
	}
}

// splitPastedObject reads one JSON object and nothing after it.
func splitPastedObject(body []byte) ([]pastedMember, *Problem) {
	if len(bytes.TrimSpace(body)) == 0 {
		return nil, &Problem{Field: FieldBody, ID: "paste.body.empty"}
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	syntaxProblem := func(err error) *Problem {
		var se *json.SyntaxError
		switch {
		case errors.As(err, &se):
			line, col := lineCol(body, se.Offset)
			return &Problem{Field: FieldBody, ID: "paste.body.syntax", Args: l10n.Args{"Line": line, "Col": col, "Err": Inert(se.Error())}}
		case errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF):
			return &Problem{Field: FieldBody, ID: "paste.body.truncated"}
		}
		return &Problem{Field: FieldBody, ID: "paste.body.syntax", Args: l10n.Args{"Line": 1, "Col": 1, "Err": Inert(err.Error())}}
	}
	tok, err := dec.Token()
	if err != nil {
		return nil, syntaxProblem(err)
	}
	if tok != json.Delim('{') {
		return nil, &Problem{Field: FieldBody, ID: "paste.body.not_object", Args: l10n.Args{"Got": clip(string(bytes.TrimSpace(body)))}}
	}
	var members []pastedMember
	index := map[string]int{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, syntaxProblem(err)
		}
		key, _ := tok.(string) // inside an object the decoder only yields string keys
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return nil, syntaxProblem(err)
		}
		if i, seen := index[key]; seen {
			members[i].raw = raw
			members[i].count++
			continue
		}
		index[key] = len(members)
		members = append(members, pastedMember{key, raw, 1})
	}
	if _, err := dec.Token(); err != nil { // the closing brace
		return nil, syntaxProblem(err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		line, col := lineCol(body, dec.InputOffset())
		return nil, &Problem{Field: FieldBody, ID: "paste.body.trailing", Args: l10n.Args{"Line": line, "Col": col}}
	}
	return members, nil
}

// lineCol is the 1-based line and column (in characters) of a byte offset.
func lineCol(b []byte, offset int64) (int, int) {
	if offset > int64(len(b)) {
		offset = int64(len(b))
	}
	before := b[:max(offset, 0)]
	line := bytes.Count(before, []byte("\n")) + 1
	col := utf8.RuneCount(before[bytes.LastIndexByte(before, '\n')+1:])
	return line, max(col, 1)
}

// jsonKind is the JSON type of a valid value, from its first byte.
func jsonKind(raw json.RawMessage) string {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return ""
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

// shown is a pasted value as messages quote it: compact JSON, clipped.
func shown(raw json.RawMessage) string {
	var buf bytes.Buffer
	if err := json.Compact(&buf, raw); err != nil {
		return clip(string(raw))
	}
	return clip(buf.String())
}

// set stores one top-level member: a known field (whose JSON type must be
// Glance's), or an extra property (a string under a key Glance accepts).
func (p *Pasted) set(key string, raw json.RawMessage) {
	r := &p.Request
	kind := jsonKind(raw)
	got := shown(raw)
	if isKnownField(key) {
		var compact bytes.Buffer
		_ = json.Compact(&compact, raw)
		p.rawVals[key] = compact.Bytes()
	}
	switch key {
	case FieldName, FieldOSVersion, FieldVisibility, FieldContainerFormat, FieldDiskFormat:
		dst := map[string]*string{FieldName: &r.Name, FieldOSVersion: &r.OSVersion, FieldVisibility: &r.Visibility,
			FieldContainerFormat: &r.ContainerFormat, FieldDiskFormat: &r.DiskFormat}[key]
		switch {
		case kind == "string":
			_ = json.Unmarshal(raw, dst)
		case kind == "null" && (key == FieldName || key == FieldContainerFormat || key == FieldDiskFormat):
			p.nulls[key] = true // Glance's schema allows null here: as if left out
		case kind == "null":
			p.find(key, "paste.type.null", nil)
		default:
			p.find(key, "paste.type.string", l10n.Args{"Got": got})
			if kind == "number" || kind == "boolean" {
				p.asText[key] = string(bytes.TrimSpace(raw))
			}
		}
	case FieldProtected:
		var s string
		switch {
		case kind == "boolean":
			_ = json.Unmarshal(raw, &r.Protected)
		case kind == "string" && json.Unmarshal(raw, &s) == nil && (s == "true" || s == "false"):
			p.find(key, "paste.type.boolean_quoted", l10n.Args{"Got": got, "Value": s})
			p.asText[key] = s
		case kind == "null":
			p.find(key, "paste.type.null", nil)
		default:
			p.find(key, "paste.type.boolean", l10n.Args{"Got": got})
		}
	case FieldTags:
		p.setTags(raw, kind, got)
	case FieldMinDisk, FieldMinRAM:
		dst, unit := &r.MinDisk, "GB"
		if key == FieldMinRAM {
			dst, unit = &r.MinRAM, "MB"
		}
		p.setInt(key, unit, raw, kind, got, dst)
	default:
		p.setProperty(key, raw, kind, got)
	}
}

func (p *Pasted) setTags(raw json.RawMessage, kind, got string) {
	var s string
	switch kind {
	case "array":
	case "string":
		_ = json.Unmarshal(raw, &s)
		p.find(FieldTags, "paste.type.tags", l10n.Args{"Got": got})
		p.asText[FieldTags] = s // the wizard splits it on commas and newlines
		return
	case "null":
		p.find(FieldTags, "paste.type.null", nil)
		return
	default:
		p.find(FieldTags, "paste.type.tags", l10n.Args{"Got": got})
		return
	}
	var items []json.RawMessage
	_ = json.Unmarshal(raw, &items)
	tags := make([]string, 0, len(items))
	wrong := false
	for i, item := range items {
		var t string
		if jsonKind(item) != "string" {
			p.find(FieldTags, "paste.type.tag_item", l10n.Args{"N": i + 1, "Got": shown(item)})
			wrong = true
			continue
		}
		_ = json.Unmarshal(item, &t)
		tags = append(tags, t)
	}
	if wrong {
		p.asText[FieldTags] = strings.Join(tags, "\n")
		return
	}
	if len(tags) > 0 { // [] sends nothing, as an absent field
		p.Request.Tags = tags
	}
}

func (p *Pasted) setInt(field, unit string, raw json.RawMessage, kind, got string, dst **int64) {
	text := string(bytes.TrimSpace(raw))
	switch kind {
	case "number":
		v, err := strconv.ParseInt(text, 10, 64)
		switch {
		case err == nil:
			*dst = &v
		case strings.ContainsAny(text, ".eE"):
			p.find(field, "paste.type.integer", l10n.Args{"Got": got, "Unit": unit})
		default:
			p.find(field, "paste.type.out_of_range", l10n.Args{"Got": got})
		}
		return
	case "string":
		var s string
		_ = json.Unmarshal(raw, &s)
		if _, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64); err == nil {
			p.find(field, "paste.type.integer_quoted", l10n.Args{"Got": got, "Value": strings.TrimSpace(s)})
			p.asText[field] = strings.TrimSpace(s)
			return
		}
	case "null":
		p.find(field, "paste.type.null", nil)
		return
	}
	p.find(field, "paste.type.integer", l10n.Args{"Got": got, "Unit": unit})
}

// setProperty keeps an extra property: a string under a key Glance
// accepts. A near miss of a field name is kept but said (it is most likely
// a typo, and IMS would store it without complaint).
func (p *Pasted) setProperty(key string, raw json.RawMessage, kind, got string) {
	if bad := propertyKeyProblem(key); bad != nil {
		p.Findings = append(p.Findings, *bad)
		return
	}
	suggestion := nearField(key)
	if kind != "string" {
		if suggestion != "" {
			p.find(key, "paste.key.unknown_suggest", l10n.Args{"Key": quoted(Inert(key)), "Got": got, "Suggestion": suggestion})
			return
		}
		p.find(key, "paste.key.unknown", l10n.Args{"Key": quoted(Inert(key)), "Got": got})
		return
	}
	var v string
	_ = json.Unmarshal(raw, &v)
	p.Request.Properties = append(p.Request.Properties, Property{Key: key, Value: v})
	if suggestion != "" {
		p.warnf(key, "paste.key.typo", l10n.Args{"Key": quoted(Inert(key)), "Suggestion": suggestion})
	}
}

// nearField is the field a key was probably meant to be ("os_version",
// "Name", "min-disk", "mindisk"), "" if none is close.
func nearField(key string) string {
	norm := func(s string) string {
		s = strings.ToLower(strings.TrimLeft(s, "_"))
		return strings.NewReplacer("-", "_", " ", "_").Replace(s)
	}
	k := norm(key)
	for _, f := range requestFields {
		nf := norm(f)
		limit := 1
		if len(nf) >= 6 {
			limit = 2
		}
		if k == nf || (len(k) >= 3 && len(k) <= 64 && editDistance(k, nf) <= limit) {
			return f
		}
	}
	return ""
}
