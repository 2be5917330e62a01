/*
 * cursor.h - bounds-checked reader over wire bytes.
 *
 * Every byte tollwatch reads from a packet goes through a struct cursor. A
 * read past the end sets a sticky error flag and returns 0 (or NULL), so a
 * parser can read a whole header and test cur_ok() once at its decision
 * point, as tcpdump's GET_* macros do without the longjmp. cur_sub() makes a
 * child cursor bounded by a length field (BER, TPKT, Skinny) and advances the
 * parent past it. Only the cursor module (this header and cursor.c) does pointer arithmetic on
 * payload.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct cursor {
    const uint8_t *base;
    size_t len;
    size_t off;
    bool err;
};

/*
 * The readers are inline: they run for every header field of every packet
 * (out of line they were 14% of the time on a span-port capture). All
 * comparisons are written as "n > len - off" so that a huge n (from a
 * length field) cannot wrap around, as tcpdump's ND_TTEST_LEN does.
 */

/* Copies n bytes into dst; false (err set, dst untouched) if fewer remain. */
bool cur_copy(struct cursor *c, void *dst, size_t n);

static inline void cur_init(struct cursor *c, const uint8_t *data, size_t len)
{
    c->base = data;
    c->len = data ? len : 0;
    c->off = 0;
    c->err = false;
}

static inline size_t cur_left(const struct cursor *c) { return c->len - c->off; }

static inline bool cur_ok(const struct cursor *c) { return !c->err; }

static inline const uint8_t *cur_ptr(const struct cursor *c)
{
    static const uint8_t empty[1];
    return c->base ? c->base + c->off : empty;
}

static inline bool cur_have(struct cursor *c, size_t n)
{
    if (c->err || n > c->len - c->off) {
        c->err = true;
        return false;
    }
    return true;
}

static inline uint8_t cur_u8(struct cursor *c)
{
    if (!cur_have(c, 1))
        return 0;
    return c->base[c->off++];
}

static inline uint16_t cur_be16(struct cursor *c)
{
    if (!cur_have(c, 2))
        return 0;
    const uint8_t *p = c->base + c->off;
    c->off += 2;
    return (uint16_t)((unsigned)p[0] << 8 | p[1]);
}

static inline uint32_t cur_be24(struct cursor *c)
{
    if (!cur_have(c, 3))
        return 0;
    const uint8_t *p = c->base + c->off;
    c->off += 3;
    return (uint32_t)p[0] << 16 | (uint32_t)p[1] << 8 | p[2];
}

static inline uint32_t cur_be32(struct cursor *c)
{
    if (!cur_have(c, 4))
        return 0;
    const uint8_t *p = c->base + c->off;
    c->off += 4;
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static inline uint16_t cur_le16(struct cursor *c)
{
    if (!cur_have(c, 2))
        return 0;
    const uint8_t *p = c->base + c->off;
    c->off += 2;
    return (uint16_t)((unsigned)p[1] << 8 | p[0]);
}

static inline uint32_t cur_le32(struct cursor *c)
{
    if (!cur_have(c, 4))
        return 0;
    const uint8_t *p = c->base + c->off;
    c->off += 4;
    return (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
}

static inline int cur_peek(const struct cursor *c, size_t at)
{
    if (c->err || at >= c->len - c->off)
        return -1;
    return c->base[c->off + at];
}

static inline const uint8_t *cur_bytes(struct cursor *c, size_t n)
{
    if (!cur_have(c, n))
        return NULL;
    const uint8_t *p = cur_ptr(c);
    c->off += n;
    return p;
}

static inline bool cur_skip(struct cursor *c, size_t n)
{
    if (!cur_have(c, n))
        return false;
    c->off += n;
    return true;
}

static inline struct cursor cur_sub(struct cursor *c, size_t n)
{
    struct cursor child;
    if (!cur_have(c, n)) {
        cur_init(&child, NULL, 0);
        child.err = true;
        return child;
    }
    cur_init(&child, cur_ptr(c), n);
    c->off += n;
    return child;
}

static inline struct cursor cur_rest(struct cursor *c) { return cur_sub(c, cur_left(c)); }
