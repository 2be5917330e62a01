/*
 * test_per.c - the aligned PER reader (ITU-T X.691, ALIGNED variant).
 *
 * Every vector is hand-encoded from the X.691 rules named in the test; the
 * bit layouts are written out next to them. Where a vector also occurs in
 * a real H.225.0 capture (../shared/pcaps) that is said.
 */
#include <criterion/criterion.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"
#include "per.h"

/* A reader over a private copy of the hex bytes, so ASan sees overreads; freed at exit. */
static uint8_t *bufs[64];
static size_t nbufs;

static void free_bufs(void)
{
    for (size_t i = 0; i < nbufs; i++)
        free(bufs[i]);
    nbufs = 0;
}

TestSuite(per, .fini = free_bufs);

static struct per reader(const char *hex)
{
    size_t n;
    uint8_t *b = th_hex(hex, &n);
    struct cursor c;
    struct per p;
    cr_assert_lt(nbufs, sizeof(bufs) / sizeof(bufs[0]));
    bufs[nbufs++] = b;
    cur_init(&c, b, n);
    per_init(&p, &c);
    return p;
}

Test(per, bits_across_octets)
{
    struct per p = reader("a5 0f");
    cr_assert_eq(per_bits(&p, 3), 5); /* 101 */
    cr_assert_eq(per_bits(&p, 5), 5); /* 00101 */
    cr_assert_eq(per_bits(&p, 8), 0x0f);
    cr_assert(per_ok(&p));
    cr_assert_eq(per_bits_left(&p), 0);
    cr_assert_eq(per_bits(&p, 1), 0);
    cr_assert_eq(p.err, PER_TRUNCATED);

    p = reader("12 34");
    cr_assert_eq(per_bits(&p, 4), 1);
    cr_assert_eq(per_bits(&p, 8), 0x23);
    cr_assert_eq(per_bits(&p, 4), 4);

    p = reader("de ad be ef 01");
    cr_assert_eq(per_bits(&p, 32), 0xdeadbeefu);
    cr_assert_eq(per_bits(&p, 33), 0);
    cr_assert_eq(p.err, PER_MALFORMED);
}

Test(per, errors_are_sticky)
{
    struct per p = reader("ff");
    per_bits(&p, 9);
    cr_assert_eq(p.err, PER_TRUNCATED);
    cr_assert_not_null(p.why);
    per_fail(&p, PER_MALFORMED, "later");
    cr_assert_eq(p.err, PER_TRUNCATED, "the first error stays");
    cr_assert_eq(per_bits(&p, 1), 0);
}

Test(per, constrained_bit_field)
{
    /* X.691 10.5.7.1: range <= 255, minimal bit-field, not aligned */
    struct per p = reader("a0");
    cr_assert_eq(per_constrained(&p, 0, 7), 5); /* 101 */
    p = reader("80");
    cr_assert_eq(per_constrained(&p, 3, 6), 5); /* range 4: 2 bits, 10 = 2 above lb */
    p = reader("00");
    cr_assert_eq(per_constrained(&p, 9, 9), 9); /* range 1: no bits */
    cr_assert_eq(per_bits_left(&p), 8);
    p = reader("e0");
    per_constrained(&p, 0, 5); /* 111 = 7 > 5 */
    cr_assert_eq(p.err, PER_MALFORMED);
    p = reader("00");
    per_constrained(&p, 5, 4);
    cr_assert_eq(p.err, PER_MALFORMED);
}

Test(per, constrained_octets)
{
    /* 10.5.7.2: range 256 = one aligned octet; after one bit: 1 + 7 padding, then ab */
    struct per p = reader("80 ab");
    cr_assert(per_bool(&p));
    cr_assert_eq(per_constrained(&p, 0, 255), 0xab);
    /* 10.5.7.3: range <= 64K = two aligned octets (RequestSeqNum 1..65535) */
    p = reader("00 02");
    cr_assert_eq(per_constrained(&p, 1, 65535), 3);
    p = reader("40 ff ff");
    cr_assert_eq(per_bits(&p, 2), 1);
    cr_assert_eq(per_constrained(&p, 0, 65535), 65535);
    cr_assert(per_ok(&p));
}

Test(per, constrained_indefinite_length)
{
    /*
     * 10.5.7.4: BandWidth INTEGER (0..4294967295) = 200000 (0x030d40), as in
     * the ARQ of h323_mixed_setup_and_ras.pcap: the octet count 1..4 as a
     * 2-bit field (3 -> 10), then 3 aligned octets.
     */
    struct per p = reader("80 03 0d 40");
    cr_assert_eq(per_constrained(&p, 0, UINT32_MAX), 200000);
    cr_assert_eq(per_bits_left(&p), 0);
    /* TimeToLive (1..4294967295) = 1: one octet (00), value 0 above lb */
    p = reader("00 00");
    cr_assert_eq(per_constrained(&p, 1, UINT32_MAX), 1);
    /* (0..1000000): 3 octets at most, 2-bit count; 0x0f4241 = 1000001 is too big */
    p = reader("80 0f 42 41");
    per_constrained(&p, 0, 1000000);
    cr_assert_eq(p.err, PER_MALFORMED);
    p = reader("80 0f 42");
    per_constrained(&p, 0, 1000000);
    cr_assert_eq(p.err, PER_TRUNCATED);
}

Test(per, constrained_with_extension_marker)
{
    /* INTEGER (0..16383, ...): bit 0, then two aligned octets */
    struct per p = reader("00 01 00");
    cr_assert_eq(per_constrained_ext(&p, 0, 16383), 256);
    /* bit 1: outside the root, length + octets */
    p = reader("80 01 05");
    cr_assert_eq(per_constrained_ext(&p, 0, 16383), 5);
    cr_assert(per_ok(&p));
}

Test(per, length_determinant)
{
    struct per p = reader("05");
    cr_assert_eq(per_length(&p), 5); /* 10.9.3.6 */
    p = reader("81 00");
    cr_assert_eq(per_length(&p), 256); /* 10.9.3.7 */
    p = reader("bf ff");
    cr_assert_eq(per_length(&p), 16383);
    p = reader("80 05");
    cr_assert(per_bool(&p));
    cr_assert_eq(per_length(&p), 5, "aligned after a bit");
    p = reader("c1");
    per_length(&p); /* 10.9.3.8: fragmented (16K units): refused */
    cr_assert_eq(p.err, PER_MALFORMED);
    p = reader("81");
    per_length(&p);
    cr_assert_eq(p.err, PER_TRUNCATED);
}

Test(per, sized_lengths)
{
    /* SIZE(1..128): 7-bit field, n - 1 */
    struct per p = reader("0c");
    cr_assert_eq(per_length_sized(&p, 1, 128), 7); /* 0000110 */
    /* SIZE(1..256): range 256, one aligned octet */
    p = reader("06");
    cr_assert_eq(per_length_sized(&p, 1, 256), 7);
    /* SIZE(1..512): two aligned octets */
    p = reader("00 06");
    cr_assert_eq(per_length_sized(&p, 1, 512), 7);
    /* fixed size: nothing on the wire */
    p = reader("ff");
    cr_assert_eq(per_length_sized(&p, 3, 3), 3);
    cr_assert_eq(per_bits_left(&p), 8);
    /* SIZE(2..70000): ub >= 64K, a plain length determinant; 1 is below lb */
    p = reader("01");
    per_length_sized(&p, 2, 70000);
    cr_assert_eq(p.err, PER_MALFORMED);
}

Test(per, normally_small)
{
    struct per p = reader("0a");
    cr_assert_eq(per_small(&p), 5); /* 0 000101 */
    p = reader("7e");
    cr_assert_eq(per_small(&p), 63); /* 0 111111 */
    p = reader("80 01 40");
    cr_assert_eq(per_small(&p), 64); /* 1, then length 1 and 0x40 */
    p = reader("80 03 01 00 00");
    per_small(&p);
    cr_assert_eq(p.err, PER_MALFORMED, "capped at two octets");
    p = reader("04");
    cr_assert_eq(per_small_length(&p), 3); /* 0 000010: n - 1 = 2 */
    p = reader("80 00");
    per_small_length(&p);
    cr_assert_eq(p.err, PER_MALFORMED);
}

Test(per, choice_index)
{
    bool ext = true;
    /* CHOICE with 7 root alternatives and "...": bit 0, then 3 bits 100 */
    struct per p = reader("40");
    cr_assert_eq(per_choice(&p, 7, true, &ext), 4);
    cr_assert_not(ext);
    /* extension alternative 2: bit 1, normally small 0 000010 */
    p = reader("82");
    cr_assert_eq(per_choice(&p, 7, true, &ext), 2);
    cr_assert(ext);
    /* 5 root alternatives need 3 bits: 111 = 7 is not one of them */
    p = reader("70");
    per_choice(&p, 5, true, &ext);
    cr_assert_eq(p.err, PER_MALFORMED);
    /* RasMessage (25 root): 0x26 = 0 01001 10 -> admissionRequest (9), real ARQ first octet */
    p = reader("26");
    cr_assert_eq(per_choice(&p, 25, true, &ext), 9);
    /* not extensible, one alternative: no bits */
    p = reader("ff");
    cr_assert_eq(per_choice(&p, 1, false, NULL), 0);
    cr_assert_eq(per_bits_left(&p), 8);
}

Test(per, extension_additions_and_open_types)
{
    /*
     * 18.8: normally small length n = 3 (0 000010), bitmap 101; then the
     * present additions 0 and 2 as open types: 01 aa, 02 bb cc.
     *   bits: 0000010 1 | 01 000000 | 01 | aa | 02 | bb cc
     */
    struct per p = reader("05 40 01 aa 02 bb cc");
    struct per_ext e;
    struct per sub;
    cr_assert(per_ext_begin(&p, &e));
    cr_assert_eq(e.count, 3);
    cr_assert_eq(per_ext_next(&p, &e, &sub), 0);
    cr_assert_eq(per_bits(&sub, 8), 0xaa);
    cr_assert_eq(per_bits_left(&sub), 0);
    cr_assert_eq(per_ext_next(&p, &e, &sub), 2);
    cr_assert_eq(per_bits(&sub, 16), 0xbbcc);
    cr_assert_eq(per_ext_next(&p, &e, &sub), -1);
    cr_assert(per_ok(&p));
    cr_assert_eq(per_bits_left(&p), 0);

    /* the same, skipped */
    p = reader("05 40 01 aa 02 bb cc");
    per_skip_extensions(&p, true);
    cr_assert(per_ok(&p));
    cr_assert_eq(per_bits_left(&p), 0);

    /* an open type longer than what is there */
    p = reader("05 40 05 aa");
    cr_assert(per_ext_begin(&p, &e));
    cr_assert_eq(per_ext_next(&p, &e, &sub), -1);
    cr_assert_eq(p.err, PER_TRUNCATED);

    /* a fragmented open type length */
    p = reader("c4 00");
    cr_assert_not(per_skip_open_type(&p));
    cr_assert_eq(p.err, PER_MALFORMED);

    /* more additions than PER_MAX_EXTENSIONS: 1, length 200 */
    p = reader("80 81 00");
    cr_assert_not(per_ext_begin(&p, &e));
    cr_assert_neq(p.err, 0);
}

Test(per, octet_strings)
{
    uint8_t out[8];
    /* 17.6: fixed size 2 is not aligned: 1 | abcd -> 1101 0101 1110 0110 1000 0000 */
    struct per p = reader("d5 e6 80");
    cr_assert(per_bool(&p));
    cr_assert_eq(per_octets(&p, 2, 2, out, sizeof(out)), 2);
    cr_assert_eq(out[0], 0xab);
    cr_assert_eq(out[1], 0xcd);
    cr_assert_eq(per_bits_left(&p), 7);
    /* 17.7: fixed size 4 (an IPv4 address) is aligned */
    p = reader("80 0a 01 02 03");
    cr_assert(per_bool(&p));
    cr_assert_eq(per_octets(&p, 4, 4, out, sizeof(out)), 4);
    cr_assert_eq(memcmp(out, "\x0a\x01\x02\x03", 4), 0);
    /* SIZE(1..256): length - 1 in an aligned octet */
    p = reader("01 aa bb");
    cr_assert_eq(per_octets(&p, 1, 256, out, sizeof(out)), 2);
    cr_assert_eq(out[1], 0xbb);
    /* unconstrained, copied only up to cap */
    p = reader("03 01 02 03");
    memset(out, 0, sizeof(out));
    cr_assert_eq(per_octets(&p, 0, PER_UNBOUNDED, out, 2), 3);
    cr_assert_eq(out[1], 2);
    cr_assert_eq(out[2], 0);
    cr_assert_eq(per_bits_left(&p), 0);
    /* skipped */
    p = reader("03 01 02 03");
    cr_assert_eq(per_octets(&p, 0, PER_UNBOUNDED, NULL, 0), 3);
    /* cut */
    p = reader("05 01 02");
    per_octets(&p, 0, PER_UNBOUNDED, out, sizeof(out));
    cr_assert_eq(p.err, PER_TRUNCATED);
    /* OBJECT IDENTIFIER 0.0.8.2250.0.5 (H.225.0 version 5): length 6 + BER contents */
    p = reader("06 00 08 91 4a 00 05");
    cr_assert_eq(per_oid(&p, out, sizeof(out)), 6);
    cr_assert_eq(out[5], 5);
}

Test(per, bit_strings)
{
    /* BIT STRING (SIZE(32)): aligned; the field after it is not */
    struct per p = reader("80 11 22 33 44 80");
    cr_assert(per_bool(&p));
    cr_assert_eq(per_skip_bitstring(&p, 32, 32), 32);
    cr_assert(per_bool(&p));
    /* unconstrained: length in bits (10), then 10 bits; the next bit follows directly */
    p = reader("0a ff e0");
    cr_assert_eq(per_skip_bitstring(&p, 0, PER_UNBOUNDED), 10);
    cr_assert(per_bool(&p));
    cr_assert_not(per_bool(&p));
}

Test(per, dialled_digits)
{
    char out[32];
    /*
     * AliasAddress dialledDigits IA5String (SIZE(1..128)) (FROM("0123456789#*,")):
     * 13 characters -> 4 bits, indices into "#*,0123456789" since '9' > 15
     * (27.5.4). "5295672": length 0000110, aligned, 8 5 c 8 9 a 5 (as in the
     * GRQ/ARQ/Setup of h323_mixed_setup_and_ras.pcap).
     */
    struct per p = reader("0c 85 c8 9a 50");
    cr_assert_eq(per_string(&p, 1, 128, PER_ALPHA_DIGITS, out, sizeof(out)), 7);
    cr_assert_str_eq(out, "5295672");
    cr_assert(per_ok(&p));
    /* "#*," are indices 0, 1, 2 */
    p = reader("04 01 23");
    cr_assert_eq(per_string(&p, 1, 128, PER_ALPHA_DIGITS, out, sizeof(out)), 3);
    cr_assert_str_eq(out, "#*,");
    /* index 15 is outside the 13-character alphabet */
    p = reader("00 f0");
    per_string(&p, 1, 128, PER_ALPHA_DIGITS, out, sizeof(out));
    cr_assert_eq(p.err, PER_MALFORMED);
    /* cut: 7 digits announced, 2 octets there */
    p = reader("0c 85 c8");
    per_string(&p, 1, 128, PER_ALPHA_DIGITS, out, sizeof(out));
    cr_assert_eq(p.err, PER_TRUNCATED);
    /* output capped: 4 bytes of room keep 3 digits, the whole string is read */
    p = reader("0c 85 c8 9a 50 ff");
    cr_assert_eq(per_string(&p, 1, 128, PER_ALPHA_DIGITS, out, 4), 7);
    cr_assert_str_eq(out, "529");
    cr_assert_eq(per_bits(&p, 4), 0, "the padding nibble");
    cr_assert_eq(per_bits(&p, 8), 0xff);
}

Test(per, other_character_strings)
{
    char out[32];
    /* NumericString (SIZE(3)): 3 x 4 bits = 12 <= 16: not aligned (27.5.6) */
    struct per p = reader("91 a0"); /* 1 | 0010 0011 0100 */
    cr_assert(per_bool(&p));
    cr_assert_eq(per_string(&p, 3, 3, PER_ALPHA_NUMERIC, out, sizeof(out)), 3);
    cr_assert_str_eq(out, "123");
    /* NumericString (SIZE(5)): 20 bits > 16: aligned (27.5.7) */
    p = reader("80 23 04 50");
    cr_assert(per_bool(&p));
    cr_assert_eq(per_string(&p, 5, 5, PER_ALPHA_NUMERIC, out, sizeof(out)), 5);
    cr_assert_str_eq(out, "12 34");
    /* IA5String, no constraint: length determinant, 8-bit aligned characters */
    p = reader("02 48 69");
    cr_assert_eq(per_string(&p, 0, PER_UNBOUNDED, NULL, out, sizeof(out)), 2);
    cr_assert_str_eq(out, "Hi");
    /* IA5String (SIZE(1..512)) (url-ID): two-octet length */
    p = reader("00 01 41 42");
    cr_assert_eq(per_string(&p, 1, 512, NULL, out, sizeof(out)), 2);
    cr_assert_str_eq(out, "AB");
    /* a code above 127 is not IA5: kept as '?' */
    p = reader("00 00 c1");
    cr_assert_eq(per_string(&p, 1, 512, NULL, out, sizeof(out)), 1);
    cr_assert_str_eq(out, "?");
    /* TBCD-STRING (SIZE(1..4)) "777#": ub x b = 16, not aligned: 11 1001 1001 1001 0000 */
    p = reader("e6 64 00");
    cr_assert_eq(per_string(&p, 1, 4, PER_ALPHA_TBCD, out, sizeof(out)), 4);
    cr_assert_str_eq(out, "777#");
}

Test(per, bmp_strings)
{
    char out[32];
    /* h323-ID BMPString (SIZE(1..256)) "m.jemec" (h323_mixed_setup_and_ras.pcap frame 6) */
    struct per p = reader("06 006d 002e 006a 0065 006d 0065 0063");
    cr_assert_eq(per_bmp(&p, 1, 256, out, sizeof(out)), 7);
    cr_assert_str_eq(out, "m.jemec");
    cr_assert_eq(per_bits_left(&p), 0);
    /* EndpointIdentifier (SIZE(1..128)): 7-bit length; NUL dropped, U+00E9 as UTF-8 */
    p = reader("04 0041 0000 00e9");
    cr_assert_eq(per_bmp(&p, 1, 128, out, sizeof(out)), 3);
    cr_assert_str_eq(out, "A\xc3\xa9");
    /* U+20AC is three bytes; a lone surrogate becomes '?' */
    p = reader("02 20ac d800");
    per_bmp(&p, 1, 128, out, sizeof(out));
    cr_assert_str_eq(out, "\xe2\x82\xac?");
    /* room for U+00E9 but not U+20AC after it: whole characters only */
    p = reader("02 00e9 20ac");
    per_bmp(&p, 1, 128, out, 4);
    cr_assert_str_eq(out, "\xc3\xa9");
    cr_assert(per_ok(&p));
    /* cut */
    p = reader("06 006d 002e");
    per_bmp(&p, 1, 256, out, sizeof(out));
    cr_assert_eq(p.err, PER_TRUNCATED);
}

Test(per, every_prefix_is_truncated)
{
    /*
     * A SEQUENCE-like walk over a valid encoding: bool, constrained (0..7),
     * digits, BMP, an extension bitmap with an open type. Every proper
     * prefix must end in PER_TRUNCATED, never PER_MALFORMED.
     */
    /*
     * a0: 1 | 010 | 0000 ; c0: 110 (length 7) + padding; 85 c8 9a 50: digits;
     * 01 0041 0042: BMP "AB"; 01: 0 000000 (one addition) 1 (present); 01 aa
     */
    const char *hex = "a0 c0 85 c8 9a 50 01 0041 0042 01 01 aa";
    size_t n;
    uint8_t *full = th_hex(hex, &n);
    for (size_t len = 0; len <= n; len++) {
        uint8_t *b = malloc(len ? len : 1);
        struct cursor c;
        struct per p, sub;
        struct per_ext e;
        char out[32];
        cr_assert_not_null(b);
        memcpy(b, full, len);
        cur_init(&c, b, len);
        per_init(&p, &c);
        cr_assert(per_bool(&p) || !per_ok(&p));
        per_constrained(&p, 0, 7);
        per_string(&p, 1, 128, PER_ALPHA_DIGITS, out, sizeof(out));
        per_bmp(&p, 1, 256, out, sizeof(out));
        if (per_ext_begin(&p, &e))
            while (per_ext_next(&p, &e, &sub) >= 0)
                ;
        if (len < n)
            cr_assert_eq(p.err, PER_TRUNCATED, "prefix of %zu bytes", len);
        else
            cr_assert(per_ok(&p), "whole: %s", p.why ? p.why : "");
        free(b);
    }
    free(full);
}
