/*
 * worker.h - one packet-processing worker: decode, flows, reassembly, nDPI,
 * dissectors, detectors, event serialisation.
 *
 * A worker owns all of its state (flow table, reassembly pool, nDPI module,
 * detector private state); nothing in it is shared or locked. Offline runs
 * use one worker so that event order is the capture order.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

struct dis_event;
struct output;
struct sensor_config;

/* Counters the exit summary and stats events read. */
struct worker_counters {
    uint64_t packets, bytes;
    uint64_t events_total;
    uint64_t events_alert, events_stats, events_anomaly;
    uint64_t flow_alloc_failed;
    uint64_t stream_dropped_bytes; /* stream bytes no dissector buffer could take */
    uint64_t serialize_failed;
};

struct worker;

/*
 * Builds a worker: initialises every detector (loading signatures). On
 * failure returns NULL with err set (e.g. "signatures/x.txt:3: reason").
 */
struct worker *worker_new(const struct sensor_config *cfg, struct output *out, char *err,
                          size_t errlen);
/*
 * Swaps in a new configuration (SIGHUP): detectors are initialised from cfg
 * first, and only when all succeed replace the old ones; flows, streams and
 * table limits stay as they are. cfg must outlive the worker or the next
 * reload. 0, or a negative errno with err set (the old state is kept).
 */
int worker_reload(struct worker *w, const struct sensor_config *cfg, char *err, size_t errlen);
/* Ends all flows (flushing streams), frees everything; NULL-safe. */
struct worker *worker_free(struct worker *w);

/* Sets the link type and file name of the capture that follows. */
void worker_set_source(struct worker *w, int linktype, const char *pcap_filename,
                       const char *in_iface);
/* Processes one captured frame. */
void worker_packet(struct worker *w, const uint8_t *data, size_t caplen, size_t wirelen,
                   uint64_t ts_us);
/* Ends all flows now (end of input) and emits the final stats event. */
void worker_finish(struct worker *w);
/* Emits a stats event stamped ts_us (0 = last packet time). */
void worker_emit_stats(struct worker *w, uint64_t ts_us);

/* Dispatches a dissector event to the subscribed detectors. */
void worker_dispatch(struct worker *w, const struct dis_event *ev);
/* Serialises and writes a finished event; takes the reference. */
void worker_submit(struct worker *w, json_t *ev);

const struct worker_counters *worker_get_counters(const struct worker *w);
/* Total decode errors (malformed/truncated packets) so far. */
uint64_t worker_decode_errors(const struct worker *w);
uint64_t worker_flows(const struct worker *w);
/* Writes "alert 3, stats 1" style per-type counts into buf. */
void worker_event_summary(const struct worker *w, char *buf, size_t len);
/* Start-up warnings, one "detector: disabled: reason" line each; "" when none. */
const char *worker_warnings(const struct worker *w);
/* Verbose diagnostics to stderr (rate limited): set by main for -v. */
void worker_set_verbose(struct worker *w, int verbose);
