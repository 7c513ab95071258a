package ui

import (
	"context"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/ims-wizard/ims-wizard/client"
)

// BenchmarkWizardFirstFrame: the model built and its first view rendered
// at 100×30. Budget: 20 ms.
func BenchmarkWizardFirstFrame(b *testing.B) {
	o := testOptions(failing{})
	size := tea.WindowSizeMsg{Width: 100, Height: 30}
	b.ReportAllocs()
	for b.Loop() {
		m := newWizard(context.Background(), o, testRenderer())
		m.Update(size)
		if m.View() == "" {
			b.Fatal("empty view")
		}
	}
}

// BenchmarkOSPickerKeystroke: one filter keystroke (update and view) on the
// version picker of the largest platform. Budget: 2 ms.
func BenchmarkOSPickerKeystroke(b *testing.B) {
	benchPicker(b, client.EmbeddedCatalog())
}

// The same on a catalogue of 2,000 versions in one platform, to show the
// cost does not grow with the list (only the rows in view are drawn).
func BenchmarkOSPickerKeystrokeHugeList(b *testing.B) {
	vs := make([]client.OSVersion, 2000)
	for i := range vs {
		vs[i] = client.OSVersion{Platform: "Big", Type: "Linux", Bits: 64, Version: "Big Linux " + itoa(int64(i)) + " 64bit"}
	}
	benchPicker(b, client.NewCatalog(vs))
}

func benchPicker(b *testing.B, cat *client.Catalog) {
	o := testOptions(failing{})
	o.Catalog = cat
	m := newWizard(context.Background(), o, testRenderer())
	m.Update(tea.WindowSizeMsg{Width: 100, Height: 30})
	largest := m.c.menu(client.ArchX86).platforms[0]
	for _, p := range m.c.menu(client.ArchX86).platforms {
		if len(p.versions) > len(largest.versions) {
			largest = p
		}
	}
	m.a.Platform = largest.name
	m.enterStep(stepVersion)
	m.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{'/'}})
	keys := []tea.KeyMsg{{Type: tea.KeyRunes, Runes: []rune{'6'}}, {Type: tea.KeyBackspace}}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		m.Update(keys[i%2])
		if m.View() == "" {
			b.Fatal("empty view")
		}
		i++
	}
	if p, ok := m.current.(*stepPage); !ok || p.list == nil || !p.list.GetFiltering() {
		b.Fatal("the keystrokes did not reach the picker's filter")
	}
}
