package sandbox_test

import (
	"encoding/json"
	"net/url"
	"reflect"
	"strings"
	"testing"

	"github.com/ims-wizard/ims-wizard/client/sandbox"
)

type listPage struct {
	Images []struct {
		ID   string `json:"id"`
		Name string `json:"name"`
	} `json:"images"`
	First, Next string
}

func listNames(t *testing.T, base, query string) ([]string, listPage) {
	t.Helper()
	a := call(t, "GET", base+"/v2/images?"+query, "", nil)
	if a.status != 200 {
		t.Fatalf("GET ?%s = %d %s", query, a.status, a.body)
	}
	var p listPage
	if err := json.Unmarshal(a.body, &p); err != nil {
		t.Fatal(err)
	}
	names := []string{}
	for _, img := range p.Images {
		names = append(names, img.Name)
	}
	return names, p
}

// The filters, operators and sorting Glance answers, on images like those
// of the comparison with a real Glance (created a second apart: fa oldest).
func TestListFiltersAndSorting(t *testing.T) {
	t.Parallel()
	srv, c := start(t, sandbox.Options{Clock: stepClock()})
	base := srv.URL()
	create(t, c, `{"name":"fa","disk_format":"vhd","min_ram":512,"min_disk":40,"tags":["k=1"],"__os_version":"Ubuntu 14.04 server 64bit","hw":"x"}`)
	fb := create(t, c, `{"name":"fb","disk_format":"qcow2","min_ram":1024,"min_disk":50,"tags":["k=1","k=2"],"__os_version":"CentOS 7.6 64bit","protected":true}`)
	fc := create(t, c, `{"name":"fc","disk_format":"raw","min_ram":2048,"tags":["k=2"]}`)
	create(t, c, `{"name":"my:img","disk_format":"iso"}`)
	uploadBytes(t, base, fc, []byte("12345"))
	// stepClock: fa, fb, fc, my:img were created at seed+1s…+4s.

	tests := []struct{ query, want string }{
		{"", "my:img fc fb fa"},
		{"name=fa", "fa"},
		{"name=in:fa,fb", "fb fa"},
		{`name=in:"my:img",fa`, "my:img fa"},
		{`name=in:"fa,fb",fc`, "fc"},
		{"name=eq:fa", "fa"},
		{"name=in:", ""},
		{"status=queued", "my:img fb fa"},
		{"status=in:queued,active&name=in:fa,fc", "fc fa"},
		{"tag=k=1", "fb fa"},
		{"tag=k=1&tag=k=2", "fb"},
		{"disk_format=qcow2", "fb"},
		{"disk_format=in:qcow2,raw", "fc fb"},
		{"container_format=bare&limit=2", "my:img fc"},
		{"min_ram=1024", "fb"},
		{"min_disk=45", ""},
		{"min_ram=abc", ""},
		{"visibility=private&name=fa", "fa"},
		{"visibility=all&name=fa", "fa"},
		{"visibility=shared", ""},
		{"protected=true", "fb"},
		{"protected=false&name=in:fa,fb,fc", "fc fa"},
		{"size_min=1", "fc"},
		{"size_max=4", ""},
		{"__platform=Ubuntu", "fa"},
		{"__platform=CentOS", "fb"},
		{"__os_type=Linux&name=in:fa,fb", "fb fa"},
		{"__os_bit=64&name=fa", "fa"},
		{"__os_version=Ubuntu 14.04 server 64bit", "fa"},
		{"__imagetype=private&name=fa", "fa"},
		{"virtual_env_type=IsoImage", "my:img"},
		{"hw=x", "fa"},
		{"nothere=x", ""},
		{"owner=" + sandbox.DefaultOwner + "&name=fa", "fa"},
		{"id=in:" + fb + "," + fc, "fc fb"},
		{"os_hidden=true", ""},
		{"os_hidden=True", ""},
		{"os_hidden=false&name=fa", "fa"},
		{"member_status=all&name=fa", "fa"},
		{"created_at=gte:2016-06-02T07:49:50Z", "my:img fc fb"},
		{"created_at=gt:2016-06-02T07:49:50Z", "my:img fc"},
		{"created_at=lt:2016-06-02T07:49:50Z", "fa"},
		{"created_at=lte:2016-06-02 07:49:50", "fb fa"},
		{"created_at=eq:2016-06-02T07:49:50Z", "fb"},
		{"created_at=2016-06-02T07:49:50Z", "fb"},
		{"created_at=neq:2016-06-02T07:49:50Z", "my:img fc fa"},
		{"created_at=gte:2016-06-02", "my:img fc fb fa"},
		{"created_at=gte:2016-06-02T09:49:50%2B02:00", "my:img fc fb"},
		{"updated_at=gt:2020-01-01T00:00:00Z", ""},
		{"sort_key=name&sort_dir=asc", "fa fb fc my:img"},
		{"sort_dir=asc", "fa fb fc my:img"},
		{"sort_key=name&sort_key=created_at&sort_dir=asc&sort_dir=desc", "fa fb fc my:img"},
		{"sort_key=disk_format&sort_dir=asc", "my:img fb fc fa"},
		{"sort=name:desc,created_at", "my:img fc fb fa"},
		{"sort=status:asc,name:asc", "fc fa fb my:img"},
		{"sort_key=size", "fc my:img fb fa"},
		{"limit=0", ""},
		{"limit=1", "my:img"},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			q := tt.query
			if strings.Contains(q, " ") {
				q = strings.ReplaceAll(q, " ", "%20")
			}
			got, _ := listNames(t, base, q)
			want := strings.Fields(tt.want)
			if want == nil {
				want = []string{}
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("?%s = %v, want %v", tt.query, got, want)
			}
		})
	}
}

func TestListRefusals(t *testing.T) {
	t.Parallel()
	srv, _ := start(t, sandbox.Options{})
	tests := []struct{ query, code, mentions string }{
		{"limit=x", "IMG.0001", "limit"},
		{"limit=-1", "IMG.0001", "limit"},
		{"marker=nope", "IMG.0027", "nope"},
		{"marker=", "IMG.0027", "marker"},
		{"sort_key=bogus", "IMG.0001", "name, status, container_format, disk_format, size, id, created_at, updated_at"},
		{"sort_key=min_ram", "IMG.0001", "min_ram"},
		{"sort_dir=up", "IMG.0001", "up"},
		{"sort=name:up", "IMG.0001", "up"},
		{"sort=name&sort_key=name", "IMG.0001", "sort"},
		{"sort_key=name&sort_dir=asc&sort_dir=desc&sort_dir=asc", "IMG.0001", "sort_dir"},
		{"visibility=bogus", "IMG.0001", "visibility"},
		{"protected=yes", "IMG.0001", "protected"},
		{"os_hidden=yes", "IMG.0001", "os_hidden"},
		{"size_max=x", "IMG.0001", "size_max"},
		{"created_at=bogus:2020", "IMG.0001", "operator"},
		{"created_at=gte:notadate", "IMG.0001", "created_at"},
		{"name=neq:fa", "IMG.0001", "operator 'neq'"},
		{"name=my:img", "IMG.0001", "operator 'my'"},
		{"disk_format=gt:vhd", "IMG.0001", "gt"},
	}
	for _, tt := range tests {
		a := call(t, "GET", srv.URL()+"/v2/images?"+tt.query, "", nil)
		wantError(t, "?"+tt.query, a, 400, tt.code, tt.mentions)
	}
}

// Paging through a sorted, filtered listing with limit and the next links
// gives every match once, in order.
func TestListPagingFollowsNext(t *testing.T) {
	t.Parallel()
	srv, c := start(t, sandbox.Options{Clock: fixedClock})
	base := srv.URL()
	for _, n := range []string{"e", "c", "a", "d", "b", "c", "x"} {
		create(t, c, `{"name":"`+n+`","tags":["page=yes"]}`)
	}
	create(t, c, `{"name":"other"}`)
	var got []string
	query := "tag=page%3Dyes&sort_key=name&sort_dir=asc&limit=2"
	for pages := 0; ; pages++ {
		names, p := listNames(t, base, query)
		got = append(got, names...)
		if p.Next == "" {
			break
		}
		if pages > 10 {
			t.Fatal("the next links never end")
		}
		u, err := url.Parse(p.Next)
		if err != nil || u.Path != "/v2/images" {
			t.Fatalf("next = %q", p.Next)
		}
		query = u.RawQuery
	}
	if want := []string{"a", "b", "c", "c", "d", "e", "x"}; !reflect.DeepEqual(got, want) {
		t.Errorf("pages gave %v, want %v", got, want)
	}
}
