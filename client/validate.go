package client

import (
	"fmt"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/ims-wizard/ims-wizard/client/l10n"
)

// Severity tells a refusal from advice.
type Severity int

const (
	SeverityError Severity = iota
	SeverityWarning
)

// Problem is one finding about one field, worded for a first-time user: a
// catalogue message (ID) and its parameters, so the same problem reads in
// either language.
type Problem struct {
	Field    string
	ID       string    // the l10n catalogue id of the message
	Args     l10n.Args // its parameters
	Severity Severity
}

// Text is the problem's message in loc's language (nil: English).
func (p Problem) Text(loc *l10n.Localizer) string { return loc.T(p.ID, p.Args) }

// Error is "field: message", in English.
func (p *Problem) Error() string { return p.Field + ": " + p.Text(nil) }

// IsWarning reports advice that does not block the request.
func (p Problem) IsWarning() bool { return p.Severity == SeverityWarning }

// Problems is every finding about a request.
type Problems []Problem

// Errors are the problems that block sending.
func (ps Problems) Errors() Problems { return ps.filter(SeverityError) }

// Warnings are the problems that are shown but do not block.
func (ps Problems) Warnings() Problems { return ps.filter(SeverityWarning) }

// RequestFields are the fields of a create request, in the seed's order:
// the ones a step of the wizard and a flag hold.
var RequestFields = []string{FieldName, FieldOSVersion, FieldVisibility, FieldContainerFormat,
	FieldDiskFormat, FieldProtected, FieldTags, FieldMinRAM, FieldMinDisk}

// NotInRequest are the problems about anything but a request field: a
// pasted request's read-only, unknown or misspelt keys, its method or URL.
func (ps Problems) NotInRequest() Problems {
	var out Problems
	for _, p := range ps {
		if !slices.Contains(RequestFields, p.Field) {
			out = append(out, p)
		}
	}
	return out
}

// FieldLabel names a problem's field for a person: the request's fields and
// a paste's parts as they are, any other key (a pasted property, a
// misspelt field) quoted, as the customer's text.
func FieldLabel(field string) string {
	switch {
	case slices.Contains(RequestFields, field):
		return field
	case field == FieldPaste, field == FieldBody, field == FieldMethod, field == FieldURL, field == FieldCurl, field == FieldProperties:
		return field
	}
	return fmt.Sprintf("%q", Inert(field))
}

// For returns the problems of the fields given.
func (ps Problems) For(fields ...string) Problems {
	var out Problems
	for _, p := range ps {
		if slices.Contains(fields, p.Field) {
			out = append(out, p)
		}
	}
	return out
}

func (ps Problems) filter(s Severity) Problems {
	var out Problems
	for _, p := range ps {
		if p.Severity == s {
			out = append(out, p)
		}
	}
	return out
}

// ValidationError carries the blocking problems of a request.
type ValidationError struct{ Problems Problems }

func (e *ValidationError) Error() string {
	lines := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		lines[i] = p.Error()
	}
	return "invalid request:\n  " + strings.Join(lines, "\n  ")
}

func refuse(field, id string, args l10n.Args) Problem {
	return Problem{Field: field, ID: id, Args: args}
}

func warn(field, id string, args l10n.Args) Problem {
	return Problem{Field: field, ID: id, Args: args, Severity: SeverityWarning}
}

// quoted is a value as messages show it: Go-quoted, so that spaces and
// control characters are visible.
func quoted(s string) string { return fmt.Sprintf("%q", s) }

// Validate checks every field against IMS's rules (see ims-api.md) and
// returns all problems at once. cat is the OS catalogue to check against; nil
// means the embedded one.
func (r Request) Validate(cat *Catalog) Problems {
	var ps Problems
	ps = append(ps, ValidateName(r.Name)...)
	ps = append(ps, ValidateOSVersion(cat, r.OSVersion)...)
	ps = append(ps, ValidateVisibility(r.Visibility)...)
	ps = append(ps, ValidateContainerFormat(r.ContainerFormat)...)
	ps = append(ps, ValidateDiskFormat(r.DiskFormat)...)
	ps = append(ps, ValidateTags(r.Tags)...)
	ps = append(ps, ValidateMinRAM(r.MinRAM)...)
	ps = append(ps, ValidateMinDisk(r.MinDisk)...)
	ps = append(ps, ValidateProperties(r.Properties)...)
	return ps
}

// Name limits: 255 is the request's hard limit; IMS's image-attribute rules
// (IMG.0002, IMG.0003) are stricter, so beyond them we only warn.
const (
	NameMaxLen    = 255
	NameAdviseLen = 128
)

// ValidateName: required, 1–255 characters; IMS's stricter rules warn.
func ValidateName(name string) Problems {
	n := utf8.RuneCountInString(name)
	switch {
	case strings.TrimSpace(name) == "":
		return Problems{refuse(FieldName, "validate.name.required", l10n.Args{"Max": NameMaxLen})}
	case n > NameMaxLen:
		return Problems{refuse(FieldName, "validate.name.too_long", l10n.Args{"Count": n, "Max": NameMaxLen})}
	case hasControl(name):
		return Problems{refuse(FieldName, "validate.name.control", l10n.Args{"Value": quoted(Inert(name))})}
	}
	var ps Problems
	if n > NameAdviseLen {
		ps = append(ps, warn(FieldName, "validate.name.long", l10n.Args{"Count": n, "Max": NameAdviseLen}))
	}
	if bad := badNameChars(name); bad != "" {
		ps = append(ps, warn(FieldName, "validate.name.chars", l10n.Args{"Chars": bad}))
	}
	if strings.TrimSpace(name) != name {
		ps = append(ps, warn(FieldName, "validate.name.spaces", nil))
	}
	return ps
}

func badNameChars(name string) string {
	var bad []string
	seen := map[rune]bool{}
	for _, r := range name {
		ok := r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r)) ||
			r == ' ' || r == '-' || r == '.' || r == '_' || unicode.Is(unicode.Han, r)
		if !ok && !seen[r] {
			seen[r] = true
			bad = append(bad, fmt.Sprintf("%q", r))
		}
	}
	return strings.Join(bad, ", ")
}

// ValidateOSVersion: a value of cat, Windows refused, omitted warns. A live
// list (Source.Origin OriginLive) is the truth: what it lacks is refused
// with suggestions from it, what it has is accepted. With the embedded
// catalogue, a value that Huawei's API reference does not vouch for is
// accepted with a warning naming its evidence: the region decides.
func ValidateOSVersion(cat *Catalog, version string) Problems {
	if cat == nil {
		cat = EmbeddedCatalog()
	}
	if strings.TrimSpace(version) == "" {
		return Problems{warn(FieldOSVersion, "validate.os_version.unset", l10n.Args{"Fallback": quoted(FallbackOSVersion)})}
	}
	v, ok := cat.Lookup(version)
	if !ok {
		return Problems{unknownOSVersion(cat, version)}
	}
	if IsWindows(v) {
		return Problems{refuse(FieldOSVersion, "validate.os_version.windows", l10n.Args{"Value": quoted(v.Version)})}
	}
	if v.Version == FallbackOSVersion {
		return Problems{warn(FieldOSVersion, "validate.os_version.fallback", l10n.Args{"Value": quoted(v.Version)})}
	}
	if id, weak := weakEvidenceWarning[v.Evidence]; weak && cat.Source.Origin != OriginLive {
		return Problems{warn(FieldOSVersion, id, l10n.Args{"Value": quoted(v.Version)})}
	}
	return nil
}

// weakEvidenceWarning is the warning of each evidence level short of
// Huawei's API reference.
var weakEvidenceWarning = map[string]string{
	EvidenceAPITest:    "osversions.validate.weak.api_test",
	EvidencePeerAPIDoc: "osversions.validate.weak.peer_api_doc",
	EvidenceImageName:  "osversions.validate.weak.image_name",
	EvidencePeerDoc:    "osversions.validate.weak.peer_doc",
}

// maxShownValue is how much of an unknown value a message repeats: enough
// to recognise it, never a pasted file.
const maxShownValue = 80

func unknownOSVersion(cat *Catalog, version string) Problem {
	shown := version
	if utf8.RuneCountInString(version) > maxShownValue {
		shown = cut(version, maxShownValue) + "…"
	}
	args := l10n.Args{"Value": quoted(shown)}
	suggestions := cat.Suggest(version, 3)
	if len(suggestions) > 0 {
		args["Suggestions"] = quoteJoin(suggestions)
	}
	if cat.Source.Origin == OriginLive {
		args["Endpoint"] = cat.Source.Name()
		if len(suggestions) > 0 {
			return refuse(FieldOSVersion, "osversions.validate.not_listed_suggest", args)
		}
		return refuse(FieldOSVersion, "osversions.validate.not_listed", args)
	}
	if len(suggestions) > 0 {
		return refuse(FieldOSVersion, "validate.os_version.unknown_suggest", args)
	}
	return refuse(FieldOSVersion, "validate.os_version.unknown", args)
}

func quoteJoin(ss []string) string {
	q := make([]string, len(ss))
	for i, s := range ss {
		q[i] = fmt.Sprintf("%q", s)
	}
	return strings.Join(q, ", ")
}

// ValidateVisibility: only private can be set when creating metadata.
func ValidateVisibility(v string) Problems {
	if v == "" || v == DefaultVisibility {
		return nil
	}
	return Problems{refuse(FieldVisibility, "validate.visibility", l10n.Args{"Value": quoted(v), "Allowed": quoted(DefaultVisibility)})}
}

// ValidateContainerFormat: only bare.
func ValidateContainerFormat(v string) Problems {
	if v == "" || v == DefaultContainerFormat {
		return nil
	}
	return Problems{refuse(FieldContainerFormat, "validate.container_format", l10n.Args{"Value": quoted(v), "Allowed": quoted(DefaultContainerFormat)})}
}

// ValidateDiskFormat: one of the seed's five.
func ValidateDiskFormat(v string) Problems {
	if v == "" {
		return nil
	}
	names := make([]string, len(DiskFormats))
	for i, f := range DiskFormats {
		if f.Name == v {
			return nil
		}
		names[i] = f.Name
	}
	return Problems{refuse(FieldDiskFormat, "validate.disk_format", l10n.Args{"Value": quoted(v), "Allowed": strings.Join(names, ", ")})}
}

// TagMaxLen is the longest tag IMS accepts.
const TagMaxLen = 255

// ValidateTags: each 1–255 characters, key=value with a non-empty key, no duplicates.
func ValidateTags(tags []string) Problems {
	var ps Problems
	seen := map[string]int{}
	for i, t := range tags {
		pos := i + 1
		n := utf8.RuneCountInString(t)
		switch {
		case n == 0:
			ps = append(ps, refuse(FieldTags, "validate.tag.empty", l10n.Args{"N": pos}))
			continue
		case n > TagMaxLen:
			ps = append(ps, refuse(FieldTags, "validate.tag.too_long", l10n.Args{"N": pos, "Count": n, "Max": TagMaxLen}))
		}
		if hasControl(t) {
			ps = append(ps, refuse(FieldTags, "validate.tag.control", l10n.Args{"N": pos, "Value": quoted(Inert(t))}))
		}
		key, _, ok := strings.Cut(t, "=")
		switch {
		case !ok:
			ps = append(ps, refuse(FieldTags, "validate.tag.not_key_value", l10n.Args{"N": pos, "Value": quoted(Inert(t)), "Example": quoted(Inert(t) + "=value")}))
		case strings.TrimSpace(key) == "":
			ps = append(ps, refuse(FieldTags, "validate.tag.no_key", l10n.Args{"N": pos, "Value": quoted(Inert(t))}))
		}
		if first, dup := seen[t]; dup {
			ps = append(ps, refuse(FieldTags, "validate.tag.duplicate", l10n.Args{"N": pos, "Value": quoted(Inert(t)), "First": first}))
		} else {
			seen[t] = i + 1
		}
	}
	return ps
}

// ValidateMinRAM: MB, 0 or more, fitting a 32-bit integer.
func ValidateMinRAM(v *int64) Problems {
	switch {
	case v == nil:
		return nil
	case *v < 0:
		return Problems{refuse(FieldMinRAM, "validate.min_ram.negative", l10n.Args{"Value": *v})}
	case *v > MaxInt32:
		return Problems{refuse(FieldMinRAM, "validate.min_ram.too_large", l10n.Args{"Value": *v, "Max": MaxInt32})}
	}
	return nil
}

// min_disk bounds in GB, from the seed.
const (
	MinDiskLow  = 40
	MinDiskHigh = 255
)

// ValidateMinDisk: 40–255 GB when given.
func ValidateMinDisk(v *int64) Problems {
	if v == nil || (*v >= MinDiskLow && *v <= MinDiskHigh) {
		return nil
	}
	return Problems{refuse(FieldMinDisk, "validate.min_disk.range", l10n.Args{"Value": *v, "Low": MinDiskLow, "High": MinDiskHigh})}
}

// hasControl reports characters a terminal would act on: never part of a
// name or tag anyone meant to type.
func hasControl(s string) bool {
	for _, r := range s {
		if needsEscape(r, false) {
			return true
		}
	}
	return false
}
