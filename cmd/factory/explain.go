package factory

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/ims-wizard/ims-wizard/client"
)

// ExplainError writes what happened on stderr, the same way for every
// command: the status and its meaning, the server's code and message, the
// request id and what to do; or the network failure and its hint.
func ExplainError(w io.Writer, err error) {
	var ue *client.UploadError
	var ae *client.APIError
	var ne *client.NetworkError
	switch {
	case errors.As(err, &ue):
		fmt.Fprintf(w, "error: %s\n", ue.Message)
		if ue.Hint != "" {
			fmt.Fprintf(w, "  what to do: %s\n", ue.Hint)
		}
	case errors.As(err, &ae):
		fmt.Fprintf(w, "error: %s %s answered HTTP %d (%s)\n", ae.Method, ae.URL, ae.StatusCode, ae.Meaning)
		if ae.Code != "" {
			fmt.Fprintf(w, "  code:       %s\n", client.Inert(ae.Code))
		}
		if ae.Message != "" {
			fmt.Fprintf(w, "  message:    %s\n", strings.ReplaceAll(client.InertMultiline(ae.Message), "\n", "\n              "))
		}
		if ae.RequestID != "" {
			fmt.Fprintf(w, "  request id: %s\n", client.Inert(ae.RequestID))
		}
		if ae.Hint != "" {
			fmt.Fprintf(w, "  what to do: %s\n", ae.Hint)
		}
	case errors.As(err, &ne):
		fmt.Fprintf(w, "error: %s %s: %s\n  cause:      %v\n", ne.Method, ne.URL, ne.Kind, ne.Err)
		if ne.Hint != "" {
			fmt.Fprintf(w, "  what to do: %s\n", ne.Hint)
		}
	default:
		fmt.Fprintf(w, "error: %v\n", err)
	}
}
