/*
 * output.c - fans event lines out to the enabled sinks and counts failures.
 *
 * A failing sink never stops the sensor: the failure is counted (reported in
 * stats and the exit summary) and the next line is tried again. The file
 * sink writes in the caller's thread; the Redis sink queues and delivers
 * from its own thread (output_redis.c), so output_drain() waits for it at
 * the end of a run.
 */
#include "output.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "output_redis.h"

#define OUTPUT_MAX_SINKS 4

struct output_slot {
    const struct output_sink *sink;
    void *handle;
};

struct output {
    struct output_slot slots[OUTPUT_MAX_SINKS];
    size_t count;
    struct output_stats stats;    /* lines, bytes, failures of the fan-out */
    struct output_stats snapshot; /* what output_get_stats() returns */
};

static int add_sink(struct output *o, const struct output_sink *sink,
                    const struct sensor_config *cfg, const char *target, unsigned flags, char *err,
                    size_t errlen)
{
    void *h = NULL;
    int r = sink->open(cfg, target, flags, &h, err, errlen);
    if (r < 0)
        return r;
    o->slots[o->count].sink = sink;
    o->slots[o->count].handle = h;
    o->count++;
    return 0;
}

int output_open(const struct sensor_config *cfg, const char *eve_target, unsigned flags,
                struct output **ret, char *err, size_t errlen)
{
    struct output *o = calloc(1, sizeof(*o));
    if (!o)
        return -ENOMEM;
    const char *target = eve_target ? eve_target : (cfg->eve_enabled ? cfg->eve_path : NULL);
    if (!target && !cfg->redis_enabled)
        target = "-"; /* SPEC: stdout when no Redis */
    int r = 0;
    if (target)
        r = add_sink(o, &output_file_sink, cfg, target, flags, err, errlen);
    if (r == 0 && cfg->redis_enabled)
        r = add_sink(o, &output_redis_sink, cfg, NULL, flags, err, errlen);
    if (r < 0) {
        output_close(o);
        return r;
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

uint64_t output_drain(struct output *o, double timeout_s)
{
    if (!o)
        return 0;
    output_flush(o);
    uint64_t left = 0;
    for (size_t i = 0; i < o->count; i++)
        if (o->slots[i].sink->drain)
            left += o->slots[i].sink->drain(o->slots[i].handle, timeout_s);
    return left;
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

const struct output_stats *output_get_stats(struct output *o)
{
    o->snapshot = o->stats;
    for (size_t i = 0; i < o->count; i++)
        if (o->slots[i].sink->get_stats)
            o->slots[i].sink->get_stats(o->slots[i].handle, &o->snapshot);
    return &o->snapshot;
}

const char *output_redis_spool_dir(const struct output *o)
{
    for (size_t i = 0; i < o->count; i++)
        if (o->slots[i].sink == &output_redis_sink)
            return output_redis_spool_dir_of(o->slots[i].handle);
    return NULL;
}
