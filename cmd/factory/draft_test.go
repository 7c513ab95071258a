package factory

import "testing"

func TestDraftPath(t *testing.T) {
	cases := []struct {
		name string
		xdg  string
		home string
		want string
	}{
		{"XDG_STATE_HOME", "/xdg/state", "/home/u", "/xdg/state/ims-wizard/draft.json"},
		{"home default", "", "/home/u", "/home/u/.local/state/ims-wizard/draft.json"},
		{"relative XDG ignored", "rel/state", "/home/u", "/home/u/.local/state/ims-wizard/draft.json"},
		{"no home: drafts off", "", "", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			env := envOf(map[string]string{"XDG_STATE_HOME": tc.xdg})
			env.HomeDir = tc.home
			if got := DraftPath(env); got != tc.want {
				t.Errorf("DraftPath = %q, want %q", got, tc.want)
			}
		})
	}
}
