#!/usr/bin/env bash
# perf.sh - packets/s and peak RSS of tollwatch against a bare libpcap read loop,
# ndpiReader and tshark, in one run, over one large realistic capture
# (bench/mkrealistic.py: RTP, TLS, DNS, HTTP, SNMP, SCCP, H.225, telnet, ...).
#
# usage: bench/perf.sh [PACKETS]          (default 3000000; about 1 GB in /tmp)
#   RUNS=N          rounds of the fast tools, best of N (default 3)
#   TSHARK_RUNS=N   runs of tshark, best of N (default 1: one run takes ~80 s on
#                   3M packets on the 2-core machine, the whole script ~2 min)
#   KEEP=1          keep the capture (its path is printed), e.g. for perf record
#
# Wall time from date +%s%N around each run, peak RSS from GNU time (%M) of
# the same run (the largest of the runs); packets/s = packets in the capture /
# best wall time. Machines are shared and noisy: compare the ratios, not
# packets/s. `tollwatch -w 2` runs only once `tollwatch --help` lists -w.
# Needs root to install libndpi-bin (ndpiReader) and time when they are
# missing; a tool that is not there gets a row saying so.
set -euo pipefail
cd "$(dirname "$0")/.."
packets_wanted=${1:-3000000}
tshark_runs=${TSHARK_RUNS:-1}
build="build-bench"

need_pkg() { # need_pkg COMMAND PACKAGE: install PACKAGE with apt-get if COMMAND is missing
    command -v "$1" >/dev/null 2>&1 && return 0
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        echo "perf: installing $2 (for $1)" >&2
        export DEBIAN_FRONTEND=noninteractive
        { apt-get install -y -qq --no-install-recommends "$2" ||
            { apt-get update -qq && apt-get install -y -qq --no-install-recommends "$2"; }; } \
            >/dev/null 2>&1 || true
    fi
    command -v "$1" >/dev/null 2>&1
}
need_pkg /usr/bin/time time || { echo "perf: /usr/bin/time (package time) is required" >&2; exit 2; }
have_ndpi=1; need_pkg ndpiReader libndpi-bin || { have_ndpi=0; echo "perf: ndpiReader unavailable (package libndpi-bin): skipped" >&2; }
have_tshark=1; command -v tshark >/dev/null 2>&1 || { have_tshark=0; echo "perf: tshark missing (scripts/deps.sh --dev installs it): skipped" >&2; }

[ -f $build/build.ninja ] || meson setup $build --buildtype=release -Dtests=false >/dev/null
ninja -C $build >/dev/null

cap=$(mktemp /tmp/tollwatch-perf.XXXXXX.pcap)
out=$(mktemp -d /tmp/tollwatch-perf.XXXXXX)
if [ "${KEEP:-0}" = 1 ]; then trap 'rm -rf "$out"; echo "perf: capture kept: $cap" >&2' EXIT
else trap 'rm -rf "$cap" "$out"' EXIT; fi
python3 bench/mkrealistic.py "$cap" "$packets_wanted"
cat "$cap" >/dev/null                 # into the page cache: every tool reads from memory
packets=$($build/bench/bench_readloop "$cap" | awk '{print $2}')

# run_once KEY runs one tool once under GNU time and keeps its best wall time (ns) and its
# largest peak RSS (KB) in $out/KEY.{ns,kb}. The fast tools are timed in rounds (one run of
# each per round), so that a slow spell of a shared machine hits them all alike; tshark,
# which takes minutes, runs TSHARK_RUNS times at the end.
tw=$build/tollwatch
tw_w=()
if "$tw" --help 2>&1 | grep -qE '(^|[[:space:]])-w[, ]'; then tw_w=(-w 1); fi
run_once() {
    local key=$1 s e r
    local -a cmd
    case $key in
    readloop) cmd=("$build/bench/bench_readloop" "$cap") ;;
    tw1) cmd=("$tw" -q "${tw_w[@]}" -r "$cap" -o /dev/null) ;;
    tw2) cmd=("$tw" -q -w 2 -r "$cap" -o /dev/null) ;;
    ndpi) cmd=(ndpiReader -q -i "$cap") ;;
    tshark) cmd=(tshark -n -r "$cap" -T fields -e skinny.messageId -e q931.message_type
                 -e snmp.community -e telnet.data -e http.authorization) ;;
    esac
    [ -e "$out/$key.failed" ] && return 0
    s=$(date +%s%N)
    if ! /usr/bin/time -f '%M' -o "$out/rss" "${cmd[@]}" >/dev/null 2>"$out/err"; then
        echo "perf: $key failed: $(tail -3 "$out/err")" >&2
        touch "$out/$key.failed"
        return 0
    fi
    e=$(date +%s%N)
    r=$(tail -1 "$out/rss")
    if [ ! -e "$out/$key.ns" ] || [ $((e - s)) -lt "$(cat "$out/$key.ns")" ]; then
        echo $((e - s)) >"$out/$key.ns"
    fi
    if [ ! -e "$out/$key.kb" ] || [ "$r" -gt "$(cat "$out/$key.kb")" ]; then
        echo "$r" >"$out/$key.kb"
    fi
}
row() { # row KEY NAME: a line of $out/results, or "n/a (WHY)" when the tool did not run
    local key=$1 name=$2
    if [ -e "$out/$key.failed" ]; then printf '%s\tfailed\t0\n' "$name"
    elif [ -e "$out/$key.ns" ]; then
        printf '%s\t%s\t%s\n' "$name" "$(awk -v ns="$(cat "$out/$key.ns")" 'BEGIN{printf "%.4f", ns / 1e9}')" "$(cat "$out/$key.kb")"
    else printf '%s\t%s\t0\n' "$name" "$3"; fi >>"$out/results"
}

fast=(readloop tw1)
[ ${#tw_w[@]} -gt 0 ] && fast+=(tw2)
[ $have_ndpi = 1 ] && fast+=(ndpi)
for ((round = 0; round < ${RUNS:-3}; round++)); do
    for key in "${fast[@]}"; do run_once "$key"; done
done
if [ $have_tshark = 1 ]; then
    for ((round = 0; round < tshark_runs; round++)); do run_once tshark; done
fi

row readloop "libpcap read loop (bench_readloop)"
row tw1 "tollwatch -r, 1 worker"
row tw2 "tollwatch -r, 2 workers" "n/a (no -w yet)"
row ndpi "ndpiReader -i (nDPI $(ndpiReader -h 2>/dev/null | sed -n 's/^Welcome to nDPI \([0-9.]*\).*/\1/p'))" "n/a (not installed)"
row tshark "tshark -r -T fields ($(tshark --version 2>/dev/null | head -1 | awk '{print $3}'), $([ "$tshark_runs" = 1 ] && echo "1 run" || echo "best of $tshark_runs"))" \
    "n/a ($([ $have_tshark = 1 ] && echo "TSHARK_RUNS=0" || echo "not installed"))"

python3 - "$out/results" "$packets" "$(stat -c %s "$cap")" "$(nproc)" <<'PY'
import sys
rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1])]
n, size, cores = int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
try:
    base = float(rows[0][1])
except ValueError:
    base = float("nan")
print("\ncapture: %d packets, %.0f MB (bench/mkrealistic.py); %s cores\n" % (n, size / 1e6, cores))
print("| tool | packets/s | ratio to read loop | wall (s) | peak RSS (MB) |")
print("|---|---:|---:|---:|---:|")
pps = {}
for name, secs, kb in rows:
    try:
        t = float(secs)
    except ValueError:
        print("| %s | %s | | | |" % (name, secs))
        continue
    pps[name] = n / t
    print("| %s | %s | %.3f | %.3f | %.1f |" % (name, format(round(n / t), ","), base / t, t,
                                              int(kb) / 1024))
tw = next((v for k, v in pps.items() if k.startswith("tollwatch -r, 1")), None)
rl = next((v for k, v in pps.items() if k.startswith("libpcap")), None)
nd = next((v for k, v in pps.items() if k.startswith("ndpiReader")), None)
print()
if tw and rl:
    print("tollwatch (1 worker) / read loop:  %.3f   (target >= 0.5)" % (tw / rl))
if tw and nd:
    print("tollwatch (1 worker) / ndpiReader: %.2f    (target >= 2)" % (tw / nd))
PY
