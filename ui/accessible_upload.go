package ui

import (
	"context"
	"errors"
	"os"
	"runtime/debug"
	"strings"
	"time"

	"github.com/ims-wizard/ims-wizard/client"
)

// offerUpload asks, after the result, for the image file of a queued
// image, with the same checks as the TUI's picker, and uploads it with
// plain progress lines (nothing is redrawn). It returns the image as read
// last, and failed when an upload went wrong; err ends the run (Ctrl+C at
// the prompt). Enter alone, or the end of the input, skips it.
func (ar *accessibleRun) offerUpload(res *client.Result) (_ *client.Result, failed, err error) {
	up := ar.c.opts.Uploader
	if up == nil || res == nil || res.Image == nil {
		return res, nil, nil
	}
	for res.Image.Status == "queued" {
		line, err := ar.ask("Path of the image file to upload (Enter to skip): ")
		switch {
		case errors.Is(err, errInputEnded):
			ar.printf("\n")
			return res, failed, nil
		case err != nil:
			return res, failed, err
		}
		wd, _ := os.Getwd()
		path := resolvePath(line, wd)
		if path == "" {
			ar.printf("\n")
			return res, failed, nil
		}
		id := res.Image.ID
		o, interrupted := ar.await(func(ctx context.Context) outcome {
			check, err := up.CheckUpload(ctx, id, path)
			return outcome{check: check, err: err}
		})
		switch {
		case interrupted:
			ar.printf("Check stopped; nothing was sent.\n\n")
			continue
		case o.err != nil:
			msg, hint := refusalText(o.err)
			ar.printf("Cannot upload: %s; nothing was sent.\n", msg)
			if hint != "" {
				ar.printf("What to do: %s\n", hint)
			}
			ar.printf("\n")
			continue
		}
		out, stopped := ar.upload(id, o.check)
		res = withImage(res, out.final)
		ar.uploaded(id, out.final)
		switch {
		case out.err == nil:
			failed = nil
			ar.printf("%s\n\n", resultContent(ar.c, res, false, false, true, newUploadInfo(path, out.sent, out.checked)))
			return res, nil, nil
		case stopped || out.stopped:
			ar.printf("%s\n\n", stoppedText(out, id))
		default:
			failed = &UploadFailedError{ImageID: id, Path: path, Err: out.err}
			ar.printf("%s\n\n", uploadErrorContent(ar.c, out, path, id, true))
		}
	}
	return res, failed, nil
}

// upload runs the upload on its own goroutine and prints its news on this
// one: a progress line at every tenth, the end of the PUT, each status.
// An interrupt cancels it and waits for it to return.
func (ar *accessibleRun) upload(id string, check *client.UploadCheck) (o uploadOutcome, interrupted bool) {
	img := check.Image.Image
	ar.printf("Uploading %s (%s) to image %s %q: PUT %s/v2/images/%s/file. Press Ctrl+C to cancel.\n",
		client.Inert(check.Path), client.FormatBytes(check.Size), client.Inert(id), client.Inert(img.Name),
		client.Inert(strings.TrimRight(ar.c.opts.Target.Endpoint, "/")), client.Inert(id))
	ctx, cancel := context.WithCancel(ar.ctx)
	defer cancel()
	job := newUploadJob(ar.c.opts.Uploader, id, check)
	done := make(chan uploadOutcome, 1)
	crashed := make(chan crashMsg, 1)
	go func() {
		defer func() {
			if r := recover(); r != nil {
				crashed <- crashMsg{value: r, stack: debug.Stack()}
			}
		}()
		done <- job.run(ctx)
	}()
	pr := &plainProgress{ar: ar, statuses: 1}
	ar.printf("Status: %s (%s)\n", client.Inert(img.Status), client.StatusMeaning(img.Status))
	intr, ctxDone := ar.intr, ar.ctx.Done()
	for {
		select {
		case o = <-done:
			pr.show(o.snap)
			return o, interrupted
		case c := <-crashed:
			panic(c)
		case <-job.notify:
			pr.show(job.snapshot())
		case <-intr:
			cancel()
			interrupted, intr = true, nil
			ar.printf("Cancelling the upload…\n")
		case <-ctxDone:
			cancel()
			interrupted, ctxDone = true, nil
		}
	}
}

// plainProgress prints an upload's news as lines a screen reader reads
// once: every tenth of the file, the end of the PUT, each new status.
type plainProgress struct {
	ar       *accessibleRun
	tenth    int // the last tenth printed
	sent     bool
	statuses int // statuses printed
}

func (p *plainProgress) show(s uploadSnap) {
	pg := s.progress
	if t := int(pg.Fraction() * 10); pg.Sent > 0 && t > p.tenth && !p.sent {
		p.tenth = t
		p.ar.printf("Progress: %d%%, %s\n", t*10, progressText(pg))
	}
	if s.sent != nil && !p.sent {
		p.sent = true
		p.ar.printf("Sent %s in %s (%s/s), MD5 %s. Waiting for the image to become active (GET every %s).\n",
			client.FormatBytes(s.sent.Bytes), s.sent.Latency.Round(time.Millisecond), client.FormatBytes(int64(s.sent.Rate())), s.sent.MD5, client.UploadPollInterval)
	}
	for ; p.statuses < len(s.statuses); p.statuses++ {
		st := s.statuses[p.statuses]
		p.ar.printf("Status: %s (%s)\n", client.Inert(st), client.StatusMeaning(st))
	}
}

// ask prints prompt and reads one line; errInputEnded at the end of the
// input, ErrInterrupted on Ctrl+C.
func (ar *accessibleRun) ask(prompt string) (string, error) {
	ar.printf("%s", prompt)
	before := ar.in.got
	var line []byte
	buf := make([]byte, 512)
	for {
		n, err := ar.in.Read(buf)
		line = append(line, buf[:n]...)
		if err != nil || len(line) > 0 && line[len(line)-1] == '\n' {
			break
		}
	}
	switch {
	case ar.in.interrupted:
		ar.printf("\n")
		return "", ErrInterrupted
	case ar.in.eof && ar.in.got == before:
		return "", errInputEnded
	}
	return strings.TrimRight(string(line), "\r\n"), nil
}
