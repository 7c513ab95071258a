package ui

import (
	"context"
	"errors"
	"fmt"
	"runtime/debug"
	"strings"
	"time"

	"github.com/ims-wizard/ims-wizard/client"
	"github.com/ims-wizard/ims-wizard/client/l10n"
)

// offerUpload asks, after the result, for the image file of a queued
// image, with the same checks as the full-screen chooser, and uploads it
// with plain progress lines (nothing is redrawn). It returns the image as
// read last, and failed when an upload went wrong; err ends the run
// (Ctrl+C at the prompt). Enter alone, or the end of the input, skips it.
func (ar *accessibleRun) offerUpload(res *client.Result) (_ *client.Result, failed, err error) {
	c := ar.c
	up := c.opts.Uploader
	if up == nil || res == nil || res.Image == nil {
		return res, nil, nil
	}
	chosen := ""
	if c.file != nil {
		chosen = c.file.Path // chosen before the create: not asked again
	}
	for res.Image.Status == "queued" {
		path := chosen
		chosen = ""
		if path == "" {
			line, err := ar.p.readLine(c.T("ui.a11y.upload_prompt") + " ")
			switch {
			case errors.Is(err, errInputEnded):
				return res, failed, nil
			case err != nil:
				return res, failed, err
			}
			path = resolvePath(line, c.workDir())
		}
		if path == "" {
			ar.printf("\n")
			return res, failed, nil
		}
		id := res.Image.ID
		o, interrupted := ar.await(func(ctx context.Context) outcome {
			check, err := checkUpload(ctx, up, res.Image, path)
			return outcome{check: check, err: err}
		})
		switch {
		case interrupted:
			ar.printf("%s\n\n", c.T("ui.a11y.check_stopped"))
			continue
		case o.err != nil:
			msg, hint := refusalText(c, o.err)
			ar.printf("%s\n", c.T("ui.a11y.cannot_upload", l10n.Args{"Reason": msg}))
			if hint != "" {
				ar.printf("%s\n", c.T("ui.a11y.what_to_do", l10n.Args{"Hint": hint}))
			}
			ar.printf("\n")
			continue
		}
		out, stopped := ar.upload(id, o.check)
		res = withImage(res, out.Final)
		ar.uploaded(id, out.Final)
		switch {
		case out.Err == nil:
			failed = nil
			ar.printf("%s\n\n", resultContent(c, res, false, false, true, newUploadInfo(path, out.Sent, out.Checked)))
			return res, nil, nil
		case stopped || out.Stopped:
			ar.printf("%s\n\n", stoppedText(c.loc, out, id))
		default:
			failed = &UploadFailedError{ImageID: id, Path: path, Err: out.Err}
			ar.printf("%s\n\n", uploadErrorContent(c, out, path, id, true))
		}
	}
	return res, failed, nil
}

// upload runs the upload on its own goroutine and prints its news on this
// one: a progress line at every tenth, the end of the PUT, each status.
// An interrupt cancels it and waits for it to return.
func (ar *accessibleRun) upload(id string, check *client.UploadCheck) (o uploadOutcome, interrupted bool) {
	c := ar.c
	img := check.Image.Image
	ar.printf("%s\n", c.T("ui.a11y.uploading", l10n.Args{"Path": client.Inert(check.Path), "Size": client.FormatBytes(check.Size),
		"ID": client.Inert(id), "Name": fmt.Sprintf("%q", client.Inert(img.Name)),
		"URL": client.Inert(strings.TrimRight(c.opts.Target.Endpoint, "/")) + "/v2/images/" + client.Inert(id) + "/file"}))
	ctx, cancel := context.WithCancel(ar.ctx)
	defer cancel()
	job := newUploadJob(c.opts.Uploader, check)
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
	ar.printf("%s\n", c.T("ui.a11y.status", l10n.Args{"Status": client.Inert(img.Status), "Meaning": client.StatusMeaningIn(c.loc, img.Status)}))
	intr, ctxDone := ar.intr, ar.ctx.Done()
	for {
		select {
		case o = <-done:
			pr.show(o.snap)
			return o, interrupted
		case cr := <-crashed:
			panic(cr)
		case <-job.notify:
			pr.show(job.snapshot())
		case <-intr:
			cancel()
			interrupted, intr = true, nil
			ar.printf("%s\n", c.T("ui.a11y.cancelling_upload"))
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
	c := p.ar.c
	pg := s.progress
	if t := int(pg.Fraction() * 10); pg.Sent > 0 && t > p.tenth && !p.sent {
		p.tenth = t
		p.ar.printf("%s\n", c.T("ui.a11y.progress", l10n.Args{"Percent": t * 10, "Progress": progressText(c.loc, pg)}))
	}
	if s.sent != nil && !p.sent {
		p.sent = true
		p.ar.printf("%s\n", c.T("ui.a11y.sent", l10n.Args{"Size": client.FormatBytes(s.sent.Bytes), "Took": s.sent.Latency.Round(time.Millisecond).String(),
			"Rate": client.FormatBytes(int64(s.sent.Rate())), "MD5": s.sent.MD5, "Every": client.UploadPollInterval.String()}))
	}
	for ; p.statuses < len(s.statuses); p.statuses++ {
		st := s.statuses[p.statuses]
		p.ar.printf("%s\n", c.T("ui.a11y.status", l10n.Args{"Status": client.Inert(st), "Meaning": client.StatusMeaningIn(c.loc, st)}))
	}
}
