package ui

import (
	"errors"
	"fmt"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/ims-wizard/ims-wizard/client"
	"github.com/ims-wizard/ims-wizard/client/l10n"
	"github.com/ims-wizard/ims-wizard/ui/draft"
)

// stepKeys name the steps in a draft file ("review" for the review and
// every page after it).
var stepKeys = [numSteps]string{"name", "arch", "platform", "version", "disk", "sizes", "tags"}

const reviewKey = "review"

func stepKey(id stepID) string { return stepKeys[id] }

// stepFromKey is the step a draft was saved at; review is (0, true, true).
func stepFromKey(k string) (id stepID, review, ok bool) {
	if k == reviewKey {
		return 0, true, true
	}
	for i, s := range stepKeys {
		if s == k {
			return stepID(i), false, true
		}
	}
	return 0, false, false
}

// stepNumberOf is the "step N of 6" of a draft's step.
func stepNumberOf(k string) int {
	id, review, ok := stepFromKey(k)
	switch {
	case review:
		return reviewNumber
	case ok:
		return stepNumbers[id]
	}
	return 1
}

// drafts saves the answers as they are given. A zero path means drafts
// are off; every method is then a no-op.
type drafts struct {
	path   string
	target string
	err    error // the last save's error, shown to the user
	now    func() time.Time
	loc    *l10n.Localizer
	blank  Answers // the answers of a draft that only keeps unknown outcomes
	// known are the unknown outcomes as this run last read or wrote them:
	// those it may settle. Another wizard's, written meanwhile, are kept
	// by every save (draft.Save merges under a lock).
	known []draft.Attempt
}

func (d *drafts) on() bool { return d != nil && d.path != "" }

// save writes the answers and the creates whose outcome is unknown.
func (d *drafts) save(a Answers, step string, unknown map[string]time.Time) {
	if !d.on() {
		return
	}
	ours := attempts(unknown)
	d.err = draft.Save(d.path, draft.Draft[Answers]{
		SavedAt: d.now(), Target: d.target, Step: step, Answers: a, Unknown: ours,
	}, settledSince(d.known, ours)...)
	if d.err == nil {
		d.known = ours
	}
}

// settledSince are the outcomes known before and no longer in now: this
// run settled them.
func settledSince(known, now []draft.Attempt) []draft.Attempt {
	var out []draft.Attempt
	for _, k := range known {
		kept := false
		for _, n := range now {
			kept = kept || (n.Name == k.Name && n.Since.Equal(k.Since))
		}
		if !kept {
			out = append(out, k)
		}
	}
	return out
}

// clear removes the draft: its answers made an image, or the user started fresh.
func (d *drafts) clear() {
	if !d.on() {
		return
	}
	d.err = draft.Clear(d.path, draft.Draft[Answers]{SavedAt: d.now(), Target: d.target, Step: stepKey(stepName), Answers: d.blank}, d.known...)
	if d.err == nil {
		d.known = nil
	}
}

// notice is what the user must know about saving: nothing while it works.
func (d *drafts) notice() string {
	if d == nil || d.err == nil {
		return ""
	}
	return d.loc.T("ui.draft.save_failed", l10n.Args{"Error": client.Inert(d.err.Error())})
}

func attempts(m map[string]time.Time) []draft.Attempt {
	var out []draft.Attempt
	for name, since := range m {
		out = append(out, draft.Attempt{Name: name, Since: since})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// draftStart is what a run starts from: a draft to offer, or a damaged one
// to report.
type draftStart struct {
	found      *draft.Draft[Answers]
	resumed    Answers  // the draft's answers with the command line's on top
	overridden []string // flags that replaced a value of the draft
	notice     string   // a damaged draft, set aside
}

// openDraft reads the draft at o.DraftPath. A damaged one is set aside and
// reported; nothing about a draft is fatal.
func openDraft(o Options, cat *client.Catalog, now func() time.Time, loc *l10n.Localizer) (draftStart, *drafts) {
	d := &drafts{path: o.DraftPath, target: draftTarget(o.Target), now: now, loc: loc, blank: AnswersFromRequest(client.Request{}, cat)}
	var s draftStart
	if !d.on() {
		return s, d
	}
	found, err := draft.Load[Answers](d.path)
	var damaged *draft.DamagedError
	switch {
	case errors.As(err, &damaged):
		aside, serr := draft.SetAside(d.path, now())
		if serr != nil {
			s.notice = loc.T("ui.draft.damaged_kept", l10n.Args{"Path": client.Inert(d.path), "Error": client.Inert(damaged.Err.Error()), "SetAside": client.Inert(serr.Error())})
			d.path = ""
			return s, d
		}
		s.notice = loc.T("ui.draft.damaged", l10n.Args{"Path": client.Inert(d.path), "Error": client.Inert(damaged.Err.Error()), "Aside": client.Inert(filepath.Base(aside))})
		return s, d
	case err != nil || found == nil:
		return s, d
	}
	if _, _, ok := stepFromKey(found.Step); !ok {
		found.Step = stepKey(stepName)
	}
	s.found = found
	d.known = found.Unknown
	s.resumed, s.overridden = mergeFlags(found.Answers, o, cat)
	return s, d
}

// flagOf names the command-line flag of each answer.
var flagOf = []struct {
	field string
	flag  string
	same  func(a, b Answers) bool
	take  func(dst *Answers, src Answers)
}{
	{client.FieldName, "--name", func(a, b Answers) bool { return a.Name == b.Name }, func(d *Answers, s Answers) { d.Name = s.Name }},
	{client.FieldOSVersion, "--os-version", func(a, b Answers) bool { return a.OSVersion == b.OSVersion },
		func(d *Answers, s Answers) { d.OSVersion, d.Platform, d.Arch = s.OSVersion, s.Platform, s.Arch }},
	{client.FieldDiskFormat, "--disk-format", func(a, b Answers) bool { return a.DiskFormat == b.DiskFormat }, func(d *Answers, s Answers) { d.DiskFormat = s.DiskFormat }},
	{client.FieldMinDisk, "--min-disk", func(a, b Answers) bool { return a.MinDisk == b.MinDisk }, func(d *Answers, s Answers) { d.MinDisk = s.MinDisk }},
	{client.FieldMinRAM, "--min-ram", func(a, b Answers) bool { return a.MinRAM == b.MinRAM }, func(d *Answers, s Answers) { d.MinRAM = s.MinRAM }},
	{client.FieldTags, "--tag", func(a, b Answers) bool {
		return strings.Join(client.ParseTags(a.Tags), "\n") == strings.Join(client.ParseTags(b.Tags), "\n")
	}, func(d *Answers, s Answers) { d.Tags = s.Tags }},
	{client.FieldProtected, "--protected", func(a, b Answers) bool { return a.Protected == b.Protected }, func(d *Answers, s Answers) { d.Protected = s.Protected }},
}

// mergeFlags puts the values given on the command line (o.InitialFields)
// over a draft's answers, and names the flags that changed one.
func mergeFlags(saved Answers, o Options, cat *client.Catalog) (Answers, []string) {
	flags := AnswersFromRequest(o.Initial, cat)
	set := map[string]bool{}
	for _, f := range o.InitialFields {
		set[f] = true
	}
	out := saved
	var overridden []string
	for _, f := range flagOf {
		if !set[f.field] {
			continue
		}
		if !f.same(saved, flags) {
			overridden = append(overridden, f.flag)
		}
		f.take(&out, flags)
	}
	return out, overridden
}

// describeDraft is the draft in one line: when, which name, which step.
func describeDraft(c *common, d *draft.Draft[Answers]) string {
	name := strings.TrimSpace(d.Answers.Name)
	if name == "" {
		name = c.T("ui.draft.no_name")
	} else {
		name = c.T("ui.draft.name", l10n.Args{"Name": fmt.Sprintf("%q", client.Inert(name))})
	}
	return c.T("ui.draft.describe", l10n.Args{"When": d.SavedAt.Local().Format("2006-01-02 15:04:05"), "Name": name,
		"N": stepNumberOf(d.Step), "Total": reviewNumber})
}

// draftTarget names a target in a draft: its label, except the built-in
// sandbox's, whose port changes with every run.
//
// It is kept in no language (labels are translated): "sandbox", whatever
// its port, or the endpoint's URL.
func draftTarget(t Target) string {
	if t.Kind == "sandbox" {
		return sandboxTarget
	}
	return strings.TrimRight(t.Endpoint, "/")
}

const sandboxTarget = "sandbox"

// sameTarget reports a draft saved for the target now in use; drafts of
// earlier versions kept its English label.
func sameTarget(saved string, now Target) bool {
	return saved == draftTarget(now) || saved == now.Label || saved == "built-in sandbox" && now.Kind == "sandbox"
}

// savedTargetText names a draft's target for the reader.
func savedTargetText(c *common, saved string) string {
	if saved == sandboxTarget {
		return c.T("ui.draft.sandbox")
	}
	return client.Inert(saved)
}

// draftDetails are the lines under the resume question: another target,
// flags that win, creates whose outcome is unknown.
func draftDetails(c *common, s draftStart, now Target) []string {
	var lines []string
	if t := s.found.Target; t != "" && !sameTarget(t, now) {
		lines = append(lines, c.T("ui.draft.other_target", l10n.Args{"Then": savedTargetText(c, t), "Now": client.Inert(now.Label)}))
	}
	if len(s.overridden) > 0 {
		lines = append(lines, c.T("ui.draft.flags_win", l10n.Args{"Flags": joinAnd(c, s.overridden), "Count": len(s.overridden)}))
	}
	for _, u := range s.found.Unknown {
		lines = append(lines, c.T("ui.draft.unknown", l10n.Args{"Name": fmt.Sprintf("%q", client.Inert(u.Name)), "When": u.Since.Local().Format("15:04:05")}))
	}
	return lines
}

func joinAnd(c *common, xs []string) string {
	switch len(xs) {
	case 0:
		return ""
	case 1:
		return xs[0]
	}
	return c.T("ui.join_and", l10n.Args{"List": strings.Join(xs[:len(xs)-1], ", "), "Last": xs[len(xs)-1]})
}

// unknownFrom turns a draft's attempts back into the wizard's map.
func unknownFrom(as []draft.Attempt) map[string]time.Time {
	m := map[string]time.Time{}
	for _, a := range as {
		if a.Name != "" && !a.Since.IsZero() {
			m[a.Name] = a.Since
		}
	}
	return m
}
