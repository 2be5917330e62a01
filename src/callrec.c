/*
 * callrec.c - the EVE "call" object (SPEC section 2) from a protocol-neutral
 * call record (struct ev_call).
 *
 * One builder for every consumer (the call log, the toll-fraud detectors) so
 * that a SIEM sees the same keys whatever produced them. Numbers and names
 * come off the wire: they go through eve_set_bytes(), so bytes that are not
 * UTF-8 become \xNN escapes instead of breaking the JSON. Values the record
 * does not have (empty strings, zero times, unknown direction) are left out
 * rather than written as null. Times are EVE timestamps of packet time;
 * "duration" is the talk time, end - answer, in whole seconds (rounded
 * down), present only when the call was answered and ended.
 */
#include "callrec.h"

#include <stdio.h>
#include <string.h>

#include "eve.h"
#include "event.h"

static int set_str(json_t *o, const char *key, const char *s, size_t cap)
{
    size_t n = strnlen(s, cap);
    if (n == 0)
        return 0;
    return eve_set_bytes(o, key, (const uint8_t *)s, n);
}

static int set_time(json_t *o, const char *key, uint64_t ts_us)
{
    char buf[40];
    if (!ts_us)
        return 0;
    return json_object_set_new(o, key, json_string(eve_format_time(ts_us, buf, sizeof(buf))));
}

static const char *direction_name(uint8_t d)
{
    switch (d) {
        case CALL_DIR_OUTBOUND:
            return "outbound";
        case CALL_DIR_INBOUND:
            return "inbound";
        default:
            return NULL;
    }
}

static const char *source_name(uint8_t s)
{
    switch (s) {
        case CALL_SRC_DIGITS:
            return "digits";
        case CALL_SRC_ENBLOC:
            return "enbloc";
        case CALL_SRC_DIALED:
            return "dialed";
        case CALL_SRC_CALLINFO:
            return "callinfo";
        case CALL_SRC_SETUP:
            return "setup";
        default:
            return NULL;
    }
}

json_t *callrec_json(const struct ev_call *c)
{
    json_t *o = json_object();
    int r = 0;

    if (!o || !c)
        return o;
    if (c->protocol)
        r |= json_object_set_new(o, "protocol", json_string(c->protocol));
    r |= set_str(o, "called_number", c->called, sizeof(c->called));
    r |= set_str(o, "calling_number", c->calling, sizeof(c->calling));
    r |= set_str(o, "called_name", c->called_name, sizeof(c->called_name));
    r |= set_str(o, "calling_name", c->calling_name, sizeof(c->calling_name));
    r |= set_str(o, "device_name", c->device_name, sizeof(c->device_name));
    const char *dir = direction_name(c->direction);
    if (dir)
        r |= json_object_set_new(o, "direction", json_string(dir));
    const char *src = source_name(c->number_source);
    if (src)
        r |= json_object_set_new(o, "number_source", json_string(src));
    if (c->call_ref)
        r |= json_object_set_new(o, "call_ref", json_integer(c->call_ref));
    r |= set_time(o, "start", c->start_us);
    r |= set_time(o, "answer", c->answer_us);
    r |= set_time(o, "end", c->end_us);
    if (c->release_cause > 0)
        r |= json_object_set_new(o, "release_cause", json_integer(c->release_cause));
    if (c->has_call_id) {
        char id[37];
        const uint8_t *g = c->call_id;
        snprintf(id, sizeof(id),
                 "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", g[0], g[1],
                 g[2], g[3], g[4], g[5], g[6], g[7], g[8], g[9], g[10], g[11], g[12], g[13], g[14],
                 g[15]);
        r |= json_object_set_new(o, "call_id", json_string(id));
    }
    if (c->answer_us && c->end_us >= c->answer_us)
        r |= json_object_set_new(o, "duration",
                                 json_integer((json_int_t)((c->end_us - c->answer_us) / 1000000)));
    if (r) {
        json_decref(o);
        return NULL;
    }
    return o;
}
