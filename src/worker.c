/*
 * worker.c - the packet path of one worker:
 *
 *   frame -> decode (+defrag) -> flow_lookup -> nDPI (young flows)
 *         -> UDP: datagram to the flow's dissector
 *         -> TCP: reasm -> ordered bytes -> stream buffer -> dissector
 *   dissector -> dis_emit -> worker_dispatch -> detectors -> alert_emit
 *         -> worker_submit -> the worker's sink (pipeline.c: to the output thread)
 *
 * Dissector choice (SPEC section 7): a dissector whose default port matches
 * and whose probe accepts the first payload claims the flow; failing that,
 * one whose nDPI id matches nDPI's verdict. Until a TCP flow is decided its
 * stream bytes wait in a small bounded buffer. Stream buffers are bounded per
 * direction (WORKER_STREAM_MAX) and in all (cfg stream_global_cap); bytes
 * beyond are dropped, counted, and reported to the dissector as a gap.
 */
#include "worker.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "classify.h"
#include "config.h"
#include "decode.h"
#include "defrag.h"
#include "detector.h"
#include "dissector.h"
#include "eve.h"
#include "flow.h"
#include "reasm.h"
#include "stats.h"

#define WORKER_STREAM_MAX    (64u << 10) /* unconsumed bytes per direction, claimed flow */
#define WORKER_PENDING_MAX   (8u << 10)  /* bytes per direction waiting for a decision */
#define WORKER_MAX_DIS       32
#define WORKER_MAX_DET       32
#define WORKER_MAX_ANOMALIES 3  /* anomaly events per flow */
#define WORKER_LOG_ERRORS    20 /* -v: decode errors printed per run */

struct stream_buf {
    size_t len;
    size_t cap;
    uint8_t data[];
};

struct dis_counters {
    uint64_t flows;
    uint64_t calls;
    uint64_t result[5]; /* by enum dis_result */
    uint64_t gaps;
};

struct worker {
    const struct sensor_config *cfg;
    struct worker_sink sink;
    struct decoder dec;
    struct flow_table *flows;
    struct reasm_ctx reasm;
    struct classify *cls;
    void *det_priv[WORKER_MAX_DET];
    bool det_off[WORKER_MAX_DET]; /* turned itself off at init (warning) */
    char warnings[1024];          /* one line per disabled detector */
    struct det_ctx det;
    struct eve_meta meta;
    char *pcap_filename;
    char *in_iface;

    struct worker_counters c;
    struct dis_counters dis_c[WORKER_MAX_DIS];
    size_t stream_bytes; /* bytes in all stream buffers */
    size_t stream_cap;

    uint64_t last_ts; /* latest packet time seen (timers) */
    uint64_t pkt_ts;  /* time of the packet being processed (events) */
    uint64_t pkt_in_file;
    bool sweeping;     /* ending flows at a tick or at the end: events get an order key */
    uint64_t order[2]; /* that key: the flow's (last_ts, flow_id) */
    int flow_end_why;  /* enum flow_end_reason while a flow is being ended, else -1 */
    int verbose;
    unsigned errors_logged;
};

struct stream_user {
    struct worker *w;
    struct flow *f;
};

static void on_stream_data(void *user, int dir, const uint8_t *data, size_t len, uint64_t gap);
static void on_stream_end(void *user, int dir, bool reset);
static void on_flow_end(void *user, struct flow *f, enum flow_end_reason why);

/* ---- stream buffers ---------------------------------------------------- */

static void sbuf_release(struct worker *w, struct flow *f, int dir)
{
    struct stream_buf *sb = f->sbuf[dir];
    if (!sb)
        return;
    w->stream_bytes -= sb->cap;
    free(sb);
    f->sbuf[dir] = NULL;
}

/* Appends to f's buffer of dir, at most max bytes held. false if it would not fit. */
static bool sbuf_append(struct worker *w, struct flow *f, int dir, const uint8_t *data, size_t len,
                        size_t max)
{
    struct stream_buf *sb = f->sbuf[dir];
    size_t have = sb ? sb->len : 0;
    if (len > max - have)
        return false;
    if (!sb || have + len > sb->cap) {
        size_t cap = sb ? sb->cap : 0;
        size_t ncap = cap ? cap : 1024;
        while (ncap < have + len)
            ncap *= 2;
        if (ncap > max)
            ncap = max;
        if (ncap - cap > w->stream_cap - w->stream_bytes)
            return false;
        struct stream_buf *nb = realloc(sb, sizeof(*nb) + ncap);
        if (!nb)
            return false;
        if (!sb)
            nb->len = 0;
        nb->cap = ncap;
        w->stream_bytes += ncap - cap;
        f->sbuf[dir] = sb = nb;
    }
    memcpy(sb->data + sb->len, data, len);
    sb->len += len;
    return true;
}

/* ---- dissector choice ---------------------------------------------------- */

/*
 * A dissector's default port must be the flow's server port: a DNS answer
 * to a resolver's random port 1719 is not H.225 RAS. flow.c puts the
 * service port (well-known or one of the VoIP ports) on the server side.
 */
static bool dis_port_match(const struct dissector *d, const struct flow *f)
{
    for (int i = 0; i < DIS_MAX_PORTS && d->ports[i]; i++)
        if (d->ports[i] == f->sport)
            return true;
    return false;
}

static bool dis_ndpi_match(const struct dissector *d, const struct flow *f)
{
    for (int i = 0; i < DIS_MAX_NDPI && d->ndpi_ids[i]; i++)
        if (d->ndpi_ids[i] == f->ndpi_app || d->ndpi_ids[i] == f->ndpi_master)
            return true;
    return false;
}

static size_t dis_index(const struct dissector *d)
{
    for (size_t i = 0; i < dissector_count; i++)
        if (dissector_table[i] == d)
            return i;
    return 0;
}

static void app_claim(struct worker *w, struct flow *f, size_t i)
{
    const struct dissector *d = dissector_table[i];
    if (d->state_size) {
        f->dis_state = calloc(1, d->state_size);
        if (!f->dis_state) {
            f->app_rejected |= 1u << i;
            return;
        }
    }
    f->dis = d;
    f->app_state = FLOW_APP_CLAIMED;
    f->app_proto = d->name;
    w->dis_c[i].flows++;
}

static void app_none(struct worker *w, struct flow *f)
{
    f->app_state = FLOW_APP_NONE;
    f->app_proto = f->ndpi_done ? classify_name(w->cls, f) : NULL;
    sbuf_release(w, f, 0);
    sbuf_release(w, f, 1);
}

/* Tries to choose a dissector for f given its first payload (may be empty). */
static void app_decide(struct worker *w, struct flow *f, int dir, const uint8_t *data, size_t len)
{
    bool port_candidate = false;
    if (f->app_state != FLOW_APP_UNDECIDED)
        return;
    for (size_t i = 0; i < dissector_count; i++) {
        const struct dissector *d = dissector_table[i];
        if ((f->app_rejected & (1u << i)) || d->l4 != f->proto || !dis_port_match(d, f))
            continue;
        if (len == 0) {
            port_candidate = true;
            continue;
        }
        struct cursor c;
        cur_init(&c, data, len);
        if (!d->probe || d->probe(&c, dir)) {
            app_claim(w, f, i);
            if (f->app_state == FLOW_APP_CLAIMED)
                return;
        } else if (f->proto == 6) {
            f->app_rejected |= 1u << i; /* a stream that starts wrong stays wrong */
        } else {
            port_candidate = true; /* UDP: the next datagram gets its own probe */
        }
    }
    if (!f->ndpi_done)
        return;
    for (size_t i = 0; i < dissector_count; i++) {
        const struct dissector *d = dissector_table[i];
        if ((f->app_rejected & (1u << i)) || d->l4 != f->proto || !dis_ndpi_match(d, f))
            continue;
        app_claim(w, f, i);
        if (f->app_state == FLOW_APP_CLAIMED)
            return;
    }
    if (!port_candidate)
        app_none(w, f);
}

static void app_detach(struct worker *w, struct flow *f)
{
    if (f->dis) {
        f->app_rejected |= 1u << dis_index(f->dis);
        if (f->dis->state_free && f->dis_state)
            f->dis->state_free(f->dis_state);
    }
    free(f->dis_state);
    f->dis_state = NULL;
    f->dis = NULL;
    app_none(w, f);
}

static void emit_anomaly(struct worker *w, struct flow *f, int dir, uint64_t ts, const char *what,
                         const char *code)
{
    if (f->app_errors >= WORKER_MAX_ANOMALIES)
        return;
    f->app_errors++;
    json_t *o = eve_header(&w->meta, f, dir, ts, "anomaly");
    if (!o)
        return;
    json_t *a = json_object();
    json_object_set_new(a, "type", json_string("applayer"));
    json_object_set_new(a, "event", json_string(what ? what : "malformed message"));
    json_object_set_new(a, "layer", json_string("proto_parser"));
    json_object_set_new(a, "code", json_string(code));
    json_object_set_new(o, "anomaly", a);
    worker_submit(w, o);
}

/*
 * Runs the flow's dissector over data; returns bytes consumed (all of them
 * unless it asks for more). Handles detach and anomalies.
 */
static size_t app_parse(struct worker *w, struct flow *f, int dir, const uint8_t *data, size_t len,
                        uint64_t gap)
{
    const struct dissector *d = f->dis;
    size_t i = dis_index(d);
    struct dis_ctx ctx = {
        .w = w,
        .flow = f,
        .dir = dir,
        .ts_us = w->pkt_ts,
        .gap = gap,
    };
    struct cursor c;
    cur_init(&c, data, len);
    enum dis_result r = d->parse(&ctx, f->dis_state, &c);
    w->dis_c[i].calls++;
    if ((unsigned)r < 5)
        w->dis_c[i].result[r]++;
    switch (r) {
        case DIS_OK:
        case DIS_NEED_MORE:
            if (d->l4 == 6)
                return ctx.consumed > len ? len : ctx.consumed;
            return len;
        case DIS_TRUNCATED:
            return len;
        case DIS_MALFORMED:
            emit_anomaly(w, f, dir, w->pkt_ts, ctx.error, "malformed");
            return len;
        case DIS_NOT_MINE:
            app_detach(w, f);
            return len;
    }
    return len;
}

/* Feeds stream bytes of a claimed flow through its per-direction buffer. */
static void stream_feed(struct worker *w, struct flow *f, int dir, const uint8_t *data, size_t len,
                        uint64_t gap)
{
    if (f->app_lost & (1u << dir)) {
        f->app_lost &= (uint8_t) ~(1u << dir);
        if (!gap)
            gap = 1; /* the size is unknown: at least one byte was dropped */
    }
    if (gap) {
        w->dis_c[dis_index(f->dis)].gaps++;
        if (f->sbuf[dir])
            f->sbuf[dir]->len = 0; /* a message cut by the gap cannot complete */
    }
    struct stream_buf *sb = f->sbuf[dir];
    if (!sb || sb->len == 0) {
        size_t used = app_parse(w, f, dir, data, len, gap);
        if (f->app_state != FLOW_APP_CLAIMED || used >= len)
            return;
        if (!sbuf_append(w, f, dir, data + used, len - used, WORKER_STREAM_MAX)) {
            w->c.stream_dropped_bytes += len - used;
            f->app_lost |= (uint8_t)(1u << dir);
        }
        return;
    }
    if (!sbuf_append(w, f, dir, data, len, WORKER_STREAM_MAX)) {
        /* cannot hold it: drop what waits, restart at this data after a gap */
        w->c.stream_dropped_bytes += sb->len;
        uint64_t lost = sb->len;
        sb->len = 0;
        stream_feed(w, f, dir, data, len, lost);
        return;
    }
    sb = f->sbuf[dir];
    size_t used = app_parse(w, f, dir, sb->data, sb->len, 0);
    if (f->app_state != FLOW_APP_CLAIMED || !f->sbuf[dir])
        return;
    sb = f->sbuf[dir];
    if (used >= sb->len) {
        sb->len = 0;
    } else if (used) {
        memmove(sb->data, sb->data + used, sb->len - used);
        sb->len -= used;
    }
}

/* After a late decision, hands the bytes that waited to the dissector. */
static void app_drain_pending(struct worker *w, struct flow *f)
{
    for (int dir = 0; dir < 2; dir++) {
        struct stream_buf *sb = f->sbuf[dir];
        if (!sb || f->app_state != FLOW_APP_CLAIMED)
            continue;
        f->sbuf[dir] = NULL;
        w->stream_bytes -= sb->cap;
        if (sb->len)
            stream_feed(w, f, dir, sb->data, sb->len, 0);
        free(sb);
    }
}

static void on_stream_data(void *user, int dir, const uint8_t *data, size_t len, uint64_t gap)
{
    struct stream_user *su = user;
    struct worker *w = su->w;
    struct flow *f = su->f;
    if (f->app_state == FLOW_APP_UNDECIDED) {
        if (gap && f->sbuf[dir])
            f->sbuf[dir]->len = 0;
        if (len && !sbuf_append(w, f, dir, data, len, WORKER_PENDING_MAX)) {
            w->c.stream_dropped_bytes += len;
            return;
        }
        const struct stream_buf *sb = f->sbuf[dir];
        if (sb && sb->len)
            app_decide(w, f, dir, sb->data, sb->len);
        if (f->app_state == FLOW_APP_CLAIMED)
            app_drain_pending(w, f);
        return;
    }
    if (f->app_state == FLOW_APP_CLAIMED)
        stream_feed(w, f, dir, data, len, gap);
}

static void on_stream_end(void *user, int dir, bool reset)
{
    struct stream_user *su = user;
    struct flow *f = su->f;
    if (f->app_state != FLOW_APP_CLAIMED || !f->dis->end)
        return;
    struct dis_ctx ctx = {
        .w = su->w,
        .flow = f,
        .dir = dir,
        .ts_us = su->w->pkt_ts,
    };
    if (reset)
        ctx.end_reason = DIS_END_RST;
    else if (su->w->flow_end_why == FLOW_END_SHUTDOWN)
        ctx.end_reason = DIS_END_SHUTDOWN;
    else if (su->w->flow_end_why >= 0)
        ctx.end_reason = DIS_END_TIMEOUT;
    else
        ctx.end_reason = DIS_END_FIN;
    f->dis->end(&ctx, f->dis_state, reset);
}

static void on_flow_end(void *user, struct flow *f, enum flow_end_reason why)
{
    struct worker *w = user;
    w->flow_end_why = (int)why;
    if (w->sweeping) {
        w->order[0] = f->last_ts;
        w->order[1] = f->flow_id;
    }
    uint64_t saved_ts = w->pkt_ts;
    w->pkt_ts = w->last_ts; /* a flow ends at the latest time seen, not at its last packet */
    struct stream_user su = {.w = w, .f = f};
    struct reasm_cb cb = {.data = on_stream_data, .end = on_stream_end, .user = &su};
    if (f->app_state == FLOW_APP_UNDECIDED) {
        classify_flow_end(w->cls, f);
        app_decide(w, f, DIR_TO_SERVER, NULL, 0);
        if (f->app_state == FLOW_APP_CLAIMED)
            app_drain_pending(w, f);
    }
    if (f->proto == 6) {
        reasm_flush(&w->reasm, &f->rd[0], 0, &cb);
        reasm_flush(&w->reasm, &f->rd[1], 1, &cb);
        reasm_dir_free(&w->reasm, &f->rd[0]);
        reasm_dir_free(&w->reasm, &f->rd[1]);
    } else if (f->app_state == FLOW_APP_CLAIMED) {
        on_stream_end(&su, DIR_TO_SERVER, false); /* a datagram flow ends once */
    }
    classify_flow_end(w->cls, f);
    if (f->dis && f->dis->state_free && f->dis_state)
        f->dis->state_free(f->dis_state);
    free(f->dis_state);
    f->dis_state = NULL;
    f->dis = NULL;
    sbuf_release(w, f, 0);
    sbuf_release(w, f, 1);
    w->pkt_ts = saved_ts;
    w->flow_end_why = -1;
    w->order[0] = w->order[1] = 0;
}

/* ---- worker life ---------------------------------------------------------- */

static void detectors_fini(void **priv)
{
    for (size_t i = 0; i < detector_count && i < WORKER_MAX_DET; i++) {
        if (detector_table[i]->fini && priv[i])
            detector_table[i]->fini(priv[i]);
        priv[i] = NULL;
    }
}

/*
 * Initialises every detector from cfg. A detector that turns itself off
 * adds "name: reason" to warnings. On error every detector started is
 * finished again and the negative errno returned (err set).
 */
static int detectors_init(const struct sensor_config *cfg, void **priv, bool *off, char *warnings,
                          size_t wlen, char *err, size_t errlen)
{
    size_t wo = 0;
    warnings[0] = '\0';
    for (size_t i = 0; i < detector_count && i < WORKER_MAX_DET; i++) {
        const struct detector *d = detector_table[i];
        priv[i] = NULL;
        off[i] = false;
        if (!d->init)
            continue;
        err[0] = '\0';
        int r = d->init(cfg, &priv[i], err, errlen);
        if (r < 0) {
            detectors_fini(priv);
            return r;
        }
        if (r > 0) {
            off[i] = true;
            if (wo < wlen)
                wo +=
                    (size_t)snprintf(warnings + wo, wlen - wo, "%s: disabled: %s\n", d->name, err);
        }
    }
    err[0] = '\0';
    return 0;
}

/* A worker's share of a table-wide cap: at least min, whatever the worker count. */
static long cap_share(long cap, unsigned nworkers, long min)
{
    long share = nworkers > 1 ? cap / (long)nworkers : cap;
    return share < min ? (cap < min ? cap : min) : share;
}

struct worker *worker_new(const struct sensor_config *cfg, unsigned nworkers,
                          const struct worker_sink *sink, char *err, size_t errlen)
{
    struct worker *w = calloc(1, sizeof(*w));
    if (!w) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    w->cfg = cfg;
    w->sink = *sink;
    w->flow_end_why = -1;
    w->meta.host = cfg->host;
    w->stream_cap = (size_t)cap_share(cfg->stream_global_cap, nworkers, 1 << 20);
    w->det.w = w;
    w->det.cfg = cfg;
    w->det.meta = &w->meta;

    struct defrag_limits dl = {
        .max_datagrams = (size_t)cap_share(cfg->frag_max_datagrams, nworkers, 64),
        .max_bytes = DEFRAG_DEFAULT_MAX_BYTES,
        .timeout_us = (uint64_t)cfg->frag_timeout * 1000000,
    };
    if (decoder_init(&w->dec, 1, &dl) < 0) {
        snprintf(err, errlen, "out of memory (defragmenter)");
        free(w);
        return NULL;
    }
    struct flow_limits fl = {
        .max_flows = (size_t)cap_share(cfg->max_flows, nworkers, 1024),
        .tcp_new_us = (uint64_t)cfg->flow_timeout_tcp_new * 1000000,
        .tcp_established_us = (uint64_t)cfg->flow_timeout_tcp_established * 1000000,
        .tcp_closed_us = (uint64_t)cfg->flow_timeout_tcp_closed * 1000000,
        .udp_us = (uint64_t)cfg->flow_timeout_udp * 1000000,
    };
    struct reasm_limits rl = {
        .dir_cap = (size_t)cfg->stream_dir_cap,
        .global_cap = (size_t)cap_share(cfg->stream_global_cap, nworkers, 1 << 20),
        .max_segs = REASM_DEFAULT_MAX_SEGS,
    };
    reasm_ctx_init(&w->reasm, &rl);
    w->flows = flow_table_new(&fl, on_flow_end, w);
    w->cls = classify_new();
    if (!w->flows || !w->cls) {
        snprintf(err, errlen, w->cls ? "out of memory (flow table)" : "cannot initialise nDPI");
        return worker_free(w);
    }
    if (detectors_init(cfg, w->det_priv, w->det_off, w->warnings, sizeof(w->warnings), err,
                       errlen) < 0)
        return worker_free(w);
    return w;
}

int worker_reload(struct worker *w, const struct sensor_config *cfg, char *err, size_t errlen)
{
    void *priv[WORKER_MAX_DET] = {NULL};
    bool off[WORKER_MAX_DET] = {false};
    char warnings[sizeof(w->warnings)];
    int r = detectors_init(cfg, priv, off, warnings, sizeof(warnings), err, errlen);
    if (r < 0)
        return r;
    detectors_fini(w->det_priv);
    for (size_t i = 0; i < detector_count && i < WORKER_MAX_DET; i++) {
        w->det_priv[i] = priv[i];
        w->det_off[i] = off[i];
    }
    memcpy(w->warnings, warnings, sizeof(warnings));
    w->cfg = cfg;
    w->det.cfg = cfg;
    w->meta.host = cfg->host;
    return 0;
}

int worker_check_config(const struct sensor_config *cfg, char *err, size_t errlen)
{
    void *priv[WORKER_MAX_DET] = {NULL};
    bool off[WORKER_MAX_DET] = {false};
    char warnings[1024];
    int r = detectors_init(cfg, priv, off, warnings, sizeof(warnings), err, errlen);
    if (r == 0)
        detectors_fini(priv);
    return r;
}

struct worker *worker_free(struct worker *w)
{
    if (!w)
        return NULL;
    w->flows = flow_table_free(w->flows);
    detectors_fini(w->det_priv);
    w->cls = classify_free(w->cls);
    decoder_fini(&w->dec);
    free(w->pcap_filename);
    free(w->in_iface);
    free(w);
    return NULL;
}

void worker_set_source(struct worker *w, int linktype, const char *pcap_filename,
                       const char *in_iface)
{
    decoder_set_linktype(&w->dec, linktype);
    free(w->pcap_filename);
    free(w->in_iface);
    w->pcap_filename = pcap_filename ? strdup(pcap_filename) : NULL;
    w->in_iface = in_iface ? strdup(in_iface) : NULL;
    w->meta.pcap_filename = w->pcap_filename;
    w->meta.in_iface = w->in_iface;
    w->pkt_in_file = 0;
}

const char *worker_warnings(const struct worker *w) { return w->warnings; }

void worker_set_verbose(struct worker *w, int verbose) { w->verbose = verbose; }

static void log_decode_error(struct worker *w, const struct decode_stats *before)
{
    if (!w->verbose || w->errors_logged >= WORKER_LOG_ERRORS)
        return;
    for (int i = 0; i < DR_COUNT; i++) {
        if (w->dec.stats.errors[i] != before->errors[i]) {
            fprintf(stderr, "tollwatch: %s: packet %llu: %s, skipped\n",
                    w->pcap_filename ? w->pcap_filename : (w->in_iface ? w->in_iface : "-"),
                    (unsigned long long)w->pkt_in_file, decode_reason_name((enum decode_reason)i));
            if (++w->errors_logged == WORKER_LOG_ERRORS)
                fprintf(stderr, "tollwatch: further decode errors are only counted\n");
            return;
        }
    }
}

/* Moves the worker's clock to now_us (never back). */
static void clock_advance(struct worker *w, uint64_t now_us)
{
    if (now_us > w->last_ts)
        w->last_ts = now_us;
}

void worker_tick(struct worker *w, uint64_t now_us)
{
    clock_advance(w, now_us);
    w->sweeping = true;
    flow_expire(w->flows, w->last_ts);
    w->sweeping = false;
    if (w->dec.defrag)
        defrag_expire(w->dec.defrag, w->last_ts);
}

void worker_packet(struct worker *w, const uint8_t *data, size_t caplen, size_t wirelen,
                   uint64_t ts_us, uint64_t now_us, uint64_t pkt_no)
{
    struct packet pkt;
    struct decode_stats before;
    w->c.packets++;
    w->c.bytes += wirelen;
    w->pkt_in_file = pkt_no;
    clock_advance(w, now_us > ts_us ? now_us : ts_us);
    w->pkt_ts = ts_us;
    if (w->verbose)
        before = w->dec.stats;
    enum decode_result r = decode_packet(&w->dec, data, caplen, wirelen, ts_us, &pkt);
    if (r == DECODE_ERROR && w->verbose)
        log_decode_error(w, &before);
    if (r != DECODE_OK)
        return;

    enum pkt_dir dir;
    bool is_new;
    flow_table_clock(w->flows, w->last_ts);
    struct flow *f = flow_lookup(w->flows, &pkt, &dir, &is_new);
    if (!f) {
        w->c.flow_alloc_failed++;
        return;
    }
    if (!f->ndpi_done && classify_packet(w->cls, f, &pkt)) {
        if (f->app_state == FLOW_APP_UNDECIDED) {
            app_decide(w, f, dir, NULL, 0);
            if (f->app_state == FLOW_APP_CLAIMED)
                app_drain_pending(w, f);
        } else if (f->app_state == FLOW_APP_NONE) {
            f->app_proto = classify_name(w->cls, f);
        }
    }
    if (pkt.ip_proto == 6) {
        struct stream_user su = {.w = w, .f = f};
        struct reasm_cb cb = {.data = on_stream_data, .end = on_stream_end, .user = &su};
        reasm_segment(&w->reasm, &f->rd[dir], dir, pkt.tcp_seq, pkt.tcp_flags, pkt.payload,
                      pkt.payload_len, &cb);
    } else if (pkt.payload_len) {
        if (f->app_state == FLOW_APP_UNDECIDED)
            app_decide(w, f, dir, pkt.payload, pkt.payload_len);
        if (f->app_state == FLOW_APP_CLAIMED)
            app_parse(w, f, dir, pkt.payload, pkt.payload_len, 0);
    }
}

void worker_end_flows(struct worker *w, uint64_t now_us)
{
    clock_advance(w, now_us);
    w->sweeping = true;
    flow_table_end_all(w->flows);
    w->sweeping = false;
}

/* ---- events --------------------------------------------------------------- */

void worker_dispatch(struct worker *w, const struct dis_event *ev)
{
    for (size_t i = 0; i < detector_count && i < WORKER_MAX_DET; i++) {
        const struct detector *d = detector_table[i];
        if ((d->events & EV_BIT(ev->type)) && !w->det_off[i])
            d->on_event(&w->det, ev, w->det_priv[i]);
    }
}

const char *const worker_event_types[WORKER_EVENT_TYPES] = {
    "alert", "stats", "anomaly", "registration", "call", "flow", "other",
};

static int event_type_index(const char *t)
{
    for (int i = 0; t && i < WORKER_EVENT_TYPES - 1; i++)
        if (strcmp(worker_event_types[i], t) == 0)
            return i;
    return WORKER_EVENT_TYPES - 1;
}

void worker_submit(struct worker *w, json_t *ev)
{
    int type = event_type_index(json_string_value(json_object_get(ev, "event_type")));
    char *line = eve_serialize(ev);
    json_decref(ev);
    if (!line) {
        w->c.serialize_failed++;
        return;
    }
    w->sink.event(w->sink.ctx, line, strlen(line), type, w->order);
}

void worker_stats(struct worker *w, uint64_t ts_us)
{
    json_t *o = eve_header(&w->meta, NULL, 0, ts_us ? ts_us : w->last_ts, "stats");
    if (!o) {
        w->sink.stats(w->sink.ctx, NULL);
        return;
    }
    json_t *s = json_object();
    json_t *cap = json_object();
    json_object_set_new(cap, "packets", json_integer((json_int_t)w->c.packets));
    json_object_set_new(cap, "bytes", json_integer((json_int_t)w->c.bytes));
    json_object_set_new(s, "capture", cap);
    json_object_set_new(s, "decoder", stats_decode_json(&w->dec.stats));
    if (w->dec.defrag)
        json_object_set_new(
            s, "defrag",
            stats_defrag_json(defrag_stats(w->dec.defrag), defrag_pending(w->dec.defrag)));
    json_object_set_new(s, "flow", stats_flow_json(flow_table_stats(w->flows)));
    json_object_set_new(s, "tcp", stats_reasm_json(&w->reasm.stats));
    json_t *st = json_object();
    json_object_set_new(st, "buffered_bytes", json_integer((json_int_t)w->stream_bytes));
    json_object_set_new(st, "dropped_bytes", json_integer((json_int_t)w->c.stream_dropped_bytes));
    json_object_set_new(s, "stream", st);
    json_object_set_new(s, "ndpi", stats_classify_json(classify_get_stats(w->cls)));
    json_t *app = json_object();
    static const char *const rnames[5] = {"ok", "need_more", "truncated", "malformed", "not_mine"};
    for (size_t i = 0; i < dissector_count && i < WORKER_MAX_DIS; i++) {
        json_t *d = json_object();
        json_object_set_new(d, "flows", json_integer((json_int_t)w->dis_c[i].flows));
        json_object_set_new(d, "calls", json_integer((json_int_t)w->dis_c[i].calls));
        for (int r = 0; r < 5; r++)
            json_object_set_new(d, rnames[r], json_integer((json_int_t)w->dis_c[i].result[r]));
        json_object_set_new(d, "gaps", json_integer((json_int_t)w->dis_c[i].gaps));
        json_object_set_new(app, dissector_table[i]->name, d);
    }
    json_object_set_new(s, "app_layer", app);
    json_object_set_new(o, "stats", s);
    w->sink.stats(w->sink.ctx, o);
}

const struct worker_counters *worker_get_counters(const struct worker *w) { return &w->c; }

uint64_t worker_decode_errors(const struct worker *w) { return decode_error_total(&w->dec.stats); }

uint64_t worker_flows(const struct worker *w) { return flow_table_stats(w->flows)->created; }
