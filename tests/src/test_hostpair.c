/*
 * test_hostpair.c - decode_host_pair_hash(), the capture thread's load
 * balancing key: the same in both directions and under every link
 * encapsulation, independent of ports and fragmentation, 0 without IP or
 * when the addresses were not captured, in bounds on every truncation, few
 * collisions, and an even split by (hash * n) >> 32.
 */
#include <criterion/criterion.h>

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "decode.h"
#include "packet.h"

/* Link types by number (DECODE_LT_* in src/decode.c). */
#define LT_NULL   0
#define LT_EN10MB 1
#define LT_RAW    12
#define LT_RAW14  14
#define LT_RAW101 101
#define LT_LOOP   108
#define LT_SLL    113
#define LT_IPV4   228
#define LT_IPV6   229
#define LT_SLL2   276

/* ---- frame builder ---- */

struct fb {
    uint8_t b[256];
    size_t len;
    size_t addr_end; /* offset just past the destination address */
};

static void put(struct fb *f, const void *p, size_t n)
{
    cr_assert_leq(n, sizeof(f->b) - f->len);
    memcpy(f->b + f->len, p, n);
    f->len += n;
}

static void put8(struct fb *f, unsigned v)
{
    uint8_t b = (uint8_t)v;
    put(f, &b, 1);
}

static void put16(struct fb *f, unsigned v)
{
    put8(f, v >> 8);
    put8(f, v);
}

static void put32(struct fb *f, uint32_t v)
{
    put16(f, v >> 16);
    put16(f, v & 0xffff);
}

static void put32le(struct fb *f, uint32_t v)
{
    put8(f, v);
    put8(f, v >> 8);
    put8(f, v >> 16);
    put8(f, v >> 24);
}

static void patch16(struct fb *f, size_t at, size_t v)
{
    f->b[at] = (uint8_t)(v >> 8);
    f->b[at + 1] = (uint8_t)v;
}

static void eth(struct fb *f, unsigned type)
{
    put(f, "\x00\x11\x22\x33\x44\x55\x66\x77\x88\x99\xaa\xbb", 12);
    put16(f, type);
}

static void mpls(struct fb *f, uint32_t label, bool bos)
{
    put32(f, label << 12 | (bos ? 0x100u : 0) | 64);
}

static void sll(struct fb *f, unsigned proto)
{
    put16(f, 0); /* packet type: to us */
    put16(f, 1); /* ARPHRD_ETHER */
    put16(f, 6); /* address length */
    put(f, "\x00\x11\x22\x33\x44\x55\x00\x00", 8);
    put16(f, proto);
}

static void sll2(struct fb *f, unsigned proto)
{
    put16(f, proto);
    put16(f, 0); /* reserved */
    put32(f, 3); /* interface index */
    put16(f, 1); /* ARPHRD_ETHER */
    put8(f, 0);  /* packet type */
    put8(f, 6);  /* address length */
    put(f, "\x00\x11\x22\x33\x44\x55\x00\x00", 8);
}

static void addr(struct fb *f, int family, const char *s)
{
    uint8_t a[16];
    cr_assert_eq(inet_pton(family == 4 ? AF_INET : AF_INET6, s, a), 1, "%s", s);
    put(f, a, family == 4 ? 4 : 16);
}

/* IPv4 header (no options) with the given fragment field; returns its offset. */
static size_t ip4_hdr(struct fb *f, unsigned proto, const char *src, const char *dst, unsigned frag)
{
    size_t at = f->len;
    put8(f, 0x45);
    put8(f, 0);
    put16(f, 0); /* total length, patched */
    put16(f, 0x1234);
    put16(f, frag);
    put8(f, 64);
    put8(f, proto);
    put16(f, 0);
    addr(f, 4, src);
    addr(f, 4, dst);
    f->addr_end = f->len;
    return at;
}

static size_t ip6_hdr(struct fb *f, unsigned nh, const char *src, const char *dst)
{
    size_t at = f->len;
    put32(f, 0x60000000);
    put16(f, 0); /* payload length, patched */
    put8(f, nh);
    put8(f, 64);
    addr(f, 6, src);
    addr(f, 6, dst);
    f->addr_end = f->len;
    return at;
}

/* UDP header and 4 payload bytes; ends the IP header at ip. */
static void udp_end(struct fb *f, int family, size_t ip, unsigned sport, unsigned dport)
{
    size_t at = f->len;
    put16(f, sport);
    put16(f, dport);
    put16(f, 12);
    put16(f, 0);
    put(f, "abcd", 4);
    patch16(f, at + 4, f->len - at);
    if (family == 4)
        patch16(f, ip + 2, f->len - ip);
    else
        patch16(f, ip + 4, f->len - ip - 40);
}

static void ip_udp(struct fb *f, int family, const char *src, const char *dst, unsigned sport,
                   unsigned dport)
{
    size_t ip = family == 4 ? ip4_hdr(f, 17, src, dst, 0) : ip6_hdr(f, 17, src, dst);
    udp_end(f, family, ip, sport, dport);
}

/* ---- encapsulations ---- */

enum encap_kind {
    EK_ETH,
    EK_VLAN,
    EK_QINQ,
    EK_Q9100,
    EK_MPLS1,
    EK_MPLS2,
    EK_VLAN_MPLS,
    EK_SLL,
    EK_SLL2,
    EK_NULL_LE,
    EK_NULL_BE,
    EK_LOOP,
    EK_RAW,
};

struct encap {
    const char *name;
    int linktype;
    enum encap_kind kind;
    int only_family; /* 0: both */
};

static const struct encap encaps[] = {
    {"Ethernet", LT_EN10MB, EK_ETH, 0},
    {"802.1Q", LT_EN10MB, EK_VLAN, 0},
    {"QinQ 88a8/8100", LT_EN10MB, EK_QINQ, 0},
    {"QinQ 9100/8100", LT_EN10MB, EK_Q9100, 0},
    {"MPLS, one label", LT_EN10MB, EK_MPLS1, 0},
    {"MPLS, two labels", LT_EN10MB, EK_MPLS2, 0},
    {"802.1Q + MPLS", LT_EN10MB, EK_VLAN_MPLS, 0},
    {"Linux SLL", LT_SLL, EK_SLL, 0},
    {"Linux SLL2", LT_SLL2, EK_SLL2, 0},
    {"NULL, little-endian family", LT_NULL, EK_NULL_LE, 0},
    {"NULL, big-endian family", LT_NULL, EK_NULL_BE, 0},
    {"LOOP", LT_LOOP, EK_LOOP, 0},
    {"DLT_RAW 12", LT_RAW, EK_RAW, 0},
    {"DLT_RAW 14", LT_RAW14, EK_RAW, 0},
    {"LINKTYPE_RAW 101", LT_RAW101, EK_RAW, 0},
    {"LINKTYPE_IPV4 228", LT_IPV4, EK_RAW, 4},
    {"LINKTYPE_IPV6 229", LT_IPV6, EK_RAW, 6},
};

#define N_ENCAPS (sizeof(encaps) / sizeof(encaps[0]))

/* Writes the link header of e for an IP packet of the given family. */
static void link_hdr(struct fb *f, const struct encap *e, int family)
{
    unsigned et = family == 4 ? 0x0800 : 0x86dd;
    switch (e->kind) {
        case EK_ETH:
            eth(f, et);
            break;
        case EK_VLAN:
            eth(f, 0x8100);
            put16(f, 100);
            put16(f, et);
            break;
        case EK_QINQ:
        case EK_Q9100:
            eth(f, e->kind == EK_QINQ ? 0x88a8 : 0x9100);
            put16(f, 200);
            put16(f, 0x8100);
            put16(f, 100);
            put16(f, et);
            break;
        case EK_MPLS1:
            eth(f, 0x8847);
            mpls(f, 16000, true);
            break;
        case EK_MPLS2:
            eth(f, 0x8847);
            mpls(f, 16000, false);
            mpls(f, 17, true);
            break;
        case EK_VLAN_MPLS:
            eth(f, 0x8100);
            put16(f, 100);
            put16(f, 0x8847);
            mpls(f, 16000, true);
            break;
        case EK_SLL:
            sll(f, et);
            break;
        case EK_SLL2:
            sll2(f, et);
            break;
        /* BSD AF_INET is 2 everywhere; AF_INET6 is 24, 28 or 30: use each once */
        case EK_NULL_LE:
            put32le(f, family == 4 ? 2 : 30);
            break;
        case EK_NULL_BE:
            put32(f, family == 4 ? 2 : 24);
            break;
        case EK_LOOP:
            put32(f, family == 4 ? 2 : 28);
            break;
        case EK_RAW:
            break;
    }
}

static const char *const v4_a = "192.0.2.10", *const v4_b = "198.51.100.20";
static const char *const v6_a = "2001:db8::10", *const v6_b = "2001:db8:ffff::20";

/* A UDP packet of e from src:40000 to dst:161 (or the reply when reply is set). */
static void build(struct fb *f, const struct encap *e, int family, bool reply)
{
    memset(f, 0, sizeof(*f));
    const char *a = family == 4 ? v4_a : v6_a, *b = family == 4 ? v4_b : v6_b;
    link_hdr(f, e, family);
    if (reply)
        ip_udp(f, family, b, a, 161, 40000);
    else
        ip_udp(f, family, a, b, 40000, 161);
}

/* The hash over an exact-size heap copy, so ASan sees any read past len. */
static uint32_t hash_exact(int linktype, const uint8_t *data, size_t len)
{
    uint8_t *copy = malloc(len);
    cr_assert(copy || len == 0);
    if (len)
        memcpy(copy, data, len);
    uint32_t h = decode_host_pair_hash(linktype, copy, len);
    free(copy);
    return h;
}

static uint32_t hash_fb(int linktype, const struct fb *f)
{
    return hash_exact(linktype, f->b, f->len);
}

/* The decoder agrees the frame is UDP between the expected hosts (checks the builder). */
static void check_decodes(int linktype, const struct fb *f, int family, bool reply,
                          const char *name)
{
    struct decoder d;
    cr_assert_eq(decoder_init(&d, linktype, NULL), 0);
    struct packet p;
    enum decode_result r = decode_packet(&d, f->b, f->len, f->len, 1, &p);
    cr_assert_eq(r, DECODE_OK, "%s IPv%d: decode %d", name, family, r);
    struct tw_addr a, b;
    cr_assert_eq(tw_addr_parse(family == 4 ? v4_a : v6_a, &a), 0);
    cr_assert_eq(tw_addr_parse(family == 4 ? v4_b : v6_b, &b), 0);
    cr_assert(tw_addr_eq(&p.src, reply ? &b : &a), "%s IPv%d: source", name, family);
    cr_assert(tw_addr_eq(&p.dst, reply ? &a : &b), "%s IPv%d: destination", name, family);
    decoder_fini(&d);
}

static bool family_ok(const struct encap *e, int family)
{
    return e->only_family == 0 || e->only_family == family;
}

/* ---- tests ---- */

Test(hostpair, ethernet_both_directions)
{
    for (int family = 4; family <= 6; family += 2) {
        struct fb fwd, rev;
        build(&fwd, &encaps[0], family, false);
        build(&rev, &encaps[0], family, true);
        cr_assert_neq(memcmp(fwd.b, rev.b, fwd.len), 0);
        uint32_t h = hash_fb(LT_EN10MB, &fwd);
        cr_assert_neq(h, 0, "IPv%d", family);
        cr_assert_eq(hash_fb(LT_EN10MB, &rev), h, "IPv%d: the reply hashes alike", family);
    }
    /* IPv4 and IPv6 pairs differ */
    struct fb f4, f6;
    build(&f4, &encaps[0], 4, false);
    build(&f6, &encaps[0], 6, false);
    cr_assert_neq(hash_fb(LT_EN10MB, &f4), hash_fb(LT_EN10MB, &f6));
}

/* Every encapsulation, both directions: the hash of the untagged Ethernet frame. */
Test(hostpair, same_under_every_link_type)
{
    for (int family = 4; family <= 6; family += 2) {
        struct fb ref;
        build(&ref, &encaps[0], family, false);
        uint32_t want = hash_fb(LT_EN10MB, &ref);
        cr_assert_neq(want, 0);
        for (size_t i = 0; i < N_ENCAPS; i++) {
            const struct encap *e = &encaps[i];
            if (!family_ok(e, family))
                continue;
            for (int reply = 0; reply <= 1; reply++) {
                struct fb f;
                build(&f, e, family, reply);
                check_decodes(e->linktype, &f, family, reply, e->name);
                uint32_t h = hash_fb(e->linktype, &f);
                cr_assert_eq(h, want, "%s IPv%d%s: %08x, untagged Ethernet %08x", e->name, family,
                             reply ? " reply" : "", h, want);
            }
        }
    }
}

/* Ethernet padding after the IP datagram changes nothing. */
Test(hostpair, trailing_padding_ignored)
{
    struct fb f;
    build(&f, &encaps[0], 4, false);
    uint32_t want = hash_fb(LT_EN10MB, &f);
    while (f.len < 60)
        put8(&f, 0);
    cr_assert_eq(hash_fb(LT_EN10MB, &f), want);
}

/* Only the addresses count: ports, protocol, IP options, fragments do not. */
Test(hostpair, ports_protocol_and_fragments_ignored)
{
    struct fb f;
    build(&f, &encaps[0], 4, false);
    uint32_t want4 = hash_fb(LT_EN10MB, &f);

    /* TCP, other ports */
    memset(&f, 0, sizeof(f));
    eth(&f, 0x0800);
    size_t ip = ip4_hdr(&f, 6, v4_b, v4_a, 0);
    put16(&f, 80);
    put16(&f, 50000);
    put32(&f, 1);
    put32(&f, 0);
    put16(&f, 0x5002);
    put16(&f, 8192);
    put32(&f, 0);
    patch16(&f, ip + 2, f.len - ip);
    cr_assert_eq(hash_fb(LT_EN10MB, &f), want4);

    /* a non-first fragment: no UDP header at all */
    memset(&f, 0, sizeof(f));
    eth(&f, 0x0800);
    ip = ip4_hdr(&f, 17, v4_a, v4_b, 185);
    put(&f, "0123456789abcdef", 16);
    patch16(&f, ip + 2, f.len - ip);
    cr_assert_eq(hash_fb(LT_EN10MB, &f), want4);

    /* IPv4 options (IHL 6) */
    memset(&f, 0, sizeof(f));
    eth(&f, 0x0800);
    ip = ip4_hdr(&f, 17, v4_a, v4_b, 0);
    f.b[ip] = 0x46;
    put32(&f, 0x01010100);
    udp_end(&f, 4, ip, 1, 2);
    cr_assert_eq(hash_fb(LT_EN10MB, &f), want4);

    /* ICMP between the same hosts */
    memset(&f, 0, sizeof(f));
    eth(&f, 0x0800);
    ip = ip4_hdr(&f, 1, v4_b, v4_a, 0);
    put(&f, "\x08\x00\x00\x00\x00\x01\x00\x01", 8);
    patch16(&f, ip + 2, f.len - ip);
    cr_assert_eq(hash_fb(LT_EN10MB, &f), want4);

    /* IPv6: a fragment header with a non-first fragment */
    build(&f, &encaps[0], 6, false);
    uint32_t want6 = hash_fb(LT_EN10MB, &f);
    memset(&f, 0, sizeof(f));
    eth(&f, 0x86dd);
    ip = ip6_hdr(&f, 44, v6_b, v6_a);
    put8(&f, 17);
    put8(&f, 0);
    put16(&f, 100 << 3);
    put32(&f, 0xabcdef);
    put(&f, "0123456789abcdef", 16);
    patch16(&f, ip + 4, f.len - ip - 40);
    cr_assert_eq(hash_fb(LT_EN10MB, &f), want6);
}

/* Non-IP frames hash to 0, whole or cut. */
Test(hostpair, not_ip_is_zero)
{
    struct fb f;
    static const uint8_t arp[28] = {0x00, 0x01, 0x08, 0x00, 0x06, 0x04, 0x00, 0x01, 0x00, 0x11,
                                    0x22, 0x33, 0x44, 0x55, 192,  0,    2,    10,   0,    0,
                                    0,    0,    0,    0,    198,  51,   100,  20};
    struct {
        const char *name;
        int linktype;
    } cases[8];
    struct fb frames[8];
    size_t n = 0;

    memset(&f, 0, sizeof(f));
    eth(&f, 0x0806);
    put(&f, arp, sizeof(arp));
    cases[n].name = "ARP";
    cases[n].linktype = LT_EN10MB;
    frames[n++] = f;

    memset(&f, 0, sizeof(f));
    eth(&f, 0x8100);
    put16(&f, 100);
    put16(&f, 0x0806);
    put(&f, arp, sizeof(arp));
    cases[n].name = "802.1Q ARP";
    cases[n].linktype = LT_EN10MB;
    frames[n++] = f;

    memset(&f, 0, sizeof(f));
    sll(&f, 0x0806);
    put(&f, arp, sizeof(arp));
    cases[n].name = "SLL ARP";
    cases[n].linktype = LT_SLL;
    frames[n++] = f;

    memset(&f, 0, sizeof(f));
    sll2(&f, 0x0806);
    put(&f, arp, sizeof(arp));
    cases[n].name = "SLL2 ARP";
    cases[n].linktype = LT_SLL2;
    frames[n++] = f;

    /* 802.3 length frame (LLC/STP) whose bytes after the length look like IPv4 */
    memset(&f, 0, sizeof(f));
    eth(&f, 0x0026);
    ip_udp(&f, 4, v4_a, v4_b, 1, 2);
    cases[n].name = "802.3 length frame";
    cases[n].linktype = LT_EN10MB;
    frames[n++] = f;

    /* MPLS carrying a pseudowire control word (first nibble 0) */
    memset(&f, 0, sizeof(f));
    eth(&f, 0x8847);
    mpls(&f, 16000, true);
    put32(&f, 0);
    eth(&f, 0x0800);
    ip_udp(&f, 4, v4_a, v4_b, 1, 2);
    cases[n].name = "MPLS pseudowire";
    cases[n].linktype = LT_EN10MB;
    frames[n++] = f;

    /* raw link, IP version 5 */
    memset(&f, 0, sizeof(f));
    ip_udp(&f, 4, v4_a, v4_b, 1, 2);
    f.b[0] = 0x55;
    cases[n].name = "raw, version 5";
    cases[n].linktype = LT_RAW;
    frames[n++] = f;

    /* an IPv4 frame under a link type the decoder does not know (802.11) */
    build(&f, &encaps[0], 4, false);
    cases[n].name = "unsupported link type";
    cases[n].linktype = 105;
    frames[n++] = f;

    for (size_t i = 0; i < n; i++) {
        struct decoder d;
        struct packet p;
        cr_assert_eq(decoder_init(&d, cases[i].linktype, NULL), 0);
        cr_assert_neq(decode_packet(&d, frames[i].b, frames[i].len, frames[i].len, 1, &p),
                      DECODE_OK, "%s", cases[i].name);
        decoder_fini(&d);
        for (size_t len = 0; len <= frames[i].len; len++)
            cr_assert_eq(hash_exact(cases[i].linktype, frames[i].b, len), 0, "%s, %zu bytes",
                         cases[i].name, len);
    }
}

/* An MPLS stack deeper than the decoder follows (8 labels, none bottom-of-stack) is not IP. */
Test(hostpair, mpls_stack_without_bottom)
{
    struct fb f;
    memset(&f, 0, sizeof(f));
    eth(&f, 0x8847);
    for (uint32_t i = 0; i < 8; i++)
        mpls(&f, 100 + i, false);
    ip_udp(&f, 4, v4_a, v4_b, 1, 2);
    cr_assert_eq(hash_fb(LT_EN10MB, &f), 0);
}

/*
 * Every prefix of every frame, both families, both directions: no read past
 * the prefix (ASan), 0 while the two addresses are incomplete, the full
 * frame's hash once they are there.
 */
Test(hostpair, every_truncation)
{
    cr_assert_eq(decode_host_pair_hash(LT_EN10MB, NULL, 0), 0);
    for (size_t i = 0; i < N_ENCAPS; i++) {
        const struct encap *e = &encaps[i];
        for (int family = 4; family <= 6; family += 2) {
            if (!family_ok(e, family))
                continue;
            for (int reply = 0; reply <= 1; reply++) {
                struct fb f;
                build(&f, e, family, reply);
                uint32_t full = hash_fb(e->linktype, &f);
                cr_assert_neq(full, 0);
                cr_assert_lt(f.addr_end, f.len);
                for (size_t len = 0; len <= f.len; len++) {
                    uint32_t h = hash_exact(e->linktype, f.b, len);
                    uint32_t want = len < f.addr_end ? 0 : full;
                    cr_assert_eq(h, want, "%s IPv%d, %zu of %zu bytes (addresses end at %zu)",
                                 e->name, family, len, f.len, f.addr_end);
                }
            }
        }
    }
}

static uint32_t xorshift(uint32_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 17;
    *s ^= *s << 5;
    return *s;
}

/* Hash of a raw IPv4 UDP packet between a and b (host byte order). */
static uint32_t hash_v4(uint32_t a, uint32_t b)
{
    char sa[INET_ADDRSTRLEN], sb[INET_ADDRSTRLEN];
    uint32_t na = htonl(a), nb = htonl(b);
    cr_assert_not_null(inet_ntop(AF_INET, &na, sa, sizeof(sa)));
    cr_assert_not_null(inet_ntop(AF_INET, &nb, sb, sizeof(sb)));
    struct fb f;
    memset(&f, 0, sizeof(f));
    eth(&f, 0x0800);
    ip_udp(&f, 4, sa, sb, 40000, 161);
    return hash_fb(LT_EN10MB, &f);
}

static uint32_t hash_v6(const uint8_t a[16], const uint8_t b[16])
{
    char sa[INET6_ADDRSTRLEN], sb[INET6_ADDRSTRLEN];
    cr_assert_not_null(inet_ntop(AF_INET6, a, sa, sizeof(sa)));
    cr_assert_not_null(inet_ntop(AF_INET6, b, sb, sizeof(sb)));
    struct fb f;
    memset(&f, 0, sizeof(f));
    eth(&f, 0x86dd);
    ip_udp(&f, 6, sa, sb, 40000, 161);
    return hash_fb(LT_EN10MB, &f);
}

static int cmp_u32(const void *x, const void *y)
{
    uint32_t a = *(const uint32_t *)x, b = *(const uint32_t *)y;
    return a < b ? -1 : a > b;
}

/* Equal neighbours after sorting: the number of colliding hashes. */
static size_t collisions(uint32_t *h, size_t n)
{
    qsort(h, n, sizeof(*h), cmp_u32);
    size_t c = 0;
    for (size_t i = 1; i < n; i++)
        c += h[i] == h[i - 1];
    return c;
}

/*
 * 1000 distinct host pairs: a 32-bit hash should collide about
 * 1000^2 / 2^33 ~= 0.0001 times; allow 2. Random pairs, then structured ones
 * (one subnet talking to another, one server and many clients), where weak
 * hashes collide.
 */
Test(hostpair, different_pairs_differ)
{
    enum { N = 1000 };
    static uint32_t h[N];
    uint32_t s = 0x1234567u;

    for (size_t i = 0; i < N; i++) {
        uint32_t a = xorshift(&s), b = xorshift(&s);
        h[i] = hash_v4(a, b);
        cr_assert_neq(h[i], 0);
        cr_assert_eq(hash_v4(b, a), h[i]);
    }
    cr_assert_leq(collisions(h, N), 2, "random IPv4 pairs");

    /* 10.0.0.x <-> 10.0.1.y, x, y in 0..31 (1024 pairs, use 1000) */
    for (size_t i = 0; i < N; i++)
        h[i] = hash_v4(0x0a000000u | (uint32_t)(i / 32), 0x0a000100u | (uint32_t)(i % 32));
    cr_assert_leq(collisions(h, N), 2, "subnet to subnet");

    /* one server, 1000 consecutive clients */
    for (size_t i = 0; i < N; i++)
        h[i] = hash_v4(0x0a010101u, 0x0a020000u + (uint32_t)i);
    cr_assert_leq(collisions(h, N), 2, "server and clients");

    /* {a, b} and {b, c}: sharing one host is not enough to collide */
    cr_assert_neq(hash_v4(0x0a000001u, 0x0a000002u), hash_v4(0x0a000002u, 0x0a000003u));

    for (size_t i = 0; i < N; i++) {
        uint8_t a[16], b[16];
        for (size_t k = 0; k < 16; k += 4) {
            uint32_t ra = xorshift(&s), rb = xorshift(&s);
            memcpy(a + k, &ra, 4);
            memcpy(b + k, &rb, 4);
        }
        h[i] = hash_v6(a, b);
        cr_assert_neq(h[i], 0);
        cr_assert_eq(hash_v6(b, a), h[i]);
    }
    cr_assert_leq(collisions(h, N), 2, "random IPv6 pairs");

    /* 2001:db8::1 and 1000 hosts 2001:db8::1:0 + i */
    for (size_t i = 0; i < N; i++) {
        uint8_t a[16] = {0x20, 0x01, 0x0d, 0xb8}, b[16] = {0x20, 0x01, 0x0d, 0xb8};
        a[15] = 1;
        b[13] = 1;
        b[14] = (uint8_t)(i >> 8);
        b[15] = (uint8_t)i;
        h[i] = hash_v6(a, b);
    }
    cr_assert_leq(collisions(h, N), 2, "IPv6 server and clients");
}

/*
 * The capture thread picks worker (hash * n) >> 32. For 10,000 pairs,
 * binomial counts have a standard deviation of 50 (n = 2) and 47 (n = 3):
 * each worker should get its share within +-10% of it (45-55% of the pairs
 * for two workers, 30-36.7% for three), about 7 standard deviations.
 */
static void check_split(const uint32_t *h, size_t n, const char *what)
{
    for (unsigned workers = 2; workers <= 4; workers++) {
        size_t count[4] = {0};
        for (size_t i = 0; i < n; i++) {
            uint64_t w = ((uint64_t)h[i] * workers) >> 32;
            cr_assert_lt(w, workers);
            count[w]++;
        }
        size_t share = n / workers;
        for (unsigned w = 0; w < workers; w++)
            cr_assert(count[w] >= share - share / 10 && count[w] <= share + share / 10,
                      "%s: worker %u of %u gets %zu of %zu pairs", what, w, workers, count[w], n);
    }
}

Test(hostpair, splits_evenly)
{
    enum { N = 10000 };
    static uint32_t h[N];
    uint32_t s = 0xdeadbeefu;

    for (size_t i = 0; i < N; i++)
        h[i] = hash_v4(xorshift(&s), xorshift(&s));
    check_split(h, N, "random IPv4 pairs");

    /* a PBX at 10.1.1.1 and 10,000 phones in 10.2.0.0/16 */
    for (size_t i = 0; i < N; i++)
        h[i] = hash_v4(0x0a010101u, 0x0a020000u + (uint32_t)i);
    check_split(h, N, "one server, consecutive clients");

    /* 100 x 100 hosts of two subnets */
    for (size_t i = 0; i < N; i++)
        h[i] = hash_v4(0xc0a80000u + (uint32_t)(i / 100), 0xc0a90000u + (uint32_t)(i % 100));
    check_split(h, N, "subnet to subnet");

    for (size_t i = 0; i < N; i++) {
        uint8_t a[16], b[16];
        for (size_t k = 0; k < 16; k += 4) {
            uint32_t ra = xorshift(&s), rb = xorshift(&s);
            memcpy(a + k, &ra, 4);
            memcpy(b + k, &rb, 4);
        }
        h[i] = hash_v6(a, b);
    }
    check_split(h, N, "random IPv6 pairs");
}
