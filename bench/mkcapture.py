#!/usr/bin/env python3
"""mkcapture.py - builds a large synthetic capture for bench/run.sh.

It replicates the scenario of samples/gen_samples.py with shifted addresses
(10.X.Y.0/24 per copy) and adds TCP sessions (handshake, request/response
data segments, FIN), so the benchmark exercises decoding, the flow table,
reassembly, nDPI and the SNMP dissector together.

usage: mkcapture.py OUT.pcap [COPIES]       (default 4000 copies, ~100k packets)
"""
import os
import struct
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "samples"))
import gen_samples as g  # noqa: E402


def tcp4(src, sport, dst, dport, seq, ack, flags, payload=b""):
    t = struct.pack("!HHIIBBHHH", sport, dport, seq, ack, 5 << 4, flags, 65535, 0, 0) + payload
    return g.eth(g.ipv4_header(src, dst, 6, len(t)) + t)


def tcp_session(c, s, cport, sport, requests):
    cs, ss = 1000, 5000
    out = [tcp4(c, cport, s, sport, cs, 0, 0x02), tcp4(s, sport, c, cport, ss, cs + 1, 0x12),
           tcp4(c, cport, s, sport, cs + 1, ss + 1, 0x10)]
    cs += 1
    ss += 1
    for req, resp in requests:
        out.append(tcp4(c, cport, s, sport, cs, ss, 0x18, req))
        cs += len(req)
        out.append(tcp4(s, sport, c, cport, ss, cs, 0x18, resp))
        ss += len(resp)
    out.append(tcp4(c, cport, s, sport, cs, ss, 0x11))
    out.append(tcp4(s, sport, c, cport, ss, cs + 1, 0x11))
    return out


def main(argv):
    if len(argv) < 2:
        print(__doc__)
        return 2
    copies = int(argv[2]) if len(argv) > 2 else 4000
    http = [(b"GET /ccmadmin/ HTTP/1.1\r\nHost: cme\r\n\r\n", b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello")] * 3
    telnet = [(b"\xff\xfd\x18", b"\xff\xfb\x01Username: "), (b"admin\r\n", b"Password: ")]
    with open(argv[1], "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
        t = g.BASE
        for i in range(copies):
            b = (i >> 8) & 0xFF
            net = "10.%d.%d" % (b, i & 0xFF)
            frames = []
            for _, fr in g.snmp_sample():
                frames.append(fr)
            frames += tcp_session(net + ".20", net + ".1", 40000 + i % 20000, 80, http)
            frames += tcp_session(net + ".21", net + ".1", 41000 + i % 20000, 23, telnet)
            for fr in frames:
                # shift the IPv4 addresses of the sample into this copy's /24
                fr = fr.replace(b"\x0a\x01\x01", bytes([10, b, i & 0xFF]))
                t += 0.0005
                sec = int(t)
                f.write(struct.pack("<IIII", sec, int((t - sec) * 1e6), len(fr), len(fr)))
                f.write(fr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
