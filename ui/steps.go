package ui

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/ims-wizard/ims-wizard/client"
)

// stepID names the wizard's form steps in order. The operating system is
// asked in three steps (architecture, platform, version) that share the
// number 2.
type stepID int

const (
	stepName stepID = iota
	stepArch
	stepPlatform
	stepVersion
	stepDisk
	stepSizes
	stepTags
	numSteps
)

// reviewNumber is the review's number in "step N/6".
const reviewNumber = 6

// stepInfo is what a step tells the user: its number and title, and a line
// or two from the seed document on what the parameter is, its default and
// what it changes.
type stepInfo struct {
	number int
	title  string
	help   string
	// howTo, howToTyped: how a list is searched, on the screen (a filter)
	// and in accessible mode (a typed answer); "" for none.
	howTo, howToTyped string
}

var stepNumbers = [numSteps]int{1, 2, 2, 2, 3, 4, 5}

// stepFields are the API fields each step answers.
var stepFields = [numSteps][]string{
	stepName:     {client.FieldName},
	stepArch:     {},
	stepPlatform: {client.FieldOSVersion},
	stepVersion:  {client.FieldOSVersion},
	stepDisk:     {client.FieldDiskFormat, client.FieldContainerFormat, client.FieldImageFile},
	stepSizes:    {client.FieldMinDisk, client.FieldMinRAM},
	stepTags:     {client.FieldTags, client.FieldProtected, client.FieldVisibility},
}

func (c *common) stepInfo(id stepID) stepInfo {
	ids := [numSteps][2]string{
		stepName:     {"ui.step.name.title", "ui.step.name.help"},
		stepArch:     {"ui.step.arch.title", "ui.step.arch.help"},
		stepPlatform: {"ui.step.platform.title", "ui.step.platform.help"},
		stepVersion:  {"ui.step.version.title", "ui.step.version.help"},
		stepDisk:     {"ui.step.disk.title", "ui.step.disk.help"},
		stepSizes:    {"ui.step.sizes.title", "ui.step.sizes.help"},
		stepTags:     {"ui.step.tags.title", "ui.step.tags.help"},
	}
	info := stepInfo{number: stepNumbers[id], title: c.T(ids[id][0]), help: c.T(ids[id][1])}
	switch id {
	case stepPlatform:
		info.howTo, info.howToTyped = c.T("ui.step.platform.filter"), c.T("ui.step.platform.typed")
	case stepVersion:
		info.howTo, info.howToTyped = c.T("ui.step.version.filter"), c.T("ui.step.version.typed")
	}
	return info
}

// stepTitleShort is a step's name in the review's step list.
func (c *common) stepTitleShort(id stepID) string {
	switch id {
	case stepArch, stepPlatform, stepVersion:
		return c.T("ui.step.os.short")
	}
	return c.stepInfo(id).title
}

// stepOf returns the step that answers field (the version step for the OS).
func stepOf(field string) stepID {
	for i, fs := range stepFields {
		for _, f := range fs {
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

// fieldKind is how a field is asked.
type fieldKind int

const (
	fieldText      fieldKind = iota // one line
	fieldMultiline                  // several lines (tags)
	fieldList                       // one of options
	fieldConfirm                    // yes or no
)

// fieldSpec is one question of a step, defined once and asked either by a
// huh field (the full-screen wizard) or by a line prompt (accessible mode).
type fieldSpec struct {
	key         string // the API field, for huh
	kind        fieldKind
	title       string
	description string
	placeholder string
	optional    bool // may be left out ("-" in accessible mode)
	value       *string
	flag        *bool // fieldConfirm
	yes, no     string
	options     []option           // fieldList
	onPick      func(extra string) // fieldList: told the chosen option's extra
	validate    func(string) error
	// accessibleDescription, when set, replaces the description in
	// accessible mode (where lines are typed differently).
	accessibleDescription string
	// display is the current value as accessible mode says it.
	display func() string
}

// option is one choice of a list.
type option struct {
	label, value string
	match        string // what a filter matches (lower-cased); "" means the label
	extra        string // told to the field's onPick when the option is chosen
	hidden       bool   // offered only to a filter (or a typed answer in accessible mode)
}

// firstError turns the client's problems into the error a field shows:
// the first blocking problem, "field: message".
func (c *common) firstError(ps client.Problems) error {
	if errs := ps.Errors(); len(errs) > 0 {
		p := errs[0]
		return errors.New(p.Field + ": " + p.Text(c.loc))
	}
	return nil
}

// stepProblems is what the client's validators say about a step's answers:
// the answers' problems (client.Input.Problems, the CLI's rules) of the
// step's fields.
func stepProblems(id stepID, a *Answers, c *common) client.Problems {
	var ps client.Problems
	all := c.problems(*a)
	for _, f := range stepFields[id] {
		ps = append(ps, all.For(f)...)
	}
	return ps
}

// prepareStep makes the answers consistent with what the step offers before
// its fields are built: a platform that is offered, a version of that
// platform, a disk format.
func prepareStep(id stepID, a *Answers, c *common) {
	switch id {
	case stepArch, stepPlatform, stepVersion:
		if !slices.Contains(c.cat.Arches(), a.Arch) {
			a.Arch = c.defaultArch()
		}
	}
	menu := c.menu(a.Arch)
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

// stepSpecs are a step's questions, bound to the answers, with the
// client's validators.
func stepSpecs(id stepID, a *Answers, c *common) []fieldSpec {
	prepareStep(id, a, c)
	// A field's validator judges the value typed with the other answers,
	// by the client's rules.
	check := func(field string, set func(*Answers, string)) func(string) error {
		return func(s string) error {
			b := *a
			set(&b, s)
			return c.firstError(c.problems(b).For(field))
		}
	}
	switch id {
	case stepName:
		return []fieldSpec{{key: client.FieldName, kind: fieldText, title: c.T("ui.field.name.title"),
			placeholder: c.T("ui.field.name.placeholder"), value: &a.Name, validate: check(client.FieldName, func(b *Answers, s string) { b.Name = s }),
			display: func() string { return a.Name }}}
	case stepArch:
		var opts []option
		for _, arch := range c.cat.Arches() {
			opts = append(opts, option{label: c.archLabel(arch), value: arch})
		}
		return []fieldSpec{{key: "arch", kind: fieldList, title: c.T("ui.field.arch.title"), value: &a.Arch,
			options: opts, validate: func(string) error { return nil }, display: func() string { return a.Arch }}}
	case stepPlatform:
		// A filter (or a typed answer) on the platforms also finds the
		// versions of every platform, "ubuntu 22" as a presenter types it:
		// choosing one sets both and skips the version step.
		menu := c.menu(a.Arch)
		var opts, versions []option
		for _, p := range menu.platforms {
			opts = append(opts, option{label: p.label, value: p.name, match: p.name})
			for i, v := range p.versions {
				versions = append(versions, option{label: p.labels[i] + "  " + c.T("ui.os.in_platform", map[string]any{"Platform": client.Inert(p.name)}),
					value: p.name, match: v.Version, extra: v.Version, hidden: true})
			}
		}
		version := a.OSVersion
		pick := func(extra string) {
			a.versionPicked = extra != ""
			if extra != "" {
				a.OSVersion = extra
			} else {
				a.OSVersion = version
			}
		}
		return []fieldSpec{{key: "platform", kind: fieldList, title: c.T("ui.field.platform.title"), value: &a.Platform,
			options: append(opts, versions...), onPick: pick, validate: func(string) error { return nil }, display: func() string { return a.Platform }}}
	case stepVersion:
		e, _ := c.menu(a.Arch).platform(a.Platform)
		opts := make([]option, len(e.versions))
		for i, v := range e.versions {
			opts[i] = option{label: e.labels[i], value: v.Version, match: v.Version}
		}
		return []fieldSpec{{key: client.FieldOSVersion, kind: fieldList,
			title: c.T("ui.field.version.title", map[string]any{"Platform": e.name}), value: &a.OSVersion, options: opts,
			validate: check(client.FieldOSVersion, func(b *Answers, s string) { b.OSVersion = s }), display: func() string { return a.OSVersion }}}
	case stepDisk:
		w := 0
		for _, f := range client.DiskFormats {
			w = max(w, len(f.Name))
		}
		opts := make([]option, len(client.DiskFormats))
		for i, f := range client.DiskFormats {
			opts[i] = option{label: fmt.Sprintf("%-*s  %s", w, f.Name, c.diskFormatNote(f.Name)), value: f.Name, match: f.Name}
		}
		return []fieldSpec{{key: client.FieldDiskFormat, kind: fieldList, title: c.T("ui.field.disk.title"),
			value: &a.DiskFormat, options: opts, validate: check(client.FieldDiskFormat, func(b *Answers, s string) { b.DiskFormat = s }), display: func() string { return a.DiskFormat }}}
	case stepSizes:
		range_ := map[string]any{"Low": client.MinDiskLow, "High": client.MinDiskHigh}
		return []fieldSpec{
			{key: client.FieldMinDisk, kind: fieldText, title: c.T("ui.field.min_disk.title"),
				description: c.T("ui.field.min_disk.help", range_), placeholder: c.T("ui.field.min_disk.placeholder", range_),
				optional: true, value: &a.MinDisk, validate: check(client.FieldMinDisk, func(b *Answers, s string) { b.MinDisk = s }), display: func() string { return strings.TrimSpace(a.MinDisk) }},
			{key: client.FieldMinRAM, kind: fieldText, title: c.T("ui.field.min_ram.title"),
				description: c.T("ui.field.min_ram.help"), placeholder: c.T("ui.field.min_ram.placeholder"),
				optional: true, value: &a.MinRAM, validate: check(client.FieldMinRAM, func(b *Answers, s string) { b.MinRAM = s }), display: func() string { return strings.TrimSpace(a.MinRAM) }},
		}
	case stepTags:
		return []fieldSpec{
			{key: client.FieldTags, kind: fieldMultiline, title: c.T("ui.field.tags.title"),
				description: c.T("ui.field.tags.help"), accessibleDescription: c.T("ui.field.tags.help_accessible"),
				placeholder: c.T("ui.field.tags.placeholder"), optional: true, value: &a.Tags, validate: check(client.FieldTags, func(b *Answers, s string) { b.Tags = s }),
				display: func() string { return strings.Join(client.ParseTags(a.Tags), ", ") }},
			{key: client.FieldProtected, kind: fieldConfirm, title: c.T("ui.field.protected.title"),
				description: c.T("ui.field.protected.help"), flag: &a.Protected,
				yes: c.T("ui.field.protected.yes"), no: c.T("ui.field.protected.no")},
		}
	}
	return nil
}

// archLabel names an architecture for a newcomer.
func (c *common) archLabel(arch string) string {
	switch arch {
	case client.ArchX86:
		return c.T("ui.arch.x86")
	case client.ArchArm:
		return c.T("ui.arch.arm")
	}
	return client.Inert(arch)
}

// diskFormatNote is the line a first-time user can act on for a format.
func (c *common) diskFormatNote(name string) string {
	switch name {
	case "zvhd2":
		return c.T("ui.disk.zvhd2")
	case "vhd":
		return c.T("ui.disk.vhd")
	case "raw":
		return c.T("ui.disk.raw")
	case "iso":
		return c.T("ui.disk.iso")
	case "qcow2":
		return c.T("ui.disk.qcow2")
	}
	return ""
}

// fixedLines are the values a step shows but does not ask.
func fixedLines(id stepID, c *common) []string {
	st := c.st
	fixed := func(field, value, why string) string {
		head := field + " " + value + "  "
		lines := strings.Split(wrapText(why, c.contentWidth()-len(head)), "\n")
		for i := 1; i < len(lines); i++ {
			lines[i] = strings.Repeat(" ", len(head)) + lines[i]
		}
		return st.label.Render(field+" ") + st.bold.Render(value) + "  " + renderLines(st.subtle, strings.Join(lines, "\n"))
	}
	switch id {
	case stepArch, stepVersion:
		return strings.Split(renderLines(st.subtle, wrapText(c.cat.Source.Describe(c.loc, time.Now()), c.contentWidth())), "\n")
	case stepPlatform:
		lines := strings.Split(renderLines(st.subtle, wrapText(c.cat.Source.Describe(c.loc, time.Now()), c.contentWidth())), "\n")
		if c.menu(c.defaultArch()).windows > 0 {
			lines = append(lines, strings.Split(renderLines(st.subtle, wrapText(c.T("ui.step.platform.no_windows"), c.contentWidth())), "\n")...)
		}
		return lines
	case stepDisk:
		lines := strings.Split(fixed(client.FieldContainerFormat, client.DefaultContainerFormat, c.T("ui.fixed.container_format")), "\n")
		if c.file != nil {
			lines = append(lines, strings.Split(renderLines(st.ok, wrapText(c.file.Detected(c.loc), c.contentWidth())), "\n")...)
		}
		return lines
	case stepSizes:
		if c.file != nil {
			_, gb := c.file.Suggested()
			return strings.Split(renderLines(st.subtle, wrapText(c.T("ui.imagefile.min_disk_note", map[string]any{"Detected": c.file.Detected(c.loc), "GB": gb}), c.contentWidth())), "\n")
		}
	case stepTags:
		return strings.Split(fixed(client.FieldVisibility, client.DefaultVisibility, c.T("ui.fixed.visibility")), "\n")
	}
	return nil
}

// stepSummary is one line per step for the review's "edit a step" list.
func (c *common) stepSummary(id stepID, a Answers) string {
	orDash := func(s string) string {
		if strings.TrimSpace(s) == "" {
			return "—"
		}
		return s
	}
	switch id {
	case stepName:
		return client.Inert(orDash(a.Name))
	case stepArch, stepPlatform, stepVersion:
		return client.Inert(orDash(a.OSVersion))
	case stepDisk:
		return orDash(a.DiskFormat) + " · " + client.DefaultContainerFormat
	case stepSizes:
		d, r := c.T("ui.summary.no_min_disk"), c.T("ui.summary.no_min_ram")
		if strings.TrimSpace(a.MinDisk) != "" {
			d = strings.TrimSpace(a.MinDisk) + " GB"
		}
		if strings.TrimSpace(a.MinRAM) != "" {
			r = strings.TrimSpace(a.MinRAM) + " MB"
		}
		return client.Inert(d + " · " + r)
	case stepTags:
		n := len(client.ParseTags(a.Tags))
		p := c.T("ui.summary.not_protected")
		if a.Protected {
			p = c.T("ui.summary.protected")
		}
		return c.T("ui.summary.tags", map[string]any{"Count": n}) + " · " + p + " · " + client.DefaultVisibility
	}
	return ""
}
