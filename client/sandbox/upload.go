package sandbox

import (
	"crypto/md5"
	"encoding/hex"
	"io"
	"mime"
	"net/http"
)

// handleUpload is PUT /v2/images/{id}/file: the raw image file. The body is
// streamed through an MD5 hash, never held in memory, so a multi-GB file
// costs nothing but time. The image is saving while the body streams, then
// active with IMS's checksum and size.
func (s *Server) handleUpload(w http.ResponseWriter, r *http.Request, id string) {
	s.mu.Lock()
	img, ok := s.images[id]
	s.mu.Unlock()
	if !ok {
		writeError(w, imageNotFound(id))
		return
	}
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt != "application/octet-stream" {
		writeError(w, newError(http.StatusUnsupportedMediaType, codeBadRequest,
			"the image file must be sent as Content-Type: application/octet-stream, not %q", r.Header.Get("Content-Type")))
		return
	}

	s.mu.Lock()
	if img.status != statusQueued {
		status := img.status
		s.mu.Unlock()
		writeError(w, newError(http.StatusConflict, codeImageState,
			"image %q is %s; only a queued image accepts a file", id, status))
		return
	}
	img.status = statusSaving
	img.updatedAt = s.now()
	s.mu.Unlock()

	hash := md5.New()
	n, err := io.Copy(hash, r.Body)

	s.mu.Lock()
	img.updatedAt = s.now()
	if err != nil {
		// The client hung up or the connection broke. The image goes back to
		// queued so the whole file can be sent again; the sandbox never keeps
		// a half-uploaded active image. Real Glance differs: it may leave
		// the image killed (or queued, depending on the store and version).
		img.status = statusQueued
		s.mu.Unlock()
		writeError(w, badRequest("the upload was interrupted after %d bytes (%v); the image is queued again: send the whole file again", n, err))
		return
	}
	img.status = statusActive
	img.uploaded = true
	img.checksum = hex.EncodeToString(hash.Sum(nil))
	img.size = n
	s.mu.Unlock()
	w.WriteHeader(http.StatusNoContent)
}
