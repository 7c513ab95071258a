package ui

import (
	"context"
	"errors"
	"github.com/ims-wizard/ims-wizard/client/clienttest"
	"strings"
	"testing"
	"time"

	"github.com/ims-wizard/ims-wizard/client"
	"github.com/ims-wizard/ims-wizard/client/sandbox"
)

// syncBuffer is a buffer safe to read while the program writes it.
type syncBuffer = clienttest.SyncBuffer

func accessibleOptions(cr Creator, input string, out *syncBuffer) Options {
	o := testOptions(cr)
	o.Accessible = true
	o.In = strings.NewReader(input)
	o.Out = out
	return o
}

// Piped answers reach a created image; invalid answers are refused with the
// client's messages and asked again.
func TestAccessibleRunCreatesImage(t *testing.T) {
	t.Parallel()
	c := startSandbox(t, sandbox.Options{})
	input := strings.Join([]string{
		"",         // name: required, asked again
		"my-image", // name
		"",         // architecture: Enter keeps x86_64
		"",         // platform: Enter keeps Ubuntu
		"",         // version: Enter keeps the first
		"2",        // disk format: vhd
		"7",        // min_disk: out of range, asked again
		"100",      // min_disk
		"",         // min_ram: left out
		"a=1, b",   // tags: "b" is not key=value, asked again
		"a=1, b=2", // tags
		"y",        // protected
		"",         // review: Enter submits
		"",         // result: Enter quits
	}, "\n") + "\n"
	var out syncBuffer
	res, err := Run(context.Background(), accessibleOptions(c, input, &out))
	if err != nil || res == nil {
		t.Fatalf("Run = (%v, %v), want a created image; output:\n%s", res, err, out.String())
	}
	got, err := c.Get(context.Background(), res.Image.ID)
	if err != nil {
		t.Fatal(err)
	}
	img := got.Image
	if img.Name != "my-image" || img.DiskFormat != "vhd" || img.MinDisk != 100 || !img.Protected ||
		strings.Join(img.Tags, ",") != "a=1,b=2" || img.OSVersion != "Ubuntu 24.04 server 64bit" {
		t.Errorf("created %+v", img)
	}
	text := out.String()
	for _, want := range []string{
		"Requests go to: built-in sandbox",
		"name: a name is required",
		"min_disk: 7 GB is outside 40–255 GB",
		`tags: tag 2 "b" is not key=value`,
		"Windows is not offered",
		`"min_disk": 100`,
		"curl -sS -X POST 'http://sandbox.test/v2/images'",
		"Image metadata created",
		"queued · metadata created; upload the image file next",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("output lacks %q", want)
		}
	}
	assertInert(t, strings.ReplaceAll(text, "\t", " "))
}

// huh's prompts give up at end of input holding the invalid answer; the
// wizard does not send it.
func TestAccessibleInputEndingOnInvalidValue(t *testing.T) {
	t.Parallel()
	c := startSandbox(t, sandbox.Options{})
	var out syncBuffer
	res, err := Run(context.Background(), accessibleOptions(c, "ok\n\n\n\n\n300\n", &out))
	if !errors.Is(err, ErrInterrupted) || res != nil {
		t.Fatalf("Run = (%v, %v), want ErrInterrupted", res, err)
	}
	if !strings.Contains(out.String(), "min_disk: 300 GB is outside 40–255 GB") {
		t.Errorf("the refusal is not shown:\n%s", out.String())
	}
	if imgs, _ := c.ListByName(context.Background(), "ok"); len(imgs) != 0 {
		t.Errorf("an image was created from invalid answers")
	}
}

// Before sending, the whole request is validated again and the steps
// holding an error are asked again.
func TestAccessibleRevalidatesBeforeSubmit(t *testing.T) {
	t.Parallel()
	c := startSandbox(t, sandbox.Options{})
	var out syncBuffer
	o := accessibleOptions(c, "-\n\n\n\n", &out) // min_disk: "-" leaves it out; min_ram: keep; review: submit; result: quit
	com := newCommon(context.Background(), o, testRenderer())
	com.width, com.height, com.plain = 100, 40, true
	ar := newAccessibleRun(context.Background(), com, nil)
	ar.attach(newLineReader(context.Background(), o.In, nil))
	defer ar.in.Close()
	ar.a.Name, ar.a.OSVersion, ar.a.MinDisk, ar.a.MinRAM = "late", "CentOS 7.6 64bit", "9000", "512"
	res, err := ar.reviewAndSubmit()
	if err != nil || res == nil {
		t.Fatalf("reviewAndSubmit = (%v, %v); output:\n%s", res, err, out.String())
	}
	text := out.String()
	if !strings.Contains(text, "These answers are not valid:\nError: min_disk: 9000 GB is outside 40–255 GB") ||
		!strings.Contains(text, "Step 4 of 6: Minimum disk and RAM") {
		t.Errorf("the invalid answer was not reported and asked again:\n%s", text)
	}
	if res.Image.MinDisk != 0 || res.Image.MinRAM != 512 {
		t.Errorf("created with min_disk %d, min_ram %d; want 0 (left out) and 512", res.Image.MinDisk, res.Image.MinRAM)
	}
}

// Ctrl+C while the request is in flight cancels it and returns to the
// review; Cancel there ends the wizard with ErrInterrupted.
func TestAccessibleInterruptCancelsRequest(t *testing.T) {
	t.Parallel()
	c := startSandbox(t, sandbox.Options{Delay: time.Minute})
	var out syncBuffer
	pr, pw := ioPipe()
	o := accessibleOptions(c, "", &out)
	o.In = pr
	o.Initial = client.Request{Name: "slow"}
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
	// Keep every default through the steps, then submit.
	_, _ = pw.Write([]byte(strings.Repeat("\n", 10)))
	waitOutput(t, &out, "Press Ctrl+C to cancel")
	intr <- struct{}{}
	waitOutput(t, &out, "Request cancelled; every answer is kept.")
	_, _ = pw.Write([]byte("3\n")) // Cancel
	r := <-done
	if !errors.Is(r.err, ErrInterrupted) || r.res != nil {
		t.Fatalf("got (%v, %v), want ErrInterrupted", r.res, r.err)
	}
	if strings.Count(out.String(), "Send this request?") != 2 {
		t.Errorf("the review was not shown again with the answers:\n%s", out.String())
	}
	if imgs, _ := c.ListByName(context.Background(), "slow"); len(imgs) != 0 {
		t.Errorf("the cancelled request created an image")
	}
}

// TERM=dumb cannot redraw a screen: the wizard asks line by line.
func TestDumbTerminalIsAccessible(t *testing.T) {
	t.Parallel()
	c := startSandbox(t, sandbox.Options{})
	var out syncBuffer
	o := accessibleOptions(c, "dumb-term\n"+strings.Repeat("\n", 11), &out)
	o.Accessible = false
	o.Getenv = func(k string) string {
		if k == "TERM" {
			return "dumb"
		}
		return ""
	}
	res, err := Run(context.Background(), o)
	if err != nil || res == nil || res.Image.Name != "dumb-term" {
		t.Fatalf("Run = (%v, %v); output:\n%s", res, err, out.String())
	}
	if !strings.Contains(out.String(), "Step 1 of 6: Name") {
		t.Errorf("not the accessible prompts:\n%s", out.String())
	}
}

func waitOutput(t *testing.T, out *syncBuffer, want string) {
	t.Helper()
	deadline := time.Now().Add(waitLong)
	for time.Now().Before(deadline) {
		if strings.Contains(out.String(), want) {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("output never showed %q:\n%s", want, out.String())
}
