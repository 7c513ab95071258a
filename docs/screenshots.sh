#!/usr/bin/env bash
# Regenerates the README's pictures: drives the real wizard in tmux and
# renders the captured screens with charmbracelet/freeze (from the Go module
# proxy). Usage: docs/screenshots.sh   (needs tmux)
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'tmux -L shots kill-server 2>/dev/null || true; rm -rf "$tmp"' EXIT
go build -o "$tmp/ims-wizard" ./cmd/ims-wizard
freeze=(go run github.com/charmbracelet/freeze@v0.2.2)

# shoot NAME ENTERS [KEYS...] [-- FLAGS...]: start the wizard, press Enter
# ENTERS times, then the extra keys, and render the screen to docs/NAME.png.
shoot() {
    local name=$1 enters=$2; shift 2
    local keys=() flags=()
    while (($#)) && [[ $1 != -- ]]; do keys+=("$1"); shift; done
    [[ ${1:-} == -- ]] && shift && flags=("$@")
    tmux -L shots new-session -d -s s -x 100 -y 30 \
        "env HOME=$tmp XDG_STATE_HOME=$tmp/state TERM=xterm-256color COLORTERM=truecolor $tmp/ims-wizard $(printf '%q ' "${flags[@]}"); sleep 60"
    sleep 1
    for ((i = 0; i < enters; i++)); do tmux -L shots send-keys -t s Enter; sleep 0.4; done
    for k in "${keys[@]}"; do tmux -L shots send-keys -t s "$k"; sleep 0.3; done
    sleep 0.5
    # The sandbox port changes every run; pin it so pictures do not churn.
    tmux -L shots capture-pane -e -p -t s | sed 's/127\.0\.0\.1:[0-9]*/127.0.0.1:40123/g' > "$tmp/$name.ansi"
    tmux -L shots kill-server
    "${freeze[@]}" "$tmp/$name.ansi" --language ansi --window --padding 20 --font.size 14 -o "docs/$name.png"
    chmod 644 "docs/$name.png"
}

shoot wizard-os 1 Down Down -- --name demo-image
shoot wizard-review 8 -- --name demo-image --os-version "EulerOS 2.9 64bit" --tag env=demo
shoot wizard-result 9 -- --name demo-image --os-version "EulerOS 2.9 64bit" --tag env=demo
