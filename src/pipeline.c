/*
 * pipeline.c - the offline capture driver; see pipeline.h.
 *
 * One worker, one thread: offline output is deterministic and in capture
 * order. libpcap reads pcap and pcapng alike; a record cut short at the end
 * of a file (a capture that was still being written) is reported with the
 * file name and packet number, and everything before it is analysed.
 */
#include "pipeline.h"

#include <errno.h>
#include <pcap/pcap.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "decode.h"
#include "output.h"
#include "worker.h"

static volatile sig_atomic_t stop_requested;
static volatile sig_atomic_t stats_requested;
static volatile sig_atomic_t reload_requested;

void pipeline_request_reload(void) { reload_requested = 1; }

void pipeline_request_stop(void) { stop_requested = 1; }

void pipeline_request_stats(void) { stats_requested = 1; }

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

struct progress {
    bool on;
    double start, last;
    uint64_t start_pkts;
    long long total; /* file size, -1 unknown */
};

static void progress_show(struct progress *pg, pcap_t *p, const char *name, const struct worker *w,
                          bool final)
{
    double t = now_s();
    if (!pg->on || (!final && t - pg->last < 0.25))
        return;
    pg->last = t;
    const struct worker_counters *c = worker_get_counters(w);
    double rate = t > pg->start ? (double)(c->packets - pg->start_pkts) / (t - pg->start) : 0;
    FILE *fp = pcap_file(p);
    long long pos = fp ? (long long)ftell(fp) : -1;
    if (pg->total > 0 && pos >= 0)
        fprintf(stderr, "\r%s: %lld of %lld MB (%3d%%), %.0f packets/s, %llu events   ", name,
                pos >> 20, pg->total >> 20, (int)(100.0 * (double)pos / (double)pg->total), rate,
                (unsigned long long)c->events_total);
    else
        fprintf(stderr, "\r%s: %llu packets, %.0f packets/s, %llu events   ", name,
                (unsigned long long)c->packets, rate, (unsigned long long)c->events_total);
    if (final)
        fputc('\n', stderr);
}

/* Configurations loaded by SIGHUP; the one in force and its predecessor. */
static struct sensor_config *reloaded_cfg;

static void pipeline_reload(struct worker *w, const struct pipeline_opts *opts)
{
    char err[1024];
    struct sensor_config *cfg = NULL;
    int r = opts->config_path ? config_load(opts->config_path, &cfg, err, sizeof(err))
                              : ((cfg = config_defaults()) ? 0 : -ENOMEM);
    if (r < 0) {
        fprintf(stderr, "tollwatch: reload failed, keeping the running configuration: %s\n",
                r == -ENOMEM ? "out of memory" : err);
        return;
    }
    if (worker_reload(w, cfg, err, sizeof(err)) < 0) {
        fprintf(stderr, "tollwatch: reload failed, keeping the running configuration: %s\n", err);
        config_free(cfg);
        return;
    }
    config_free(reloaded_cfg);
    reloaded_cfg = cfg;
    if (opts->verbose)
        fprintf(stderr, "tollwatch: configuration and signatures reloaded\n");
}

/* Validates the filter once, before any output is produced. */
static int check_filter(const char *bpf, char *err, size_t errlen)
{
    pcap_t *dead = pcap_open_dead(DLT_EN10MB, 65535);
    struct bpf_program prog;
    int r = 0;
    if (!dead)
        return 0;
    if (pcap_compile(dead, &prog, bpf, 1, PCAP_NETMASK_UNKNOWN) < 0) {
        snprintf(err, errlen, "filter '%s': %s", bpf, pcap_geterr(dead));
        r = -1;
    } else {
        pcap_freecode(&prog);
    }
    pcap_close(dead);
    return r;
}

/* Reads one file into w. 0 read to the end (or stopped), 1 unreadable or cut short, 2 setup. */
static int run_file(struct worker *w, const char *path, const struct pipeline_opts *opts, char *err,
                    size_t errlen)
{
    char errbuf[PCAP_ERRBUF_SIZE];
    const char *name = strcmp(path, "-") == 0 ? "stdin" : path;
    pcap_t *p = pcap_open_offline(path, errbuf);
    if (!p) {
        /* libpcap's message may already start with the path */
        if (strncmp(errbuf, path, strlen(path)) == 0)
            fprintf(stderr, "tollwatch: %s\n", errbuf);
        else
            fprintf(stderr, "tollwatch: %s: %s\n", name, errbuf);
        return 1;
    }
    int lt = pcap_datalink(p);
    if (!decode_linktype_supported(lt)) {
        const char *ltn = pcap_datalink_val_to_name(lt);
        fprintf(stderr, "tollwatch: %s: unsupported link type %d (%s), file skipped\n", name, lt,
                ltn ? ltn : "unknown");
        pcap_close(p);
        return 1;
    }
    if (opts->bpf) {
        struct bpf_program prog;
        if (pcap_compile(p, &prog, opts->bpf, 1, PCAP_NETMASK_UNKNOWN) < 0 ||
            pcap_setfilter(p, &prog) < 0) {
            snprintf(err, errlen, "filter '%s': %s", opts->bpf, pcap_geterr(p));
            pcap_close(p);
            return 2;
        }
        pcap_freecode(&prog);
    }
    worker_set_source(w, lt, strcmp(path, "-") == 0 ? "-" : path, NULL);

    struct progress pg = {.on = opts->progress, .total = -1};
    struct stat st;
    if (strcmp(path, "-") != 0 && stat(path, &st) == 0)
        pg.total = (long long)st.st_size;
    pg.start = pg.last = now_s();
    pg.start_pkts = worker_get_counters(w)->packets;

    int rc = 0;
    uint64_t n = 0;
    for (;;) {
        struct pcap_pkthdr *h;
        const u_char *data;
        int r = pcap_next_ex(p, &h, &data);
        if (r == 1) {
            n++;
            uint64_t ts = (uint64_t)h->ts.tv_sec * 1000000 + (uint64_t)h->ts.tv_usec;
            worker_packet(w, data, h->caplen, h->len, ts);
            if (stats_requested) {
                stats_requested = 0;
                worker_emit_stats(w, 0);
            }
            if (reload_requested) {
                reload_requested = 0;
                pipeline_reload(w, opts);
            }
            if (stop_requested)
                break;
            if ((n & 1023) == 0)
                progress_show(&pg, p, name, w, false);
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
    progress_show(&pg, p, name, w, true);
    pcap_close(p);
    return rc;
}

int pipeline_run_offline(const struct sensor_config *cfg, struct output *out,
                         const struct pipeline_opts *opts, struct pipeline_result *res, char *err,
                         size_t errlen)
{
    memset(res, 0, sizeof(*res));
    if (opts->bpf && check_filter(opts->bpf, err, errlen) < 0)
        return 2;
    struct worker *w = worker_new(cfg, out, err, errlen);
    if (!w)
        return 2;
    worker_set_verbose(w, opts->verbose);
    if (!opts->quiet && worker_warnings(w)[0]) {
        const char *p = worker_warnings(w);
        while (*p) {
            const char *nl = strchr(p, '\n');
            int n = nl ? (int)(nl - p) : (int)strlen(p);
            fprintf(stderr, "tollwatch: warning: %.*s\n", n, p);
            p += n + (nl ? 1 : 0);
        }
    }
    int rc = 0;
    for (int i = 0; i < opts->nfiles && !stop_requested; i++) {
        int r = run_file(w, opts->files[i], opts, err, errlen);
        if (r == 2) {
            rc = 2;
            break;
        }
        if (r == 1) {
            res->files_failed++;
            rc = 1;
        }
    }
    worker_finish(w);
    const struct worker_counters *c = worker_get_counters(w);
    res->packets = c->packets;
    res->bytes = c->bytes;
    res->flows = worker_flows(w);
    res->decode_errors = worker_decode_errors(w);
    res->output_failures = output_get_stats(out)->failures;
    worker_event_summary(w, res->events, sizeof(res->events));
    worker_free(w);
    reloaded_cfg = config_free(reloaded_cfg);
    return rc;
}
