/*
 * test_h225ras.c - H.225.0 RAS (ITU-T H.225.0 RasMessage, X.691 aligned
 * PER): message names and fields, and the call events of ARQ / DRQ / ARJ.
 *
 * "real" datagrams are the UDP payloads of
 * ../shared/pcaps/h323_mixed_setup_and_ras.pcap (frame numbers as in that
 * file); the expected values are tshark 4.0's (its .facts "ras" and
 * "ras.alias" lines, and tshark -V for the other fields). tshark calls
 * frame 59 (GRQ) malformed, in an extension addition that is skipped here
 * as an open type.
 */
#include <criterion/criterion.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "h225ras.h"
#include "helpers.h"

/* real: frame 59, 17.2.0.124:2034 -> 17.2.0.161:1719 */
#define RAS_F59 "02200000060008914a0004001102007c07f22200ae01003d0001030085c89a51208003014000"

/* real: frame 60, 17.2.0.161:1719 -> 17.2.0.124:2034 */
#define RAS_F60                                                                                    \
    "04800000060008914a00043e004f00700065006e004800330032003300200047006100740065006b"             \
    "006500650070006500720020006f006e0020006d0066006f007400740065006b0069006e00110200"             \
    "a106b7"

/* real: frame 61, 17.2.0.124:2034 -> 17.2.0.161:1719 */
#define RAS_F61                                                                                    \
    "0ec00001060008914a00048001001102007c06b801001102007c07f22200ae01003d0001840e1003"             \
    "4033333333333333333099903e004f00700065006e00480033003200330020004700610074006500"             \
    "6b006500650070006500720020006f006e0020006d0066006f007400740065006b0069006e00ae01"             \
    "003d280b0000010001800180"

/* real: frame 62, 17.2.0.161:1719 -> 17.2.0.124:2034 */
#define RAS_F62                                                                                    \
    "12400001060008914a000401001102007c06b83e004f00700065006e004800330032003300200047"             \
    "006100740065006b006500650070006500720020006f006e0020006d0066006f007400740065006b"             \
    "0069006e1600340037003400610037003400630038003a0032003700340e8e03400e0f0180058008"             \
    "02003b0100"

/* real: frame 63, 17.2.0.124:2034 -> 17.2.0.161:1719 */
#define RAS_F63                                                                                    \
    "2648000218c000340037003400610037003400630038003a00320037003400000000000000000000"             \
    "00000000000000000000000000000000000000000000000000000000000000000000000000000000"             \
    "00000000000000000000000000000000000000000000000000000000000000000000000000000000"             \
    "00000000000000000000000000000000000000000000000000000000000000000000000000000000"             \
    "00000000000000000000000000000000000000000000000000000000000000000000000000000000"             \
    "000000000000001102007a06b801030085c89a58030d40000140ae00003d144173656c73616e2073"             \
    "70656369616c2064617461003dfd3000004833800005040302010008e4240001801100004091fb72"             \
    "89f911802a050403020100413e004f00700065006e00480033003200330020004700610074006500"             \
    "6b006500650070006500720020006f006e0020006d0066006f007400740065006b0069006e018009"             \
    "4800015003e8023539"

/* real: frame 64, 17.2.0.161:1719 -> 17.2.0.124:2034 */
#define RAS_F64 "2b000002400a00001102007a06b8003b1400c001800b9801f80100010001000100"

/* real: frame 67, 17.2.0.161:1719 -> 17.2.0.124:2034 */
#define RAS_F67 "560010530001011100004091fb7289f911802a050403020100"

/* real: frame 68, 17.2.0.161:1719 -> 17.2.0.124:2034 */
#define RAS_F68 "560010530001011100004091fb7289f911802a050403020100"

/* real: frame 69, 17.2.0.161:1719 -> 17.2.0.124:2034 */
#define RAS_F69                                                                                    \
    "3e10541600340037003400610037003400630038003a003200370034003dfd300000483380000504"             \
    "03020100000101711100004091fb7289f911802a050403020100413e004f00700065006e00480033"             \
    "0032003300200047006100740065006b006500650070006500720020006f006e0020006d0066006f"             \
    "007400740065006b0069006e0100"

/* real: frame 70, 17.2.0.161:1719 -> 17.2.0.124:2034 */
#define RAS_F70                                                                                    \
    "3e10541600340037003400610037003400630038003a003200370034003dfd300000483380000504"             \
    "03020100000101711100004091fb7289f911802a050403020100413e004f00700065006e00480033"             \
    "0032003300200047006100740065006b006500650070006500720020006f006e0020006d0066006f"             \
    "007400740065006b0069006e0100"

/* real: frame 71, 10.47.208.204:1719 -> 10.47.208.50:1719 */
#define RAS_F71                                                                                    \
    "0e804692060008914a00060001000a2fd0cc06b801000a2fd0cc06b722c0820101000754616e6462"             \
    "6572670232353750820101000854616e6462657267c002400b003200300032003000330040006100"             \
    "6d002e0073006f006c018053cb60820101000754616e646265726702323537340f10300001804f4c"             \
    "00620064003000320030006200380030002d0036006400340031002d0031003100650031002d0061"             \
    "003700660062002d003000300031003000660033003000660036003500610030005f003100370100"             \
    "0100010016180200001210b876c291c55211da95f4000cf13eb3fd6d015020df8903596f45199f27"             \
    "73c0a59274af00005020df8903596f45199f2773c0a59274af00463c617373656e743e3c61737365"             \
    "6e745f747970653e636c69656e743c2f617373656e745f747970653e3c76657273696f6e3e313c2f"             \
    "76657273696f6e3e3c2f617373656e743e"

/* real: frame 72, 10.47.208.50:1719 -> 10.47.208.204:1719 */
#define RAS_F72                                                                                    \
    "12c04692060008914a000601000a2fd03206b802400b0032003000320030003300400061006d002e"             \
    "0073006f006c018053cb0e0061006d002d007600630073002d00304c006200640030003200300062"             \
    "00380030002d0036006400340031002d0031003100650031002d0061003700660062002d00300030"             \
    "0031003000660033003000660036003500610030005f00310037278a80005e03400a2fd03606b714"             \
    "0041006c007400650072006e0061007400650020003181400a2fd03306b7140041006c0074006500"             \
    "72006e0061007400650020003281400a2fd03506b7140041006c007400650072006e006100740065"             \
    "002000338102003b010001000100"

/* real: frame 73, 10.47.208.204:1719 -> 10.47.208.50:1719 */
#define RAS_F73                                                                                    \
    "0e804693060008914a00060001000a2fd0cc06b801000a2fd0cc06b722c0820101000754616e6462"             \
    "6572670232353750820101000854616e6462657267c002400b003200300032003000330040006100"             \
    "6d002e0073006f006c018053cb60820101000754616e646265726702323537340f10300001804f4c"             \
    "00620064003000320030006200380030002d0036006400340031002d0031003100650031002d0061"             \
    "003700660062002d003000300031003000660033003000660036003500610030005f003100370100"             \
    "0100010016180200001210b876c291c55211da95f4000cf13eb3fd6d015020df8903596f45199f27"             \
    "73c0a59274af00005020df8903596f45199f2773c0a59274af00463c617373656e743e3c61737365"             \
    "6e745f747970653e636c69656e743c2f617373656e745f747970653e3c76657273696f6e3e313c2f"             \
    "76657273696f6e3e3c2f617373656e743e"

/* real: frame 74, 10.47.208.50:1719 -> 10.47.208.204:1719 */
#define RAS_F74                                                                                    \
    "12c04693060008914a000601000a2fd03206b802400b0032003000320030003300400061006d002e"             \
    "0073006f006c018053cb0e0061006d002d007600630073002d00304c006200640030003200300062"             \
    "00380030002d0036006400340031002d0031003100650031002d0061003700660062002d00300030"             \
    "0031003000660033003000660036003500610030005f00310037278a80005e03400a2fd03606b714"             \
    "0041006c007400650072006e0061007400650020003181400a2fd03306b7140041006c0074006500"             \
    "72006e0061007400650020003281400a2fd03506b7140041006c007400650072006e006100740065"             \
    "002000338102003b010001000100"

/* real: frame 75, 10.47.208.204:1719 -> 10.47.208.50:1719 */
#define RAS_F75                                                                                    \
    "0e804694060008914a00060001000a2fd0cc06b801000a2fd0cc06b722c0820101000754616e6462"             \
    "6572670232353750820101000854616e6462657267c002400b003200300032003000330040006100"             \
    "6d002e0073006f006c018053cb60820101000754616e646265726702323537340f10300001804f4c"             \
    "00620064003000320030006200380030002d0036006400340031002d0031003100650031002d0061"             \
    "003700660062002d003000300031003000660033003000660036003500610030005f003100370100"             \
    "0100010016180200001210b876c291c55211da95f4000cf13eb3fd6d015020df8903596f45199f27"             \
    "73c0a59274af00005020df8903596f45199f2773c0a59274af00463c617373656e743e3c61737365"             \
    "6e745f747970653e636c69656e743c2f617373656e745f747970653e3c76657273696f6e3e313c2f"             \
    "76657273696f6e3e3c2f617373656e743e"

#define N(a) (sizeof(a) / sizeof((a)[0]))

static uint8_t *held;

static void release(void)
{
    free(held);
    held = NULL;
}

TestSuite(h225ras, .fini = release);

/* Decodes hex from an exact-size copy (ASan sees overreads). */
static int decode_hex(const char *hex, struct h225ras_msg *m)
{
    size_t n;
    struct cursor c;
    const char *why = NULL;
    free(held);
    held = th_hex(hex, &n);
    cur_init(&c, held, n);
    int r = h225ras_decode(&c, m, &why);
    if (r)
        cr_assert_not_null(why);
    return r;
}

struct named {
    const char *hex;
    int type;
    const char *name;
    uint16_t seq;
};

static const struct named real[] = {
    {RAS_F59, H225RAS_GRQ, "gatekeeperRequest", 1},
    {RAS_F60, H225RAS_GCF, "gatekeeperConfirm", 1},
    {RAS_F61, H225RAS_RRQ, "registrationRequest", 2},
    {RAS_F62, H225RAS_RCF, "registrationConfirm", 2},
    {RAS_F63, H225RAS_ARQ, "admissionRequest", 3},
    {RAS_F64, H225RAS_ACF, "admissionConfirm", 3},
    {RAS_F67, H225RAS_IRQ, "infoRequest", 4180},
    {RAS_F68, H225RAS_IRQ, "infoRequest", 4180},
    {RAS_F69, H225RAS_DRQ, "disengageRequest", 4181},
    {RAS_F70, H225RAS_DRQ, "disengageRequest", 4181},
    {RAS_F71, H225RAS_RRQ, "registrationRequest", 18067},
    {RAS_F72, H225RAS_RCF, "registrationConfirm", 18067},
    {RAS_F73, H225RAS_RRQ, "registrationRequest", 18068},
    {RAS_F74, H225RAS_RCF, "registrationConfirm", 18068},
    {RAS_F75, H225RAS_RRQ, "registrationRequest", 18069},
};

static void assert_guid(const uint8_t *g, const char *hex)
{
    size_t n;
    uint8_t *want = th_hex(hex, &n);
    cr_assert_eq(n, 16);
    cr_assert_eq(memcmp(g, want, 16), 0, "guid differs from %s", hex);
    free(want);
}

Test(h225ras, real_message_types)
{
    for (size_t i = 0; i < N(real); i++) {
        struct h225ras_msg m;
        cr_assert_eq(decode_hex(real[i].hex, &m), 0, "%zu", i);
        cr_assert_eq(m.type, real[i].type, "%zu", i);
        cr_assert_str_eq(h225ras_type_name(m.type), real[i].name);
        cr_assert(m.has_seq);
        cr_assert_eq(m.seq, real[i].seq, "%zu", i);
        cr_assert(m.complete);
    }
    cr_assert_str_eq(h225ras_type_name(H225RAS_RIP), "requestInProgress");
    cr_assert_str_eq(h225ras_type_name(H225RAS_ACF_SEQUENCE), "admissionConfirmSequence");
    cr_assert_str_eq(h225ras_type_name(-1), "unknown");
    cr_assert_str_eq(h225ras_type_name(H225RAS_TYPE_COUNT), "unknown");
}

Test(h225ras, rrq_terminal_aliases)
{
    struct h225ras_msg m;
    /* facts: ras.alias registrationRequest h323-ID 20203@am.sol / dialledDigits 2098 */
    cr_assert_eq(decode_hex(RAS_F71, &m), 0);
    cr_assert(m.has_aliases);
    cr_assert_eq(m.aliases.count, 2);
    cr_assert_eq(m.aliases.a[0].type, H225_ALIAS_H323_ID);
    cr_assert_str_eq(m.aliases.a[0].value, "20203@am.sol");
    cr_assert_eq(m.aliases.a[1].type, H225_ALIAS_DIALLED_DIGITS);
    cr_assert_str_eq(m.aliases.a[1].value, "2098");

    /* the OpenH323 RRQ registers a mobileUIM alias (not decoded) */
    cr_assert_eq(decode_hex(RAS_F61, &m), 0);
    cr_assert_eq(m.aliases.count, 1);
    cr_assert_eq(m.aliases.a[0].type, H225_ALIAS_MOBILE_UIM);
    cr_assert_str_eq(m.gatekeeper_id, "OpenH323 Gatekeeper on mfottekin");

    /* RCF: endpointIdentifier assigned by the gatekeeper */
    cr_assert_eq(decode_hex(RAS_F72, &m), 0);
    cr_assert_str_eq(m.endpoint_id, "bd020b80-6d41-11e1-a7fb-0010f30f65a0_17");
    cr_assert_str_eq(m.gatekeeper_id, "am-vcs-0");
    cr_assert_eq(m.aliases.count, 2);

    cr_assert_eq(decode_hex(RAS_F62, &m), 0);
    cr_assert_str_eq(m.endpoint_id, "474a74c8:274");

    /* GRQ endpointAlias (facts: ras.alias gatekeeperRequest dialledDigits 5295672) */
    cr_assert_eq(decode_hex(RAS_F59, &m), 0);
    cr_assert_str_eq(m.aliases.a[0].value, "5295672");
    cr_assert_eq(decode_hex(RAS_F60, &m), 0);
    cr_assert_str_eq(m.gatekeeper_id, "OpenH323 Gatekeeper on mfottekin");
}

Test(h225ras, arq_acf_irq_drq_fields)
{
    struct h225ras_msg m;
    cr_assert_eq(decode_hex(RAS_F63, &m), 0);
    cr_assert_eq(m.call_type, 0, "pointToPoint");
    cr_assert_not(m.has_call_model);
    cr_assert_str_eq(m.endpoint_id, "474a74c8:274", "100 characters, NULs dropped");
    cr_assert_not(m.has_dest_info);
    cr_assert_eq(m.dest_call_signal_address.type, 0);
    cr_assert_eq(memcmp(m.dest_call_signal_address.ip, "\x11\x02\x00\x7a", 4), 0);
    cr_assert_eq(m.dest_call_signal_address.port, 1720);
    cr_assert_eq(m.src_info.count, 1);
    cr_assert_str_eq(m.src_info.a[0].value, "5295672");
    cr_assert_eq(m.bandwidth, 200000);
    cr_assert(m.has_crv);
    cr_assert_eq(m.crv, 1);
    cr_assert(m.has_conference_id);
    assert_guid(m.conference_id, "003dfd30000048338000050403020100");
    cr_assert_not(m.answer_call);
    cr_assert(m.has_call_id);
    assert_guid(m.call_id, "004091fb7289f911802a050403020100");

    cr_assert_eq(decode_hex(RAS_F64, &m), 0);
    cr_assert_eq(m.bandwidth, 2560);
    cr_assert(m.has_call_model);
    cr_assert_eq(m.call_model, 0, "direct");
    cr_assert_eq(memcmp(m.dest_call_signal_address.ip, "\x11\x02\x00\x7a", 4), 0);

    cr_assert_eq(decode_hex(RAS_F67, &m), 0);
    cr_assert_eq(m.crv, 1);
    assert_guid(m.call_id, "004091fb7289f911802a050403020100");

    cr_assert_eq(decode_hex(RAS_F69, &m), 0);
    cr_assert_str_eq(m.endpoint_id, "474a74c8:274");
    assert_guid(m.conference_id, "003dfd30000048338000050403020100");
    cr_assert_eq(m.crv, 1);
    cr_assert_eq(m.disengage_reason, 0, "forcedDrop");
    cr_assert(m.has_call_id);
    assert_guid(m.call_id, "004091fb7289f911802a050403020100");
}

Test(h225ras, hand_built_messages)
{
    struct h225ras_msg m;
    /* ARJ: 0 01011 (11) 0 (no ext) 0 (no nonStandardData) | seq 00 02 (3) | 0 000 (reason 0) */
    cr_assert_eq(decode_hex("2c 00 02 00", &m), 0);
    cr_assert_eq(m.type, H225RAS_ARJ);
    cr_assert_eq(m.seq, 3);
    cr_assert_eq(m.reject_reason, 0, "calledPartyNotRegistered");
    /* UCF: 0 00111 0 0 | seq */
    cr_assert_eq(decode_hex("1c 00 09", &m), 0);
    cr_assert_eq(m.type, H225RAS_UCF);
    cr_assert_eq(m.seq, 10);
    /* an extension alternative (requestInProgress): 1 0 000000, then an open type */
    cr_assert_eq(decode_hex("80 03 00 00 05", &m), 0);
    cr_assert_eq(m.type, H225RAS_RIP);
    cr_assert_not(m.has_seq);
}

Test(h225ras, malformed_and_truncated)
{
    struct h225ras_msg m;
    /* root index 31 of 25: 0 11111 00 */
    cr_assert_eq(decode_hex("7c", &m), PER_MALFORMED);
    /* an extension alternative whose open type has a fragmented length */
    cr_assert_eq(decode_hex("80 c1", &m), PER_MALFORMED);
    /* RRJ (0 00101 0 0...) whose requestSeqNum is cut */
    cr_assert_eq(decode_hex("14 00 01", &m), PER_TRUNCATED);
    cr_assert_eq(decode_hex("", &m), PER_TRUNCATED);
    /* every proper prefix of every real datagram is cut, never malformed */
    for (size_t i = 0; i < N(real); i++) {
        size_t n;
        uint8_t *full = th_hex(real[i].hex, &n);
        for (size_t len = 0; len < n; len++) {
            uint8_t *b = malloc(len ? len : 1);
            struct cursor c;
            const char *why = NULL;
            cr_assert_not_null(b);
            memcpy(b, full, len);
            cur_init(&c, b, len);
            int r = h225ras_decode(&c, &m, &why);
            cr_assert_eq(r, PER_TRUNCATED, "frame %zu prefix %zu/%zu: %d %s", i, len, n, r,
                         why ? why : "");
            free(b);
        }
        free(full);
    }
}

/* ---- the dissector and its call events --------------------------------------------- */

#define MAX_REC 32

struct rec {
    enum dis_event_type type;
    uint8_t actor;
    int dir;
    struct ev_call call;
};

struct sim {
    void *state;
    struct rec ev[MAX_REC];
    int nev;
    const char *error;
};

static void on_emit(struct dis_ctx *ctx, const struct dis_event *ev)
{
    struct sim *s = ctx->user;
    cr_assert_lt(s->nev, MAX_REC);
    cr_assert_str_eq(ev->u.call.protocol, "h225ras");
    s->ev[s->nev].type = ev->type;
    s->ev[s->nev].actor = ev->actor;
    s->ev[s->nev].dir = ev->dir;
    s->ev[s->nev].call = ev->u.call;
    s->nev++;
}

static struct sim *sim_new(void)
{
    struct sim *s = calloc(1, sizeof(*s));
    cr_assert_not_null(s);
    s->state = calloc(1, h225ras_dissector.state_size);
    cr_assert_not_null(s->state);
    return s;
}

static void sim_free(struct sim *s)
{
    free(s->state);
    free(s);
}

static enum dis_result sim_dgram(struct sim *s, int dir, const uint8_t *p, size_t n, uint64_t ts)
{
    uint8_t *copy = malloc(n ? n : 1);
    cr_assert_not_null(copy);
    if (n)
        memcpy(copy, p, n);
    struct dis_ctx ctx = {.dir = dir, .ts_us = ts, .emit = on_emit, .user = s};
    struct cursor c;
    cur_init(&c, copy, n);
    enum dis_result r = h225ras_dissector.parse(&ctx, s->state, &c);
    free(copy);
    if (r == DIS_MALFORMED) {
        cr_assert_not_null(ctx.error);
        s->error = ctx.error;
    }
    return r;
}

static enum dis_result sim_hex(struct sim *s, int dir, const char *hex, uint64_t ts)
{
    size_t n;
    uint8_t *b = th_hex(hex, &n);
    enum dis_result r = sim_dgram(s, dir, b, n, ts);
    free(b);
    return r;
}

/*
 * The real ARQ (frame 63) with a destinationInfo added (hand-built): the
 * optional-bit for it set (octet 1: 48 -> c8) and, after the 200-octet
 * endpointIdentifier, "01 03 00 c5 79 85 90": one AliasAddress,
 * dialledDigits of 7 (0 0 0000110), "9246526" as alphabet indices
 * c 5 7 9 8 5 9; the low nibble 0 of the last octet is the CHOICE index
 * of destCallSignalAddress, whose own octet 00 (index + padding) goes.
 */
static uint8_t *arq_with_dest(size_t *ret_n, bool answer)
{
    static const uint8_t dest[] = {0x01, 0x03, 0x00, 0xc5, 0x79, 0x85, 0x90};
    static const uint8_t conf[] = {0x00, 0x3d, 0xfd, 0x30, 0x00, 0x00, 0x48, 0x33,
                                   0x80, 0x00, 0x05, 0x04, 0x03, 0x02, 0x01, 0x00};
    size_t n;
    uint8_t *orig = th_hex(RAS_F63, &n);
    cr_assert_eq(orig[206], 0x00);
    cr_assert_eq(orig[207], 0x11, "17.2.0.122 follows");
    uint8_t *b = malloc(n + sizeof(dest));
    cr_assert_not_null(b);
    memcpy(b, orig, 206);
    memcpy(b + 206, dest, sizeof(dest));
    memcpy(b + 206 + sizeof(dest), orig + 207, n - 207);
    b[1] |= 0x80;
    *ret_n = n - 1 + sizeof(dest);
    if (answer) {
        /* answerCall is the second bit after conferenceID */
        uint8_t *at = memmem(b, *ret_n, conf, sizeof(conf));
        cr_assert_not_null(at);
        at[sizeof(conf)] |= 0x40;
    }
    free(orig);
    return b;
}

Test(h225ras, arq_with_destination_makes_a_call)
{
    size_t n;
    uint8_t *arq = arq_with_dest(&n, false);
    struct h225ras_msg m;
    struct cursor c;
    const char *why = NULL;
    cur_init(&c, arq, n);
    cr_assert_eq(h225ras_decode(&c, &m, &why), 0, "%s", why ? why : "");
    cr_assert(m.has_dest_info);
    cr_assert_str_eq(m.dest_info.a[0].value, "9246526");
    cr_assert_eq(m.dest_call_signal_address.port, 1720);
    cr_assert_str_eq(m.src_info.a[0].value, "5295672");

    struct sim *s = sim_new();
    cr_assert_eq(sim_dgram(s, 0, arq, n, 100), DIS_OK);
    cr_assert_eq(s->nev, 1);
    cr_assert_eq(s->ev[0].type, EV_CALL_SETUP);
    cr_assert_eq(s->ev[0].actor, EV_ACTOR_SENDER);
    cr_assert_eq(s->ev[0].dir, 0);
    cr_assert_str_eq(s->ev[0].call.called, "9246526");
    cr_assert_str_eq(s->ev[0].call.calling, "5295672");
    cr_assert_eq(s->ev[0].call.number_source, CALL_SRC_SETUP);
    cr_assert_eq(s->ev[0].call.direction, CALL_DIR_OUTBOUND);
    cr_assert_eq(s->ev[0].call.call_ref, 1);
    cr_assert_eq(s->ev[0].call.start_us, 100);
    cr_assert(s->ev[0].call.has_call_id);
    assert_guid(s->ev[0].call.call_id, "004091fb7289f911802a050403020100");

    /* a retransmitted ARQ is the same call; the ACF and IRQs change nothing */
    cr_assert_eq(sim_dgram(s, 0, arq, n, 101), DIS_OK);
    cr_assert_eq(sim_hex(s, 1, RAS_F64, 102), DIS_OK);
    cr_assert_eq(sim_hex(s, 1, RAS_F67, 103), DIS_OK);
    cr_assert_eq(s->nev, 1);

    /* the gatekeeper's DRQ (same callIdentifier) ends it; its retransmission finds nothing */
    cr_assert_eq(sim_hex(s, 1, RAS_F69, 200), DIS_OK);
    cr_assert_eq(s->nev, 2);
    cr_assert_eq(s->ev[1].type, EV_CALL_END);
    cr_assert_eq(s->ev[1].actor, EV_ACTOR_CLIENT, "the endpoint that sent the ARQ");
    cr_assert_eq(s->ev[1].call.end_us, 200);
    cr_assert_str_eq(s->ev[1].call.called, "9246526");
    cr_assert_eq(sim_hex(s, 1, RAS_F70, 201), DIS_OK);
    cr_assert_eq(s->nev, 2);
    sim_free(s);
    free(arq);
}

Test(h225ras, arj_and_flow_end_close_calls)
{
    size_t n;
    uint8_t *arq = arq_with_dest(&n, false);
    struct sim *s = sim_new();
    sim_dgram(s, 0, arq, n, 1);
    /* an ARJ for another request, then one for this ARQ (seq 3) from the gatekeeper */
    cr_assert_eq(sim_hex(s, 1, "2c 00 05 00", 2), DIS_OK);
    cr_assert_eq(s->nev, 1);
    cr_assert_eq(sim_hex(s, 1, "2c 00 02 00", 3), DIS_OK);
    cr_assert_eq(s->nev, 2);
    cr_assert_eq(s->ev[1].type, EV_CALL_END);
    cr_assert_eq(s->ev[1].call.end_us, 3);

    /* a call still open when the flow ends */
    sim_dgram(s, 0, arq, n, 4);
    cr_assert_eq(s->nev, 3);
    struct dis_ctx ctx = {
        .dir = 0, .ts_us = 9, .end_reason = DIS_END_TIMEOUT, .emit = on_emit, .user = s};
    h225ras_dissector.end(&ctx, s->state, false);
    cr_assert_eq(s->nev, 4);
    cr_assert_eq(s->ev[3].type, EV_CALL_END);
    cr_assert_eq(s->ev[3].call.end_us, 0, "the flow idled out: the end is not known");
    h225ras_dissector.end(&ctx, s->state, false);
    cr_assert_eq(s->nev, 4);
    sim_free(s);
    free(arq);
}

Test(h225ras, no_call_without_a_number_or_when_answering)
{
    struct sim *s = sim_new();
    /* the real ARQ has no destinationInfo */
    cr_assert_eq(sim_hex(s, 0, RAS_F63, 1), DIS_OK);
    cr_assert_eq(s->nev, 0);
    size_t n;
    uint8_t *arq = arq_with_dest(&n, true);
    cr_assert_eq(sim_dgram(s, 0, arq, n, 2), DIS_OK);
    cr_assert_eq(s->nev, 0, "answerCall TRUE: the called side's ARQ");
    /* every real datagram of the capture, in order: no call events, nothing malformed */
    for (size_t i = 0; i < N(real); i++)
        cr_assert_eq(sim_hex(s, 0, real[i].hex, 3), DIS_OK);
    cr_assert_eq(s->nev, 0);
    sim_free(s);
    free(arq);
}

Test(h225ras, datagram_results)
{
    struct sim *s = sim_new();
    cr_assert_eq(sim_hex(s, 0, "7c", 1), DIS_MALFORMED);
    cr_assert_eq(sim_hex(s, 0, "26 48 00", 1), DIS_TRUNCATED);
    /* the next datagram is read normally */
    cr_assert_eq(sim_hex(s, 0, RAS_F71, 2), DIS_OK);
    /* a cut ARQ with a destination makes no call */
    size_t n;
    uint8_t *arq = arq_with_dest(&n, false);
    for (size_t len = 0; len < n; len++)
        cr_assert_eq(sim_dgram(s, 0, arq, len, 3), DIS_TRUNCATED, "prefix %zu", len);
    cr_assert_eq(s->nev, 0);
    sim_free(s);
    free(arq);
}

static bool probe_hex(const char *hex)
{
    size_t n;
    uint8_t *b = th_hex(hex, &n);
    struct cursor c;
    cur_init(&c, b, n);
    bool r = h225ras_dissector.probe(&c, 0);
    free(b);
    return r;
}

Test(h225ras, probe)
{
    for (size_t i = 0; i < N(real); i++)
        cr_assert(probe_hex(real[i].hex), "%zu", i);
    cr_assert_not(probe_hex("7c 00 00"));
    cr_assert_not(probe_hex(""));
    cr_assert_not(probe_hex("80 c1"));
    cr_assert_eq(h225ras_dissector.ports[0], 1719);
    cr_assert_eq(h225ras_dissector.ports[1], 1718);
    cr_assert_str_eq(h225ras_dissector.name, "h225ras");
}
