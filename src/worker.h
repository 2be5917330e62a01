/*
 * worker.h - one packet-processing worker: decode, flows, reassembly, nDPI,
 * dissectors, detectors, event serialisation.
 *
 * A worker owns all of its state (flow table, reassembly pool, nDPI module,
 * detector private state); nothing in it is shared or locked, and it runs
 * on one thread at a time. It never writes output itself: finished events
 * go, serialised, to its sink (pipeline.c queues them to the output thread).
 *
 * Time: the worker's clock is the latest time it was given, by a packet
 * (now_us: the latest packet time of the whole capture, whichever worker
 * had it) or by a tick. Flows expire only at ticks, so that with several
 * workers they expire at the same point of the capture as with one.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

struct dis_event;
struct sensor_config;

/* Event types, for counting: worker_event_types[type] names them. */
#define WORKER_EVENT_TYPES 7
extern const char *const worker_event_types[WORKER_EVENT_TYPES];

struct worker_sink {
    /*
     * A finished event: a NUL-terminated JSON line of len bytes, malloc'd
     * (the sink owns it), its type index, and its order key among the events
     * of one tick: (last_ts, flow_id) of the flow being ended, {0, 0}
     * otherwise.
     */
    void (*event)(void *ctx, char *line, size_t len, int type, const uint64_t order[2]);
    /* This worker's share of a stats event (an EVE object, owned by the sink; NULL on OOM). */
    void (*stats)(void *ctx, json_t *part);
    void *ctx;
};

/* Counters the exit summary reads. */
struct worker_counters {
    uint64_t packets, bytes;
    uint64_t flow_alloc_failed;
    uint64_t stream_dropped_bytes; /* stream bytes no dissector buffer could take */
    uint64_t serialize_failed;
};

struct worker;

/*
 * Builds a worker: initialises every detector (loading signatures). The
 * table-wide caps of cfg (flows, stream bytes, fragments) are shared among
 * nworkers. On failure returns NULL with err set (e.g.
 * "signatures/x.txt:3: reason").
 */
struct worker *worker_new(const struct sensor_config *cfg, unsigned nworkers,
                          const struct worker_sink *sink, char *err, size_t errlen);
/*
 * Swaps in a new configuration (SIGHUP): detectors are initialised from cfg
 * first, and only when all succeed replace the old ones; flows, streams and
 * table limits stay as they are. cfg must outlive the worker or the next
 * reload. 0, or a negative errno with err set (the old state is kept).
 */
int worker_reload(struct worker *w, const struct sensor_config *cfg, char *err, size_t errlen);
/* Loads cfg's signatures as worker_reload would, and lets them go. 0 or negative errno, err set. */
int worker_check_config(const struct sensor_config *cfg, char *err, size_t errlen);
/* Ends all flows (flushing streams), frees everything; NULL-safe. */
struct worker *worker_free(struct worker *w);

/* Sets the link type and file name (or interface) of the capture that follows. */
void worker_set_source(struct worker *w, int linktype, const char *pcap_filename,
                       const char *in_iface);
/*
 * Processes one captured frame taken at ts_us; now_us is the latest packet
 * time so far (>= ts_us normally), pkt_no its number in its file (for -v).
 */
void worker_packet(struct worker *w, const uint8_t *data, size_t caplen, size_t wirelen,
                   uint64_t ts_us, uint64_t now_us, uint64_t pkt_no);
/* Expires idle flows and fragments at now_us. */
void worker_tick(struct worker *w, uint64_t now_us);
/* Ends every flow now (end of input), oldest first. */
void worker_end_flows(struct worker *w, uint64_t now_us);
/* Sends this worker's share of a stats event stamped ts_us to the sink. */
void worker_stats(struct worker *w, uint64_t ts_us);

/* Dispatches a dissector event to the subscribed detectors. */
void worker_dispatch(struct worker *w, const struct dis_event *ev);
/* Serialises a finished event and hands it to the sink; takes the reference. */
void worker_submit(struct worker *w, json_t *ev);

const struct worker_counters *worker_get_counters(const struct worker *w);
/* Total decode errors (malformed/truncated packets) so far. */
uint64_t worker_decode_errors(const struct worker *w);
uint64_t worker_flows(const struct worker *w);
/* Start-up warnings, one "detector: disabled: reason" line each; "" when none. */
const char *worker_warnings(const struct worker *w);
/* Verbose diagnostics to stderr (rate limited): set by main for -v. */
void worker_set_verbose(struct worker *w, int verbose);
