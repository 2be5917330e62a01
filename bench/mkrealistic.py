#!/usr/bin/env python3
"""mkrealistic.py - a large, realistic capture for bench/perf.sh.

What a span port of a small office's router trunk sees during a working day
(802.1Q: data VLAN 10 for the PCs, voice VLAN 100 for the IP phones and the CME
router's voice interface, native VLAN for management). Approximate shares by
packet count at the default size (the exact mix is printed on stderr):

  ~73%  RTP: G.711 (UDP, 12-byte RTP header + 160 bytes = 172-byte payloads,
        20 ms pacing), both directions of ~23 concurrent calls: phone <-> CME
        (PSTN calls), phone <-> phone (internal calls), phone <-> the branch
        H.323 gateway
  ~11%  TLS: TCP 443 sessions from the PCs to Internet servers: handshake, a
        ClientHello with SNI, the server's flight, then requests and bulk
        application-data records, delayed ACKs, close_notify and FIN
  ~6%   DNS: UDP 53 queries and answers (A/AAAA), a quarter forwarded upstream
  ~5%   HTTP: TCP 80 keep-alive sessions (GET, 200/304 with bodies), and every
        few minutes an administrator logging in to the CME GUI with Basic auth
  ~3%   background: ARP, NTP, mDNS, SSDP, NetBIOS name service, LLMNR
  ~1%   SNMP: an NMS polling the router, switches, access points and UPS every
        10 s (the router and UPS still answer to "public")
  0.1%  telnet: administrators and a config-backup job logging in to the
        router (character mode, echo), typing show commands, paged output
  0.3%  SCCP (TCP 2000): 60 registered phones (connections already open when
        the capture starts), KeepAlive/KeepAliveAck/ACK every 30 s each; the
        signalling of every call (off-hook, digits, call state, call info,
        media channels, on-hook); a few phones rebooting and registering again
  <0.1% H.225.0 (TCP 1720): the CME's calls to the branch gateway (about one
        call in ten); one SCCP call dials a satellite number (+882 16)

Frames are built from templates prepared once per flow (Ethernet/VLAN prefix,
partial IPv4 and TCP checksums, payloads with cached checksum sums); only
addresses, ports, IP identifiers, sequence numbers and RTP counters vary per
packet. Checksums are valid (UDP checksums are 0, as IPv4 allows). The output
is deterministic for a given size and seed.

usage: mkrealistic.py OUT.pcap [PACKETS] [--seed N]    (default 3,000,000 packets)
"""
import heapq
import itertools
import os
import random
import struct
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "samples"))
import gen_samples as g  # noqa: E402

US = 1000000
START = g.utc(2026, 11, 18, 15, 0)   # Wednesday 10:00 in New York: office hours
FIN, SYN, RST, PSH, ACK = 0x01, 0x02, 0x04, 0x08, 0x10
PA = PSH | ACK

IPTCP = struct.Struct("!BBHHHBBH4s4sHHIIBBHHH")
IPUDP = struct.Struct("!BBHHHBBH4s4sHHHH")
RTPH = struct.Struct("!BBHII")
REC = struct.Struct("<IIII")

# ---- addresses ----------------------------------------------------------------

VLAN_DATA, VLAN_VOICE, VLAN_NATIVE = 10, 100, None
ROUTER_MAC = g.mac(g.CME_MAC)
HOSTS = {}   # ip -> (mac bytes, vlan)


def host(ip, mac, vlan):
    HOSTS[ip] = (mac, vlan)
    return ip


ROUTER = host("10.1.0.1", ROUTER_MAC, VLAN_NATIVE)       # management: telnet, GUI, SNMP
CME = host("10.1.100.1", ROUTER_MAC, VLAN_VOICE)          # CME: SCCP, RTP to the PSTN
ROUTER_DATA = host("10.1.10.1", ROUTER_MAC, VLAN_DATA)
DNS_SRV = host("10.1.10.10", bytes.fromhex("0050561e0a0a"), VLAN_DATA)
NMS = host("10.1.0.250", bytes.fromhex("0050561e00fa"), VLAN_NATIVE)
BRANCH_GW = "10.2.0.1"                                    # H.323 gateway, behind the router
UPSTREAM_DNS = "9.9.9.9"
SWITCHES = [host("10.1.0.%d" % (2 + i), bytes.fromhex("00264a1f00%02x" % i), VLAN_NATIVE)
            for i in range(4)]
APS = [host("10.1.0.%d" % (20 + i), bytes.fromhex("00f663aa00%02x" % i), VLAN_NATIVE)
       for i in range(8)]
UPS = host("10.1.0.30", bytes.fromhex("000699300030"), VLAN_NATIVE)
PCS = [host("10.1.10.%d" % (20 + i), bytes.fromhex("3c5282%06x" % (0x100 + i)), VLAN_DATA)
       for i in range(80)]
ADMIN_PC = PCS[3]
N_PHONES, N_CALLING = 60, 50      # phones 50..59 never call: they are the ones that reboot
PHONE_MACS = ["00:1e:4a:3b:%02x:%02x" % (0x10 + i // 256, i % 256) for i in range(N_PHONES)]
PHONES = [host("10.1.100.%d" % (11 + i), g.mac(PHONE_MACS[i]), VLAN_VOICE)
          for i in range(N_PHONES)]


def eth_prefix(src, dst):
    """Ethernet (+ 802.1Q) header of a frame from src to dst as the trunk carries it."""
    s, d = HOSTS.get(src), HOSTS.get(dst)
    vlan = s[1] if s else (d[1] if d else None)
    smac = s[0] if s and s[1] == vlan else ROUTER_MAC
    dmac = d[0] if d and d[1] == vlan else ROUTER_MAC
    if dst.startswith("224.") or dst.startswith("239.") or dst.endswith(".255"):
        dmac = (b"\x01\x00\x5e" + bytes([int(dst.split(".")[1]) & 0x7F]) +
                bytes(int(x) for x in dst.split(".")[2:])) if not dst.endswith(".255") \
            else b"\xff" * 6
    hdr = dmac + smac
    if vlan is not None:
        hdr += struct.pack("!HH", 0x8100, vlan)
    return hdr + b"\x08\x00"


# ---- checksums and flows ------------------------------------------------------


def osum(b):
    """Folded 16-bit ones' complement sum (not inverted)."""
    if len(b) & 1:
        b = b + b"\x00"
    s = sum(struct.unpack("!%dH" % (len(b) >> 1), b))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return s


_PSUM = {}


def psum(b):
    s = _PSUM.get(b)
    if s is None:
        s = osum(b)
        if len(_PSUM) < 100000:
            _PSUM[b] = s
    return s


class Tcp:
    """One TCP connection; side 0 = client, 1 = server. seg() returns (time, frame)."""
    __slots__ = ("eth", "ips", "ports", "ipc", "tc", "seq", "ident", "win", "ttl")

    def __init__(self, cli, cport, srv, sport, isn_c, isn_s, ttl_s=64):
        a, b = g.ip4(cli), g.ip4(srv)
        self.eth = (eth_prefix(cli, srv), eth_prefix(srv, cli))
        self.ips = ((a, b), (b, a))
        self.ports = ((cport, sport), (sport, cport))
        addr = osum(a + b)
        self.ttl = (64, ttl_s)
        self.ipc = tuple(addr + 0x4500 + 0x4000 + (t << 8 | 6) for t in self.ttl)
        self.win = (64240, 65160)
        self.tc = tuple(addr + 6 + cport + sport + 0x5000 + self.win[d] for d in (0, 1))
        self.seq = [isn_c & 0xFFFFFFFF, isn_s & 0xFFFFFFFF]
        self.ident = [(isn_c >> 7) & 0xFFFF, (isn_s >> 9) & 0xFFFF]

    def seg(self, t, d, flags, payload=b""):
        n = len(payload)
        seq = self.seq[d]
        ack = self.seq[1 - d] if flags & ACK else 0
        ident = self.ident[d] = (self.ident[d] + 1) & 0xFFFF
        tl = 40 + n
        s = self.ipc[d] + tl + ident
        s = (s & 0xFFFF) + (s >> 16)
        s = (s & 0xFFFF) + (s >> 16)
        c = self.tc[d] + 20 + n + (seq >> 16) + (seq & 0xFFFF) + (ack >> 16) + (ack & 0xFFFF) + flags
        if n:
            c += psum(payload)
        c = (c & 0xFFFF) + (c >> 16)
        c = (c & 0xFFFF) + (c >> 16)
        src, dst = self.ips[d]
        sp, dp = self.ports[d]
        self.seq[d] = (seq + n + (1 if flags & (SYN | FIN) else 0)) & 0xFFFFFFFF
        return (t, self.eth[d] + IPTCP.pack(0x45, 0, tl, ident, 0x4000, self.ttl[d], 6,
                                            ~s & 0xFFFF, src, dst, sp, dp, seq, ack, 0x50,
                                            flags, self.win[d], ~c & 0xFFFF, 0) + payload)

    def handshake(self, t, rtt):
        yield self.seg(t, 0, SYN)
        yield self.seg(t + rtt, 1, SYN | ACK)
        yield self.seg(t + rtt + 40, 0, ACK)


class Udp:
    """One UDP flow; side 0 = first sender. dgram() returns (time, frame). Checksum 0."""
    __slots__ = ("eth", "ips", "ports", "ipc", "ident", "ttl")

    def __init__(self, a_ip, a_port, b_ip, b_port, ident=1, ttl_b=64, ttl_a=64):
        a, b = g.ip4(a_ip), g.ip4(b_ip)
        self.eth = (eth_prefix(a_ip, b_ip), eth_prefix(b_ip, a_ip))
        self.ips = ((a, b), (b, a))
        self.ports = ((a_port, b_port), (b_port, a_port))
        addr = osum(a + b)
        self.ttl = (ttl_a, ttl_b)
        self.ipc = tuple(addr + 0x4500 + (t << 8 | 17) for t in self.ttl)
        self.ident = [ident & 0xFFFF, (ident * 7) & 0xFFFF]

    def dgram(self, t, d, payload):
        tl = 28 + len(payload)
        ident = self.ident[d] = (self.ident[d] + 1) & 0xFFFF
        s = self.ipc[d] + tl + ident
        s = (s & 0xFFFF) + (s >> 16)
        s = (s & 0xFFFF) + (s >> 16)
        src, dst = self.ips[d]
        sp, dp = self.ports[d]
        return (t, self.eth[d] + IPUDP.pack(0x45, 0, tl, ident, 0, self.ttl[d], 17, ~s & 0xFFFF,
                                            src, dst, sp, dp, tl - 20, 0) + payload)


def rbytes(rng, n):
    return rng.getrandbits(8 * n).to_bytes(n, "big") if n else b""


def segments(blob, mss=1460):
    return [blob[i:i + mss] for i in range(0, len(blob), mss)]


# ---- RTP and calls --------------------------------------------------------------

_ARNG = random.Random(172)
AUDIO = [bytes(0xD5 ^ (_ARNG.getrandbits(5)) for _ in range(160)) for _ in range(64)]  # G.711 A-law-ish
JITTER = [_ARNG.randrange(0, 1500) for _ in range(64)]


def rtp_stream(src, sport, dst, dport, t0, t1, ssrc, seq, ts):
    """G.711 from src to dst every 20 ms in [t0, t1); packets before 0 are never built."""
    u = Udp(src, sport, dst, dport, ident=ssrc)
    t = t0
    first = True
    if t < 0:
        k = -t // 20000 + 1
        t += k * 20000
        seq += k
        ts += 160 * k
        first = False
    pack = RTPH.pack
    dgram = u.dgram
    while t < t1:
        i = seq & 63
        yield dgram(t + JITTER[i], 0, pack(0x80, 0x88 if first else 0x08, seq & 0xFFFF,
                                           ts & 0xFFFFFFFF, ssrc) + AUDIO[i])
        first = False
        t += 20000
        seq += 1
        ts += 160


def sccp(msg_id, body=b"", version=g.SCCP_V22):
    return g.sccp(msg_id, body, version)


def sccp_open_receive_channel(conf, party, ref):
    # V11+ layout as packet-skinny.c reads it (168 bytes of body in V20+): conferenceId,
    # passThruPartyId, msPacket, compressionType (2 = G.711 A-law), qualifierIn (echo
    # cancellation, codec params), callReference, media encryption key info (48), stream ids,
    # RFC 2833 payload type, DTMF type, mixing mode, party direction, source address and port,
    # requested address type, audio level adjustment, latent capabilities (36)
    return sccp(0x0105, struct.pack("<7I", conf, party, 20, 2, 0, 0, ref) + b"\x00" * 48 +
                struct.pack("<6I", 0, 0, 101, 0, 0, 0) + struct.pack("<I", 0) + g.ip4(CME) +
                b"\x00" * 12 + struct.pack("<III", 0, 0, 0) + b"\x00" * 36)


def sccp_orc_ack(ip, port, party, ref):
    # status, ipv4orv6 (type 0 + 16 bytes), portNumber, passThruPartyId, callReference
    return sccp(0x0022, struct.pack("<II", 0, 0) + g.ip4(ip) + b"\x00" * 12 +
                struct.pack("<III", port, party, ref))


def sccp_start_media(conf, party, ip, port, ref):
    # conferenceId, passThruPartyId, ipv4orv6 remote, remotePort, msPacket, compressionType,
    # qualifierOut (precedence, silence suppression, maxFramesPerPacket + padding, codec
    # params), callReference, key info (48), stream ids, RFC 2833, DTMF type, mixing mode,
    # party direction, latent capabilities (36)
    return sccp(0x008A, struct.pack("<III", conf, party, 0) + g.ip4(ip) + b"\x00" * 12 +
                struct.pack("<IIIIIHHII", port, 20, 2, 184, 0, 1, 0, 0, ref) + b"\x00" * 48 +
                struct.pack("<6I", 0, 0, 101, 0, 0, 0) + b"\x00" * 36)


def sccp_stop_media(conf, party, ref):
    return sccp(0x008B, struct.pack("<IIII", conf, party, ref, 0))


def sccp_close_receive(conf, party, ref):
    return sccp(0x0106, struct.pack("<IIII", conf, party, ref, 0))


def sccp_tone(tone, line, ref):
    return sccp(0x0082, struct.pack("<IIII", tone, 0, line, ref))


def sccp_stop_tone(line, ref):
    return sccp(0x0083, struct.pack("<III", line, ref, 0))


def sccp_ringer(mode, line, ref):
    return sccp(0x0085, struct.pack("<IIII", mode, 1, line, ref))


def sccp_keypad(digit, line, ref):
    return sccp(0x0003, struct.pack("<III", int(digit), line, ref))


KEEPALIVE, KEEPALIVE_ACK = sccp(0x0000, version=0), sccp(0x0100, version=0)
CALL_RINGIN = 4


def ext(i):
    return "2%03d" % (i + 1)


class Office:
    """The call plan and the per-phone SCCP event lists."""

    SLOTS = 24

    def __init__(self, rng, horizon):
        self.rng = rng
        self.horizon = horizon
        self.events = [[] for _ in range(N_PHONES)]    # (t, conn, side, flags, payload)
        self.conns = [[] for _ in range(N_PHONES)]
        self.media = []                                # (t_connect, generator)
        self.h225 = []                                 # generators
        self.ref = 0x01000001
        self.conf = 0x00100000
        self.rtp_port = [16384 + 2 * rng.randrange(1000) for _ in range(N_PHONES)]
        self.cme_port = 16384
        for p in range(N_PHONES):
            self.conns[p].append(Tcp(PHONES[p], 49152 + rng.randrange(16000), CME, 2000,
                                     rng.getrandbits(32), rng.getrandbits(32)))
        self.plan_calls()
        self.plan_reboots()
        self.plan_keepalives()

    def ev(self, p, t, side, payload=b"", flags=PA, conn=-1):
        self.events[p].append((t, conn if conn >= 0 else len(self.conns[p]) - 1, side, flags,
                               payload))

    def next_ref(self):
        self.ref += 1
        self.conf += 1
        return self.ref, self.conf

    def phone_port(self, p):
        self.rtp_port[p] = 16384 + (self.rtp_port[p] - 16384 + 2) % 16000
        return self.rtp_port[p]

    def gw_port(self):
        self.cme_port = 16384 + (self.cme_port - 16384 + 2) % 16000
        return self.cme_port

    def media_pair(self, a, aport, b, bport, t0, t1):
        rng = self.rng
        for s, sp, d, dp in ((a, aport, b, bport), (b, bport, a, aport)):
            self.media.append((max(t0, 0), rtp_stream(s, sp, d, dp, t0 + rng.randrange(20000), t1,
                                                      rng.getrandbits(32), rng.randrange(65536),
                                                      rng.getrandbits(32))))

    def media_setup(self, p, t, ref, conf, remote_ip, remote_port, port=0):
        """CME opens the phone's receive channel, the phone answers, CME starts its media."""
        port = port or self.phone_port(p)
        self.ev(p, t, 1, sccp_open_receive_channel(conf, conf + 7, ref))
        self.ev(p, t + 18000, 0, sccp_orc_ack(PHONES[p], port, conf + 7, ref))
        self.ev(p, t + 21000, 1, sccp_start_media(conf, conf + 7, remote_ip, remote_port, ref))
        self.ev(p, t + 60000, 0, b"", ACK)
        return port

    def media_teardown(self, p, t, ref, conf, phone_hangs_up):
        if phone_hangs_up:
            self.ev(p, t, 0, sccp(0x0007, struct.pack("<II", 1, ref)))             # OnHook
            t += 4000
        self.ev(p, t, 1, sccp_close_receive(conf, conf + 7, ref) +
                sccp_stop_media(conf, conf + 7, ref))
        self.ev(p, t + 1000, 1, g.sccp_call_state(g.CALL_ONHOOK, 1, ref))
        self.ev(p, t + 45000, 0, b"", ACK)

    def dial(self, p, t, number):
        """Off-hook, dial tone, digits; returns (ref, conf, time the number is complete)."""
        ref, conf = self.next_ref()
        self.ev(p, t, 0, sccp(0x0006, struct.pack("<II", 0, 0)))                  # OffHook
        self.ev(p, t + 3000, 1, g.sccp_call_state(g.CALL_OFFHOOK, 1, ref) +
                sccp_tone(0x21, 1, ref))
        self.ev(p, t + 40000, 0, b"", ACK)
        td = t + 900000 + self.rng.randrange(800000)
        for i, digit in enumerate(number):
            self.ev(p, td, 0, sccp_keypad(digit, 1, ref))
            if i == 0:
                self.ev(p, td + 2000, 1, sccp_stop_tone(1, ref))
            else:
                self.ev(p, td + 1500, 1, b"", ACK)
            td += 180000 + self.rng.randrange(250000)
        return ref, conf, td

    def outbound(self, p, t, number):
        """A phone's call through CME; returns (ref, conf, time the number is complete)."""
        ref, conf, td = self.dial(p, t, number)
        self.ev(p, td, 1, g.sccp_dialed_number(number, 1, ref) +
                g.sccp_call_state(g.CALL_PROCEED, 1, ref) +
                g.sccp_call_info_v2(1, ref, 2, ext(p), number))
        self.ev(p, td + 40000, 0, b"", ACK)
        return ref, conf, td

    def plan_calls(self):
        rng = self.rng
        callers = list(range(N_CALLING))
        risky_at = self.horizon // 2
        for slot in range(self.SLOTS):
            mine = callers[slot::self.SLOTS]
            t = -rng.randrange(400 * US)
            k = 0
            while t < self.horizon:
                t += rng.randrange(2 * US, 20 * US)
                p = mine[k % len(mine)]
                k += 1
                talk = rng.randrange(30 * US, 400 * US)
                x = rng.random()
                if slot == 0 and risky_at and t >= risky_at:
                    risky_at = 0        # one call to a satellite number: high_risk_destination
                    t = self.call_pstn(p, t, talk, "9011882161234567")
                elif x < 0.10:
                    t = self.call_h225(p, t, talk)
                elif x < 0.40:
                    q = rng.randrange(N_CALLING)
                    q = q if q != p else (q + 1) % N_CALLING
                    t = self.call_internal(p, q, t, talk)
                elif x < 0.70:
                    t = self.call_pstn(p, t, talk, "91%03d555%04d" % (rng.choice(
                        (212, 646, 718, 917, 201, 973, 516, 914)), rng.randrange(10000)))
                else:
                    t = self.call_incoming(p, t, talk)

    def call_pstn(self, p, t, talk, number):
        ref, conf, td = self.outbound(p, t, number)
        tr = td + 600000
        self.ev(p, tr, 1, g.sccp_call_state(g.CALL_RINGOUT, 1, ref))
        tc = tr + self.rng.randrange(3 * US, 15 * US)
        self.ev(p, tc, 1, g.sccp_call_state(g.CALL_CONNECTED, 1, ref))
        gport = self.gw_port()
        port = self.media_setup(p, tc + 2000, ref, conf, CME, gport)
        te = tc + talk
        self.media_pair(PHONES[p], port, CME, gport, tc + 30000, te)
        self.media_teardown(p, te, ref, conf, self.rng.random() < 0.6)
        return te

    def call_h225(self, p, t, talk):
        number = "8%03d" % self.rng.randrange(1000)   # a branch extension over the H.323 trunk
        ref, conf, td = self.outbound(p, t, number)
        tag = "%d" % ref
        crv = ref & 0x7FFF
        eport = 11000 + ref % 20000
        talk_s = talk / US
        frames = g.h225_call(td / US + 0.2, CME, eport, BRANCH_GW, ext(p), number, crv, tag,
                             talk_s - 6.0 if talk_s > 12 else 6.0).frames
        self.h225.append([(int(round(ft * US)), fr) for ft, fr in frames])
        tc = td + 200000 + 6 * US
        self.ev(p, td + 1200000, 1, g.sccp_call_state(g.CALL_RINGOUT, 1, ref))
        self.ev(p, tc, 1, g.sccp_call_state(g.CALL_CONNECTED, 1, ref))
        gport = 16384 + 2 * (ref % 8000)
        port = self.media_setup(p, tc + 2000, ref, conf, BRANCH_GW, gport)
        te = td + 200000 + int(max(talk_s, 12.0) * US)
        self.media_pair(PHONES[p], port, BRANCH_GW, gport, tc + 30000, te)
        self.media_teardown(p, te, ref, conf, True)
        return te + US

    def call_internal(self, p, q, t, talk):
        number = ext(q)
        ref, conf, td = self.outbound(p, t, number)
        ref_q, conf_q = self.next_ref()
        tr = td + 30000
        self.ev(q, tr, 1, sccp_ringer(2, 1, ref_q) + g.sccp_call_state(CALL_RINGIN, 1, ref_q) +
                g.sccp_call_info_v2(1, ref_q, 1, ext(p), number))
        self.ev(q, tr + 50000, 0, b"", ACK)
        self.ev(p, tr + 2000, 1, g.sccp_call_state(g.CALL_RINGOUT, 1, ref))
        tc = tr + self.rng.randrange(2 * US, 12 * US)
        self.ev(q, tc, 0, sccp(0x0006, struct.pack("<II", 1, ref_q)))               # OffHook
        self.ev(q, tc + 3000, 1, sccp_ringer(1, 1, ref_q) +
                g.sccp_call_state(g.CALL_CONNECTED, 1, ref_q))
        self.ev(p, tc + 3500, 1, g.sccp_call_state(g.CALL_CONNECTED, 1, ref))
        pport = self.phone_port(p)
        qport = self.phone_port(q)
        self.media_setup(p, tc + 6000, ref, conf, PHONES[q], qport, pport)
        self.media_setup(q, tc + 7000, ref_q, conf_q, PHONES[p], pport, qport)
        te = tc + talk
        self.media_pair(PHONES[p], pport, PHONES[q], qport, tc + 40000, te)
        p_hangs = self.rng.random() < 0.5
        self.media_teardown(p, te if p_hangs else te + 5000, ref, conf, p_hangs)
        self.media_teardown(q, te + 5000 if p_hangs else te, ref_q, conf_q, not p_hangs)
        return te + US

    def call_incoming(self, p, t, talk):
        ref, conf = self.next_ref()
        caller = "%03d555%04d" % (self.rng.choice((212, 718, 305, 415)), self.rng.randrange(10000))
        self.ev(p, t, 1, sccp_ringer(2, 1, ref) + g.sccp_call_state(CALL_RINGIN, 1, ref) +
                g.sccp_call_info_v2(1, ref, 1, caller, ext(p)))
        self.ev(p, t + 50000, 0, b"", ACK)
        tc = t + self.rng.randrange(2 * US, 15 * US)
        self.ev(p, tc, 0, sccp(0x0006, struct.pack("<II", 1, ref)))                 # OffHook
        self.ev(p, tc + 3000, 1, sccp_ringer(1, 1, ref) +
                g.sccp_call_state(g.CALL_CONNECTED, 1, ref))
        gport = self.gw_port()
        port = self.media_setup(p, tc + 5000, ref, conf, CME, gport)
        te = tc + talk
        self.media_pair(PHONES[p], port, CME, gport, tc + 30000, te)
        self.media_teardown(p, te, ref, conf, self.rng.random() < 0.5)
        return te + US

    def plan_reboots(self):
        """Phones 50..59 reboot now and then: Unregister, FIN, then a new connection and a
        full registration. Their keepalives pause meanwhile (self.down)."""
        rng = self.rng
        self.down = [[] for _ in range(N_PHONES)]
        t = rng.randrange(20 * US, 90 * US)
        while t < self.horizon:
            p = rng.randrange(N_CALLING, N_PHONES)
            if self.down[p] and t < self.down[p][-1][1] + 60 * US:
                t += 30 * US
                continue
            self.ev(p, t, 0, sccp(0x0027, struct.pack("<I", 0)))                  # Unregister
            self.ev(p, t + 5000, 1, sccp(0x0118, struct.pack("<I", 0)))            # UnregisterAck
            self.ev(p, t + 9000, 0, b"", FIN | ACK)
            self.ev(p, t + 10000, 1, b"", FIN | ACK)
            self.ev(p, t + 11000, 0, b"", ACK)
            tn = t + rng.randrange(25 * US, 45 * US)
            self.conns[p].append(Tcp(PHONES[p], 49152 + rng.randrange(16000), CME, 2000,
                                     rng.getrandbits(32), rng.getrandbits(32)))
            self.register(p, tn)
            self.down[p].append((t - 30 * US, tn + 2 * US))
            t += rng.randrange(60 * US, 180 * US)

    def register(self, p, t):
        name = "SEP" + PHONE_MACS[p].replace(":", "").upper()
        self.ev(p, t, 0, b"", SYN)
        self.ev(p, t + 400, 1, b"", SYN | ACK)
        self.ev(p, t + 700, 0, b"", ACK)
        t += 2000
        self.ev(p, t, 0, g.sccp_register(name, PHONES[p], 404, 22, PHONE_MACS[p],
                                         "SCCP42.9-4-2SR3-1S", 54))
        self.ev(p, t + 3000, 1, g.sccp_register_ack() + sccp(0x009B, version=0))  # + CapabilitiesReq
        caps = struct.pack("<I", 4) + b"".join(struct.pack("<II", c, 40) + b"\x00" * 8
                                                for c in (4, 2, 11, 15))
        self.ev(p, t + 9000, 0, sccp(0x0010, caps, 0) + sccp(0x000E, version=0))  # + ButtonTemplateReq
        buttons = struct.pack("<III", 0, 6, 6) + b"".join(bytes([i + 1, 9]) for i in range(6))
        self.ev(p, t + 12000, 1, sccp(0x0097, buttons + b"\x00" * (84 - 12), 0))
        self.ev(p, t + 15000, 0, sccp(0x000B, struct.pack("<I", 1), 0))           # LineStatReq
        self.ev(p, t + 17000, 1, g.sccp_line_stat(1, ext(p), "Lobby %d" % p))
        self.ev(p, t + 20000, 0, sccp(0x000D, version=0))                          # TimeDateReq
        self.ev(p, t + 22000, 1, sccp(0x0094, struct.pack("<9I", 2026, 11, 3, 18, 10, 0, 0, 0,
                                                          START + t // US), 0))
        self.ev(p, t + 25000, 0, sccp(0x002D, struct.pack("<I", 1), 0))           # RegisterAvailableLines
        self.ev(p, t + 65000, 1, b"", ACK)

    def plan_keepalives(self):
        rng = self.rng
        for p in range(N_PHONES):
            t = rng.randrange(30 * US)
            while t < self.horizon:
                if not any(a <= t <= b for a, b in self.down[p]):
                    self.ev(p, t, 0, KEEPALIVE, conn=self.conn_at(p, t))
                    self.ev(p, t + 2500, 1, KEEPALIVE_ACK, conn=self.conn_at(p, t))
                    self.ev(p, t + 42000, 0, b"", ACK, conn=self.conn_at(p, t))
                t += 30 * US + rng.randrange(-20000, 20000)

    def conn_at(self, p, t):
        return sum(1 for a, b in self.down[p] if b <= t)

    def phone_gen(self, p):
        evs = self.events[p]
        evs.sort(key=lambda e: e[0])
        conns = self.conns[p]
        for t, c, side, flags, payload in evs:
            yield conns[c].seg(t, side, flags, payload)

    def media_gen(self):
        self.media.sort(key=lambda m: m[0])
        for t, gen in self.media:
            yield (t, gen)

    def h225_gen(self):
        self.h225.sort(key=lambda frames: frames[0][0])
        for frames in self.h225:
            yield (max(frames[0][0], 0), iter(frames))


# ---- TLS --------------------------------------------------------------------------

SITES = ["www.google.com", "outlook.office365.com", "teams.microsoft.com", "login.microsoftonline.com",
         "www.linkedin.com", "slack.com", "files.slack.com", "www.salesforce.com",
         "drive.google.com", "mail.google.com", "www.dropbox.com", "api.github.com",
         "zoom.us", "www.youtube.com", "i.ytimg.com", "www.bankofamerica.com",
         "www.intuit.com", "www.amazon.com", "m.media-amazon.com", "www.nytimes.com",
         "static.xx.fbcdn.net", "www.wikipedia.org", "update.googleapis.com",
         "clients4.google.com", "www.cisco.com", "software.cisco.com", "cdn.jsdelivr.net",
         "fonts.gstatic.com", "ocsp.digicert.com", "www.weather.com"]


def site_ip(name):
    h = sum(name.encode()) * 2654435761 & 0xFFFFFFFF
    nets = ((142, 250), (13, 107), (52, 96), (104, 16), (151, 101), (23, 45))
    a, b = nets[h % len(nets)]
    return "%d.%d.%d.%d" % (a, b, (h >> 8) & 0xFF, 1 + (h >> 16) % 250)


def ext16(typ, body):
    return struct.pack("!HH", typ, len(body)) + body


def client_hello(rng, sni):
    name = sni.encode()
    exts = ext16(0x0a0a, b"")                                              # GREASE
    exts += ext16(0x0000, struct.pack("!HBH", len(name) + 3, 0, len(name)) + name)
    exts += ext16(0x0017, b"") + ext16(0xff01, b"\x00")
    exts += ext16(0x000a, struct.pack("!H4H", 8, 0x1a1a, 0x001d, 0x0017, 0x0018))
    exts += ext16(0x000b, b"\x01\x00") + ext16(0x0023, b"")
    alpn = b"\x02h2\x08http/1.1"
    exts += ext16(0x0010, struct.pack("!H", len(alpn)) + alpn)
    exts += ext16(0x0005, b"\x01\x00\x00\x00\x00")
    sigs = struct.pack("!8H", 0x0403, 0x0804, 0x0401, 0x0503, 0x0805, 0x0501, 0x0806, 0x0601)
    exts += ext16(0x000d, struct.pack("!H", len(sigs)) + sigs) + ext16(0x0012, b"")
    ks = struct.pack("!HH", 0x001d, 32) + rbytes(rng, 32)
    exts += ext16(0x0033, struct.pack("!H", len(ks)) + ks)
    exts += ext16(0x002d, b"\x01\x01") + ext16(0x002b, b"\x04\x03\x04\x03\x03")
    exts += ext16(0x001b, b"\x02\x00\x02")
    suites = struct.pack("!16H", 0x2a2a, 0x1301, 0x1302, 0x1303, 0xc02b, 0xc02f, 0xc02c, 0xc030,
                         0xcca9, 0xcca8, 0xc013, 0xc014, 0x009c, 0x009d, 0x002f, 0x0035)
    body = b"\x03\x03" + rbytes(rng, 32) + b"\x20" + rbytes(rng, 32)
    body += struct.pack("!H", len(suites)) + suites + b"\x01\x00"
    pad = 508 - (len(body) + 2 + len(exts) + 4)
    if pad > 4:
        exts += ext16(0x0015, b"\x00" * (pad - 4))
    body += struct.pack("!H", len(exts)) + exts
    hs = b"\x01" + len(body).to_bytes(3, "big") + body
    return b"\x16\x03\x01" + struct.pack("!H", len(hs)) + hs


def app_records(rng, total):
    out = b""
    while total > 0:
        n = min(total, 16384 + 17)
        out += b"\x17\x03\x03" + struct.pack("!H", n) + rbytes(rng, n)
        total -= n + 5
    return out


class TlsTemplates:
    def __init__(self, rng):
        self.hello = {s: client_hello(rng, s) for s in SITES}
        self.flights = []
        for size in (2800, 3600, 4300, 5200):
            sh_body = b"\x03\x03" + rbytes(rng, 32) + b"\x20" + rbytes(rng, 32) + b"\x13\x01\x00"
            sh_ext = ext16(0x002b, b"\x03\x04") + ext16(0x0033, struct.pack("!HH", 0x1d, 32) +
                                                          rbytes(rng, 32))
            sh_body += struct.pack("!H", len(sh_ext)) + sh_ext
            sh = b"\x02" + len(sh_body).to_bytes(3, "big") + sh_body
            flight = b"\x16\x03\x03" + struct.pack("!H", len(sh)) + sh + b"\x14\x03\x03\x00\x01\x01"
            flight += app_records(rng, size - len(flight))
            self.flights.append(segments(flight))
        self.finished = b"\x14\x03\x03\x00\x01\x01" + app_records(rng, 58)
        self.requests = [app_records(rng, n) for n in (120, 310, 450, 620, 900, 1300)]
        self.bulk = segments(app_records(rng, 1460 * 96))
        self.close = b"\x15\x03\x03\x00\x13" + rbytes(rng, 19)
        self.sizes = [1, 1, 2, 2, 3, 4, 6, 8, 12, 16, 24, 40, 64, 96]


def tls_session(rng, tpl, t, cport):
    site = rng.choice(SITES)
    c = Tcp(rng.choice(PCS), cport, site_ip(site), 443, rng.getrandbits(32), rng.getrandbits(32),
            ttl_s=rng.choice((52, 56, 57, 119)))
    rtt = rng.randrange(8000, 70000)
    yield from c.handshake(t, rtt)
    t += rtt + 200
    yield c.seg(t, 0, PA, tpl.hello[site])
    t += rtt
    flight = tpl.flights[rng.randrange(len(tpl.flights))]
    for i, s in enumerate(flight):
        yield c.seg(t, 1, PA if i == len(flight) - 1 else ACK, s)
        if i & 1:
            yield c.seg(t + 40, 0, ACK)
        t += 120
    t += 1500
    yield c.seg(t, 0, PA, tpl.finished)
    for x in range(1 + int(rng.expovariate(0.5))):
        t += 300 if x == 0 else int(rng.expovariate(1 / 1.5) * US)
        yield c.seg(t, 0, PA, rng.choice(tpl.requests))
        t += rtt + rng.randrange(200, 30000)
        n = rng.choice(tpl.sizes)
        for i in range(n):
            yield c.seg(t, 1, PA if i == n - 1 else ACK, tpl.bulk[i])
            if i & 1 or i == n - 1:
                yield c.seg(t + 40, 0, ACK)
            t += 120 + (rtt // 4 if i % 10 == 9 else 0)
    t += rng.randrange(100000, 20 * US)
    yield c.seg(t, 0, PA, tpl.close)
    yield c.seg(t + 100, 0, FIN | ACK)
    t += rtt
    yield c.seg(t, 1, FIN | ACK)
    yield c.seg(t + 50, 0, ACK)


def spawner(rng, rate, make, t=0):
    """Sessions starting at random (Poisson) times, rate per second; make(t) -> generator."""
    while True:
        t += int(rng.expovariate(rate) * US) + 1
        yield (t, make(t))


# ---- DNS ------------------------------------------------------------------------------


def dns_name(name):
    return b"".join(bytes([len(p)]) + p.encode() for p in name.split(".")) + b"\x00"


def dns_query(name, qtype):
    return struct.pack("!HHHHHH", 0, 0x0100, 1, 0, 0, 1) + dns_name(name) + \
        struct.pack("!HH", qtype, 1) + b"\x00\x00\x29\x04\xd0\x00\x00\x00\x00\x00\x00"


def dns_answer(rng, name, qtype):
    n = rng.choice((1, 1, 2, 4)) if qtype == 1 else rng.choice((0, 1, 2))
    ans = b""
    cnt = n
    if rng.random() < 0.4:
        n = max(n, 1)
        cnt = n + 1
        cname = "edge-%d.%s" % (rng.randrange(99), rng.choice(("akamaiedge.net", "cloudfront.net",
                                                                 "fastly.net", "azureedge.net")))
        cn = dns_name(cname)
        ans += b"\xc0\x0c" + struct.pack("!HHIH", 5, 1, 300, len(cn)) + cn
    for _ in range(n):
        rd = rbytes(rng, 4 if qtype == 1 else 16)
        ans += b"\xc0\x0c" + struct.pack("!HHIH", qtype, 1, rng.randrange(30, 3600), len(rd)) + rd
    return struct.pack("!HHHHHH", 0, 0x8180, 1, cnt, 0, 1) + dns_name(name) + \
        struct.pack("!HH", qtype, 1) + ans + b"\x00\x00\x29\x04\xd0\x00\x00\x00\x00\x00\x00"


class DnsTemplates:
    def __init__(self, rng):
        names = SITES + ["wpad.office.local", "dc1.office.local", "time.windows.com",
                         "ctldl.windowsupdate.com", "connectivity-check.ubuntu.com",
                         "settings-win.data.microsoft.com", "api.weather.com"]
        self.pairs = [(dns_query(n, q), dns_answer(rng, n, q)) for n in names for q in (1, 28)]


def dns_exchange(rng, tpl, t):
    q, a = rng.choice(tpl.pairs)
    txid = struct.pack("!H", rng.getrandbits(16))
    u = Udp(rng.choice(PCS), rng.randrange(1024, 65536), DNS_SRV, 53, rng.getrandbits(16))
    yield u.dgram(t, 0, txid + q[2:])
    if rng.random() < 0.25:     # cache miss: the server asks upstream
        up = Udp(DNS_SRV, rng.randrange(1024, 65536), UPSTREAM_DNS, 53, rng.getrandbits(16),
                 ttl_b=57)
        utx = struct.pack("!H", rng.getrandbits(16))
        yield up.dgram(t + 150, 0, utx + q[2:])
        t += 150 + rng.randrange(6000, 40000)
        yield up.dgram(t, 1, utx + a[2:])
    yield u.dgram(t + 250, 1, txid + a[2:])


# ---- HTTP --------------------------------------------------------------------------------

HTTP_SITES = ["ctldl.windowsupdate.com", "connectivity-check.ubuntu.com", "ocsp.digicert.com",
              "crl.microsoft.com", "download.windowsupdate.com", "ocsp.pki.goog",
              "www.msftconnecttest.com", "detectportal.firefox.com", "intranet.office.local",
              "printer-3f.office.local"]
PATHS = ["/", "/index.html", "/connecttest.txt", "/success.txt", "/msdownload/update/v3/static/"
         "trustedr/en/authrootstl.cab", "/MFEwTzBNMEswSTAJBgUrDgMCGgUABBQ", "/img/logo.png",
         "/css/site.css", "/js/app.js", "/status.json", "/api/v1/ping"]
UA = ["Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
      "Chrome/131.0.0.0 Safari/537.36", "Microsoft-CryptoAPI/10.0",
      "Windows-Update-Agent/10.0.10011.16384 Client-Protocol/2.50", g.BROWSER]


class HttpTemplates:
    def __init__(self, rng):
        self.reqs = []
        for h in HTTP_SITES:
            for p in PATHS:
                self.reqs.append(("GET %s HTTP/1.1\r\nHost: %s\r\nUser-Agent: %s\r\nAccept: */*\r\n"
                                  "Accept-Encoding: gzip, deflate\r\nConnection: keep-alive\r\n\r\n"
                                  % (p, h, rng.choice(UA))).encode())
        self.resps = []
        for size in (0, 20, 350, 1200, 2900, 5800, 12000, 26000, 61000):
            if size == 0:
                r = ("HTTP/1.1 304 Not Modified\r\nDate: Wed, 18 Nov 2026 15:00:00 GMT\r\n"
                     "ETag: \"5e1f-62b\"\r\nCache-Control: max-age=3600\r\n\r\n").encode()
            else:
                body = (b"<html><head><title>x</title></head><body>" + bytes(
                    0x61 + rng.randrange(26) for _ in range(size)))[:size]
                r = ("HTTP/1.1 200 OK\r\nDate: Wed, 18 Nov 2026 15:00:00 GMT\r\nServer: nginx\r\n"
                     "Content-Type: text/html\r\nContent-Length: %d\r\nCache-Control: max-age=600"
                     "\r\nConnection: keep-alive\r\n\r\n" % size).encode() + body
            self.resps.append(segments(r))
        auth = "Authorization: Basic Y21lOmNtZWd1aQ=="     # cme:cmegui
        self.gui = [("GET %s HTTP/1.1\r\nHost: 10.1.0.1\r\nUser-Agent: %s\r\n%s\r\n"
                     "Connection: keep-alive\r\n\r\n" % (p, g.BROWSER, auth)).encode()
                    for p in ("/ccme.html", "/ephone.html", "/dn.html", "/system.html")]
        page = b"<html><head><title>Cisco Unified CME</title></head><body>" + b"x" * 3000 + \
            b"</body></html>\r\n"
        self.gui_resp = segments(("HTTP/1.1 200 OK\r\nServer: cisco-IOS\r\nContent-Type: text/html"
                                  "\r\nContent-Length: %d\r\n\r\n" % len(page)).encode() + page)


def http_session(rng, tpl, t, cport, gui=False):
    if gui:
        c = Tcp(ADMIN_PC, cport, ROUTER, 80, rng.getrandbits(32), rng.getrandbits(32), ttl_s=255)
        rtt = 600
        exchanges = [(r, tpl.gui_resp) for r in tpl.gui]
    else:
        c = Tcp(rng.choice(PCS), cport, site_ip(rng.choice(HTTP_SITES)), 80, rng.getrandbits(32),
                rng.getrandbits(32), ttl_s=rng.choice((52, 57, 119)))
        rtt = rng.randrange(8000, 60000)
        exchanges = [(rng.choice(tpl.reqs), rng.choice(tpl.resps))
                     for _ in range(1 + int(rng.expovariate(0.7)))]
    yield from c.handshake(t, rtt)
    t += rtt + 100
    for req, resp in exchanges:
        yield c.seg(t, 0, PA, req)
        t += rtt + rng.randrange(300, 20000)
        for i, s in enumerate(resp):
            yield c.seg(t, 1, PA if i == len(resp) - 1 else ACK, s)
            if i & 1 or i == len(resp) - 1:
                yield c.seg(t + 40, 0, ACK)
            t += 120
        t += rng.randrange(5000, 3 * US)
    yield c.seg(t, 0, FIN | ACK)
    t += rtt
    yield c.seg(t, 1, FIN | ACK)
    yield c.seg(t + 50, 0, ACK)


# ---- SNMP ------------------------------------------------------------------------------------

IF_COLUMNS = (10, 16, 14, 20, 11, 17, 8)   # ifInOctets, ifOutOctets, errors, ucast, operStatus


def snmp_poller(rng):
    """Every 10 s the NMS polls each agent: sysUpTime, then one GET per interface."""
    agents = [(ROUTER, "public", 8)] + [(s, "n0c-R3ad0nly", 26) for s in SWITCHES] + \
        [(a, "n0c-R3ad0nly", 2) for a in APS] + [(UPS, "public", 1)]
    flows = [Udp(NMS, 50161 + i, a, 161, rng.getrandbits(16)) for i, (a, _, _) in enumerate(agents)]
    counters = {}
    oid_enc = {}

    def oid(text):
        e = oid_enc.get(text)
        if e is None:
            e = oid_enc[text] = g.oid(text)
        return e

    rid = rng.randrange(1 << 24, 1 << 30)
    phase = [rng.randrange(10 * US) for _ in agents]
    t = 0
    while True:
        for i, (agent, comm, nif) in enumerate(agents):
            ta = t + phase[i]
            u = flows[i]
            for ifx in range(0, nif + 1):
                oids = ["1.3.6.1.2.1.1.3.0"] if ifx == 0 else \
                    ["1.3.6.1.2.1.2.2.1.%d.%d" % (col, ifx) for col in IF_COLUMNS]
                rid += 1
                req = g.snmp_v1v2(1, comm, g.tlv(0xA0, g.integer(rid) + g.integer(0) + g.integer(0) +
                                                g.seq(*[g.seq(oid(o), g.null()) for o in oids])))
                vbs = []
                for o in oids:
                    v = counters.get((agent, o), rng.randrange(1 << 24)) + rng.randrange(1 << 16)
                    counters[(agent, o)] = v & 0x7FFFFFFF
                    vbs.append(g.seq(oid(o), g.tlv(0x43 if ifx == 0 else 0x41,
                                                   g.integer(v & 0x7FFFFFFF)[2:])))
                resp = g.snmp_v1v2(1, comm, g.tlv(0xA2, g.integer(rid) + g.integer(0) +
                                                  g.integer(0) + g.seq(*vbs)))
                yield u.dgram(ta, 0, req)
                yield u.dgram(ta + rng.randrange(400, 3000), 1, resp)
                ta += 4000
        # one cycle; snmp_gen puts the agents' frames in time order
        t += 10 * US


def snmp_gen(rng):
    """snmp_poller's frames are not in time order across agents: sort them per 10 s cycle."""
    src = snmp_poller(rng)
    window = []
    bound = 0
    for item in src:
        window.append(item)
        if item[0] >= bound + 20 * US:
            window.sort(key=lambda f: f[0])
            cut = bound + 10 * US
            keep = []
            for w in window:
                if w[0] < cut:
                    yield w
                else:
                    keep.append(w)
            window = keep
            bound = cut


# ---- telnet ----------------------------------------------------------------------------------

IAC, DONT, DO, WONT, WILL, SB, SE = 255, 254, 253, 252, 251, 250, 240


def iac(*pairs):
    return b"".join(bytes([IAC, v, o]) for v, o in pairs)


SHOW_OUTPUT = {
    "show ip interface brief": 900, "show ephone registered": 5200, "show running-config": 14000,
    "show logging": 7000, "show version": 2100, "show voice port summary": 1100,
    "show interfaces": 9000, "show clock": 60,
}


def telnet_session(rng, t, cport, backup):
    c = Tcp(ADMIN_PC if not backup else NMS, cport, ROUTER, 23, rng.getrandbits(32),
            rng.getrandbits(32), ttl_s=255)
    yield from c.handshake(t, 500)
    t += 2000
    yield c.seg(t, 1, PA, iac((WILL, 1), (WILL, 3), (DO, 24), (DO, 31)))
    yield c.seg(t + 3000, 0, PA, iac((DO, 1), (DO, 3), (WILL, 31)) +
                bytes([IAC, SB, 31, 0, 80, 0, 24, IAC, SE]) + iac((WONT, 24)))
    t += 5000
    yield c.seg(t, 1, PA, b"\r\n\r\nUser Access Verification\r\n\r\nUsername: ")
    gap = 3000 if backup else 150000

    def typed(t, text, echo, out):
        """One segment per character; the router echoes it (or only ACKs a password)."""
        for ch in text:
            out.append(c.seg(t, 0, PA, ch.encode()))
            if echo:
                out.append(c.seg(t + 1200, 1, PA, ch.encode()))
                out.append(c.seg(t + 2000, 0, ACK))
            else:
                out.append(c.seg(t + min(40000, gap // 2), 1, ACK))
            t += gap + rng.randrange(gap // 2 + 1)
        return t

    t += 800000 if not backup else 20000
    out = []
    t = typed(t, "netops" if not backup else "backup", True, out)
    yield from out
    yield c.seg(t, 0, PA, b"\r\x00")
    yield c.seg(t + 2000, 1, PA, b"\r\nPassword: ")
    t += 500000 if not backup else 10000
    out = []
    t = typed(t, "N3tops!2026" if not backup else "Bkp-2026", False, out)
    yield from out
    yield c.seg(t, 0, PA, b"\r\x00")
    t += 30000
    yield c.seg(t, 1, PA, b"\r\n\r\nCME#")
    cmds = ["terminal length 0", "show running-config"] if backup else \
        ["terminal length 0"] + rng.sample(sorted(SHOW_OUTPUT), 3)
    for cmd in cmds:
        t += 2 * US if not backup else 20000
        out = []
        t = typed(t, cmd, True, out)
        yield from out
        yield c.seg(t, 0, PA, b"\r\x00")
        out = (b"\r\n" + b"".join(b"%s line %d\r\n" % (cmd.encode(), i)
                                  for i in range(SHOW_OUTPUT.get(cmd, 0) // 40)) + b"CME#")
        t += 3000
        segs = segments(out, 536)
        for i, s in enumerate(segs):
            yield c.seg(t, 1, PA, s)
            if i & 1 or i == len(segs) - 1:
                yield c.seg(t + 200, 0, ACK)
            t += 400
    t += 1 * US if not backup else 10000
    out = []
    t = typed(t, "exit", True, out)
    yield from out
    yield c.seg(t, 0, PA, b"\r\x00")
    yield c.seg(t + 2000, 1, FIN | ACK)
    yield c.seg(t + 3000, 0, FIN | ACK)
    yield c.seg(t + 4000, 1, ACK)


# ---- background chatter ---------------------------------------------------------------------


def arp_frame(rng):
    src = rng.choice(PCS + PHONES)
    target = rng.choice(PCS + PHONES + [ROUTER_DATA])
    smac = HOSTS[src][0]
    body = struct.pack("!HHBBH6s4s6s4s", 1, 0x0800, 6, 4, 1, smac, g.ip4(src), b"\x00" * 6,
                       g.ip4(target))
    vlan = HOSTS[src][1]
    hdr = b"\xff" * 6 + smac + (struct.pack("!HH", 0x8100, vlan) if vlan else b"") + b"\x08\x06"
    return hdr + body + b"\x00" * 18


BG_PAYLOADS = {
    5353: struct.pack("!HHHHHH", 0, 0, 1, 0, 0, 0) + dns_name("_googlecast._tcp.local") +
    b"\x00\x0c\x00\x01",
    1900: b"M-SEARCH * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\nMAN: \"ssdp:discover\"\r\nMX: 1\r\n"
    b"ST: urn:dial-multiscreen-org:service:dial:1\r\n\r\n",
    137: struct.pack("!HHHHHH", 0x8a1c, 0x0110, 1, 0, 0, 0) +
    b"\x20" + b"EOEBFDEBFACACACACACACACACACACAAA" + b"\x00\x00\x20\x00\x01",
    5355: struct.pack("!HHHHHH", 0x51e0, 0, 1, 0, 0, 0) + dns_name("wpad") + b"\x00\x01\x00\x01",
    123: b"\x23" + b"\x00" * 39 + struct.pack("!II", 0xEB5F2A10, 0x12345678),
}


def background(rng, t, idx):
    kind = rng.random()
    src = rng.choice(PCS)
    if kind < 0.30:
        arp = arp_frame(rng)
        yield (t, arp)
        return
    if kind < 0.55:
        port, dst = 5353, "224.0.0.251"
    elif kind < 0.72:
        port, dst = 1900, "239.255.255.250"
    elif kind < 0.84:
        port, dst = 137, "10.1.10.255"
    elif kind < 0.94:
        port, dst = 5355, "224.0.0.252"
    else:
        src = rng.choice(PHONES)
        u = Udp(src, 123, CME, 123, idx)
        yield u.dgram(t, 0, BG_PAYLOADS[123])
        yield u.dgram(t + 700, 1, b"\x24\x02" + BG_PAYLOADS[123][2:])
        return
    sport = port if port in (5353, 137) else 49152 + rng.randrange(16000)
    ttl = {5353: 255, 5355: 1}.get(port, 64)      # mDNS sends with TTL 255, LLMNR with 1
    yield Udp(src, sport, dst, port, idx, ttl_a=ttl).dgram(t, 0, BG_PAYLOADS[port])


# ---- the capture --------------------------------------------------------------------------------


class Gen:
    """Rates per second of each session kind, tuned so that the default mix matches the
    shares in the docstring (RTP volume follows from the call plan)."""
    TLS = 3.6        # sessions/s (~95 packets each)
    DNS = 68.0       # exchanges/s (~2.5 packets)
    HTTP = 4.5       # sessions/s (~35 packets)
    BG = 87.0        # ARP, mDNS, SSDP, NetBIOS, LLMNR, NTP (1 or 2 packets)
    TELNET_ADMIN = 1 / 90.0
    TELNET_BACKUP = 1 / 120.0
    GUI = 1 / 180.0


def build(out_path, target, seed):
    t_begin = time.time()
    master = random.Random(seed)
    rngs = {k: random.Random(master.getrandbits(64)) for k in
            ("office", "tls", "dns", "http", "gui", "snmp", "telnet", "backup", "bg")}
    horizon = int(target / 2000 * US) + 120 * US      # the target is reached well before this
    office = Office(rngs["office"], horizon)
    tls_t, dns_t, http_t = (TlsTemplates(rngs["tls"]), DnsTemplates(rngs["dns"]),
                            HttpTemplates(rngs["http"]))
    ports = itertools.cycle(range(49152, 65536))

    r = rngs
    sources = [
        ("rtp", office.media_gen()),
        ("h225", office.h225_gen()),
        ("tls", spawner(r["tls"], Gen.TLS, lambda t: tls_session(r["tls"], tls_t, t, next(ports)))),
        ("dns", spawner(r["dns"], Gen.DNS, lambda t: dns_exchange(r["dns"], dns_t, t))),
        ("http", spawner(r["http"], Gen.HTTP,
                         lambda t: http_session(r["http"], http_t, t, next(ports)))),
        ("http", spawner(r["gui"], Gen.GUI,
                         lambda t: http_session(r["gui"], http_t, t, next(ports), True))),
        ("telnet", spawner(r["telnet"], Gen.TELNET_ADMIN,
                           lambda t: telnet_session(r["telnet"], t, next(ports), False))),
        ("telnet", spawner(r["backup"], Gen.TELNET_BACKUP,
                           lambda t: telnet_session(r["backup"], t, next(ports), True))),
        ("other", spawner(r["bg"], Gen.BG, lambda t: background(r["bg"], t, int(t) & 0xFFFF))),
        ("snmp", snmp_gen(r["snmp"])),
    ] + [("sccp", office.phone_gen(p)) for p in range(N_PHONES)]

    heap = []
    order = itertools.count()
    push, pop = heapq.heappush, heapq.heappop
    bytes_t = bytes

    def start(cls, gen):
        first = next(gen, None)
        if first is not None:
            push(heap, (first[0], next(order), first[1], gen, cls))

    for cls, gen in sources:
        start(cls, gen)
    counts = {}
    written = 0
    last = 0
    base = START * US
    buf = bytearray()
    rec = REC.pack
    with open(out_path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
        while heap and written < target:
            t, _, x, gen, cls = pop(heap)
            if x.__class__ is bytes_t:
                if t >= 0:
                    if t < last:     # a session generator went back in time: a bug here
                        raise SystemExit("mkrealistic: %s frame out of order (%d < %d)" % (cls, t, last))
                    last = t
                    sec, usec = divmod(base + t, US)
                    n = len(x)
                    buf += rec(sec, usec, n, n)
                    buf += x
                    written += 1
                    counts[cls] = counts.get(cls, 0) + 1
                    if len(buf) > 1 << 22:
                        f.write(buf)
                        buf = bytearray()
            else:
                # a spawned session: its class is its spawner's (rtp media, h225 calls, ...)
                start(cls, x)
            nxt = next(gen, None)
            if nxt is not None:
                push(heap, (nxt[0], next(order), nxt[1], gen, cls))
        f.write(buf)
    size = os.path.getsize(out_path)
    mix = ", ".join("%s %.1f%%" % (k, 100.0 * v / written)
                    for k, v in sorted(counts.items(), key=lambda kv: -kv[1]))
    sys.stderr.write("mkrealistic: %s: %d packets, %.1f MB, %.0f s of traffic, built in %.1f s\n"
                     "mkrealistic: mix: %s\n" % (out_path, written, size / 1e6, last / US,
                                                 time.time() - t_begin, mix))
    return 0


def main(argv):
    args = [a for a in argv[1:]]
    seed = 2026
    if "--seed" in args:
        i = args.index("--seed")
        seed = int(args[i + 1])
        del args[i:i + 2]
    if not args or args[0] in ("-h", "--help"):
        print(__doc__)
        return 0 if args else 2
    target = int(args[1].replace(",", "").replace("_", "")) if len(args) > 1 else 3000000
    return build(args[0], target, seed)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
