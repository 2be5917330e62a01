#!/usr/bin/env python3
"""test_sccp.py - runs the tollwatch binary on SCCP captures and checks the events.

1. The project's own sample (samples/sccp_phones.pcap with samples/sccp_toll_fraud.yaml)
   against its hand-written expected events (samples/sccp_phones.expected.json): the exact
   ordered list of alert, registration and call events; the same sample with the built-in
   defaults (empty inventory: unknown_phone off with a warning, no register_new).
2. The real captures in ../shared/pcaps (sccp_*.pcap*) against tshark's decoding
   (../shared/pcaps/expected/<file>.facts, made by oracle.sh): every RegisterReq is a
   registration event (register or register_new) with that device name and the sender as
   src_ip, every RegisterAck a register_ack event whose src_ip is the phone, every CallInfo
   party pair a call event, and nothing more. Secure SCCP (TLS on 2443) must give nothing.
   With the defaults unknown_phone is off, and wan_sccp fires only for phones outside
   RFC 1918. Skipped, with a message, when ../shared is absent (a user's clone).
3. The phone inventory on a real registration: listed (by name or by MAC) = no alert,
   not listed = exactly one unknown_phone alert naming the device, src = the phone.

usage: test_sccp.py TOLLWATCH_BINARY
"""
import ipaddress
import json
import os
import sys
import tempfile
from urllib.parse import unquote

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from twtest import SHARED, SOURCE, Checker, comparable, get, run  # noqa: E402

LOGGED = ("alert", "registration", "call")
SAMPLE = os.path.join(SOURCE, "samples", "sccp_phones.pcap")
SAMPLE_CFG = os.path.join(SOURCE, "samples", "sccp_toll_fraud.yaml")
TLS_CAPTURE = "sccp_secure_mtp_over_tls2443_null_cipher.pcapng"
RFC1918 = [ipaddress.ip_network(n) for n in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16")]


def logged(r):
    return [e for e in r.events if e.get("event_type") in LOGGED]


def brief(e):
    """A one-line summary of an event for failure messages."""
    t = e.get("event_type")
    if t == "alert":
        what = e["alert"].get("detector")
    elif t == "registration":
        what = "%s %s" % (get(e, "sccp.action"), get(e, "sccp.device_name"))
    else:
        what = "%s -> %s" % (get(e, "call.calling_number"), get(e, "call.called_number"))
    return "%s %s %s %s" % (e.get("timestamp"), t, what, e.get("src_ip"))


def outside_lan(ip):
    a = ipaddress.ip_address(ip)
    return not any(a in n for n in RFC1918)


def check_sample(c, binary):
    exp = json.load(open(os.path.join(SOURCE, "samples", "sccp_phones.expected.json")))
    r = run(binary, ["-c", SAMPLE_CFG, "-r", SAMPLE, "-o", "-"])
    c.check(r.rc == 0, "sample: exit status 0", "rc=%d stderr=%s" % (r.rc, r.stderr[-300:]))
    c.check(not r.bad_lines, "sample: every output line is JSON", repr(r.bad_lines[:2]))
    got = logged(r)
    want = exp["events"]
    c.check(len(got) == len(want), "sample: %d alert/registration/call events" % len(want),
            "got %d:\n  %s" % (len(got), "\n  ".join(brief(e) for e in got)))
    for i, (w, g) in enumerate(zip(want, got)):
        bad = {k: (v, get(g, k)) for k, v in w.items() if get(g, k) != v}
        label = w.get("alert.detector") or w.get("sccp.action") or w.get("call.called_number")
        c.check(not bad, "sample: event %d (%s %s)" % (i, w["event_type"], label),
                "want/got " + repr(bad))
    others = {e.get("event_type") for e in r.events} - set(LOGGED) - {"stats"}
    c.check(not others, "sample: no other event types", repr(sorted(others)))
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
    cfg3 = os.path.join(tempfile.mkdtemp(prefix="tw-sccp-"), "workers3.yaml")
    with open(cfg3, "w") as fh:
        fh.write(open(SAMPLE_CFG).read() + "capture:\n  workers: 3\n")
    r2 = run(binary, ["-c", cfg3, "-r", SAMPLE, "-o", "-"])
    r3 = run(binary, ["-c", SAMPLE_CFG, "-r", SAMPLE, "-o", "-"])
    c.check(r2.rc == 0 and r.stdout == r3.stdout and
            comparable(r.events) == comparable(r2.events),
            "sample: output is deterministic (again, and with 3 workers)", r2.stderr[-300:])

    # The built-in defaults: inventory empty, LAN = RFC 1918.
    r = run(binary, ["-r", SAMPLE, "-o", "-"])
    c.check(r.rc == 0, "sample, defaults: exit 0", r.stderr[-300:])
    c.check("unknown_phone" in r.stderr and "inventory is empty" in r.stderr,
            "sample, defaults: startup warning that unknown_phone is off", r.stderr[-300:])
    c.check(not r.alerts("unknown_phone"), "sample, defaults: no unknown_phone alert",
            repr([brief(a) for a in r.alerts("unknown_phone")]))
    wan = r.alerts("wan_sccp")
    c.check(len(wan) == 1 and wan[0]["src_ip"] == "198.51.100.77",
            "sample, defaults: one wan_sccp alert, from 198.51.100.77",
            repr([brief(a) for a in wan]))
    actions = [get(e, "sccp.action") for e in r.of_type("registration")]
    c.check("register_new" not in actions and actions.count("register") == 3,
            "sample, defaults: three plain registers, no register_new", repr(actions))
    c.check(len(r.of_type("call")) == 1, "sample, defaults: the call event",
            repr([brief(e) for e in r.of_type("call")]))


def read_facts(name):
    path = os.path.join(SHARED, "pcaps", "expected", name + ".facts")
    facts = []
    for line in open(path, encoding="utf-8"):
        facts.append(line.split())
    return facts


def val(tok):
    """A fact token as a value: '-' absent (None), '<empty>' the empty string."""
    if tok == "-":
        return None
    return "" if tok == "<empty>" else unquote(tok)


def check_shared(c, binary):
    pdir = os.path.join(SHARED, "pcaps")
    if not os.path.isdir(pdir):
        c.skip("shared captures", "%s not found (it exists in CI, not in a user's clone)" % pdir)
        return
    files = sorted(f for f in os.listdir(pdir)
                   if f.startswith("sccp_") and f.endswith((".pcap", ".pcapng")))
    c.check(len(files) > 0, "shared: SCCP captures present", pdir)
    for f in files:
        r = run(binary, ["-r", os.path.join(pdir, f), "-o", "-", "-q"])
        c.check(r.rc == 0, "%s: exit 0" % f, "rc=%d %s" % (r.rc, r.stderr[-300:]))
        c.check(not r.bad_lines and len(r.of_type("stats")) >= 1,
                "%s: JSON lines and a final stats event" % f)
        facts = read_facts(f)
        regs = r.of_type("registration")
        calls = r.of_type("call")
        c.check(not r.alerts("unknown_phone"), "%s: unknown_phone is off by default" % f,
                repr([brief(a) for a in r.alerts("unknown_phone")]))
        if f == TLS_CAPTURE:
            # tshark reads this NULL-cipher TLS; a passive sensor parsing cleartext SCCP cannot.
            c.check(not regs and not calls and not r.alerts(),
                    "%s: nothing from Skinny inside TLS" % f,
                    repr([brief(e) for e in logged(r)]))
            continue

        want_reg = {(val(p[1]), val(p[2])) for p in facts if p[0] == "sccp.register"}
        got_reg = [(get(e, "sccp.device_name"), e.get("src_ip")) for e in regs
                   if get(e, "sccp.action") in ("register", "register_new")]
        c.check(set(got_reg) == want_reg,
                "%s: Register events = tshark's RegisterReq (device, sender)" % f,
                "want %s got %s" % (sorted(want_reg), sorted(got_reg)))
        c.check(len(got_reg) == len(set(got_reg)), "%s: one event per Register" % f,
                repr(got_reg))

        want_ack = {val(p[1]) for p in facts if p[0] == "sccp.register_ack"}
        got_ack = [e.get("src_ip") for e in regs if get(e, "sccp.action") == "register_ack"]
        c.check(set(got_ack) == want_ack,
                "%s: register_ack events, src = the phone the ack went to" % f,
                "want %s got %s" % (sorted(want_ack), sorted(got_ack)))
        named = [e for e in regs if not get(e, "sccp.device_name")]
        c.check(not named, "%s: every registration event names its device" % f,
                repr([brief(e) for e in named]))

        want_call = {(val(p[2]), val(p[3])) for p in facts if p[:2] == ["call", "skinny"]}
        got_call = [(get(e, "call.called_number"), get(e, "call.calling_number")) for e in calls]
        got_call = [tuple(None if x is KeyError else x for x in t) for t in got_call]
        c.check(set(got_call) == want_call,
                "%s: call events = tshark's CallInfo (called, calling)" % f,
                "want %s got %s" % (sorted(want_call, key=str), sorted(got_call, key=str)))
        c.check(all(get(e, "call.protocol") == "sccp" for e in calls),
                "%s: call.protocol is sccp" % f)

        # Phone-side addresses tshark saw: Register senders, ack and DialedNumber receivers.
        phones = {ip for _, ip in want_reg} | want_ack
        phones |= {val(p[2]) for p in facts if p[0] == "sccp.dialed"}
        wan_phones = {ip for ip in phones if ip and outside_lan(ip)}
        got_wan = {a["src_ip"] for a in r.alerts("wan_sccp")}
        c.check(got_wan == wan_phones and all(outside_lan(ip) for ip in got_wan),
                "%s: wan_sccp only for phones outside RFC 1918 (%s)" % (
                    f, ", ".join(sorted(wan_phones)) or "none"),
                "got %s" % sorted(got_wan))


def check_inventory(c, binary):
    cap = os.path.join(SHARED, "pcaps", "sccp_phone_register_sep002155d548ac.pcapng")
    if not os.path.exists(cap):
        c.skip("inventory on a real registration", "%s not found" % cap)
        return
    tmp = tempfile.mkdtemp(prefix="tw-sccp-")
    cases = [("listed by name", "[SEP002155D548AC]", 0),
             ("listed by MAC", "['00:21:55:d5:48:ac']", 0),
             ("not listed", "[SEP001122334455, SEP003094C38724]", 1)]
    for i, (what, inv, n) in enumerate(cases):
        cfg = os.path.join(tmp, "inv%d.yaml" % i)
        with open(cfg, "w") as fh:
            fh.write("phones:\n  inventory: %s\n" % inv)
        r = run(binary, ["-c", cfg, "-r", cap, "-o", "-", "-q"])
        c.check(r.rc == 0, "inventory %s: exit 0" % what, r.stderr[-300:])
        al = r.alerts("unknown_phone")
        c.check(len(al) == n, "inventory %s: %d unknown_phone alert(s)" % (what, n),
                repr([brief(a) for a in al]))
        actions = [get(e, "sccp.action") for e in r.of_type("registration")
                   if get(e, "sccp.device_name") == "SEP002155D548AC"]
        first = "register_new" if n else "register"
        c.check(actions[:1] == [first], "inventory %s: registration action %s" % (what, first),
                repr(actions))
        if n and al:
            a = al[0]
            c.check(get(a, "sccp.device_name") == "SEP002155D548AC" and
                    a["src_ip"] == "10.10.224.5" and a["dest_ip"] == "10.10.223.10" and
                    a["dest_port"] == 2000,
                    "inventory %s: the alert names SEP002155D548AC from 10.10.224.5" % what,
                    json.dumps(a))
            c.check(get(a, "alert.signature_id") == 9100001 and get(a, "alert.severity") == 2,
                    "inventory %s: sid 9100001, severity 2" % what)
            c.check(get(a, "sccp.station_ip") == "14.50.224.5" and
                    get(a, "sccp.device_type") == 30006 and
                    get(a, "sccp.protocol_version") == 20 and
                    get(a, "sccp.message") == "RegisterMessage",
                    "inventory %s: the sccp object as tshark decodes the Register" % what,
                    json.dumps(a.get("sccp")))


def check_end_of_input(c, binary):
    """A capture that stops while a phone is registered is not an abnormal unregistration."""
    import struct
    import tempfile
    data = open(os.path.join(SOURCE, "samples", "sccp_phones.pcap"), "rb").read()
    head, off, recs = data[:24], 24, []
    while off < len(data):
        incl = struct.unpack("<I", data[off + 8:off + 12])[0]
        recs.append(data[off:off + 16 + incl])
        off += 16 + incl
    path = os.path.join(tempfile.mkdtemp(prefix="tw-sccp-"), "first12.pcap")
    with open(path, "wb") as fh:
        fh.write(head + b"".join(recs[:12]))  # phone 1 has registered; nothing ended yet
    r = run(binary, ["-c", os.path.join(SOURCE, "samples", "sccp_toll_fraud.yaml"), "-r", path,
                     "-o", "-", "-q"])
    actions = [e["sccp"]["action"] for e in r.of_type("registration")]
    c.check(r.rc == 0 and actions == ["register", "register_ack"],
            "end of input: still registered, no unregister_abnormal", repr(actions))


def main(argv):
    if len(argv) != 2:
        print(__doc__)
        return 2
    c = Checker()
    check_sample(c, argv[1])
    check_shared(c, argv[1])
    check_inventory(c, argv[1])
    check_end_of_input(c, argv[1])
    return c.finish()


if __name__ == "__main__":
    sys.exit(main(sys.argv))
