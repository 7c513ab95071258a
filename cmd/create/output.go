package create

import (
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/ims-wizard/ims-wizard/client"
	"github.com/ims-wizard/ims-wizard/client/l10n"
	"github.com/ims-wizard/ims-wizard/cmd/factory"
)

func printProblems(io *factory.IOStreams, loc *l10n.Localizer, errs client.Problems) {
	fmt.Fprintf(io.ErrOut, "error: the request is invalid; nothing was sent (%d problem%s):\n", len(errs), plural(len(errs)))
	for _, p := range errs {
		fmt.Fprintf(io.ErrOut, "  %s (%s): %s\n", p.Field, flagFor(p.Field), p.Text(loc))
	}
}

func printDryRun(io *factory.IOStreams, output string, target factory.Target, auth client.AuthInfo, req client.Request) error {
	return printDryRunBody(io, output, target, auth, req.Body())
}

// printDryRunBody is printDryRun for a body as it is (--from --no-validate).
func printDryRunBody(io *factory.IOStreams, output string, target factory.Target, auth client.AuthInfo, body []byte) error {
	if output == "json" {
		fmt.Fprintf(io.Out, "%s\n", body)
		return nil
	}
	fmt.Fprintf(io.Out, "Dry run: nothing is sent.\n\nPOST %s/v2/images  (%s, credentials: %s)\n\n%s\n\nEquivalent curl:\n\n%s\n",
		strings.TrimRight(target.Endpoint, "/"), target.Label, auth, body, client.CurlCommand(target.Endpoint, auth, body))
	return nil
}

func printCreated(io *factory.IOStreams, output string, conn *factory.Connection, res *client.Result) error {
	img := res.Image
	if output == "json" {
		fmt.Fprintf(io.Out, "%s\n", img.Raw)
		return nil
	}
	printCreatedImage(io, conn, res)
	if img.Status == "queued" && conn.Target.Kind == "sandbox" && conn.SandboxDir == "" {
		fmt.Fprintf(io.Out, "\nNote: this run's sandbox keeps no images (see above), so no later command can upload to this one:\n  create it with --sandbox-dir DIR to keep it.\n")
		return nil
	}
	if img.Status == "queued" {
		// The command as the user can run it: the id quoted, and the flags
		// that reach this image again (the sandbox's URL of this run is gone
		// once the command ends, its state is not).
		fmt.Fprintf(io.Out, "\nNext: upload the image file (PUT %s):\n  %s\n",
			client.Inert(img.File), client.Inert(conn.Command("upload", img.ID, "FILE")))
	}
	return nil
}

// printCreatedImage is the created image, field by field (text output).
func printCreatedImage(io *factory.IOStreams, conn *factory.Connection, res *client.Result) {
	img := res.Image
	w := tabwriter.NewWriter(io.Out, 0, 0, 2, ' ', 0)
	fmt.Fprintf(w, "Created image %q on %s\n\n", client.Inert(img.Name), conn.Target.Label)
	fmt.Fprintf(w, "  id\t%s\n", client.Inert(img.ID))
	fmt.Fprintf(w, "  status\t%s: %s\n", client.Inert(img.Status), client.StatusMeaning(img.Status))
	for _, fld := range img.Fields() {
		if fld.Key == "id" || fld.Key == "status" {
			continue
		}
		fmt.Fprintf(w, "  %s\t%s\n", client.Inert(fld.Key), client.Inert(fld.Value))
	}
	if res.RequestID != "" {
		fmt.Fprintf(w, "  request id\t%s\n", client.Inert(res.RequestID))
	}
	fmt.Fprintf(w, "  latency\t%s\n", res.Latency.Round(100_000))
	_ = w.Flush()
}

// printFailure explains an API or network error on stderr and, when the
// outcome is unknown, how to look for the image before trying again.
func printFailure(io *factory.IOStreams, err error, req client.Request, conn *factory.Connection) {
	factory.ExplainError(io.ErrOut, err)
	if client.IsAmbiguous(err) {
		lookup := client.LookupCommand(conn.Target.Endpoint, conn.Auth, req.Name)
		if conn.Target.Kind == "sandbox" {
			// The in-process sandbox stops with this command; its state stays.
			lookup = conn.SandboxCommand("list", "--name", req.Name)
		}
		fmt.Fprintf(io.ErrOut, "  The request was sent but its outcome is unknown: the image may exist. Look it up before creating it again:\n    %s\n",
			client.Inert(lookup))
	}
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}
