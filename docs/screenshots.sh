#!/usr/bin/env bash
# Regenerates the README's pictures: drives the real wizard in tmux and
# renders the captured screens with charmbracelet/freeze (from the Go module
# proxy). Usage: docs/screenshots.sh   (needs tmux; qemu-img for the
# detected-format picture)
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'tmux -L shots kill-server 2>/dev/null || true; rm -rf "$tmp"' EXIT
go build -o "$tmp/ims-wizard" ./cmd/ims-wizard
freeze=(go run github.com/charmbracelet/freeze@v0.2.2)

# Files to upload: a qcow2 whose header the wizard reads, and a large
# sparse raw file, so that the upload is still running when it is shot.
qemu-img create -q -f qcow2 "$tmp/ubuntu-22.04.qcow2" 50G
truncate -s 12G "$tmp/disk.raw"

pane() { tmux -L shots "$@"; }

# waitfor TEXT: until the screen shows TEXT (20 s at most).
waitfor() {
    for _ in $(seq 200); do
        pane capture-pane -p -t s | grep -qF -- "$1" && return 0
        sleep 0.1
    done
    echo "never saw: $1" >&2
    pane capture-pane -p -t s >&2
    return 1
}

# shoot NAME FLAGS... -- STEPS...: start the wizard with FLAGS, run the
# steps (enter N | key K | text T | wait TEXT | pause SECONDS), and render
# the screen to docs/NAME.png.
shoot() {
    local name=$1; shift
    local flags=()
    while [[ $1 != -- ]]; do flags+=("$1"); shift; done
    shift
    rm -rf "$tmp/state"
    pane new-session -d -s s -x 100 -y 30 \
        "env HOME=$tmp XDG_STATE_HOME=$tmp/state TERM=xterm-256color COLORTERM=truecolor $tmp/ims-wizard $(printf '%q ' "${flags[@]}"); sleep 60"
    while (($#)); do
        case $1 in
        enter) for ((i = 0; i < $2; i++)); do pane send-keys -t s Enter; sleep 0.3; done ;;
        key) pane send-keys -t s "$2"; sleep 0.2 ;;
        text) pane send-keys -t s -l "$2"; sleep 0.2 ;;
        wait) waitfor "$2" ;;
        pause) sleep "$2" ;;
        esac
        shift 2
    done
    sleep 0.3
    # The sandbox port and the temporary directory change every run; pin
    # them so that pictures do not churn.
    pane capture-pane -e -p -t s | sed -e 's/127\.0\.0\.1:[0-9]*/127.0.0.1:40123/g' -e "s|$tmp|/home/demo|g" > "$tmp/$name.ansi"
    pane kill-server
    "${freeze[@]}" "$tmp/$name.ansi" --language ansi --window --padding 20 --font.size 14 -o "docs/$name.png"
    chmod 644 "docs/$name.png"
}

demo=(--name demo-image --tag env=demo)
# The architecture, with where the OS list comes from.
shoot wizard-arch "${demo[@]}" -- wait "Is the image file" enter 2 wait "architecture"
# The platforms' filter finding versions of any platform, as a presenter types it.
shoot wizard-os "${demo[@]}" -- wait "Is the image file" enter 3 wait "Operating system · platform" key / text "ubuntu 22" wait "(Ubuntu)"
shoot wizard-review "${demo[@]}" --os-version "EulerOS 2.9 64bit" -- wait "Is the image file" enter 10 wait "Equivalent curl"
shoot wizard-result "${demo[@]}" --os-version "EulerOS 2.9 64bit" -- wait "Is the image file" enter 11 wait "press u to upload"
# --file: the disk step says what the file is and fills in the format.
shoot wizard-detected "${demo[@]}" --file "$tmp/ubuntu-22.04.qcow2" -- wait "Image name" enter 4 wait "Disk and container format"
# The upload, the image's status live while the file is sent.
shoot wizard-upload "${demo[@]}" --os-version "EulerOS 2.9 64bit" --file "$tmp/disk.raw" -- wait "Image name" enter 10 wait "saving" pause 0.5
# In Spanish.
shoot wizard-es --lang es "${demo[@]}" --os-version "EulerOS 2.9 64bit" -- wait "¿El archivo" enter 10 wait "curl equivalente"
