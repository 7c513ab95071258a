#!/usr/bin/env bash
# bench/run.sh — whole-process benchmarks of ims-wizard against a real, local
# OpenStack Glance. `make bench` runs it under `.ci/glance run --`, which
# starts a private loopback Glance, exports IMS_TEST_GLANCE_URL and always
# stops it.
#
# 1. Scripted create: `ims-wizard --yes --endpoint URL --name … -o json`
#    against a single `curl` POST of the same body (the floor: one process, one
#    request) and `openstack --os-auth-type none --os-endpoint URL image
#    create …` (Debian's python3-openstackclient), medians of alternating
#    runs. Peak RSS of ims-wizard (GNU time's %M) for a create and an upload.
# 2. Upload throughput: `ims-wizard upload ID FILE` against `curl -T FILE` of
#    the same random file to fresh queued images, medians of alternating runs.
#    Both are whole processes; ims-wizard also reads the image before (queued?)
#    and after (active, checksum) the PUT, as it always does.
#
# Each figure is printed with its budget and PASS/FAIL; the exit status is 1
# when a budget fails. Every loop is bounded; every address is loopback.
#
# Knobs (environment): BENCH_CREATE_ROUNDS (15), BENCH_OPENSTACK_ROUNDS (5),
# BENCH_UPLOAD_ROUNDS (7), BENCH_UPLOAD_MIB (200).
#
# The machine's load average is printed before and after: other work on the
# machine slows ims-wizard's upload more than curl's, because ims-wizard
# computes the file's MD5 while sending (about 0.33 CPU-s per 200 MiB, which
# curl does not spend), so a busy machine can fail the upload budget.
set -euo pipefail
cd "$(dirname "$0")/.."

die() { echo "bench: $*" >&2; exit 2; }

URL=${IMS_TEST_GLANCE_URL:-}
[[ -n "$URL" ]] || die "IMS_TEST_GLANCE_URL is not set: run as  .ci/glance run -- bench/run.sh  (or make bench)"
URL=${URL%/}
[[ "$URL" =~ ^http://(127\.[0-9]+\.[0-9]+\.[0-9]+|localhost|\[::1\]):[0-9]+$ ]] ||
    die "IMS_TEST_GLANCE_URL=$URL is not a loopback http URL; this benchmark only talks to a local Glance"

bounded() { # NAME VALUE MIN MAX -> VALUE, or die
    if ! [[ "$2" =~ ^[0-9]+$ ]] || (( $2 < $3 || $2 > $4 )); then die "$1=$2: want an integer in $3..$4"; fi
    echo "$2"
}
CREATE_ROUNDS=$(bounded BENCH_CREATE_ROUNDS "${BENCH_CREATE_ROUNDS:-15}" 1 100)
OPENSTACK_ROUNDS=$(bounded BENCH_OPENSTACK_ROUNDS "${BENCH_OPENSTACK_ROUNDS:-5}" 0 20)
UPLOAD_ROUNDS=$(bounded BENCH_UPLOAD_ROUNDS "${BENCH_UPLOAD_ROUNDS:-7}" 1 20)
UPLOAD_MIB=$(bounded BENCH_UPLOAD_MIB "${BENCH_UPLOAD_MIB:-200}" 1 2000)
(( OPENSTACK_ROUNDS <= CREATE_ROUNDS )) || OPENSTACK_ROUNDS=$CREATE_ROUNDS

# Budgets.
CREATE_VS_CURL_MAX=1.30   # ims-wizard create time / curl create time
OPENSTACK_VS_IMS_MIN=15   # openstack create time / ims-wizard create time
RSS_MAX_KIB=40960         # 40 MiB
UPLOAD_VS_CURL_MIN=0.90   # ims-wizard throughput / curl throughput

load1() { cut -d ' ' -f 1 /proc/loadavg; }
LOAD_BEFORE=$(load1)

# ------------------------------------------------------------------ tools
command -v curl >/dev/null || die "curl is missing (.ci/glance install installs it)"
if [[ ! -x /usr/bin/time ]]; then
    [[ $(id -u) == 0 ]] || die "GNU time (/usr/bin/time) is missing: apt-get install time"
    echo "bench: apt-get install time (GNU time, for peak RSS)" >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends time >/dev/null ||
        { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends time >/dev/null; } ||
        die "could not install GNU time"
fi
HAVE_OPENSTACK=1
command -v openstack >/dev/null || HAVE_OPENSTACK=0
(( OPENSTACK_ROUNDS > 0 )) || HAVE_OPENSTACK=0

WORK=$(mktemp -d "${TMPDIR:-/tmp}/ims-wizard-bench.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
mkdir -p "$WORK/home"
BIN="$WORK/ims-wizard"
echo "bench: go build -o $BIN ./cmd/ims-wizard" >&2
go build -o "$BIN" ./cmd/ims-wizard

# Every tool runs in the same minimal environment: no credentials, no proxy,
# an empty home.
clean() { env -i PATH="$PATH" HOME="$WORK/home" LANG=C.UTF-8 "$@"; }

now_us() { local t=$EPOCHREALTIME; echo $(( 10#${t/./} )); } # EPOCHREALTIME has 6 decimals

median() { sort -n | awk '{ v[NR] = $1 } END { if (NR == 0) { print "nan"; exit } if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

FAILED=0
verdict() { # 1|0 -> V=PASS|FAIL; a failure is recorded in FAILED (not in a subshell!)
    if [[ "$1" == 1 ]]; then V=PASS; else V=FAIL; FAILED=1; fi
}
le() { awk -v a="$1" -v b="$2" 'BEGIN { print (a <= b) ? 1 : 0 }'; }
ge() { awk -v a="$1" -v b="$2" 'BEGIN { print (a >= b) ? 1 : 0 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
ms() { awk -v u="$1" 'BEGIN { printf "%.1f", u / 1000 }'; }

image_id() { grep -o '"id": *"[^"]*"' "$1" | head -n 1 | sed 's/.*"\([^"]*\)"$/\1/'; }

# ---------------------------------------------------------- 1. create
"$BIN" --dry-run --name bench --disk-format vhd -o json >"$WORK/body.json" 2>/dev/null
NAME=bench-$$

run_ims_create() {
    clean "$BIN" --yes --endpoint "$URL" --name "$NAME" --disk-format vhd -o json >"$WORK/ims.json" 2>"$WORK/ims.err" ||
        { cat "$WORK/ims.err" >&2; die "ims-wizard create failed"; }
}
run_curl_create() {
    local code
    code=$(clean curl -sS -o "$WORK/curl.json" -w '%{http_code}' -X POST "$URL/v2/images" \
        -H 'Content-Type: application/json' -H 'Accept: application/json' --data-binary @"$WORK/body.json")
    [[ "$code" == 201 ]] || die "curl create answered $code"
}
run_openstack_create() {
    clean openstack --os-auth-type none --os-endpoint "$URL" image create \
        --container-format bare --disk-format vhd --private --unprotected -f json "$NAME" >"$WORK/os.json" 2>"$WORK/os.err" ||
        { cat "$WORK/os.err" >&2; die "openstack image create failed"; }
}
timed() { # FUNC -> elapsed microseconds
    local t0 t1
    t0=$(now_us); "$1"; t1=$(now_us)
    echo $(( t1 - t0 ))
}

echo "bench: warm-up" >&2
run_ims_create; run_curl_create
(( HAVE_OPENSTACK )) && run_openstack_create

: >"$WORK/t.ims"; : >"$WORK/t.curl"; : >"$WORK/t.os"
echo "bench: create, $CREATE_ROUNDS rounds ims-wizard/curl, $OPENSTACK_ROUNDS of openstack" >&2
for ((i = 1; i <= CREATE_ROUNDS; i++)); do
    if (( i % 2 )); then
        timed run_ims_create >>"$WORK/t.ims"; timed run_curl_create >>"$WORK/t.curl"
    else
        timed run_curl_create >>"$WORK/t.curl"; timed run_ims_create >>"$WORK/t.ims"
    fi
    if (( HAVE_OPENSTACK && i <= OPENSTACK_ROUNDS )); then
        timed run_openstack_create >>"$WORK/t.os"
    fi
done
grep -q '"status": *"queued"' "$WORK/ims.json" || die "ims-wizard did not print a queued image"

IMS_US=$(median <"$WORK/t.ims")
CURL_US=$(median <"$WORK/t.curl")

# Peak RSS of a create (max of 3 runs).
RSS_CREATE=0
for ((i = 0; i < 3; i++)); do
    clean /usr/bin/time -f %M -o "$WORK/rss" "$BIN" --yes --endpoint "$URL" --name "$NAME" --disk-format vhd -o json >/dev/null 2>&1 ||
        die "ims-wizard create (under time) failed"
    r=$(tail -n 1 "$WORK/rss"); (( r > RSS_CREATE )) && RSS_CREATE=$r
done

# ---------------------------------------------------------- 2. upload
FILE="$WORK/upload.raw"
echo "bench: writing a ${UPLOAD_MIB} MiB random file" >&2
head -c $(( UPLOAD_MIB << 20 )) /dev/urandom >"$FILE"
SIZE=$(( UPLOAD_MIB << 20 ))

new_image() {
    local code
    code=$(clean curl -sS -o "$WORK/new.json" -w '%{http_code}' -X POST "$URL/v2/images" \
        -H 'Content-Type: application/json' -H 'Accept: application/json' --data-binary @"$WORK/body.json")
    [[ "$code" == 201 ]] || die "create for upload answered $code"
    image_id "$WORK/new.json"
}
delete_image() { clean curl -sS -o /dev/null -X DELETE "$URL/v2/images/$1" || true; }

UP_ID=""
run_ims_upload() {
    clean "$BIN" upload "$UP_ID" "$FILE" --endpoint "$URL" -o json >"$WORK/up.json" 2>"$WORK/up.err" ||
        { cat "$WORK/up.err" >&2; die "ims-wizard upload failed"; }
    grep -q '"status": *"active"' "$WORK/up.json" || die "ims-wizard upload: image not active"
}
run_curl_upload() {
    local code
    code=$(clean curl -sS -o /dev/null -w '%{http_code}' -T "$FILE" -H 'Content-Type: application/octet-stream' \
        "$URL/v2/images/$UP_ID/file")
    [[ "$code" == 204 ]] || die "curl -T answered $code"
}
mibps() { awk -v s="$SIZE" -v u="$1" 'BEGIN { printf "%.1f\n", s / 1048576 / (u / 1e6) }'; }

: >"$WORK/u.ims.seq"; : >"$WORK/u.curl.seq"
echo "bench: upload, $UPLOAD_ROUNDS rounds each" >&2
UP_ID=$(new_image); run_curl_upload; delete_image "$UP_ID" # warm-up: page cache, Glance's store
for ((i = 1; i <= UPLOAD_ROUNDS; i++)); do
    for tool in $( (( i % 2 )) && echo "ims curl" || echo "curl ims"); do
        UP_ID=$(new_image)
        t=$(timed "run_${tool}_upload") # an assignment, so that a failure stops the script
        mibps "$t" >>"$WORK/u.$tool.seq"
        delete_image "$UP_ID" # keep the disk from filling
    done
done
UP_IMS=$(median <"$WORK/u.ims.seq")
UP_CURL=$(median <"$WORK/u.curl.seq")

# Peak RSS of an upload.
UP_ID=$(new_image)
clean /usr/bin/time -f %M -o "$WORK/rss" "$BIN" upload "$UP_ID" "$FILE" --endpoint "$URL" -o json >/dev/null 2>&1 ||
    die "ims-wizard upload (under time) failed"
RSS_UPLOAD=$(tail -n 1 "$WORK/rss")
delete_image "$UP_ID"

# ---------------------------------------------------------- report
LOAD_AFTER=$(load1)
echo
echo "ims-wizard bench against Glance at $URL ($(nproc) CPUs; load average $LOAD_BEFORE before, $LOAD_AFTER after)"
echo
echo "Scripted create, whole process, median of $CREATE_ROUNDS alternating runs:"
printf '  %-34s %9s ms\n' "ims-wizard --yes -o json" "$(ms "$IMS_US")"
printf '  %-34s %9s ms\n' "curl POST (floor)" "$(ms "$CURL_US")"
R=$(ratio "$IMS_US" "$CURL_US")
verdict "$(le "$R" "$CREATE_VS_CURL_MAX")"
printf '  %-34s %9s x    budget <= %s x   %s\n' "ims-wizard / curl" "$R" "$CREATE_VS_CURL_MAX" "$V"
if (( HAVE_OPENSTACK )); then
    OS_US=$(median <"$WORK/t.os")
    printf '  %-34s %9s ms   (median of %d)\n' "openstack image create" "$(ms "$OS_US")" "$OPENSTACK_ROUNDS"
    R=$(ratio "$OS_US" "$IMS_US")
    verdict "$(ge "$R" "$OPENSTACK_VS_IMS_MIN")"
    printf '  %-34s %9s x    budget >= %s x     %s\n' "openstack / ims-wizard" "$R" "$OPENSTACK_VS_IMS_MIN" "$V"
else
    echo "  openstack image create             not run (openstack CLI missing: .ci/glance install --with-client)   FAIL"
    FAILED=1
fi
echo
echo "Peak RSS of ims-wizard (GNU time %M):"
verdict "$(( RSS_CREATE <= RSS_MAX_KIB ))"
printf '  %-34s %9s MiB  budget <= %d MiB   %s\n' "create" "$(awk -v k="$RSS_CREATE" 'BEGIN { printf "%.1f", k / 1024 }')" $(( RSS_MAX_KIB / 1024 )) "$V"
verdict "$(( RSS_UPLOAD <= RSS_MAX_KIB ))"
printf '  %-34s %9s MiB  budget <= %d MiB   %s\n' "upload of $UPLOAD_MIB MiB" "$(awk -v k="$RSS_UPLOAD" 'BEGIN { printf "%.1f", k / 1024 }')" $(( RSS_MAX_KIB / 1024 )) "$V"
echo
echo "Upload of $UPLOAD_MIB MiB to a fresh queued image, whole process, median of $UPLOAD_ROUNDS alternating runs:"
printf '  %-34s %9s MiB/s  (%s)\n' "ims-wizard upload" "$UP_IMS" "$(sort -n "$WORK/u.ims.seq" | tr '\n' ' ' | sed 's/ $//')"
printf '  %-34s %9s MiB/s  (%s)\n' "curl -T" "$UP_CURL" "$(sort -n "$WORK/u.curl.seq" | tr '\n' ' ' | sed 's/ $//')"
R=$(ratio "$UP_IMS" "$UP_CURL")
verdict "$(ge "$R" "$UPLOAD_VS_CURL_MIN")"
printf '  %-34s %9s x    budget >= %s x   %s\n' "ims-wizard / curl" "$R" "$UPLOAD_VS_CURL_MIN" "$V"
# Diagnostic, not judged: each round's pair of runs saw about the same load
# from the rest of the machine, so the median of the per-round ratios is
# less sensitive to it than the ratio of the medians.
printf '  %-34s %9s x    (per-round pairs, for information)\n' "median of per-round ratios" \
    "$(paste "$WORK/u.ims.seq" "$WORK/u.curl.seq" | awk '{ printf "%.4f\n", $1 / $2 }' | median | awk '{ printf "%.2f", $1 }')"
echo
if (( FAILED )); then
    echo "bench: a budget FAILED"
    exit 1
fi
echo "bench: all budgets PASS"
