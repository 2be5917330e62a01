#!/usr/bin/env bash
# live.sh - live capture at full speed: tcpreplay --topspeed of the realistic capture
# (bench/mkrealistic.py) into a veth pair, `tollwatch -i` capturing on the other end,
# with 1 and then 2 workers; what was sent, how fast, what tollwatch counted, what it lost.
#
# usage: bench/live.sh [PACKETS]          (default 1000000; about 330 MB in /tmp)
#   WORKERS="1 2"   worker counts, one round each (default "1 2")
#   KEEP=1          keep the capture (its path is printed)
#
# A network namespace of its own (tw-bench-PID) holds one veth end, where tollwatch runs
# (tollwatch -i VETH -w N -o FILE -q under GNU time); tcpreplay writes into the other end.
# No end has an address and IPv6 is off on both, so the replayed frames go nowhere else
# and the link carries nothing but them. After the replay the script sends SIGUSR1 every
# second until stats.capture.packets stops growing (20 s at most), then SIGINT, and reads
# the exit stats event: capture.packets, kernel_drops (pcap_stats ps_drop), ring_drops
# (packets the capture thread could not queue to a worker); link drops = frames the veth
# pair dropped (receive backlog full) before libpcap could see them, so that sent =
# captured + link drops when nothing else is lost. Rate = tcpreplay's own report
# (Rated: pps and Mbps); peak RSS = GNU time %M of tollwatch. The same machine sends and
# captures: tcpreplay competes with tollwatch for the cores, so drops at topspeed measure
# this pair, not a span port. Needs root (namespaces, packet sockets); installs tcpreplay
# and time with apt-get when they are missing.
set -euo pipefail
cd "$(dirname "$0")/.."
packets_wanted=${1:-1000000}
workers_list=${WORKERS:-1 2}
build="build-bench"

if [ "$(id -u)" != 0 ]; then
    echo "live: needs root (network namespace, veth pair, packet capture)" >&2
    exit 2
fi
need_pkg() { # need_pkg COMMAND PACKAGE: install PACKAGE with apt-get if COMMAND is missing
    command -v "$1" >/dev/null 2>&1 && return 0
    if command -v apt-get >/dev/null; then
        echo "live: installing $2 (for $1)" >&2
        export DEBIAN_FRONTEND=noninteractive
        { apt-get install -y -qq --no-install-recommends "$2" ||
            { apt-get update -qq && apt-get install -y -qq --no-install-recommends "$2"; }; } \
            >/dev/null 2>&1 || true
    fi
    command -v "$1" >/dev/null 2>&1
}
for tool in /usr/bin/time:time tcpreplay:tcpreplay ip:iproute2; do
    need_pkg "${tool%%:*}" "${tool#*:}" ||
        { echo "live: ${tool%%:*} (package ${tool#*:}) is required" >&2; exit 2; }
done

[ -f $build/build.ninja ] || meson setup $build --buildtype=release -Dtests=false >/dev/null
ninja -C $build >/dev/null
tw=$(realpath $build/tollwatch)
if ! "$tw" --help 2>&1 | grep -qE '(^|[[:space:]])-i[, ]'; then
    echo "live: $tw has no -i (live capture) yet" >&2
    exit 2
fi

ns="tw-bench-$$"
vin="twb$$i"                    # interface names: 15 characters at most
vout="twb$$o"
cap=$(mktemp /tmp/tollwatch-live.XXXXXX.pcap)
out=$(mktemp -d /tmp/tollwatch-live.XXXXXX)
twpid=""
cleanup() {
    if [ -n "$twpid" ] && kill -0 "$twpid" 2>/dev/null; then
        kill -KILL "$twpid" 2>/dev/null || true
    fi
    ip link del "$vout" 2>/dev/null || true
    ip netns del "$ns" 2>/dev/null || true
    rm -rf "$out"
    if [ "${KEEP:-0}" = 1 ]; then echo "live: capture kept: $cap" >&2; else rm -f "$cap"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

python3 bench/mkrealistic.py "$cap" "$packets_wanted"
cat "$cap" >/dev/null           # into the page cache: tcpreplay reads from memory

ip netns add "$ns"
ip link add "$vout" mtu 9000 type veth peer name "$vin" mtu 9000
ip link set "$vin" netns "$ns"
[ ! -e /proc/sys/net/ipv6/conf/"$vout"/disable_ipv6 ] ||
    echo 1 >/proc/sys/net/ipv6/conf/"$vout"/disable_ipv6
ip netns exec "$ns" sh -c "[ ! -e /proc/sys/net/ipv6/conf/$vin/disable_ipv6 ] ||
    echo 1 >/proc/sys/net/ipv6/conf/$vin/disable_ipv6"
ip link set "$vout" up
ip -n "$ns" link set "$vin" up
ifindex=$(ip -n "$ns" -o link show "$vin" | cut -d: -f1)

capturing() { # capturing PID: PID holds a running packet socket bound to the veth
    local pid=$1 inodes
    inodes=$(find /proc/"$pid"/fd -type l -lname 'socket:*' -printf '%l\n' 2>/dev/null |
        sed 's/socket:\[\(.*\)\]/\1/')
    [ -n "$inodes" ] || return 1
    awk -v idx="$ifindex" -v inodes="$inodes" '
        BEGIN { n = split(inodes, a, "\n"); for (i = 1; i <= n; i++) own[a[i]] = 1 }
        NR > 1 && $5 == idx && $6 == 1 && ($9 in own) { found = 1 }
        END { exit !found }' /proc/"$pid"/net/packet 2>/dev/null
}
link_drops() { # frames the veth pair dropped before any tap saw them (backlog full)
    echo $(($(cat /sys/class/net/"$vout"/statistics/tx_dropped) +
        $(ip netns exec "$ns" cat /sys/class/net/"$vin"/statistics/rx_dropped)))
}
captured() { # captured FILE: stats.capture.packets of the last stats event in FILE, or -1
    python3 - "$1" <<'PY'
import json, sys
n = -1
for line in open(sys.argv[1], errors="replace"):
    try:
        e = json.loads(line)
    except ValueError:
        continue
    if e.get("event_type") == "stats":
        n = e.get("stats", {}).get("capture", {}).get("packets", n)
print(n)
PY
}

: >"$out/results"
for w in $workers_list; do
    eve="$out/eve-$w.json"
    # GNU time in the namespace, tollwatch its child: %M is tollwatch's peak RSS.
    ip netns exec "$ns" /usr/bin/time -f '%M' -o "$out/rss-$w" \
        "$tw" -i "$vin" -w "$w" -o "$eve" -q 2>"$out/err-$w" &
    timepid=$!
    twpid=""
    for _ in $(seq 200); do
        twpid=$(ps -o pid= --ppid "$timepid" | tr -d ' ' || true)
        [ -n "$twpid" ] && capturing "$twpid" && break
        kill -0 "$timepid" 2>/dev/null || break
        sleep 0.05
    done
    if [ -z "$twpid" ] || ! capturing "$twpid"; then
        echo "live: tollwatch -i $vin -w $w did not start capturing: $(tail -3 "$out/err-$w")" >&2
        exit 1
    fi
    sleep 0.5
    drops0=$(link_drops)
    tcpreplay --topspeed -i "$vout" "$cap" >"$out/replay-$w" 2>&1 ||
        { echo "live: tcpreplay failed: $(tail -3 "$out/replay-$w")" >&2; exit 1; }
    # Drain: SIGUSR1 each second until the capture count stops growing.
    last=-2
    for _ in $(seq 20); do
        kill -USR1 "$twpid"
        sleep 1
        now=$(captured "$eve")
        [ "$now" = "$last" ] && break
        last=$now
    done
    kill -INT "$twpid"
    rc=0
    wait "$timepid" || rc=$?
    twpid=""
    if [ "$rc" != 0 ]; then
        echo "live: tollwatch -w $w exited $rc: $(tail -3 "$out/err-$w")" >&2
    fi
    printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$w" "$rc" "$out/replay-$w" "$eve" \
        "$(tail -1 "$out/rss-$w")" $(($(link_drops) - drops0)) >>"$out/results"
done

python3 - "$out/results" "$(stat -c %s "$cap")" "$(nproc)" <<'PY'
import json, re, sys
rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1])]
size, cores = int(sys.argv[2]), sys.argv[3]
print("\ncapture: bench/mkrealistic.py, %.0f MB; %s cores; tcpreplay --topspeed into a veth pair\n"
      % (size / 1e6, cores))
print("| workers | packets sent | rate (packets/s) | rate (Mbps) | packets captured "
      "| kernel drops | ring drops | link drops | peak RSS (MB) |")
print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
for w, rc, replay, eve, kb, link in rows:
    text = open(replay).read()
    sent = re.search(r"Successful packets:\s+(\d+)", text)
    rated = re.search(r"Rated:\s+[\d.]+ Bps,\s+([\d.]+) Mbps,\s+([\d.]+) pps", text)
    stats = None
    for line in open(eve, errors="replace"):
        try:
            e = json.loads(line)
        except ValueError:
            continue
        if e.get("event_type") == "stats":
            stats = e["stats"].get("capture", {})
    fmt = lambda v: format(v, ",") if isinstance(v, int) else "?"
    cap = stats or {}
    note = "" if rc == "0" else " (exit %s)" % rc
    print("| %s%s | %s | %s | %s | %s | %s | %s | %s | %s |" % (
        w, note, fmt(int(sent.group(1))) if sent else "?",
        fmt(round(float(rated.group(2)))) if rated else "?",
        rated.group(1) if rated else "?",
        fmt(cap.get("packets")), fmt(cap.get("kernel_drops")), fmt(cap.get("ring_drops")),
        fmt(int(link)),
        "%.1f" % (int(kb) / 1024) if kb.isdigit() else "?"))
PY
