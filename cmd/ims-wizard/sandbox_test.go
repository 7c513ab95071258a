package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/ims-wizard/ims-wizard/client/clienttest"
	"github.com/ims-wizard/ims-wizard/client/sandbox"
)

// envWith is cleanEnv with the sandbox's state in dir.
func envWith(t *testing.T, dir string, extra ...string) []string {
	return cleanEnv(t, append([]string{"IMS_WIZARD_SANDBOX_DIR=" + dir}, extra...)...)
}

// runPrinted runs a command line the program printed, as a user pastes it
// into a shell: `ims-wizard` is the binary under test, found on PATH.
func runPrinted(t *testing.T, env []string, line string) run {
	t.Helper()
	if !strings.HasPrefix(line, "ims-wizard ") {
		t.Fatalf("printed command %q does not start with ims-wizard", line)
	}
	path := filepath.Dir(binary) + string(os.PathListSeparator) + os.Getenv("PATH")
	env = append(env, "PATH="+path)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, "bash", "-c", line)
	cmd.Env = env
	cmd.Dir = t.TempDir()
	var out, errOut strings.Builder
	cmd.Stdout, cmd.Stderr, cmd.Stdin = &out, &errOut, strings.NewReader("")
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("bash -c %q: %v", line, err)
	}
	return run{out.String(), errOut.String(), code}
}

// lineAfter is the first line after the one containing marker, trimmed.
func lineAfter(t *testing.T, text, marker string) string {
	t.Helper()
	lines := strings.Split(text, "\n")
	for i, l := range lines {
		if strings.Contains(l, marker) && i+1 < len(lines) {
			return strings.TrimSpace(lines[i+1])
		}
	}
	t.Fatalf("no line after %q in:\n%s", marker, text)
	return ""
}

func imageFile(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "disk.raw")
	if err := os.WriteFile(path, []byte(strings.Repeat("disk bytes ", 1000)), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// sandboxProcess is a running `ims-wizard sandbox`.
type sandboxProcess struct {
	cmd    *exec.Cmd
	url    string
	banner string
	stderr *lockedLog
	once   sync.Once
}

// stop sends sig and waits for the process to end (killing it after 10 s).
func (p *sandboxProcess) stop(sig os.Signal) {
	p.once.Do(func() {
		p.cmd.Process.Signal(sig)
		done := make(chan struct{})
		go func() { p.cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			p.cmd.Process.Kill()
			<-done
		}
	})
}

type lockedLog struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *lockedLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedLog) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// startSandbox runs `ims-wizard sandbox --addr 127.0.0.1:0 args…` and waits
// for its banner; it is stopped (SIGINT) at the end of the test.
func startSandbox(t *testing.T, env []string, args ...string) *sandboxProcess {
	t.Helper()
	cmd := exec.Command(binary, append([]string{"sandbox", "--addr", "127.0.0.1:0"}, args...)...)
	cmd.Env = env
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	p := &sandboxProcess{cmd: cmd, stderr: &lockedLog{}}
	cmd.Stderr = p.stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.stop(os.Interrupt) })
	lines := make(chan string)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	timeout := time.After(20 * time.Second)
	var banner []string
	for p.url == "" || !strings.HasPrefix(banner[len(banner)-1], "State:") {
		select {
		case l, ok := <-lines:
			if !ok {
				t.Fatalf("ims-wizard sandbox ended before its banner: %v\nstderr: %s", banner, p.stderr)
			}
			banner = append(banner, l)
			if m := regexp.MustCompile(`listening on (http://\S+)`).FindStringSubmatch(l); m != nil {
				p.url = m[1]
			}
		case <-timeout:
			t.Fatalf("no banner from ims-wizard sandbox: %v\nstderr: %s", banner, p.stderr)
		}
	}
	go func() {
		for range lines { // keep draining stdout
		}
	}()
	p.banner = strings.Join(banner, "\n")
	return p
}

// Every "Next:" line runs as printed, against the same target: the sandbox
// whichever way it was chosen, another state directory, an endpoint.
func TestNextLineRunsAsPrinted(t *testing.T) {
	t.Parallel()
	file := imageFile(t)
	served := startSandbox(t, envWith(t, t.TempDir()))
	tests := []struct {
		name string
		env  []string
		args []string
	}{
		{"sandbox by default", envWith(t, t.TempDir()), nil},
		{"--sandbox", envWith(t, t.TempDir()), []string{"--sandbox"}},
		{"--sandbox-dir", cleanEnv(t), []string{"--sandbox-dir", filepath.Join(t.TempDir(), "a dir")}},
		{"--endpoint", cleanEnv(t), []string{"--endpoint", served.url}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := runCLI(t, tt.env, append([]string{"--yes", "--name", "next " + tt.name}, tt.args...)...)
			if r.code != 0 {
				t.Fatalf("create: %d %s", r.code, r.stderr)
			}
			next := lineAfter(t, r.stdout, "Next: upload the image file")
			if !strings.Contains(next, " FILE") {
				t.Fatalf("Next line %q has no FILE placeholder", next)
			}
			up := runPrinted(t, tt.env, strings.Replace(next, "FILE", file, 1))
			if up.code != 0 || !strings.Contains(up.stdout, "active") || !strings.Contains(up.stdout, "verified") {
				t.Fatalf("%s\n= %d\n%s\n%s", next, up.code, up.stdout, up.stderr)
			}
		})
	}
}

// An id that means something to a shell is quoted in the printed command,
// which still runs as printed.
func TestNextLineQuotesTheID(t *testing.T) {
	t.Parallel()
	const id = "it's; touch pwned"
	srv := httptest.NewServer(sandbox.New(sandbox.Options{NewID: func() string { return id }}))
	defer srv.Close()
	env := cleanEnv(t)
	r := runCLI(t, env, "--yes", "--name", "quoted", "--endpoint", srv.URL)
	next := lineAfter(t, r.stdout, "Next: upload the image file")
	if !strings.Contains(next, `'it'\''s; touch pwned'`) {
		t.Fatalf("the id is not quoted: %s", next)
	}
	up := runPrinted(t, env, strings.Replace(next, "FILE", imageFile(t), 1))
	if up.code != 0 || !strings.Contains(up.stdout, "active") {
		t.Fatalf("%s\n= %d %s %s", next, up.code, up.stdout, up.stderr)
	}
}

// After an unknown outcome, the printed look-up runs and finds the image:
// the curl of an endpoint, or `ims-wizard sandbox list` for the built-in
// sandbox (whose URL of that run is gone).
func TestLookupHintRunsAsPrinted(t *testing.T) {
	t.Parallel()
	t.Run("built-in sandbox", func(t *testing.T) {
		env := envWith(t, t.TempDir(), "IMS_WIZARD_SANDBOX_FAIL=POST /v2/images=created-then-reset*1")
		r := runCLI(t, env, "--yes", "--name", "lost one")
		if r.code != 4 {
			t.Fatalf("exit %d, want 4: %s", r.code, r.stderr)
		}
		lookup := lineAfter(t, r.stderr, "Look it up before creating it again")
		if !strings.HasPrefix(lookup, "ims-wizard sandbox list") {
			t.Fatalf("look-up = %q", lookup)
		}
		found := runPrinted(t, env, lookup)
		if found.code != 0 || !strings.Contains(found.stdout, "lost one") || !strings.Contains(found.stdout, "queued") {
			t.Fatalf("%s = %d\n%s\n%s", lookup, found.code, found.stdout, found.stderr)
		}
	})
	t.Run("endpoint", func(t *testing.T) {
		if _, err := exec.LookPath("curl"); err != nil {
			t.Skip("curl is not installed (.ci/glance install installs it)")
		}
		served := startSandbox(t, envWith(t, t.TempDir()), "--fail", "POST /v2/images=created-then-reset*1")
		env := cleanEnv(t)
		r := runCLI(t, env, "--yes", "--name", "lost two", "--endpoint", served.url)
		if r.code != 4 {
			t.Fatalf("exit %d, want 4: %s", r.code, r.stderr)
		}
		lookup := lineAfter(t, r.stderr, "Look it up before creating it again")
		out, err := exec.Command("bash", "-c", lookup).Output()
		if err != nil || !strings.Contains(string(out), `"name":"lost two"`) {
			t.Fatalf("%s: %v\n%s", lookup, err, out)
		}
	})
}

// The upload's hint for an id the sandbox does not have runs as printed.
func TestUploadUnknownIDHintRuns(t *testing.T) {
	t.Parallel()
	env := envWith(t, t.TempDir())
	runCLI(t, env, "--yes", "--name", "exists")
	r := runCLI(t, env, "upload", "no-such-id", imageFile(t), "--sandbox")
	if r.code != 3 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	m := regexp.MustCompile(`list the ones it has with: (ims-wizard .*)`).FindStringSubmatch(r.stderr)
	if m == nil {
		t.Fatalf("no hint in %s", r.stderr)
	}
	listed := runPrinted(t, env, m[1])
	if listed.code != 0 || !strings.Contains(listed.stdout, "exists") {
		t.Fatalf("%s = %d %s %s", m[1], listed.code, listed.stdout, listed.stderr)
	}
}

// What the commands' in-process sandboxes create, a running `ims-wizard
// sandbox` on the same state serves at once; processes creating at the
// same time lose nothing.
func TestSandboxProcessesShareTheState(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	served := startSandbox(t, envWith(t, dir))
	const n = 6
	var wg sync.WaitGroup
	results := make([]run, n)
	for i := range n {
		wg.Go(func() { results[i] = runCLI(t, envWith(t, dir), "--yes", "--name", "crowd", "-o", "json") })
	}
	wg.Wait()
	ids := map[string]bool{}
	for _, r := range results {
		if r.code != 0 {
			t.Fatalf("create: %d %s", r.code, r.stderr)
		}
		ids[decode(t, r.stdout)["id"].(string)] = true
	}
	resp, err := http.Get(served.url + "/v2/images?name=crowd")
	if err != nil {
		t.Fatal(err)
	}
	var page struct{ Images []struct{ ID string } }
	json.NewDecoder(resp.Body).Decode(&page)
	resp.Body.Close()
	for _, img := range page.Images {
		delete(ids, img.ID)
	}
	if len(page.Images) != n || len(ids) != 0 {
		t.Errorf("the server lists %d images, missing %v", len(page.Images), ids)
	}
	// And the server's images are the next command's.
	r := runCLI(t, envWith(t, dir), "sandbox", "list", "--name", "crowd")
	if strings.Count(r.stdout, "crowd") != n {
		t.Errorf("sandbox list:\n%s", r.stdout)
	}
}

func TestSandboxSaysWhereItsStateIsAndResets(t *testing.T) {
	t.Parallel()
	state := t.TempDir()
	env := cleanEnv(t, "XDG_STATE_HOME="+state)
	// cleanEnv's IMS_WIZARD_SANDBOX_DIR would win: this test is about the default.
	for i, kv := range env {
		if strings.HasPrefix(kv, "IMS_WIZARD_SANDBOX_DIR=") {
			env[i] = "IMS_WIZARD_SANDBOX_DIR="
		}
	}
	want := filepath.Join(state, "ims-wizard", "sandbox")
	created := runCLI(t, env, "--yes", "--name", "where")
	if created.code != 0 || !strings.Contains(created.stderr, "Sandbox images persist in "+want) {
		t.Fatalf("create: %d %s", created.code, created.stderr)
	}
	served := startSandbox(t, env)
	if !strings.Contains(served.banner, "State: "+want+" (1 image;") {
		t.Errorf("banner:\n%s", served.banner)
	}
	// The notice's command empties it, as printed.
	m := regexp.MustCompile(`empty it with: (ims-wizard [^)]*)\)`).FindStringSubmatch(created.stderr)
	if m == nil {
		t.Fatalf("no reset command in %s", created.stderr)
	}
	reset := runPrinted(t, env, m[1])
	if reset.code != 0 || !strings.Contains(reset.stdout, "Removed 1 image from the sandbox state in "+want) {
		t.Fatalf("reset: %d %s %s", reset.code, reset.stdout, reset.stderr)
	}
	if r, _ := http.Get(served.url + "/v2/images"); r != nil {
		var page struct{ Images []any }
		json.NewDecoder(r.Body).Decode(&page)
		r.Body.Close()
		if len(page.Images) != 0 {
			t.Errorf("the running sandbox still lists %d images after reset", len(page.Images))
		}
	}
	again := runCLI(t, env, "sandbox", "reset")
	if !strings.Contains(again.stdout, "Removed 0 images") {
		t.Errorf("second reset: %s", again.stdout)
	}
}

// Issue 8, item 17: no authentication, so no listening beyond loopback
// without --allow-remote. Nothing listens in this test: the refusal comes
// before.
func TestSandboxRefusesToListenBeyondLoopback(t *testing.T) {
	t.Parallel()
	for _, addr := range []string{"0.0.0.0:0", ":0", "[::]:0"} {
		r := runCLI(t, envWith(t, t.TempDir()), "sandbox", "--addr", addr)
		if r.code != 2 || !strings.Contains(r.stderr, "no authentication") || !strings.Contains(r.stderr, "--allow-remote") {
			t.Errorf("--addr %s: %d %s", addr, r.code, r.stderr)
		}
	}
	served := startSandbox(t, envWith(t, t.TempDir()), "--allow-remote")
	if strings.Contains(served.stderr.String(), "warning") {
		t.Errorf("a loopback address warns: %s", served.stderr)
	}
}

func TestSandboxRefusesConnectionFlags(t *testing.T) {
	t.Parallel()
	help := runCLI(t, cleanEnv(t), "sandbox", "--help")
	for _, hidden := range []string{"--endpoint", "--region", "--sandbox ", "--cacert"} {
		if strings.Contains(help.stdout, hidden) {
			t.Errorf("sandbox --help shows %s:\n%s", hidden, help.stdout)
		}
	}
	if !strings.Contains(help.stdout, "--sandbox-dir") || !strings.Contains(help.stdout, "--fail") {
		t.Errorf("sandbox --help:\n%s", help.stdout)
	}
	for _, args := range [][]string{{"sandbox", "--region", "cn-north-4"}, {"sandbox", "--endpoint", "http://x"}, {"sandbox", "reset", "--sandbox"}} {
		if r := runCLI(t, envWith(t, t.TempDir()), args...); r.code != 2 || !strings.Contains(r.stderr, "does not apply") {
			t.Errorf("%v: %d %s", args, r.code, r.stderr)
		}
	}
	if r := runCLI(t, envWith(t, t.TempDir()), "sandbox", "--fail", "POST /v2/images"); r.code != 2 || !strings.Contains(r.stderr, "PATH=FAULT") {
		t.Errorf("bad --fail: %d %s", r.code, r.stderr)
	}
	// The root still shows them.
	if root := runCLI(t, cleanEnv(t), "--help"); !strings.Contains(root.stdout, "--endpoint") {
		t.Errorf("root --help lost --endpoint")
	}
}

// A sandbox killed in the middle of an upload leaves no image saving for
// ever: the next reader finds it queued.
func TestKilledSandboxLeavesNoImageSaving(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	env := envWith(t, dir)
	served := startSandbox(t, env)
	r := runCLI(t, env, "--yes", "--name", "killed", "-o", "json")
	id := decode(t, r.stdout)["id"].(string)

	conn, err := net.Dial("tcp", strings.TrimPrefix(served.url, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "PUT /v2/images/%s/file HTTP/1.1\r\nHost: s\r\nContent-Type: application/octet-stream\r\nContent-Length: 1000000\r\n\r\nsome", id)
	status := func() string {
		t.Helper()
		out := runCLI(t, env, "sandbox", "list", "--name", "killed", "-o", "json")
		var rows []struct{ Status string }
		if err := json.Unmarshal([]byte(out.stdout), &rows); err != nil || len(rows) != 1 {
			t.Fatalf("sandbox list: %v %s %s", err, out.stdout, out.stderr)
		}
		return rows[0].Status
	}
	deadline := time.Now().Add(10 * time.Second)
	for status() != "saving" {
		if time.Now().After(deadline) {
			t.Fatal("the upload never made the image saving")
		}
		time.Sleep(20 * time.Millisecond)
	}
	served.stop(syscall.SIGKILL)
	if got := status(); got != "queued" {
		t.Errorf("after the sandbox died mid-upload the image is %s, want queued", got)
	}
	_, _ = io.Copy(io.Discard, conn)
}

// A damaged state is moved aside and said by the command that finds it.
func TestDamagedStateIsSaid(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "state")
	env := envWith(t, dir)
	runCLI(t, env, "--yes", "--name", "before")
	os.WriteFile(filepath.Join(dir, "FORMAT"), []byte("garbage"), 0o600)
	r := runCLI(t, env, "--yes", "--name", "after")
	if r.code != 0 || !strings.Contains(r.stderr, "is damaged") || !strings.Contains(r.stderr, "moved to "+dir+".set-aside-") {
		t.Errorf("%d %s", r.code, r.stderr)
	}
}

// After `make build && bin/ims-wizard` the program is not on PATH: the
// commands it prints start with bin/ims-wizard, as it was started, and run
// as printed from the same directory ("ims-wizard upload …" was "command
// not found").
func TestPrintedCommandsUseTheProgramAsStarted(t *testing.T) {
	t.Parallel()
	work := t.TempDir()
	if err := os.Mkdir(filepath.Join(work, "bin"), 0o755); err != nil {
		t.Fatal(err)
	}
	exe, err := os.ReadFile(binary)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(work, "bin", "ims-wizard"), exe, 0o755); err != nil {
		t.Fatal(err)
	}
	var env []string
	for _, kv := range cleanEnv(t) {
		if !strings.HasPrefix(kv, "PATH=") {
			env = append(env, kv)
		}
	}
	env = append(env, "PATH=/usr/bin:/bin") // ims-wizard is not installed
	file, _ := clienttest.RandomFile(t, t.TempDir(), "disk.raw", 1<<16)
	sh := func(line string) run {
		cmd := exec.Command("bash", "-c", line)
		cmd.Env, cmd.Dir = env, work
		var out, errOut strings.Builder
		cmd.Stdout, cmd.Stderr = &out, &errOut
		err := cmd.Run()
		code := 0
		if ee, ok := err.(*exec.ExitError); ok {
			code = ee.ExitCode()
		} else if err != nil {
			t.Fatal(err)
		}
		return run{out.String(), errOut.String(), code}
	}
	r := sh("bin/ims-wizard --yes --name as-started")
	if r.code != 0 {
		t.Fatalf("create: %d\n%s", r.code, r.stderr)
	}
	next := lineAfter(t, r.stdout, "Next: upload the image file")
	if !strings.HasPrefix(next, "bin/ims-wizard upload ") {
		t.Fatalf("Next line %q does not start with bin/ims-wizard", next)
	}
	if !strings.Contains(r.stderr, "bin/ims-wizard sandbox reset") {
		t.Errorf("the sandbox notice does not name bin/ims-wizard:\n%s", r.stderr)
	}
	if up := sh(strings.Replace(next, "FILE", file, 1)); up.code != 0 || !strings.Contains(up.stdout, "active") {
		t.Fatalf("%s\n= %d\n%s\n%s", next, up.code, up.stdout, up.stderr)
	}
}

// A dry run on the built-in sandbox prints a curl for 127.0.0.1:9292 and
// the command that serves the sandbox there: both run as printed, and the
// image lands in the state the dry run named. (Before, nothing said the
// curl needs `ims-wizard sandbox` running: it failed with curl's exit 7.)
func TestDryRunCurlRunsAgainstTheServedSandbox(t *testing.T) {
	t.Parallel()
	if _, err := exec.LookPath("curl"); err != nil {
		t.Skip("curl is not installed")
	}
	state := filepath.Join(t.TempDir(), "state")
	env := cleanEnv(t)
	r := runCLI(t, env, "--yes", "--name", "dry-curl", "--dry-run", "--sandbox-dir", state)
	_, rest, ok := strings.Cut(r.stdout, "Equivalent curl:\n\n")
	curl, serve, ok2 := strings.Cut(rest, "\n\nThe built-in sandbox answers it while it is served; start it in another terminal with:\n")
	if r.code != 0 || !ok || !ok2 {
		t.Fatalf("dry run: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	serve = strings.TrimSpace(serve)
	if want := "ims-wizard sandbox --sandbox-dir " + state; serve != want {
		t.Fatalf("serve command %q, want %q", serve, want)
	}
	ctx, cancel := context.WithCancel(context.Background())
	server := exec.CommandContext(ctx, "bash", "-c", "exec "+serve)
	server.Env = env
	server.Cancel = func() error { return server.Process.Signal(os.Interrupt) }
	var log syncBuffer
	server.Stdout, server.Stderr = &log, &log
	if err := server.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan struct{})
	go func() { _ = server.Wait(); close(exited) }()
	t.Cleanup(func() { cancel(); <-exited })
	for deadline := time.Now().Add(15 * time.Second); !strings.Contains(log.String(), "127.0.0.1:9292"); {
		select {
		case <-exited:
			t.Skipf("127.0.0.1:9292 is taken here, so the printed command cannot serve:\n%s", log.String())
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("the sandbox never said it listens:\n%s", log.String())
		}
	}
	out, err := exec.Command("bash", "-c", curl).CombinedOutput()
	if err != nil || !strings.Contains(string(out), `"dry-curl"`) {
		t.Fatalf("the printed curl: %v\n%s", err, out)
	}
	if l := runCLI(t, env, "sandbox", "list", "--name", "dry-curl", "--sandbox-dir", state); !strings.Contains(l.stdout, "dry-curl") {
		t.Errorf("the image is not in the state the dry run named:\n%s%s", l.stdout, l.stderr)
	}
}
