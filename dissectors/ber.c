/*
 * ber.c - BER TLV reader (ITU-T X.690 section 8.1); see ber.h.
 *
 * Identifier octets (8.1.2): bits 8-7 class, bit 6 constructed, bits 5-1 the
 * tag number, or 11111 followed by base-128 octets (bit 8 = more) for tag
 * numbers >= 31; the first of those must not be 0x80 (8.1.2.4.2 c).
 * Length octets (8.1.3): 0x00-0x7f short form; 0x81-0xfe long form, the low
 * seven bits giving the number of length octets that follow; 0x80 is the
 * indefinite form, which SNMP never uses (RFC 3417 section 8 requires
 * definite lengths), and 0xff is reserved.
 *
 * Every function works on a copy of the caller's cursor and copies it back
 * only on success, so a failed read leaves the caller where it was.
 */
#include "ber.h"

static int ber_read_ident(struct cursor *w, struct ber_tlv *t)
{
    uint8_t b = cur_u8(w);
    if (!cur_ok(w))
        return BER_TRUNCATED;
    t->cls = (uint8_t)(b >> 6);
    t->constructed = (b & 0x20) != 0;
    t->tag = b & 0x1f;
    if (t->tag == 0x1f) {
        uint32_t tag = 0;
        for (unsigned i = 0;; i++) {
            if (i == BER_MAX_TAG_BYTES)
                return BER_MALFORMED; /* tag number past the cap */
            uint8_t o = cur_u8(w);
            if (!cur_ok(w))
                return BER_TRUNCATED;
            if (i == 0 && (o & 0x7f) == 0)
                return BER_MALFORMED; /* leading zero septet */
            tag = tag << 7 | (o & 0x7f);
            if (!(o & 0x80))
                break;
        }
        t->tag = tag;
    } else if (b == 0x00) {
        return BER_MALFORMED; /* end-of-contents: only after an indefinite length */
    }
    return 0;
}

static int ber_read_len(struct cursor *w, size_t *ret)
{
    uint8_t l = cur_u8(w);
    if (!cur_ok(w))
        return BER_TRUNCATED;
    if (l < 0x80) {
        *ret = l;
        return 0;
    }
    if (l == 0x80 || l == 0xff)
        return BER_MALFORMED; /* indefinite, reserved */
    unsigned n = l & 0x7fu;
    if (n > BER_MAX_LEN_BYTES)
        return BER_MALFORMED;
    uint32_t len = 0;
    for (unsigned i = 0; i < n; i++) {
        uint8_t o = cur_u8(w);
        if (!cur_ok(w))
            return BER_TRUNCATED;
        len = len << 8 | o;
    }
    *ret = len;
    return 0;
}

int ber_read_hdr(struct cursor *c, struct ber_tlv *ret)
{
    struct cursor w = *c;
    struct ber_tlv t;
    int r;

    if ((r = ber_read_ident(&w, &t)) != 0)
        return r;
    if ((r = ber_read_len(&w, &t.len)) != 0)
        return r;
    t.hdr_len = w.off - c->off;
    cur_init(&t.val, NULL, 0);
    *ret = t;
    *c = w;
    return 0;
}

int ber_read_tlv(struct cursor *c, struct ber_tlv *ret)
{
    struct cursor w = *c;
    struct ber_tlv t;
    int r = ber_read_hdr(&w, &t);
    if (r)
        return r;
    if (t.len > cur_left(&w))
        return BER_TRUNCATED;
    t.val = cur_sub(&w, t.len);
    *ret = t;
    *c = w;
    return 0;
}

bool ber_is(const struct ber_tlv *t, uint8_t cls, bool constructed, uint32_t tag)
{
    return t->cls == cls && t->constructed == constructed && t->tag == tag;
}

int ber_int_value(const struct ber_tlv *t, int64_t *ret)
{
    struct cursor v = t->val;
    size_t n = cur_left(&v);
    if (n == 0 || n > BER_MAX_INT_BYTES)
        return BER_MALFORMED;
    uint8_t first = cur_u8(&v);
    uint64_t u = (first & 0x80) ? UINT64_MAX : 0; /* sign extension */
    u = u << 8 | first;
    for (size_t i = 1; i < n; i++)
        u = u << 8 | cur_u8(&v);
    if (!cur_ok(&v))
        return BER_TRUNCATED;
    *ret = (int64_t)u;
    return 0;
}

int ber_read_int(struct cursor *c, int64_t *ret)
{
    struct cursor w = *c;
    struct ber_tlv t;
    int64_t v;
    int r = ber_read_tlv(&w, &t);
    if (r)
        return r;
    if (!ber_is(&t, BER_CLASS_UNIVERSAL, false, BER_TAG_INTEGER))
        return BER_MALFORMED;
    if ((r = ber_int_value(&t, &v)) != 0)
        return r;
    *ret = v;
    *c = w;
    return 0;
}

int ber_read_octets(struct cursor *c, const uint8_t **ret_p, size_t *ret_len)
{
    struct cursor w = *c;
    struct ber_tlv t;
    int r = ber_read_tlv(&w, &t);
    if (r)
        return r;
    if (!ber_is(&t, BER_CLASS_UNIVERSAL, false, BER_TAG_OCTET_STRING))
        return BER_MALFORMED;
    *ret_p = cur_ptr(&t.val);
    *ret_len = cur_left(&t.val);
    *c = w;
    return 0;
}

int ber_open(struct cursor *c, uint8_t cls, bool constructed, uint32_t tag, struct ber_tlv *ret,
             size_t *ret_missing)
{
    struct cursor w = *c;
    struct ber_tlv t;
    size_t missing = 0;
    int r = ber_read_hdr(&w, &t);
    if (r)
        return r;
    if (!ber_is(&t, cls, constructed, tag))
        return BER_MALFORMED;
    if (t.len > cur_left(&w)) {
        missing = t.len - cur_left(&w);
        t.val = cur_rest(&w);
    } else {
        t.val = cur_sub(&w, t.len);
    }
    *ret = t;
    *ret_missing = missing;
    *c = w;
    return 0;
}

int ber_check(const struct cursor *c, unsigned depth)
{
    struct cursor w = *c;
    while (cur_left(&w) > 0) {
        struct ber_tlv t;
        int r = ber_read_tlv(&w, &t);
        if (r)
            return r;
        if (!t.constructed)
            continue;
        if (depth >= BER_MAX_DEPTH)
            return BER_MALFORMED;
        r = ber_check(&t.val, depth + 1);
        /* the container was whole, so running out inside it is impossible */
        if (r)
            return BER_MALFORMED;
    }
    return cur_ok(&w) ? 0 : BER_TRUNCATED;
}
