#!/usr/bin/env bash
# fuzz.sh - runs every libFuzzer target for a while (clang, ASan+UBSan).
# usage: scripts/fuzz.sh [SECONDS_PER_TARGET]   (default 60)
# New inputs go to a scratch copy of tests/corpus/<target>; a crash leaves a
# crash-* file in the current folder: fix it, then add it to the corpus.
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-60}
scripts/deps.sh --dev
[ -f build-fuzz/build.ninja ] || CC=clang meson setup build-fuzz -Dfuzz=true \
    -Db_sanitize=address,undefined -Db_lundef=false >/dev/null
ninja -C build-fuzz >/dev/null
work=$(mktemp -d /tmp/tollwatch-fuzz.XXXXXX)
status=0
for t in snmp ber skinny h225 h225ras telnet http decode config fraudsigs pcapmap; do
    cp -r "tests/corpus/$t" "$work/$t"
    echo "== fuzz_$t for ${secs}s"
    build-fuzz/tests/fuzz_$t -max_total_time="$secs" -rss_limit_mb=2048 "$work/$t" 2>&1 \
        | grep -E "DONE|ERROR|SUMMARY" || status=1
done
rm -rf "$work"
exit $status
