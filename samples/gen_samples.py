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

sccp_phones.pcap (Ethernet, microsecond pcap; run with samples/sccp_toll_fraud.yaml: networks.lan
[10.0.0.0/8], phones.inventory [SEP001122334455, 0011.2233.44AA]). CME 10.10.0.1:2000. Full TCP
sessions (handshake, data with consistent seq/ack, FIN both ways or RST), SCCP framed as Wireshark's
packet-skinny.c reads it (LE length = 4 + body, LE header version, LE message id):
  A  known phone SEP001122334455 (7962) 10.10.0.21:50021, LAN:
  t=1     Register (Basic header)              -> registration "register"
  t=1.01  RegisterAck                          -> registration "register_ack"
  t=5     OffHook; CallState OffHook (V22 headers from here on, callReference 0x01000001)
  t=6..9.25  KeypadButton 9 0 1 1 8 7 6 5 5 5 0 1 2 3
  t=10    DialedNumber 90118765550123; CallState Proceed; CallInfoV2 outbound, calling 2001,
          called 90118765550123
  t=11    CallState RingOut; t=17.5 CallState Connected (answer)
  t=55.5  CallState OnHook (the far end hung up) -> call event, 38 s of talk
  t=60    Unregister; UnregisterAck; FIN both ways   -> registration "unregister"
  B  unknown phone SEP00AABBCCDDEE (7970) 10.10.0.66:50066, LAN, not in the inventory:
  t=20    Register -> unknown_phone alert, registration "register_new"; t=20.01 RegisterAck
  t=50    KeepAlive / KeepAliveAck
  t=70    the phone resets the connection (RST), no Unregister -> "unregister_abnormal"
  C  known phone SEP0011223344AA (7942) 198.51.100.77:49152 (RFC 5737 documentation net: the WAN),
     a stolen identity registering from outside:
  t=30    Register -> wan_sccp alert (once for the connection), registration "register"
  t=30.01 RegisterAck; t=40 KeepAlive / KeepAliveAck
  t=80    Unregister; UnregisterAck; FIN both ways  -> registration "unregister"

toll_fraud_calls.pcap (Ethernet, microsecond pcap; run with samples/toll_fraud.yaml: LAN
10.20.0.0/16, CME and H.323 gateway 10.20.0.1, dial plan 9 / 1 / 011 / country 1, patterns
samples/toll_fraud_after_hours.conf = the guide's 24 patterns with ".1900 7-24" and the schedule
"day Wed 19:00 07:00", "day Sat 00:00 23:59", "date Dec 25 00:00 23:59", timezone
America/New_York, which is EST = UTC-5 on every date below). Each H.225.0 call is its own TCP
connection endpoint -> 10.20.0.1:1720 (handshake 0.2 s before the Setup): TPKT + Q.931 Setup
(Bearer capability, Calling 0x6C, Called 0x70, User-user 0x7E with an aligned-PER Setup-UUIE:
protocolIdentifier 0.0.8.2250.0.4, sourceInfo terminal, conferenceID, create, pointToPoint,
sourceCallSignalAddress, callIdentifier), Call Proceeding +0.05 s, Alerting +1 s, Connect +6 s
(all from the gateway), Release Complete with Cause 16 from the endpoint, FIN both ways.
Local (New York) time, UTC, caller -> called, expected alerts:
  A  Wed 18 Nov 10:15  15:15Z      H.225 10.20.1.22:11001 2002 -> 918765550199, talk 75 s
        business hours: high_risk_destination (+1876) only
  B  Wed 10:30         15:30Z      H.225 10.20.1.21:11002 2001 -> 919005550000, talk 42 s
        toll_fraud_pattern .1900 (7-24, after_hours false) + high_risk_destination (+1900)
  C  Wed 23:30         Thu 04:30Z  H.225 10.20.1.21:11003 2001 -> 918765550123, talk 300 s
        toll_fraud_pattern .1876 (after_hours true) + high_risk_destination (+1876)
  D  Wed 23:45         Thu 04:45Z  SCCP phone SEP001E4A3B2C1D (7962, in the inventory)
        10.20.1.23:51023 -> 10.20.0.1:2000, line 2003 (LineStat): registers at 23:44, OffHook
        23:44:54.5, keys 9011882161234567, DialedNumber at 23:45:00, CallInfoV2 2003 -> the
        same, Connected +13 s, OnHook +133 s, Unregister +150 s
        high_risk_destination (+882 16 Thuraya, satellite) only: no NANP pattern matches 9011...
  E  Wed 23:50         Thu 04:50Z  H.225 10.20.1.26:11004 2006 -> 2005 (an extension), talk 20 s
        no alert
  F  Wed 23:55         Thu 04:55Z  H.225 10.20.1.26:11005 2006 -> 912125550100 (New York), 60 s
        no alert (domestic, no pattern, not a high-risk prefix)
  G  Thu 19 Nov 06:50  11:50Z      H.225 10.20.1.22:11006 2002 -> 918765550142, talk 90 s
        still Wednesday's night window: toll_fraud_pattern .1876 + high_risk_destination
  H  Thu 07:10         12:10Z      H.225 10.20.1.22:11007 2002 -> 918765550143, talk 30 s
        the window ended at 07:00: high_risk_destination only
  I  Sat 21 Nov 14:00  19:00Z      H.225 10.20.1.24:11008 2004 -> 919005551234, talk 180 s,
        the Setup-UUIE also carries sourceAddress/destinationAddress dialledDigits
        toll_fraud_pattern .1900 (after_hours true) + high_risk_destination (+1900)
  J  Fri 25 Dec 12:00  17:00Z      H.225 10.20.1.21:11009 2001 -> 918095550100, talk 240 s
        Christmas Day: toll_fraud_pattern .1809 + high_risk_destination (+1809)
Every call gives one call event when it ends (Release Complete; SCCP OnHook).

cleartext_logins.pcap (Ethernet, microsecond pcap; built-in defaults). LAN 10.30.0.0/16, the CME
router 10.30.0.1 (Telnet vty on 23, the CME GUI on 80). Full TCP sessions, one after the other:
  A  IOS Telnet, character mode with server echo, 10.30.0.50:50123 -> 10.30.0.1:23, t=1:
     the router offers WILL ECHO, WILL SGA, DO TTYPE, DO NAWS; the client agrees (DO ECHO, DO SGA,
     WILL NAWS + SB NAWS 80x24, WONT TTYPE); banner "User Access Verification", "Username: ";
     the client types one character per segment (echoed by the router), Enter = CR NUL:
     admin / wrongpass (not echoed)  -> t=6.0 "% Login invalid": failure, attempt 1
     admin / Cisco123                -> t=12.0 "CME>": success, attempt 2
     enable, "Password: ", EnablePw! -> t=17.0 "CME#": enable password, success
     exit; the router closes the connection (FIN from 10.30.0.1).
  B  IOS Telnet, line mode, password-only vty login ("line vty 0 4" / "password"),
     10.30.0.51:50201 -> 10.30.0.1:23, t=30: the client refuses the options (DONT ECHO,
     DONT SGA, WONT TTYPE, WONT NAWS), the router answers WONT ECHO, WONT SGA; "Password: ";
     the client sends the line "vtypass" CR LF in one segment -> t=32.0 "CME>": success, no user;
     exit.
  C  HTTP Basic to the CME GUI, one keep-alive connection 10.30.0.60:50301 -> 10.30.0.1:80, t=40:
     GET /ccme.html, Authorization: Basic cme:nope   -> t=41.01 401 (realm level_15_access): failure
     GET /ccme.html, Authorization: Basic cme:cmegui -> t=43.01 200: success, attempt 2
     GET /ephone.html with the same header           -> t=45.01 200: the same attempt, no alert.
  D  HTML form login, 10.30.0.61:50401 -> 10.30.0.1:80, t=50: POST /login.html, the headers and the
     urlencoded body "username=admin&password=Passw0rd%21&submit=Login" in two segments
     -> t=51.01 302 Location /index.html: success; then GET /index.html (session cookie) -> 200.
  E  Plain pages, 10.30.0.62:50501 -> 10.30.0.1:80, t=60: GET /index.html 200, GET /favicon.ico
     404; no credentials, no alert.
Expected: 7 cleartext_credentials alerts, src = the client each time (A failure, A success,
A enable, B password-only, C failure, C success, D success); no password anywhere else.
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


# ---- TCP and SCCP ---------------------------------------------------------


def mac(text):
    return bytes(int(x, 16) for x in text.split(":"))


CME_MAC = "00:0b:45:9e:c9:4c"


def tcp4(src, sport, dst, dport, seq, ack, flags, payload=b"", smac=None, dmac=None, ident=1):
    hdr = struct.pack("!HHIIBBHHH", sport, dport, seq, ack, 5 << 4, flags, 65535, 0, 0)
    pseudo = ip4(src) + ip4(dst) + struct.pack("!BBH", 0, 6, len(hdr) + len(payload))
    c = csum(pseudo + hdr + payload)
    seg = hdr[:16] + struct.pack("!H", c) + hdr[18:] + payload
    frame = mac(dmac) + mac(smac) + struct.pack("!H", 0x0800)
    return frame + ipv4_header(src, dst, 6, len(seg), ident) + seg


FIN, SYN, RST, PSH, ACK = 0x01, 0x02, 0x04, 0x08, 0x10


class TcpSession:
    """One TCP connection, client = phone, server = CME; frames are (time, bytes)."""

    def __init__(self, cli, cport, cmac, srv, sport, isn_c, isn_s):
        self.ends = [(cli, cport, cmac), (srv, sport, CME_MAC)]
        self.seq = [isn_c, isn_s]
        self.ident = [0x1000 + cport % 0x1000, 0x8000 + cport % 0x1000]
        self.frames = []

    def _send(self, t, side, flags, payload=b""):
        (src, sp, sm), (dst, dp, dm) = self.ends[side], self.ends[1 - side]
        ack = self.seq[1 - side] if flags & ACK else 0
        self.ident[side] += 1
        self.frames.append((t, tcp4(src, sp, dst, dp, self.seq[side], ack, flags, payload,
                                    sm, dm, self.ident[side] & 0xFFFF)))
        self.seq[side] = (self.seq[side] + len(payload) + (1 if flags & (SYN | FIN) else 0)) \
            & 0xFFFFFFFF

    def handshake(self, t):
        self._send(t, 0, SYN)
        self._send(t + 0.0005, 1, SYN | ACK)
        self._send(t + 0.001, 0, ACK)

    def data(self, t, side, payload):
        self._send(t, side, PSH | ACK, payload)

    def close(self, t, side):
        """FIN from side, ACK, FIN from the other, last ACK."""
        self._send(t, side, FIN | ACK)
        self._send(t + 0.0005, 1 - side, ACK)
        self._send(t + 0.001, 1 - side, FIN | ACK)
        self._send(t + 0.0015, side, ACK)

    def reset(self, t, side):
        self._send(t, side, RST | ACK)


PHONE, CM = 0, 1  # TcpSession sides
SCCP_BASIC, SCCP_V22 = 0x00, 0x16


def sccp(msg_id, body=b"", version=SCCP_BASIC):
    return struct.pack("<III", 4 + len(body), version, msg_id) + body


def cstr(text, size):
    raw = text.encode()
    assert len(raw) < size
    return raw + b"\x00" * (size - len(raw))


def sccp_register(name, station_ip, device_type, proto_ver, mac_text, firmware, max_lines):
    # packet-skinny.c handle_RegisterMessage, data length 128 as real 79xx phones send it
    body = cstr(name, 16) + struct.pack("<II", 0, 0)          # sid: name, userid, instance
    body += ip4(station_ip)                                  # stationIpAddr (network order)
    body += struct.pack("<III", device_type, 5, 0)           # deviceType, maxStreams, activeStreams
    body += struct.pack("<BBH", proto_ver, 0, 0x0000)        # protocolVer, unknown, phoneFeatures
    body += struct.pack("<II", 1, 0)                         # maxConferences, activeConferences
    body += mac(mac_text) + b"\x00" * 6                       # macAddress in a 12-byte field
    body += struct.pack("<II", 3, max_lines)                 # ipV4AddressScope, maxNumberOfLines
    body += b"\x00" * 16 + struct.pack("<I", 0)               # stationIpV6Addr, ipV6AddressScope
    body += cstr(firmware, 32)                               # firmwareLoadName
    return sccp(0x0001, body)


def sccp_register_ack(keepalive=30):
    body = struct.pack("<I", keepalive) + cstr("M/D/Y", 6) + struct.pack("<H", 0)
    body += struct.pack("<IBBH", 60, 22, 0x20, 0)            # secondary keepalive, maxProtocolVer
    return sccp(0x0081, body)


def sccp_call_state(state, line, ref, version=SCCP_V22):
    # callState, lineInstance, callReference, privacy, precedence level and domain
    return sccp(0x0111, struct.pack("<IIIIII", state, line, ref, 0, 4, 0), version)


def sccp_dialed_number(number, line, ref, version=SCCP_V22):
    # V18+: a 25-byte dirnum; three bytes of padding at the end, as a 7962 sends it
    size = 25 if version >= 0x12 else 24
    body = cstr(number, size) + struct.pack("<II", line, ref)
    return sccp(0x011D, body + b"\x00" * (-len(body) % 4), version)


def sccp_call_info_v2(line, ref, call_type, calling, called, version=SCCP_V22):
    body = struct.pack("<IIIIIIII", line, ref, call_type, 0, 0, 1, 0, 0)
    parties = [calling, "", called, called, called, calling, called, called, called,
               "", "", "", ""]   # callingParty .. lastRedirectingPartyName
    if version >= 0x11:
        parties += ["", ""]      # HuntPilotNumber, HuntPilotName
    body += b"".join(p.encode() + b"\x00" for p in parties)
    return sccp(0x014A, body + b"\x00" * (-len(body) % 4), version)


CALL_OFFHOOK, CALL_ONHOOK, CALL_RINGOUT, CALL_CONNECTED, CALL_PROCEED = 1, 2, 3, 5, 12


def sccp_sample():
    cme, cport = "10.10.0.1", 2000
    ref = 0x01000001

    a = TcpSession("10.10.0.21", 50021, "00:11:22:33:44:55", cme, cport, 0x1A000000, 0x2A000000)
    a.handshake(0.5)
    a.data(1.0, PHONE, sccp_register("SEP001122334455", "10.10.0.21", 404, 22,
                                     "00:11:22:33:44:55", "SCCP42.9-4-2SR3-1S", 54))
    a.data(1.01, CM, sccp_register_ack())
    a.data(5.0, PHONE, sccp(0x0006, struct.pack("<II", 0, 0), SCCP_V22))        # OffHook
    a.data(5.01, CM, sccp_call_state(CALL_OFFHOOK, 1, ref))
    for i, digit in enumerate("90118765550123"):
        a.data(6.0 + 0.25 * i, PHONE, sccp(0x0003, struct.pack("<III", int(digit), 1, ref),
                                           SCCP_V22))                          # KeypadButton
    a.data(10.0, CM, sccp_dialed_number("90118765550123", 1, ref))
    a.data(10.01, CM, sccp_call_state(CALL_PROCEED, 1, ref))
    a.data(10.02, CM, sccp_call_info_v2(1, ref, 2, "2001", "90118765550123"))
    a.data(11.0, CM, sccp_call_state(CALL_RINGOUT, 1, ref))
    a.data(17.5, CM, sccp_call_state(CALL_CONNECTED, 1, ref))
    a.data(55.5, CM, sccp_call_state(CALL_ONHOOK, 1, ref))
    a.data(60.0, PHONE, sccp(0x0027, struct.pack("<I", 0), SCCP_V22))            # Unregister
    a.data(60.01, CM, sccp(0x0118, struct.pack("<I", 0), SCCP_V22))              # UnregisterAck
    a.close(60.5, PHONE)

    b = TcpSession("10.10.0.66", 50066, "00:aa:bb:cc:dd:ee", cme, cport, 0x1B000000, 0x2B000000)
    b.handshake(19.5)
    b.data(20.0, PHONE, sccp_register("SEP00AABBCCDDEE", "10.10.0.66", 30006, 20,
                                      "00:aa:bb:cc:dd:ee", "SCCP70.9-2-3S", 36))
    b.data(20.01, CM, sccp_register_ack())
    b.data(50.0, PHONE, sccp(0x0000))                                            # KeepAlive
    b.data(50.01, CM, sccp(0x0100))                                              # KeepAliveAck
    b.reset(70.0, PHONE)

    c = TcpSession("198.51.100.77", 49152, "00:11:22:33:44:aa", cme, cport, 0x1C000000,
                   0x2C000000)
    c.handshake(29.5)
    c.data(30.0, PHONE, sccp_register("SEP0011223344AA", "192.168.1.77", 434, 20,
                                      "00:11:22:33:44:aa", "SCCP42.9-4-2SR3-1S", 36))
    c.data(30.01, CM, sccp_register_ack())
    c.data(40.0, PHONE, sccp(0x0000))
    c.data(40.01, CM, sccp(0x0100))
    c.data(80.0, PHONE, sccp(0x0027, struct.pack("<I", 0)))
    c.data(80.01, CM, sccp(0x0118, struct.pack("<I", 0)))
    c.close(80.5, PHONE)

    frames = sorted(a.frames + b.frames + c.frames, key=lambda f: f[0])
    return [(BASE + t, fr) for t, fr in frames]


# ---- H.225.0 call signalling (TPKT + Q.931 + aligned PER) ----------------------


class PerBits:
    """An ASN.1 aligned-PER (X.691) bit writer: fields MSB first, padding with 0 bits."""

    def __init__(self):
        self.bits = []

    def put(self, value, n):
        self.bits += [(value >> (n - 1 - i)) & 1 for i in range(n)]

    def align(self):
        self.bits += [0] * (-len(self.bits) % 8)

    def octets(self, raw):
        self.align()
        for byte in raw:
            self.put(byte, 8)

    def length(self, n):
        """An unconstrained length determinant, octet-aligned (n < 128 here)."""
        assert n < 128
        self.octets(bytes([n]))

    def open_type(self, raw):
        self.length(len(raw))
        self.octets(raw)

    def encoding(self):
        """A complete encoding: padded to whole octets, at least one octet."""
        self.align()
        bits = self.bits or [0] * 8
        return bytes(int("".join(map(str, bits[i:i + 8])), 2) for i in range(0, len(bits), 8))


def per_extensions(w, count, present):
    """Extension additions: the bit map of the first `count` additions, then each present one
    (index -> complete encoding) as an open type."""
    w.put(0, 1)                    # normally small length, count - 1 <= 63
    w.put(count - 1, 6)
    for i in range(count):
        w.put(1 if i in present else 0, 1)
    for i in sorted(present):
        w.open_type(present[i])


def per_boolean(value):
    w = PerBits()
    w.put(1 if value else 0, 1)
    return w.encoding()


def per_protocol_id(w):
    """ProtocolIdentifier 0.0.8.2250.0.4 (H.225.0 version 4): length + BER contents."""
    body = oid("0.0.8.2250.0.4")[2:]
    w.length(len(body))
    w.octets(body)


def per_call_identifier(guid):
    w = PerBits()
    w.put(0, 1)                    # CallIdentifier extension bit
    w.octets(guid)                 # guid OCTET STRING (SIZE(16))
    return w.encoding()


def per_transport_ip(addr, port):
    """TransportAddress ipAddress {ip, port} as a complete encoding."""
    w = PerBits()
    w.put(0, 1)                    # CHOICE extension bit
    w.put(0, 3)                    # ipAddress (0 of 7)
    w.octets(ip4(addr))
    w.octets(struct.pack("!H", port))
    return w.encoding()


DIALLED_ALPHABET = "#*,0123456789"   # FROM ("0123456789#*,"), in code order


def per_aliases_dialled(w, numbers):
    """SEQUENCE OF AliasAddress, each dialledDigits IA5String (SIZE(1..128))."""
    w.length(len(numbers))
    for n in numbers:
        w.put(0, 1)                # AliasAddress extension bit
        w.put(0, 1)                # dialledDigits (0 of 2)
        w.put(len(n) - 1, 7)       # length 1..128
        w.align()
        for ch in n:               # 4 bits a character: the index in the alphabet
            w.put(DIALLED_ALPHABET.index(ch), 4)


def per_endpoint_type(w, kind):
    """EndpointType with only `kind` ('terminal' or 'gateway'), mc and undefinedNode FALSE."""
    w.put(0, 1)                    # extension bit
    # nonStandardData, vendor, gatekeeper, gateway, mcu, terminal
    w.put(0b000100 if kind == "gateway" else 0b000001, 6)
    if kind == "gateway":
        w.put(0, 1)                # GatewayInfo extension bit
        w.put(0, 2)                # protocol, nonStandardData absent
    else:
        w.put(0, 1)                # TerminalInfo extension bit
        w.put(0, 1)                # nonStandardData absent
    w.put(0, 1)                    # mc
    w.put(0, 1)                    # undefinedNode


H225_SETUP, H225_CALL_PROCEEDING, H225_CONNECT, H225_ALERTING = 0, 1, 2, 3
H225_RELEASE_COMPLETE = 5


def h323_user_information(body, uuie):
    """H323-UserInformation { h323-uu-pdu { body, h245Tunnelling FALSE } }."""
    w = PerBits()
    w.put(0, 1)                    # H323-UserInformation extension bit
    w.put(0, 1)                    # user-data absent
    w.put(1, 1)                    # H323-UU-PDU: extension additions present
    w.put(0, 1)                    # nonStandardData absent
    w.put(0, 1)                    # h323-message-body: a root alternative
    w.put(body, 3)                 # ... of 7
    uuie(w)
    # additions: h4501SupplementaryService (absent), h245Tunnelling FALSE
    per_extensions(w, 2, {1: per_boolean(False)})
    return w.encoding()


def setup_uuie(conf_id, call_id, src_ip, src_port, aliases=None):
    """Setup-UUIE: protocolIdentifier, sourceInfo terminal, activeMC FALSE, conferenceID,
    conferenceGoal create, callType pointToPoint; additions sourceCallSignalAddress,
    callIdentifier, mediaWaitForConnect, canOverlapSend, multipleCalls, maintainConnection
    FALSE. aliases = (source, destination) dialledDigits, optional."""
    def enc(w):
        w.put(1, 1)                # extension additions present
        # h245Address, sourceAddress, destinationAddress, destCallSignalAddress,
        # destExtraCallInfo, destExtraCRV, callServices
        w.put(0b0110000 if aliases else 0, 7)
        per_protocol_id(w)
        if aliases:
            per_aliases_dialled(w, [aliases[0]])
        per_endpoint_type(w, "terminal")
        if aliases:
            per_aliases_dialled(w, [aliases[1]])
        w.put(0, 1)                # activeMC
        w.octets(conf_id)          # conferenceID OCTET STRING (SIZE(16))
        w.put(0, 1)                # conferenceGoal extension bit
        w.put(0, 2)                # create (0 of 3)
        w.put(0, 1)                # callType extension bit
        w.put(0, 2)                # pointToPoint (0 of 4)
        # sourceCallSignalAddress 0, remoteExtensionAddress 1, callIdentifier 2,
        # h245SecurityCapability 3, tokens 4, cryptoTokens 5, fastStart 6,
        # mediaWaitForConnect 7, canOverlapSend 8, endpointIdentifier 9,
        # multipleCalls 10, maintainConnection 11
        per_extensions(w, 12, {0: per_transport_ip(src_ip, src_port),
                               2: per_call_identifier(call_id),
                               7: per_boolean(False), 8: per_boolean(False),
                               10: per_boolean(False), 11: per_boolean(False)})
    return enc


def reply_uuie(body, call_id, conf_id=None):
    """CallProceeding-, Alerting- and Connect-UUIE from a gateway (no h245Address):
    additions callIdentifier, multipleCalls FALSE, maintainConnection FALSE."""
    def enc(w):
        w.put(1, 1)                # extension additions present
        w.put(0, 1)                # h245Address absent
        per_protocol_id(w)
        per_endpoint_type(w, "gateway")    # destinationInfo
        if body == H225_CONNECT:
            w.octets(conf_id)
        # callIdentifier 0, h245SecurityMode 1, tokens 2, cryptoTokens 3, fastStart 4,
        # multipleCalls 5, maintainConnection 6
        per_extensions(w, 7, {0: per_call_identifier(call_id), 5: per_boolean(False),
                              6: per_boolean(False)})
    return enc


def release_complete_uuie(call_id):
    def enc(w):
        w.put(1, 1)                # extension additions present
        w.put(0, 1)                # reason absent (the Q.931 Cause says it)
        per_protocol_id(w)
        per_extensions(w, 1, {0: per_call_identifier(call_id)})
    return enc


Q931_ALERTING, Q931_CALL_PROCEEDING, Q931_CONNECT, Q931_SETUP = 0x01, 0x02, 0x07, 0x05
Q931_RELEASE_COMPLETE = 0x5A


def q931(msg_type, crv, from_destination, ies):
    """Q.931 (H.225.0): discriminator 08, 2-octet call reference (flag bit set when sent by
    the side that did not allocate it), message type, information elements."""
    ref = struct.pack("!H", crv | (0x8000 if from_destination else 0))
    return bytes([0x08, 0x02]) + ref + bytes([msg_type]) + ies


def q931_ie(ident, data):
    return bytes([ident, len(data)]) + data


def q931_user_user(per):
    """User-user IE 0x7E: two-octet length in H.225.0, discriminator 05 (X.208/X.209)."""
    return b"\x7e" + struct.pack("!H", 1 + len(per)) + b"\x05" + per


def tpkt(payload):
    return struct.pack("!BBH", 3, 0, 4 + len(payload)) + payload


BEARER_SPEECH = q931_ie(0x04, b"\x80\x90\xa2")   # ITU, speech; circuit 64 kbit/s; G.711 u-law
CAUSE_NORMAL_CLEARING = q931_ie(0x08, b"\x80\x90")  # ITU, location user; cause 16


def h225_call(t, ep, eport, gw, calling, called, crv, tag, talk, aliases=None):
    """One H.225.0 call over its own TCP connection, endpoint -> gateway:1720: Setup at t,
    Call Proceeding, Alerting, Connect at t + 6, Release Complete (cause 16, from the
    endpoint) at t + 6 + talk, FIN both ways. Returns the TcpSession."""
    import hashlib
    conf_id = hashlib.md5(("tollwatch conference " + tag).encode()).digest()
    call_id = hashlib.md5(("tollwatch call " + tag).encode()).digest()
    ep_mac = "00:1b:54:%02x:%02x:%02x" % tuple(ip4(ep)[1:])
    s = TcpSession(ep, eport, ep_mac, gw, 1720, 0x3A000000 + eport, 0x4A000000 + eport)
    s.handshake(t - 0.2)
    setup_ies = BEARER_SPEECH
    setup_ies += q931_ie(0x6C, b"\x00\x80" + calling.encode())   # unknown/unknown, allowed
    setup_ies += q931_ie(0x70, b"\x80" + called.encode())        # unknown/unknown
    setup_ies += q931_user_user(h323_user_information(
        H225_SETUP, setup_uuie(conf_id, call_id, ep, eport, aliases)))
    s.data(t, PHONE, tpkt(q931(Q931_SETUP, crv, False, setup_ies)))
    s.data(t + 0.05, CM, tpkt(q931(Q931_CALL_PROCEEDING, crv, True, q931_user_user(
        h323_user_information(H225_CALL_PROCEEDING,
                              reply_uuie(H225_CALL_PROCEEDING, call_id))))))
    s.data(t + 1.0, CM, tpkt(q931(Q931_ALERTING, crv, True, q931_user_user(
        h323_user_information(H225_ALERTING, reply_uuie(H225_ALERTING, call_id))))))
    s.data(t + 6.0, CM, tpkt(q931(Q931_CONNECT, crv, True, q931_user_user(
        h323_user_information(H225_CONNECT, reply_uuie(H225_CONNECT, call_id, conf_id))))))
    s.data(t + 6.0 + talk, PHONE, tpkt(q931(Q931_RELEASE_COMPLETE, crv, False,
                                            CAUSE_NORMAL_CLEARING + q931_user_user(
                                                h323_user_information(
                                                    H225_RELEASE_COMPLETE,
                                                    release_complete_uuie(call_id))))))
    s.close(t + 6.0 + talk + 0.5, PHONE)
    return s


def sccp_line_stat(line, dirnum, display):
    # packet-skinny.c LineStatMessage: lineNumber, lineDirNumber[24],
    # lineFullyQualifiedDisplayName[40], lineTextLabel[40], lineDisplayOptions
    body = struct.pack("<I", line) + cstr(dirnum, 24) + cstr(display, 40) + cstr(display, 40)
    return sccp(0x0092, body + struct.pack("<I", 15))


def sccp_night_call(t, phone_ip, pport, name, mac_text, dirnum, called, ref):
    """A registered SCCP phone that dials `called` with DialedNumber at t (12 s ring-out,
    2 min of talk) and unregisters afterwards."""
    cme = "10.20.0.1"
    s = TcpSession(phone_ip, pport, mac_text, cme, 2000, 0x1D000000, 0x2D000000)
    s.handshake(t - 60.5)
    s.data(t - 60.0, PHONE, sccp_register(name, phone_ip, 404, 22, mac_text,
                                          "SCCP42.9-4-2SR3-1S", 54))
    s.data(t - 59.99, CM, sccp_register_ack())
    s.data(t - 59.5, PHONE, sccp(0x000B, struct.pack("<I", 1), SCCP_V22))        # LineStatReq
    s.data(t - 59.49, CM, sccp_line_stat(1, dirnum, "Night Desk"))
    s.data(t - 5.5, PHONE, sccp(0x0006, struct.pack("<II", 0, 0), SCCP_V22))     # OffHook
    s.data(t - 5.49, CM, sccp_call_state(CALL_OFFHOOK, 1, ref))
    for i, digit in enumerate(called):
        s.data(t - 4.5 + 0.25 * i, PHONE, sccp(0x0003, struct.pack("<III", int(digit), 1, ref),
                                               SCCP_V22))                      # KeypadButton
    s.data(t, CM, sccp_dialed_number(called, 1, ref))
    s.data(t + 0.01, CM, sccp_call_state(CALL_PROCEED, 1, ref))
    s.data(t + 0.02, CM, sccp_call_info_v2(1, ref, 2, dirnum, called))
    s.data(t + 1.0, CM, sccp_call_state(CALL_RINGOUT, 1, ref))
    s.data(t + 13.0, CM, sccp_call_state(CALL_CONNECTED, 1, ref))
    s.data(t + 133.0, PHONE, sccp(0x0007, struct.pack("<II", 1, ref), SCCP_V22))  # OnHook
    s.data(t + 133.01, CM, sccp_call_state(CALL_ONHOOK, 1, ref))
    s.data(t + 150.0, PHONE, sccp(0x0027, struct.pack("<I", 0), SCCP_V22))        # Unregister
    s.data(t + 150.01, CM, sccp(0x0118, struct.pack("<I", 0), SCCP_V22))          # UnregisterAck
    s.close(t + 150.5, PHONE)
    return s


def utc(y, mo, d, h, mi):
    import calendar
    return calendar.timegm((y, mo, d, h, mi, 0, 0, 0, 0))


def fraud_sample():
    gw = "10.20.0.1"
    sessions = [
        # A  Wed 10:15 EST, business hours: Jamaica, high-risk only
        h225_call(utc(2026, 11, 18, 15, 15), "10.20.1.22", 11001, gw, "2002", "918765550199",
                  0x0101, "A", 75.0),
        # B  Wed 10:30 EST: NANP 900, blocked 7-24
        h225_call(utc(2026, 11, 18, 15, 30), "10.20.1.21", 11002, gw, "2001", "919005550000",
                  0x0102, "B", 42.0),
        # C  Wed 23:30 EST, after hours: Jamaica
        h225_call(utc(2026, 11, 19, 4, 30), "10.20.1.21", 11003, gw, "2001", "918765550123",
                  0x0103, "C", 300.0),
        # D  Wed 23:45 EST: the SCCP phone dials +882 16 (Thuraya) through 011
        sccp_night_call(utc(2026, 11, 19, 4, 45), "10.20.1.23", 51023, "SEP001E4A3B2C1D",
                        "00:1e:4a:3b:2c:1d", "2003", "9011882161234567", 0x02000001),
        # E  Wed 23:50 EST: an internal extension
        h225_call(utc(2026, 11, 19, 4, 50), "10.20.1.26", 11004, gw, "2006", "2005",
                  0x0104, "E", 20.0),
        # F  Wed 23:55 EST: a domestic long-distance number (New York 212)
        h225_call(utc(2026, 11, 19, 4, 55), "10.20.1.26", 11005, gw, "2006", "912125550100",
                  0x0105, "F", 60.0),
        # G  Thu 06:50 EST, still in "day Wed 19:00 07:00": Jamaica
        h225_call(utc(2026, 11, 19, 11, 50), "10.20.1.22", 11006, gw, "2002", "918765550142",
                  0x0106, "G", 90.0),
        # H  Thu 07:10 EST, after the night window: Jamaica, high-risk only
        h225_call(utc(2026, 11, 19, 12, 10), "10.20.1.22", 11007, gw, "2002", "918765550143",
                  0x0107, "H", 30.0),
        # I  Sat 14:00 EST, "day Sat 00:00 23:59": NANP 900 (with Setup-UUIE aliases)
        h225_call(utc(2026, 11, 21, 19, 0), "10.20.1.24", 11008, gw, "2004", "919005551234",
                  0x0108, "I", 180.0, aliases=("2004", "919005551234")),
        # J  Fri Dec 25 12:00 EST, "date Dec 25 00:00 23:59": Dominican Republic
        h225_call(utc(2026, 12, 25, 17, 0), "10.20.1.21", 11009, gw, "2001", "918095550100",
                  0x0109, "J", 240.0),
    ]
    frames = sorted((f for s in sessions for f in s.frames), key=lambda f: f[0])
    return frames


# ---- cleartext logins: IOS Telnet and the CME HTTP GUI ----------------------

IAC, DONT, DO, WONT, WILL, SB, SE = 255, 254, 253, 252, 251, 250, 240
OPT_ECHO, OPT_SGA, OPT_TTYPE, OPT_NAWS = 1, 3, 24, 31
CLIENT = PHONE   # TcpSession side 0: the Telnet or HTTP client
ROUTER = CM      # side 1: the CME router
BROWSER = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"


def iac(*pairs):
    return b"".join(bytes([IAC, verb, opt]) for verb, opt in pairs)


def telnet_type(s, t, text, echo, gap=0.2):
    """The client types text one character per segment (character mode); the router echoes
    each one unless echo is False. Returns the time after the last character."""
    for ch in text:
        s.data(t, CLIENT, ch.encode())
        if echo:
            s.data(t + 0.001, ROUTER, ch.encode())
        t += gap
    return t


def telnet_enter(s, t, reply):
    """Enter as a character-mode client sends it (CR NUL), then the router's reply."""
    s.data(t, CLIENT, b"\r\x00")
    s.data(t + 0.01, ROUTER, reply)


def http_date(t):
    import email.utils
    return email.utils.formatdate(BASE + t, usegmt=True)


def http_request(method, url, headers, body=b""):
    lines = ["%s %s HTTP/1.1" % (method, url), "Host: 10.30.0.1", "User-Agent: " + BROWSER]
    lines += headers
    if body:
        lines.append("Content-Length: %d" % len(body))
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def http_response(t, status, reason, headers, body=b""):
    lines = ["HTTP/1.1 %d %s" % (status, reason), "Date: " + http_date(t), "Server: cisco-IOS",
             "Accept-Ranges: none"] + headers + ["Content-Length: %d" % len(body)]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


def credentials_sample():
    cme = "10.30.0.1"
    banner = b"\r\n\r\nUser Access Verification\r\n\r\n"

    # A  character mode, echo by the router: a failed login, a good one, then enable
    a = TcpSession("10.30.0.50", 50123, "00:50:56:1e:00:50", cme, 23, 0x5A000000, 0x6A000000)
    a.handshake(1.0)
    a.data(1.01, ROUTER, iac((WILL, OPT_ECHO), (WILL, OPT_SGA), (DO, OPT_TTYPE), (DO, OPT_NAWS)))
    a.data(1.02, CLIENT, iac((DO, OPT_ECHO), (DO, OPT_SGA), (WILL, OPT_NAWS)) +
           bytes([IAC, SB, OPT_NAWS, 0, 80, 0, 24, IAC, SE]) + iac((WONT, OPT_TTYPE)))
    a.data(1.03, ROUTER, banner + b"Username: ")
    t = telnet_type(a, 2.0, "admin", True)
    telnet_enter(a, t, b"\r\nPassword: ")
    t = telnet_type(a, 4.0, "wrongpass", False)
    a.data(t, CLIENT, b"\r\x00")
    a.data(6.0, ROUTER, b"\r\n% Login invalid\r\n\r\nUsername: ")
    t = telnet_type(a, 8.0, "admin", True)
    telnet_enter(a, t, b"\r\nPassword: ")
    t = telnet_type(a, 10.0, "Cisco123", False)
    a.data(t, CLIENT, b"\r\x00")
    a.data(12.0, ROUTER, b"\r\n\r\nCME>")
    t = telnet_type(a, 13.0, "enable", True)
    telnet_enter(a, t, b"\r\nPassword: ")
    t = telnet_type(a, 14.5, "EnablePw!", False)
    a.data(t, CLIENT, b"\r\x00")
    a.data(17.0, ROUTER, b"\r\nCME#")
    t = telnet_type(a, 18.0, "exit", True)
    telnet_enter(a, t, b"\r\n")
    a.close(t + 0.1, ROUTER)

    # B  line mode, a password-only vty login
    b = TcpSession("10.30.0.51", 50201, "00:50:56:1e:00:51", cme, 23, 0x5B000000, 0x6B000000)
    b.handshake(30.0)
    b.data(30.01, ROUTER, iac((WILL, OPT_ECHO), (WILL, OPT_SGA), (DO, OPT_TTYPE), (DO, OPT_NAWS)))
    b.data(30.02, CLIENT, iac((DONT, OPT_ECHO), (DONT, OPT_SGA), (WONT, OPT_TTYPE),
                              (WONT, OPT_NAWS)))
    b.data(30.03, ROUTER, iac((WONT, OPT_ECHO), (WONT, OPT_SGA)) + banner + b"Password: ")
    b.data(31.5, CLIENT, b"vtypass\r\n")
    b.data(32.0, ROUTER, b"\r\n\r\nCME>")
    b.data(34.0, CLIENT, b"exit\r\n")
    b.data(34.01, ROUTER, b"\r\n")
    b.close(34.1, ROUTER)

    # C  HTTP Basic: a wrong password, the right one, the right one again (same attempt)
    c = TcpSession("10.30.0.60", 50301, "00:50:56:1e:00:60", cme, 80, 0x5C000000, 0x6C000000)
    c.handshake(40.0)
    accept = "Accept: text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    page = b"<html><head><title>Cisco Unified CME</title></head><body>CME</body></html>\r\n"
    c.data(41.0, CLIENT, http_request("GET", "/ccme.html", [
        accept, "Authorization: Basic Y21lOm5vcGU=", "Connection: keep-alive"]))   # cme:nope
    c.data(41.01, ROUTER, http_response(41.01, 401, "Unauthorized", [
        'WWW-Authenticate: Basic realm="level_15_access"', "Content-Type: text/html"],
        b"401 Unauthorized\r\n"))
    c.data(43.0, CLIENT, http_request("GET", "/ccme.html", [
        accept, "Authorization: Basic Y21lOmNtZWd1aQ==", "Connection: keep-alive"]))  # cme:cmegui
    c.data(43.01, ROUTER, http_response(43.01, 200, "OK", ["Content-Type: text/html"], page))
    c.data(45.0, CLIENT, http_request("GET", "/ephone.html", [
        accept, "Referer: http://10.30.0.1/ccme.html", "Authorization: Basic Y21lOmNtZWd1aQ==",
        "Connection: keep-alive"]))
    c.data(45.01, ROUTER, http_response(45.01, 200, "OK", ["Content-Type: text/html"], page))
    c.close(47.0, CLIENT)

    # D  an HTML form login: the POST's headers and body in two segments, 302, then the page
    d = TcpSession("10.30.0.61", 50401, "00:50:56:1e:00:61", cme, 80, 0x5D000000, 0x6D000000)
    d.handshake(50.0)
    form = b"username=admin&password=Passw0rd%21&submit=Login"
    d.data(51.0, CLIENT, http_request("POST", "/login.html", [
        accept, "Content-Type: application/x-www-form-urlencoded",
        "Origin: http://10.30.0.1", "Referer: http://10.30.0.1/login.html",
        "Connection: keep-alive"], form))
    d.data(51.001, CLIENT, form)
    d.data(51.01, ROUTER, http_response(51.01, 302, "Found", [
        "Location: /index.html", "Set-Cookie: ccme_session=4f2a9c71; Path=/; HttpOnly"]))
    d.data(52.0, CLIENT, http_request("GET", "/index.html", [
        accept, "Referer: http://10.30.0.1/login.html", "Cookie: ccme_session=4f2a9c71",
        "Connection: keep-alive"]))
    d.data(52.01, ROUTER, http_response(52.01, 200, "OK", ["Content-Type: text/html"], page))
    d.close(54.0, CLIENT)

    # E  plain pages, no credentials
    e = TcpSession("10.30.0.62", 50501, "00:50:56:1e:00:62", cme, 80, 0x5E000000, 0x6E000000)
    e.handshake(60.0)
    e.data(61.0, CLIENT, http_request("GET", "/index.html", [accept, "Connection: keep-alive"]))
    e.data(61.01, ROUTER, http_response(61.01, 200, "OK", ["Content-Type: text/html"], page))
    e.data(62.0, CLIENT, http_request("GET", "/favicon.ico", ["Accept: image/*",
                                                              "Connection: keep-alive"]))
    e.data(62.01, ROUTER, http_response(62.01, 404, "Not Found", ["Content-Type: text/html"],
                                        b"404 Not Found\r\n"))
    e.close(64.0, CLIENT)

    frames = sorted(a.frames + b.frames + c.frames + d.frames + e.frames, key=lambda f: f[0])
    return [(BASE + t, fr) for t, fr in frames]


def main(argv):
    out = argv[1] if len(argv) > 1 else os.path.dirname(os.path.abspath(__file__))
    write_pcap(os.path.join(out, "snmp_default_community.pcap"), snmp_sample())
    write_pcap(os.path.join(out, "sccp_phones.pcap"), sccp_sample())
    write_pcap(os.path.join(out, "toll_fraud_calls.pcap"), fraud_sample())
    write_pcap(os.path.join(out, "cleartext_logins.pcap"), credentials_sample())
    return 0

if __name__ == "__main__":
    sys.exit(main(sys.argv))
