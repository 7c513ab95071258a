package client

import (
	"encoding/json"
	"strings"
	"testing"
)

func fields(ps Problems) []string {
	var out []string
	for _, p := range ps {
		out = append(out, p.Field)
	}
	return out
}

// Each rule is checked on both sides of each bound.
func TestValidateRulesAtBounds(t *testing.T) {
	t.Parallel()
	long := func(n int) string { return strings.Repeat("a", n) }
	cases := []struct {
		name     string
		mutate   func(*Request)
		errField string // "" = no error
		warn     string // a field expected among the warnings
	}{
		{"seed example is valid", func(r *Request) {}, "", ""},
		{"name empty", func(r *Request) { r.Name = "" }, FieldName, ""},
		{"name only spaces", func(r *Request) { r.Name = "   " }, FieldName, ""},
		{"name 1 char", func(r *Request) { r.Name = "a" }, "", ""},
		{"name 128 chars no warning", func(r *Request) { r.Name = long(128) }, "", ""},
		{"name 129 chars warns", func(r *Request) { r.Name = long(129) }, "", FieldName},
		{"name 255 chars", func(r *Request) { r.Name = long(255) }, "", FieldName},
		{"name 256 chars", func(r *Request) { r.Name = long(256) }, FieldName, ""},
		{"name 255 CJK runes", func(r *Request) { r.Name = strings.Repeat("镜", 255) }, "", FieldName},
		{"name CJK is fine", func(r *Request) { r.Name = "镜像-test_1.0 a" }, "", ""},
		{"name with ESC refused", func(r *Request) { r.Name = "evil\x1b[2J" }, FieldName, ""},
		{"name with newline refused", func(r *Request) { r.Name = "two\nlines" }, FieldName, ""},
		{"tag with BEL refused", func(r *Request) { r.Tags = []string{"k=v\a"} }, FieldTags, ""},
		{"name odd chars warn", func(r *Request) { r.Name = "my/image!" }, "", FieldName},
		{"name leading space warns", func(r *Request) { r.Name = " x" }, "", FieldName},
		{"os omitted warns", func(r *Request) { r.OSVersion = "" }, "", FieldOSVersion},
		{"os unknown", func(r *Request) { r.OSVersion = "Ubuntu 99.04" }, FieldOSVersion, ""},
		{"os whitespace-normalised", func(r *Request) { r.OSVersion = "  Ubuntu 14.04   server 64bit " }, "", ""},
		{"os case matters", func(r *Request) { r.OSVersion = "ubuntu 14.04 server 64bit" }, FieldOSVersion, ""},
		{"os windows refused", func(r *Request) { r.OSVersion = "Windows Server 2019 Standard 64bit" }, FieldOSVersion, ""},
		{"os fallback warns", func(r *Request) { r.OSVersion = "Other Linux(64 bit)" }, "", FieldOSVersion},
		{"visibility public", func(r *Request) { r.Visibility = "public" }, FieldVisibility, ""},
		{"visibility shared", func(r *Request) { r.Visibility = "shared" }, FieldVisibility, ""},
		{"container ovf", func(r *Request) { r.ContainerFormat = "ovf" }, FieldContainerFormat, ""},
		{"disk zvhd2", func(r *Request) { r.DiskFormat = "zvhd2" }, "", ""},
		{"disk raw", func(r *Request) { r.DiskFormat = "raw" }, "", ""},
		{"disk iso", func(r *Request) { r.DiskFormat = "iso" }, "", ""},
		{"disk qcow2", func(r *Request) { r.DiskFormat = "qcow2" }, "", ""},
		{"disk vmdk", func(r *Request) { r.DiskFormat = "vmdk" }, FieldDiskFormat, ""},
		{"disk zvhd not in seed", func(r *Request) { r.DiskFormat = "zvhd" }, FieldDiskFormat, ""},
		{"tag empty", func(r *Request) { r.Tags = []string{""} }, FieldTags, ""},
		{"tag no equals", func(r *Request) { r.Tags = []string{"novalue"} }, FieldTags, ""},
		{"tag empty key", func(r *Request) { r.Tags = []string{"=v"} }, FieldTags, ""},
		{"tag empty value ok", func(r *Request) { r.Tags = []string{"k="} }, "", ""},
		{"tag 255", func(r *Request) { r.Tags = []string{"k=" + long(253)} }, "", ""},
		{"tag 256", func(r *Request) { r.Tags = []string{"k=" + long(254)} }, FieldTags, ""},
		{"tag duplicate", func(r *Request) { r.Tags = []string{"a=1", "a=1"} }, FieldTags, ""},
		{"min_ram -1", func(r *Request) { r.MinRAM = Int64(-1) }, FieldMinRAM, ""},
		{"min_ram 0", func(r *Request) { r.MinRAM = Int64(0) }, "", ""},
		{"min_ram maxint32", func(r *Request) { r.MinRAM = Int64(MaxInt32) }, "", ""},
		{"min_ram maxint32+1", func(r *Request) { r.MinRAM = Int64(MaxInt32 + 1) }, FieldMinRAM, ""},
		{"min_disk omitted", func(r *Request) { r.MinDisk = nil }, "", ""},
		{"min_disk 39", func(r *Request) { r.MinDisk = Int64(39) }, FieldMinDisk, ""},
		{"min_disk 40", func(r *Request) { r.MinDisk = Int64(40) }, "", ""},
		{"min_disk 255", func(r *Request) { r.MinDisk = Int64(255) }, "", ""},
		{"min_disk 256", func(r *Request) { r.MinDisk = Int64(256) }, FieldMinDisk, ""},
		{"min_disk 0", func(r *Request) { r.MinDisk = Int64(0) }, FieldMinDisk, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := SeedExample()
			tc.mutate(&r)
			ps := r.Validate(nil)
			errs := ps.Errors()
			if tc.errField == "" && len(errs) > 0 {
				t.Fatalf("unexpected errors: %v", errs)
			}
			if tc.errField != "" {
				if len(errs) != 1 || errs[0].Field != tc.errField {
					t.Fatalf("want one error on %s, got %v", tc.errField, errs)
				}
				if !strings.Contains(errs[0].Error(), tc.errField+": ") || len(errs[0].Text(nil)) < 15 {
					t.Fatalf("message should name the field and explain: %q", errs[0].Error())
				}
			}
			warns := fields(ps.Warnings())
			if tc.warn != "" && !contains(warns, tc.warn) {
				t.Fatalf("want a warning on %s, got %v", tc.warn, ps.Warnings())
			}
			if tc.warn == "" && len(warns) > 0 {
				t.Fatalf("unexpected warnings: %v", ps.Warnings())
			}
		})
	}
}

func contains(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

func TestValidateReportsEveryProblemAtOnce(t *testing.T) {
	t.Parallel()
	r := Request{Name: "", OSVersion: "Windows 10 64bit", Visibility: "public", ContainerFormat: "ovf",
		DiskFormat: "vmdk", Tags: []string{"x"}, MinRAM: Int64(-5), MinDisk: Int64(10)}
	got := fields(r.Validate(nil).Errors())
	want := []string{FieldName, FieldOSVersion, FieldVisibility, FieldContainerFormat, FieldDiskFormat, FieldTags, FieldMinRAM, FieldMinDisk}
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Fatalf("got %v, want %v", got, want)
	}
}

func TestWindowsRefusalGivesTheSeedsReason(t *testing.T) {
	t.Parallel()
	ps := ValidateOSVersion(nil, "Windows Server 2016 Standard 64bit")
	if len(ps) != 1 || !strings.Contains(ps[0].Text(nil), "no longer") {
		t.Fatalf("got %v", ps)
	}
}

func TestUnknownOSSuggests(t *testing.T) {
	t.Parallel()
	ps := ValidateOSVersion(nil, "Ubuntu 14.04 server")
	if len(ps) != 1 || !strings.Contains(ps[0].Text(nil), `did you mean "Ubuntu 14.04`) {
		t.Fatalf("got %v", ps)
	}
}

func TestParseIntNamesTheField(t *testing.T) {
	t.Parallel()
	if v, err := ParseInt(FieldMinRAM, " 1024 "); err != nil || *v != 1024 {
		t.Fatalf("got %v %v", v, err)
	}
	if v, err := ParseInt(FieldMinDisk, ""); err != nil || v != nil {
		t.Fatalf("empty should be absent, got %v %v", v, err)
	}
	_, err := ParseInt(FieldMinRAM, "1k")
	if err == nil || !strings.HasPrefix(err.Error(), "min_ram: ") || !strings.Contains(err.Error(), "MB") {
		t.Fatalf("got %v", err)
	}
}

func TestParseTags(t *testing.T) {
	t.Parallel()
	got := ParseTags(" a=1 \n\n b=2, c=3\n")
	if strings.Join(got, "|") != "a=1|b=2|c=3" {
		t.Fatalf("got %q", got)
	}
}

func TestBodyMatchesSeedExample(t *testing.T) {
	t.Parallel()
	body := SeedExample().Body()
	var got, want map[string]any
	if err := json.Unmarshal(body, &got); err != nil {
		t.Fatal(err)
	}
	seed := `{"__os_version":"Ubuntu 14.04 server 64bit","container_format":"bare","disk_format":"vhd","min_disk":100,
	"min_ram":1024,"name":"test","tags":["test=testvalue","image=imagevalue"],"visibility":"private","protected":false}`
	if err := json.Unmarshal([]byte(seed), &want); err != nil {
		t.Fatal(err)
	}
	gj, _ := json.Marshal(got)
	wj, _ := json.Marshal(want)
	if string(gj) != string(wj) {
		t.Fatalf("body %s\nwant %s", gj, wj)
	}
	if !strings.HasPrefix(string(body), "{\n  \"__os_version\"") {
		t.Fatalf("body should follow the seed's key order:\n%s", body)
	}
}

func TestBodyKeepsHTMLCharacters(t *testing.T) {
	t.Parallel()
	r := NewRequest()
	r.Name = "a<b>&c"
	if !strings.Contains(string(r.Body()), `"a<b>&c"`) {
		t.Fatalf("%s", r.Body())
	}
}
