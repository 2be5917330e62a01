/*
 * test_ber.c - the BER TLV reader (ITU-T X.690 definite-length subset).
 */
#include <criterion/criterion.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ber.h"
#include "helpers.h"

/* A cursor over a malloc'd copy of exactly n bytes, so ASan sees overreads. */
static struct cursor copy_cursor(const uint8_t *p, size_t n, uint8_t **ret_buf)
{
    struct cursor c;
    uint8_t *buf = malloc(n ? n : 1);
    cr_assert_not_null(buf);
    if (n)
        memcpy(buf, p, n);
    cur_init(&c, buf, n);
    *ret_buf = buf;
    return c;
}

static struct cursor hex_cursor(const char *hex, uint8_t **ret_buf)
{
    size_t n;
    uint8_t *p = th_hex(hex, &n);
    struct cursor c = copy_cursor(p, n, ret_buf);
    free(p);
    return c;
}

/* Reads one TLV from hex; t->val is only good for its length (the bytes are freed). */
static int read_tlv_hex(const char *hex, struct ber_tlv *t)
{
    uint8_t *buf;
    struct cursor c = hex_cursor(hex, &buf);
    int r = ber_read_tlv(&c, t);
    free(buf);
    return r;
}

static int read_int_hex(const char *hex, int64_t *v)
{
    uint8_t *buf;
    struct cursor c = hex_cursor(hex, &buf);
    int r = ber_read_int(&c, v);
    if (r == 0)
        cr_assert_eq(cur_left(&c), 0, "the whole INTEGER TLV is consumed");
    free(buf);
    return r;
}

Test(ber, short_form_tlv)
{
    uint8_t *buf;
    struct cursor c = hex_cursor("04 03 61 62 63 05 00", &buf);
    struct ber_tlv t;
    cr_assert_eq(ber_read_tlv(&c, &t), 0);
    cr_assert_eq(t.cls, BER_CLASS_UNIVERSAL);
    cr_assert_not(t.constructed);
    cr_assert_eq(t.tag, BER_TAG_OCTET_STRING);
    cr_assert_eq(t.len, 3);
    cr_assert_eq(t.hdr_len, 2);
    cr_assert_eq(cur_left(&t.val), 3);
    cr_assert_eq(memcmp(cur_ptr(&t.val), "abc", 3), 0);
    cr_assert_eq(cur_left(&c), 2, "the parent moves past the TLV");
    cr_assert_eq(ber_read_tlv(&c, &t), 0);
    cr_assert(ber_is(&t, BER_CLASS_UNIVERSAL, false, BER_TAG_NULL));
    cr_assert_eq(t.len, 0);
    cr_assert_eq(cur_left(&c), 0);
    free(buf);
}

Test(ber, identifier_classes_and_constructed_bit)
{
    struct ber_tlv t;
    cr_assert_eq(read_tlv_hex("30 00", &t), 0);
    cr_assert(ber_is(&t, BER_CLASS_UNIVERSAL, true, BER_TAG_SEQUENCE));
    cr_assert_eq(read_tlv_hex("a3 00", &t), 0);
    cr_assert(ber_is(&t, BER_CLASS_CONTEXT, true, 3));
    cr_assert_eq(read_tlv_hex("43 01 07", &t), 0);
    cr_assert(ber_is(&t, BER_CLASS_APPLICATION, false, 3));
    cr_assert_eq(read_tlv_hex("c1 00", &t), 0);
    cr_assert(ber_is(&t, BER_CLASS_PRIVATE, false, 1));
    cr_assert_not(ber_is(&t, BER_CLASS_PRIVATE, true, 1));
}

Test(ber, long_form_lengths)
{
    uint8_t data[6 + 300];
    struct ber_tlv t;
    uint8_t *buf;
    struct cursor c;

    memset(data, 0x41, sizeof(data));
    /* 0x81: one length byte */
    data[0] = 0x04;
    data[1] = 0x81;
    data[2] = 0x80;
    c = copy_cursor(data, 3 + 128, &buf);
    cr_assert_eq(ber_read_tlv(&c, &t), 0);
    cr_assert_eq(t.len, 128);
    cr_assert_eq(t.hdr_len, 3);
    cr_assert_eq(cur_left(&c), 0);
    free(buf);
    /* 0x82: two */
    data[1] = 0x82;
    data[2] = 0x01;
    data[3] = 0x2c;
    c = copy_cursor(data, 4 + 300, &buf);
    cr_assert_eq(ber_read_tlv(&c, &t), 0);
    cr_assert_eq(t.len, 300);
    cr_assert_eq(t.hdr_len, 4);
    free(buf);
    /* 0x84: four, leading zeros allowed in BER (not DER) */
    cr_assert_eq(read_tlv_hex("04 84 00 00 00 02 41 42", &t), 0);
    cr_assert_eq(t.len, 2);
    cr_assert_eq(t.hdr_len, 6);
    /* a long form for a short length is allowed too */
    cr_assert_eq(read_tlv_hex("04 81 01 41", &t), 0);
    cr_assert_eq(t.len, 1);
}

Test(ber, bad_length_forms_are_malformed)
{
    struct ber_tlv t;
    cr_assert_eq(read_tlv_hex("30 80 02 01 00 00 00", &t), BER_MALFORMED, "indefinite length");
    cr_assert_eq(read_tlv_hex("04 ff 00", &t), BER_MALFORMED, "reserved length octet");
    cr_assert_eq(read_tlv_hex("04 85 00 00 00 00 01 41", &t), BER_MALFORMED,
                 "five length bytes exceed the cap");
    cr_assert_eq(read_tlv_hex("04 88 00", &t), BER_MALFORMED,
                 "too many length bytes is malformed even when cut");
    cr_assert_eq(read_tlv_hex("00 00", &t), BER_MALFORMED, "end-of-contents without indefinite");
}

Test(ber, high_tag_numbers)
{
    struct ber_tlv t;
    cr_assert_eq(read_tlv_hex("9f 1f 00", &t), 0);
    cr_assert(ber_is(&t, BER_CLASS_CONTEXT, false, 31));
    cr_assert_eq(t.hdr_len, 3);
    cr_assert_eq(read_tlv_hex("bf 81 00 01 ff", &t), 0);
    cr_assert(ber_is(&t, BER_CLASS_CONTEXT, true, 128));
    cr_assert_eq(cur_left(&t.val), 1);
    /* four subsequent octets: the largest accepted tag, 2^28 - 1 */
    cr_assert_eq(read_tlv_hex("5f ff ff ff 7f 00", &t), 0);
    cr_assert_eq(t.tag, (1u << 28) - 1);
    cr_assert_eq(t.cls, BER_CLASS_APPLICATION);
    cr_assert_eq(t.hdr_len, 6);
    /* five: past the cap */
    cr_assert_eq(read_tlv_hex("5f 81 80 80 80 01 00", &t), BER_MALFORMED);
    cr_assert_eq(read_tlv_hex("5f 81 80 80 80", &t), BER_MALFORMED,
                 "the cap is known before the bytes run out");
    /* leading zero septet (X.690 8.1.2.4.2 c) */
    cr_assert_eq(read_tlv_hex("5f 80 01 00", &t), BER_MALFORMED);
}

Test(ber, length_past_the_end_is_truncated)
{
    struct ber_tlv t;
    uint8_t *buf;
    struct cursor c = hex_cursor("04 05 41 42", &buf);
    cr_assert_eq(ber_read_tlv(&c, &t), BER_TRUNCATED);
    cr_assert_eq(c.off, 0, "the cursor does not move on failure");
    cr_assert(cur_ok(&c));
    free(buf);
    cr_assert_eq(read_tlv_hex("04 84 ff ff ff ff 41", &t), BER_TRUNCATED);
    cr_assert_eq(read_tlv_hex("30 82 01", &t), BER_TRUNCATED, "cut inside the length");
    cr_assert_eq(read_tlv_hex("bf 81", &t), BER_TRUNCATED, "cut inside a high tag");
}

Test(ber, every_truncation_of_valid_tlvs)
{
    static const char *const valid[] = {
        "02 01 00",
        "04 00",
        "30 06 02 01 05 04 01 41",
        "04 81 03 41 42 43",
        "04 84 00 00 00 02 41 42",
        "bf 87 ff 7f 02 05 00",
        "a2 0b 02 01 01 30 06 30 04 06 02 2b 06",
        "43 04 00 00 00 2a",
    };
    for (size_t v = 0; v < sizeof(valid) / sizeof(valid[0]); v++) {
        size_t n;
        uint8_t *p = th_hex(valid[v], &n);
        struct ber_tlv t, h;
        uint8_t *buf;
        struct cursor c = copy_cursor(p, n, &buf);
        cr_assert_eq(ber_read_tlv(&c, &t), 0, "%s", valid[v]);
        cr_assert_eq(t.hdr_len + t.len, n);
        free(buf);
        for (size_t k = 0; k < n; k++) {
            c = copy_cursor(p, k, &buf);
            cr_assert_eq(ber_read_tlv(&c, &t), BER_TRUNCATED, "%s cut to %zu", valid[v], k);
            cr_assert_eq(c.off, 0);
            cr_assert_eq(ber_check(&c, 0), k ? BER_TRUNCATED : 0, "%s cut to %zu", valid[v], k);
            int r = ber_read_hdr(&c, &h);
            cr_assert_eq(r, k < t.hdr_len ? BER_TRUNCATED : 0, "%s header cut to %zu", valid[v], k);
            if (r == 0) {
                cr_assert_eq(h.len, t.len);
                cr_assert_eq(cur_left(&h.val), 0);
            }
            free(buf);
        }
        free(p);
    }
}

Test(ber, integer_sizes)
{
    int64_t v = 12345;
    cr_assert_eq(read_int_hex("02 01 00", &v), 0);
    cr_assert_eq(v, 0);
    cr_assert_eq(read_int_hex("02 01 7f", &v), 0);
    cr_assert_eq(v, 127);
    cr_assert_eq(read_int_hex("02 01 ff", &v), 0);
    cr_assert_eq(v, -1);
    cr_assert_eq(read_int_hex("02 01 80", &v), 0);
    cr_assert_eq(v, -128);
    cr_assert_eq(read_int_hex("02 02 00 80", &v), 0);
    cr_assert_eq(v, 128);
    cr_assert_eq(read_int_hex("02 02 ff 7f", &v), 0);
    cr_assert_eq(v, -129);
    cr_assert_eq(read_int_hex("02 04 7b 08 6e 69", &v), 0);
    cr_assert_eq(v, 2064150121);
    cr_assert_eq(read_int_hex("02 04 80 00 00 00", &v), 0);
    cr_assert_eq(v, INT32_MIN);
    cr_assert_eq(read_int_hex("02 05 00 ff ff ff ff", &v), 0);
    cr_assert_eq(v, 4294967295);
    cr_assert_eq(read_int_hex("02 08 7f ff ff ff ff ff ff ff", &v), 0);
    cr_assert_eq(v, INT64_MAX);
    cr_assert_eq(read_int_hex("02 08 80 00 00 00 00 00 00 00", &v), 0);
    cr_assert_eq(v, INT64_MIN);

    v = 99;
    cr_assert_eq(read_int_hex("02 00", &v), BER_MALFORMED, "empty INTEGER");
    cr_assert_eq(read_int_hex("02 09 00 ff ff ff ff ff ff ff ff", &v), BER_MALFORMED,
                 "nine bytes do not fit");
    cr_assert_eq(read_int_hex("04 01 05", &v), BER_MALFORMED, "an OCTET STRING is no INTEGER");
    cr_assert_eq(read_int_hex("22 03 02 01 05", &v), BER_MALFORMED, "constructed INTEGER");
    cr_assert_eq(read_int_hex("02 02 00", &v), BER_TRUNCATED);
    cr_assert_eq(v, 99, "ret_ untouched on failure");
}

Test(ber, integer_value_of_application_types)
{
    struct ber_tlv t;
    int64_t v;
    uint8_t *buf;
    struct cursor c = hex_cursor("43 04 04 92 6f a4 41 01 ff", &buf);
    cr_assert_eq(ber_read_tlv(&c, &t), 0); /* TimeTicks */
    cr_assert_eq(ber_int_value(&t, &v), 0);
    cr_assert_eq(v, 0x04926fa4);
    cr_assert_eq(ber_read_tlv(&c, &t), 0); /* Counter32 with its sign bit: read as signed */
    cr_assert_eq(ber_int_value(&t, &v), 0);
    cr_assert_eq(v, -1);
    free(buf);
}

Test(ber, wrong_type_leaves_cursor)
{
    uint8_t *buf;
    struct cursor c = hex_cursor("04 01 05 02 01 05", &buf);
    int64_t v;
    const uint8_t *p;
    size_t n;
    cr_assert_eq(ber_read_int(&c, &v), BER_MALFORMED);
    cr_assert_eq(c.off, 0);
    cr_assert_eq(ber_read_octets(&c, &p, &n), 0);
    cr_assert_eq(n, 1);
    cr_assert_eq(p[0], 0x05);
    cr_assert_eq(ber_read_octets(&c, &p, &n), BER_MALFORMED);
    cr_assert_eq(c.off, 3);
    cr_assert_eq(ber_read_int(&c, &v), 0);
    cr_assert_eq(v, 5);
    free(buf);
}

Test(ber, octet_strings)
{
    uint8_t *buf;
    struct cursor c = hex_cursor("04 00 04 06 70 75 62 6c 69 63 24 04 04 02 41 42", &buf);
    const uint8_t *p = NULL;
    size_t n = 7;
    cr_assert_eq(ber_read_octets(&c, &p, &n), 0);
    cr_assert_not_null(p, "empty strings still get a pointer");
    cr_assert_eq(n, 0);
    cr_assert_eq(ber_read_octets(&c, &p, &n), 0);
    cr_assert_eq(n, 6);
    cr_assert_eq(memcmp(p, "public", 6), 0);
    cr_assert_eq(ber_read_octets(&c, &p, &n), BER_MALFORMED,
                 "constructed form is not used by SNMP");
    free(buf);
}

Test(ber, open_reports_missing_bytes)
{
    uint8_t *buf;
    struct cursor c = hex_cursor("30 10 02 01 00 04", &buf);
    struct ber_tlv t;
    size_t miss = 99;
    cr_assert_eq(ber_open(&c, BER_CLASS_CONTEXT, true, 0, &t, &miss), BER_MALFORMED,
                 "another identifier");
    cr_assert_eq(miss, 99);
    cr_assert_eq(c.off, 0);
    cr_assert_eq(ber_open(&c, BER_CLASS_UNIVERSAL, true, BER_TAG_SEQUENCE, &t, &miss), 0);
    cr_assert_eq(miss, 0x10 - 4);
    cr_assert_eq(cur_left(&t.val), 4);
    cr_assert_eq(cur_left(&c), 0);
    free(buf);

    c = hex_cursor("30 02 05 00 ff", &buf);
    cr_assert_eq(ber_open(&c, BER_CLASS_UNIVERSAL, true, BER_TAG_SEQUENCE, &t, &miss), 0);
    cr_assert_eq(miss, 0);
    cr_assert_eq(cur_left(&t.val), 2);
    cr_assert_eq(cur_left(&c), 1);
    free(buf);

    c = hex_cursor("30 82", &buf);
    cr_assert_eq(ber_open(&c, BER_CLASS_UNIVERSAL, true, BER_TAG_SEQUENCE, &t, &miss),
                 BER_TRUNCATED);
    free(buf);
}

/* n nested SEQUENCEs around a NULL. */
static uint8_t *nested(unsigned n, size_t *ret_len)
{
    size_t len = 2 + 2 * (size_t)n;
    uint8_t *p = malloc(len);
    cr_assert_not_null(p);
    for (unsigned i = 0; i < n; i++) {
        p[2 * i] = 0x30;
        p[2 * i + 1] = (uint8_t)(len - 2 * i - 2);
    }
    p[2 * n] = 0x05;
    p[2 * n + 1] = 0x00;
    *ret_len = len;
    return p;
}

Test(ber, depth_cap)
{
    size_t n;
    struct cursor c;
    uint8_t *p = nested(BER_MAX_DEPTH, &n);
    cur_init(&c, p, n);
    cr_assert_eq(ber_check(&c, 0), 0, "eight levels are fine");
    free(p);
    p = nested(BER_MAX_DEPTH + 1, &n);
    cur_init(&c, p, n);
    cr_assert_eq(ber_check(&c, 0), BER_MALFORMED, "nine are past the cap");
    cr_assert_eq(c.off, 0, "ber_check does not move the cursor");
    free(p);
    p = nested(100, &n); /* length bytes stay < 0x80 */
    cur_init(&c, p, n);
    cr_assert_eq(ber_check(&c, 0), BER_MALFORMED);
    free(p);
}

Test(ber, check_truncation_vs_malformed)
{
    uint8_t *buf;
    struct cursor c = hex_cursor("", &buf);
    cr_assert_eq(ber_check(&c, 0), 0, "nothing is well formed");
    free(buf);
    c = hex_cursor("30 06 02 01 00 04 01 41 05 00", &buf);
    cr_assert_eq(ber_check(&c, 0), 0);
    free(buf);
    c = hex_cursor("30 06 02 01 00 04 05 41", &buf);
    cr_assert_eq(ber_check(&c, 0), BER_MALFORMED, "inner length past a whole container");
    free(buf);
    c = hex_cursor("30 08 02 01 00 04 05 41", &buf);
    cr_assert_eq(ber_check(&c, 0), BER_TRUNCATED, "outer length past the end");
    free(buf);
    c = hex_cursor("30 04 30 80 00 00", &buf);
    cr_assert_eq(ber_check(&c, 0), BER_MALFORMED, "indefinite length inside");
    free(buf);
}
