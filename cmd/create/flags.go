// Package create is the root command: the wizard on a terminal, or a
// scripted create with --yes.
package create

import (
	"fmt"
	"strings"

	"github.com/ims-wizard/ims-wizard/client"
	"github.com/ims-wizard/ims-wizard/client/l10n"
	"github.com/spf13/pflag"
)

// Flags are the request flags, named after the flags users type.
type Flags struct {
	Name            string
	OSVersion       string
	DiskFormat      string
	ContainerFormat string
	MinDisk         string
	MinRAM          string
	Tags            []string
	Protected       bool
	Visibility      string

	Yes        bool
	DryRun     bool
	Output     string
	NoValidate bool
	Accessible bool
	From       string // --from: a pasted body or curl command (from.go)
	File       string // --file: the image file to check and upload (file.go)

	file *client.ImageFile // --file, inspected

	changed func(string) bool
}

func (f *Flags) register(fs *pflag.FlagSet, loc *l10n.Localizer) {
	fs.StringVar(&f.Name, "name", "", loc.T("help.flag.name"))
	fs.StringVar(&f.OSVersion, "os-version", "", loc.T("help.flag.os_version"))
	fs.StringVar(&f.DiskFormat, "disk-format", client.DefaultDiskFormat, loc.T("help.flag.disk_format"))
	fs.StringVar(&f.ContainerFormat, "container-format", client.DefaultContainerFormat, loc.T("help.flag.container_format"))
	fs.StringVar(&f.MinDisk, "min-disk", "", loc.T("help.flag.min_disk"))
	fs.StringVar(&f.MinRAM, "min-ram", "", loc.T("help.flag.min_ram"))
	fs.StringArrayVar(&f.Tags, "tag", nil, loc.T("help.flag.tag"))
	fs.BoolVar(&f.Protected, "protected", false, loc.T("help.flag.protected"))
	fs.StringVar(&f.Visibility, "visibility", client.DefaultVisibility, loc.T("help.flag.visibility"))

	fs.BoolVarP(&f.Yes, "yes", "y", false, loc.T("help.flag.yes"))
	fs.BoolVar(&f.DryRun, "dry-run", false, loc.T("help.flag.dry_run"))
	fs.StringVarP(&f.Output, "output", "o", "text", loc.T("help.flag.output"))
	fs.BoolVar(&f.NoValidate, "no-validate", false, loc.T("help.flag.no_validate"))
	fs.BoolVar(&f.Accessible, "accessible", false, loc.T("help.flag.accessible"))
	f.changed = func(name string) bool { return fs.Changed(name) }
}

// request builds the request from the flags, through the client's one
// conversion of typed text (client.Input). Integers that do not parse are
// problems of their field, reported with the others.
func (f *Flags) request() (client.Request, client.Problems) {
	in := client.Input{
		Name: f.Name, OSVersion: f.OSVersion, DiskFormat: f.DiskFormat, ContainerFormat: f.ContainerFormat,
		Visibility: f.Visibility, MinDisk: f.MinDisk, MinRAM: f.MinRAM, Protected: f.Protected,
		// One rule for tags everywhere (flags, wizard, sandbox): a newline or
		// a comma separates them, so --tag a=1,b=2 is two tags.
		Tags: strings.Join(f.Tags, "\n"),
	}
	if f.NoValidate { // --no-validate sends values exactly as given
		return in.RequestAsTyped()
	}
	return in.Request()
}

// missingForScript lists what a non-interactive run must be given.
func (f *Flags) missingForScript() []string {
	var missing []string
	if !f.changed("name") {
		missing = append(missing, "--name")
	}
	return missing
}

func (f *Flags) checkOutput() error {
	switch f.Output {
	case "text", "json":
		return nil
	}
	return client.NewError(nil, "cli.output.unknown", l10n.Args{"Flag": "-o/--output", "Value": client.Inert(fmt.Sprintf("%q", f.Output))})
}

// flagFor maps an API field to the flag that sets it, for messages.
func flagFor(field string) string {
	switch field {
	case client.FieldOSVersion:
		return "--os-version"
	case client.FieldTags:
		return "--tag"
	}
	return "--" + strings.ReplaceAll(field, "_", "-")
}
