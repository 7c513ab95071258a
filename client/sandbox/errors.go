package sandbox

import (
	"fmt"
	"net/http"
)

// Error codes. The IMG ones are from IMS's error-code table (ims-api.md and
// IMS's API reference), used where IMS documents the situation; APIG ones
// are the API gateway's (injected faults only). Where IMS documents no code,
// the answer carries a sandbox-specific one, SANDBOX.0<status>, so that
// nobody mistakes the sandbox's choice for IMS's.
const (
	codeBadRequest    = "IMG.0001" // the request format: not JSON, wrong types, unknown operators
	codeNameLength    = "IMG.0002" // name empty or too long
	codeNameFormat    = "IMG.0003" // name with only spaces
	codeEmptyBody     = "IMG.0007" // "The request body is empty."
	codeImageNotFound = "IMG.0027" // "The image ID in the request does not exist."
	codeProtected     = "IMG.0028" // "The image in the request is protected."
	codeSize          = "IMG.0055" // min_ram / min_disk
	codeOSVersion     = "IMG.0056" // __os_version
	codeTag           = "IMG.0115" // tags
	codeTagQuota      = "IMG.0116" // too many tags

	codeAPIGAuth     = "APIG.0301" // the gateway refusing credentials
	codeAPIGThrottle = "APIG.0308" // the gateway's throttling
)

// sandboxCode is the sandbox's own code for a status IMS documents no code
// for, e.g. SANDBOX.0409.
func sandboxCode(status int) string { return fmt.Sprintf("SANDBOX.%04d", status) }

// apiError is an IMS-style error answer: {"error":{"code","message"}}.
type apiError struct {
	status  int
	code    string
	message string
	gateway bool // written in the API gateway's shape (error_code, error_msg)
}

func (e *apiError) Error() string { return e.code + ": " + e.message }

func newError(status int, code, format string, args ...any) *apiError {
	return &apiError{status: status, code: code, message: fmt.Sprintf(format, args...)}
}

// sandboxError is an error IMS documents no code for.
func sandboxError(status int, format string, args ...any) *apiError {
	return newError(status, sandboxCode(status), format, args...)
}

func badRequest(format string, args ...any) *apiError {
	return newError(http.StatusBadRequest, codeBadRequest, format, args...)
}

func imageNotFound(id string) *apiError {
	return newError(http.StatusNotFound, codeImageNotFound, "image %q not found", id)
}

var errClosing = sandboxError(http.StatusServiceUnavailable, "the sandbox is shutting down")

type errorBody struct {
	Error struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
}

type gatewayBody struct {
	Code      string `json:"error_code"`
	Message   string `json:"error_msg"`
	RequestID string `json:"request_id"`
}

func writeError(w http.ResponseWriter, e *apiError) {
	if e.gateway {
		writeJSON(w, e.status, gatewayBody{e.code, e.message, w.Header().Get("X-Request-Id")})
		return
	}
	var body errorBody
	body.Error.Code = e.code
	body.Error.Message = e.message
	writeJSON(w, e.status, body)
}
