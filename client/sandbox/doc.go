// Package sandbox is an emulator of Huawei Cloud IMS's native OpenStack
// image API (the Glance v2 contract), so that ims-wizard, the Huawei Cloud
// SDK, gophercloud and the openstack CLI can be tried and tested without a
// cloud account. A Server is an http.Handler (usable under httptest) or
// serves on its own listener (Start).
//
// # State
//
// With Options.Dir the images and their uploaded files persist in that
// directory, shared at once by every Server (in any process) that opens it:
// one small file per image, replaced atomically under a file lock, so a
// create costs the same whatever the number of images, readers need no
// lock, and a damaged record is set aside alone (dirstore.go). A damaged or
// newer state is moved aside whole and said (Server.Notices). Without Dir
// the state is private and in memory, for tests.
//
// # What it answers
//
// POST/GET /v2/images (Glance's filters, operators, sorting and paging),
// GET/PATCH/DELETE /v2/images/{id}, PUT/GET /v2/images/{id}/file,
// PUT/DELETE /v2/images/{id}/tags/{tag}, GET /v2/schemas/image(s),
// GET /v1/cloudimages/os_version, and Glance's version discovery. Statuses
// are Glance's; error bodies are IMS's ({"error": {"code", "message"}}, with
// an X-Request-Id on every answer), with IMS's documented codes where IMS
// documents the case (IMG.0001 format, IMG.0002/0003 name, IMG.0027 no such
// image, IMG.0028 protected, IMG.0055 sizes, IMG.0056 OS version, IMG.0115
// tags, IMG.0116 too many tags) and SANDBOX.0<status> where it documents
// none, so that nobody takes the sandbox's choice for IMS's. Values are
// checked with the client's own rules (client.Request.Validate and the
// Validate* functions), so where those are stricter than IMS (a name is
// required, tags are key=value) the sandbox is too. Requests are bounded as
// Glance bounds them: 64 KiB of JSON, 128 extra properties, 128 tags, 255
// characters for a property's name, pages of 25 images (1000 at most); a
// body that sends nothing for Options.BodyIdleTimeout is cut off. Faults
// (Options.Faults, ParseFault) replace the answers of matching requests
// with IMS's failures, for demos and for reproducing a customer's problem.
//
// # What it leaves out, and why
//
//   - Authentication: every token and signature is accepted, since the
//     sandbox runs on the user's own machine (it listens on loopback, and
//     `ims-wizard sandbox` refuses other addresses unless told); a 401 can
//     be injected as a fault.
//   - Quotas (IMG.0015) and IMS's unique names (IMG.0009): they depend on
//     the account, and Glance allows duplicate names.
//   - Visibility other than private, members and sharing
//     (/v2/images/{id}/members): image metadata is created private, and
//     sharing needs other projects.
//   - Locations, image import and staging, tasks, os_hash_value, a computed
//     virtual_size, and IMS's own image-creation APIs (from an ECS, OBS or a
//     backup): they need services the sandbox does not have. Routes not
//     emulated answer 404 SANDBOX.0404, saying so.
//   - A deleted image is gone at once: Glance does not list its deleted
//     images either, and IMS's "deleted" status is never seen through GET.
//   - An interrupted upload puts the image back to queued (Glance may leave
//     it killed), so the whole file can simply be sent again.
//   - IMS's derived fields that depend on its backend are constants:
//     __imagetype private, __isregistered true, __image_source_type uds.
//   - os_hidden and member_status filters are accepted and change nothing:
//     the sandbox has no hidden or shared images.
package sandbox
