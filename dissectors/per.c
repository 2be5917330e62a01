/*
 * per.c - ASN.1 aligned PER reader (ITU-T X.691, ALIGNED variant); see per.h.
 *
 * Section numbers below are those of X.691 (08/2015). Every octet is taken
 * from the cursor with cur_u8() or cur_bytes(); this file does no pointer
 * arithmetic on payload.
 */
#include "per.h"

#include <string.h>

/* The largest normally small number or semi-constrained value decoded (2 octets). */
#define PER_SMALL_MAX_OCTETS 2

void per_init(struct per *p, const struct cursor *c)
{
    p->c = *c;
    p->byte = 0;
    p->bits = 0;
    p->err = cur_ok(c) ? 0 : PER_TRUNCATED;
    p->why = p->err ? "per: no data" : NULL;
}

bool per_ok(const struct per *p) { return p->err == 0; }

void per_fail(struct per *p, int err, const char *why)
{
    if (p->err)
        return;
    p->err = (uint8_t)err;
    p->why = why;
}

size_t per_bits_left(const struct per *p)
{
    if (p->err)
        return 0;
    return p->bits + 8 * cur_left(&p->c);
}

void per_align(struct per *p) { p->bits = 0; }

uint32_t per_bits(struct per *p, unsigned n)
{
    uint64_t v = 0;

    if (n > 32) {
        per_fail(p, PER_MALFORMED, "per: field wider than 32 bits");
        return 0;
    }
    while (n > 0) {
        if (p->err)
            return 0;
        if (p->bits == 0) {
            if (cur_left(&p->c) == 0) {
                per_fail(p, PER_TRUNCATED, "per: bits past the end");
                return 0;
            }
            p->byte = cur_u8(&p->c);
            p->bits = 8;
        }
        unsigned take = n < p->bits ? n : p->bits;
        unsigned shift = p->bits - take;
        v = v << take | (uint64_t)((p->byte >> shift) & ((1u << take) - 1));
        p->bits = (uint8_t)(p->bits - take);
        n -= take;
    }
    return (uint32_t)v;
}

bool per_bool(struct per *p) { return per_bits(p, 1) != 0; }

/* Aligned octets: a pointer to n octets of the input, or NULL (error recorded). */
static const uint8_t *per_aligned_bytes(struct per *p, size_t n)
{
    if (p->err)
        return NULL;
    per_align(p);
    if (n > cur_left(&p->c)) {
        per_fail(p, PER_TRUNCATED, "per: octets past the end");
        return NULL;
    }
    return cur_bytes(&p->c, n);
}

/* n (0..4) aligned octets as a big-endian number. */
static uint64_t per_uint_octets(struct per *p, uint32_t n)
{
    const uint8_t *b = per_aligned_bytes(p, n);
    struct cursor c;
    uint64_t v = 0;

    if (!b)
        return 0;
    cur_init(&c, b, n);
    for (uint32_t i = 0; i < n; i++)
        v = v << 8 | cur_u8(&c);
    return v;
}

/* Bits needed for values 0..v (0 for v == 0). */
static unsigned per_width(uint64_t v)
{
    unsigned n = 0;
    while (v) {
        n++;
        v >>= 1;
    }
    return n;
}

/* Octets needed for values 0..v (at least 1). */
static unsigned per_octet_width(uint64_t v)
{
    unsigned n = 1;
    while (v > 0xff) {
        n++;
        v >>= 8;
    }
    return n;
}

uint32_t per_constrained(struct per *p, uint32_t lb, uint32_t ub)
{
    uint64_t span, v;

    if (ub < lb) {
        per_fail(p, PER_MALFORMED, "per: empty constraint");
        return 0;
    }
    span = (uint64_t)ub - lb; /* range - 1 */
    if (span == 0) {
        return lb; /* 10.5.4: no bits */
    } else if (span < 255) {
        v = per_bits(p, per_width(span)); /* 10.5.7.1: bit-field */
    } else if (span == 255) {
        per_align(p); /* 10.5.7.2: one octet */
        v = per_bits(p, 8);
    } else if (span < 65536) {
        per_align(p); /* 10.5.7.3: two octets */
        v = per_bits(p, 16);
    } else {
        /* 10.5.7.4: length in octets as a bit-field, then the octets */
        uint32_t max = per_octet_width(span);
        uint32_t n = per_constrained(p, 1, max);
        v = per_uint_octets(p, n);
    }
    if (p->err)
        return 0;
    if (v > span) {
        per_fail(p, PER_MALFORMED, "per: value above its constraint");
        return 0;
    }
    return (uint32_t)(lb + v);
}

uint32_t per_constrained_ext(struct per *p, uint32_t lb, uint32_t ub)
{
    if (per_bool(p)) {
        /* 13.1: outside the root, an unconstrained whole number (length + octets) */
        uint32_t n = per_length(p);
        if (!p->err && (n == 0 || n > 4)) {
            per_fail(p, PER_MALFORMED, "per: bad extended integer length");
            return 0;
        }
        return (uint32_t)per_uint_octets(p, n);
    }
    return per_constrained(p, lb, ub);
}

uint32_t per_length(struct per *p)
{
    per_align(p);
    uint32_t b = per_bits(p, 8);
    if (p->err)
        return 0;
    if ((b & 0x80) == 0)
        return b; /* 10.9.3.6 */
    if ((b & 0xc0) == 0x80) {
        uint32_t lo = per_bits(p, 8); /* 10.9.3.7 */
        return p->err ? 0 : (b & 0x3f) << 8 | lo;
    }
    per_fail(p, PER_MALFORMED, "per: fragmented length"); /* 10.9.3.8 */
    return 0;
}

uint32_t per_length_sized(struct per *p, uint32_t lb, uint32_t ub)
{
    uint32_t n;

    if (lb == ub)
        return lb;
    if (ub < 65536) {
        n = per_constrained(p, lb, ub);
    } else {
        n = per_length(p);
        if (!p->err && (n < lb || n > ub))
            per_fail(p, PER_MALFORMED, "per: length outside its constraint");
    }
    return p->err ? 0 : n;
}

uint32_t per_small(struct per *p)
{
    if (!per_bool(p))
        return per_bits(p, 6); /* 10.6.1 */
    /* 10.6.2: a semi-constrained whole number, lb 0 */
    uint32_t n = per_length(p);
    if (p->err)
        return 0;
    if (n == 0 || n > PER_SMALL_MAX_OCTETS) {
        per_fail(p, PER_MALFORMED, "per: normally small number too long");
        return 0;
    }
    return per_bits(p, 8 * n);
}

uint32_t per_small_length(struct per *p)
{
    if (!per_bool(p))
        return per_bits(p, 6) + 1; /* 10.9.3.4 */
    uint32_t n = per_length(p);
    if (!p->err && n == 0)
        per_fail(p, PER_MALFORMED, "per: empty normally small length");
    return p->err ? 0 : n;
}

uint32_t per_choice(struct per *p, uint32_t nroot, bool extensible, bool *ret_ext)
{
    bool ext = extensible && per_bool(p);
    uint32_t i;

    if (ext)
        i = per_small(p); /* 23.8 */
    else if (nroot == 0) {
        per_fail(p, PER_MALFORMED, "per: choice without root alternatives");
        i = 0;
    } else
        i = per_constrained(p, 0, nroot - 1); /* 23.6-7 */
    if (ret_ext)
        *ret_ext = ext;
    return p->err ? 0 : i;
}

bool per_open_type(struct per *p, struct per *ret_sub)
{
    uint32_t n = per_length(p);
    const uint8_t *b = per_aligned_bytes(p, n);
    struct cursor c;

    if (!b) {
        per_fail(ret_sub, PER_TRUNCATED, "per: open type past the end");
        return false;
    }
    cur_init(&c, b, n);
    per_init(ret_sub, &c);
    return true;
}

bool per_skip_open_type(struct per *p)
{
    struct per sub;
    memset(&sub, 0, sizeof(sub));
    return per_open_type(p, &sub);
}

bool per_ext_begin(struct per *p, struct per_ext *ret)
{
    uint32_t n = per_small_length(p); /* 18.8 */
    memset(ret, 0, sizeof(*ret));
    if (p->err)
        return false;
    if (n > PER_MAX_EXTENSIONS) {
        per_fail(p, PER_MALFORMED, "per: too many extension additions");
        return false;
    }
    for (uint32_t i = 0; i < n; i++)
        if (per_bool(p))
            ret->map[i / 8] = (uint8_t)(ret->map[i / 8] | 1u << (i % 8));
    if (p->err)
        return false;
    ret->count = n;
    return true;
}

int per_ext_next(struct per *p, struct per_ext *e, struct per *ret_sub)
{
    while (!p->err && e->next < e->count) {
        uint32_t i = e->next++;
        if (!(e->map[i / 8] & (1u << (i % 8))))
            continue;
        if (!per_open_type(p, ret_sub)) /* 18.9 */
            return -1;
        return (int)i;
    }
    return -1;
}

void per_ext_skip(struct per *p, struct per_ext *e)
{
    struct per sub;
    while (per_ext_next(p, e, &sub) >= 0)
        ;
}

void per_skip_extensions(struct per *p, bool ext)
{
    struct per_ext e;
    if (ext && per_ext_begin(p, &e))
        per_ext_skip(p, &e);
}

size_t per_octets(struct per *p, uint32_t lb, uint32_t ub, uint8_t *out, size_t cap)
{
    uint32_t n = per_length_sized(p, lb, ub);
    const uint8_t *b;

    if (p->err)
        return 0;
    if (lb == ub && n <= 2) {
        /* 17.6: one or two octets of fixed size are not aligned */
        for (uint32_t i = 0; i < n; i++) {
            uint8_t v = (uint8_t)per_bits(p, 8);
            if (i < cap)
                out[i] = v;
        }
        return p->err ? 0 : n;
    }
    b = per_aligned_bytes(p, n); /* 17.7, 17.8 */
    if (!b)
        return 0;
    if (cap && n) {
        struct cursor c;
        cur_init(&c, b, n);
        cur_copy(&c, out, n < cap ? n : cap);
    }
    return n;
}

size_t per_oid(struct per *p, uint8_t *out, size_t cap)
{
    return per_octets(p, 0, PER_UNBOUNDED, out, cap); /* 24: length + BER contents */
}

size_t per_skip_bitstring(struct per *p, uint32_t lb, uint32_t ub)
{
    uint32_t n = per_length_sized(p, lb, ub);

    if (p->err)
        return 0;
    if (!(lb == ub && n <= 16))
        per_align(p); /* 16.10-16.11 */
    if (n / 8 && !per_aligned_bytes(p, n / 8))
        return 0;
    per_bits(p, n % 8);
    return p->err ? 0 : n;
}

/* Bits per character in the ALIGNED variant: the width of N - 1 rounded up to 1, 2, 4, 8, 16. */
static unsigned per_char_bits(uint32_t nchars)
{
    unsigned b = per_width(nchars - 1);
    unsigned r = 1;
    while (r < b)
        r <<= 1;
    return r;
}

/*
 * Reads the length of a known-multiplier string and aligns when X.691
 * 27.5.6-8 says so. Returns the number of characters, 0 on error.
 */
static uint32_t per_string_start(struct per *p, uint32_t lb, uint32_t ub, unsigned b)
{
    uint32_t n = per_length_sized(p, lb, ub);
    if (p->err)
        return 0;
    /* not aligned only when the longest value fits in 16 bits */
    if (ub == PER_UNBOUNDED || (uint64_t)ub * b > 16)
        per_align(p);
    /* cheap check before a long loop: the characters must all be there */
    if ((uint64_t)n * b > per_bits_left(p)) {
        per_fail(p, PER_TRUNCATED, "per: string past the end");
        return 0;
    }
    return n;
}

size_t per_string(struct per *p, uint32_t lb, uint32_t ub, const char *alphabet, char *out,
                  size_t cap)
{
    size_t nalpha = alphabet ? strlen(alphabet) : 128;
    unsigned b = per_char_bits((uint32_t)nalpha);
    unsigned maxcode = alphabet ? (uint8_t)alphabet[nalpha - 1] : 127;
    bool indexed = maxcode > (1u << b) - 1; /* 27.5.4 */
    size_t o = 0;

    out[0] = '\0';
    if (nalpha == 0) {
        per_fail(p, PER_MALFORMED, "per: empty permitted alphabet");
        return 0;
    }
    uint32_t n = per_string_start(p, lb, ub, b);
    for (uint32_t i = 0; i < n && !p->err; i++) {
        uint32_t v = per_bits(p, b);
        char ch;
        if (indexed) {
            if (v >= nalpha) {
                per_fail(p, PER_MALFORMED, "per: character outside the permitted alphabet");
                break;
            }
            ch = alphabet[v];
        } else {
            ch = v < 0x80 ? (char)v : '?';
        }
        if (o + 1 < cap)
            out[o++] = ch;
    }
    out[o] = '\0';
    return p->err ? 0 : n;
}

/* Appends code point u as UTF-8 if it fits whole in out[*o .. cap - 1). */
static void per_put_utf8(char *out, size_t cap, size_t *o, uint32_t u)
{
    uint8_t enc[3];
    size_t n;

    if (u < 0x80) {
        enc[0] = (uint8_t)u;
        n = 1;
    } else if (u < 0x800) {
        enc[0] = (uint8_t)(0xc0 | u >> 6);
        enc[1] = (uint8_t)(0x80 | (u & 0x3f));
        n = 2;
    } else {
        enc[0] = (uint8_t)(0xe0 | u >> 12);
        enc[1] = (uint8_t)(0x80 | ((u >> 6) & 0x3f));
        enc[2] = (uint8_t)(0x80 | (u & 0x3f));
        n = 3;
    }
    if (*o + n >= cap)
        return;
    memcpy(out + *o, enc, n);
    *o += n;
}

size_t per_bmp(struct per *p, uint32_t lb, uint32_t ub, char *out, size_t cap)
{
    size_t o = 0;
    bool full = false;

    out[0] = '\0';
    uint32_t n = per_string_start(p, lb, ub, 16);
    for (uint32_t i = 0; i < n && !p->err; i++) {
        uint32_t u = per_bits(p, 16);
        if (u == 0 || full)
            continue;
        if (u >= 0xd800 && u <= 0xdfff)
            u = '?';
        size_t before = o;
        per_put_utf8(out, cap, &o, u);
        full = o == before; /* keep whole characters only, in order */
    }
    out[o] = '\0';
    return p->err ? 0 : n;
}
