/*
 * fuzz_h225.c - libFuzzer entry point for the H.225.0 call signalling
 * dissector (TPKT, Q.931, H.225.0 PER). Byte 0 seeds the chunk sizes; byte
 * 1 holds flags: bit 0 the first direction, bit 1 lose a few bytes before
 * some chunks (a gap), bit 2 end with a reset, bit 3 switch direction at
 * random between chunks. The rest is fed to parse() in chunks through one
 * buffer per direction that behaves like the worker's (src/worker.c
 * stream_feed): unconsumed bytes wait, a malformed message or a gap drops
 * them, a full buffer drops them as a gap, DIS_NOT_MINE detaches. Then both
 * directions end. Every event's strings must end inside their arrays, and a
 * call setup must name the called party with digits only. Without
 * -Dfuzz=true the same entry replays tests/corpus/h225/ (fuzz_replay.c).
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "h225.h"

#define FUZZ_BUF_MAX 8192

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_str(const char *s, size_t size)
{
    if (!memchr(s, '\0', size))
        abort();
}

static void check_digits(const char *s, size_t size)
{
    check_str(s, size);
    for (; *s; s++)
        if (!((*s >= '0' && *s <= '9') || *s == '*' || *s == '#' || *s == '+'))
            abort();
}

static void on_emit(struct dis_ctx *ctx, const struct dis_event *ev)
{
    (void)ctx;
    if (ev->type != EV_CALL_SETUP && ev->type != EV_CALL_END)
        abort();
    const struct ev_call *c = &ev->u.call;
    if (!c->protocol || strcmp(c->protocol, "h225") != 0)
        abort();
    check_digits(c->called, sizeof(c->called));
    check_digits(c->calling, sizeof(c->calling));
    check_str(c->called_name, sizeof(c->called_name));
    check_str(c->calling_name, sizeof(c->calling_name));
    check_str(c->device_name, sizeof(c->device_name));
    if (ev->type == EV_CALL_SETUP && !c->called[0])
        abort(); /* a setup always names the called party */
    if (c->release_cause < 0 || c->release_cause > 127)
        abort();
}

/* xorshift32: chunk sizes and choices from the seed byte */
static uint32_t next_rand(uint32_t *s)
{
    uint32_t x = *s;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    *s = x;
    return x;
}

struct fuzz_dir {
    uint8_t *buf;
    size_t len;
};

/* Returns false when the dissector let go of the flow. */
static bool feed(void *st, struct fuzz_dir *d, int dir, const uint8_t *p, size_t chunk,
                 uint64_t gap, uint64_t ts)
{
    struct cursor c;
    if (gap)
        d->len = 0;
    if (chunk > FUZZ_BUF_MAX - d->len) {
        gap += d->len; /* the worker drops what waits and reports it lost */
        d->len = 0;
        if (chunk > FUZZ_BUF_MAX)
            chunk = FUZZ_BUF_MAX;
    }
    memcpy(d->buf + d->len, p, chunk);
    d->len += chunk;

    struct dis_ctx ctx = {.dir = dir, .ts_us = ts, .gap = gap, .emit = on_emit};
    cur_init(&c, d->buf, d->len);
    enum dis_result r = h225_dissector.parse(&ctx, st, &c);
    switch (r) {
        case DIS_OK:
        case DIS_NEED_MORE:
            if (ctx.consumed > d->len)
                abort();
            if (r == DIS_OK && ctx.consumed != d->len)
                abort();
            memmove(d->buf, d->buf + ctx.consumed, d->len - ctx.consumed);
            d->len -= ctx.consumed;
            break;
        case DIS_MALFORMED:
            if (!ctx.error)
                abort();
            d->len = 0;
            break;
        case DIS_TRUNCATED:
            d->len = 0;
            break;
        case DIS_NOT_MINE:
            return false;
    }
    return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct cursor c;
    if (size < 2)
        return 0;
    uint32_t seed = 0x9e3779b9u ^ data[0];
    int dir = data[1] & 1;
    bool gaps = (data[1] & 2) != 0;
    bool reset = (data[1] & 4) != 0;
    bool switching = (data[1] & 8) != 0;
    const uint8_t *in = data + 2;
    size_t n = size - 2;

    cur_init(&c, in, n);
    (void)h225_dissector.probe(&c, dir);

    void *st = calloc(1, h225_dissector.state_size);
    struct fuzz_dir d[2] = {{malloc(FUZZ_BUF_MAX), 0}, {malloc(FUZZ_BUF_MAX), 0}};
    if (!st || !d[0].buf || !d[1].buf)
        goto out;
    size_t off = 0;
    bool attached = true;
    while (off < n && attached) {
        size_t chunk = 1 + next_rand(&seed) % 300;
        uint64_t gap = 0;
        if (switching && next_rand(&seed) % 3 == 0)
            dir = 1 - dir;
        if (gaps && next_rand(&seed) % 8 == 0) {
            size_t lost = 1 + next_rand(&seed) % 40;
            if (lost >= n - off)
                break;
            off += lost;
            gap = lost;
        }
        if (chunk > n - off)
            chunk = n - off;
        attached = feed(st, &d[dir], dir, in + off, chunk, gap, off);
        off += chunk;
    }
    if (attached) {
        struct dis_ctx ctx = {.dir = dir, .ts_us = n + 1, .emit = on_emit};
        h225_dissector.end(&ctx, st, reset);
        ctx.dir = 1 - dir;
        h225_dissector.end(&ctx, st, false);
    }
out:
    free(st);
    free(d[0].buf);
    free(d[1].buf);
    return 0;
}
