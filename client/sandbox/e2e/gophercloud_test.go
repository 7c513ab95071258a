package e2e

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gophercloud/gophercloud/v2"
	"github.com/gophercloud/gophercloud/v2/openstack/image/v2/imagedata"
	"github.com/gophercloud/gophercloud/v2/openstack/image/v2/images"
	"github.com/gophercloud/gophercloud/v2/pagination"
)

// imageClient is gophercloud's image service client without Keystone, as
// for a no-auth Glance: the endpoint is given.
func imageClient(base string) *gophercloud.ServiceClient {
	pc := &gophercloud.ProviderClient{HTTPClient: http.Client{Timeout: 30 * time.Second}}
	return &gophercloud.ServiceClient{ProviderClient: pc, Endpoint: base + "/v2/", Type: "image"}
}

// status is an error's HTTP status as text ("ok" for none).
func status(err error) string {
	if err == nil {
		return "ok"
	}
	var unexpected gophercloud.ErrUnexpectedResponseCode
	if errors.As(err, &unexpected) {
		return fmt.Sprintf("HTTP %d", unexpected.Actual)
	}
	return "error: " + err.Error()
}

func TestGophercloud(t *testing.T) {
	t.Parallel()
	var all []*outcomes
	for _, tg := range targets(t) {
		o := newOutcomes(t, tg)
		all = append(all, o)
		t.Run(tg.name, func(t *testing.T) { o.t = t; gophercloudScenario(o) })
	}
	same(t, all)
}

func gophercloudScenario(o *outcomes) {
	t := o.t
	ctx := context.Background()
	c := imageClient(o.target.url)
	private := images.ImageVisibilityPrivate
	name := unique("gc")

	img, err := images.Create(ctx, c, images.CreateOpts{
		Name: name, ContainerFormat: "bare", DiskFormat: "vhd", MinDisk: 40, MinRAM: 1024,
		Tags: []string{"e2e=gc"}, Visibility: &private,
		Properties: map[string]string{"__os_version": "Ubuntu 14.04 server 64bit", "hw_disk_bus": "scsi"},
	}).Extract()
	o.check("create", status(err), "ok")
	if err != nil {
		return
	}
	id := img.ID
	o.check("create: fields", fmt.Sprintf("%v %s %s/%s %d/%d %v %v %v", img.Name == name, img.Status, img.ContainerFormat, img.DiskFormat,
		img.MinDiskGigabytes, img.MinRAMMegabytes, img.Tags, img.Visibility, img.Properties["hw_disk_bus"]),
		"true queued bare/vhd 40/1024 [e2e=gc] private scsi")
	// Glance keeps __os_version as an extra property; IMS (the sandbox) as
	// its own attribute, and derives __platform, __os_type and __os_bit
	// from it, which Glance does not: those are not compared.
	o.check("create: __os_version", fmt.Sprint(img.Properties["__os_version"]), "Ubuntu 14.04 server 64bit")
	if o.target.glance {
		_ = img.Properties["__platform"] // absent on Glance
	} else if img.Properties["__platform"] != "Ubuntu" {
		t.Errorf("sandbox: __platform = %v, want Ubuntu (derived from __os_version)", img.Properties["__platform"])
	}

	got, err := images.Get(ctx, c, id).Extract()
	o.check("get", status(err), "ok")
	if err == nil {
		o.check("get: name", fmt.Sprintf("%v %s", got.Name == name, got.Status), "true queued")
	}

	second := name + "-b"
	img2, err := images.Create(ctx, c, images.CreateOpts{Name: second, ContainerFormat: "bare", DiskFormat: "raw", Visibility: &private, Tags: []string{"e2e=gc"}}).Extract()
	o.check("create second", status(err), "ok")
	if err != nil {
		return
	}
	list := func(opts images.ListOpts) string {
		var names []string
		err := images.List(c, opts).EachPage(ctx, func(_ context.Context, p pagination.Page) (bool, error) {
			imgs, err := images.ExtractImages(p)
			for _, i := range imgs {
				names = append(names, strings.TrimPrefix(i.Name, name))
			}
			return true, err
		})
		if err != nil {
			return status(err)
		}
		return fmt.Sprint(names)
	}
	both := "in:" + name + "," + second
	o.check("list by name", list(images.ListOpts{Name: name}), "[]")
	o.check("list in: sorted by name, one a page", list(images.ListOpts{Name: both, SortKey: "name", SortDir: "asc", Limit: 1}), "[ -b]")
	o.check("list sort=name:desc", list(images.ListOpts{Name: both, Sort: "name:desc"}), "[-b ]")
	o.check("list by tag and status", list(images.ListOpts{Name: both, Tags: []string{"e2e=gc"}, Status: images.ImageStatusQueued, SortKey: "name", SortDir: "asc"}), "[ -b]")
	o.check("list by disk_format", list(images.ListOpts{Name: both, DiskFormat: "in:raw,qcow2"}), "[-b]")
	o.check("list by created_at", list(images.ListOpts{Name: both, SortKey: "name", SortDir: "asc",
		CreatedAtQuery: &images.ImageDateQuery{Date: time.Now().Add(-time.Hour).UTC(), Filter: images.FilterGTE}}), "[ -b]")
	o.check("list by created_at in the future", list(images.ListOpts{Name: both,
		CreatedAtQuery: &images.ImageDateQuery{Date: time.Now().Add(time.Hour).UTC(), Filter: images.FilterGT}}), "[]")
	o.check("list visibility private", list(images.ListOpts{Name: name, Visibility: private}), "[]")
	o.check("list bad sort key", list(images.ListOpts{SortKey: "bogus"}), "HTTP 400")

	upd, err := images.Update(ctx, c, id, images.UpdateOpts{
		images.ReplaceImageName{NewName: name + "-renamed"},
		images.UpdateImageProperty{Op: images.AddOp, Name: "hw_firmware_type", Value: "uefi"},
		images.UpdateImageProperty{Op: images.RemoveOp, Name: "hw_disk_bus"},
		images.ReplaceImageTags{NewTags: []string{"e2e=gc", "x=1"}},
		images.ReplaceImageMinRam{NewMinRam: 2048},
	}).Extract()
	o.check("update", status(err), "ok")
	if err == nil {
		_, hasBus := upd.Properties["hw_disk_bus"]
		tags := slices.Sorted(slices.Values(upd.Tags)) // Glance keeps tags as a set, in no order
		o.check("update: fields", fmt.Sprintf("%s %v %d %v %v", strings.TrimPrefix(upd.Name, name), tags, upd.MinRAMMegabytes,
			upd.Properties["hw_firmware_type"], hasBus), "-renamed [e2e=gc x=1] 2048 uefi false")
	}
	_, err = images.Update(ctx, c, id, images.UpdateOpts{images.ReplaceImageChecksum{Checksum: "0123"}}).Extract()
	o.check("update a read-only attribute", status(err), "HTTP 403")
	_, err = images.Update(ctx, c, id, images.UpdateOpts{images.UpdateImageProperty{Op: images.RemoveOp, Name: "nothere"}}).Extract()
	o.check("remove a missing property", status(err), "HTTP 409")

	data := bytes.Repeat([]byte("gophercloud "), 4096)
	sum := md5.Sum(data)
	err = imagedata.Upload(ctx, c, id, bytes.NewReader(data)).ExtractErr()
	o.check("upload", status(err), "ok")
	got, err = images.Get(ctx, c, id).Extract()
	if err == nil {
		o.check("after upload", fmt.Sprintf("%s %v %d", got.Status, got.Checksum == hex.EncodeToString(sum[:]), got.SizeBytes), fmt.Sprintf("active true %d", len(data)))
	}
	dl := imagedata.Download(ctx, c, id)
	body, err := dl.Extract()
	o.check("download", status(err), "ok")
	if err == nil {
		raw, _ := io.ReadAll(body)
		body.Close()
		o.check("download: bytes and Content-MD5", fmt.Sprintf("%v %v", bytes.Equal(raw, data), dl.Header.Get("Content-MD5") == hex.EncodeToString(sum[:])), "true true")
	}
	err = imagedata.Upload(ctx, c, id, bytes.NewReader(data)).ExtractErr()
	o.check("upload to an active image", status(err), "HTTP 409")

	_, err = images.Update(ctx, c, id, images.UpdateOpts{images.ReplaceImageProtected{NewProtected: true}}).Extract()
	o.check("protect", status(err), "ok")
	o.check("delete protected", status(images.Delete(ctx, c, id).ExtractErr()), "HTTP 403")
	_, err = images.Update(ctx, c, id, images.UpdateOpts{images.ReplaceImageProtected{NewProtected: false}}).Extract()
	o.check("unprotect", status(err), "ok")
	o.check("delete", status(images.Delete(ctx, c, id).ExtractErr()), "ok")
	_, err = images.Get(ctx, c, id).Extract()
	o.check("get deleted", status(err), "HTTP 404")
	o.check("delete again", status(images.Delete(ctx, c, id).ExtractErr()), "HTTP 404")
	o.check("list after delete", list(images.ListOpts{Name: both}), "[-b]")
	o.check("delete second", status(images.Delete(ctx, c, img2.ID).ExtractErr()), "ok")
}
