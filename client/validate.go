package client

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Severity tells a refusal from advice.
type Severity int

const (
	SeverityError Severity = iota
	SeverityWarning
)

// Problem is one finding about one field, worded for a first-time user.
type Problem struct {
	Field    string
	Message  string
	Severity Severity
}

func (p *Problem) Error() string { return p.Field + ": " + p.Message }

// IsWarning reports advice that does not block the request.
func (p Problem) IsWarning() bool { return p.Severity == SeverityWarning }

// Problems is every finding about a request.
type Problems []Problem

// Errors are the problems that block sending.
func (ps Problems) Errors() Problems { return ps.filter(SeverityError) }

// Warnings are the problems that are shown but do not block.
func (ps Problems) Warnings() Problems { return ps.filter(SeverityWarning) }

// For returns the problems of one field.
func (ps Problems) For(field string) Problems {
	var out Problems
	for _, p := range ps {
		if p.Field == field {
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

func refuse(field, format string, args ...any) Problem {
	return Problem{Field: field, Message: fmt.Sprintf(format, args...)}
}

func warn(field, format string, args ...any) Problem {
	return Problem{Field: field, Message: fmt.Sprintf(format, args...), Severity: SeverityWarning}
}

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
	return ps
}

// Name limits: 255 is the request's hard limit; IMS's image-attribute rules
// (IMG.0002, IMG.0003) are stricter, so beyond them we only warn.
const (
	NameMaxLen     = 255
	NameAdviseLen  = 128
	nameCharsHuman = "letters, digits, spaces, hyphens (-), periods (.), underscores (_) and Chinese characters"
)

// ValidateName: required, 1–255 characters; IMS's stricter rules warn.
func ValidateName(name string) Problems {
	n := utf8.RuneCountInString(name)
	switch {
	case strings.TrimSpace(name) == "":
		return Problems{refuse(FieldName, "a name is required (1–%d characters): without one, creating a server from this image fails", NameMaxLen)}
	case n > NameMaxLen:
		return Problems{refuse(FieldName, "is %d characters long; the maximum is %d", n, NameMaxLen)}
	case hasControl(name):
		return Problems{refuse(FieldName, "contains control characters (shown as %q); remove them", Inert(name))}
	}
	var ps Problems
	if n > NameAdviseLen {
		ps = append(ps, warn(FieldName, "is %d characters long; IMS's console and some regions allow only %d (error IMG.0002)", n, NameAdviseLen))
	}
	if bad := badNameChars(name); bad != "" {
		ps = append(ps, warn(FieldName, "contains %s; IMS recommends only %s (error IMG.0003)", bad, nameCharsHuman))
	}
	if strings.TrimSpace(name) != name {
		ps = append(ps, warn(FieldName, "starts or ends with a space; IMS may refuse it (error IMG.0003)"))
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

// ValidateOSVersion: a catalogue entry; Windows refused; omitted warns.
func ValidateOSVersion(cat *Catalog, version string) Problems {
	if cat == nil {
		cat = EmbeddedCatalog()
	}
	if strings.TrimSpace(version) == "" {
		return Problems{warn(FieldOSVersion, "not set: IMS will record %q, and creating a server from this image may fail", FallbackOSVersion)}
	}
	v, ok := cat.Lookup(version)
	if !ok {
		msg := fmt.Sprintf("%q is not an OS version IMS knows", version)
		if s := cat.Suggest(version, 3); len(s) > 0 {
			msg += "; did you mean " + quoteJoin(s) + "?"
		} else {
			msg += "; list the accepted values with: ims-wizard os-versions"
		}
		return Problems{refuse(FieldOSVersion, "%s", msg)}
	}
	if IsWindows(v) {
		return Problems{refuse(FieldOSVersion, "%q is a Windows version: Huawei Cloud no longer provides Windows images, so this API no longer creates Windows image metadata", v.Version)}
	}
	if v.Version == FallbackOSVersion {
		return Problems{warn(FieldOSVersion, "%q is IMS's fallback: creating a server from this image may fail, and the server may not run correctly", v.Version)}
	}
	return nil
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
	return Problems{refuse(FieldVisibility, "%q is not allowed: image metadata can only be created %q (share the image afterwards)", v, DefaultVisibility)}
}

// ValidateContainerFormat: only bare.
func ValidateContainerFormat(v string) Problems {
	if v == "" || v == DefaultContainerFormat {
		return nil
	}
	return Problems{refuse(FieldContainerFormat, "%q is not allowed: IMS accepts only %q", v, DefaultContainerFormat)}
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
	return Problems{refuse(FieldDiskFormat, "%q is not a supported format; use one of %s", v, strings.Join(names, ", "))}
}

// TagMaxLen is the longest tag IMS accepts.
const TagMaxLen = 255

// ValidateTags: each 1–255 characters, key=value with a non-empty key, no duplicates.
func ValidateTags(tags []string) Problems {
	var ps Problems
	seen := map[string]int{}
	for i, t := range tags {
		pos := fmt.Sprintf("tag %d", i+1)
		n := utf8.RuneCountInString(t)
		switch {
		case n == 0:
			ps = append(ps, refuse(FieldTags, "%s is empty; a tag is key=value, for example \"env=prod\"", pos))
			continue
		case n > TagMaxLen:
			ps = append(ps, refuse(FieldTags, "%s is %d characters long; the maximum is %d", pos, n, TagMaxLen))
		}
		if hasControl(t) {
			ps = append(ps, refuse(FieldTags, "%s %q contains control characters; remove them", pos, Inert(t)))
		}
		key, _, ok := strings.Cut(t, "=")
		switch {
		case !ok:
			ps = append(ps, refuse(FieldTags, "%s %q is not key=value; write it as, for example, \"%s=value\"", pos, t, t))
		case strings.TrimSpace(key) == "":
			ps = append(ps, refuse(FieldTags, "%s %q has no key before \"=\"", pos, t))
		}
		if first, dup := seen[t]; dup {
			ps = append(ps, refuse(FieldTags, "%s %q repeats tag %d; give each tag once", pos, t, first))
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
		return Problems{refuse(FieldMinRAM, "%d is negative; give the minimum memory in MB, or 0 for no minimum", *v)}
	case *v > MaxInt32:
		return Problems{refuse(FieldMinRAM, "%d MB is too large; the maximum is %d", *v, MaxInt32)}
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
	return Problems{refuse(FieldMinDisk, "%d GB is outside %d–%d GB; it must also be larger than the image's system disk", *v, MinDiskLow, MinDiskHigh)}
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
