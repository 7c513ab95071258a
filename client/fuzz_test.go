package client

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"
)

// Validation never panics, and a request it accepts survives the trip
// through its JSON body unchanged.
func FuzzValidate(f *testing.F) {
	f.Add("test", "Ubuntu 14.04 server 64bit", "private", "bare", "vhd", "test=testvalue\nimage=imagevalue", int64(1024), int64(100), false)
	f.Add("", "", "", "", "", "", int64(-1), int64(0), true)
	f.Add("镜像 a.b-c_d", "Other Linux(64 bit)", "public", "ovf", "iso", "=v\nk=\nk=", int64(2147483648), int64(256), true)
	f.Add("a\x00b", "Windows 10 64bit", "private", "bare", "zvhd2", "a=\"<&>\"", int64(0), int64(40), false)
	f.Fuzz(func(t *testing.T, name, osv, vis, container, disk, tags string, minRAM, minDisk int64, protected bool) {
		r := Request{Name: name, OSVersion: osv, Visibility: vis, ContainerFormat: container, DiskFormat: disk,
			Tags: ParseTags(tags), MinRAM: &minRAM, MinDisk: &minDisk, Protected: protected}
		ps := r.Validate(nil)
		for _, p := range ps {
			if p.Field == "" || p.Text(nil) == "" {
				t.Fatalf("problem without field or message: %+v", p)
			}
		}
		if len(ps.Errors()) > 0 {
			return
		}
		if !utf8.ValidString(name) || !utf8.ValidString(osv) || !utf8.ValidString(tags) {
			return // JSON replaces invalid UTF-8 by design
		}
		var back Request
		if err := json.Unmarshal(r.Body(), &back); err != nil {
			t.Fatalf("body does not decode: %v\n%s", err, r.Body())
		}
		if !reflect.DeepEqual(r, back) {
			t.Fatalf("round trip changed the request:\n%+v\n%+v", r, back)
		}
		if !bytes.Equal(back.Body(), r.Body()) {
			t.Fatal("body not stable")
		}
	})
}

// Tag parsing yields trimmed, non-empty tags with no separators left.
func FuzzParseTags(f *testing.F) {
	for _, s := range []string{"a=1\nb=2", " a=1 , b=2 ", "\n\n", "k=v,w", "é=ü\r\n"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		for _, tag := range ParseTags(text) {
			if tag == "" || tag != strings.TrimSpace(tag) || strings.ContainsAny(tag, "\n,") {
				t.Fatalf("bad tag %q from %q", tag, text)
			}
		}
	})
}

// Error bodies of any shape parse without panicking, and the message never
// keeps the <br /> markup Glance puts in it.
func FuzzParseErrorBody(f *testing.F) {
	f.Add("application/json", `{"error":{"code":"IMG.0002","message":"too long"}}`)
	f.Add("application/json", `{"error_code":"APIG.0301","error_msg":"x","request_id":"r"}`)
	f.Add("application/json", `{"message":"a<br /><br />\n\n","code":"400 Bad Request","title":"Bad Request"}`)
	f.Add("text/html", `<html><title>x</title><body>y<br/></body></html>`)
	f.Add("text/plain", "plain\n\ntext")
	f.Add("application/json", `{"error":"str","code":[1,2]}`)
	f.Fuzz(func(t *testing.T, ctype, body string) {
		_, msg := ParseErrorBody(ctype, []byte(body))
		if strings.Contains(msg, "<br />") {
			t.Fatalf("markup left in %q", msg)
		}
		if msg != strings.TrimSpace(msg) {
			t.Fatalf("untrimmed message %q", msg)
		}
	})
}

// The sanitizer leaves no control character that a terminal would act on,
// and leaves clean text alone.
func FuzzInert(f *testing.F) {
	for _, s := range []string{"plain", "\x1b[2J\x1b]0;title\x07", "\u009b31m", "a\rb", "镜像\x7f", "\xff\xfe"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := Inert(s)
		for _, r := range out {
			if needsEscape(r, false) {
				t.Fatalf("Inert(%q) = %q keeps %U", s, out, r)
			}
		}
		if !utf8.ValidString(out) {
			t.Fatalf("Inert(%q) is not valid UTF-8", s)
		}
		clean := utf8.ValidString(s)
		for _, r := range s {
			clean = clean && !needsEscape(r, false)
		}
		if clean && out != s {
			t.Fatalf("clean text changed: %q -> %q", s, out)
		}
		multi := InertMultiline(s)
		for _, r := range multi {
			if r != '\n' && r != '\t' && needsEscape(r, false) {
				t.Fatalf("InertMultiline(%q) keeps %U", s, r)
			}
		}
	})
}
