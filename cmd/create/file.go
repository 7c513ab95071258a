package create

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/ims-wizard/ims-wizard/client"
	"github.com/ims-wizard/ims-wizard/client/imagefile"
	"github.com/ims-wizard/ims-wizard/client/l10n"
	"github.com/ims-wizard/ims-wizard/cmd/exitcode"
	"github.com/ims-wizard/ims-wizard/cmd/factory"
	"github.com/ims-wizard/ims-wizard/cmd/uploadout"
	"github.com/spf13/pflag"
)

// --file PATH (issue 14): the image file is read before anything is sent,
// like `openstack image create --file`. Its header gives --disk-format and
// --min-disk when they are not given, and is checked against them: a
// mismatch is a problem of that field, reported with every other problem
// (exit 2, nothing created). Then the image is created as with --yes and
// the file uploaded as `ims-wizard upload` does. On a terminal without
// --yes the wizard opens with the file chosen (ui.Options.ImageFile).

func (f *Flags) registerFile(fs *pflag.FlagSet, loc *l10n.Localizer) {
	fs.StringVar(&f.File, "file", "", loc.T("imagefile.create.flag"))
}

// checkFile refuses what --file cannot be combined with.
func (f *Flags) checkFile(loc *l10n.Localizer) error {
	if f.File != "" && f.From != "" {
		return errors.New(loc.T("imagefile.create.with_from"))
	}
	return nil
}

// useFile reads the header of --file (no-op without it) and sets
// --disk-format and --min-disk from it where they were not given; say
// prints what was detected and taken on stderr (not under the wizard,
// whose screen would hide it). A file that cannot be used at all is a
// problem of the field file.
func (f *Flags) useFile(deps Deps, say bool) client.Problems {
	if f.File == "" {
		return nil
	}
	file, p := client.InspectImageFile(f.File)
	if p != nil {
		return client.Problems{*p}
	}
	f.file = file
	given := map[string]bool{client.FieldDiskFormat: f.changed("disk-format"), client.FieldMinDisk: f.changed("min-disk")}
	in := file.Prefill(client.Input{DiskFormat: f.DiskFormat, MinDisk: f.MinDisk}, func(field string) bool { return given[field] })
	var taken []string
	if df, _ := file.Suggested(); df != "" && !given[client.FieldDiskFormat] {
		taken = append(taken, client.FieldDiskFormat+" "+in.DiskFormat)
	}
	if !given[client.FieldMinDisk] {
		taken = append(taken, client.FieldMinDisk+" "+in.MinDisk)
	}
	f.DiskFormat, f.MinDisk = in.DiskFormat, in.MinDisk
	if say {
		fmt.Fprintln(deps.IO.ErrOut, file.Detected(deps.Loc))
		if len(taken) > 0 {
			fmt.Fprintln(deps.IO.ErrOut, deps.Loc.T("imagefile.create.taken", l10n.Args{"Values": strings.Join(taken, ", ")}))
		}
	}
	return nil
}

// fileProblems are the file's findings against req, and the upload's size
// rules for target with auth: all known before the image is created.
func (f *Flags) fileProblems(req client.Request, target factory.Target, auth client.AuthKind) client.Problems {
	if f.file == nil {
		return nil
	}
	return append(f.file.Problems(req), f.file.UploadProblems(target.Endpoint, auth)...)
}

// refuseInvalid reports blocking problems (exit 2, nothing sent).
func refuseInvalid(deps Deps, errs client.Problems) error {
	printProblems(deps.IO, deps.Loc, errs)
	return exitcode.Reported(exitcode.Invalid, &client.ValidationError{Problems: errs})
}

// dryRun shows what would be sent: the body, and with --file the upload
// after it and the file's facts (on stderr with -o json, whose stdout is
// the body alone).
func (f *Flags) dryRun(deps Deps, target factory.Target, auth client.AuthInfo, req client.Request) error {
	if err := printDryRun(deps.IO, deps.Loc, f.Output, target, auth, serveCommand(deps, target), req); err != nil || f.file == nil {
		return err
	}
	w, gap := deps.IO.Out, "\n"
	if f.Output == "json" {
		w, gap = deps.IO.ErrOut, ""
	}
	fmt.Fprintf(w, "%s%s\n", gap, deps.Loc.T("imagefile.create.dry_run_upload", l10n.Args{
		"Endpoint": strings.TrimRight(target.Endpoint, "/"), "Path": client.Inert(f.file.Path),
		"Size": client.FormatBytes(f.file.Info.FileSize), "File": client.DescribeImageFile(deps.Loc, f.file.Info)}))
	return nil
}

// uploadCreated sends --file to the image just created, as `ims-wizard
// upload` does (CheckUpload, the format check, the pipeline, its output
// and exit codes). With -o json the final image alone is printed; in text
// the created image, then the upload's result. When the upload fails the
// image still exists: say so, and how to send the file again.
func (f *Flags) uploadCreated(ctx context.Context, deps Deps, conn *factory.Connection, res *client.Result) error {
	if f.Output != "json" {
		printCreatedImage(deps.IO, deps.Loc, conn, res)
		fmt.Fprintln(deps.IO.Out)
	}
	out := uploadout.New(deps.IO, f.Output, conn, deps.Loc)
	c := conn.Client
	check, err := c.CheckUpload(ctx, res.Image.ID, f.file.Path)
	var info *imagefile.Info
	if err == nil {
		info, err = out.CheckFile(false, check)
	}
	if err != nil {
		err = out.Failure(err, "")
		f.sayKept(deps, conn, res.Image, nil)
		return err
	}
	o, err := out.Send(ctx, c, check, info, client.UploadWaitLimit)
	if err != nil {
		f.sayKept(deps, conn, res.Image, &o)
	}
	return err
}

// sayKept tells, after a failed upload, that the image was created, and
// the command that sends the file again while the image still takes one
// (queued, or its status unknown). A sandbox that keeps no images (this
// command's only) is gone with the command: nothing to send it to.
func (f *Flags) sayKept(deps Deps, conn *factory.Connection, img *client.Image, o *client.UploadOutcome) {
	w, loc := deps.IO.ErrOut, deps.Loc
	args := l10n.Args{"ID": client.Inert(img.ID), "Target": conn.Target.Label}
	sent := o != nil && o.Sent != nil
	if sent {
		fmt.Fprintln(w, loc.T("imagefile.create.kept_sent", args))
	} else {
		fmt.Fprintln(w, loc.T("imagefile.create.kept", args))
	}
	status := ""
	if o != nil && o.Final != nil && o.Final.Image != nil {
		status = o.Final.Image.Status
	}
	switch {
	case sent || (status != "" && status != "queued"):
		// Nothing more to send; the explanation above says what to do.
	case conn.ForgetsOnExit():
		fmt.Fprintln(w, loc.T("imagefile.create.sandbox_gone"))
	default:
		path := f.file.Path
		if strings.HasPrefix(path, "-") {
			path = "./" + path // not read as a flag
		}
		fmt.Fprintf(w, "%s\n  %s\n", loc.T("imagefile.create.retry"), client.Inert(conn.Command("upload", img.ID, path)))
	}
}
