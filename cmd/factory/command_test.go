package factory

import (
	"os/exec"
	"strings"
	"testing"
	"time"
)

// A printed command keeps the connection flags that reach the target and
// reads back, word for word, as it was built, whatever the words hold.
func TestCommandQuotesEveryWord(t *testing.T) {
	f := &ConnFlags{CACert: "/tmp/my ca.pem", Timeout: 90 * time.Second}
	got := f.Command(Target{Kind: "endpoint", Endpoint: "http://127.0.0.1:9292"}, "upload", "id-1", "it's\x1b[31m.qcow2")
	want := `ims-wizard upload id-1 $'it\'s\x1b[31m.qcow2' --endpoint http://127.0.0.1:9292 --cacert '/tmp/my ca.pem' --timeout 1m30s`
	if got != want {
		t.Fatalf("got  %s\nwant %s", got, want)
	}
	out, err := exec.Command("bash", "-c", "printf '%s|' "+strings.TrimPrefix(got, "ims-wizard ")).Output()
	if err != nil || string(out) != "upload|id-1|it's\x1b[31m.qcow2|--endpoint|http://127.0.0.1:9292|--cacert|/tmp/my ca.pem|--timeout|1m30s|" {
		t.Errorf("bash reads %q (%v)", out, err)
	}
}
