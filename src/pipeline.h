/*
 * pipeline.h - capture thread, packet rings, workers, output thread.
 *
 *   capture thread (the caller's): libpcap -> hash of the host pair ->
 *       that worker's packet ring (SPSC, copy of the frame)
 *   worker threads (N): flows, reassembly, nDPI, dissectors, detectors ->
 *       serialised events -> their event queue (SPSC)
 *   output thread: merges the event queues in capture order -> outputs
 *
 * Every packet and every marker (tick, stats, reload, source, end) gets a
 * sequence number from the capture thread; events carry the number of the
 * item that caused them, and the output thread writes them in that order,
 * so offline output is the same for any worker count. Offline, a full ring
 * makes the capture thread wait; live, it is a counted drop.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct sensor_config;
struct output;

#define PIPELINE_MAX_WORKERS 64

struct pipeline_opts {
    const char *config_path;  /* reloaded on SIGHUP; NULL = built-in defaults */
    const char *const *files; /* offline: read in order */
    int nfiles;
    const char *iface; /* live, instead of files */
    const char *user;  /* live: run as this user once the capture is open */
    const char *bpf;
    int workers;   /* 0 = from the config, else cores - 1 (at least 1) */
    bool progress; /* show progress on stderr */
    bool quiet;    /* no warnings on stderr */
    int verbose;
};

struct pipeline_result {
    uint64_t packets, bytes, flows;
    uint64_t decode_errors;
    uint64_t kernel_drops, ring_drops;
    int files_failed; /* unreadable, or cut short */
    unsigned workers;
    char events[512]; /* "alert 3, stats 1" */
};

/*
 * Runs the pipeline over opts->files, or on opts->iface until SIGINT/SIGTERM.
 * Returns 0 when everything was read (or the capture stopped on request),
 * 1 when a file could not be opened or was cut short (the others are still
 * processed; errors on stderr name file and packet) or the live capture
 * failed, 2 on a setup error (bad filter, signatures, interface, --user),
 * with err set.
 */
int pipeline_run(const struct sensor_config *cfg, struct output *out,
                 const struct pipeline_opts *opts, struct pipeline_result *res, char *err,
                 size_t errlen);

/* Workers for a requested count: n > 0 as is (capped), else cores - 1, at least 1. */
unsigned pipeline_workers(int requested);

void pipeline_request_stop(void);
void pipeline_request_stats(void);
/* Reload the configuration and signatures before the next packet (SIGHUP). */
void pipeline_request_reload(void);
