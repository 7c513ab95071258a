package draft

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

var t0 = time.Date(2026, 3, 4, 5, 0, 0, 0, time.UTC)

func names(as []Attempt) string {
	var out []string
	for _, a := range as {
		out = append(out, a.Name+"@"+a.Since.Format("15:04"))
	}
	sort.Strings(out)
	return strings.Join(out, " ")
}

// Two wizards: B's save keeps A's unknown outcome (before, it overwrote
// it), the answers are the last writer's, a name recorded by both keeps
// the earliest time, and a settle removes only what its writer knew.
func TestSavesMergeTheUnknownOutcomes(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "draft.json")
	a := Attempt{Name: "alpha", Since: t0}
	if err := Save(path, Draft[answers]{Answers: answers{Name: "from A"}, Unknown: []Attempt{a}}); err != nil {
		t.Fatal(err)
	}
	b := Attempt{Name: "beta", Since: t0.Add(time.Minute)}
	alphaLater := Attempt{Name: "alpha", Since: t0.Add(2 * time.Minute)}
	if err := Save(path, Draft[answers]{Answers: answers{Name: "from B"}, Unknown: []Attempt{b, alphaLater}}); err != nil {
		t.Fatal(err)
	}
	d, err := Load[answers](path)
	if err != nil || d.Answers.Name != "from B" || names(d.Unknown) != "alpha@05:00 beta@05:01" {
		t.Fatalf("after B: %+v %v", d, err)
	}
	// B settles its alpha (05:02): A's earlier one stays.
	if err := Save(path, Draft[answers]{Answers: answers{Name: "from B"}, Unknown: []Attempt{b}}, alphaLater); err != nil {
		t.Fatal(err)
	}
	if d, _ := Load[answers](path); names(d.Unknown) != "alpha@05:00 beta@05:01" {
		t.Fatalf("B's settle removed another's record: %s", names(d.Unknown))
	}
	// A settles alpha (its own record) and clears: beta, B's, stays, in an
	// outcomes-only draft.
	if err := Clear(path, Draft[answers]{Step: "name", Answers: answers{Name: "blank"}}, a); err != nil {
		t.Fatal(err)
	}
	d, err = Load[answers](path)
	if err != nil || d.Answers.Name != "blank" || names(d.Unknown) != "beta@05:01" {
		t.Fatalf("after A's clear: %+v %v", d, err)
	}
	// B settles beta: nothing is left, the file goes.
	if err := Clear(path, Draft[answers]{}, b); err != nil {
		t.Fatal(err)
	}
	if d, err := Load[answers](path); d != nil || err != nil {
		t.Fatalf("after the last settle: %+v %v", d, err)
	}
}

// Many writers at once, each adding its own outcome: every one is in the
// file at the end.
func TestConcurrentSavesLoseNoOutcome(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "draft.json")
	const writers = 16
	var wg sync.WaitGroup
	errs := make(chan error, writers)
	for i := 0; i < writers; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			mine := Attempt{Name: fmt.Sprintf("w%02d", i), Since: t0.Add(time.Duration(i) * time.Minute)}
			for j := 0; j < 5; j++ {
				if err := Save(path, Draft[answers]{Answers: answers{Name: mine.Name, Count: j}, Unknown: []Attempt{mine}}); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	d, err := Load[answers](path)
	if err != nil || len(d.Unknown) != writers {
		t.Fatalf("%d outcomes (%v), want %d: %s", len(d.Unknown), err, writers, names(d.Unknown))
	}
}

// The same across processes: the lock is a file lock, not a mutex.
func TestConcurrentSavesFromTwoProcesses(t *testing.T) {
	t.Parallel()
	if os.Getenv("DRAFT_TEST_CHILD") != "" {
		mine := Attempt{Name: os.Getenv("DRAFT_TEST_CHILD"), Since: t0}
		for j := 0; j < 50; j++ {
			if err := Save(os.Getenv("DRAFT_TEST_PATH"), Draft[answers]{Answers: answers{Count: j}, Unknown: []Attempt{mine}}); err != nil {
				fmt.Fprintln(os.Stderr, err)
				os.Exit(1)
			}
		}
		os.Exit(0)
	}
	path := filepath.Join(t.TempDir(), "draft.json")
	var cmds []*exec.Cmd
	for _, name := range []string{"first", "second"} {
		cmd := exec.Command(os.Args[0], "-test.run=^TestConcurrentSavesFromTwoProcesses$")
		cmd.Env = append(os.Environ(), "DRAFT_TEST_CHILD="+name, "DRAFT_TEST_PATH="+path)
		cmd.Stderr = os.Stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		cmds = append(cmds, cmd)
	}
	for _, cmd := range cmds {
		if err := cmd.Wait(); err != nil {
			t.Fatal(err)
		}
	}
	d, err := Load[answers](path)
	if err != nil || names(d.Unknown) != "first@05:00 second@05:00" {
		t.Fatalf("%+v %v", d, err)
	}
}

// A draft another process keeps locked is reported, not waited on for ever.
func TestLockedDraftIsReported(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "draft.json")
	if err := Save(path, sample("x")); err != nil {
		t.Fatal(err)
	}
	f, err := os.OpenFile(path+".lock", os.O_RDONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
		t.Fatal(err)
	}
	impatient := system()
	impatient.lockWait = 50 * time.Millisecond
	var le *LockedError
	if err := save(impatient, path, sample("y")); err == nil || !asLocked(err, &le) || !strings.Contains(err.Error(), "locked") {
		t.Fatalf("Save under another's lock: %v", err)
	}
}

func asLocked(err error, le **LockedError) bool {
	l, ok := err.(*LockedError)
	*le = l
	return ok
}

// draft.json as a FIFO is damaged, refused at once: before, opening it
// blocked the wizard for ever.
func TestFIFODraftIsDamagedNotAHang(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "draft.json")
	if err := syscall.Mkfifo(path, 0o600); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { _, err := Load[answers](path); done <- err }()
	select {
	case err := <-done:
		if _, ok := err.(*DamagedError); !ok || !strings.Contains(err.Error(), "named pipe") {
			t.Fatalf("%v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Load of a FIFO still blocked after 10s")
	}
}
