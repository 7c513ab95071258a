package sandbox

import (
	"crypto/md5"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"time"
)

// maxImageFile is Glance's image_size_cap (1 TiB): the largest file the
// sandbox keeps.
const maxImageFile = 1 << 40

// handleUpload is PUT /v2/images/{id}/file: the raw image file. The body is
// streamed to the state through an MD5 hash, never held in memory, so a
// multi-GB file costs disk and time only. The image is saving while the
// body streams, then active with IMS's checksum and size.
func (s *Server) handleUpload(w http.ResponseWriter, r *http.Request, id string) {
	if _, err := s.store.get(id); err != nil {
		storeError(w, id, err)
		return
	}
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt != "application/octet-stream" {
		writeError(w, sandboxError(http.StatusUnsupportedMediaType,
			"the image file must be sent as Content-Type: application/octet-stream, not %q", r.Header.Get("Content-Type")))
		return
	}
	if r.ContentLength > maxImageFile {
		writeError(w, sandboxError(http.StatusRequestEntityTooLarge, "the file is %d bytes; the limit is %d (Glance's image_size_cap)", r.ContentLength, int64(maxImageFile)))
		return
	}
	_, up, err := s.store.startUpload(id, s.now())
	if err != nil {
		storeError(w, id, err)
		return
	}

	hash := md5.New()
	n, err := io.Copy(io.MultiWriter(hash, up), io.LimitReader(r.Body, maxImageFile+1))
	if err == nil && n > maxImageFile {
		err = fmt.Errorf("more than %d bytes, Glance's image_size_cap", int64(maxImageFile))
	}
	if err != nil {
		// The client hung up, stalled, or the connection broke. The image
		// goes back to queued so the whole file can be sent again; the
		// sandbox never keeps a half-uploaded active image. Real Glance
		// differs: it may leave the image killed (or queued, depending on
		// the store and version).
		up.abandon(s.now())
		status := http.StatusBadRequest
		if errors.Is(err, errBodyIdle) {
			status = http.StatusRequestTimeout
		}
		writeError(w, newError(status, codeOrSandbox(status),
			"the upload was interrupted after %d bytes (%v); the image is queued again: send the whole file again", n, err))
		return
	}
	if _, err := up.finish(hex.EncodeToString(hash.Sum(nil)), n, s.now()); errors.Is(err, errGone) {
		writeError(w, sandboxError(http.StatusGone, "image %s was deleted during the upload; the file was dropped", id))
		return
	} else if err != nil {
		storeError(w, id, err)
		return
	}
	w.Header().Del("Content-Type")
	w.WriteHeader(http.StatusNoContent)
}

// codeOrSandbox is IMG.0001 for a 400 (a bad request), else the sandbox's
// code for the status.
func codeOrSandbox(status int) string {
	if status == http.StatusBadRequest {
		return codeBadRequest
	}
	return sandboxCode(status)
}

// handleDownload is GET /v2/images/{id}/file, as Glance answers it: the
// bytes with Content-MD5 (ranges honoured, 206), or 204 when no file was
// uploaded yet.
func (s *Server) handleDownload(w http.ResponseWriter, r *http.Request, id string) {
	img, err := s.store.get(id)
	if err != nil {
		storeError(w, id, err)
		return
	}
	if !img.Uploaded {
		w.Header().Del("Content-Type")
		w.WriteHeader(http.StatusNoContent)
		return
	}
	f, err := s.store.openFile(id)
	if errors.Is(err, errNotFound) {
		writeError(w, sandboxError(http.StatusInternalServerError, "image %s is %s but its file is missing from the sandbox's state", id, img.Status))
		return
	} else if err != nil {
		storeError(w, id, err)
		return
	}
	defer f.Close()
	w.Header().Set("Content-Type", "application/octet-stream")
	w.Header().Set("Content-MD5", img.Checksum)
	http.ServeContent(w, r, "", time.Time{}, f)
}
