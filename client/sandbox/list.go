package sandbox

import (
	"net/http"
	"net/url"
	"sort"
	"strconv"
)

// Listing limits, Glance's defaults.
const (
	defaultListLimit = 25   // limit_param_default
	maxListLimit     = 1000 // api_limit_max
)

// handleList is GET /v2/images?name=…&limit=…&marker=…: newest first, name
// matched exactly, paged with Glance's "next" link.
func (s *Server) handleList(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	limit := defaultListLimit
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			writeError(w, badRequest("limit: %q is not a whole number of 0 or more", v))
			return
		}
		limit = min(n, maxListLimit)
	}
	name, byName := q.Get("name"), q.Has("name")
	marker := q.Get("marker")

	s.mu.Lock()
	var matches []*image
	for _, img := range s.images {
		if !byName || img.name == name {
			matches = append(matches, img)
		}
	}
	sort.Slice(matches, func(i, j int) bool {
		a, b := matches[i], matches[j]
		if !a.createdAt.Equal(b.createdAt) {
			return a.createdAt.After(b.createdAt)
		}
		return a.seq > b.seq
	})
	start := 0
	if marker != "" {
		start = -1
		for i, img := range matches {
			if img.id == marker {
				start = i + 1
				break
			}
		}
	}
	var page []object
	var lastID string
	if start >= 0 {
		end := min(start+limit, len(matches))
		for _, img := range matches[start:end] {
			page = append(page, img.render(s.owner))
			lastID = img.id
		}
	}
	more := start >= 0 && start+limit < len(matches) && len(page) > 0
	s.mu.Unlock()

	if start < 0 {
		// Glance: 400 when the marker is not an image it can list.
		writeError(w, badRequest("marker: no image %q in this list", marker))
		return
	}
	if page == nil {
		page = []object{}
	}
	answer := object{
		{"images", page},
		{"schema", "/v2/schemas/images"},
		{"first", listLink(q, "")},
	}
	if more {
		answer = append(answer, member{"next", listLink(q, lastID)})
	}
	writeJSON(w, http.StatusOK, answer)
}

// listLink is Glance's "first" (the query without marker) or "next" link.
func listLink(q url.Values, marker string) string {
	params := url.Values{}
	for k, v := range q {
		if k != "marker" {
			params[k] = v
		}
	}
	if marker != "" {
		params.Set("marker", marker)
	}
	if len(params) == 0 {
		return "/v2/images"
	}
	return "/v2/images?" + params.Encode()
}
