package ui

import (
	"errors"
	"fmt"
	"strings"

	"github.com/charmbracelet/huh"
	"github.com/charmbracelet/lipgloss"
	"github.com/ims-wizard/ims-wizard/client"
)

// stepID names the wizard's form steps in order. The operating system is
// asked in two steps (platform, then version) that share the number 2.
type stepID int

const (
	stepName stepID = iota
	stepPlatform
	stepVersion
	stepDisk
	stepSizes
	stepTags
	numSteps
)

// reviewNumber is the review's number in "Step N of 6".
const reviewNumber = 6

// stepInfo is what a step tells the user: its number and title, and a line
// or two from the seed document on what the parameter is, its default and
// what it changes.
type stepInfo struct {
	number int
	title  string
	help   string
	fields []string // API fields the step answers
}

var steps = [numSteps]stepInfo{
	stepName: {1, "Name", "Required, 1–255 characters (IMS's console allows 128: letters, digits, spaces, - . _ and Chinese). " +
		"Without a name, creating a server (ECS) from the image fails.",
		[]string{client.FieldName}},
	stepPlatform: {2, "Operating system · platform", "__os_version: the image's OS; IMS derives __platform, __os_type and __os_bit from it. " +
		"Unset, IMS records Other Linux(64 bit): servers may fail.",
		[]string{client.FieldOSVersion}},
	stepVersion: {2, "Operating system · version", "The exact __os_version (/ filters). Each shows the OS type and bits IMS will record.",
		[]string{client.FieldOSVersion}},
	stepDisk: {3, "Disk and container format", "disk_format: the format of the image file you will upload. " +
		"Default zvhd2 for non-ISO images; iso makes an ISO image.",
		[]string{client.FieldDiskFormat, client.FieldContainerFormat}},
	stepSizes: {4, "Minimum disk and RAM", "What a server needs to run this image. Both optional: an empty field is left out of the request.",
		[]string{client.FieldMinDisk, client.FieldMinRAM}},
	stepTags: {5, "Tags, protection, visibility", "Tags are key=value pairs (e.g. tagkey=tagvalue), each 1–255 characters. " +
		"A protected image cannot be deleted.",
		[]string{client.FieldTags, client.FieldProtected, client.FieldVisibility}},
}

// stepOf returns the first step that answers field.
func stepOf(field string) stepID {
	for i, s := range steps {
		for _, f := range s.fields {
			if f == field {
				if stepID(i) == stepPlatform {
					return stepVersion
				}
				return stepID(i)
			}
		}
	}
	return stepName
}

// stepForm is one step's huh form with what the wizard needs to drive it.
type stepForm struct {
	id    stepID
	form  *huh.Form
	first huh.Field // back from this field leaves the step
	// pick is the step's OS picker, whose height follows the terminal.
	pick *picker
}

// firstError turns the client's problems into the error a huh field shows:
// the first blocking problem, worded as the CLI words it.
func firstError(ps client.Problems) error {
	if errs := ps.Errors(); len(errs) > 0 {
		p := errs[0]
		return errors.New(p.Error())
	}
	return nil
}

func validateName(s string) error { return firstError(client.ValidateName(s)) }

func validateIntField(field string, check func(*int64) client.Problems) func(string) error {
	return func(s string) error {
		v, p := client.ParseInt(field, s)
		if p != nil {
			return errors.New(p.Error())
		}
		return firstError(check(v))
	}
}

var (
	validateMinDisk = validateIntField(client.FieldMinDisk, client.ValidateMinDisk)
	validateMinRAM  = validateIntField(client.FieldMinRAM, client.ValidateMinRAM)
)

func validateTags(s string) error { return firstError(client.ValidateTags(client.ParseTags(s))) }

// stepProblems is what the client's validators say about a step's answers.
func stepProblems(id stepID, a *Answers, cat *client.Catalog) client.Problems {
	switch id {
	case stepName:
		return client.ValidateName(a.Name)
	case stepPlatform, stepVersion:
		return client.ValidateOSVersion(cat, a.OSVersion)
	case stepDisk:
		return client.ValidateDiskFormat(a.DiskFormat)
	case stepSizes:
		var ps client.Problems
		for _, f := range []struct {
			field string
			text  string
			check func(*int64) client.Problems
		}{{client.FieldMinDisk, a.MinDisk, client.ValidateMinDisk}, {client.FieldMinRAM, a.MinRAM, client.ValidateMinRAM}} {
			v, p := client.ParseInt(f.field, f.text)
			if p != nil {
				ps = append(ps, *p)
				continue
			}
			ps = append(ps, f.check(v)...)
		}
		return ps
	case stepTags:
		return client.ValidateTags(client.ParseTags(a.Tags))
	}
	return nil
}

// prepareStep makes the answers consistent with what the step offers before
// its form is built: a platform that is offered, a version of that platform.
func prepareStep(id stepID, a *Answers, menu *osMenu) {
	switch id {
	case stepPlatform:
		if _, ok := menu.platform(a.Platform); !ok {
			a.Platform = menu.defaultPlatform()
		}
	case stepVersion:
		e, ok := menu.platform(a.Platform)
		if !ok {
			a.Platform = menu.defaultPlatform()
			e, _ = menu.platform(a.Platform)
		}
		if !e.has(a.OSVersion) && len(e.versions) > 0 {
			a.OSVersion = e.versions[0].Version
		}
	case stepDisk:
		if a.DiskFormat == "" {
			a.DiskFormat = client.DefaultDiskFormat
		}
	}
}

// newKeyMap is huh's default keymap with the two changes the wizard needs:
// ctrl+c is the wizard's (it never reaches a form), and the tags text area
// does not open an external editor.
func newKeyMap() *huh.KeyMap {
	km := huh.NewDefaultKeyMap()
	km.Quit.SetEnabled(false)
	km.Text.Editor.SetEnabled(false)
	km.Text.NewLine.SetHelp("ctrl+j", "new line")
	return km
}

// accessibleValidator adapts a validator to huh's accessible prompts, which
// validate the raw line before applying the default: an empty line keeps
// the current value, and "-" clears an optional one.
func accessibleValidator(validate func(string) error, cur *string, optional bool) func(string) error {
	return func(s string) error {
		t := strings.TrimSpace(s)
		if t == "" && *cur != "" || optional && t == "-" {
			return nil
		}
		return validate(s)
	}
}

// keeps is the hint accessible prompts add to a title: huh does not say
// what an empty answer keeps.
func keeps(accessible bool, current string) string {
	if !accessible || strings.TrimSpace(current) == "" {
		return ""
	}
	return " (Enter keeps: " + client.Inert(current) + ")"
}

// titled is a field title; huh's accessible prompts print only the title,
// so there the description is read as part of it.
func titled(accessible bool, title, description, current string) (string, string) {
	if accessible {
		return title + ". " + description + keeps(true, current), ""
	}
	return title, description
}

// stepFields builds a step's huh fields, bound to the answers, with the
// client's validators. accessible adapts them to huh's accessible prompts.
func stepFields(id stepID, a *Answers, c *common, accessible bool) (fields []huh.Field, pk *picker) {
	prepareStep(id, a, c.menu)
	v := func(validate func(string) error, cur *string, optional bool) func(string) error {
		if !accessible {
			return validate
		}
		return accessibleValidator(validate, cur, optional)
	}
	clear := ""
	if accessible {
		clear = " Enter - to leave it out."
	}
	switch id {
	case stepName:
		fields = append(fields, huh.NewInput().Key(client.FieldName).
			Title("Image name"+keeps(accessible, a.Name)).
			Placeholder("e.g. ubuntu-22.04-web").
			Validate(v(validateName, &a.Name, false)).
			Value(&a.Name))
	case stepPlatform:
		labels := make([]string, len(c.menu.platforms))
		values := make([]string, len(c.menu.platforms))
		for i, p := range c.menu.platforms {
			labels[i], values[i] = p.label, p.name
		}
		pk = newPicker("platform", "Platform"+keeps(accessible, a.Platform), labels, values, &a.Platform)
		fields = append(fields, pk)
	case stepVersion:
		e, _ := c.menu.platform(a.Platform)
		values := make([]string, len(e.versions))
		for i, ver := range e.versions {
			values[i] = ver.Version
		}
		pk = newPicker(client.FieldOSVersion, e.name+" version"+keeps(accessible, a.OSVersion), e.labels, values, &a.OSVersion).
			Validate(func(v string) error { return firstError(client.ValidateOSVersion(c.cat, v)) })
		fields = append(fields, pk)
	case stepDisk:
		w := 0
		for _, f := range client.DiskFormats {
			w = max(w, len(f.Name))
		}
		labels := make([]string, len(client.DiskFormats))
		values := make([]string, len(client.DiskFormats))
		for i, f := range client.DiskFormats {
			labels[i], values[i] = fmt.Sprintf("%-*s  %s", w, f.Name, f.Note), f.Name
			if f.Name == client.DefaultDiskFormat && !strings.Contains(f.Note, "default") {
				labels[i] += " (default)"
			}
		}
		pk = newPicker(client.FieldDiskFormat, "Disk format (disk_format)"+keeps(accessible, a.DiskFormat), labels, values, &a.DiskFormat).
			Validate(func(v string) error { return firstError(client.ValidateDiskFormat(v)) })
		fields = append(fields, pk)
	case stepSizes:
		diskTitle, diskHelp := titled(accessible, "Minimum disk, GB (min_disk)",
			fmt.Sprintf("%d–%d GB; must exceed the image's system disk, or creating a server fails.", client.MinDiskLow, client.MinDiskHigh)+clear, a.MinDisk)
		ramTitle, ramHelp := titled(accessible, "Minimum RAM, MB (min_ram)",
			"Depends on the ECS flavour limits; 0 = no minimum (IMS's default)."+clear, a.MinRAM)
		fields = append(fields,
			huh.NewInput().Key(client.FieldMinDisk).
				Title(diskTitle).
				Description(diskHelp).
				Placeholder(fmt.Sprintf("optional, %d–%d", client.MinDiskLow, client.MinDiskHigh)).
				Validate(v(validateMinDisk, &a.MinDisk, true)).
				Value(&a.MinDisk),
			huh.NewInput().Key(client.FieldMinRAM).
				Title(ramTitle).
				Description(ramHelp).
				Placeholder("optional, 0 = no minimum").
				Validate(v(validateMinRAM, &a.MinRAM, true)).
				Value(&a.MinRAM),
		)
	case stepTags:
		tagsTitle, tagsHelp := "Tags (tags)", "One key=value per line (ctrl+j: new line; commas also separate)."
		if accessible {
			tagsTitle, tagsHelp = titled(true, "Tags (tags)", "key=value, separated by commas, each 1–255 characters."+clear,
				strings.Join(client.ParseTags(a.Tags), ", "))
		}
		protTitle, protHelp := titled(accessible, "Protect the image? (protected)", "A protected image cannot be deleted. Default: no.", "")
		fields = append(fields,
			huh.NewText().Key(client.FieldTags).
				Title(tagsTitle).
				Description(tagsHelp).
				Placeholder("env=prod").
				Lines(3).
				ShowLineNumbers(false).
				Validate(v(validateTags, &a.Tags, true)).
				Value(&a.Tags),
			huh.NewConfirm().Key(client.FieldProtected).
				Title(protTitle).
				Description(protHelp).
				Affirmative("Yes, protect").
				Negative("No").
				Value(&a.Protected),
		)
	}
	return fields, pk
}

// buildStep builds the huh form of a step, bound to the answers.
func buildStep(id stepID, a *Answers, c *common) *stepForm {
	fields, pk := stepFields(id, a, c, false)
	sf := &stepForm{id: id, first: fields[0], pick: pk}
	sf.form = huh.NewForm(huh.NewGroup(fields...)).
		WithTheme(c.st.theme).
		WithKeyMap(newKeyMap()).
		WithShowHelp(false).
		WithShowErrors(false)
	return sf
}

// fixedLines are the values a step shows but does not ask.
func fixedLines(id stepID, c *common) []string {
	st := c.st
	fixed := func(field, value, why string) string {
		head := field + " " + value + "  "
		lines := strings.Split(wrapText("fixed: "+why, c.contentWidth()-len(head)), "\n")
		for i := 1; i < len(lines); i++ {
			lines[i] = strings.Repeat(" ", len(head)) + lines[i]
		}
		return st.label.Render(field+" ") + st.bold.Render(value) + "  " + renderLines(st.subtle, strings.Join(lines, "\n"))
	}
	switch id {
	case stepPlatform:
		if c.menu.windows > 0 {
			return strings.Split(renderLines(st.subtle, wrapText("Windows is not offered: Huawei Cloud no longer provides Windows images, so this API no longer creates Windows image metadata.", c.contentWidth())), "\n")
		}
	case stepDisk:
		return strings.Split(fixed(client.FieldContainerFormat, client.DefaultContainerFormat, "the only container format IMS accepts (the default)"), "\n")
	case stepTags:
		return strings.Split(fixed(client.FieldVisibility, client.DefaultVisibility, "image metadata can only be created private; share the image afterwards"), "\n")
	}
	return nil
}

// stepSummary is one line per step for the review's "edit a step" list.
func stepSummary(id stepID, a Answers) string {
	orDash := func(s string) string {
		if strings.TrimSpace(s) == "" {
			return "—"
		}
		return s
	}
	switch id {
	case stepName:
		return client.Inert(orDash(a.Name))
	case stepPlatform, stepVersion:
		return client.Inert(orDash(a.OSVersion))
	case stepDisk:
		return orDash(a.DiskFormat) + " · " + client.DefaultContainerFormat
	case stepSizes:
		d, r := "no min_disk", "no min_ram"
		if strings.TrimSpace(a.MinDisk) != "" {
			d = strings.TrimSpace(a.MinDisk) + " GB"
		}
		if strings.TrimSpace(a.MinRAM) != "" {
			r = strings.TrimSpace(a.MinRAM) + " MB"
		}
		return client.Inert(d + " · " + r)
	case stepTags:
		n := len(client.ParseTags(a.Tags))
		p := "not protected"
		if a.Protected {
			p = "protected"
		}
		return fmt.Sprintf("%d tag%s · %s · %s", n, plural(n), p, client.DefaultVisibility)
	}
	return ""
}

// linesHeight is the rendered height of s.
func linesHeight(s string) int { return lipgloss.Height(s) }
