package client

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/ims-wizard/ims-wizard/client/l10n"
)

// seedBody is the seed document's example request, as a customer would
// paste it (their spacing, their key order).
const seedBody = `{
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

// token is a credential that must never come out of the parser.
const token = "MIIEtokenNEVERSHOWN9f3a1c"

// files is a PasteOptions reading from a map, as if the paste's directory
// held them.
func files(m map[string]string) PasteOptions {
	return PasteOptions{Dir: "/ticket", ReadFile: func(path string) ([]byte, error) {
		if s, ok := m[path]; ok {
			return []byte(s), nil
		}
		return nil, &fs.PathError{Op: "open", Path: path, Err: fs.ErrNotExist}
	}}
}

// everything is all the text a Pasted can put in front of a person or on
// disk: every message in both languages, the body, the request.
func everything(p *Pasted) string {
	var b strings.Builder
	for _, loc := range []*l10n.Localizer{nil, l10n.New(l10n.Spanish)} {
		for _, f := range p.Findings {
			b.WriteString(f.Field + ": " + f.Text(loc) + "\n")
		}
		for _, n := range p.Notices(AuthInfo{Kind: AuthToken, Source: "OS_AUTH_TOKEN"}, "region cn-north-4", "https://ims.cn-north-4.myhuaweicloud.com") {
			b.WriteString(n.Text(loc) + "\n")
		}
		for _, n := range p.Differences(p.Prepared()) {
			b.WriteString(n.Text(loc) + "\n")
		}
	}
	in, _ := json.Marshal(p.Input())
	b.Write(in)
	b.Write(p.Body)
	b.Write(p.Prepared().Body())
	fmt.Fprintf(&b, "%#v", *p)
	return b.String()
}

func errorIDs(ps Problems) []string {
	var ids []string
	for _, p := range ps.Errors() {
		ids = append(ids, p.Field+"="+p.ID)
	}
	return ids
}

// Every input form of the issue gives the seed's request, with no problem.
func TestPasteFormsGiveTheSeedRequest(t *testing.T) {
	t.Parallel()
	oneLine := strings.Join(strings.Fields(seedBody), " ")
	cases := []struct {
		name  string
		paste string
		opt   PasteOptions
		form  PasteForm
	}{
		{"JSON body", seedBody, PasteOptions{}, PasteJSON},
		{"JSON body with a byte-order mark and CRLF", "\xef\xbb\xbf" + strings.ReplaceAll(seedBody, "\n", "\r\n"), PasteOptions{}, PasteJSON},
		{"one-line curl, single quotes", `curl -X POST https://ims.cn-north-4.myhuaweicloud.com/v2/images -H 'Content-Type: application/json' -d '` + oneLine + `'`, PasteOptions{}, PasteCurl},
		{"multi-line curl", "curl -sS -X POST \\\n  'https://ims.cn-north-4.myhuaweicloud.com/v2/images' \\\n  -H 'Content-Type: application/json' \\\n  -H 'X-Auth-Token: " + token + "' \\\n  -d '" + seedBody + "'", PasteOptions{}, PasteCurl},
		{"multi-line curl from Windows, spaces after a backslash", "curl -X POST https://ims.cn-north-4.myhuaweicloud.com/v2/images \\  \r\n  -H 'Content-Type: application/json' \\\t\r\n  --data-raw '" + oneLine + "'\r\n", PasteOptions{}, PasteCurl},
		{"double quotes with escaped quotes", `curl -XPOST "https://ims.cn-north-4.myhuaweicloud.com/v2/images" -H "Content-Type: application/json" --data "` + strings.ReplaceAll(oneLine, `"`, `\"`) + `"`, PasteOptions{}, PasteCurl},
		{"$'…' quoting", `curl https://ims.cn-north-4.myhuaweicloud.com/v2/images -H $'Content-Type: application/json' -d $'` + strings.ReplaceAll(seedBody, "\n", `\n`) + `'`, PasteOptions{}, PasteCurl},
		{"a prompt, a short-option cluster", `$ curl -sSkX POST https://ims.cn-north-4.myhuaweicloud.com/v2/images -H 'Content-Type: application/json' -sd '` + oneLine + `'`, PasteOptions{}, PasteCurl},
		{"-d @body.json next to the paste", "curl -X POST https://ims.cn-north-4.myhuaweicloud.com/v2/images \\\n -H 'Content-Type: application/json' -d @body.json",
			files(map[string]string{"body.json": seedBody}), PasteCurl},
		{"--data-binary @body.json", "curl https://ims.cn-north-4.myhuaweicloud.com/v2/images -H 'Content-Type: application/json' --data-binary @body.json",
			files(map[string]string{"body.json": seedBody}), PasteCurl},
		{"--json", `curl --json '` + oneLine + `' https://ims.cn-north-4.myhuaweicloud.com/v2/images`, PasteOptions{}, PasteCurl},
		{"--url and a here-string", `curl --url https://ims.cn-north-4.myhuaweicloud.com/v2/images -H 'Content-Type: application/json' -d @- <<< '` + oneLine + `'`, PasteOptions{}, PasteCurl},
		{"-d @- from stdin", `curl https://ims.cn-north-4.myhuaweicloud.com/v2/images -H 'Content-Type: application/json' -d @-`,
			PasteOptions{Stdin: strings.NewReader(seedBody)}, PasteCurl},
		{"a token request, then the create", `curl -X POST https://iam.cn-north-4.myhuaweicloud.com/v3/auth/tokens -d '{"auth": {}}'
export OS_TOKEN=xxx
curl -X POST https://ims.cn-north-4.myhuaweicloud.com/v2/images -H "X-Auth-Token: $OS_TOKEN" -H 'Content-Type: application/json' -d '` + oneLine + `'`, PasteOptions{}, PasteCurl},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := ParsePasted([]byte(tc.paste), tc.opt)
			if p.Form != tc.form {
				t.Errorf("form %s, want %s", p.Form, tc.form)
			}
			if ps := p.Problems(p.Prepared(), nil); len(ps) > 0 {
				t.Fatalf("problems: %v", errorIDs(ps))
			}
			if !p.WellFormed {
				t.Fatal("not well-formed")
			}
			if got, want := p.Prepared(), SeedExample(); !reflect.DeepEqual(got, want) {
				t.Errorf("request\n%s\nwant\n%s", got.Body(), want.Body())
			}
			if p.Form == PasteCurl && (p.Region != "cn-north-4" || p.Endpoint != "https://ims.cn-north-4.myhuaweicloud.com") {
				t.Errorf("region %q, endpoint %q", p.Region, p.Endpoint)
			}
			if strings.Contains(everything(p), token) {
				t.Errorf("the pasted token came out")
			}
		})
	}
}

// What ims-wizard's own --dry-run prints can be pasted back: the same body.
func TestDryRunCurlPastesBack(t *testing.T) {
	t.Parallel()
	r := SeedExample()
	r.Properties = []Property{{"os_distro", "ubuntu"}, {"note", "it's <ok> & \"quoted\""}}
	for _, auth := range []AuthInfo{{Kind: AuthNone}, {Kind: AuthToken}, {Kind: AuthAKSK}} {
		cmd := CurlCommand("https://ims.cn-north-4.myhuaweicloud.com", auth, r.Body())
		p := ParsePasted([]byte(cmd), PasteOptions{})
		if ps := p.Problems(p.Prepared(), nil); len(ps) > 0 {
			t.Fatalf("%s: %v\n%s", auth.Kind, errorIDs(ps), cmd)
		}
		if !reflect.DeepEqual(p.Prepared(), r) {
			t.Errorf("%s: %s", auth.Kind, p.Prepared().Body())
		}
		if d := p.Differences(p.Prepared()); len(d) != 0 {
			t.Errorf("%s: differences %v; the body should be the same bytes", auth.Kind, d)
		}
	}
}

// curl -d @file drops newlines, --data-binary keeps them, --data-raw does
// not read files: the body is what curl sent.
func TestCurlDataOptionsReadAsCurlDoes(t *testing.T) {
	t.Parallel()
	opt := files(map[string]string{"b.json": "{\"name\":\r\n \"x\"}\n", "sub/c.json": `{"name": "sub"}`})
	cases := map[string]string{
		`curl -d @b.json u/v2/images`:                                        `{"name": "x"}`,
		`curl --data-ascii @b.json u/v2/images`:                              `{"name": "x"}`,
		`curl --data-binary @b.json u/v2/images`:                             "{\"name\":\r\n \"x\"}\n",
		`curl --json @b.json u/v2/images`:                                    "{\"name\":\r\n \"x\"}\n",
		`curl --data-raw '{"name": "@b"}' u/v2/images`:                       `{"name": "@b"}`,
		`curl -d @./sub/c.json u/v2/images`:                                  `{"name": "sub"}`,
		"curl --data-binary @- u/v2/images <<'EOF'\n{\"name\": \"$x\"}\nEOF": "{\"name\": \"$x\"}\n",
		"curl -d @- u/v2/images <<EOF\n{\"name\": \"\\$x\"}\nEOF":            `{"name": "$x"}`,
		`curl --data-binary @- u/v2/images < b.json`:                         "{\"name\":\r\n \"x\"}\n",
		`curl -d '{"name":' -d '"x"}' u/v2/images`:                           `{"name":&"x"}`,
	}
	for paste, want := range cases {
		p := ParsePasted([]byte(paste), opt)
		if got := string(p.Body); got != want {
			t.Errorf("%s:\n body %q\n want %q", paste, got, want)
		}
	}
}

// Each problem class is reported by field, all at once, with the flags'
// rules and messages for the values.
func TestPasteProblemsByField(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, paste string
		want        []string // field=id of every error, in order
	}{
		{"not JSON", `{"name": "x",}`, []string{"body=paste.body.syntax"}},
		{"cut short", `{"name": "x", "tags": [`, []string{"body=paste.body.truncated"}},
		{"not an object", `curl -d '["name"]' u/v2/images`, []string{"body=paste.body.not_object"}},
		{"two objects", `{"name": "x"} {"name": "y"}`, []string{"body=paste.body.trailing"}},
		{"empty body", `curl -d '' u/v2/images`, []string{"body=paste.body.empty"}},
		{"no body", `curl -X POST u/v2/images`, []string{"body=paste.body.none"}},
		{"unclosed quote", "curl -d '{\"name\": \"x\"}\n", []string{"paste=paste.shell.syntax"}},
		{"not a curl command", `wget http://x/v2/images`, []string{"paste=paste.no_curl"}},
		{"wrong JSON types", `{"name": 5, "min_disk": "100", "min_ram": 1.5, "protected": "true", "visibility": null, "tags": "a=1,b=2", "disk_format": false}`,
			[]string{"name=paste.type.string", "min_disk=paste.type.integer_quoted", "min_ram=paste.type.integer",
				"protected=paste.type.boolean_quoted", "visibility=paste.type.null", "tags=paste.type.tags", "disk_format=paste.type.string"}},
		{"a tag that is not a string", `{"name": "x", "tags": ["a=1", 2]}`, []string{"tags=paste.type.tag_item"}},
		{"too large a number", `{"name": "x", "min_ram": 99999999999999999999}`, []string{"min_ram=paste.type.out_of_range"}},
		{"read-only and reserved keys", `{"name": "x", "id": "6b1e", "status": "queued", "os_glance_import_task": "t", "location": "l", "__os_type": "Linux"}`,
			[]string{"id=property.key.read_only", "status=property.key.read_only", "os_glance_import_task=property.key.reserved",
				"location=property.key.reserved", "__os_type=property.key.read_only"}},
		{"unknown keys", `{"name": "x", "os_hidden": true, "min_dsk": 50, "": "v"}`,
			[]string{"os_hidden=paste.key.unknown", "min_dsk=paste.key.unknown_suggest", "properties=property.key.empty"}},
		{"a property key over 255 characters", `{"name": "x", "` + strings.Repeat("k", 256) + `": "v"}`, []string{strings.Repeat("k", 256) + "=property.key.too_long"}},
		{"the flags' rules: Windows, public, a bad tag, min_disk out of range", `{"name": "x", "__os_version": "Windows Server 2019 Standard 64bit", "visibility": "public", "tags": ["novalue"], "min_disk": 20}`,
			[]string{"__os_version=validate.os_version.windows", "visibility=validate.visibility", "tags=validate.tag.not_key_value", "min_disk=validate.min_disk.range"}},
		{"not POST /v2/images", `curl -X GET https://ims.cn-north-4.myhuaweicloud.com/v2/images/123 -d '{"name": "x"}'`,
			[]string{"method=paste.curl.method", "url=paste.curl.path"}},
		{"GET by default", `curl https://ims.cn-north-4.myhuaweicloud.com/v2/images`, []string{"method=paste.curl.method", "body=paste.body.none"}},
		{"-G", `curl -G -d '{"name": "x"}' https://ims.cn-north-4.myhuaweicloud.com/v2/images`, []string{"method=paste.curl.method"}},
		{"a form", `curl -F 'file=@disk.vhd' -d '{"name": "x"}' u/v2/images`, []string{"curl=paste.curl.unsupported"}},
		{"an unknown option", `curl --frobnicate 3 -d '{"name": "x"}' u/v2/images`, []string{"curl=paste.curl.unknown_option"}},
		{"an option without its value", `curl -d '{"name": "x"}' u/v2/images -X`, []string{"curl=paste.curl.missing_value"}},
		{"a body needing expansion", `curl -d "$BODY" u/v2/images`, []string{"body=paste.curl.expansion"}},
		{"a URL needing expansion", `curl -d '{"name": "x"}' "$IMS/v2/images"`, []string{"url=paste.curl.expansion"}},
		{"a command substitution", `curl -d "$(cat body.json)" u/v2/images`, []string{"body=paste.curl.expansion"}},
		{"a here-document needing expansion", "curl -d @- u/v2/images <<EOF\n{\"name\": \"$NAME\"}\nEOF", []string{"body=paste.curl.expansion"}},
		{"@- with no standard input", `curl -d @- u/v2/images`, []string{"body=paste.curl.stdin"}},
		{"a body file that is not there", `curl -d @missing.json u/v2/images`, []string{"body=paste.curl.file"}},
		{"a body file that cannot be read here", `curl -d @body.json u/v2/images`, []string{"body=paste.curl.no_files"}},
		{"a body file elsewhere on this machine", `curl -d @/home/me/.huaweicloud/credentials u/v2/images`, []string{"body=paste.curl.file_outside"}},
		{"a body file above the paste", `curl --data-binary @- u/v2/images < ../../etc/passwd`, []string{"body=paste.curl.file_outside"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			opt := PasteOptions{}
			if strings.Contains(tc.paste, "missing.json") || strings.Contains(tc.paste, "credentials") || strings.Contains(tc.paste, "passwd") {
				opt = files(nil)
			}
			p := ParsePasted([]byte(tc.paste), opt)
			got := errorIDs(p.Problems(p.Prepared(), nil))
			if strings.Join(got, "\n") != strings.Join(tc.want, "\n") {
				t.Errorf("errors\n  %s\nwant\n  %s", strings.Join(got, "\n  "), strings.Join(tc.want, "\n  "))
			}
			for _, f := range p.Findings {
				for _, loc := range []*l10n.Localizer{nil, l10n.New(l10n.Spanish)} {
					if text := f.Text(loc); text == "" || strings.HasPrefix(text, "[") || strings.Contains(text, "<no value>") {
						t.Errorf("%s: message %q", f.ID, text)
					}
				}
			}
		})
	}
}

// A mistyped field says what it should be, naming the field, in the words
// of a fix: "min_disk": "100" → a number without quotes.
func TestWrongTypeMessagesNameTheFix(t *testing.T) {
	t.Parallel()
	p := ParsePasted([]byte(`{"name": "x", "min_disk": "100"}`), PasteOptions{})
	ps := p.Problems(p.Prepared(), nil).For(FieldMinDisk)
	if len(ps) != 1 || !strings.Contains(ps[0].Text(nil), `"100"`) || !strings.Contains(ps[0].Text(nil), "without quotes: 100") {
		t.Fatalf("%v", ps)
	}
	if es := ps[0].Text(l10n.New(l10n.Spanish)); !strings.Contains(es, "sin comillas") {
		t.Errorf("Spanish: %q", es)
	}
	// The wizard opens with what the customer meant, and the problem shown.
	if in := p.Input(); in.MinDisk != "100" || in.Name != "x" {
		t.Errorf("Input %+v", in)
	}
}

// A key close to a field name is kept (IMS would store it) but said: it is
// the likely cause of a customer's surprise.
func TestNearMissKeysAreSaid(t *testing.T) {
	t.Parallel()
	p := ParsePasted([]byte(`{"name": "x", "os_version": "Ubuntu 14.04 server 64bit", "Name": "y", "os_distro": "ubuntu"}`), PasteOptions{})
	var warned []string
	for _, w := range p.Problems(p.Prepared(), nil).Warnings() {
		if w.ID == "paste.key.typo" {
			warned = append(warned, w.Field+"→"+w.Args["Suggestion"].(string))
		}
	}
	if strings.Join(warned, ",") != "os_version→__os_version,Name→name" {
		t.Errorf("warnings %v", warned)
	}
	if got := p.Prepared().Properties; len(got) != 3 || got[2] != (Property{"os_distro", "ubuntu"}) {
		t.Errorf("properties %v: all three kept, in order", got)
	}
}

// Credentials in the paste are never kept, never shown: only their names,
// and which credentials are used instead.
func TestPastedCredentialsAreIgnoredAndNeverShown(t *testing.T) {
	t.Parallel()
	paste := `curl -X POST 'https://alice:` + token + `x@ims.cn-north-4.myhuaweicloud.com/v2/images?token=` + token + `y' \
  -H 'X-Auth-Token: ` + token + `' -H "Authorization: Bearer ` + token + `a" -H 'X-Sdk-Date: 20240101T000000Z' \
  -H 'Cookie: s=` + token + `b' -H 'X-Security-Token: ` + token + `c' -H '` + token + `d' -H 'X-Project-Id: p1' \
  -u admin:` + token + `e -b 'sid=` + token + `f' --oauth2-bearer ` + token + `g \
  -H 'Content-Type: application/json' -d '{"name": "x"}'`
	p := ParsePasted([]byte(paste), PasteOptions{})
	if errs := errorIDs(p.Problems(p.Prepared(), nil)); len(errs) > 0 {
		t.Fatalf("errors %v", errs)
	}
	out := everything(p)
	if strings.Contains(out, token) {
		t.Fatalf("a pasted credential came out:\n%s", out)
	}
	notes := p.Notices(AuthInfo{Kind: AuthToken, Source: "OS_AUTH_TOKEN"}, "region cn-north-4", "https://ims.cn-north-4.myhuaweicloud.com")
	var text []string
	for _, n := range notes {
		text = append(text, n.Text(nil))
	}
	all := strings.Join(text, "\n")
	for _, want := range []string{
		"ignored: X-Auth-Token, Authorization, X-Sdk-Date, Cookie, X-Security-Token, -u/--user, -b/--cookie, --oauth2-bearer (credentials); this machine's credentials will be used: token from OS_AUTH_TOKEN",
		"ignored: the user name and password in the pasted URL",
		"ignored: the query string of the pasted URL",
		"ignored: 1 header without a readable name",
		"ignored header: X-Project-Id",
		"the pasted URL is where requests go: region cn-north-4",
	} {
		if !strings.Contains(all, want) {
			t.Errorf("notes lack %q:\n%s", want, all)
		}
	}
}

// Credential headers whose value needs expansion are ignored like the
// others; the same expansion in the body is refused.
func TestExpansionInIgnoredHeadersIsFine(t *testing.T) {
	t.Parallel()
	p := ParsePasted([]byte(`curl -H "X-Auth-Token: $(openstack token issue -f value -c id)" -H"Authorization: $AUTH" -H 'Content-Type: application/json' -d '{"name": "x"}' https://ims.cn-north-4.myhuaweicloud.com/v2/images`), PasteOptions{})
	if errs := errorIDs(p.Problems(p.Prepared(), nil)); len(errs) > 0 {
		t.Fatalf("errors %v", errs)
	}
	if strings.Join(p.creds, ",") != "X-Auth-Token,Authorization" {
		t.Errorf("ignored %v", p.creds)
	}
}

func TestRegionAndEndpointOfTheURL(t *testing.T) {
	t.Parallel()
	cases := []struct {
		url, region, endpoint, note string
	}{
		{"https://ims.ap-southeast-1.myhuaweicloud.com/v2/images", "ap-southeast-1", "https://ims.ap-southeast-1.myhuaweicloud.com",
			"the pasted URL names region ap-southeast-1; requests go to region cn-north-4 (pass --region ap-southeast-1 to use it)"},
		{"ims.xx-nowhere-9.myhuaweicloud.com/v2/images/", "xx-nowhere-9", "http://ims.xx-nowhere-9.myhuaweicloud.com",
			"names region xx-nowhere-9, which IMS does not serve"},
		{"http://glance.lab:9292/v2/images", "", "http://glance.lab:9292",
			"the pasted URL goes to http://glance.lab:9292; requests go to region cn-north-4 (pass --endpoint http://glance.lab:9292 to use it)"},
		{"https://gw.example/ims/v2/images", "", "https://gw.example/ims", "pass --endpoint https://gw.example/ims to use it"},
	}
	for _, tc := range cases {
		p := ParsePasted([]byte(`curl -H 'Content-Type: application/json' -d '{"name": "x"}' `+tc.url), PasteOptions{})
		if p.Region != tc.region || p.Endpoint != tc.endpoint {
			t.Errorf("%s: region %q endpoint %q", tc.url, p.Region, p.Endpoint)
		}
		var text []string
		for _, n := range p.Notices(AuthInfo{}, "region cn-north-4", "https://ims.cn-north-4.myhuaweicloud.com") {
			text = append(text, n.Text(nil))
		}
		if !strings.Contains(strings.Join(text, "\n"), tc.note) {
			t.Errorf("%s: notes %q lack %q", tc.url, text, tc.note)
		}
	}
	// Without credentials, --region alone would still mean the sandbox.
	p := ParsePasted([]byte(`curl -d '{"name": "x"}' https://ims.ap-southeast-1.myhuaweicloud.com/v2/images`), PasteOptions{})
	for _, n := range p.Notices(AuthInfo{Kind: AuthNone, Source: "sandbox"}, "built-in sandbox", "http://127.0.0.1:9292") {
		if n.Field == FieldURL && n.ID != "paste.note.region_needs_credentials" {
			t.Errorf("%s: %s", n.ID, n.Text(nil))
		}
	}
}

// The differences from the pasted body, one per field.
func TestDifferencesFromThePastedBody(t *testing.T) {
	t.Parallel()
	p := ParsePasted([]byte(`{"name": "old", "__os_version": "Ubuntu   14.04 server 64bit", "disk_format": null, "name": "x", "tags": ["a=1"], "k": "1", "k": "2"}`), PasteOptions{})
	sent := p.Prepared()
	sent.Tags = []string{"b=2"} // as --tag b=2 would
	var got []string
	for _, d := range p.Differences(sent) {
		got = append(got, d.Text(nil))
	}
	want := []string{
		`__os_version: spacing normalised: "Ubuntu   14.04 server 64bit" becomes "Ubuntu 14.04 server 64bit"`,
		`container_format: not in the pasted body; IMS's default "bare" is sent`,
		`disk_format: null in the pasted body; IMS's default "zvhd2" is sent`,
		`name: given 2 times in the pasted body; the last value is used, as IMS does`,
		`tags: ["a=1"] in the pasted body; ["b=2"] is sent`,
		`visibility: not in the pasted body; IMS's default "private" is sent`,
		`protected: not in the pasted body; IMS's default false is sent`,
		`k: given 2 times in the pasted body; the last value is used, as IMS does`,
		`layout: ims-wizard's indentation and key order; IMS reads the same fields either way`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("differences\n  %s\nwant\n  %s", strings.Join(got, "\n  "), strings.Join(want, "\n  "))
	}
	if v := sent.Properties; len(v) != 1 || v[0] != (Property{"k", "2"}) {
		t.Errorf("properties %v: a repeated key keeps its last value", v)
	}
	// A body that is what ims-wizard would send has no differences.
	same := ParsePasted(SeedExample().Body(), PasteOptions{})
	if d := same.Differences(same.Prepared()); d != nil {
		t.Errorf("%v", d)
	}
}

// Flags next to --from replace fields: their findings no longer apply.
func TestReplacedFieldsDropTheirFindings(t *testing.T) {
	t.Parallel()
	p := ParsePasted([]byte(`{"name": 7, "min_disk": "100"}`), PasteOptions{})
	sent := p.Prepared()
	sent.Name, sent.MinDisk = "fixed", Int64(100)
	if errs := errorIDs(p.Problems(sent, nil, FieldName, FieldMinDisk)); len(errs) > 0 {
		t.Errorf("%v", errs)
	}
	if errs := errorIDs(p.Problems(sent, nil, FieldName)); strings.Join(errs, ",") != "min_disk=paste.type.integer_quoted" {
		t.Errorf("%v", errs)
	}
}

func TestBodyWritesPropertiesLast(t *testing.T) {
	t.Parallel()
	r := SeedExample()
	before := string(r.Body())
	r.Properties = []Property{{"z", "1"}, {"a", "<&>"}}
	body := string(r.Body())
	if !strings.HasPrefix(body, strings.TrimSuffix(before, "\n}")) || !strings.HasSuffix(body, "\"protected\": false,\n  \"z\": \"1\",\n  \"a\": \"<&>\"\n}") {
		t.Errorf("%s", body)
	}
	var m map[string]any
	if err := json.Unmarshal([]byte(body), &m); err != nil || m["a"] != "<&>" {
		t.Errorf("%v %v", err, m)
	}
	if in := InputOf(r); !reflect.DeepEqual(in.Properties, r.Properties) {
		t.Errorf("InputOf lost the properties")
	}
	if back, _ := InputOf(r).Request(); !reflect.DeepEqual(back.Properties, r.Properties) {
		t.Errorf("Input.Request lost the properties")
	}
}

func TestValidateProperties(t *testing.T) {
	t.Parallel()
	props := []Property{{"os_distro", "u"}, {"os_distro", "v"}, {"name", "n"}, {"deleted", "x"}, {"self", "s"}, {"a\x1bb", "c"}}
	var got []string
	for _, p := range ValidateProperties(props) {
		got = append(got, p.ID)
	}
	want := "property.key.duplicate property.key.known_field property.key.reserved property.key.read_only property.key.control"
	if strings.Join(got, " ") != want {
		t.Errorf("%v", got)
	}
	many := make([]Property, PropertyAdviseCount+1)
	for i := range many {
		many[i] = Property{fmt.Sprintf("k%d", i), "v"}
	}
	if ps := ValidateProperties(many); len(ps) != 1 || !ps[0].IsWarning() || ps[0].Field != FieldProperties {
		t.Errorf("%v", ps)
	}
}

func TestPasteTooLarge(t *testing.T) {
	t.Parallel()
	p := ParsePasted(bytes.Repeat([]byte(" "), MaxPasteSize+1), PasteOptions{})
	if errs := errorIDs(p.Findings); strings.Join(errs, "") != "paste=paste.too_large" {
		t.Errorf("%v", errs)
	}
	big := files(map[string]string{"b.json": strings.Repeat(" ", MaxPasteSize+1)})
	if errs := errorIDs(ParsePasted([]byte(`curl -d @b.json u/v2/images`), big).Findings); strings.Join(errs, "") != "body=paste.curl.file_too_large" {
		t.Errorf("%v", errs)
	}
}

// A real file next to the paste, as the CLI reads it.
func TestBodyFileOnDisk(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "body.json"), []byte(seedBody), 0o600); err != nil {
		t.Fatal(err)
	}
	opt := PasteOptions{Dir: dir, ReadFile: func(name string) ([]byte, error) { return os.ReadFile(filepath.Join(dir, name)) }}
	p := ParsePasted([]byte("curl -X POST https://ims.cn-north-4.myhuaweicloud.com/v2/images \\\n  -H 'Content-Type: application/json' \\\n  --data-binary @body.json\n"), opt)
	if !reflect.DeepEqual(p.Prepared(), SeedExample()) {
		t.Errorf("%s", p.Prepared().Body())
	}
	p = ParsePasted([]byte("curl -d @nope.json u/v2/images"), opt)
	if f := p.Findings.For(FieldBody); len(f) != 1 || !strings.Contains(f[0].Text(nil), filepath.Join(dir, "nope.json")) {
		t.Errorf("%v", f)
	}
}

// The parser never panics, and a body it reads survives the trip through
// ims-wizard's own body: decoding what it would send gives the same request.
func FuzzParsePasted(f *testing.F) {
	f.Add([]byte(seedBody))
	f.Add([]byte(`curl -sS -X POST "https://ims.cn-north-4.myhuaweicloud.com/v2/images" -H 'X-Auth-Token: t' -d '` + seedBody + `'`))
	f.Add([]byte("curl $'-d' $'{\\\"name\\\": \\\"x\\\"}' u/v2/images <<'E'\n{}\nE\n"))
	f.Add([]byte(`{"name": null, "min_disk": "1e3", "tags": [1], "k": {"a": 1}, "k": "v", "os_glance_x": "y"}`))
	f.Add([]byte("curl -d @- -H @h -XGET -Gd x --json '[' \"$(x)\" ${y} -- -u a:b"))
	f.Fuzz(func(t *testing.T, paste []byte) {
		p := ParsePasted(paste, PasteOptions{})
		for _, fd := range p.Findings {
			if fd.Field == "" || fd.Text(nil) == "" {
				t.Fatalf("finding without field or message: %+v", fd)
			}
		}
		_ = p.Notices(AuthInfo{}, "t", "http://127.0.0.1:9292")
		_ = p.Input()
		sent := p.Prepared()
		_ = p.Differences(sent)
		_ = p.Problems(sent, nil)
		if !p.WellFormed {
			return
		}
		if !json.Valid(p.Body) {
			t.Fatalf("WellFormed but not JSON: %q", p.Body)
		}
		back := ParsePasted(sent.Body(), PasteOptions{})
		if !back.WellFormed || !reflect.DeepEqual(back.Prepared(), sent) {
			t.Fatalf("round trip changed the request:\n%s\n%s", sent.Body(), back.Prepared().Body())
		}
	})
}

// The credentials note names the ones used instead in the note's own
// language ("none (sandbox)" was English in a Spanish run).
func TestPasteCredentialsNoteInEitherLanguage(t *testing.T) {
	t.Parallel()
	p := ParsePasted([]byte(`curl -H "X-Auth-Token: abc" -d '{"name":"x"}' https://ims.la-north-2.myhuaweicloud.com/v2/images`), PasteOptions{})
	auth := AuthInfo{Kind: AuthNone, Source: SourceSandbox}
	var note *Note
	for _, n := range p.Notices(auth, "built-in sandbox", "http://127.0.0.1:9292") {
		if n.ID == "paste.note.credentials" {
			note = &n
		}
	}
	if note == nil {
		t.Fatal("no credentials note")
	}
	es := l10n.New(l10n.Spanish)
	if got, want := note.Text(es), auth.Text(es); !strings.Contains(got, want) || strings.Contains(got, auth.Text(nil)) {
		t.Errorf("Spanish note %q should name %q", got, want)
	}
	if got := note.Text(nil); !strings.Contains(got, auth.Text(nil)) {
		t.Errorf("English note %q should name %q", got, auth.Text(nil))
	}
}
