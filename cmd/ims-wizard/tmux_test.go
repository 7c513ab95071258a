package main

import (
	"os/exec"
	"strings"
	"testing"
	"time"
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
