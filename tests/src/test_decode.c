/*
 * test_decode.c - link/network/transport decoding of hand-built frames for
 * every supported link type, VLAN/QinQ/MPLS, IPv4 options, IPv6 extension
 * headers, every truncation of valid frames, fragments through the decoder,
 * and a few real frames from ../shared/pcaps checked against tshark.
 */
#include <criterion/criterion.h>

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "decode.h"
#include "defrag.h"
#include "helpers.h"

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
    uint8_t b[4096];
    size_t len;
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

static void put_zero(struct fb *f, size_t n)
{
    while (n--)
        put8(f, 0);
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

static void vlan(struct fb *f, unsigned tci, unsigned type)
{
    put16(f, tci);
    put16(f, type);
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

static void addr4(struct fb *f, const char *s)
{
    uint8_t a[4];
    cr_assert_eq(inet_pton(AF_INET, s, a), 1);
    put(f, a, 4);
}

static void addr6(struct fb *f, const char *s)
{
    uint8_t a[16];
    cr_assert_eq(inet_pton(AF_INET6, s, a), 1);
    put(f, a, 16);
}

/* IPv4 header with optwords 32-bit words of options; returns its offset for ip4_end(). */
static size_t ip4_frag(struct fb *f, unsigned proto, const char *src, const char *dst,
                       unsigned optwords, unsigned id, unsigned off8, bool mf)
{
    size_t at = f->len;
    put8(f, 0x40 | (5 + optwords));
    put8(f, 0);
    put16(f, 0); /* total length, patched */
    put16(f, id);
    put16(f, (mf ? 0x2000 : 0) | off8);
    put8(f, 64);
    put8(f, proto);
    put16(f, 0);
    addr4(f, src);
    addr4(f, dst);
    for (unsigned i = 0; i < optwords; i++)
        put32(f, i == optwords - 1 ? 0x01010100 : 0x01010101); /* NOPs, then EOL */
    return at;
}

static size_t ip4(struct fb *f, unsigned proto, const char *src, const char *dst)
{
    return ip4_frag(f, proto, src, dst, 0, 0x1234, 0, false);
}

static void ip4_end(struct fb *f, size_t at) { patch16(f, at + 2, f->len - at); }

static size_t ip6(struct fb *f, unsigned nh, const char *src, const char *dst)
{
    size_t at = f->len;
    put32(f, 0x60000000);
    put16(f, 0); /* payload length, patched */
    put8(f, nh);
    put8(f, 64);
    addr6(f, src);
    addr6(f, dst);
    return at;
}

static void ip6_end(struct fb *f, size_t at) { patch16(f, at + 4, f->len - at - 40); }

/* Extension header of (len8 + 1) * 8 bytes (AH: (len4 + 2) * 4). */
static void ip6_ext(struct fb *f, unsigned type, unsigned nh, unsigned len)
{
    size_t total = type == 51 ? (len + 2) * 4 : (len + 1) * 8;
    put8(f, nh);
    put8(f, len);
    if (type == 43) { /* routing type 0 header, segments left 0 */
        put8(f, 0);
        put8(f, 0);
        put_zero(f, total - 4);
    } else {
        put8(f, 1); /* PadN */
        put8(f, (unsigned)total - 4);
        put_zero(f, total - 4);
    }
}

static void ip6_frag_hdr(struct fb *f, unsigned nh, uint32_t id, unsigned off8, bool more)
{
    put8(f, nh);
    put8(f, 0);
    put16(f, off8 << 3 | (more ? 1 : 0));
    put32(f, id);
}

static void tcp(struct fb *f, unsigned sport, unsigned dport, uint32_t seq, uint32_t ack,
                unsigned flags, unsigned optwords)
{
    put16(f, sport);
    put16(f, dport);
    put32(f, seq);
    put32(f, ack);
    put8(f, (5 + optwords) << 4);
    put8(f, flags);
    put16(f, 8192);
    put32(f, 0);
    for (unsigned i = 0; i < optwords; i++)
        put32(f, 0x01010101);
}

static size_t udp(struct fb *f, unsigned sport, unsigned dport)
{
    size_t at = f->len;
    put16(f, sport);
    put16(f, dport);
    put16(f, 0); /* length, patched */
    put16(f, 0);
    return at;
}

static void udp_end(struct fb *f, size_t at) { patch16(f, at + 4, f->len - at); }

static void text(struct fb *f, const char *s) { put(f, s, strlen(s)); }

/* ---- decoding helpers ---- */

static struct decoder dec;
static struct packet pkt;
static uint8_t *copy; /* the bytes pkt borrows, from run_n() */

static void setup_dec(void) { cr_assert_eq(decoder_init(&dec, LT_EN10MB, NULL), 0); }

static void teardown_dec(void)
{
    decoder_fini(&dec);
    free(copy);
    copy = NULL;
}

TestSuite(decode, .init = setup_dec, .fini = teardown_dec);

/*
 * Decodes the first n bytes of f from an exact-size heap copy, so that any
 * read past caplen is an ASan error in the sanitizer build. The copy stays
 * alive (pkt borrows it) until the next call.
 */
static enum decode_result run_n(int lt, const struct fb *f, size_t n)
{
    free(copy);
    copy = malloc(n ? n : 1);
    cr_assert_not_null(copy);
    memcpy(copy, f->b, n);
    decoder_set_linktype(&dec, lt);
    return decode_packet(&dec, copy, n, f->len, 1000000, &pkt);
}

static enum decode_result run(int lt, const struct fb *f) { return run_n(lt, f, f->len); }

static void assert_addr(const struct tw_addr *a, const char *want)
{
    char buf[TW_ADDRSTRLEN];
    cr_assert_str_eq(tw_addr_fmt(a, buf, sizeof(buf)), want);
}

static void assert_payload(const char *want)
{
    cr_assert_eq(pkt.payload_len, strlen(want), "payload_len %zu", pkt.payload_len);
    cr_assert_arr_eq(pkt.payload, want, strlen(want));
}

static void assert_error(enum decode_result r, enum decode_reason why)
{
    cr_assert_eq(r, DECODE_ERROR, "result %d", r);
    cr_assert_eq(dec.stats.errors[why], 1, "%s: %llu", decode_reason_name(why),
                 (unsigned long long)dec.stats.errors[why]);
    cr_assert_eq(decode_error_total(&dec.stats), 1);
}

static void assert_other(enum decode_result r, enum decode_other why)
{
    cr_assert_eq(r, DECODE_OTHER, "result %d", r);
    cr_assert_eq(dec.stats.other[why], 1);
}

/* Ethernet + IPv4 + TCP "hello" from 10.0.0.1:1234 to 10.0.0.2:80 after the L2 header. */
static void ip4_tcp_hello(struct fb *f)
{
    size_t ip = ip4(f, 6, "10.0.0.1", "10.0.0.2");
    tcp(f, 1234, 80, 1000, 2000, TH_PSH | TH_ACK, 0);
    text(f, "hello");
    ip4_end(f, ip);
}

static void ip6_udp_hello(struct fb *f)
{
    size_t ip = ip6(f, 17, "2001:db8::1", "2001:db8::2");
    size_t u = udp(f, 5060, 5061);
    text(f, "hello");
    udp_end(f, u);
    ip6_end(f, ip);
}

static void assert_ip4_tcp_hello(void)
{
    cr_assert_eq(pkt.ip_version, 4);
    assert_addr(&pkt.src, "10.0.0.1");
    assert_addr(&pkt.dst, "10.0.0.2");
    cr_assert_eq(pkt.ip_proto, 6);
    cr_assert_eq(pkt.sport, 1234);
    cr_assert_eq(pkt.dport, 80);
    cr_assert_eq(pkt.tcp_seq, 1000);
    cr_assert_eq(pkt.tcp_ack, 2000);
    cr_assert_eq(pkt.tcp_flags, TH_PSH | TH_ACK);
    cr_assert_eq(pkt.tcp_win, 8192);
    cr_assert_not(pkt.reassembled);
    assert_payload("hello");
}

static void assert_ip6_udp_hello(void)
{
    cr_assert_eq(pkt.ip_version, 6);
    assert_addr(&pkt.src, "2001:db8::1");
    assert_addr(&pkt.dst, "2001:db8::2");
    cr_assert_eq(pkt.ip_proto, 17);
    cr_assert_eq(pkt.sport, 5060);
    cr_assert_eq(pkt.dport, 5061);
    assert_payload("hello");
}

/* ---- link types ---- */

Test(decode, linktype_supported)
{
    int yes[] = {0, 1, 12, 14, 101, 108, 113, 228, 229, 276};
    for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++)
        cr_assert(decode_linktype_supported(yes[i]), "%d", yes[i]);
    int no[] = {-1, 2, 9, 105, 127, 147, 192, 1000};
    for (size_t i = 0; i < sizeof(no) / sizeof(no[0]); i++)
        cr_assert_not(decode_linktype_supported(no[i]), "%d", no[i]);
}

Test(decode, unsupported_linktype)
{
    struct fb f = {0};
    eth(&f, 0x0800);
    ip4_tcp_hello(&f);
    assert_error(run(105, &f), DR_UNSUPPORTED_LINKTYPE);
    cr_assert_eq(dec.stats.packets, 1);
}

Test(decode, ethernet_ipv4_tcp)
{
    struct fb f = {0};
    eth(&f, 0x0800);
    ip4_tcp_hello(&f);
    cr_assert_eq(run(LT_EN10MB, &f), DECODE_OK);
    assert_ip4_tcp_hello();
    cr_assert_eq(pkt.vlan_count, 0);
    cr_assert_eq(pkt.l3, copy + 14);
    cr_assert_eq(pkt.l3_len, 20 + 20 + 5);
    cr_assert_eq(pkt.caplen, f.len);
    cr_assert_eq(pkt.wirelen, f.len);
    cr_assert_eq(pkt.ts_us, 1000000);
    cr_assert_eq(dec.stats.packets, 1);
    cr_assert_eq(dec.stats.ipv4, 1);
    cr_assert_eq(dec.stats.tcp, 1);
    cr_assert_eq(decode_error_total(&dec.stats), 0);
}

Test(decode, ethernet_ipv6_udp)
{
    struct fb f = {0};
    eth(&f, 0x86dd);
    ip6_udp_hello(&f);
    cr_assert_eq(run(LT_EN10MB, &f), DECODE_OK);
    assert_ip6_udp_hello();
    cr_assert_eq(pkt.l3_len, 40 + 8 + 5);
    cr_assert_eq(dec.stats.ipv6, 1);
    cr_assert_eq(dec.stats.udp, 1);
}

Test(decode, ethernet_padding_trimmed)
{
    struct fb f = {0};
    eth(&f, 0x0800);
    size_t ip = ip4(&f, 17, "10.0.0.1", "10.0.0.2");
    size_t u = udp(&f, 161, 40000);
    text(&f, "ab");
    udp_end(&f, u);
    ip4_end(&f, ip);
    put(&f, "\xde\xad\xbe\xef\xde\xad\xbe\xef\xde\xad\xbe\xef\xde\xad\xbe\xef", 16);
    cr_assert_eq(run(LT_EN10MB, &f), DECODE_OK);
    assert_payload("ab");
    cr_assert_eq(pkt.l3_len, 30);

    /* TCP: the payload ends where the IP total length says */
    struct fb t = {0};
    eth(&t, 0x0800);
    size_t ip2 = ip4(&t, 6, "10.0.0.1", "10.0.0.2");
    tcp(&t, 1, 2, 3, 4, TH_ACK, 0);
    ip4_end(&t, ip2);
    put_zero(&t, 6);
    cr_assert_eq(run(LT_EN10MB, &t), DECODE_OK);
    cr_assert_eq(pkt.payload_len, 0);

    /* IPv6 likewise */
    struct fb s = {0};
    eth(&s, 0x86dd);
    ip6_udp_hello(&s);
    put_zero(&s, 9);
    cr_assert_eq(run(LT_EN10MB, &s), DECODE_OK);
    assert_ip6_udp_hello();
}

Test(decode, vlan_single)
{
    struct fb f = {0};
    eth(&f, 0x8100);
    vlan(&f, 0x2000 | 100, 0x0800); /* PCP 1, VID 100 */
    ip4_tcp_hello(&f);
    cr_assert_eq(run(LT_EN10MB, &f), DECODE_OK);
    assert_ip4_tcp_hello();
    cr_assert_eq(pkt.vlan_count, 1);
    cr_assert_eq(pkt.vlan[0], 100);
    cr_assert_eq(dec.stats.vlan_tagged, 1);
}

Test(decode, vlan_qinq)
{
    static const unsigned outer[] = {0x88a8, 0x9100, 0x8100};
    for (size_t i = 0; i < 3; i++) {
        struct fb f = {0};
        eth(&f, outer[i]);
        vlan(&f, 0xf000 | 4094, 0x8100);
        vlan(&f, 7, 0x86dd);
        ip6_udp_hello(&f);
        cr_assert_eq(run(LT_EN10MB, &f), DECODE_OK, "outer 0x%x", outer[i]);
        assert_ip6_udp_hello();
        cr_assert_eq(pkt.vlan_count, 2);
        cr_assert_eq(pkt.vlan[0], 4094);
        cr_assert_eq(pkt.vlan[1], 7);
    }
    cr_assert_eq(dec.stats.vlan_tagged, 3);
}

Test(decode, three_vlan_tags)
{
    struct fb f = {0};
    eth(&f, 0x88a8);
    vlan(&f, 1, 0x8100);
    vlan(&f, 2, 0x8100);
    vlan(&f, 3, 0x0800);
    ip4_tcp_hello(&f);
    assert_error(run(LT_EN10MB, &f), DR_TOO_MANY_VLAN);
    cr_assert_eq(dec.stats.vlan_tagged, 1);
}

Test(decode, mpls)
{
    struct fb f = {0};
    eth(&f, 0x8847);
    put32(&f, 16u << 12 | 0x00ff);          /* label 16 */
    put32(&f, 17u << 12 | 0x0100 | 0x00ff); /* label 17, bottom of stack */
    ip4_tcp_hello(&f);
    cr_assert_eq(run(LT_EN10MB, &f), DECODE_OK);
    assert_ip4_tcp_hello();
    cr_assert_eq(dec.stats.mpls, 1);

    struct fb g = {0};
    eth(&g, 0x8848);
    put32(&g, 0x0001ff);
    ip6_udp_hello(&g);
    cr_assert_eq(run(LT_EN10MB, &g), DECODE_OK);
    assert_ip6_udp_hello();

    /* VLAN then MPLS */
    struct fb h = {0};
    eth(&h, 0x8100);
    vlan(&h, 5, 0x8847);
    put32(&h, 0x0001ff);
    ip4_tcp_hello(&h);
    cr_assert_eq(run(LT_EN10MB, &h), DECODE_OK);
    cr_assert_eq(pkt.vlan[0], 5);
    assert_ip4_tcp_hello();
    cr_assert_eq(dec.stats.mpls, 3);
}

Test(decode, mpls_not_ip_and_deep_stack)
{
    struct fb f = {0};
    eth(&f, 0x8847);
    put32(&f, 0x0001ff);
    put32(&f, 0); /* pseudowire control word */
    eth(&f, 0x0800);
    ip4_tcp_hello(&f);
    assert_other(run(LT_EN10MB, &f), DO_NOT_IP);

    struct fb eight = {0};
    eth(&eight, 0x8847);
    for (int i = 0; i < 7; i++)
        put32(&eight, 0x0000ff);
    put32(&eight, 0x0001ff);
    ip4_tcp_hello(&eight);
    cr_assert_eq(run(LT_EN10MB, &eight), DECODE_OK);

    struct fb nine = {0};
    eth(&nine, 0x8847);
    for (int i = 0; i < 8; i++)
        put32(&nine, 0x0000ff);
    put32(&nine, 0x0001ff);
    ip4_tcp_hello(&nine);
    cr_assert_eq(run(LT_EN10MB, &nine), DECODE_OTHER);
    cr_assert_eq(dec.stats.other[DO_NOT_IP], 2);

    struct fb none = {0};
    eth(&none, 0x8847);
    put32(&none, 0x0001ff);
    assert_error(run(LT_EN10MB, &none), DR_TRUNCATED_MPLS);
}

Test(decode, not_ip)
{
    /* ARP */
    struct fb arp = {0};
    eth(&arp, 0x0806);
    put_zero(&arp, 28);
    assert_other(run(LT_EN10MB, &arp), DO_NOT_IP);

    /* 802.3 length + LLC/SNAP (CDP) */
    struct fb cdp = {0};
    eth(&cdp, 40);
    put(&cdp, "\xaa\xaa\x03\x00\x00\x0c\x20\x00", 8);
    put_zero(&cdp, 32);
    cr_assert_eq(run(LT_EN10MB, &cdp), DECODE_OTHER);
    cr_assert_eq(dec.stats.other[DO_NOT_IP], 2);
    cr_assert_eq(dec.stats.ipv4, 0);
}

Test(decode, null_and_loop)
{
    static const uint32_t af6[] = {24, 28, 30};
    int lts[] = {LT_NULL, LT_LOOP};
    for (int k = 0; k < 2; k++) {
        /* AF_INET in network and in little-endian host order */
        struct fb be = {0};
        put32(&be, 2);
        ip4_tcp_hello(&be);
        cr_assert_eq(run(lts[k], &be), DECODE_OK);
        assert_ip4_tcp_hello();

        struct fb le = {0};
        put(&le, "\x02\x00\x00\x00", 4);
        ip4_tcp_hello(&le);
        cr_assert_eq(run(lts[k], &le), DECODE_OK);
        assert_ip4_tcp_hello();

        for (size_t i = 0; i < 3; i++) {
            struct fb f6 = {0};
            put32(&f6, af6[i]);
            ip6_udp_hello(&f6);
            cr_assert_eq(run(lts[k], &f6), DECODE_OK, "AF %u", af6[i]);
            assert_ip6_udp_hello();
            struct fb l6 = {0};
            put8(&l6, af6[i]);
            put_zero(&l6, 3);
            ip6_udp_hello(&l6);
            cr_assert_eq(run(lts[k], &l6), DECODE_OK, "AF %u LE", af6[i]);
        }
    }
    struct fb other = {0};
    put32(&other, 7); /* AF_ISO or whatever */
    ip4_tcp_hello(&other);
    assert_other(run(LT_NULL, &other), DO_NOT_IP);
}

Test(decode, raw_ip)
{
    int v4[] = {LT_RAW, LT_RAW14, LT_RAW101, LT_IPV4};
    for (size_t i = 0; i < 4; i++) {
        struct fb f = {0};
        ip4_tcp_hello(&f);
        cr_assert_eq(run(v4[i], &f), DECODE_OK, "linktype %d", v4[i]);
        assert_ip4_tcp_hello();
    }
    int v6[] = {LT_RAW, LT_RAW14, LT_RAW101, LT_IPV6};
    for (size_t i = 0; i < 4; i++) {
        struct fb f = {0};
        ip6_udp_hello(&f);
        cr_assert_eq(run(v6[i], &f), DECODE_OK, "linktype %d", v6[i]);
        assert_ip6_udp_hello();
    }
}

Test(decode, raw_bad_version)
{
    struct fb f = {0};
    ip4_tcp_hello(&f);
    f.b[0] = 0x55;
    assert_error(run(LT_RAW, &f), DR_BAD_IP_VERSION);

    /* LINKTYPE_IPV4 carrying IPv6 */
    struct fb g = {0};
    ip6_udp_hello(&g);
    cr_assert_eq(run(LT_IPV4, &g), DECODE_ERROR);
    cr_assert_eq(dec.stats.errors[DR_BAD_IP_VERSION], 2);

    /* ethertype IPv6 carrying IPv4 */
    struct fb h = {0};
    eth(&h, 0x86dd);
    ip4_tcp_hello(&h);
    cr_assert_eq(run(LT_EN10MB, &h), DECODE_ERROR);
    cr_assert_eq(dec.stats.errors[DR_BAD_IP_VERSION], 3);
}

Test(decode, linux_sll)
{
    struct fb f = {0};
    sll(&f, 0x0800);
    ip4_tcp_hello(&f);
    cr_assert_eq(run(LT_SLL, &f), DECODE_OK);
    assert_ip4_tcp_hello();

    struct fb v = {0};
    sll(&v, 0x8100);
    vlan(&v, 42, 0x86dd);
    ip6_udp_hello(&v);
    cr_assert_eq(run(LT_SLL, &v), DECODE_OK);
    assert_ip6_udp_hello();
    cr_assert_eq(pkt.vlan_count, 1);
    cr_assert_eq(pkt.vlan[0], 42);

    struct fb arp = {0};
    sll(&arp, 0x0806);
    put_zero(&arp, 28);
    assert_other(run(LT_SLL, &arp), DO_NOT_IP);
}

Test(decode, linux_sll2)
{
    struct fb f = {0};
    sll2(&f, 0x86dd);
    ip6_udp_hello(&f);
    cr_assert_eq(run(LT_SLL2, &f), DECODE_OK);
    assert_ip6_udp_hello();

    struct fb v = {0};
    sll2(&v, 0x8100);
    vlan(&v, 9, 0x0800);
    ip4_tcp_hello(&v);
    cr_assert_eq(run(LT_SLL2, &v), DECODE_OK);
    assert_ip4_tcp_hello();
    cr_assert_eq(pkt.vlan[0], 9);
}

Test(decode, set_linktype_keeps_counters)
{
    struct fb f = {0};
    ip4_tcp_hello(&f);
    decoder_set_linktype(&dec, LT_RAW);
    cr_assert_eq(decode_packet(&dec, f.b, f.len, f.len, 1, &pkt), DECODE_OK);
    decoder_set_linktype(&dec, LT_IPV4);
    cr_assert_eq(dec.linktype, LT_IPV4);
    cr_assert_eq(decode_packet(&dec, f.b, f.len, f.len, 2, &pkt), DECODE_OK);
    cr_assert_eq(dec.stats.packets, 2);
    cr_assert_eq(dec.stats.tcp, 2);
}

/* ---- IPv4 ---- */

Test(decode, ipv4_options)
{
    struct fb f = {0};
    eth(&f, 0x0800);
    size_t ip = ip4_frag(&f, 6, "192.168.1.1", "192.168.1.2", 10, 1, 0, false); /* IHL 15 */
    tcp(&f, 23, 1025, 5, 6, TH_ACK, 3);
    text(&f, "login: ");
    ip4_end(&f, ip);
    cr_assert_eq(run(LT_EN10MB, &f), DECODE_OK);
    assert_addr(&pkt.src, "192.168.1.1");
    cr_assert_eq(pkt.sport, 23);
    assert_payload("login: ");
    cr_assert_eq(pkt.l3_len, 60 + 32 + 7);
}

Test(decode, ipv4_bad_headers)
{
    struct fb f = {0};
    ip4_tcp_hello(&f);

    struct fb g = f;
    g.b[0] = 0x44; /* IHL 4 */
    assert_error(run(LT_RAW, &g), DR_BAD_IP4_HLEN);

    struct fb h = f;
    patch16(&h, 2, 19); /* total length below the header */
    cr_assert_eq(run(LT_RAW, &h), DECODE_ERROR);
    cr_assert_eq(dec.stats.errors[DR_BAD_IP4_LEN], 1);

    struct fb i = f;
    i.b[0] = 0x4f; /* IHL 15 (60 bytes) but total length 45 */
    cr_assert_eq(run(LT_RAW, &i), DECODE_ERROR);
    cr_assert_eq(dec.stats.errors[DR_BAD_IP4_LEN], 2);
}

Test(decode, ipv4_truncated_by_snaplen)
{
    struct fb f = {0};
    eth(&f, 0x0800);
    ip4_tcp_hello(&f);
    /* capture cut after "hel": the headers decode, the payload is what was captured */
    cr_assert_eq(run_n(LT_EN10MB, &f, f.len - 2), DECODE_OK);
    cr_assert_eq(pkt.payload_len, 3);
    cr_assert_arr_eq(pkt.payload, "hel", 3);
    cr_assert_eq(pkt.l3_len, 43);
    cr_assert_eq(pkt.caplen, f.len - 2);
    cr_assert_eq(pkt.wirelen, f.len);

    /* UDP likewise: the UDP length is larger than what was captured */
    struct fb u = {0};
    eth(&u, 0x0800);
    size_t ip = ip4(&u, 17, "10.0.0.1", "10.0.0.2");
    size_t uh = udp(&u, 1, 2);
    text(&u, "0123456789");
    udp_end(&u, uh);
    ip4_end(&u, ip);
    cr_assert_eq(run_n(LT_EN10MB, &u, u.len - 4), DECODE_OK);
    cr_assert_eq(pkt.payload_len, 6);
}

Test(decode, other_l4)
{
    struct fb f = {0};
    size_t ip = ip4(&f, 1, "10.0.0.1", "10.0.0.2"); /* ICMP echo */
    put(&f, "\x08\x00\x00\x00\x00\x01\x00\x01", 8);
    ip4_end(&f, ip);
    assert_other(run(LT_RAW, &f), DO_OTHER_L4);
    cr_assert_eq(pkt.ip_proto, 1);
    assert_addr(&pkt.dst, "10.0.0.2");

    struct fb g = {0};
    size_t ip2 = ip4(&g, 47, "10.0.0.1", "10.0.0.2"); /* GRE */
    put32(&g, 0x00000800);
    ip4_end(&g, ip2);
    cr_assert_eq(run(LT_RAW, &g), DECODE_OTHER);
    cr_assert_eq(dec.stats.other[DO_OTHER_L4], 2);
}

/* ---- TCP and UDP ---- */

Test(decode, tcp_bad_header_length)
{
    struct fb f = {0};
    ip4_tcp_hello(&f);
    f.b[20 + 12] = 0x40; /* data offset 4 */
    assert_error(run(LT_RAW, &f), DR_BAD_TCP_HLEN);

    struct fb g = {0};
    ip4_tcp_hello(&g);
    g.b[20 + 12] = 0xf0; /* 60 bytes of header in a 25-byte segment */
    cr_assert_eq(run(LT_RAW, &g), DECODE_ERROR);
    cr_assert_eq(dec.stats.errors[DR_BAD_TCP_HLEN], 2);

    /* an IP datagram too short for a TCP header */
    struct fb h = {0};
    size_t ip = ip4(&h, 6, "10.0.0.1", "10.0.0.2");
    put_zero(&h, 12);
    ip4_end(&h, ip);
    cr_assert_eq(run(LT_RAW, &h), DECODE_ERROR);
    cr_assert_eq(dec.stats.errors[DR_TRUNCATED_TCP], 1);
}

Test(decode, tcp_options_skipped)
{
    struct fb f = {0};
    size_t ip = ip4(&f, 6, "10.0.0.1", "10.0.0.2");
    tcp(&f, 1, 2, 3, 4, TH_SYN, 10);
    text(&f, "x");
    ip4_end(&f, ip);
    cr_assert_eq(run(LT_RAW, &f), DECODE_OK);
    cr_assert_eq(pkt.tcp_flags, TH_SYN);
    assert_payload("x");
}

Test(decode, udp_lengths)
{
    /* UDP length shorter than the IP payload trims it */
    struct fb f = {0};
    size_t ip = ip4(&f, 17, "10.0.0.1", "10.0.0.2");
    size_t u = udp(&f, 53, 53);
    text(&f, "abc");
    udp_end(&f, u);
    text(&f, "junk");
    ip4_end(&f, ip);
    cr_assert_eq(run(LT_RAW, &f), DECODE_OK);
    assert_payload("abc");

    /* below 8 */
    struct fb g = f;
    patch16(&g, 20 + 4, 7);
    assert_error(run(LT_RAW, &g), DR_BAD_UDP_LEN);

    /* beyond the IP payload, fully captured */
    struct fb h = f;
    patch16(&h, 20 + 4, 200);
    cr_assert_eq(run(LT_RAW, &h), DECODE_ERROR);
    cr_assert_eq(dec.stats.errors[DR_BAD_UDP_LEN], 2);

    /* exactly 8: empty payload */
    struct fb e = f;
    patch16(&e, 20 + 4, 8);
    cr_assert_eq(run(LT_RAW, &e), DECODE_OK);
    cr_assert_eq(pkt.payload_len, 0);
}

/* ---- IPv6 ---- */

Test(decode, ipv6_extension_headers)
{
    struct fb f = {0};
    eth(&f, 0x86dd);
    size_t ip = ip6(&f, 0, "fe80::1", "ff02::1:2");
    ip6_ext(&f, 0, 60, 0);  /* hop-by-hop, 8 bytes */
    ip6_ext(&f, 60, 43, 1); /* destination options, 16 bytes */
    ip6_ext(&f, 43, 51, 2); /* routing, 24 bytes */
    ip6_ext(&f, 51, 6, 4);  /* AH, 24 bytes */
    tcp(&f, 179, 40000, 1, 2, TH_ACK, 0);
    text(&f, "bgp");
    ip6_end(&f, ip);
    cr_assert_eq(run(LT_EN10MB, &f), DECODE_OK);
    assert_addr(&pkt.src, "fe80::1");
    assert_addr(&pkt.dst, "ff02::1:2");
    cr_assert_eq(pkt.ip_proto, 6);
    cr_assert_eq(pkt.sport, 179);
    assert_payload("bgp");
}

Test(decode, ipv6_too_many_extension_headers)
{
    for (int n = 8; n <= 9; n++) {
        struct fb f = {0};
        size_t ip = ip6(&f, 60, "::1", "::2");
        for (int i = 0; i < n; i++)
            ip6_ext(&f, 60, i == n - 1 ? 17 : 60, 0);
        size_t u = udp(&f, 1, 2);
        udp_end(&f, u);
        ip6_end(&f, ip);
        enum decode_result r = run(LT_RAW, &f);
        if (n == 8)
            cr_assert_eq(r, DECODE_OK);
        else
            assert_error(r, DR_TOO_MANY_IP6_EXT);
    }
}

Test(decode, ipv6_no_next_header_and_others)
{
    struct fb f = {0};
    size_t ip = ip6(&f, 60, "::1", "::2");
    ip6_ext(&f, 60, 59, 0);
    ip6_end(&f, ip);
    assert_other(run(LT_RAW, &f), DO_OTHER_L4);

    int protos[] = {58, 50, 47}; /* ICMPv6, ESP, GRE */
    for (size_t i = 0; i < 3; i++) {
        struct fb g = {0};
        size_t ip2 = ip6(&g, (unsigned)protos[i], "::1", "::2");
        put_zero(&g, 16);
        ip6_end(&g, ip2);
        cr_assert_eq(run(LT_RAW, &g), DECODE_OTHER);
        cr_assert_eq(pkt.ip_proto, protos[i]);
    }
    cr_assert_eq(dec.stats.other[DO_OTHER_L4], 4);
}

Test(decode, ipv6_extension_beyond_payload_length)
{
    struct fb f = {0};
    size_t ip = ip6(&f, 60, "::1", "::2");
    ip6_ext(&f, 60, 17, 3); /* 32 bytes */
    size_t u = udp(&f, 1, 2);
    udp_end(&f, u);
    ip6_end(&f, ip);
    patch16(&f, 4, 16); /* payload length says 16 */
    assert_error(run(LT_RAW, &f), DR_BAD_IP6_LEN);
    /* cut by the snaplen instead: truncated */
    patch16(&f, 4, 40);
    cr_assert_eq(run_n(LT_RAW, &f, 40 + 20), DECODE_ERROR);
    cr_assert_eq(dec.stats.errors[DR_TRUNCATED_IP6_EXT], 1);
}

Test(decode, ipv6_atomic_fragment)
{
    struct fb f = {0};
    size_t ip = ip6(&f, 44, "2001:db8::1", "2001:db8::2");
    ip6_frag_hdr(&f, 17, 99, 0, false);
    size_t u = udp(&f, 5060, 5061);
    text(&f, "hello");
    udp_end(&f, u);
    ip6_end(&f, ip);
    cr_assert_eq(run(LT_RAW, &f), DECODE_OK);
    assert_ip6_udp_hello();
    cr_assert_not(pkt.reassembled);
    cr_assert_eq(defrag_pending(dec.defrag), 0);
}

/* ---- fragments through the decoder ---- */

/* The UDP datagram cut into IPv4 fragments of 16 payload bytes each. */
static size_t ip4_udp_fragments(struct fb *frags, unsigned id, const char *msg)
{
    struct fb whole = {0};
    size_t u = udp(&whole, 4000, 5000);
    text(&whole, msg);
    udp_end(&whole, u);
    size_t n = 0;
    for (size_t off = 0; off < whole.len; off += 16, n++) {
        size_t len = whole.len - off < 16 ? whole.len - off : 16;
        struct fb *f = &frags[n];
        memset(f, 0, sizeof(*f));
        eth(f, 0x0800);
        size_t ip = ip4_frag(f, 17, "10.1.1.1", "10.2.2.2", 0, id, (unsigned)(off / 8),
                             off + len < whole.len);
        put(f, whole.b + off, len);
        ip4_end(f, ip);
        put_zero(f, 4); /* Ethernet padding */
    }
    return n;
}

static void assert_reassembled_udp(const char *msg)
{
    cr_assert(pkt.reassembled);
    cr_assert_eq(pkt.ip_version, 4);
    assert_addr(&pkt.src, "10.1.1.1");
    assert_addr(&pkt.dst, "10.2.2.2");
    cr_assert_eq(pkt.ip_proto, 17);
    cr_assert_eq(pkt.sport, 4000);
    cr_assert_eq(pkt.dport, 5000);
    assert_payload(msg);
}

Test(decode, ipv4_fragments_in_and_out_of_order)
{
    const char *msg = "a message long enough to need four fragments";
    struct fb frags[8];
    size_t n = ip4_udp_fragments(frags, 77, msg);
    cr_assert_eq(n, 4);
    for (size_t i = 0; i < n; i++) {
        enum decode_result r = run(LT_EN10MB, &frags[i]);
        cr_assert_eq(r, i + 1 < n ? DECODE_HELD : DECODE_OK, "fragment %zu", i);
    }
    assert_reassembled_udp(msg);
    cr_assert_eq(dec.stats.udp, 1);

    size_t order[] = {3, 1, 0, 2};
    for (size_t i = 0; i < n; i++) {
        enum decode_result r = run(LT_EN10MB, &frags[order[i]]);
        cr_assert_eq(r, i + 1 < n ? DECODE_HELD : DECODE_OK, "fragment %zu", i);
    }
    assert_reassembled_udp(msg);
    /* the header fields come from the fragment that completed it */
    cr_assert_eq(pkt.l3_len, 20 + 16);
    cr_assert_eq(defrag_stats(dec.defrag)->reassembled, 2);
    cr_assert_eq(decode_error_total(&dec.stats), 0);
}

Test(decode, ipv4_fragment_truncated_or_invalid)
{
    struct fb frags[8];
    size_t n = ip4_udp_fragments(frags, 5, "0123456789abcdefghijklmnop");
    cr_assert_eq(n, 3);
    /* cut by the snaplen: cannot be reassembled */
    assert_error(run_n(LT_EN10MB, &frags[0], frags[0].len - 10), DR_TRUNCATED_IP4);
    /* a non-last fragment off the 8-byte grid */
    struct fb odd = frags[0];
    patch16(&odd, 14 + 2, 20 + 13);
    cr_assert_eq(run(LT_EN10MB, &odd), DECODE_ERROR);
    cr_assert_eq(dec.stats.errors[DR_BAD_FRAGMENT], 1);
    cr_assert_eq(defrag_pending(dec.defrag), 0);
}

Test(decode, ipv6_fragments)
{
    /* UDP in two IPv6 fragments, a destination options header in the fragmentable part */
    struct fb whole = {0};
    ip6_ext(&whole, 60, 17, 0);
    size_t u = udp(&whole, 5060, 5061);
    text(&whole, "hello, this is the fragmented SIP message");
    udp_end(&whole, u);
    size_t cut = 24;

    struct fb f1 = {0}, f2 = {0};
    size_t ip = ip6(&f1, 0, "2001:db8::1", "2001:db8::2");
    ip6_ext(&f1, 0, 44, 0); /* hop-by-hop before the fragment header */
    ip6_frag_hdr(&f1, 60, 0xabcdef01, 0, true);
    put(&f1, whole.b, cut);
    ip6_end(&f1, ip);
    ip = ip6(&f2, 44, "2001:db8::1", "2001:db8::2");
    ip6_frag_hdr(&f2, 60, 0xabcdef01, (unsigned)cut / 8, false);
    put(&f2, whole.b + cut, whole.len - cut);
    ip6_end(&f2, ip);

    cr_assert_eq(run(LT_IPV6, &f2), DECODE_HELD);
    cr_assert_eq(defrag_pending(dec.defrag), 1);
    cr_assert_eq(run(LT_IPV6, &f1), DECODE_OK);
    cr_assert(pkt.reassembled);
    cr_assert_eq(pkt.ip_proto, 17);
    assert_addr(&pkt.src, "2001:db8::1");
    cr_assert_eq(pkt.sport, 5060);
    assert_payload("hello, this is the fragmented SIP message");
    cr_assert_eq(dec.stats.ipv6, 2);
    cr_assert_eq(dec.stats.udp, 1);
}

Test(decode, fragment_timeout_through_decoder)
{
    struct decoder d2;
    struct defrag_limits lim = {.timeout_us = 1000000};
    cr_assert_eq(decoder_init(&d2, LT_EN10MB, &lim), 0);
    struct fb frags[8];
    size_t n = ip4_udp_fragments(frags, 11, "0123456789abcdefghijklmnop");
    cr_assert_eq(decode_packet(&d2, frags[0].b, frags[0].len, frags[0].len, 1000000, &pkt),
                 DECODE_HELD);
    /* 2 s later an unrelated packet expires the partial datagram */
    struct fb f = {0};
    eth(&f, 0x0800);
    ip4_tcp_hello(&f);
    cr_assert_eq(decode_packet(&d2, f.b, f.len, f.len, 3000000, &pkt), DECODE_OK);
    cr_assert_eq(defrag_pending(d2.defrag), 0);
    cr_assert_eq(defrag_stats(d2.defrag)->timeouts, 1);
    for (size_t i = 1; i < n; i++)
        cr_assert_eq(decode_packet(&d2, frags[i].b, frags[i].len, frags[i].len, 3000000, &pkt),
                     DECODE_HELD);
    decoder_fini(&d2);
    cr_assert_null(d2.defrag);
}

/* ---- every truncation ---- */

struct sample {
    int lt;
    struct fb f;
    size_t min_ok; /* shortest prefix that still decodes (DECODE_OK) */
};

static size_t build_samples(struct sample *s)
{
    size_t n = 0;
    memset(s, 0, 16 * sizeof(*s));

    s[n].lt = LT_EN10MB;
    eth(&s[n].f, 0x8100);
    vlan(&s[n].f, 10, 0x0800);
    ip4_tcp_hello(&s[n].f);
    s[n].min_ok = 14 + 4 + 20 + 20;
    n++;

    s[n].lt = LT_EN10MB;
    eth(&s[n].f, 0x88a8);
    vlan(&s[n].f, 10, 0x8100);
    vlan(&s[n].f, 11, 0x86dd);
    ip6_udp_hello(&s[n].f);
    s[n].min_ok = 14 + 8 + 40 + 8;
    n++;

    s[n].lt = LT_EN10MB;
    eth(&s[n].f, 0x8847);
    put32(&s[n].f, 0x10000ff);
    put32(&s[n].f, 0x10001ff);
    ip4_tcp_hello(&s[n].f);
    s[n].min_ok = 14 + 8 + 40;
    n++;

    s[n].lt = LT_NULL;
    put(&s[n].f, "\x1e\x00\x00\x00", 4);
    ip6_udp_hello(&s[n].f);
    s[n].min_ok = 4 + 48;
    n++;

    s[n].lt = LT_SLL;
    sll(&s[n].f, 0x8100);
    vlan(&s[n].f, 3, 0x0800);
    {
        struct fb *f = &s[n].f;
        size_t ip = ip4_frag(f, 17, "10.0.0.1", "10.0.0.2", 2, 1, 0, false);
        size_t u = udp(f, 1, 2);
        text(f, "hello");
        udp_end(f, u);
        ip4_end(f, ip);
    }
    s[n].min_ok = 16 + 4 + 28 + 8;
    n++;

    s[n].lt = LT_SLL2;
    sll2(&s[n].f, 0x0800);
    ip4_tcp_hello(&s[n].f);
    s[n].min_ok = 20 + 40;
    n++;

    s[n].lt = LT_RAW;
    {
        struct fb *f = &s[n].f;
        size_t ip = ip6(f, 0, "fe80::1", "fe80::2");
        ip6_ext(f, 0, 60, 0);
        ip6_ext(f, 60, 43, 1);
        ip6_ext(f, 43, 6, 1);
        tcp(f, 1, 2, 3, 4, TH_ACK, 2);
        text(f, "hello");
        ip6_end(f, ip);
    }
    s[n].min_ok = 40 + 8 + 16 + 16 + 28;
    n++;

    s[n].lt = LT_IPV4;
    ip4_tcp_hello(&s[n].f);
    s[n].min_ok = 40;
    n++;
    return n;
}

Test(decode, every_truncation)
{
    struct sample s[16];
    size_t n = build_samples(s);
    for (size_t k = 0; k < n; k++) {
        const struct fb *f = &s[k].f;
        cr_assert_eq(run(s[k].lt, f), DECODE_OK, "sample %zu whole", k);
        size_t full_payload = pkt.payload_len;
        for (size_t len = 0; len < f->len; len++) {
            uint64_t errors = decode_error_total(&dec.stats);
            enum decode_result r = run_n(s[k].lt, f, len);
            if (len < s[k].min_ok) {
                cr_assert_eq(r, DECODE_ERROR, "sample %zu cut at %zu: %d", k, len, r);
                cr_assert_eq(decode_error_total(&dec.stats), errors + 1);
            } else {
                /* headers complete: the payload is what was captured */
                cr_assert_eq(r, DECODE_OK, "sample %zu cut at %zu: %d", k, len, r);
                cr_assert_eq(pkt.payload_len, full_payload - (f->len - len));
            }
        }
    }
}

Test(decode, truncated_reasons)
{
    struct fb f = {0};
    eth(&f, 0x8100);
    vlan(&f, 1, 0x0800);
    ip4_tcp_hello(&f);
    static const struct {
        size_t len;
        enum decode_reason why;
    } cuts[] = {
        {0, DR_TRUNCATED_L2},   {13, DR_TRUNCATED_L2},  {15, DR_TRUNCATED_VLAN},
        {18, DR_TRUNCATED_IP4}, {37, DR_TRUNCATED_IP4}, {38, DR_TRUNCATED_TCP},
        {57, DR_TRUNCATED_TCP},
    };
    for (size_t i = 0; i < sizeof(cuts) / sizeof(cuts[0]); i++) {
        uint64_t before = dec.stats.errors[cuts[i].why];
        cr_assert_eq(run_n(LT_EN10MB, &f, cuts[i].len), DECODE_ERROR);
        cr_assert_eq(dec.stats.errors[cuts[i].why], before + 1, "cut at %zu", cuts[i].len);
    }
    struct fb g = {0};
    ip6_udp_hello(&g);
    cr_assert_eq(run_n(LT_RAW, &g, 39), DECODE_ERROR);
    cr_assert_eq(dec.stats.errors[DR_TRUNCATED_IP6], 1);
    cr_assert_eq(run_n(LT_RAW, &g, 47), DECODE_ERROR);
    cr_assert_eq(dec.stats.errors[DR_TRUNCATED_UDP], 1);
}

/* ---- names and counters ---- */

Test(decode, reason_names)
{
    for (int i = 0; i < DR_COUNT; i++) {
        const char *a = decode_reason_name((enum decode_reason)i);
        cr_assert_not_null(a);
        cr_assert_neq(strcmp(a, "unknown"), 0, "reason %d has no name", i);
        for (const char *p = a; *p; p++)
            cr_assert((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_', "%s", a);
        for (int j = 0; j < i; j++)
            cr_assert_str_neq(a, decode_reason_name((enum decode_reason)j));
    }
    cr_assert_str_eq(decode_reason_name(DR_TRUNCATED_IP4), "truncated_ip4");
    cr_assert_str_eq(decode_reason_name(DR_COUNT), "unknown");
    cr_assert_str_eq(decode_other_name(DO_NOT_IP), "not_ip");
    cr_assert_str_eq(decode_other_name(DO_OTHER_L4), "other_l4");
    cr_assert_str_eq(decode_other_name(DO_COUNT), "unknown");
}

/* ---- real frames (bytes from `tshark -x`, fields as tshark prints them) ---- */

/* snmp_v3_usm_users_pippo.pcap frame 1: DLT_NULL, AF_INET in little-endian */
Test(decode, real_null_loopback_snmp)
{
    size_t len;
    uint8_t *b = th_hex("00 00 00 02 45 00 00 69 0d 88 00 00 40 11 00 00"
                        "7f 00 00 01 7f 00 00 01 c4 df 00 a1 00 55 fe 68"
                        "30 4b 02 01 03 30 11 02 04 30 f6 f3 d4 02 03 00"
                        "ff e3 04 01 04 02 01 03 04 10 30 0e 04 00 02 01"
                        "00 02 01 00 04 00 04 00 04 00 30 21 04 0d 80 00"
                        "1f 88 80 59 dc 48 61 45 a2 63 22 04 00 a0 0e 02"
                        "04 7d 0e 08 2e 02 01 00 02 01 00 30 00",
                        &len);
    cr_assert_eq(len, 109);
    decoder_set_linktype(&dec, LT_NULL);
    cr_assert_eq(decode_packet(&dec, b, len, len, 0, &pkt), DECODE_OK);
    assert_addr(&pkt.src, "127.0.0.1");
    assert_addr(&pkt.dst, "127.0.0.1");
    cr_assert_eq(pkt.ip_proto, 17);
    cr_assert_eq(pkt.sport, 50399);
    cr_assert_eq(pkt.dport, 161);
    cr_assert_eq(pkt.payload_len, 85 - 8); /* udp.length 85 */
    cr_assert_eq(pkt.payload[0], 0x30);    /* BER SEQUENCE */
    free(b);
}

/* sccp_gateway_fxs_register_rawip.pcapng frame 1: LINKTYPE_RAW, Skinny register */
Test(decode, real_raw_ip_sccp)
{
    size_t len;
    uint8_t *b = th_hex("45 60 00 b0 a5 c0 00 00 ff 06 c4 18 0a b4 6e 39"
                        "ac 1b 2c 06 e5 f2 07 d0 fd 0d 19 c9 1c cc 4a 03"
                        "50 18 10 20 7c a5 00 00 80 00 00 00 00 00 00 00"
                        "01 00 00 00 41 4e 43 32 38 38 30 39 33 37 31 31"
                        "30 38 31 00 00 00 00 00 01 00 00 00 ac 12 6e 39"
                        "4b 75 00 00 01 00 00 00 00 00 00 00 15 00 01 02"
                        "00 50 56 84 5b dc 00 00 00 00 00 00 00 00 00 00"
                        "00 00 00 00 02 00 00 00 00 00 00 00 00 00 00 00"
                        "00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00"
                        "00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00"
                        "00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00",
                        &len);
    cr_assert_eq(len, 176);
    int lts[] = {LT_RAW, LT_RAW101};
    for (int i = 0; i < 2; i++) {
        decoder_set_linktype(&dec, lts[i]);
        cr_assert_eq(decode_packet(&dec, b, len, len, 0, &pkt), DECODE_OK);
        assert_addr(&pkt.src, "10.180.110.57");
        assert_addr(&pkt.dst, "172.27.44.6");
        cr_assert_eq(pkt.sport, 58866);
        cr_assert_eq(pkt.dport, 2000);
        cr_assert_eq(pkt.tcp_seq, 4245494217u);
        cr_assert_eq(pkt.tcp_ack, 483150339u);
        cr_assert_eq(pkt.tcp_flags, 0x18);
        cr_assert_eq(pkt.tcp_win, 4128);
        cr_assert_eq(pkt.payload_len, 136); /* tcp.len */
        cr_assert_arr_eq(pkt.payload + 12, "ANC288093711081", 15);
    }
    free(b);
}

/* telnet_cisco_over_mpls_with_cdp.pcap frame 35: telnet over one MPLS label (29) */
Test(decode, real_mpls_telnet)
{
    size_t len;
    uint8_t *b = th_hex("00 30 96 e6 fc 39 00 30 96 05 28 38 88 47 00 01"
                        "dd ff 45 c0 00 31 00 02 00 00 ff 06 a4 e0 0a 01"
                        "02 01 0a 22 00 01 2a f9 00 17 98 32 0f fc 8d d5"
                        "8e a5 50 18 10 20 79 ac 00 00 ff fd 03 ff fb 1f"
                        "ff fb 21",
                        &len);
    cr_assert_eq(len, 67);
    decoder_set_linktype(&dec, LT_EN10MB);
    cr_assert_eq(decode_packet(&dec, b, len, len, 0, &pkt), DECODE_OK);
    assert_addr(&pkt.src, "10.1.2.1");
    assert_addr(&pkt.dst, "10.34.0.1");
    cr_assert_eq(pkt.sport, 11001);
    cr_assert_eq(pkt.dport, 23);
    cr_assert_eq(pkt.tcp_seq, 2553417724u);
    cr_assert_eq(pkt.tcp_ack, 2379583141u);
    cr_assert_eq(pkt.tcp_flags, 0x18);
    cr_assert_eq(pkt.tcp_win, 4128);
    cr_assert_eq(pkt.payload_len, 9);
    cr_assert_arr_eq(pkt.payload, "\xff\xfd\x03\xff\xfb\x1f\xff\xfb\x21", 9);
    cr_assert_eq(dec.stats.mpls, 1);
    free(b);
}

/* the same capture, frame 22: CDP over 802.3 + LLC/SNAP */
Test(decode, real_cdp_not_ip)
{
    size_t len;
    uint8_t *b = th_hex("01 00 0c cc cc cc 00 30 96 05 28 38 01 45 aa aa"
                        "03 00 00 0c 20 00 02 b4 cb 01 00 01 00 10 74 61",
                        &len);
    decoder_set_linktype(&dec, LT_EN10MB);
    cr_assert_eq(decode_packet(&dec, b, len, 339, 0, &pkt), DECODE_OTHER);
    cr_assert_eq(dec.stats.other[DO_NOT_IP], 1);
    free(b);
}

Test(decode, sll_netlink_not_ip)
{
    struct fb f = {0};
    sll(&f, 0x0800);
    f.b[2] = 824 >> 8; /* ARPHRD_NETLINK: the protocol field is a netlink family */
    f.b[3] = 824 & 0xff;
    ip4_tcp_hello(&f);
    assert_other(run(LT_SLL, &f), DO_NOT_IP);

    struct fb g = {0};
    sll2(&g, 0x0800);
    g.b[8] = 824 >> 8;
    g.b[9] = 824 & 0xff;
    ip4_tcp_hello(&g);
    cr_assert_eq(run(LT_SLL2, &g), DECODE_OTHER);
    cr_assert_eq(dec.stats.other[DO_NOT_IP], 2);
}

Test(decode, ipv6_fragment_truncated_or_nested)
{
    /* cut by the snaplen: cannot be reassembled */
    struct fb f = {0};
    size_t ip = ip6(&f, 44, "2001:db8::1", "2001:db8::2");
    ip6_frag_hdr(&f, 17, 1, 0, true);
    put_zero(&f, 32);
    ip6_end(&f, ip);
    assert_error(run_n(LT_IPV6, &f, f.len - 8), DR_TRUNCATED_IP6);

    /* a rebuilt datagram that starts with another fragment header */
    struct fb a = {0}, b = {0};
    ip = ip6(&a, 44, "2001:db8::1", "2001:db8::2");
    ip6_frag_hdr(&a, 44, 2, 0, true);
    ip6_frag_hdr(&a, 17, 3, 0, true); /* inner fragment header, first 8 bytes */
    put_zero(&a, 8);
    ip6_end(&a, ip);
    ip = ip6(&b, 44, "2001:db8::1", "2001:db8::2");
    ip6_frag_hdr(&b, 44, 2, 2, false);
    put_zero(&b, 8);
    ip6_end(&b, ip);
    cr_assert_eq(run(LT_IPV6, &a), DECODE_HELD);
    cr_assert_eq(run(LT_IPV6, &b), DECODE_ERROR);
    cr_assert_eq(dec.stats.errors[DR_BAD_FRAGMENT], 1);
    cr_assert_eq(defrag_pending(dec.defrag), 0);
}
