package ui

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/ims-wizard/ims-wizard/client"
	"github.com/ims-wizard/ims-wizard/client/sandbox"
	"github.com/ims-wizard/ims-wizard/ui/draft"
	"github.com/muesli/termenv"
)

// Warnings from the client's validators show on the step and do not block.
func TestWarningsShowWithoutBlocking(t *testing.T) {
	t.Parallel()
	c := startSandbox(t, sandbox.Options{})
	w := startWizard(t, testOptions(c))
	w.typeText("my image!")
	w.waitView(`! name: contains '!'; IMS recommends only ASCII letters`)
	w.press(tea.KeyEnter)
	w.waitView("Operating system · architecture")
	w.press(tea.KeyEnter)
	w.waitView("Operating system · platform")
	w.press(tea.KeyEnd) // Other, last
	w.waitView("> Other ")
	w.press(tea.KeyEnter)
	w.waitView(`> Other Linux(64 bit)`, `! __os_version: "Other Linux(64 bit)" is IMS's fallback`)
	w.press(tea.KeyEnter)
	w.waitView("Disk and container format")
	if a := w.answers(); a.OSVersion != client.FallbackOSVersion || a.Name != "my image!" {
		t.Errorf("answers %+v", a)
	}
}

// Values given on the command line prefill their steps; an invalid one
// shows its error as soon as its step opens, and is refused.
func TestPrefilledValuesAndTheirErrors(t *testing.T) {
	t.Parallel()
	c := startSandbox(t, sandbox.Options{})
	o := testOptions(c)
	o.Initial = client.Request{Name: "pre", OSVersion: "Windows Server 2019 Standard 64bit", MinDisk: client.Int64(7)}
	w := startWizard(t, o)
	w.waitView("> pre")
	w.press(tea.KeyEnter)
	w.waitView("Operating system · architecture")
	w.press(tea.KeyEnter)
	v := w.waitView("Operating system · platform", "is a Windows version", "Windows is not offered")
	if strings.Contains(v, "> Windows") {
		t.Errorf("Windows is offered:\n%s", v)
	}
	w.press(tea.KeyEnter)
	v = w.waitView("Ubuntu version")
	if strings.Contains(v, "Windows") {
		t.Errorf("the refused Windows version is still chosen:\n%s", v)
	}
	w.press(tea.KeyEnter)
	w.waitView("Disk and container format")
	w.press(tea.KeyEnter)
	w.waitView("┃ Minimum disk", "> 7", "✗ min_disk: 7 GB is outside 40–255 GB")
	w.press(tea.KeyEnter)
	w.press(tea.KeyEnter)
	v = w.waitView("┃ Minimum disk", "> 7")
	if strings.Contains(v, "Tags, protection") {
		t.Fatal("an invalid min_disk was accepted")
	}
}

// "Edit a step" from the review opens the step with its answer, and
// finishing it comes straight back to the review.
func TestEditStepFromReviewReturnsToReview(t *testing.T) {
	t.Parallel()
	c := startSandbox(t, sandbox.Options{})
	o := testOptions(c)
	o.Initial = client.Request{Name: "edit-me", MinRAM: client.Int64(512)}
	w := startWizard(t, o)
	for _, marker := range []string{"architecture", "platform", "version", "Disk and", "┃ Minimum disk", "┃ Minimum RAM", "Tags,", "┃ Protect", "Review"} {
		w.press(tea.KeyEnter)
		w.waitView(marker)
	}
	w.press(tea.KeyRight, tea.KeyEnter) // Edit a step
	w.waitView("Edit which step?", "512 MB")
	w.press(tea.KeyDown, tea.KeyDown, tea.KeyDown, tea.KeyEnter)
	w.waitView("Minimum disk and RAM", "> 512")
	w.press(tea.KeyEnter)
	w.waitView("┃ Minimum RAM")
	w.press(tea.KeyBackspace, tea.KeyBackspace, tea.KeyBackspace)
	w.typeText("2048")
	w.press(tea.KeyEnter)
	w.waitView("Review", `"min_ram": 2048`)
	// The number keys jump straight to a step too.
	w.key("1")
	w.waitView("Image name", "> edit-me")
}

// "Create another" starts over at step 1 with this image's answers, and
// the second image is created too.
func TestCreateAnother(t *testing.T) {
	t.Parallel()
	c := startSandbox(t, sandbox.Options{})
	o := testOptions(c)
	o.Initial = client.Request{Name: "first", DiskFormat: "raw", Tags: []string{"k=v"}}
	w := startWizard(t, o)
	for _, marker := range []string{"architecture", "platform", "version", "> raw", "┃ Minimum disk", "┃ Minimum RAM", "k=v", "┃ Protect", "Review"} {
		w.press(tea.KeyEnter)
		w.waitView(marker)
	}
	w.press(tea.KeyEnter)
	w.waitView("Image metadata created")
	var first string
	w.inspect(func(m *wizard) { first = m.lastCreated.Image.ID })
	w.key("n")
	w.waitView("Image name", "> first")
	w.press(tea.KeyBackspace, tea.KeyBackspace, tea.KeyBackspace, tea.KeyBackspace, tea.KeyBackspace)
	w.typeText("second")
	w.waitView("> second")
	for _, marker := range []string{"architecture", "platform", "version", "> raw", "┃ Minimum disk", "┃ Minimum RAM", "k=v", "┃ Protect", "Review"} {
		w.press(tea.KeyEnter)
		w.waitView(marker)
	}
	w.press(tea.KeyEnter)
	w.waitView("Image metadata created", "second")
	w.key("q")
	m := w.finish()
	if m.finalResult == nil || m.finalResult.Image.ID == first || m.finalResult.Image.Name != "second" ||
		m.finalResult.Image.DiskFormat != "raw" {
		t.Fatalf("final result %+v", m.finalResult)
	}
}

// c writes the id to the clipboard with OSC 52, on the terminal the UI
// draws on.
func TestCopyIDWithOSC52(t *testing.T) {
	t.Parallel()
	c := startSandbox(t, deterministic())
	o := testOptions(c)
	out := &syncBuffer{}
	o.Out = out
	o.Initial = client.Request{Name: "copy"}
	w := startWizard(t, o)
	for _, marker := range []string{"architecture", "platform", "version", "Disk and", "┃ Minimum disk", "┃ Minimum RAM", "Tags,", "┃ Protect", "Review"} {
		w.press(tea.KeyEnter)
		w.waitView(marker)
	}
	w.press(tea.KeyEnter)
	w.waitView("Image metadata created")
	w.key("c")
	w.waitView("copied the id to the clipboard (OSC 52)")
	want := "\x1b]52;c;" + base64.StdEncoding.EncodeToString([]byte(seedID)) + "\x07"
	if got := out.String(); got != want {
		t.Errorf("wrote %q, want %q", got, want)
	}
}

// Ctrl+C on any step ends the wizard with ErrInterrupted.
func TestCtrlCOnAStepInterrupts(t *testing.T) {
	t.Parallel()
	c := startSandbox(t, sandbox.Options{})
	o := testOptions(c)
	o.Initial = client.Request{Name: "x"}
	w := startWizard(t, o)
	w.press(tea.KeyEnter)
	w.waitView("Operating system · architecture")
	w.press(tea.KeyEnter)
	w.waitView("Operating system · platform")
	w.press(tea.KeyCtrlC)
	if m := w.finish(); !errors.Is(m.finalErr, ErrInterrupted) || m.finalResult != nil {
		t.Fatalf("got (%v, %v), want ErrInterrupted", m.finalResult, m.finalErr)
	}
}

// Every page fits the terminal, follows resizes, and scrolls when small.
func TestPagesFitAndFollowResizes(t *testing.T) {
	t.Parallel()
	c := startSandbox(t, deterministic())
	o := testOptions(stable{c})
	o.Uploader = c
	o.Initial = client.Request{Name: "sizes", OSVersion: "CentOS 7.6 64bit", Tags: []string{"a=b"}}
	m := newWizard(context.Background(), o, testRenderer())
	sizes := [][2]int{{80, 24}, {120, 40}, {60, 16}, {40, 10}, {200, 60}}
	check := func(where string) {
		t.Helper()
		for _, sz := range sizes {
			m.Update(tea.WindowSizeMsg{Width: sz[0], Height: sz[1]})
			v := m.View()
			lines := strings.Split(v, "\n")
			if len(lines) != sz[1] {
				t.Errorf("%s at %dx%d: %d lines", where, sz[0], sz[1], len(lines))
			}
			for _, l := range lines {
				if lipgloss.Width(l) > sz[0] {
					t.Errorf("%s at %dx%d: line wider than the terminal: %q", where, sz[0], sz[1], l)
					break
				}
			}
		}
		m.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
	}
	for id := stepName; id < numSteps; id++ {
		m.enterStep(id)
		check(m.c.stepInfo(id).title)
	}
	// The picker keeps its cursor in view when the terminal shrinks.
	m.enterStep(stepVersion)
	m.Update(tea.WindowSizeMsg{Width: 60, Height: 16})
	for i := 0; i < 20; i++ {
		m.Update(tea.KeyMsg{Type: tea.KeyDown})
	}
	if v := m.View(); !strings.Contains(v, "> CentOS 6.3 64bit") {
		t.Errorf("the cursor left the view:\n%s\n%q", v, v)
	}
	m.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
	m.enterReview(false, notice{warn: true, text: strings.Repeat("A long notice that wraps. ", 8)},
		notice{text: "And a second one."})
	check("review")
	for _, sz := range sizes {
		m.Update(tea.WindowSizeMsg{Width: sz[0], Height: sz[1]})
		if v := m.View(); !strings.Contains(v, "Submit") {
			t.Errorf("review at %dx%d: the choices are off screen:\n%s", sz[0], sz[1], v)
		}
	}
	m.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
	m.startSubmit()
	check("submitting")
	res, err := c.Create(context.Background(), client.Request{Name: "sizes", OSVersion: "CentOS 7.6 64bit"})
	if err != nil {
		t.Fatal(err)
	}
	m.onCreated(createdMsg{seq: m.seq, result: res})
	check("result")
	// A small terminal scrolls the result card.
	m.Update(tea.WindowSizeMsg{Width: 60, Height: 14})
	top := m.View()
	m.Update(tea.KeyMsg{Type: tea.KeyPgDown})
	if m.View() == top {
		t.Error("pgdown does not scroll the result")
	}
	m.failure = newErrorPage(m.c, client.Request{Name: "sizes"}, &client.APIError{StatusCode: 503, Meaning: "the service is unavailable", Message: strings.Repeat("long message ", 30)}, sentAs{attempt: 1})
	m.current = m.failure
	check("error")
	// The look-up before a retry: in flight, found (several), failed; the
	// choices stay on screen.
	m.startLookup(client.Request{Name: "sizes"}, time.Now())
	check("looking up")
	var imgs []*client.Image
	for i := 0; i < 4; i++ {
		imgs = append(imgs, res.Image)
	}
	m.Update(foundMsg{seq: m.seq, imgs: imgs})
	check("found")
	for _, sz := range sizes {
		m.Update(tea.WindowSizeMsg{Width: sz[0], Height: sz[1]})
		m.Update(tea.KeyMsg{Type: tea.KeyUp}) // the last choice: Back
		if v := m.View(); !strings.Contains(v, "› Back") {
			t.Errorf("found at %dx%d: the chosen line is off screen:\n%s", sz[0], sz[1], v)
		}
		m.Update(tea.KeyMsg{Type: tea.KeyDown})
		if v := m.View(); !strings.Contains(v, "› Use the existing image") {
			t.Errorf("found at %dx%d: the chosen line is off screen:\n%s", sz[0], sz[1], v)
		}
	}
	m.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
	m.startLookup(client.Request{Name: "sizes"}, time.Now())
	m.Update(foundMsg{seq: m.seq, err: &client.APIError{StatusCode: 500, Meaning: "internal service error", Message: strings.Repeat("long message ", 30)}})
	check("look-up failed")
	// The resume screen.
	m.start = draftStart{found: &draft.Draft[Answers]{SavedAt: time.Now(), Target: "region x", Step: "tags", Answers: Answers{Name: strings.Repeat("long-name-", 20)},
		Unknown: []draft.Attempt{{Name: "n", Since: time.Now()}}}, overridden: []string{"--name", "--tag"}}
	m.current = newResumePage(m.c, m.start)
	check("resume")
	for _, sz := range sizes {
		m.Update(tea.WindowSizeMsg{Width: sz[0], Height: sz[1]})
		if v := m.View(); !strings.Contains(v, "› Resume the draft") || !strings.Contains(v, "Start fresh") {
			t.Errorf("resume at %dx%d: the choices are off screen:\n%s", sz[0], sz[1], v)
		}
	}
	checkUploadPages(t, m, res, sizes, check)
}

// The upload's pages: the file picker (its cursor kept in view, the typed
// path too), a refusal, the progress, the live status, a failure.
func checkUploadPages(t *testing.T, m *wizard, res *client.Result, sizes [][2]int, check func(string)) {
	t.Helper()
	m.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
	m.showNewResult(res, false)
	dir := t.TempDir()
	long := strings.Repeat("long-", 12)
	for i := 0; i < 40; i++ {
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("disk-%02d-%s.raw", i, long)), []byte("x"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	m.chooserDir = dir
	m.Update(m.handle(uploadWantedMsg{})()) // the listing, read on the spot
	check("upload: file picker")
	m.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("G")})
	for _, sz := range sizes {
		m.Update(tea.WindowSizeMsg{Width: sz[0], Height: sz[1]})
		if v := m.View(); !strings.Contains(v, "> disk-39-") {
			t.Errorf("picker at %dx%d: the cursor is off screen:\n%s", sz[0], sz[1], v)
		}
	}
	m.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
	m.current.(*fileChooser).problem = &client.UploadError{Message: strings.Repeat("a long refusal ", 12), Hint: strings.Repeat("what to do at length ", 10)}
	check("upload: refusal")
	m.Update(tea.KeyMsg{Type: tea.KeyTab})
	check("upload: typing a path")
	// The refusal stays until the path changes; then the typed path shows.
	if v := m.View(); !strings.Contains(v, "✗ a long refusal") {
		t.Errorf("the refusal went before anything was typed:\n%s", v)
	}
	m.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("disk-3")})
	if v := m.View(); strings.Contains(v, "✗ a long refusal") {
		t.Errorf("the refusal stays while the path is fixed:\n%s", v)
	}
	m.current.(*fileChooser).problem = &client.UploadError{Message: strings.Repeat("a long refusal ", 12), Hint: strings.Repeat("what to do at length ", 10)}
	for _, sz := range sizes {
		m.Update(tea.WindowSizeMsg{Width: sz[0], Height: sz[1]})
		if v := m.View(); !strings.Contains(v, "path disk-3") || !strings.Contains(v, "✗ a long refusal") {
			t.Errorf("typing at %dx%d: the path or the refusal is off screen:\n%s", sz[0], sz[1], v)
		}
	}
	m.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
	m.startUpload(&client.UploadCheck{Path: filepath.Join(dir, "disk-00-"+long+".raw"), Size: 8 << 20, Image: res})
	defer m.upload.cancel()
	m.Update(uploadTickMsg{seq: m.upSeq, snap: uploadSnap{statuses: []string{"queued"},
		progress: client.UploadProgress{Sent: 3 << 20, Total: 8 << 20, Elapsed: time.Second, Rate: 3 << 20}}})
	check("uploading")
	for _, sz := range sizes {
		m.Update(tea.WindowSizeMsg{Width: sz[0], Height: sz[1]})
		if v := m.View(); !strings.Contains(v, "38%") || !strings.Contains(v, "3.0 MiB of 8.0 MiB") {
			t.Errorf("uploading at %dx%d: the progress is off screen:\n%s", sz[0], sz[1], v)
		}
	}
	m.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
	sent := &client.UploadResult{Bytes: 8 << 20, MD5: strings.Repeat("0", 32), Latency: time.Second}
	m.Update(uploadTickMsg{seq: m.upSeq, snap: uploadSnap{phase: client.PhaseWaiting, waitStart: time.Now(), sent: sent,
		statuses: []string{"queued", "saving"}, progress: client.UploadProgress{Sent: 8 << 20, Total: 8 << 20}}})
	check("waiting for active")
	m.Update(uploadEndedMsg{seq: m.upSeq, out: uploadOutcome{snap: m.upload.snap, UploadOutcome: client.UploadOutcome{Sent: sent, Final: res,
		Err: &client.UploadError{Reason: client.RefusedChecksum, Message: strings.Repeat("checksum mismatch ", 10), Hint: strings.Repeat("hint ", 30)}}}})
	if _, ok := m.current.(*uploadFailedPage); !ok {
		t.Fatalf("a checksum mismatch should end on the upload's error view, not %T", m.current)
	}
	check("upload failed")
}

// Colours come from the output the UI draws on: NO_COLOR wins, and a
// forced colour terminal gets colours even when it is not stdout.
func TestColourProfileFromOutput(t *testing.T) {
	t.Parallel()
	env := map[string]string{}
	getenv := func(k string) string { return env[k] }

	env["CLICOLOR_FORCE"] = "1"
	if p := newRenderer(&bytes.Buffer{}, getenv, false).ColorProfile(); p == termenv.Ascii {
		t.Errorf("CLICOLOR_FORCE: profile %v, want colours", p)
	}
	env["NO_COLOR"] = "1"
	if p := newRenderer(&bytes.Buffer{}, getenv, false).ColorProfile(); p != termenv.Ascii {
		t.Errorf("NO_COLOR: profile %v, want Ascii", p)
	}
	delete(env, "NO_COLOR")
	if p := newRenderer(&bytes.Buffer{}, getenv, true).ColorProfile(); p != termenv.Ascii {
		t.Errorf("accessible: profile %v, want Ascii", p)
	}
	// The styles and huh's theme draw with that renderer, not lipgloss's
	// default one (stdout's profile).
	forced := newRenderer(&bytes.Buffer{}, func(k string) string {
		if k == "CLICOLOR_FORCE" {
			return "1"
		}
		return ""
	}, false)
	st := newStyles(forced)
	if got := st.err.Render("x"); got == "x" {
		t.Errorf("a style of the forced renderer has no colour: %q", got)
	}
	if got := st.theme.Focused.Title.Render("x"); got == "x" {
		t.Errorf("huh's theme does not draw with the renderer: %q", got)
	}
}

// Run itself, driven through a pipe as a terminal would: an image is
// created, the alternate screen is left, and Ctrl+C ends with ErrInterrupted.
func TestRunTUIThroughAPipe(t *testing.T) {
	t.Parallel()
	c := startSandbox(t, sandbox.Options{})
	type ret struct {
		res *client.Result
		err error
	}
	start := func() (*syncBuffer, func(string), chan ret) {
		pr, pw := ioPipe()
		out := &syncBuffer{}
		o := testOptions(c)
		o.In, o.Out = pr, out
		done := make(chan ret, 1)
		go func() {
			res, err := Run(context.Background(), o)
			done <- ret{res, err}
		}()
		t.Cleanup(func() { _ = pw.Close() })
		return out, func(s string) { _, _ = pw.Write([]byte(s)) }, done
	}

	out, write, done := start()
	waitOutput(t, out, "Image name")
	write("piped")
	waitOutput(t, out, "> piped")
	for _, marker := range []string{"Operating system · architecture", "Operating system · platform", "Ubuntu version", "Disk and container format",
		"┃ Minimum disk", "┃ Minimum RAM", "┃ Tags", "┃ Protect", "Review", "Image metadata created"} {
		write("\r")
		waitOutput(t, out, marker)
	}
	write("q")
	r := <-done
	if r.err != nil || r.res == nil || r.res.Image.Name != "piped" {
		t.Fatalf("Run = (%v, %v), want the created image", r.res, r.err)
	}
	if s := out.String(); !strings.Contains(s, "\x1b[?1049h") || !strings.Contains(s, "\x1b[?1049l") {
		t.Errorf("the alternate screen was not entered and left")
	}

	out, write, done = start()
	waitOutput(t, out, "Image name")
	write("\x03") // Ctrl+C
	if r := <-done; !errors.Is(r.err, ErrInterrupted) || r.res != nil {
		t.Fatalf("Ctrl+C: Run = (%v, %v), want ErrInterrupted", r.res, r.err)
	}
}

// A step opened from the review returns there: Esc goes straight back
// (the review shows the error and refuses to submit), and finishing a step
// goes back by way of any step still holding an error.
func TestEditFromReviewReturnsToIt(t *testing.T) {
	t.Parallel()
	c := startSandbox(t, sandbox.Options{})
	o := testOptions(c)
	o.Initial = client.Request{Name: "loop"}
	w := startWizard(t, o)
	for _, marker := range []string{"architecture", "platform", "version", "Disk and", "┃ Minimum disk", "┃ Minimum RAM", "Tags,", "┃ Protect", "Review"} {
		w.press(tea.KeyEnter)
		w.waitView(marker)
	}
	w.key("4")
	w.waitView("┃ Minimum disk")
	w.typeText("7")
	w.press(tea.KeyEnter)
	w.waitView("✗ min_disk: 7 GB is outside 40–255 GB")
	w.press(tea.KeyEsc)
	w.waitView("Review", "✗ min_disk: 7 GB is outside 40–255 GB")
	w.key("1")
	w.waitView("Image name", "> loop")
	w.press(tea.KeyEnter)
	v := w.waitView("Minimum disk and RAM", "> 7", "✗ min_disk")
	if strings.Contains(v, "Submit") {
		t.Fatal("went to the review past an invalid step")
	}
}

// Walking back from the review goes step by step, each on its last field
// (Shift+Tab reaches every field backwards), and walking forward again goes
// step by step too: it does not jump to the review.
func TestWalkingBackFromTheReview(t *testing.T) {
	t.Parallel()
	c := startSandbox(t, sandbox.Options{})
	o := testOptions(c)
	o.Initial = client.Request{Name: "walk", MinDisk: client.Int64(50), MinRAM: client.Int64(512)}
	w := startWizard(t, o)
	for _, marker := range []string{"architecture", "platform", "version", "Disk and", "┃ Minimum disk", "┃ Minimum RAM", "Tags,", "┃ Protect", "Review"} {
		w.press(tea.KeyEnter)
		w.waitView(marker)
	}
	w.press(tea.KeyShiftTab)
	w.waitView("Tags, protection", "┃ Protect the image?")
	w.press(tea.KeyShiftTab)
	w.waitView("Tags, protection", "┃ Tags (tags)")
	w.press(tea.KeyShiftTab)
	w.waitView("Minimum disk and RAM", "┃ Minimum RAM")
	w.press(tea.KeyShiftTab)
	w.waitView("Minimum disk and RAM", "┃ Minimum disk")
	for _, marker := range []string{"Disk and container format", "version", "platform", "architecture", "Image name"} {
		w.press(tea.KeyEsc)
		w.waitView(marker)
	}
	w.press(tea.KeyEnter)
	v := w.waitView("Operating system · architecture")
	if strings.Contains(v, "Submit") {
		t.Fatal("Enter on step 1 jumped to the review")
	}
}

// Keys that arrive together (key repeat, a fast typist, a scripted demo)
// are each a key: "jj" moves twice, as Down Down does. A paste stays text.
func TestKeysReadTogetherAreEachAKey(t *testing.T) {
	t.Parallel()
	c := startSandbox(t, sandbox.Options{})
	o := testOptions(c)
	o.Initial = client.Request{Name: "keys"}
	w := startWizard(t, o)
	w.press(tea.KeyEnter)
	w.waitView("> x86_64")
	w.press(tea.KeyEnter)
	w.waitView("> Ubuntu")
	w.tm.Send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("jj")})
	w.waitView("> EulerOS")
	w.press(tea.KeyShiftTab)
	w.press(tea.KeyShiftTab)
	w.waitView("Image name")
	w.tm.Send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("-x y"), Paste: true})
	w.waitView("> keys-x y")
}

// The review refuses to submit answers holding an error, and says why.
func TestReviewBlocksInvalidAnswers(t *testing.T) {
	t.Parallel()
	calls := 0
	m := newWizard(context.Background(), testOptions(countingCreator{&calls}), testRenderer())
	m.Update(tea.WindowSizeMsg{Width: 100, Height: 40})
	m.a = Answers{Name: "x", OSVersion: "Ubuntu 18.04 server 64bit", Platform: "Ubuntu", DiskFormat: "raw", MinRAM: "lots"}
	m.enterReview(false)
	v := m.View()
	if !strings.Contains(v, `✗ min_ram: "lots" is not a whole number; give the size in MB`) {
		t.Errorf("the error is not on the review:\n%s", v)
	}
	if m.review().choice != choiceEdit {
		t.Errorf("the default choice should move to Edit a step, got %d", m.review().choice)
	}
	m.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{'s'}})
	if m.review() == nil || !strings.Contains(m.View(), "Fix the errors above first") {
		t.Errorf("submit was not refused:\n%s", m.View())
	}
	if cmd := m.startSubmit(); cmd != nil || calls != 0 {
		t.Error("an invalid request was sent")
	}
}

type countingCreator struct{ n *int }

func (c countingCreator) Create(context.Context, client.Request) (*client.Result, error) {
	*c.n++
	return nil, errors.New("should not be called")
}

func (c countingCreator) FindRecent(context.Context, string, time.Time) ([]*client.Image, error) {
	*c.n++
	return nil, errors.New("should not be called")
}

// Without colour (NO_COLOR, a pipe) the selection is still visible: the
// chosen button in brackets, the protection's choice too, and a text cursor.
func TestSelectionVisibleWithoutColour(t *testing.T) {
	t.Parallel()
	c := testCommon(testOptions(failing{}))
	a := &Answers{Name: "x"}
	r := newReviewPage(c, a, nil, false)
	before := r.view()
	r.update(tea.KeyMsg{Type: tea.KeyRight})
	after := r.view()
	if before == after || !strings.Contains(before, "[ Submit ]") || !strings.Contains(after, "[ Edit a step ]") {
		t.Errorf("the review's choice does not show without colour:\n%s\n---\n%s", before, after)
	}
	p := newStepPage(c, a, stepTags, 1, func() []string { return nil })
	p.init(false)
	p.form.NextField()
	v1 := p.view()
	p.update(tea.KeyMsg{Type: tea.KeyLeft})
	v2 := p.view()
	if v1 == v2 || !strings.Contains(v1, "[ No ]") || !strings.Contains(v2, "[ Yes, protect ]") {
		t.Errorf("the protection's choice does not show without colour:\n%s\n---\n%s", v1, v2)
	}
	n := newStepPage(c, a, stepName, 1, func() []string { return nil })
	n.init(false)
	if v := n.view(); !strings.Contains(v, "> x_") {
		t.Errorf("no visible text cursor:\n%s", v)
	}
}
