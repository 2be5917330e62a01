#!/usr/bin/env bash
# demo.sh - fresh Debian 12 machine to alerts on screen: installs the
# dependencies, builds tollwatch, and runs it on the bundled sample captures.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
[ -f build/build.ninja ] || meson setup build --buildtype=release >/dev/null
ninja -C build >/dev/null
echo "== tollwatch -r samples/snmp_default_community.pcap (alerts only; full EVE with -o -) ==" >&2
build/tollwatch -r samples/snmp_default_community.pcap -o - | grep '"event_type":"alert"'
# The SCCP sample needs its config: the phone inventory (unknown_phone) and the LAN (wan_sccp).
echo "== tollwatch -c samples/sccp_toll_fraud.yaml -r samples/sccp_phones.pcap (alerts only) ==" >&2
build/tollwatch -c samples/sccp_toll_fraud.yaml -r samples/sccp_phones.pcap -o - |
    grep '"event_type":"alert"'
# Toll fraud over H.323 and SCCP: after-hours block patterns and high-risk destinations.
echo "== tollwatch -c samples/toll_fraud.yaml -r samples/toll_fraud_calls.pcap (alerts only) ==" >&2
build/tollwatch -c samples/toll_fraud.yaml -r samples/toll_fraud_calls.pcap -o - |
    grep '"event_type":"alert"'
