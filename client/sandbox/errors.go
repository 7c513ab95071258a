package sandbox

import (
	"fmt"
	"net/http"
)

// Error codes. The IMS ones are IMS's documented 400 codes (ims-api.md and
// IMS's error-code table); the others are sandbox-specific choices for
// situations IMS's documentation gives no code for.
const (
	codeBadRequest = "IMG.0001" // the request format: not JSON, wrong types, read-only fields
	codeNameLength = "IMG.0002" // name empty or too long
	codeNameFormat = "IMG.0003" // name with only spaces
	codeEmptyBody  = "IMG.0007" // "The request body is empty."
	codeSize       = "IMG.0055" // min_ram / min_disk
	codeOSVersion  = "IMG.0056" // __os_version
	codeTag        = "IMG.0115" // tags

	// Sandbox-specific.
	codeImageNotFound = "IMG.0027"     // GET or PUT on an image id that does not exist
	codeImageState    = "IMG.0028"     // upload to an image that is not queued (Glance: 409)
	codeNoSuchAPI     = "APIG.0101"    // the API gateway's code for a route it does not serve
	codeSandbox       = "SANDBOX.0001" // the sandbox itself: shutting down, Options.NewID repeating an id
)

// apiError is an IMS-style error answer: {"error":{"code","message"}}.
type apiError struct {
	status  int
	code    string
	message string
}

func (e *apiError) Error() string { return e.code + ": " + e.message }

func newError(status int, code, format string, args ...any) *apiError {
	return &apiError{status: status, code: code, message: fmt.Sprintf(format, args...)}
}

func badRequest(format string, args ...any) *apiError {
	return newError(http.StatusBadRequest, codeBadRequest, format, args...)
}

var errClosing = newError(http.StatusServiceUnavailable, codeSandbox, "the sandbox is shutting down")

type errorBody struct {
	Error struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
}

func writeError(w http.ResponseWriter, e *apiError) {
	var body errorBody
	body.Error.Code = e.code
	body.Error.Message = e.message
	writeJSON(w, e.status, body)
}
