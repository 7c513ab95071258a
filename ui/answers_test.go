package ui

import (
	"context"
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/ims-wizard/ims-wizard/client"
	"github.com/ims-wizard/ims-wizard/client/sandbox"
)

func TestAnswersRoundTripTheSeedRequest(t *testing.T) {
	t.Parallel()
	seed := client.NewRequest()
	seed.Name, seed.OSVersion, seed.DiskFormat = "test", "Ubuntu 14.04 server 64bit", "vhd"
	seed.MinDisk, seed.MinRAM = client.Int64(100), client.Int64(1024)
	seed.Tags = []string{"test=testvalue", "image=imagevalue"}
	a := AnswersFromRequest(seed, nil)
	if a.Platform != "Ubuntu" || a.MinDisk != "100" || a.Tags != "test=testvalue\nimage=imagevalue" {
		t.Fatalf("answers %+v", a)
	}
	// A draft is plain JSON and reads back the same.
	data, err := json.Marshal(a)
	if err != nil {
		t.Fatal(err)
	}
	var back Answers
	if err := json.Unmarshal(data, &back); err != nil || !back.Equal(a) {
		t.Fatalf("draft round trip: %+v (%v), want %+v", back, err, a)
	}
	r, ps := back.Request()
	if len(ps) != 0 || string(r.Body()) != string(seed.Body()) {
		t.Fatalf("Request() = %s (%v), want %s", r.Body(), ps, seed.Body())
	}
}

func TestAnswersProblemsUseTheClientRules(t *testing.T) {
	t.Parallel()
	a := Answers{Name: "", OSVersion: "Windows 10 64bit", DiskFormat: "vmdk", MinDisk: "ten", MinRAM: "-1", Tags: "a=1\nnokey\na=1"}
	got := map[string][]string{}
	for _, p := range a.Problems(nil).Errors() {
		got[p.Field] = append(got[p.Field], p.Text(nil))
	}
	want := map[string]string{
		client.FieldName:       "a name is required",
		client.FieldOSVersion:  "is a Windows version",
		client.FieldDiskFormat: `"vmdk" is not a supported format`,
		client.FieldMinDisk:    `"ten" is not a whole number; give the size in GB`,
		client.FieldMinRAM:     "-1 is negative",
		client.FieldTags:       `tag 2 "nokey" is not key=value`,
	}
	for f, w := range want {
		if len(got[f]) == 0 || !strings.Contains(strings.Join(got[f], "|"), w) {
			t.Errorf("%s: problems %q, want one containing %q", f, got[f], w)
		}
	}
	if len(got[client.FieldMinDisk]) != 1 {
		t.Errorf("min_disk that does not parse is reported once, got %q", got[client.FieldMinDisk])
	}
	if !strings.Contains(strings.Join(got[client.FieldTags], "|"), "repeats tag 1") {
		t.Errorf("duplicate tag not reported: %q", got[client.FieldTags])
	}
	// An empty optional field is left out, not refused.
	r, ps := Answers{Name: "n"}.Request()
	if len(ps) != 0 || r.MinDisk != nil || r.MinRAM != nil || r.Tags != nil {
		t.Errorf("empty answers made %s (%v)", r.Body(), ps)
	}
}

func TestOSMenuOrdersPlatformsAndLeavesOutWindows(t *testing.T) {
	t.Parallel()
	menu := newOSMenu(client.EmbeddedCatalog(), nil)
	var names []string
	for _, p := range menu.platforms {
		names = append(names, p.name)
		for _, v := range p.versions {
			if client.IsWindows(v) {
				t.Errorf("Windows version offered: %s", v.Version)
			}
		}
		if len(p.labels) != len(p.versions) {
			t.Errorf("%s: %d labels for %d versions", p.name, len(p.labels), len(p.versions))
		}
	}
	if names[0] != "Ubuntu" || names[1] != "CentOS" || names[2] != "EulerOS" || names[len(names)-1] != "Other" {
		t.Errorf("platform order %q: want Ubuntu, CentOS, EulerOS first and Other last", names)
	}
	if menu.windows == 0 {
		t.Error("the Windows versions left out are not counted (the note depends on them)")
	}
	e, _ := menu.platform("Ubuntu")
	for i, v := range e.versions {
		if v.Version == "Ubuntu 14.04 server 32bit" && !strings.Contains(e.labels[i], "Linux · 32-bit") {
			t.Errorf("version labels show type and bits: %q", e.labels[i])
		}
	}
	// A live catalogue is used as given.
	live := client.NewCatalog([]client.OSVersion{{Platform: "Rocky", Type: "Linux", Bits: 64, Version: "Rocky 9 64bit"},
		{Platform: "Windows", Type: "Windows", Bits: 64, Version: "Windows Server 2022 64bit"}})
	if m := newOSMenu(live, nil); len(m.platforms) != 1 || m.platforms[0].name != "Rocky" || m.windows != 1 {
		t.Errorf("live menu %+v", m.platforms)
	}
}

func TestListFieldFiltersAndKeepsTheCursor(t *testing.T) {
	t.Parallel()
	value := "b2"
	p := newListField("k", "Title", []option{{label: "alpha one", value: "a1"}, {label: "beta two", value: "b2"}, {label: "gamma three", value: "g3"}, {label: "beta four", value: "b4"}}, &value, nil)
	p.WithHeight(3)
	send := func(msgs ...tea.KeyMsg) {
		for _, m := range msgs {
			p.Update(m)
		}
	}
	runes := func(s string) tea.KeyMsg { return tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(s)} }
	send(runes("/be")) // one read, as fast typing delivers it
	if value != "b2" || len(p.filtered) != 2 {
		t.Fatalf("filter 'be': value %q, %d shown; want the cursor kept on b2 and 2 shown", value, len(p.filtered))
	}
	send(runes("t"), runes("a"), runes(" "), runes("f"))
	if value != "b4" {
		t.Errorf("filter 'beta f' should move to the only match b4, got %q", value)
	}
	send(runes("z"))
	if v := p.View(); !strings.Contains(v, "no match") {
		t.Errorf("no match not said:\n%s", v)
	}
	_, cmd := p.Update(tea.KeyMsg{Type: tea.KeyEnter})
	if cmd != nil {
		t.Error("enter with nothing to pick must not move on")
	}
	send(tea.KeyMsg{Type: tea.KeyEsc}, tea.KeyMsg{Type: tea.KeyEsc}) // end filter, clear it
	if len(p.filtered) != 4 || p.GetFiltering() {
		t.Errorf("esc esc: %d shown, filtering %v", len(p.filtered), p.GetFiltering())
	}
	if v := p.View(); value != "b4" || !strings.Contains(v, "> beta four") || strings.Contains(v, "alpha") {
		t.Errorf("clearing the filter keeps the choice b4 (got %q) in a 2-row window:\n%s", value, v)
	}
	send(tea.KeyMsg{Type: tea.KeyUp}, tea.KeyMsg{Type: tea.KeyUp})
	if v := p.View(); value != "b2" || !strings.Contains(v, "> beta two") || strings.Contains(v, "alpha") {
		t.Errorf("up up: value %q, view:\n%s", value, v)
	}
	if got := strings.Count(p.View(), "\n"); got != 2 {
		t.Errorf("height 3 renders %d lines", got+1)
	}
	if !reflect.DeepEqual(p.GetValue(), "b2") {
		t.Errorf("GetValue %v", p.GetValue())
	}
}

// recorder keeps the requests the wizard sends.
type recorder struct {
	Creator
	sent []client.Request
}

func (r *recorder) Create(ctx context.Context, req client.Request) (*client.Result, error) {
	r.sent = append(r.sent, req)
	return r.Creator.Create(ctx, req)
}

// A draft holds the OS version as typed; resumed and submitted, it is sent
// with the spacing of the flags and the catalogue (client.Input.Request),
// not with the draft's double spaces.
func TestResumedDraftSendsTheOSVersionNormalised(t *testing.T) {
	t.Parallel()
	rec := &recorder{Creator: startSandbox(t, sandbox.Options{})}
	path := draftPath(t)
	spaced := Answers{Name: "spaced", Platform: "Ubuntu", OSVersion: "Ubuntu  14.04   server 64bit", DiskFormat: "vhd"}
	saveDraft(t, path, "review", spaced)
	var out syncBuffer
	o := accessibleOptions(rec, "1\n\n\n", &out) // resume; submit at the review; quit
	o.DraftPath = path
	res, err := Run(context.Background(), o)
	if err != nil || res == nil {
		t.Fatalf("Run = (%v, %v)\n%s", res, err, out.String())
	}
	if len(rec.sent) != 1 || rec.sent[0].OSVersion != "Ubuntu 14.04 server 64bit" ||
		!strings.Contains(string(rec.sent[0].Body()), `"__os_version": "Ubuntu 14.04 server 64bit"`) {
		t.Fatalf("sent %d requests: %+v\n%s", len(rec.sent), rec.sent, out.String())
	}
}

// The architecture filters the OS lists: Arm values are offered for Arm
// only, and x86 values for x86 only.
func TestArchitectureFiltersTheOSList(t *testing.T) {
	t.Parallel()
	c := testCommon(testOptions(failing{}))
	for _, arch := range []string{client.ArchX86, client.ArchArm} {
		a := &Answers{Arch: arch}
		menu := c.menu(arch)
		if len(menu.platforms) == 0 {
			t.Fatalf("%s: no platform offered", arch)
		}
		for _, p := range menu.platforms {
			a.Platform = p.name
			specs := stepSpecs(stepVersion, a, c)
			for _, o := range specs[0].options {
				v, ok := c.cat.Lookup(o.value)
				if !ok || v.Arch != arch {
					t.Errorf("%s: %q offered (arch %q)", arch, o.value, v.Arch)
				}
			}
		}
	}
	// A value given for Arm selects Arm.
	a := AnswersFromRequest(client.Request{OSVersion: "Ubuntu 22.04 server 64bit with ARM"}, nil)
	if a.Arch != client.ArchArm || a.Platform != "Ubuntu" {
		t.Errorf("answers %+v", a)
	}
}
