#!/usr/bin/env bash
# redis.sh - events/s that tollwatch delivers into Redis on loopback, against
# `redis-benchmark -t rpush -n N -q` on the same server in the same run
# (machines are shared and noisy: compare the ratio, not the rates).
#
# tollwatch's figure is events delivered / wall-clock seconds of a whole
# offline run (reading and analysing the capture included, and the drain at
# exit, so every event is acknowledged by Redis when the clock stops), with
# list mode (RPUSH) and -o /dev/null. A second figure, the same run without
# Redis, shows what the analysis alone costs; a replay of the whole run from
# the spool shows the output path alone (read from disk, pipelined RPUSH).
#
# usage: bench/redis.sh [COPIES]   (default 20000 copies of the sample scenario, ~80k events)
set -euo pipefail
cd "$(dirname "$0")/.."
copies=${1:-20000}
build=build-bench
[ -f $build/build.ninja ] || meson setup $build --buildtype=release -Dtests=false >/dev/null
ninja -C $build >/dev/null
tmp=$(mktemp -d /tmp/tollwatch-redis-bench.XXXXXX)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no --daemonize no \
    --dir "$tmp" >"$tmp/redis.log" 2>&1 &
rpid=$!
trap 'kill $rpid 2>/dev/null; wait $rpid 2>/dev/null; rm -rf "$tmp"' EXIT
for _ in $(seq 50); do redis-cli -p "$port" ping >/dev/null 2>&1 && break; sleep 0.1; done
cap=$tmp/bench.pcap
python3 bench/mkcapture.py "$cap" "$copies"
printf 'outputs:\n  redis:\n    spool_dir: %s/spool\nstats:\n  interval: 0\n' "$tmp" >"$tmp/tw.yaml"
now() { date +%s.%N; }
s=$(now)
$build/tollwatch -q -c "$tmp/tw.yaml" -r "$cap" -o /dev/null
e=$(now)
t_noredis=$(python3 -c "print($e - $s)")
best=999999
events=0
for _ in 1 2 3; do
    redis-cli -p "$port" del tollwatch >/dev/null
    s=$(now)
    $build/tollwatch -q -c "$tmp/tw.yaml" -r "$cap" -o /dev/null \
        --redis "redis://127.0.0.1:$port" --redis-mode list
    e=$(now)
    best=$(python3 -c "print(min($best, $e - $s))")
    events=$(redis-cli -p "$port" llen tollwatch)
done
# The output path alone: spool every event with Redis unreachable (drain_timeout 0),
# then time a run over a 13-packet sample that replays the spool first.
printf 'outputs:\n  redis:\n    spool_dir: %s/spool\n    drain_timeout: 0\nstats:\n  interval: 0\n' \
    "$tmp" >"$tmp/down.yaml"
$build/tollwatch -q -c "$tmp/down.yaml" -r "$cap" -o /dev/null --redis "redis://127.0.0.1:1" ||
    true
redis-cli -p "$port" del tollwatch >/dev/null
s=$(now)
$build/tollwatch -q -c "$tmp/tw.yaml" -r samples/snmp_default_community.pcap -o /dev/null \
    --redis "redis://127.0.0.1:$port"
e=$(now)
t_replay=$(python3 -c "print($e - $s)")
replayed=$(redis-cli -p "$port" llen tollwatch)
redis-cli -p "$port" del tollwatch >/dev/null
bench=$(redis-benchmark -p "$port" -t rpush -n "$events" -q | tr '\r' '\n' | grep -o 'RPUSH: [0-9.]*' | tail -1 | awk '{print $2}')
python3 - "$events" "$best" "$bench" "$t_noredis" "$replayed" "$t_replay" <<'PY'
import sys
n, t, bench, t0 = int(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4])
nr, tr = int(sys.argv[5]), float(sys.argv[6])
tw = n / t
print("events: %d (one run without Redis: %.3f s)" % (n, t0))
print("tollwatch -> Redis (RPUSH, pipelined):   %10.0f events/s (%.3f s, best of 3)" % (tw, t))
print("redis-benchmark -t rpush -n %d -q:   %10.0f requests/s" % (n, bench))
print("spool replay -> Redis (output path only): %7.0f events/s (%d events, %.3f s)"
      % (nr / tr, nr, tr))
print("ratio tollwatch/redis-benchmark: %.2f (whole run), %.2f (spool replay)"
      % (tw / bench, nr / tr / bench))
PY
