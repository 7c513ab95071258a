package ui

import (
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
	Platform   string `json:"platform"`
	OSVersion  string `json:"os_version"`
	DiskFormat string `json:"disk_format"`
	MinDisk    string `json:"min_disk"` // GB as typed; "" means not sent
	MinRAM     string `json:"min_ram"`  // MB as typed; "" means not sent
	Tags       string `json:"tags"`     // one key=value per line (commas also separate)
	Protected  bool   `json:"protected"`
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
	if v, ok := cat.Lookup(r.OSVersion); ok {
		a.OSVersion = v.Version
		if !client.IsWindows(v) {
			a.Platform = v.Platform
		}
	}
	return a
}

// Request converts the answers into the request body. Text that does not
// parse (min_disk "abc") is reported as a problem of its field and left out
// of the request.
func (a Answers) Request() (client.Request, client.Problems) {
	r := client.NewRequest()
	r.Name = a.Name
	r.OSVersion = strings.TrimSpace(a.OSVersion)
	if a.DiskFormat != "" {
		r.DiskFormat = a.DiskFormat
	}
	r.Tags = client.ParseTags(a.Tags)
	r.Protected = a.Protected
	var ps client.Problems
	if v, p := client.ParseInt(client.FieldMinDisk, a.MinDisk); p != nil {
		ps = append(ps, *p)
	} else {
		r.MinDisk = v
	}
	if v, p := client.ParseInt(client.FieldMinRAM, a.MinRAM); p != nil {
		ps = append(ps, *p)
	} else {
		r.MinRAM = v
	}
	return r, ps
}

// Problems is every finding about the answers: parse errors first, then the
// client's validation of the request (the same rules the CLI applies).
func (a Answers) Problems(cat *client.Catalog) client.Problems {
	r, parse := a.Request()
	ps := append(client.Problems{}, parse...)
	for _, p := range r.Validate(cat) {
		if len(parse.For(p.Field)) > 0 {
			continue // the text did not parse; do not also judge the omitted value
		}
		ps = append(ps, p)
	}
	return ps
}

func itoa(v int64) string { return strconv.FormatInt(v, 10) }
