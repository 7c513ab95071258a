package ui

import (
	"context"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/ims-wizard/ims-wizard/client"
	"github.com/ims-wizard/ims-wizard/client/sandbox"
)

// On the platforms, a filter finds versions of every platform, as a
// presenter types "ubuntu 22"; choosing one sets the platform and the
// version and goes on to the disk format. The version list's filter
// matches the version text, not its description: "/u" on CentOS's
// versions matches none (it matched every row, through "Linux").
func TestPlatformFilterFindsVersions(t *testing.T) {
	t.Parallel()
	o := testOptions(failing{})
	o.Initial = client.Request{Name: "demo"}
	w := startWizard(t, o)
	w.press(tea.KeyEnter)
	w.waitView("Operating system · architecture")
	w.press(tea.KeyEnter)
	w.waitView("Operating system · platform")
	w.key("/")
	w.typeText("ubuntu 22")
	v := w.waitView("/ubuntu 22", "> Ubuntu 22.04 server 64bit", "(Ubuntu)")
	if strings.Contains(v, "CentOS") {
		t.Errorf("the filter shows rows without its text:\n%s", v)
	}
	w.press(tea.KeyEnter)
	w.waitView("Disk and container format")
	if a := w.answers(); a.Platform != "Ubuntu" || a.OSVersion != "Ubuntu 22.04 server 64bit" {
		t.Fatalf("chose %q / %q", a.Platform, a.OSVersion)
	}
	// Back: the version step shows the version chosen.
	w.press(tea.KeyShiftTab)
	w.waitView("Ubuntu version", "> Ubuntu 22.04 server 64bit")
	w.press(tea.KeyShiftTab)
	w.waitView("Operating system · platform")
	w.press(tea.KeyDown) // CentOS
	w.waitView("> CentOS")
	w.press(tea.KeyEnter)
	w.waitView("CentOS version")
	w.key("/")
	w.typeText("u")
	w.waitView("/u", "no match")
	// Words in any order, when the text as typed is in none.
	w.press(tea.KeyBackspace)
	w.typeText("64bit 7.9")
	w.waitView("> CentOS 7.9 64bit", "1 of ")
}

// Accessible mode takes a list's answer as text too: the start of the one
// option starting so, or a version's text on the platforms' question
// (which then answers the version); several matches are named and asked
// again, and the version help says nothing of a "/" filter.
func TestAccessibleListsTakeText(t *testing.T) {
	t.Parallel()
	c := startSandbox(t, sandbox.Options{})
	input := strings.Join([]string{
		"typed",      // name
		"",           // architecture
		"ubuntu 2",   // platform: several versions start so: asked again
		"centos 7.9", // platform: one version: CentOS and CentOS 7.9 64bit
		"QCOW",       // disk format: the start of qcow2, in any case
		"", "",       // sizes
		"", "", // tags, protected
		"", // review: submit
		"", // quit
	}, "\n") + "\n"
	var out syncBuffer
	res, err := Run(context.Background(), accessibleOptions(c, input, &out))
	if err != nil || res == nil {
		t.Fatalf("Run = (%v, %v); output:\n%s", res, err, out.String())
	}
	if img := res.Image; img.OSVersion != "CentOS 7.9 64bit" || img.DiskFormat != "qcow2" {
		t.Errorf("created %s / %s, want CentOS 7.9 64bit / qcow2", img.OSVersion, img.DiskFormat)
	}
	text := out.String()
	for _, want := range []string{"options match: Ubuntu 2", "OS version: CentOS 7.9 64bit (CentOS), chosen on the platform question.", "or a version's text"} {
		if !strings.Contains(text, want) {
			t.Errorf("output lacks %q:\n%s", want, text)
		}
	}
	if strings.Contains(text, "/ filter") || strings.Contains(text, "Type / to") {
		t.Errorf("accessible mode speaks of a / filter:\n%s", text)
	}
}
