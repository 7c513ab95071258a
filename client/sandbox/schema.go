package sandbox

import (
	"net/http"

	"github.com/ims-wizard/ims-wizard/client"
)

// handleSchema is GET /v2/schemas/image and /v2/schemas/images: the JSON
// schema of what the sandbox answers, in Glance's form (clients such as
// glanceclient read it to tell core attributes from extra properties). Its
// enums are IMS's values as the client's rules accept them; the Huawei
// attributes IMS derives are read-only.
func (s *Server) handleSchema(w http.ResponseWriter, which string) {
	if which == "images" {
		writeJSON(w, http.StatusOK, imagesSchema())
		return
	}
	writeJSON(w, http.StatusOK, imageSchema())
}

func prop(typ any, description string, extra ...member) object {
	o := object{{"type", typ}, {"description", description}}
	return append(o, extra...)
}

func readOnlyProp(typ any, description string, extra ...member) object {
	return prop(typ, description, append([]member{{"readOnly", true}}, extra...)...)
}

func imageSchema() object {
	disks := []any{}
	for _, f := range client.DiskFormats {
		disks = append(disks, f.Name)
	}
	str, nullStr := "string", []string{"null", "string"}
	return object{
		{"name", "image"},
		{"properties", object{
			{"id", readOnlyProp(str, "An identifier for the image")},
			{"name", prop(nullStr, "Descriptive name for the image", member{"maxLength", client.NameMaxLen})},
			{"status", readOnlyProp(str, "Status of the image", member{"enum", []string{"queued", "saving", "active", "killed", "deleted"}})},
			{"visibility", prop(str, "Scope of image accessibility; image metadata is created private", member{"enum", visibilities})},
			{"protected", prop("boolean", "If true, image will not be deletable.")},
			{"checksum", readOnlyProp(nullStr, "md5 hash of image contents.", member{"maxLength", 32})},
			{"owner", readOnlyProp(nullStr, "Owner of the image")},
			{"size", readOnlyProp([]string{"null", "integer"}, "Size of image file in bytes")},
			{"virtual_size", readOnlyProp([]string{"null", "integer"}, "Virtual size of image in bytes")},
			{"container_format", prop(nullStr, "Format of the container", member{"enum", []any{nil, client.DefaultContainerFormat}})},
			{"disk_format", prop(nullStr, "Format of the disk", member{"enum", append([]any{nil}, disks...)})},
			{"created_at", readOnlyProp(str, "Date and time of image registration")},
			{"updated_at", readOnlyProp(str, "Date and time of the last image modification")},
			{"tags", prop("array", "List of strings related to the image; IMS takes key=value",
				member{"items", object{{"type", str}, {"maxLength", client.TagMaxLen}}})},
			{"min_ram", prop("integer", "Amount of ram (in MB) required to boot image.", member{"minimum", 0}, member{"maximum", client.MaxInt32})},
			{"min_disk", prop("integer", "Amount of disk space (in GB) required to boot image.",
				member{"minimum", client.MinDiskLow}, member{"maximum", client.MinDiskHigh})},
			{"self", readOnlyProp(str, "An image self url")},
			{"file", readOnlyProp(str, "An image file url")},
			{"schema", readOnlyProp(str, "An image schema url")},
			{"__os_version", prop(str, "Operating system version, one of GET /v1/cloudimages/os_version; it sets __platform, __os_type and __os_bit")},
			{"__platform", readOnlyProp(str, "Operating system platform, derived from __os_version")},
			{"__os_type", readOnlyProp(str, "Operating system type, derived from __os_version")},
			{"__os_bit", readOnlyProp(str, "Operating system bits, derived from __os_version")},
			{"__imagetype", readOnlyProp(str, "Image type (private)")},
			{"__isregistered", readOnlyProp(str, "Whether the image is registered")},
			{"__image_source_type", readOnlyProp(str, "Backend storage of the image file")},
			{"__image_size", readOnlyProp(str, "Size of the image file in bytes, as a string")},
			{"virtual_env_type", readOnlyProp(str, "Image use: FusionCompute (ECS), IsoImage, DataImage or Ironic")},
		}},
		{"additionalProperties", object{{"type", str}}},
		{"links", []object{
			{{"rel", "self"}, {"href", "{self}"}},
			{{"rel", "enclosure"}, {"href", "{file}"}},
			{{"rel", "describedby"}, {"href", "{schema}"}},
		}},
	}
}

func imagesSchema() object {
	return object{
		{"name", "images"},
		{"properties", object{
			{"images", object{{"type", "array"}, {"items", imageSchema()}}},
			{"schema", object{{"type", "string"}}},
			{"first", object{{"type", "string"}}},
			{"next", object{{"type", "string"}}},
		}},
		{"links", []object{
			{{"rel", "first"}, {"href", "{first}"}},
			{{"rel", "next"}, {"href", "{next}"}},
			{{"rel", "describedby"}, {"href", "{schema}"}},
		}},
	}
}
