#!/usr/bin/env bash
# test.sh - fresh Debian 12 machine to a passing test suite: installs the
# dependencies, then builds and runs every test twice, in a release build
# and in an AddressSanitizer + UndefinedBehaviorSanitizer build.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
status=0
run_suite() {
    local dir=$1; shift
    [ -f "$dir/build.ninja" ] || meson setup "$dir" "$@" >/dev/null
    ninja -C "$dir"
    meson test -C "$dir" --print-errorlogs --num-processes 2 || status=1
}
run_suite build-release --buildtype=release
run_suite build-sanitize --buildtype=debug -Db_sanitize=address,undefined -Db_lundef=false
# One closing line over both builds, counted from meson's test logs.
python3 - build-release/meson-logs/testlog.json build-sanitize/meson-logs/testlog.json <<'PY'
import json, sys
n = {"OK": 0, "FAIL": 0, "SKIP": 0}
for path in sys.argv[1:]:
    for line in open(path):
        r = json.loads(line).get("result", "FAIL")
        n["OK" if r == "OK" else "SKIP" if r == "SKIP" else "FAIL"] += 1
print("tests: %d passed, %d failed, %d skipped" % (n["OK"], n["FAIL"], n["SKIP"]))
PY
exit $status
