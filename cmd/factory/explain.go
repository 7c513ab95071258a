package factory

import (
	"fmt"
	"io"
	"strings"

	"github.com/charmbracelet/x/ansi"
	"github.com/ims-wizard/ims-wizard/client"
	"github.com/ims-wizard/ims-wizard/client/l10n"
)

// Explain writes client.Explain(err, loc) on w, the same way for every
// command: "error: " and the summary, then each detail the summary does not
// already say, one per line, the labels padded to one column. Widths are
// terminal cells (an accented letter is one, as in "código"), not bytes.
// The extra rows (what the command knows besides the error, such as the
// image's status afterwards) come last, in the same column.
func Explain(w io.Writer, loc *l10n.Localizer, err error, extra ...client.Row) {
	x := client.Explain(err, loc)
	x.Rows = append(x.Rows, extra...)
	prefix := loc.T("cli.error_prefix")
	fmt.Fprintf(w, "%s %s\n", prefix, strings.ReplaceAll(x.Summary, "\n", "\n"+strings.Repeat(" ", ansi.StringWidth(prefix)+1)))
	var rows []client.Row
	labelWidth := 0
	for _, r := range x.Rows {
		if r.Key == client.RowHint {
			r.Label = loc.T("cli.what_to_do") // a line of its own says it better than "hint"
		}
		if !r.InSummary {
			rows = append(rows, r)
			labelWidth = max(labelWidth, ansi.StringWidth(r.Label)+1) // and its colon
		}
	}
	for _, r := range rows {
		label := r.Label + ":"
		pad := strings.Repeat(" ", labelWidth-ansi.StringWidth(label))
		indent := "\n" + strings.Repeat(" ", 2+labelWidth+1)
		fmt.Fprintf(w, "  %s%s %s\n", label, pad, strings.ReplaceAll(r.Value, "\n", indent))
	}
}
