package client

import (
	"strings"
	"unicode/utf8"

	"github.com/ims-wizard/ims-wizard/client/l10n"
)

// Extra properties follow Glance's rules for the keys it keeps beyond its
// own fields (glance/api/v2/images.py, RequestDeserializer.create): a key
// longer than 255 characters is refused (400), the reserved keys and the
// os_glance namespace are refused (403), and the fields the server sets are
// read-only (403). IMS adds its own read-only fields (__os_type, …).
const (
	PropertyKeyMaxLen = 255
	// PropertyAdviseCount is Glance's default image_property_quota: more
	// extra properties than this are refused (413) unless the operator
	// raised it.
	PropertyAdviseCount = 128
	reservedNamespace   = "os_glance"
)

// FieldProperties names the extra properties as a whole in problems (a
// problem of one property is named by its key).
const FieldProperties = "properties"

// readOnlyFields are the fields the server sets: Glance's read-only and
// disallowed ones, and those IMS adds to every image. A request that sends
// one is refused (Glance: 403 "Attribute … is read-only"; IMS: 400).
var readOnlyFields = map[string]bool{
	"id": true, "status": true, "created_at": true, "updated_at": true, "self": true, "file": true,
	"schema": true, "owner": true, "checksum": true, "size": true, "virtual_size": true, "stores": true,
	"locations": true, "direct_url": true, "os_hash_algo": true, "os_hash_value": true, "properties": true,
	"__image_source_type": true, "__image_size": true, "__isregistered": true, "__os_type": true,
	"__platform": true, "__os_bit": true, "__imagetype": true, "virtual_env_type": true, "__root_origin": true,
}

// reservedKeys are refused by Glance whatever their value.
var reservedKeys = map[string]bool{"location": true, "deleted": true, "deleted_at": true}

// IsReadOnlyField reports a field the server sets, which a create request
// must not send (shared with the sandbox, which refuses them).
func IsReadOnlyField(key string) bool { return readOnlyFields[key] }

// requestFields are the request's own fields, in Body's order.
var requestFields = []string{
	FieldOSVersion, FieldContainerFormat, FieldDiskFormat, FieldMinDisk, FieldMinRAM,
	FieldName, FieldTags, FieldVisibility, FieldProtected,
}

func isKnownField(key string) bool {
	for _, f := range requestFields {
		if f == key {
			return true
		}
	}
	return false
}

// propertyKeyProblem is what Glance (or IMS) would refuse about a key that
// is not one of the request's own fields, whatever its value; nil if none.
func propertyKeyProblem(key string) *Problem {
	n := utf8.RuneCountInString(key)
	switch {
	case strings.TrimSpace(key) == "":
		return &Problem{Field: FieldProperties, ID: "property.key.empty"}
	case readOnlyFields[key]:
		return &Problem{Field: key, ID: "property.key.read_only", Args: l10n.Args{"Key": quoted(Inert(key))}}
	case reservedKeys[key] || strings.HasPrefix(key, reservedNamespace):
		return &Problem{Field: key, ID: "property.key.reserved", Args: l10n.Args{"Key": quoted(Inert(key))}}
	case n > PropertyKeyMaxLen:
		return &Problem{Field: key, ID: "property.key.too_long", Args: l10n.Args{"Count": n, "Max": PropertyKeyMaxLen}}
	case hasControl(key):
		return &Problem{Field: key, ID: "property.key.control", Args: l10n.Args{"Key": quoted(Inert(key))}}
	}
	return nil
}

// ValidateProperties checks the extra properties' keys as Glance would,
// and that none repeats a field of the request or another property.
func ValidateProperties(props []Property) Problems {
	var ps Problems
	seen := map[string]bool{}
	for _, p := range props {
		switch {
		case isKnownField(p.Key):
			ps = append(ps, refuse(p.Key, "property.key.known_field", l10n.Args{"Key": quoted(p.Key)}))
		case seen[p.Key]:
			ps = append(ps, refuse(p.Key, "property.key.duplicate", l10n.Args{"Key": quoted(Inert(p.Key))}))
		default:
			if bad := propertyKeyProblem(p.Key); bad != nil {
				ps = append(ps, *bad)
			}
		}
		seen[p.Key] = true
	}
	if len(props) > PropertyAdviseCount {
		ps = append(ps, warn(FieldProperties, "property.count", l10n.Args{"Count": len(props), "Max": PropertyAdviseCount}))
	}
	return ps
}
