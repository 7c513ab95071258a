package create

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/ims-wizard/ims-wizard/client"
	"github.com/ims-wizard/ims-wizard/client/l10n"
	"github.com/ims-wizard/ims-wizard/cmd/exitcode"
	"github.com/ims-wizard/ims-wizard/cmd/factory"
	"github.com/ims-wizard/ims-wizard/ui"
	"github.com/spf13/cobra"
)

// Deps are the command's dependencies (factory.Deps).
type Deps = factory.Deps

// NewCmd returns the root command's create behaviour bound to a cobra command.
func NewCmd(deps Deps) *cobra.Command {
	f := &Flags{}
	cmd := &cobra.Command{
		Use:           "ims-wizard",
		Short:         deps.Loc.T("help.create.short"),
		Long:          deps.Loc.T("help.create.long"),
		Example:       deps.Loc.T("help.create.example"),
		Args:          cobra.NoArgs,
		SilenceUsage:  true,
		SilenceErrors: true,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return run(cmd.Context(), deps, f)
		},
	}
	f.register(cmd.Flags(), deps.Loc)
	f.registerFrom(cmd.Flags(), deps.Loc)
	f.registerFile(cmd.Flags(), deps.Loc)
	return cmd
}

func run(ctx context.Context, deps Deps, f *Flags) error {
	io := deps.IO
	if err := f.checkOutput(); err != nil {
		return exitcode.Usage(err)
	}
	if err := f.checkFile(deps.Loc); err != nil {
		return exitcode.Usage(err)
	}
	if f.From != "" {
		return runFrom(ctx, deps, f)
	}
	interactive := !f.Yes && !f.DryRun
	fileProblems := f.useFile(deps, !interactive) // --file gives --disk-format and --min-disk
	req, parseProblems := f.request()
	if interactive && !io.CanPrompt() {
		err := client.NewError(nil, "cli.create.not_terminal")
		if missing := f.missingForScript(); len(missing) > 0 {
			err = client.NewError(nil, "cli.create.not_terminal_give", l10n.Args{"Flags": strings.Join(missing, ", ")})
		}
		return exitcode.Usage(err)
	}
	if interactive {
		if len(fileProblems) > 0 {
			return refuseInvalid(deps, fileProblems)
		}
		return runWizard(ctx, deps, f, req, nil)
	}

	// The OS version is judged against the target's list, so when one is
	// given the target comes first: then every problem, the OS version's
	// included, is reported at once and with the right verdict (nothing is
	// created before that: the list is a GET). A dry run sends nothing and
	// uses the list cached for the target, if fresh.
	checkOS := !f.NoValidate && strings.TrimSpace(req.OSVersion) != ""
	cat := client.EmbeddedCatalog()
	var conn *factory.Connection
	var target factory.Target
	var auth client.AuthInfo
	if f.DryRun {
		env := deps.Env
		env.AskPassword = nil // nothing is sent: no reason to ask for a password
		t, a, notices, err := deps.Conn.Plan(env)
		if err != nil {
			return err
		}
		for _, n := range notices {
			fmt.Fprintln(io.ErrOut, n)
		}
		target, auth = t, a.Info()
		if checkOS {
			cat = factory.CachedCatalog(deps.Env, target)
			fmt.Fprintln(io.ErrOut, cat.Source.Describe(deps.Loc, time.Now()))
		}
	} else if checkOS || f.file != nil {
		c, err := connect(deps)
		if err != nil {
			return err
		}
		defer c.Close()
		conn, target, auth = c, c.Target, c.Auth
		if checkOS {
			if cat, err = conn.Catalog(ctx); err != nil {
				return factory.CatalogFailed(io.ErrOut, deps.Loc, err)
			}
			if cat.Source.Origin == client.OriginEmbedded {
				fmt.Fprintln(io.ErrOut, cat.Source.Describe(deps.Loc, time.Now()))
			}
		}
	}

	problems := append(parseProblems, validate(f, req, cat)...)
	problems = append(append(problems, fileProblems...), f.fileProblems(req, target, auth.Kind)...)
	if f.NoValidate && len(parseProblems) == 0 {
		fmt.Fprintln(io.ErrOut, deps.Loc.T("cli.create.no_validate"))
	}
	if errs := problems.Errors(); len(errs) > 0 {
		printProblems(io, deps.Loc, errs)
		if len(errs.For(client.FieldOSVersion)) > 0 && cat.Source.Cached {
			// A value added to the region since the list was cached.
			fmt.Fprintln(io.ErrOut, deps.Loc.T("osversions.create.refresh_hint", l10n.Args{
				"Age": client.Age(deps.Loc, time.Since(cat.Source.ReadAt)), "Command": deps.Conn.RefreshCommand(target)}))
		}
		return exitcode.Reported(exitcode.Invalid, &client.ValidationError{Problems: errs})
	}
	for _, w := range problems.Warnings() {
		fmt.Fprintln(io.ErrOut, deps.Loc.T("cli.warning", l10n.Args{"Field": w.Field, "Text": w.Text(deps.Loc)}))
	}

	if f.DryRun {
		return f.dryRun(deps, target, auth, req)
	}
	if conn == nil {
		c, err := connect(deps)
		if err != nil {
			return err
		}
		defer c.Close()
		conn = c
	}
	printSending(io, deps.Loc, conn)
	res, err := conn.Client.Create(ctx, req)
	if err != nil {
		printFailure(io, deps.Loc, err, req, conn)
		return exitcode.Reported(exitcode.Of(err), err)
	}
	if f.file != nil {
		return f.uploadCreated(ctx, deps, conn, res)
	}
	out, written := io.CheckedOut()
	if err := printCreated(out, deps.Loc, f.Output, conn, res); err != nil {
		return err
	}
	return createdButNotWritten(deps, written(), res)
}

// createdButNotWritten reports a summary that could not be written to
// stdout (-o json >/dev/full, a closed pipe) although the image exists: its
// id goes to stderr, and the exit code is not 0 (see exitcode.WriteError).
func createdButNotWritten(deps Deps, err error, res *client.Result) error {
	if err == nil || res == nil || res.Image == nil {
		return nil
	}
	img := res.Image
	fmt.Fprintf(deps.IO.ErrOut, "%s %s\n", deps.Loc.T("cli.error_prefix"), deps.Loc.T("security.output.created", l10n.Args{
		"Err": client.Inert(err.Error()), "ID": client.Inert(img.ID), "Name": client.Inert(img.Name)}))
	we := &exitcode.WriteError{Err: err}
	return exitcode.Reported(exitcode.Of(we), we)
}

// connect opens the connection and says its notices (the sandbox in use,
// TLS verification off) before any request.
func connect(deps Deps) (*factory.Connection, error) {
	conn, err := deps.Conn.Connect(deps.Env, deps.IO.ErrOut)
	if err != nil {
		return nil, err
	}
	for _, n := range conn.Notices {
		fmt.Fprintln(deps.IO.ErrOut, n)
	}
	return conn, nil
}

// validate applies the request rules, the OS version's against cat, unless
// --no-validate, in which case only well-typedness (already checked by
// parsing) is required.
func validate(f *Flags, req client.Request, cat *client.Catalog) client.Problems {
	if f.NoValidate {
		return nil
	}
	return req.Validate(cat)
}

// runWizard opens the wizard prefilled from initial; pasted is the paste
// it came from (--from), nil for flags.
func runWizard(ctx context.Context, deps Deps, f *Flags, initial client.Request, pasted *client.Pasted) error {
	// The wizard owns stderr: an HTTP trace there would be drawn over by
	// the screen, so --debug goes to a file named when the wizard ends.
	var trace io.Writer
	if deps.Conn.Debug {
		file, err := factory.DebugLog(deps.Env)
		if err != nil {
			return client.NewError(err, "cli.create.debug_log", l10n.Args{"Err": err})
		}
		defer func() {
			file.Close()
			fmt.Fprintln(deps.IO.ErrOut, deps.Loc.T("cli.create.trace_written", l10n.Args{"Path": client.Inert(file.Name())}))
		}()
		trace = file
	}
	conn, err := deps.Conn.Connect(deps.Env, trace)
	if err != nil {
		return err
	}
	defer conn.Close()
	cat, err := conn.Catalog(ctx)
	if err != nil {
		return factory.CatalogFailed(deps.IO.ErrOut, deps.Loc, err)
	}
	if cat.Source.Origin == client.OriginEmbedded {
		fmt.Fprintln(deps.IO.ErrOut, cat.Source.Describe(deps.Loc, time.Now()))
	}
	initialFields := f.givenFields()
	var review *client.Input
	var dropped client.Problems
	if pasted != nil {
		printPasteNoticesFor(deps, pasted, conn)
		initialFields = pastedFields(pasted, f)
		in := withFlags(pasted.Input(), client.InputOf(initial), f.givenFields())
		review = &in // the wizard opens at the review, prefilled from the paste
		dropped = pasted.Findings.NotInRequest()
	}
	images := &sessionImages{}
	opts := ui.Options{
		Creator:       conn.Client,
		Uploader:      conn.Client,
		Catalog:       cat,
		Target:        ui.Target{Kind: conn.Target.Kind, Label: conn.Target.Label, Endpoint: conn.Target.Endpoint},
		Auth:          conn.Auth,
		Initial:       initial,
		InitialFields: initialFields,
		DraftPath:     factory.DraftPath(deps.Env),
		Accessible:    f.Accessible || factory.EnvFlag(deps.Env.Getenv("ACCESSIBLE")),
		In:            deps.IO.In,
		Out:           deps.IO.ErrOut,
		Loc:           deps.Loc,
		Getenv:        deps.Env.Getenv,
		ImageFile:     f.file,
		Review:        review,
		PasteDropped:  dropped,
		UploadCommand: func(id string) string { return conn.Command("upload", id, "FILE") },
		Created:       images.add,
	}
	if opts.AccessibleMode() {
		// Ctrl+C is a signal on the cooked terminal of accessible mode:
		// the wizard takes it to cancel what is in flight.
		intr, release := deps.Interrupts.Take()
		defer release()
		opts.Interrupts = intr
	}
	res, err := deps.Wizard(ctx, opts)
	// Every image of the session is said whatever ended it: an image
	// created before a Ctrl+C (or an error) still exists, and after
	// "create another" there are several.
	images.add(res)
	for _, r := range images.list {
		img := r.Image
		said := "cli.create.wizard_created"
		if ui.WasFound(r) {
			said = "cli.create.wizard_found"
		}
		_, werr := fmt.Fprintln(deps.IO.Out, deps.Loc.T(said, l10n.Args{"ID": client.Inert(img.ID), "Name": fmt.Sprintf("%q", client.Inert(img.Name)),
			"Status": client.Inert(img.Status), "Target": conn.Target.Label}))
		if werr != nil && err == nil {
			err = createdButNotWritten(deps, werr, r)
		}
		if ui.WasFound(r) {
			fmt.Fprintln(deps.IO.ErrOut, deps.Loc.T("cli.create.found_note"))
		}
	}
	// An image left queued still wants its file: the command that sends
	// it, as a scripted create says (on stderr: stdout is the list above).
	for _, r := range images.list {
		if img := r.Image; img.Status == "queued" && !conn.ForgetsOnExit() {
			printNextUpload(deps.IO.ErrOut, deps.Loc, conn, img)
		}
	}
	var submitErr *ui.SubmitError
	var uploadErr *ui.UploadFailedError
	var crash *ui.CrashError
	var written *exitcode.WriteError
	switch {
	case errors.As(err, &written):
		return err // already said
	case errors.Is(err, ui.ErrInterrupted):
		var ie *ui.InterruptedError
		if errors.As(err, &ie) && ie.DraftKept {
			// The same command (its target flags too) offers the draft back.
			fmt.Fprintln(deps.IO.ErrOut, deps.Loc.T("cli.create.draft_kept", l10n.Args{"Command": client.Inert(conn.Command())}))
		}
		return exitcode.Reported(exitcode.Interrupted, exitcode.ErrInterrupted)
	case errors.As(err, &crash):
		fmt.Fprintf(deps.IO.ErrOut, "%s %s\n%s\n%s", deps.Loc.T("cli.error_prefix"), crashText(deps.Loc, crash), deps.Loc.T("cli.report_crash"), crash.Stack)
		return exitcode.Reported(exitcode.Failure, err)
	case errors.As(err, &submitErr):
		// The wizard's error view is gone with its screen: say it again.
		printFailure(deps.IO, deps.Loc, submitErr.Err, submitErr.Request, conn)
		if submitErr.DraftKept {
			fmt.Fprintln(deps.IO.ErrOut, deps.Loc.T("cli.create.draft_kept", l10n.Args{"Command": client.Inert(conn.Command())}))
		}
		return exitcode.Reported(exitcode.Of(err), err)
	case errors.As(err, &uploadErr):
		// So is the upload's, as `ims-wizard upload` says it.
		fmt.Fprintln(deps.IO.ErrOut, deps.Loc.T("cli.create.upload_failed", l10n.Args{"Path": client.Inert(uploadErr.Path), "ID": client.Inert(uploadErr.ImageID)}))
		factory.Explain(deps.IO.ErrOut, deps.Loc, uploadErr.Err)
		return exitcode.Reported(exitcode.Of(err), err)
	case err != nil:
		return &exitcode.Error{Code: exitcode.Of(err), Err: err} // not explained yet: printed by main
	}
	return nil
}

// crashText is what the wizard's crash left: what panicked, and where the
// answers went.
func crashText(loc *l10n.Localizer, crash *ui.CrashError) string {
	value := client.InertMultiline(fmt.Sprint(crash.Value))
	switch {
	case crash.Draft != "" && crash.Saved == nil:
		return loc.T("cli.crash.saved", l10n.Args{"Value": value, "Draft": client.Inert(crash.Draft)})
	case crash.Saved != nil:
		return loc.T("cli.crash.not_saved", l10n.Args{"Value": value, "Err": client.ErrorText(crash.Saved, loc)})
	}
	return loc.T("cli.crash.wizard", l10n.Args{"Value": value})
}

// givenFields are the API fields set by flags on the command line: they win
// over a resumed draft.
func (f *Flags) givenFields() []string {
	var out []string
	for _, p := range []struct{ flag, field string }{
		{"name", client.FieldName}, {"os-version", client.FieldOSVersion}, {"disk-format", client.FieldDiskFormat},
		{"min-disk", client.FieldMinDisk}, {"min-ram", client.FieldMinRAM}, {"tag", client.FieldTags}, {"protected", client.FieldProtected},
	} {
		if f.changed != nil && f.changed(p.flag) {
			out = append(out, p.field)
		}
	}
	return out
}

// withFlags is the pasted input with the fields given as flags taken from
// the flags' input: flags win over the paste, in the wizard as in --yes.
func withFlags(pasted, flags client.Input, given []string) client.Input {
	for _, field := range given {
		switch field {
		case client.FieldName:
			pasted.Name = flags.Name
		case client.FieldOSVersion:
			pasted.OSVersion = flags.OSVersion
		case client.FieldDiskFormat:
			pasted.DiskFormat = flags.DiskFormat
		case client.FieldMinDisk:
			pasted.MinDisk = flags.MinDisk
		case client.FieldMinRAM:
			pasted.MinRAM = flags.MinRAM
		case client.FieldTags:
			pasted.Tags = flags.Tags
		case client.FieldProtected:
			pasted.Protected = flags.Protected
		}
	}
	return pasted
}

// sessionImages are the images a wizard run made or found, in order, each
// as last read (after an upload, its status then).
type sessionImages struct{ list []*client.Result }

func (s *sessionImages) add(res *client.Result) {
	if res == nil || res.Image == nil {
		return
	}
	for i, r := range s.list {
		if r.Image.ID == res.Image.ID {
			s.list[i] = res
			return
		}
	}
	s.list = append(s.list, res)
}
