package sandbox

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/ims-wizard/ims-wizard/client"
)

// maxJSONBody bounds a create's or a PATCH's body: image metadata is a few
// hundred bytes, and 64 KiB holds the largest a client needs (Glance's 128
// extra properties of ordinary size), so no request can make the sandbox
// hold megabytes per image.
const maxJSONBody = 64 << 10

// served lists the routes the sandbox emulates, for the answer to any other.
const served = "POST/GET /v2/images; GET/PATCH/DELETE /v2/images/{id}; PUT/GET /v2/images/{id}/file; " +
	"PUT/DELETE /v2/images/{id}/tags/{tag}; GET /v2/schemas/image(s); GET /v1/cloudimages/os_version; GET /versions"

// route dispatches on the path, then on the method: a path the sandbox does
// not emulate is 404 and a known path with the wrong method 405, both in
// IMS's shape with a sandbox code (IMS's gateway would say APIG.0101, which
// would wrongly point at the gateway).
func (s *Server) route(w http.ResponseWriter, r *http.Request) {
	seg, ok := segments(r.URL)
	if !ok {
		notEmulated(w, r)
		return
	}
	switch {
	case len(seg) == 0 || (len(seg) == 1 && seg[0] == "versions"):
		if allow(w, r, http.MethodGet) {
			handleVersions(w, r)
		}
	case len(seg) == 3 && seg[0] == "v1" && seg[1] == "cloudimages" && seg[2] == "os_version":
		if allow(w, r, http.MethodGet) {
			s.handleOSVersions(w, r)
		}
	case len(seg) == 3 && seg[0] == "v2" && seg[1] == "schemas" && (seg[2] == "image" || seg[2] == "images"):
		if allow(w, r, http.MethodGet) {
			s.handleSchema(w, seg[2])
		}
	case len(seg) == 2 && seg[0] == "v2" && seg[1] == "images":
		switch r.Method {
		case http.MethodPost:
			s.handleCreate(w, r)
		case http.MethodGet:
			s.handleList(w, r)
		default:
			methodNotAllowed(w, r, http.MethodGet, http.MethodPost)
		}
	case len(seg) == 3 && seg[0] == "v2" && seg[1] == "images":
		switch id := seg[2]; r.Method {
		case http.MethodGet:
			s.handleGet(w, id)
		case http.MethodPatch:
			s.handlePatch(w, r, id)
		case http.MethodDelete:
			s.handleDelete(w, id)
		default:
			methodNotAllowed(w, r, http.MethodGet, http.MethodPatch, http.MethodDelete)
		}
	case len(seg) == 4 && seg[0] == "v2" && seg[1] == "images" && seg[3] == "file":
		switch id := seg[2]; r.Method {
		case http.MethodPut:
			s.handleUpload(w, r, id)
		case http.MethodGet:
			s.handleDownload(w, r, id)
		default:
			methodNotAllowed(w, r, http.MethodGet, http.MethodPut)
		}
	case len(seg) == 5 && seg[0] == "v2" && seg[1] == "images" && seg[3] == "tags":
		switch id, tag := seg[2], seg[4]; r.Method {
		case http.MethodPut:
			s.handleAddTag(w, id, tag)
		case http.MethodDelete:
			s.handleDeleteTag(w, id, tag)
		default:
			methodNotAllowed(w, r, http.MethodPut, http.MethodDelete)
		}
	default:
		notEmulated(w, r)
	}
}

// segments splits the escaped path, so that an id or a tag holding an
// escaped "/" stays one segment. An empty segment (a trailing or double
// slash) names nothing the sandbox serves.
func segments(u *url.URL) ([]string, bool) {
	p := strings.TrimPrefix(u.EscapedPath(), "/")
	if p == "" {
		return nil, true
	}
	parts := strings.Split(p, "/")
	for i, part := range parts {
		v, err := url.PathUnescape(part)
		if err != nil || v == "" {
			return nil, false
		}
		parts[i] = v
	}
	return parts, true
}

func allow(w http.ResponseWriter, r *http.Request, method string) bool {
	if r.Method == method {
		return true
	}
	methodNotAllowed(w, r, method)
	return false
}

func notEmulated(w http.ResponseWriter, r *http.Request) {
	writeError(w, sandboxError(http.StatusNotFound,
		"the ims-wizard sandbox does not emulate %s %s (real IMS may serve it); the sandbox serves %s",
		r.Method, r.URL.Path, served))
}

func methodNotAllowed(w http.ResponseWriter, r *http.Request, allowed ...string) {
	w.Header().Set("Allow", strings.Join(allowed, ", "))
	writeError(w, sandboxError(http.StatusMethodNotAllowed,
		"%s is not allowed on %s; allowed: %s", r.Method, r.URL.Path, strings.Join(allowed, ", ")))
}

// readBody reads a JSON request body of at most maxJSONBody bytes.
func readBody(r *http.Request) ([]byte, *apiError) {
	body, err := io.ReadAll(io.LimitReader(r.Body, maxJSONBody+1))
	switch {
	case errors.Is(err, errBodyIdle):
		return nil, sandboxError(http.StatusRequestTimeout, "reading the request body: %v", err)
	case err != nil:
		return nil, badRequest("reading the request body: %v", err)
	case len(body) > maxJSONBody:
		return nil, sandboxError(http.StatusRequestEntityTooLarge,
			"the request body is larger than %d KiB, the sandbox's limit for image metadata", maxJSONBody>>10)
	}
	return body, nil
}

// storeError answers a store failure about image id.
func storeError(w http.ResponseWriter, id string, err error) {
	var api *apiError
	var damaged *damagedError
	var state *stateError
	switch {
	case errors.As(err, &api):
		writeError(w, api)
	case errors.Is(err, errNotFound):
		writeError(w, imageNotFound(id))
	case errors.As(err, &damaged):
		writeError(w, sandboxError(http.StatusInternalServerError, "%v", damaged))
	case errors.As(err, &state):
		writeError(w, sandboxError(http.StatusConflict, "image %q is %s; only a queued image accepts a file", id, state.status))
	default:
		writeError(w, sandboxError(http.StatusInternalServerError, "the sandbox's state: %v", err))
	}
}

// handleCreate is POST /v2/images.
func (s *Server) handleCreate(w http.ResponseWriter, r *http.Request) {
	body, apiErr := readBody(r)
	if apiErr != nil {
		writeError(w, apiErr)
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
		ID:              s.newID(),
		Name:            req.Name,
		OS:              resolveOSVersion(s.catalog, req.OSVersion),
		ContainerFormat: orDefault(req.ContainerFormat, client.DefaultContainerFormat),
		DiskFormat:      orDefault(req.DiskFormat, client.DefaultDiskFormat),
		Tags:            append([]string{}, req.Tags...),
		Protected:       req.Protected,
		Extra:           in.extra,
		Status:          statusQueued,
		CreatedAt:       now,
		UpdatedAt:       now,
	}
	if req.MinDisk != nil {
		img.MinDisk = *req.MinDisk
	}
	if req.MinRAM != nil {
		img.MinRAM = *req.MinRAM
	}

	// Duplicate names are allowed, as in Glance; IMS's IMG.0009 ("the image
	// name already exists") is not emulated.
	if err := s.store.create(img); errors.Is(err, errExists) {
		writeError(w, sandboxError(http.StatusInternalServerError, "Options.NewID returned %q, an id already in use", img.ID))
		return
	} else if err != nil {
		storeError(w, img.ID, err)
		return
	}
	w.Header().Set("Location", "/v2/images/"+img.ID) // as Glance does
	writeJSON(w, http.StatusCreated, img.render(s.owner))
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
		writeError(w, sandboxError(http.StatusServiceUnavailable, "the sandbox is shutting down; the image was not created"))
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
	img, err := s.store.get(id)
	if err != nil {
		storeError(w, id, err)
		return
	}
	writeJSON(w, http.StatusOK, img.render(s.owner))
}

// handleDelete is DELETE /v2/images/{id}: 204, or 403 for a protected
// image, as Glance answers. The image and its file are gone from the state
// at once (Glance's "deleted" images are not listed either). A body (the
// Huawei SDK sends {"delete_backup": false}) is ignored.
func (s *Server) handleDelete(w http.ResponseWriter, id string) {
	err := s.store.remove(id, func(img *image) error {
		if img.Protected {
			return newError(http.StatusForbidden, codeProtected,
				"image %s is protected and cannot be deleted; set protected to false first (PATCH)", id)
		}
		return nil
	})
	if err != nil {
		storeError(w, id, err)
		return
	}
	w.Header().Del("Content-Type")
	w.WriteHeader(http.StatusNoContent)
}
