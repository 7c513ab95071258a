package factory

import (
	"io"
	"strings"

	"github.com/charmbracelet/x/ansi"
)

// WriteTable writes rows as aligned columns separated by gap spaces, each
// cell padded to its column's width in terminal cells: text/tabwriter
// counts runes, so a wide character (a Chinese image name) or a combining
// accent would shift the columns after it. Lines carry no trailing spaces.
func WriteTable(w io.Writer, rows [][]string, gap int) error {
	var widths []int
	for _, row := range rows {
		for i, cell := range row {
			if i == len(widths) {
				widths = append(widths, 0)
			}
			widths[i] = max(widths[i], ansi.StringWidth(cell))
		}
	}
	var b strings.Builder
	for _, row := range rows {
		var line strings.Builder
		for i, cell := range row {
			line.WriteString(cell)
			if i < len(row)-1 {
				line.WriteString(strings.Repeat(" ", widths[i]-ansi.StringWidth(cell)+gap))
			}
		}
		b.WriteString(strings.TrimRight(line.String(), " "))
		b.WriteByte('\n')
	}
	_, err := io.WriteString(w, b.String())
	return err
}
