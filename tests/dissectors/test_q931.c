/*
 * test_q931.c - Q.931 message and IE parsing as H.225.0 uses it
 * (ITU-T Q.931 section 4, H.225.0 section 7).
 *
 * "real" vectors are TPKT payloads copied from the shared captures
 * (../shared/pcaps); the expected fields are what tshark 4.0 shows for
 * them (tshark -V). "hand-built" vectors were written for these tests.
 */
#include <criterion/criterion.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"
#include "q931.h"

/* real: h323_call_8003_to_98001_h245_rawip.pcapng frame 1, Setup 8003 -> 98001 */
#define SETUP_8003                                                                                 \
    "080200060504038090a26c0600a13830303370068039383030317e007a052090060008914a000522"             \
    "c0b50000120f436973636f43616c6c4d616e61676572003100010200cb3340804fc428e412815406"             \
    "000601c0a8b68200d50d800007000e32df0a06b81100804fc428e412815406000601c0a8b6820100"             \
    "01000100010010a00100140140b50000120d82040020040001030003000103"

/* real: same capture frame 54, Release Complete, Cause 16 (normal call clearing) */
#define RC_8003                                                                                    \
    "080200065a080280907e0022052580060008914a000511001100804fc428e412815406000601c0a8"             \
    "b68210800100"

/* real: h323_mixed_setup_and_ras.pcap frame 65, Setup 5295672 -> 9246526 (octet 3 ext set) */
#define SETUP_ASELSAN                                                                              \
    "080200010504039090a26c08c1353239353637327008c1393234363532367e00730520a806000891"             \
    "4a000401030085c89a5220ae01003d001102007a06b800003dfd3000004833800005040302010000"             \
    "cd0d800207001102007c06b81100004091fb7289f911802a05040302010001000100010001001901"             \
    "7820140011696e666f406173656c73616e2e636f6d6f6d2810800100a1"

/* real: h323_mixed_setup_and_ras.pcap frame 47, Setup with calling 17 and octet 3a */
#define SETUP_ABILIS                                                                               \
    "0802000105040388c0a56c04018031377e00670520a8060008914a000301400e004100420049004c"             \
    "004900530020004300500058002000320030003000300080c0a8000106b800000000000000000000"             \
    "0000000000000000d10d800011000000000000000000000000000000000001000100010001001080"             \
    "0100"

/* real: h323_mixed_setup_and_ras.pcap frame 6, Setup with Display "m.jemec\0", CRV 0x77f4 */
#define SETUP_JEMEC                                                                                \
    "080277f40504038090a528086d2e6a656d6563007e00850520a8060008914a0004014006006d002e"             \
    "006a0065006d0065006322c00900003d1443616c6c67656e33323320706f67616373616d00000a30"             \
    "2e39616c706861340000000a01061206b800f8fdf93ecd9ed6119ab2000476222017005d0d800700"             \
    "0a01038f80231100c0fef93ecd9ed6119ab2000476222017010001000100010002800100"

/* real: h323_call_8003_to_98001_h245_rawip.pcapng frame 8, Notify with an empty Display */
#define NOTIFY_8003                                                                                \
    "080280066e2701f128004c07000039383030317e00310528501900060008914a000400804fc428e4"             \
    "12815406000601c0a8b68210a001000f0140b5000012088184000400010300"

static uint8_t *held;

static void release(void)
{
    free(held);
    held = NULL;
}

TestSuite(q931, .fini = release);

/* Parses hex from an exact-size copy so that ASan catches overreads. */
static int parse_hex(const char *hex, struct q931_msg *m, size_t *ret_left)
{
    size_t n;
    struct cursor c;
    free(held);
    held = th_hex(hex, &n);
    cur_init(&c, held, n);
    int r = q931_parse(&c, m);
    if (ret_left)
        *ret_left = cur_left(&c);
    return r;
}

Test(q931, setup_with_numbers_and_octet_3a)
{
    struct q931_msg m;
    size_t left;
    cr_assert_eq(parse_hex(SETUP_8003, &m, &left), 0);
    cr_assert_eq(left, 0);
    cr_assert_eq(m.crv_len, 2);
    cr_assert_eq(m.crv, 6);
    cr_assert_not(m.crv_flag, "from the originating side");
    cr_assert_eq(m.type, Q931_SETUP);
    cr_assert_str_eq(q931_msg_name(m.type), "setup");
    cr_assert(m.has_bearer);
    cr_assert(m.has_calling);
    cr_assert_str_eq(m.calling, "8003");
    cr_assert_eq(m.calling_type_plan, 0x00);
    cr_assert(m.has_calling_3a, "octet 3 ext bit is 0");
    cr_assert_eq(m.calling_pres_screen, 0xa1, "presentation restricted, verified and passed");
    cr_assert(m.has_called);
    cr_assert_str_eq(m.called, "98001");
    cr_assert_not(m.has_display);
    cr_assert_not(m.ie_error);
    cr_assert_eq(m.ie_count, 4);
    cr_assert(m.has_uu);
    cr_assert_eq(m.uu_pd, Q931_UU_PD_X208);
    cr_assert_eq(m.uu_len, 121, "two-byte length 0x007a minus the discriminator");
    cr_assert_eq(m.uu[0], 0x20);
}

Test(q931, setup_without_octet_3a)
{
    struct q931_msg m;
    cr_assert_eq(parse_hex(SETUP_ASELSAN, &m, NULL), 0);
    cr_assert_eq(m.crv, 1);
    cr_assert_str_eq(m.calling, "5295672");
    cr_assert_eq(m.calling_type_plan, 0x41, "subscriber number, ISDN plan");
    cr_assert_not(m.has_calling_3a);
    cr_assert_str_eq(m.called, "9246526");
    cr_assert_eq(m.uu_len, 114);

    cr_assert_eq(parse_hex(SETUP_ABILIS, &m, NULL), 0);
    cr_assert(m.has_calling_3a);
    cr_assert_eq(m.calling_pres_screen, 0x80);
    cr_assert_str_eq(m.calling, "17");
    cr_assert_not(m.has_called);
}

Test(q931, display_and_long_crv)
{
    struct q931_msg m;
    cr_assert_eq(parse_hex(SETUP_JEMEC, &m, NULL), 0);
    cr_assert_eq(m.crv, 0x77f4);
    cr_assert(m.has_display);
    cr_assert_str_eq(m.display, "m.jemec", "the trailing NUL is not text");
    cr_assert_not(m.has_called);
    cr_assert_not(m.has_calling);

    cr_assert_eq(parse_hex(NOTIFY_8003, &m, NULL), 0);
    cr_assert_eq(m.type, Q931_NOTIFY);
    cr_assert(m.crv_flag, "from the destination side");
    cr_assert(m.has_display);
    cr_assert_str_eq(m.display, "");
    cr_assert_eq(m.ie_count, 4, "notification indicator, display, connected number, user-user");
}

Test(q931, release_complete_cause)
{
    struct q931_msg m;
    cr_assert_eq(parse_hex(RC_8003, &m, NULL), 0);
    cr_assert_eq(m.type, Q931_RELEASE_COMPLETE);
    cr_assert_str_eq(q931_msg_name(m.type), "release_complete");
    cr_assert(m.has_cause);
    cr_assert_eq(m.cause_location, 0);
    cr_assert_eq(m.cause_value, 16);
    /* hand-built: cause with octet 3a (ext 0), location 1, cause 17 (user busy) */
    cr_assert_eq(parse_hex("08 02 80 06 5a 08 03 01 80 91", &m, NULL), 0);
    cr_assert_eq(m.cause_location, 1);
    cr_assert_eq(m.cause_value, 17);
    /* a Cause IE without the cause octet */
    cr_assert_eq(parse_hex("08 02 80 06 5a 08 01 80", &m, NULL), 0);
    cr_assert(m.has_cause);
    cr_assert_eq(m.cause_value, 0);
}

Test(q931, user_user_two_byte_length)
{
    /* hand-built: Facility with a 300-byte User-user IE (0x012c: 05 + 299 bytes) */
    char hex[2 * 320 + 64] = "08 02 00 09 62 7e 01 2c 05";
    size_t o = strlen(hex);
    for (int i = 0; i < 299; i++)
        o += (size_t)snprintf(hex + o, sizeof(hex) - o, "%02x", i & 0xff);
    struct q931_msg m;
    cr_assert_eq(parse_hex(hex, &m, NULL), 0);
    cr_assert_eq(m.type, Q931_FACILITY);
    cr_assert(m.has_uu);
    cr_assert_eq(m.uu_len, 299);
    cr_assert_eq(m.uu[298], 298 & 0xff);
    cr_assert_not(m.ie_error);
}

Test(q931, ie_past_the_end_keeps_earlier_facts)
{
    struct q931_msg m;
    /* hand-built: called 98001, then a calling number IE claiming 9 bytes with 3 there */
    cr_assert_eq(parse_hex("08 02 00 06 05 70 06 80 39 38 30 30 31 6c 09 00 a1 38", &m, NULL), 0);
    cr_assert(m.ie_error);
    cr_assert_str_eq(m.called, "98001");
    cr_assert_not(m.has_calling);
    /* a User-user IE whose 2-byte length is cut */
    cr_assert_eq(parse_hex("08 02 00 06 05 7e 00", &m, NULL), 0);
    cr_assert(m.ie_error);
    cr_assert_not(m.has_uu);
    /* an IE identifier with no length octet */
    cr_assert_eq(parse_hex("08 02 00 06 05 70", &m, NULL), 0);
    cr_assert(m.ie_error);
}

Test(q931, header_errors)
{
    struct q931_msg m;
    cr_assert_eq(parse_hex("", &m, NULL), Q931_TRUNCATED);
    cr_assert_eq(parse_hex("09 02 00 06 05", &m, NULL), Q931_MALFORMED, "not Q.931");
    cr_assert_eq(parse_hex("08 03 00 00 06 05", &m, NULL), Q931_MALFORMED, "3-byte CRV");
    cr_assert_eq(parse_hex("08 12 00 06 05", &m, NULL), Q931_MALFORMED, "spare bits set");
    cr_assert_eq(parse_hex("08 02 00", &m, NULL), Q931_TRUNCATED);
    cr_assert_eq(parse_hex("08 02 00 06", &m, NULL), Q931_TRUNCATED, "no message type");
    /* the dummy call reference (length 0) and a one-octet one */
    cr_assert_eq(parse_hex("08 00 7d", &m, NULL), 0);
    cr_assert_eq(m.crv_len, 0);
    cr_assert_eq(m.type, Q931_STATUS);
    cr_assert_eq(parse_hex("08 01 85 07", &m, NULL), 0);
    cr_assert_eq(m.crv, 5);
    cr_assert(m.crv_flag);
    cr_assert_eq(m.type, Q931_CONNECT);
}

Test(q931, every_prefix_is_safe)
{
    /*
     * Every prefix parses without reading past its end (ASan) and never
     * reports numbers it did not see whole.
     */
    const char *vecs[] = {SETUP_8003, SETUP_ASELSAN, SETUP_ABILIS, SETUP_JEMEC, RC_8003};
    for (size_t v = 0; v < sizeof(vecs) / sizeof(vecs[0]); v++) {
        size_t n;
        uint8_t *full = th_hex(vecs[v], &n);
        struct q931_msg whole;
        struct cursor c;
        cur_init(&c, full, n);
        cr_assert_eq(q931_parse(&c, &whole), 0);
        for (size_t len = 0; len < n; len++) {
            uint8_t *b = malloc(len ? len : 1);
            struct q931_msg m;
            cr_assert_not_null(b);
            memcpy(b, full, len);
            cur_init(&c, b, len);
            int r = q931_parse(&c, &m);
            cr_assert(r == 0 || r == Q931_TRUNCATED, "vector %zu prefix %zu: %d", v, len, r);
            if (r == 0 && m.has_called)
                cr_assert_str_eq(m.called, whole.called);
            if (r == 0 && m.has_calling)
                cr_assert_str_eq(m.calling, whole.calling);
            if (r == 0 && m.has_uu)
                cr_assert_eq(m.uu_len, whole.uu_len, "a User-user IE is whole or absent");
            free(b);
        }
        free(full);
    }
}

Test(q931, digits_filtered_and_capped)
{
    struct q931_msg m;
    /* hand-built: called "1*#+A 2" -> "1*#+2" */
    cr_assert_eq(parse_hex("08 02 00 06 05 70 08 80 31 2a 23 2b 41 20 32", &m, NULL), 0);
    cr_assert_str_eq(m.called, "1*#+2");
    /* 40 digits are cut at CALL_NUMBER_MAX */
    char hex[256] = "08 02 00 06 05 70 29 80";
    for (int i = 0; i < 40; i++)
        strcat(hex, " 35");
    cr_assert_eq(parse_hex(hex, &m, NULL), 0);
    cr_assert_eq(strlen(m.called), CALL_NUMBER_MAX);
    /* an empty calling party number IE (octet 3 only), as in h323_call_hold_resume.pcapng */
    cr_assert_eq(parse_hex("08 02 00 06 05 6c 01 80", &m, NULL), 0);
    cr_assert(m.has_calling);
    cr_assert_str_eq(m.calling, "");
}

Test(q931, codesets_and_single_octet_ies)
{
    struct q931_msg m;
    /*
     * hand-built: sending complete (a1, single octet), locking shift to
     * codeset 6 (96): a 70 IE there is not a called number; non-locking shift
     * to 5 (9d) applies to one IE only, then codeset 6 is still active.
     */
    cr_assert_eq(parse_hex("08 02 00 06 05 a1 96 70 02 80 31 9d 6c 02 80 32 70 02 80 33", &m, NULL),
                 0);
    cr_assert_not(m.has_called);
    cr_assert_not(m.has_calling);
    cr_assert_eq(m.ie_count, 6);
    /* locking shift back to 0: read again */
    cr_assert_eq(parse_hex("08 02 00 06 05 96 70 02 80 31 90 70 02 80 33", &m, NULL), 0);
    cr_assert_str_eq(m.called, "3");
    /* a display with a leading display-type octet (bit 8 set) */
    cr_assert_eq(parse_hex("08 02 00 06 05 28 04 b1 41 42 43", &m, NULL), 0);
    cr_assert_str_eq(m.display, "ABC");
}

Test(q931, message_names)
{
    cr_assert_str_eq(q931_msg_name(Q931_CALL_PROCEEDING), "call_proceeding");
    cr_assert_str_eq(q931_msg_name(Q931_ALERTING), "alerting");
    cr_assert_str_eq(q931_msg_name(Q931_CONNECT), "connect");
    cr_assert_str_eq(q931_msg_name(Q931_FACILITY), "facility");
    cr_assert_str_eq(q931_msg_name(Q931_INFORMATION), "information");
    cr_assert_str_eq(q931_msg_name(Q931_STATUS), "status");
    cr_assert_str_eq(q931_msg_name(Q931_PROGRESS), "progress");
    cr_assert_str_eq(q931_msg_name(Q931_NOTIFY), "notify");
    cr_assert_str_eq(q931_msg_name(0x13), "unknown");
}
