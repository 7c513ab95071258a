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
type output struct {
	io     *factory.IOStreams
	format string
	conn   *factory.Connection
	live   bool // stderr is a terminal

	size      int64
	last      client.UploadProgress
	drawn     bool // a progress line is on screen
	statuses  []string
	statusOut bool // a status line is on screen
}

func newOutput(io *factory.IOStreams, format string, conn *factory.Connection) *output {
	return &output{io: io, format: format, conn: conn, live: io.ErrTTY}
}

func (o *output) started(check *client.UploadCheck, file *imagefile.Info) {
	o.size = check.Size
	o.statuses = []string{check.Image.Image.Status}
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

// progress rewrites one line on stderr: bytes, percentage, rate, ETA. It is
// called by the client at most every 100 ms.
func (o *output) progress(p client.UploadProgress) {
	o.last = p
	if !o.live {
		return
	}
	eta := "--:--"
	if d := p.ETA(); d > 0 || p.Sent >= p.Total {
		eta = clock(d)
	}
	fmt.Fprintf(o.io.ErrOut, "\r\x1b[K  %s / %s (%3.0f%%)  %s/s  ETA %s",
		client.FormatBytes(p.Sent), client.FormatBytes(p.Total), 100*p.Fraction(), client.FormatBytes(int64(p.Rate)), eta)
	o.drawn = true
}

func (o *output) endProgress() {
	if o.drawn {
		fmt.Fprintln(o.io.ErrOut)
		o.drawn = false
	}
}

func (o *output) uploaded(res *client.UploadResult) {
	if o.live {
		fmt.Fprintf(o.io.ErrOut, "Sent %s in %s (%s/s), MD5 %s\n",
			client.FormatBytes(res.Bytes), res.Latency.Round(time.Millisecond), client.FormatBytes(int64(res.Rate())), res.MD5)
	}
}

// status shows the image's status live: "Status: queued → saving → active".
func (o *output) status(st string) {
	if !o.live {
		return
	}
	if !o.statusOut {
		fmt.Fprintf(o.io.ErrOut, "Status: %s", client.Inert(strings.Join(o.statuses, " → ")))
		o.statusOut = true
	}
	if n := len(o.statuses); n == 0 || o.statuses[n-1] != st {
		fmt.Fprintf(o.io.ErrOut, " → %s", client.Inert(st))
	}
	o.statuses = appendStatus(o.statuses, st)
}

func appendStatus(list []string, st string) []string {
	if n := len(list); n > 0 && list[n-1] == st {
		return list
	}
	return append(list, st)
}

func (o *output) endStatus() {
	if o.statusOut {
		fmt.Fprintln(o.io.ErrOut)
		o.statusOut = false
	}
}

func (o *output) interrupted(after string) {
	fmt.Fprintf(o.io.ErrOut, "Upload interrupted after %s of %s.\n", client.FormatBytes(o.last.Sent), client.FormatBytes(o.size))
	if after != "" {
		fmt.Fprintf(o.io.ErrOut, "  %s\n", after)
	}
}

// stoppedWaiting says what an interrupt during the wait for active left:
// the file sent, its checksum not checked, the image's status now.
func (o *output) stoppedWaiting(res *client.UploadResult, after string) {
	fmt.Fprintf(o.io.ErrOut, "Stopped waiting for the image: the file was sent (%s, MD5 %s) but its checksum was not checked.\n",
		client.FormatBytes(res.Bytes), res.MD5)
	if after != "" {
		fmt.Fprintf(o.io.ErrOut, "  %s\n", after)
	}
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

// clock formats a duration as m:ss (or h:mm:ss).
func clock(d time.Duration) string {
	s := int64(d.Round(time.Second) / time.Second)
	if s >= 3600 {
		return fmt.Sprintf("%d:%02d:%02d", s/3600, s/60%60, s%60)
	}
	return fmt.Sprintf("%d:%02d", s/60, s%60)
}
