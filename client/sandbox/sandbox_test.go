package sandbox_test

import (
	"bytes"
	"context"
	"crypto/md5"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ims-wizard/ims-wizard/client"
	"github.com/ims-wizard/ims-wizard/client/sandbox"
)

// The seed document's example request and 201 response, verbatim.
const (
	seedRequest = `{
    "__os_version": "Ubuntu 14.04 server 64bit",
    "container_format": "bare",
    "disk_format": "vhd",
    "min_disk": 100,
    "min_ram": 1024,
    "name": "test",
    "tags": [
        "test=testvalue",
        "image=imagevalue"
    ],
    "visibility": "private",
    "protected": false
}`
	seedResponse = `{
    "schema": "/v2/schemas/image",
    "min_disk": 100,
    "created_at": "2016-06-02T07:49:48Z",
    "__image_source_type": "uds",
    "container_format": "bare",
    "__image_size": "0",
    "file": "/v2/images/4ca46bf1-5c61-48ff-b4f3-0ad4e5e3ba86/file",
    "updated_at": "2016-06-02T07:49:49Z",
    "protected": false,
    "id": "4ca46bf1-5c61-48ff-b4f3-0ad4e5e3ba86",
    "__isregistered": "true",
    "min_ram": 1024,
    "owner": "b912fb4a4c464b568ecfca1071b21b10",
    "__os_type": "Linux",
    "__imagetype": "private",
    "visibility": "private",
    "virtual_env_type": "FusionCompute",
    "tags": [
        "test=testvalue",
        "image=imagevalue"

    ],
    "__platform": "Ubuntu",
    "__os_bit": "64",
    "__os_version": "Ubuntu 14.04 server 64bit",
    "name": "test",
    "self": "/v2/images/4ca46bf1-5c61-48ff-b4f3-0ad4e5e3ba86",
    "disk_format": "vhd",
    "status": "queued"
}`
	seedID = "4ca46bf1-5c61-48ff-b4f3-0ad4e5e3ba86"
)

var seedTime = time.Date(2016, 6, 2, 7, 49, 48, 0, time.UTC)

// start serves a sandbox on a free loopback port and returns it with a real
// client pointed at it. Its state is a fresh directory, as the product's is,
// unless opts.Dir says otherwise; startMem keeps it in memory.
func start(t *testing.T, opts sandbox.Options) (*sandbox.Server, *client.Client) {
	t.Helper()
	if opts.Dir == "" {
		opts.Dir = t.TempDir()
	}
	return serve(t, opts)
}

// startMem serves a sandbox whose state is in memory (Options.Dir "").
func startMem(t *testing.T, opts sandbox.Options) (*sandbox.Server, *client.Client) {
	t.Helper()
	opts.Dir = ""
	return serve(t, opts)
}

func serve(t *testing.T, opts sandbox.Options) (*sandbox.Server, *client.Client) {
	t.Helper()
	srv, err := sandbox.Open(opts)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	url, err := srv.Start("127.0.0.1:0")
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Cleanup(func() {
		if err := srv.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	c, err := client.New(client.Config{Endpoint: url, Timeout: 10 * time.Second})
	if err != nil {
		t.Fatalf("client.New: %v", err)
	}
	return srv, c
}

// stepClock advances one second per call, so creation order is visible.
func stepClock() func() time.Time {
	var n atomic.Int64
	return func() time.Time { return seedTime.Add(time.Duration(n.Add(1)) * time.Second) }
}

func fixedClock() time.Time { return seedTime }

func ubuntuRequest(name string) client.Request {
	r := client.NewRequest()
	r.Name = name
	r.OSVersion = "Ubuntu 14.04 server 64bit"
	return r
}

// keys lists an object's keys in the order they were written.
func keys(t *testing.T, raw []byte) []string {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(raw))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		t.Fatalf("not an object: %s", raw)
	}
	var out []string
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, tok.(string))
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			t.Fatal(err)
		}
	}
	return out
}

func decodeMap(t *testing.T, raw []byte) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatalf("%v: %s", err, raw)
	}
	return m
}

func TestSeedExampleCreatedAndReadBack(t *testing.T) {
	t.Parallel()
	_, c := start(t, sandbox.Options{Clock: fixedClock, NewID: func() string { return seedID }})
	ctx := context.Background()

	created, err := c.CreateBody(ctx, []byte(seedRequest))
	if err != nil {
		t.Fatalf("create: %v", err)
	}
	if created.StatusCode != http.StatusCreated {
		t.Errorf("status = %d, want 201", created.StatusCode)
	}

	// The whole object equals the seed's, in the seed's key order; only
	// updated_at differs (the seed's is one second later than created_at).
	want := decodeMap(t, []byte(seedResponse))
	got := decodeMap(t, created.Image.Raw)
	if got["updated_at"] != "2016-06-02T07:49:48Z" {
		t.Errorf("updated_at = %v, want created_at", got["updated_at"])
	}
	delete(want, "updated_at")
	delete(got, "updated_at")
	if !reflect.DeepEqual(got, want) {
		t.Errorf("response differs from the seed's example:\n got %v\nwant %v", got, want)
	}
	if g, w := keys(t, created.Image.Raw), keys(t, []byte(seedResponse)); !reflect.DeepEqual(g, w) {
		t.Errorf("key order:\n got %v\nwant %v", g, w)
	}

	read, err := c.Get(ctx, created.Image.ID)
	if err != nil {
		t.Fatalf("get: %v", err)
	}
	for _, res := range []*client.Result{created, read} {
		img := res.Image
		checks := []struct {
			field     string
			got, want any
		}{
			{"schema", img.Schema, "/v2/schemas/image"},
			{"id", img.ID, seedID},
			{"name", img.Name, "test"},
			{"status", img.Status, "queued"},
			{"visibility", img.Visibility, "private"},
			{"protected", img.Protected, false},
			{"container_format", img.ContainerFormat, "bare"},
			{"disk_format", img.DiskFormat, "vhd"},
			{"tags", img.Tags, []string{"test=testvalue", "image=imagevalue"}},
			{"min_ram", img.MinRAM, int64(1024)},
			{"min_disk", img.MinDisk, int64(100)},
			{"created_at", img.CreatedAt, "2016-06-02T07:49:48Z"},
			{"updated_at", img.UpdatedAt, "2016-06-02T07:49:48Z"},
			{"self", img.Self, "/v2/images/" + seedID},
			{"file", img.File, "/v2/images/" + seedID + "/file"},
			{"__image_source_type", img.ImageSourceType, "uds"},
			{"__image_size", img.ImageSize, client.FlexInt{Value: 0, Valid: true}},
			{"__isregistered", img.IsRegistered, client.FlexBool{Value: true, Valid: true}},
			{"__os_version", img.OSVersion, "Ubuntu 14.04 server 64bit"},
			{"__os_type", img.OSType, "Linux"},
			{"__platform", img.Platform, "Ubuntu"},
			{"__os_bit", img.OSBit, client.FlexInt{Value: 64, Valid: true}},
			{"__imagetype", img.ImageType, "private"},
			{"virtual_env_type", img.VirtualEnvType, "FusionCompute"},
			{"owner", img.Owner, "b912fb4a4c464b568ecfca1071b21b10"},
			{"checksum (none before upload)", img.Checksum, ""},
			{"size (none before upload)", img.Size, client.FlexInt{}},
		}
		for _, ck := range checks {
			if !reflect.DeepEqual(ck.got, ck.want) {
				t.Errorf("%s = %#v, want %#v", ck.field, ck.got, ck.want)
			}
		}
		if !regexp.MustCompile(`^[0-9a-f]{32}$`).MatchString(res.RequestID) {
			t.Errorf("RequestID = %q, want 32 hex digits from X-Request-Id", res.RequestID)
		}
	}
	if created.RequestID == read.RequestID {
		t.Errorf("request id %q reused: each answer needs a fresh one", read.RequestID)
	}
	if !bytes.Equal(created.Image.Raw, read.Image.Raw) {
		t.Errorf("GET differs from the create answer:\n%s\n%s", created.Image.Raw, read.Image.Raw)
	}
}

func TestCreateDerivesFieldsAndDefaults(t *testing.T) {
	t.Parallel()
	_, c := start(t, sandbox.Options{Clock: fixedClock})
	ctx := context.Background()
	tests := []struct {
		name                                     string
		body                                     string
		version, platform, osType, envType, disk string
		bits                                     int64
	}{
		{"iso becomes an ISO image", `{"name":"i","__os_version":"Ubuntu 14.04 server 64bit","disk_format":"iso"}`,
			"Ubuntu 14.04 server 64bit", "Ubuntu", "Linux", "IsoImage", "iso", 64},
		{"omitted os version is IMS's fallback", `{"name":"f"}`,
			"Other Linux(64 bit)", "Other", "Linux", "FusionCompute", "zvhd2", 64},
		{"null os version is omitted", `{"name":"n","__os_version":null}`,
			"Other Linux(64 bit)", "Other", "Linux", "FusionCompute", "zvhd2", 64},
		{"32-bit version", `{"name":"b","__os_version":"Ubuntu 14.04.4 server 32bit","disk_format":"qcow2"}`,
			"Ubuntu 14.04.4 server 32bit", "Ubuntu", "Linux", "FusionCompute", "qcow2", 32},
		{"whitespace normalised to the catalogue's spelling", `{"name":"w","__os_version":"  Ubuntu   14.04 server 64bit "}`,
			"Ubuntu 14.04 server 64bit", "Ubuntu", "Linux", "FusionCompute", "zvhd2", 64},
		{"other platform", `{"name":"c","__os_version":"CentOS 6.5 64bit","disk_format":"raw"}`,
			"CentOS 6.5 64bit", "CentOS", "Linux", "FusionCompute", "raw", 64},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := c.CreateBody(ctx, []byte(tt.body))
			if err != nil {
				t.Fatal(err)
			}
			img := res.Image
			if img.OSVersion != tt.version || img.Platform != tt.platform || img.OSType != tt.osType ||
				img.OSBit != (client.FlexInt{Value: tt.bits, Valid: true}) {
				t.Errorf("os = %q/%q/%q/%v, want %q/%q/%q/%d", img.OSVersion, img.Platform, img.OSType, img.OSBit,
					tt.version, tt.platform, tt.osType, tt.bits)
			}
			if img.VirtualEnvType != tt.envType || img.DiskFormat != tt.disk {
				t.Errorf("virtual_env_type/disk_format = %q/%q, want %q/%q", img.VirtualEnvType, img.DiskFormat, tt.envType, tt.disk)
			}
			// Defaults of everything not sent.
			if img.ContainerFormat != "bare" || img.MinRAM != 0 || img.MinDisk != 0 || img.Protected ||
				img.Visibility != "private" || img.Status != "queued" {
				t.Errorf("defaults wrong: %s", img.Raw)
			}
			if !bytes.Contains(img.Raw, []byte(`"tags":[]`)) {
				t.Errorf("tags should be [] when none were sent: %s", img.Raw)
			}
		})
	}
}

func TestCreateWithClientRequestAndProtected(t *testing.T) {
	t.Parallel()
	_, c := start(t, sandbox.Options{})
	req := ubuntuRequest("protected-one")
	req.Protected = true
	req.MinDisk = client.Int64(40)
	req.MinRAM = client.Int64(0)
	res, err := c.Create(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	img := res.Image
	if !img.Protected || img.MinDisk != 40 || img.DiskFormat != "zvhd2" || img.Owner != sandbox.DefaultOwner {
		t.Errorf("got %s", img.Raw)
	}
	if !regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`).MatchString(img.ID) {
		t.Errorf("id %q is not a UUIDv4", img.ID)
	}
	if ts, err := time.Parse("2006-01-02T15:04:05Z", img.CreatedAt); err != nil || time.Since(ts) > time.Minute {
		t.Errorf("created_at %q is not now in UTC (%v)", img.CreatedAt, err)
	}
}

func TestCreateRefusesInvalidInput(t *testing.T) {
	t.Parallel()
	_, c := start(t, sandbox.Options{})
	ctx := context.Background()
	long := strings.Repeat("x", 256)
	tests := []struct {
		name     string
		body     string
		code     string
		mentions []string
	}{
		{"name missing", `{"__os_version":"Ubuntu 14.04 server 64bit"}`, "IMG.0002", []string{"name"}},
		{"name empty", `{"name":""}`, "IMG.0002", []string{"name"}},
		{"name too long", `{"name":"` + long + `"}`, "IMG.0002", []string{"name", "255"}},
		{"name only spaces", `{"name":"   "}`, "IMG.0003", []string{"name"}},
		{"min_disk below 40", `{"name":"x","min_disk":10}`, "IMG.0055", []string{"min_disk", "40"}},
		{"min_disk above 255", `{"name":"x","min_disk":300}`, "IMG.0055", []string{"min_disk"}},
		{"min_ram negative", `{"name":"x","min_ram":-1}`, "IMG.0055", []string{"min_ram"}},
		{"min_ram over int32", `{"name":"x","min_ram":3000000000}`, "IMG.0055", []string{"min_ram"}},
		{"unknown os version", `{"name":"x","__os_version":"Ubuntu 99.99 server 64bit"}`, "IMG.0056", []string{"__os_version"}},
		{"windows refused", `{"name":"x","__os_version":"Windows Server 2019 Standard 64bit"}`, "IMG.0056", []string{"__os_version", "Windows"}},
		{"tag not key=value", `{"name":"x","tags":["novalue"]}`, "IMG.0115", []string{"tags"}},
		{"tag without key", `{"name":"x","tags":["=v"]}`, "IMG.0115", []string{"tags"}},
		{"tag empty", `{"name":"x","tags":[""]}`, "IMG.0115", []string{"tags"}},
		{"tag repeated", `{"name":"x","tags":["a=b","a=b"]}`, "IMG.0115", []string{"tags"}},
		{"visibility public", `{"name":"x","visibility":"public"}`, "IMG.0001", []string{"visibility"}},
		{"container_format ovf", `{"name":"x","container_format":"ovf"}`, "IMG.0001", []string{"container_format"}},
		{"disk_format vmdk", `{"name":"x","disk_format":"vmdk"}`, "IMG.0001", []string{"disk_format"}},
		{"min_ram a string", `{"name":"x","min_ram":"abc"}`, "IMG.0001", []string{"min_ram", "string"}},
		{"min_ram a numeric string", `{"name":"x","min_ram":"1024"}`, "IMG.0001", []string{"min_ram"}},
		{"min_disk fractional", `{"name":"x","min_disk":40.5}`, "IMG.0001", []string{"min_disk", "whole number"}},
		{"min_disk huge", `{"name":"x","min_disk":99999999999999999999}`, "IMG.0001", []string{"min_disk", "out of range"}},
		{"protected a string", `{"name":"x","protected":"false"}`, "IMG.0001", []string{"protected"}},
		{"tags a string", `{"name":"x","tags":"a=b"}`, "IMG.0001", []string{"tags", "array"}},
		{"tag a number", `{"name":"x","tags":["a=b",1]}`, "IMG.0001", []string{"tags", "tag 2"}},
		{"name a number", `{"name":5}`, "IMG.0001", []string{"name"}},
		{"read-only status", `{"name":"x","status":"active"}`, "IMG.0001", []string{"status", "read-only"}},
		{"read-only __platform", `{"name":"x","__platform":"Ubuntu"}`, "IMG.0001", []string{"__platform", "read-only"}},
		{"extra property not a string", `{"name":"x","hw_disk_bus":1}`, "IMG.0001", []string{"hw_disk_bus", "string"}},
		{"not JSON", `name=test`, "IMG.0001", []string{"JSON"}},
		{"a JSON array", `[{"name":"x"}]`, "IMG.0001", []string{"JSON object", "array"}},
		{"data after the object", `{"name":"x"} {}`, "IMG.0001", []string{"after the object"}},
		{"truncated JSON", `{"name":"x"`, "IMG.0001", []string{"JSON"}},
		{"empty body", ``, "IMG.0007", []string{"empty"}},
		{"several problems, first field's code", `{"name":"","min_disk":10,"tags":["x"]}`, "IMG.0002", []string{"name", "min_disk", "tags", "; "}},
		{"several type problems", `{"name":"x","min_ram":"a","protected":1}`, "IMG.0001", []string{"min_ram", "protected", "; "}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := c.CreateBody(ctx, []byte(tt.body))
			var apiErr *client.APIError
			if !errors.As(err, &apiErr) {
				t.Fatalf("err = %v, want *client.APIError", err)
			}
			if apiErr.StatusCode != http.StatusBadRequest || apiErr.Code != tt.code {
				t.Errorf("got %d %s, want 400 %s (%s)", apiErr.StatusCode, apiErr.Code, tt.code, apiErr.Message)
			}
			for _, m := range tt.mentions {
				if !strings.Contains(apiErr.Message, m) {
					t.Errorf("message %q does not mention %q", apiErr.Message, m)
				}
			}
			if apiErr.RequestID == "" {
				t.Error("no X-Request-Id on an error answer")
			}
		})
	}

	// No refused request created anything.
	imgs, err := c.ListByName(ctx, "x")
	if err != nil || len(imgs) != 0 {
		t.Errorf("ListByName(x) = %d images, %v; want none", len(imgs), err)
	}
}

func TestExtraPropertiesKept(t *testing.T) {
	t.Parallel()
	_, c := start(t, sandbox.Options{})
	ctx := context.Background()
	body := `{"name":"x","hw_firmware_type":"uefi","__os_version":"Ubuntu 14.04 server 64bit","__description":"<b>&</b>"}`
	res, err := c.CreateBody(ctx, []byte(body))
	if err != nil {
		t.Fatal(err)
	}
	read, err := c.Get(ctx, res.Image.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, img := range []*client.Image{res.Image, read.Image} {
		fields := img.Fields()
		tail := fields[len(fields)-2:]
		want := []client.Field{{Key: "hw_firmware_type", Value: "uefi"}, {Key: "__description", Value: "<b>&</b>"}}
		if !reflect.DeepEqual(tail, want) {
			t.Errorf("extra properties = %+v, want %+v last, in the order sent", tail, want)
		}
	}
	if !bytes.Contains(res.Image.Raw, []byte(`"<b>&</b>"`)) {
		t.Errorf("HTML characters escaped, unlike Glance: %s", res.Image.Raw)
	}
}

func TestGetUnknownImage(t *testing.T) {
	t.Parallel()
	_, c := start(t, sandbox.Options{})
	_, err := c.Get(context.Background(), "00000000-0000-4000-8000-000000000000")
	var apiErr *client.APIError
	if !errors.As(err, &apiErr) {
		t.Fatalf("err = %v, want *client.APIError", err)
	}
	if apiErr.StatusCode != 404 || apiErr.Code != "IMG.0027" || !strings.Contains(apiErr.Message, "00000000-0000-4000-8000-000000000000") ||
		apiErr.RequestID == "" {
		t.Errorf("got %d %s %q req=%q", apiErr.StatusCode, apiErr.Code, apiErr.Message, apiErr.RequestID)
	}
}

func TestListByName(t *testing.T) {
	t.Parallel()
	_, c := start(t, sandbox.Options{Clock: stepClock()})
	ctx := context.Background()
	ids := map[string][]string{}
	for _, name := range []string{"alpha", "beta", "alpha", "alpha beta", "alpha"} {
		res, err := c.Create(ctx, ubuntuRequest(name))
		if err != nil {
			t.Fatal(err)
		}
		ids[name] = append(ids[name], res.Image.ID)
	}
	tests := []struct {
		name string
		want []string // newest first
	}{
		{"alpha", []string{ids["alpha"][2], ids["alpha"][1], ids["alpha"][0]}},
		{"beta", []string{ids["beta"][0]}},
		{"alpha beta", []string{ids["alpha beta"][0]}},
		{"Alpha", nil},
		{"alph", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			imgs, err := c.ListByName(ctx, tt.name)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, img := range imgs {
				got = append(got, img.ID)
				if img.Name != tt.name {
					t.Errorf("listed %q under name %q", img.Name, tt.name)
				}
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("ids = %v, want %v", got, tt.want)
			}
		})
	}
}

// getJSON is a plain GET, for the answers the client does not expose.
func getJSON(t *testing.T, url string) (*http.Response, []byte) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, body
}

func TestListShapeAndPaging(t *testing.T) {
	t.Parallel()
	srv, c := start(t, sandbox.Options{Clock: stepClock()})
	var ids []string
	for range 3 {
		res, err := c.Create(context.Background(), ubuntuRequest("p"))
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, res.Image.ID)
	}
	type page struct {
		Images []struct {
			ID string `json:"id"`
		} `json:"images"`
		Schema, First, Next string
	}
	read := func(path string) (page, []string) {
		resp, body := getJSON(t, srv.URL()+path)
		if resp.StatusCode != 200 {
			t.Fatalf("GET %s: %d %s", path, resp.StatusCode, body)
		}
		var p page
		if err := json.Unmarshal(body, &p); err != nil {
			t.Fatal(err)
		}
		return p, keys(t, body)
	}

	p1, order := read("/v2/images?name=p&limit=2")
	if want := []string{"images", "schema", "first", "next"}; !reflect.DeepEqual(order, want) {
		t.Errorf("keys = %v, want %v", order, want)
	}
	if len(p1.Images) != 2 || p1.Images[0].ID != ids[2] || p1.Images[1].ID != ids[1] {
		t.Errorf("page 1 = %+v, want the two newest", p1.Images)
	}
	if p1.Schema != "/v2/schemas/images" || p1.First != "/v2/images?limit=2&name=p" {
		t.Errorf("schema/first = %q/%q", p1.Schema, p1.First)
	}
	if !strings.Contains(p1.Next, "marker="+ids[1]) {
		t.Fatalf("next = %q, want a marker at %s", p1.Next, ids[1])
	}
	p2, _ := read(p1.Next)
	if len(p2.Images) != 1 || p2.Images[0].ID != ids[0] || p2.Next != "" {
		t.Errorf("page 2 = %+v next %q, want the oldest and no next", p2.Images, p2.Next)
	}

	all, _ := read("/v2/images")
	if len(all.Images) != 3 || all.First != "/v2/images" {
		t.Errorf("unfiltered list = %+v", all)
	}
	none, _ := read("/v2/images?name=nobody")
	if none.Images == nil || len(none.Images) != 0 {
		t.Errorf("empty list should be [], got %+v", none)
	}
	for bad, wantCode := range map[string]string{"/v2/images?limit=abc": "IMG.0001", "/v2/images?limit=-1": "IMG.0001", "/v2/images?marker=nope": "IMG.0027"} {
		resp, body := getJSON(t, srv.URL()+bad)
		if code, _ := client.ParseErrorBody(resp.Header.Get("Content-Type"), body); resp.StatusCode != 400 || code != wantCode {
			t.Errorf("GET %s = %d %s, want 400 %s", bad, resp.StatusCode, body, wantCode)
		}
	}
}

func TestListOSVersions(t *testing.T) {
	t.Parallel()
	_, c := start(t, sandbox.Options{})
	cat, err := c.ListOSVersions(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	v, ok := cat.Lookup("Ubuntu 14.04 server 64bit")
	if !ok || v.Bits != 64 || v.Platform != "Ubuntu" || v.Type != "Linux" {
		t.Errorf("Lookup = %+v %v", v, ok)
	}
	if _, ok := cat.Lookup("Windows Server 2019 Standard 64bit"); !ok {
		t.Error("Windows versions are listed by the real API and should be here too")
	}
	if got, want := len(cat.Versions), len(client.EmbeddedCatalog().Versions); got != want {
		t.Errorf("%d versions, want all %d of the catalogue", got, want)
	}
	if got, want := cat.Platforms(), client.EmbeddedCatalog().Platforms(); !reflect.DeepEqual(got, want) {
		t.Errorf("platforms = %v, want %v", got, want)
	}
}

func TestOSVersionsExactShape(t *testing.T) {
	t.Parallel()
	cat := client.NewCatalog([]client.OSVersion{{Platform: "Ubuntu", Type: "Linux", Bits: 64, Version: "Ubuntu 14.04 server 64bit"}})
	srv, _ := start(t, sandbox.Options{Catalog: cat})
	resp, body := getJSON(t, srv.URL()+"/v1/cloudimages/os_version?tag=x86")
	want := `[{"platform":"Ubuntu","version_list":[{"platform":"Ubuntu","os_version_key":"Ubuntu_14.04_server_64bit","os_version":"Ubuntu 14.04 server 64bit","os_bit":64,"os_type":"Linux"}]}]`
	if resp.StatusCode != 200 || strings.TrimSpace(string(body)) != want {
		t.Errorf("got %d %s\nwant %s", resp.StatusCode, body, want)
	}
}

func TestCustomCatalogWithoutFallback(t *testing.T) {
	t.Parallel()
	cat := client.NewCatalog([]client.OSVersion{{Platform: "Debian", Type: "Linux", Bits: 64, Version: "Debian GNU/Linux 12 64bit"}})
	_, c := start(t, sandbox.Options{Catalog: cat})
	ctx := context.Background()
	res, err := c.CreateBody(ctx, []byte(`{"name":"x"}`))
	if err != nil {
		t.Fatal(err)
	}
	if img := res.Image; img.OSVersion != client.FallbackOSVersion || img.Platform != "Other" || img.OSType != "Linux" || img.OSBit.Value != 64 {
		t.Errorf("fallback = %s", img.Raw)
	}
	if _, err := c.Create(ctx, ubuntuRequest("u")); err == nil {
		t.Error("a version outside the configured catalogue was accepted")
	}
}

// put uploads body as an image file with plain net/http.
func put(t *testing.T, url string, body io.Reader, size int64, contentType string) *http.Response {
	t.Helper()
	req, err := http.NewRequest(http.MethodPut, url, body)
	if err != nil {
		t.Fatal(err)
	}
	req.ContentLength = size
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp
}

func TestUploadFile(t *testing.T) {
	t.Parallel()
	srv, c := start(t, sandbox.Options{Clock: stepClock()})
	ctx := context.Background()
	created, err := c.Create(ctx, ubuntuRequest("upload"))
	if err != nil {
		t.Fatal(err)
	}
	id := created.Image.ID

	// A real file of a few MB, and its MD5 computed independently.
	path := filepath.Join(t.TempDir(), "disk.vhd")
	data := make([]byte, 3<<20+123)
	_, _ = rand.Read(data)
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	sum := md5.Sum(data)
	wantMD5 := hex.EncodeToString(sum[:])

	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	fileURL := srv.URL() + created.Image.File
	resp := put(t, fileURL, f, int64(len(data)), "application/octet-stream")
	if resp.StatusCode != http.StatusNoContent || resp.Header.Get("X-Request-Id") == "" {
		t.Fatalf("PUT = %d (request id %q), want 204 with an id", resp.StatusCode, resp.Header.Get("X-Request-Id"))
	}

	read, err := c.Get(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	img := read.Image
	if img.Status != "active" || img.Checksum != wantMD5 {
		t.Errorf("status/checksum = %q/%q, want active/%s", img.Status, img.Checksum, wantMD5)
	}
	size := client.FlexInt{Value: int64(len(data)), Valid: true}
	if img.Size != size || img.ImageSize != size || img.VirtualSize.Valid {
		t.Errorf("size/__image_size/virtual_size = %v/%v/%v, want %d twice and null", img.Size, img.ImageSize, img.VirtualSize, len(data))
	}
	m := decodeMap(t, img.Raw)
	if _, isString := m["__image_size"].(string); !isString {
		t.Errorf("__image_size should stay a string: %v", m["__image_size"])
	}
	if _, isNumber := m["size"].(float64); !isNumber {
		t.Errorf("size should be a number: %v", m["size"])
	}
	if img.UpdatedAt <= img.CreatedAt {
		t.Errorf("updated_at %s not after created_at %s", img.UpdatedAt, img.CreatedAt)
	}

	errorCases := []struct {
		name, url, contentType string
		status                 int
		code                   string
	}{
		{"second upload", fileURL, "application/octet-stream", http.StatusConflict, "SANDBOX.0409"},
		{"unknown image", srv.URL() + "/v2/images/nope/file", "application/octet-stream", http.StatusNotFound, "IMG.0027"},
		{"wrong content type", fileURL, "application/json", http.StatusUnsupportedMediaType, "SANDBOX.0415"},
		{"no content type", fileURL, "", http.StatusUnsupportedMediaType, "SANDBOX.0415"},
	}
	for _, tt := range errorCases {
		t.Run(tt.name, func(t *testing.T) {
			req, _ := http.NewRequest(http.MethodPut, tt.url, strings.NewReader("abc"))
			if tt.contentType != "" {
				req.Header.Set("Content-Type", tt.contentType)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			code, _ := client.ParseErrorBody(resp.Header.Get("Content-Type"), body)
			if resp.StatusCode != tt.status || code != tt.code {
				t.Errorf("got %d %s, want %d %s", resp.StatusCode, body, tt.status, tt.code)
			}
		})
	}
	if again, _ := c.Get(ctx, id); again.Image.Checksum != wantMD5 {
		t.Error("a refused upload changed the image")
	}
}

// waitStatus polls until the image has the status, or fails.
func waitStatus(t *testing.T, c *client.Client, id, status string) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		res, err := c.Get(context.Background(), id)
		if err != nil {
			t.Fatal(err)
		}
		if res.Image.Status == status {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("image %s is %s, want %s", id, res.Image.Status, status)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestUploadInterruptedGoesBackToQueued(t *testing.T) {
	t.Parallel()
	srv, c := start(t, sandbox.Options{})
	created, err := c.Create(context.Background(), ubuntuRequest("interrupted"))
	if err != nil {
		t.Fatal(err)
	}
	id := created.Image.ID

	conn, err := net.Dial("tcp", strings.TrimPrefix(srv.URL(), "http://"))
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(conn, "PUT /v2/images/%s/file HTTP/1.1\r\nHost: sandbox\r\nContent-Type: application/octet-stream\r\nContent-Length: 1000000\r\n\r\n", id)
	_, _ = conn.Write(make([]byte, 64<<10))
	waitStatus(t, c, id, "saving")
	conn.Close() // hang up mid-file
	waitStatus(t, c, id, "queued")

	read, _ := c.Get(context.Background(), id)
	if read.Image.Checksum != "" || read.Image.Size.Valid {
		t.Errorf("a half upload left a checksum or size: %s", read.Image.Raw)
	}
	// The whole file can then be sent again.
	data := []byte("the whole file")
	if resp := put(t, srv.URL()+created.Image.File, bytes.NewReader(data), int64(len(data)), "application/octet-stream"); resp.StatusCode != 204 {
		t.Fatalf("retry = %d", resp.StatusCode)
	}
	sum := md5.Sum(data)
	read, _ = c.Get(context.Background(), id)
	if read.Image.Status != "active" || read.Image.Checksum != hex.EncodeToString(sum[:]) {
		t.Errorf("after retry: %s", read.Image.Raw)
	}
}

// lockedBuffer is a log sink the test can read while the server writes.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func TestDelayThenCancelCreatesNothing(t *testing.T) {
	t.Parallel()
	const delay = 300 * time.Millisecond
	var log lockedBuffer
	_, c := start(t, sandbox.Options{Delay: delay, Log: &log})

	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	began := time.Now()
	_, err := c.Create(ctx, ubuntuRequest("never"))
	var netErr *client.NetworkError
	if !errors.As(err, &netErr) {
		t.Fatalf("err = %v, want a *client.NetworkError", err)
	}
	if took := time.Since(began); took >= delay {
		t.Errorf("the client waited %s: cancelling should not wait for the delay", took)
	}

	// The access line is written when the create's handler has returned:
	// once it says 499 the server noticed the hang-up, and nothing can be
	// created after it.
	deadline := time.Now().Add(5 * time.Second)
	for !strings.Contains(log.String(), "POST /v2/images 499") {
		if time.Now().After(deadline) {
			t.Fatalf("access log does not show the abandoned create:\n%s", log.String())
		}
		time.Sleep(5 * time.Millisecond)
	}
	imgs, err := c.ListByName(context.Background(), "never")
	if err != nil || len(imgs) != 0 {
		t.Errorf("ListByName = %d images, %v; want none", len(imgs), err)
	}

	// Without a cancel the delay is honoured and the image created.
	began = time.Now()
	if _, err := c.Create(context.Background(), ubuntuRequest("later")); err != nil {
		t.Fatal(err)
	}
	if took := time.Since(began); took < delay {
		t.Errorf("answered after %s, want at least %s", took, delay)
	}
}

func TestCloseCancelsDelayedCreate(t *testing.T) {
	t.Parallel()
	arrived := make(chan struct{}, 1)
	srv := sandbox.New(sandbox.Options{Delay: time.Minute, Received: func(*http.Request) { arrived <- struct{}{} }})
	url, err := srv.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	c, _ := client.New(client.Config{Endpoint: url})
	done := make(chan error, 1)
	go func() {
		_, err := c.Create(context.Background(), ubuntuRequest("shutdown"))
		done <- err
	}()
	<-arrived // the create is in the sandbox, held by the delay
	began := time.Now()
	if err := srv.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}
	if took := time.Since(began); took > time.Second {
		t.Errorf("Close took %s: it should wake delayed requests", took)
	}
	err = <-done
	var apiErr *client.APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("err = %v, want 503", err)
	}
	if err := srv.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	if _, err := srv.Start("127.0.0.1:0"); err == nil {
		t.Error("Start after Close succeeded")
	}
}

func TestStartAndURL(t *testing.T) {
	t.Parallel()
	srv := sandbox.New(sandbox.Options{})
	if srv.URL() != "" {
		t.Errorf("URL before Start = %q", srv.URL())
	}
	url, err := srv.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	if !regexp.MustCompile(`^http://127\.0\.0\.1:\d+$`).MatchString(url) || srv.URL() != url {
		t.Errorf("url = %q, URL() = %q", url, srv.URL())
	}
	if _, err := srv.Start("127.0.0.1:0"); err == nil {
		t.Error("a second Start succeeded")
	}
	other := sandbox.New(sandbox.Options{})
	if _, err := other.Start(strings.TrimPrefix(url, "http://")); err == nil {
		other.Close()
		t.Error("Start on a busy port succeeded")
	}
}

func TestRoutingErrors(t *testing.T) {
	t.Parallel()
	srv, _ := start(t, sandbox.Options{})
	tests := []struct {
		method, path string
		status       int
		code, allow  string
	}{
		{"POST", "/", 405, "SANDBOX.0405", "GET"},
		{"GET", "/v3/images", 404, "SANDBOX.0404", ""},
		{"GET", "/v2/images/", 404, "SANDBOX.0404", ""},
		{"GET", "/v2/images/abc/tags", 404, "SANDBOX.0404", ""},
		{"GET", "/v2/images/abc/members", 404, "SANDBOX.0404", ""},
		{"GET", "/v2/images/abc/", 404, "SANDBOX.0404", ""},
		{"GET", "/v2//images", 404, "SANDBOX.0404", ""},
		{"DELETE", "/v2/images", 405, "SANDBOX.0405", "GET, POST"},
		{"PUT", "/v2/images/abc", 405, "SANDBOX.0405", "GET, PATCH, DELETE"},
		{"POST", "/v2/images/abc/file", 405, "SANDBOX.0405", "GET, PUT"},
		{"GET", "/v2/images/abc/tags/a=b", 405, "SANDBOX.0405", "PUT, DELETE"},
		{"POST", "/v2/schemas/image", 405, "SANDBOX.0405", "GET"},
		{"POST", "/v1/cloudimages/os_version", 405, "SANDBOX.0405", "GET"},
		{"DELETE", "/v2/images/abc", 404, "IMG.0027", ""},
		{"GET", "/v2/images/abc/file", 404, "IMG.0027", ""},
	}
	seen := map[string]bool{}
	for _, tt := range tests {
		t.Run(tt.method+" "+tt.path, func(t *testing.T) {
			req, _ := http.NewRequest(tt.method, srv.URL()+tt.path, nil)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			code, msg := client.ParseErrorBody(resp.Header.Get("Content-Type"), body)
			if resp.StatusCode != tt.status || code != tt.code || msg == "" {
				t.Errorf("got %d %s", resp.StatusCode, body)
			}
			if strings.Contains(string(body), "APIG") {
				t.Errorf("the sandbox answers with the gateway's code, misleading: %s", body)
			}
			if got := resp.Header.Get("Allow"); got != tt.allow {
				t.Errorf("Allow = %q, want %q", got, tt.allow)
			}
			if ct := resp.Header.Get("Content-Type"); ct != "application/json" {
				t.Errorf("Content-Type = %q", ct)
			}
			id := resp.Header.Get("X-Request-Id")
			if id == "" || seen[id] {
				t.Errorf("X-Request-Id %q missing or repeated", id)
			}
			seen[id] = true
		})
	}
}

func TestConcurrentCreates(t *testing.T) {
	t.Parallel()
	srv, c := start(t, sandbox.Options{})
	ctx := context.Background()
	const n = 20
	ids := make([]string, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			res, err := c.Create(ctx, ubuntuRequest("parallel"))
			if err == nil {
				ids[i] = res.Image.ID
			}
			errs[i] = err
		})
		wg.Go(func() { _, _ = c.ListByName(ctx, "parallel") }) // readers racing the writers
	}
	wg.Wait()
	distinct := map[string]bool{}
	for i := range n {
		if errs[i] != nil {
			t.Fatalf("create %d: %v", i, errs[i])
		}
		distinct[ids[i]] = true
	}
	if len(distinct) != n {
		t.Errorf("%d distinct ids for %d creates", len(distinct), n)
	}
	imgs, err := c.ListByName(ctx, "parallel")
	if err != nil || len(imgs) != n {
		t.Errorf("ListByName = %d, %v; want %d", len(imgs), err, n)
	}

	// Parallel uploads of one image: exactly one wins, the rest are 409.
	var wins, conflicts atomic.Int32
	for range 8 {
		wg.Go(func() {
			data := bytes.Repeat([]byte("x"), 256<<10)
			req, _ := http.NewRequest(http.MethodPut, srv.URL()+"/v2/images/"+ids[0]+"/file", bytes.NewReader(data))
			req.Header.Set("Content-Type", "application/octet-stream")
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Error(err)
				return
			}
			resp.Body.Close()
			switch resp.StatusCode {
			case 204:
				wins.Add(1)
			case 409:
				conflicts.Add(1)
			}
		})
	}
	wg.Wait()
	if wins.Load() != 1 || conflicts.Load() != 7 {
		t.Errorf("uploads: %d won, %d conflicted; want 1 and 7", wins.Load(), conflicts.Load())
	}
}

func TestAccessLog(t *testing.T) {
	t.Parallel()
	var log lockedBuffer
	_, c := start(t, sandbox.Options{Log: &log})
	res, err := c.Create(context.Background(), ubuntuRequest("logged"))
	if err != nil {
		t.Fatal(err)
	}
	_, _ = c.Get(context.Background(), "missing")
	deadline := time.Now().Add(2 * time.Second)
	for strings.Count(log.String(), "\n") < 2 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond) // the line is written after the answer
	}
	lines := strings.Split(strings.TrimSpace(log.String()), "\n")
	if len(lines) != 2 {
		t.Fatalf("log has %d lines, want one per request:\n%s", len(lines), log.String())
	}
	if !strings.Contains(lines[0], "POST /v2/images 201") || !strings.Contains(lines[0], "req="+res.RequestID) {
		t.Errorf("line 1 = %q", lines[0])
	}
	if !strings.Contains(lines[1], "GET /v2/images/missing 404") {
		t.Errorf("line 2 = %q", lines[1])
	}
}

// The Server is also a plain http.Handler, e.g. under httptest.
func TestServeHTTPUnderHTTPTest(t *testing.T) {
	t.Parallel()
	srv := sandbox.New(sandbox.Options{NewID: func() string { return seedID }})
	ts := httptest.NewServer(srv)
	defer ts.Close()
	defer srv.Close()
	c, _ := client.New(client.Config{Endpoint: ts.URL})
	res, err := c.CreateBody(context.Background(), []byte(seedRequest))
	if err != nil {
		t.Fatal(err)
	}
	if res.Image.ID != seedID || srv.URL() != "" {
		t.Errorf("id %q, URL %q", res.Image.ID, srv.URL())
	}
	// A repeated id from Options.NewID is refused, not overwritten.
	_, err = c.CreateBody(context.Background(), []byte(seedRequest))
	var apiErr *client.APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != 500 {
		t.Errorf("duplicate id: err = %v, want 500", err)
	}
}

// Glance's version discovery, which the openstack CLI reads first.
func TestVersionDiscovery(t *testing.T) {
	t.Parallel()
	srv, _ := start(t, sandbox.Options{})
	for _, tt := range []struct {
		path   string
		status int
	}{{"/", http.StatusMultipleChoices}, {"/versions", http.StatusOK}} {
		resp, body := getJSON(t, srv.URL()+tt.path)
		var doc struct {
			Versions []struct {
				ID, Status string
				Links      []struct{ Rel, Href string }
			}
		}
		if err := json.Unmarshal(body, &doc); err != nil || resp.StatusCode != tt.status {
			t.Fatalf("GET %s = %d %s (%v)", tt.path, resp.StatusCode, body, err)
		}
		if len(doc.Versions) != 1 || doc.Versions[0].Status != "CURRENT" || !strings.HasPrefix(doc.Versions[0].ID, "v2.") ||
			doc.Versions[0].Links[0].Href != srv.URL()+"/v2/" {
			t.Errorf("GET %s = %s", tt.path, body)
		}
	}
}

// Images created within the same second still list newest first.
func TestListNewestFirstWithinOneSecond(t *testing.T) {
	t.Parallel()
	_, c := start(t, sandbox.Options{Clock: fixedClock})
	ctx := context.Background()
	var want []string
	for range 4 {
		res, err := c.Create(ctx, ubuntuRequest("same-second"))
		if err != nil {
			t.Fatal(err)
		}
		want = append([]string{res.Image.ID}, want...)
	}
	imgs, err := c.ListByName(ctx, "same-second")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, img := range imgs {
		got = append(got, img.ID)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("order = %v, want newest first %v", got, want)
	}
}
