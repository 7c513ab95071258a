package create

import (
	"fmt"
	"io"
	"strings"

	"github.com/ims-wizard/ims-wizard/client"
	"github.com/ims-wizard/ims-wizard/client/l10n"
	"github.com/ims-wizard/ims-wizard/cmd/factory"
)

func printProblems(io *factory.IOStreams, loc *l10n.Localizer, errs client.Problems) {
	fmt.Fprintln(io.ErrOut, loc.T("cli.create.invalid", l10n.Args{"Count": len(errs)}))
	for _, p := range errs {
		fmt.Fprintf(io.ErrOut, "  %s (%s): %s\n", p.Field, flagFor(p.Field), p.Text(loc))
	}
}

// printSending says, before a create, where it goes and with which
// credentials.
func printSending(io *factory.IOStreams, loc *l10n.Localizer, conn *factory.Connection) {
	fmt.Fprintln(io.ErrOut, loc.T("cli.create.sending", l10n.Args{"URL": strings.TrimRight(conn.Target.Endpoint, "/") + "/v2/images",
		"Auth": conn.Auth.Text(loc)}))
}

// serveCommand is the command that serves the built-in sandbox when it is
// the dry run's target, else "".
func serveCommand(deps Deps, target factory.Target) string {
	if target.Kind != "sandbox" {
		return ""
	}
	return deps.Conn.ServeCommand(deps.Env)
}

func printDryRun(io *factory.IOStreams, loc *l10n.Localizer, output string, target factory.Target, auth client.AuthInfo, serve string, req client.Request) error {
	return printDryRunBody(io, loc, output, target, auth, serve, req.Body())
}

// printDryRunBody is printDryRun for a body as it is (--from --no-validate).
// serve, when the target is the built-in sandbox, is the command that
// serves it, for the curl to reach.
func printDryRunBody(io *factory.IOStreams, loc *l10n.Localizer, output string, target factory.Target, auth client.AuthInfo, serve string, body []byte) error {
	if output == "json" {
		fmt.Fprintf(io.Out, "%s\n", body)
		return nil
	}
	fmt.Fprintf(io.Out, "%s\n\n%s\n\n%s\n\n%s\n\n%s\n",
		loc.T("cli.dry_run.title"),
		loc.T("cli.dry_run.target", l10n.Args{"URL": strings.TrimRight(target.Endpoint, "/") + "/v2/images", "Target": target.Label, "Auth": auth.Text(loc)}),
		body, loc.T("cli.dry_run.curl"), client.CurlCommandIn(loc, target.Endpoint, auth, body))
	if serve != "" {
		// Nothing listens there until the sandbox is served.
		fmt.Fprintf(io.Out, "\n%s\n  %s\n", loc.T("cli.dry_run.serve_sandbox"), client.Inert(serve))
	}
	return nil
}

// printNextUpload says how to send the file of img, queued: the command as
// the user can run it, the id quoted, and the flags that reach this image
// again (the sandbox's URL of this run is gone once the command ends, its
// state is not).
func printNextUpload(w io.Writer, loc *l10n.Localizer, conn *factory.Connection, img *client.Image) {
	fmt.Fprintf(w, "%s\n  %s\n", loc.T("cli.created.next_upload", l10n.Args{"File": client.Inert(img.File)}),
		client.Inert(conn.Command("upload", img.ID, loc.T("cli.created.file_placeholder"))))
}

func printCreated(io *factory.IOStreams, loc *l10n.Localizer, output string, conn *factory.Connection, res *client.Result) error {
	img := res.Image
	if output == "json" {
		fmt.Fprintf(io.Out, "%s\n", img.Raw)
		return nil
	}
	printCreatedImage(io, loc, conn, res)
	if img.Status == "queued" && conn.ForgetsOnExit() {
		fmt.Fprintf(io.Out, "\n%s\n", loc.T("cli.created.no_state_note"))
		return nil
	}
	if img.Status == "queued" {
		fmt.Fprintln(io.Out)
		printNextUpload(io.Out, loc, conn, img)
	}
	return nil
}

// printCreatedImage is the created image, field by field (text output).
func printCreatedImage(io *factory.IOStreams, loc *l10n.Localizer, conn *factory.Connection, res *client.Result) {
	img := res.Image
	fmt.Fprintf(io.Out, "%s\n\n", loc.T("cli.created.title", l10n.Args{"Name": fmt.Sprintf("%q", client.Inert(img.Name)), "Target": conn.Target.Label}))
	rows := [][]string{
		{"  " + loc.T("cli.created.image_id"), client.Inert(img.ID)},
		{"  " + loc.T("cli.created.status"), client.Inert(img.Status) + ": " + client.StatusMeaningIn(loc, img.Status)},
	}
	for _, fld := range img.Fields() {
		if fld.Key == "id" || fld.Key == "status" {
			continue
		}
		value := client.Inert(fld.Value)
		if value == "" {
			value = loc.T("cli.created.empty")
		}
		rows = append(rows, []string{"  " + client.Inert(fld.Key), value}) // API field names stay as they are
	}
	if res.RequestID != "" {
		rows = append(rows, []string{"  " + loc.T("cli.created.request_id"), client.Inert(res.RequestID)})
	}
	rows = append(rows, []string{"  " + loc.T("cli.created.latency"), res.Latency.Round(100_000).String()})
	_ = factory.WriteTable(io.Out, rows, 2) // its error is the writer's, checked by the caller
}

// printFailure explains an API or network error on stderr and, when the
// outcome is unknown, how to look for the image before trying again.
func printFailure(io *factory.IOStreams, loc *l10n.Localizer, err error, req client.Request, conn *factory.Connection) {
	factory.Explain(io.ErrOut, loc, err)
	if client.IsAmbiguous(err) {
		lookup := client.LookupCommand(conn.Target.Endpoint, conn.Auth, req.Name)
		if conn.Target.Kind == "sandbox" {
			// The in-process sandbox stops with this command; its state stays.
			lookup = conn.SandboxCommand("list", "--name", req.Name)
		}
		fmt.Fprintf(io.ErrOut, "  %s\n    %s\n", loc.T("cli.create.ambiguous"), client.Inert(lookup))
	}
}
