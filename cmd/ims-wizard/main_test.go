package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ims-wizard/ims-wizard/client/clienttest"
)

// binary is ims-wizard built once for the whole package: these tests run the
// real program, as users and scripts do.
var binary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "ims-wizard-test")
	if err != nil {
		panic(err)
	}
	binary = filepath.Join(dir, "ims-wizard")
	build := exec.Command("go", "build", "-o", binary, ".")
	build.Stderr = os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "building ims-wizard:", err)
		os.Exit(1)
	}
	clienttest.WaitingTestsParallel(8)
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

type run struct {
	stdout, stderr string
	code           int
}

// cleanEnv is an environment without any credential or region, a home
// without ~/.huaweicloud (nor XDG directories: caches and drafts go to that
// home), the built-in sandbox's state in a directory of the test's own
// (never the user's), and no locale (English), so the outcome does not
// depend on the machine.
func cleanEnv(t *testing.T, extra ...string) []string {
	var env []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(k, "HUAWEICLOUD_") || strings.HasPrefix(k, "OS_") || strings.HasPrefix(k, "XDG_") || k == "HOME" || k == "ACCESSIBLE" ||
			k == "IMS_WIZARD_SANDBOX_DIR" || strings.HasSuffix(strings.ToUpper(k), "_PROXY") ||
			k == "LANG" || k == "LANGUAGE" || strings.HasPrefix(k, "LC_") {
			continue
		}
		if k == "PATH" {
			// ims-wizard installed, as a user has it: the commands it
			// prints start with "ims-wizard" (factory.ProgramName), and
			// the tests run them as printed.
			kv = "PATH=" + filepath.Dir(binary) + string(os.PathListSeparator) + strings.TrimPrefix(kv, "PATH=")
		}
		env = append(env, kv)
	}
	return append(append(env, "HOME="+t.TempDir(), "IMS_WIZARD_SANDBOX_DIR="+t.TempDir()), extra...)
}

func runCLI(t *testing.T, env []string, args ...string) run {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, binary, args...)
	cmd.Env = env
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	cmd.Stdin = strings.NewReader("") // not a terminal
	err := cmd.Run()
	code := 0
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("running %v: %v", args, err)
	}
	return run{out.String(), errOut.String(), code}
}

func decode(t *testing.T, s string) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(s), &m); err != nil {
		t.Fatalf("stdout is not one JSON object: %v\n%s", err, s)
	}
	return m
}

// seedArgs is the seed document's example request as flags.
var seedArgs = []string{"--name", "test", "--os-version", "Ubuntu 14.04 server 64bit", "--container-format", "bare",
	"--disk-format", "vhd", "--min-disk", "100", "--min-ram", "1024", "--tag", "test=testvalue", "--tag", "image=imagevalue",
	"--visibility", "private", "--protected=false"}
