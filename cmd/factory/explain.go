package factory

import (
	"fmt"
	"io"
	"strings"

	"github.com/ims-wizard/ims-wizard/client"
)

// ExplainError writes client.Explain(err) on stderr, the same way for every
// command: "error: " and the summary, then each detail the summary does not
// already say, one per line ("what to do" is the hint).
func ExplainError(w io.Writer, err error) {
	x := client.Explain(err)
	fmt.Fprintf(w, "error: %s\n", strings.ReplaceAll(x.Summary, "\n", "\n       "))
	for _, r := range x.Rows {
		if r.InSummary {
			continue
		}
		label := r.Label
		if label == client.RowHint {
			label = "what to do"
		}
		fmt.Fprintf(w, "  %-11s %s\n", label+":", strings.ReplaceAll(r.Value, "\n", "\n"+strings.Repeat(" ", 14)))
	}
}
