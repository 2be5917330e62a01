/*
 * cursor.c - bounds-checked reads; see cursor.h.
 *
 * All comparisons are written as "n > len - off" so that a huge n (from a
 * length field) cannot wrap around, as tcpdump's ND_TTEST_LEN does.
 */
#include "cursor.h"

#include <string.h>

void cur_init(struct cursor *c, const uint8_t *data, size_t len)
{
    c->base = data;
    c->len = data ? len : 0;
    c->off = 0;
    c->err = false;
}

size_t cur_left(const struct cursor *c) { return c->len - c->off; }

bool cur_ok(const struct cursor *c) { return !c->err; }

const uint8_t *cur_ptr(const struct cursor *c)
{
    static const uint8_t empty[1];
    return c->base ? c->base + c->off : empty;
}

static bool cur_have(struct cursor *c, size_t n)
{
    if (c->err || n > c->len - c->off) {
        c->err = true;
        return false;
    }
    return true;
}

uint8_t cur_u8(struct cursor *c)
{
    if (!cur_have(c, 1))
        return 0;
    return c->base[c->off++];
}

uint16_t cur_be16(struct cursor *c)
{
    if (!cur_have(c, 2))
        return 0;
    const uint8_t *p = c->base + c->off;
    c->off += 2;
    return (uint16_t)((unsigned)p[0] << 8 | p[1]);
}

uint32_t cur_be24(struct cursor *c)
{
    if (!cur_have(c, 3))
        return 0;
    const uint8_t *p = c->base + c->off;
    c->off += 3;
    return (uint32_t)p[0] << 16 | (uint32_t)p[1] << 8 | p[2];
}

uint32_t cur_be32(struct cursor *c)
{
    if (!cur_have(c, 4))
        return 0;
    const uint8_t *p = c->base + c->off;
    c->off += 4;
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

uint16_t cur_le16(struct cursor *c)
{
    if (!cur_have(c, 2))
        return 0;
    const uint8_t *p = c->base + c->off;
    c->off += 2;
    return (uint16_t)((unsigned)p[1] << 8 | p[0]);
}

uint32_t cur_le32(struct cursor *c)
{
    if (!cur_have(c, 4))
        return 0;
    const uint8_t *p = c->base + c->off;
    c->off += 4;
    return (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
}

int cur_peek(const struct cursor *c, size_t at)
{
    if (c->err || at >= c->len - c->off)
        return -1;
    return c->base[c->off + at];
}

const uint8_t *cur_bytes(struct cursor *c, size_t n)
{
    if (!cur_have(c, n))
        return NULL;
    const uint8_t *p = cur_ptr(c);
    c->off += n;
    return p;
}

bool cur_copy(struct cursor *c, void *dst, size_t n)
{
    const uint8_t *p = cur_bytes(c, n);
    if (!p)
        return false;
    if (n)
        memcpy(dst, p, n);
    return true;
}

bool cur_skip(struct cursor *c, size_t n)
{
    if (!cur_have(c, n))
        return false;
    c->off += n;
    return true;
}

struct cursor cur_sub(struct cursor *c, size_t n)
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

struct cursor cur_rest(struct cursor *c) { return cur_sub(c, cur_left(c)); }
