package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ims-wizard/ims-wizard/client"
	"github.com/ims-wizard/ims-wizard/client/clienttest"
	"github.com/ims-wizard/ims-wizard/client/l10n/l10ntest"
	"github.com/ims-wizard/ims-wizard/client/sandbox"
	"github.com/ims-wizard/ims-wizard/ui"
)

// The pseudo-locale walk (issue 13): every command and output path of the
// command line runs with --lang qps, where every catalogue string is
// marked ⟦…⟧, and stdout and stderr may hold no human text outside the
// marks (l10ntest.Unmarked says what counts as human text). What may stay
// unmarked is the values: the names and ids the test gave, the server's
// JSON and messages, API field names, URLs, paths, commands to run, and the
// network's own words in a "cause" row (Go's error text, such as "dial
// tcp …: connection refused", kept verbatim for support: networkWords).
//
// The cases run in-process (runInProcess: the real command tree through
// root.Run), which keeps the walk to a few seconds.

// networkWords are Go's words for a failed connection, shown as they are
// in the "cause" row.
var networkWords = []string{"Post", "Get", "Put", "dial tcp", "read tcp", "write tcp", "connect: connection refused", "read: connection reset by peer",
	"context deadline exceeded", "Client.Timeout exceeded while awaiting headers", "EOF", "tls: failed to verify certificate:",
	"x509: certificate signed by unknown authority", "http: server gave HTTP response to HTTPS client",
	"(Client.Timeout exceeded while awaiting headers)", "connection reset by peer", "net/http: request canceled"}

// fieldNames are the API's field names, which messages name as they are.
var fieldNames = []string{client.FieldName, client.FieldOSVersion, client.FieldVisibility, client.FieldContainerFormat,
	client.FieldDiskFormat, client.FieldProtected, client.FieldTags, client.FieldMinRAM, client.FieldMinDisk}

type walkCase struct {
	name    string
	args    []string
	env     []string // added to cleanEnv
	allowed []string // values this case puts in (besides the common ones)
	// serverStdout: stdout is the server's JSON (-o json), as it is.
	serverStdout bool
	in           inProcess
	code         int // the exit code wanted; -1 for any
	// serve: the command serves until interrupted (ims-wizard sandbox): it
	// is interrupted once it has said where it listens.
	serve bool
	// interruptWhen, when set, interrupts the command once it is closed
	// (an upload, once the server has seen it reach the point to stop).
	interruptWhen <-chan struct{}
}

// walkCommon are the values every case of the walk may print: the names
// the walk gives, the network's words, the API's field names and the OS
// catalogue's values.
func walkCommon(state string) []string {
	return append(append(append([]string{"demo", "ims-wizard", state}, networkWords...), fieldNames...), catalogueWords()...)
}

func TestPseudoLocaleLeavesNoUnmarkedText(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	state := filepath.Join(dir, "state") // one sandbox state for the walk: list and reset see images
	common := walkCommon(state)
	body := filepath.Join(dir, "body.json")
	os.WriteFile(body, []byte(`{"name": "pasted", "__os_version": "Ubuntu 14.04 server 64bit", "disk_format": "vhd", "min_disk": 100, "tags": ["a=1"]}`), 0o600)
	curlPaste := filepath.Join(dir, "curl.txt")
	os.WriteFile(curlPaste, []byte(`curl -X POST https://ims.la-north-2.myhuaweicloud.com/v2/images -H "X-Auth-Token: $TOKEN" -H "Content-Type: application/json" -d '{"name": "", "min_disk": 5, "os_version": "x"}'`), 0o600)
	notPEM := filepath.Join(dir, "ca.pem")
	os.WriteFile(notPEM, []byte("not a certificate"), 0o600)
	credsHome := filepath.Join(dir, "home")
	os.MkdirAll(filepath.Join(credsHome, ".huaweicloud"), 0o700)
	os.WriteFile(filepath.Join(credsHome, ".huaweicloud", "credentials"), []byte("[basic]\nak = AKEXAMPLE\nsk = sk-secret\n"), 0o644)
	foreign := filepath.Join(dir, "foreign")
	os.MkdirAll(foreign, 0o700)
	os.WriteFile(filepath.Join(foreign, "notes.txt"), []byte("mine"), 0o600)

	long := strings.Repeat("n", 300)
	seed := []string{"--name", "demo", "--os-version", "Ubuntu 14.04 server 64bit", "--disk-format", "vhd", "--min-disk", "100",
		"--min-ram", "1024", "--tag", "test=testvalue", "--tag", "image=imagevalue"}
	cases := []walkCase{
		// help, version, usage errors
		{name: "help", args: []string{"--help"}},
		{name: "help sandbox", args: []string{"sandbox", "--help"}},
		{name: "help sandbox list", args: []string{"sandbox", "list", "--help"}},
		{name: "help sandbox reset", args: []string{"sandbox", "reset", "--help"}},
		{name: "help os-versions", args: []string{"os-versions", "--help"}},
		{name: "help completion", args: []string{"completion", "--help"}},
		{name: "help completion bash", args: []string{"completion", "bash", "--help"}},
		{name: "help completion zsh", args: []string{"completion", "zsh", "--help"}},
		{name: "help completion fish", args: []string{"completion", "fish", "--help"}},
		{name: "help completion powershell", args: []string{"completion", "powershell", "--help"}},
		{name: "help command", args: []string{"help"}},
		{name: "help command sandbox", args: []string{"help", "sandbox"}},
		{name: "help unknown topic", args: []string{"help", "nada"}, allowed: []string{"nada"}, code: 2},
		{name: "version", args: []string{"--version"}, allowed: []string{"dev"}},
		{name: "not a terminal", args: nil, code: 2},
		{name: "unknown flag", args: []string{"--nmae", "x"}, allowed: []string{"nmae"}, code: 2},
		{name: "unknown shorthand", args: []string{"-Z"}, code: 2},
		{name: "flag without value", args: []string{"--yes", "--name"}, code: 2},
		{name: "bad bool", args: []string{"--protected=maybe"}, allowed: []string{"maybe"}, code: 2},
		{name: "bad duration", args: []string{"--timeout", "abc"}, allowed: []string{"abc"}, code: 2},
		{name: "zero timeout", args: []string{"--timeout", "0"}, code: 2},
		{name: "unknown command", args: []string{"nada"}, allowed: []string{"nada"}, code: 2},
		{name: "unknown subcommand", args: []string{"sandbox", "lst"}, allowed: []string{"lst"}, code: 2},
		{name: "arguments to os-versions", args: []string{"os-versions", "nada"}, allowed: []string{"nada"}, code: 2},
		{name: "bad output", args: []string{"--yes", "--name", "demo", "-o", "yaml"}, allowed: []string{"yaml"}, code: 2},

		// create: summaries, Next: lines, warnings, dry runs
		{name: "create", args: []string{"--yes", "--name", "demo", "--sandbox-dir", state}},
		{name: "create json", args: []string{"--yes", "--name", "demo", "-o", "json"}, serverStdout: true},
		{name: "create without state", args: []string{"--yes", "--name", "demo"}, env: []string{"HOME=", "IMS_WIZARD_SANDBOX_DIR="}},
		{name: "create no-validate", args: []string{"--yes", "--name", "demo", "--no-validate", "--os-version", "Ubuntu 14.04 server 64bit"}},
		{name: "dry run", args: append([]string{"--dry-run"}, seed...), allowed: []string{"testvalue", "imagevalue"}},
		{name: "dry run json", args: append([]string{"--dry-run", "-o", "json"}, seed...), serverStdout: true},
		{name: "dry run with a region", args: append([]string{"--dry-run", "--region", "cn-north-4"}, seed...),
			env: []string{"OS_AUTH_TOKEN=tok-secret"}, allowed: []string{"testvalue", "imagevalue"}},
		{name: "credentials file readable by others", args: []string{"--dry-run", "--name", "demo", "--region", "cn-north-4"},
			env: []string{"HOME=" + credsHome}, allowed: []string{credsHome}},
		{name: "insecure", args: []string{"--dry-run", "--name", "demo", "--endpoint", "https://ims.example", "--insecure"}},

		// every validation problem
		{name: "problems 1", args: []string{"--yes", "--name", "", "--os-version", "Ubuntu 14.04 server 64bt", "--disk-format", "foo",
			"--container-format", "ovf", "--visibility", "public", "--min-disk", "5", "--min-ram", "-1",
			"--tag", "x", "--tag", "=v", "--tag", "a=1", "--tag", "a=1"},
			allowed: []string{"Ubuntu 14.04 server 64bt", "Ubuntu 14.04 server 64bit", "foo", "ovf", "public", "x", "v", "value"}, code: 2},
		{name: "problems 2", args: []string{"--dry-run", "--name", long, "--os-version", "Nonexistent OS 1", "--min-disk", "abc",
			"--min-ram", "abc", "--tag", "k=" + long}, allowed: []string{long, "Nonexistent OS 1", "abc"}, code: 2},
		{name: "problems 3", args: []string{"--dry-run", "--name", "bad\x01name", "--os-version", "Windows Server 2019 Standard 64bit",
			"--min-ram", "99999999999", "--tag", "k=v\x01", "--tag", ""}, allowed: []string{"bad^Aname", "Windows Server 2019 Standard 64bit", "v^A"}, code: 2},
		{name: "problems on the live list", args: []string{"--yes", "--name", "demo", "--os-version", "Nonexistent OS 1"},
			allowed: []string{"Nonexistent OS 1"}, code: 2},
		{name: "warnings", args: []string{"--dry-run", "--name", " spaced名前! ", "--os-version", "Other Linux(64 bit)"},
			allowed: []string{" spaced名前! ", "spaced名前", "Other Linux(64 bit)"}},
		{name: "long name", args: []string{"--dry-run", "--name", strings.Repeat("n", 200)}, allowed: []string{strings.Repeat("n", 200)}},

		// --from: a pasted body or curl command
		{name: "from body", args: []string{"--from", body, "--dry-run"}, allowed: []string{body, "pasted"}},
		{name: "from curl with problems", args: []string{"--from", curlPaste, "--dry-run", "--name", "demo"},
			allowed: []string{curlPaste, "os_version", "la-north-2", "TOKEN", "x"}, code: 2},
		{name: "from stdin to the wizard", args: []string{"--from", "-"}, code: 2},

		// where requests go, credentials
		{name: "token without region", args: []string{"--yes", "--name", "demo"}, env: []string{"OS_AUTH_TOKEN=tok-secret"}, code: 2},
		{name: "unknown region", args: []string{"--dry-run", "--name", "demo", "--region", "mars-1"}, env: []string{"OS_AUTH_TOKEN=tok-secret"},
			allowed: []string{"mars-1", "my-kualalumpur-1"}, code: 2},
		{name: "half AK/SK", args: []string{"--yes", "--name", "demo"}, env: []string{"HUAWEICLOUD_SDK_AK=ak"}, code: 2},
		{name: "user without password", args: []string{"--yes", "--name", "demo", "--region", "cn-north-4"}, env: []string{"OS_USERNAME=u"}, code: 2},
		{name: "password without domain", args: []string{"--yes", "--name", "demo", "--region", "cn-north-4"},
			env: []string{"OS_USERNAME=u", "OS_PASSWORD=p"}, code: 2},
		{name: "token with a newline", args: []string{"--yes", "--name", "demo", "--region", "cn-north-4"}, env: []string{"OS_AUTH_TOKEN=tok\nen"}, code: 2},
		{name: "sandbox and region", args: []string{"--yes", "--name", "demo", "--sandbox", "--region", "cn-north-4"}, code: 2},
		{name: "not an http endpoint", args: []string{"--yes", "--name", "demo", "--endpoint", "ftp://x"}, code: 2},
		{name: "no such cacert", args: []string{"--yes", "--name", "demo", "--endpoint", "https://ims.example", "--cacert", "/nonexistent/ca.pem"}, code: 2},
		{name: "cacert not PEM", args: []string{"--yes", "--name", "demo", "--endpoint", "https://ims.example", "--cacert", notPEM},
			allowed: []string{notPEM}, code: 2},
		{name: "no such sandbox fault", args: []string{"--yes", "--name", "demo"}, env: []string{"IMS_WIZARD_SANDBOX_FAIL=POST /v2/images"}, code: 2},
		{name: "sandbox dir not a state", args: []string{"--yes", "--name", "demo", "--sandbox-dir", foreign}, allowed: []string{foreign}, code: 2},

		// no answer, an unknown outcome
		{name: "connection refused", args: []string{"--yes", "--name", "demo", "--endpoint", "http://127.0.0.1:1"}, code: 4},
		{name: "timeout", args: []string{"--yes", "--name", "demo", "--timeout", "300ms"}, env: []string{"IMS_WIZARD_SANDBOX_FAIL=POST /v2/images=timeout"}, code: 4},
		{name: "connection lost", args: []string{"--yes", "--name", "demo"}, env: []string{"IMS_WIZARD_SANDBOX_FAIL=POST /v2/images=created-then-reset"}, code: 4},

		// os-versions
		{name: "os-versions", args: []string{"os-versions"}},
		{name: "os-versions all", args: []string{"os-versions", "--all", "--arch", "arm"}},
		{name: "os-versions json", args: []string{"os-versions", "--platform", "ubuntu", "-o", "json"}, serverStdout: true},
		{name: "os-versions none", args: []string{"os-versions", "--platform", "ubuntu", "--arch", "arm"}},
		{name: "os-versions embedded", args: []string{"os-versions", "--endpoint", "http://127.0.0.1:1"}},
		{name: "os-versions bad arch", args: []string{"os-versions", "--arch", "sparc"}, allowed: []string{"sparc"}, code: 2},
		{name: "os-versions bad platform", args: []string{"os-versions", "--platform", "nada"}, allowed: []string{"nada"}, code: 2},
		{name: "os-versions windows", args: []string{"os-versions", "--platform", "windows"}, allowed: []string{"windows"}, code: 2},

		// the sandbox command
		{name: "sandbox list", args: []string{"sandbox", "list", "--sandbox-dir", state}},
		{name: "sandbox list none of that name", args: []string{"sandbox", "list", "--name", "nada", "--sandbox-dir", state}, allowed: []string{"nada"}},
		{name: "sandbox list json", args: []string{"sandbox", "list", "-o", "json", "--sandbox-dir", state}, serverStdout: true},
		{name: "sandbox list bad output", args: []string{"sandbox", "list", "-o", "yaml"}, allowed: []string{"yaml"}, code: 2},
		{name: "sandbox reset", args: []string{"sandbox", "reset", "--sandbox-dir", state}},
		{name: "sandbox list empty", args: []string{"sandbox", "list", "--sandbox-dir", state}},
		{name: "sandbox serves", args: []string{"sandbox", "--addr", "127.0.0.1:0", "--fail", "POST /v2/images=503*1", "--sandbox-dir", state}, serve: true},
		{name: "sandbox remote", args: []string{"sandbox", "--addr", "0.0.0.0:0"}, code: 2},
		{name: "sandbox bad fault", args: []string{"sandbox", "--fail", "POST /v2/images=teapot"}, allowed: []string{"teapot"}, code: 2},
		{name: "sandbox with endpoint", args: []string{"sandbox", "--endpoint", "http://x"}, code: 2},
	}

	// Every status the seed lists, answered by the sandbox's faults; the
	// server's message is its own.
	for _, code := range []int{400, 401, 403, 404, 409, 413, 429, 500, 502, 503, 504} {
		spec := fmt.Sprintf("POST /v2/images=%d", code)
		want := 3
		if code >= 502 {
			want = 4
		}
		cases = append(cases, walkCase{name: fmt.Sprintf("HTTP %d", code), args: []string{"--yes", "--name", "demo"},
			env: []string{"IMS_WIZARD_SANDBOX_FAIL=" + spec}, allowed: sandboxMessages(code, spec), code: want})
	}

	// Answers only a broken or hostile server gives.
	redirect := httptest.NewServer(http.RedirectHandler("https://elsewhere.example/v2/images", http.StatusFound))
	defer redirect.Close()
	emptyBody := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusCreated) }))
	defer emptyBody.Close()
	untrusted := httptest.NewTLSServer(http.NotFoundHandler())
	defer untrusted.Close()
	plain := httptest.NewServer(http.NotFoundHandler())
	defer plain.Close()
	cases = append(cases,
		walkCase{name: "redirect", args: []string{"--yes", "--name", "demo", "--endpoint", redirect.URL}, code: 3},
		walkCase{name: "success without a body", args: []string{"--yes", "--name", "demo", "--endpoint", emptyBody.URL}, code: 4},
		walkCase{name: "untrusted certificate", args: []string{"--yes", "--name", "demo", "--endpoint", untrusted.URL}, code: 4},
		walkCase{name: "plain http on https", args: []string{"--yes", "--name", "demo", "--endpoint", strings.Replace(plain.URL, "http:", "https:", 1)}, code: 4},
	)

	// What the command says when the wizard ends (the wizard's own screens
	// are walked in ui).
	img, _ := client.ParseImage([]byte(`{"id": "11111111-2222-3333-4444-555555555555", "name": "demo", "status": "queued"}`))
	created := &client.Result{Image: img, StatusCode: 201}
	found := &client.Result{Image: img}
	apiErr := &client.APIError{Method: "POST", URL: "http://127.0.0.1:9/v2/images", StatusCode: 503, Meaning: client.StatusText(503),
		Advice: client.NewMsg("explain.hint.5xx")}
	wizard := func(res *client.Result, err error) inProcess {
		return inProcess{tty: true, wizard: func(context.Context, ui.Options) (*client.Result, error) { return res, err }}
	}
	cases = append(cases,
		walkCase{name: "wizard created", in: wizard(created, nil)},
		walkCase{name: "wizard found", in: wizard(found, nil)},
		walkCase{name: "wizard interrupted", in: wizard(nil, ui.ErrInterrupted), code: 130},
		walkCase{name: "wizard submit failed", in: wizard(nil, &ui.SubmitError{Request: client.Request{Name: "demo"}, Err: apiErr}), code: 4},
		walkCase{name: "wizard upload failed", in: wizard(created, &ui.UploadFailedError{ImageID: img.ID, Path: "/tmp/disk.raw",
			Err: &client.UploadError{Reason: client.RefusedChecksum, Msg: client.NewMsg("explain.upload.checksum",
				map[string]any{"ID": img.ID, "Checksum": "aa", "MD5": "bb"}), Advice: client.NewMsg("explain.upload.checksum_hint")}}),
			allowed: []string{"aa", "bb"}, code: 3},
		walkCase{name: "wizard crashed", in: wizard(nil, &ui.CrashError{Value: "boom", Draft: "/tmp/draft.json"}), allowed: []string{"boom"}, code: 1},
		walkCase{name: "wizard debug", args: []string{"--debug"}, in: wizard(nil, ui.ErrInterrupted), code: 130},
	)

	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) { walkOne(t, tc, common) })
	}
}

// walkOne runs a case of the walk in the pseudo-locale and fails on any
// unmarked human text in its output, or on an exit code other than the
// case's.
func walkOne(t *testing.T, tc walkCase, common []string) {
	t.Helper()
	args := append([]string{"--lang", "qps"}, tc.args...)
	var r run
	switch {
	case tc.serve:
		r = serveUntilListening(t, cleanEnv(t, tc.env...), args...)
	case tc.interruptWhen != nil:
		ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second) // as runInProcess's
		ended, reached := make(chan struct{}), make(chan bool, 1)
		go func() {
			defer cancel()
			select {
			case <-tc.interruptWhen:
				reached <- true
			case <-ended: // it ended by itself: the test fails below
				reached <- false
			}
		}()
		in := tc.in
		in.ctx = ctx
		r = runInProcessWith(t, in, cleanEnv(t, tc.env...), args...)
		close(ended)
		if !<-reached {
			t.Errorf("ended before the point to interrupt it")
		}
	default:
		r = runInProcessWith(t, tc.in, cleanEnv(t, tc.env...), args...)
	}
	if tc.code >= 0 && r.code != tc.code {
		t.Errorf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", r.code, tc.code, r.stdout, r.stderr)
	}
	allowed := append(append([]string(nil), common...), tc.allowed...)
	allowed = append(allowed, commandLines(r.stdout+"\n"+r.stderr)...)
	streams := map[string]string{"stderr": r.stderr, "stdout": r.stdout}
	if tc.serverStdout {
		delete(streams, "stdout")
		allowed = append(allowed, jsonWords(t, r.stdout)...)
	} else {
		allowed = append(allowed, summaryWords(r.stdout)...)
	}
	if tc.name == "wizard crashed" {
		streams["stderr"], _, _ = strings.Cut(r.stderr, "goroutine ") // the stack trace is Go's
	}
	for name, text := range streams {
		for _, w := range l10ntest.Unmarked(text, allowed...) {
			t.Errorf("%s of %q: unmarked text %s", name, tc.args, w)
		}
	}
	if t.Failed() {
		t.Logf("stdout:\n%s\nstderr:\n%s", r.stdout, r.stderr)
	}
}

// serveUntilListening runs a command that serves until interrupted, and
// interrupts it once its stdout says where it listens.
func serveUntilListening(t *testing.T, env []string, args ...string) run {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	stdout := &syncBuffer{}
	done := make(chan run, 1)
	go func() { done <- runInProcessWith(t, inProcess{ctx: ctx, stdout: stdout}, env, args...) }()
	deadline := time.Now().Add(30 * time.Second)
	for !strings.Contains(stdout.String(), "http://") {
		select {
		case r := <-done:
			t.Fatalf("ended before listening: %+v", r)
		case <-time.After(10 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("not listening after 30s: %q", stdout.String())
		}
	}
	cancel()
	return <-done
}

// The upload's paths, `ims-wizard upload` and `ims-wizard --file` (which
// share cmd/uploadout): its help and usage errors, a success in text and
// json with the lines drawn on a terminal, the refusals before anything is
// sent, the server's answers, an interrupt while sending and one while
// waiting. The sandbox (in-process, or served here to see a request
// arrive) wherever it can give the outcome; a fake server for the outcomes
// it does not give (an image that stays saving, a failed store, a wrong
// checksum, a killed image).
func TestPseudoLocaleUpload(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	state := filepath.Join(dir, "state")
	common := walkCommon(state)
	env := []string{"IMS_WIZARD_SANDBOX_DIR=" + state}
	queued := func(diskFormat string) string {
		r := runInProcess(t, cleanEnv(t, env...), "--yes", "--name", "demo", "--disk-format", diskFormat, "-o", "json")
		if r.code != 0 {
			t.Fatalf("create: exit %d\n%s", r.code, r.stderr)
		}
		return decode(t, r.stdout)["id"].(string)
	}
	raw, _ := clienttest.RandomFile(t, dir, "disk.raw", 1<<20)
	qcow2 := qcow2File(t)
	active := queued("raw")
	if r := runInProcess(t, cleanEnv(t, env...), "upload", active, raw); r.code != 0 {
		t.Fatalf("upload: exit %d\n%s", r.code, r.stderr)
	}
	tty := inProcess{tty: true} // the progress, the status and the json warning are drawn on a terminal only
	noSuchImage := "00000000-0000-0000-0000-000000000000"

	// An upload held by the sandbox (PUT …/file=timeout): interrupted once
	// the sandbox has the request.
	held, arrived := &notifyingLog{word: "fault"}, make(chan struct{})
	held.once = func() { close(arrived) }
	holding := sandbox.New(sandbox.Options{Log: held, Faults: []sandbox.Fault{parseFault(t, "PUT /v2/images/*/file=timeout")}})
	holdingSrv := httptest.NewServer(holding)
	t.Cleanup(holdingSrv.Close)
	t.Cleanup(func() { holding.Close() }) // first: it lets the held request go
	r := runInProcess(t, cleanEnv(t), "--yes", "--name", "demo", "--disk-format", "raw", "-o", "json", "--endpoint", holdingSrv.URL)
	if r.code != 0 {
		t.Fatalf("create on the holding sandbox: exit %d\n%s", r.code, r.stderr)
	}
	heldImage := decode(t, r.stdout)["id"].(string)

	// An image that stays saving once its file is sent: interrupted while
	// the command waits for it (its first GET after the PUT).
	waiting := make(chan struct{})
	waitSrv := httptest.NewServer(&waitWatcher{slow: &slowIMS{state: "queued"}, waiting: waiting})
	t.Cleanup(waitSrv.Close)
	saving := func() string {
		srv := httptest.NewServer(&slowIMS{state: "queued"})
		t.Cleanup(srv.Close)
		return srv.URL
	}
	failing := httptest.NewServer(&slowIMS{failed: true, state: "queued"})
	t.Cleanup(failing.Close)
	fakes := []string{"slow", "fake", "the store failed"}
	sandbox404 := []string{fmt.Sprintf("image %q not found", noSuchImage)}

	cases := []walkCase{
		{name: "help", args: []string{"upload", "--help"}},
		{name: "help command", args: []string{"help", "upload"}},
		{name: "no arguments", args: []string{"upload"}, code: 2},
		{name: "one argument", args: []string{"upload", "x"}, code: 2},
		{name: "empty argument", args: []string{"upload", "", "x"}, code: 2},
		{name: "bad output", args: []string{"upload", "x", "y", "-o", "yaml"}, allowed: []string{"yaml"}, code: 2},
		{name: "negative wait", args: []string{"upload", "x", "y", "--wait", "-1s"}, code: 2},

		{name: "text", args: []string{"upload", queued("raw"), raw}, env: env, in: tty},
		{name: "json", args: []string{"upload", queued("raw"), raw, "-o", "json"}, env: env, in: tty, serverStdout: true},
		{name: "not a terminal", args: []string{"upload", queued("raw"), raw}, env: env},
		{name: "forced", args: []string{"upload", queued("raw"), qcow2, "--force"}, env: env, in: tty},
		{name: "zvhd2 unchecked", args: []string{"upload", queued("zvhd2"), raw}, env: env, in: tty, allowed: []string{"qemu-img-hw", "z1strm"}},
		{name: "create with a file", args: []string{"--yes", "--name", "demo", "--file", qcow2}, env: env, in: tty},
		{name: "create with a file json", args: []string{"--yes", "--name", "demo", "--file", qcow2, "-o", "json"}, env: env, in: tty, serverStdout: true},

		{name: "missing file", args: []string{"upload", queued("raw"), filepath.Join(dir, "none.raw")}, env: env, code: 2},
		{name: "directory", args: []string{"upload", queued("raw"), dir}, env: env, code: 2},
		{name: "not queued", args: []string{"upload", active, raw}, env: env, code: 2},
		{name: "format mismatch", args: []string{"upload", queued("raw"), qcow2}, env: env, code: 2},
		{name: "no such image in the sandbox", args: []string{"upload", noSuchImage, raw}, env: env, allowed: sandbox404, code: 3},

		{name: "not verified", args: []string{"upload", "img-1", raw, "--endpoint", saving(), "--wait", "0"}, in: tty, allowed: fakes},
		{name: "not verified json", args: []string{"upload", "img-1", raw, "--endpoint", saving(), "--wait", "0", "-o", "json"}, in: tty,
			allowed: fakes, serverStdout: true},
		{name: "wait runs out", args: []string{"upload", "img-1", raw, "--endpoint", saving(), "--wait", "10ms"}, in: tty, allowed: fakes, code: 4},
		{name: "store failed", args: []string{"upload", "img-1", raw, "--endpoint", failing.URL}, in: tty, allowed: fakes, code: 3},
		{name: "checksum mismatch", args: []string{"upload", "img-1", raw, "--endpoint", newFake(t, "badsum")}, in: tty, allowed: fakes, code: 3},
		{name: "killed", args: []string{"upload", "img-1", raw, "--endpoint", newFake(t, "killed")}, in: tty, allowed: fakes, code: 3},

		{name: "interrupted", args: []string{"upload", heldImage, raw, "--endpoint", holdingSrv.URL}, in: tty, interruptWhen: arrived, code: 130},
		{name: "stopped waiting", args: []string{"upload", "img-1", raw, "--endpoint", waitSrv.URL}, in: tty, allowed: fakes, interruptWhen: waiting, code: 130},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) { walkOne(t, tc, common) })
	}
}

// notifyingLog is a sandbox's log that calls once the first time a line
// holds word (a request it answers with a fault has arrived).
type notifyingLog struct {
	word string
	once func()
	mu   sync.Mutex
	done bool
}

func (l *notifyingLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if !l.done && strings.Contains(string(p), l.word) {
		l.done = true
		l.once()
	}
	return len(p), nil
}

// waitWatcher is a slowIMS (saving for ever once sent) that closes
// waiting at the first GET after the file was sent: the command is then
// waiting for the image to become active.
type waitWatcher struct {
	slow    *slowIMS
	waiting chan struct{}
	once    sync.Once
}

func (w *waitWatcher) ServeHTTP(rw http.ResponseWriter, r *http.Request) {
	w.slow.mu.Lock()
	sent := w.slow.state == "saving"
	w.slow.mu.Unlock()
	if r.Method == http.MethodGet && sent {
		w.once.Do(func() { close(w.waiting) })
	}
	w.slow.ServeHTTP(rw, r)
}

func parseFault(t *testing.T, spec string) sandbox.Fault {
	t.Helper()
	f, err := sandbox.ParseFault(spec)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// commandLines are the lines of text that are commands for the user to
// run (and a curl command's options), which are values as they are.
func commandLines(text string) []string {
	var out []string
	for _, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		for _, start := range []string{"ims-wizard ", "curl ", "openstack ", "-H ", "--data-binary "} {
			if strings.HasPrefix(line, start) {
				out = append(out, line)
			}
		}
	}
	return out
}

// catalogueWords are the values of the embedded OS catalogue (platforms,
// types, versions, evidence): values, listed as they are.
func catalogueWords() []string {
	var out []string
	cat := client.EmbeddedCatalog()
	for _, v := range cat.Versions {
		out = append(out, v.Platform, v.Type, v.Version, v.Evidence)
	}
	return out
}

// sandboxMessages is what the sandbox answers for a fault with code: its
// own words, as IMS's would be.
func sandboxMessages(code int, spec string) []string {
	injected := fmt.Sprintf("(fault injected by ims-wizard sandbox --fail %q)", spec)
	return []string{http.StatusText(code) + " " + injected,
		"Incorrect IAM authentication information: verify the credentials " + injected,
		"The throttling threshold has been reached: policy user over ratelimit, limit:1, time:1 second " + injected}
}

// jsonWords are the keys and values of the JSON documents in s (a server's
// answer printed as it is), so that they count as values.
func jsonWords(t *testing.T, s string) []string {
	t.Helper()
	var out []string
	dec := json.NewDecoder(strings.NewReader(s))
	for {
		var v any
		if err := dec.Decode(&v); err != nil {
			if !errors.Is(err, context.Canceled) && strings.TrimSpace(s) != "" && err.Error() != "EOF" {
				t.Fatalf("stdout is not JSON: %v\n%s", err, s)
			}
			return out
		}
		out = append(out, jsonValues(v)...)
	}
}

func jsonValues(v any) []string {
	var out []string
	switch v := v.(type) {
	case map[string]any:
		for k, x := range v {
			out = append(out, k)
			out = append(out, jsonValues(x)...)
		}
	case []any:
		for _, x := range v {
			out = append(out, jsonValues(x)...)
		}
	case string:
		out = append(out, v)
	}
	return out
}

// summaryWords are the fields of a created image's summary: "  key  value"
// lines whose key is an API field name (the server's fields, printed as
// they are).
func summaryWords(stdout string) []string {
	var out []string
	for _, line := range strings.Split(stdout, "\n") {
		key, value, ok := strings.Cut(strings.TrimSpace(line), "  ")
		if ok && strings.HasPrefix(line, "  ") && apiKey.MatchString(key) {
			out = append(out, key, strings.TrimSpace(value))
		}
	}
	return out
}

var apiKey = regexp.MustCompile(`^[a-z_][a-z0-9_]*$`)
