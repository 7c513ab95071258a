package sandbox

import "net/http"

// handleVersions is Glance's version discovery (GET / and GET /versions).
// IMS's API reference does not document it, but OpenStack clients
// (keystoneauth, hence `openstack image list`) read it before any call, so
// it is what lets the openstack CLI be pointed at the sandbox. Glance answers
// 300 Multiple Choices at / and 200 at /versions.
func handleVersions(w http.ResponseWriter, r *http.Request) {
	base := "http://" + r.Host
	answer := object{{"versions", []object{{
		{"id", "v2.9"},
		{"status", "CURRENT"},
		{"links", []object{{{"rel", "self"}, {"href", base + "/v2/"}}}},
	}}}}
	status := http.StatusMultipleChoices
	if r.URL.Path == "/versions" {
		status = http.StatusOK
	}
	writeJSON(w, status, answer)
}
