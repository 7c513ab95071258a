package upload

import (
	"errors"
	"fmt"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/ims-wizard/ims-wizard/client"
	"github.com/ims-wizard/ims-wizard/client/imagefile"
	"github.com/ims-wizard/ims-wizard/cmd/exitcode"
	"github.com/ims-wizard/ims-wizard/cmd/factory"
)

// output is everything the command says. Progress and the live status go
// to stderr, only when stderr is a terminal; the result goes to stdout
// (with -o json: the final image exactly as the server sent it, alone).
// The hooks are called by the client's upload pipeline, one at a time.
type output struct {
	io     *factory.IOStreams
	format string
	conn   *factory.Connection
	live   bool // stderr is a terminal

	id        string // the image
	last      client.UploadProgress
	sending   bool     // the PUT is running: the status is part of the progress line
	drawn     bool     // a progress line is on screen
	statuses  []string // in the order seen
	statusOut bool     // a status line is on screen
}

func newOutput(io *factory.IOStreams, format string, conn *factory.Connection) *output {
	return &output{io: io, format: format, conn: conn, live: io.ErrTTY}
}

func (o *output) started(check *client.UploadCheck, file *imagefile.Info) {
	o.sending, o.id = true, check.Image.Image.ID
	o.last = client.UploadProgress{Total: check.Size}
	if o.live {
		img := check.Image.Image
		what := client.FormatBytes(check.Size)
		if file != nil {
			what += "; " + client.DescribeImageFile(file)
		}
		fmt.Fprintf(o.io.ErrOut, "Uploading %s (%s) to image %s %q on %s\n",
			client.Inert(check.Path), what, client.Inert(img.ID), client.Inert(img.Name), o.conn.Target.Label)
	}
}

// progress rewrites one line on stderr: bytes, percentage, rate, ETA and
// the image's status as last read.
func (o *output) progress(p client.UploadProgress) {
	o.last = p
	o.drawProgress()
}

func (o *output) drawProgress() {
	if !o.live {
		return
	}
	p := o.last
	fmt.Fprintf(o.io.ErrOut, "\r\x1b[K  %s / %s (%3.0f%%)  %s/s  ETA %s  · %s",
		client.FormatBytes(p.Sent), client.FormatBytes(p.Total), 100*p.Fraction(), client.FormatBytes(int64(p.Rate)), p.ETAText(),
		client.Inert(o.current()))
	o.drawn = true
}

func (o *output) current() string {
	if n := len(o.statuses); n > 0 {
		return o.statuses[n-1]
	}
	return ""
}

func (o *output) uploaded(res *client.UploadResult) {
	o.sending = false
	o.endLines()
	if o.live {
		fmt.Fprintf(o.io.ErrOut, "Sent %s in %s (%s/s), MD5 %s\n",
			client.FormatBytes(res.Bytes), res.Latency.Round(time.Millisecond), client.FormatBytes(int64(res.Rate())), res.MD5)
	}
}

// status follows the image's status: in the progress line while the file
// is sent, then on a line of its own: "Status: queued → saving → active".
func (o *output) status(st string) {
	o.statuses = append(o.statuses, st)
	switch {
	case !o.live:
	case o.sending:
		if o.drawn {
			o.drawProgress()
		}
	case !o.statusOut:
		fmt.Fprintf(o.io.ErrOut, "Status: %s", client.Inert(strings.Join(o.statuses, " → ")))
		o.statusOut = true
	default:
		fmt.Fprintf(o.io.ErrOut, " → %s", client.Inert(st))
	}
}

// endLines ends the progress or status line on screen.
func (o *output) endLines() {
	if o.drawn || o.statusOut {
		fmt.Fprintln(o.io.ErrOut)
		o.drawn, o.statusOut = false, false
	}
}

func (o *output) interrupted(out client.UploadOutcome) {
	fmt.Fprintf(o.io.ErrOut, "Upload interrupted after %s of %s.\n", client.FormatBytes(out.Progress.Sent), client.FormatBytes(out.Progress.Total))
	fmt.Fprintf(o.io.ErrOut, "  %s\n", out.StatusAfter(nil, o.id))
}

// stoppedWaiting says what an interrupt during the wait for active left:
// the file sent, its checksum not checked, the image's status now.
func (o *output) stoppedWaiting(out client.UploadOutcome) {
	fmt.Fprintf(o.io.ErrOut, "Stopped waiting for the image: the file was sent (%s, MD5 %s) but its checksum was not checked.\n",
		client.FormatBytes(out.Sent.Bytes), out.Sent.MD5)
	fmt.Fprintf(o.io.ErrOut, "  %s\n", out.StatusAfter(nil, o.id))
}

// done prints the result: the final image and the verified checksum.
func (o *output) done(final *client.Result, res *client.UploadResult, verified bool) error {
	img := final.Image
	if o.format == "json" {
		fmt.Fprintf(o.io.Out, "%s\n", img.Raw)
		if !verified && o.live {
			fmt.Fprintln(o.io.ErrOut, "warning: the checksum was not verified (the server reports none yet)")
		}
		return nil
	}
	w := tabwriter.NewWriter(o.io.Out, 0, 0, 2, ' ', 0)
	fmt.Fprintf(w, "Uploaded %s to image %q on %s\n\n", client.FormatBytes(res.Bytes), client.Inert(img.Name), o.conn.Target.Label)
	fmt.Fprintf(w, "  id\t%s\n", client.Inert(img.ID))
	fmt.Fprintf(w, "  status\t%s: %s\n", client.Inert(img.Status), client.StatusMeaning(img.Status))
	if verified {
		fmt.Fprintf(w, "  checksum\t%s (verified: equals the local file's MD5)\n", client.Inert(img.Checksum))
	} else {
		fmt.Fprintf(w, "  checksum\tnot verified: the server reports none yet (local MD5 %s)\n", res.MD5)
	}
	if img.Size.Valid {
		fmt.Fprintf(w, "  size\t%d bytes\n", img.Size.Value)
	}
	fmt.Fprintf(w, "  disk_format\t%s\n", client.Inert(img.DiskFormat))
	fmt.Fprintf(w, "  container_format\t%s\n", client.Inert(img.ContainerFormat))
	if img.OSVersion != "" {
		fmt.Fprintf(w, "  __os_version\t%s\n", client.Inert(img.OSVersion))
	}
	fmt.Fprintf(w, "  upload\t%d bytes in %s (%s/s)\n", res.Bytes, res.Latency.Round(time.Millisecond), client.FormatBytes(int64(res.Rate())))
	if res.RequestID != "" {
		fmt.Fprintf(w, "  request id\t%s\n", client.Inert(res.RequestID))
	}
	return w.Flush()
}

// failure explains err on stderr (what happened, the server's words, the
// request id, what to do, and the image's status afterwards when known)
// and returns it with its exit code.
func (o *output) failure(err error, after string) error {
	var ae *client.APIError
	if errors.As(err, &ae) && ae.StatusCode == 404 && o.conn.Target.Kind == "sandbox" {
		explained := *ae
		explained.Hint = "the built-in sandbox starts empty for each command: serve one with `ims-wizard sandbox`, create the image there and pass --endpoint"
		err = &explained
	}
	factory.ExplainError(o.io.ErrOut, err)
	if after != "" {
		fmt.Fprintf(o.io.ErrOut, "  afterwards: %s\n", after)
	}
	return exitcode.Reported(exitcode.Of(err), err)
}
