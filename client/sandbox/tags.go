package sandbox

import (
	"net/http"
	"slices"

	"github.com/ims-wizard/ims-wizard/client"
)

// handleAddTag is PUT /v2/images/{id}/tags/{tag}: 204, also when the image
// has the tag already (Glance keeps it once). The tag must pass the
// client's rules (IMS's key=value), which Glance does not ask.
func (s *Server) handleAddTag(w http.ResponseWriter, id, tag string) {
	if e := validationError(client.Request{}, client.ValidateTags([]string{tag})); e != nil {
		writeError(w, e)
		return
	}
	_, err := s.store.update(id, func(img *image) error {
		if slices.Contains(img.Tags, tag) {
			return nil
		}
		img.Tags = append(img.Tags, tag)
		if e := checkQuotas(nil, img.Tags); e != nil {
			return e
		}
		img.UpdatedAt = s.now()
		return nil
	})
	if err != nil {
		storeError(w, id, err)
		return
	}
	w.Header().Del("Content-Type")
	w.WriteHeader(http.StatusNoContent)
}

// handleDeleteTag is DELETE /v2/images/{id}/tags/{tag}: 204, or 404 when the
// image has no such tag.
func (s *Server) handleDeleteTag(w http.ResponseWriter, id, tag string) {
	_, err := s.store.update(id, func(img *image) error {
		i := slices.Index(img.Tags, tag)
		if i < 0 {
			return sandboxError(http.StatusNotFound, "image %s has no tag %q", id, tag)
		}
		img.Tags = slices.Delete(img.Tags, i, i+1)
		img.UpdatedAt = s.now()
		return nil
	})
	if err != nil {
		storeError(w, id, err)
		return
	}
	w.Header().Del("Content-Type")
	w.WriteHeader(http.StatusNoContent)
}
