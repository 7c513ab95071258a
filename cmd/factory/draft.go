package factory

import "path/filepath"

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
