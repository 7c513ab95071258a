package ui

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/ims-wizard/ims-wizard/client"
	"github.com/ims-wizard/ims-wizard/client/clienttest"
	"github.com/ims-wizard/ims-wizard/client/sandbox"
)

// sparse makes a file of size bytes that takes no room on disk: the
// checks only look at its size.
func sparse(t *testing.T, dir, name string, size int64) string {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(path, size); err != nil {
		t.Fatal(err)
	}
	return path
}

// gated holds the upload at its first progress report until released, so
// a test sees the progress page however fast the loopback is.
type gated struct {
	Uploader
	release chan struct{}
	once    sync.Once
}

func newGated(up Uploader) *gated { return &gated{Uploader: up, release: make(chan struct{})} }

func (g *gated) RunUpload(ctx context.Context, check *client.UploadCheck, o client.UploadOptions) client.UploadOutcome {
	progress := o.Hooks.Progress
	o.Hooks.Progress = func(p client.UploadProgress) {
		if progress != nil {
			progress(p)
		}
		g.once.Do(func() {
			select {
			case <-g.release:
			case <-ctx.Done():
			case <-time.After(3 * waitLong):
			}
		})
	}
	return g.Uploader.RunUpload(ctx, check, o)
}

// counting counts the calls that would send something.
type counting struct {
	Uploader
	checks, uploads atomic.Int32
}

func (c *counting) CheckUpload(ctx context.Context, id, path string) (*client.UploadCheck, error) {
	c.checks.Add(1)
	return c.Uploader.CheckUpload(ctx, id, path)
}

func (c *counting) RunUpload(ctx context.Context, check *client.UploadCheck, o client.UploadOptions) client.UploadOutcome {
	c.uploads.Add(1)
	return c.Uploader.RunUpload(ctx, check, o)
}

// reporting rewrites what the wait reads back once the file was sent: a
// server that answers with another checksum, or kills the image. The
// client's verdict (VerifyUpload) then judges the rewritten image.
type reporting struct {
	Uploader
	statuses []string                // reported through the Status hook before the rewritten image's
	change   func(img *client.Image) // applied to a copy of the image read
}

func (r reporting) RunUpload(ctx context.Context, check *client.UploadCheck, o client.UploadOptions) client.UploadOutcome {
	status := o.Hooks.Status
	o.Hooks.Status = func(string) {}
	out := r.Uploader.RunUpload(ctx, check, o)
	if out.Err != nil || out.Final == nil || out.Sent == nil {
		return out
	}
	img := *out.Final.Image
	r.change(&img)
	for _, s := range append(r.statuses, img.Status) {
		if status != nil {
			status(s)
		}
	}
	final := *out.Final
	final.Image = &img
	out.Final = &final
	out.Checked, out.Err = client.VerifyUpload(&img, out.Sent.MD5)
	return out
}

// createThrough types a name and presses Enter through every default, up
// to the created image's result view.
func createThrough(w *driver, name string) {
	w.t.Helper()
	w.waitView("Is the image file on this machine?")
	w.press(tea.KeyEnter) // no: upload it later, from the result
	w.waitView("Image name")
	w.typeText(name)
	for _, marker := range []string{"Operating system · architecture", "Operating system · platform", "version", "Disk and container format",
		"Minimum disk and RAM", "┃ Minimum RAM", "Tags, protection, visibility", "┃ Protect the image?", "Review"} {
		w.press(tea.KeyEnter)
		w.waitView(marker)
	}
	w.press(tea.KeyEnter)
	w.waitView("Image metadata created", "u upload")
}

// uploadThrough runs the whole path: create, u, pick the file in the
// listing of the current directory, see the progress page, end active with
// the checksum verified; the server holds the file's MD5.
func uploadThrough(t *testing.T, c *client.Client, dir, file, sum string, size int64) {
	g := newGated(c)
	o := testOptions(c)
	o.Dir = dir
	o.Uploader = g
	w := startWizard(t, o)
	createThrough(w, uniqueName("up"))
	w.key("u")
	w.waitView("Upload the image file", "> "+filepath.Base(file), client.FormatBytes(size))
	w.press(tea.KeyEnter)
	v := w.waitView("Uploading the image file", "of "+client.FormatBytes(size), "ETA", "░", "esc/ctrl+c cancel upload")
	for _, want := range []string{filepath.Base(file), "PUT ", "/file", "status  queued"} {
		if !strings.Contains(v, want) {
			t.Errorf("progress page lacks %q:\n%s", want, v)
		}
	}
	close(g.release)
	v = w.waitFlat("Image file uploaded", "status active · the image is ready to use", "checksum verified")
	for _, want := range []string{sum, "size", client.FormatBytes(size), "uploaded"} {
		if !strings.Contains(v, want) {
			t.Errorf("result view lacks %q:\n%s", want, v)
		}
	}
	if strings.Contains(v, "u upload") {
		t.Errorf("u is still offered for an active image:\n%s", v)
	}
	w.key("u") // not offered: nothing happens
	w.waitView("Image file uploaded")
	w.key("q")
	m := w.finish()
	res := m.finalResult
	if m.finalErr != nil || res == nil || res.Image.Status != "active" || res.Image.Checksum != sum {
		t.Fatalf("Run would return (%+v, %v), want the image active with checksum %s", res, m.finalErr, sum)
	}
	got, err := c.Get(context.Background(), res.Image.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Image.Status != "active" || got.Image.Checksum != sum || !got.Image.Size.Valid || got.Image.Size.Value != size {
		t.Errorf("the server's image: status %s, checksum %s, size %+v; want active, %s, %d", got.Image.Status, got.Image.Checksum, got.Image.Size, sum, size)
	}
}

// From the result view: u, pick a real file, progress, active, checksum
// verified; Run returns the active image (the summary says active).
func TestUploadFromResultView(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	const size = 4 << 20
	file, sum := clienttest.RandomFile(t, dir, "disk.raw", size)
	if err := os.Mkdir(filepath.Join(dir, "a-directory"), 0o700); err != nil {
		t.Fatal(err)
	}
	uploadThrough(t, startSandbox(t, sandbox.Options{}), dir, file, sum, size)
}

// The same against a real Glance (make test starts one).
func TestUploadFromResultViewGlance(t *testing.T) {
	t.Parallel()
	g := os.Getenv("IMS_TEST_GLANCE_URL")
	if g == "" {
		t.Skip("IMS_TEST_GLANCE_URL not set: skipping the upload against a real Glance (make test starts one and sets it)")
	}
	dir := t.TempDir()
	const size = 20 << 20
	file, sum := clienttest.RandomFile(t, dir, "glance.raw", size)
	c, err := client.New(client.Config{Endpoint: g, Timeout: 20 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	uploadThrough(t, c, dir, file, sum, size)
}

// throttledSandbox is a sandbox on loopback whose uploads crawl (the body
// read 16 KiB every 20 ms), so one can be cancelled mid-way. unthrottle
// ends the crawl: the server then drains what the sockets hold and sees
// the connection end at once. Bounded: the crawl also ends with the
// request or the test.
func throttledSandbox(t *testing.T) (c *client.Client, unthrottle func()) {
	t.Helper()
	srv := sandbox.New(sandbox.Options{})
	stop := make(chan struct{})
	var once sync.Once
	unthrottle = func() { once.Do(func() { close(stop) }) }
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPut {
			r.Body = &crawl{ReadCloser: r.Body, ctx: r.Context(), stop: stop}
		}
		srv.ServeHTTP(w, r)
	}))
	t.Cleanup(func() {
		unthrottle()
		ts.Close()
		_ = srv.Close()
	})
	c, err := client.New(client.Config{Endpoint: ts.URL, Timeout: 20 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	return c, unthrottle
}

var sentSome = regexp.MustCompile(`\b[1-9][0-9.]* (KiB|MiB) of 8\.0 MiB · [0-9.]+ [KM]iB/s · ETA [0-9]+:[0-9]{2}`)

// waitMatch waits until the view matches re.
func (w *driver) waitMatch(re *regexp.Regexp) string {
	w.t.Helper()
	deadline := time.Now().Add(waitLong)
	var v string
	for time.Now().Before(deadline) {
		if v = w.view(); re.MatchString(v) {
			return v
		}
		time.Sleep(20 * time.Millisecond)
	}
	w.t.Fatalf("the view never matched %s; last view:\n%s", re, v)
	return ""
}

type crawl struct {
	io.ReadCloser
	ctx  context.Context
	stop chan struct{}
}

func (c *crawl) Read(p []byte) (int, error) {
	select {
	case <-time.After(20 * time.Millisecond):
	case <-c.ctx.Done():
	case <-c.stop:
	}
	return c.ReadCloser.Read(p[:min(len(p), 16<<10)])
}

// Esc or Ctrl+C mid-upload cancels it and comes back to the result view,
// saying so and what GET says of the image; it is not active, and u is
// offered again once the upload has returned.
func TestUploadCancelMidway(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	clienttest.RandomFile(t, dir, "slow.raw", 8<<20)
	for _, k := range []tea.KeyType{tea.KeyEsc, tea.KeyCtrlC} {
		t.Run(k.String(), func(t *testing.T) {
			c, unthrottle := throttledSandbox(t)
			o := testOptions(c)
			o.Dir = dir
			o.Uploader = c
			w := startWizard(t, o)
			createThrough(w, uniqueName("cancel"))
			w.key("u")
			w.waitView("> slow.raw")
			w.press(tea.KeyEnter)
			w.waitView("Uploading the image file", "of 8.0 MiB", "/s · ETA")
			w.waitMatch(sentSome) // mid-way: some bytes sent, not all
			w.press(k)
			// Back on the result view at once; the cancel has taken effect.
			w.waitFlat("Upload cancelled after", "Reading the image's status…")
			// The sandbox sees the connection end once it reads on.
			unthrottle()
			v := w.waitFlat("Upload cancelled after", "GET /v2/images/", "says it is now queued", "u upload")
			if !strings.Contains(v, "Image metadata created") {
				t.Errorf("not back on the result view:\n%s", v)
			}
			var id string
			w.inspect(func(m *wizard) { id = m.result.res.Image.ID })
			got, err := c.Get(context.Background(), id)
			if err != nil || got.Image.Status == "active" {
				t.Fatalf("after the cancel the image is %v (%v), want it not active", got, err)
			}
			// The sandbox puts an interrupted upload's image back to queued.
			deadline := time.Now().Add(waitLong)
			for got.Image.Status != "queued" && time.Now().Before(deadline) {
				time.Sleep(20 * time.Millisecond)
				got, _ = c.Get(context.Background(), id)
			}
			if got.Image.Status != "queued" {
				t.Errorf("the image stays %s, want queued again", got.Image.Status)
			}
			w.key("q")
			m := w.finish()
			if m.finalErr != nil || m.finalResult == nil || m.finalResult.Image.ID != id || m.finalResult.Image.Status == "active" {
				t.Errorf("Run would return (%+v, %v), want the image, not active, and no error", m.finalResult, m.finalErr)
			}
		})
	}
}

// Refusals show on the picker with the message and what to do; nothing
// is sent: a missing file, a directory (typed), AK/SK over 12 MB, 2 GB and
// more on a Huawei endpoint.
func TestUploadRefusals(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	t.Run("missing and directory", func(t *testing.T) {
		c := startSandbox(t, sandbox.Options{})
		up := &counting{Uploader: c}
		o := testOptions(c)
		o.Dir = dir
		o.Uploader = up
		w := startWizard(t, o)
		createThrough(w, uniqueName("refused"))
		w.key("u")
		w.waitView("Upload the image file")
		w.key("/") // types a path from the root
		missing := filepath.Join(dir, "no-such.raw")
		w.typeText(missing[1:])
		w.press(tea.KeyEnter)
		w.waitFlat("✗ file " + missing + " does not exist; nothing was sent.")
		w.press(tea.KeyCtrlU) // clears the input
		w.typeText(dir)
		w.press(tea.KeyEnter)
		w.waitFlat("✗ " + dir + " is a directory, not an image file; nothing was sent.")
		if n := up.uploads.Load(); n != 0 || up.checks.Load() != 2 {
			t.Errorf("%d checks, %d uploads; want 2 checks, nothing sent", up.checks.Load(), n)
		}
		// Esc: back to the list, then to the result view, the image still queued.
		w.press(tea.KeyEsc)
		w.waitView("tab to type one")
		w.press(tea.KeyEsc)
		w.waitView("Image metadata created", "u upload")
		// Ctrl+C on the picker keeps its meaning: quit.
		w.key("u")
		w.waitView("Upload the image file")
		w.press(tea.KeyCtrlC)
		m := w.finish()
		if !errors.Is(m.finalErr, ErrInterrupted) || m.finalResult == nil || m.finalResult.Image.Status != "queued" {
			t.Errorf("ctrl+c on the picker: (%+v, %v), want the queued image and ErrInterrupted", m.finalResult, m.finalErr)
		}
	})
	t.Run("AK/SK over 12 MB", func(t *testing.T) {
		sub := t.TempDir()
		sparse(t, sub, "big.raw", client.AKSKBodyLimit+1)
		srv := sandbox.New(sandbox.Options{}) // ignores credentials: the signed requests go through
		u, err := srv.Start("127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = srv.Close() })
		c, err := client.New(client.Config{Endpoint: u, Auth: client.AKSKAuth{AK: "AKTESTAKTESTAKTEST", SK: "secret", Source: "test"}})
		if err != nil {
			t.Fatal(err)
		}
		up := &counting{Uploader: c}
		o := testOptions(c)
		o.Dir = sub
		o.Uploader, o.Auth = up, c.AuthInfo()
		w := startWizard(t, o)
		createThrough(w, uniqueName("aksk"))
		w.key("u")
		w.waitView("> big.raw")
		w.press(tea.KeyEnter)
		w.waitFlat("AK/SK request signing covers bodies up to 12 MB only; nothing was sent.", "what to do: use token authentication")
		if up.uploads.Load() != 0 {
			t.Error("the file was sent")
		}
		var id string
		w.inspect(func(m *wizard) { id = m.result.res.Image.ID })
		if got, err := c.Get(context.Background(), id); err != nil || got.Image.Status != "queued" {
			t.Errorf("the image is %v (%v), want it queued, untouched", got, err)
		}
	})
	t.Run("2 GB on Huawei", func(t *testing.T) {
		sub := t.TempDir()
		sparse(t, sub, "huge.raw", client.HuaweiUploadLimit)
		c := startSandbox(t, sandbox.Options{})
		// The Huawei endpoint is never reached: the size is refused first,
		// and a request would fail at the proxy anyway.
		hw, err := client.New(client.Config{Endpoint: "https://ims.cn-north-4.myhuaweicloud.com",
			Proxy: func(*http.Request) (*url.URL, error) { return nil, errors.New("no network in tests") }})
		if err != nil {
			t.Fatal(err)
		}
		up := &counting{Uploader: hw}
		o := testOptions(c)
		o.Dir = sub
		o.Uploader = up
		w := startWizard(t, o)
		createThrough(w, uniqueName("huge"))
		w.key("u")
		w.waitView("> huge.raw")
		w.press(tea.KeyEnter)
		w.waitFlat("the file is 2.0 GiB: Huawei Cloud IMS accepts uploads through this API only under 2 GB", "OBS")
		if up.uploads.Load() != 0 {
			t.Error("the file was sent")
		}
	})
}

// A server checksum other than the file's MD5 ends in the error view,
// which says so; quitting returns the image with the error.
func TestUploadChecksumMismatch(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	clienttest.RandomFile(t, dir, "disk.raw", 1<<20)
	c := startSandbox(t, sandbox.Options{})
	o := testOptions(c)
	o.Dir = dir
	o.Uploader = reporting{Uploader: c, statuses: []string{"saving"}, change: func(img *client.Image) {
		img.Checksum = "00000000000000000000000000000000"
	}}
	w := startWizard(t, o)
	createThrough(w, uniqueName("mismatch"))
	w.key("u")
	w.waitView("> disk.raw")
	w.press(tea.KeyEnter)
	v := w.waitFlat("Checksum mismatch: the image is not the file sent", "checksum mismatch: the server's checksum of image",
		"is 00000000000000000000000000000000 but the file sent has MD5", "upload failed")
	if !strings.Contains(v, "esc back to the image") {
		t.Errorf("the error view's keys:\n%s", v)
	}
	w.press(tea.KeyEsc)
	w.waitFlat("✗ The upload failed: checksum mismatch")
	w.key("q")
	m := w.finish()
	var ue *client.UploadError
	var uf *UploadFailedError
	if !errors.As(m.finalErr, &uf) || !errors.As(m.finalErr, &ue) || ue.Reason != client.RefusedChecksum || m.finalResult == nil {
		t.Fatalf("Run would return (%v, %v), want the image and the checksum error", m.finalResult, m.finalErr)
	}
}

// An image the server killed after the upload: the error view says it,
// with the statuses seen.
func TestUploadKilled(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	clienttest.RandomFile(t, dir, "disk.raw", 256<<10)
	c := startSandbox(t, sandbox.Options{})
	o := testOptions(c)
	o.Dir = dir
	o.Uploader = reporting{Uploader: c, statuses: []string{"saving"}, change: func(img *client.Image) { img.Status = "killed" }}
	w := startWizard(t, o)
	createThrough(w, uniqueName("killed"))
	w.key("u")
	w.waitView("> disk.raw")
	w.press(tea.KeyEnter)
	w.waitFlat("The server could not store the image file", "is killed (uploading the image file failed)", "image killed")
	w.key("q")
	m := w.finish()
	var ue *client.UploadError
	if !errors.As(m.finalErr, &ue) || ue.Reason != client.RefusedFailed || m.finalResult.Image.Status != "killed" {
		t.Fatalf("Run would return (%v, %v), want the killed image and its error", m.finalResult, m.finalErr)
	}
}

// The uploading page draws bytes, rate and ETA, then the live status.
func TestUploadPageShowsProgressAndStatus(t *testing.T) {
	t.Parallel()
	c := startSandbox(t, deterministic())
	o := testOptions(c)
	o.Uploader = c
	m := newWizard(context.Background(), o, testRenderer())
	m.Update(tea.WindowSizeMsg{Width: termW, Height: termH})
	res, err := c.Create(context.Background(), client.Request{Name: "progress"})
	if err != nil {
		t.Fatal(err)
	}
	m.showNewResult(res, false)
	m.startUpload(&client.UploadCheck{Path: "/images/disk.raw", Size: 8 << 20, Image: res})
	defer m.upload.cancel()
	m.Update(uploadTickMsg{seq: m.upSeq, snap: uploadSnap{statuses: []string{"queued"},
		progress: client.UploadProgress{Sent: 3 << 20, Total: 8 << 20, Elapsed: 2 * time.Second, Rate: 1.5 * (1 << 20)}}})
	v := m.View()
	for _, want := range []string{"Uploading the image file", "disk.raw  8.0 MiB  →  image " + seedID, "38%",
		"3.0 MiB of 8.0 MiB · 1.5 MiB/s · ETA 0:03 · 2.0s", "status  queued · metadata created", "esc/ctrl+c cancel upload"} {
		if !strings.Contains(v, want) {
			t.Errorf("sending: view lacks %q:\n%s", want, v)
		}
	}
	m.Update(uploadTickMsg{seq: m.upSeq, snap: uploadSnap{phase: client.PhaseWaiting, waitStart: time.Now(),
		statuses: []string{"queued", "saving"},
		progress: client.UploadProgress{Sent: 8 << 20, Total: 8 << 20},
		sent:     &client.UploadResult{Bytes: 8 << 20, MD5: "0123456789abcdef0123456789abcdef", Latency: 4 * time.Second}}})
	v = m.View()
	for _, want := range []string{"100%", "✓ Sent 8.0 MiB in 4s (2.0 MiB/s) · MD5 0123456789abcdef0123456789abcdef",
		"Waiting for the image to become active", "status  queued → saving · the image file is being uploaded", "stop waiting"} {
		if !strings.Contains(v, want) {
			t.Errorf("waiting: view lacks %q:\n%s", want, v)
		}
	}
	// A message of an earlier upload changes nothing.
	m.Update(uploadTickMsg{seq: m.upSeq - 1, snap: uploadSnap{}})
	if m.View() != v {
		t.Error("a stale upload message changed the page")
	}
}

// Accessible mode: the upload is a line prompt after the result, with the
// same checks and plain progress lines.
func TestAccessibleUpload(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	const size = 3 << 20
	file, sum := clienttest.RandomFile(t, dir, "disk.raw", size)
	c := startSandbox(t, sandbox.Options{})
	input := strings.Join([]string{
		"",                                            // the image file: later
		"acc-upload", "", "", "", "", "", "", "", "n", // the steps, defaults kept
		"",                         // review: submit
		filepath.Join(dir, "nope"), // refused: missing, asked again
		dir,                        // refused: a directory
		file,                       // uploaded
		"",                         // what next: quit
	}, "\n") + "\n"
	var out syncBuffer
	o := accessibleOptions(c, input, &out)
	o.Uploader = c
	res, err := Run(context.Background(), o)
	text := out.String()
	if err != nil || res == nil || res.Image.Status != "active" || res.Image.Checksum != sum {
		t.Fatalf("Run = (%+v, %v), want the image active with checksum %s; output:\n%s", res, err, sum, text)
	}
	got, err := c.Get(context.Background(), res.Image.ID)
	if err != nil || got.Image.Checksum != sum {
		t.Fatalf("server image %+v (%v)", got, err)
	}
	for _, want := range []string{
		"Path of the image file to upload (Enter to skip): ",
		"does not exist; nothing was sent.",
		"is a directory, not an image file; nothing was sent.",
		"Uploading " + file + " (3.0 MiB) to image " + res.Image.ID,
		"Status: queued (metadata created; upload the image file next)",
		"Progress: 100%, 3.0 MiB of 3.0 MiB",
		"Sent 3.0 MiB in ",
		"Status: active (the image is ready to use)",
		"✓ Image file uploaded",
		"✓ checksum verified",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("output lacks %q", want)
		}
	}
	if strings.Contains(text, "\r") || strings.Contains(text, "\x1b[") {
		t.Error("accessible output redraws (carriage return or escape sequence)")
	}
	if strings.Count(text, "Path of the image file to upload") != 3 {
		t.Errorf("the prompt should be asked 3 times:\n%s", text)
	}
	if t.Failed() || testing.Verbose() {
		t.Log(text)
	}
}

// Accessible mode: Enter skips the upload; the image stays queued.
func TestAccessibleUploadSkipped(t *testing.T) {
	t.Parallel()
	c := startSandbox(t, sandbox.Options{})
	var out syncBuffer
	o := accessibleOptions(c, "\nskip-it\n"+strings.Repeat("\n", 9)+"\n\n", &out)
	o.Uploader = c
	res, err := Run(context.Background(), o)
	if err != nil || res == nil || res.Image.Status != "queued" {
		t.Fatalf("Run = (%+v, %v); output:\n%s", res, err, out.String())
	}
	if !strings.Contains(out.String(), "Path of the image file to upload (Enter to skip): ") {
		t.Errorf("no upload prompt:\n%s", out.String())
	}
}

// Accessible mode: Ctrl+C during the upload cancels it, says what GET
// says of the image, and asks for a path again; Enter then skips.
func TestAccessibleUploadInterrupted(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	file, _ := clienttest.RandomFile(t, dir, "slow.raw", 8<<20)
	c, unthrottle := throttledSandbox(t)
	var out syncBuffer
	pr, pw := ioPipe()
	o := accessibleOptions(c, "", &out)
	o.In, o.Uploader = pr, c
	o.Initial = client.Request{Name: uniqueName("acc-cancel")}
	intr := make(chan struct{}, 1)
	type ret struct {
		res *client.Result
		err error
	}
	done := make(chan ret, 1)
	go func() {
		res, err := runAccessible(context.Background(), o, testRenderer(), intr)
		done <- ret{res, err}
	}()
	_, _ = pw.Write([]byte(strings.Repeat("\n", 11))) // every default, then submit
	waitOutput(t, &out, "Path of the image file to upload (Enter to skip): ")
	_, _ = pw.Write([]byte(file + "\n"))
	waitOutput(t, &out, "Uploading "+file)
	waitOutput(t, &out, "Progress: ")
	intr <- struct{}{}
	waitOutput(t, &out, "Cancelling the upload…")
	unthrottle()
	waitOutput(t, &out, "says it is now queued")
	_, _ = pw.Write([]byte("\n\n")) // skip; quit
	var r ret
	select {
	case r = <-done:
	case <-time.After(waitLong):
		t.Fatalf("the wizard did not end; output:\n%s", out.String())
	}
	text := out.String()
	if r.err != nil || r.res == nil || r.res.Image.Status != "queued" {
		t.Fatalf("got (%+v, %v), want the queued image; output:\n%s", r.res, r.err, text)
	}
	if !strings.Contains(text, "Upload cancelled after") || strings.Count(text, "Path of the image file to upload") != 2 {
		t.Errorf("the cancel is not said, or the path not asked again:\n%s", text)
	}
	if strings.Contains(text, "\r") {
		t.Error("accessible output redraws")
	}
}

// qemuImage makes an image file with qemu-img (installed by .ci/glance).
func qemuImage(t *testing.T, dir, name, format, size string) string {
	t.Helper()
	if _, err := exec.LookPath("qemu-img"); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("qemu-img is missing: .ci/glance install puts it there")
		}
		t.Skip("qemu-img is not installed (make test installs it)")
	}
	path := filepath.Join(dir, name)
	if out, err := exec.Command("qemu-img", "create", "-q", "-f", format, path, size).CombinedOutput(); err != nil {
		t.Fatalf("qemu-img: %v\n%s", err, out)
	}
	return path
}

// The image file chosen first: its header prefills the disk format (and
// says what it detected) and the minimum disk, a smaller minimum disk is
// refused with the reason, and after the create the file is uploaded
// without being asked for again. A VMDK is refused with how to convert it.
func TestImageFileChosenFirst(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	qcow := qemuImage(t, dir, "disk.qcow2", "qcow2", "60G")
	qemuImage(t, dir, "other.vmdk", "vmdk", "1G")
	c := startSandbox(t, sandbox.Options{})
	o := testOptions(c)
	o.Dir = dir
	o.Uploader = c
	w := startWizardSize(t, o, 100, 40)
	w.waitView("Is the image file on this machine?")
	w.press(tea.KeyDown, tea.KeyEnter)
	w.waitView("Choose the image file", "> disk.qcow2")
	w.press(tea.KeyDown) // other.vmdk
	w.waitView("> other.vmdk")
	w.press(tea.KeyEnter)
	w.waitFlat("qemu-img convert", "OBS")
	w.press(tea.KeyUp, tea.KeyEnter) // disk.qcow2
	w.waitView("Image name")
	w.typeText(uniqueName("file-first"))
	for _, marker := range []string{"architecture", "platform", "version"} {
		w.press(tea.KeyEnter)
		w.waitView(marker)
	}
	w.press(tea.KeyEnter)
	w.waitFlat("Disk and container format", "> qcow2", "detected: qcow2")
	w.press(tea.KeyEnter)
	w.waitView("Minimum disk and RAM", "> 60")
	w.press(tea.KeyBackspace, tea.KeyBackspace)
	w.typeText("50")
	w.press(tea.KeyEnter)
	w.waitFlat("✗ min_disk:", "60")
	w.press(tea.KeyBackspace, tea.KeyBackspace)
	w.typeText("60")
	for _, marker := range []string{"┃ Minimum RAM", "Tags,", "┃ Protect", "Review"} {
		w.press(tea.KeyEnter)
		w.waitView(marker)
	}
	w.waitView(`"disk_format": "qcow2"`, `"min_disk": 60`)
	w.press(tea.KeyEnter)
	w.waitFlat("Image file uploaded", "status active", "checksum verified")
	w.key("q")
	m := w.finish()
	if m.finalErr != nil || m.finalResult == nil || m.finalResult.Image.Status != "active" || m.finalResult.Image.DiskFormat != "qcow2" {
		t.Fatalf("Run would return (%+v, %v)", m.finalResult, m.finalErr)
	}
	_ = qcow
}

// Typing a path in the chooser works as in a shell: Tab completes the one
// entry a prefix names, shows the choices when there are several and
// says when there is none; nothing is prefilled, so a pasted absolute
// path (in quotes, as terminals paste a dropped file) is the path; a
// refusal goes as soon as the path is edited.
func TestUploadPathTyping(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	images := filepath.Join(dir, "images")
	if err := os.Mkdir(images, 0o700); err != nil {
		t.Fatal(err)
	}
	clienttest.RandomFile(t, images, "disk-alpha.raw", 1024)
	clienttest.RandomFile(t, images, "disk-beta.raw", 1024)
	elsewhere := t.TempDir()
	file, sum := clienttest.RandomFile(t, elsewhere, "my disk.raw", 64<<10)
	c := startSandbox(t, sandbox.Options{})
	o := testOptions(c)
	o.Dir = dir
	o.Uploader = c
	w := startWizard(t, o)
	createThrough(w, uniqueName("typed"))
	w.key("u")
	w.waitView("Upload the image file")
	w.press(tea.KeyTab)
	w.waitView("type a path")
	w.typeText("im")
	w.press(tea.KeyTab)
	w.waitView("path images/")
	w.typeText("d")
	w.press(tea.KeyTab)
	w.waitView("path images/disk-", "disk-alpha.raw  disk-beta.raw")
	w.typeText("z")
	w.press(tea.KeyTab)
	w.waitView("path images/disk-z", "no file or directory starts so here")
	w.press(tea.KeyBackspace)
	w.typeText("a")
	w.press(tea.KeyTab)
	w.waitView("path images/disk-alpha.raw")
	// A refusal, then the fix: the refusal goes at the first edit.
	w.press(tea.KeyCtrlU)
	w.typeText("images")
	w.press(tea.KeyEnter)
	w.waitFlat("is a directory, not an image file")
	w.press(tea.KeyCtrlU)
	if v := w.view(); strings.Contains(flat(v), "is a directory") {
		t.Errorf("the refusal stays while the path is edited:\n%s", v)
	}
	w.tm.Send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("'" + file + "'"), Paste: true})
	w.waitView("path '" + filepath.Dir(file)[:20])
	w.press(tea.KeyEnter)
	w.waitView("Image file uploaded")
	w.key("q")
	m := w.finish()
	if m.finalResult == nil || m.finalResult.Image.Checksum != sum {
		t.Fatalf("uploaded %+v, want the pasted file (MD5 %s)", m.finalResult, sum)
	}
}

// pausedBody is a request body that stops after its first bytes until
// released: an upload caught half-way, however fast the loopback.
type pausedBody struct {
	io.ReadCloser
	read    int
	release <-chan struct{}
}

func (b *pausedBody) Read(p []byte) (int, error) {
	if b.read >= 64<<10 {
		<-b.release
	}
	n, err := b.ReadCloser.Read(p[:min(len(p), 16<<10)])
	b.read += n
	return n, err
}

// While the file is still being sent, the image is read again and its
// status goes live on the page: saving, the bar short of the end (it used
// to say queued until the end).
func TestUploadStatusLiveWhileSending(t *testing.T) {
	t.Parallel()
	sb := sandbox.New(sandbox.Options{})
	release := make(chan struct{})
	var once sync.Once
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPut {
			r.Body = &pausedBody{ReadCloser: r.Body, release: release}
		}
		sb.ServeHTTP(w, r)
	}))
	t.Cleanup(func() { once.Do(func() { close(release) }); srv.Close() })
	c, err := client.New(client.Config{Endpoint: srv.URL, Timeout: 20 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	const size = 4 << 20
	file, sum := clienttest.RandomFile(t, dir, "disk.raw", size)
	o := testOptions(c)
	o.Dir = dir
	o.Uploader = c
	w := startWizard(t, o)
	createThrough(w, uniqueName("live"))
	w.key("u")
	w.waitView("> " + filepath.Base(file))
	w.press(tea.KeyEnter)
	v := w.waitView("Uploading the image file", "status  queued → saving")
	if strings.Contains(v, "100%") || !strings.Contains(v, "esc/ctrl+c cancel upload") {
		t.Errorf("saving is not shown while the file is sent:\n%s", v)
	}
	once.Do(func() { close(release) })
	w.waitFlat("Image file uploaded", "status active", sum)
}

// A quoted or escaped path that exists as typed is kept, judged in the
// wizard's working directory (Options.Dir), not the process's.
func TestResolvePathJudgesQuotesInTheWorkDir(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	for _, name := range []string{"'quoted'", `a\ b`} {
		if err := os.WriteFile(filepath.Join(dir, name), nil, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	for typed, want := range map[string]string{
		"'quoted'":       filepath.Join(dir, "'quoted'"), // a file of that very name
		`a\ b`:           filepath.Join(dir, `a\ b`),
		"'my disk.raw'":  filepath.Join(dir, "my disk.raw"), // quotes a terminal added
		`my\ disk.raw`:   filepath.Join(dir, "my disk.raw"),
		"/abs/'x'":       "/abs/'x'",
		"  disk.qcow2  ": filepath.Join(dir, "disk.qcow2"),
	} {
		if got := resolvePath(typed, dir); got != want {
			t.Errorf("resolvePath(%q) = %q, want %q", typed, got, want)
		}
	}
}

// A file whose format is not the image's disk_format is refused with the
// way on (another file, or another image for this one), not the fact alone.
func TestChooserFormatMismatchSaysWhatToDo(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	qemuImage(t, dir, "disk.qcow2", "qcow2", "1G")
	c := startSandbox(t, sandbox.Options{})
	o := testOptions(c)
	o.Uploader, o.Dir = c, dir
	w := startWizardSize(t, o, 120, 40)
	createThrough(w, uniqueName("mismatch-hint"))
	w.key("u")
	w.waitView("> disk.qcow2")
	w.press(tea.KeyEnter)
	w.waitFlat("zvhd2 does not fit the file", "what to do: choose a file of the image's disk format; for this file, go back to the result and create another image (n)")
	w.press(tea.KeyEsc)
	w.waitView("Image metadata created", "n create another")
}
