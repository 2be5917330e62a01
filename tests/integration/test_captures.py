#!/usr/bin/env python3
"""test_captures.py - runs the tollwatch binary on captures and checks the events.

1. The project's own sample (samples/snmp_default_community.pcap) against its
   hand-written expected events (samples/*.expected.json).
2. The real captures in ../shared/pcaps against tshark's decoding
   (../shared/pcaps/expected/*.facts, made by oracle.sh): SNMP communities,
   versions and sender addresses; every capture runs cleanly. Skipped, with a
   message, when ../shared is absent (a user's clone).
3. Hostile input: garbage, a truncated capture, and broken packets.

usage: test_captures.py TOLLWATCH_BINARY
"""
import json
import os
import struct
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from twtest import SHARED, SOURCE, Checker, get, run  # noqa: E402


def load_communities():
    path = os.path.join(SOURCE, "signatures", "snmp-communities.txt")
    out = set()
    for line in open(path, encoding="utf-8"):
        line = line.split("#", 1)[0].strip()
        if line:
            out.add("" if line == "<empty>" else line)
    return out


def check_sample(c, binary):
    pcap = os.path.join(SOURCE, "samples", "snmp_default_community.pcap")
    exp = json.load(open(os.path.join(SOURCE, "samples", "snmp_default_community.expected.json")))
    r = run(binary, ["-r", pcap, "-o", "-"])
    c.check(r.rc == 0, "sample: exit status 0", "rc=%d stderr=%s" % (r.rc, r.stderr[-300:]))
    c.check(not r.bad_lines, "sample: every output line is JSON", repr(r.bad_lines[:2]))
    got = r.alerts()
    want = exp["alerts"]
    c.check(len(got) == len(want), "sample: %d alerts" % len(want),
            "got %d: %s" % (len(got), [(a["src_ip"], a["snmp"]["community"]) for a in got]))
    for i, (w, g) in enumerate(zip(want, got)):
        bad = {k: (v, get(g, k)) for k, v in w.items() if get(g, k) != v}
        c.check(not bad, "sample: alert %d (%s %s)" % (i, w.get("snmp.community"), w["src_ip"]),
                "want/got " + repr(bad))
    for a in got:
        c.check(isinstance(a.get("flow_id"), int) and 0 < a["flow_id"] < 2**53,
                "sample: flow_id is a 53-bit-safe integer", repr(a.get("flow_id")))
        break
    stats = r.of_type("stats")
    c.check(len(stats) >= 1, "sample: a stats event at exit")
    if stats:
        for k, v in exp["stats"].items():
            c.check(get(stats[-1]["stats"], k) == v, "sample: stats.%s == %r" % (k, v),
                    repr(get(stats[-1]["stats"], k)))
    c.check("packets" in r.stderr and "events:" in r.stderr, "sample: summary line on stderr",
            r.stderr[-200:])
    # Determinism: the same capture gives byte-identical events.
    r2 = run(binary, ["-r", pcap, "-o", "-"])
    c.check(r.stdout == r2.stdout, "sample: output is deterministic")


def oracle_facts(name):
    path = os.path.join(SHARED, "pcaps", "expected", name + ".facts")
    facts = []
    for line in open(path, encoding="utf-8"):
        facts.append(line.split())
    return facts


def unquote(tok):
    from urllib.parse import unquote as uq
    return "" if tok == "<empty>" else uq(tok)


def check_shared(c, binary):
    pdir = os.path.join(SHARED, "pcaps")
    if not os.path.isdir(pdir):
        c.skip("shared captures", "%s not found (it exists in CI, not in a user's clone)" % pdir)
        return
    weak = load_communities()
    files = sorted(f for f in os.listdir(pdir) if f.endswith((".pcap", ".pcapng")))
    for f in files:
        r = run(binary, ["-r", os.path.join(pdir, f), "-o", "-", "-q"])
        c.check(r.rc == 0, "%s: exit 0" % f, "rc=%d %s" % (r.rc, r.stderr[-300:]))
        c.check(not r.bad_lines and len(r.of_type("stats")) >= 1,
                "%s: JSON lines and a final stats event" % f)
        if not f.startswith("snmp_"):
            c.check(not r.alerts("snmp_default_community"), "%s: no SNMP alert" % f)
            continue
        facts = oracle_facts(f)
        # (community, version) -> set of sender IPs, as tshark decodes them
        senders = {}
        for p in facts:
            if p[0] == "snmp.community":
                senders.setdefault((unquote(p[1]), p[2]), set()).add(p[3])
        want = {k for k in senders if k[0] in weak}
        got = {}
        for a in r.alerts("snmp_default_community"):
            s = a["snmp"]
            v = {"1": "v1", "2c": "v2c"}.get(s["version"], s["version"])
            got.setdefault((s["community"], v), set()).add(a["src_ip"])
        c.check(set(got) == want, "%s: alerted (community, version) pairs equal tshark's weak ones"
                % f, "want %s got %s" % (sorted(want), sorted(got)))
        for k, ips in got.items():
            c.check(ips <= senders.get(k, set()),
                    "%s: alert senders for %s are tshark's senders" % (f, k[0] or "<empty>"),
                    "%s vs %s" % (sorted(ips), sorted(senders.get(k, set()))))
        strong = {k for k in senders if k[0] not in weak}
        for k in strong:
            c.check(k not in got, "%s: no alert for non-dictionary community %r" % (f, k[0]))
        # Every message tshark shows is counted by our dissector (none rejected).
        st = r.of_type("stats")[-1]["stats"]["app_layer"]["snmp"]
        c.check(st["malformed"] == 0 and st["not_mine"] == 0,
                "%s: SNMP dissector accepted every message" % f, repr(st))


def pcap_header(linktype=1):
    return struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, linktype)


def record(ts, frame, wirelen=None):
    return struct.pack("<IIII", ts, 0, len(frame), wirelen or len(frame)) + frame


def check_hostile(c, binary):
    tmp = tempfile.mkdtemp(prefix="tw-hostile-")
    garbage = os.path.join(tmp, "garbage.pcap")
    with open(garbage, "wb") as fh:
        fh.write(bytes((i * 37 + 11) & 0xFF for i in range(4096)))
    r = run(binary, ["-r", garbage, "-o", "-"])
    c.check(r.rc == 1 and "garbage.pcap" in r.stderr, "garbage file: exit 1 naming the file",
            "rc=%d %s" % (r.rc, r.stderr))

    sample = open(os.path.join(SOURCE, "samples", "snmp_default_community.pcap"), "rb").read()
    cut = os.path.join(tmp, "cut.pcap")
    with open(cut, "wb") as fh:
        fh.write(sample[: len(sample) - 30])  # the last record loses its tail
    r = run(binary, ["-r", cut, "-o", "-"])
    c.check(r.rc == 1 and "cut.pcap" in r.stderr and "cut short after packet 12" in r.stderr,
            "truncated capture: exit 1 naming file and packet", r.stderr)
    c.check(len(r.alerts()) == 6 and len(r.of_type("stats")) == 1,
            "truncated capture: events before the cut are kept, stats at exit",
            "%d alerts" % len(r.alerts()))

    # Broken frames: every one must be counted and skipped, none may crash.
    eth = b"\x00\x11\x22\x33\x44\x55\x00\x66\x77\x88\x99\xaa"
    frames = [
        eth + b"\x08\x00" + b"\x45\x00",                      # truncated IPv4
        eth + b"\x08\x00" + b"\x4f" + b"\x00" * 19,           # IHL beyond the data
        eth + b"\x08\x00" + b"\x45\x00\x00\x14" + b"\x00" * 5 + b"\x06" + b"\x00" * 10,  # TCP missing
        eth + b"\x86\xdd" + b"\x60" + b"\x00" * 10,           # truncated IPv6
        eth + b"\x81\x00",                                     # truncated VLAN
        eth[:6],                                               # truncated Ethernet
        eth + b"\x08\x00" + b"\x35" + b"\x00" * 30,           # IP version 3
    ]
    bad = os.path.join(tmp, "broken.pcap")
    with open(bad, "wb") as fh:
        fh.write(pcap_header() + b"".join(record(1795000000 + i, f) for i, f in enumerate(frames)))
    r = run(binary, ["-r", bad, "-o", "-", "-v"])
    st = r.of_type("stats")
    c.check(r.rc == 0, "broken packets: exit 0", "rc=%d %s" % (r.rc, r.stderr[-300:]))
    c.check(bool(st) and st[-1]["stats"]["decoder"]["errors_total"] == len(frames),
            "broken packets: %d decode errors counted" % len(frames),
            repr(st[-1]["stats"]["decoder"] if st else None))
    c.check("broken.pcap: packet 1: truncated_ip4" in r.stderr,
            "broken packets: -v names file, packet and reason", r.stderr[:300])

    unsupported = os.path.join(tmp, "linktype.pcap")
    with open(unsupported, "wb") as fh:
        fh.write(pcap_header(linktype=147) + record(1795000000, b"\x00" * 20))
    r = run(binary, ["-r", unsupported, "-o", "-"])
    c.check(r.rc == 1 and "unsupported link type 147" in r.stderr,
            "unsupported link type: exit 1 with the reason", r.stderr)


def check_udp_reprobe_and_times(c, binary):
    """A non-SNMP datagram first must not blind the flow; events keep their own packet time."""
    sys.path.insert(0, os.path.join(SOURCE, "samples"))
    import gen_samples as g
    tmp = tempfile.mkdtemp(prefix="tw-udp-")
    get = g.snmp_v1v2(1, "public", g.pdu(0, 7, "1.3.6.1.2.1.1.5.0"))
    frames = [(g.BASE + 10, g.udp4("10.5.5.5", 50000, "10.5.5.1", 161, b"hello, not BER")),
              (g.BASE + 11, g.udp4("10.5.5.5", 50000, "10.5.5.1", 161, get)),
              (g.BASE + 5, g.udp4("10.5.5.6", 50001, "10.5.5.1", 161, get))]  # older packet last
    path = os.path.join(tmp, "reprobe.pcap")
    g.write_pcap(path, frames)
    r = run(binary, ["-r", path, "-o", "-"])
    al = r.alerts("snmp_default_community")
    c.check(len(al) == 2 and al[0]["src_port"] == 50000,
            "UDP: SNMP after a non-SNMP datagram on the same flow is still analysed",
            "%d alerts" % len(al))
    # A DNS answer to a resolver's random port 1719 is not H.225 RAS.
    dns = bytes.fromhex("123481800001000100000000") + b"\x07example\x03com\x00\x00\x01\x00\x01"
    path2 = os.path.join(tmp, "dns1719.pcap")
    g.write_pcap(path2, [(g.BASE + 1, g.udp4("10.5.5.9", 1719, "9.9.9.9", 53, dns[:12] + dns[12:])),
                         (g.BASE + 2, g.udp4("9.9.9.9", 53, "10.5.5.9", 1719, dns))])
    r2 = run(binary, ["-r", path2, "-o", "-"])
    st = r2.of_type("stats")[-1]["stats"]["app_layer"]
    c.check(not r2.of_type("anomaly") and st["h225ras"]["flows"] == 0,
            "a DNS flow on a client port 1719 is not taken for H.225 RAS", repr(st.get("h225ras")))
    c.check([a["timestamp"] for a in al] == ["2026-11-18T11:06:51.000000+0000",
                                             "2026-11-18T11:06:45.000000+0000"],
            "events carry their own packet time, even out of order",
            repr([a["timestamp"] for a in al]))


def main(argv):
    if len(argv) != 2:
        print(__doc__)
        return 2
    c = Checker()
    check_sample(c, argv[1])
    check_hostile(c, argv[1])
    check_udp_reprobe_and_times(c, argv[1])
    check_shared(c, argv[1])
    return c.finish()


if __name__ == "__main__":
    sys.exit(main(sys.argv))
