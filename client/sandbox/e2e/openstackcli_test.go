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
// in two halves on images of their own (the file's life; the metadata's
// changes), and every half runs on every target at once. Its Python costs
// ~15 s of CPU, more than the rest of a plain `go test ./...`: it runs
// under make test (which starts Glance, the outcomes it is compared with)
// or when asked for with IMS_TEST_OPENSTACK_CLI=1.
func TestOpenstackCLI(t *testing.T) {
	t.Parallel()
	if os.Getenv("IMS_TEST_GLANCE_URL") == "" && os.Getenv("IMS_TEST_OPENSTACK_CLI") != "1" {
		t.Skip("the openstack CLI scenario runs under make test, or with IMS_TEST_OPENSTACK_CLI=1 (it costs ~15 s of CPU)")
	}
	if _, err := exec.LookPath("openstack"); err != nil {
		t.Skip("the openstack CLI is not installed (.ci/glance install installs python3-openstackclient)")
	}
	tgs := targets(t)
	halves := []struct {
		name     string
		scenario func(*outcomes)
	}{{"file", openstackFileScenario}, {"metadata", openstackMetadataScenario}}
	all := make([][]*outcomes, len(halves))
	t.Run("targets", func(t *testing.T) {
		for h, half := range halves {
			all[h] = make([]*outcomes, len(tgs))
			for i, tg := range tgs {
				o := newOutcomes(t, tg)
				all[h][i] = o
				t.Run(half.name+"/"+tg.name, func(t *testing.T) {
					t.Parallel()
					o.t = t
					half.scenario(o)
				})
			}
		}
	})
	for _, outcomes := range all {
		same(t, outcomes)
	}
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

// openstackCLI is what both halves share: the call and image show.
type openstackCLI struct {
	o   *outcomes
	env []string
}

func newOpenstackCLI(o *outcomes) *openstackCLI { return &openstackCLI{o: o, env: osEnv(o.t)} }

func (c *openstackCLI) run(args ...string) (string, string) {
	t := c.o.t
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	all := append([]string{"--os-auth-type", "none", "--os-endpoint", c.o.target.url, "image"}, args...)
	cmd := exec.CommandContext(ctx, "openstack", all...)
	cmd.Env = c.env
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	if err != nil {
		t.Logf("%s: openstack image %s: %v\n%s", c.o.target.name, strings.Join(args, " "), err, errOut.String())
		return "exit " + fmt.Sprint(cmd.ProcessState.ExitCode()), out.String()
	}
	return "ok", out.String()
}

func (c *openstackCLI) show(name string) map[string]any {
	t := c.o.t
	t.Helper()
	rc, out := c.run("show", "-f", "json", name)
	var m map[string]any
	if rc != "ok" || json.Unmarshal([]byte(out), &m) != nil {
		t.Fatalf("%s: image show %s: %s %s", c.o.target.name, name, rc, out)
	}
	return m
}

// openstackFileScenario: an image created with its file, shown active with
// the file's checksum, saved back, deleted.
func openstackFileScenario(o *outcomes) {
	t := o.t
	c := newOpenstackCLI(o)
	name := unique("cli")
	file := filepath.Join(t.TempDir(), "disk.vhd")
	data := bytes.Repeat([]byte("openstack "), 3000)
	os.WriteFile(file, data, 0o600)
	sum := md5.Sum(data)

	rc, _ := c.run("create", "--container-format", "bare", "--disk-format", "vhd", "--min-disk", "40", "--private",
		"--tag", "e2e=cli", "--property", "__os_version=Ubuntu 14.04 server 64bit", "--file", file, "-f", "json", name)
	o.check("image create --file", rc, "ok")
	if rc != "ok" {
		return
	}
	m := c.show(name)
	props, _ := m["properties"].(map[string]any)
	o.check("image show", fmt.Sprintf("%s %v %v %v %v %v", m["status"], m["checksum"] == hex.EncodeToString(sum[:]), m["size"], m["tags"],
		m["min_disk"], props["__os_version"]), fmt.Sprintf("active true %d [e2e=cli] 40 Ubuntu 14.04 server 64bit", len(data)))

	saved := filepath.Join(t.TempDir(), "saved")
	rc, _ = c.run("save", "--file", saved, name)
	got, _ := os.ReadFile(saved)
	o.check("image save", fmt.Sprintf("%s %v", rc, bytes.Equal(got, data)), "ok true")

	rc, _ = c.run("delete", name)
	o.check("image delete", rc, "ok")
	rc, _ = c.run("show", name)
	o.check("image show deleted", rc, "exit 1")
}

// openstackMetadataScenario: an image found by name, renamed, its
// properties and tags set and unset.
func openstackMetadataScenario(o *outcomes) {
	c := newOpenstackCLI(o)
	name := unique("cli-meta")
	rc, _ := c.run("create", "--container-format", "bare", "--disk-format", "vhd", "--min-disk", "40", "--private",
		"--tag", "e2e=cli", "--property", "__os_version=Ubuntu 14.04 server 64bit", "-f", "json", name)
	o.check("image create", rc, "ok")
	if rc != "ok" {
		return
	}
	rc, out := c.run("list", "--name", name, "-f", "json")
	var rows []map[string]any
	json.Unmarshal([]byte(out), &rows)
	o.check("image list --name", fmt.Sprintf("%s %d", rc, len(rows)), "ok 1")

	renamed := name + "-renamed"
	rc, _ = c.run("set", "--name", renamed, "--property", "hw_disk_bus=scsi", "--tag", "t=2", name)
	o.check("image set", rc, "ok")
	rc, _ = c.run("unset", "--property", "hw_disk_bus", "--tag", "e2e=cli", renamed)
	o.check("image unset", rc, "ok")
	m := c.show(renamed)
	props, _ := m["properties"].(map[string]any)
	_, hasBus := props["hw_disk_bus"]
	tags, _ := m["tags"].([]any)
	var tagList []string
	for _, tg := range tags {
		tagList = append(tagList, fmt.Sprint(tg))
	}
	slices.Sort(tagList)
	o.check("image show after set/unset", fmt.Sprintf("%v %v %v", m["name"] == renamed, tagList, hasBus), "true [t=2] false")

	rc, _ = c.run("delete", renamed) // Glance's state outlives the test
	o.check("image delete renamed", rc, "ok")
}
