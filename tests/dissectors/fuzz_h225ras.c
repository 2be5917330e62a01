/*
 * fuzz_h225ras.c - libFuzzer entry point for the H.225.0 RAS dissector
 * (UDP datagrams, X.691 aligned PER).
 *
 * An input is one datagram, fed to probe(), h225ras_decode() and parse()
 * from one side and then again from the other (a retransmission, or the
 * gatekeeper's answer), then the flow ends. An input that begins with
 * "RAS*" is a sequence of datagrams instead: each record is a flags octet
 * (bit 0: direction), a 2-octet length and that many bytes. Every event's
 * strings must end inside their arrays. Without -Dfuzz=true the same entry
 * replays tests/corpus/h225ras/ (fuzz_replay.c).
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "h225ras.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_str(const char *s, size_t size)
{
    if (!memchr(s, '\0', size))
        abort();
}

static void on_emit(struct dis_ctx *ctx, const struct dis_event *ev)
{
    (void)ctx;
    if (ev->type != EV_CALL_SETUP && ev->type != EV_CALL_END)
        abort();
    const struct ev_call *c = &ev->u.call;
    if (!c->protocol || strcmp(c->protocol, "h225ras") != 0)
        abort();
    check_str(c->called, sizeof(c->called));
    check_str(c->calling, sizeof(c->calling));
    check_str(c->called_name, sizeof(c->called_name));
    check_str(c->calling_name, sizeof(c->calling_name));
    if (!c->called[0])
        abort(); /* RAS calls exist only with a called number */
}

static void datagram(void *st, int dir, const uint8_t *p, size_t n, uint64_t ts)
{
    struct cursor c;
    struct h225ras_msg m;
    const char *why = NULL;

    cur_init(&c, p, n);
    (void)h225ras_dissector.probe(&c, dir);
    if (h225ras_decode(&c, &m, &why) != 0 && !why)
        abort();
    for (uint32_t i = 0; i < m.aliases.kept; i++)
        check_str(m.aliases.a[i].value, sizeof(m.aliases.a[i].value));
    check_str(m.endpoint_id, sizeof(m.endpoint_id));
    check_str(m.gatekeeper_id, sizeof(m.gatekeeper_id));

    struct dis_ctx ctx = {.dir = dir, .ts_us = ts, .emit = on_emit};
    cur_init(&c, p, n);
    enum dis_result r = h225ras_dissector.parse(&ctx, st, &c);
    if (r == DIS_MALFORMED && !ctx.error)
        abort();
    if (r == DIS_NEED_MORE || r == DIS_NOT_MINE)
        abort(); /* a datagram dissector has neither */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    void *st = calloc(1, h225ras_dissector.state_size);
    if (!st)
        return 0;
    if (size >= 4 && memcmp(data, "RAS*", 4) == 0) {
        size_t off = 4;
        uint64_t ts = 1;
        while (size - off >= 3) {
            int dir = data[off] & 1;
            size_t len = (size_t)data[off + 1] << 8 | data[off + 2];
            off += 3;
            if (len > size - off)
                len = size - off;
            datagram(st, dir, data + off, len, ts++);
            off += len;
        }
    } else {
        datagram(st, 0, data, size, 1);
        datagram(st, 1, data, size, 2);
    }
    struct dis_ctx ctx = {.dir = 0, .ts_us = 3, .emit = on_emit};
    h225ras_dissector.end(&ctx, st, false);
    free(st);
    return 0;
}
