package create

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/ims-wizard/ims-wizard/client"
	"github.com/ims-wizard/ims-wizard/client/l10n"
	"github.com/ims-wizard/ims-wizard/cmd/exitcode"
	"github.com/ims-wizard/ims-wizard/cmd/factory"
	"github.com/spf13/pflag"
)

// --from FILE (or - for standard input) starts from a customer's request:
// the JSON body of POST /v2/images, or the curl command that sent it
// (client.ParsePasted). Request flags given next to it win over the pasted
// values, and each replacement is said.

func (f *Flags) registerFrom(fs *pflag.FlagSet, loc *l10n.Localizer) {
	fs.StringVar(&f.From, "from", "", loc.T("paste.flag.from"))
}

// fieldFlags are the request flags, by the API field each sets.
var fieldFlags = []struct{ flag, field string }{
	{"name", client.FieldName}, {"os-version", client.FieldOSVersion}, {"disk-format", client.FieldDiskFormat},
	{"container-format", client.FieldContainerFormat}, {"min-disk", client.FieldMinDisk}, {"min-ram", client.FieldMinRAM},
	{"tag", client.FieldTags}, {"protected", client.FieldProtected}, {"visibility", client.FieldVisibility},
}

func runFrom(ctx context.Context, deps Deps, f *Flags) error {
	io, loc := deps.IO, deps.Loc
	interactive := !f.Yes && !f.DryRun
	switch {
	case interactive && f.From == "-":
		return exitcode.Usage(errors.New(loc.T("paste.from.stdin_wizard")))
	case interactive && !io.CanPrompt():
		return exitcode.Usage(errors.New(loc.T("paste.from.not_terminal")))
	case interactive && f.NoValidate:
		return exitcode.Usage(errors.New(loc.T("paste.from.no_validate_wizard")))
	}
	pasted, err := readPasted(deps, f.From)
	if err != nil {
		return exitcode.Usage(err)
	}
	if f.NoValidate {
		return sendAsPasted(ctx, deps, f, pasted)
	}
	sent, replaced, flagProblems := f.applyFlags(pasted.Prepared())
	if interactive && pasted.WellFormed {
		// The review shows the rest of the problems, each field editable.
		return runWizard(ctx, deps, f, sent, pasted)
	}
	problems := append(flagProblems, pasted.Problems(sent, client.EmbeddedCatalog(), replaced...)...)
	errs := problems.Errors()
	if f.DryRun || len(errs) > 0 {
		// Planned, not connected: nothing is sent, no password is asked.
		env := deps.Env
		env.AskPassword = nil
		target, auth, notices, err := deps.Conn.Plan(env)
		if err != nil && f.DryRun {
			return err
		}
		if err == nil {
			printLines(io.ErrOut, notices)
		}
		printPasteNotices(deps, pasted, auth, target, err == nil)
		printReplaced(deps, replaced)
		if len(errs) > 0 {
			printPasteProblems(io, loc, errs)
			printWarnings(deps, problems.Warnings()) // a typo such as "os_version" may be the cause
			return exitcode.Reported(exitcode.Invalid, &client.ValidationError{Problems: errs})
		}
		printWarnings(deps, problems.Warnings())
		if err := printDryRun(io, loc, f.Output, target, auth.Info(), serveCommand(deps, target), sent); err != nil {
			return err
		}
		printDifferences(deps, f.Output, pasted.Differences(sent))
		return nil
	}

	conn, err := deps.Conn.Connect(deps.Env, io.ErrOut)
	if err != nil {
		return err
	}
	defer conn.Close()
	printLines(io.ErrOut, conn.Notices)
	printPasteNoticesFor(deps, pasted, conn)
	printReplaced(deps, replaced)
	printWarnings(deps, problems.Warnings())
	printSending(io, loc, conn)
	res, err := conn.Client.Create(ctx, sent)
	if err != nil {
		printFailure(io, loc, err, sent, conn)
		return exitcode.Reported(exitcode.Of(err), err)
	}
	return printCreated(io, loc, f.Output, conn, res)
}

// sendAsPasted is --no-validate: the pasted body byte for byte, checked
// for nothing but being one JSON object, to reproduce the customer's
// server-side error.
func sendAsPasted(ctx context.Context, deps Deps, f *Flags, pasted *client.Pasted) error {
	io, loc := deps.IO, deps.Loc
	var given []string
	for _, ff := range fieldFlags {
		if f.changed(ff.flag) {
			given = append(given, "--"+ff.flag)
		}
	}
	if len(given) > 0 {
		return exitcode.Usage(errors.New(loc.T("paste.from.no_validate_flags", l10n.Args{"Flags": strings.Join(given, ", ")})))
	}
	if !pasted.WellFormed {
		errs := pasted.Findings.Errors()
		printPasteProblems(io, loc, errs)
		return exitcode.Reported(exitcode.Invalid, &client.ValidationError{Problems: errs})
	}
	if f.DryRun {
		env := deps.Env
		env.AskPassword = nil
		target, a, notices, err := deps.Conn.Plan(env)
		if err != nil {
			return err
		}
		printLines(io.ErrOut, notices)
		printPasteNotices(deps, pasted, a, target, true)
		fmt.Fprintln(io.ErrOut, loc.T("paste.from.no_validate"))
		return printDryRunBody(io, loc, f.Output, target, a.Info(), serveCommand(deps, target), pasted.Body)
	}
	conn, err := deps.Conn.Connect(deps.Env, io.ErrOut)
	if err != nil {
		return err
	}
	defer conn.Close()
	printLines(io.ErrOut, conn.Notices)
	printPasteNoticesFor(deps, pasted, conn)
	fmt.Fprintln(io.ErrOut, loc.T("paste.from.no_validate"))
	printSending(io, loc, conn)
	res, err := conn.Client.CreateBody(ctx, pasted.Body)
	if err != nil {
		factory.Explain(io.ErrOut, loc, err)
		return exitcode.Reported(exitcode.Of(err), err)
	}
	return printCreated(io, loc, f.Output, conn, res)
}

// readPasted reads --from: a file ("-d @body.json" is then read from its
// directory, "@-" from standard input) or standard input ("-", with files
// read from the current directory).
func readPasted(deps Deps, from string) (*client.Pasted, error) {
	dir := "."
	var text []byte
	var err error
	if from == "-" {
		text, err = readCapped(deps.IO.In)
	} else {
		dir = filepath.Dir(from)
		text, err = readCappedFile(from)
	}
	if err != nil {
		return nil, errors.New(deps.Loc.T("paste.from.read", l10n.Args{"Path": client.Inert(from), "Err": client.ErrorText(err, deps.Loc)}))
	}
	opt := client.PasteOptions{Dir: dir, ReadFile: func(name string) ([]byte, error) { return readInside(dir, name) }}
	if from != "-" && !deps.IO.InTTY { // a terminal holds no body: do not wait on it
		opt.Stdin = deps.IO.In
	}
	return client.ParsePasted(text, opt), nil
}

// readInside reads name within dir only: os.Root also refuses symbolic
// links that lead out of it.
func readInside(dir, name string) ([]byte, error) {
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, err
	}
	defer root.Close()
	file, err := root.Open(filepath.FromSlash(name))
	if err != nil {
		return nil, err
	}
	defer file.Close()
	return readCapped(file)
}

func readCappedFile(path string) ([]byte, error) {
	file, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer file.Close()
	return readCapped(file)
}

func readCapped(r io.Reader) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, client.MaxPasteSize+1))
	if err == nil && len(data) > client.MaxPasteSize {
		err = client.NewError(nil, "cli.from.too_large", l10n.Args{"Max": client.MaxPasteSize})
	}
	return data, err
}

// applyFlags puts the request flags given next to --from over the pasted
// request: they win, and the fields they replaced are returned.
func (f *Flags) applyFlags(r client.Request) (client.Request, []string, client.Problems) {
	given, parseProblems := f.request()
	var replaced []string
	for _, ff := range fieldFlags {
		if !f.changed(ff.flag) {
			continue
		}
		replaced = append(replaced, ff.field)
		switch ff.field {
		case client.FieldName:
			r.Name = given.Name
		case client.FieldOSVersion:
			r.OSVersion = given.OSVersion
		case client.FieldDiskFormat:
			r.DiskFormat = given.DiskFormat
		case client.FieldContainerFormat:
			r.ContainerFormat = given.ContainerFormat
		case client.FieldMinDisk:
			r.MinDisk = given.MinDisk
		case client.FieldMinRAM:
			r.MinRAM = given.MinRAM
		case client.FieldTags:
			r.Tags = given.Tags
		case client.FieldProtected:
			r.Protected = given.Protected
		case client.FieldVisibility:
			r.Visibility = given.Visibility
		}
	}
	return r, replaced, parseProblems
}

func flagOfField(field string) string {
	for _, ff := range fieldFlags {
		if ff.field == field {
			return ff.flag
		}
	}
	return field
}

// pastedFields are the fields a wizard prefilled from a paste takes from
// it (or from flags next to it) rather than from a draft.
func pastedFields(pasted *client.Pasted, f *Flags) []string {
	fields := pasted.Fields()
	for _, g := range f.givenFields() {
		if !contains(fields, g) {
			fields = append(fields, g)
		}
	}
	return fields
}

func contains(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

// printPasteNotices says, on stderr, what the paste does that ims-wizard
// will not: credentials ignored (and which ones are used instead), the
// region or endpoint of the pasted URL, ignored headers. known is false
// when no connection was planned: the credentials used are not said then.
func printPasteNotices(deps Deps, pasted *client.Pasted, auth client.Authenticator, target factory.Target, known bool) {
	info := client.AuthInfo{}
	if auth != nil {
		info = auth.Info()
	}
	for _, n := range pasted.Notices(info, target.Label, target.Endpoint) {
		if !known && (n.ID == "paste.note.credentials" || n.Field == client.FieldURL) {
			if n.ID == "paste.note.credentials" {
				n = client.Note{ID: "paste.note.credentials_ignored", Args: n.Args}
			} else {
				continue
			}
		}
		fmt.Fprintln(deps.IO.ErrOut, n.Text(deps.Loc))
	}
}

// printPasteNoticesFor is printPasteNotices for an open connection.
func printPasteNoticesFor(deps Deps, pasted *client.Pasted, conn *factory.Connection) {
	for _, n := range pasted.Notices(conn.Auth, conn.Target.Label, conn.Target.Endpoint) {
		fmt.Fprintln(deps.IO.ErrOut, n.Text(deps.Loc))
	}
}

func printReplaced(deps Deps, replaced []string) {
	for _, field := range replaced {
		fmt.Fprintln(deps.IO.ErrOut, deps.Loc.T("paste.from.flag_wins", l10n.Args{"Flag": "--" + flagOfField(field), "Field": field}))
	}
}

func printWarnings(deps Deps, warnings client.Problems) {
	for _, w := range warnings {
		fmt.Fprintln(deps.IO.ErrOut, deps.Loc.T("paste.from.warning", l10n.Args{"Field": client.FieldLabel(w.Field), "Text": w.Text(deps.Loc)}))
	}
}

func printPasteProblems(io *factory.IOStreams, loc *l10n.Localizer, errs client.Problems) {
	fmt.Fprintln(io.ErrOut, loc.T("paste.from.invalid", l10n.Args{"Count": len(errs)}))
	for _, p := range errs {
		fmt.Fprintf(io.ErrOut, "  %s: %s\n", client.FieldLabel(p.Field), p.Text(loc))
	}
}

// printDifferences follows the dry run: on stdout with the text output,
// on stderr with -o json (whose stdout is the body alone).
func printDifferences(deps Deps, output string, diffs []client.Note) {
	w := deps.IO.Out
	if output == "json" {
		w = deps.IO.ErrOut
	}
	if len(diffs) == 0 {
		fmt.Fprintf(w, "\n%s\n", deps.Loc.T("paste.from.no_differences"))
		return
	}
	fmt.Fprintf(w, "\n%s\n", deps.Loc.T("paste.from.differences"))
	for _, d := range diffs {
		fmt.Fprintf(w, "  - %s\n", d.Text(deps.Loc))
	}
}

func printLines(w io.Writer, lines []string) {
	for _, l := range lines {
		fmt.Fprintln(w, l)
	}
}
