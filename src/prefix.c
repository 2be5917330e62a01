/*
 * prefix.c - sets of IPv4/IPv6 prefixes (networks.lan, .management,
 * .gatekeepers).
 *
 * Every prefix becomes an inclusive address range [lo, hi]. IPv4 ranges are
 * kept as 32-bit integers, IPv6 ranges as 128-bit values split into two
 * 64-bit halves. prefix_set_freeze() sorts each family and merges ranges
 * that overlap or touch, so that prefix_set_contains() is a binary search
 * over disjoint ranges. The texts as added are kept for prefix_set_print().
 */
#include "prefix.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define PREFIX_TEXT_MAX 64 /* longest accepted text: an IPv6 address + "/128" fits */

struct range4 {
    uint32_t lo, hi;
};

struct u128 {
    uint64_t hi, lo; /* most and least significant halves */
};

struct range6 {
    struct u128 lo, hi;
};

struct prefix_set {
    char **texts;
    size_t ntexts, texts_cap;

    struct range4 *v4;
    size_t n4, cap4;
    struct range6 *v6;
    size_t n6, cap6;

    bool frozen;
};

struct prefix_set *prefix_set_new(void) { return calloc(1, sizeof(struct prefix_set)); }

struct prefix_set *prefix_set_free(struct prefix_set *s)
{
    if (!s)
        return NULL;
    for (size_t i = 0; i < s->ntexts; i++)
        free(s->texts[i]);
    free(s->texts);
    free(s->v4);
    free(s->v6);
    free(s);
    return NULL;
}

/* Grows *arr (of elem-sized items, *cap of them) to hold one more. 0 or -ENOMEM. */
static int grow(void **arr, size_t *cap, size_t used, size_t elem)
{
    if (used < *cap)
        return 0;
    size_t ncap = *cap ? *cap * 2 : 8;
    if (ncap > SIZE_MAX / elem)
        return -ENOMEM;
    void *n = realloc(*arr, ncap * elem);
    if (!n)
        return -ENOMEM;
    *arr = n;
    *cap = ncap;
    return 0;
}

static struct u128 u128_from_bytes(const uint8_t b[16])
{
    struct u128 v = {0, 0};
    for (int i = 0; i < 8; i++) {
        v.hi = v.hi << 8 | b[i];
        v.lo = v.lo << 8 | b[8 + i];
    }
    return v;
}

static int u128_cmp(struct u128 x, struct u128 y)
{
    if (x.hi != y.hi)
        return x.hi < y.hi ? -1 : 1;
    if (x.lo != y.lo)
        return x.lo < y.lo ? -1 : 1;
    return 0;
}

static bool u128_is_max(struct u128 x) { return x.hi == UINT64_MAX && x.lo == UINT64_MAX; }

static struct u128 u128_inc(struct u128 x)
{
    x.lo++;
    if (x.lo == 0)
        x.hi++;
    return x;
}

/* Mask of the low (128 - len) host bits. */
static struct u128 u128_hostmask(unsigned len)
{
    struct u128 m;
    if (len >= 128) {
        m.hi = m.lo = 0;
    } else if (len >= 64) {
        m.hi = 0;
        m.lo = UINT64_MAX >> (len - 64);
    } else {
        m.hi = UINT64_MAX >> len;
        m.lo = UINT64_MAX;
    }
    return m;
}

/* Parses a prefix length of 1 to 3 decimal digits; -1 when malformed. */
static int parse_len(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > 3)
        return -1;
    int v = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

static int add_text(struct prefix_set *s, const char *text)
{
    if (grow((void **)&s->texts, &s->texts_cap, s->ntexts, sizeof(char *)) < 0)
        return -ENOMEM;
    char *t = strdup(text);
    if (!t)
        return -ENOMEM;
    s->texts[s->ntexts++] = t;
    return 0;
}

int prefix_set_add(struct prefix_set *s, const char *text, char *err, size_t errlen)
{
    char buf[PREFIX_TEXT_MAX + 1];
    const char *b = text, *e = text + strlen(text);

    while (b < e && isspace((unsigned char)*b))
        b++;
    while (e > b && isspace((unsigned char)e[-1]))
        e--;
    size_t n = (size_t)(e - b);
    if (n == 0) {
        snprintf(err, errlen, "empty prefix");
        return -EINVAL;
    }
    if (n > PREFIX_TEXT_MAX) {
        snprintf(err, errlen, "'%.*s...' is not a CIDR prefix", 20, b);
        return -EINVAL;
    }
    memcpy(buf, b, n);
    buf[n] = '\0';

    char addr[PREFIX_TEXT_MAX + 1];
    memcpy(addr, buf, n + 1);
    char *slash = strchr(addr, '/');
    int len = -1;
    if (slash) {
        *slash = '\0';
        len = parse_len(slash + 1);
    }

    uint8_t bytes[16];
    if (inet_pton(AF_INET, addr, bytes) == 1) {
        if (slash && (len < 0 || len > 32)) {
            snprintf(err, errlen, "'%s' has a bad prefix length (0..32)", buf);
            return -EINVAL;
        }
        if (!slash)
            len = 32;
        uint32_t a = (uint32_t)bytes[0] << 24 | (uint32_t)bytes[1] << 16 | (uint32_t)bytes[2] << 8 |
                     bytes[3];
        uint32_t host = len >= 32 ? 0 : (uint32_t)(UINT32_MAX >> len);
        if (a & host) {
            snprintf(err, errlen, "'%s' has host bits set", buf);
            return -EINVAL;
        }
        if (grow((void **)&s->v4, &s->cap4, s->n4, sizeof(*s->v4)) < 0 || add_text(s, buf) < 0)
            return -ENOMEM;
        s->v4[s->n4].lo = a;
        s->v4[s->n4].hi = a | host;
        s->n4++;
    } else if (inet_pton(AF_INET6, addr, bytes) == 1) {
        if (slash && (len < 0 || len > 128)) {
            snprintf(err, errlen, "'%s' has a bad prefix length (0..128)", buf);
            return -EINVAL;
        }
        if (!slash)
            len = 128;
        struct u128 a = u128_from_bytes(bytes);
        struct u128 m = u128_hostmask((unsigned)len);
        if ((a.hi & m.hi) || (a.lo & m.lo)) {
            snprintf(err, errlen, "'%s' has host bits set", buf);
            return -EINVAL;
        }
        if (grow((void **)&s->v6, &s->cap6, s->n6, sizeof(*s->v6)) < 0 || add_text(s, buf) < 0)
            return -ENOMEM;
        s->v6[s->n6].lo = a;
        s->v6[s->n6].hi.hi = a.hi | m.hi;
        s->v6[s->n6].hi.lo = a.lo | m.lo;
        s->n6++;
    } else {
        snprintf(err, errlen, "'%s' is not a CIDR prefix", buf);
        return -EINVAL;
    }
    s->frozen = false;
    return 0;
}

static int cmp4(const void *x, const void *y)
{
    const struct range4 *a = x, *b = y;
    if (a->lo != b->lo)
        return a->lo < b->lo ? -1 : 1;
    return 0;
}

static int cmp6(const void *x, const void *y)
{
    const struct range6 *a = x, *b = y;
    return u128_cmp(a->lo, b->lo);
}

int prefix_set_freeze(struct prefix_set *s)
{
    if (s->n4) {
        qsort(s->v4, s->n4, sizeof(*s->v4), cmp4);
        size_t out = 0;
        for (size_t i = 1; i < s->n4; i++) {
            struct range4 *cur = &s->v4[out];
            /* overlapping or adjacent: cur->hi + 1 >= next.lo, without overflow */
            if (cur->hi == UINT32_MAX || s->v4[i].lo <= cur->hi + 1) {
                if (s->v4[i].hi > cur->hi)
                    cur->hi = s->v4[i].hi;
            } else {
                s->v4[++out] = s->v4[i];
            }
        }
        s->n4 = out + 1;
    }
    if (s->n6) {
        qsort(s->v6, s->n6, sizeof(*s->v6), cmp6);
        size_t out = 0;
        for (size_t i = 1; i < s->n6; i++) {
            struct range6 *cur = &s->v6[out];
            if (u128_is_max(cur->hi) || u128_cmp(s->v6[i].lo, u128_inc(cur->hi)) <= 0) {
                if (u128_cmp(s->v6[i].hi, cur->hi) > 0)
                    cur->hi = s->v6[i].hi;
            } else {
                s->v6[++out] = s->v6[i];
            }
        }
        s->n6 = out + 1;
    }
    s->frozen = true;
    return 0;
}

bool prefix_set_contains(const struct prefix_set *s, const struct tw_addr *a)
{
    if (!s || !a)
        return false;
    if (a->family == 4) {
        uint32_t v =
            (uint32_t)a->a[0] << 24 | (uint32_t)a->a[1] << 16 | (uint32_t)a->a[2] << 8 | a->a[3];
        if (!s->frozen) {
            for (size_t i = 0; i < s->n4; i++)
                if (v >= s->v4[i].lo && v <= s->v4[i].hi)
                    return true;
            return false;
        }
        /* last range with lo <= v */
        size_t lo = 0, hi = s->n4;
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            if (s->v4[mid].lo <= v)
                lo = mid + 1;
            else
                hi = mid;
        }
        return lo > 0 && v <= s->v4[lo - 1].hi;
    }
    if (a->family == 6) {
        struct u128 v = u128_from_bytes(a->a);
        if (!s->frozen) {
            for (size_t i = 0; i < s->n6; i++)
                if (u128_cmp(v, s->v6[i].lo) >= 0 && u128_cmp(v, s->v6[i].hi) <= 0)
                    return true;
            return false;
        }
        size_t lo = 0, hi = s->n6;
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            if (u128_cmp(s->v6[mid].lo, v) <= 0)
                lo = mid + 1;
            else
                hi = mid;
        }
        return lo > 0 && u128_cmp(v, s->v6[lo - 1].hi) <= 0;
    }
    return false;
}

size_t prefix_set_count(const struct prefix_set *s) { return s ? s->ntexts : 0; }

void prefix_set_print(const struct prefix_set *s, FILE *out)
{
    fputc('[', out);
    for (size_t i = 0; s && i < s->ntexts; i++) {
        if (i)
            fputs(", ", out);
        /* IPv6 texts hold ':', which plain YAML scalars in flow style may not */
        if (strchr(s->texts[i], ':'))
            fprintf(out, "\"%s\"", s->texts[i]);
        else
            fputs(s->texts[i], out);
    }
    fputc(']', out);
}
