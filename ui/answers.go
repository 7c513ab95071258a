package ui

import (
	"slices"
	"strconv"
	"strings"

	"github.com/ims-wizard/ims-wizard/client"
)

// Answers holds every answer of the wizard as the text the user typed or
// picked. It is a plain struct (no pointers, no catalogue) so that it can be
// saved as a draft and read back; Request turns it into the API body through
// the client's parsers, and Problems checks it with the client's validators.
type Answers struct {
	Name       string `json:"name"`
	Arch       string `json:"arch,omitempty"` // x86_64 or aarch64: which OS list is offered
	Platform   string `json:"platform"`
	OSVersion  string `json:"os_version"`
	DiskFormat string `json:"disk_format"`
	MinDisk    string `json:"min_disk"` // GB as typed; "" means not sent
	MinRAM     string `json:"min_ram"`  // MB as typed; "" means not sent
	Tags       string `json:"tags"`     // one key=value per line (commas also separate)
	Protected  bool   `json:"protected"`
	// File is the image file chosen before the create, to upload right
	// after it; "" for none.
	File string `json:"file,omitempty"`
	// Properties are extra key: value properties (from a pasted body,
	// --from): sent as they are, shown in the review.
	Properties []client.Property `json:"properties,omitempty"`

	// versionPicked: the platforms' filter chose a version too (the
	// version step is skipped). Never saved.
	versionPicked bool
}

// Equal reports the same answers.
func (a Answers) Equal(b Answers) bool {
	return a.Name == b.Name && a.Arch == b.Arch && a.Platform == b.Platform && a.OSVersion == b.OSVersion &&
		a.DiskFormat == b.DiskFormat && a.MinDisk == b.MinDisk && a.MinRAM == b.MinRAM && a.Tags == b.Tags &&
		a.Protected == b.Protected && a.File == b.File && slices.Equal(a.Properties, b.Properties)
}

// AnswersFromRequest prefills the answers from a request (the CLI's flags).
// An OS version found in cat selects its platform; one that is not found is
// kept as given, so its problem is shown on the OS step.
func AnswersFromRequest(r client.Request, cat *client.Catalog) Answers {
	if cat == nil {
		cat = client.EmbeddedCatalog()
	}
	a := Answers{
		Name:       r.Name,
		OSVersion:  r.OSVersion,
		DiskFormat: r.DiskFormat,
		Tags:       strings.Join(r.Tags, "\n"),
		Protected:  r.Protected,
	}
	if a.DiskFormat == "" {
		a.DiskFormat = client.DefaultDiskFormat
	}
	if r.MinDisk != nil {
		a.MinDisk = itoa(*r.MinDisk)
	}
	if r.MinRAM != nil {
		a.MinRAM = itoa(*r.MinRAM)
	}
	a.Properties = slices.Clone(r.Properties)
	if v, ok := cat.Lookup(r.OSVersion); ok {
		a.OSVersion = v.Version
		a.Arch = v.Arch
		if !client.IsWindows(v) {
			a.Platform = v.Platform
		}
	}
	return a
}

// Input is the answers as the client's typed-text input.
func (a Answers) Input() client.Input {
	return client.Input{
		Name: a.Name, OSVersion: a.OSVersion, DiskFormat: a.DiskFormat,
		MinDisk: a.MinDisk, MinRAM: a.MinRAM, Tags: a.Tags, Protected: a.Protected,
		Properties: slices.Clone(a.Properties),
	}
}

// AnswersFromInput are the answers of typed text (a pasted request, whose
// mistyped values stay as the customer wrote them): an OS version found in
// cat selects its platform and architecture.
func AnswersFromInput(in client.Input, cat *client.Catalog) Answers {
	r, _ := in.RequestAsTyped()
	a := AnswersFromRequest(r, cat)
	a.OSVersion = in.OSVersion
	if v, ok := catalogOrEmbedded(cat).Lookup(in.OSVersion); ok {
		a.OSVersion = v.Version
	}
	a.MinDisk, a.MinRAM, a.Tags = in.MinDisk, in.MinRAM, in.Tags
	a.Properties = slices.Clone(in.Properties)
	return a
}

func catalogOrEmbedded(cat *client.Catalog) *client.Catalog {
	if cat == nil {
		return client.EmbeddedCatalog()
	}
	return cat
}

// Request converts the answers into the request body, through the client's
// one conversion of typed text (client.Input.Request): the CLI's flags and
// a resumed draft mean the same.
func (a Answers) Request() (client.Request, client.Problems) { return a.Input().Request() }

// Problems is every finding about the answers: parse errors first, then the
// client's validation of the request (the same rules the CLI applies).
func (a Answers) Problems(cat *client.Catalog) client.Problems { return a.Input().Problems(cat) }

func itoa(v int64) string { return strconv.FormatInt(v, 10) }
