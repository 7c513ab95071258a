package sandbox

import (
	"context"
	"io"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/ims-wizard/ims-wizard/client"
)

// maxCreateBody bounds a create's body: image metadata is a few hundred bytes.
const maxCreateBody = 1 << 20

// route dispatches on the path, then on the method: an unknown path is 404
// and a known path with the wrong method 405, both IMS-style JSON.
func (s *Server) route(w http.ResponseWriter, r *http.Request) {
	path := r.URL.Path
	switch {
	case path == "/v2/images":
		switch r.Method {
		case http.MethodPost:
			s.handleCreate(w, r)
		case http.MethodGet:
			s.handleList(w, r)
		default:
			methodNotAllowed(w, r, http.MethodGet, http.MethodPost)
		}
	case strings.HasPrefix(path, "/v2/images/"):
		id, sub, hasSub := strings.Cut(strings.TrimPrefix(path, "/v2/images/"), "/")
		switch {
		case id == "" || (hasSub && sub != "file"):
			noSuchAPI(w, r)
		case !hasSub && r.Method == http.MethodGet:
			s.handleGet(w, id)
		case !hasSub:
			methodNotAllowed(w, r, http.MethodGet)
		case r.Method == http.MethodPut:
			s.handleUpload(w, r, id)
		default:
			methodNotAllowed(w, r, http.MethodPut)
		}
	case path == "/" || path == "/versions":
		if r.Method != http.MethodGet {
			methodNotAllowed(w, r, http.MethodGet)
			return
		}
		handleVersions(w, r)
	case path == "/v1/cloudimages/os_version":
		if r.Method != http.MethodGet {
			methodNotAllowed(w, r, http.MethodGet)
			return
		}
		s.handleOSVersions(w, r)
	default:
		noSuchAPI(w, r)
	}
}

func noSuchAPI(w http.ResponseWriter, r *http.Request) {
	writeError(w, newError(http.StatusNotFound, codeNoSuchAPI, "the API %s %s does not exist", r.Method, r.URL.Path))
}

func methodNotAllowed(w http.ResponseWriter, r *http.Request, allowed ...string) {
	w.Header().Set("Allow", strings.Join(allowed, ", "))
	writeError(w, newError(http.StatusMethodNotAllowed, codeNoSuchAPI,
		"%s is not allowed on %s; allowed: %s", r.Method, r.URL.Path, strings.Join(allowed, ", ")))
}

// handleCreate is POST /v2/images.
func (s *Server) handleCreate(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(io.LimitReader(r.Body, maxCreateBody+1))
	if err != nil {
		writeError(w, badRequest("reading the request body: %v", err))
		return
	}
	if len(body) > maxCreateBody {
		writeError(w, newError(http.StatusRequestEntityTooLarge, codeBadRequest, "the request body is larger than %d bytes", maxCreateBody))
		return
	}
	if !s.awaitDelay(r.Context(), w) {
		return
	}
	in, apiErr := decodeCreateBody(body)
	if apiErr == nil {
		apiErr = validationError(in.req, in.req.Validate(s.catalog))
	}
	if apiErr != nil {
		writeError(w, apiErr)
		return
	}

	now := s.now()
	req := in.req
	img := &image{
		id:              s.newID(),
		name:            req.Name,
		os:              resolveOSVersion(s.catalog, req.OSVersion),
		containerFormat: orDefault(req.ContainerFormat, client.DefaultContainerFormat),
		diskFormat:      orDefault(req.DiskFormat, client.DefaultDiskFormat),
		tags:            append([]string{}, req.Tags...),
		protected:       req.Protected,
		extra:           in.extra,
		status:          statusQueued,
		createdAt:       now,
		updatedAt:       now,
	}
	if req.MinDisk != nil {
		img.minDisk = *req.MinDisk
	}
	if req.MinRAM != nil {
		img.minRAM = *req.MinRAM
	}

	// Duplicate names are allowed, as in Glance; IMS's IMG.0009 ("the image
	// name already exists") is not emulated.
	s.mu.Lock()
	if _, taken := s.images[img.id]; taken {
		s.mu.Unlock()
		writeError(w, newError(http.StatusInternalServerError, codeSandbox, "Options.NewID returned %q, an id already in use", img.id))
		return
	}
	s.seq++
	img.seq = s.seq
	s.images[img.id] = img
	answer := img.render(s.owner)
	s.mu.Unlock()

	w.Header().Set("Location", "/v2/images/"+img.id) // as Glance does
	writeJSON(w, http.StatusCreated, answer)
}

// awaitDelay holds a create for Options.Delay. It reports false when the
// client hung up (nothing is created, nothing can be answered) or the
// sandbox is closing (answered 503, nothing created).
func (s *Server) awaitDelay(ctx context.Context, w http.ResponseWriter) bool {
	if s.delay <= 0 {
		return true
	}
	timer := time.NewTimer(s.delay)
	defer timer.Stop()
	select {
	case <-timer.C:
		// A hang-up racing the timer still wins: creating after the
		// client gave up is what the delay exists to test against.
		return ctx.Err() == nil
	case <-ctx.Done():
		return false
	case <-s.quit:
		writeError(w, newError(http.StatusServiceUnavailable, codeSandbox, "the sandbox is shutting down; the image was not created"))
		return false
	}
}

// validationError turns the blocking problems into one IMS answer: the code
// of the first problem's field, and every problem ("field: message") joined.
func validationError(req client.Request, ps client.Problems) *apiError {
	errs := ps.Errors()
	if len(errs) == 0 {
		return nil
	}
	msgs := make([]string, len(errs))
	for i := range errs {
		msgs[i] = errs[i].Error()
	}
	return newError(http.StatusBadRequest, codeForField(req, errs[0].Field), "%s", strings.Join(msgs, "; "))
}

// codeForField maps a field to IMS's error code for it.
func codeForField(req client.Request, field string) string {
	switch field {
	case client.FieldName:
		// The client refuses a name that is empty or too long (a length,
		// IMG.0002) or made only of spaces (a format, IMG.0003).
		if n := utf8.RuneCountInString(req.Name); n == 0 || n > client.NameMaxLen {
			return codeNameLength
		}
		return codeNameFormat
	case client.FieldMinRAM, client.FieldMinDisk:
		return codeSize
	case client.FieldOSVersion:
		return codeOSVersion
	case client.FieldTags:
		return codeTag
	}
	return codeBadRequest
}

func orDefault(v, def string) string {
	if v == "" {
		return def
	}
	return v
}

// handleGet is GET /v2/images/{id}.
func (s *Server) handleGet(w http.ResponseWriter, id string) {
	s.mu.Lock()
	img, ok := s.images[id]
	var answer object
	if ok {
		answer = img.render(s.owner)
	}
	s.mu.Unlock()
	if !ok {
		writeError(w, imageNotFound(id))
		return
	}
	writeJSON(w, http.StatusOK, answer)
}

func imageNotFound(id string) *apiError {
	return newError(http.StatusNotFound, codeImageNotFound, "image %q not found", id)
}
