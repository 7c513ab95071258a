package client

import "testing"

func TestInert(t *testing.T) {
	t.Parallel()
	cases := map[string]string{
		"plain name 镜像":      "plain name 镜像",
		"\x1b[31mred\x1b[0m": "^[[31mred^[[0m",
		"\x1b]52;c;aGk=\x07": "^[]52;c;aGk=^G",
		"over\rwrite":        "over^Mwrite",
		"line\nbreak\ttab":   "line^Jbreak^Itab",
		"c1 \u009b31m csi":   "c1 <U+009B>31m csi",
		"del\x7f":            "del^?",
		"bad utf8 \xff":      "bad utf8 \ufffd",
		"\u2028separator":    "<U+2028>separator",
		"txt.\u202eexe":      "txt.<U+202E>exe",
		"\u2066iso\u2069":    "<U+2066>iso<U+2069>",
		"zero\u200bwidth":    "zero<U+200B>width",
		"rlm\u200f":          "rlm<U+200F>",
		"bom\ufeff":          "bom<U+FEFF>",
		"tag\U000E0041":      "tag<U+E0041>",
	}
	for in, want := range cases {
		if got := Inert(in); got != want {
			t.Errorf("Inert(%q) = %q, want %q", in, got, want)
		}
	}
	if got := InertMultiline("a\nb\tc\x1b"); got != "a\nb\tc^[" {
		t.Errorf("InertMultiline kept/escaped wrongly: %q", got)
	}
}
