#!/usr/bin/env python3
"""test_fraud.py - runs the tollwatch binary on the toll-fraud sample and checks the events.

samples/toll_fraud_calls.pcap (made by samples/gen_samples.py: nine H.225.0 calls and one SCCP
call between Wednesday 2026-11-18 and Christmas Day, New York time) with
samples/toll_fraud.yaml (patterns samples/toll_fraud_after_hours.conf: the guide's 24 block
patterns, .1900 marked 7-24, nights from Wednesday 19:00 to Thursday 07:00, Saturdays,
Dec 25; timezone America/New_York):

1. against the hand-written samples/toll_fraud_calls.expected.json: the exact ordered list of
   alert, registration and call events (toll_fraud_pattern and high_risk_destination alerts
   with their call objects, one call event per call), nothing else but stats; the final
   stats; the same output again and with 3 workers;
2. the same policy without any 'after-hours day|date' line: the schedule is never active,
   so toll_fraud_pattern fires only for the 7-24 pattern (after_hours false), while the
   high_risk_destination alerts and the call events are unchanged;
3. the same policy read in UTC instead of New York: the Thursday 06:50 (11:50Z) call is then
   outside Wednesday's night window; every other alert stays;
4. --check-config accepts the sample config.
No run may crash (exit status 0, no sanitizer report).

usage: test_fraud.py TOLLWATCH_BINARY
"""
import json
import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from twtest import SOURCE, Checker, get, run  # noqa: E402

LOGGED = ("alert", "registration", "call")
SAMPLES = os.path.join(SOURCE, "samples")
SAMPLE = os.path.join(SAMPLES, "toll_fraud_calls.pcap")
SAMPLE_CFG = os.path.join(SAMPLES, "toll_fraud.yaml")
PATTERNS = os.path.join(SAMPLES, "toll_fraud_after_hours.conf")
HIGH_RISK = os.path.join(SOURCE, "signatures", "high-risk-destinations.txt")
EXPECTED = os.path.join(SAMPLES, "toll_fraud_calls.expected.json")
SANITIZER_MARKS = ("AddressSanitizer", "LeakSanitizer", "runtime error:", "Segmentation fault")


def logged(r):
    return [e for e in r.events if e.get("event_type") in LOGGED]


def ordered(events):
    """Alerts raised by one message (same timestamp and flow) in signature_id order: the
    order of detectors in the table is not part of the contract."""
    out = list(events)
    i = 0
    while i < len(out):
        j = i
        key = (out[i].get("event_type"), out[i].get("timestamp"), out[i].get("src_ip"),
               out[i].get("src_port"))
        while j < len(out) and key[0] == "alert" and (
                out[j].get("event_type"), out[j].get("timestamp"), out[j].get("src_ip"),
                out[j].get("src_port")) == key:
            j += 1
        if j > i + 1:
            out[i:j] = sorted(out[i:j], key=lambda e: get(e, "alert.signature_id") or 0)
            i = j
        else:
            i += 1
    return out


def flat(e, key):
    """get() on a full event or a dotted-key expectation."""
    if key in e:
        return e[key]
    return get(e, key)


def brief(e):
    """A one-line summary of an event for failure messages."""
    t = e.get("event_type")
    if t == "alert":
        detail = flat(e, "call.pattern")
        if detail is KeyError:
            detail = flat(e, "call.e164")
        what = "%s %s" % (flat(e, "alert.detector"), detail)
    elif t == "registration":
        what = "%s %s" % (flat(e, "sccp.action"), flat(e, "sccp.device_name"))
    else:
        what = "%s -> %s" % (flat(e, "call.calling_number"), flat(e, "call.called_number"))
    return "%s %s %s %s" % (e.get("timestamp"), t, what, e.get("src_ip"))


def no_crash(c, r, what):
    marks = [m for m in SANITIZER_MARKS if m in r.stderr]
    c.check(r.rc == 0 and not marks, "%s: exit 0, no crash" % what,
            "rc=%d %s stderr=%s" % (r.rc, marks, r.stderr[-400:]))
    c.check(not r.bad_lines, "%s: every output line is JSON" % what, repr(r.bad_lines[:2]))


def write_config(tmp, name, patterns_text, timezone="America/New_York", extra=""):
    """The sample config with absolute paths, the given patterns file and time zone."""
    pfile = os.path.join(tmp, name + ".conf")
    with open(pfile, "w") as fh:
        fh.write(patterns_text)
    text = open(SAMPLE_CFG).read()
    lines = []
    seen = set()
    for line in text.splitlines():
        key = line.strip().split(":", 1)[0]
        if key == "patterns_file":
            line = "  patterns_file: %s" % json.dumps(pfile)
        elif key == "high_risk_file":
            line = "  high_risk_file: %s" % json.dumps(HIGH_RISK)
        elif key == "timezone":
            line = "  timezone: %s" % timezone
        else:
            key = None
        if key:
            seen.add(key)
        lines.append(line)
    assert seen == {"patterns_file", "high_risk_file", "timezone"}, seen
    cfg = os.path.join(tmp, name + ".yaml")
    with open(cfg, "w") as fh:
        fh.write("\n".join(lines) + "\n" + extra)
    return cfg


def alert_keys(alerts):
    return [(a.get("timestamp"), a.get("src_ip"), get(a, "call.called_number"),
             get(a, "call.pattern"), get(a, "call.after_hours")) for a in alerts]


def check_sample(c, binary, exp):
    r = run(binary, ["-c", SAMPLE_CFG, "-r", SAMPLE, "-o", "-"])
    no_crash(c, r, "sample")
    got = ordered(logged(r))
    want = exp["events"]
    c.check(len(got) == len(want), "sample: %d alert/registration/call events" % len(want),
            "got %d:\n  %s" % (len(got), "\n  ".join(brief(e) for e in got)))
    if len(got) == len(want):
        for i, (w, g) in enumerate(zip(want, got)):
            bad = {k: (v, get(g, k)) for k, v in w.items() if get(g, k) != v}
            c.check(not bad, "sample: event %d (%s)" % (i, brief(w)), "want/got " + repr(bad))
    else:
        got_b, want_b = [brief(e) for e in got], [brief(w) for w in want]
        c.check(False, "sample: the expected events",
                "missing:\n  %s\nunexpected:\n  %s" % (
                    "\n  ".join(b for b in want_b if b not in got_b) or "-",
                    "\n  ".join(b for b in got_b if b not in want_b) or "-"))
    others = {e.get("event_type") for e in r.events} - set(LOGGED) - {"stats"}
    c.check(not others, "sample: no other event types", repr(sorted(others)))

    # The scenario, counted: no alert but the expected ones, one call event per call.
    want_alerts = [w for w in want if w["event_type"] == "alert"]
    for det, n in (("toll_fraud_pattern", 5), ("high_risk_destination", 8)):
        c.check(len(r.alerts(det)) == n == len([w for w in want_alerts
                                                if w["alert.detector"] == det]),
                "sample: %d %s alerts" % (n, det), repr([brief(a) for a in r.alerts(det)]))
    c.check(len(r.alerts()) == len(want_alerts), "sample: no other alert",
            repr([brief(a) for a in r.alerts()]))
    calls = r.of_type("call")
    protos = sorted(get(e, "call.protocol") for e in calls)
    c.check(protos == ["h225"] * 9 + ["sccp"], "sample: 9 h225 and 1 sccp call events",
            repr(protos))
    called = [get(e, "call.called_number") for e in calls]
    c.check(len(set(called)) == len(called) == 10, "sample: one call event per call",
            repr(called))

    stats = r.of_type("stats")
    c.check(len(stats) >= 1, "sample: a stats event at exit")
    if stats:
        st = stats[-1]["stats"]
        for k, v in exp["stats"].items():
            c.check(get(st, k) == v, "sample: stats.%s == %r" % (k, v), repr(get(st, k)))
        bad = {k: v for k, v in st.get("app_layer", {}).items()
               if isinstance(v, dict) and (v.get("malformed") or v.get("not_mine"))}
        c.check(not bad, "sample: no dissector rejected a message", repr(bad))

    # Determinism, whatever the worker count.
    tmp = tempfile.mkdtemp(prefix="tw-fraud-")
    cfg3 = write_config(tmp, "workers3", open(PATTERNS).read(),
                        extra="capture:\n  workers: 3\n")
    r2 = run(binary, ["-c", cfg3, "-r", SAMPLE, "-o", "-"])
    r3 = run(binary, ["-c", SAMPLE_CFG, "-r", SAMPLE, "-o", "-"])
    no_crash(c, r2, "sample, 3 workers")
    c.check(r.stdout == r2.stdout == r3.stdout,
            "sample: output is deterministic (again, and with 3 workers)")
    return r


def check_no_schedule(c, binary, exp, base):
    """Without 'after-hours day|date' lines only the 7-24 pattern fires."""
    lines = open(PATTERNS).read().splitlines()
    kept = [ln for ln in lines if not ln.strip().startswith(("after-hours day",
                                                            "after-hours date"))]
    c.check(len(lines) - len(kept) == 3, "no schedule: the three day/date lines removed",
            "%d removed" % (len(lines) - len(kept)))
    c.check(any(ln.split("#")[0].split()[-1:] == ["7-24"] for ln in kept
                if ln.startswith("after-hours block pattern")),
            "no schedule: the patterns file keeps its 7-24 pattern")
    tmp = tempfile.mkdtemp(prefix="tw-fraud-")
    cfg = write_config(tmp, "nosched", "\n".join(kept) + "\n")
    r = run(binary, ["-c", cfg, "-r", SAMPLE, "-o", "-"])
    no_crash(c, r, "no schedule")
    tfp = r.alerts("toll_fraud_pattern")
    want = exp["no_schedule"]
    c.check(len(tfp) == len(want), "no schedule: %d toll_fraud_pattern alerts" % len(want),
            repr([brief(a) for a in tfp]))
    for i, w in enumerate(want):
        g = tfp[i] if i < len(tfp) else {}
        bad = {k: (v, get(g, k)) for k, v in w.items() if get(g, k) != v}
        c.check(not bad, "no schedule: alert %d (%s %s, 7-24)" % (
            i, w["call.called_number"], w["call.pattern"]), "want/got " + repr(bad))
    c.check(all(get(a, "call.pattern") == ".1900" for a in tfp),
            "no schedule: only the 7-24 pattern fires", repr(alert_keys(tfp)))
    hrd = [(a["timestamp"], a["src_ip"], get(a, "call.e164"))
           for a in r.alerts("high_risk_destination")]
    hrd0 = [(a["timestamp"], a["src_ip"], get(a, "call.e164"))
            for a in base.alerts("high_risk_destination")]
    c.check(hrd == hrd0 and len(hrd) == 8,
            "no schedule: high_risk_destination alerts unchanged (at any hour)",
            "%r vs %r" % (hrd, hrd0))
    c.check(r.of_type("call") == base.of_type("call"), "no schedule: call events unchanged")
    c.check(len(r.alerts()) == len(want) + 8, "no schedule: no other alert",
            repr([brief(a) for a in r.alerts()]))


def check_timezone(c, binary, exp, base):
    """The same schedule in UTC: Thursday 11:50Z is past Wednesday's 19:00-07:00 window."""
    tmp = tempfile.mkdtemp(prefix="tw-fraud-")
    cfg = write_config(tmp, "utc", open(PATTERNS).read(), timezone="UTC")
    r = run(binary, ["-c", cfg, "-r", SAMPLE, "-o", "-"])
    no_crash(c, r, "timezone UTC")
    got = [(a["timestamp"], get(a, "call.called_number")) for a in r.alerts("toll_fraud_pattern")]
    want = [(w["timestamp"], w["call.called_number"]) for w in exp["events"]
            if w.get("alert.detector") == "toll_fraud_pattern"
            and w["call.called_number"] != "918765550142"]
    c.check(got == want and len(want) == 4,
            "timezone UTC: toll_fraud_pattern for every call but Thursday 11:50Z",
            "want %r got %r" % (want, got))
    c.check(len(r.alerts("high_risk_destination")) == 8,
            "timezone UTC: high_risk_destination unchanged")


def check_config(c, binary):
    r = run(binary, ["--check-config", "-c", SAMPLE_CFG])
    marks = [m for m in SANITIZER_MARKS if m in r.stderr]
    c.check(r.rc == 0 and not marks, "--check-config accepts samples/toll_fraud.yaml",
            "rc=%d %s" % (r.rc, (r.stderr or r.stdout)[-400:]))


def main(argv):
    if len(argv) != 2:
        print(__doc__)
        return 2
    c = Checker()
    exp = json.load(open(EXPECTED))
    base = check_sample(c, argv[1], exp)
    check_no_schedule(c, argv[1], exp, base)
    check_timezone(c, argv[1], exp, base)
    check_config(c, argv[1])
    return c.finish()


if __name__ == "__main__":
    sys.exit(main(sys.argv))
