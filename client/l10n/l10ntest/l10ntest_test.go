package l10ntest

import (
	"reflect"
	"strings"
	"testing"

	"github.com/ims-wizard/ims-wizard/client/l10n"
)

func words(found []string) []string {
	var out []string
	for _, f := range found {
		w, _, _ := strings.Cut(f, " (in: ")
		out = append(out, w)
	}
	return out
}

func TestUnmarked(t *testing.T) {
	qps := l10n.New(l10n.Pseudo)
	marked := qps.T("cli.create.invalid", l10n.Args{"Count": 3})
	for _, tc := range []struct {
		name, text string
		allowed    []string
		want       []string
	}{
		{"all marked", marked + "\n  name (--name): " + marked, []string{"name"}, nil},
		{"allowed as whole words only", "filename name", []string{"name"}, []string{"filename"}},
		{"nested marks", "⟦ óné ⟦ twó ⟧ ⟧ ⟦x⟧", nil, nil},
		{"values", "POST https://ims.example/v2/images, __os_version=\"Ubuntu 14.04\" -o json HTTP 429 · OS_AUTH_TOKEN FILE",
			[]string{"Ubuntu 14.04"}, nil},
		{"a path and a key", "/tmp/x/disk.raw tag=value 1.5s 40–255 ims-wizard sandbox list --sandbox-dir DIR", nil, nil},
		{"English left", marked + "\nCreated image \"demo\" on built-in sandbox", []string{"demo"},
			[]string{"Created", "image", "built-in", "sandbox"}[:3]},
		{"Spanish left", "⟦x⟧ Se creó la imagen", nil, []string{"creó", "imagen"}},
		{"once each", "the end\nthe end", nil, []string{"the", "end"}},
		{"punctuation is not a value", "sent. (nothing) error:", nil, []string{"sent", "nothing", "error"}},
	} {
		if got := words(Unmarked(tc.text, tc.allowed...)); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s: %q, want %q", tc.name, got, tc.want)
		}
	}
}

// The report says where a word was found.
func TestUnmarkedNamesTheLine(t *testing.T) {
	got := Unmarked("⟦ok⟧\n  status  queued: waiting for the file")
	if len(got) == 0 || !strings.Contains(got[0], "(in: status queued: waiting for the file)") {
		t.Fatalf("%q", got)
	}
}
