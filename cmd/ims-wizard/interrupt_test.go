package main

import (
	"bytes"
	"context"
	"errors"
	"net/http"
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
	t.Parallel()
	held := make(chan struct{}, 1)
	var log syncBuffer
	srv := sandbox.New(sandbox.Options{Delay: 5 * time.Second, Log: &log, Received: func(r *http.Request) {
		if r.Method == http.MethodPost {
			held <- struct{}{}
		}
	}})
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
	select {
	case <-held: // the create is in the sandbox, held by the delay
	case <-time.After(15 * time.Second):
		cmd.Process.Kill()
		t.Fatalf("the create never reached the sandbox\nstderr %s", stderr.String())
	}
	cmd.Process.Signal(syscall.SIGINT)
	err = cmd.Wait()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 130 || !strings.Contains(stderr.String(), "interrupted") {
		t.Fatalf("err %v\nstderr %s", err, stderr.String())
	}
	// The access line is written when the create's handler has returned:
	// 499, the hang-up noticed, and nothing created after it.
	deadline := time.Now().Add(4 * time.Second) // within the delay
	for !strings.Contains(log.String(), "POST /v2/images 499") {
		if time.Now().After(deadline) {
			t.Fatalf("the sandbox did not see the create abandoned:\n%s", log.String())
		}
		time.Sleep(5 * time.Millisecond)
	}
	c, _ := client.New(client.Config{Endpoint: url})
	if imgs, err := c.ListByName(context.Background(), name); err != nil || len(imgs) != 0 {
		t.Fatal("the cancelled create still created an image")
	}
}
