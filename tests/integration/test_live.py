#!/usr/bin/env python3
"""test_live.py - live capture (tollwatch -i) against the offline reading of the same captures.

A network namespace of its own (tw-live-PID) holds one end of a veth pair; the other end stays
in the test's namespace. Neither end has an address (IPv6 is switched off on both, so the
kernel sends nothing of its own), so nothing can route anywhere: the only traffic on the link
is what tcpreplay writes into it. For every samples/*.pcap (with its configuration when it has
one), in that namespace:

1. tollwatch -i VETH -w 2 -o FILE -q runs; the test waits until it holds a running packet
   socket bound to the veth (/proc/PID/net/packet and /proc/PID/fd), then tcpreplay replays
   the capture into the other end at a fixed packet rate (ordered, not --topspeed);
2. the test sends SIGUSR1 until the latest stats event counts every replayed packet (or a
   few seconds pass), then SIGINT;
3. checks: exit status 0, no sanitizer report, every line JSON; the alert, registration and
   call events equal those of `tollwatch -r SAMPLE -w 1` with the same configuration, as
   multisets, compared on (event_type, alert.detector, alert.signature_id, src_ip, src_port,
   dest_ip, dest_port, proto, app_proto, and the sccp, call, credentials and snmp objects
   less their timestamps and durations, such as call.start and call.duration): live
   timestamps are the capture time and flow_id hashes it, and two workers order events of
   different flows freely; every live event carries in_iface (the veth) and no
   pcap_filename; a stats event answered SIGUSR1 before the exit one; the exit stats event
   counts capture.packets >= the packets tcpreplay sent, 0 ring_drops, 0 kernel_drops, 2
   workers.

What depends on packet time is made independent of it, since a replay squeezes minutes (or
weeks) into a second:
- the toll-fraud samples' after-hours schedule is read on the packet timestamp, that is now
  in live mode, so the result would depend on the hour the test runs. Both runs (live and
  offline) get a copy of the sample's config whose patterns file has no 'after-hours day'
  or 'after-hours date' line: the schedule is never active, whatever the hour, so
  toll_fraud_pattern fires only for the 7-24 patterns (still exercised live) and
  call.after_hours is false in both; high_risk_destination and the call events do not
  depend on the hour at all. (A schedule covering every hour is not a safe alternative:
  'Sat 00:00 23:59' leaves the minute before midnight out.)
- snmp_default_community fires once per (manager, agent, community) per 5 minutes of packet
  time. The offline run sees the sample's 400 s; the live replay lasts about a second, so the
  expected live alerts are the offline ones less the repeats of an earlier alert's
  (src_ip, dest_ip, community).

Skipped, with the reason, when not root, when ip or tcpreplay is missing, or when a network
namespace or veth pair cannot be created (a container without CAP_NET_ADMIN). The namespace
(and with it both veth ends) and every process the test started are removed in all cases,
SIGTERM and Ctrl-C included.

usage: test_live.py TOLLWATCH_BINARY
"""
import collections
import glob
import json
import os
import pwd
import re
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from twtest import SOURCE, Checker, get  # noqa: E402

LOGGED = ("alert", "registration", "call")
SAMPLES = os.path.join(SOURCE, "samples")
# Captures whose config is not samples/<name>.yaml (as test_sccp.py and test_fraud.py run them).
CONFIGS = {"sccp_phones.pcap": "sccp_toll_fraud.yaml", "toll_fraud_calls.pcap": "toll_fraud.yaml"}
PATH_KEYS = ("inventory_file", "router_config", "patterns_file", "high_risk_file",
             "communities_file", "path", "spool_dir")
OBJECTS = ("sccp", "call", "credentials", "snmp")
TIME_KEYS = ("duration",)
TIMESTAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d")
SANITIZER_MARKS = ("AddressSanitizer", "LeakSanitizer", "runtime error:", "Segmentation fault")
REPLAY_PPS = 200        # ordered and slow enough for a sanitizer build on a busy machine
START_TIMEOUT = 20.0    # s until tollwatch holds its packet socket
DRAIN_TIMEOUT = 10.0    # s of SIGUSR1 polling after the replay
EXIT_TIMEOUT = 30.0     # s from SIGINT to exit


class Terminated(Exception):
    pass


def on_sigterm(signum, frame):
    raise Terminated("signal %d" % signum)


def sh(args, timeout=30, check=True):
    p = subprocess.run(args, capture_output=True, text=True, timeout=timeout)
    if check and p.returncode != 0:
        raise RuntimeError("%s: exit %d: %s" % (" ".join(args), p.returncode,
                                                 (p.stderr or p.stdout).strip()))
    return p


class Link:
    """Namespace NS with veth end IN inside it; OUT stays here. remove() undoes it all."""

    def __init__(self):
        pid = os.getpid()
        self.ns = "tw-live-%d" % pid
        self.inside = "twl%di" % pid        # interface names: 15 characters at most
        self.outside = "twl%do" % pid
        self.made_ns = self.made_link = False

    def create(self):
        sh(["ip", "netns", "add", self.ns])
        self.made_ns = True
        sh(["ip", "link", "add", self.outside, "mtu", "9000", "type", "veth",
            "peer", "name", self.inside, "mtu", "9000"])
        self.made_link = True
        sh(["ip", "link", "set", self.inside, "netns", self.ns])
        # No IPv6 either (no link-local address, no router or neighbour solicitations): the
        # only frames on the link are the replayed ones. Best effort: IPv6 may be absent.
        knob = "/proc/sys/net/ipv6/conf/%s/disable_ipv6"
        if os.path.exists(knob % self.outside):
            with open(knob % self.outside, "w") as fh:
                fh.write("1")
        sh(["ip", "netns", "exec", self.ns, "sh", "-c",
            "[ ! -e %s ] || echo 1 > %s" % (knob % self.inside, knob % self.inside)], check=False)
        sh(["ip", "link", "set", self.outside, "up"])
        sh(["ip", "-n", self.ns, "link", "set", self.inside, "up"])
        out = sh(["ip", "-n", self.ns, "-o", "link", "show", self.inside]).stdout
        self.ifindex = int(out.split(":", 1)[0])

    def remove(self):
        # Deleting the namespace deletes the veth end inside it, and so the pair.
        if self.made_link:
            subprocess.run(["ip", "link", "del", self.outside], capture_output=True)
        if self.made_ns:
            subprocess.run(["ip", "netns", "del", self.ns], capture_output=True)


def can_create_namespace():
    """'' when a namespace and a veth pair can be made here, else the reason."""
    name = "tw-live-probe-%d" % os.getpid()
    p = subprocess.run(["ip", "netns", "add", name], capture_output=True, text=True)
    if p.returncode != 0:
        return "ip netns add failed: " + p.stderr.strip()
    subprocess.run(["ip", "netns", "del", name], capture_output=True)
    return ""


def read_events(path):
    events, bad = [], []
    try:
        text = open(path, encoding="utf-8", errors="replace").read()
    except FileNotFoundError:
        return events, bad
    for line in text.splitlines():
        if not line.strip():
            continue
        try:
            events.append(json.loads(line))
        except ValueError:
            bad.append(line)
    return events, bad


def last_stats(path):
    events, _ = read_events(path)
    stats = [e for e in events if e.get("event_type") == "stats"]
    return stats[-1] if stats else None


def strip_schedule(text):
    return "".join(ln for ln in text.splitlines(True)
                   if not ln.strip().startswith(("after-hours day", "after-hours date")))


def test_config(sample, tmp):
    """The config of SAMPLE for both runs (None: built-in defaults): a copy with absolute
    paths and a patterns file without schedule (see the docstring); None when it has none."""
    name = CONFIGS.get(sample, sample[:-len(".pcap")] + ".yaml")
    src = os.path.join(SAMPLES, name)
    if not os.path.exists(src):
        return None
    base = os.path.dirname(src)
    lines = []
    for line in open(src, encoding="utf-8").read().splitlines():
        m = re.match(r'^(\s*)(\w+):\s*"?([^"#\s][^"#]*?)"?\s*(#.*)?$', line)
        if m and m.group(2) in PATH_KEYS:
            path = m.group(3)
            if path != "-" and not os.path.isabs(path):
                path = os.path.normpath(os.path.join(base, path))
            if m.group(2) == "patterns_file":
                copy = os.path.join(tmp, "%s.patterns.conf" % sample)
                with open(copy, "w", encoding="utf-8") as fh:
                    fh.write(strip_schedule(open(path, encoding="utf-8").read()))
                path = copy
            line = "%s%s: %s" % (m.group(1), m.group(2), json.dumps(path))
        lines.append(line)
    cfg = os.path.join(tmp, "%s.yaml" % sample)
    with open(cfg, "w", encoding="utf-8") as fh:
        fh.write("\n".join(lines) + "\n")
    return cfg


def pcap_count(path):
    """Packets in a classic pcap file (the samples are pcap, not pcapng)."""
    data = open(path, "rb").read()
    magic = data[:4]
    endian = "<" if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1") else ">"
    off, n = 24, 0
    while off + 16 <= len(data):
        incl = struct.unpack(endian + "I", data[off + 8:off + 12])[0]
        off += 16 + incl
        n += 1
    return n


def timeless(v):
    """V less what derives from packet time: timestamps (call.start, .answer, .end) and
    durations (call.duration, which the replay shrinks to 0)."""
    if isinstance(v, dict):
        return {k: timeless(x) for k, x in v.items()
                if k not in TIME_KEYS and not (isinstance(x, str) and TIMESTAMP.match(x))}
    if isinstance(v, list):
        return [timeless(x) for x in v]
    return v


def key(e):
    k = [e.get("event_type"), get(e, "alert.detector"), get(e, "alert.signature_id")]
    k += [e.get(f) for f in ("src_ip", "src_port", "dest_ip", "dest_port", "proto", "app_proto")]
    k += [json.dumps(timeless(e.get(o)), sort_keys=True) for o in OBJECTS]
    return tuple(None if x is KeyError else x for x in k)


def brief(k):
    what = k[1] if k[0] == "alert" else ""
    return "%s %s %s:%s -> %s:%s %s" % (k[0], what, k[3], k[4], k[5], k[6],
                                         " ".join(o for o in k[9:] if o != "null"))


def expected_live(offline):
    """The offline events as a live replay within one second gives them: one
    snmp_default_community alert per (src_ip, dest_ip, community), the first."""
    seen, out = set(), []
    for e in offline:
        if get(e, "alert.detector") == "snmp_default_community":
            k = (e.get("src_ip"), e.get("dest_ip"), get(e, "snmp.community"))
            if k in seen:
                continue
            seen.add(k)
        out.append(e)
    return out


def packet_socket_ready(pid, ifindex):
    """True when process PID holds a running packet socket bound to interface IFINDEX (the
    /proc/PID/net files are those of the process's own namespace)."""
    try:
        inodes = set()
        for fd in os.listdir("/proc/%d/fd" % pid):
            try:
                target = os.readlink("/proc/%d/fd/%s" % (pid, fd))
            except OSError:
                continue
            if target.startswith("socket:["):
                inodes.add(target[8:-1])
        rows = open("/proc/%d/net/packet" % pid).read().splitlines()[1:]
    except OSError:
        return False
    for row in rows:
        f = row.split()
        # sk RefCnt Type Proto Iface R Rmem User Inode
        if len(f) >= 9 and f[8] in inodes and int(f[4]) == ifindex and f[5] == "1":
            return True
    return False


def stop(p):
    if p.poll() is None:
        p.kill()
        p.wait()


def replay(link, pcap):
    """tcpreplay PCAP into the outside end; (packets sent, summary or error)."""
    p = subprocess.run(["tcpreplay", "--pps=%d" % REPLAY_PPS, "-i", link.outside, pcap],
                       capture_output=True, text=True, timeout=300)
    m = re.search(r"Successful packets:\s+(\d+)", p.stdout)
    failed = re.search(r"Failed packets:\s+(\d+)", p.stdout)
    if p.returncode != 0 or not m:
        return 0, "tcpreplay exit %d: %s" % (p.returncode, (p.stderr or p.stdout)[-300:])
    rated = re.search(r"Rated:.*", p.stdout)
    return int(m.group(1)), "%s packets sent, %s failed; %s" % (
        m.group(1), failed.group(1) if failed else "?", rated.group(0) if rated else "")


def process_ids(pid):
    """(uids, gids, effective capabilities) of a running process, from /proc."""
    uids, gids, capeff = [], [], None
    with open("/proc/%d/status" % pid) as fh:
        for line in fh:
            k, _, v = line.partition(":")
            if k == "Uid":
                uids = [int(x) for x in v.split()]
            elif k == "Gid":
                gids = [int(x) for x in v.split()]
            elif k == "CapEff":
                capeff = int(v.strip(), 16)
    return uids, gids, capeff


def check_sample(c, binary, link, tmp, sample, user=None):
    pcap = os.path.join(SAMPLES, sample)
    cfg = None if user else test_config(sample, tmp)
    cfg_args = ["-c", cfg] if cfg else []
    what = sample + (" (%s)" % os.path.basename(CONFIGS.get(sample, sample[:-5] + ".yaml"))
                     if cfg else "") + (" --user %s" % user if user else "")
    user_args = ["--user", user] if user else []

    off_out = os.path.join(tmp, sample + (".%s" % user if user else "") + ".offline.json")
    p = subprocess.run([binary, "-r", pcap, "-w", "1", "-o", off_out, "-q"] + cfg_args,
                       capture_output=True, text=True, timeout=120)
    offline, bad = read_events(off_out)
    if not c.check(p.returncode == 0 and not bad, "%s: offline run" % what,
                   "rc=%d %s" % (p.returncode, p.stderr[-300:])):
        return

    live_out = os.path.join(tmp, sample + (".%s" % user if user else "") + ".live.json")
    err_path = os.path.join(tmp, sample + (".%s" % user if user else "") + ".live.err")
    with open(err_path, "w") as err:
        tw = subprocess.Popen(["ip", "netns", "exec", link.ns, binary, "-i", link.inside,
                               "-w", "2", "-o", live_out, "-q"] + cfg_args + user_args,
                              stdin=subprocess.DEVNULL, stdout=err, stderr=err)
    try:
        # ip netns exec execs the command without forking: tw.pid is tollwatch.
        deadline = time.monotonic() + START_TIMEOUT
        while tw.poll() is None and time.monotonic() < deadline and \
                not packet_socket_ready(tw.pid, link.ifindex):
            time.sleep(0.05)
        ready = tw.poll() is None and packet_socket_ready(tw.pid, link.ifindex)
        if not c.check(ready, "%s: tollwatch -i %s is capturing" % (what, link.inside),
                       "rc=%s %s" % (tw.poll(), open(err_path).read()[-400:])):
            return
        time.sleep(0.2)  # the BPF program and the workers, once the socket exists
        if user:
            pw = pwd.getpwnam(user)
            uids, gids, capeff = process_ids(tw.pid)
            c.check(uids == [pw.pw_uid] * 4 and gids == [pw.pw_gid] * 4 and capeff == 0,
                    "%s: capturing as %s (uid %d, gid %d), no capability left" % (
                        what, user, pw.pw_uid, pw.pw_gid),
                    "Uid %r Gid %r CapEff %r" % (uids, gids, capeff))

        sent, summary = replay(link, pcap)
        n = pcap_count(pcap)
        c.check(sent == n, "%s: tcpreplay sent all %d packets" % (what, n), summary)

        # SIGUSR1 until a stats event counts every replayed packet: then the capture thread
        # has them all (the file sink may flush late; the wait is bounded either way).
        usr1 = 0
        deadline = time.monotonic() + DRAIN_TIMEOUT
        while tw.poll() is None and time.monotonic() < deadline:
            tw.send_signal(signal.SIGUSR1)
            usr1 += 1
            time.sleep(0.5)
            st = last_stats(live_out)
            got = get(st, "stats.capture.packets") if st else None
            if isinstance(got, int) and got >= sent:
                break
        if tw.poll() is None:
            tw.send_signal(signal.SIGINT)
        try:
            rc = tw.wait(timeout=EXIT_TIMEOUT)
        except subprocess.TimeoutExpired:
            rc = None
    finally:
        stop(tw)
    err = open(err_path, encoding="utf-8", errors="replace").read()
    marks = [m for m in SANITIZER_MARKS if m in err]
    c.check(rc == 0 and not marks, "%s: SIGINT: exit 0 (within %ds), no crash" % (
        what, EXIT_TIMEOUT), "rc=%s %s stderr=%s" % (rc, marks, err[-400:]))
    live, bad = read_events(live_out)
    c.check(not bad and live, "%s: live output is JSON lines" % what, repr(bad[:2]))

    want = collections.Counter(key(e) for e in expected_live(offline)
                               if e.get("event_type") in LOGGED)
    got = collections.Counter(key(e) for e in live if e.get("event_type") in LOGGED)
    missing, extra = want - got, got - want
    c.check(not missing and not extra,
            "%s: live = offline alert/registration/call events (%d)" % (what, sum(want.values())),
            "missing:\n  %s\nunexpected:\n  %s" % (
                "\n  ".join(brief(k) for k in missing.elements()) or "-",
                "\n  ".join(brief(k) for k in extra.elements()) or "-"))
    no_iface = [e.get("event_type") for e in live if e.get("in_iface") != link.inside
                or "pcap_filename" in e]
    c.check(not no_iface, "%s: every live event has in_iface %s, no pcap_filename" % (
        what, link.inside), "%d without: %r" % (len(no_iface), no_iface[:5]))

    stats = [e for e in live if e.get("event_type") == "stats"]
    c.check(len(stats) >= 2 and usr1 >= 1,
            "%s: stats events on SIGUSR1 and at exit" % what,
            "%d stats events after %d SIGUSR1" % (len(stats), usr1))
    if stats:
        cap = get(stats[-1], "stats.capture")
        cap = cap if isinstance(cap, dict) else {}
        ok = (isinstance(cap.get("packets"), int) and cap["packets"] >= sent and
              cap.get("ring_drops") == 0 and cap.get("kernel_drops") == 0 and
              cap.get("workers") == 2)
        c.check(ok, "%s: exit stats: capture.packets %s >= %d sent, 0 ring and kernel drops, "
                "2 workers" % (what, cap.get("packets"), sent), json.dumps(cap))


def wait_stats(tw, path, packets):
    """SIGUSR1 until a stats event counts `packets` captured (bounded by DRAIN_TIMEOUT)."""
    deadline = time.monotonic() + DRAIN_TIMEOUT
    while tw.poll() is None and time.monotonic() < deadline:
        tw.send_signal(signal.SIGUSR1)
        time.sleep(0.5)
        st = last_stats(path)
        got = get(st, "stats.capture.packets") if st else None
        if isinstance(got, int) and got >= packets:
            return True
    return False


def check_reload(c, binary, link, tmp):
    """SIGHUP while capturing: the capture goes on, and the events after it carry the new
    configuration (here the sensor's host name)."""
    pcap = os.path.join(SAMPLES, "snmp_default_community.pcap")
    cfg = os.path.join(tmp, "reload.yaml")
    with open(cfg, "w") as fh:
        fh.write("host: before-hup\n")
    out, err_path = os.path.join(tmp, "reload.live.json"), os.path.join(tmp, "reload.live.err")
    with open(err_path, "w") as err:
        tw = subprocess.Popen(["ip", "netns", "exec", link.ns, binary, "-i", link.inside,
                               "-w", "2", "-c", cfg, "-v", "-o", out],
                              stdin=subprocess.DEVNULL, stdout=err, stderr=err)
    rc, sent = None, 0
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while tw.poll() is None and time.monotonic() < deadline and \
                not packet_socket_ready(tw.pid, link.ifindex):
            time.sleep(0.05)
        if not c.check(tw.poll() is None, "SIGHUP live: tollwatch is capturing",
                       open(err_path).read()[-300:]):
            return
        time.sleep(0.2)
        n1, _ = replay(link, pcap)
        wait_stats(tw, out, n1)
        with open(cfg, "w") as fh:
            fh.write("host: after-hup\n")
        tw.send_signal(signal.SIGHUP)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and "reloaded" not in open(err_path).read():
            time.sleep(0.05)
        n2, _ = replay(link, pcap)
        sent = n1 + n2
        wait_stats(tw, out, sent)
        tw.send_signal(signal.SIGINT)
        try:
            rc = tw.wait(timeout=EXIT_TIMEOUT)
        except subprocess.TimeoutExpired:
            rc = None
    finally:
        stop(tw)
    text = open(err_path).read()
    c.check(rc == 0 and "reloaded" in text, "SIGHUP live: reloaded, exit 0 on SIGINT",
            "rc=%s %s" % (rc, text[-300:]))
    events, _ = read_events(out)
    alerts = [e.get("host") for e in events if e.get("event_type") == "alert"]
    last = [e for e in events if e.get("event_type") == "stats"][-1:] or [{}]
    c.check("before-hup" in alerts and "after-hup" in alerts and
            alerts == sorted(alerts, key=lambda h: h == "after-hup"),
            "SIGHUP live: alerts of the first replay carry the old host name, of the second "
            "the new one", repr(alerts))
    c.check(get(last[0], "stats.capture.packets") == sent and
            get(last[0], "stats.capture.ring_drops") == 0,
            "SIGHUP live: all %d packets captured, 0 ring drops" % sent,
            json.dumps(get(last[0], "stats.capture")))


def main(argv):
    if len(argv) != 2:
        print(__doc__)
        return 2
    binary = os.path.abspath(argv[1])
    c = Checker()
    why = ""
    if os.geteuid() != 0:
        why = "not root (live capture needs network namespaces and a packet socket)"
    elif not shutil.which("ip"):
        why = "ip (package iproute2) is not installed"
    elif not shutil.which("tcpreplay"):
        why = "tcpreplay is not installed (scripts/deps.sh installs it)"
    else:
        why = can_create_namespace()
    if why:
        c.skip("live capture", why)
        return c.finish()

    signal.signal(signal.SIGTERM, on_sigterm)
    link = Link()
    tmp = tempfile.mkdtemp(prefix="tw-live-")
    try:
        try:
            link.create()
        except RuntimeError as e:
            c.skip("live capture", "cannot create the namespace and veth pair: %s" % e)
            return c.finish()
        print("namespace %s: %s (inside, ifindex %d) <-> %s" % (
            link.ns, link.inside, link.ifindex, link.outside))
        samples = sorted(os.path.basename(p) for p in glob.glob(os.path.join(SAMPLES, "*.pcap")))
        c.check(len(samples) > 0, "sample captures present", SAMPLES)
        for sample in samples:
            check_sample(c, binary, link, tmp, sample)
        check_reload(c, binary, link, tmp)
        # --user: root is dropped once the capture is open; the capture goes on.
        try:
            pwd.getpwnam("nobody")
            check_sample(c, binary, link, tmp, "snmp_default_community.pcap", user="nobody")
        except KeyError:
            c.skip("--user nobody", "there is no user 'nobody' on this machine")
    except Terminated as e:
        c.check(False, "test interrupted", str(e))
    finally:
        link.remove()
        shutil.rmtree(tmp, ignore_errors=True)
    return c.finish()


if __name__ == "__main__":
    sys.exit(main(sys.argv))
