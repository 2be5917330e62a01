#!/usr/bin/env python3
"""test_cli.py - the command-line contract (SPEC section 1) as a user meets it.

usage: test_cli.py TOLLWATCH_BINARY
"""
import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from twtest import SOURCE, Checker, run  # noqa: E402

SAMPLE = os.path.join(SOURCE, "samples", "snmp_default_community.pcap")


def write(tmp, name, text):
    path = os.path.join(tmp, name)
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(text)
    return path


def split_pcap(tmp, path, n):
    """Writes the first n records of path and the rest as two pcap files."""
    import struct
    data = open(path, "rb").read()
    head, off, recs = data[:24], 24, []
    while off < len(data):
        incl = struct.unpack("<I", data[off + 8:off + 12])[0]
        recs.append(data[off:off + 16 + incl])
        off += 16 + incl
    a, b = os.path.join(tmp, "part1.pcap"), os.path.join(tmp, "part2.pcap")
    open(a, "wb").write(head + b"".join(recs[:n]))
    open(b, "wb").write(head + b"".join(recs[n:]))
    return a, b


def main(argv):
    b = argv[1]
    c = Checker()
    tmp = tempfile.mkdtemp(prefix="tw-cli-")

    r = run(b, ["--help"])
    c.check(r.rc == 0 and "-r, --read FILE" in r.stdout and "--check-config" in r.stdout,
            "--help: exit 0, lists the options")
    r = run(b, ["-V"])
    c.check(r.rc == 0 and r.stdout.startswith("tollwatch "), "-V prints the version")
    r = run(b, ["--bogus"])
    c.check(r.rc == 2 and "unknown option '--bogus'" in r.stderr, "unknown option: exit 2")
    r = run(b, ["-r"])
    c.check(r.rc == 2 and "needs an argument" in r.stderr, "-r without file: exit 2")
    r = run(b, [])
    c.check(r.rc == 2 and "nothing to read" in r.stderr, "no input: exit 2")
    r = run(b, ["-r", os.path.join(tmp, "missing.pcap")])
    c.check(r.rc == 1 and "missing.pcap" in r.stderr, "missing capture: exit 1 naming it",
            r.stderr)

    # Configuration errors name file and line, exit 2.
    cfg = write(tmp, "unknown.yaml", "networks:\n  lan: [10.0.0.0/8]\n  lna: []\n")
    r = run(b, ["-c", cfg, "-r", SAMPLE])
    c.check(r.rc == 2 and "unknown.yaml:3:" in r.stderr and "lna" in r.stderr,
            "unknown key: exit 2 with file:line", r.stderr)
    cfg = write(tmp, "prefix.yaml", "# sensor\nnetworks:\n  lan: [10.0.0/8]\n")
    r = run(b, ["-c", cfg, "--check-config"])
    c.check(r.rc == 2 and "prefix.yaml:3:" in r.stderr and "10.0.0/8" in r.stderr,
            "bad prefix: exit 2 with file:line", r.stderr)
    cfg = write(tmp, "type.yaml", "stats:\n  interval: often\n")
    r = run(b, ["-c", cfg, "--check-config"])
    c.check(r.rc == 2 and "type.yaml:2:" in r.stderr, "wrong type: exit 2 with file:line",
            r.stderr)
    r = run(b, ["-c", os.path.join(tmp, "nope.yaml"), "--check-config"])
    c.check(r.rc == 2 and "nope.yaml" in r.stderr, "missing config: exit 2 naming it", r.stderr)

    # Signatures are validated by --check-config: a broken dictionary path fails.
    cfg = write(tmp, "sig.yaml", "snmp:\n  communities_file: no-such-file.txt\n")
    r = run(b, ["-c", cfg, "--check-config"])
    c.check(r.rc == 2 and "no-such-file.txt" in r.stderr,
            "missing signature file: exit 2 naming it (relative to the config)", r.stderr)

    cfg = write(tmp, "tz.yaml", "fraud:\n  timezone: Mars/Olympus\n")
    r = run(b, ["-c", cfg, "--check-config"])
    c.check(r.rc == 2 and "tz.yaml:2: fraud.timezone:" in r.stderr,
            "unknown time zone: exit 2 with file:line", r.stderr)
    cfg = write(tmp, "nofraud.yaml", "fraud:\n  patterns_file: \"\"\n  high_risk_file: \"\"\n")
    r = run(b, ["-c", cfg, "--check-config"])
    c.check(r.rc == 0 and "toll_fraud_pattern, sid: 9100005, enabled: false" in r.stdout,
            "empty fraud files: detectors shown disabled, config OK", r.stderr)

    r = run(b, ["--check-config"])
    c.check(r.rc == 0 and "networks:" in r.stdout and "snmp_default_community" in r.stdout,
            "--check-config prints the policy and detectors", r.stderr)

    good = write(tmp, "good.yaml", "networks:\n  lan: [10.0.0.0/8, 2001:db8::/32]\n"
                 "stats:\n  interval: 0\n")
    r = run(b, ["-c", good, "-r", SAMPLE, "-o", "-"])
    c.check(r.rc == 0 and len(r.alerts()) == 7, "a valid config runs", r.stderr)

    # Outputs.
    out = os.path.join(tmp, "eve.json")
    r = run(b, ["-r", SAMPLE, "-o", out, "-q"])
    lines = open(out, encoding="utf-8").read().splitlines() if os.path.exists(out) else []
    c.check(r.rc == 0 and r.stdout == "" and r.stderr == "" and len(lines) >= 8,
            "-o FILE writes events there; -q keeps stderr quiet", r.stderr)
    r = run(b, ["-r", SAMPLE, "-o", "-"])
    c.check("\r" not in r.stderr, "no progress output when stderr is not a terminal")
    # On a terminal, progress (bytes of total, packets/s, events) goes to stderr.
    import pty
    import subprocess
    master, slave = pty.openpty()
    p = subprocess.Popen([b, "-r", SAMPLE, "-o", os.devnull], stdout=subprocess.DEVNULL,
                         stderr=slave)
    os.close(slave)
    p.wait(timeout=60)
    chunks = []
    while True:
        try:
            data = os.read(master, 4096)
        except OSError:
            break
        if not data:
            break
        chunks.append(data)
    os.close(master)
    tty = b"".join(chunks).decode("utf-8", "replace")
    c.check("packets/s" in tty and "events" in tty and "snmp_default_community.pcap" in tty,
            "progress on stderr when it is a terminal", repr(tty[:200]))

    # Several files in order, and stdin.
    first, second = split_pcap(tmp, SAMPLE, 7)
    r = run(b, ["-r", first, "-r", second, "-o", "-"])
    whole = run(b, ["-r", SAMPLE, "-o", "-"])
    strip = [dict(a, pcap_filename=None) for a in r.alerts()]
    c.check(r.rc == 0 and strip == [dict(a, pcap_filename=None) for a in whole.alerts()]
            and r.of_type("stats")[-1]["stats"]["capture"]["packets"] == 13,
            "two -r files are read in order as one stream", "%d alerts" % len(r.alerts()))
    c.check([a["pcap_filename"] for a in r.alerts()][-1] == second,
            "pcap_filename names the file each event came from")
    r = run(b, ["-r", "-", "-o", "-"], stdin=open(SAMPLE, "rb").read())
    c.check(r.rc == 0 and len(r.alerts()) == 7 and r.alerts()[0].get("pcap_filename") == "-",
            "-r - reads stdin")

    # Signals: SIGINT while blocked on stdin stops cleanly with every event flushed.
    import signal
    import subprocess
    import time
    p = subprocess.Popen([b, "-r", "-", "-o", "-"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE)
    p.stdin.write(open(SAMPLE, "rb").read())
    p.stdin.flush()
    time.sleep(1.0)
    p.send_signal(signal.SIGUSR1)
    time.sleep(0.3)
    p.send_signal(signal.SIGINT)
    try:
        out, errb = p.communicate(timeout=20)
    except subprocess.TimeoutExpired:
        p.kill()
        out, errb = p.communicate()
    got = [line for line in out.decode().splitlines() if '"event_type":"alert"' in line]
    c.check(p.returncode == 0 and len(got) == 7, "SIGINT on a blocked stdin: exit 0, events flushed",
            "rc=%s alerts=%d %s" % (p.returncode, len(got), errb.decode()[-200:]))

    # The Redis output checks its address at start-up: an unknown host is exit 2.
    cfg = write(tmp, "redis.yaml", "outputs:\n  eve: {enabled: false}\n  redis: {enabled: true, "
                "url: \"redis://no-such-host.invalid\", spool_dir: %s}\n"
                % os.path.join(tmp, "spool"))
    r = run(b, ["-c", cfg, "-r", SAMPLE])
    c.check(r.rc == 2 and "no-such-host.invalid" in r.stderr,
            "redis output with an unknown host: exit 2 with reason", r.stderr)
    r = run(b, ["--help"])
    c.check(all(o in r.stdout for o in ("--redis URL", "--redis-mode", "--redis-key")),
            "--help lists the Redis options")

    # BPF filter.
    r = run(b, ["-r", SAMPLE, "-o", "-", "-f", "udp port 162"])
    c.check(r.rc == 0 and [a["snmp"]["pdu_type"] for a in r.alerts()] == ["trap_v1"],
            "-f filter keeps only matching packets")
    r = run(b, ["-r", SAMPLE, "-o", "-", "-f", "udp port banana"])
    c.check(r.rc == 2 and "filter" in r.stderr, "bad filter: exit 2", r.stderr)
    return c.finish()


if __name__ == "__main__":
    sys.exit(main(sys.argv))
