/*
 * pipeline.h - drives capture sources into the worker.
 *
 * Offline: reads each capture file in order (pcap or pcapng, "-" = stdin)
 * with libpcap, applies the optional BPF filter, and feeds one worker so
 * that events come out in capture order. Shows progress on stderr when it is
 * a terminal. Stops early, cleanly, when pipeline_request_stop() is called
 * (SIGINT/SIGTERM); pipeline_request_stats() asks for a stats event.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct sensor_config;
struct output;

struct pipeline_opts {
    const char *config_path; /* reloaded on SIGHUP; NULL = built-in defaults */
    const char *const *files;
    int nfiles;
    const char *bpf;
    bool progress; /* show progress on stderr */
    bool quiet;    /* no warnings on stderr */
    int verbose;
};

struct pipeline_result {
    uint64_t packets, bytes, flows;
    uint64_t decode_errors;
    uint64_t capture_drops;
    uint64_t output_failures;
    int files_failed; /* unreadable, or cut short */
    char events[512]; /* "alert 3, stats 1" */
};

/*
 * Runs the offline pipeline. Returns 0 when every file was read to its end,
 * 1 when a file could not be opened or was cut short (the others are still
 * processed; errors on stderr name file and packet), 2 on a setup error
 * (bad filter, signatures), with err set.
 */
int pipeline_run_offline(const struct sensor_config *cfg, struct output *out,
                         const struct pipeline_opts *opts, struct pipeline_result *res, char *err,
                         size_t errlen);

void pipeline_request_stop(void);
void pipeline_request_stats(void);
/* Reload the configuration and signatures before the next packet (SIGHUP). */
void pipeline_request_reload(void);
