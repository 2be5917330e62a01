#!/usr/bin/env python3
"""test_redis.py - the Redis output (SPEC section 5) against a real redis-server.

Every check starts its own redis-server on a free loopback port (no
persistence unless the check needs it) and kills it at the end, whatever
happens. Checks:

1. Each mode (list, publish, stream) delivers exactly the events of -o, in
   order, for every sample capture (with its configuration when it has one).
2. AUTH with a Redis 6 ACL user and SELECT of a database; a wrong password,
   an unknown host or a bad URL is an error at start-up (exit 2).
3. Redis stopped (SIGSTOP, then SIGCONT) and killed (kill -9, restarted on
   the same port with an fsync-always AOF, so that what it acknowledged
   survives) in the middle of a run: no event lost, order kept, duplicates
   at most the re-sent count tollwatch reports.
4. The spool across restarts of tollwatch: a run with Redis down exits 1 and
   says how many events stay in the spool; the next run replays them
   before its own events.

Test knob: TW_REDIS_TEST_DELAY_US=N makes tollwatch's output thread sleep N
microseconds per event before each batch (see src/output_redis.h), so that
a run lasts a few seconds and Redis can be stopped in the middle of it.

usage: test_redis.py TOLLWATCH_BINARY
"""
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from twtest import SOURCE, Checker  # noqa: E402

SAMPLES = [
    ("snmp_default_community.pcap", None),
    ("sccp_phones.pcap", "sccp_toll_fraud.yaml"),
    ("toll_fraud_calls.pcap", "toll_fraud.yaml"),
    ("cleartext_logins.pcap", None),
]
PATH_KEYS = ("inventory_file", "router_config", "patterns_file", "high_risk_file",
             "communities_file", "path", "spool_dir")


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Resp:
    """A minimal RESP2 client (standard library only)."""

    def __init__(self, port, timeout=10):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
        self.buf = b""

    def close(self):
        self.sock.close()

    def send(self, *args):
        out = [b"*%d\r\n" % len(args)]
        for a in args:
            a = a if isinstance(a, bytes) else str(a).encode()
            out.append(b"$%d\r\n%s\r\n" % (len(a), a))
        self.sock.sendall(b"".join(out))

    def _line(self):
        while b"\r\n" not in self.buf:
            data = self.sock.recv(65536)
            if not data:
                raise ConnectionError("redis closed the connection")
            self.buf += data
        line, self.buf = self.buf.split(b"\r\n", 1)
        return line

    def _exact(self, n):
        while len(self.buf) < n + 2:
            data = self.sock.recv(65536)
            if not data:
                raise ConnectionError("redis closed the connection")
            self.buf += data
        data, self.buf = self.buf[:n], self.buf[n + 2:]
        return data

    def reply(self):
        line = self._line()
        t, rest = line[:1], line[1:]
        if t == b"+":
            return rest.decode()
        if t == b"-":
            return RuntimeError(rest.decode())
        if t == b":":
            return int(rest)
        if t == b"$":
            n = int(rest)
            return None if n < 0 else self._exact(n)
        if t == b"*":
            n = int(rest)
            return None if n < 0 else [self.reply() for _ in range(n)]
        raise ValueError("bad RESP line %r" % line)

    def cmd(self, *args):
        self.send(*args)
        return self.reply()


class Redis:
    """A redis-server on a free loopback port; stop() always kills it."""

    def __init__(self, tmp, port=None, aof=False):
        self.tmp, self.aof = tmp, aof
        self.port = port or free_port()
        self.dir = tempfile.mkdtemp(prefix="redis-", dir=tmp)
        self.proc = None
        self.start()

    def start(self):
        args = ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
                "--daemonize", "no", "--dir", self.dir]
        args += ["--appendonly", "yes", "--appendfsync", "always"] if self.aof else \
            ["--appendonly", "no"]
        self.proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        end = time.time() + 10
        while time.time() < end:
            try:
                r = Resp(self.port, timeout=1)
                ok = r.cmd("PING") == "PONG"
                r.close()
                if ok:
                    return
            except (OSError, ConnectionError, RuntimeError):
                pass
            time.sleep(0.05)
        raise RuntimeError("redis-server did not start on port %d" % self.port)

    def client(self):
        return Resp(self.port)

    def cmd(self, *args):
        r = self.client()
        try:
            return r.cmd(*args)
        finally:
            r.close()

    def kill9(self):
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()

    def stop(self):
        if self.proc and self.proc.poll() is None:
            try:
                self.proc.send_signal(signal.SIGCONT)
            except OSError:
                pass
            self.proc.kill()
            self.proc.wait()


def write_config(tmp, name, sample_cfg, spool, extra="", drain=20):
    """The sample's config (relative paths made absolute) plus outputs.redis."""
    text = ""
    if sample_cfg:
        base = os.path.join(SOURCE, "samples")
        for line in open(os.path.join(base, sample_cfg), encoding="utf-8"):
            m = re.match(r"^(\s*)(\w+):\s*(\S.*?)\s*$", line)
            if m and m.group(2) in PATH_KEYS and not m.group(3).startswith(("/", '"', "'")):
                line = "%s%s: %s\n" % (m.group(1), m.group(2),
                                        os.path.normpath(os.path.join(base, m.group(3))))
            text += line
    text += "outputs:\n  redis:\n    spool_dir: %s\n    drain_timeout: %d\n%s" % (spool, drain,
                                                                             extra)
    path = os.path.join(tmp, name)
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(text)
    return path


def tollwatch(binary, args, env_extra=None, timeout=300):
    env = dict(os.environ)
    env.update(env_extra or {})
    p = subprocess.run([binary] + args, capture_output=True, timeout=timeout, env=env)
    return p.returncode, p.stderr.decode("utf-8", "replace")


def file_lines(path):
    with open(path, encoding="utf-8") as fh:
        return fh.read().splitlines()


def list_content(redis, key, db=0):
    r = redis.client()
    try:
        if db:
            r.cmd("SELECT", db)
        return [x.decode() for x in r.cmd("LRANGE", key, 0, -1)]
    finally:
        r.close()


def stream_content(redis, key):
    out = redis.cmd("XRANGE", key, "-", "+")
    return [dict(zip(fields[::2], fields[1::2]))[b"event"].decode() for _, fields in out]


def summary_value(stderr, name):
    m = re.search(r"(\d+) %s" % name, stderr)
    return int(m.group(1)) if m else None


def check_modes(c, b, tmp):
    redis = Redis(tmp)
    try:
        for mode in ("list", "publish", "stream"):
            for pcap, cfg in SAMPLES:
                what = "%s: %s" % (mode, pcap)
                key = "tw:%s:%s" % (mode, pcap)
                spool = os.path.join(tmp, "spool-%s-%s" % (mode, pcap))
                conf = write_config(tmp, "%s-%s.yaml" % (mode, pcap), cfg, spool)
                out = os.path.join(tmp, "%s-%s.json" % (mode, pcap))
                sub = None
                if mode == "publish":
                    sub = redis.client()
                    sub.cmd("SUBSCRIBE", key)
                rc, err = tollwatch(b, ["-c", conf, "-r", os.path.join(SOURCE, "samples", pcap),
                                        "-o", out, "--redis", "redis://127.0.0.1:%d" % redis.port,
                                        "--redis-mode", mode, "--redis-key", key])
                want = file_lines(out) if os.path.exists(out) else []
                if mode == "list":
                    got = list_content(redis, key)
                elif mode == "stream":
                    got = stream_content(redis, key)
                else:
                    got = []
                    sub.sock.settimeout(10)
                    try:
                        while len(got) < len(want):
                            msg = sub.reply()
                            if msg[0] == b"message":
                                got.append(msg[2].decode())
                    except (OSError, ConnectionError):
                        pass
                    sub.close()
                c.check(rc == 0 and len(want) > 1 and got == want,
                        "%s: Redis holds exactly the %d events of -o, in order" % (what, len(want)),
                        "rc=%d got %d want %d; %s" % (rc, len(got), len(want), err[-300:]))
                c.check(re.search(r"redis: %d delivered" % len(want), err) is not None,
                        "%s: the summary counts them delivered" % what, err[-300:])
        # the stats event carries the Redis counters
        stats = [json.loads(x) for x in file_lines(os.path.join(tmp, "list-%s.json" %
                                                                 SAMPLES[0][0]))
                 if '"event_type":"stats"' in x]
        red = stats[-1]["stats"]["output"].get("redis", {}) if stats else {}
        c.check({"queued", "spooled", "delivered", "resent", "failed", "spool_pending"}
                <= set(red), "stats.output.redis has the counters", repr(red))
        # the stream is capped with MAXLEN ~
        info = redis.cmd("XINFO", "STREAM", "tw:stream:%s" % SAMPLES[0][0])
        c.check(isinstance(info, list), "stream mode writes a stream (XINFO answers)")
    finally:
        redis.stop()


def check_auth(c, b, tmp):
    redis = Redis(tmp)
    try:
        r = redis.cmd("ACL", "SETUSER", "tw", "on", ">secret", "~*", "+@all")
        c.check(r == "OK", "ACL SETUSER tw", repr(r))
        pcap = os.path.join(SOURCE, "samples", SAMPLES[0][0])
        spool = os.path.join(tmp, "spool-auth")
        conf = write_config(tmp, "auth.yaml", None, spool)
        out = os.path.join(tmp, "auth.json")
        rc, err = tollwatch(b, ["-c", conf, "-r", pcap, "-o", out, "--redis",
                                "redis://tw:secret@127.0.0.1:%d/3" % redis.port])
        want = file_lines(out) if os.path.exists(out) else []
        got = list_content(redis, "tollwatch", db=3)
        c.check(rc == 0 and got == want and want,
                "AUTH as ACL user tw and SELECT 3: events delivered to db 3",
                "rc=%d %d/%d %s" % (rc, len(got), len(want), err[-300:]))
        c.check(list_content(redis, "tollwatch") == [], "nothing in db 0")
        rc, err = tollwatch(b, ["-c", conf, "-r", pcap, "-o", out, "--redis",
                                "redis://tw:wrong@127.0.0.1:%d" % redis.port])
        c.check(rc == 2 and "AUTH as user 'tw'" in err and "WRONGPASS" in err and
                "wrong" not in err.replace("WRONGPASS", ""),
                "wrong password: exit 2, clear message, password not shown", err[-300:])
        redis.cmd("CONFIG", "SET", "requirepass", "pw")
        rc, err = tollwatch(b, ["-c", conf, "-r", pcap, "-o", out, "--redis",
                                "redis://127.0.0.1:%d" % redis.port])
        c.check(rc == 2 and "NOAUTH" in err, "password required but none given: exit 2",
                err[-300:])
        rc, err = tollwatch(b, ["-c", conf, "-r", pcap, "-o", out, "--redis",
                                "redis://:pw@127.0.0.1:%d" % redis.port])
        c.check(rc == 0, "AUTH with a password only (requirepass)", err[-300:])
        rc, err = tollwatch(b, ["-c", conf, "-r", pcap, "-o", out, "--redis",
                                "redis://no-such-host.invalid:6379"])
        c.check(rc == 2 and "no-such-host.invalid" in err, "unknown host: exit 2 naming it",
                err[-300:])
        rc, err = tollwatch(b, ["-c", conf, "-r", pcap, "-o", out, "--redis", "http://x"])
        c.check(rc == 2 and "redis URL" in err, "bad URL: exit 2", err[-300:])
        rc, err = tollwatch(b, ["-r", pcap, "-o", out, "--redis-mode", "lpush"])
        c.check(rc == 2 and "--redis-mode" in err, "bad --redis-mode: exit 2", err[-300:])
    finally:
        redis.stop()


def big_capture(tmp):
    path = os.path.join(tmp, "big.pcap")
    if not os.path.exists(path):
        subprocess.run([sys.executable, os.path.join(SOURCE, "bench", "mkcapture.py"), path,
                        "3000"], check=True, stdout=subprocess.DEVNULL)
    return path


def check_outage(c, b, tmp, how):
    """Redis goes away in the middle of a run and comes back."""
    redis = Redis(tmp, aof=(how == "kill"))
    try:
        cap = big_capture(tmp)
        spool = os.path.join(tmp, "spool-" + how)
        conf = write_config(tmp, how + ".yaml", None, spool,
                            "    max_queue: 2000\n")
        out = os.path.join(tmp, how + ".json")
        env = dict(os.environ, TW_REDIS_TEST_DELAY_US="250")
        p = subprocess.Popen([b, "-c", conf, "-r", cap, "-o", out, "--redis",
                              "redis://127.0.0.1:%d" % redis.port], env=env,
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        time.sleep(1.0)
        before = len(list_content(redis, "tollwatch"))
        if how == "stop":
            redis.proc.send_signal(signal.SIGSTOP)
            time.sleep(4.0)
            redis.proc.send_signal(signal.SIGCONT)
        else:
            redis.kill9()
            time.sleep(2.0)
            redis.start()
        try:
            _, errb = p.communicate(timeout=240)
        except subprocess.TimeoutExpired:
            p.kill()
            _, errb = p.communicate()
        err = errb.decode("utf-8", "replace")
        want = file_lines(out)
        got = list_content(redis, "tollwatch")
        seen, first = set(), []
        for x in got:
            if x not in seen:
                seen.add(x)
                first.append(x)
        dups = len(got) - len(first)
        resent = summary_value(err, "re-sent")
        c.check(0 < before < len(want), "%s: Redis went away in the middle of the run" % how,
                "%d of %d delivered before" % (before, len(want)))
        c.check(p.returncode == 0 and first == want and len(want) > 10000,
                "%s: zero events lost, order kept (%d events)" % (how, len(want)),
                "rc=%s got %d unique of %d; %s" % (p.returncode, len(first), len(want),
                                                   err[-400:]))
        c.check(resent is not None and dups <= resent,
                "%s: duplicates in Redis (%d) within the re-sent count reported (%s)"
                % (how, dups, resent), err[-400:])
        c.check("connection to 127.0.0.1:%d lost" % redis.port in err or
                "cannot connect" in err, "%s: the outage is reported on stderr" % how,
                err[-400:])
        print("     %s: %d events, %d duplicates in Redis, %s re-sent, %s spooled, "
              "%s reconnects" % (how, len(want), dups, resent, summary_value(err, "spooled"),
                                 summary_value(err, "reconnects")))
        c.check(os.listdir(spool) == ["spool.lock"], "%s: the spool is empty at exit" % how,
                repr(os.listdir(spool)))
    finally:
        redis.stop()


def check_spool_restart(c, b, tmp):
    port = free_port()
    spool = os.path.join(tmp, "spool-restart")
    conf = write_config(tmp, "restart.yaml", None, spool, drain=1)
    s1 = os.path.join(SOURCE, "samples", "snmp_default_community.pcap")
    s2 = os.path.join(SOURCE, "samples", "cleartext_logins.pcap")
    out1, out2 = os.path.join(tmp, "restart1.json"), os.path.join(tmp, "restart2.json")
    t0 = time.time()
    rc, err = tollwatch(b, ["-c", conf, "-r", s1, "-o", out1, "--redis",
                            "redis://127.0.0.1:%d" % port])
    n1 = len(file_lines(out1))
    m = re.search(r"redis: (\d+) events not delivered within 1 s; they stay in the spool (\S+)",
                  err)
    c.check(rc == 1 and m and int(m.group(1)) == n1 and m.group(2) == spool,
            "Redis down: exit 1, the summary says %d events stay in the spool" % n1, err[-400:])
    c.check(time.time() - t0 < 30, "Redis down: the run waits about drain_timeout, no more")
    segs = [f for f in os.listdir(spool) if f.endswith(".seg")]
    c.check(len(segs) >= 1, "the spool holds segment files", repr(os.listdir(spool)))
    redis = Redis(tmp, port=port)
    try:
        rc, err = tollwatch(b, ["-c", conf, "-r", s2, "-o", out2, "--redis",
                                "redis://127.0.0.1:%d" % port])
        want = file_lines(out1) + file_lines(out2)
        got = list_content(redis, "tollwatch")
        c.check(rc == 0 and got == want,
                "next run: the spool is replayed first, then the new events (%d)" % len(want),
                "rc=%d got %d want %d %s" % (rc, len(got), len(want), err[-300:]))
        c.check(re.search(r"\(%d from the spool\)" % n1, err) is not None,
                "the summary counts the replayed events", err[-300:])
        c.check(os.listdir(spool) == ["spool.lock"], "the spool is empty after the replay",
                repr(os.listdir(spool)))
    finally:
        redis.stop()


def main(argv):
    b = argv[1]
    c = Checker()
    if not shutil.which("redis-server"):
        c.skip("redis", "redis-server is not installed")
        return c.finish()
    tmp = tempfile.mkdtemp(prefix="tw-redis-")
    try:
        check_modes(c, b, tmp)
        check_auth(c, b, tmp)
        check_spool_restart(c, b, tmp)
        check_outage(c, b, tmp, "stop")
        check_outage(c, b, tmp, "kill")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return c.finish()


if __name__ == "__main__":
    sys.exit(main(sys.argv))
