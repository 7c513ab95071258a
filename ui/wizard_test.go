package ui

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/golden"
	"github.com/ims-wizard/ims-wizard/client"
	"github.com/ims-wizard/ims-wizard/client/sandbox"
)

// The seed's example request, typed through every step, one golden per
// screen, then submitted to a deterministic sandbox.
func TestGoldenScreens(t *testing.T) {
	t.Parallel()
	c := startSandbox(t, deterministic())
	o := testOptions(stable{c})
	o.Uploader = c // as the CLI wires it: the result view offers u
	o.UploadCommand = func(id string) string { return "ims-wizard upload " + id + " FILE --sandbox-dir /home/demo/sandbox" }
	w := startWizard(t, o)

	snap := func(name string, want ...string) {
		t.Helper()
		v := w.waitView(want...)
		t.Run(name, func(t *testing.T) { golden.RequireEqual(t, []byte(v)) })
	}
	snap("0_image_file", "Is the image file on this machine?")
	w.press(tea.KeyEnter)
	snap("1_name_empty", "Image name")
	w.typeText("test")
	snap("1_name_typed", "> test")
	w.press(tea.KeyEnter)
	snap("2_arch", "Operating system · architecture", "> x86_64")
	w.press(tea.KeyEnter)
	snap("2_platform", "Operating system · platform", "> Ubuntu")
	w.press(tea.KeyEnter)
	w.waitView("Ubuntu version")
	w.key("/")
	w.typeText("14.04 server 64")
	snap("2_version_filtered", "/14.04 server 64", "1 of 22", "> Ubuntu 14.04 server 64bit")
	w.press(tea.KeyEnter)
	snap("3_disk", "Disk and container format")
	w.press(tea.KeyDown)
	w.waitView("> vhd")
	w.press(tea.KeyEnter)
	w.waitView("Minimum disk and RAM")
	w.typeText("100")
	w.press(tea.KeyEnter)
	w.waitView("┃ Minimum RAM")
	w.typeText("1024")
	snap("4_sizes", "> 1024")
	w.press(tea.KeyEnter)
	w.waitView("Tags, protection, visibility")
	w.typeText("test=testvalue")
	w.press(tea.KeyCtrlJ)
	w.typeText("image=imagevalue")
	snap("5_tags", "image=imagevalue")
	w.press(tea.KeyEnter)
	w.waitView("┃ Protect the image?")
	w.press(tea.KeyEnter)
	v := w.waitView("Review", `"min_ram": 1024`)
	t.Run("6_review", func(t *testing.T) { golden.RequireEqual(t, []byte(v)) })
	want := `{
  "__os_version": "Ubuntu 14.04 server 64bit",
  "container_format": "bare",
  "disk_format": "vhd",
  "min_disk": 100,
  "min_ram": 1024,
  "name": "test",
  "tags": [
    "test=testvalue",
    "image=imagevalue"
  ],
  "visibility": "private",
  "protected": false
}`
	req, ps := w.answers().Request()
	if string(req.Body()) != want || len(ps) > 0 {
		t.Fatalf("the answers make\n%s\n(problems %v), want the seed's example request\n%s", req.Body(), ps, want)
	}
	w.key("e")
	snap("6_review_edit_list", "Edit which step?")
	w.press(tea.KeyEsc)
	w.key("s")
	snap("7_result", "Image metadata created", seedID)
	w.key("r")
	snap("7_result_raw", "Raw JSON")
	w.key("q")
	m := w.finish()
	if m.finalErr != nil || m.finalResult == nil || m.finalResult.Image.ID != seedID {
		t.Fatalf("Run would return (%v, %v), want the created image", m.finalResult, m.finalErr)
	}
}

// Typing a name and pressing Enter through every default creates an image.
func TestEnterThroughDefaultsCreatesImage(t *testing.T) {
	t.Parallel()
	c := startSandbox(t, sandbox.Options{})
	w := startWizardSize(t, testOptions(c), 100, 60)
	w.waitView("Image name")
	w.typeText("web-01")
	for _, marker := range []string{"Operating system · architecture", "Operating system · platform", "Ubuntu version", "Disk and container format",
		"Minimum disk and RAM", "┃ Minimum RAM", "Tags, protection, visibility", "┃ Protect the image?", "Review"} {
		w.press(tea.KeyEnter)
		w.waitView(marker)
	}
	w.press(tea.KeyEnter) // Submit is the default choice
	v := w.waitView("Image metadata created", "queued · metadata created; upload the image file next")
	w.key("q")
	m := w.finish()
	res := m.finalResult
	if m.finalErr != nil || res == nil {
		t.Fatalf("got (%v, %v), want a created image", res, m.finalErr)
	}
	got, err := c.Get(context.Background(), res.Image.ID)
	if err != nil {
		t.Fatalf("the image %s is not on the server: %v", res.Image.ID, err)
	}
	img := got.Image
	if img.Name != "web-01" || img.DiskFormat != client.DefaultDiskFormat || img.ContainerFormat != "bare" ||
		img.Visibility != "private" || img.Protected || img.OSVersion != "Ubuntu 24.04 server 64bit" {
		t.Errorf("created %+v, want the defaults with name web-01", img)
	}
	for _, want := range []string{res.Image.ID, "request id " + res.RequestID, testEndpoint + "/v2/images/" + res.Image.ID + "/file"} {
		if !strings.Contains(v, want) {
			t.Errorf("result view lacks %q:\n%s", want, v)
		}
	}
}

// Going back works from a step holding an invalid value, and every earlier
// answer is still there; so is the invalid value, with its error.
func TestBackFromInvalidStepKeepsAnswers(t *testing.T) {
	t.Parallel()
	c := startSandbox(t, sandbox.Options{})
	w := startWizard(t, testOptions(c))
	w.typeText("keep-me")
	w.press(tea.KeyEnter)
	w.waitView("> x86_64")
	w.press(tea.KeyEnter)
	w.waitView("> Ubuntu")
	w.press(tea.KeyDown) // CentOS
	w.press(tea.KeyEnter)
	w.waitView("CentOS version")
	w.key("/")
	w.typeText("CentOS 7.6 64")
	w.waitView("> CentOS 7.6 64bit")
	w.press(tea.KeyEnter)
	w.waitView("Disk and container format")
	w.press(tea.KeyDown, tea.KeyDown) // raw
	w.press(tea.KeyEnter)
	w.waitView("Minimum disk and RAM")
	w.typeText("7")
	w.press(tea.KeyEnter)
	v := w.waitView("✗ min_disk: 7 GB is outside 40–255 GB")
	if !strings.Contains(v, "┃ > 7") {
		t.Fatalf("the refused value should keep the focus:\n%s", v)
	}

	w.press(tea.KeyShiftTab)
	v = w.waitView("Disk and container format", "> raw")
	w.press(tea.KeyShiftTab)
	w.waitView("CentOS version", "> CentOS 7.6 64bit")
	w.press(tea.KeyEsc)
	w.waitView("Operating system · platform", "> CentOS")
	w.press(tea.KeyShiftTab)
	w.waitView("Operating system · architecture", "> x86_64")
	w.press(tea.KeyShiftTab)
	w.waitView("Image name", "> keep-me")

	if a := w.answers(); a.MinDisk != "7" || a.OSVersion != "CentOS 7.6 64bit" || a.DiskFormat != "raw" {
		t.Errorf("answers after going back: %+v", a)
	}
	// Forward again: every answer is kept, the invalid one shows its error at once.
	for _, marker := range []string{"> x86_64", "> CentOS", "> CentOS 7.6 64bit", "> raw"} {
		w.press(tea.KeyEnter)
		w.waitView(marker)
	}
	w.press(tea.KeyEnter)
	w.waitView("Minimum disk and RAM", "> 7", "✗ min_disk: 7 GB is outside 40–255 GB")
	_ = v
}

// Esc cancels the request in flight and returns to the review with every
// answer kept; nothing is created.
func TestCancelInFlightKeepsAnswers(t *testing.T) {
	t.Parallel()
	for _, k := range []tea.KeyType{tea.KeyEsc, tea.KeyCtrlC} {
		t.Run(k.String(), func(t *testing.T) {
			c := startSandbox(t, sandbox.Options{Delay: time.Minute})
			rec := &recording{Creator: c, returned: make(chan error, 1)}
			o := testOptions(rec)
			o.Initial = client.Request{Name: "slow", OSVersion: "EulerOS 2.5 64bit", DiskFormat: "qcow2",
				MinDisk: client.Int64(50), MinRAM: client.Int64(2048), Tags: []string{"a=1", "b=2"}, Protected: true}
			w := startWizard(t, o)
			want := AnswersFromRequest(o.Initial, client.EmbeddedCatalog())
			for _, marker := range []string{"> x86_64", "> EulerOS", "> EulerOS 2.5 64bit", "> qcow2", "┃ Minimum disk", "┃ Minimum RAM", "Tags, protection", "┃ Protect the image?", "Review"} {
				w.press(tea.KeyEnter)
				w.waitView(marker)
			}
			w.press(tea.KeyEnter)
			w.waitView("Creating image metadata")
			w.press(k)
			v := w.waitView("Request cancelled; every answer is kept", `"name": "slow"`)
			if a := w.answers(); !a.Equal(want) {
				t.Errorf("answers after cancel = %+v, want %+v", a, want)
			}
			if !strings.Contains(v, "Submit") {
				t.Errorf("not back at the review:\n%s", v)
			}
			// The request itself was cancelled (context), not just left behind.
			select {
			case err := <-rec.returned:
				var netErr *client.NetworkError
				if !errors.As(err, &netErr) || netErr.Kind != client.NetCanceled {
					t.Errorf("the request ended with %v, want it canceled", err)
				}
			case <-time.After(waitLong):
				t.Fatal("the request in flight was not cancelled")
			}
			imgs, err := c.ListByName(context.Background(), "slow")
			if err != nil || len(imgs) != 0 {
				t.Errorf("the cancelled request created %d images (%v)", len(imgs), err)
			}
			// Ctrl+C at the review (not in flight) quits.
			w.press(tea.KeyCtrlC)
			if m := w.finish(); !errors.Is(m.finalErr, ErrInterrupted) {
				t.Errorf("ctrl+c at the review: err = %v, want ErrInterrupted", m.finalErr)
			}
		})
	}
}

// A real 400 from the sandbox: the error view shows status, meaning, code,
// message, request id and hint; e goes back with every answer; q returns it.
func TestErrorViewFromReal400(t *testing.T) {
	t.Parallel()
	c := startSandbox(t, deterministic())
	bad := rawBody{c: c, change: func(b map[string]any) { b["min_ram"] = -1 }}
	o := testOptions(stable{bad})
	o.Initial = client.Request{Name: "refused"}
	w := startWizard(t, o)
	w.inspect(func(m *wizard) { m.now = func() time.Time { return seedTime } })
	for _, marker := range []string{"Operating system · architecture", "Operating system · platform", "version", "Disk and", "Minimum disk", "┃ Minimum RAM", "Tags,", "┃ Protect", "Review"} {
		w.press(tea.KeyEnter)
		w.waitView(marker)
	}
	w.press(tea.KeyEnter)
	v := w.waitView("The server refused the request", "HTTP 400")
	t.Run("8_error", func(t *testing.T) { golden.RequireEqual(t, []byte(v)) })
	for _, want := range []string{"bad request: the server refused a value", "min_ram: -1 is negative", "0123456789abcdef0123456789abcdef", "hint"} {
		if !strings.Contains(v, want) {
			t.Errorf("error view lacks %q", want)
		}
	}
	before := w.answers()
	w.key("e")
	w.waitView("Edit which step?", "refused")
	if a := w.answers(); !a.Equal(before) {
		t.Errorf("answers changed by the error: %+v, want %+v", a, before)
	}
	w.press(tea.KeyEsc)
	w.press(tea.KeyEnter) // submit again: refused again
	w.waitView("HTTP 400")
	w.key("r") // retry
	w.waitView("HTTP 400")
	w.key("q")
	m := w.finish()
	var apiErr *client.APIError
	if !errors.As(m.finalErr, &apiErr) || apiErr.StatusCode != 400 || m.finalResult != nil {
		t.Fatalf("Run would return (%v, %v), want the *client.APIError", m.finalResult, m.finalErr)
	}
}

// Strings from the server never reach the terminal with control characters.
func TestServerStringsShownInert(t *testing.T) {
	t.Parallel()
	evil := "evil\x1b]52;c;cHduZWQ=\x07\x1b[2J\u009b31m"
	t.Run("result", func(t *testing.T) {
		c := startSandbox(t, deterministic())
		// Validation refuses control characters in names and tags, so the body is
		// changed on its way out; the sandbox echoes what it was sent.
		withExtra := rawBody{c: c, change: func(b map[string]any) {
			b["x_evil"] = evil // names with controls are refused; extra properties are not
			b["x_note\x1b[1m"] = "bell\x07"
		}}
		o := testOptions(stable{withExtra})
		o.Initial = client.Request{Name: "evil", OSVersion: "Ubuntu 18.04 server 64bit"}
		w := startWizardSize(t, o, 100, 60)
		for _, marker := range []string{"> x86_64", "> Ubuntu", "> Ubuntu 18.04 server", "Disk and", "Minimum disk", "┃ Minimum RAM", "Tags,", "┃ Protect", "Review"} {
			w.press(tea.KeyEnter)
			w.waitView(marker)
		}
		w.press(tea.KeyEnter)
		v := w.waitView("Image metadata created")
		assertInert(t, v)
		for _, want := range []string{"evil^[]52;c;cHduZWQ=^G^[[2J<U+009B>31m", "x_note^[[1m", "bell^G", "(not in the documented response)"} {
			if !strings.Contains(v, want) {
				t.Errorf("result view lacks %q:\n%s", want, v)
			}
		}
		w.key("r")
		assertInert(t, w.waitView("Raw JSON"))
	})
	t.Run("error", func(t *testing.T) {
		fake := failing{&client.APIError{Method: "POST", URL: "http://x/v2/images", StatusCode: 400, Meaning: "bad request\x1b[5m",
			Code: "IMG.0001\x07", Message: "line one\x1b[2J\nline two \u009b", RequestID: "req\x1b", Hint: "hint\x1b]0;title\x07"}}
		o := testOptions(fake)
		o.Initial = client.Request{Name: "x"}
		w := startWizard(t, o)
		for _, marker := range []string{"architecture", "platform", "version", "Disk and", "Minimum disk", "┃ Minimum RAM", "Tags,", "┃ Protect", "Review"} {
			w.press(tea.KeyEnter)
			w.waitView(marker)
		}
		w.press(tea.KeyEnter)
		v := w.waitView("The server refused the request")
		assertInert(t, v)
		for _, want := range []string{"IMG.0001^G", "line one^[[2J", "line two <U+009B>", "req^[", "hint^[]0;title^G"} {
			if !strings.Contains(v, want) {
				t.Errorf("error view lacks %q:\n%s", want, v)
			}
		}
	})
}

func assertInert(t *testing.T, view string) {
	t.Helper()
	for _, r := range view {
		if r < 0x20 && r != '\n' || r == 0x7f || r >= 0x80 && r < 0xa0 {
			t.Fatalf("the view holds control character %U:\n%q", r, view)
		}
	}
}

// failing is a Creator that always returns err.
type failing struct{ err error }

func (f failing) Create(context.Context, client.Request) (*client.Result, error) { return nil, f.err }

func (f failing) FindRecent(context.Context, string, time.Time) ([]*client.Image, error) {
	return nil, nil
}

// recording reports when each Create returns, and with what error.
type recording struct {
	Creator
	returned chan error
}

func (r *recording) Create(ctx context.Context, req client.Request) (*client.Result, error) {
	res, err := r.Creator.Create(ctx, req)
	r.returned <- err
	return res, err
}

// A pasted request (--from) opens the wizard at the review, prefilled, its
// extra properties in the body, every field editable.
func TestPastedRequestOpensAtTheReview(t *testing.T) {
	t.Parallel()
	c := startSandbox(t, sandbox.Options{})
	o := testOptions(c)
	o.Review = &client.Input{Name: "from-ticket", OSVersion: "CentOS  7.6 64bit", DiskFormat: "qcow2", MinDisk: "100",
		Tags: "a=1", Properties: []client.Property{{Key: "hw_disk_bus", Value: "scsi"}}}
	w := startWizardSize(t, o, 100, 60)
	w.waitView("Review", `"name": "from-ticket"`, `"__os_version": "CentOS 7.6 64bit"`, `"hw_disk_bus": "scsi"`)
	w.key("4")
	w.waitView("Minimum disk and RAM", "> 100")
	w.press(tea.KeyEnter)
	w.waitView("┃ Minimum RAM")
	w.press(tea.KeyEnter)
	w.waitView("Review")
	w.key("s")
	w.waitView("Image metadata created")
	w.key("q")
	m := w.finish()
	got, err := c.Get(context.Background(), m.finalResult.Image.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Image.Name != "from-ticket" || got.Image.MinDisk != 100 || !strings.Contains(string(got.Image.Raw), `"hw_disk_bus":"scsi"`) {
		t.Errorf("created %s", got.Image.Raw)
	}
}
