/*
 * main.c - command line, signals, start and stop.
 *
 * Everything else lives in libtollwatch; main only parses arguments (SPEC
 * section 1), loads the configuration, opens the outputs, runs the pipeline
 * and prints the one-line summary. Exit status: 0 success, 1 runtime
 * failure (unreadable capture, capture device lost, events left in the
 * Redis spool), 2 usage or configuration error.
 */
#include <errno.h>
#include <getopt.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <pcap/pcap.h>

#include "config.h"
#include "detector.h"
#include "dissector.h"
#include "hrdest.h"
#include "schedule.h"
#include "output.h"
#include "pipeline.h"
#include "tw_build.h"

#define MAX_FILES 1024

static void usage(FILE *out)
{
    fprintf(out, "Usage: tollwatch -r FILE [-r FILE ...] [options]\n"
                 "       tollwatch -i IFACE [options]\n"
                 "Passive sensor for CME/SCCP/H.323 toll fraud and VoIP-router attacks.\n"
                 "\n"
                 "  -r, --read FILE          read a pcap or pcapng capture ('-' = stdin); repeat\n"
                 "                           to read several files in order\n"
                 "  -i, --interface IFACE    capture live on IFACE (a span or mirror port)\n"
                 "  -w, --workers N          worker threads (default: capture.workers, else the\n"
                 "                           number of cores - 1, at least 1)\n"
                 "      --user NAME          live: run as NAME once the capture is open\n"
                 "  -c, --config FILE        YAML configuration (built-in defaults without it)\n"
                 "  -o, --output FILE|-      write EVE JSON lines to FILE ('-' = stdout, the\n"
                 "                           default when there is no Redis output)\n"
                 "      --redis URL          also publish events to Redis:\n"
                 "                           redis://[user:password@]host[:port][/db] or\n"
                 "                           unix:///path/to/socket (enables outputs.redis)\n"
                 "      --redis-mode MODE    list (RPUSH, the default), publish (PUBLISH) or\n"
                 "                           stream (XADD)\n"
                 "      --redis-key NAME     list, channel or stream name (default tollwatch)\n"
                 "  -f, --filter BPF         capture filter (tcpdump syntax)\n"
                 "      --check-config       validate configuration and signatures, print the\n"
                 "                           effective policy, exit\n"
                 "  -q, --quiet              no progress and no summary on stderr\n"
                 "  -v, --verbose            more diagnostics on stderr (decode errors by packet)\n"
                 "  -V, --version            print the version and exit\n"
                 "  -h, --help               this help\n"
                 "\n"
                 "Exit status: 0 success, 1 runtime failure (unreadable or truncated capture,\n"
                 "capture device lost),\n"
                 "2 usage or configuration error (a Redis URL, password or host that cannot\n"
                 "work included); 1 also when events are left in the Redis spool at exit.\n"
                 "Signals: INT/TERM stop and flush, USR1 writes a\n"
                 "stats event, HUP reloads the configuration and signatures. See tollwatch(8).\n");
}

static void on_stop(int sig)
{
    (void)sig;
    pipeline_request_stop();
}

static void on_usr1(int sig)
{
    (void)sig;
    pipeline_request_stats();
}

static void on_hup(int sig)
{
    (void)sig;
    pipeline_request_reload();
}

static void install_signals(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sigemptyset(&sa.sa_mask);
    /* INT/TERM interrupt a blocked read (stdin) so that the stop is prompt */
    sa.sa_handler = on_stop;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sa.sa_flags = SA_RESTART; /* USR1/HUP must not cut a read from a pipe short */
    sa.sa_handler = on_usr1;
    sigaction(SIGUSR1, &sa, NULL);
    sa.sa_handler = on_hup;
    sigaction(SIGHUP, &sa, NULL);
    sa.sa_handler = SIG_IGN;
    sigaction(SIGPIPE, &sa, NULL);
}

/* Loads signatures through each detector's init, as the workers will. */
static int check_signatures(const struct sensor_config *cfg, FILE *out)
{
    char err[1024];
    fprintf(out, "detectors:\n");
    for (size_t i = 0; i < detector_count; i++) {
        const struct detector *d = detector_table[i];
        void *priv = NULL;
        err[0] = '\0';
        int r = d->init ? d->init(cfg, &priv, err, sizeof(err)) : 0;
        if (r < 0) {
            fprintf(stderr, "tollwatch: %s\n", err);
            return -1;
        }
        if (d->fini && priv)
            d->fini(priv);
        if (r > 0)
            fprintf(out, "  - {name: %s, sid: %u, enabled: false}  # %s\n", d->name, d->sid, err);
        else if (d->sid)
            fprintf(out, "  - {name: %s, sid: %u, severity: %d, enabled: true}\n", d->name, d->sid,
                    d->severity);
        else
            fprintf(out, "  - {name: %s, emits: events, enabled: true}\n", d->name);
    }
    /* the fraud policy as loaded: patterns, schedule and destinations */
    struct fraud_schedule *sched = NULL;
    if (cfg->patterns_file[0]) { /* "" turns the detector off */
        if (schedule_load(cfg->patterns_file, cfg->timezone, &sched, err, sizeof(err)) < 0) {
            fprintf(stderr, "tollwatch: %s\n", err);
            return -1;
        }
        schedule_print(sched, out);
        schedule_free(sched);
    }
    struct hrdest_list *hr = NULL;
    if (cfg->high_risk_file[0]) {
        if (hrdest_load(cfg->high_risk_file, &hr, err, sizeof(err)) < 0) {
            fprintf(stderr, "tollwatch: %s\n", err);
            return -1;
        }
        hrdest_print(hr, out);
        hrdest_free(hr);
    }
    fprintf(out, "dissectors:\n");
    for (size_t i = 0; i < dissector_count; i++) {
        const struct dissector *d = dissector_table[i];
        fprintf(out, "  - {name: %s, transport: %s, ports: [", d->name, d->l4 == 6 ? "tcp" : "udp");
        for (int p = 0; p < DIS_MAX_PORTS && d->ports[p]; p++)
            fprintf(out, "%s%u", p ? ", " : "", d->ports[p]);
        fprintf(out, "]}\n");
    }
    return 0;
}

/*
 * --redis, --redis-mode and --redis-key override outputs.redis; --redis
 * turns the Redis output on, and without -o the EVE file output off (SPEC:
 * stdout is the default only when there is no Redis). -1 on OOM.
 */
static int apply_redis_options(struct sensor_config *cfg, const char *url, const char *mode,
                               const char *key, int have_output)
{
    char *u = url ? strdup(url) : NULL, *m = mode ? strdup(mode) : NULL,
         *k = key ? strdup(key) : NULL;
    if ((url && !u) || (mode && !m) || (key && !k)) {
        free(u);
        free(m);
        free(k);
        return -1;
    }
    if (u) {
        free(cfg->redis_url);
        cfg->redis_url = u;
        cfg->redis_enabled = true;
        if (!have_output)
            cfg->eve_enabled = false;
    }
    if (m) {
        free(cfg->redis_mode);
        cfg->redis_mode = m;
    }
    if (k) {
        free(cfg->redis_key);
        cfg->redis_key = k;
    }
    return 0;
}

int main(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"read", required_argument, NULL, 'r'},
        {"config", required_argument, NULL, 'c'},
        {"output", required_argument, NULL, 'o'},
        {"filter", required_argument, NULL, 'f'},
        {"check-config", no_argument, NULL, 'C'},
        {"quiet", no_argument, NULL, 'q'},
        {"verbose", no_argument, NULL, 'v'},
        {"version", no_argument, NULL, 'V'},
        {"help", no_argument, NULL, 'h'},
        {"redis", required_argument, NULL, 'R'},
        {"redis-mode", required_argument, NULL, 'M'},
        {"redis-key", required_argument, NULL, 'K'},
        {"interface", required_argument, NULL, 'i'},
        {"workers", required_argument, NULL, 'w'},
        {"user", required_argument, NULL, 'U'},
        {NULL, 0, NULL, 0},
    };
    const char *files[MAX_FILES];
    int nfiles = 0;
    const char *config_path = NULL, *output = NULL, *bpf = NULL;
    const char *redis_url = NULL, *redis_mode = NULL, *redis_key = NULL;
    const char *iface = NULL, *user = NULL;
    int check_config = 0, quiet = 0, verbose = 0, workers = 0;
    int opt;

    opterr = 0;
    while ((opt = getopt_long(argc, argv, ":r:c:o:f:i:w:qvVh", longopts, NULL)) != -1) {
        switch (opt) {
            case 'r':
                if (nfiles == MAX_FILES) {
                    fprintf(stderr, "tollwatch: too many -r files (at most %d)\n", MAX_FILES);
                    return 2;
                }
                files[nfiles++] = optarg;
                break;
            case 'c':
                config_path = optarg;
                break;
            case 'i':
                iface = optarg;
                break;
            case 'w': {
                char *end;
                long n = strtol(optarg, &end, 10);
                if (*optarg == '\0' || *end || n < 1 || n > PIPELINE_MAX_WORKERS) {
                    fprintf(stderr, "tollwatch: -w: '%s' is not a worker count (1 to %d)\n", optarg,
                            PIPELINE_MAX_WORKERS);
                    return 2;
                }
                workers = (int)n;
                break;
            }
            case 'U':
                user = optarg;
                break;
            case 'o':
                output = optarg;
                break;
            case 'f':
                bpf = optarg;
                break;
            case 'C':
                check_config = 1;
                break;
            case 'R':
                redis_url = optarg;
                break;
            case 'M':
                if (strcmp(optarg, "list") != 0 && strcmp(optarg, "publish") != 0 &&
                    strcmp(optarg, "stream") != 0) {
                    fprintf(stderr,
                            "tollwatch: --redis-mode: '%s' is not one of list, publish, "
                            "stream\n",
                            optarg);
                    return 2;
                }
                redis_mode = optarg;
                break;
            case 'K':
                if (!*optarg) {
                    fprintf(stderr, "tollwatch: --redis-key: must not be empty\n");
                    return 2;
                }
                redis_key = optarg;
                break;
            case 'q':
                quiet = 1;
                break;
            case 'v':
                verbose++;
                break;
            case 'V':
                printf("tollwatch %s (%s, jansson %s)\n", TW_VERSION, pcap_lib_version(),
                       JANSSON_VERSION);
                return 0;
            case 'h':
                usage(stdout);
                return 0;
            case ':':
                fprintf(stderr, "tollwatch: option '%s' needs an argument\n", argv[optind - 1]);
                usage(stderr);
                return 2;
            default:
                fprintf(stderr, "tollwatch: unknown option '%s'\n", argv[optind - 1]);
                usage(stderr);
                return 2;
        }
    }
    if (optind < argc) {
        fprintf(stderr, "tollwatch: unexpected argument '%s'\n", argv[optind]);
        usage(stderr);
        return 2;
    }

    /* early: a signal during start-up must not kill the process */
    install_signals();

    char err[1024] = "";
    struct sensor_config *cfg = NULL;
    if (config_path) {
        int r = config_load(config_path, &cfg, err, sizeof(err));
        if (r < 0) {
            fprintf(stderr, "tollwatch: %s\n", err);
            return 2;
        }
    } else {
        cfg = config_defaults();
        if (!cfg) {
            fprintf(stderr, "tollwatch: out of memory\n");
            return 1;
        }
    }

    if (apply_redis_options(cfg, redis_url, redis_mode, redis_key, output != NULL) < 0) {
        fprintf(stderr, "tollwatch: out of memory\n");
        config_free(cfg);
        return 1;
    }

    if (check_config) {
        config_print(cfg, stdout);
        int r = check_signatures(cfg, stdout);
        config_free(cfg);
        if (r < 0)
            return 2;
        fprintf(stderr, "tollwatch: configuration OK\n");
        return 0;
    }
    if (nfiles == 0 && !iface) {
        fprintf(stderr, "tollwatch: nothing to read: give -r FILE or -i IFACE\n");
        usage(stderr);
        config_free(cfg);
        return 2;
    }
    if (nfiles && iface) {
        fprintf(stderr, "tollwatch: -r and -i cannot be used together\n");
        config_free(cfg);
        return 2;
    }
    if (user && !iface) {
        fprintf(stderr, "tollwatch: --user applies to live capture (-i) only\n");
        config_free(cfg);
        return 2;
    }
    if (user && !getpwnam(user)) { /* before the capture opens: a typo costs nothing */
        fprintf(stderr, "tollwatch: --user %s: no such user\n", user);
        config_free(cfg);
        return 2;
    }

    struct output *out = NULL;
    /* live, a Redis that is not there yet is a warning: events wait in the spool */
    unsigned oflags = (quiet ? OUTPUT_QUIET : 0) | (iface ? OUTPUT_REDIS_RETRY : 0);
    if (output_open(cfg, output, oflags, &out, err, sizeof(err)) < 0) {
        fprintf(stderr, "tollwatch: cannot open output: %s\n", err);
        config_free(cfg);
        return 2;
    }
    struct pipeline_opts po = {
        .config_path = config_path,
        .files = files,
        .nfiles = nfiles,
        .iface = iface,
        .user = user,
        .workers = workers,
        .bpf = bpf,
        .progress = !quiet && !iface && isatty(STDERR_FILENO),
        .quiet = quiet,
        .verbose = verbose,
    };
    struct pipeline_result res;
    int rc = pipeline_run(cfg, out, &po, &res, err, sizeof(err));
    if (rc == 2)
        fprintf(stderr, "tollwatch: %s\n", err);
    /* offline: wait for the Redis output to deliver everything, within drain_timeout */
    uint64_t left = output_drain(out, (double)cfg->redis_drain_timeout);
    const struct output_stats *os = output_get_stats(out);
    uint64_t out_fail = os->failures;
    char redis_part[512] = "";
    if (os->redis)
        snprintf(redis_part, sizeof(redis_part),
                 "; redis: %llu delivered (%llu from the spool), %llu spooled, %llu re-sent, "
                 "%llu failed, %llu reconnects, %llu left in the spool",
                 (unsigned long long)os->redis_delivered, (unsigned long long)os->redis_replayed,
                 (unsigned long long)os->redis_spooled, (unsigned long long)os->redis_resent,
                 (unsigned long long)os->redis_failed, (unsigned long long)os->redis_reconnects,
                 (unsigned long long)left);
    if (left) {
        fprintf(stderr,
                "tollwatch: redis: %llu events not delivered within %ld s; they stay in the "
                "spool %s for the next run\n",
                (unsigned long long)left, cfg->redis_drain_timeout, output_redis_spool_dir(out));
        if (rc == 0)
            rc = 1;
    }
    if (rc != 2 && !quiet)
        fprintf(stderr,
                "tollwatch: %llu packets, %llu bytes, %llu flows, events: %s; "
                "%llu decode errors, %llu capture drops, %llu output failures%s\n",
                (unsigned long long)res.packets, (unsigned long long)res.bytes,
                (unsigned long long)res.flows, res.events[0] ? res.events : "none",
                (unsigned long long)res.decode_errors,
                (unsigned long long)(res.kernel_drops + res.ring_drops),
                (unsigned long long)out_fail, redis_part);
    output_close(out);
    config_free(cfg);
    return rc;
}
