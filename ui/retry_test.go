package ui

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/ims-wizard/ims-wizard/client"
	"github.com/ims-wizard/ims-wizard/client/sandbox"
)

// droppingServer is a sandbox whose first `drops` POSTs lose their answer:
// with create true the image is made first (the worst case for
// duplicates), else nothing is. The connection is cut (RST) either way.
func droppingServer(t *testing.T, drops int32, create bool) (*client.Client, *atomic.Int32) {
	t.Helper()
	sb := sandbox.New(sandbox.Options{})
	var posts atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost || posts.Add(1) > drops {
			sb.ServeHTTP(w, r)
			return
		}
		if create {
			sb.ServeHTTP(httptest.NewRecorder(), r) // the image is created...
		}
		conn, _, err := w.(http.Hijacker).Hijack()
		if err == nil {
			_ = conn.(*net.TCPConn).SetLinger(0) // ...and the answer is lost
			_ = conn.Close()
		}
	}))
	t.Cleanup(srv.Close)
	c, err := client.New(client.Config{Endpoint: srv.URL, Timeout: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	return c, &posts
}

var uniq atomic.Int64

func uniqueName(prefix string) string {
	return fmt.Sprintf("%s-%d-%d", prefix, time.Now().UnixNano()%1e6, uniq.Add(1))
}

// throughReview presses Enter through every prefilled step to the review.
func (w *driver) throughReview() {
	w.t.Helper()
	for _, marker := range []string{"architecture", "platform", "version", "Disk and", "┃ Minimum disk", "┃ Minimum RAM", "Tags,", "┃ Protect", "Review"} {
		w.press(tea.KeyEnter)
		w.waitView(marker)
	}
}

// The server creates the image, then the connection drops. The error view
// says the image may exist; retry looks first, finds that one image, and
// "use the existing image" ends with it: no second image is created.
func TestRetryAfterLostAnswerUsesExistingImage(t *testing.T) {
	t.Parallel()
	c, posts := droppingServer(t, 1, true)
	name := uniqueName("lost")
	o := testOptions(c)
	o.DraftPath = draftPath(t)
	o.Initial = client.Request{Name: name}
	w := startWizardSize(t, o, 120, 40)
	w.throughReview()
	w.press(tea.KeyEnter)
	v := w.waitFlat("No answer from the server: connection lost", "The request was sent but no answer came: the image may exist.",
		"r first looks for the image", "r look up, then retry")
	assertInert(t, v)
	if d := readDraft(t, o.DraftPath); len(d.Unknown) != 1 || d.Unknown[0].Name != name {
		t.Errorf("the draft does not record the unknown outcome: %+v", d.Unknown)
	}
	imgs, err := c.ListByName(context.Background(), name)
	if err != nil || len(imgs) != 1 {
		t.Fatalf("the server holds %d images (%v), want the one the lost request made", len(imgs), err)
	}
	id := imgs[0].ID

	w.key("r")
	w.waitFlat("The image may already exist", id, "› Use the existing image "+id, "Create another anyway", "Back")
	w.press(tea.KeyEnter)
	v = w.waitFlat("Found the image the earlier request created", id, "no request id or latency of a create")
	if strings.Contains(v, "latency 0s") {
		t.Errorf("a found image shows the latency of a create:\n%s", v)
	}
	noDraft(t, o.DraftPath)
	w.key("q")
	m := w.finish()
	if m.finalErr != nil || m.finalResult == nil || m.finalResult.Image.ID != id || !WasFound(m.finalResult) {
		t.Fatalf("Run would return (%+v, %v), want the found image %s", m.finalResult, m.finalErr, id)
	}
	if imgs, _ := c.ListByName(context.Background(), name); len(imgs) != 1 {
		t.Errorf("%d images called %s, want 1", len(imgs), name)
	}
	if n := posts.Load(); n != 1 {
		t.Errorf("%d POSTs, want the first only", n)
	}
}

// "Create another anyway" sends the request again: a second image.
func TestRetryAfterLostAnswerCreateAnotherAnyway(t *testing.T) {
	t.Parallel()
	c, _ := droppingServer(t, 1, true)
	name := uniqueName("twice")
	o := testOptions(c)
	o.Initial = client.Request{Name: name}
	w := startWizardSize(t, o, 120, 40)
	w.throughReview()
	w.press(tea.KeyEnter)
	w.waitFlat("the image may exist")
	w.key("r")
	w.waitFlat("The image may already exist", "Create another anyway")
	w.press(tea.KeyDown)
	w.waitView("› Create another anyway")
	w.press(tea.KeyEnter)
	v := w.waitView("Image metadata created")
	w.key("q")
	m := w.finish()
	imgs, _ := c.ListByName(context.Background(), name)
	if len(imgs) != 2 || m.finalResult == nil || WasFound(m.finalResult) {
		t.Fatalf("%d images, result %+v; want a second image created\n%s", len(imgs), m.finalResult, v)
	}
	if len(m.unknown) != 0 {
		t.Errorf("after the second image the outcome is still unknown: %v", m.unknown)
	}
}

// Nothing found (the lost request never reached IMS's database): the
// request is sent again, saying why.
func TestRetryAfterLostAnswerNothingFoundCreatesAgain(t *testing.T) {
	t.Parallel()
	c, posts := droppingServer(t, 1, false)
	name := uniqueName("none")
	o := testOptions(c)
	o.Initial = client.Request{Name: name}
	w := startWizardSize(t, o, 120, 40)
	w.throughReview()
	w.press(tea.KeyEnter)
	w.waitFlat("the image may exist")
	w.key("r")
	w.waitView("Image metadata created")
	if imgs, _ := c.ListByName(context.Background(), name); len(imgs) != 1 || posts.Load() != 2 {
		t.Errorf("%d images after %d POSTs, want 1 after 2", len(imgs), posts.Load())
	}
}

// The look-up itself fails: said, with "create anyway" and "back" (the
// default: nothing is sent by a stray Enter).
func TestRetryLookupFails(t *testing.T) {
	t.Parallel()
	lost := &client.NetworkError{Method: "POST", URL: "http://x/v2/images", Kind: client.NetReset, Ambiguous: true, Err: errors.New("connection reset by peer"), Hint: "the connection broke"}
	listFailed := &client.APIError{Method: "GET", URL: "http://x/v2/images?name=n", StatusCode: 500,
		Meaning: "internal service error", Code: "IMG.0500", Message: "list failed", RequestID: "rid-list"}
	cr := &scripted{create: []error{lost, nil}, find: []error{listFailed, listFailed}}
	o := testOptions(cr)
	o.Initial = client.Request{Name: "n"}
	w := startWizardSize(t, o, 120, 40)
	w.throughReview()
	w.press(tea.KeyEnter)
	w.waitFlat("the image may exist")
	w.key("r")
	w.waitFlat("Could not look for an existing image", "HTTP 500", "list failed", "rid-list", "Create anyway", "› Back")
	w.press(tea.KeyEnter) // Back: the error view again, nothing sent
	w.waitFlat("No answer from the server: connection lost")
	if n := cr.creates.Load(); n != 1 {
		t.Fatalf("%d creates after Back, want 1", n)
	}
	w.key("r")
	w.waitFlat("Could not look for an existing image")
	w.press(tea.KeyUp)
	w.waitView("› Create anyway")
	w.press(tea.KeyEnter)
	w.waitView("Image metadata created")
	if n := cr.creates.Load(); n != 2 {
		t.Errorf("%d creates, want 2", n)
	}
}

// A non-ambiguous error retries directly: no look-up.
func TestRetryAfterDefiniteErrorSendsAtOnce(t *testing.T) {
	t.Parallel()
	cr := &scripted{create: []error{&client.APIError{Method: "POST", URL: "http://x/v2/images", StatusCode: 500, Meaning: "internal service error"}, nil}}
	o := testOptions(cr)
	o.Initial = client.Request{Name: "n"}
	w := startWizard(t, o)
	w.throughReview()
	w.press(tea.KeyEnter)
	v := w.waitView("HTTP 500")
	if strings.Contains(v, "may exist") {
		t.Errorf("a definite error is called ambiguous:\n%s", v)
	}
	w.key("r")
	w.waitView("Image metadata created")
	if cr.finds.Load() != 0 {
		t.Errorf("looked up after a definite error")
	}
}

// Each retry says its attempt and when it was sent, so that r does not
// redraw an identical screen; a new Submit from the review counts from 1.
func TestRetrySaysWhichAttempt(t *testing.T) {
	t.Parallel()
	fail := &client.APIError{Method: "POST", URL: "http://x/v2/images", StatusCode: 500, Meaning: "internal service error"}
	cr := &scripted{create: []error{fail, fail, fail, fail}}
	o := testOptions(cr)
	o.Initial = client.Request{Name: "n"}
	w := startWizard(t, o)
	w.throughReview()
	w.press(tea.KeyEnter)
	v := w.waitFlat("HTTP 500", "sent at", "failed after")
	if strings.Contains(v, "attempt") {
		t.Errorf("the first send is numbered:\n%s", v)
	}
	w.key("r")
	w.waitFlat("HTTP 500", "attempt 2, sent at")
	w.key("r")
	w.waitFlat("HTTP 500", "attempt 3, sent at")
	w.key("e")
	w.waitView("Edit which step?")
	w.press(tea.KeyEsc)
	w.waitView("[ Submit ]")
	w.press(tea.KeyEnter)
	w.waitFlat("HTTP 500")
	if v := flat(w.view()); strings.Contains(v, "attempt") || !strings.Contains(v, "sent at") {
		t.Errorf("a new Submit did not count from 1:\n%s", v)
	}
	w.key("r")
	w.waitView("Image metadata created")
	if n := cr.creates.Load(); n != 5 {
		t.Errorf("%d creates sent, want 5", n)
	}
}

// Accessible mode: the same look-up before a retry, with line prompts.
func TestAccessibleRetryAfterLostAnswer(t *testing.T) {
	t.Parallel()
	c, posts := droppingServer(t, 1, true)
	name := uniqueName("a11y")
	var out syncBuffer
	// Keep every default, submit, then Retry (2) and use the existing image (Enter).
	o := accessibleOptions(c, strings.Repeat("\n", 10)+"2\n\n", &out)
	o.Initial = client.Request{Name: name}
	res, err := Run(context.Background(), o)
	if err != nil || res == nil || !WasFound(res) {
		t.Fatalf("Run = (%+v, %v)\n%s", res, err, out.String())
	}
	text := out.String()
	for _, want := range []string{"The request was sent but no answer came: the image may exist.", "Looking for images of that name",
		"The image may already exist", "Use the existing image " + res.Image.ID, "Found the image the earlier request created"} {
		if !strings.Contains(text, want) {
			t.Errorf("output lacks %q:\n%s", want, text)
		}
	}
	if imgs, _ := c.ListByName(context.Background(), name); len(imgs) != 1 || posts.Load() != 1 {
		t.Errorf("%d images after %d POSTs, want 1 after 1", len(imgs), posts.Load())
	}
}

// A draft saved after a lost answer carries it: the resumed run looks
// before it sends.
func TestResumedDraftLooksBeforeSending(t *testing.T) {
	t.Parallel()
	c, posts := droppingServer(t, 1, true)
	name := uniqueName("resume-lost")
	o := testOptions(c)
	o.DraftPath = draftPath(t)
	o.Initial = client.Request{Name: name}
	w := startWizardSize(t, o, 120, 40)
	w.throughReview()
	w.press(tea.KeyEnter)
	w.waitFlat("the image may exist")
	w.key("q")
	w.finish()

	o.Initial = client.Request{}
	w = startWizardSize(t, o, 120, 40)
	w.waitFlat("Resume where you left off?", "got no answer: the image may exist")
	w.press(tea.KeyEnter)
	w.waitView("Review")
	w.key("s")
	w.waitFlat("The image may already exist", "› Use the existing image")
	if posts.Load() != 1 {
		t.Errorf("%d POSTs, want 1", posts.Load())
	}
}

// scripted is a Creator answering from lists of errors (nil: success).
type scripted struct {
	create, find   []error
	creates, finds atomic.Int32
}

func (s *scripted) Create(_ context.Context, r client.Request) (*client.Result, error) {
	n := int(s.creates.Add(1)) - 1
	if n < len(s.create) && s.create[n] != nil {
		return nil, s.create[n]
	}
	img, _ := client.ParseImage([]byte(fmt.Sprintf(`{"id": "img-%d", "name": %q, "status": "queued"}`, n, r.Name)))
	return &client.Result{Image: img, StatusCode: 201, RequestID: "rid", Latency: time.Millisecond}, nil
}

func (s *scripted) FindRecent(context.Context, string, time.Time) ([]*client.Image, error) {
	n := int(s.finds.Add(1)) - 1
	if n < len(s.find) {
		return nil, s.find[n]
	}
	return nil, nil
}
