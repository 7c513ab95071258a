package ui

import (
	"flag"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/ims-wizard/ims-wizard/client"
	"github.com/ims-wizard/ims-wizard/client/l10n"
)

var updateREADME = flag.Bool("update-readme", false, "rewrite the README's key table from the bindings")

const (
	keysBegin = "<!-- keys: generated from ui/keys.go by `go test ./ui -run TestREADMEKeyTable -update-readme` -->\n"
	keysEnd   = "<!-- /keys -->"
)

// The README's key table is the bindings the pages honour and draw.
func TestREADMEKeyTable(t *testing.T) {
	t.Parallel()
	path := "../README.md"
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	readme := string(data)
	i, j := strings.Index(readme, keysBegin), strings.Index(readme, keysEnd)
	if i < 0 || j < i {
		t.Fatalf("README.md has no key table between %q and %q", strings.TrimSpace(keysBegin), keysEnd)
	}
	want := keyTableMarkdown(l10n.EnglishLocalizer())
	got := readme[i+len(keysBegin) : j]
	if got == want {
		return
	}
	if *updateREADME {
		if err := os.WriteFile(path, []byte(readme[:i+len(keysBegin)]+want+readme[j:]), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	t.Errorf("README.md's key table differs from the bindings; run go test ./ui -run TestREADMEKeyTable -update-readme\n got:\n%s\nwant:\n%s", got, want)
}

// Every key a page draws in its footer is in the key table.
func TestEveryFooterKeyIsInTheTable(t *testing.T) {
	t.Parallel()
	table := map[string]bool{}
	for _, row := range keyTable(nil) {
		for _, k := range row.keys {
			table[k.Help().Key+" "+k.Help().Desc] = true
		}
	}
	c := testCommon(testOptions(failing{}))
	img := &client.Image{ID: "i", Status: "queued", Raw: []byte(`{"id":"i","status":"queued"}`)}
	res := &client.Result{Image: img}
	a := &Answers{Name: "n"}
	var pages []page
	for id := stepName; id < numSteps; id++ {
		p := newStepPage(c, a, id, 1, func() []string { return nil })
		pages = append(pages, p)
		for range 3 { // each field of the step
			p.form.NextField()
			pages = append(pages, p)
		}
	}
	pages = append(pages,
		newReviewPage(c, a, nil, false), newReviewPage(c, a, nil, true),
		newSubmitPage(c, client.Request{}, "", 1, 1),
		newResultPage(c, res, false, func() bool { return true }),
		newErrorPage(c, client.Request{}, &client.NetworkError{Ambiguous: true}, sentAs{attempt: 1}),
		newErrorPage(c, client.Request{}, &client.APIError{StatusCode: 400}, sentAs{attempt: 1}),
		newLookupPage(c, client.Request{}, time.Now(), 1),
		newResumePage(c, draftStart{}),
	)
	for _, p := range pages {
		for _, k := range p.keys() {
			if h := k.Help(); h.Key != "" && k.Enabled() && !table[h.Key+" "+h.Desc] {
				t.Errorf("%T draws %q %q, which the key table lacks", p, h.Key, h.Desc)
			}
		}
	}
}
