package sandbox_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/ims-wizard/ims-wizard/client"
	"github.com/ims-wizard/ims-wizard/client/sandbox"
)

// Two sandboxes on one state directory, as the in-process sandbox of a
// command and a running `ims-wizard sandbox` are: what one does, the other
// serves at once.
func TestStateSharedAtOnce(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	a, ca := start(t, sandbox.Options{Dir: dir})
	b, cb := start(t, sandbox.Options{Dir: dir})
	ctx := context.Background()

	id := create(t, ca, `{"name":"shared","__os_version":"Ubuntu 14.04 server 64bit"}`)
	if got, err := cb.Get(ctx, id); err != nil || got.Image.Name != "shared" {
		t.Fatalf("B does not see A's image: %v %v", got, err)
	}
	if a := patch(t, b.URL(), id, `[{"op":"add","path":"/from","value":"b"}]`); a.status != 200 {
		t.Fatalf("PATCH on B: %d %s", a.status, a.body)
	}
	data := []byte("the image file")
	uploadBytes(t, a.URL(), id, data)
	if dl := call(t, "GET", b.URL()+"/v2/images/"+id+"/file", "", nil); dl.status != 200 || !bytes.Equal(dl.body, data) {
		t.Errorf("download on B = %d %q", dl.status, dl.body)
	}
	got, _ := ca.Get(ctx, id)
	if !strings.Contains(string(got.Image.Raw), `"from":"b"`) || got.Image.Status != "active" {
		t.Errorf("A sees %s", got.Image.Raw)
	}
	if imgs, _ := cb.ListByName(ctx, "shared"); len(imgs) != 1 {
		t.Errorf("B lists %d images", len(imgs))
	}
}

func TestStateSurvivesRestart(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	srv, c := start(t, sandbox.Options{Dir: dir})
	id := create(t, c, `{"name":"kept","tags":["a=b"]}`)
	uploadBytes(t, srv.URL(), id, []byte("0123456789"))
	before, _ := c.Get(context.Background(), id)
	if err := srv.Close(); err != nil {
		t.Fatal(err)
	}

	again, c2 := start(t, sandbox.Options{Dir: dir})
	after, err := c2.Get(context.Background(), id)
	if err != nil || !bytes.Equal(after.Image.Raw, before.Image.Raw) {
		t.Fatalf("after a restart: %v\n%s\nwant\n%s", err, after.Image.Raw, before.Image.Raw)
	}
	if dl := call(t, "GET", again.URL()+"/v2/images/"+id+"/file", "", nil); string(dl.body) != "0123456789" {
		t.Errorf("file after restart = %q", dl.body)
	}
	if n, err := again.Count(); n != 1 || err != nil {
		t.Errorf("Count = %d %v", n, err)
	}
	if again.Dir() != dir {
		t.Errorf("Dir = %q, want %q", again.Dir(), dir)
	}
}

// Several sandboxes creating at the same time on one state lose nothing.
func TestConcurrentCreatesOnOneState(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	var clients []*client.Client
	for range 4 {
		_, c := start(t, sandbox.Options{Dir: dir})
		clients = append(clients, c)
	}
	const each = 15
	var wg sync.WaitGroup
	errs := make(chan error, len(clients)*each)
	for _, c := range clients {
		wg.Go(func() {
			for range each {
				if _, err := c.Create(context.Background(), ubuntuRequest("crowd")); err != nil {
					errs <- err
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	imgs, err := clients[0].ListByName(context.Background(), "crowd")
	ids := map[string]bool{}
	for _, img := range imgs {
		ids[img.ID] = true
	}
	if err != nil || len(ids) != len(clients)*each {
		t.Errorf("%d distinct images listed (%v), want %d", len(ids), err, len(clients)*each)
	}
}

func TestDamagedRecordSetAsideAndSaid(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	var log lockedBuffer
	srv, c := start(t, sandbox.Options{Dir: dir, Log: &log})
	good := create(t, c, `{"name":"good"}`)
	bad := create(t, c, `{"name":"bad"}`)
	record := filepath.Join(dir, "images", bad+".json")
	if err := os.WriteFile(record, []byte(`{"format":1,"id":"`+bad+`", trunc`), 0o600); err != nil {
		t.Fatal(err)
	}

	a := call(t, "GET", srv.URL()+"/v2/images/"+bad, "", nil)
	wantError(t, "GET damaged", a, 500, "SANDBOX.0500", "damaged", "set aside")
	aside, _ := filepath.Glob(filepath.Join(dir, "damaged", bad+".json.*"))
	if len(aside) != 1 {
		t.Fatalf("set aside: %v", aside)
	}
	if raw, _ := os.ReadFile(aside[0]); !strings.Contains(string(raw), "trunc") {
		t.Errorf("the damaged record was not kept as it was: %s", raw)
	}
	if !strings.Contains(log.String(), "set aside") {
		t.Errorf("the log does not say it: %s", log.String())
	}
	wantError(t, "GET afterwards", call(t, "GET", srv.URL()+"/v2/images/"+bad, "", nil), 404, "IMG.0027")
	names, _ := listNames(t, srv.URL(), "")
	if strings.Join(names, ",") != "good" {
		t.Errorf("list = %v, want the good image only", names)
	}
	if _, err := c.Get(context.Background(), good); err != nil {
		t.Error(err)
	}

	// A damaged record found by a listing is set aside too.
	other := create(t, c, `{"name":"other"}`)
	os.WriteFile(filepath.Join(dir, "images", other+".json"), []byte(`{"format":7,"id":"`+other+`"}`), 0o600)
	if names, _ := listNames(t, srv.URL(), ""); len(names) != 1 {
		t.Errorf("list = %v", names)
	}
	if aside, _ := filepath.Glob(filepath.Join(dir, "damaged", other+".json.*")); len(aside) != 1 {
		t.Errorf("a record of another format was not set aside: %v", aside)
	}
}

func TestDamagedOrNewerStateMovedAside(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct{ name, format, says string }{
		{"newer", `{"program":"ims-wizard sandbox","format":2}`, "newer ims-wizard (state format 2"},
		{"damaged", `not json`, "damaged"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "sandbox")
			srv, c := start(t, sandbox.Options{Dir: dir})
			id := create(t, c, `{"name":"old"}`)
			srv.Close()
			os.WriteFile(filepath.Join(dir, "FORMAT"), []byte(tt.format), 0o600)

			again, c2 := start(t, sandbox.Options{Dir: dir})
			var said []string
			for _, n := range again.Notices() {
				said = append(said, n.Text(nil))
			}
			notices := strings.Join(said, "\n")
			if !strings.Contains(notices, tt.says) || !strings.Contains(notices, "moved to") {
				t.Errorf("notices = %q", notices)
			}
			if _, err := c2.Get(context.Background(), id); err == nil {
				t.Error("the old state is still served")
			}
			// Nothing dropped: the old state is intact beside the new one.
			aside, _ := filepath.Glob(dir + ".set-aside-*")
			if len(aside) != 1 {
				t.Fatalf("aside = %v", aside)
			}
			if _, err := os.Stat(filepath.Join(aside[0], "images", id+".json")); err != nil {
				t.Errorf("the old image is not in the set-aside state: %v", err)
			}
		})
	}
}

func TestForeignDirectoryRefused(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	mine := filepath.Join(dir, "notes.txt")
	os.WriteFile(mine, []byte("mine"), 0o600)
	_, err := sandbox.Open(sandbox.Options{Dir: dir})
	if err == nil || !strings.Contains(err.Error(), "not an ims-wizard sandbox state") {
		t.Fatalf("err = %v", err)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("the directory was touched: %v", entries)
	}
	// New answers what Open said, on every request.
	rec := httptest.NewRecorder()
	sandbox.New(sandbox.Options{Dir: dir}).ServeHTTP(rec, httptest.NewRequest("GET", "/v2/images", nil))
	if rec.Code != 503 || !strings.Contains(rec.Body.String(), "not an ims-wizard sandbox state") {
		t.Errorf("New on a foreign dir answers %d %s", rec.Code, rec.Body)
	}
}

// An image left saving by an upload that died (its process gone) is queued
// again; one whose upload is alive stays saving.
func TestSavingLeftByADeadUploadIsQueuedAgain(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	a, ca := start(t, sandbox.Options{Dir: dir})
	_, cb := start(t, sandbox.Options{Dir: dir})
	id := create(t, ca, `{"name":"drip"}`)

	conn, err := net.Dial("tcp", strings.TrimPrefix(a.URL(), "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "PUT /v2/images/%s/file HTTP/1.1\r\nHost: s\r\nContent-Type: application/octet-stream\r\nContent-Length: 100\r\n\r\nabc", id)
	waitStatus(t, ca, id, "saving")
	if got, _ := cb.Get(context.Background(), id); got.Image.Status != "saving" {
		t.Errorf("another sandbox sees %s while the upload is alive", got.Image.Status)
	}

	// A dead uploader: a saving record whose upload lock nobody holds.
	dead := create(t, ca, `{"name":"dead"}`)
	record := filepath.Join(dir, "images", dead+".json")
	raw, _ := os.ReadFile(record)
	os.WriteFile(record, bytes.Replace(raw, []byte(`"status":"queued"`), []byte(`"status":"saving"`), 1), 0o600)
	if got, err := cb.Get(context.Background(), dead); err != nil || got.Image.Status != "queued" {
		t.Errorf("dead upload: %v %v, want queued", got, err)
	}
	uploadBytes(t, a.URL(), dead, []byte("now whole"))
}

func TestReset(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	srv, c := start(t, sandbox.Options{Dir: dir})
	for range 3 {
		id := create(t, c, `{"name":"gone"}`)
		uploadBytes(t, srv.URL(), id, []byte("x"))
	}
	n, err := srv.Reset()
	if n != 3 || err != nil {
		t.Fatalf("Reset = %d %v", n, err)
	}
	if names, _ := listNames(t, srv.URL(), ""); len(names) != 0 {
		t.Errorf("after reset: %v", names)
	}
	files, _ := os.ReadDir(filepath.Join(dir, "files"))
	if len(files) != 0 {
		t.Errorf("files left: %v", files)
	}
	create(t, c, `{"name":"after"}`) // still a working state
}

// The in-memory state (tests, Options.Dir "") keeps uploaded bytes too.
func TestMemoryStateDownload(t *testing.T) {
	t.Parallel()
	srv, c := startMem(t, sandbox.Options{})
	id := create(t, c, `{"name":"mem"}`)
	uploadBytes(t, srv.URL(), id, []byte("in a temp file"))
	if dl := call(t, "GET", srv.URL()+"/v2/images/"+id+"/file", "", nil); string(dl.body) != "in a temp file" {
		t.Errorf("download = %q", dl.body)
	}
	if srv.Dir() != "" {
		t.Errorf("Dir = %q", srv.Dir())
	}
	if _, err := srv.Reset(); err != nil {
		t.Error(err)
	}
	if _, err := c.Get(context.Background(), id); !errors.As(err, new(*client.APIError)) {
		t.Errorf("after reset: %v", err)
	}
}

// A listing may answer from what it read before, but never misses a
// change another sandbox made since.
func TestListingSeesOtherSandboxesChanges(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	a, ca := start(t, sandbox.Options{Dir: dir})
	b, _ := start(t, sandbox.Options{Dir: dir})
	names := func(q string) string {
		got, _ := listNames(t, b.URL(), q)
		return strings.Join(got, ",")
	}
	one := create(t, ca, `{"name":"one"}`)
	if got := names(""); got != "one" {
		t.Fatalf("list = %s", got)
	}
	two := create(t, ca, `{"name":"two","hw":"x"}`)
	if got := names(""); got != "two,one" {
		t.Errorf("after a create elsewhere: %s", got)
	}
	if got := names("hw=x"); got != "two" {
		t.Errorf("a property filter: %s", got)
	}
	patch(t, a.URL(), one, `[{"op":"replace","path":"/name","value":"uno"}]`)
	if got := names("sort_key=name&sort_dir=asc"); got != "two,uno" {
		t.Errorf("after a patch elsewhere: %s", got)
	}
	call(t, "DELETE", a.URL()+"/v2/images/"+two, "", nil)
	if got := names(""); got != "uno" {
		t.Errorf("after a delete elsewhere: %s", got)
	}
	uploadBytes(t, a.URL(), one, []byte("x"))
	if got := names("status=active"); got != "uno" {
		t.Errorf("after an upload elsewhere: %s", got)
	}
	a.Reset()
	if got := names(""); got != "" {
		t.Errorf("after a reset elsewhere: %s", got)
	}
}

// Sandboxes opening a damaged state at the same time move it aside once,
// and share the new one.
func TestConcurrentOpensOfADamagedState(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "sandbox")
	srv, c := start(t, sandbox.Options{Dir: dir})
	create(t, c, `{"name":"old"}`)
	srv.Close()
	os.WriteFile(filepath.Join(dir, "FORMAT"), []byte("garbage"), 0o600)

	const n = 4
	servers := make([]*sandbox.Server, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { servers[i], errs[i] = sandbox.Open(sandbox.Options{Dir: dir}) })
	}
	wg.Wait()
	moved := 0
	for i := range n {
		if errs[i] != nil {
			t.Fatalf("open %d: %v", i, errs[i])
		}
		defer servers[i].Close()
		moved += len(servers[i].Notices())
	}
	if aside, _ := filepath.Glob(dir + ".set-aside-*"); len(aside) != 1 || moved != 1 {
		t.Errorf("%d set aside, %d notices; want the damaged state moved once", len(aside), moved)
	}
	if n, err := servers[0].Count(); n != 0 || err != nil {
		t.Errorf("the new state holds %d (%v)", n, err)
	}
}
