package client

import (
	"strings"
	"testing"
	"time"
)

// The embedded files parse strictly, hold Huawei's 2022 table (133 values)
// and the 129 later ones, and no value twice once spacing is normalised.
func TestEmbeddedCatalogParses(t *testing.T) {
	t.Parallel()
	old, err := parseTSV(table2022, header2022, OSVersion{Arch: ArchX86, Evidence: EvidenceAPIReference})
	if err != nil {
		t.Fatal(err)
	}
	newer, err := parseTSV(tableSince2022, headerSince2022, OSVersion{})
	if err != nil {
		t.Fatal(err)
	}
	if len(old) != 133 || len(newer) != 129 {
		t.Fatalf("%d rows in the 2022 table, %d since: want 133 and 129", len(old), len(newer))
	}
	c := EmbeddedCatalog()
	if len(c.Versions) != 133+129 || c.Source.Origin != OriginEmbedded {
		t.Fatalf("%d versions (%v), want 262 from the embedded files", len(c.Versions), c.Source.Origin)
	}
	seen := map[string]bool{}
	for _, v := range c.Versions {
		k := NormalizeOSVersion(v.Version)
		if seen[k] {
			t.Errorf("%q twice", v.Version)
		}
		seen[k] = true
		if v.Arch != ArchX86 && v.Arch != ArchArm {
			t.Errorf("%q: arch %q", v.Version, v.Arch)
		}
		// An Arm value says so in its name, and only Arm values do.
		if got := archFromName(v.Version); got != v.Arch {
			t.Errorf("%q is %s, its name says %s", v.Version, v.Arch, got)
		}
		if v.Evidence == "" || v.Source == "" {
			t.Errorf("%q has no evidence or source", v.Version)
		}
	}
	for _, v := range newer {
		if !v.WeakEvidence() {
			t.Errorf("%q: evidence %q; none of the later values is in Huawei's API reference", v.Version, v.Evidence)
		}
	}
	v, ok := c.Lookup("Ubuntu 22.04 server 64bit")
	if !ok || v.Platform != "Ubuntu" || v.Bits != 64 || v.Arch != ArchX86 || v.Evidence != EvidenceImageName {
		t.Errorf("Ubuntu 22.04: %+v %v", v, ok)
	}
	v, ok = c.Lookup("Other(32 bit)")
	if !ok || v.Bits != 32 || v.Platform != "Other" || v.Evidence != EvidenceAPIReference {
		t.Errorf("Other(32 bit): %+v %v", v, ok)
	}
	if ps := c.Platforms(); ps[0] != "Windows" || len(ps) != 18 {
		t.Errorf("platforms %v", ps)
	}
}

// Huawei's 2022 table has no architecture column: every value of it is an
// x86 one (none names Arm, aarch64 or Kunpeng), so the column is derived
// rather than added, and the file stays as published.
func TestTable2022IsAllX86(t *testing.T) {
	t.Parallel()
	for _, line := range strings.Split(table2022, "\n") {
		if strings.HasPrefix(line, "#") || line == "" {
			continue
		}
		if archFromName(line) != ArchX86 {
			t.Errorf("a 2022 row names another architecture: %q", line)
		}
	}
	for _, v := range EmbeddedCatalog().Versions {
		if v.Evidence == EvidenceAPIReference && v.Arch != ArchX86 {
			t.Errorf("%q from the 2022 table is %s", v.Version, v.Arch)
		}
	}
}

func TestParseIsStrict(t *testing.T) {
	t.Parallel()
	const h4 = "platform\tos_type\tos_bit\tos_version\n"
	const h7 = "platform\tos_type\tos_bit\tos_version\tarch\tevidence\tsource\n"
	for _, tc := range []struct{ name, tsv, header, want string }{
		{"no header", "Ubuntu\tLinux\t64\tUbuntu 1 64bit\n", "4", "header"},
		{"columns", h4 + "Ubuntu\tLinux\t64\n", "4", "columns"},
		{"bits", h4 + "Ubuntu\tLinux\t48\tUbuntu 1 64bit\n", "4", "os_bit"},
		{"bits not a number", h4 + "Ubuntu\tLinux\tx\tUbuntu 1 64bit\n", "4", "os_bit"},
		{"empty field", h4 + "\tLinux\t64\tUbuntu 1 64bit\n", "4", "platform"},
		{"stray space", h4 + "Ubuntu \tLinux\t64\tUbuntu 1 64bit\n", "4", "stray spaces"},
		{"double space", h4 + "Ubuntu\tLinux\t64\tUbuntu  1 64bit\n", "4", "runs of spaces"},
		{"arch", h7 + "Ubuntu\tLinux\t64\tUbuntu 1 64bit\tarm\tapi-test\tsomewhere\n", "7", "arch"},
		{"evidence", h7 + "Ubuntu\tLinux\t64\tUbuntu 1 64bit\tx86_64\trumour\tsomewhere\n", "7", "evidence"},
	} {
		header := header2022
		if tc.header == "7" {
			header = headerSince2022
		}
		if _, err := parseTSV(tc.tsv, header, OSVersion{}); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want one about %q", tc.name, err, tc.want)
		}
	}
	// A value in both files (here with other spacing) is refused.
	dup := h7 + "Ubuntu\tLinux\t64\tUbuntu 14.04 server 64bit\tx86_64\tapi-test\tsomewhere\n"
	if _, err := parseEmbedded(table2022, dup); err == nil || !strings.Contains(err.Error(), "twice") {
		t.Errorf("duplicate across the files: %v", err)
	}
	if _, err := ParseCatalogTSV(h4 + "Rocky\tLinux\t64\tRocky 9 64bit\n"); err != nil {
		t.Errorf("ParseCatalogTSV: %v", err)
	}
}

func TestParseArch(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{"x86_64": ArchX86, "X86": ArchX86, "amd64": ArchX86, "aarch64": ArchArm,
		"ARM": ArchArm, "arm64": ArchArm, "Kunpeng": ArchArm} {
		if got, ok := ParseArch(in); !ok || got != want {
			t.Errorf("ParseArch(%q) = %q %v, want %q", in, got, ok, want)
		}
	}
	if _, ok := ParseArch("mips"); ok {
		t.Error("mips accepted")
	}
}

func TestArchesAndForArch(t *testing.T) {
	t.Parallel()
	c := EmbeddedCatalog()
	if got := strings.Join(c.Arches(), ","); got != "x86_64,aarch64" {
		t.Errorf("Arches = %s", got)
	}
	arm := c.ForArch(ArchArm)
	if len(arm.Versions) != 13 || arm.Source != c.Source {
		t.Errorf("%d Arm values (source %+v), want the 13 of the since-2022 file", len(arm.Versions), arm.Source)
	}
	for _, v := range arm.Versions {
		if v.Arch != ArchArm {
			t.Errorf("%q in the Arm catalogue", v.Version)
		}
	}
	if _, ok := arm.Lookup("Ubuntu 22.04 server 64bit"); ok {
		t.Error("an x86 value found among the Arm ones")
	}
	if s := arm.Suggest("Ubuntu 22.04", 3); len(s) == 0 || !strings.HasSuffix(s[0], "with ARM") {
		t.Errorf("Arm suggestions %q", s)
	}
	if got := strings.Join(NewCatalog([]OSVersion{{Version: "A 1 64bit"}}).Arches(), ","); got != ArchX86 {
		t.Errorf("a value without arch is x86: %s", got)
	}
}

// A value listed for both architectures is kept for each; Lookup finds it.
func TestNewCatalogKeepsAValuePerArch(t *testing.T) {
	t.Parallel()
	c := NewCatalog([]OSVersion{{Version: "Other Linux(64 bit)", Arch: ArchX86}, {Version: "Other Linux(64 bit)", Arch: ArchArm},
		{Version: "Other  Linux(64 bit)", Arch: ArchArm}})
	if len(c.Versions) != 2 || len(c.ForArch(ArchArm).Versions) != 1 {
		t.Fatalf("versions %+v", c.Versions)
	}
	if v, ok := c.Lookup("Other Linux(64 bit)"); !ok || v.Arch != ArchX86 {
		t.Errorf("Lookup = %+v %v", v, ok)
	}
}

func TestNewestFirst(t *testing.T) {
	t.Parallel()
	c := EmbeddedCatalog().NewestFirst()
	if len(c.Versions) != len(EmbeddedCatalog().Versions) || c.Source != EmbeddedCatalog().Source {
		t.Fatal("NewestFirst lost values or the source")
	}
	ubuntu := c.ByPlatform("Ubuntu")
	want := []string{"Ubuntu 24.04 server 64bit", "Ubuntu 22.04 server 64bit", "Ubuntu 20.04 server 64bit", "Ubuntu 19.04 server 64bit",
		"Ubuntu 18.04.2 server 64bit", "Ubuntu 18.04.1 server 64bit", "Ubuntu 18.04 server 64bit"}
	for i, w := range want {
		if ubuntu[i].Version != w {
			t.Fatalf("Ubuntu[%d] = %q, want %q", i, ubuntu[i].Version, w)
		}
	}
	if last := ubuntu[len(ubuntu)-1]; last.Arch != ArchArm {
		t.Errorf("Arm values come after the x86 ones: last is %q", last.Version)
	}
	if got := c.ByPlatform("EulerOS")[3].Version; got != "EulerOS 2.9 64bit" {
		t.Errorf("EulerOS 2.12, 2.11, 2.10, then 2.9: got %q", got)
	}
}

func TestSuggestPrefersTheNearestSpelling(t *testing.T) {
	t.Parallel()
	got := EmbeddedCatalog().Suggest("Ubuntu 23.04 server 64bit", 3)
	if len(got) != 3 || strings.Contains(strings.Join(got, ","), "19.04") || !strings.Contains(strings.Join(got, ","), "22.04") {
		t.Errorf("suggestions %q, want the 20.04/22.04/24.04 neighbours", got)
	}
	// A pasted megabyte is judged on its start, quickly.
	start := time.Now()
	if s := EmbeddedCatalog().Suggest(strings.Repeat("a ", 1<<19), 3); len(s) != 3 {
		t.Errorf("suggestions for a long value: %q", s)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("Suggest on a long value took %s", d)
	}
}

func TestValidateAgainstALiveList(t *testing.T) {
	t.Parallel()
	live := NewCatalog([]OSVersion{
		{Platform: "Ubuntu", Type: "Linux", Bits: 64, Version: "Ubuntu 26.04 server 64bit", Evidence: EvidenceLiveList},
		{Platform: "Ubuntu", Type: "Linux", Bits: 64, Version: "Ubuntu 22.04 server 64bit", Evidence: EvidenceLiveList},
		{Platform: "Windows", Type: "Windows", Bits: 64, Version: "Windows Server 2022 64bit", Evidence: EvidenceLiveList},
	})
	live.Source = CatalogSource{Origin: OriginLive, Endpoint: "https://ims.example", Label: "region xx-1"}
	if ps := ValidateOSVersion(live, "Ubuntu  26.04 server 64bit"); len(ps) != 0 {
		t.Errorf("a value only the live list has: %v", ps)
	}
	// A weak value of the embedded catalogue that the live list has is
	// simply accepted: the live list is the region's word.
	if ps := ValidateOSVersion(live, "Ubuntu 22.04 server 64bit"); len(ps) != 0 {
		t.Errorf("a value the live list has: %v", ps)
	}
	ps := ValidateOSVersion(live, "Ubuntu 14.04 server 64bit")
	if len(ps.Errors()) != 1 || ps[0].ID != "osversions.validate.not_listed_suggest" ||
		!strings.Contains(ps[0].Text(nil), "region xx-1") || !strings.Contains(ps[0].Text(nil), `did you mean "Ubuntu 26.04 server 64bit"`) {
		t.Errorf("a value the live list lacks: %v", ps)
	}
	if ps := ValidateOSVersion(live, "Windows Server 2022 64bit"); len(ps.Errors()) != 1 || ps[0].ID != "validate.os_version.windows" {
		t.Errorf("Windows from a live list: %v", ps)
	}
	if ps := ValidateOSVersion(live, "Plan9"); len(ps.Errors()) != 1 || ps[0].ID != "osversions.validate.not_listed" {
		t.Errorf("nothing alike: %v", ps)
	}
}

// With the embedded catalogue, each weaker evidence level is a warning
// naming it, never a refusal; Huawei's own table gets none.
func TestWeakEvidenceWarns(t *testing.T) {
	t.Parallel()
	for version, id := range map[string]string{
		"Ubuntu 20.04 server 64bit":          "osversions.validate.weak.api_test",
		"openSUSE 15.1 64bit":                "osversions.validate.weak.peer_api_doc",
		"Ubuntu 22.04 server 64bit with ARM": "osversions.validate.weak.image_name",
		"Rocky Linux 9.4 64bit":              "osversions.validate.weak.peer_doc",
	} {
		ps := ValidateOSVersion(nil, version)
		if len(ps) != 1 || !ps[0].IsWarning() || ps[0].ID != id || !strings.Contains(ps[0].Text(nil), "live OS list decides") {
			t.Errorf("%s: %v, want the warning %s", version, ps, id)
		}
	}
	if ps := ValidateOSVersion(nil, "Ubuntu 18.04 server 64bit"); len(ps) != 0 {
		t.Errorf("a value of Huawei's table: %v", ps)
	}
}

// A value pasted by mistake is named, not repeated whole.
func TestLongUnknownValueIsCut(t *testing.T) {
	t.Parallel()
	ps := ValidateOSVersion(nil, strings.Repeat("a", 131000))
	if len(ps) != 1 || len(ps[0].Text(nil)) > 300 || !strings.Contains(ps[0].Text(nil), "a…\"") {
		t.Fatalf("%d bytes: %.400s", len(ps[0].Text(nil)), ps[0].Text(nil))
	}
}
