#!/usr/bin/env python3
"""test_workers.py - offline output does not depend on the worker count
(SPEC section 1; issue 7's acceptance: the same events for -w 1 and -w 2 on
every sample).

Every bundled sample (with its config, and with the built-in defaults) and,
when ../shared is there, every real capture runs with -w 1, -w 2 and -w 3;
the outputs must be the same events in the same order. The one allowance is
the stats gauges ending in _max (largest value one worker reached: see
docs/events.md). A multi-file run and a ring far smaller than the capture
(the capture thread must wait for the workers, never drop, offline) are
checked too, and a capture of thousands of alerts through 64-slot rings, as
are the CLI errors of -w, -i and --user.

usage: test_workers.py TOLLWATCH_BINARY
"""
import glob
import json
import os
import signal
import struct
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from twtest import SHARED, SOURCE, Checker, comparable, get, run  # noqa: E402

SAMPLE_CONFIGS = {
    "sccp_phones.pcap": "sccp_toll_fraud.yaml",
    "toll_fraud_calls.pcap": "toll_fraud.yaml",
}


def same_for_all_counts(c, binary, label, args, counts=(1, 2, 3)):
    runs = {w: run(binary, args + ["-w", str(w), "-q", "-o", "-"]) for w in counts}
    base = runs[counts[0]]
    ok = all(r.rc == base.rc and not r.bad_lines for r in runs.values())
    c.check(ok, "%s: same exit status, JSON lines only" % label,
            repr({w: (r.rc, r.stderr[-200:]) for w, r in runs.items()}))
    for w in counts[1:]:
        a, b = comparable(base.events), comparable(runs[w].events)
        detail = ""
        if a != b:
            i = next((i for i, (x, y) in enumerate(zip(a, b)) if x != y), min(len(a), len(b)))
            detail = "%d vs %d events; first difference at event %d: %r / %r" % (
                len(a), len(b), i, a[i] if i < len(a) else None, b[i] if i < len(b) else None)
        c.check(a == b, "%s: -w %d gives the events of -w %d (%d events)" %
                (label, w, counts[0], len(a)), detail[:600])
    return base


def pcap_records(path):
    """(file header, [records]) of a little-endian classic pcap file."""
    data = open(path, "rb").read()
    head, off, recs = data[:24], 24, []
    while off + 16 <= len(data):
        incl = struct.unpack("<I", data[off + 8:off + 12])[0]
        recs.append(data[off:off + 16 + incl])
        off += 16 + incl
    return head, recs


def check_reload_offline(c, binary, tmp, sample):
    """Half the capture, SIGHUP with another host name, the other half: the events of each
    half carry the name in force, and the reload neither hangs nor loses anything."""
    cfg = os.path.join(tmp, "reload.yaml")
    with open(cfg, "w") as fh:
        fh.write("host: before-hup\n")
    out, err = os.path.join(tmp, "reload.json"), os.path.join(tmp, "reload.err")
    head, recs = pcap_records(sample)
    half = len(recs) // 2
    with open(err, "w") as ferr:
        p = subprocess.Popen([binary, "-r", "-", "-w", "2", "-c", cfg, "-v", "-o", out],
                             stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=ferr)
    try:
        p.stdin.write(head + b"".join(recs[:half]))
        p.stdin.flush()
        deadline = time.monotonic() + 20
        first = []
        while time.monotonic() < deadline and len(first) < 1:
            time.sleep(0.05)
            first = [l for l in open(out) if '"alert"' in l] if os.path.exists(out) else []
        with open(cfg, "w") as fh:
            fh.write("host: after-hup\n")
        p.send_signal(signal.SIGHUP)
        time.sleep(0.2)
        p.stdin.write(b"".join(recs[half:]))
        p.stdin.close()
        rc = p.wait(timeout=30)
    except subprocess.TimeoutExpired:
        p.kill()
        rc = None
    text = open(err).read()
    c.check(rc == 0 and "reloaded" in text,
            "SIGHUP on -r - with 2 workers: reloaded, exit 0 (no hang)", "rc=%s %s" % (rc, text[-300:]))
    events = [json.loads(l) for l in open(out)] if os.path.exists(out) else []
    hosts = [e.get("host") for e in events]
    ref = run(binary, ["-r", sample, "-w", "1", "-q", "-o", "-"])
    c.check(first and "before-hup" in hosts and hosts[-1] == "after-hup" and
            hosts == sorted(hosts, key=lambda h: h == "after-hup"),
            "SIGHUP: events before it carry the old host name, after it the new one",
            repr(hosts))
    # A reload starts the detectors afresh (their dedup memory too): an alert the old
    # detectors had deduplicated may fire once more, none may go missing.
    def keys(evs):
        return {(e["src_ip"], e["dest_ip"], get(e, "snmp.community"), get(e, "snmp.version"))
                for e in evs if e.get("event_type") == "alert"}
    c.check(keys(ref.events) and keys(events) == keys(ref.events),
            "SIGHUP: the alerts of the capture are all there (%d distinct)" % len(keys(ref.events)),
            repr(keys(ref.events) ^ keys(events)))


def rewrite_pcap(src, dst, big_endian=False, nsec=False, snaplen=None):
    """src (little-endian, microseconds) rewritten in another byte order and/or with
    nanosecond timestamps, and optionally a smaller snaplen in the file header."""
    head, recs = pcap_records(src)
    magic, vmaj, vmin, zone, sigfigs, snap, lt = struct.unpack("<IHHiIII", head)
    e = ">" if big_endian else "<"
    out = [struct.pack(e + "IHHiIII", 0xa1b23c4d if nsec else 0xa1b2c3d4, vmaj, vmin, zone,
                       sigfigs, snaplen or snap, lt)]
    for r in recs:
        sec, usec, incl, orig = struct.unpack("<IIII", r[:16])
        out.append(struct.pack(e + "IIII", sec, usec * 1000 if nsec else usec, incl, orig))
        out.append(r[16:])
    with open(dst, "wb") as fh:
        fh.write(b"".join(out))


def check_mapped_reader(c, binary, tmp, samples):
    """Files are mapped and parsed by tollwatch (src/capture.c), stdin goes through libpcap:
    both must give the same events for every flavour of classic pcap."""
    def events(args, stdin_path=None):
        if stdin_path:
            with open(stdin_path, "rb") as fh:
                r = run(binary, args + ["-r", "-", "-q", "-o", "-"], stdin=fh.read())
        else:
            r = run(binary, args + ["-q", "-o", "-"])
        evs = comparable(r.events)
        for e in evs:
            e.pop("pcap_filename", None)
            if e.get("event_type") == "stats":
                e["stats"].get("output", {}).pop("bytes", None)
        return r.rc, evs, r.stderr
    src = os.path.join(SOURCE, "samples", "toll_fraud_calls.pcap")
    cfg = os.path.join(SOURCE, "samples", "toll_fraud.yaml")
    for label, kw in (("big-endian", {"big_endian": True}), ("nanosecond", {"nsec": True}),
                      ("big-endian nanosecond", {"big_endian": True, "nsec": True}),
                      ("snaplen 96", {"snaplen": 96})):
        path = os.path.join(tmp, "flavour.pcap")
        rewrite_pcap(src, path, **kw)
        a = events(["-c", cfg, "-r", path])
        b = events(["-c", cfg], stdin_path=path)
        c.check(a[0] == b[0] == 0 and a[1] == b[1] and len(a[1]) > 3,
                "%s pcap: mapped file = libpcap on stdin (%d events)" % (label, len(a[1])),
                "%r %r" % (a[2][-200:], b[2][-200:]))
    for path in samples:
        a = events(["-f", "tcp", "-r", path])
        b = events(["-f", "tcp"], stdin_path=path)
        c.check(a[1] == b[1], "%s -f tcp: mapped file = libpcap on stdin" % os.path.basename(path))
    # Cut short in a record, then in a record header: exit 1, the packets before it analysed.
    head, recs = pcap_records(src)
    whole = head + b"".join(recs[:20])
    for cut, what in ((len(whole) + 20, "in a frame"), (len(whole) + 7, "in a record header")):
        path = os.path.join(tmp, "cut.pcap")
        with open(path, "wb") as fh:
            fh.write((head + b"".join(recs))[:cut])
        a = events(["-r", path])
        b = events([], stdin_path=path)
        c.check(a[0] == b[0] == 1 and "cut short after packet 20" in a[2] and a[1] == b[1],
                "cut %s: exit 1, 'cut short after packet 20', as libpcap" % what,
                "%r / %r" % (a[2][-200:], b[2][-200:]))


def main():
    binary = sys.argv[1]
    c = Checker()
    samples = sorted(glob.glob(os.path.join(SOURCE, "samples", "*.pcap")))
    c.check(len(samples) >= 4, "the bundled samples are there", repr(samples))
    for path in samples:
        name = os.path.basename(path)
        base = same_for_all_counts(c, binary, name, ["-r", path])
        c.check(base.rc == 0 and base.events, "%s: exit 0, events" % name, base.stderr[-200:])
        if name in SAMPLE_CONFIGS:
            cfg = os.path.join(SOURCE, "samples", SAMPLE_CONFIGS[name])
            r = same_for_all_counts(c, binary, "%s with %s" % (name, SAMPLE_CONFIGS[name]),
                                    ["-c", cfg, "-r", path])
            c.check(any(e.get("event_type") == "alert" for e in r.events),
                    "%s with its config: alerts" % name)
    # Several files in one run: the source changes at the same point for every worker.
    same_for_all_counts(c, binary, "all samples in one run",
                        sum((["-r", p] for p in samples), []))

    # A ring of 16 slots and 1 MB: offline, a full ring waits, it never drops.
    tmp = tempfile.mkdtemp(prefix="tw-workers-")
    small = os.path.join(tmp, "small-ring.yaml")
    with open(small, "w") as fh:
        fh.write("capture:\n  ring_slots: 16\n  ring_mb: 1\n")
    big = os.path.join(SOURCE, "samples", "toll_fraud_calls.pcap")
    ref = run(binary, ["-r", big, "-w", "1", "-q", "-o", "-"])
    r = same_for_all_counts(c, binary, "toll_fraud_calls.pcap, 16-slot rings",
                            ["-c", small, "-r", big], counts=(2, 1))
    c.check(comparable(r.events)[:-1] == comparable(ref.events)[:-1],
            "16-slot rings: the events of the default rings")
    st = [e for e in r.events if e.get("event_type") == "stats"]
    c.check(st and get(st[-1], "stats.capture.ring_drops") == 0 and
            get(st[-1], "stats.drops.ring") == 0,
            "16-slot rings: 0 ring drops offline", repr(st[-1]["stats"].get("drops") if st else None))

    # Thousands of alerts through 64-slot rings: the merge order under constant back-pressure.
    # 700 copies stay below the detectors' per-worker dedup tables (4096 keys), whose
    # evictions would otherwise differ with the worker count (docs/architecture.md).
    many = os.path.join(tmp, "alerts.pcap")
    subprocess.run([sys.executable, os.path.join(SOURCE, "bench", "mkcapture.py"), many, "700"],
                   check=True, capture_output=True)
    tiny = os.path.join(tmp, "tiny-ring.yaml")
    with open(tiny, "w") as fh:
        fh.write("capture:\n  ring_slots: 64\n  ring_mb: 1\n")
    r = same_for_all_counts(c, binary, "bench/mkcapture.py 700, 64-slot rings",
                            ["-c", tiny, "-r", many])
    c.check(len(r.alerts()) > 2000, "bench/mkcapture.py 700: over 2000 alerts (%d)" %
            len(r.alerts()))

    # The real captures, when ../shared is there.
    pcaps = sorted(glob.glob(os.path.join(SHARED, "pcaps", "*.pcap*")))
    if not pcaps:
        c.skip("real captures: -w 1 = -w 2 = -w 3",
               "../shared/pcaps is not there (it is in CI, not in a user's clone)")
    for path in pcaps:
        same_for_all_counts(c, binary, os.path.basename(path), ["-r", path])

    # SIGHUP while reading a pipe, 2 workers: every worker switches at the same packet.
    check_reload_offline(c, binary, tmp, os.path.join(SOURCE, "samples",
                                                      "snmp_default_community.pcap"))

    check_mapped_reader(c, binary, tmp, samples)

    # -w on the command line.
    for bad in ("0", "-1", "x", "65", ""):
        r = run(binary, ["-r", samples[0], "-w", bad, "-o", "-"])
        c.check(r.rc == 2 and "-w" in r.stderr and not r.events,
                "-w '%s': usage error (exit 2) naming -w" % bad, "%d %r" % (r.rc, r.stderr[-200:]))
    # Live-capture usage errors: exit 2 with the reason, before any capture.
    for args, want in ((["-i", "tw-no-such-if0"], "tw-no-such-if0"),
                       (["-i", "lo", "--user", "tw-no-such-user"], "tw-no-such-user"),
                       (["-r", samples[0], "-i", "lo"], "-i"),
                       (["-r", samples[0], "--user", "nobody"], "--user"),
                       (["-i", "lo", "-f", "tcp port ("], "filter")):
        r = run(binary, args + ["-q", "-o", "-"])
        c.check(r.rc == 2 and want in r.stderr and not r.events,
                "%s: exit 2 naming %s" % (" ".join(args), want),
                "%d %r" % (r.rc, r.stderr[-200:]))
    r = run(binary, ["--help"])
    c.check(r.rc == 0 and "-w, --workers N" in r.stdout and "-i, --interface" in r.stdout,
            "--help lists -w and -i")
    return c.finish()


if __name__ == "__main__":
    sys.exit(main())
