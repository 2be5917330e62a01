#!/usr/bin/env python3
"""gen_samples.py - builds tollwatch's own sample captures, byte by byte.

The project's samples are made here, not copied from elsewhere, so that every
expected event in samples/*.expected.json can be checked against the intent
written below. Standard library only.

usage: gen_samples.py [OUTDIR]      (default: the folder of this script)

snmp_default_community.pcap (Ethernet, microsecond pcap), in time order:
  t=0     10.1.1.5:40001 -> 10.1.1.1:161  v2c get-request  community "public"   -> alert sev 2
  t=0.01  10.1.1.1:161 -> 10.1.1.5:40001  v2c get-response community "public"   (same manager/agent: deduplicated)
  t=1     10.1.1.5:40002 -> 10.1.1.1:161  v1 set-request   community "private"  -> alert sev 1
  t=2     10.1.1.6:40003 -> 10.1.1.1:161  v2c get-request  community "Xq7-strong-Comm" (not weak: no alert)
  t=3     10.1.1.5:40004 -> 10.1.1.1:161  v3 get-request, user "opsuser"         (v3: no alert)
  t=4     VLAN 20: 10.2.0.9:40005 -> 10.2.0.1:161 v2c get-request "cisco"      -> alert sev 2, vlan [20]
  t=5     [2001:db8::5]:40006 -> [2001:db8::1]:161 v2c getnext "<empty>"       -> alert sev 2
  t=6     10.1.1.7:40007 -> 10.1.1.1:161 v2c get "ILMI", in two IPv4 fragments -> alert sev 2
  t=7     10.1.1.1:40008 -> 10.9.9.9:162  v1 trap "public" (agent 10.1.1.1)     -> alert sev 2
  t=8     10.1.1.5:40009 -> 10.1.1.1:161  garbage bytes (not BER)               (no alert)
  t=9     10.1.1.5:40001 -> 10.1.1.1:161  v2c get "public" again (within 300 s) (deduplicated)
  t=400   10.1.1.5:40001 -> 10.1.1.1:161  v2c get "public" (after 300 s)        -> alert sev 2
"""
import os
import struct
import sys

# ---- BER ------------------------------------------------------------------


def tlv(tag, value):
    n = len(value)
    if n < 0x80:
        length = bytes([n])
    elif n < 0x100:
        length = bytes([0x81, n])
    else:
        length = bytes([0x82, n >> 8, n & 0xFF])
    return bytes([tag]) + length + value


def integer(v):
    out = v.to_bytes(8, "big", signed=True).lstrip(b"\x00")
    if not out or out[0] & 0x80:
        out = b"\x00" + out
    return tlv(0x02, out)


def octets(s):
    return tlv(0x04, s if isinstance(s, bytes) else s.encode())


def null():
    return b"\x05\x00"


def oid(text):
    parts = [int(x) for x in text.split(".")]
    body = bytes([parts[0] * 40 + parts[1]])
    for p in parts[2:]:
        enc = [p & 0x7F]
        p >>= 7
        while p:
            enc.append(0x80 | (p & 0x7F))
            p >>= 7
        body += bytes(reversed(enc))
    return tlv(0x06, body)


def seq(*items):
    return tlv(0x30, b"".join(items))


def varbinds(*oids):
    return seq(*[seq(oid(o), null()) for o in oids])


def pdu(tag, request_id, *oids, value=None):
    vb = varbinds(*oids) if value is None else seq(seq(oid(oids[0]), value))
    return tlv(0xA0 | tag, integer(request_id) + integer(0) + integer(0) + vb)


def snmp_v1v2(version, community, body):
    return seq(integer(version), octets(community), body)


def snmp_v1_trap(community):
    trap = tlv(0xA4, oid("1.3.6.1.4.1.9") + tlv(0x40, bytes([10, 1, 1, 1])) + integer(6) +
               integer(1) + tlv(0x43, b"\x01\x00") + varbinds("1.3.6.1.2.1.1.3.0"))
    return seq(integer(0), octets(community), trap)


def snmp_v3_get(user):
    usm = seq(octets(b"\x80\x00\x1f\x88\x80\x01\x02\x03\x04"), integer(3), integer(1000),
              octets(user), octets(b""), octets(b""))
    header = seq(integer(4242), integer(65507), octets(b"\x04"), integer(3))
    scoped = seq(octets(b"\x80\x00\x1f\x88\x80\x01\x02\x03\x04"), octets(b""),
                 pdu(0, 77, "1.3.6.1.2.1.1.1.0"))
    return seq(integer(3), header, octets(usm), scoped)


# ---- packets ----------------------------------------------------------------


def csum(data):
    if len(data) % 2:
        data += b"\x00"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def ip4(a):
    return bytes(int(x) for x in a.split("."))


def ip6(a):
    import ipaddress
    return ipaddress.IPv6Address(a).packed


def ipv4_header(src, dst, proto, payload_len, ident=1, frag=0):
    h = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + payload_len, ident, frag, 64, proto, 0,
                    ip4(src), ip4(dst))
    return h[:10] + struct.pack("!H", csum(h)) + h[12:]


def udp(sport, dport, payload):
    return struct.pack("!HHHH", sport, dport, 8 + len(payload), 0) + payload


def eth(payload, ethertype=0x0800, vlan=None):
    hdr = b"\x00\x11\x22\x33\x44\x55" + b"\x00\x66\x77\x88\x99\xaa"
    if vlan is not None:
        hdr += struct.pack("!HH", 0x8100, vlan)
    return hdr + struct.pack("!H", ethertype) + payload


def udp4(src, sport, dst, dport, payload, vlan=None):
    u = udp(sport, dport, payload)
    return eth(ipv4_header(src, dst, 17, len(u)) + u, vlan=vlan)


def udp6(src, sport, dst, dport, payload):
    u = udp(sport, dport, payload)
    h = struct.pack("!IHBB16s16s", 0x60000000, len(u), 17, 64, ip6(src), ip6(dst))
    return eth(h + u, ethertype=0x86DD)


def udp4_fragments(src, sport, dst, dport, payload, ident):
    u = udp(sport, dport, payload)
    cut = 16  # first fragment: 8 bytes UDP header + 8 bytes of SNMP (multiple of 8)
    first = ipv4_header(src, dst, 17, cut, ident, 0x2000) + u[:cut]
    second = ipv4_header(src, dst, 17, len(u) - cut, ident, cut // 8) + u[cut:]
    return [eth(first), eth(second)]


def write_pcap(path, frames):
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
        for ts, frame in frames:
            sec = int(ts)
            usec = int(round((ts - sec) * 1e6))
            f.write(struct.pack("<IIII", sec, usec, len(frame), len(frame)))
            f.write(frame)


BASE = 1795000000  # 2026-11-18T11:06:40Z


def snmp_sample():
    m, a = "10.1.1.5", "10.1.1.1"
    frames = [
        (0.0, udp4(m, 40001, a, 161, snmp_v1v2(1, "public", pdu(0, 1001, "1.3.6.1.2.1.1.5.0")))),
        (0.01, udp4(a, 161, m, 40001, snmp_v1v2(1, "public", pdu(2, 1001, "1.3.6.1.2.1.1.5.0",
                                                                 value=octets("cme-router"))))),
        (1.0, udp4(m, 40002, a, 161, snmp_v1v2(0, "private", pdu(3, 1002, "1.3.6.1.2.1.1.5.0",
                                                                 value=octets("pwned"))))),
        (2.0, udp4("10.1.1.6", 40003, a, 161,
                   snmp_v1v2(1, "Xq7-strong-Comm", pdu(0, 1003, "1.3.6.1.2.1.1.1.0")))),
        (3.0, udp4(m, 40004, a, 161, snmp_v3_get("opsuser"))),
        (4.0, udp4("10.2.0.9", 40005, "10.2.0.1", 161,
                   snmp_v1v2(1, "cisco", pdu(0, 1005, "1.3.6.1.2.1.1.1.0")), vlan=20)),
        (5.0, udp6("2001:db8::5", 40006, "2001:db8::1", 161,
                   snmp_v1v2(1, "", pdu(1, 1006, "1.3.6.1.2.1.1")))),
    ]
    f1, f2 = udp4_fragments("10.1.1.7", 40007, a, 161,
                            snmp_v1v2(1, "ILMI", pdu(0, 1007, "1.3.6.1.2.1.1.1.0")), 0x4242)
    frames += [(6.0, f1), (6.001, f2)]
    frames += [
        (7.0, udp4(a, 40008, "10.9.9.9", 162, snmp_v1_trap("public"))),
        (8.0, udp4(m, 40009, a, 161, b"\xde\xad\xbe\xef not snmp at all")),
        (9.0, udp4(m, 40001, a, 161, snmp_v1v2(1, "public", pdu(0, 1009, "1.3.6.1.2.1.1.5.0")))),
        (400.0, udp4(m, 40001, a, 161, snmp_v1v2(1, "public", pdu(0, 1010, "1.3.6.1.2.1.1.5.0")))),
    ]
    return [(BASE + t, fr) for t, fr in frames]


def main(argv):
    out = argv[1] if len(argv) > 1 else os.path.dirname(os.path.abspath(__file__))
    write_pcap(os.path.join(out, "snmp_default_community.pcap"), snmp_sample())
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
