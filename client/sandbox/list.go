package sandbox

import (
	"bytes"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Listing limits, Glance's defaults.
const (
	defaultListLimit = 25   // limit_param_default
	maxListLimit     = 1000 // api_limit_max
)

// sortKeys are the keys Glance sorts by, in its error message's order.
var sortKeys = []string{"name", "status", "container_format", "disk_format", "size", "id", "created_at", "updated_at"}

type sortBy struct {
	key  string
	desc bool
}

// defaultSort is Glance's: newest first, the id deciding ties.
var defaultSort = []sortBy{{"created_at", true}, {"id", true}}

// listParams are the query parameters that page and sort rather than filter.
var listParams = map[string]bool{"limit": true, "marker": true, "sort": true, "sort_key": true, "sort_dir": true}

// handleList is GET /v2/images with Glance's filters (name, id, status,
// container_format, disk_format with in:/eq:, visibility, protected, tag,
// min_ram, min_disk, size_min, size_max, owner, checksum, os_hidden,
// created_at/updated_at with gt:/gte:/lt:/lte:/eq:/neq:, and any other
// property, Huawei's __ ones included, by equality), its sorting (sort_key/
// sort_dir or sort=key:dir,…) and its paging (limit, marker, next). The page
// is written image by image: memory stays small whatever the page's size.
func (s *Server) handleList(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	limit, apiErr := parseLimit(q)
	if apiErr != nil {
		writeError(w, apiErr)
		return
	}
	order, apiErr := parseSort(q)
	if apiErr != nil {
		writeError(w, apiErr)
		return
	}
	filters, extra, apiErr := s.parseFilters(q)
	if apiErr != nil {
		writeError(w, apiErr)
		return
	}
	var marker *image
	if q.Has("marker") {
		id := q.Get("marker")
		img, err := s.store.get(id)
		if err != nil {
			// Glance: 400 when the marker is not an image it can list.
			writeError(w, newError(http.StatusBadRequest, codeImageNotFound, "marker: no image found with ID %q", id))
			return
		}
		marker = img
	}

	// Only what sorting needs is kept of each match; the page's images are
	// read again to be written.
	var matches []*image
	err := s.store.scan(func(img *image) {
		for _, keep := range filters {
			if !keep(img) {
				return
			}
		}
		matches = append(matches, &image{ID: img.ID, Seq: img.Seq, Name: img.Name, Status: img.Status,
			ContainerFormat: img.ContainerFormat, DiskFormat: img.DiskFormat, Uploaded: img.Uploaded, Size: img.Size,
			CreatedAt: img.CreatedAt, UpdatedAt: img.UpdatedAt})
	}, extra)
	if err != nil {
		storeError(w, "", err)
		return
	}
	sortImages(matches, order)
	start := 0
	if marker != nil {
		start = sort.Search(len(matches), func(i int) bool { return less(marker, matches[i], order) })
	}
	end := min(start+limit, len(matches))
	page := matches[start:end]
	more := end < len(matches) && len(page) > 0

	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusOK)
	var buf bytes.Buffer
	buf.WriteString(`{"images":[`)
	written, lastID := 0, ""
	for _, m := range page {
		img, err := s.store.get(m.ID)
		if err != nil {
			continue // deleted (or set aside) since the scan
		}
		if written > 0 {
			buf.WriteByte(',')
		}
		if encodeTo(&buf, img.render(s.owner)) != nil {
			continue
		}
		written++
		lastID = img.ID
		if _, err := w.Write(buf.Bytes()); err != nil {
			return // the client went away
		}
		buf.Reset()
	}
	buf.WriteString(`],"schema":"/v2/schemas/images","first":`)
	_ = encodeTo(&buf, listLink(q, ""))
	if more && lastID != "" {
		buf.WriteString(`,"next":`)
		_ = encodeTo(&buf, listLink(q, lastID))
	}
	buf.WriteString("}\n")
	_, _ = w.Write(buf.Bytes())
}

func parseLimit(q url.Values) (int, *apiError) {
	if !q.Has("limit") {
		return defaultListLimit, nil
	}
	v := q.Get("limit")
	n, err := strconv.Atoi(v)
	switch {
	case err != nil:
		return 0, badRequest("limit: %q is not a whole number", v)
	case n < 0:
		return 0, badRequest("limit: %d is negative; give 0 or more (at most %d are listed)", n, maxListLimit)
	}
	return min(n, maxListLimit), nil
}

// parseSort reads sort_key/sort_dir (repeatable) or sort=key[:dir],…; the
// default direction is desc, and created_at then id decide ties.
func parseSort(q url.Values) ([]sortBy, *apiError) {
	keys, dirs := q["sort_key"], q["sort_dir"]
	var order []sortBy
	switch {
	case q.Has("sort") && (len(keys) > 0 || len(dirs) > 0):
		return nil, badRequest("sort cannot be combined with sort_key or sort_dir: use one syntax")
	case q.Has("sort"):
		for _, part := range strings.Split(q.Get("sort"), ",") {
			key, dir, _ := strings.Cut(strings.TrimSpace(part), ":")
			desc, e := parseDir(orDefault(dir, "desc"))
			if e != nil {
				return nil, e
			}
			order = append(order, sortBy{key, desc})
		}
	default:
		if len(dirs) > 1 && len(dirs) != len(keys) {
			return nil, badRequest("%d sort_dir for %d sort_key: give one direction, or one per key", len(dirs), len(keys))
		}
		if len(keys) == 0 && len(dirs) > 0 {
			keys = []string{"created_at"}
		}
		for i, key := range keys {
			dir := "desc"
			switch {
			case len(dirs) == 1:
				dir = dirs[0]
			case len(dirs) > 1:
				dir = dirs[i]
			}
			desc, e := parseDir(dir)
			if e != nil {
				return nil, e
			}
			order = append(order, sortBy{key, desc})
		}
	}
	for _, o := range order {
		if !contains(sortKeys, o.key) {
			return nil, badRequest("invalid sort key: %s. It must be one of the following: %s", o.key, strings.Join(sortKeys, ", "))
		}
	}
	for _, tie := range defaultSort {
		if !hasKey(order, tie.key) {
			order = append(order, tie)
		}
	}
	return order, nil
}

func parseDir(dir string) (bool, *apiError) {
	switch dir {
	case "asc":
		return false, nil
	case "desc":
		return true, nil
	}
	return false, badRequest("invalid sort direction: %s (asc or desc)", dir)
}

func hasKey(order []sortBy, key string) bool {
	for _, o := range order {
		if o.key == key {
			return true
		}
	}
	return false
}

func sortImages(imgs []*image, order []sortBy) {
	sort.SliceStable(imgs, func(i, j int) bool { return less(imgs[i], imgs[j], order) })
}

// less orders a before b; the creation sequence breaks ties of created_at
// (images created in the same second), so that the order is total.
func less(a, b *image, order []sortBy) bool {
	for _, o := range order {
		c := compareBy(a, b, o.key)
		if c == 0 {
			continue
		}
		if o.desc {
			return c > 0
		}
		return c < 0
	}
	return false
}

func compareBy(a, b *image, key string) int {
	switch key {
	case "name":
		return strings.Compare(a.Name, b.Name)
	case "status":
		return strings.Compare(a.Status, b.Status)
	case "container_format":
		return strings.Compare(a.ContainerFormat, b.ContainerFormat)
	case "disk_format":
		return strings.Compare(a.DiskFormat, b.DiskFormat)
	case "id":
		return strings.Compare(a.ID, b.ID)
	case "size":
		// No file yet is smallest, as SQL's NULL.
		switch {
		case a.Uploaded != b.Uploaded && a.Uploaded:
			return 1
		case a.Uploaded != b.Uploaded:
			return -1
		}
		return cmpInt(a.Size, b.Size)
	case "updated_at":
		return a.UpdatedAt.Compare(b.UpdatedAt)
	case "created_at":
		if c := a.CreatedAt.Compare(b.CreatedAt); c != 0 {
			return c
		}
		return cmpInt(int64(a.Seq), int64(b.Seq))
	}
	return 0
}

func cmpInt(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// filter keeps the images that match one query parameter.
type filter func(*image) bool

// inFields take a value, "eq:value" or "in:a,b,…" as Glance does.
var inFields = map[string]bool{"name": true, "id": true, "status": true, "container_format": true, "disk_format": true}

// parseFilters also reports whether a filter reads extra properties.
func (s *Server) parseFilters(q url.Values) ([]filter, bool, *apiError) {
	var filters []filter
	extra := false
	keys := make([]string, 0, len(q))
	for k := range q {
		keys = append(keys, k)
	}
	sort.Strings(keys) // the first bad parameter named is always the same one
	for _, key := range keys {
		if listParams[key] {
			continue
		}
		for _, v := range q[key] {
			f, e := s.parseFilter(key, v)
			if e != nil {
				return nil, false, e
			}
			if f != nil {
				filters = append(filters, f)
			}
		}
		extra = extra || isExtraProperty(key)
	}
	return filters, extra, nil
}

// isExtraProperty tells a filter on an extra property from the others.
func isExtraProperty(key string) bool {
	if inFields[key] {
		return false
	}
	switch key {
	case "visibility", "protected", "tag", "size_min", "size_max", "created_at", "updated_at", "os_hidden", "member_status",
		"min_ram", "min_disk", "owner", "checksum", "__platform", "__os_type", "__os_bit", "__os_version", "__imagetype",
		"__isregistered", "__image_source_type", "__image_size", "virtual_env_type":
		return false
	}
	return true
}

func (s *Server) parseFilter(key, v string) (filter, *apiError) {
	switch {
	case inFields[key]:
		values := []string{v}
		if op, rest, ok := strings.Cut(v, ":"); ok {
			switch op {
			case "in":
				values = splitQuoted(rest)
			case "eq":
				values = []string{rest}
			default:
				return nil, badRequest("%s: unable to filter by unknown operator '%s' (in: or eq:)", key, op)
			}
		}
		return func(img *image) bool { return contains(values, coreValue(img, key)) }, nil
	case key == "visibility":
		switch v {
		case "private", "all":
			return nil, nil // every sandbox image is private
		case "public", "shared", "community":
			return func(*image) bool { return false }, nil
		}
		return nil, badRequest("invalid visibility value: %s", v)
	case key == "protected":
		want, err := strconv.ParseBool(v)
		if err != nil || (v != "true" && v != "false") {
			return nil, badRequest("invalid value '%s' for 'protected' filter: valid values are 'true' or 'false'", v)
		}
		return func(img *image) bool { return img.Protected == want }, nil
	case key == "tag":
		return func(img *image) bool { return contains(img.Tags, v) }, nil
	case key == "size_min" || key == "size_max":
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return nil, badRequest("%s: unable to filter on a range with a non-numeric value (%q)", key, v)
		}
		if key == "size_min" {
			return func(img *image) bool { return img.Uploaded && img.Size >= n }, nil
		}
		return func(img *image) bool { return img.Uploaded && img.Size <= n }, nil
	case key == "created_at" || key == "updated_at":
		return parseTimeFilter(key, v)
	case key == "os_hidden":
		// Glance takes True as true (the openstack CLI sends it); no
		// sandbox image is hidden.
		lower := strings.ToLower(v)
		if lower != "true" && lower != "false" {
			return nil, badRequest("invalid value '%s' for 'os_hidden' filter: valid values are 'true' or 'false'", v)
		}
		return func(*image) bool { return lower == "false" }, nil
	case key == "member_status":
		return nil, nil // about images shared with this project: the sandbox has none, and lists its own
	}
	// Every other key is a property, matched as the image shows it.
	return func(img *image) bool {
		got, ok := s.propertyValue(img, key)
		return ok && got == v
	}, nil
}

func coreValue(img *image, key string) string {
	switch key {
	case "name":
		return img.Name
	case "id":
		return img.ID
	case "status":
		return img.Status
	case "container_format":
		return img.ContainerFormat
	}
	return img.DiskFormat
}

// propertyValue is an attribute as the image's JSON shows it, as a string.
func (s *Server) propertyValue(img *image, key string) (string, bool) {
	switch key {
	case "min_ram":
		return strconv.FormatInt(img.MinRAM, 10), true
	case "min_disk":
		return strconv.FormatInt(img.MinDisk, 10), true
	case "owner":
		return s.owner, true
	case "checksum":
		return img.Checksum, img.Uploaded
	case "__platform":
		return img.OS.Platform, true
	case "__os_type":
		return img.OS.Type, true
	case "__os_bit":
		return strconv.Itoa(img.OS.Bits), true
	case "__os_version":
		return img.OS.Version, true
	case "__imagetype":
		return "private", true
	case "__isregistered":
		return "true", true
	case "__image_source_type":
		return "uds", true
	case "__image_size":
		return strconv.FormatInt(img.Size, 10), true
	case "virtual_env_type":
		return img.virtualEnvType(), true
	}
	return img.extra(key)
}

// splitQuoted splits a,b,"c,d" at the commas outside double quotes.
func splitQuoted(s string) []string {
	var out []string
	var cur strings.Builder
	quoted := false
	for _, r := range s {
		switch {
		case r == '"':
			quoted = !quoted
		case r == ',' && !quoted:
			out = append(out, cur.String())
			cur.Reset()
		default:
			cur.WriteRune(r)
		}
	}
	return append(out, cur.String())
}

var timeOps = map[string]func(c int) bool{
	"gt":  func(c int) bool { return c > 0 },
	"gte": func(c int) bool { return c >= 0 },
	"lt":  func(c int) bool { return c < 0 },
	"lte": func(c int) bool { return c <= 0 },
	"eq":  func(c int) bool { return c == 0 },
	"neq": func(c int) bool { return c != 0 },
}

// timeLayouts are the ISO 8601 forms accepted: IMS documents
// yyyy-MM-ddThh:mm:ssZ and yyyy-MM-dd hh:mm:ss; Glance also takes a date
// and an offset.
var timeLayouts = []string{time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01-02 15:04:05", "2006-01-02 15:04:05Z07:00", "2006-01-02"}

func parseTime(v string) (time.Time, bool) {
	for _, layout := range timeLayouts {
		if t, err := time.Parse(layout, v); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// parseTimeFilter reads created_at/updated_at=[op:]time. Times compare to
// the second, as the image shows them.
func parseTimeFilter(key, v string) (filter, *apiError) {
	match := timeOps["eq"]
	value := v
	if op, rest, ok := strings.Cut(v, ":"); ok {
		if f, known := timeOps[op]; known {
			match, value = f, rest
		} else if _, isTime := parseTime(v); !isTime && strings.Trim(op, "abcdefghijklmnopqrstuvwxyz") == "" {
			return nil, badRequest("%s: unable to filter on the unknown operator '%s' (gt, gte, lt, lte, eq, neq)", key, op)
		}
	}
	at, ok := parseTime(value)
	if !ok {
		return nil, badRequest("%s: bad time %q: use ISO 8601, e.g. gte:2018-10-28T10:00:00Z", key, value)
	}
	at = at.UTC().Truncate(time.Second)
	return func(img *image) bool {
		t := img.CreatedAt
		if key == "updated_at" {
			t = img.UpdatedAt
		}
		return match(t.UTC().Truncate(time.Second).Compare(at))
	}, nil
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
