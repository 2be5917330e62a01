/*
 * fuzz_skinny.c - libFuzzer entry point for the SCCP dissector. The input is
 * one direction's stream: byte 0 seeds the chunk sizes, byte 1 picks the
 * direction (bit 0) and whether some chunks follow lost bytes (bit 1); the
 * rest is fed to parse() in chunks through a small buffer that behaves like
 * the worker's (src/worker.c stream_feed): unconsumed bytes wait, a
 * malformed message or a gap drops them, a full buffer drops them as a gap,
 * DIS_NOT_MINE detaches. Then both directions end. Every event's strings must
 * be NUL-terminated inside their arrays. Without -Dfuzz=true the same entry
 * replays tests/corpus/skinny/ (fuzz_replay.c).
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "skinny.h"

#define FUZZ_BUF_MAX 8192 /* the worker keeps 8 KiB while undecided, 64 KiB after */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The string must end inside its array and hold printable ASCII only. */
static void check_str(const char *s, size_t size)
{
    const char *nul = memchr(s, '\0', size);
    if (!nul)
        abort();
    for (const char *p = s; p < nul; p++)
        if (*p < 0x20 || *p > 0x7e)
            abort();
}

static void on_emit(struct dis_ctx *ctx, const struct dis_event *ev)
{
    (void)ctx;
    switch (ev->type) {
        case EV_SCCP_MESSAGE:
            if (!ev->u.sccp_msg.name)
                abort();
            break;
        case EV_SCCP_REGISTRATION: {
            const struct ev_sccp_reg *r = &ev->u.sccp_reg;
            check_str(r->device_name, sizeof(r->device_name));
            check_str(r->mac, sizeof(r->mac));
            check_str(r->firmware, sizeof(r->firmware));
            check_str(r->reject_text, sizeof(r->reject_text));
            break;
        }
        case EV_CALL_SETUP:
        case EV_CALL_END: {
            const struct ev_call *c = &ev->u.call;
            check_str(c->called, sizeof(c->called));
            check_str(c->calling, sizeof(c->calling));
            check_str(c->called_name, sizeof(c->called_name));
            check_str(c->calling_name, sizeof(c->calling_name));
            check_str(c->device_name, sizeof(c->device_name));
            if (ev->type == EV_CALL_SETUP && !c->called[0])
                abort(); /* a setup always names the called party */
            if (!c->called[0] && !c->calling[0])
                abort();
            break;
        }
        default:
            abort();
    }
}

/* xorshift32: chunk sizes from the seed byte */
static uint32_t next_rand(uint32_t *s)
{
    uint32_t x = *s;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    *s = x;
    return x;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct cursor c;
    if (size < 2)
        return 0;
    uint32_t seed = 0x9e3779b9u ^ data[0];
    int dir = data[1] & 1;
    bool gaps = (data[1] & 2) != 0;
    const uint8_t *in = data + 2;
    size_t n = size - 2;

    cur_init(&c, in, n);
    (void)skinny_dissector.probe(&c, dir);

    void *st = calloc(1, skinny_dissector.state_size);
    uint8_t *buf = malloc(FUZZ_BUF_MAX);
    if (!st || !buf) {
        free(st);
        free(buf);
        return 0;
    }
    size_t len = 0, off = 0;
    bool detached = false;
    while (off < n && !detached) {
        size_t chunk = 1 + next_rand(&seed) % 300;
        uint64_t gap = 0;
        if (chunk > n - off)
            chunk = n - off;
        if (gaps && next_rand(&seed) % 8 == 0) {
            /* lose a few bytes before this chunk */
            size_t lost = 1 + next_rand(&seed) % 40;
            if (lost >= n - off)
                break;
            off += lost;
            gap = lost;
            if (chunk > n - off)
                chunk = n - off;
        }
        if (gap)
            len = 0;
        if (chunk > FUZZ_BUF_MAX - len) {
            gap += len; /* the worker drops what waits and reports it lost */
            len = 0;
            if (chunk > FUZZ_BUF_MAX)
                chunk = FUZZ_BUF_MAX;
        }
        memcpy(buf + len, in + off, chunk);
        len += chunk;
        off += chunk;

        struct dis_ctx ctx = {.dir = dir, .ts_us = off, .gap = gap, .emit = on_emit};
        cur_init(&c, buf, len);
        enum dis_result r = skinny_dissector.parse(&ctx, st, &c);
        switch (r) {
            case DIS_OK:
            case DIS_NEED_MORE:
                if (ctx.consumed > len)
                    abort();
                if (r == DIS_OK && ctx.consumed != len)
                    abort();
                memmove(buf, buf + ctx.consumed, len - ctx.consumed);
                len -= ctx.consumed;
                break;
            case DIS_MALFORMED:
                if (!ctx.error)
                    abort();
                len = 0;
                break;
            case DIS_NOT_MINE:
                detached = true;
                break;
            case DIS_TRUNCATED:
                len = 0;
                break;
        }
    }
    if (!detached) {
        struct dis_ctx ctx = {.dir = dir, .ts_us = n + 1, .emit = on_emit};
        skinny_dissector.end(&ctx, st, (data[1] & 4) != 0);
        ctx.dir = 1 - dir;
        skinny_dissector.end(&ctx, st, false);
    }
    if (skinny_dissector.state_free)
        skinny_dissector.state_free(st);
    free(st);
    free(buf);
    return 0;
}
