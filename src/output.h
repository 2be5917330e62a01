/*
 * output.h - where serialised events go.
 *
 * A struct output_sink is a set of function pointers (as Suricata's
 * LogFileCtx): the file sink (output_file.c) writes lines to a file or
 * stdout; the Redis sink (output_redis.c) hands them to its own thread,
 * which pipelines them to Redis and spools them to disk while Redis is
 * away. The output layer fans every line out to the enabled sinks and
 * counts failures.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

struct sensor_config;
struct output_stats;

/* output_open() flags */
#define OUTPUT_QUIET       0x1u /* sinks print no warnings on stderr */
#define OUTPUT_REDIS_RETRY 0x2u /* live mode: a Redis start-up error is a warning, retried */

struct output_sink {
    const char *name;
    /* Opens the sink; 0 or negative errno with err set. */
    int (*open)(const struct sensor_config *cfg, const char *target, unsigned flags,
                void **ret_handle, char *err, size_t errlen);
    /* Writes one event line (no newline in buf). 0 or negative errno. */
    int (*write)(void *handle, const char *buf, size_t len);
    int (*flush)(void *handle);
    void (*close)(void *handle);
    /*
     * Optional: waits at most timeout_s seconds until every line written so
     * far is delivered; returns the number of lines not delivered (kept in a
     * spool for the next run).
     */
    uint64_t (*drain)(void *handle, double timeout_s);
    /* Optional: adds the sink's own counters to *st. */
    void (*get_stats)(void *handle, struct output_stats *st);
};

extern const struct output_sink output_file_sink;
extern const struct output_sink output_redis_sink;

struct output_stats {
    uint64_t lines;
    uint64_t bytes;
    uint64_t failures; /* lines a sink could not take, Redis rejections included */
    /* Redis sink; all 0 without it */
    int redis;                    /* 1 when the Redis sink is on */
    int redis_connected;          /* 1 while connected */
    uint64_t redis_queued;        /* lines put in the memory queue */
    uint64_t redis_spooled;       /* lines written to the spool (queue full, Redis down) */
    uint64_t redis_delivered;     /* lines acknowledged by Redis */
    uint64_t redis_replayed;      /* of those, read back from the spool */
    uint64_t redis_resent;        /* lines sent again after an unacknowledged send */
    uint64_t redis_failed;        /* lines rejected by Redis or not spoolable: lost */
    uint64_t redis_reconnects;    /* successful connections after the first */
    uint64_t redis_queue_depth;   /* lines in the memory queue now */
    uint64_t redis_spool_pending; /* lines in the spool now */
    uint64_t redis_spool_torn;    /* torn spool tails truncated at start-up */
    uint64_t redis_spool_corrupt; /* spool records skipped for a bad checksum */
};

struct output;

/*
 * Opens the outputs the config enables; eve_target overrides
 * outputs.eve.path when not NULL (-o). flags: OUTPUT_*. Without -o and with
 * Redis enabled, the file output runs only if outputs.eve.enabled. 0 or
 * negative errno with err set.
 */
int output_open(const struct sensor_config *cfg, const char *eve_target, unsigned flags,
                struct output **ret, char *err, size_t errlen);
/* Writes one event line to every sink; failures are counted, never fatal. */
void output_write(struct output *o, const char *line, size_t len);
void output_flush(struct output *o);
/*
 * Waits (at most timeout_s) for sinks that deliver asynchronously; returns
 * the number of lines left undelivered (0 = everything delivered).
 */
uint64_t output_drain(struct output *o, double timeout_s);
struct output *output_close(struct output *o);
/* A snapshot of the counters, refreshed by each call (not thread-safe against itself). */
const struct output_stats *output_get_stats(struct output *o);
/* Spool folder of the Redis sink, or NULL. */
const char *output_redis_spool_dir(const struct output *o);
