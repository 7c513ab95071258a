package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ims-wizard/ims-wizard/client"
	"github.com/ims-wizard/ims-wizard/client/sandbox"
)

func TestNoTerminalWithoutYesFailsAtOnce(t *testing.T) {
	t.Parallel()
	r := runCLI(t, cleanEnv(t))
	if r.code != 2 || !strings.Contains(r.stderr, "--yes") || !strings.Contains(r.stderr, "--name") {
		t.Fatalf("code %d stderr %q", r.code, r.stderr)
	}
	if r.stdout != "" {
		t.Fatalf("stdout should be empty, got %q", r.stdout)
	}
}

// The README's promise: no account, no flags but a name, a queued image.
func TestDefaultSandboxCreatesQueuedImage(t *testing.T) {
	t.Parallel()
	r := runCLI(t, cleanEnv(t), "--yes", "--name", "demo", "-o", "json")
	if r.code != 0 {
		t.Fatalf("code %d stderr %s", r.code, r.stderr)
	}
	img := decode(t, r.stdout)
	if img["status"] != "queued" || img["name"] != "demo" || img["id"] == "" {
		t.Fatalf("got %v", img)
	}
	if !strings.Contains(r.stderr, "sandbox") {
		t.Fatalf("stderr should say the sandbox is used: %q", r.stderr)
	}
	if !strings.Contains(r.stderr, "warning: __os_version") {
		t.Fatalf("omitting the OS should warn: %q", r.stderr)
	}
}

func TestVersionAndCompletion(t *testing.T) {
	t.Parallel()
	if r := runCLI(t, cleanEnv(t), "--version"); r.code != 0 || !strings.Contains(r.stdout, "ims-wizard version") {
		t.Fatalf("%+v", r)
	}
	if r := runCLI(t, cleanEnv(t), "completion", "bash"); r.code != 0 || !strings.Contains(r.stdout, "bash completion") {
		t.Fatalf("code %d stderr %s", r.code, r.stderr)
	}
}

func TestUnknownFlagIsUsageError(t *testing.T) {
	t.Parallel()
	r := runCLI(t, cleanEnv(t), "--yes", "--nmae", "x")
	if r.code != 2 || !strings.Contains(r.stderr, "--nmae") {
		t.Fatalf("%+v", r)
	}
}

func TestNetworkErrorExit4(t *testing.T) {
	t.Parallel()
	r := runCLI(t, cleanEnv(t), "--yes", "--name", "x", "--endpoint", "http://127.0.0.1:1")
	if r.code != 4 || !strings.Contains(r.stderr, "connection refused") || !strings.Contains(r.stderr, "what to do") {
		t.Fatalf("%+v", r)
	}
}

func TestCredentialsWithoutRegionIsUsageError(t *testing.T) {
	t.Parallel()
	r := runCLI(t, cleanEnv(t, "OS_AUTH_TOKEN=tok-secret"), "--yes", "--name", "x")
	if r.code != 2 || !strings.Contains(r.stderr, "--region") || strings.Contains(r.stderr, "tok-secret") {
		t.Fatalf("%+v", r)
	}
	r = runCLI(t, cleanEnv(t, "OS_AUTH_TOKEN=tok-secret"), "--yes", "--name", "x", "--region", "mars-1", "--dry-run")
	if r.code != 2 || !strings.Contains(r.stderr, "mars-1") {
		t.Fatalf("%+v", r)
	}
}

func TestDryRunWithRegionShowsEndpointAndRedactedCurl(t *testing.T) {
	t.Parallel()
	r := runCLI(t, cleanEnv(t, "OS_AUTH_TOKEN=tok-secret-123"), append([]string{"--dry-run", "--region", "cn-north-4"}, seedArgs...)...)
	if r.code != 0 {
		t.Fatalf("%+v", r)
	}
	for _, want := range []string{"https://ims.cn-north-4.myhuaweicloud.com/v2/images", "token from OS_AUTH_TOKEN", `printf 'X-Auth-Token: %s\n' "$OS_AUTH_TOKEN"`, `"__os_version": "Ubuntu 14.04 server 64bit"`} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("dry run lacks %q:\n%s", want, r.stdout)
		}
	}
	if strings.Contains(r.stdout+r.stderr, "tok-secret-123") {
		t.Fatal("token leaked")
	}
}

// server is an API the suite runs against: the sandbox always, real Glance
// when make test started one.
type server struct {
	name string
	url  string
}

func servers(t *testing.T) []server {
	srv := sandbox.New(sandbox.Options{})
	url, err := srv.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	list := []server{{"sandbox", url}}
	if g := os.Getenv("IMS_TEST_GLANCE_URL"); g != "" {
		list = append(list, server{"glance", g})
	} else {
		skipGlanceHalf(t, "IMS_TEST_GLANCE_URL not set: skipping the real-Glance half of this suite (make test starts Glance and sets it)")
	}
	return list
}

// skipGlanceHalf reports the real-Glance half that did not run as a
// skipped subtest, with why: a log line would let the test pass as if the
// half had run.
func skipGlanceHalf(t *testing.T, why string) {
	t.Helper()
	t.Run("glance", func(t *testing.T) { t.Skip(why) })
}

func uniqueName(prefix string) string { return fmt.Sprintf("%s-%d", prefix, time.Now().UnixNano()) }

func TestSuiteAgainstServers(t *testing.T) {
	t.Parallel()
	for _, s := range servers(t) {
		t.Run(s.name, func(t *testing.T) { suite(t, s) })
	}
}

func suite(t *testing.T, s server) {
	c, err := client.New(client.Config{Endpoint: s.url})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	endpoint := []string{"--endpoint", s.url}

	t.Run("seed example created and read back field by field", func(t *testing.T) {
		name := uniqueName("seed")
		args := append(append([]string{"--yes", "-o", "json"}, endpoint...), seedArgs...)
		args = append(args, "--name", name)
		r := runCLI(t, cleanEnv(t), args...)
		if r.code != 0 {
			t.Fatalf("code %d\n%s", r.code, r.stderr)
		}
		printed := decode(t, r.stdout)
		got, err := c.Get(ctx, printed["id"].(string))
		if err != nil {
			t.Fatal(err)
		}
		img := got.Image
		checks := map[string][2]any{
			"name":             {img.Name, name},
			"__os_version":     {img.OSVersion, "Ubuntu 14.04 server 64bit"},
			"container_format": {img.ContainerFormat, "bare"},
			"disk_format":      {img.DiskFormat, "vhd"},
			"min_disk":         {img.MinDisk, int64(100)},
			"min_ram":          {img.MinRAM, int64(1024)},
			"visibility":       {img.Visibility, "private"},
			"protected":        {img.Protected, false},
			"status":           {img.Status, "queued"},
			"tags":             {strings.Join(sorted(img.Tags), ","), "image=imagevalue,test=testvalue"},
			"self":             {img.Self, "/v2/images/" + img.ID},
			"file":             {img.File, "/v2/images/" + img.ID + "/file"},
		}
		for field, c := range checks {
			if fmt.Sprint(c[0]) != fmt.Sprint(c[1]) {
				t.Errorf("%s: got %v, want %v", field, c[0], c[1])
			}
		}
		if printed["id"] != img.ID || img.CreatedAt == "" || img.Schema == "" {
			t.Errorf("incomplete image: %s", img.Raw)
		}
		if got.RequestID == "" {
			t.Error("no request id")
		}
		if s.name == "sandbox" {
			if img.Platform != "Ubuntu" || img.OSType != "Linux" || img.OSBit.Value != 64 || img.VirtualEnvType != "FusionCompute" ||
				!img.IsRegistered.Value || img.ImageType != "private" || !img.ImageSize.Valid {
				t.Errorf("IMS-derived fields wrong: %s", img.Raw)
			}
		}
	})

	t.Run("text output explains status and next step", func(t *testing.T) {
		r := runCLI(t, cleanEnv(t), append(endpoint, "--yes", "--name", uniqueName("text"), "--os-version", "CentOS 7.6 64bit")...)
		if r.code != 0 {
			t.Fatalf("code %d\n%s", r.code, r.stderr)
		}
		for _, want := range []string{"Created image", "status", "queued: metadata created; upload the image file next", "request id", "Next: upload the image file", "ims-wizard upload "} {
			if !strings.Contains(r.stdout, want) {
				t.Errorf("text output lacks %q:\n%s", want, r.stdout)
			}
		}
	})

	invalid := []struct {
		args  []string
		field string
	}{
		{[]string{"--name", ""}, "name"},
		{[]string{"--name", strings.Repeat("n", 256)}, "name"},
		{[]string{"--os-version", "Windows Server 2019 Standard 64bit"}, "__os_version"},
		{[]string{"--os-version", "Ubuntu 99"}, "__os_version"},
		{[]string{"--visibility", "public"}, "visibility"},
		{[]string{"--container-format", "ovf"}, "container_format"},
		{[]string{"--disk-format", "vmdk"}, "disk_format"},
		{[]string{"--tag", "novalue"}, "tags"},
		{[]string{"--tag", "a=1", "--tag", "a=1"}, "tags"},
		{[]string{"--min-ram", "-1"}, "min_ram"},
		{[]string{"--min-ram", "2147483648"}, "min_ram"},
		{[]string{"--min-ram", "lots"}, "min_ram"},
		{[]string{"--min-disk", "39"}, "min_disk"},
		{[]string{"--min-disk", "256"}, "min_disk"},
	}
	// The matrix runs in-process (the other cases here run the binary).
	for _, tc := range invalid {
		t.Run("invalid "+strings.Join(tc.args, " "), func(t *testing.T) {
			name := uniqueName("invalid")
			args := append(append([]string{"--yes", "--name", name}, endpoint...), tc.args...)
			r := runInProcess(t, cleanEnv(t), args...)
			if r.code != 2 || !strings.Contains(r.stderr, "  "+tc.field+" (") || !strings.Contains(r.stderr, "nothing was sent") {
				t.Fatalf("code %d\nstderr %s", r.code, r.stderr)
			}
			if imgs, err := c.ListByName(ctx, name); err != nil || len(imgs) != 0 {
				t.Fatalf("an image was created: %v %v", imgs, err)
			}
		})
	}

	t.Run("every invalid field listed at once", func(t *testing.T) {
		r := runCLI(t, cleanEnv(t), append(endpoint, "--yes", "--name", "", "--disk-format", "x", "--min-disk", "1", "--tag", "=v")...)
		if r.code != 2 || !strings.Contains(r.stderr, "4 problems") {
			t.Fatalf("code %d\n%s", r.code, r.stderr)
		}
	})

	t.Run("dry run sends nothing", func(t *testing.T) {
		name := uniqueName("dry")
		r := runCLI(t, cleanEnv(t), append(append(endpoint, "--dry-run"), append(seedArgs, "--name", name)...)...)
		if r.code != 0 || !strings.Contains(r.stdout, "curl -sS -X POST '"+s.url+"/v2/images'") || !strings.Contains(r.stdout, `"name": "`+name+`"`) {
			t.Fatalf("code %d\n%s\n%s", r.code, r.stdout, r.stderr)
		}
		if imgs, _ := c.ListByName(ctx, name); len(imgs) != 0 {
			t.Fatal("dry run created an image")
		}
	})

	t.Run("no-validate reaches the server's refusal", func(t *testing.T) {
		r := runCLI(t, cleanEnv(t), append(endpoint, "--yes", "--no-validate", "--name", uniqueName("nv"), "--min-ram", "-1")...)
		if r.code != 3 || !strings.Contains(r.stderr, "HTTP 400") || !strings.Contains(r.stderr, "--no-validate") {
			t.Fatalf("code %d\n%s", r.code, r.stderr)
		}
	})

	t.Run("debug traces the exchange on stderr", func(t *testing.T) {
		r := runCLI(t, cleanEnv(t), append(endpoint, "--yes", "--debug", "-o", "json", "--name", uniqueName("dbg"))...)
		if r.code != 0 || !strings.Contains(r.stderr, "> POST "+s.url+"/v2/images") || !strings.Contains(r.stderr, "< HTTP/1.1 201") {
			t.Fatalf("code %d\n%s", r.code, r.stderr)
		}
		decode(t, r.stdout) // stdout stays pure JSON
	})
}

func sorted(ss []string) []string {
	out := slices.Clone(ss)
	slices.Sort(out)
	return out
}

func TestNoValidateSendsValuesAsGiven(t *testing.T) {
	t.Parallel()
	r := runCLI(t, cleanEnv(t), "--dry-run", "-o", "json", "--no-validate", "--name", "x", "--os-version", " Ubuntu  14.04 ", "--disk-format", "vmdk")
	if r.code != 0 || !strings.Contains(r.stdout, `"__os_version": " Ubuntu  14.04 "`) || !strings.Contains(r.stdout, `"disk_format": "vmdk"`) ||
		!strings.Contains(r.stderr, "--no-validate") {
		t.Fatalf("exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
}

// The wizard splits tags on commas; the flags do the same, so a flag that
// prefills the wizard means the same thing in both.
func TestTagFlagSplitsOnCommas(t *testing.T) {
	t.Parallel()
	r := runCLI(t, cleanEnv(t), "--dry-run", "-o", "json", "--name", "x", "--tag", "a=1, b=2", "--tag", "c=3")
	var body struct{ Tags []string }
	if err := json.Unmarshal([]byte(r.stdout), &body); err != nil || strings.Join(body.Tags, "|") != "a=1|b=2|c=3" {
		t.Fatalf("exit %d tags %v (%v)\n%s", r.code, body.Tags, err, r.stderr)
	}
}

// Without a terminal and without --yes the command refuses before it
// connects or says anything about a request: no "POST" line that reads as
// if something was sent, and nothing created.
func TestNotATerminalRefusesFirst(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	r := runCLI(t, envWith(t, dir), "--name", "never-sent")
	if r.code != 2 || !strings.Contains(r.stderr, "not a terminal: pass --yes") {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	if strings.Contains(r.stderr+r.stdout, "POST") || strings.Contains(r.stderr, "Using the built-in") {
		t.Errorf("said something about a request before refusing:\n%s%s", r.stdout, r.stderr)
	}
	if l := runCLI(t, envWith(t, dir), "sandbox", "list"); strings.Contains(l.stdout, "never-sent") {
		t.Errorf("an image was created:\n%s", l.stdout)
	}
}
