package create

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/ims-wizard/ims-wizard/client"
	"github.com/ims-wizard/ims-wizard/cmd/exitcode"
	"github.com/ims-wizard/ims-wizard/cmd/factory"
	"github.com/ims-wizard/ims-wizard/ui"
)

// runWizardCmd runs the command with a fake wizard on a pretend terminal.
func runWizardCmd(t *testing.T, args []string, wizard func(ui.Options) (*client.Result, error)) (stdout, stderr string, code int, opts ui.Options) {
	t.Helper()
	var out, errOut bytes.Buffer
	streams := &factory.IOStreams{In: strings.NewReader(""), Out: &out, ErrOut: &errOut, InTTY: true, ErrTTY: true}
	// The built-in sandbox's state in a directory of this test's own.
	vars := map[string]string{"XDG_STATE_HOME": "/xdg/state", factory.SandboxDirEnv: t.TempDir()}
	env := factory.Env{Getenv: func(k string) string { return vars[k] }, HomeDir: "/home/u"}
	deps := Deps{IO: streams, Env: env, Conn: &factory.ConnFlags{}, Wizard: func(_ context.Context, o ui.Options) (*client.Result, error) {
		opts = o
		return wizard(o)
	}}
	cmd := NewCmd(deps)
	cmd.SetArgs(args)
	err := cmd.ExecuteContext(context.Background())
	return out.String(), errOut.String(), exitcode.Of(err), opts
}

func image(t *testing.T, id, name string) *client.Image {
	img, err := client.ParseImage([]byte(`{"id": "` + id + `", "name": "` + name + `", "status": "queued"}`))
	if err != nil {
		t.Fatal(err)
	}
	return img
}

// Ctrl+C after "create another": the image created earlier is still said
// on stdout, and the exit code is 130.
func TestWizardInterruptedAfterCreatePrintsSummary(t *testing.T) {
	res := &client.Result{Image: image(t, "img-1", "first"), StatusCode: 201}
	stdout, _, code, o := runWizardCmd(t, []string{"--name", "first", "--min-disk", "50"}, func(ui.Options) (*client.Result, error) {
		return res, ui.ErrInterrupted
	})
	if code != exitcode.Interrupted {
		t.Errorf("exit %d, want 130", code)
	}
	if !strings.HasPrefix(stdout, `Created image img-1 "first" (queued) on built-in sandbox`) {
		t.Errorf("stdout %q, want the summary of the created image", stdout)
	}
	if o.DraftPath != "/xdg/state/ims-wizard/draft.json" {
		t.Errorf("DraftPath %q", o.DraftPath)
	}
	if strings.Join(o.InitialFields, ",") != client.FieldName+","+client.FieldMinDisk {
		t.Errorf("InitialFields %v, want the flags given", o.InitialFields)
	}
}

func TestWizardOutcomes(t *testing.T) {
	lost := &client.NetworkError{Method: "POST", URL: "http://x/v2/images", Kind: client.NetReset, Ambiguous: true, Err: errors.New("reset"), Hint: "the connection broke"}
	cases := []struct {
		name         string
		res          *client.Result
		err          error
		code         int
		stdout       string
		stderrWanted []string
	}{
		{"created", &client.Result{Image: image(t, "img-2", "ok"), StatusCode: 201}, nil, exitcode.OK, `Created image img-2 "ok"`, nil},
		{"found after a lost answer", &client.Result{Image: image(t, "img-3", "lost")}, nil, exitcode.OK, `Found image img-3 "lost"`,
			[]string{"found by name, not created again"}},
		{"quit from an ambiguous error", nil, &ui.SubmitError{Request: client.Request{Name: "lost name"}, Err: lost}, exitcode.Network, "",
			// The wizard ran on the built-in sandbox, gone with the command: the look-up reads its state.
			[]string{"connection lost", "outcome is unknown", "ims-wizard sandbox list --name 'lost name' --sandbox-dir "}},
		{"quit from an API error", nil, &ui.SubmitError{Request: client.Request{Name: "x"}, Err: &client.APIError{Method: "POST", URL: "http://x/v2/images",
			StatusCode: 500, Meaning: "internal service error", Code: "IMG.0500", RequestID: "rid"}}, exitcode.API, "",
			[]string{"answered HTTP 500", "IMG.0500", "request id: rid"}},
		{"crash", nil, &ui.CrashError{Value: "boom", Stack: []byte("goroutine 1"), Draft: "/xdg/state/ims-wizard/draft.json"}, exitcode.Failure, "",
			[]string{"internal error in the wizard: boom", "your answers were saved to /xdg/state/ims-wizard/draft.json", "please report", "goroutine 1"}},
		{"other error", nil, errors.New("could not open a TTY"), exitcode.Failure, "", nil},
		// As `ims-wizard upload` exits when its --wait runs out.
		{"quit after the upload's wait ran out", &client.Result{Image: image(t, "img-4", "slow"), StatusCode: 201},
			&ui.UploadFailedError{ImageID: "img-4", Path: "disk.raw", Err: &client.WaitTimeoutError{ID: "img-4", Status: "saving", Wait: time.Minute}},
			exitcode.Network, `Created image img-4 "slow"`, []string{"still saving"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			stdout, stderr, code, _ := runWizardCmd(t, nil, func(ui.Options) (*client.Result, error) { return tc.res, tc.err })
			if code != tc.code || !strings.HasPrefix(stdout, tc.stdout) || tc.stdout == "" && stdout != "" {
				t.Errorf("exit %d, stdout %q; want %d, %q", code, stdout, tc.code, tc.stdout)
			}
			for _, w := range tc.stderrWanted {
				if !strings.Contains(stderr, w) {
					t.Errorf("stderr lacks %q:\n%s", w, stderr)
				}
			}
		})
	}
}
