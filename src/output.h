/*
 * output.h - where serialised events go.
 *
 * A struct output_sink is a set of function pointers (as Suricata's
 * LogFileCtx): the file sink (output_file.c) writes lines to a file or
 * stdout; the Redis sink comes with issue 6. The output layer fans every
 * line out to the enabled sinks and counts failures.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

struct sensor_config;

struct output_sink {
    const char *name;
    /* Opens the sink; 0 or negative errno with err set. */
    int (*open)(const struct sensor_config *cfg, const char *target, void **ret_handle, char *err,
                size_t errlen);
    /* Writes one event line (no newline in buf). 0 or negative errno. */
    int (*write)(void *handle, const char *buf, size_t len);
    int (*flush)(void *handle);
    void (*close)(void *handle);
};

extern const struct output_sink output_file_sink;

struct output_stats {
    uint64_t lines;
    uint64_t bytes;
    uint64_t failures;
};

struct output;

/*
 * Opens the outputs the config enables; eve_target overrides
 * outputs.eve.path when not NULL (-o). 0 or negative errno with err set.
 */
int output_open(const struct sensor_config *cfg, const char *eve_target, struct output **ret,
                char *err, size_t errlen);
/* Writes one event line to every sink; failures are counted, never fatal. */
void output_write(struct output *o, const char *line, size_t len);
void output_flush(struct output *o);
struct output *output_close(struct output *o);
const struct output_stats *output_get_stats(const struct output *o);
