#!/usr/bin/env bash
# check-format.sh - fails when a C file differs from .clang-format (STYLE.md).
# usage: scripts/check-format.sh [--fix]
set -euo pipefail
cd "$(dirname "$0")/.."
cf=$(command -v clang-format-14 || command -v clang-format || true)
if [ -z "$cf" ]; then
    echo "check-format: clang-format not installed, skipped"
    exit 77
fi
mapfile -t files < <(find src dissectors detectors tests bench -name '*.[ch]' | sort)
if [ "${1:-}" = "--fix" ]; then
    "$cf" -i "${files[@]}"
    exit 0
fi
"$cf" --dry-run --Werror "${files[@]}"
echo "check-format: ${#files[@]} files formatted as .clang-format says"
