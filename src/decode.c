/*
 * decode.c - link, network and transport decoding; see decode.h.
 *
 * References: IEEE 802.3 (Ethernet II and length frames), IEEE 802.1Q
 * (C-tag 0x8100, S-tag 0x88a8; 0x9100 is the pre-standard QinQ tag), RFC 3032
 * (MPLS label stack), the tcpdump.org LINKTYPE list (NULL/LOOP, RAW, IPV4,
 * IPV6, LINUX_SLL, LINUX_SLL2), RFC 791 (IPv4), RFC 8200 (IPv6 and its
 * extension headers), RFC 4302 (AH length), RFC 6946 (atomic fragments),
 * RFC 9293 (TCP) and RFC 768 (UDP).
 *
 * Each layer reads its header through a struct cursor and hands the next
 * layer a child cursor bounded by the length field it trusts, so Ethernet
 * padding never reaches L4 and no read can pass caplen. A length field that
 * claims more than was captured means the snaplen cut the packet: the
 * headers that are present are still decoded and the payload is what was
 * captured, except for fragments, which cannot be reassembled from a cut
 * packet. Counters: stats.ipv4/ipv6/tcp/udp/vlan_tagged/mpls count packets
 * that reached that layer, whatever happened next.
 */
#include "decode.h"

#include <errno.h>
#include <string.h>

#include "cursor.h"
#include "defrag.h"

/* Link types as pcap_datalink() reports them (DLT_*), and LINKTYPE_* values. */
#define DECODE_LT_NULL        0
#define DECODE_LT_EN10MB      1
#define DECODE_LT_RAW         12  /* DLT_RAW everywhere but OpenBSD */
#define DECODE_LT_RAW_OPENBSD 14  /* DLT_RAW on OpenBSD */
#define DECODE_LT_RAW_FILE    101 /* LINKTYPE_RAW, as written in files */
#define DECODE_LT_LOOP        108
#define DECODE_LT_LINUX_SLL   113
#define DECODE_LT_IPV4        228
#define DECODE_LT_IPV6        229
#define DECODE_LT_LINUX_SLL2  276

#define ETH_HLEN       14
#define SLL_HLEN       16
#define SLL2_HLEN      20
#define ARPHRD_NETLINK 824 /* SLL protocol field is a netlink family, not an ethertype */

#define ETHERTYPE_IP    0x0800
#define ETHERTYPE_IPV6  0x86dd
#define ETHERTYPE_VLAN  0x8100
#define ETHERTYPE_QINQ  0x88a8
#define ETHERTYPE_Q9100 0x9100
#define ETHERTYPE_MPLS  0x8847
#define ETHERTYPE_MPLSM 0x8848

#define MPLS_MAX_LABELS 8
#define MPLS_BOS        0x100 /* bottom-of-stack bit of a label stack entry */

/* BSD address families seen in DLT_NULL/DLT_LOOP headers. */
#define BSD_AF_INET        2
#define BSD_AF_INET6_BSD   24 /* NetBSD, OpenBSD */
#define BSD_AF_INET6_BSD2  28 /* FreeBSD, DragonFly */
#define BSD_AF_INET6_APPLE 30 /* macOS */

#define IP4_HLEN    20
#define IP4_MF      0x2000
#define IP4_OFFMASK 0x1fff
#define IP6_HLEN    40
#define TCP_HLEN    20
#define UDP_HLEN    8

#define PROTO_HOPOPTS  0
#define PROTO_TCP      6
#define PROTO_UDP      17
#define PROTO_ROUTING  43
#define PROTO_FRAGMENT 44
#define PROTO_AH       51
#define PROTO_NONE     59
#define PROTO_DSTOPTS  60

#define IP6_MAX_EXT 8

static const char *const reason_names[DR_COUNT] = {
    [DR_UNSUPPORTED_LINKTYPE] = "unsupported_linktype",
    [DR_TRUNCATED_L2] = "truncated_l2",
    [DR_TRUNCATED_VLAN] = "truncated_vlan",
    [DR_TRUNCATED_MPLS] = "truncated_mpls",
    [DR_TOO_MANY_VLAN] = "too_many_vlan",
    [DR_TRUNCATED_IP4] = "truncated_ip4",
    [DR_BAD_IP4_HLEN] = "bad_ip4_hlen",
    [DR_BAD_IP4_LEN] = "bad_ip4_len",
    [DR_TRUNCATED_IP6] = "truncated_ip6",
    [DR_BAD_IP6_LEN] = "bad_ip6_len",
    [DR_TRUNCATED_IP6_EXT] = "truncated_ip6_ext",
    [DR_TOO_MANY_IP6_EXT] = "too_many_ip6_ext",
    [DR_BAD_IP_VERSION] = "bad_ip_version",
    [DR_TRUNCATED_TCP] = "truncated_tcp",
    [DR_BAD_TCP_HLEN] = "bad_tcp_hlen",
    [DR_TRUNCATED_UDP] = "truncated_udp",
    [DR_BAD_UDP_LEN] = "bad_udp_len",
    [DR_BAD_FRAGMENT] = "bad_fragment",
};

static const char *const other_names[DO_COUNT] = {
    [DO_NOT_IP] = "not_ip",
    [DO_OTHER_L4] = "other_l4",
};

const char *decode_reason_name(enum decode_reason r)
{
    return (unsigned)r < DR_COUNT ? reason_names[r] : "unknown";
}

const char *decode_other_name(enum decode_other o)
{
    return (unsigned)o < DO_COUNT ? other_names[o] : "unknown";
}

uint64_t decode_error_total(const struct decode_stats *s)
{
    uint64_t n = 0;
    for (int i = 0; i < DR_COUNT; i++)
        n += s->errors[i];
    return n;
}

int decode_linktype_supported(int linktype)
{
    switch (linktype) {
        case DECODE_LT_NULL:
        case DECODE_LT_EN10MB:
        case DECODE_LT_RAW:
        case DECODE_LT_RAW_OPENBSD:
        case DECODE_LT_RAW_FILE:
        case DECODE_LT_LOOP:
        case DECODE_LT_LINUX_SLL:
        case DECODE_LT_IPV4:
        case DECODE_LT_IPV6:
        case DECODE_LT_LINUX_SLL2:
            return 1;
        default:
            return 0;
    }
}

int decoder_init(struct decoder *d, int linktype, const struct defrag_limits *lim)
{
    struct defrag *df = defrag_new(lim);
    if (!df)
        return -ENOMEM;
    memset(d, 0, sizeof(*d));
    d->linktype = linktype;
    d->defrag = df;
    return 0;
}

void decoder_fini(struct decoder *d) { d->defrag = defrag_free(d->defrag); }

void decoder_set_linktype(struct decoder *d, int linktype) { d->linktype = linktype; }

static enum decode_result fail(struct decoder *d, enum decode_reason r)
{
    d->stats.errors[r]++;
    return DECODE_ERROR;
}

static enum decode_result skip(struct decoder *d, enum decode_other o)
{
    d->stats.other[o]++;
    return DECODE_OTHER;
}

/*
 * The fixed part of each header is read through a child cursor of that
 * size (cur_sub): one bounds check for the whole part, after which the
 * compiler knows the child's length and drops the checks of the reads from
 * it. (cur_bytes from such a child cannot return NULL.)
 */
static enum decode_result decode_tcp(struct decoder *d, struct cursor *c, bool truncated,
                                     struct packet *pkt)
{
    d->stats.tcp++;
    size_t len = cur_left(c);
    struct cursor h = cur_sub(c, TCP_HLEN);
    if (!cur_ok(c))
        return fail(d, DR_TRUNCATED_TCP);
    pkt->sport = cur_be16(&h);
    pkt->dport = cur_be16(&h);
    pkt->tcp_seq = cur_be32(&h);
    pkt->tcp_ack = cur_be32(&h);
    uint8_t doff = cur_u8(&h);
    pkt->tcp_flags = cur_u8(&h);
    pkt->tcp_win = cur_be16(&h);
    cur_skip(&h, 4); /* checksum, urgent pointer */
    size_t hlen = (size_t)(doff >> 4) * 4;
    if (hlen < TCP_HLEN)
        return fail(d, DR_BAD_TCP_HLEN);
    if (hlen > len)
        return fail(d, truncated ? DR_TRUNCATED_TCP : DR_BAD_TCP_HLEN);
    cur_skip(c, hlen - TCP_HLEN); /* options */
    pkt->payload = cur_ptr(c);
    pkt->payload_len = cur_left(c);
    return DECODE_OK;
}

static enum decode_result decode_udp(struct decoder *d, struct cursor *c, bool truncated,
                                     struct packet *pkt)
{
    d->stats.udp++;
    size_t len = cur_left(c);
    struct cursor h = cur_sub(c, UDP_HLEN);
    if (!cur_ok(c))
        return fail(d, DR_TRUNCATED_UDP);
    pkt->sport = cur_be16(&h);
    pkt->dport = cur_be16(&h);
    size_t ulen = cur_be16(&h);
    cur_skip(&h, 2); /* checksum */
    if (ulen < UDP_HLEN)
        return fail(d, DR_BAD_UDP_LEN);
    if (ulen > len) {
        if (!truncated)
            return fail(d, DR_BAD_UDP_LEN);
        ulen = len; /* the snaplen cut the datagram: the payload is what was captured */
    }
    pkt->payload = cur_ptr(c);
    pkt->payload_len = ulen - UDP_HLEN;
    return DECODE_OK;
}

/* c holds the IP payload from the transport header on. */
static enum decode_result decode_l4(struct decoder *d, uint8_t proto, struct cursor *c,
                                    bool truncated, struct packet *pkt)
{
    pkt->ip_proto = proto;
    switch (proto) {
        case PROTO_TCP:
            return decode_tcp(d, c, truncated, pkt);
        case PROTO_UDP:
            return decode_udp(d, c, truncated, pkt);
        default:
            return skip(d, DO_OTHER_L4);
    }
}

/*
 * Hands a fragment to the defragmenter. Returns DECODE_HELD while the
 * datagram is incomplete, DECODE_ERROR if the defragmenter rejected the
 * fragment (it counts why), or DECODE_OK with *ret set over the rebuilt
 * upper-layer payload (the defragmenter's buffer).
 */
static enum decode_result defragment(struct decoder *d, const struct defrag_frag *f,
                                     struct packet *pkt, struct cursor *ret)
{
    const struct defrag_stats *ds = defrag_stats(d->defrag);
    uint64_t rejected = ds->invalid + ds->too_big;
    const uint8_t *data;
    size_t len;
    d->frags_held = true;
    if (defrag_add(d->defrag, f, pkt->ts_us, &data, &len) == 1) {
        pkt->reassembled = true;
        cur_init(ret, data, len);
        return DECODE_OK;
    }
    if (ds->invalid + ds->too_big != rejected)
        return fail(d, DR_BAD_FRAGMENT);
    return DECODE_HELD;
}

static enum decode_result decode_ip4(struct decoder *d, struct cursor *c, struct packet *pkt)
{
    d->stats.ipv4++;
    const uint8_t *l3 = cur_ptr(c);
    size_t cap = cur_left(c);
    int vhl = cur_peek(c, 0);
    if (vhl < 0)
        return fail(d, DR_TRUNCATED_IP4);
    if (vhl >> 4 != 4)
        return fail(d, DR_BAD_IP_VERSION);
    struct cursor h = cur_sub(c, IP4_HLEN);
    if (!cur_ok(c))
        return fail(d, DR_TRUNCATED_IP4);
    cur_skip(&h, 2); /* version, IHL, TOS */
    size_t total = cur_be16(&h);
    uint16_t id = cur_be16(&h);
    uint16_t frag = cur_be16(&h);
    cur_skip(&h, 1); /* TTL */
    uint8_t proto = cur_u8(&h);
    cur_skip(&h, 2); /* checksum */
    memcpy(pkt->src.a, cur_bytes(&h, 4), 4);
    memcpy(pkt->dst.a, cur_bytes(&h, 4), 4);
    size_t hlen = (size_t)(vhl & 0x0f) * 4;
    if (hlen < IP4_HLEN)
        return fail(d, DR_BAD_IP4_HLEN);
    if (total < hlen)
        return fail(d, DR_BAD_IP4_LEN);
    if (hlen > cap)
        return fail(d, DR_TRUNCATED_IP4);
    bool truncated = total > cap;
    size_t ip_len = truncated ? cap : total; /* trims Ethernet padding */
    cur_skip(c, hlen - IP4_HLEN);            /* options */
    struct cursor pl = cur_sub(c, ip_len - hlen);

    pkt->ip_version = 4;
    pkt->src.family = pkt->dst.family = 4;
    pkt->l3 = l3;
    pkt->l3_len = ip_len;
    pkt->ip_proto = proto;

    uint32_t offset = (uint32_t)(frag & IP4_OFFMASK) * 8;
    bool more = (frag & IP4_MF) != 0;
    if (!more && offset == 0)
        return decode_l4(d, proto, &pl, truncated, pkt);
    if (truncated)
        return fail(d, DR_TRUNCATED_IP4);
    struct defrag_frag f = {
        .family = 4,
        .src = pkt->src,
        .dst = pkt->dst,
        .id = id,
        .proto = proto,
        .offset = offset,
        .more = more,
        .data = cur_ptr(&pl),
        .len = cur_left(&pl),
    };
    enum decode_result r = defragment(d, &f, pkt, &pl);
    if (r != DECODE_OK)
        return r;
    return decode_l4(d, proto, &pl, false, pkt);
}

/*
 * Walks IPv6 extension headers from next-header nh over c (the rest of the
 * IPv6 payload) to the transport header. reassembled: c is a datagram the
 * defragmenter rebuilt, which must not hold another fragment header.
 */
static enum decode_result decode_ip6_ext(struct decoder *d, uint8_t nh, struct cursor *c,
                                         bool truncated, bool reassembled, struct packet *pkt)
{
    /* a header that runs past the payload length is malformed unless the snaplen cut it */
    enum decode_reason short_reason = truncated ? DR_TRUNCATED_IP6_EXT : DR_BAD_IP6_LEN;
    for (unsigned n = 0;; n++) {
        switch (nh) {
            case PROTO_HOPOPTS:
            case PROTO_ROUTING:
            case PROTO_DSTOPTS:
            case PROTO_AH:
            case PROTO_FRAGMENT:
                break;
            case PROTO_NONE:
                pkt->ip_proto = nh;
                return skip(d, DO_OTHER_L4);
            default:
                return decode_l4(d, nh, c, truncated, pkt);
        }
        if (n == IP6_MAX_EXT)
            return fail(d, DR_TOO_MANY_IP6_EXT);
        int next = cur_peek(c, 0);
        int hdrlen = cur_peek(c, 1);
        if (next < 0 || hdrlen < 0)
            return fail(d, short_reason);

        if (nh == PROTO_FRAGMENT) {
            struct cursor h = cur_sub(c, 8);
            if (!cur_ok(c))
                return fail(d, short_reason);
            cur_skip(&h, 2); /* next header, reserved */
            uint16_t offm = cur_be16(&h);
            uint32_t id = cur_be32(&h);
            uint32_t offset = offm & 0xfff8u; /* 13 bits of 8-byte units */
            bool more = (offm & 1) != 0;
            nh = (uint8_t)next;
            if (offset == 0 && !more)
                continue; /* atomic fragment: the whole datagram is here */
            if (reassembled)
                return fail(d, DR_BAD_FRAGMENT);
            if (truncated)
                return fail(d, DR_TRUNCATED_IP6);
            struct defrag_frag f = {
                .family = 6,
                .src = pkt->src,
                .dst = pkt->dst,
                .id = id,
                .proto = nh,
                .offset = offset,
                .more = more,
                .data = cur_ptr(c),
                .len = cur_left(c),
            };
            struct cursor rebuilt;
            enum decode_result r = defragment(d, &f, pkt, &rebuilt);
            if (r != DECODE_OK)
                return r;
            return decode_ip6_ext(d, nh, &rebuilt, false, true, pkt);
        }

        size_t len = nh == PROTO_AH ? ((size_t)hdrlen + 2) * 4 : ((size_t)hdrlen + 1) * 8;
        if (!cur_skip(c, len))
            return fail(d, short_reason);
        nh = (uint8_t)next;
    }
}

static enum decode_result decode_ip6(struct decoder *d, struct cursor *c, struct packet *pkt)
{
    d->stats.ipv6++;
    const uint8_t *l3 = cur_ptr(c);
    size_t cap = cur_left(c);
    int vtc = cur_peek(c, 0);
    if (vtc < 0)
        return fail(d, DR_TRUNCATED_IP6);
    if (vtc >> 4 != 6)
        return fail(d, DR_BAD_IP_VERSION);
    struct cursor h = cur_sub(c, IP6_HLEN);
    if (!cur_ok(c))
        return fail(d, DR_TRUNCATED_IP6);
    cur_skip(&h, 4); /* version, traffic class, flow label */
    size_t plen = cur_be16(&h);
    uint8_t nh = cur_u8(&h);
    cur_skip(&h, 1); /* hop limit */
    memcpy(pkt->src.a, cur_bytes(&h, 16), 16);
    memcpy(pkt->dst.a, cur_bytes(&h, 16), 16);
    bool truncated = plen > cap - IP6_HLEN;
    size_t captured = truncated ? cap - IP6_HLEN : plen; /* trims Ethernet padding */
    struct cursor pl = cur_sub(c, captured);

    pkt->ip_version = 6;
    pkt->src.family = pkt->dst.family = 6;
    pkt->l3 = l3;
    pkt->l3_len = IP6_HLEN + captured;
    pkt->ip_proto = nh;
    return decode_ip6_ext(d, nh, &pl, truncated, false, pkt);
}

/* IP version from the first nibble, for links that do not say (raw IP, MPLS); -1 if no byte. */
static int ip_version_peek(const struct cursor *c)
{
    int b = cur_peek(c, 0);
    return b < 0 ? -1 : b >> 4;
}

static enum decode_result decode_mpls(struct decoder *d, struct cursor *c, struct packet *pkt)
{
    d->stats.mpls++;
    for (unsigned n = 0;; n++) {
        if (n == MPLS_MAX_LABELS)
            return skip(d, DO_NOT_IP); /* deeper stacks are valid MPLS we do not follow */
        uint32_t entry = cur_be32(c);
        if (!cur_ok(c))
            return fail(d, DR_TRUNCATED_MPLS);
        if (entry & MPLS_BOS)
            break;
    }
    /* no payload type in MPLS: guess from the IP version nibble, as tcpdump does */
    switch (ip_version_peek(c)) {
        case -1:
            return fail(d, DR_TRUNCATED_MPLS);
        case 4:
            return decode_ip4(d, c, pkt);
        case 6:
            return decode_ip6(d, c, pkt);
        default:
            return skip(d, DO_NOT_IP); /* pseudowire control word, Ethernet over MPLS, ... */
    }
}

static enum decode_result decode_ethertype(struct decoder *d, uint16_t type, struct cursor *c,
                                           struct packet *pkt)
{
    for (;;) {
        switch (type) {
            case ETHERTYPE_VLAN:
            case ETHERTYPE_QINQ:
            case ETHERTYPE_Q9100: {
                if (pkt->vlan_count == 0)
                    d->stats.vlan_tagged++;
                if (pkt->vlan_count == PKT_MAX_VLAN)
                    return fail(d, DR_TOO_MANY_VLAN);
                struct cursor tag = cur_sub(c, 4);
                if (!cur_ok(c))
                    return fail(d, DR_TRUNCATED_VLAN);
                uint16_t tci = cur_be16(&tag);
                type = cur_be16(&tag);
                pkt->vlan[pkt->vlan_count++] = tci & 0x0fff;
                break;
            }
            case ETHERTYPE_MPLS:
            case ETHERTYPE_MPLSM:
                return decode_mpls(d, c, pkt);
            case ETHERTYPE_IP:
                return decode_ip4(d, c, pkt);
            case ETHERTYPE_IPV6:
                return decode_ip6(d, c, pkt);
            default:
                /* ARP, LLDP, ..., and 802.3 length frames (type < 0x0600: LLC, CDP, STP) */
                return skip(d, DO_NOT_IP);
        }
    }
}

static bool bsd_af_inet6(uint32_t af)
{
    return af == BSD_AF_INET6_BSD || af == BSD_AF_INET6_BSD2 || af == BSD_AF_INET6_APPLE;
}

enum decode_result decode_packet(struct decoder *d, const uint8_t *data, size_t caplen,
                                 size_t wirelen, uint64_t ts_us, struct packet *pkt)
{
    /* not memset: that compiles to rep stosq, slow to start for 120 bytes */
    static const struct packet empty;
    *pkt = empty;
    pkt->ts_us = ts_us;
    pkt->caplen = caplen;
    pkt->wirelen = wirelen;
    d->stats.packets++;
    /* fragments become pending only through defragment() below, which sets frags_held */
    if (d->frags_held) {
        if (defrag_pending(d->defrag))
            defrag_expire(d->defrag, ts_us);
        else
            d->frags_held = false;
    }

    struct cursor c;
    cur_init(&c, data, caplen);
    switch (d->linktype) {
        case DECODE_LT_EN10MB: {
            struct cursor eth = cur_sub(&c, ETH_HLEN);
            if (!cur_ok(&c))
                return fail(d, DR_TRUNCATED_L2);
            cur_skip(&eth, ETH_HLEN - 2); /* destination, source */
            return decode_ethertype(d, cur_be16(&eth), &c, pkt);
        }
        case DECODE_LT_LINUX_SLL: {
            cur_skip(&c, 2); /* packet type */
            uint16_t hatype = cur_be16(&c);
            cur_skip(&c, SLL_HLEN - 6); /* address length, address */
            uint16_t proto = cur_be16(&c);
            if (!cur_ok(&c))
                return fail(d, DR_TRUNCATED_L2);
            if (hatype == ARPHRD_NETLINK)
                return skip(d, DO_NOT_IP);
            return decode_ethertype(d, proto, &c, pkt);
        }
        case DECODE_LT_LINUX_SLL2: {
            uint16_t proto = cur_be16(&c);
            cur_skip(&c, 6); /* reserved, interface index */
            uint16_t hatype = cur_be16(&c);
            cur_skip(&c, SLL2_HLEN - 10); /* packet type, address length, address */
            if (!cur_ok(&c))
                return fail(d, DR_TRUNCATED_L2);
            if (hatype == ARPHRD_NETLINK)
                return skip(d, DO_NOT_IP);
            return decode_ethertype(d, proto, &c, pkt);
        }
        case DECODE_LT_NULL:
        case DECODE_LT_LOOP: {
            /* the address family is in the capturing host's byte order (NULL) or big-endian (LOOP)
             */
            struct cursor le = c;
            uint32_t af_be = cur_be32(&c);
            uint32_t af_le = cur_le32(&le);
            if (!cur_ok(&c))
                return fail(d, DR_TRUNCATED_L2);
            if (af_be == BSD_AF_INET || af_le == BSD_AF_INET)
                return decode_ip4(d, &c, pkt);
            if (bsd_af_inet6(af_be) || bsd_af_inet6(af_le))
                return decode_ip6(d, &c, pkt);
            return skip(d, DO_NOT_IP);
        }
        case DECODE_LT_RAW:
        case DECODE_LT_RAW_OPENBSD:
        case DECODE_LT_RAW_FILE:
            switch (ip_version_peek(&c)) {
                case -1:
                    return fail(d, DR_TRUNCATED_L2);
                case 4:
                    return decode_ip4(d, &c, pkt);
                case 6:
                    return decode_ip6(d, &c, pkt);
                default:
                    return fail(d, DR_BAD_IP_VERSION);
            }
        case DECODE_LT_IPV4:
            return decode_ip4(d, &c, pkt);
        case DECODE_LT_IPV6:
            return decode_ip6(d, &c, pkt);
        default:
            return fail(d, DR_UNSUPPORTED_LINKTYPE);
    }
}

/* ---- load balancing --------------------------------------------------- */

/* Offset of the IP header in a frame, and its version; -1 when there is none we can find. */
static int l3_locate(int linktype, struct cursor *c)
{
    uint16_t type;
    switch (linktype) {
        case DECODE_LT_EN10MB:
            cur_skip(c, ETH_HLEN - 2);
            type = cur_be16(c);
            break;
        case DECODE_LT_LINUX_SLL:
            cur_skip(c, SLL_HLEN - 2);
            type = cur_be16(c);
            break;
        case DECODE_LT_LINUX_SLL2:
            type = cur_be16(c);
            cur_skip(c, SLL2_HLEN - 2);
            break;
        case DECODE_LT_NULL:
        case DECODE_LT_LOOP:
            cur_skip(c, 4);
            return ip_version_peek(c);
        case DECODE_LT_RAW:
        case DECODE_LT_RAW_OPENBSD:
        case DECODE_LT_RAW_FILE:
        case DECODE_LT_IPV4:
        case DECODE_LT_IPV6:
            return ip_version_peek(c);
        default:
            return -1;
    }
    for (unsigned tags = 0; cur_ok(c); tags++) {
        switch (type) {
            case ETHERTYPE_VLAN:
            case ETHERTYPE_QINQ:
            case ETHERTYPE_Q9100:
                if (tags == PKT_MAX_VLAN)
                    return -1;
                cur_skip(c, 2);
                type = cur_be16(c);
                continue;
            case ETHERTYPE_MPLS:
            case ETHERTYPE_MPLSM:
                for (unsigned n = 0; n < MPLS_MAX_LABELS && cur_ok(c); n++)
                    if (cur_be32(c) & MPLS_BOS)
                        return ip_version_peek(c);
                return -1;
            case ETHERTYPE_IP:
                return 4;
            case ETHERTYPE_IPV6:
                return 6;
            default:
                return -1;
        }
    }
    return -1;
}

static uint64_t mix64(uint64_t x)
{
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdull;
    x ^= x >> 33;
    x *= 0xc4ceb9fe1a85ec53ull;
    return x ^ (x >> 33);
}

/* A hash of one address; n is 4 or 16 bytes. */
static uint64_t addr_hash(const uint8_t *a, size_t n)
{
    uint64_t h = 0;
    for (size_t i = 0; i < n; i += 4)
        h = mix64(h ^ ((uint64_t)a[i] << 24 | (uint64_t)a[i + 1] << 16 | (uint64_t)a[i + 2] << 8 |
                       a[i + 3]));
    return h;
}

uint32_t decode_host_pair_hash(int linktype, const uint8_t *data, size_t caplen)
{
    struct cursor c;
    cur_init(&c, data, caplen);
    int v = l3_locate(linktype, &c);
    size_t off = v == 4 ? 12 : 8, n = v == 4 ? 4 : 16;
    if ((v != 4 && v != 6) || !cur_ok(&c) || cur_left(&c) < off + 2 * n)
        return 0;
    const uint8_t *ip = cur_ptr(&c);
    /* a sum is the same both ways: the two directions of a conversation meet */
    uint64_t h = addr_hash(ip + off, n) + addr_hash(ip + off + n, n);
    return (uint32_t)(mix64(h) >> 32);
}
