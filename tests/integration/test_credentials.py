#!/usr/bin/env python3
"""test_credentials.py - runs the tollwatch binary on cleartext logins and checks the alerts.

1. The project's own sample (samples/cleartext_logins.pcap, built-in defaults) against its
   hand-written expected alerts (samples/cleartext_logins.expected.json): the exact ordered
   list of cleartext_credentials alerts with the listed fields (null = key absent), no other
   alert, the same output with 3 workers.
2. Passwords: by default none of the sample's passwords appears anywhere in stdout or stderr
   (the raw bytes, with -v too); with `credentials: {log_passwords: true}` each alert's
   credentials.password is the password typed, and the alerts are otherwise the same.
3. The real captures in ../shared/pcaps against tshark's decoding
   (../shared/pcaps/expected/<file>.facts, made by oracle.sh): every
   `http.basic USER CLIENT HOST` fact is an http-basic alert for USER from CLIENT to HOST,
   `http.form_login` / `http.query_login USER CLIENT HOST/PATH` an http-form / http-query
   alert, `telnet.user USER CLIENT` a telnet alert for USER from CLIENT, and there is no
   other credentials alert in any capture (NTLM, binary data on port 23, benign browsing, a
   Cisco vty that asks for no password: none). credentials.password is "<redacted>" and the
   file's passwords (MANIFEST.md) appear in no other field, except where a password is also
   the username. With log_passwords the (user, password) pairs are MANIFEST.md's, and a Basic
   header re-sent on one connection is one attempt. Skipped, with a message, when ../shared
   is absent (a user's clone).

usage: test_credentials.py TOLLWATCH_BINARY
"""
import json
import os
import re
import sys
import tempfile
from urllib.parse import unquote

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from twtest import SHARED, SOURCE, Checker, get, run  # noqa: E402

DET = "cleartext_credentials"
SAMPLE = os.path.join(SOURCE, "samples", "cleartext_logins.pcap")
EXPECTED = os.path.join(SOURCE, "samples", "cleartext_logins.expected.json")
REDACTED = "<redacted>"

# MANIFEST.md: the (user, password) pairs of each capture with credentials.
MANIFEST = {
    "http_basic_auth_browserspy.pcap": {("test", "test"), ("test", "fail"), ("test", "fail2"),
                                        ("test", "fail3")},
    "http_basic_auth_password_with_colon.pcap": {("test", "1:34")},
    "http_basic_auth_extra_space.pcap": {("test", "1234")},
    "http_basic_auth_arkime.pcap": {("userrrrr", "passworddddd")},
    "http_form_login_dvwa.pcapng": {("admin", "password")},
    "http_form_login_port1337.pcap": {("toto", "Str0ngP4ssw0rd")},
    "http_query_login_port1337.pcap": {("admin", "qwerty1234")},
    "telnet_cooked_openbsd.pcap": {("fake", "user")},
    "telnet_raw_openbsd.pcap": {("fake", "user")},
    "telnet_raw_windows_administrator.pcap": {("Administrator", "napier")},
    "telnet_raw_ubuntu.pcap": {("shellcode", "shellcode")},
}
FACT_PROTOCOL = {"http.basic": "http-basic", "http.form_login": "http-form",
                 "http.query_login": "http-query", "telnet.user": "telnet"}


def brief(e):
    """A one-line summary of an alert for failure messages."""
    return "%s %s %s:%s %s user=%s out=%s" % (
        e.get("timestamp"), get(e, "alert.detector"), e.get("src_ip"), e.get("src_port"),
        get(e, "credentials.protocol"), get(e, "credentials.username"),
        get(e, "credentials.outcome"))


def cred_alerts(r):
    return r.alerts(DET)


def write_cfg(text):
    path = os.path.join(tempfile.mkdtemp(prefix="tw-cred-"), "cfg.yaml")
    with open(path, "w") as fh:
        fh.write(text)
    return path


def compare(c, label, want, got, skip=()):
    """want: dotted path -> value (None = absent) for each alert; got: the alerts."""
    c.check(len(got) == len(want), "%s: %d cleartext_credentials alerts" % (label, len(want)),
            "got %d:\n  %s" % (len(got), "\n  ".join(brief(e) for e in got)))
    for i, (w, g) in enumerate(zip(want, got)):
        bad = {}
        for k, v in w.items():
            if k in skip or k.startswith("_"):
                continue
            have = get(g, k)
            if v is None:
                if have is not KeyError:
                    bad[k] = ("absent", have)
            elif have != v:
                bad[k] = (v, None if have is KeyError else have)
        c.check(not bad, "%s: alert %d (%s %s %s)" % (
            label, i, w.get("credentials.protocol"), w.get("credentials.username"),
            w.get("credentials.outcome")), "want/got " + repr(bad))


def check_sample(c, binary):
    exp = json.load(open(EXPECTED))
    want = exp["events"]
    passwords = exp["passwords"]

    r = run(binary, ["-r", SAMPLE, "-o", "-"])
    c.check(r.rc == 0, "sample: exit status 0", "rc=%d stderr=%s" % (r.rc, r.stderr[-300:]))
    c.check(not r.bad_lines, "sample: every output line is JSON", repr(r.bad_lines[:2]))
    compare(c, "sample", want, cred_alerts(r), skip=("log_passwords",))
    others = [e for e in r.alerts() if get(e, "alert.detector") != DET]
    c.check(not others, "sample: no other alert", repr([brief(e) for e in others]))
    stats = r.of_type("stats")
    app = stats[-1].get("stats", {}).get("app_layer", {}) if stats else {}
    c.check(get(app, "telnet.flows") == 2 and get(app, "http.flows") == 3,
            "sample: 2 Telnet and 3 HTTP connections dissected",
            repr({k: get(app, k + ".flows") for k in ("telnet", "http")}))
    bad = {k: v for k, v in app.items() if isinstance(v, dict) and
           (v.get("malformed") or v.get("not_mine") or v.get("gaps"))}
    c.check(not bad, "sample: no dissector rejected a message or lost bytes", repr(bad))

    # The passwords are nowhere in the raw output, not even with -v.
    rv = run(binary, ["-v", "-r", SAMPLE, "-o", "-"])
    c.check(rv.rc == 0, "sample -v: exit 0", rv.stderr[-300:])
    for pw in passwords:
        where = [n for n, text in (("stdout", r.stdout), ("stderr", r.stderr),
                                   ("stdout -v", rv.stdout), ("stderr -v", rv.stderr))
                 if pw in text]
        c.check(not where, "sample: password %r appears nowhere by default" % pw,
                "found in " + ", ".join(where))

    # Deterministic, whatever the worker count.
    r3 = run(binary, ["-c", write_cfg("capture:\n  workers: 3\n"), "-r", SAMPLE, "-o", "-"])
    c.check(r3.rc == 0 and [e for e in r3.events if e.get("event_type") != "stats"] ==
            [e for e in r.events if e.get("event_type") != "stats"],
            "sample: the same events with 3 workers", r3.stderr[-300:])

    # log_passwords: true shows each password in credentials.password, and only there.
    rl = run(binary, ["-c", write_cfg("credentials:\n  log_passwords: true\n"), "-r", SAMPLE,
                      "-o", "-"])
    c.check(rl.rc == 0, "sample, log_passwords: exit 0", rl.stderr[-300:])
    got = cred_alerts(rl)
    want_logged = [dict(w, **{"credentials.password": w["log_passwords"]}) for w in want]
    compare(c, "sample, log_passwords", want_logged, got, skip=("log_passwords",))
    for pw in passwords:
        n = rl.stdout.count(pw)
        c.check(n == sum(1 for w in want if w["log_passwords"] == pw),
                "sample, log_passwords: %r appears only in its credentials.password" % pw,
                "%d times" % n)


def read_facts(name):
    path = os.path.join(SHARED, "pcaps", "expected", name + ".facts")
    if not os.path.exists(path):
        return None
    return [line.split() for line in open(path, encoding="utf-8") if line.strip()]


def strings(obj, path=""):
    """(dotted path, value) for every string value in a JSON object."""
    if isinstance(obj, dict):
        for k, v in obj.items():
            yield from strings(v, path + "." + k if path else k)
    elif isinstance(obj, list):
        for v in obj:
            yield from strings(v, path)
    elif isinstance(obj, str):
        yield path, obj


def leaks(value, pw):
    """pw occurs in value as a whole token (not inside a longer word: 'fail' in 'failure')."""
    pat = r"(?<![A-Za-z0-9])%s(?![A-Za-z0-9])" % re.escape(pw)
    return re.search(pat, value) is not None or re.search(pat, unquote(value)) is not None


def check_shared_file(c, binary, pdir, f, facts, log_cfg):
    r = run(binary, ["-r", os.path.join(pdir, f), "-o", "-", "-q"])
    c.check(r.rc == 0 and not r.bad_lines, "%s: exit 0, JSON lines" % f,
            "rc=%d %s" % (r.rc, r.stderr[-300:]))
    alerts = cred_alerts(r)

    want = set()
    hosts = {}
    for p in facts:
        if p[0] in FACT_PROTOCOL:
            key = (FACT_PROTOCOL[p[0]], unquote(p[1]), p[2])
            want.add(key)
            if len(p) > 3:
                hosts.setdefault(key, set()).add(unquote(p[3]))
    got = {(get(a, "credentials.protocol"), get(a, "credentials.username"), a.get("src_ip"))
           for a in alerts}
    got = {tuple(None if x is KeyError else x for x in t) for t in got}
    c.check(got == want, "%s: credentials alerts = tshark's logins (%s)" % (
        f, ", ".join("%s %s from %s" % k for k in sorted(want)) or "none"),
        "want %s got %s" % (sorted(want), sorted(got, key=str)))
    if f == "telnet_cisco_over_mpls_with_cdp.pcap":
        c.check(not any(get(a, "credentials.username") is not KeyError for a in alerts),
                "%s: no username alert (the vty asks for no password)" % f,
                repr([brief(a) for a in alerts]))

    # http: the Host (and path) tshark saw
    for a in alerts:
        key = (get(a, "credentials.protocol"), get(a, "credentials.username"), a.get("src_ip"))
        if key not in hosts:
            continue
        host = get(a, "http.hostname")
        url = get(a, "http.url")
        seen = host if key[0] == "http-basic" else "%s%s" % (host, str(url).split("?")[0])
        c.check(seen in hosts[key], "%s: %s alert for %s names %s" % (
            f, key[0], key[1], " or ".join(sorted(hosts[key]))), "got %r" % seen)

    # redaction: "<redacted>" and the file's passwords in no other field
    manifest = MANIFEST.get(f, set())
    users = {u for u, _ in manifest}
    secrets = {pw for _, pw in manifest if pw not in users}
    not_redacted = [brief(a) for a in alerts if get(a, "credentials.password") != REDACTED]
    c.check(not not_redacted, "%s: every credentials.password is <redacted>" % f,
            repr(not_redacted))
    found = set()
    for e in r.events:
        for path, value in strings(e):
            if path in ("credentials.username", "pcap_filename"):
                continue
            for pw in secrets:
                if leaks(value, pw):
                    found.add((pw, path, value[:80]))
    c.check(not found, "%s: no password (%s) in any field" % (
        f, ", ".join(sorted(secrets)) or "none besides usernames"), repr(sorted(found)))
    lengths = {len(pw) for _, pw in manifest}
    bad = [brief(a) for a in alerts if get(a, "credentials.password_length") not in lengths]
    c.check(not bad, "%s: password_length is one of the passwords' (%s)" % (
        f, ", ".join(map(str, sorted(lengths))) or "none"), repr(bad))

    if not manifest:
        return
    # log_passwords: the pairs MANIFEST.md lists, one alert per attempt
    rl = run(binary, ["-c", log_cfg, "-r", os.path.join(pdir, f), "-o", "-", "-q"])
    la = cred_alerts(rl)
    pairs = {(get(a, "credentials.username"), get(a, "credentials.password")) for a in la}
    c.check(rl.rc == 0 and pairs == manifest,
            "%s, log_passwords: (user, password) = MANIFEST.md's" % f,
            "want %s got %s" % (sorted(manifest), sorted(pairs, key=str)))
    per_flow = {}
    for a in la:
        k = (a.get("flow_id"), get(a, "credentials.username"), get(a, "credentials.password"))
        per_flow[k] = per_flow.get(k, 0) + 1
    dup = {k: n for k, n in per_flow.items() if n > 1}
    c.check(not dup, "%s, log_passwords: one alert per login on a connection" % f, repr(dup))
    if f == "http_basic_auth_browserspy.pcap":
        out = {}
        for a in la:
            out.setdefault(get(a, "credentials.password"), set()).add(
                get(a, "credentials.outcome"))
        c.check(all(out.get(p) == {"failure"} for p in ("fail", "fail2", "fail3")) and
                "success" in out.get("test", set()),
                "%s: test:fail* answered 401 are failures, test:test succeeds" % f, repr(out))


def check_shared(c, binary):
    pdir = os.path.join(SHARED, "pcaps")
    if not os.path.isdir(pdir):
        c.skip("shared captures", "%s not found (it exists in CI, not in a user's clone)" % pdir)
        return
    files = sorted(f for f in os.listdir(pdir) if f.endswith((".pcap", ".pcapng")))
    c.check(all(f in files for f in MANIFEST), "shared: the credential captures are present",
            repr(sorted(set(MANIFEST) - set(files))))
    log_cfg = write_cfg("credentials:\n  log_passwords: true\n")
    for f in files:
        facts = read_facts(f)
        if facts is None:
            c.skip(f, "no expected/%s.facts" % f)
            continue
        check_shared_file(c, binary, pdir, f, facts, log_cfg)


def main(argv):
    if len(argv) != 2:
        print(__doc__)
        return 2
    c = Checker()
    check_sample(c, argv[1])
    check_shared(c, argv[1])
    return c.finish()


if __name__ == "__main__":
    sys.exit(main(sys.argv))
