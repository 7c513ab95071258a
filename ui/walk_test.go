package ui

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"
	"github.com/ims-wizard/ims-wizard/client"
	"github.com/ims-wizard/ims-wizard/client/l10n"
	"github.com/ims-wizard/ims-wizard/client/l10n/l10ntest"
	"github.com/ims-wizard/ims-wizard/ui/draft"
)

// walkImage is the image the walk's result screens show: what the
// sandbox answers, its values known to the test.
const walkImage = `{"schema": "/v2/schemas/image", "min_disk": 40, "created_at": "2016-06-02T07:49:48Z",
"__image_source_type": "uds", "container_format": "bare", "__image_size": "0",
"file": "/v2/images/4ca46bf1-5c61-48ff-b4f3-0ad4e5e3ba86/file", "updated_at": "2016-06-02T07:49:48Z",
"protected": false, "id": "4ca46bf1-5c61-48ff-b4f3-0ad4e5e3ba86", "__isregistered": "true", "min_ram": 1024,
"owner": "b912fb4a4c464b568ecfca1071b21b10", "__os_type": "Linux", "__imagetype": "private", "visibility": "private",
"virtual_env_type": "FusionCompute", "tags": ["walk=yes"], "__platform": "CentOS", "__os_bit": "64",
"__os_version": "CentOS 7.6 64bit", "name": "walk", "self": "/v2/images/4ca46bf1-5c61-48ff-b4f3-0ad4e5e3ba86",
"disk_format": "zvhd2", "status": "queued"}`

// walkValues are the values the walk puts on screen that are not the
// interface's words: the image's, the catalogue's, the test's.
func walkValues(img *client.Image) []string {
	out := []string{"built-in sandbox", // the target's label, cmd's (translated there)
		"enter", "esc", "tab", "shift+tab", "ctrl+c", "pgup", "pgdn", // keys, as the keyboard names them
		"Content-Type", "Accept", // HTTP headers in the curl
		"walk refused", "context deadline exceeded", // the server's message; Go's error, kept verbatim for support
		"walk", "walk=yes", "disk-0", "queued", "saving", "CentOS", "Ubuntu", "Linux", "Other", "Windows",
		"FusionCompute", "schema", "owner", "self", "file", "tags", "name", "status", "checksum", "size", "id",
		"protected", "visibility", "disk-00.raw", "disk-01.raw", "sub/"}
	for _, f := range img.Fields() {
		out = append(out, f.Key, f.Value)
	}
	for _, v := range client.EmbeddedCatalog().Versions {
		out = append(out, v.Version, v.Platform, v.Type)
	}
	return out
}

// walkScreens opens every screen of the wizard in turn, with o's options
// (its Loc, its renderer), at w×h, and calls visit with the screen's
// name and view.
func walkScreens(t *testing.T, o Options, w, h int, visit func(where, view string)) {
	t.Helper()
	img, err := client.ParseImage([]byte(walkImage))
	if err != nil {
		t.Fatal(err)
	}
	res := &client.Result{Image: img, StatusCode: 201, RequestID: "0123456789abcdef0123456789abcdef", Latency: 42 * time.Millisecond}
	dir := t.TempDir()
	for _, name := range []string{"disk-00.raw", "disk-01.raw"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte("x"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Mkdir(filepath.Join(dir, "sub"), 0o700); err != nil {
		t.Fatal(err)
	}
	o.Initial = client.Request{Name: "walk", OSVersion: "CentOS 7.6 64bit", MinDisk: client.Int64(40), Tags: []string{"walk=yes"}}
	o.UploadCommand = func(id string) string { return "ims-wizard upload " + id + " FILE" }
	m := newWizard(context.Background(), o, testRenderer())
	m.now = func() time.Time { return seedTime }
	m.Update(tea.WindowSizeMsg{Width: w, Height: h})
	see := func(where string) {
		t.Helper()
		visit(where, m.View())
	}
	m.current = newImageFilePage(m.c)
	see("image file question")
	m.chooserDir = dir
	m.Update(m.handle(imageFileChooseMsg{})())
	see("image file chooser")
	for id := stepName; id < numSteps; id++ {
		m.enterStep(id)
		see("step " + m.c.stepInfo(id).title)
	}
	m.enterStep(stepPlatform)
	m.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("/centos 7")})
	see("platforms filtered to versions")
	m.enterStep(stepVersion)
	m.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("/zzz")})
	see("versions, no match")
	m.enterReview(false)
	see("review")
	m.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("y")})
	see("review, curl copied")
	m.enterReview(true)
	see("review, edit a step")
	m.enterReview(false)
	m.review().activate(choiceCancel)
	see("review, cancel asks")
	m.a.MinRAM = "lots"
	m.enterReview(false)
	see("review, invalid answers")
	m.a.MinRAM = ""
	m.startSubmit()
	see("submitting")
	m.onFailed(failedMsg{seq: m.seq, name: "walk", err: &client.APIError{Method: "POST", URL: "http://sandbox.test/v2/images", StatusCode: 400,
		Meaning: "bad request", Code: "IMG.0001", Message: "walk refused", RequestID: "0123456789abcdef0123456789abcdef"}})
	see("error")
	m.startSubmit()
	m.onFailed(failedMsg{seq: m.seq, name: "walk", err: &client.NetworkError{Method: "POST", URL: "http://sandbox.test/v2/images", Ambiguous: true, Err: context.DeadlineExceeded}})
	see("error, outcome unknown")
	m.startLookup(client.Request{Name: "walk"}, seedTime)
	see("looking up")
	m.Update(foundMsg{seq: m.seq, imgs: []*client.Image{img}})
	see("found")
	m.startLookup(client.Request{Name: "walk"}, seedTime)
	m.Update(foundMsg{seq: m.seq, err: &client.APIError{StatusCode: 500, Meaning: "internal service error", Message: "walk"}})
	see("look-up failed")
	m.onCreated(createdMsg{seq: m.seq, name: "walk", result: res})
	if _, ok := m.current.(*resultPage); !ok {
		m.showNewResult(res, false)
	}
	see("result")
	m.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("c")})
	see("result, id copied")
	m.showNewResult(res, true)
	see("result, found")
	m.showNewResult(res, false)
	m.Update(m.handle(uploadWantedMsg{})())
	see("upload chooser")
	m.current.(*fileChooser).problem = &client.UploadError{Msg: client.NewMsg("explain.upload.missing", map[string]any{"Path": filepath.Join(dir, "nope.raw")})}
	see("upload chooser, refused")
	m.Update(tea.KeyMsg{Type: tea.KeyTab})
	see("upload chooser, typing")
	m.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("disk")})
	m.Update(m.current.(*fileChooser).complete()())
	see("upload chooser, choices")
	m.startUpload(&client.UploadCheck{Path: filepath.Join(dir, "disk-00.raw"), Size: 8 << 20, Image: res})
	m.Update(uploadTickMsg{seq: m.upSeq, snap: uploadSnap{statuses: []string{"queued", "saving"},
		progress: client.UploadProgress{Sent: 3 << 20, Total: 8 << 20, Elapsed: time.Second, Rate: 3 << 20}}})
	see("uploading")
	sent := &client.UploadResult{Bytes: 8 << 20, MD5: strings.Repeat("0", 32), Latency: time.Second}
	m.Update(uploadTickMsg{seq: m.upSeq, snap: uploadSnap{phase: client.PhaseWaiting, waitStart: seedTime, sent: sent,
		statuses: []string{"queued", "saving"}, progress: client.UploadProgress{Sent: 8 << 20, Total: 8 << 20}}})
	see("waiting for active")
	m.Update(uploadEndedMsg{seq: m.upSeq, out: uploadOutcome{snap: m.upload.snap, UploadOutcome: client.UploadOutcome{Sent: sent, Final: res,
		Err: &client.UploadError{Reason: client.RefusedChecksum, Msg: client.NewMsg("explain.upload.checksum", map[string]any{"ID": img.ID, "Checksum": strings.Repeat("1", 32), "MD5": strings.Repeat("0", 32)}), Advice: client.NewMsg("explain.upload.checksum_hint")}}}})
	see("upload failed")
	m.upload.cancel()
	m.start = draftStart{found: &draft.Draft[Answers]{SavedAt: seedTime, Target: "sandbox", Step: "tags", Answers: Answers{Name: "walk"},
		Unknown: []draft.Attempt{{Name: "walk", Since: seedTime}}}, overridden: []string{"--name", "--tag"}}
	m.current = newResumePage(m.c, m.start)
	see("resume a draft")
}

// In the pseudo-locale every word the wizard draws comes marked from the
// catalogue: a screen showing an unmarked word has text written in code.
func TestPseudoLocaleMarksEveryScreen(t *testing.T) {
	o := testOptions(failing{})
	o.Uploader = failingUploader{}
	o.Loc = l10n.New(l10n.Pseudo)
	var allowed []string
	img, _ := client.ParseImage([]byte(walkImage))
	screens := 0
	walkScreens(t, o, 220, 90, func(where, view string) {
		screens++
		if allowed == nil {
			allowed = walkValues(img)
		}
		for _, w := range l10ntest.Unmarked(view, allowed...) {
			t.Errorf("%s: unmarked %s", where, w)
			if testing.Verbose() {
				t.Logf("%q", view)
			}
		}
	})
	if screens < 30 {
		t.Errorf("the walk saw %d screens", screens)
	}
}

// failingUploader offers the upload (u) and refuses every one.
type failingUploader struct{}

func (failingUploader) CheckUpload(context.Context, string, string) (*client.UploadCheck, error) {
	return nil, &client.UploadError{Reason: client.RefusedFile, Message: "refused by the test"}
}

func (failingUploader) RunUpload(context.Context, *client.UploadCheck, client.UploadOptions) client.UploadOutcome {
	return client.UploadOutcome{Err: &client.UploadError{Reason: client.RefusedFile, Message: "refused by the test"}}
}

// The main screens in Spanish at 80×24, as a reader of Spanish sees them
// (goldens; the chooser's and the upload's screens show a temporary
// directory and are left to the pseudo-locale walk).
func TestSpanishScreens(t *testing.T) {
	o := testOptions(failing{})
	o.Uploader = failingUploader{}
	o.Target.Label = "IMS de pruebas integrado"
	o.Loc = l10n.New(l10n.Spanish)
	compared := map[string]bool{
		"image file question": true, "review": true, "review, cancel asks": true, "error": true,
		"error, outcome unknown": true, "found": true, "result": true,
		"resume a draft": true, "platforms filtered to versions": true,
	}
	seen := 0
	walkScreens(t, o, 80, 24, func(where, view string) {
		if strings.HasPrefix(where, "step ") || compared[where] {
			seen++
			name := strings.NewReplacer(" ", "_", ",", "", "⟦", "", "⟧", "", "·", "").Replace(where)
			t.Run(name, func(t *testing.T) { golden.RequireEqual(t, []byte(view)) })
		}
	})
	if seen < len(compared)+int(numSteps)-1 {
		t.Errorf("%d screens compared", seen)
	}
}

// At every size down to 40×12, with and without colour, every screen
// keeps the header (where one is: the step's position) and the footer's
// keys, fills the terminal exactly and no line is wider than it.
func TestEveryScreenKeepsItsPlaceAndKeys(t *testing.T) {
	for _, colour := range []bool{false, true} {
		for _, sz := range [][2]int{{40, 12}, {60, 20}, {80, 24}, {100, 30}, {160, 45}} {
			o := testOptions(failing{})
			o.Uploader = failingUploader{}
			if colour {
				o.Getenv = func(k string) string { return map[string]string{"CLICOLOR_FORCE": "1"}[k] }
			}
			walkScreens(t, o, sz[0], sz[1], func(where, view string) {
				lines := strings.Split(view, "\n")
				if len(lines) != sz[1] {
					t.Errorf("%s at %dx%d: %d lines", where, sz[0], sz[1], len(lines))
				}
				for _, l := range lines {
					if ansi.StringWidth(l) > sz[0] {
						t.Errorf("%s at %dx%d: a line wider than the terminal: %q", where, sz[0], sz[1], l)
					}
				}
				plain := ansi.Strip(view)
				if !strings.Contains(plain, "ims-wizard") {
					t.Errorf("%s at %dx%d: no header:\n%s", where, sz[0], sz[1], plain)
				}
				foot := ansi.Strip(strings.Join(lines[len(lines)-2:], " "))
				if !strings.Contains(foot, "ctrl+c") && !strings.Contains(foot, "q quit") && !strings.Contains(foot, "esc") {
					t.Errorf("%s at %dx%d: the footer lost its way out:\n%s", where, sz[0], sz[1], plain)
				}
				if strings.HasPrefix(where, "step ") && !regexp.MustCompile(`step \d/6`).MatchString(plain) {
					t.Errorf("%s at %dx%d: the step's position is gone:\n%s", where, sz[0], sz[1], plain)
				}
			})
		}
	}
}

// The layout at 60×20, screen by screen, where it used to fall apart:
// step 5's second question hidden, the platforms down to two rows behind
// notes, values wrapped under the card's labels, ids and URLs cut or split
// at a hyphen, a sentence left half on the resume screen.
func TestLayoutAt60x20(t *testing.T) {
	o := testOptions(failing{})
	o.Uploader = failingUploader{}
	views := map[string]string{}
	walkScreens(t, o, 60, 20, func(where, view string) { views[where] = view })
	must := func(screen string, want ...string) {
		t.Helper()
		for _, w := range want {
			if !strings.Contains(views[screen], w) {
				t.Errorf("%s lacks %q:\n%s", screen, w, views[screen])
			}
		}
	}
	must("step Tags, protection, visibility", "Protect the image?", "[ No ]")
	if rows := strings.Count(views["step Operating system · platform"], "Linux ·"); rows < 5 {
		t.Errorf("the platforms show %d rows:\n%s", rows, views["step Operating system · platform"])
	}
	must("result", "│ status  queued", "│         file next") // wrapped under the value
	must("uploading", "4ca46bf1-5c61-48ff-b4f3-0ad4e5e3ba86") // the id whole
	must("review", "http://sandbox.test/v2/images")
	if v := views["resume a draft"]; strings.Contains(v, "answers are\n") || !strings.Contains(v, "› Resume the draft") {
		t.Errorf("the resume screen cuts a sentence or its choices:\n%s", v)
	}
}

// An error view's title wraps at 60 columns instead of running off the
// screen ("No clear answer (HTTP 503): the image may or may not e").
func TestErrorTitleWrapsAt60(t *testing.T) {
	t.Parallel()
	m := newWizard(context.Background(), testOptions(failing{}), testRenderer())
	m.Update(tea.WindowSizeMsg{Width: 60, Height: 20})
	err := &client.APIError{Method: "POST", URL: "http://sandbox.test/v2/images", StatusCode: 503, Meaning: client.StatusText(503)}
	v := flat(errorContent(m.c, err, false))
	if !strings.Contains(v, "No clear answer (HTTP 503): the image may or may not exist") {
		t.Errorf("the title is cut:\n%s", errorContent(m.c, err, false))
	}
	for _, line := range strings.Split(errorContent(m.c, err, false), "\n") {
		if w := ansi.StringWidth(line); w > m.c.contentWidth() {
			t.Errorf("a line of %d cells, wider than %d: %q", w, m.c.contentWidth(), line)
		}
	}
}
