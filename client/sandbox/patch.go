package sandbox

import (
	"encoding/json"
	"mime"
	"net/http"
	"strings"

	"github.com/ims-wizard/ims-wizard/client"
)

// The two JSON-patch media types IMS and Glance accept for PATCH.
const (
	patchV21 = "application/openstack-images-v2.1-json-patch"
	patchV20 = "application/openstack-images-v2.0-json-patch"
)

// patchOp is one operation: add, replace or remove of one top-level
// attribute.
type patchOp struct {
	op, key  string
	value    json.RawMessage
	hasValue bool
}

// handlePatch is PATCH /v2/images/{id}: Glance's JSON patch, applied all at
// once or not at all. Glance's rules decide what may change (read-only and
// reserved attributes refused with 403, core attributes never removed,
// formats only while queued); the client's rules decide which values are
// valid, as at creation. A new __os_version re-derives __platform,
// __os_type and __os_bit.
func (s *Server) handlePatch(w http.ResponseWriter, r *http.Request, id string) {
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if mt != patchV21 && mt != patchV20 {
		writeError(w, sandboxError(http.StatusUnsupportedMediaType,
			"PATCH takes Content-Type: %s (or %s), not %q", patchV21, patchV20, r.Header.Get("Content-Type")))
		return
	}
	body, apiErr := readBody(r)
	if apiErr != nil {
		writeError(w, apiErr)
		return
	}
	ops, apiErr := parsePatch(body, mt == patchV20)
	if apiErr != nil {
		writeError(w, apiErr)
		return
	}
	img, err := s.store.update(id, func(img *image) error {
		if e := s.applyPatch(img, ops); e != nil {
			return e
		}
		return nil
	})
	if err != nil {
		storeError(w, id, err)
		return
	}
	writeJSON(w, http.StatusOK, img.render(s.owner))
}

var patchOps = []string{"add", "remove", "replace"}

// parsePatch reads the operations, with Glance's messages for a malformed
// patch.
func parsePatch(body []byte, v20 bool) ([]patchOp, *apiError) {
	var items []json.RawMessage
	if err := json.Unmarshal(body, &items); err != nil {
		if jsonKind(body) == "object" || json.Valid(body) {
			return nil, badRequest("the request body must be a JSON array of operation objects")
		}
		return nil, badRequest("malformed JSON in the request body: %v", err)
	}
	ops := make([]patchOp, 0, len(items))
	for i, item := range items {
		var members map[string]json.RawMessage
		if jsonKind(item) != "object" || json.Unmarshal(item, &members) != nil {
			return nil, badRequest("operation %d: operations must be JSON objects", i+1)
		}
		var op patchOp
		var path string
		if v20 {
			// {"replace": "/name", "value": …}
			for _, name := range patchOps {
				if raw, ok := members[name]; ok {
					op.op = name
					if json.Unmarshal(raw, &path) != nil {
						return nil, badRequest("operation %d: %q must name a path as a string", i+1, name)
					}
				}
			}
			if op.op == "" {
				return nil, badRequest("operation %d: it must have one member named add, remove or replace", i+1)
			}
		} else {
			raw, ok := members["op"]
			if !ok || json.Unmarshal(raw, &op.op) != nil {
				return nil, badRequest("operation %d: unable to find `op`; it must be one of: %s", i+1, strings.Join(patchOps, ", "))
			}
			if !contains(patchOps, op.op) {
				return nil, badRequest("operation %d: invalid operation `%s`; it must be one of: %s", i+1, op.op, strings.Join(patchOps, ", "))
			}
			raw, ok = members["path"]
			if !ok || json.Unmarshal(raw, &path) != nil {
				return nil, badRequest("operation %d: unable to find a string 'path'", i+1)
			}
		}
		key, apiErr := pointerKey(path)
		if apiErr != nil {
			return nil, apiErr
		}
		op.key = key
		op.value, op.hasValue = members["value"]
		if op.op != "remove" && !op.hasValue {
			return nil, badRequest("operation %d: %q requires a member named \"value\"", i+1, op.op)
		}
		ops = append(ops, op)
	}
	return ops, nil
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// pointerKey is the attribute a JSON pointer names: one level only, as
// Glance allows (its /locations/… are not emulated).
func pointerKey(path string) (string, *apiError) {
	if !strings.HasPrefix(path, "/") {
		return "", badRequest("pointer `%s` does not start with \"/\"", path)
	}
	rest := path[1:]
	if rest == "" || strings.Contains(rest, "/") {
		return "", badRequest("invalid JSON pointer for this resource: '%s'", path)
	}
	return strings.NewReplacer("~1", "/", "~0", "~").Replace(rest), nil
}

// coreAttributes are the image's own attributes: never removed, each of its
// type. Everything else that is not read-only is an extra property.
var coreAttributes = map[string]bool{
	client.FieldName: true, client.FieldOSVersion: true, client.FieldVisibility: true, client.FieldProtected: true,
	client.FieldContainerFormat: true, client.FieldDiskFormat: true, client.FieldTags: true,
	client.FieldMinRAM: true, client.FieldMinDisk: true,
}

// visibilities are the values Glance's schema knows.
var visibilities = []string{"community", "public", "private", "shared"}

// applyPatch changes img (a copy) or says why not.
func (s *Server) applyPatch(img *image, ops []patchOp) *apiError {
	changed := map[string]bool{}
	var osVersion string
	for _, op := range ops {
		key := op.key
		switch {
		case client.IsReadOnlyField(key) || key == "owner" || key == "os_hidden":
			return sandboxError(http.StatusForbidden, "attribute '%s' is read-only", key)
		case strings.HasPrefix(key, "os_glance"):
			return sandboxError(http.StatusForbidden, "attribute '%s' is reserved", key)
		case coreAttributes[key] && op.op == "remove":
			return sandboxError(http.StatusForbidden, "property %s may not be removed", key)
		case coreAttributes[key]:
			if e := s.setCore(img, key, op.value, &osVersion); e != nil {
				return e
			}
			changed[key] = true
			continue
		}
		_, exists := img.extra(key)
		switch {
		case key == "":
			return badRequest("a property needs a name: the path \"/\" names none")
		case op.op != "add" && !exists:
			return sandboxError(http.StatusConflict, "property %s does not exist", key)
		case op.op == "remove":
			img.removeExtra(key)
			continue
		}
		if jsonKind(op.value) != "string" {
			return badRequest("property %q: an extra property must be a string, got %s", key, describe(op.value))
		}
		var v string
		_ = json.Unmarshal(op.value, &v) // a JSON string: cannot fail
		img.setExtra(key, v)
	}

	// The values, with the client's rules, for what this patch set.
	var ps client.Problems
	req := client.Request{Name: img.Name, Tags: img.Tags}
	for key := range changed {
		switch key {
		case client.FieldName:
			ps = append(ps, client.ValidateName(img.Name)...)
		case client.FieldOSVersion:
			ps = append(ps, client.ValidateOSVersion(s.catalog, osVersion)...)
		case client.FieldContainerFormat:
			ps = append(ps, client.ValidateContainerFormat(img.ContainerFormat)...)
		case client.FieldDiskFormat:
			ps = append(ps, client.ValidateDiskFormat(img.DiskFormat)...)
		case client.FieldTags:
			ps = append(ps, client.ValidateTags(img.Tags)...)
		case client.FieldMinRAM:
			ps = append(ps, client.ValidateMinRAM(&img.MinRAM)...)
		case client.FieldMinDisk:
			ps = append(ps, client.ValidateMinDisk(&img.MinDisk)...)
		}
	}
	if e := validationError(req, sortProblems(ps)); e != nil {
		return e
	}
	if e := checkQuotas(img.Extra, img.Tags); e != nil {
		return e
	}
	if changed[client.FieldOSVersion] {
		img.OS = resolveOSVersion(s.catalog, osVersion)
	}
	img.UpdatedAt = s.now()
	return nil
}

// sortProblems puts the problems in the fields' order of the request, so
// that the answer's code does not depend on map order.
func sortProblems(ps client.Problems) client.Problems {
	order := []string{client.FieldName, client.FieldOSVersion, client.FieldContainerFormat, client.FieldDiskFormat,
		client.FieldTags, client.FieldMinRAM, client.FieldMinDisk}
	var out client.Problems
	for _, f := range order {
		out = append(out, ps.For(f)...)
	}
	return out
}

// setCore sets one core attribute from a JSON value of the right type.
func (s *Server) setCore(img *image, key string, raw json.RawMessage, osVersion *string) *apiError {
	typeErr := func(want string) *apiError {
		return badRequest("%s must be %s, got %s", key, want, describe(raw))
	}
	kind := jsonKind(raw)
	switch key {
	case client.FieldName:
		switch kind {
		case "null":
			img.Name = "" // Glance allows a null name; the client's rules then refuse it
		case "string":
			_ = json.Unmarshal(raw, &img.Name)
		default:
			return typeErr("a string")
		}
	case client.FieldOSVersion:
		if kind != "string" {
			return typeErr("a string")
		}
		_ = json.Unmarshal(raw, osVersion)
	case client.FieldVisibility:
		var v string
		if kind != "string" || json.Unmarshal(raw, &v) != nil || !contains(visibilities, v) {
			return badRequest("visibility must be one of %s, got %s", strings.Join(visibilities, ", "), describe(raw))
		}
		if v != client.DefaultVisibility {
			return sandboxError(http.StatusForbidden,
				"visibility %q cannot be set: IMS image metadata stays %q (share an image through its members, not emulated)", v, client.DefaultVisibility)
		}
	case client.FieldProtected:
		if kind != "boolean" {
			return typeErr("true or false")
		}
		_ = json.Unmarshal(raw, &img.Protected)
	case client.FieldContainerFormat, client.FieldDiskFormat:
		var v string
		if kind != "string" {
			return typeErr("a string")
		}
		_ = json.Unmarshal(raw, &v)
		current := &img.DiskFormat
		if key == client.FieldContainerFormat {
			current = &img.ContainerFormat
		}
		if v != *current && img.Status != statusQueued {
			return sandboxError(http.StatusForbidden, "attribute %s can be only replaced for a queued image; image %s is %s", key, img.ID, img.Status)
		}
		*current = v
	case client.FieldTags:
		var tags []string
		if msg := decodeTags(raw, &tags); msg != "" || kind == "null" {
			return typeErr(`an array of strings such as ["env=prod"]`)
		}
		img.Tags = dedupe(tags) // Glance keeps a repeated tag once
	case client.FieldMinRAM, client.FieldMinDisk:
		unit, dst := "MB", &img.MinRAM
		if key == client.FieldMinDisk {
			unit, dst = "GB", &img.MinDisk
		}
		var v *int64
		if msg := decodeInt(raw, unit, &v); msg != "" || v == nil {
			if msg == "" {
				msg = "must be a whole number of " + unit + ", got null"
			}
			return badRequest("%s %s", key, msg)
		}
		*dst = *v
	}
	return nil
}

// dedupe keeps the first of repeated values, in order.
func dedupe(list []string) []string {
	seen := map[string]bool{}
	out := []string{}
	for _, v := range list {
		if !seen[v] {
			seen[v] = true
			out = append(out, v)
		}
	}
	return out
}
