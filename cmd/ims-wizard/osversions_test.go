package main

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/ims-wizard/ims-wizard/client"
	"github.com/ims-wizard/ims-wizard/client/sandbox"
)

// listStub is an IMS whose live OS list is its own: the sandbox with a
// catalogue that has a value the embedded one lacks ("Stub Linux 1.0
// 64bit") and lacks one it has ("Ubuntu 14.04 server 64bit"), counting the
// reads of that list and the creates.
type listStub struct {
	url          string
	lists, posts atomic.Int64
}

func newListStub(t *testing.T) *listStub {
	cat := client.NewCatalog([]client.OSVersion{
		{Platform: "Stub", Type: "Linux", Bits: 64, Version: "Stub Linux 1.0 64bit", Arch: client.ArchX86},
		{Platform: "Ubuntu", Type: "Linux", Bits: 64, Version: "Ubuntu 22.04 server 64bit", Arch: client.ArchX86},
		{Platform: "Stub", Type: "Linux", Bits: 64, Version: "Stub Linux 1.0 64bit with ARM", Arch: client.ArchArm},
	})
	s := &listStub{}
	api := sandbox.New(sandbox.Options{Catalog: cat})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.URL.Path == "/v1/cloudimages/os_version":
			s.lists.Add(1)
		case r.Method == http.MethodPost:
			s.posts.Add(1)
		}
		api.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	s.url = srv.URL
	return s
}

func (s *listStub) counts() (lists, posts int64) { return s.lists.Load(), s.posts.Load() }

// The scripted path takes what the target's live list has and refuses
// what it lacks, whatever the embedded catalogue says; the list is read
// once (two calls: x86 and arm) and then served from the cache.
func TestScriptedCreateFollowsTheLiveList(t *testing.T) {
	t.Parallel()
	stub := newListStub(t)
	env := cleanEnv(t, "XDG_CACHE_HOME="+t.TempDir())
	at := []string{"--yes", "--endpoint", stub.url}

	r := runCLI(t, env, append(at, "-o", "json", "--name", "live-only", "--os-version", "Stub  Linux 1.0 64bit")...)
	if r.code != 0 {
		t.Fatalf("a value only the live list has: exit %d\n%s", r.code, r.stderr)
	}
	if img := decode(t, r.stdout); img["__os_version"] != "Stub Linux 1.0 64bit" || img["__platform"] != "Stub" {
		t.Errorf("created %v", img)
	}
	if strings.Contains(r.stderr, "built-in catalogue") || strings.Contains(r.stderr, "warning: __os_version") {
		t.Errorf("the live list was not used:\n%s", r.stderr)
	}
	if lists, posts := stub.counts(); lists != 2 || posts != 1 {
		t.Fatalf("%d list reads and %d creates, want 2 (x86, arm) and 1", lists, posts)
	}

	r = runCLI(t, env, append(at, "--name", "embedded-only", "--os-version", "Ubuntu 14.04 server 64bit")...)
	if r.code != 2 || !strings.Contains(r.stderr, "  __os_version (--os-version): \"Ubuntu 14.04 server 64bit\" is not in the OS list of endpoint "+stub.url) ||
		!strings.Contains(r.stderr, `did you mean "Ubuntu 22.04 server 64bit"`) || !strings.Contains(r.stderr, "nothing was sent") {
		t.Fatalf("a value the live list lacks: exit %d\n%s", r.code, r.stderr)
	}
	if lists, posts := stub.counts(); lists != 2 || posts != 1 {
		t.Fatalf("second run: %d list reads and %d creates, want the cached list and no create", lists, posts)
	}

	// The refusal came from a cached list: the command to renew it runs as
	// printed and reads the list again.
	m := regexp.MustCompile(`read it again with: (ims-wizard os-versions [^\n]+)`).FindStringSubmatch(r.stderr)
	if m == nil {
		t.Fatalf("no command to renew the cached list:\n%s", r.stderr)
	}
	refresh := exec.Command("sh", "-c", m[1])
	refresh.Env = append(env, "PATH="+filepath.Dir(binary)+":"+os.Getenv("PATH"))
	if out, err := refresh.CombinedOutput(); err != nil || !strings.Contains(string(out), "read just now") {
		t.Fatalf("%s: %v\n%s", m[1], err, out)
	}
	if lists, _ := stub.counts(); lists != 4 {
		t.Fatalf("--refresh: %d list reads, want 4", lists)
	}

	// Every problem at once, the OS version's judged by the live list.
	r = runCLI(t, env, append(at, "--name", "x", "--os-version", "Ubuntu 14.04 server 64bit", "--min-disk", "1", "--tag", "novalue")...)
	if r.code != 2 || !strings.Contains(r.stderr, "3 problems") || !strings.Contains(r.stderr, "is not in the OS list of") {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}

	// A dry run sends nothing and uses the cached list, saying so.
	r = runCLI(t, env, "--dry-run", "--endpoint", stub.url, "--name", "dry", "--os-version", "Stub Linux 1.0 64bit")
	if r.code != 0 || !strings.Contains(r.stderr, "OS versions: the live list of endpoint "+stub.url+", read less than a minute ago") {
		t.Fatalf("dry run: exit %d\n%s", r.code, r.stderr)
	}
	// os-versions lists the same cached list; --refresh reads it again.
	r = runCLI(t, env, "os-versions", "--endpoint", stub.url)
	if r.code != 0 || !strings.Contains(r.stderr, "Add --refresh") || !strings.Contains(r.stdout, "Stub Linux 1.0 64bit") ||
		strings.Contains(r.stdout, "Ubuntu 14.04") || strings.Contains(r.stdout, "EVIDENCE") {
		t.Fatalf("os-versions: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	if lists, posts := stub.counts(); lists != 4 || posts != 1 {
		t.Fatalf("after the dry run and the listing: %d list reads, %d creates", lists, posts)
	}
}

// Without a live list (nothing sent, nothing answering, a plain Glance)
// the embedded catalogue decides, and the user is told which list it is.
func TestWithoutALiveListTheEmbeddedCatalogueDecides(t *testing.T) {
	t.Parallel()
	env := cleanEnv(t)
	down := "http://127.0.0.1:1"

	r := runCLI(t, env, "--dry-run", "--endpoint", down, "--name", "x", "--os-version", "Ubuntu 14.04 server 64bit")
	if r.code != 0 || !strings.Contains(r.stderr, "built-in catalogue; nothing is sent, and no live list of endpoint "+down+" is cached") {
		t.Fatalf("offline dry run: exit %d\n%s", r.code, r.stderr)
	}
	r = runCLI(t, env, "--dry-run", "--endpoint", down, "--name", "x", "--os-version", "Stub Linux 1.0 64bit")
	if r.code != 2 || !strings.Contains(r.stderr, "is not an OS version IMS knows") {
		t.Fatalf("offline, a value the embedded catalogue lacks: exit %d\n%s", r.code, r.stderr)
	}
	// A later release is accepted with a warning: the region decides.
	r = runCLI(t, env, "--yes", "--endpoint", down, "--name", "x", "--os-version", "Ubuntu 22.04 server 64bit")
	if r.code != 4 || !strings.Contains(r.stderr, "endpoint "+down+" could not be reached to read its OS list (connection refused)") ||
		!strings.Contains(r.stderr, "warning: __os_version: \"Ubuntu 22.04 server 64bit\" is not in Huawei's API reference") ||
		!strings.Contains(r.stderr, "POST "+down+"/v2/images") {
		t.Fatalf("an outage: exit %d\n%s", r.code, r.stderr)
	}

	g := os.Getenv("IMS_TEST_GLANCE_URL")
	if g == "" {
		t.Skip("IMS_TEST_GLANCE_URL not set: skipping the plain-Glance half (make test starts one and sets it)")
	}
	r = runCLI(t, env, "--yes", "-o", "json", "--endpoint", g, "--name", uniqueName("glance-os"), "--os-version", "Ubuntu 22.04 server 64bit")
	if r.code != 0 || !strings.Contains(r.stderr, "does not serve IMS's OS list (HTTP 300") {
		t.Fatalf("a plain Glance: exit %d\n%s", r.code, r.stderr)
	}
	if img := decode(t, r.stdout); img["__os_version"] != "Ubuntu 22.04 server 64bit" {
		t.Errorf("created %v", img)
	}
}

// A target whose live list is empty (it serves the API, with no version
// in it) is said to be that, and the built-in catalogue stands in. Before,
// "(<nil>)", then "does not serve IMS's OS list".
func TestAnEmptyLiveListIsSaidAsSuch(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(sandbox.New(sandbox.Options{Catalog: client.NewCatalog(nil)}))
	defer srv.Close()
	said := "OS versions: the built-in catalogue; endpoint " + srv.URL + " answered GET /v1/cloudimages/os_version with an empty list"
	for _, args := range [][]string{
		{"os-versions", "--endpoint", srv.URL},
		{"--yes", "--endpoint", srv.URL, "--name", "x", "--os-version", "Ubuntu 14.04 server 64bit"},
	} {
		r := runInProcess(t, cleanEnv(t), args...)
		if !strings.Contains(r.stderr, said+"\n") || strings.Contains(r.stderr, "<nil>") || strings.Contains(r.stderr, "does not serve") {
			t.Errorf("%q: exit %d\n%s", args, r.code, r.stderr)
		}
		if args[0] == "os-versions" && (r.code != 0 || !strings.Contains(r.stdout, "Ubuntu 14.04 server 64bit")) {
			t.Errorf("os-versions should list the built-in catalogue: exit %d\n%s", r.code, r.stdout)
		}
	}
	r := runInProcess(t, cleanEnv(t), "--lang", "es", "os-versions", "--endpoint", srv.URL)
	if !strings.Contains(r.stderr, "respondió a GET /v1/cloudimages/os_version con una lista vacía") {
		t.Errorf("in Spanish: exit %d\n%s", r.code, r.stderr)
	}
}

// Credentials refused on the list are the run's error: nothing more is
// sent (a second IAM login with a wrong password nears a lock-out).
func TestRefusedCredentialsStopAtTheList(t *testing.T) {
	t.Parallel()
	var requests atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusUnauthorized)
		w.Write([]byte(`{"error_code":"APIG.0301","error_msg":"Incorrect IAM authentication information","request_id":"r1"}`))
	}))
	defer srv.Close()
	r := runCLI(t, cleanEnv(t, "OS_AUTH_TOKEN=bad-token"), "--yes", "--endpoint", srv.URL, "--name", "x", "--os-version", "Ubuntu 14.04 server 64bit")
	if r.code != 3 || !strings.Contains(r.stderr, "HTTP 401") || strings.Contains(r.stderr, "POST") || requests.Load() != 1 {
		t.Fatalf("exit %d after %d requests\n%s", r.code, requests.Load(), r.stderr)
	}
}

// A value pasted by mistake is named by its start, not echoed whole.
func TestLongOSVersionIsNotEchoed(t *testing.T) {
	t.Parallel()
	r := runCLI(t, cleanEnv(t), "--yes", "--name", "x", "--os-version", strings.Repeat("a", 131000))
	if r.code != 2 || len(r.stderr) > 2000 || !strings.Contains(r.stderr, "aaaa…") {
		t.Fatalf("exit %d, %d bytes of stderr:\n%.3000s", r.code, len(r.stderr), r.stderr)
	}
}

// The first listing runs the binary, the rest in-process.
func TestOSVersionsCommand(t *testing.T) {
	t.Parallel()
	env := cleanEnv(t)
	noTrailingSpace := func(t *testing.T, out string) {
		t.Helper()
		for _, line := range strings.Split(out, "\n") {
			if strings.TrimRight(line, " ") != line {
				t.Errorf("trailing spaces: %q", line)
			}
		}
	}

	r := runCLI(t, env, "os-versions", "--platform", "UBUNTU")
	if r.code != 0 || !strings.Contains(r.stderr, "OS versions: the live list of built-in sandbox") {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
	if len(lines) != 26 || !strings.HasPrefix(lines[0], "PLATFORM") || !strings.Contains(lines[1], "Ubuntu 24.04 server 64bit") {
		t.Errorf("Ubuntu, newest first:\n%s", r.stdout)
	}
	for _, l := range lines[1:] {
		if !strings.HasPrefix(l, "Ubuntu ") {
			t.Errorf("not Ubuntu: %q", l)
		}
	}
	noTrailingSpace(t, r.stdout)

	r = runInProcess(t, env, "os-versions", "--platform", "Ubunut")
	if r.code != 2 || !strings.Contains(r.stderr, `--platform "Ubunut": no such platform`) || !strings.Contains(r.stderr, "Ubuntu, OpenSUSE") ||
		!strings.Contains(r.stderr, "Rocky Linux") || strings.Contains(r.stderr, "Windows") {
		t.Fatalf("unknown platform: exit %d\n%s", r.code, r.stderr)
	}
	// The start of a name will do when only one platform starts so.
	if r = runInProcess(t, env, "os-versions", "--platform", "rocky"); r.code != 0 || !strings.Contains(r.stdout, "Rocky Linux 9.5 64bit") {
		t.Fatalf("--platform rocky: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if r = runInProcess(t, env, "os-versions", "--platform", "open"); r.code != 2 || !strings.Contains(r.stderr, "OpenSUSE") {
		t.Fatalf("--platform open (OpenSUSE or openEuler): exit %d\n%s", r.code, r.stderr)
	}
	r = runInProcess(t, env, "os-versions", "--platform", "windows")
	if r.code != 2 || !strings.Contains(r.stderr, "--all") {
		t.Fatalf("Windows without --all: exit %d\n%s", r.code, r.stderr)
	}

	r = runInProcess(t, env, "os-versions")
	if r.code != 0 || strings.Contains(r.stdout, "Windows") {
		t.Fatalf("Windows listed without --all: exit %d\n%s", r.code, r.stdout)
	}
	noTrailingSpace(t, r.stdout)
	r = runInProcess(t, env, "os-versions", "--all", "--platform", "Windows")
	if r.code != 0 || strings.Count(r.stdout, "refused: no longer created through this API") != 14 {
		t.Fatalf("--all: exit %d\n%s", r.code, r.stdout)
	}
	noTrailingSpace(t, r.stdout)

	var rows []struct {
		Version  string `json:"os_version"`
		Arch     string `json:"arch"`
		Accepted bool   `json:"accepted"`
		Reason   string `json:"reason"`
	}
	r = runInProcess(t, env, "os-versions", "--all", "-o", "json")
	if err := json.Unmarshal([]byte(r.stdout), &rows); err != nil || r.code != 0 {
		t.Fatalf("json: %v exit %d\n%s", err, r.code, r.stdout)
	}
	windows := 0
	for _, row := range rows {
		isWindows := strings.HasPrefix(row.Version, "Windows")
		if isWindows {
			windows++
		}
		if row.Accepted == isWindows || (isWindows && !strings.Contains(row.Reason, "no longer creates Windows")) {
			t.Errorf("%+v", row)
		}
	}
	if windows != 14 || len(rows) != len(client.EmbeddedCatalog().Versions) {
		t.Errorf("%d rows, %d Windows", len(rows), windows)
	}

	for _, arch := range []string{"arm", "Kunpeng", "aarch64"} {
		r = runInProcess(t, env, "os-versions", "--arch", arch, "-o", "json")
		rows = nil
		if err := json.Unmarshal([]byte(r.stdout), &rows); err != nil || len(rows) != 13 {
			t.Fatalf("--arch %s: %d rows (%v)\n%s", arch, len(rows), err, r.stderr)
		}
		for _, row := range rows {
			if row.Arch != client.ArchArm || !strings.HasSuffix(row.Version, "with ARM") {
				t.Errorf("--arch %s: %+v", arch, row)
			}
		}
	}
	if r = runInProcess(t, env, "os-versions", "--arch", "mips"); r.code != 2 || !strings.Contains(r.stderr, "x86_64 or arm") {
		t.Fatalf("--arch mips: exit %d\n%s", r.code, r.stderr)
	}

	// The embedded catalogue shows each value's evidence, in either language.
	r = runInProcess(t, env, "os-versions", "--endpoint", "http://127.0.0.1:1", "--platform", "ubuntu")
	if r.code != 0 || !strings.Contains(r.stdout, "EVIDENCE") || !strings.Contains(r.stdout, "image-name") ||
		!strings.Contains(r.stdout, "huawei-api-reference") || !strings.Contains(r.stderr, "EVIDENCE says why") {
		t.Fatalf("embedded: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	noTrailingSpace(t, r.stdout)
	r = runInProcess(t, env, "--lang", "es", "os-versions", "--endpoint", "http://127.0.0.1:1", "--platform", "ubuntu")
	if r.code != 0 || !strings.Contains(r.stdout, "PLATAFORMA") || !strings.Contains(r.stderr, "el catálogo integrado; no se pudo conectar") {
		t.Fatalf("Spanish: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
}
