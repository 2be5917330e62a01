"""twtest.py - shared helpers for tollwatch's integration tests (standard library only).

Each test script prints one line per check and ends with the plain closing
line 'N passed, N failed[, N skipped]'; exit status 0 only when nothing failed.
"""
import json
import os
import subprocess
import sys

SOURCE = os.environ.get("TW_SOURCE_DIR") or os.path.abspath(
    os.path.join(os.path.dirname(__file__), "..", ".."))
SHARED = os.environ.get("TW_SHARED_DIR") or os.path.join(SOURCE, "..", "shared")


class Run:
    def __init__(self, rc, stdout, stderr):
        self.rc, self.stdout, self.stderr = rc, stdout, stderr
        self.events = []
        self.bad_lines = []
        for line in stdout.splitlines():
            if not line.strip():
                continue
            try:
                self.events.append(json.loads(line))
            except ValueError:
                self.bad_lines.append(line)

    def of_type(self, t):
        return [e for e in self.events if e.get("event_type") == t]

    def alerts(self, detector=None):
        return [e for e in self.of_type("alert")
                if detector is None or e["alert"]["detector"] == detector]


def run(binary, args, stdin=None, timeout=120):
    p = subprocess.run([binary] + args, input=stdin, capture_output=True, timeout=timeout)
    return Run(p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace"))


def _drop_max(o):
    if isinstance(o, dict):
        return {k: _drop_max(v) for k, v in o.items() if not k.endswith("_max")}
    return o


def comparable(events):
    """The events with the stats gauges ending in _max left out: those are the
    largest value any one worker reached, so they depend on the worker count
    (docs/events.md), and so does stats.output.bytes, which counts the digits
    of earlier stats events; everything else must not."""
    out = []
    for e in events:
        if e.get("event_type") == "stats":
            e = _drop_max(e)
            e.get("stats", {}).get("output", {}).pop("bytes", None)
        out.append(e)
    return out


def get(ev, dotted):
    cur = ev
    for part in dotted.split("."):
        if not isinstance(cur, dict) or part not in cur:
            return KeyError
        cur = cur[part]
    return cur


class Checker:
    def __init__(self):
        self.passed = self.failed = self.skipped = 0

    def check(self, cond, what, detail=""):
        if cond:
            self.passed += 1
            print("ok   " + what)
        else:
            self.failed += 1
            print("FAIL " + what + (": " + detail if detail else ""))
        return cond

    def skip(self, what, why):
        self.skipped += 1
        print("skip " + what + ": " + why)

    def finish(self):
        line = "%d passed, %d failed" % (self.passed, self.failed)
        if self.skipped:
            line += ", %d skipped" % self.skipped
        print(line)
        if self.failed:
            return 1
        if self.passed == 0 and self.skipped:
            return 77  # meson: skipped
        return 0
