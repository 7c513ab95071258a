package e2e

import (
	"bufio"
	"fmt"
	"github.com/ims-wizard/ims-wizard/client/clienttest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// binary is ims-wizard, built once: the sandbox under test is the real
// `ims-wizard sandbox` process.
var binary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "ims-wizard-e2e")
	if err != nil {
		panic(err)
	}
	binary = filepath.Join(dir, "ims-wizard")
	build := exec.Command("go", "build", "-o", binary, "../../../cmd/ims-wizard")
	build.Stderr = os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "building ims-wizard:", err)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// target is a server the clients run against.
type target struct {
	name   string // "sandbox" or "glance"
	url    string
	glance bool
}

// targets are `ims-wizard sandbox` on a fresh state, and the real Glance of
// make test when IMS_TEST_GLANCE_URL is set.
func targets(t *testing.T) []target {
	t.Helper()
	list := []target{{name: "sandbox", url: startSandbox(t)}}
	if g := os.Getenv("IMS_TEST_GLANCE_URL"); g != "" {
		list = append(list, target{name: "glance", url: strings.TrimRight(g, "/"), glance: true})
	} else {
		// A skipped subtest, not a log line: the report shows the target
		// that did not run.
		t.Run("glance", func(t *testing.T) {
			t.Skip("IMS_TEST_GLANCE_URL not set: the sandbox is checked against the outcomes a real Glance gives, without running one (make test starts Glance and sets it)")
		})
	}
	return list
}

// syncBuffer is a buffer safe to read while the program writes it.
type syncBuffer = clienttest.SyncBuffer

// startSandbox runs `ims-wizard sandbox` on a free loopback port with a
// state of the test's own, and stops it (SIGINT) when the test ends.
func startSandbox(t *testing.T) string {
	t.Helper()
	cmd := exec.Command(binary, "sandbox", "--addr", "127.0.0.1:0", "--quiet")
	cmd.Env = append(os.Environ(), "HOME="+t.TempDir(), "IMS_WIZARD_SANDBOX_DIR="+t.TempDir())
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr syncBuffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Signal(os.Interrupt)
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			cmd.Process.Kill()
			<-done
		}
	})
	urls := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if m := regexp.MustCompile(`listening on (http://\S+)`).FindStringSubmatch(sc.Text()); m != nil {
				urls <- m[1]
			}
		}
	}()
	select {
	case u := <-urls:
		return u
	case <-time.After(20 * time.Second):
		t.Fatalf("ims-wizard sandbox did not start: %s", stderr.String())
		return ""
	}
}

// outcomes records what each call gave on one target, as text: the same
// calls must give the same text on every target.
type outcomes struct {
	t      *testing.T
	target target
	steps  []string
	got    map[string]string
}

func newOutcomes(t *testing.T, tg target) *outcomes {
	return &outcomes{t: t, target: tg, got: map[string]string{}}
}

// check records a call's outcome and requires the expected one.
func (o *outcomes) check(step, got, want string) {
	o.t.Helper()
	o.steps = append(o.steps, step)
	o.got[step] = got
	if got != want {
		o.t.Errorf("%s: %s: got %s, want %s", o.target.name, step, got, want)
	}
}

// same requires every target to have given the same outcome for every call
// all of them made.
func same(t *testing.T, all []*outcomes) {
	t.Helper()
	if len(all) < 2 {
		return
	}
	for _, step := range all[0].steps {
		for _, other := range all[1:] {
			if g, ok := other.got[step]; ok && g != all[0].got[step] {
				t.Errorf("%s: %s gave %s, %s gave %s", step, all[0].target.name, all[0].got[step], other.target.name, g)
			}
		}
	}
}

// unique is an image name no earlier run used (Glance's state outlives a
// test when it is shared).
func unique(prefix string) string {
	return fmt.Sprintf("%s-%d", prefix, time.Now().UnixNano())
}
