// Package osversions is `ims-wizard os-versions`: the __os_version
// catalogue, live from IMS when connected to a region.
package osversions

import (
	"encoding/json"
	"fmt"
	"text/tabwriter"

	"github.com/ims-wizard/ims-wizard/client"
	"github.com/ims-wizard/ims-wizard/cmd/exitcode"
	"github.com/ims-wizard/ims-wizard/cmd/factory"
	"github.com/spf13/cobra"
)

// NewCmd returns the os-versions command.
func NewCmd(io *factory.IOStreams, env factory.Env, conn *factory.ConnFlags) *cobra.Command {
	var output, platform string
	cmd := &cobra.Command{
		Use:   "os-versions",
		Short: "List the OS versions accepted as --os-version",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if output != "text" && output != "json" {
				return exitcode.Usage(fmt.Errorf("-o/--output %q: use text or json", output))
			}
			c, err := conn.Connect(env, io.ErrOut)
			if err != nil {
				return err
			}
			defer c.Close()
			cat, notice := c.Catalog(cmd.Context())
			if notice != "" {
				fmt.Fprintln(io.ErrOut, notice)
			}
			var list []client.OSVersion
			for _, v := range cat.Versions {
				if platform == "" || v.Platform == platform {
					list = append(list, v)
				}
			}
			if output == "json" {
				enc := json.NewEncoder(io.Out)
				enc.SetIndent("", "  ")
				return enc.Encode(list)
			}
			w := tabwriter.NewWriter(io.Out, 0, 0, 2, ' ', 0)
			fmt.Fprintln(w, "PLATFORM\tTYPE\tBITS\tOS VERSION\tNOTE")
			for _, v := range list {
				note := ""
				if client.IsWindows(v) {
					note = "not accepted: no longer created through this API"
				} else if v.Version == client.FallbackOSVersion {
					note = "IMS's fallback: servers may fail to start"
				}
				fmt.Fprintf(w, "%s\t%s\t%d\t%s\t%s\n", client.Inert(v.Platform), client.Inert(v.Type), v.Bits, client.Inert(v.Version), note)
			}
			return w.Flush()
		},
	}
	cmd.Flags().StringVarP(&output, "output", "o", "text", "output format: text or json")
	cmd.Flags().StringVar(&platform, "platform", "", "only this platform, e.g. Ubuntu")
	return cmd
}
