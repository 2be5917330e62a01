/*
 * pipeline.c - capture thread, rings, workers and the ordered output; see
 * pipeline.h.
 *
 * Items. The capture thread numbers everything it hands to the workers: a
 * packet goes to one worker (by decode_host_pair_hash), a marker to all of
 * them (TICK: expire idle flows at this time; STATS: send your share of a
 * stats event; SOURCE: a new file or interface; RELOAD: a new config; END:
 * end every flow; QUIT). Ticks and periodic stats follow the latest packet
 * time, offline as live; live, the wall clock also moves them on a quiet
 * link.
 *
 * Packet ring, one per worker: SPSC indices (spsc.h) over a slot array, plus
 * a byte arena the frames are copied into, contiguous (a frame that would
 * wrap starts again at the arena's beginning). The producer knows where the
 * oldest unreleased frame starts from that slot, which only it ever wrote.
 *
 * Order. An event carries (seq of its item, k2, k3): k2/k3 are the flow's
 * (last_ts, flow_id) when a tick or the end ends flows, which every worker
 * does oldest first; 0 otherwise. Each worker's queue is in that order. The
 * output thread writes the smallest head of all queues once no worker can
 * still produce a smaller one: a worker whose queue is empty has its
 * watermark, the last item it has finished (done_seq); when it has finished
 * everything it was given (done_seq >= enq_seq), it is also past every item
 * dispatched so far (disp_seq), since it was given none of them. The
 * capture thread stores enq_seq before disp_seq, and the output thread
 * reads the watermark before it looks at the queue.
 *
 * Stats. Every worker sends its part of a stats event (its counters, as an
 * EVE object); the output thread adds the parts up (integers summed, keys
 * ending in _max take the largest), adds the capture thread's counters (in
 * worker 0's part), the events by type it wrote and the output counters.
 */
#include "pipeline.h"

#include <errno.h>
#include <pcap/pcap.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "capture.h"
#include "config.h"
#include "decode.h"
#include "eve.h"
#include "output.h"
#include "spsc.h"
#include "stats.h"
#include "worker.h"

#define PL_EVQ_SLOTS       4096    /* events waiting for the output thread, per worker */
#define PL_PUBLISH_EVERY   32      /* packets between two publications of a ring */
#define PL_BATCH           256     /* items a worker takes before it publishes its events */
#define PL_TICK_US         1000000 /* flow expiry granularity */
#define PL_WAIT_US         10000   /* longest sleep before a side looks again */
#define PL_PRODUCER_NAP_NS 50000   /* capture thread's sleep while a ring is full */
#define PL_PREFETCH        4       /* items ahead whose slot and frame a worker prefetches */
#define PL_SPIN            200
#define PL_ARENA_ALIGN     16
#define PL_MIN_RING_SLOTS  16
#define PL_POLL_MS         100 /* live: the longest wait for packets before looking at signals */

static volatile sig_atomic_t stop_requested;
static volatile sig_atomic_t stats_requested;
static volatile sig_atomic_t reload_requested;

void pipeline_request_reload(void) { reload_requested = 1; }

void pipeline_request_stop(void) { stop_requested = 1; }

void pipeline_request_stats(void) { stats_requested = 1; }

enum item_kind { IT_PACKET, IT_TICK, IT_STATS, IT_SOURCE, IT_RELOAD, IT_END, IT_QUIT };

/* One cache line: neighbouring slots never share a line between the two threads. */
struct ring_item {
    _Alignas(TW_CACHELINE) uint64_t seq;
    uint64_t ts_us;  /* packet time; markers: the time they carry */
    uint64_t now_us; /* latest packet time so far */
    uint64_t pos;    /* packet: arena position of the frame */
    uint64_t aux;    /* packet: number in its file; SOURCE: link type */
    union {
        const void *ptr; /* PACKET: the frame in a mapped file (else in the arena);
                            SOURCE: name; RELOAD: config */
        json_t *json;    /* STATS: the capture thread's counters (worker 0's copy only) */
    };
    uint32_t caplen, wirelen;
    uint32_t kind; /* enum item_kind; SOURCE: caplen = 1 for an interface */
};
_Static_assert(sizeof(struct ring_item) == TW_CACHELINE, "a ring slot is one cache line");

enum evq_kind { EQ_EVENT, EQ_STATS };

struct evq_item {
    uint64_t key[3]; /* seq, k2, k3 */
    char *line;
    json_t *part;
    uint32_t len;
    uint16_t kind, type;
};

struct pipeline;

struct pl_worker {
    struct pipeline *pl;
    unsigned id;
    pthread_t thread;
    bool started;
    struct worker *w;

    struct spsc in; /* packets and markers from the capture thread */
    struct ring_item *items;
    uint8_t *arena;
    uint64_t arena_size; /* power of two */

    struct spsc out; /* events to the output thread */
    struct evq_item *evq;

    /* capture thread only */
    uint64_t arena_head;
    uint64_t last_enq;
    uint64_t ring_drops;
    uint64_t queued;

    /* worker thread only */
    uint64_t cur_seq;
    json_t *stats_extra;
    bool events_queued; /* since the last publication */

    _Alignas(TW_CACHELINE) _Atomic uint64_t enq_seq;  /* capture: last item given to this worker */
    _Alignas(TW_CACHELINE) _Atomic uint64_t done_seq; /* worker: items up to here are finished */
    _Atomic int finished;
    _Atomic uint64_t ring_drops_pub; /* copy of ring_drops for the stats */
};

struct pipeline {
    const struct sensor_config *cfg;
    const struct pipeline_opts *opts;
    struct output *out;
    unsigned n;
    struct pl_worker *ws;
    bool live;

    /* capture thread */
    uint64_t seq;
    bool have_time;
    uint64_t maxts, next_tick, next_stats;
    double next_stats_wall;
    uint64_t read_packets, read_bytes;
    uint64_t kernel_drops, kernel_ifdrops;
    pcap_t *live_pcap;
    struct sensor_config *cfg_cur, *cfg_prev; /* loaded by SIGHUP; NULL = the caller's */
    bool cfg_keep;                            /* a worker kept an old config: free none */
    _Atomic unsigned reload_acks;
    _Atomic int reload_failed;

    _Alignas(TW_CACHELINE) _Atomic uint64_t disp_seq;
    struct doorbell out_bell;       /* the output thread sleeps here */
    _Atomic int out_wants_progress; /* it waits for a worker's watermark, not for events */

    /* output thread */
    pthread_t out_thread;
    bool out_started;
    json_t *stats_acc;
    unsigned stats_parts;
    uint64_t ev_counts[WORKER_EVENT_TYPES];
    _Atomic uint64_t events_total;
};

static double mono_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static uint64_t wall_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

/* Zeroed memory on a cache-line boundary (the structures here align members to lines). */
static void *zalloc_lines(size_t n)
{
    size_t size = (n + TW_CACHELINE - 1) & ~(size_t)(TW_CACHELINE - 1);
    void *p = aligned_alloc(TW_CACHELINE, size ? size : TW_CACHELINE);
    if (p)
        memset(p, 0, size);
    return p;
}

static uint64_t pow2_at_least(uint64_t n)
{
    uint64_t p = 1;
    while (p < n)
        p <<= 1;
    return p;
}

unsigned pipeline_workers(int requested)
{
    long n = requested;
    if (n <= 0) {
        long cores = sysconf(_SC_NPROCESSORS_ONLN);
        n = cores > 1 ? cores - 1 : 1;
    }
    return (unsigned)(n > PIPELINE_MAX_WORKERS ? PIPELINE_MAX_WORKERS : n);
}

/* ---- capture thread: queueing ------------------------------------------ */

static void wake_output(struct pipeline *pl, bool events);

/* Bytes free in the arena for a frame of len placed at *pos (moved past a wrap). */
static bool arena_fits(struct pl_worker *pw, uint64_t len, uint64_t *pos, bool refresh)
{
    struct spsc *q = &pw->in;
    uint64_t p = pw->arena_head;
    uint64_t off = p & (pw->arena_size - 1);
    if (off + len > pw->arena_size)
        p += pw->arena_size - off;
    if (refresh)
        q->cached_tail = atomic_load_explicit(&q->tail, memory_order_acquire);
    uint64_t oldest = q->cached_tail == q->head_local ? p : pw->items[q->cached_tail & q->mask].pos;
    *pos = p;
    return p + len - oldest <= pw->arena_size;
}

/* Makes everything queued visible to the workers, then tells the output thread how far it got. */
static void pl_flush(struct pipeline *pl)
{
    for (unsigned i = 0; i < pl->n; i++) {
        struct pl_worker *pw = &pl->ws[i];
        spsc_publish(&pw->in);
        if (atomic_load_explicit(&pw->enq_seq, memory_order_relaxed) != pw->last_enq)
            atomic_store_explicit(&pw->enq_seq, pw->last_enq, memory_order_seq_cst);
        atomic_store_explicit(&pw->ring_drops_pub, pw->ring_drops, memory_order_relaxed);
    }
    atomic_store_explicit(&pl->disp_seq, pl->seq, memory_order_seq_cst);
    wake_output(pl, false);
}

struct space_wait {
    struct pl_worker *pw;
    uint64_t len;
};

static bool ring_has_room(void *arg)
{
    struct space_wait *sw = arg;
    uint64_t pos;
    return spsc_space(&sw->pw->in) > 0 && (sw->len == 0 || arena_fits(sw->pw, sw->len, &pos, true));
}

/* Waits for a slot (and len arena bytes) in pw's ring; false when asked to stop while waiting. */
static bool ring_wait_room(struct pipeline *pl, struct pl_worker *pw, uint64_t len, bool stoppable)
{
    struct space_wait sw = {pw, len};
    if (ring_has_room(&sw))
        return true;
    pl_flush(pl);
    /*
     * Poll, do not ask to be woken: the worker would pay a wake-up for every
     * few slots it frees; a short sleep lets it free many.
     */
    struct timespec nap = {0, PL_PRODUCER_NAP_NS};
    while (!ring_has_room(&sw)) {
        if (stoppable && stop_requested)
            return false;
        nanosleep(&nap, NULL);
    }
    return true;
}

static struct ring_item *ring_next_slot(struct pl_worker *pw, uint64_t seq)
{
    struct ring_item *it = &pw->items[pw->in.head_local & pw->in.mask];
    memset(it, 0, sizeof(*it));
    it->seq = seq;
    it->pos = pw->arena_head; /* a marker holds no bytes: the arena is free up to here */
    pw->last_enq = seq;
    return it;
}

/* Queues a marker to every worker, waiting for room (markers are never dropped). */
static void broadcast(struct pipeline *pl, enum item_kind kind, uint64_t ts, uint64_t aux,
                      const void *ptr, json_t *json0, uint32_t flag)
{
    uint64_t seq = ++pl->seq;
    for (unsigned i = 0; i < pl->n; i++) {
        struct pl_worker *pw = &pl->ws[i];
        ring_wait_room(pl, pw, 0, false);
        struct ring_item *it = ring_next_slot(pw, seq);
        it->kind = kind;
        it->ts_us = ts;
        it->now_us = pl->maxts;
        it->aux = aux;
        if (kind == IT_STATS)
            it->json = i == 0 ? json0 : NULL;
        else
            it->ptr = ptr;
        it->caplen = flag;
        pw->in.head_local++;
    }
    pl_flush(pl);
}

/* The capture thread's own counters, for worker 0's share of a stats event. */
static json_t *capture_part(struct pipeline *pl)
{
    if (pl->live_pcap) {
        struct pcap_stat ps;
        if (pcap_stats(pl->live_pcap, &ps) == 0) {
            pl->kernel_drops = ps.ps_drop;
            pl->kernel_ifdrops = ps.ps_ifdrop;
        }
    }
    uint64_t ring = 0;
    for (unsigned i = 0; i < pl->n; i++)
        ring += pl->ws[i].ring_drops;
    json_t *cap = json_object();
    json_object_set_new(cap, "kernel_drops", json_integer((json_int_t)pl->kernel_drops));
    json_object_set_new(cap, "kernel_ifdrops", json_integer((json_int_t)pl->kernel_ifdrops));
    json_object_set_new(cap, "ring_drops", json_integer((json_int_t)ring));
    if (pl->live) {
        json_object_set_new(cap, "workers", json_integer((json_int_t)pl->n));
        json_t *per = json_array();
        for (unsigned i = 0; i < pl->n; i++) {
            json_t *o = json_object();
            json_object_set_new(o, "queued", json_integer((json_int_t)pl->ws[i].queued));
            json_object_set_new(o, "ring_drops", json_integer((json_int_t)pl->ws[i].ring_drops));
            json_array_append_new(per, o);
        }
        json_object_set_new(cap, "per_worker", per);
    }
    json_t *o = json_object();
    json_object_set_new(o, "capture", cap);
    return o;
}

static void send_stats(struct pipeline *pl, uint64_t ts)
{
    broadcast(pl, IT_STATS, ts, 0, NULL, capture_part(pl), 0);
}

/* Moves the capture clock to ts: ticks and periodic stats fall due on it. */
static void clock_to(struct pipeline *pl, uint64_t ts)
{
    uint64_t iv = (uint64_t)pl->cfg->stats_interval * 1000000;
    if (!pl->have_time) {
        pl->have_time = true;
        pl->maxts = ts;
        pl->next_tick = ts + PL_TICK_US;
        pl->next_stats = ts + iv;
        return;
    }
    if (ts > pl->maxts)
        pl->maxts = ts;
    if (pl->maxts >= pl->next_tick) {
        broadcast(pl, IT_TICK, pl->maxts, 0, NULL, NULL, 0);
        pl->next_tick = pl->maxts + PL_TICK_US;
    }
    if (iv && !pl->live && pl->maxts >= pl->next_stats) {
        send_stats(pl, pl->next_stats); /* stamped at the interval's end */
        while (pl->next_stats <= pl->maxts)
            pl->next_stats += iv;
    }
}

/* Queues one frame to its worker. Offline waits for room; live drops (counted). */
static void dispatch_packet(struct pipeline *pl, const struct pcap_pkthdr *h, const uint8_t *data,
                            int linktype, uint64_t pkt_no, bool mapped)
{
    uint64_t ts = (uint64_t)h->ts.tv_sec * 1000000 + (uint64_t)h->ts.tv_usec;
    pl->read_packets++;
    pl->read_bytes += h->len;
    clock_to(pl, ts);
    unsigned wi = 0;
    if (pl->n > 1)
        wi = (unsigned)(((uint64_t)decode_host_pair_hash(linktype, data, h->caplen) * pl->n) >> 32);
    struct pl_worker *pw = &pl->ws[wi];
    uint64_t len = h->caplen, need = (len + PL_ARENA_ALIGN - 1) & ~(uint64_t)(PL_ARENA_ALIGN - 1);
    uint64_t pos = 0;
    if (mapped) { /* the frame stays in the file's mapping until the workers are done */
        if (spsc_space(&pw->in) == 0 && !ring_wait_room(pl, pw, 0, true))
            return; /* stopping */
        need = 0;
    } else if (need > pw->arena_size / 2) { /* larger than any snaplen allows: cannot be queued */
        pw->ring_drops++;
        return;
    }
    if (spsc_space(&pw->in) == 0 || !arena_fits(pw, need, &pos, false)) {
        if (pl->live) {
            if (spsc_space(&pw->in) == 0 || !arena_fits(pw, need, &pos, true)) {
                pw->ring_drops++;
                return;
            }
        } else if (!ring_wait_room(pl, pw, need, true) || !arena_fits(pw, need, &pos, true)) {
            return; /* stopping */
        }
    }
    if (!mapped) {
        memcpy(pw->arena + (pos & (pw->arena_size - 1)), data, len);
        pw->arena_head = pos + need;
    }
    struct ring_item *it = ring_next_slot(pw, ++pl->seq);
    it->kind = IT_PACKET;
    it->ptr = mapped ? data : NULL;
    it->ts_us = ts;
    it->now_us = pl->maxts;
    if (!mapped)
        it->pos = pos;
    it->aux = pkt_no;
    it->caplen = h->caplen;
    it->wirelen = h->len;
    pw->in.head_local++;
    pw->queued++;
    if ((pl->read_packets % PL_PUBLISH_EVERY) == 0)
        pl_flush(pl);
}

/* ---- capture thread: control ----------------------------------------------- */

static bool reload_acked(void *arg)
{
    struct pipeline *pl = arg;
    return atomic_load(&pl->reload_acks) == pl->n;
}

static void pl_reload(struct pipeline *pl)
{
    char err[1024];
    struct sensor_config *cfg = NULL;
    const char *path = pl->opts->config_path;
    int r = path ? config_load(path, &cfg, err, sizeof(err))
                 : ((cfg = config_defaults()) ? 0 : -ENOMEM);
    if (r == 0 && worker_check_config(cfg, err, sizeof(err)) < 0)
        r = -1;
    if (r < 0) {
        fprintf(stderr, "tollwatch: reload failed, keeping the running configuration: %s\n",
                r == -ENOMEM ? "out of memory" : err);
        config_free(cfg);
        return;
    }
    /* every worker has moved to cfg_cur: nobody uses cfg_prev any more */
    pl_flush(pl);
    while (!reload_acked(pl))
        doorbell_wait(&pl->out_bell, reload_acked, pl, PL_WAIT_US);
    if (atomic_load(&pl->reload_failed))
        pl->cfg_keep = true;
    if (!pl->cfg_keep)
        pl->cfg_prev = config_free(pl->cfg_prev);
    else if (pl->cfg_prev)
        fprintf(stderr, "tollwatch: warning: an old configuration stays in memory\n");
    if (!pl->cfg_keep || !pl->cfg_prev)
        pl->cfg_prev = pl->cfg_cur;
    pl->cfg_cur = cfg;
    atomic_store(&pl->reload_acks, 0);
    broadcast(pl, IT_RELOAD, pl->maxts, 0, cfg, NULL, 0);
    if (pl->opts->verbose)
        fprintf(stderr, "tollwatch: configuration and signatures reloaded\n");
}

/* Signals seen by the capture thread between two packets. */
static void pl_poll_signals(struct pipeline *pl)
{
    if (stats_requested) {
        stats_requested = 0;
        send_stats(pl, pl->live ? (pl->maxts > wall_us() ? pl->maxts : wall_us()) : pl->maxts);
    }
    if (reload_requested) {
        reload_requested = 0;
        pl_reload(pl);
    }
}

struct progress {
    bool on;
    double start, last;
    uint64_t start_pkts;
    long long total; /* file size, -1 unknown */
};

static void progress_show(struct progress *pg, struct pipeline *pl, long long pos, const char *name,
                          bool final)
{
    double t = mono_s();
    if (!pg->on || (!final && t - pg->last < 0.25))
        return;
    pg->last = t;
    double rate = t > pg->start ? (double)(pl->read_packets - pg->start_pkts) / (t - pg->start) : 0;
    unsigned long long events = atomic_load_explicit(&pl->events_total, memory_order_relaxed);
    if (pg->total > 0 && pos >= 0)
        fprintf(stderr, "\r%s: %lld of %lld MB (%3d%%), %.0f packets/s, %llu events   ", name,
                pos >> 20, pg->total >> 20, (int)(100.0 * (double)pos / (double)pg->total), rate,
                events);
    else
        fprintf(stderr, "\r%s: %llu packets, %.0f packets/s, %llu events   ", name,
                (unsigned long long)pl->read_packets, rate, events);
    if (final)
        fputc('\n', stderr);
}

/* Signals and progress after the n-th packet of a file; false when asked to stop. */
static bool after_packet(struct pipeline *pl, struct progress *pg, uint64_t n, long long pos,
                         const char *name)
{
    if (stats_requested || reload_requested)
        pl_poll_signals(pl);
    if (stop_requested)
        return false;
    if ((n & 1023) == 0)
        progress_show(pg, pl, pos, name, false);
    return true;
}

static long long pcap_pos(pcap_t *p)
{
    FILE *fp = pcap_file(p);
    return fp ? (long long)ftell(fp) : -1;
}

static bool workers_caught_up(void *arg)
{
    struct pipeline *pl = arg;
    for (unsigned i = 0; i < pl->n; i++)
        if (atomic_load_explicit(&pl->ws[i].done_seq, memory_order_acquire) < pl->ws[i].last_enq)
            return false;
    return true;
}

/* Waits until the workers have finished everything queued so far (before a mapping goes). */
static void pl_drain(struct pipeline *pl)
{
    pl_flush(pl);
    struct timespec nap = {0, PL_PRODUCER_NAP_NS};
    while (!workers_caught_up(pl))
        nanosleep(&nap, NULL);
}

/*
 * The part of a mapped file every worker is done with is handed back, so
 * that the file's pages do not pile up in the sensor's resident set: every
 * PL_MAP_STEP bytes a checkpoint (items dispatched so far, file offset);
 * once every worker has finished its items up to a checkpoint, the pages
 * before its offset are dropped from the mapping.
 */
#define PL_MAP_STEP        (8u << 20)
#define PL_MAP_CHECKPOINTS 8

struct map_release {
    struct {
        uint64_t seq;
        size_t off;
    } cp[PL_MAP_CHECKPOINTS];
    unsigned head, count;
    size_t released, next_at;
};

static bool workers_past(struct pipeline *pl, uint64_t seq)
{
    for (unsigned i = 0; i < pl->n; i++) {
        uint64_t need = seq < pl->ws[i].last_enq ? seq : pl->ws[i].last_enq;
        if (atomic_load_explicit(&pl->ws[i].done_seq, memory_order_acquire) < need)
            return false;
    }
    return true;
}

static void map_release_step(struct pipeline *pl, struct pcap_map *m, struct map_release *mr)
{
    if (m->off < mr->next_at)
        return;
    mr->next_at = m->off + PL_MAP_STEP;
    if (mr->count < PL_MAP_CHECKPOINTS) {
        unsigned i = (mr->head + mr->count++) % PL_MAP_CHECKPOINTS;
        mr->cp[i].seq = pl->seq;
        mr->cp[i].off = m->off;
    }
    size_t page = (size_t)sysconf(_SC_PAGESIZE);
    while (mr->count && workers_past(pl, mr->cp[mr->head].seq)) {
        size_t upto = mr->cp[mr->head].off & ~(page - 1);
        if (upto > mr->released) {
            madvise((void *)(uintptr_t)(m->base + mr->released), upto - mr->released,
                    MADV_DONTNEED);
            mr->released = upto;
        }
        mr->head = (mr->head + 1) % PL_MAP_CHECKPOINTS;
        mr->count--;
    }
}

/* Reads a mapped classic pcap file; as run_file. */
static int run_mapped(struct pipeline *pl, struct pcap_map *m, const char *path)
{
    struct map_release mr = {.next_at = PL_MAP_STEP};
    broadcast(pl, IT_SOURCE, pl->maxts, (uint64_t)m->linktype, path, NULL, 0);
    struct progress pg = {.on = pl->opts->progress, .total = (long long)m->len};
    pg.start = pg.last = mono_s();
    pg.start_pkts = pl->read_packets;
    int rc = 0;
    uint64_t n = 0;
    char why[256];
    for (;;) {
        struct pcap_pkthdr h;
        const uint8_t *data;
        int r = capture_map_next(m, &h, &data, why, sizeof(why));
        if (r == 0)
            break;
        if (r < 0) {
            fprintf(stderr, "tollwatch: %s: cut short after packet %llu: %s\n", path,
                    (unsigned long long)n, why);
            rc = 1;
            break;
        }
        dispatch_packet(pl, &h, data, m->linktype, ++n, true);
        map_release_step(pl, m, &mr);
        if (!after_packet(pl, &pg, n, (long long)m->off, path))
            break;
    }
    pl_drain(pl); /* the workers read the frames in place */
    progress_show(&pg, pl, (long long)m->off, path, true);
    return rc;
}

/* Reads one file. 0 read to the end (or stopped), 1 unreadable or cut short, 2 setup. */
static int run_file(struct pipeline *pl, const char *path, char *err, size_t errlen)
{
    const char *name = strcmp(path, "-") == 0 ? "stdin" : path;
    int fatal;
    char why[1024];
    struct pcap_map map;
    int mr = capture_map_open(path, pl->opts->bpf, &map, why, sizeof(why));
    if (mr < 0) {
        snprintf(err, errlen, "%s", why);
        return 2;
    }
    if (mr > 0) {
        int rc = run_mapped(pl, &map, path);
        capture_map_close(&map);
        return rc;
    }
    pcap_t *p = capture_open_file(path, pl->opts->bpf, &fatal, why, sizeof(why));
    if (!p) {
        if (fatal) {
            snprintf(err, errlen, "%s", why);
            return 2;
        }
        fprintf(stderr, "tollwatch: %s%s\n", why,
                strstr(why, "unsupported link type") ? ", file skipped" : "");
        return 1;
    }
    int lt = pcap_datalink(p);
    broadcast(pl, IT_SOURCE, pl->maxts, (uint64_t)lt, path, NULL, 0);

    struct progress pg = {.on = pl->opts->progress, .total = -1};
    struct stat st;
    if (strcmp(path, "-") != 0 && stat(path, &st) == 0)
        pg.total = (long long)st.st_size;
    pg.start = pg.last = mono_s();
    pg.start_pkts = pl->read_packets;
    bool streaming = strcmp(path, "-") == 0; /* a pipe may pause: hand each packet on at once */

    int rc = 0;
    uint64_t n = 0;
    for (;;) {
        struct pcap_pkthdr *h;
        const u_char *data;
        int r = pcap_next_ex(p, &h, &data);
        if (r == 1) {
            dispatch_packet(pl, h, data, lt, ++n, false);
            if (streaming)
                pl_flush(pl);
            if (!after_packet(pl, &pg, n, (n & 1023) ? 0 : pcap_pos(p), name))
                break;
            continue;
        }
        if (r == PCAP_ERROR_BREAK) /* end of file */
            break;
        if (r == 0)
            continue;
        if (stop_requested) /* a read interrupted by SIGINT/SIGTERM */
            break;
        fprintf(stderr, "tollwatch: %s: cut short after packet %llu: %s\n", name,
                (unsigned long long)n, pcap_geterr(p));
        rc = 1;
        break;
    }
    pl_flush(pl);
    progress_show(&pg, pl, pcap_pos(p), name, true);
    pcap_close(p);
    return rc;
}

struct live_ctx {
    struct pipeline *pl;
    int linktype;
    uint64_t n;
};

static void on_live_packet(u_char *user, const struct pcap_pkthdr *h, const u_char *data)
{
    struct live_ctx *lc = (struct live_ctx *)user;
    dispatch_packet(lc->pl, h, data, lc->linktype, ++lc->n, false);
}

/* Captures until stopped. 0 stopped on request, 1 the capture failed. */
static int run_live(struct pipeline *pl, pcap_t *p)
{
    struct live_ctx lc = {.pl = pl, .linktype = pcap_datalink(p)};
    const char *iface = pl->opts->iface;
    broadcast(pl, IT_SOURCE, wall_us(), (uint64_t)lc.linktype, iface, NULL, 1);
    double iv = (double)pl->cfg->stats_interval;
    pl->next_stats_wall = mono_s() + iv;
    /*
     * Non-blocking reads and our own poll: libpcap's blocking read restarts
     * its poll after a signal, and a quiet link would hold off stop, stats
     * and flow expiry.
     */
    char errbuf[PCAP_ERRBUF_SIZE];
    int fd = pcap_get_selectable_fd(p);
    if (fd < 0 || pcap_setnonblock(p, 1, errbuf) < 0) {
        fprintf(stderr, "tollwatch: %s: cannot poll the capture: %s\n", iface,
                fd < 0 ? "no selectable descriptor" : errbuf);
        return 1;
    }
    int rc = 0;
    while (!stop_requested) {
        int r = pcap_dispatch(p, 512, on_live_packet, (u_char *)&lc);
        if (r == PCAP_ERROR) {
            fprintf(stderr, "tollwatch: %s: capture failed: %s\n", iface, pcap_geterr(p));
            rc = 1;
            break;
        }
        pl_flush(pl);
        if (r == 0) {
            struct pollfd pfd = {.fd = fd, .events = POLLIN};
            poll(&pfd, 1, PL_POLL_MS); /* EINTR: a signal to look at */
        }
        /* a quiet link: the wall clock moves flow expiry on */
        clock_to(pl, wall_us());
        if (iv > 0 && mono_s() >= pl->next_stats_wall) {
            send_stats(pl, pl->maxts);
            pl->next_stats_wall += iv;
            if (pl->next_stats_wall < mono_s())
                pl->next_stats_wall = mono_s() + iv;
        }
        pl_poll_signals(pl);
    }
    return rc;
}

/* ---- workers ------------------------------------------------------------ */

/* Tells the output thread there is news, when it may be waiting for it. */
static void wake_output(struct pipeline *pl, bool events)
{
    if (events || atomic_load_explicit(&pl->out_wants_progress, memory_order_seq_cst))
        doorbell_ring(&pl->out_bell);
}

static bool evq_has_room(void *arg)
{
    struct pl_worker *pw = arg;
    return spsc_space(&pw->out) > 0;
}

static void evq_push(struct pl_worker *pw, const struct evq_item *e)
{
    if (spsc_space(&pw->out) == 0) {
        spsc_publish(&pw->out);
        doorbell_ring(&pw->pl->out_bell);
        while (!evq_has_room(pw))
            doorbell_wait(&pw->out.not_full, evq_has_room, pw, PL_WAIT_US);
    }
    pw->evq[pw->out.head_local & pw->out.mask] = *e;
    pw->out.head_local++;
    pw->events_queued = true;
}

static void json_merge_sum(json_t *acc, json_t *add);

static void sink_event(void *ctx, char *line, size_t len, int type, const uint64_t order[2])
{
    struct pl_worker *pw = ctx;
    struct evq_item e = {
        .key = {pw->cur_seq, order[0], order[1]},
        .line = line,
        .len = (uint32_t)len,
        .kind = EQ_EVENT,
        .type = (uint16_t)type,
    };
    evq_push(pw, &e);
}

static void sink_stats(void *ctx, json_t *part)
{
    struct pl_worker *pw = ctx;
    if (part && pw->stats_extra)
        json_merge_sum(json_object_get(part, "stats"), pw->stats_extra);
    struct evq_item e = {.key = {pw->cur_seq, 0, 0}, .part = part, .kind = EQ_STATS};
    evq_push(pw, &e);
}

/* Handles one item; false for QUIT. */
static bool worker_item(struct pl_worker *pw, const struct ring_item *it)
{
    struct worker *w = pw->w;
    pw->cur_seq = it->seq;
    switch ((enum item_kind)it->kind) {
        case IT_PACKET:
            worker_packet(w, it->ptr ? it->ptr : pw->arena + (it->pos & (pw->arena_size - 1)),
                          it->caplen, it->wirelen, it->ts_us, it->now_us, it->aux);
            break;
        case IT_TICK:
            worker_tick(w, it->ts_us);
            break;
        case IT_STATS:
            pw->stats_extra = it->json; /* worker 0: the capture thread's counters */
            worker_stats(w, it->ts_us);
            json_decref(pw->stats_extra);
            pw->stats_extra = NULL;
            break;
        case IT_SOURCE:
            worker_set_source(w, (int)it->aux, it->caplen ? NULL : it->ptr,
                              it->caplen ? it->ptr : NULL);
            break;
        case IT_RELOAD: {
            char err[1024];
            if (worker_reload(w, it->ptr, err, sizeof(err)) < 0) {
                fprintf(stderr,
                        "tollwatch: worker %u: reload failed, keeping its configuration: %s\n",
                        pw->id, err);
                atomic_store(&pw->pl->reload_failed, 1);
            }
            atomic_fetch_add(&pw->pl->reload_acks, 1);
            doorbell_ring(&pw->pl->out_bell);
            break;
        }
        case IT_END:
            worker_end_flows(w, it->ts_us);
            break;
        case IT_QUIT:
            return false;
    }
    return true;
}

static inline void cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    __asm__ __volatile__("yield");
#endif
}

static bool ring_has_items(void *arg)
{
    struct pl_worker *pw = arg;
    return spsc_avail(&pw->in) > 0;
}

static void *worker_main(void *arg)
{
    struct pl_worker *pw = arg;
    char name[16];
    snprintf(name, sizeof(name), "tw-worker%u", pw->id % 100);
    pthread_setname_np(pthread_self(), name); /* top -H, perf */
    bool running = true;
    while (running) {
        uint64_t n = spsc_avail(&pw->in);
        if (n == 0) {
            /* the capture thread publishes every few packets: wait a little before sleeping */
            for (int k = 0; k < PL_SPIN && n == 0; k++) {
                cpu_relax();
                n = spsc_avail(&pw->in);
            }
            if (n == 0) {
                doorbell_wait(&pw->in.not_empty, ring_has_items, pw, PL_WAIT_US);
                continue;
            }
        }
        if (n > PL_BATCH)
            n = PL_BATCH;
        uint64_t last = 0;
        for (uint64_t i = 0; i < n && running; i++) {
            const struct ring_item *it = &pw->items[pw->in.tail_local & pw->in.mask];
            if (i + PL_PREFETCH < n) { /* written by the other core: ask for it early */
                const struct ring_item *ahead =
                    &pw->items[(pw->in.tail_local + PL_PREFETCH) & pw->in.mask];
                const uint8_t *frame =
                    ahead->ptr ? ahead->ptr : pw->arena + (ahead->pos & (pw->arena_size - 1));
                __builtin_prefetch(ahead);
                __builtin_prefetch(frame);
                __builtin_prefetch(frame + 64);
            }
            last = it->seq;
            running = worker_item(pw, it);
            pw->in.tail_local++;
            if ((i & 31) == 31)
                spsc_release(&pw->in);
        }
        spsc_release(&pw->in);
        spsc_publish(&pw->out);
        atomic_store_explicit(&pw->done_seq, last, memory_order_seq_cst);
        wake_output(pw->pl, pw->events_queued);
        pw->events_queued = false;
    }
    atomic_store_explicit(&pw->done_seq, UINT64_MAX, memory_order_seq_cst);
    atomic_store_explicit(&pw->finished, 1, memory_order_seq_cst);
    doorbell_ring(&pw->pl->out_bell);
    return NULL;
}

/* ---- output thread ---------------------------------------------------------- */

static void json_merge_sum(json_t *acc, json_t *add)
{
    const char *k;
    json_t *v;
    if (!acc || !add)
        return;
    json_object_foreach (add, k, v) {
        json_t *a = json_object_get(acc, k);
        size_t kl = strlen(k);
        if (!a) {
            json_object_set(acc, k, v);
        } else if (json_is_integer(a) && json_is_integer(v)) {
            json_int_t x = json_integer_value(a), y = json_integer_value(v);
            bool is_max = kl >= 4 && strcmp(k + kl - 4, "_max") == 0;
            json_integer_set(a, is_max ? (x > y ? x : y) : x + y);
        } else if (json_is_object(a) && json_is_object(v)) {
            json_merge_sum(a, v);
        }
    }
}

static void write_line(struct pipeline *pl, int type, const char *line, size_t len)
{
    pl->ev_counts[type]++;
    atomic_fetch_add_explicit(&pl->events_total, 1, memory_order_relaxed);
    output_write(pl->out, line, len);
}

/* o[a][b] as an integer, 0 when absent. */
static json_int_t jget(json_t *o, const char *a, const char *b)
{
    return json_integer_value(json_object_get(json_object_get(o, a), b));
}

static void stats_finish(struct pipeline *pl)
{
    json_t *o = pl->stats_acc;
    pl->stats_acc = NULL;
    pl->stats_parts = 0;
    if (!o)
        return;
    json_t *s = json_object_get(o, "stats");
    /* this stats event counts itself */
    pl->ev_counts[1]++;
    json_t *ev = json_object();
    for (int i = 0; i < WORKER_EVENT_TYPES; i++)
        if (pl->ev_counts[i])
            json_object_set_new(ev, worker_event_types[i],
                                json_integer((json_int_t)pl->ev_counts[i]));
    json_object_set_new(s, "events", ev);
    json_object_set_new(s, "output", stats_output_json(output_get_stats(pl->out)));
    json_t *d = json_object();
    json_object_set_new(
        d, "kernel",
        json_integer(jget(s, "capture", "kernel_drops") + jget(s, "capture", "kernel_ifdrops")));
    json_object_set_new(d, "ring", json_integer(jget(s, "capture", "ring_drops")));
    json_object_set_new(d, "flow_evictions", json_integer(jget(s, "flow", "evicted")));
    json_object_set_new(
        d, "reassembly",
        json_integer(jget(s, "tcp", "dropped_flow_cap") + jget(s, "tcp", "dropped_global_cap")));
    json_object_set_new(d, "stream_bytes", json_integer(jget(s, "stream", "dropped_bytes")));
    json_object_set_new(d, "defrag",
                        json_integer(jget(s, "defrag", "evicted") + jget(s, "defrag", "too_big")));
    json_object_set_new(d, "output", json_integer(jget(s, "output", "failures")));
    json_object_set_new(s, "drops", d);
    char *line = eve_serialize(o);
    json_decref(o);
    if (!line)
        return;
    pl->ev_counts[1]--; /* write_line counts it */
    write_line(pl, 1, line, strlen(line));
    free(line);
}

static void out_take(struct pipeline *pl, struct evq_item *e)
{
    if (e->kind == EQ_EVENT) {
        write_line(pl, e->type, e->line, e->len);
        free(e->line);
        return;
    }
    if (!pl->stats_acc)
        pl->stats_acc = e->part;
    else {
        json_merge_sum(json_object_get(pl->stats_acc, "stats"), json_object_get(e->part, "stats"));
        json_decref(e->part);
    }
    if (++pl->stats_parts == pl->n)
        stats_finish(pl);
}

static int key_cmp(const uint64_t *a, const uint64_t *b)
{
    for (int i = 0; i < 3; i++)
        if (a[i] != b[i])
            return a[i] < b[i] ? -1 : 1;
    return 0;
}

/* How far worker pw is surely done: no event of an item up to here is still to come. */
static uint64_t watermark(struct pipeline *pl, struct pl_worker *pw)
{
    uint64_t d = atomic_load_explicit(&pl->disp_seq, memory_order_seq_cst);
    uint64_t e = atomic_load_explicit(&pw->enq_seq, memory_order_seq_cst);
    uint64_t f = atomic_load_explicit(&pw->done_seq, memory_order_seq_cst);
    return f >= e && d > f ? d : f;
}

static bool out_all_finished(struct pipeline *pl)
{
    for (unsigned i = 0; i < pl->n; i++)
        if (!atomic_load(&pl->ws[i].finished) || spsc_avail(&pl->ws[i].out))
            return false;
    return true;
}

static bool out_never(void *arg)
{
    (void)arg;
    return false;
}

/* Something to write, or nothing more will come. */
static bool out_ready(void *arg)
{
    struct pipeline *pl = arg;
    for (unsigned i = 0; i < pl->n; i++)
        if (spsc_avail(&pl->ws[i].out))
            return true;
    return out_all_finished(pl);
}

static void *output_main(void *arg)
{
    struct pipeline *pl = arg;
    pthread_setname_np(pthread_self(), "tw-output");
    uint64_t wm[PIPELINE_MAX_WORKERS];
    bool had[PIPELINE_MAX_WORKERS];
    uint64_t taken = 0;
    bool written = false; /* since the last flush */
    for (;;) {
        int best = -1;
        struct evq_item *bi = NULL;
        for (unsigned i = 0; i < pl->n; i++) {
            struct pl_worker *pw = &pl->ws[i];
            /* the watermark first: then an empty queue means nothing below it is coming */
            wm[i] = pl->n > 1 ? watermark(pl, pw) : 0;
            had[i] = spsc_avail(&pw->out) > 0;
            if (!had[i])
                continue;
            struct evq_item *e = &pw->evq[pw->out.tail_local & pw->out.mask];
            if (!bi || key_cmp(e->key, bi->key) < 0) {
                bi = e;
                best = (int)i;
            }
        }
        bool blocked = best < 0, news = false;
        for (unsigned i = 0; best >= 0 && pl->n > 1 && i < pl->n; i++) {
            if (had[i] || wm[i] >= bi->key[0])
                continue;
            blocked = true; /* empty, and may still get below bi */
            news |= spsc_avail(&pl->ws[i].out) > 0;
        }
        if (news) /* it did get something meanwhile: look again */
            continue;
        if (blocked) {
            for (unsigned i = 0; i < pl->n; i++)
                spsc_release(&pl->ws[i].out);
            if (best < 0 && out_all_finished(pl))
                break;
            atomic_store(&pl->out_wants_progress, best >= 0);
            if (best >= 0) { /* waiting for a watermark: the workers and the capture ring */
                doorbell_wait(&pl->out_bell, out_never, NULL, 1000);
                continue;
            }
            /* nothing to write: what was written reaches the file now, not at exit */
            if (written) {
                output_flush(pl->out);
                written = false;
            }
            doorbell_wait(&pl->out_bell, out_ready, pl, PL_WAIT_US);
            atomic_store(&pl->out_wants_progress, 0);
            continue;
        }
        out_take(pl, bi);
        written = true;
        pl->ws[best].out.tail_local++;
        if ((++taken & 63) == 0)
            spsc_release(&pl->ws[best].out);
    }
    if (pl->stats_acc) /* parts of a stats event whose other parts never came */
        stats_finish(pl);
    output_flush(pl->out);
    return NULL;
}

/* ---- set-up and run ------------------------------------------------------------ */

static void pl_free(struct pipeline *pl)
{
    for (unsigned i = 0; pl->ws && i < pl->n; i++) {
        struct pl_worker *pw = &pl->ws[i];
        pw->w = worker_free(pw->w);
        /* events nobody wrote (a failed start) */
        while (spsc_avail(&pw->out)) {
            struct evq_item *e = &pw->evq[pw->out.tail_local++ & pw->out.mask];
            free(e->line);
            json_decref(e->part);
        }
        free(pw->items);
        free(pw->arena);
        free(pw->evq);
        spsc_fini(&pw->in);
        spsc_fini(&pw->out);
    }
    free(pl->ws);
    doorbell_fini(&pl->out_bell);
    config_free(pl->cfg_cur);
    config_free(pl->cfg_prev);
}

static int pl_init(struct pipeline *pl, char *err, size_t errlen)
{
    const struct sensor_config *cfg = pl->cfg;
    doorbell_init(&pl->out_bell);
    pl->ws = zalloc_lines((size_t)pl->n * sizeof(*pl->ws));
    if (!pl->ws) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    uint64_t slots = pow2_at_least(
        (uint64_t)(cfg->ring_slots > PL_MIN_RING_SLOTS ? cfg->ring_slots : PL_MIN_RING_SLOTS));
    uint64_t arena = pow2_at_least((uint64_t)cfg->ring_mb << 20);
    uint64_t snap = pow2_at_least((uint64_t)cfg->snaplen + PL_ARENA_ALIGN);
    if (arena < 2 * snap) /* any frame must fit, twice */
        arena = 2 * snap;
    for (unsigned i = 0; i < pl->n; i++) {
        struct pl_worker *pw = &pl->ws[i];
        pw->pl = pl;
        pw->id = i;
        spsc_init(&pw->in, slots);
        spsc_init(&pw->out, PL_EVQ_SLOTS);
        pw->items = zalloc_lines(slots * sizeof(*pw->items));
        pw->arena = malloc(arena);
        pw->arena_size = arena;
        pw->evq = calloc(PL_EVQ_SLOTS, sizeof(*pw->evq));
        if (!pw->items || !pw->arena || !pw->evq) {
            snprintf(err, errlen, "out of memory (rings: %llu slots and %llu MB per worker)",
                     (unsigned long long)slots, (unsigned long long)(arena >> 20));
            return -1;
        }
        struct worker_sink sink = {.event = sink_event, .stats = sink_stats, .ctx = pw};
        pw->w = worker_new(cfg, pl->n, &sink, err, errlen);
        if (!pw->w)
            return -1;
        worker_set_verbose(pw->w, pl->opts->verbose);
    }
    return 0;
}

static void print_warnings(const char *p)
{
    while (*p) {
        const char *nl = strchr(p, '\n');
        int n = nl ? (int)(nl - p) : (int)strlen(p);
        fprintf(stderr, "tollwatch: warning: %.*s\n", n, p);
        p += n + (nl ? 1 : 0);
    }
}

static int start_threads(struct pipeline *pl, char *err, size_t errlen)
{
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, &old); /* signals are the capture thread's */
    int r = 0;
    for (unsigned i = 0; i < pl->n && r == 0; i++) {
        r = pthread_create(&pl->ws[i].thread, NULL, worker_main, &pl->ws[i]);
        pl->ws[i].started = r == 0;
    }
    if (r == 0) {
        r = pthread_create(&pl->out_thread, NULL, output_main, pl);
        pl->out_started = r == 0;
    }
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (r != 0)
        snprintf(err, errlen, "cannot start threads: %s", strerror(r));
    return r ? -1 : 0;
}

static void stop_threads(struct pipeline *pl, bool final_stats)
{
    uint64_t ts = pl->live ? (pl->maxts > wall_us() ? pl->maxts : wall_us()) : pl->maxts;
    /* End every flow now so that stream ends and final events precede the stats. */
    broadcast(pl, IT_END, ts, 0, NULL, NULL, 0);
    /* Stats carry packet time; with no packet there is no time to give them. */
    if (final_stats)
        send_stats(pl, ts);
    broadcast(pl, IT_QUIT, ts, 0, NULL, NULL, 0);
    for (unsigned i = 0; i < pl->n; i++)
        if (pl->ws[i].started)
            pthread_join(pl->ws[i].thread, NULL);
    if (pl->out_started)
        pthread_join(pl->out_thread, NULL);
}

static void events_summary(const struct pipeline *pl, char *buf, size_t len)
{
    int idx[WORKER_EVENT_TYPES], n = 0;
    for (int i = 0; i < WORKER_EVENT_TYPES; i++)
        if (pl->ev_counts[i])
            idx[n++] = i;
    for (int i = 1; i < n; i++) /* by name */
        for (int j = i;
             j > 0 && strcmp(worker_event_types[idx[j - 1]], worker_event_types[idx[j]]) > 0; j--) {
            int t = idx[j];
            idx[j] = idx[j - 1];
            idx[j - 1] = t;
        }
    size_t o = 0;
    buf[0] = '\0';
    for (int i = 0; i < n && o < len; i++)
        o +=
            (size_t)snprintf(buf + o, len - o, "%s%s %llu", i ? ", " : "",
                             worker_event_types[idx[i]], (unsigned long long)pl->ev_counts[idx[i]]);
}

int pipeline_run(const struct sensor_config *cfg, struct output *out,
                 const struct pipeline_opts *opts, struct pipeline_result *res, char *err,
                 size_t errlen)
{
    memset(res, 0, sizeof(*res));
    if (opts->bpf && capture_check_filter(opts->bpf, err, errlen) < 0)
        return 2;
    struct pipeline *pl = zalloc_lines(sizeof(*pl));
    if (!pl) {
        snprintf(err, errlen, "out of memory");
        return 2;
    }
    pl->cfg = cfg;
    pl->opts = opts;
    pl->out = out;
    pl->live = opts->iface != NULL;
    pl->n = pipeline_workers(opts->workers ? opts->workers : cfg->workers);
    res->workers = pl->n;
    atomic_init(&pl->reload_acks, pl->n); /* no reload outstanding */

    /* signatures are loaded before the capture opens and root is dropped */
    pcap_t *live = NULL;
    int setup = pl_init(pl, err, errlen);
    if (setup == 0 && pl->live) {
        live = capture_open_live(opts->iface, cfg, opts->bpf, err, errlen);
        if (!live || (opts->user && capture_drop_privileges(opts->user, err, errlen) < 0))
            setup = -1;
        pl->live_pcap = live;
    }
    if (setup < 0) {
        pl_free(pl);
        free(pl);
        if (live)
            pcap_close(live);
        return 2;
    }
    if (!opts->quiet)
        print_warnings(worker_warnings(pl->ws[0].w));
    if (start_threads(pl, err, errlen) < 0) {
        stop_requested = 1;
        stop_threads(pl, false);
        pl_free(pl);
        free(pl);
        if (live)
            pcap_close(live);
        return 2;
    }

    int rc = 0;
    if (pl->live) {
        if (opts->verbose)
            fprintf(stderr, "tollwatch: capturing on %s with %u worker%s\n", opts->iface, pl->n,
                    pl->n == 1 ? "" : "s");
        rc = run_live(pl, live);
    } else {
        for (int i = 0; i < opts->nfiles && !stop_requested; i++) {
            int r = run_file(pl, opts->files[i], err, errlen);
            if (r == 2) {
                rc = 2;
                break;
            }
            if (r == 1) {
                res->files_failed++;
                rc = 1;
            }
        }
    }
    stop_threads(pl, pl->live || pl->read_packets > 0);

    for (unsigned i = 0; i < pl->n; i++) {
        const struct worker_counters *c = worker_get_counters(pl->ws[i].w);
        res->packets += c->packets;
        res->bytes += c->bytes;
        res->flows += worker_flows(pl->ws[i].w);
        res->decode_errors += worker_decode_errors(pl->ws[i].w);
        res->ring_drops += pl->ws[i].ring_drops;
    }
    res->kernel_drops = pl->kernel_drops + pl->kernel_ifdrops;
    events_summary(pl, res->events, sizeof(res->events));
    pl_free(pl);
    free(pl);
    if (live)
        pcap_close(live);
    return rc;
}
