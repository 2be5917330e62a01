/*
 * fuzz_snmp.c - libFuzzer entry point for the SNMP dissector: the content
 * probe, parse(), and the EVE "snmp" object of every event it emits. Without
 * -Dfuzz=true the same entry replays tests/corpus/snmp/ (fuzz_replay.c).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <jansson.h>

#include "snmp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void on_emit(struct dis_ctx *ctx, const struct dis_event *ev)
{
    json_t *o = snmp_event_json(&ev->u.snmp);
    (void)ctx;
    if (o) {
        free(json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER));
        json_decref(o);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct cursor c;
    struct dis_ctx ctx = {.emit = on_emit};

    cur_init(&c, data, size);
    (void)snmp_dissector.probe(&c, 0);
    (void)snmp_dissector.parse(&ctx, NULL, &c);
    return 0;
}
