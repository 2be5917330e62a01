/*
 * test_snmp.c - the SNMP dissector (RFC 1157, RFC 3416, RFC 3412/3414).
 *
 * Test vectors marked "real" are UDP payloads copied from the shared captures
 * (../shared/pcaps, origin in their MANIFEST.md); their expected fields are
 * what tshark 4.0 decodes from them. Vectors marked "hand-built" were made
 * for these tests and checked with tshark too.
 */
#include <criterion/criterion.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ber.h"
#include "helpers.h"
#include "snmp.h"

struct vec {
    const char *name;
    const char *hex;
    uint8_t version;
    uint8_t pdu_type;
    const char *community; /* v1/v2c */
    const char *user;      /* v3 */
    bool has_request_id;
    int64_t request_id;
    uint32_t varbinds;
    uint32_t msg_id;
    uint8_t msg_flags;
};

/* real: snmp_v1_get_getnext_set.pcap frame 1, 172.31.19.54 -> .73:161 */
#define V1_GET "302602010004067075626c6963a019020126020100020100300e300c06082b060102010102000500"

static const struct vec vectors[] = {
    {"v1 get (real)", V1_GET, SNMP_V1, SNMP_PDU_GET, "public", NULL, true, 38, 1, 0, 0},
    {"v1 get-response (real, frame 2)",
     "303802010004067075626c6963a22b0201260201000201003020301e06082b060102010102000612"
     "2b060104018f5101010182295d011b020201",
     SNMP_V1, SNMP_PDU_RESPONSE, "public", NULL, true, 38, 1, 0, 0},
    {"v1 set, empty community (real, snmp_v1_set_empty_community.pcap)",
     "30280201000400a32102047b086e690201000201003013301106082b0601020101050004056d75736563",
     SNMP_V1, SNMP_PDU_SET, "", NULL, true, 2064150121, 1, 0, 0},
    {"v1 set private (hand-built)",
     "303e020100040770726976617465a330020203ea0201000201003024301106082b060102010105000405"
     "70776e6564300f06082b0601020101060004036c6162",
     SNMP_V1, SNMP_PDU_SET, "private", NULL, true, 1002, 2, 0, 0},
    {"v1 trap (real, snmp_v1_trap.pcap)",
     "303b02010004067075626c6963a42e06092b0601040181f4690040047f000001020100020100430400000000"
     "300f300d06082b06010201020100020121",
     SNMP_V1, SNMP_PDU_TRAP_V1, "public", NULL, false, 0, 1, 0, 0},
    {"v2c getbulk, empty community (real, snmp_v2c_getbulk_empty_community.pcap)",
     "30230201010400a51c02046c4e552d020100020100300e300c06082b060102010105000500", SNMP_V2C,
     SNMP_PDU_GETBULK, "", NULL, true, 1817072941, 1, 0, 0},
    {"v2c get-next (real, snmp_v2c_get_packetlife.pcap frame 1)",
     "3027020101040b5b52305f4340637469215da11502042b133f85020100020100300730050601010500", SNMP_V2C,
     SNMP_PDU_GETNEXT, "[R0_C@cti!]", NULL, true, 722681733, 1, 0, 0},
    {"v2c get (real, snmp_v2c_get_packetlife.pcap frame 3)",
     "302e020101040b5b52305f4340637469215da01c020421182cd7020100020100300e300c06082b0601020101"
     "03000500",
     SNMP_V2C, SNMP_PDU_GET, "[R0_C@cti!]", NULL, true, 555232471, 1, 0, 0},
    {"v2c response with long-form lengths (real, snmp_v2c_walk.pcap frame 2)",
     "30819002010104067075626c6963a28182020409584e450201000201003074307206082b0601020101010004"
     "664c696e7578207562756e74752d3531326d622d73666f322d303120342e342e302d33312d67656e65726963"
     "202335307e31342e30342e312d5562756e747520534d5020576564204a756c2031332030313a30373a333220"
     "5554432032303136207838365f3634",
     SNMP_V2C, SNMP_PDU_RESPONSE, "public", NULL, true, 156782149, 1, 0, 0},
    {"v2c trap (hand-built)",
     "305402010104067075626c6963a74702021234020100020100303b300f06082b060102010103004303010203"
     "3017060a2b06010603010104010006092b0601060301010503300f060a2b060102010202010102020102",
     SNMP_V2C, SNMP_PDU_TRAP_V2, "public", NULL, true, 0x1234, 3, 0, 0},
    {"v2c inform (hand-built)",
     "3041020101040770726976617465a63302014d0201000201003028300d06082b06010201010300430110"
     "3017060a2b06010603010104010006092b0601060301010501",
     SNMP_V2C, SNMP_PDU_INFORM, "private", NULL, true, 77, 2, 0, 0},
    {"v2c report (hand-built)",
     "302902010104067075626c6963a81c0201fb0201000201003011300f060a2b060106030f01010400410107",
     SNMP_V2C, SNMP_PDU_REPORT, "public", NULL, true, -5, 1, 0, 0},
    {"v3 discovery get, empty user (real, snmp_v3_noauth_getbulk.pcap frame 1)",
     "303e020103301102045e85777a020300ffe30401040201030410300e0400020100020100040004000400"
     "301404000400a00e020447a313c30201000201003000",
     SNMP_V3, SNMP_PDU_GET, NULL, "", true, 1201869763, 0, 1585805178, 0x04},
    {"v3 report (real, snmp_v3_noauth_getbulk.pcap frame 2)",
     "3071020103301102045e85777a020300ffe30401000201030421301f041180001f8880468a3a41a3a51b5c"
     "000000000201030201240400040004003036041180001f8880468a3a41a3a51b5c000000000400a81f0204"
     "47a313c30201000201003011300f060a2b060106030f01010400410101",
     SNMP_V3, SNMP_PDU_REPORT, NULL, "", true, 1201869763, 1, 1585805178, 0x00},
    {"v3 noAuthNoPriv getbulk with user (real, snmp_v3_noauth_getbulk.pcap frame 3)",
     "3079020103301102045e857779020300ffe3040104020103042b3029041180001f8880468a3a41a3a51b5c"
     "00000000020103020124040a6e6f4175746855736572040004003034041180001f8880468a3a41a3a51b5c"
     "000000000400a51d020447a313c202010002010a300f300d06092b06010201190101000500",
     SNMP_V3, SNMP_PDU_GETBULK, NULL, "noAuthUser", true, 1201869762, 1, 1585805177, 0x04},
    {"v3 authPriv encrypted (real, snmp_v3_authpriv_packetlife.pcap frame 3)",
     "307f020103300f02030091c90202080004010702010304383036040c000039e7000000a1c0a81da0020202f0"
     "020302fde7040561646d696e040cac1663903625bedee6f324660408cb26d90073efc352042f14094a43804d"
     "88fc6f523fe1b2aa27dc1faf23afdf770307ec27291d55348436405a858eb23a56b157716eb85a5143",
     SNMP_V3, SNMP_PDU_ENCRYPTED, NULL, "admin", false, 0, 0, 37321, 0x07},
};

#define NVEC (sizeof(vectors) / sizeof(vectors[0]))

/* What the emit hook saw, with the borrowed bytes copied. */
struct seen {
    int count;
    struct ev_snmp ev;
    uint8_t community[2048];
    uint8_t user[2048];
};

static void on_emit(struct dis_ctx *ctx, const struct dis_event *ev)
{
    struct seen *s = ctx->user;
    cr_assert_eq(ev->type, EV_SNMP_PDU);
    cr_assert_not_null(ev->u.snmp.community, "community is never NULL");
    cr_assert_not_null(ev->u.snmp.user, "user is never NULL");
    cr_assert_leq(ev->u.snmp.community_len, sizeof(s->community));
    cr_assert_leq(ev->u.snmp.user_len, sizeof(s->user));
    s->count++;
    s->ev = ev->u.snmp;
    memcpy(s->community, ev->u.snmp.community, ev->u.snmp.community_len);
    memcpy(s->user, ev->u.snmp.user, ev->u.snmp.user_len);
    s->ev.community = s->community;
    s->ev.user = s->user;
}

/* Parses n bytes (from a copy of exactly n bytes, so ASan catches overreads). */
static enum dis_result parse(const uint8_t *p, size_t n, struct seen *s, const char **ret_error)
{
    uint8_t *buf = malloc(n ? n : 1);
    struct dis_ctx ctx = {.emit = on_emit, .user = s, .ts_us = 1};
    struct cursor c;
    cr_assert_not_null(buf);
    if (n)
        memcpy(buf, p, n);
    memset(s, 0, sizeof(*s));
    cur_init(&c, buf, n);
    enum dis_result r = snmp_dissector.parse(&ctx, NULL, &c);
    free(buf);
    if (ret_error)
        *ret_error = ctx.error;
    if (r == DIS_MALFORMED)
        cr_assert_not_null(ctx.error, "DIS_MALFORMED says why");
    return r;
}

static enum dis_result parse_hex(const char *hex, struct seen *s, const char **ret_error)
{
    size_t n;
    uint8_t *p = th_hex(hex, &n);
    enum dis_result r = parse(p, n, s, ret_error);
    free(p);
    return r;
}

static void assert_event(const struct vec *v, const struct seen *s)
{
    const struct ev_snmp *e = &s->ev;
    cr_assert_eq(s->count, 1, "%s: one event", v->name);
    cr_assert_eq(e->version, v->version, "%s: version", v->name);
    cr_assert_eq(e->pdu_type, v->pdu_type, "%s: pdu_type %u", v->name, e->pdu_type);
    const char *comm = v->community ? v->community : "";
    const char *user = v->user ? v->user : "";
    cr_assert_eq(e->community_len, strlen(comm), "%s: community length", v->name);
    cr_assert_eq(memcmp(e->community, comm, e->community_len), 0, "%s: community", v->name);
    cr_assert_eq(e->user_len, strlen(user), "%s: user length", v->name);
    cr_assert_eq(memcmp(e->user, user, e->user_len), 0, "%s: user", v->name);
    cr_assert_eq(e->has_request_id, v->has_request_id, "%s: has_request_id", v->name);
    cr_assert_eq(e->request_id, v->request_id, "%s: request_id %lld", v->name,
                 (long long)e->request_id);
    cr_assert_eq(e->varbind_count, v->varbinds, "%s: varbind_count %u", v->name, e->varbind_count);
    cr_assert_eq(e->msg_id, v->msg_id, "%s: msg_id", v->name);
    cr_assert_eq(e->msg_flags, v->msg_flags, "%s: msg_flags", v->name);
}

Test(snmp, dissector_registration)
{
    cr_assert_str_eq(snmp_dissector.name, "snmp");
    cr_assert_eq(snmp_dissector.l4, 17);
    cr_assert_eq(snmp_dissector.ports[0], 161);
    cr_assert_eq(snmp_dissector.ports[1], 162);
    cr_assert_eq(snmp_dissector.ports[2], 0);
    cr_assert_eq(snmp_dissector.ndpi_ids[0], 14);
    cr_assert_not_null(snmp_dissector.probe);
    cr_assert_not_null(snmp_dissector.parse);
}

Test(snmp, valid_messages_emit_every_field)
{
    for (size_t i = 0; i < NVEC; i++) {
        struct seen s;
        cr_assert_eq(parse_hex(vectors[i].hex, &s, NULL), DIS_OK, "%s", vectors[i].name);
        assert_event(&vectors[i], &s);
    }
}

Test(snmp, probe_accepts_every_valid_message)
{
    for (size_t i = 0; i < NVEC; i++) {
        size_t n;
        uint8_t *p = th_hex(vectors[i].hex, &n);
        struct cursor c;
        cur_init(&c, p, n);
        cr_assert(snmp_dissector.probe(&c, 0), "%s", vectors[i].name);
        cr_assert_eq(c.off, 0);
        free(p);
    }
}

Test(snmp, probe_rejects_other_payloads)
{
    static const char *const other[] = {
        "",
        "47 45 54 20 2f 20 48 54 54 50 2f 31 2e 30 0d 0a", /* GET / HTTP/1.0 */
        "30 03 02 01 02",                                  /* version 2 (v2u) */
        "30 03 02 01 00 02 01 00",                         /* v1 then an INTEGER, no community */
        "30 03 02 01 03 04 01 00",                         /* v3 then an OCTET STRING */
        "30 80 02 01 00",                                  /* indefinite length */
        "31 03 02 01 00",                                  /* SET, not SEQUENCE */
        "30 02 05 00",                                     /* too short for a version */
        "30 0a 04 06 70 75 62 6c 69 63",                   /* no version */
        "30",
    };
    for (size_t i = 0; i < sizeof(other) / sizeof(other[0]); i++) {
        size_t n;
        uint8_t *p = th_hex(other[i], &n);
        struct cursor c;
        cur_init(&c, p, n);
        cr_assert_not(snmp_dissector.probe(&c, 0), "%s", other[i]);
        free(p);
    }
    /* a cut first datagram with a readable version is still SNMP */
    size_t n;
    uint8_t *p = th_hex(V1_GET, &n);
    struct cursor c;
    cur_init(&c, p, 5);
    cr_assert(snmp_dissector.probe(&c, 1));
    free(p);
}

/*
 * Every prefix of a valid message is a cut capture: DIS_TRUNCATED (or
 * DIS_NOT_MINE for nothing at all), never DIS_OK or DIS_MALFORMED. Once the
 * prefix holds version, community/user and PDU type, the event comes out with
 * the same identity as the whole message's.
 */
Test(snmp, every_prefix_is_truncated)
{
    for (size_t i = 0; i < NVEC; i++) {
        const struct vec *v = &vectors[i];
        size_t n;
        uint8_t *p = th_hex(v->hex, &n);
        bool emitted_before = false;
        for (size_t k = 0; k < n; k++) {
            struct seen s;
            enum dis_result r = parse(p, k, &s, NULL);
            cr_assert_eq(r, k == 0 ? DIS_NOT_MINE : DIS_TRUNCATED, "%s cut to %zu: %d", v->name, k,
                         r);
            cr_assert_leq(s.count, 1);
            if (emitted_before)
                cr_assert_eq(s.count, 1, "%s cut to %zu: a longer prefix emits too", v->name, k);
            if (!s.count)
                continue;
            emitted_before = true;
            const struct ev_snmp *e = &s.ev;
            cr_assert_eq(e->version, v->version);
            cr_assert_eq(e->pdu_type, v->pdu_type, "%s cut to %zu", v->name, k);
            const char *id = v->version == SNMP_V3 ? v->user : v->community;
            const uint8_t *got = v->version == SNMP_V3 ? e->user : e->community;
            size_t got_len = v->version == SNMP_V3 ? e->user_len : e->community_len;
            cr_assert_eq(got_len, strlen(id));
            cr_assert_eq(memcmp(got, id, got_len), 0);
            if (e->has_request_id)
                cr_assert_eq(e->request_id, v->request_id);
            cr_assert_leq(e->varbind_count, v->varbinds);
            if (v->version == SNMP_V3) {
                cr_assert_eq(e->msg_id, v->msg_id);
                cr_assert_eq(e->msg_flags, v->msg_flags);
            }
        }
        cr_assert(emitted_before, "%s: the prefix one byte short still emits", v->name);
        free(p);
    }
}

Test(snmp, truncated_varbinds_still_emit_the_community)
{
    /* the v1 set cut inside its only varbind value */
    struct seen s;
    size_t n;
    uint8_t *p = th_hex(vectors[2].hex, &n);
    cr_assert_eq(parse(p, n - 3, &s, NULL), DIS_TRUNCATED);
    cr_assert_eq(s.count, 1);
    cr_assert_eq(s.ev.pdu_type, SNMP_PDU_SET);
    cr_assert_eq(s.ev.community_len, 0);
    cr_assert(s.ev.has_request_id);
    cr_assert_eq(s.ev.request_id, 2064150121);
    cr_assert_eq(s.ev.varbind_count, 0);
    free(p);
}

Test(snmp, not_snmp)
{
    struct seen s;
    cr_assert_eq(parse_hex("", &s, NULL), DIS_NOT_MINE);
    cr_assert_eq(parse_hex("47 45 54 20 2f 20 48 54 54 50 2f 31 2e 30 0d 0a", &s, NULL),
                 DIS_NOT_MINE);
    cr_assert_eq(parse_hex("30 0b 02 01 02 04 06 70 75 62 6c 69 63", &s, NULL), DIS_NOT_MINE,
                 "version 2 (v2u/v2*) is not spoken here");
    cr_assert_eq(parse_hex("30 0b 04 01 00 04 06 70 75 62 6c 69 63", &s, NULL), DIS_NOT_MINE,
                 "no version");
    cr_assert_eq(parse_hex("30 80 02 01 00 04 00 a0 00 00 00", &s, NULL), DIS_NOT_MINE,
                 "indefinite outer length");
    cr_assert_eq(s.count, 0);
}

/*
 * Parses hex and checks the result, the reason (DIS_MALFORMED) and how many
 * events came out; returns what was seen.
 */
static struct seen expect(const char *hex, enum dis_result want, const char *why_want, int events)
{
    struct seen s;
    const char *why = NULL;
    enum dis_result r = parse_hex(hex, &s, &why);
    cr_assert_eq(r, want, "%s: result %d", hex, r);
    if (want == DIS_MALFORMED)
        cr_assert_str_eq(why, why_want, "%s", hex);
    cr_assert_eq(s.count, events, "%s: events", hex);
    return s;
}

Test(snmp, huge_lengths)
{
    struct seen s;
    /* no UDP datagram holds 2 GB */
    expect("30 84 7f ff ff ff 02 01 00 04 06 70 75 62 6c 69 63 a0 00", DIS_MALFORMED,
           "snmp: message longer than a UDP datagram", 0);
    /* a long datagram cut by the snaplen: community and PDU type were read */
    s = expect("30 82 ff 00 02 01 00 04 06 70 75 62 6c 69 63 a0 10 02 01", DIS_TRUNCATED, NULL, 1);
    cr_assert_eq(s.ev.pdu_type, SNMP_PDU_GET);
    cr_assert_eq(s.ev.community_len, 6);
    /* a community longer than the whole (uncut) message */
    expect("30 0e 02 01 00 04 84 ff ff ff ff 70 75 62 6c 69 63", DIS_MALFORMED,
           "snmp: bad community", 0);
    /* the message is cut, but the PDU claims more than the message */
    expect("30 20 02 01 00 04 06 70 75 62 6c 69 63 a0 40 02 01 01", DIS_MALFORMED,
           "snmp: PDU length", 1);
    /* the message is whole but its PDU length runs past it */
    s = expect("30 10 02 01 00 04 06 70 75 62 6c 69 63 a0 05 02 01 01", DIS_MALFORMED,
               "snmp: PDU length", 1);
    cr_assert_not(s.ev.has_request_id);
    /* a varbind list longer than its whole PDU */
    expect("30 18 02 01 01 04 06 70 75 62 6c 69 63 a0 0b 02 01 01 02 01 00 02 01 00 30 7f",
           DIS_MALFORMED, "snmp: bad variable-bindings", 1);
}

Test(snmp, deep_nesting_in_a_value)
{
    /* v2c get whose only varbind value is 40 nested SEQUENCEs */
    enum { DEPTH = 40 };
    uint8_t msg[200];
    size_t n = 0;
    size_t vlen = 2 * DEPTH + 2;           /* the nested value */
    size_t vblen = 2 + 3 + vlen;           /* varbind: SEQUENCE { OID 2b 06, value } */
    size_t pdulen = 3 + 3 + 3 + 2 + vblen; /* request-id, status, index, list */
    size_t body = 3 + 8 + 2 + pdulen;
    msg[n++] = 0x30;
    msg[n++] = (uint8_t)body;
    memcpy(msg + n, "\x02\x01\x01\x04\x06public", 11);
    n += 11;
    msg[n++] = 0xa0;
    msg[n++] = (uint8_t)pdulen;
    memcpy(msg + n, "\x02\x01\x07\x02\x01\x00\x02\x01\x00", 9);
    n += 9;
    msg[n++] = 0x30;
    msg[n++] = (uint8_t)vblen;
    msg[n++] = 0x30;
    msg[n++] = (uint8_t)(vblen - 2);
    memcpy(msg + n, "\x06\x01\x2b", 3);
    n += 3;
    for (unsigned i = 0; i < DEPTH; i++) {
        msg[n++] = 0x30;
        msg[n++] = (uint8_t)(vlen - 2 * i - 2);
    }
    msg[n++] = 0x05;
    msg[n++] = 0x00;
    cr_assert_eq(n, 2 + body);
    cr_assert_lt(n, sizeof(msg));

    struct seen s;
    const char *why;
    cr_assert_eq(parse(msg, n, &s, &why), DIS_MALFORMED, "SNMP values are never constructed");
    cr_assert_str_eq(why, "snmp: varbind value is constructed");
    cr_assert_eq(s.count, 1);
    cr_assert_eq(s.ev.request_id, 7);
    cr_assert_eq(s.ev.varbind_count, 0);
}

Test(snmp, wrong_types)
{
    struct seen s;
    expect("30 0c 02 01 00 02 01 05 a0 04 02 01 01 30", DIS_MALFORMED, "snmp: bad community", 0);
    expect("30 1b 02 01 01 04 06 70 75 62 6c 69 63 30 0e 02 01 01 02 01 00 02 01 00 30 03 05 01 "
           "00",
           DIS_MALFORMED, "snmp: PDU is not a context-specific SEQUENCE", 0);
    expect("30 0d 02 01 01 04 06 70 75 62 6c 69 63 80 00", DIS_MALFORMED,
           "snmp: PDU is not a context-specific SEQUENCE", 0);
    /* PDU tag [9]: unknown, still reported with its community */
    s = expect("30 15 02 01 01 04 06 70 75 62 6c 69 63 a9 08 02 01 01 02 01 00 02 01 00",
               DIS_MALFORMED, "snmp: unknown PDU type", 1);
    cr_assert_eq(s.ev.pdu_type, SNMP_PDU_UNKNOWN);
    /* indefinite length on the PDU: its type is not taken */
    expect("30 15 02 01 01 04 06 70 75 62 6c 69 63 a0 80 02 01 01 02 01 00 00 00", DIS_MALFORMED,
           "snmp: bad PDU header", 0);
    s = expect("30 1d 02 01 01 04 06 70 75 62 6c 69 63 a0 10 02 01 01 02 01 00 02 01 00 30 05 30 "
               "03 02 01 00",
               DIS_MALFORMED, "snmp: varbind name is not an OID", 1);
    cr_assert_eq(s.ev.varbind_count, 0);
    expect("30 21 02 01 01 04 06 70 75 62 6c 69 63 a0 14 02 01 01 02 01 00 02 01 00 30 09 30 07 06 "
           "01 2b 05 00 05 00",
           DIS_MALFORMED, "snmp: extra bytes in varbind", 1);
    s = expect("30 13 02 01 01 04 06 70 75 62 6c 69 63 a0 06 02 01 01 02 01 00", DIS_MALFORMED,
               "snmp: bad error-index", 1);
    cr_assert_eq(s.ev.request_id, 1);
    s = expect("30 13 02 01 01 04 06 70 75 62 6c 69 63 a0 06 04 01 01 02 01 00", DIS_MALFORMED,
               "snmp: bad request-id", 1);
    cr_assert_not(s.ev.has_request_id);
    /* a trap whose agent-addr is 5 bytes */
    s = expect("30 22 02 01 00 04 06 70 75 62 6c 69 63 a4 15 06 01 2b 40 05 7f 00 00 01 01 02 01 "
               "00 02 01 00 43 01 00 30 00",
               DIS_MALFORMED, "snmp: trap agent-addr is not 4 bytes", 1);
    cr_assert_eq(s.ev.pdu_type, SNMP_PDU_TRAP_V1);
    /* a trap whose enterprise is an OCTET STRING */
    expect("30 21 02 01 00 04 06 70 75 62 6c 69 63 a4 14 04 01 2b 40 04 7f 00 00 01 02 01 00 02 01 "
           "00 43 01 00 30 00",
           DIS_MALFORMED, "snmp: trap enterprise is not an OID", 1);
}

Test(snmp, trailing_bytes_are_malformed_after_the_event)
{
    size_t n;
    uint8_t *p = th_hex(V1_GET "00", &n);
    struct seen s;
    const char *why;
    cr_assert_eq(parse(p, n, &s, &why), DIS_MALFORMED);
    cr_assert_str_eq(why, "snmp: bytes after the message");
    cr_assert_eq(s.count, 1);
    cr_assert_eq(s.ev.varbind_count, 1);
    free(p);
    /* an extra element inside the message, after the PDU */
    expect("30 1a 02 01 01 04 06 70 75 62 6c 69 63 a0 0b 02 01 01 02 01 00 02 01 00 30 00 05 00",
           DIS_MALFORMED, "snmp: extra bytes after the PDU", 1);
    /* an extra element inside the PDU, after the varbinds */
    expect("30 1a 02 01 01 04 06 70 75 62 6c 69 63 a0 0d 02 01 01 02 01 00 02 01 00 30 00 05 00",
           DIS_MALFORMED, "snmp: extra bytes after the PDU fields", 1);
}

Test(snmp, v3_bad_headers)
{
    struct seen s;
    expect("30 20 02 01 03 30 0e 02 01 01 02 02 05 dc 04 02 04 00 02 01 03 04 00 04 09 04 00 04 00 "
           "a0 03 02 01 01",
           DIS_MALFORMED, "snmp: msgFlags is not one byte", 0);
    expect("30 22 02 01 03 30 0d 02 01 01 02 02 05 dc 04 01 04 02 01 03 04 02 05 00 30 0a 04 00 04 "
           "00 a0 04 02 01 01 30",
           DIS_MALFORMED, "snmp: bad USM security parameters", 0);
    /* msgData that is an INTEGER; security model 99 skips USM */
    expect("30 17 02 01 03 30 0d 02 01 01 02 02 05 dc 04 01 00 02 01 63 04 00 02 01 00",
           DIS_MALFORMED, "snmp: msgData is neither ScopedPDU nor encryptedPDU", 0);
    expect("30 17 02 01 03 30 0d 02 01 ff 02 02 05 dc 04 01 00 02 01 63 04 00 04 01 00",
           DIS_MALFORMED, "snmp: msgID out of range", 0);
    /* the same with msgID 1 is an encrypted message of an unknown security model */
    s = expect("30 17 02 01 03 30 0d 02 01 01 02 02 05 dc 04 01 03 02 01 63 04 00 04 01 00", DIS_OK,
               NULL, 1);
    cr_assert_eq(s.ev.pdu_type, SNMP_PDU_ENCRYPTED);
    cr_assert_eq(s.ev.user_len, 0);
    cr_assert_eq(s.ev.msg_id, 1);
    cr_assert_eq(s.ev.msg_flags, 3);
    /* USM with a seventh element */
    expect("30 3a 02 01 03 30 0d 02 01 01 02 02 05 dc 04 01 00 02 01 03 04 13 30 11 04 00 02 01 00 "
           "02 01 00 04 01 75 04 00 04 00 05 00 30 11 04 00 04 00 a0 0b 02 01 01 02 01 00 02 01 00 "
           "30 00",
           DIS_MALFORMED, "snmp: extra bytes in USM parameters", 0);
    /* the same without it is fine: user "u", a get with no varbinds */
    s = expect(
        "30 38 02 01 03 30 0d 02 01 01 02 02 05 dc 04 01 00 02 01 03 04 11 30 0f 04 00 02 01 "
        "00 02 01 00 04 01 75 04 00 04 00 30 11 04 00 04 00 a0 0b 02 01 01 02 01 00 02 01 00 "
        "30 00",
        DIS_OK, NULL, 1);
    cr_assert_eq(s.ev.user_len, 1);
    cr_assert_eq(s.ev.user[0], 'u');
    cr_assert_eq(s.ev.pdu_type, SNMP_PDU_GET);
}

Test(snmp, varbind_walk_is_capped)
{
    enum { N = SNMP_MAX_VARBINDS + 76 };
    size_t list = (size_t)N * 7; /* 30 05 06 01 2b 05 00 */
    size_t pdu = 9 + 4 + list;
    size_t body = 3 + 8 + 4 + pdu;
    size_t total = 4 + body;
    uint8_t *m = malloc(total);
    size_t n = 0;
    cr_assert_not_null(m);
    m[n++] = 0x30;
    m[n++] = 0x82;
    m[n++] = (uint8_t)(body >> 8);
    m[n++] = (uint8_t)body;
    memcpy(m + n, "\x02\x01\x01\x04\x06public", 11);
    n += 11;
    m[n++] = 0xa2;
    m[n++] = 0x82;
    m[n++] = (uint8_t)(pdu >> 8);
    m[n++] = (uint8_t)pdu;
    memcpy(m + n, "\x02\x01\x05\x02\x01\x00\x02\x01\x00", 9);
    n += 9;
    m[n++] = 0x30;
    m[n++] = 0x82;
    m[n++] = (uint8_t)(list >> 8);
    m[n++] = (uint8_t)list;
    for (unsigned i = 0; i < N; i++) {
        memcpy(m + n, "\x30\x05\x06\x01\x2b\x05\x00", 7);
        n += 7;
    }
    cr_assert_eq(n, total);
    struct seen s;
    cr_assert_eq(parse(m, n, &s, NULL), DIS_OK);
    cr_assert_eq(s.count, 1);
    cr_assert_eq(s.ev.varbind_count, SNMP_MAX_VARBINDS);
    free(m);
}

Test(snmp, names)
{
    cr_assert_str_eq(snmp_pdu_name(SNMP_PDU_GET), "get_request");
    cr_assert_str_eq(snmp_pdu_name(SNMP_PDU_GETNEXT), "get_next_request");
    cr_assert_str_eq(snmp_pdu_name(SNMP_PDU_RESPONSE), "get_response");
    cr_assert_str_eq(snmp_pdu_name(SNMP_PDU_SET), "set_request");
    cr_assert_str_eq(snmp_pdu_name(SNMP_PDU_TRAP_V1), "trap_v1");
    cr_assert_str_eq(snmp_pdu_name(SNMP_PDU_GETBULK), "get_bulk_request");
    cr_assert_str_eq(snmp_pdu_name(SNMP_PDU_INFORM), "inform_request");
    cr_assert_str_eq(snmp_pdu_name(SNMP_PDU_TRAP_V2), "trap_v2");
    cr_assert_str_eq(snmp_pdu_name(SNMP_PDU_REPORT), "report");
    cr_assert_str_eq(snmp_pdu_name(SNMP_PDU_ENCRYPTED), "encrypted");
    cr_assert_str_eq(snmp_pdu_name(SNMP_PDU_UNKNOWN), "unknown");
    cr_assert_str_eq(snmp_pdu_name(9), "unknown");
    cr_assert_str_eq(snmp_version_name(SNMP_V1), "1");
    cr_assert_str_eq(snmp_version_name(SNMP_V2C), "2c");
    cr_assert_str_eq(snmp_version_name(SNMP_V3), "3");
    cr_assert_str_eq(snmp_version_name(2), "unknown");
}

static char *event_json_text(const char *hex)
{
    struct seen s;
    cr_assert_eq(parse_hex(hex, &s, NULL), DIS_OK);
    json_t *o = snmp_event_json(&s.ev);
    cr_assert_not_null(o);
    char *text = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(o);
    return text;
}

Test(snmp, event_json)
{
    char *t = event_json_text(vectors[0].hex);
    cr_assert_str_eq(t, "{\"version\":\"1\",\"community\":\"public\",\"pdu_type\":\"get_request\","
                        "\"request_id\":38,\"varbind_count\":1}");
    free(t);
    t = event_json_text(vectors[5].hex);
    cr_assert_str_eq(t, "{\"version\":\"2c\",\"community\":\"\",\"pdu_type\":\"get_bulk_request\","
                        "\"request_id\":1817072941,\"varbind_count\":1}");
    free(t);
    t = event_json_text(vectors[4].hex);
    cr_assert_str_eq(t, "{\"version\":\"1\",\"community\":\"public\",\"pdu_type\":\"trap_v1\","
                        "\"varbind_count\":1}");
    free(t);
    t = event_json_text(vectors[14].hex);
    cr_assert_str_eq(t, "{\"version\":\"3\",\"user\":\"noAuthUser\",\"pdu_type\":"
                        "\"get_bulk_request\",\"request_id\":1201869762,\"varbind_count\":1,"
                        "\"msg_id\":1585805177,\"security_level\":\"noAuthNoPriv\"}");
    free(t);
    t = event_json_text(vectors[15].hex);
    cr_assert_str_eq(t, "{\"version\":\"3\",\"user\":\"admin\",\"pdu_type\":\"encrypted\","
                        "\"msg_id\":37321,\"security_level\":\"authPriv\"}");
    free(t);
}

Test(snmp, event_json_escapes_binary_communities)
{
    struct ev_snmp e = {.version = SNMP_V2C, .pdu_type = SNMP_PDU_SET};
    e.community = (const uint8_t *)"pu\xff\x01";
    e.community_len = 4;
    json_t *o = snmp_event_json(&e);
    cr_assert_not_null(o);
    cr_assert_str_eq(json_string_value(json_object_get(o, "community")), "pu\\xff\\x01");
    cr_assert_str_eq(json_string_value(json_object_get(o, "pdu_type")), "set_request");
    json_decref(o);
}
