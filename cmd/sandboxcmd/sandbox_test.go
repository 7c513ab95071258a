package sandboxcmd

import "testing"

func TestListensBeyondLoopback(t *testing.T) {
	for addr, remote := range map[string]bool{
		"127.0.0.1:9292": false, "127.0.0.2:9292": false, "[::1]:9292": false, "localhost:9292": false, "LOCALHOST:0": false,
		":9292": true, "0.0.0.0:9292": true, "[::]:9292": true, "192.168.1.5:9292": true, "10.0.0.1:0": true, "example.com:80": true,
	} {
		got, err := listensBeyondLoopback(addr)
		if err != nil || got != remote {
			t.Errorf("listensBeyondLoopback(%q) = %v %v, want %v", addr, got, err, remote)
		}
	}
	if _, err := listensBeyondLoopback("no-port"); err == nil {
		t.Error("an address without a port was accepted")
	}
}
