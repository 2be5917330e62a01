#!/usr/bin/env bash
# run.sh - throughput of `tollwatch -r` against a bare libpcap read loop over
# the same synthetic capture, measured in the same run (machines are shared
# and noisy, so the ratio is the figure to compare, not packets/s).
#
# usage: bench/run.sh [COPIES]   (default 4000 copies of the sample scenario)
set -euo pipefail
cd "$(dirname "$0")/.."
copies=${1:-4000}
build=build-bench
[ -f $build/build.ninja ] || meson setup $build --buildtype=release -Dtests=false >/dev/null
ninja -C $build >/dev/null
cap=$(mktemp /tmp/tollwatch-bench.XXXXXX.pcap)
trap 'rm -f "$cap"' EXIT
python3 bench/mkcapture.py "$cap" "$copies"
packets=$($build/bench/bench_readloop "$cap" | awk '{print $2}')
best() { # best of 3 wall-clock seconds of a command
    local best=999999
    for _ in 1 2 3; do
        local s e
        s=$(date +%s.%N); "$@" >/dev/null 2>&1; e=$(date +%s.%N)
        best=$(python3 -c "print(min($best, $e - $s))")
    done
    echo "$best"
}
t_base=$(best $build/bench/bench_readloop "$cap")
t_tw=$(best $build/tollwatch -q -r "$cap" -o /dev/null)
rss=$( { /usr/bin/time -f '%M' $build/tollwatch -q -r "$cap" -o /dev/null; } 2>&1 | tail -1)
python3 - "$packets" "$t_base" "$t_tw" "$rss" "$(stat -c %s "$cap")" <<'PY'
import sys
n, tb, tt, rss, size = int(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
print("capture: %d packets, %.1f MB" % (n, size / 1e6))
print("libpcap read loop: %10.0f packets/s (%.3f s)" % (n / tb, tb))
print("tollwatch -r:      %10.0f packets/s (%.3f s)" % (n / tt, tt))
print("ratio tollwatch/readloop: %.3f  (tollwatch takes %.1fx the time of a bare read)" % (tb / tt, tt / tb))
print("tollwatch peak RSS: %.1f MB" % (rss / 1024))
PY
