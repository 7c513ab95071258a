package ui

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
	"unicode/utf8"
)

// pathCompletion is what Tab makes of a typed path, as a shell does: the
// one entry it names completed (a directory with its separator), or the
// longest prefix the entries share and those entries to choose from.
type pathCompletion struct {
	value      string   // the input's new value
	candidates []string // when several entries match: their names (directories end in the separator)
	none       bool     // nothing matches
}

// completePath completes typed (relative to dir, ~ for home, or absolute)
// against the entries of the directory it is in. Hidden entries are
// offered only when the typed name starts with a dot, as in shells.
func completePath(typed, dir string) pathCompletion {
	sep := string(filepath.Separator)
	head, base := "", typed
	if i := strings.LastIndex(typed, sep); i >= 0 {
		head, base = typed[:i+1], typed[i+1:]
	}
	look := dir
	if head != "" {
		look = resolvePath(head, dir)
	} else if typed == "~" {
		return pathCompletion{value: "~" + sep}
	}
	entries, err := os.ReadDir(look)
	if err != nil && len(entries) == 0 {
		return pathCompletion{value: typed, none: true}
	}
	var names []string
	for _, e := range entries {
		name := e.Name()
		if !strings.HasPrefix(name, base) || strings.HasPrefix(name, ".") && !strings.HasPrefix(base, ".") {
			continue
		}
		if isDirEntry(look, e) {
			name += sep
		}
		names = append(names, name)
	}
	switch len(names) {
	case 0:
		return pathCompletion{value: typed, none: true}
	case 1:
		return pathCompletion{value: head + names[0]}
	}
	sort.Strings(names)
	common := names[0]
	for _, n := range names[1:] {
		for !strings.HasPrefix(n, common) {
			_, size := utf8.DecodeLastRuneInString(common)
			common = common[:len(common)-size]
		}
	}
	return pathCompletion{value: head + common, candidates: names}
}

// isDirEntry reports a directory, or a link to one.
func isDirEntry(dir string, e os.DirEntry) bool {
	if e.IsDir() {
		return true
	}
	if e.Type()&os.ModeSymlink == 0 {
		return false
	}
	fi, err := os.Stat(filepath.Join(dir, e.Name()))
	return err == nil && fi.IsDir()
}
