package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/ims-wizard/ims-wizard/client"
	"github.com/ims-wizard/ims-wizard/client/sandbox"
)

// pane is the real binary on a real pseudo-terminal: a tmux session of
// its own (its own server socket), killed when the test ends.
type pane struct {
	t      *testing.T
	socket string
}

// newPane runs script (a shell command line) in a w×h tmux pane. The
// script should end with "; echo EXIT=$?; sleep 60" so that the exit code
// can be read from the screen.
func newPane(t *testing.T, w, h int, script string) *pane {
	t.Helper()
	if _, err := exec.LookPath("tmux"); err != nil {
		t.Skip("tmux is not installed (make test installs it): skipping the pseudo-terminal test")
	}
	p := &pane{t: t, socket: tmuxSocket(t, "")}
	_ = exec.Command("tmux", "-L", p.socket, "kill-server").Run()
	p.tmux("new-session", "-d", "-x", strconv.Itoa(w), "-y", strconv.Itoa(h), "-s", "main", script)
	t.Cleanup(func() { _ = exec.Command("tmux", "-L", p.socket, "kill-server").Run() })
	return p
}

func (p *pane) tmux(args ...string) string {
	p.t.Helper()
	out, err := exec.Command("tmux", append([]string{"-L", p.socket}, args...)...).CombinedOutput()
	if err != nil {
		p.t.Fatalf("tmux %v: %v\n%s", args, err, out)
	}
	return string(out)
}

// screen is what the pane shows now.
func (p *pane) screen() string { return p.tmux("capture-pane", "-p", "-t", "main") }

// keys sends tmux key names (Enter, C-c, Escape…); text sends literal text.
func (p *pane) keys(keys ...string) { p.tmux(append([]string{"send-keys", "-t", "main"}, keys...)...) }
func (p *pane) text(s string)       { p.tmux("send-keys", "-t", "main", "-l", s) }

// skipImageFile answers the wizard's first question (is the image file
// on this machine?) with No, and waits for the name step.
func (p *pane) skipImageFile() {
	p.t.Helper()
	p.waitFor("Is the image file on this machine?")
	p.keys("Enter")
	p.waitFor("Image name")
}

// waitFor waits until the screen shows what, and returns it.
func (p *pane) waitFor(what string) string {
	p.t.Helper()
	return p.waitUntil(what, func(s string) bool { return strings.Contains(s, what) })
}

func (p *pane) waitUntil(what string, ok func(string) bool) string {
	p.t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		s := p.screen()
		if ok(s) {
			return s
		}
		if time.Now().After(deadline) {
			p.t.Fatalf("never saw %s; screen:\n%s", what, s)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// tmuxSocket is the name of a tmux server of the test's own: the process
// id keeps two runs of the suite on one machine (two engineers, two
// worktrees) from sharing, or killing, each other's server.
func tmuxSocket(t *testing.T, kind string) string {
	return fmt.Sprintf("ims-wizard-%d-%s%s", os.Getpid(), kind, strings.NewReplacer("/", "-", " ", "-").Replace(t.Name()))
}

// enterUntil presses Enter until the screen shows what, one press at a
// time: after each, it waits for the screen to change and then to hold
// still for a capture, so that no press lands on a screen still being
// drawn (a key meant for the review reaching the result). A press that
// changes nothing is repeated after a while.
func (p *pane) enterUntil(what string) string {
	p.t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	s := p.screen()
	for !strings.Contains(s, what) {
		if time.Now().After(deadline) {
			p.t.Fatalf("never saw %s pressing Enter; screen:\n%s", what, s)
		}
		p.keys("Enter")
		s = p.settled(s, time.Now().Add(3*time.Second))
	}
	return s
}

// settled waits until the screen differs from before and two captures in
// a row agree, or until giveUp; it returns the last capture.
func (p *pane) settled(before string, giveUp time.Time) string {
	p.t.Helper()
	last := p.screen()
	for time.Now().Before(giveUp) {
		time.Sleep(30 * time.Millisecond)
		s := p.screen()
		if s != before && s == last {
			return s
		}
		last = s
	}
	return last
}

// paneEnv is the environment a pane's script starts with: only HOME and
// PATH of the test's clean environment, and what is given.
func paneEnv(t *testing.T, extra ...string) string {
	env := []string{}
	for _, kv := range cleanEnv(t) {
		if strings.HasPrefix(kv, "HOME=") || strings.HasPrefix(kv, "PATH=") {
			env = append(env, kv)
		}
	}
	return "env -i " + strings.Join(append(env, extra...), " ")
}

// The newcomer's path on a real pseudo-terminal: start the wizard, type a
// name, press Enter through every default, see the created image, quit.
func TestWizardSmokeInTmux(t *testing.T) {
	t.Parallel()
	p := newPane(t, 100, 30, paneEnv(t, "TERM=xterm-256color", "XDG_STATE_HOME="+t.TempDir())+" "+binary+"; echo EXIT=$?; sleep 60")
	p.skipImageFile()
	if s := p.screen(); !strings.Contains(s, "built-in sandbox") || !strings.Contains(s, "credentials") {
		t.Fatalf("header should say where requests go and as whom:\n%s", s)
	}
	p.text("smoke-test")
	// Enter through every default until the image is created.
	p.enterUntil("Image metadata created")
	s := p.waitFor("queued")
	if !strings.Contains(s, "smoke-test") || !strings.Contains(s, "id ") {
		t.Fatalf("result card lacks the name or id:\n%s", s)
	}
	p.keys("q")
	s = p.waitFor("EXIT=")
	if !strings.Contains(s, "EXIT=0") || !strings.Contains(s, `"smoke-test" (queued)`) {
		t.Fatalf("quit should leave the summary and exit 0:\n%s", s)
	}
	// The image is queued: how to send its file is said, as after --yes.
	if !regexp.MustCompile(`Next: upload the image file \(PUT /v2/images/[0-9a-f-]+/file\):\n\s+ims-wizard upload [0-9a-f-]+ FILE --sandbox`).MatchString(s) {
		t.Errorf("quitting with a queued image does not say how to upload its file:\n%s", s)
	}
}

// startSandboxServer runs `ims-wizard sandbox` on a free loopback port
// with the given flags and returns its URL.
func startSandboxServer(t *testing.T, env []string, flags ...string) string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	cmd := exec.CommandContext(ctx, binary, append([]string{"sandbox", "--addr", "127.0.0.1:0", "--quiet"}, flags...)...)
	cmd.Env = env
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cancel(); _ = cmd.Wait() })
	urls := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			for _, f := range strings.Fields(sc.Text()) {
				if strings.HasPrefix(f, "http://") {
					urls <- f
					return
				}
			}
		}
		close(urls)
	}()
	select {
	case u, ok := <-urls:
		if !ok {
			t.Fatal("the sandbox printed no URL")
		}
		return u
	case <-time.After(15 * time.Second):
		t.Fatal("the sandbox did not start")
	}
	return ""
}

// Accessible mode on a real terminal: Ctrl+C while the create is in flight
// cancels it and returns to the review (what the prompt promises; cmd/root
// routes SIGINT to the wizard), nothing is created, and Cancel there exits
// 130.
func TestAccessibleCtrlCCancelsTheRequestInTmux(t *testing.T) {
	t.Parallel()
	state := t.TempDir()
	env := cleanEnv(t, "XDG_STATE_HOME="+state)
	url := startSandboxServer(t, env, "--delay", "1m")
	name := "a11y-ctrl-c-" + strconv.FormatInt(time.Now().UnixNano()%1e6, 10)
	p := newPane(t, 120, 40, paneEnv(t, "TERM=xterm-256color", "XDG_STATE_HOME="+state)+" "+binary+
		" --accessible --endpoint "+url+" --name "+name+"; echo EXIT=$?; sleep 60")
	p.waitFor("Path of the image file, if it is on this machine (Enter to skip):")
	p.keys("Enter")
	p.waitFor("Step 1 of 6")
	// Enter keeps every value, step by step, up to the review's question.
	p.enterUntil("Send this request?")
	p.keys("Enter") // Submit
	p.waitFor("Press Ctrl+C to cancel.")
	p.keys("C-c")
	s := p.waitFor("Request cancelled; every answer is kept.")
	if strings.Contains(s, "EXIT=") {
		t.Fatalf("Ctrl+C ended the program instead of cancelling the request:\n%s", s)
	}
	p.waitUntil("the review asked again", func(s string) bool {
		return strings.LastIndex(s, "Send this request?") > strings.Index(s, "Request cancelled")
	})
	p.text("3") // Cancel
	p.keys("Enter")
	s = p.waitFor("EXIT=")
	if !strings.Contains(s, "EXIT=130") {
		t.Fatalf("Cancel should exit 130:\n%s", s)
	}
	c, err := client.New(client.Config{Endpoint: url})
	if err != nil {
		t.Fatal(err)
	}
	if imgs, err := c.ListByName(context.Background(), name); err != nil || len(imgs) != 0 {
		t.Errorf("the cancelled request created %d images (%v)", len(imgs), err)
	}
}

// The terminal closes (SIGHUP) while a create is in flight in the wizard:
// handled as SIGTERM, it exits 130, records the create's unknown outcome
// in the draft and leaves the alternate screen. Before: killed by the
// signal (129), nothing in the draft, the terminal raw in the alternate
// screen.
func TestSIGHUPDuringCreateInTheWizard(t *testing.T) {
	t.Parallel()
	posted := make(chan struct{})
	var once sync.Once
	sb := sandbox.New(sandbox.Options{Delay: time.Minute})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost {
			once.Do(func() { close(posted) })
		}
		sb.ServeHTTP(w, r)
	}))
	defer srv.Close()

	state := t.TempDir()
	p := newPane(t, 100, 30, paneEnv(t, "TERM=xterm-256color", "XDG_STATE_HOME="+state)+" "+binary+
		" --endpoint "+srv.URL+"; echo EXIT=$?; sleep 60")
	p.skipImageFile()
	p.text("hup-test")
	// Enter through the defaults until the create is in flight (held by
	// the sandbox's delay).
	deadline := time.Now().Add(30 * time.Second)
	for sent := false; !sent; {
		select {
		case <-posted:
			sent = true
		default:
			if time.Now().After(deadline) {
				t.Fatalf("the create was never sent; screen:\n%s", p.screen())
			}
			before := p.screen()
			p.keys("Enter")
			p.settled(before, time.Now().Add(3*time.Second))
		}
	}
	// The pane's shell runs env, which execs ims-wizard: its only child.
	shell := strings.TrimSpace(p.tmux("display-message", "-p", "-t", "main", "#{pane_pid}"))
	children, err := os.ReadFile("/proc/" + shell + "/task/" + shell + "/children")
	if err != nil || len(strings.Fields(string(children))) != 1 {
		t.Fatalf("cannot find the ims-wizard process under pane %s: %q %v", shell, children, err)
	}
	pid, _ := strconv.Atoi(strings.Fields(string(children))[0])
	if err := syscall.Kill(pid, syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	s := p.waitFor("EXIT=")
	if !strings.Contains(s, "EXIT=130") {
		t.Fatalf("exit code after SIGHUP:\n%s", s)
	}
	if alt := strings.TrimSpace(p.tmux("display-message", "-p", "-t", "main", "#{alternate_on}")); alt != "0" {
		t.Fatalf("the pane is still in the alternate screen (%s):\n%s", alt, s)
	}
	data, err := os.ReadFile(filepath.Join(state, "ims-wizard", "draft.json"))
	if err != nil || !strings.Contains(string(data), `"unknown_outcomes"`) || !strings.Contains(string(data), `"name": "hup-test"`) {
		t.Fatalf("the draft does not record the unknown outcome (%v):\n%s", err, data)
	}
}

// After "create another", quitting lists every image the run made, not
// only the last; the result's "later with:" command, copied off the
// screen as the user would, uploads the file.
func TestCreateAnotherListsEveryImageInTmux(t *testing.T) {
	t.Parallel()
	state := t.TempDir()
	p := newPane(t, 100, 30, paneEnv(t, "TERM=xterm-256color", "XDG_STATE_HOME="+t.TempDir(), "IMS_WIZARD_SANDBOX_DIR="+state)+" "+binary+"; echo EXIT=$?; sleep 60")
	p.skipImageFile()
	p.text("first-of-two")
	untilResult := func() string {
		p.enterUntil("Image metadata created")
		return p.waitFor("later with:")
	}
	s := untilResult()
	// The command, as a mouse copy takes it: the lines under "later with:"
	// up to the blank line, their indent and all.
	var copied []string
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		if strings.Contains(l, "later with:") {
			for _, next := range lines[i+1:] {
				if strings.TrimSpace(next) == "" {
					break
				}
				copied = append(copied, next)
			}
		}
	}
	if len(copied) == 0 {
		t.Fatalf("no command under \"later with:\":\n%s", s)
	}
	p.keys("n")
	p.waitFor("> first-of-two")
	p.keys("C-u")
	p.text("second-of-two")
	untilResult()
	p.keys("q")
	s = p.waitFor("EXIT=")
	if !strings.Contains(s, "EXIT=0") || !strings.Contains(s, `"first-of-two" (queued)`) || !strings.Contains(s, `"second-of-two" (queued)`) {
		t.Fatalf("quitting should list both images and exit 0:\n%s", s)
	}
	command := strings.TrimSpace(strings.Join(copied, "\n"))
	r := runPrinted(t, envWith(t, state), strings.Replace(command, "FILE", imageFile(t), 1))
	if r.code != 0 || !strings.Contains(r.stdout+r.stderr, "active") {
		t.Fatalf("%s\nexit %d\n%s%s", command, r.code, r.stdout, r.stderr)
	}
}

// With a Spanish locale the whole wizard speaks Spanish on a real
// terminal, and so does the line it leaves when it ends.
func TestSpanishWizardInTmux(t *testing.T) {
	t.Parallel()
	p := newPane(t, 100, 30, paneEnv(t, "TERM=xterm-256color", "LANG=es_MX.UTF-8", "XDG_STATE_HOME="+t.TempDir())+" "+binary+"; echo EXIT=$?; sleep 60")
	p.waitFor("¿El archivo de la imagen está en este equipo?")
	p.keys("Enter")
	s := p.waitFor("Nombre de la imagen")
	if !strings.Contains(s, "IMS de pruebas integrado") || !strings.Contains(s, "credenciales") {
		t.Fatalf("the header is not in Spanish:\n%s", s)
	}
	p.text("en-espanol")
	p.enterUntil("Metadatos de la imagen creados")
	s = p.waitFor("pulse u para cargar")
	if strings.Contains(s, "Next:") || strings.Contains(s, "Image metadata") {
		t.Fatalf("English on the Spanish result:\n%s", s)
	}
	p.keys("q")
	s = p.waitFor("EXIT=")
	if !strings.Contains(s, "EXIT=0") || !strings.Contains(s, `Se creó la imagen`) || !strings.Contains(s, `"en-espanol" (queued)`) {
		t.Fatalf("the summary should be Spanish, exit 0:\n%s", s)
	}
}

// Ctrl+C in the wizard says the answers are kept and the command that
// resumes them; typed as printed, that command offers the draft back.
func TestQuitSaysHowToResumeInTmux(t *testing.T) {
	t.Parallel()
	state := t.TempDir()
	p := newPane(t, 100, 30, "PATH="+filepath.Dir(binary)+":$PATH; cd "+t.TempDir()+"; "+
		paneEnv(t, "TERM=xterm-256color", "XDG_STATE_HOME="+state, "PATH="+filepath.Dir(binary)+":/usr/bin:/bin", "PS1='$ '")+" bash --norc")
	p.waitUntil("the shell's prompt", func(s string) bool { return strings.TrimSpace(s) == "$" })
	p.text(binary + "; echo EXIT=$((0+$?))")
	p.keys("Enter")
	p.skipImageFile()
	p.text("come-back")
	p.keys("Enter")
	p.waitFor("Operating system · architecture")
	p.keys("C-c")
	s := p.waitUntil("the exit code", func(s string) bool { return regexp.MustCompile(`EXIT=\d`).MatchString(s) })
	if !strings.Contains(s, "EXIT=130") {
		t.Fatalf("Ctrl+C should exit 130:\n%s", s)
	}
	var command string
	for _, l := range strings.Split(s, "\n") {
		if _, rest, ok := strings.Cut(l, "saved as a draft: run "); ok {
			command, _, _ = strings.Cut(rest, " again to resume")
		}
	}
	if !strings.HasPrefix(command, "ims-wizard") {
		t.Fatalf("no resume command said:\n%s", s)
	}
	p.keys("C-l")
	p.text(command)
	p.keys("Enter")
	s = p.waitFor("Resume where you left off?")
	if !strings.Contains(s, "come-back") {
		t.Errorf("the draft offered is not the answers given:\n%s", s)
	}
}

// The README's first command, run as printed from the repository's root
// on a real terminal, builds the binary and opens the wizard.
func TestREADMEFirstCommandInTmux(t *testing.T) {
	t.Parallel()
	if _, err := exec.LookPath("make"); err != nil {
		t.Skip("make is not installed")
	}
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	readme, err := os.ReadFile(filepath.Join(root, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	var command string
	for _, l := range strings.Split(string(readme), "\n") {
		if strings.HasPrefix(l, "make build && ") {
			command, _, _ = strings.Cut(l, "#")
			command = strings.TrimSpace(command)
			break
		}
	}
	if command == "" {
		t.Fatal("the README has no first command")
	}
	// The go tool's caches as the test runs with, so that the build is the
	// incremental one a developer gets.
	var goEnv []string
	for _, k := range []string{"GOCACHE", "GOMODCACHE", "GOPATH", "GOFLAGS", "GOPROXY", "GOTOOLCHAIN"} {
		out, _ := exec.Command("go", "env", k).Output()
		if v := strings.TrimSpace(string(out)); v != "" {
			goEnv = append(goEnv, k+"="+v)
		}
	}
	goDir := filepath.Dir(runtime.GOROOT() + "/bin/go")
	p := newPane(t, 100, 30, "cd "+root+" && "+paneEnv(t, append(goEnv, "TERM=xterm-256color", "XDG_STATE_HOME="+t.TempDir(),
		"PATH="+goDir+":/usr/local/bin:/usr/bin:/bin")...)+" bash -c '"+command+"; echo EXIT=$?'; sleep 60")
	deadline := time.Now().Add(3 * time.Minute)
	for !strings.Contains(p.screen(), "Is the image file on this machine?") {
		if time.Now().After(deadline) {
			t.Fatalf("the README's command %q did not open the wizard:\n%s", command, p.screen())
		}
		time.Sleep(200 * time.Millisecond)
	}
	p.keys("C-c")
	if s := p.waitUntil("the exit code", func(s string) bool { return regexp.MustCompile(`EXIT=\d`).MatchString(s) }); !strings.Contains(s, "EXIT=130") {
		t.Fatalf("Ctrl+C should exit 130:\n%s", s)
	}
}

// Typeahead: the whole wizard typed in one write (a scripted demo, a user
// who knows the questions) lands every key on its question. huh moves
// between fields through commands; a key read before they came back went
// to the field being left and was lost, so three Enters moved one step.
func TestTypeaheadInTmux(t *testing.T) {
	t.Parallel()
	endpoint := startSandboxServer(t, cleanEnv(t))
	p := newPane(t, 100, 30, paneEnv(t, "TERM=xterm-256color", "XDG_STATE_HOME="+t.TempDir())+" "+binary+" --endpoint "+endpoint+"; echo EXIT=$?; sleep 60")
	p.waitFor("Is the image file on this machine?")
	name := uniqueName("typed-ahead")
	// No image file; the name; x86_64; Ubuntu; the second version (22.04);
	// the default disk format; min_disk 50, min_ram 2048; a tag; not
	// protected; Submit: all in one send-keys, read at once.
	p.keys("Enter", name, "Enter", "Enter", "Enter", "Down", "Enter", "Enter", "50", "Enter", "2048", "Enter", "ahead=yes", "Enter", "Enter", "Enter")
	p.waitFor("Image metadata created")
	p.keys("q")
	if s := p.waitFor("EXIT="); !strings.Contains(s, "EXIT=0") {
		t.Fatalf("the wizard did not end well:\n%s", s)
	}
	resp, err := http.Get(endpoint + "/v2/images?name=" + name)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var list struct{ Images []map[string]any }
	if err := json.NewDecoder(resp.Body).Decode(&list); err != nil || len(list.Images) != 1 {
		t.Fatalf("GET /v2/images?name=%s: %v, %d images", name, err, len(list.Images))
	}
	img := list.Images[0]
	got := fmt.Sprintf("%v|%v|%v|%v", img["__os_version"], img["min_disk"], img["min_ram"], img["tags"])
	if want := "Ubuntu 22.04 server 64bit|50|2048|[ahead=yes]"; got != want {
		t.Errorf("typed ahead, the image has %s; want %s", got, want)
	}
}
