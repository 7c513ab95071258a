// Package e2e holds end-to-end tests of `ims-wizard sandbox` against the
// real clients of IMS's native OpenStack API, the Huawei Cloud Go SDK,
// gophercloud and the openstack CLI, run against the sandbox and against
// a real Glance (make test), requiring the same outcome from both.
package e2e
