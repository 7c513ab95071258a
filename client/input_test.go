package client

import (
	"testing"
)

// The one conversion of typed text: what the flags, the wizard and a draft
// give means the same request.
func TestInputRequest(t *testing.T) {
	t.Parallel()
	in := Input{Name: "web", OSVersion: "  Ubuntu  14.04   server 64bit ", MinDisk: " 50 ", MinRAM: "", Tags: "a=1, b=2\n\nc=3"}
	r, ps := in.Request()
	if len(ps) != 0 {
		t.Fatalf("problems: %v", ps)
	}
	if r.OSVersion != "Ubuntu 14.04 server 64bit" {
		t.Errorf("OSVersion %q: spacing not normalised", r.OSVersion)
	}
	if r.MinDisk == nil || *r.MinDisk != 50 || r.MinRAM != nil {
		t.Errorf("sizes %v %v", r.MinDisk, r.MinRAM)
	}
	if len(r.Tags) != 3 || r.Tags[1] != "b=2" {
		t.Errorf("tags %q", r.Tags)
	}
	if r.DiskFormat != DefaultDiskFormat || r.ContainerFormat != DefaultContainerFormat || r.Visibility != DefaultVisibility {
		t.Errorf("defaults %+v", r)
	}
	if ps := in.Problems(nil); len(ps.Errors()) != 0 {
		t.Errorf("a normalised known version is refused: %v", ps)
	}

	typed, _ := in.RequestAsTyped()
	if typed.OSVersion != in.OSVersion {
		t.Errorf("RequestAsTyped changed the OS version to %q", typed.OSVersion)
	}

	bad := Input{Name: "x", MinDisk: "abc", MinRAM: "-1"}
	ps = bad.Problems(nil)
	if got := ps.For(FieldMinDisk); len(got) != 1 || got[0].ID != "validate.min_disk.not_number" {
		t.Errorf("min_disk problems %v", got)
	}
	if got := ps.For(FieldMinRAM); len(got) != 1 || got[0].ID != "validate.min_ram.negative" {
		t.Errorf("min_ram problems %v", got)
	}
	if back := InputOf(r); back.MinDisk != "50" || back.Tags != "a=1\nb=2\nc=3" {
		t.Errorf("InputOf %+v", back)
	}
}
