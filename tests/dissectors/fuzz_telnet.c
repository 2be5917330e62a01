/*
 * fuzz_telnet.c - libFuzzer entry point for the Telnet dissector (RFC 854).
 *
 * Input: byte 0 holds flags: bit 0 ends the client side with a reset, bit 1
 * lets some chunks follow lost bytes (a gap), bits 2-7 seed the chunk
 * sizes. Then records, one per segment: a header byte whose bit 7 is the
 * direction (0 client to server, 1 server to client) and bits 0-6 the
 * length minus one, then that many bytes (fewer at the end of the input).
 * Each record is handed to parse() in chunks of 1..64 bytes, as the worker
 * (src/worker.c stream_feed) would after reassembly; the probe sees the
 * first record. Then both directions end and the state is freed. parse()
 * must consume every byte it is given, and every event must be well formed:
 * credentials of protocol "telnet", NUL-terminated printable strings,
 * password_len at least the password copied, attempts numbered 1, 2, ...
 * tests/corpus/telnet/ holds real dialogues in this format; without
 * -Dfuzz=true the same entry replays them (fuzz_replay.c).
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "telnet.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct fuzz_run {
    uint32_t last_attempt;
};

/* The string must end inside its array and hold printable ASCII only; returns its length. */
static size_t check_str(const char *s, size_t size)
{
    const char *nul = memchr(s, '\0', size);
    if (!nul)
        abort();
    for (const char *p = s; p < nul; p++)
        if (*p < 0x20 || *p > 0x7e)
            abort();
    return (size_t)(nul - s);
}

static void on_emit(struct dis_ctx *ctx, const struct dis_event *ev)
{
    struct fuzz_run *run = ctx->user;
    const struct ev_cred *c = &ev->u.cred;
    if (ev->type != EV_CREDENTIALS || ev->actor != EV_ACTOR_CLIENT || ev->dir != DIR_TO_SERVER)
        abort();
    if (!c->protocol || strcmp(c->protocol, "telnet") != 0 || c->has_http)
        abort();
    size_t ulen = check_str(c->username, sizeof(c->username));
    size_t plen = check_str(c->password, sizeof(c->password));
    if (!c->has_username && ulen)
        abort();
    if (c->password_len < plen || (c->password_len > plen && plen != CRED_PASSWORD_MAX))
        abort();
    if (c->outcome > CRED_OUTCOME_FAILURE)
        abort();
    if (c->attempt != run->last_attempt + 1)
        abort();
    run->last_attempt = c->attempt;
}

/* xorshift32: chunk sizes from the seed */
static uint32_t next_rand(uint32_t *s)
{
    uint32_t x = *s;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    *s = x;
    return x;
}

/* Feeds one chunk in an exactly sized copy; false once the dissector let go. */
static bool feed(void *st, struct fuzz_run *run, int dir, const uint8_t *p, size_t n, uint64_t gap,
                 uint64_t ts)
{
    uint8_t *copy = malloc(n ? n : 1);
    if (!copy)
        return false;
    if (n)
        memcpy(copy, p, n);
    struct dis_ctx ctx = {.dir = dir, .ts_us = ts, .gap = gap, .emit = on_emit, .user = run};
    struct cursor c;
    cur_init(&c, copy, n);
    enum dis_result r = telnet_dissector.parse(&ctx, st, &c);
    free(copy);
    switch (r) {
        case DIS_OK:
            if (ctx.consumed != n)
                abort();
            return true;
        case DIS_MALFORMED:
            if (!ctx.error || ctx.consumed != n)
                abort();
            return true;
        case DIS_NOT_MINE:
            return false;
        default:
            abort(); /* telnet neither waits for more nor truncates */
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    uint8_t flags = data[0];
    uint32_t seed = 0x9e3779b9u ^ (uint32_t)(flags >> 2);
    size_t off = 1;
    struct fuzz_run run = {0};
    void *st = calloc(1, telnet_dissector.state_size);
    if (!st)
        return 0;
    bool attached = true, probed = false;
    uint64_t ts = 1;
    while (off < size && attached) {
        int dir = data[off] & 0x80 ? DIR_TO_CLIENT : DIR_TO_SERVER;
        size_t n = (size_t)(data[off] & 0x7f) + 1;
        off++;
        if (n > size - off)
            n = size - off;
        const uint8_t *rec = data + off;
        off += n;
        if (!probed) {
            struct cursor c;
            cur_init(&c, rec, n);
            (void)telnet_dissector.probe(&c, dir);
            probed = true;
        }
        size_t at = 0;
        while (at < n && attached) {
            size_t chunk = 1 + next_rand(&seed) % 64;
            uint64_t gap = 0;
            if (chunk > n - at)
                chunk = n - at;
            if ((flags & 2) && next_rand(&seed) % 8 == 0)
                gap = 1 + next_rand(&seed) % 40;
            attached = feed(st, &run, dir, rec + at, chunk, gap, ts++);
            at += chunk;
        }
    }
    if (attached) {
        struct dis_ctx ctx = {.dir = DIR_TO_SERVER,
                              .ts_us = ts,
                              .end_reason = (flags & 1) ? DIS_END_RST : DIS_END_FIN,
                              .emit = on_emit,
                              .user = &run};
        telnet_dissector.end(&ctx, st, (flags & 1) != 0);
        ctx.dir = DIR_TO_CLIENT;
        telnet_dissector.end(&ctx, st, (flags & 1) != 0);
    }
    if (telnet_dissector.state_free)
        telnet_dissector.state_free(st);
    free(st);
    return 0;
}
