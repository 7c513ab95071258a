package factory

import (
	"os"
	"path/filepath"
	"strings"
)

// DraftPath is where the wizard keeps its draft of the answers:
// $XDG_STATE_HOME/ims-wizard/draft.json, else
// ~/.local/state/ims-wizard/draft.json (the XDG default). A relative
// XDG_STATE_HOME is ignored, as the XDG spec says. "" (drafts off) when no
// home directory is known.
func DraftPath(env Env) string {
	if d := env.Getenv("XDG_STATE_HOME"); d != "" && filepath.IsAbs(d) {
		return filepath.Join(d, "ims-wizard", "draft.json")
	}
	if env.HomeDir == "" {
		return ""
	}
	return filepath.Join(env.HomeDir, ".local", "state", "ims-wizard", "draft.json")
}

// DebugLog opens a new file for the wizard's HTTP trace, beside the draft
// (or in the temporary directory), readable by the user only.
func DebugLog(env Env) (*os.File, error) {
	dir := os.TempDir()
	if draft := DraftPath(env); draft != "" {
		dir = filepath.Dir(draft)
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return nil, err
		}
	}
	return os.CreateTemp(dir, "debug-*.log") // CreateTemp makes it 0600
}

// EnvFlag reads a boolean environment variable: 1/true/yes on, 0/false/no
// or empty off; any other value counts as on, as a bare ACCESSIBLE=x would.
func EnvFlag(v string) bool {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "", "0", "false", "no", "off":
		return false
	}
	return true
}
