package create

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/ims-wizard/ims-wizard/client"
	"github.com/ims-wizard/ims-wizard/cmd/exitcode"
	"github.com/ims-wizard/ims-wizard/ui"
)

// On a terminal, --from opens the wizard prefilled from the paste: the
// pasted fields (and flags next to it) win over a draft, the notices are
// said first, and nothing of the pasted credential reaches the wizard.
func TestFromOpensTheWizardPrefilled(t *testing.T) {
	const tok = "tok-NEVER-IN-OPTIONS-5d1e"
	dir := t.TempDir()
	paste := `curl -X POST https://ims.cn-north-4.myhuaweicloud.com/v2/images -H 'X-Auth-Token: ` + tok + `' \
  -H 'Content-Type: application/json' -d '{"name": "cust", "__os_version": "Ubuntu  14.04 server 64bit", "min_disk": 100, "os_distro": "ubuntu"}'`
	path := filepath.Join(dir, "ticket.txt")
	if err := os.WriteFile(path, []byte(paste), 0o600); err != nil {
		t.Fatal(err)
	}
	_, stderr, code, o := runWizardCmd(t, []string{"--from", path, "--min-ram", "2048"}, func(ui.Options) (*client.Result, error) {
		return nil, nil
	})
	if code != exitcode.OK {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	want := client.Request{Name: "cust", OSVersion: "Ubuntu 14.04 server 64bit", ContainerFormat: "bare", DiskFormat: "zvhd2",
		Visibility: "private", MinDisk: client.Int64(100), MinRAM: client.Int64(2048), Properties: []client.Property{{Key: "os_distro", Value: "ubuntu"}}}
	if !reflect.DeepEqual(o.Initial, want) {
		t.Errorf("Initial\n%s\nwant\n%s", o.Initial.Body(), want.Body())
	}
	if got := strings.Join(o.InitialFields, ","); got != "name,__os_version,min_disk,min_ram" {
		t.Errorf("InitialFields %s", got)
	}
	if !strings.Contains(stderr, "ignored: X-Auth-Token (a credential); this machine's credentials will be used: none (sandbox)") {
		t.Errorf("stderr:\n%s", stderr)
	}
	if strings.Contains(stderr, tok) || strings.Contains(string(o.Initial.Body()), tok) {
		t.Errorf("the pasted token reached the wizard or stderr")
	}
}

// A paste with no readable body is refused before any wizard opens.
func TestFromWithoutABodyDoesNotOpenTheWizard(t *testing.T) {
	path := filepath.Join(t.TempDir(), "ticket.txt")
	if err := os.WriteFile(path, []byte(`curl -X POST https://ims.cn-north-4.myhuaweicloud.com/v2/images -d '{"name": '`), 0o600); err != nil {
		t.Fatal(err)
	}
	opened := false
	_, stderr, code, _ := runWizardCmd(t, []string{"--from", path}, func(ui.Options) (*client.Result, error) {
		opened = true
		return nil, nil
	})
	if opened || code != exitcode.Invalid || !strings.Contains(stderr, "body: ends before the JSON object is closed") {
		t.Errorf("opened %v, exit %d\n%s", opened, code, stderr)
	}
}
