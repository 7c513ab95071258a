// Package exitcode maps the errors of every command to the documented exit
// codes, in one place.
package exitcode

import (
	"context"
	"errors"

	"github.com/ims-wizard/ims-wizard/client"
)

// The documented exit codes.
const (
	OK          = 0
	Failure     = 1 // anything not classified below
	Invalid     = 2 // invalid input or usage; nothing was sent
	API         = 3 // the server answered with an error
	Network     = 4 // no answer (network error, timeout, an upload's wait run out) or an ambiguous outcome (502/503/504)
	Interrupted = 130
)

// Error carries an exit code for an error that has already been explained
// to the user, or that should be printed as is.
type Error struct {
	Code int
	Err  error
	// Reported is true when the command already printed its explanation.
	Reported bool
}

func (e *Error) Error() string {
	if e.Err == nil {
		return "exit status"
	}
	return e.Err.Error()
}

func (e *Error) Unwrap() error { return e.Err }

// WriteError is a result that could not be written to stdout (a full disk,
// a closed pipe) after the operation it reports succeeded: the command
// has said so on stderr, with the id.
type WriteError struct{ Err error }

func (e *WriteError) Error() string { return e.Err.Error() }
func (e *WriteError) Unwrap() error { return e.Err }

// ErrInterrupted is the error of a run stopped by Ctrl+C or SIGINT.
var ErrInterrupted = errors.New("interrupted")

// Usage wraps a usage or input error (exit 2).
func Usage(err error) error { return &Error{Code: Invalid, Err: err} }

// Reported wraps an error already explained on stderr.
func Reported(code int, err error) error { return &Error{Code: code, Err: err, Reported: true} }

// Of returns the exit code for err.
func Of(err error) int {
	var e *Error
	var ve *client.ValidationError
	var ae *client.APIError
	var ne *client.NetworkError
	var ue *client.UploadError
	var wt *client.WaitTimeoutError
	var re *client.RedirectError
	var we *WriteError
	switch {
	case err == nil:
		return OK
	case errors.As(err, &e):
		return e.Code
	case errors.Is(err, ErrInterrupted) || errors.Is(err, context.Canceled):
		return Interrupted
	case client.IsAmbiguous(err):
		// The image may or may not exist: scripts must look before retrying.
		return Network
	case errors.As(err, &wt):
		// The file was sent but the image did not become active in time:
		// no answer in time, whichever front end waited.
		return Network
	case errors.As(err, &ue):
		// Refusing the input is invalid input; a wrong outcome on the
		// server (checksum, killed image) is an API error.
		if ue.Reason == client.RefusedChecksum || ue.Reason == client.RefusedFailed {
			return API
		}
		return Invalid
	case errors.As(err, &ve):
		return Invalid
	case errors.As(err, &ae) || errors.As(err, &re):
		// A refused redirect is an answer too, just not one to follow.
		return API
	case errors.As(err, &we):
		// The image exists but the caller did not get its id: to a script
		// the outcome is unknown, and 4 says to look it up, not to retry.
		return Network
	case errors.As(err, &ne):
		return Network
	}
	return Failure
}
