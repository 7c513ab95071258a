package main

import (
	"bytes"
	"context"
	"errors"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/ims-wizard/ims-wizard/client"
	"github.com/ims-wizard/ims-wizard/client/sandbox"
)

// Ctrl+C during a create: exit 130, said plainly, and the slow server never
// creates the image because the request was cancelled.
func TestInterruptDuringCreateExits130(t *testing.T) {
	srv := sandbox.New(sandbox.Options{Delay: 5 * time.Second})
	url, err := srv.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	name := uniqueName("interrupted")
	cmd := exec.Command(binary, "--yes", "--name", name, "--endpoint", url)
	cmd.Env = cleanEnv(t)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	time.Sleep(500 * time.Millisecond)
	cmd.Process.Signal(syscall.SIGINT)
	err = cmd.Wait()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 130 || !strings.Contains(stderr.String(), "interrupted") {
		t.Fatalf("err %v\nstderr %s", err, stderr.String())
	}
	c, _ := client.New(client.Config{Endpoint: url})
	if imgs, err := c.ListByName(context.Background(), name); err != nil || len(imgs) != 0 {
		t.Fatal("the cancelled create still created an image")
	}
}
