// Package create is the root command: the wizard on a terminal, or a
// scripted create with --yes.
package create

import (
	"fmt"
	"strings"

	"github.com/ims-wizard/ims-wizard/client"
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

func (f *Flags) register(fs *pflag.FlagSet) {
	fs.StringVar(&f.Name, "name", "", "image name (1–255 characters)")
	fs.StringVar(&f.OSVersion, "os-version", "", `__os_version, e.g. "Ubuntu 14.04 server 64bit" (see: ims-wizard os-versions)`)
	fs.StringVar(&f.DiskFormat, "disk-format", client.DefaultDiskFormat, "zvhd2, vhd, raw, iso or qcow2")
	fs.StringVar(&f.ContainerFormat, "container-format", client.DefaultContainerFormat, "container format (only bare)")
	fs.StringVar(&f.MinDisk, "min-disk", "", "minimum system disk in GB, 40–255")
	fs.StringVar(&f.MinRAM, "min-ram", "", "minimum memory in MB (0 = no minimum)")
	fs.StringArrayVar(&f.Tags, "tag", nil, "tag as key=value (repeatable; a comma also separates tags)")
	fs.BoolVar(&f.Protected, "protected", false, "protect the image from deletion")
	fs.StringVar(&f.Visibility, "visibility", client.DefaultVisibility, "visibility (only private)")

	fs.BoolVarP(&f.Yes, "yes", "y", false, "create from the flags without prompting")
	fs.BoolVar(&f.DryRun, "dry-run", false, "validate and print the JSON body and an equivalent curl; send nothing")
	fs.StringVarP(&f.Output, "output", "o", "text", "output format: text or json")
	fs.BoolVar(&f.NoValidate, "no-validate", false, "send values as given, skipping local checks (to reproduce server errors)")
	fs.BoolVar(&f.Accessible, "accessible", false, "screen-reader friendly prompts (also ACCESSIBLE=1)")
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
	return fmt.Errorf("-o/--output %q: use text or json", f.Output)
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
