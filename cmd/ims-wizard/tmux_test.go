package main

import (
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/ims-wizard/ims-wizard/client/sandbox"
)

// The newcomer's path on a real pseudo-terminal: start the wizard, type a
// name, press Enter through every default, see the created image, quit.
func TestWizardSmokeInTmux(t *testing.T) {
	if _, err := exec.LookPath("tmux"); err != nil {
		t.Skip("tmux is not installed (make test installs it): skipping the pseudo-terminal smoke test")
	}
	socket := "ims-wizard-smoke-" + strings.ReplaceAll(t.Name(), "/", "-")
	tmux := func(args ...string) string {
		out, err := exec.Command("tmux", append([]string{"-L", socket}, args...)...).CombinedOutput()
		if err != nil {
			t.Fatalf("tmux %v: %v\n%s", args, err, out)
		}
		return string(out)
	}
	env := []string{}
	for _, kv := range cleanEnv(t) {
		if strings.HasPrefix(kv, "HOME=") || strings.HasPrefix(kv, "PATH=") {
			env = append(env, kv)
		}
	}
	script := "env -i " + strings.Join(env, " ") + " TERM=xterm-256color XDG_STATE_HOME=" + t.TempDir() + " " + binary + "; echo EXIT=$?; sleep 60"
	tmux("new-session", "-d", "-x", "100", "-y", "30", "-s", "smoke", script)
	defer exec.Command("tmux", "-L", socket, "kill-server").Run()

	screen := func() string { return tmux("capture-pane", "-p", "-t", "smoke") }
	waitFor := func(what string) string {
		t.Helper()
		deadline := time.Now().Add(10 * time.Second)
		for {
			s := screen()
			if strings.Contains(s, what) {
				return s
			}
			if time.Now().After(deadline) {
				t.Fatalf("never saw %q; screen:\n%s", what, s)
			}
			time.Sleep(100 * time.Millisecond)
		}
	}

	waitFor("Image name")
	if s := screen(); !strings.Contains(s, "built-in sandbox") || !strings.Contains(s, "credentials") {
		t.Fatalf("header should say where requests go and as whom:\n%s", s)
	}
	tmux("send-keys", "-t", "smoke", "-l", "smoke-test")
	tmux("send-keys", "-t", "smoke", "Enter")
	// Enter through every default until the image is created.
	deadline := time.Now().Add(20 * time.Second)
	for !strings.Contains(screen(), "Image metadata created") {
		if time.Now().After(deadline) {
			t.Fatalf("no image after pressing Enter through the defaults; screen:\n%s", screen())
		}
		tmux("send-keys", "-t", "smoke", "Enter")
		time.Sleep(300 * time.Millisecond)
	}
	s := waitFor("queued")
	if !strings.Contains(s, "smoke-test") || !strings.Contains(s, "id ") {
		t.Fatalf("result card lacks the name or id:\n%s", s)
	}
	tmux("send-keys", "-t", "smoke", "q")
	s = waitFor("EXIT=")
	if !strings.Contains(s, "EXIT=0") || !strings.Contains(s, `"smoke-test" (queued)`) {
		t.Fatalf("quit should leave the summary and exit 0:\n%s", s)
	}
}

// The terminal closes (SIGHUP) while a create is in flight in the wizard:
// handled as SIGTERM, it exits 130, records the create's unknown outcome
// in the draft and leaves the alternate screen. Before: killed by the
// signal (129), nothing in the draft, the terminal raw in the alternate
// screen.
func TestSIGHUPDuringCreateInTheWizard(t *testing.T) {
	if _, err := exec.LookPath("tmux"); err != nil {
		t.Skip("tmux is not installed (make test installs it): skipping the pseudo-terminal test")
	}
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

	socket := "ims-wizard-hup-" + strings.ReplaceAll(t.Name(), "/", "-")
	tmux := func(args ...string) string {
		out, err := exec.Command("tmux", append([]string{"-L", socket}, args...)...).CombinedOutput()
		if err != nil {
			t.Fatalf("tmux %v: %v\n%s", args, err, out)
		}
		return string(out)
	}
	var env []string
	for _, kv := range cleanEnv(t) {
		if strings.HasPrefix(kv, "HOME=") || strings.HasPrefix(kv, "PATH=") {
			env = append(env, kv)
		}
	}
	state := t.TempDir()
	script := "env -i " + strings.Join(env, " ") + " TERM=xterm-256color XDG_STATE_HOME=" + state + " " + binary +
		" --endpoint " + srv.URL + "; echo EXIT=$?; sleep 60"
	tmux("new-session", "-d", "-x", "100", "-y", "30", "-s", "hup", script)
	defer exec.Command("tmux", "-L", socket, "kill-server").Run()
	screen := func() string { return tmux("capture-pane", "-p", "-t", "hup") }
	waitFor := func(what string) string {
		t.Helper()
		deadline := time.Now().Add(20 * time.Second)
		for {
			s := screen()
			if strings.Contains(s, what) {
				return s
			}
			if time.Now().After(deadline) {
				t.Fatalf("never saw %q; screen:\n%s", what, s)
			}
			time.Sleep(100 * time.Millisecond)
		}
	}

	waitFor("Image name")
	tmux("send-keys", "-t", "hup", "-l", "hup-test")
	deadline := time.Now().Add(30 * time.Second)
	for sent := false; !sent; {
		select {
		case <-posted:
			sent = true
		case <-time.After(300 * time.Millisecond):
			if time.Now().After(deadline) {
				t.Fatalf("the create was never sent; screen:\n%s", screen())
			}
			tmux("send-keys", "-t", "hup", "Enter")
		}
	}
	// The pane's shell runs env, which execs ims-wizard: its only child.
	shell := strings.TrimSpace(tmux("display-message", "-p", "-t", "hup", "#{pane_pid}"))
	children, err := os.ReadFile("/proc/" + shell + "/task/" + shell + "/children")
	if err != nil || len(strings.Fields(string(children))) != 1 {
		t.Fatalf("cannot find the ims-wizard process under pane %s: %q %v", shell, children, err)
	}
	pid, _ := strconv.Atoi(strings.Fields(string(children))[0])
	if err := syscall.Kill(pid, syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	s := waitFor("EXIT=")
	if !strings.Contains(s, "EXIT=130") {
		t.Fatalf("exit code after SIGHUP:\n%s", s)
	}
	if alt := strings.TrimSpace(tmux("display-message", "-p", "-t", "hup", "#{alternate_on}")); alt != "0" {
		t.Fatalf("the pane is still in the alternate screen (%s):\n%s", alt, s)
	}
	data, err := os.ReadFile(filepath.Join(state, "ims-wizard", "draft.json"))
	if err != nil || !strings.Contains(string(data), `"unknown_outcomes"`) || !strings.Contains(string(data), `"name": "hup-test"`) {
		t.Fatalf("the draft does not record the unknown outcome (%v):\n%s", err, data)
	}
}
