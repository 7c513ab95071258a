package e2e

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// The openstack CLI (Debian's python3-openstackclient, installed by
// .ci/glance install) takes about a second a call: the scenario is short,
// and runs on both targets at once.
func TestOpenstackCLI(t *testing.T) {
	t.Parallel()
	if _, err := exec.LookPath("openstack"); err != nil {
		t.Skip("the openstack CLI is not installed (.ci/glance install installs python3-openstackclient)")
	}
	tgs := targets(t)
	all := make([]*outcomes, len(tgs))
	t.Run("targets", func(t *testing.T) {
		for i, tg := range tgs {
			o := newOutcomes(t, tg)
			all[i] = o
			t.Run(tg.name, func(t *testing.T) {
				t.Parallel()
				o.t = t
				openstackScenario(o)
			})
		}
	})
	same(t, all)
}

// osEnv is the environment of an openstack call: no OS_* or proxy
// variables of the machine, an empty home.
func osEnv(t *testing.T) []string {
	var env []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(k, "OS_") || strings.HasSuffix(strings.ToUpper(k), "_PROXY") || k == "HOME" {
			continue
		}
		env = append(env, kv)
	}
	return append(env, "HOME="+t.TempDir())
}

func openstackScenario(o *outcomes) {
	t := o.t
	env := osEnv(t)
	run := func(args ...string) (string, string) {
		t.Helper()
		ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
		defer cancel()
		all := append([]string{"--os-auth-type", "none", "--os-endpoint", o.target.url, "image"}, args...)
		cmd := exec.CommandContext(ctx, "openstack", all...)
		cmd.Env = env
		var out, errOut bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &errOut
		err := cmd.Run()
		if err != nil {
			t.Logf("%s: openstack image %s: %v\n%s", o.target.name, strings.Join(args, " "), err, errOut.String())
			return "exit " + fmt.Sprint(cmd.ProcessState.ExitCode()), out.String()
		}
		return "ok", out.String()
	}
	show := func(name string) map[string]any {
		t.Helper()
		rc, out := run("show", "-f", "json", name)
		var m map[string]any
		if rc != "ok" || json.Unmarshal([]byte(out), &m) != nil {
			t.Fatalf("%s: image show %s: %s %s", o.target.name, name, rc, out)
		}
		return m
	}

	name := unique("cli")
	file := filepath.Join(t.TempDir(), "disk.vhd")
	data := bytes.Repeat([]byte("openstack "), 3000)
	os.WriteFile(file, data, 0o600)
	sum := md5.Sum(data)

	rc, _ := run("create", "--container-format", "bare", "--disk-format", "vhd", "--min-disk", "40", "--private",
		"--tag", "e2e=cli", "--property", "__os_version=Ubuntu 14.04 server 64bit", "--file", file, "-f", "json", name)
	o.check("image create --file", rc, "ok")
	if rc != "ok" {
		return
	}
	m := show(name)
	props, _ := m["properties"].(map[string]any)
	o.check("image show", fmt.Sprintf("%s %v %v %v %v %v", m["status"], m["checksum"] == hex.EncodeToString(sum[:]), m["size"], m["tags"],
		m["min_disk"], props["__os_version"]), fmt.Sprintf("active true %d [e2e=cli] 40 Ubuntu 14.04 server 64bit", len(data)))

	rc, out := run("list", "--name", name, "-f", "json")
	var rows []map[string]any
	json.Unmarshal([]byte(out), &rows)
	o.check("image list --name", fmt.Sprintf("%s %d", rc, len(rows)), "ok 1")

	renamed := name + "-renamed"
	rc, _ = run("set", "--name", renamed, "--property", "hw_disk_bus=scsi", "--tag", "t=2", name)
	o.check("image set", rc, "ok")
	rc, _ = run("unset", "--property", "hw_disk_bus", "--tag", "e2e=cli", renamed)
	o.check("image unset", rc, "ok")
	m = show(renamed)
	props, _ = m["properties"].(map[string]any)
	_, hasBus := props["hw_disk_bus"]
	tags, _ := m["tags"].([]any)
	var tagList []string
	for _, tg := range tags {
		tagList = append(tagList, fmt.Sprint(tg))
	}
	slices.Sort(tagList)
	o.check("image show after set/unset", fmt.Sprintf("%v %v %v", m["name"] == renamed, tagList, hasBus), "true [t=2] false")

	saved := filepath.Join(t.TempDir(), "saved")
	rc, _ = run("save", "--file", saved, renamed)
	got, _ := os.ReadFile(saved)
	o.check("image save", fmt.Sprintf("%s %v", rc, bytes.Equal(got, data)), "ok true")

	rc, _ = run("delete", renamed)
	o.check("image delete", rc, "ok")
	rc, _ = run("show", renamed)
	o.check("image show deleted", rc, "exit 1")
}
