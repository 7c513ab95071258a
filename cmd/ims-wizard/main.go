// Command ims-wizard creates image metadata on Huawei Cloud IMS.
package main

import (
	"os"

	"github.com/ims-wizard/ims-wizard/cmd/root"
)

// version is set at build time: -ldflags "-X main.version=1.2.3".
var version = "dev"

func main() { os.Exit(root.Main(version, os.Args[1:])) }
