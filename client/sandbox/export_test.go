package sandbox

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"time"
)

// FillState writes n queued images straight into the state directory dir
// (opened once before, so that it exists), as if n creates had happened:
// the quick way to a large state for benchmarks and tests.
func FillState(dir string, n int) error {
	created := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range n {
		img := &image{
			Format: recordFormat, ID: fmt.Sprintf("fill-%06d", i), Seq: uint64(i + 1), Name: fmt.Sprintf("filler %d", i),
			OS:              osRecord{Version: "Ubuntu 14.04 server 64bit", Platform: "Ubuntu", Type: "Linux", Bits: 64},
			ContainerFormat: "bare", DiskFormat: "vhd", Tags: []string{"fill=yes"}, Status: statusQueued,
			CreatedAt: created.Add(time.Duration(i) * time.Second), UpdatedAt: created.Add(time.Duration(i) * time.Second),
		}
		raw, err := json.Marshal(img)
		if err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(dir, imagesDir, img.ID+recordSuffix), raw, privateFile); err != nil {
			return err
		}
	}
	return nil
}
