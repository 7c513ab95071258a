package ui

import (
	"strings"

	"github.com/charmbracelet/bubbles/key"
	"github.com/ims-wizard/ims-wizard/client/l10n"
)

// keyRow is one screen of the README's key table and the keys it honours.
type keyRow struct {
	screen string
	keys   []key.Binding
}

// keyTable is every screen's keys, from the very bindings the pages match
// and draw (keys.go, the list field's and huh's keymaps), so that the
// README's table (TestREADMEKeyTable) cannot drift from the program.
func keyTable(loc *l10n.Localizer) []keyRow {
	km := newKeyMap(loc)
	lk := newListKeyMap(loc)
	hk := huhKeyMap(loc)
	return []keyRow{
		{"Resume a draft (first screen, when one was saved)", []key.Binding{km.Up, km.Select}},
		{"Every form step", []key.Binding{km.Back, km.Quit}},
		{"Name, minimum disk / RAM", []key.Binding{hk.Input.Next}},
		{"Platform, OS version, disk format", lk.fullKeyBinds()},
		{"Tags", []key.Binding{hk.Text.Next, hk.Text.NewLine}},
		{"Protected", []key.Binding{hk.Confirm.Toggle, hk.Confirm.Submit}},
		{"Review", []key.Binding{km.Select, km.ChoiceLeft, km.Submit, km.EditStep, km.Jump, km.Scroll, km.CopyCurl, km.SaveCurl, km.ReviewBack}},
		{"Review → Cancel (asks first)", []key.Binding{km.ConfirmQuit, km.StayHere}},
		{"Review → Edit a step", []key.Binding{km.Up, km.Select, km.Jump, km.CloseList}},
		{"Submitting", []key.Binding{km.CancelRequest}},
		{"Result", []key.Binding{km.CopyID, km.Raw, km.Upload, km.Another, km.QuitQ, km.Scroll}},
		{"Upload: choose the file", []key.Binding{km.FileUp, km.FilePageUp, km.FileTop, km.FileBottom, km.FileOpen, km.FileParent, km.FileType, km.FileBack}},
		{"Upload: typing a path", []key.Binding{km.PathUpload, km.PathComplete, km.PathList}},
		{"Upload: checking the file", []key.Binding{km.CancelCheck}},
		{"Uploading", []key.Binding{km.CancelUpload, km.StopWaiting}},
		{"Upload failed", []key.Binding{km.BackToImage, km.QuitQ, km.Scroll}},
		{"Error", []key.Binding{km.EditErr, km.Retry, km.LookUp, km.QuitQ, km.Scroll}},
		{"Looking for the image", []key.Binding{km.LookBack}},
		{"What the look-up found", []key.Binding{km.Up, km.Select, km.PageScroll, km.ReviewBack}},
	}
}

// keyTableMarkdown is the README's key table: a row per key of a screen,
// the key as the footer draws it and what it does.
func keyTableMarkdown(loc *l10n.Localizer) string {
	var b strings.Builder
	b.WriteString("| Screen | Key | Does |\n|---|---|---|\n")
	for _, row := range keyTable(loc) {
		screen := row.screen
		for _, k := range row.keys {
			h := k.Help()
			if h.Key == "" {
				continue
			}
			b.WriteString("| " + screen + " | `" + h.Key + "` | " + h.Desc + " |\n")
			screen = ""
		}
	}
	return b.String()
}
