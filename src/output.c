/*
 * output.c - fans event lines out to the enabled sinks and counts failures.
 *
 * A failing sink never stops the sensor: the failure is counted (reported in
 * stats and the exit summary) and the next line is tried again.
 */
#include "output.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "config.h"

#define OUTPUT_MAX_SINKS 4

struct output_slot {
    const struct output_sink *sink;
    void *handle;
};

struct output {
    struct output_slot slots[OUTPUT_MAX_SINKS];
    size_t count;
    struct output_stats stats;
};

int output_open(const struct sensor_config *cfg, const char *eve_target, struct output **ret,
                char *err, size_t errlen)
{
    if (cfg->redis_enabled) {
        /* Refuse rather than drop events silently until the sink exists. */
        snprintf(err, errlen,
                 "%s: outputs.redis.enabled: the Redis output is not available in "
                 "this version (use outputs.eve)",
                 cfg->source ? cfg->source : "config");
        return -ENOTSUP;
    }
    struct output *o = calloc(1, sizeof(*o));
    if (!o)
        return -ENOMEM;
    const char *target = eve_target ? eve_target : (cfg->eve_enabled ? cfg->eve_path : NULL);
    if (!target && !cfg->redis_enabled)
        target = "-"; /* SPEC: stdout when no Redis */
    if (target) {
        void *h = NULL;
        int r = output_file_sink.open(cfg, target, &h, err, errlen);
        if (r < 0) {
            free(o);
            return r;
        }
        o->slots[o->count].sink = &output_file_sink;
        o->slots[o->count].handle = h;
        o->count++;
    }
    *ret = o;
    return 0;
}

void output_write(struct output *o, const char *line, size_t len)
{
    if (!o)
        return;
    o->stats.lines++;
    o->stats.bytes += len + 1;
    for (size_t i = 0; i < o->count; i++)
        if (o->slots[i].sink->write(o->slots[i].handle, line, len) < 0)
            o->stats.failures++;
}

void output_flush(struct output *o)
{
    if (!o)
        return;
    for (size_t i = 0; i < o->count; i++)
        if (o->slots[i].sink->flush && o->slots[i].sink->flush(o->slots[i].handle) < 0)
            o->stats.failures++;
}

struct output *output_close(struct output *o)
{
    if (!o)
        return NULL;
    output_flush(o);
    for (size_t i = 0; i < o->count; i++)
        o->slots[i].sink->close(o->slots[i].handle);
    free(o);
    return NULL;
}

const struct output_stats *output_get_stats(const struct output *o) { return &o->stats; }
