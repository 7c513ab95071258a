// Package osversions is `ims-wizard os-versions`: the __os_version values
// create accepts, from the target's live list wherever it answers, else
// from the embedded catalogue.
package osversions

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/ims-wizard/ims-wizard/client"
	"github.com/ims-wizard/ims-wizard/client/l10n"
	"github.com/ims-wizard/ims-wizard/cmd/exitcode"
	"github.com/ims-wizard/ims-wizard/cmd/factory"
	"github.com/spf13/cobra"
)

// Reasons in -o json, which stays English like every machine output.
const (
	reasonWindows  = "Windows: Huawei Cloud no longer creates Windows image metadata through this API"
	warningDefault = "IMS's fallback value: servers created from the image may fail to start"
)

// listed is one row of -o json: the value, and whether create takes it.
type listed struct {
	client.OSVersion
	Accepted bool   `json:"accepted"`
	Reason   string `json:"reason,omitempty"`  // why not, when not accepted
	Warning  string `json:"warning,omitempty"` // accepted, with a warning
}

type options struct {
	output, platform, arch string
	all, refresh           bool
}

// NewCmd returns the os-versions command.
func NewCmd(deps factory.Deps) *cobra.Command {
	loc := deps.Loc
	var o options
	cmd := &cobra.Command{
		Use:   "os-versions",
		Short: loc.T("osversions.cmd.short"),
		Long:  loc.T("osversions.cmd.long"),
		Example: `  ims-wizard os-versions --platform ubuntu
  ims-wizard os-versions --arch arm -o json
  ims-wizard os-versions --refresh --region cn-north-4`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return run(cmd, deps, o) },
	}
	cmd.Flags().StringVarP(&o.output, "output", "o", "text", loc.T("osversions.flag.output"))
	cmd.Flags().StringVar(&o.platform, "platform", "", loc.T("osversions.flag.platform"))
	cmd.Flags().StringVar(&o.arch, "arch", "", loc.T("osversions.flag.arch"))
	cmd.Flags().BoolVar(&o.all, "all", false, loc.T("osversions.flag.all"))
	cmd.Flags().BoolVar(&o.refresh, "refresh", false, loc.T("osversions.flag.refresh"))
	return cmd
}

func run(cmd *cobra.Command, deps factory.Deps, o options) error {
	io, loc := deps.IO, deps.Loc
	if o.output != "text" && o.output != "json" {
		return exitcode.Usage(client.NewError(nil, "cli.output.unknown", l10n.Args{"Flag": "-o/--output", "Value": client.Inert(fmt.Sprintf("%q", o.output))}))
	}
	arch := ""
	if o.arch != "" {
		a, ok := client.ParseArch(o.arch)
		if !ok {
			return exitcode.Usage(errors.New(loc.T("osversions.list.unknown_arch", l10n.Args{"Value": fmt.Sprintf("%q", o.arch)})))
		}
		arch = a
	}
	conn, err := deps.Conn.Connect(deps.Env, io.ErrOut)
	if err != nil {
		return err
	}
	defer conn.Close()
	for _, n := range conn.Notices {
		fmt.Fprintln(io.ErrOut, n)
	}
	read := conn.Catalog
	if o.refresh {
		read = conn.RefreshCatalog
	}
	cat, err := read(cmd.Context())
	if err != nil {
		return factory.CatalogFailed(io.ErrOut, loc, err)
	}
	sayWhichList(io.ErrOut, loc, cat, o.refresh)

	rows, err := selectRows(loc, cat, o, arch)
	if err != nil {
		return err
	}
	if o.output == "json" {
		enc := json.NewEncoder(io.Out)
		enc.SetIndent("", "  ")
		return enc.Encode(rows)
	}
	if len(rows) == 0 {
		fmt.Fprintln(io.ErrOut, loc.T("osversions.list.none"))
		return nil
	}
	return printText(io.Out, loc, rows, cat.Source.Origin != client.OriginLive)
}

// sayWhichList is the line on stderr saying which list this is, how old,
// and what follows from it.
func sayWhichList(w io.Writer, loc *l10n.Localizer, cat *client.Catalog, refreshed bool) {
	fmt.Fprintln(w, cat.Source.Describe(loc, time.Now()))
	switch {
	case cat.Source.Cached && !refreshed:
		fmt.Fprintln(w, loc.T("osversions.list.cached_hint"))
	case cat.Source.Origin == client.OriginEmbedded:
		fmt.Fprintln(w, loc.T("osversions.list.evidence_note"))
	}
}

// selectRows applies --arch, --platform and --all, newest releases first:
// Windows is left out unless --all, and then marked as refused.
func selectRows(loc *l10n.Localizer, cat *client.Catalog, o options, arch string) ([]listed, error) {
	platform := ""
	if o.platform != "" {
		platform = matchPlatform(cat.Platforms(), o.platform)
		var offered []string
		for _, p := range cat.Platforms() {
			if o.all || !strings.EqualFold(p, "Windows") {
				offered = append(offered, client.Inert(p))
			}
		}
		value := fmt.Sprintf("%q", o.platform)
		switch {
		case platform == "":
			return nil, exitcode.Usage(errors.New(loc.T("osversions.list.unknown_platform", l10n.Args{"Value": value, "Platforms": strings.Join(offered, ", ")})))
		case strings.EqualFold(platform, "Windows") && !o.all:
			return nil, exitcode.Usage(errors.New(loc.T("osversions.list.windows_platform", l10n.Args{"Value": value})))
		}
	}
	rows := []listed{}
	for _, v := range cat.NewestFirst().Versions {
		switch {
		case arch != "" && v.Arch != arch, platform != "" && v.Platform != platform, client.IsWindows(v) && !o.all:
			continue
		}
		row := listed{OSVersion: v, Accepted: true}
		if client.IsWindows(v) {
			row.Accepted, row.Reason = false, reasonWindows
		} else if v.Version == client.FallbackOSVersion {
			row.Warning = warningDefault
		}
		rows = append(rows, row)
	}
	return rows, nil
}

// matchPlatform is the platform named, in any case, or the only one whose
// name starts so ("rocky": Rocky Linux); "" when none or several do.
func matchPlatform(platforms []string, name string) string {
	name = strings.ToLower(strings.TrimSpace(name))
	var prefixed []string
	for _, p := range platforms {
		switch lp := strings.ToLower(p); {
		case lp == name:
			return p
		case name != "" && strings.HasPrefix(lp, name):
			prefixed = append(prefixed, p)
		}
	}
	if len(prefixed) == 1 {
		return prefixed[0]
	}
	return ""
}

// printText is the table, each row's evidence shown when the list is not
// the target's own. Lines carry no trailing spaces.
func printText(out io.Writer, loc *l10n.Localizer, rows []listed, withEvidence bool) error {
	cols := strings.Split(loc.T("osversions.list.columns"), "|")
	if len(cols) != 7 {
		cols = []string{"PLATFORM", "TYPE", "BITS", "ARCH", "OS VERSION", "EVIDENCE", "NOTE"}
	}
	if !withEvidence {
		cols = append(cols[:5:5], cols[6])
	}
	table := [][]string{cols}
	for _, r := range rows {
		note := ""
		switch {
		case !r.Accepted:
			note = loc.T("osversions.list.note_windows")
		case r.Warning != "":
			note = loc.T("osversions.list.note_default")
		}
		fields := []string{client.Inert(r.Platform), client.Inert(r.Type), fmt.Sprint(r.Bits), r.Arch, client.Inert(r.Version)}
		if withEvidence {
			fields = append(fields, r.Evidence)
		}
		table = append(table, append(fields, note))
	}
	return factory.WriteTable(out, table, 2)
}
