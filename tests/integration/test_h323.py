#!/usr/bin/env python3
"""test_h323.py - H.323 (H.225.0 call signalling and RAS) end to end.

For every h323_*.pcap / *.pcapng in ../shared/pcaps, tollwatch's `call`
events with call.protocol "h225" are compared with tshark's Q.931 Setups
(../shared/pcaps/expected/<capture>.facts, made by oracle.sh: lines
`call h225 <called> <calling>`, percent-encoded, `-` for absent and
`<empty>` for present but empty; both count as no number here, as a
missing or empty key). The facts are de-duplicated, so the check is: every
fact has a call event and every call event is a fact. The h225 and h225ras
dissectors must also read every message of those captures without a
malformed or not-mine result.

Skipped, with a message, when ../shared is absent (a user's clone) or
when the binary has no h225 dissector registered.

usage: test_h323.py TOLLWATCH_BINARY
"""
import glob
import os
import sys
from urllib.parse import unquote

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from twtest import SHARED, Checker, get, run  # noqa: E402


def fact_value(tok):
    return "" if tok in ("-", "<empty>") else unquote(tok)


def load_facts(path):
    calls, ras = [], []
    for line in open(path, encoding="utf-8"):
        f = line.split()
        if len(f) == 4 and f[0] == "call" and f[1] == "h225":
            calls.append((fact_value(f[2]), fact_value(f[3])))
        elif f and f[0] == "ras":
            ras.append(f[1:])
    return calls, ras


def event_value(ev, key):
    v = get(ev, "call." + key)
    return "" if v is KeyError or v is None else v


def app_layer(r, name):
    stats = r.of_type("stats")
    if not stats:
        return None
    v = get(stats[-1], "stats.app_layer." + name)
    return None if v is KeyError else v


def check_capture(c, binary, pcap):
    name = os.path.basename(pcap)
    facts_path = os.path.join(SHARED, "pcaps", "expected", name + ".facts")
    if not os.path.exists(facts_path):
        c.skip(name, "no tshark facts file")
        return
    want, ras = load_facts(facts_path)
    r = run(binary, ["-r", pcap, "-o", "-"])
    c.check(r.rc == 0, "%s: exit status 0" % name, "rc=%d %s" % (r.rc, r.stderr[-300:]))
    c.check(not r.bad_lines, "%s: every output line is JSON" % name, repr(r.bad_lines[:2]))
    h225 = app_layer(r, "h225")
    if h225 is None:
        c.skip(name, "the h225 dissector is not registered in this binary")
        return

    calls = [e for e in r.of_type("call") if get(e, "call.protocol") == "h225"]
    got = [(event_value(e, "called_number"), event_value(e, "calling_number")) for e in calls]
    for w in sorted(set(want)):
        c.check(w in got, "%s: call h225 called=%r calling=%r" % (name, w[0], w[1]),
                "call events: %r" % got)
    for g in got:
        c.check(g in want, "%s: call event called=%r calling=%r is a tshark Setup" % (name, g[0], g[1]),
                "facts: %r" % want)
    c.check(len(got) >= len(set(want)), "%s: at least one call event per distinct Setup" % name,
            "%d events, %d facts" % (len(got), len(set(want))))
    for e in calls:
        c.check(e.get("app_proto") == "h225", "%s: call event app_proto h225" % name,
                repr(e.get("app_proto")))
        break

    c.check(h225.get("calls", 0) > 0, "%s: the h225 dissector ran" % name, repr(h225))
    c.check(h225.get("malformed", 0) == 0 and h225.get("not_mine", 0) == 0,
            "%s: h225 read every message" % name, repr(h225))
    anomalies = [e for e in r.of_type("anomaly") if e.get("app_proto") in ("h225", "h225ras")]
    c.check(not anomalies, "%s: no H.225 anomaly events" % name, repr(anomalies[:2]))
    if ras:
        h225ras = app_layer(r, "h225ras")
        if h225ras is None:
            c.skip(name + " RAS", "the h225ras dissector is not registered in this binary")
        else:
            c.check(h225ras.get("calls", 0) > 0 and h225ras.get("malformed", 0) == 0,
                    "%s: h225ras read every datagram" % name, repr(h225ras))


def main():
    if len(sys.argv) != 2:
        print("usage: test_h323.py TOLLWATCH_BINARY", file=sys.stderr)
        return 2
    binary = sys.argv[1]
    c = Checker()
    pdir = os.path.join(SHARED, "pcaps")
    pcaps = sorted(glob.glob(os.path.join(pdir, "h323_*.pcap")) +
                   glob.glob(os.path.join(pdir, "h323_*.pcapng")))
    if not pcaps:
        c.skip("shared captures", "no h323_*.pcap* in %s" % pdir)
    for p in pcaps:
        check_capture(c, binary, p)
    return c.finish()


if __name__ == "__main__":
    sys.exit(main())
