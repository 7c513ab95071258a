package sandbox_test

import (
	"context"
	"crypto/md5"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"testing"

	"github.com/ims-wizard/ims-wizard/client"
	"github.com/ims-wizard/ims-wizard/client/sandbox"
)

func TestPatchChangesWhatGlanceAllows(t *testing.T) {
	t.Parallel()
	srv, c := start(t, sandbox.Options{Clock: stepClock()})
	base := srv.URL()
	id := create(t, c, `{"name":"p","__os_version":"Ubuntu 14.04 server 64bit","tags":["a=1"],"hw_disk_bus":"scsi"}`)

	a := patch(t, base, id, `[
		{"op":"replace","path":"/name","value":"renamed"},
		{"op":"add","path":"/__os_version","value":"CentOS 7.6 64bit"},
		{"op":"add","path":"/hw_firmware_type","value":"uefi"},
		{"op":"replace","path":"/hw_disk_bus","value":"virtio"},
		{"op":"add","path":"/min_ram","value":2048},
		{"op":"replace","path":"/min_disk","value":60},
		{"op":"replace","path":"/protected","value":true},
		{"op":"replace","path":"/tags","value":["b=2","c=3","b=2"]},
		{"op":"add","path":"/a~1b","value":"slash"},
		{"op":"replace","path":"/visibility","value":"private"}]`)
	if a.status != http.StatusOK {
		t.Fatalf("PATCH = %d %s", a.status, a.body)
	}
	img, err := client.ParseImage(a.body)
	if err != nil {
		t.Fatal(err)
	}
	if img.Name != "renamed" || img.MinRAM != 2048 || img.MinDisk != 60 || !img.Protected ||
		!reflect.DeepEqual(img.Tags, []string{"b=2", "c=3"}) {
		t.Errorf("core attributes not patched: %s", a.body)
	}
	// A new __os_version re-derives what IMS derives from it.
	if img.OSVersion != "CentOS 7.6 64bit" || img.Platform != "CentOS" || img.OSType != "Linux" || img.OSBit.Value != 64 {
		t.Errorf("os = %q %q %q %v", img.OSVersion, img.Platform, img.OSType, img.OSBit)
	}
	m := a.json(t)
	if m["hw_firmware_type"] != "uefi" || m["hw_disk_bus"] != "virtio" || m["a/b"] != "slash" {
		t.Errorf("extra properties: %s", a.body)
	}
	if img.UpdatedAt <= img.CreatedAt {
		t.Errorf("updated_at %s not after created_at %s", img.UpdatedAt, img.CreatedAt)
	}
	read, err := c.Get(context.Background(), id)
	if err != nil || string(read.Image.Raw) != string(a.body[:len(a.body)-1]) {
		t.Errorf("GET after PATCH differs:\n%s\n%s (%v)", read.Image.Raw, a.body, err)
	}

	// remove of an extra property, and the v2.0 form of a patch.
	if a := patch(t, base, id, `[{"op":"remove","path":"/hw_disk_bus"}]`); a.status != 200 || a.json(t)["hw_disk_bus"] != nil {
		t.Errorf("remove: %d %s", a.status, a.body)
	}
	v20 := call(t, http.MethodPatch, base+"/v2/images/"+id, "application/openstack-images-v2.0-json-patch", []byte(`[{"replace":"/name","value":"v20"}]`))
	if v20.status != 200 || v20.json(t)["name"] != "v20" {
		t.Errorf("v2.0 patch: %d %s", v20.status, v20.body)
	}
	if a := patch(t, base, id, `[]`); a.status != 200 {
		t.Errorf("empty patch: %d %s", a.status, a.body)
	}
}

func TestPatchRefusals(t *testing.T) {
	t.Parallel()
	srv, c := start(t, sandbox.Options{})
	base := srv.URL()
	id := create(t, c, `{"name":"r","__os_version":"Ubuntu 14.04 server 64bit","x":"y"}`)
	before, _ := c.Get(context.Background(), id)

	tests := []struct {
		name, ops, contentType string
		status                 int
		code                   string
		mentions               []string
	}{
		{"read-only status", `[{"op":"replace","path":"/status","value":"active"}]`, "", 403, "SANDBOX.0403", []string{"status", "read-only"}},
		{"read-only id", `[{"op":"replace","path":"/id","value":"x"}]`, "", 403, "SANDBOX.0403", []string{"id"}},
		{"read-only checksum", `[{"op":"add","path":"/checksum","value":"x"}]`, "", 403, "SANDBOX.0403", []string{"checksum"}},
		{"read-only owner", `[{"op":"replace","path":"/owner","value":"x"}]`, "", 403, "SANDBOX.0403", []string{"owner"}},
		{"derived __platform", `[{"op":"add","path":"/__platform","value":"CentOS"}]`, "", 403, "SANDBOX.0403", []string{"__platform"}},
		{"reserved os_glance_", `[{"op":"add","path":"/os_glance_x","value":"1"}]`, "", 403, "SANDBOX.0403", []string{"reserved"}},
		{"core never removed", `[{"op":"remove","path":"/name"}]`, "", 403, "SANDBOX.0403", []string{"may not be removed"}},
		{"__os_version never removed", `[{"op":"remove","path":"/__os_version"}]`, "", 403, "SANDBOX.0403", []string{"__os_version"}},
		{"visibility public", `[{"op":"replace","path":"/visibility","value":"public"}]`, "", 403, "SANDBOX.0403", []string{"public"}},
		{"visibility unknown", `[{"op":"replace","path":"/visibility","value":"bogus"}]`, "", 400, "IMG.0001", []string{"visibility"}},
		{"replace a missing property", `[{"op":"replace","path":"/nothere","value":"v"}]`, "", 409, "SANDBOX.0409", []string{"nothere"}},
		{"remove a missing property", `[{"op":"remove","path":"/nothere"}]`, "", 409, "SANDBOX.0409", []string{"nothere"}},
		{"min_ram a string", `[{"op":"add","path":"/min_ram","value":"12"}]`, "", 400, "IMG.0001", []string{"min_ram"}},
		{"min_ram null", `[{"op":"add","path":"/min_ram","value":null}]`, "", 400, "IMG.0001", []string{"min_ram"}},
		{"protected a string", `[{"op":"add","path":"/protected","value":"yes"}]`, "", 400, "IMG.0001", []string{"protected"}},
		{"tags a string", `[{"op":"add","path":"/tags","value":"x"}]`, "", 400, "IMG.0001", []string{"tags"}},
		{"extra not a string", `[{"op":"add","path":"/x_prop","value":5}]`, "", 400, "IMG.0001", []string{"x_prop", "string"}},
		{"min_disk under IMS's 40", `[{"op":"replace","path":"/min_disk","value":10}]`, "", 400, "IMG.0055", []string{"min_disk", "40"}},
		{"tag not key=value", `[{"op":"replace","path":"/tags","value":["plain"]}]`, "", 400, "IMG.0115", []string{"tags"}},
		{"windows", `[{"op":"replace","path":"/__os_version","value":"Windows Server 2019 Standard 64bit"}]`, "", 400, "IMG.0056", []string{"Windows"}},
		{"unknown os version", `[{"op":"replace","path":"/__os_version","value":"Ubuntu 99.99 server 64bit"}]`, "", 400, "IMG.0056", []string{"__os_version"}},
		{"empty name", `[{"op":"replace","path":"/name","value":""}]`, "", 400, "IMG.0002", []string{"name"}},
		{"null name", `[{"op":"replace","path":"/name","value":null}]`, "", 400, "IMG.0002", []string{"name"}},
		{"unknown op", `[{"op":"move","path":"/x","value":"1"}]`, "", 400, "IMG.0001", []string{"move"}},
		{"no op", `[{"path":"/x","value":"1"}]`, "", 400, "IMG.0001", []string{"op"}},
		{"no path", `[{"op":"add","value":"1"}]`, "", 400, "IMG.0001", []string{"path"}},
		{"no value", `[{"op":"add","path":"/x"}]`, "", 400, "IMG.0001", []string{"value"}},
		{"path without slash", `[{"op":"add","path":"x","value":"1"}]`, "", 400, "IMG.0001", []string{"does not start"}},
		{"nested path", `[{"op":"add","path":"/tags/-","value":"a=b"}]`, "", 400, "IMG.0001", []string{"/tags/-"}},
		{"not an array", `{"op":"add"}`, "", 400, "IMG.0001", []string{"array"}},
		{"not an object", `[1]`, "", 400, "IMG.0001", []string{"objects"}},
		{"not JSON", `notjson`, "", 400, "IMG.0001", []string{"JSON"}},
		{"plain JSON content type", `[]`, "application/json", 415, "SANDBOX.0415", []string{"openstack-images-v2.1-json-patch"}},
		// All or nothing: the valid first operation is not kept either.
		{"atomic", `[{"op":"replace","path":"/name","value":"changed"},{"op":"replace","path":"/min_ram","value":-3}]`, "", 400, "IMG.0055", []string{"min_ram"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ct := tt.contentType
			if ct == "" {
				ct = patchType
			}
			a := call(t, http.MethodPatch, base+"/v2/images/"+id, ct, []byte(tt.ops))
			wantError(t, tt.name, a, tt.status, tt.code, tt.mentions...)
		})
	}
	after, _ := c.Get(context.Background(), id)
	if string(after.Image.Raw) != string(before.Image.Raw) {
		t.Errorf("a refused patch changed the image:\n%s\n%s", before.Image.Raw, after.Image.Raw)
	}
	wantError(t, "unknown image", patch(t, base, "nope", `[]`), 404, "IMG.0027")

	// Formats change only while queued, as in Glance.
	uploadBytes(t, base, id, []byte("abc"))
	wantError(t, "disk_format of an active image", patch(t, base, id, `[{"op":"replace","path":"/disk_format","value":"raw"}]`), 403, "SANDBOX.0403", "queued")
	if a := patch(t, base, id, `[{"op":"replace","path":"/disk_format","value":"zvhd2"}]`); a.status != 200 {
		t.Errorf("the same disk_format again: %d %s", a.status, a.body)
	}
}

func TestDelete(t *testing.T) {
	t.Parallel()
	srv, c := start(t, sandbox.Options{})
	base := srv.URL()
	ctx := context.Background()
	id := create(t, c, `{"name":"del"}`)
	uploadBytes(t, base, id, []byte("bytes"))
	kept := create(t, c, `{"name":"del"}`)

	// The Huawei SDK sends a body with its DELETE; it is ignored.
	if a := call(t, http.MethodDelete, base+"/v2/images/"+id, "application/json", []byte(`{"delete_backup":false}`)); a.status != 204 || len(a.body) != 0 {
		t.Fatalf("DELETE = %d %s", a.status, a.body)
	}
	wantError(t, "GET after DELETE", call(t, "GET", base+"/v2/images/"+id, "", nil), 404, "IMG.0027")
	wantError(t, "file after DELETE", call(t, "GET", base+"/v2/images/"+id+"/file", "", nil), 404, "IMG.0027")
	wantError(t, "DELETE twice", call(t, "DELETE", base+"/v2/images/"+id, "", nil), 404, "IMG.0027")
	imgs, err := c.ListByName(ctx, "del")
	if err != nil || len(imgs) != 1 || imgs[0].ID != kept {
		t.Errorf("list after DELETE = %v %v, want only %s", imgs, err, kept)
	}

	prot := create(t, c, `{"name":"prot","protected":true}`)
	wantError(t, "DELETE protected", call(t, "DELETE", base+"/v2/images/"+prot, "", nil), 403, "IMG.0028", "protected")
	if _, err := c.Get(ctx, prot); err != nil {
		t.Errorf("a refused DELETE removed the image: %v", err)
	}
	patch(t, base, prot, `[{"op":"replace","path":"/protected","value":false}]`)
	if a := call(t, "DELETE", base+"/v2/images/"+prot, "", nil); a.status != 204 {
		t.Errorf("DELETE unprotected = %d %s", a.status, a.body)
	}
}

func TestTags(t *testing.T) {
	t.Parallel()
	srv, c := start(t, sandbox.Options{})
	base := srv.URL()
	id := create(t, c, `{"name":"tags","tags":["a=1"]}`)
	tagURL := func(tag string) string { return base + "/v2/images/" + id + "/tags/" + url.PathEscape(tag) }
	for range 2 { // a repeated PUT is no error and no duplicate
		if a := call(t, "PUT", tagURL("b=2/x"), "", nil); a.status != 204 {
			t.Fatalf("PUT tag = %d %s", a.status, a.body)
		}
	}
	read, _ := c.Get(context.Background(), id)
	if !reflect.DeepEqual(read.Image.Tags, []string{"a=1", "b=2/x"}) {
		t.Errorf("tags = %v", read.Image.Tags)
	}
	if a := call(t, "DELETE", tagURL("a=1"), "", nil); a.status != 204 {
		t.Errorf("DELETE tag = %d %s", a.status, a.body)
	}
	wantError(t, "DELETE missing tag", call(t, "DELETE", tagURL("a=1"), "", nil), 404, "SANDBOX.0404", "a=1")
	wantError(t, "tag not key=value", call(t, "PUT", tagURL("plain"), "", nil), 400, "IMG.0115")
	wantError(t, "tag too long", call(t, "PUT", tagURL("k="+strings.Repeat("v", 300)), "", nil), 400, "IMG.0115", "255")
	wantError(t, "unknown image", call(t, "PUT", base+"/v2/images/nope/tags/a=b", "", nil), 404, "IMG.0027")
	read, _ = c.Get(context.Background(), id)
	if !reflect.DeepEqual(read.Image.Tags, []string{"b=2/x"}) {
		t.Errorf("tags = %v", read.Image.Tags)
	}
	for i := len(read.Image.Tags); i < 128; i++ {
		if a := call(t, "PUT", tagURL(fmt.Sprintf("n=%d", i)), "", nil); a.status != 204 {
			t.Fatalf("tag %d: %d %s", i, a.status, a.body)
		}
	}
	wantError(t, "tag 129", call(t, "PUT", tagURL("one=more"), "", nil), 413, "IMG.0116", "128")
}

func TestDownload(t *testing.T) {
	t.Parallel()
	srv, c := start(t, sandbox.Options{})
	base := srv.URL()
	id := create(t, c, `{"name":"dl"}`)
	if a := call(t, "GET", base+"/v2/images/"+id+"/file", "", nil); a.status != 204 || len(a.body) != 0 {
		t.Errorf("before upload: %d %q, want 204 as Glance", a.status, a.body)
	}
	data := []byte(strings.Repeat("hello world ", 5000))
	uploadBytes(t, base, id, data)
	sum := md5.Sum(data)
	md5hex := hex.EncodeToString(sum[:])

	a := call(t, "GET", base+"/v2/images/"+id+"/file", "", nil)
	if a.status != 200 || string(a.body) != string(data) {
		t.Fatalf("download: %d, %d bytes, want 200 and the %d bytes uploaded", a.status, len(a.body), len(data))
	}
	if a.header.Get("Content-MD5") != md5hex || a.header.Get("Content-Type") != "application/octet-stream" || a.header.Get("X-Request-Id") == "" {
		t.Errorf("headers = %v, want Content-MD5 %s", a.header, md5hex)
	}
	read, _ := c.Get(context.Background(), id)
	if read.Image.Checksum != md5hex {
		t.Errorf("checksum %s, want %s", read.Image.Checksum, md5hex)
	}
	req, _ := http.NewRequest("GET", base+"/v2/images/"+id+"/file", nil)
	req.Header.Set("Range", "bytes=6-10")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	part := make([]byte, 16)
	n, _ := resp.Body.Read(part)
	resp.Body.Close()
	if resp.StatusCode != 206 || string(part[:n]) != "world" {
		t.Errorf("range: %d %q", resp.StatusCode, part[:n])
	}
}

func TestSchemas(t *testing.T) {
	t.Parallel()
	srv, _ := start(t, sandbox.Options{})
	image := call(t, "GET", srv.URL()+"/v2/schemas/image", "", nil)
	if image.status != 200 {
		t.Fatalf("schema: %d %s", image.status, image.body)
	}
	m := image.json(t)
	props, _ := m["properties"].(map[string]any)
	for _, k := range []string{"name", "disk_format", "tags", "min_disk", "__os_version", "__platform", "status"} {
		if props[k] == nil {
			t.Errorf("the image schema has no %s", k)
		}
	}
	if p, _ := props["__platform"].(map[string]any); p["readOnly"] != true {
		t.Errorf("__platform should be read-only: %v", p)
	}
	if m["additionalProperties"] == nil || m["name"] != "image" {
		t.Errorf("schema = %s", image.body)
	}
	images := call(t, "GET", srv.URL()+"/v2/schemas/images", "", nil).json(t)
	items := images["properties"].(map[string]any)["images"].(map[string]any)["items"].(map[string]any)
	if items["name"] != "image" || images["name"] != "images" {
		t.Errorf("images schema = %v", images)
	}
}
