/*
 * fuzz_http.c - libFuzzer entry point for the HTTP dissector. The input is
 * a connection: byte 0 seeds the chunk sizes, byte 1 holds flags (bit 0:
 * some chunks follow lost bytes, bit 1: the client direction ends with a
 * reset, bit 2: the server direction ends first), bytes 2-3 the length L
 * (big-endian) of the client stream, then L bytes client to server, then
 * the server stream. The two streams are fed alternately, in chunks, each
 * through a buffer that behaves like the worker's (src/worker.c
 * stream_feed, 64 KiB per direction): unconsumed bytes wait, a malformed
 * message or a gap drops them, a full buffer drops them as a gap,
 * DIS_NOT_MINE detaches. Then both directions end and the state is freed.
 * Every event must be well formed: strings NUL-terminated inside their
 * arrays and printable. Without -Dfuzz=true the same entry replays
 * tests/corpus/http/ (fuzz_replay.c).
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http.h"

#define FUZZ_BUF_MAX (64u << 10) /* WORKER_STREAM_MAX */

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

static void check_http(const struct ev_http_info *h)
{
    check_str(h->method, sizeof(h->method));
    check_str(h->host, sizeof(h->host));
    check_str(h->url, sizeof(h->url));
    check_str(h->user_agent, sizeof(h->user_agent));
    if (!h->method[0])
        abort(); /* every request has a method */
    if (h->status != 0 && (h->status < 100 || h->status > 999))
        abort();
}

static void on_emit(struct dis_ctx *ctx, const struct dis_event *ev)
{
    (void)ctx;
    if (ev->actor != EV_ACTOR_CLIENT || ev->dir != DIR_TO_SERVER)
        abort();
    switch (ev->type) {
        case EV_CREDENTIALS: {
            const struct ev_cred *c = &ev->u.cred;
            if (!c->protocol ||
                (strcmp(c->protocol, "http-basic") != 0 && strcmp(c->protocol, "http-form") != 0 &&
                 strcmp(c->protocol, "http-query") != 0))
                abort();
            check_str(c->username, sizeof(c->username));
            check_str(c->password, sizeof(c->password));
            if (c->password_len < strlen(c->password) || c->outcome > CRED_OUTCOME_FAILURE)
                abort();
            if (!c->has_http || c->attempt == 0)
                abort();
            check_http(&c->http);
            break;
        }
        case EV_HTTP_REQUEST:
            check_http(&ev->u.http);
            break;
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

struct side {
    const uint8_t *in;
    size_t n, off;
    uint8_t *buf;
    size_t len;
};

/* Feeds the next chunk of one direction; false once detached. */
static bool feed(void *st, struct side *sd, int dir, uint32_t *seed, bool gaps)
{
    size_t chunk = 1 + next_rand(seed) % 1500;
    uint64_t gap = 0;
    if (chunk > sd->n - sd->off)
        chunk = sd->n - sd->off;
    if (gaps && next_rand(seed) % 8 == 0) {
        size_t lost = 1 + next_rand(seed) % 100;
        if (lost >= sd->n - sd->off) {
            sd->off = sd->n;
            return true;
        }
        sd->off += lost;
        gap = lost;
        if (chunk > sd->n - sd->off)
            chunk = sd->n - sd->off;
    }
    if (gap)
        sd->len = 0;
    if (chunk > FUZZ_BUF_MAX - sd->len) {
        gap += sd->len; /* the worker drops what waits and reports it lost */
        sd->len = 0;
    }
    memcpy(sd->buf + sd->len, sd->in + sd->off, chunk);
    sd->len += chunk;
    sd->off += chunk;

    struct dis_ctx ctx = {.dir = dir, .ts_us = sd->off, .gap = gap, .emit = on_emit};
    struct cursor c;
    cur_init(&c, sd->buf, sd->len);
    enum dis_result r = http_dissector.parse(&ctx, st, &c);
    switch (r) {
        case DIS_OK:
        case DIS_NEED_MORE:
            if (ctx.consumed > sd->len)
                abort();
            if (r == DIS_OK && ctx.consumed != sd->len)
                abort();
            memmove(sd->buf, sd->buf + ctx.consumed, sd->len - ctx.consumed);
            sd->len -= ctx.consumed;
            break;
        case DIS_MALFORMED:
            if (!ctx.error)
                abort();
            sd->len = 0;
            break;
        case DIS_NOT_MINE:
            return false;
        case DIS_TRUNCATED:
            sd->len = 0;
            break;
    }
    return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct cursor c;
    if (size < 4)
        return 0;
    uint32_t seed = 0x9e3779b9u ^ data[0];
    bool gaps = (data[1] & 1) != 0;
    size_t cl = (size_t)data[2] << 8 | data[3];
    const uint8_t *in = data + 4;
    size_t n = size - 4;
    if (cl > n)
        cl = n;
    struct side sd[2] = {
        {.in = in, .n = cl},
        {.in = in + cl, .n = n - cl},
    };

    cur_init(&c, sd[0].in, sd[0].n);
    (void)http_dissector.probe(&c, DIR_TO_SERVER);
    cur_init(&c, sd[1].in, sd[1].n);
    (void)http_dissector.probe(&c, DIR_TO_CLIENT);

    void *st = calloc(1, http_dissector.state_size);
    sd[0].buf = malloc(FUZZ_BUF_MAX);
    sd[1].buf = malloc(FUZZ_BUF_MAX);
    if (!st || !sd[0].buf || !sd[1].buf) {
        free(st);
        free(sd[0].buf);
        free(sd[1].buf);
        return 0;
    }
    bool detached = false;
    while (!detached && (sd[0].off < sd[0].n || sd[1].off < sd[1].n)) {
        /* mostly alternate; sometimes one side sends twice */
        for (int dir = 0; dir < 2 && !detached; dir++) {
            if (sd[dir].off < sd[dir].n && next_rand(&seed) % 4 != 0)
                detached = !feed(st, &sd[dir], dir, &seed, gaps);
        }
    }
    if (!detached) {
        int first = (data[1] & 4) ? DIR_TO_CLIENT : DIR_TO_SERVER;
        struct dis_ctx ctx = {.dir = first, .ts_us = n + 1, .emit = on_emit};
        http_dissector.end(&ctx, st, first == DIR_TO_SERVER && (data[1] & 2) != 0);
        ctx.dir = 1 - first;
        http_dissector.end(&ctx, st, ctx.dir == DIR_TO_SERVER && (data[1] & 2) != 0);
    }
    http_dissector.state_free(st);
    free(st);
    free(sd[0].buf);
    free(sd[1].buf);
    return 0;
}
