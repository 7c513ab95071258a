package create

import (
	"bytes"
	"context"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/ims-wizard/ims-wizard/client"
	"github.com/ims-wizard/ims-wizard/client/sandbox"
	"github.com/ims-wizard/ims-wizard/cmd/exitcode"
	"github.com/ims-wizard/ims-wizard/cmd/factory"
	"github.com/ims-wizard/ims-wizard/ui"
)

// The wizard gets the target's live list, and judges by it: a value only
// that list has is created, one it lacks is refused and never sent. The
// real wizard runs (accessible mode, answers piped) on the list the
// command read.
func TestWizardUsesTheLiveList(t *testing.T) {
	cat := client.NewCatalog([]client.OSVersion{
		{Platform: "Stub", Type: "Linux", Bits: 64, Version: "Stub Linux 1.0 64bit"},
		{Platform: "Ubuntu", Type: "Linux", Bits: 64, Version: "Ubuntu 22.04 server 64bit"},
	})
	srv := httptest.NewServer(sandbox.New(sandbox.Options{Catalog: cat}))
	t.Cleanup(srv.Close)

	run := func(osVersion, answers string) (ui.Options, string, *client.Result, int) {
		t.Helper()
		var out, errOut, wizardOut bytes.Buffer
		streams := &factory.IOStreams{In: strings.NewReader(""), Out: &out, ErrOut: &errOut, InTTY: true, ErrTTY: true}
		env := factory.Env{Getenv: func(string) string { return "" }, HomeDir: t.TempDir()}
		var opts ui.Options
		var res *client.Result
		deps := Deps{IO: streams, Env: env, Conn: &factory.ConnFlags{Endpoint: srv.URL}, Wizard: func(ctx context.Context, o ui.Options) (*client.Result, error) {
			opts = o
			o.Accessible, o.In, o.Out, o.DraftPath = true, strings.NewReader(answers), &wizardOut, ""
			r, err := ui.Run(ctx, o)
			res = r
			return r, err
		}}
		cmd := NewCmd(deps)
		cmd.SetArgs([]string{"--name", "w", "--os-version", osVersion})
		err := cmd.ExecuteContext(context.Background())
		return opts, wizardOut.String() + errOut.String(), res, exitcode.Of(err)
	}

	opts, out, res, code := run("Stub Linux 1.0 64bit", strings.Repeat("\n", 11)) // the image-file question, then every step
	if opts.Catalog == nil || opts.Catalog.Source.Origin != client.OriginLive || opts.Catalog.Source.Label != "endpoint "+srv.URL {
		t.Fatalf("the wizard got %+v (exit %d)\n%s", opts.Catalog, code, out)
	}
	if code != 0 || res == nil || res.Image.OSVersion != "Stub Linux 1.0 64bit" {
		t.Fatalf("exit %d, %+v\n%s", code, res, out)
	}

	// A value the live list lacks is refused by the wizard's check, and
	// what the wizard sends is one the list has.
	opts, out, res, code = run("Ubuntu 14.04 server 64bit", strings.Repeat("\n", 11)) // the image-file question, then every step
	ps := client.ValidateOSVersion(opts.Catalog, "Ubuntu 14.04 server 64bit")
	if len(ps.Errors()) != 1 || !strings.Contains(ps[0].Text(nil), "is not in the OS list of endpoint "+srv.URL) {
		t.Errorf("the wizard's check: %v", ps)
	}
	if code != 0 || res == nil || res.Image.OSVersion != "Ubuntu 22.04 server 64bit" {
		t.Fatalf("exit %d, created %+v\n%s", code, res, out)
	}
}
