package client

import "strings"

// Input is a request as people give it: the text of the flags, of the
// wizard's steps and of a draft, before anything is parsed. Request is the
// one conversion from that text to the API body, whichever front end it
// came from, so that a value means the same everywhere.
type Input struct {
	Name            string
	OSVersion       string
	DiskFormat      string // "" means the default, zvhd2
	ContainerFormat string // "" means the default, bare
	Visibility      string // "" means the default, private
	MinDisk         string // GB as typed; "" means not sent
	MinRAM          string // MB as typed; "" means not sent
	Tags            string // one key=value per line; commas also separate
	Protected       bool
	// Properties are extra key: value properties (from a pasted body),
	// kept as they are.
	Properties []Property
}

// Request turns the text into the request body: the OS version's spacing
// normalised (NormalizeOSVersion), tags split (ParseTags), sizes parsed
// (ParseInt), IMS's defaults where nothing was given. Text that does not
// parse (min_disk "abc") is a problem of its field, and the field is left
// out of the request.
func (in Input) Request() (Request, Problems) {
	r, ps := in.RequestAsTyped()
	r.OSVersion = NormalizeOSVersion(r.OSVersion)
	return r, ps
}

// RequestAsTyped is Request with the OS version exactly as typed, for
// --no-validate, which reproduces what a customer sent.
func (in Input) RequestAsTyped() (Request, Problems) {
	r := NewRequest()
	r.Name = in.Name
	r.OSVersion = in.OSVersion
	if in.DiskFormat != "" {
		r.DiskFormat = in.DiskFormat
	}
	if in.ContainerFormat != "" {
		r.ContainerFormat = in.ContainerFormat
	}
	if in.Visibility != "" {
		r.Visibility = in.Visibility
	}
	r.Tags = ParseTags(in.Tags)
	r.Protected = in.Protected
	r.Properties = append([]Property(nil), in.Properties...)
	var ps Problems
	for _, f := range []struct {
		field, text string
		dst         **int64
	}{{FieldMinDisk, in.MinDisk, &r.MinDisk}, {FieldMinRAM, in.MinRAM, &r.MinRAM}} {
		v, p := ParseInt(f.field, f.text)
		if p != nil {
			ps = append(ps, *p)
			continue
		}
		*f.dst = v
	}
	return r, ps
}

// Problems is every finding about the input: parse errors first, then
// Validate's (against cat; nil: the embedded catalogue). A field whose text
// did not parse is not judged again as omitted.
func (in Input) Problems(cat *Catalog) Problems {
	r, parse := in.Request()
	ps := append(Problems{}, parse...)
	for _, p := range r.Validate(cat) {
		if len(parse.For(p.Field)) > 0 {
			continue
		}
		ps = append(ps, p)
	}
	return ps
}

// InputOf is the text a request would have been typed as: the start of a
// wizard prefilled from a request.
func InputOf(r Request) Input {
	in := Input{
		Name: r.Name, OSVersion: r.OSVersion, DiskFormat: r.DiskFormat, ContainerFormat: r.ContainerFormat,
		Visibility: r.Visibility, Tags: strings.Join(r.Tags, "\n"), Protected: r.Protected,
		Properties: append([]Property(nil), r.Properties...),
	}
	if r.MinDisk != nil {
		in.MinDisk = itoa(*r.MinDisk)
	}
	if r.MinRAM != nil {
		in.MinRAM = itoa(*r.MinRAM)
	}
	return in
}
