// Package uploadout is the upload of an image file as the command line
// runs and shows it, shared by `ims-wizard upload` and `ims-wizard --file`:
// the format check before sending, the client's pipeline (RunUpload) with
// its progress, status and checksum drawn on the terminal, and the outcome
// turned into output and an exit code.
package uploadout

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/ims-wizard/ims-wizard/client"
	"github.com/ims-wizard/ims-wizard/client/imagefile"
	"github.com/ims-wizard/ims-wizard/client/l10n"
	"github.com/ims-wizard/ims-wizard/cmd/exitcode"
	"github.com/ims-wizard/ims-wizard/cmd/factory"
)

// Output is everything an upload says. Progress and the live status go
// to stderr, only when stderr is a terminal; the result goes to stdout
// (with -o json: the final image exactly as the server sent it, alone).
// The hooks are called by the client's upload pipeline, one at a time.
type Output struct {
	io     *factory.IOStreams
	format string
	conn   *factory.Connection
	loc    *l10n.Localizer
	live   bool // stderr is a terminal

	id        string // the image
	last      client.UploadProgress
	sending   bool     // the PUT is running: the status is part of the progress line
	drawn     bool     // a progress line is on screen
	statuses  []string // in the order seen
	statusOut bool     // a status line is on screen
}

// New is the output of an upload to conn: format is -o's (text or json),
// loc the interface language.
func New(io *factory.IOStreams, format string, conn *factory.Connection, loc *l10n.Localizer) *Output {
	return &Output{io: io, format: format, conn: conn, loc: loc, live: io.ErrTTY}
}

// Send uploads the checked file (CheckUpload, then CheckFile: file is what
// it found, or nil) through the client's pipeline, drawing its progress and
// status, waiting at most wait for the image to become active. It prints
// the result and returns nil, or explains what went wrong and returns the
// error with its exit code: 3 (checksum, killed, refused), 4 (wait ran
// out), 130 (interrupted). The outcome says how far it got.
func (o *Output) Send(ctx context.Context, c *client.Client, check *client.UploadCheck, file *imagefile.Info, wait time.Duration) (client.UploadOutcome, error) {
	o.started(check, file)
	res := c.RunUpload(ctx, check, client.UploadOptions{Wait: wait, Hooks: client.UploadHooks{
		Progress: o.progress,
		Status:   o.status,
		Sent:     o.uploaded,
	}})
	o.endLines()
	id := check.Image.Image.ID
	switch {
	case res.Stopped && res.Sent == nil:
		o.interrupted(res)
		return res, exitcode.Reported(exitcode.Interrupted, exitcode.ErrInterrupted)
	case res.Stopped:
		o.stoppedWaiting(res)
		return res, exitcode.Reported(exitcode.Interrupted, exitcode.ErrInterrupted)
	case res.Err != nil && res.Sent == nil:
		// Say truthfully what the server did with the image.
		return res, o.Failure(res.Err, res.StatusAfter(o.loc, id))
	case res.Err != nil:
		return res, o.Failure(res.Err, "") // a *client.WaitTimeoutError when the wait ran out, a checksum mismatch…
	}
	return res, o.done(res.Final, res.Sent, res.Checked)
}

func (o *Output) started(check *client.UploadCheck, file *imagefile.Info) {
	o.sending, o.id = true, check.Image.Image.ID
	o.last = client.UploadProgress{Total: check.Size}
	if o.live {
		img := check.Image.Image
		args := l10n.Args{"Path": client.Inert(check.Path), "Size": client.FormatBytes(check.Size), "ID": client.Inert(img.ID),
			"Name": fmt.Sprintf("%q", client.Inert(img.Name)), "Target": o.conn.Target.Label}
		id := "upload.progress.started"
		if file != nil {
			id, args["File"] = "upload.progress.started_file", client.DescribeImageFile(o.loc, file)
		}
		fmt.Fprintln(o.io.ErrOut, o.loc.T(id, args))
	}
}

// progress rewrites one line on stderr: bytes, percentage, rate, ETA and
// the image's status as last read.
func (o *Output) progress(p client.UploadProgress) {
	o.last = p
	o.drawProgress()
}

func (o *Output) drawProgress() {
	if !o.live {
		return
	}
	p := o.last
	fmt.Fprintf(o.io.ErrOut, "\r\x1b[K  %s", o.loc.T("upload.progress.line", l10n.Args{
		"Sent": client.FormatBytes(p.Sent), "Total": client.FormatBytes(p.Total), "Percent": fmt.Sprintf("%3.0f", 100*p.Fraction()),
		"Rate": client.FormatBytes(int64(p.Rate)), "ETA": p.ETAText(), "Status": client.Inert(o.current())}))
	o.drawn = true
}

func (o *Output) current() string {
	if n := len(o.statuses); n > 0 {
		return o.statuses[n-1]
	}
	return ""
}

func (o *Output) uploaded(res *client.UploadResult) {
	o.sending = false
	o.endLines()
	if o.live {
		fmt.Fprintln(o.io.ErrOut, o.loc.T("upload.progress.sent", l10n.Args{"Size": client.FormatBytes(res.Bytes),
			"Took": res.Latency.Round(time.Millisecond).String(), "Rate": client.FormatBytes(int64(res.Rate())), "MD5": res.MD5}))
	}
}

// status follows the image's status: in the progress line while the file
// is sent, then on a line of its own: "Status: queued → saving → active".
func (o *Output) status(st string) {
	o.statuses = append(o.statuses, st)
	switch {
	case !o.live:
	case o.sending:
		if o.drawn {
			o.drawProgress()
		}
	case !o.statusOut:
		fmt.Fprint(o.io.ErrOut, o.loc.T("upload.progress.status", l10n.Args{"Statuses": client.Inert(strings.Join(o.statuses, " → "))}))
		o.statusOut = true
	default:
		fmt.Fprintf(o.io.ErrOut, " → %s", client.Inert(st))
	}
}

// endLines ends the progress or status line on screen.
func (o *Output) endLines() {
	if o.drawn || o.statusOut {
		fmt.Fprintln(o.io.ErrOut)
		o.drawn, o.statusOut = false, false
	}
}

func (o *Output) interrupted(out client.UploadOutcome) {
	fmt.Fprintln(o.io.ErrOut, o.loc.T("upload.progress.interrupted", l10n.Args{"Sent": client.FormatBytes(out.Progress.Sent),
		"Total": client.FormatBytes(out.Progress.Total)}))
	fmt.Fprintf(o.io.ErrOut, "  %s\n", out.StatusAfter(o.loc, o.id))
}

// stoppedWaiting says what an interrupt during the wait for active left:
// the file sent, its checksum not checked, the image's status now.
func (o *Output) stoppedWaiting(out client.UploadOutcome) {
	fmt.Fprintln(o.io.ErrOut, o.loc.T("upload.progress.stopped_waiting", l10n.Args{"Size": client.FormatBytes(out.Sent.Bytes), "MD5": out.Sent.MD5}))
	fmt.Fprintf(o.io.ErrOut, "  %s\n", out.StatusAfter(o.loc, o.id))
}

// done prints the result: the final image and the verified checksum. A
// result that cannot be written to stdout (a full disk, a closed pipe) is
// said on stderr, with the image and its status, and is not a success.
func (o *Output) done(final *client.Result, res *client.UploadResult, verified bool) error {
	img := final.Image
	out, written := o.io.CheckedOut()
	o.print(out.Out, final, res, verified)
	if err := written(); err != nil {
		fmt.Fprintf(o.io.ErrOut, "%s %s\n", o.loc.T("cli.error_prefix"), o.loc.T("security.output.uploaded", l10n.Args{
			"Err": client.Inert(err.Error()), "ID": client.Inert(img.ID), "Status": client.Inert(img.Status)}))
		we := &exitcode.WriteError{Err: err}
		return exitcode.Reported(exitcode.Of(we), we)
	}
	return nil
}

func (o *Output) print(stdout io.Writer, final *client.Result, res *client.UploadResult, verified bool) {
	img := final.Image
	if o.format == "json" {
		fmt.Fprintf(stdout, "%s\n", img.Raw)
		if !verified && o.live {
			fmt.Fprintln(o.io.ErrOut, o.loc.T("upload.result.json_not_verified"))
		}
		return
	}
	loc := o.loc
	fmt.Fprintf(stdout, "%s\n\n", loc.T("upload.result.title", l10n.Args{"Size": client.FormatBytes(res.Bytes),
		"Name": fmt.Sprintf("%q", client.Inert(img.Name)), "Target": o.conn.Target.Label}))
	rows := [][]string{
		{"  " + loc.T("cli.created.image_id"), client.Inert(img.ID)},
		{"  " + loc.T("cli.created.status"), client.Inert(img.Status) + ": " + client.StatusMeaningIn(loc, img.Status)},
	}
	checksum := loc.T("upload.result.not_verified", l10n.Args{"MD5": res.MD5})
	if verified {
		checksum = loc.T("upload.result.verified", l10n.Args{"Checksum": client.Inert(img.Checksum)})
	}
	rows = append(rows, []string{"  " + loc.T("upload.result.checksum"), checksum})
	if img.Size.Valid {
		rows = append(rows, []string{"  " + loc.T("upload.result.size"), loc.T("upload.result.bytes", l10n.Args{"Bytes": img.Size.Value})})
	}
	// API field names, as they are.
	rows = append(rows, []string{"  disk_format", client.Inert(img.DiskFormat)}, []string{"  container_format", client.Inert(img.ContainerFormat)})
	if img.OSVersion != "" {
		rows = append(rows, []string{"  __os_version", client.Inert(img.OSVersion)})
	}
	rows = append(rows, []string{"  " + loc.T("upload.result.upload"), loc.T("upload.result.took", l10n.Args{"Bytes": res.Bytes,
		"Took": res.Latency.Round(time.Millisecond).String(), "Rate": client.FormatBytes(int64(res.Rate()))})})
	if res.RequestID != "" {
		rows = append(rows, []string{"  " + loc.T("cli.created.request_id"), client.Inert(res.RequestID)})
	}
	_ = factory.WriteTable(stdout, rows, 2) // its error is the writer's, checked by done
}

// Failure explains err on stderr (what happened, the server's words, the
// request id, what to do, and the image's status afterwards when known)
// and returns it with its exit code.
func (o *Output) Failure(err error, after string) error {
	var ae *client.APIError
	if errors.As(err, &ae) && ae.StatusCode == 404 && o.conn.Target.Kind == "sandbox" {
		explained := *ae
		explained.Hint = o.loc.T("upload.sandbox_404_hint", l10n.Args{"Command": client.Inert(o.conn.SandboxCommand("list"))})
		err = &explained
	}
	var rows []client.Row
	if after != "" {
		rows = append(rows, client.Row{Key: "afterwards", Label: o.loc.T("upload.progress.afterwards"), Value: after})
	}
	factory.Explain(o.io.ErrOut, o.loc, err, rows...)
	return exitcode.Reported(exitcode.Of(err), err)
}
