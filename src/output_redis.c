/*
 * output_redis.c - the Redis sink: bounded queue, output thread, spool.
 *
 * See output_redis.h for the design. The shape follows Suricata's
 * util-log-redis.c (command chosen from the mode, pipelined appends flushed
 * per batch, every reply read and freed, reconnection rate-limited) with
 * two changes a sensor needs: the network work happens on a thread of its
 * own, and nothing is dropped while Redis is away (spool.c).
 *
 * Locking: one mutex guards the queue, the spool and the counters. The
 * producer holds it for a memcpy or a write(2) to the spool, never for
 * network I/O; the thread releases it around every Redis call.
 *
 * Start-up: the sink connects (AUTH, SELECT, PING) before the run. An error
 * that retrying cannot cure (unknown host, wrong password, bad database) is
 * returned so that main exits 2; an unreachable server (refused, timed out)
 * is a warning and lines go to the spool until it answers. With
 * OUTPUT_REDIS_RETRY (live mode) every start-up error is a warning.
 */
#include "output_redis.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <hiredis/hiredis.h>

#include "config.h"
#include "output.h"
#include "redis_url.h"
#include "spool.h"

enum rmode { RMODE_LIST, RMODE_PUBLISH, RMODE_STREAM };

struct qitem {
    char *buf; /* malloc'd, owned by whoever holds the item */
    size_t len;
};

struct output_redis {
    struct redis_url url;
    char where[300]; /* host:port for messages */
    enum rmode mode;
    char *key;
    size_t keylen;
    unsigned flags;
    unsigned delay_us;

    pthread_mutex_t lock;
    pthread_cond_t wake; /* to the thread: work, flush, stop */
    pthread_cond_t idle; /* from the thread: progress */
    struct qitem *q;     /* ring of qcap */
    size_t qcap, qhead, qcount;
    struct spool *spool;
    bool stop, flush_req, busy, started;
    struct output_stats st; /* redis_* fields */
    uint64_t resend_budget; /* lines whose first send was not acknowledged */

    /* thread only */
    pthread_t thread;
    redisContext *ctx;
    struct qitem batch[OUTPUT_REDIS_BATCH];
    struct spool_pos bpos[OUTPUT_REDIS_BATCH];
    size_t nb;
    bool batch_from_spool;
    bool was_down; /* a warning was printed */
    uint64_t connects;
};

static void warn(const struct output_redis *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void warn(const struct output_redis *r, const char *fmt, ...)
{
    if (r->flags & OUTPUT_QUIET)
        return;
    va_list ap;
    va_start(ap, fmt);
    fputs("tollwatch: redis: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* CLOCK_REALTIME deadline ms from now, for pthread_cond_timedwait. */
static struct timespec deadline_ms(long ms)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    ts.tv_sec += ms / 1000;
    ts.tv_nsec += (ms % 1000) * 1000000L;
    if (ts.tv_nsec >= 1000000000L) {
        ts.tv_sec++;
        ts.tv_nsec -= 1000000000L;
    }
    return ts;
}

/* ---------------------------------------------------------------- connection */

enum conn_result { CONN_OK = 0, CONN_TRANSIENT = -1, CONN_FATAL = -2 };

static bool transient_error_reply(const char *s)
{
    static const char *const pfx[] = {"LOADING", "BUSY",     "MASTERDOWN", "TRYAGAIN",
                                      "OOM",     "READONLY", "CLUSTERDOWN"};
    for (size_t i = 0; i < sizeof(pfx) / sizeof(pfx[0]); i++)
        if (strncmp(s, pfx[i], strlen(pfx[i])) == 0)
            return true;
    return false;
}

/* Runs one set-up command; CONN_* with err set. */
static int setup_cmd(struct output_redis *r, redisContext *c, redisReply *rep, const char *what,
                     char *err, size_t errlen)
{
    if (!rep) {
        snprintf(err, errlen, "%s: %s: %s", r->where, what, c->errstr[0] ? c->errstr : "no reply");
        return CONN_TRANSIENT;
    }
    int res = CONN_OK;
    if (rep->type == REDIS_REPLY_ERROR) {
        snprintf(err, errlen, "%s: %s refused: %s", r->where, what, rep->str);
        res = transient_error_reply(rep->str) ? CONN_TRANSIENT : CONN_FATAL;
    }
    freeReplyObject(rep);
    return res;
}

/* Connects, authenticates, selects the database and pings. CONN_* with err set. */
static int redis_connect(struct output_redis *r, redisContext **ret, char *err, size_t errlen)
{
    struct timeval tv = {OUTPUT_REDIS_TIMEOUT_MS / 1000, (OUTPUT_REDIS_TIMEOUT_MS % 1000) * 1000};
    redisContext *c = r->url.is_unix ? redisConnectUnixWithTimeout(r->url.path, tv)
                                     : redisConnectWithTimeout(r->url.host, r->url.port, tv);
    if (!c) {
        snprintf(err, errlen, "%s: out of memory", r->where);
        return CONN_TRANSIENT;
    }
    if (c->err) {
        /* getaddrinfo failures are REDIS_ERR_OTHER: the name is wrong, retrying won't help */
        int res = c->err == REDIS_ERR_IO ? CONN_TRANSIENT : CONN_FATAL;
        snprintf(err, errlen, "cannot connect to %s: %s", r->where, c->errstr);
        redisFree(c);
        return res;
    }
    redisSetTimeout(c, tv);
    int res = CONN_OK;
    if (r->url.has_password) {
        redisReply *rep = r->url.user[0]
                              ? redisCommand(c, "AUTH %s %s", r->url.user, r->url.password)
                              : redisCommand(c, "AUTH %s", r->url.password);
        char what[REDIS_URL_CRED_MAX + 32];
        if (r->url.user[0])
            snprintf(what, sizeof(what), "AUTH as user '%s'", r->url.user);
        else
            snprintf(what, sizeof(what), "AUTH");
        res = setup_cmd(r, c, rep, what, err, errlen);
    }
    if (res == CONN_OK && r->url.db) {
        char what[48];
        snprintf(what, sizeof(what), "SELECT %d", r->url.db);
        res = setup_cmd(r, c, redisCommand(c, "SELECT %d", r->url.db), what, err, errlen);
    }
    if (res == CONN_OK)
        res = setup_cmd(r, c, redisCommand(c, "PING"), "PING", err, errlen);
    if (res != CONN_OK) {
        /* NOAUTH: a password is needed and the URL has none */
        redisFree(c);
        return res;
    }
    *ret = c;
    return CONN_OK;
}

/* ---------------------------------------------------------------- queue and spool */

static void q_push(struct output_redis *r, char *buf, size_t len)
{
    r->q[(r->qhead + r->qcount) % r->qcap] = (struct qitem){buf, len};
    r->qcount++;
}

static struct qitem q_pop(struct output_redis *r)
{
    struct qitem it = r->q[r->qhead];
    r->qhead = (r->qhead + 1) % r->qcap;
    r->qcount--;
    return it;
}

/*
 * Moves the unacknowledged memory batch and the memory queue to the front
 * of the spool (they are older than anything in it). Lock held. Lines that
 * cannot be written are counted failed (lost).
 */
static void spill_memory(struct output_redis *r)
{
    size_t n = (r->batch_from_spool ? 0 : r->nb) + r->qcount;
    if (r->batch_from_spool && r->nb) {
        for (size_t i = 0; i < r->nb; i++)
            free(r->batch[i].buf);
        r->nb = 0;
    }
    spool_rewind(r->spool);
    if (n == 0)
        return;
    const char **bufs = malloc(n * sizeof(*bufs));
    size_t *lens = malloc(n * sizeof(*lens));
    size_t k = 0;
    int rc = -ENOMEM;
    if (bufs && lens) {
        for (size_t i = 0; i < r->nb; i++, k++) {
            bufs[k] = r->batch[i].buf;
            lens[k] = r->batch[i].len;
        }
        for (size_t i = 0; i < r->qcount; i++, k++) {
            const struct qitem *it = &r->q[(r->qhead + i) % r->qcap];
            bufs[k] = it->buf;
            lens[k] = it->len;
        }
        rc = spool_prepend(r->spool, bufs, lens, n);
    }
    if (rc == 0)
        r->st.redis_spooled += n;
    else
        r->st.redis_failed += n;
    free(bufs);
    free(lens);
    for (size_t i = 0; i < r->nb; i++)
        free(r->batch[i].buf);
    r->nb = 0;
    while (r->qcount) {
        struct qitem it = q_pop(r);
        free(it.buf);
    }
}

/* Fills the batch from the queue, else from the spool. Lock held. */
static void fill_batch(struct output_redis *r)
{
    r->nb = 0;
    if (r->qcount) {
        r->batch_from_spool = false;
        while (r->qcount && r->nb < OUTPUT_REDIS_BATCH)
            r->batch[r->nb++] = q_pop(r);
        return;
    }
    r->batch_from_spool = true;
    while (r->nb < OUTPUT_REDIS_BATCH) {
        char *buf;
        size_t len;
        int rc = spool_read(r->spool, &buf, &len, &r->bpos[r->nb]);
        if (rc <= 0) {
            if (rc < 0)
                warn(r, "spool %s: read error: %s", spool_dir(r->spool), strerror(-rc));
            break;
        }
        r->batch[r->nb++] = (struct qitem){buf, len};
    }
}

/* ---------------------------------------------------------------- sending */

static int append_cmd(struct output_redis *r, const struct qitem *it)
{
    switch (r->mode) {
        case RMODE_LIST:
            return redisAppendCommand(r->ctx, "RPUSH %b %b", r->key, r->keylen, it->buf, it->len);
        case RMODE_PUBLISH:
            return redisAppendCommand(r->ctx, "PUBLISH %b %b", r->key, r->keylen, it->buf, it->len);
        case RMODE_STREAM:
            return redisAppendCommand(r->ctx, "XADD %b MAXLEN ~ %ld * event %b", r->key, r->keylen,
                                      OUTPUT_REDIS_STREAM_MAXLEN, it->buf, it->len);
    }
    return REDIS_ERR;
}

static bool reply_ok(const struct output_redis *r, const redisReply *rep)
{
    if (r->mode == RMODE_STREAM)
        return rep->type == REDIS_REPLY_STRING || rep->type == REDIS_REPLY_STATUS;
    return rep->type == REDIS_REPLY_INTEGER;
}

/*
 * Sends the batch pipelined and reads every reply. Without the lock.
 * Returns the number of lines handled (acknowledged or rejected for good),
 * counting rejections in *ret_rejected; *ret_broken when the connection
 * failed (the rest of the batch is unacknowledged).
 */
static size_t send_batch(struct output_redis *r, size_t *ret_rejected, bool *ret_broken, char *err,
                         size_t errlen)
{
    size_t handled = 0, rejected = 0;
    *ret_broken = false;
    for (size_t i = 0; i < r->nb; i++) {
        if (append_cmd(r, &r->batch[i]) != REDIS_OK) {
            snprintf(err, errlen, "%s", r->ctx->errstr[0] ? r->ctx->errstr : "out of memory");
            *ret_broken = true;
            *ret_rejected = 0;
            return 0;
        }
    }
    for (size_t i = 0; i < r->nb; i++) {
        void *v = NULL;
        if (redisGetReply(r->ctx, &v) != REDIS_OK || !v) {
            snprintf(err, errlen, "%s", r->ctx->errstr[0] ? r->ctx->errstr : "connection lost");
            *ret_broken = true;
            break;
        }
        redisReply *rep = v;
        if (rep->type == REDIS_REPLY_ERROR && transient_error_reply(rep->str)) {
            snprintf(err, errlen, "%s", rep->str);
            freeReplyObject(rep);
            *ret_broken = true; /* retried from here after a reconnect */
            break;
        }
        if (!reply_ok(r, rep)) {
            if (rejected == 0)
                snprintf(err, errlen, "%s",
                         rep->type == REDIS_REPLY_ERROR ? rep->str : "unexpected reply");
            rejected++;
        }
        freeReplyObject(rep);
        handled++;
    }
    *ret_rejected = rejected;
    return handled;
}

/* Drops the first k lines of the batch as done. Lock held. */
static void batch_done(struct output_redis *r, size_t k, size_t rejected)
{
    if (k == 0)
        return;
    if (r->batch_from_spool) {
        int rc = spool_commit(r->spool, &r->bpos[k - 1]);
        if (rc < 0)
            warn(r, "spool %s: cannot record progress: %s", spool_dir(r->spool), strerror(-rc));
        r->st.redis_replayed += k - rejected;
    }
    r->st.redis_delivered += k - rejected;
    r->st.redis_failed += rejected;
    for (size_t i = 0; i < k; i++)
        free(r->batch[i].buf);
    memmove(r->batch, r->batch + k, (r->nb - k) * sizeof(r->batch[0]));
    memmove(r->bpos, r->bpos + k, (r->nb - k) * sizeof(r->bpos[0]));
    r->nb -= k;
}

static bool pending_locked(const struct output_redis *r)
{
    return r->nb || r->qcount || spool_pending(r->spool);
}

static void *thread_main(void *arg)
{
    struct output_redis *r = arg;
    long backoff = OUTPUT_REDIS_BACKOFF_MIN;
    char err[512];
    pthread_mutex_lock(&r->lock);
    for (;;) {
        if (r->stop)
            break;
        if (!r->ctx) {
            pthread_mutex_unlock(&r->lock);
            redisContext *c = NULL;
            int cr = redis_connect(r, &c, err, sizeof(err));
            pthread_mutex_lock(&r->lock);
            if (cr != CONN_OK) {
                if (!r->was_down) {
                    warn(r, "%s; spooling to %s, retrying", err, spool_dir(r->spool));
                    r->was_down = true;
                }
                spill_memory(r);
                pthread_cond_broadcast(&r->idle);
                if (r->stop)
                    break;
                struct timespec ts = deadline_ms(backoff);
                pthread_cond_timedwait(&r->wake, &r->lock, &ts);
                backoff =
                    backoff * 2 > OUTPUT_REDIS_BACKOFF_MAX ? OUTPUT_REDIS_BACKOFF_MAX : backoff * 2;
                continue;
            }
            r->ctx = c;
            if (r->connects++)
                r->st.redis_reconnects++;
            r->st.redis_connected = 1;
            backoff = OUTPUT_REDIS_BACKOFF_MIN;
            if (r->was_down) {
                warn(r, "connected to %s; replaying %llu spooled events", r->where,
                     (unsigned long long)spool_pending(r->spool));
                r->was_down = false;
            }
        }
        if (r->nb == 0) {
            if (r->qcount && r->qcount < OUTPUT_REDIS_BATCH && !r->flush_req &&
                !spool_pending(r->spool)) {
                /* a short batch: give the producer OUTPUT_REDIS_BATCH_MS to fill it */
                struct timespec ts = deadline_ms(OUTPUT_REDIS_BATCH_MS);
                while (!r->stop && !r->flush_req && r->qcount < OUTPUT_REDIS_BATCH)
                    if (pthread_cond_timedwait(&r->wake, &r->lock, &ts) == ETIMEDOUT)
                        break;
            }
            fill_batch(r);
        }
        if (r->nb == 0) {
            r->busy = false;
            r->flush_req = false;
            pthread_cond_broadcast(&r->idle);
            if (!r->stop)
                pthread_cond_wait(&r->wake, &r->lock);
            continue;
        }
        r->busy = true;
        /* re-sends: lines whose earlier sending was never acknowledged */
        uint64_t again = r->resend_budget < r->nb ? r->resend_budget : r->nb;
        r->resend_budget -= again;
        r->st.redis_resent += again;
        pthread_mutex_unlock(&r->lock);
        if (r->delay_us)
            usleep((useconds_t)(r->delay_us * r->nb));
        size_t rejected = 0;
        bool broken = false;
        size_t k = send_batch(r, &rejected, &broken, err, sizeof(err));
        pthread_mutex_lock(&r->lock);
        if (rejected)
            warn(r, "%zu events rejected by %s: %s", rejected, r->where, err);
        batch_done(r, k, rejected);
        if (broken) {
            warn(r, "connection to %s lost (%s); spooling to %s, retrying", r->where, err,
                 spool_dir(r->spool));
            r->was_down = true;
            redisFree(r->ctx);
            r->ctx = NULL;
            r->st.redis_connected = 0;
            r->resend_budget += r->nb; /* may have reached Redis */
            spill_memory(r);
        }
        pthread_cond_broadcast(&r->idle);
    }
    /* stopping: whatever is left in memory goes to the spool */
    spill_memory(r);
    r->busy = false;
    pthread_cond_broadcast(&r->idle);
    pthread_mutex_unlock(&r->lock);
    return NULL;
}

/* ---------------------------------------------------------------- sink */

static void rs_free(struct output_redis *r)
{
    if (!r)
        return;
    if (r->started) {
        pthread_mutex_lock(&r->lock);
        r->stop = true;
        pthread_cond_broadcast(&r->wake);
        pthread_mutex_unlock(&r->lock);
        pthread_join(r->thread, NULL);
    }
    if (r->ctx)
        redisFree(r->ctx);
    while (r->q && r->qcount) {
        struct qitem it = q_pop(r);
        free(it.buf);
    }
    spool_close(r->spool);
    pthread_mutex_destroy(&r->lock);
    pthread_cond_destroy(&r->wake);
    pthread_cond_destroy(&r->idle);
    free(r->q);
    free(r->key);
    free(r);
}

static int rs_open(const struct sensor_config *cfg, const char *target, unsigned flags,
                   void **ret_handle, char *err, size_t errlen)
{
    (void)target;
    struct output_redis *r = calloc(1, sizeof(*r));
    if (!r)
        return -ENOMEM;
    pthread_mutex_init(&r->lock, NULL);
    pthread_cond_init(&r->wake, NULL);
    pthread_cond_init(&r->idle, NULL);
    r->flags = flags;
    int rc = redis_url_parse(cfg->redis_url, &r->url, err, errlen);
    if (rc < 0) {
        rs_free(r);
        return rc;
    }
    redis_url_describe(&r->url, r->where, sizeof(r->where));
    r->mode = strcmp(cfg->redis_mode, "publish") == 0  ? RMODE_PUBLISH
              : strcmp(cfg->redis_mode, "stream") == 0 ? RMODE_STREAM
                                                       : RMODE_LIST;
    r->key = strdup(cfg->redis_key);
    r->qcap = (size_t)cfg->redis_max_queue;
    r->q = calloc(r->qcap, sizeof(*r->q));
    if (!r->key || !r->q) {
        rs_free(r);
        return -ENOMEM;
    }
    r->keylen = strlen(r->key);
    const char *d = getenv("TW_REDIS_TEST_DELAY_US");
    if (d && *d)
        r->delay_us = (unsigned)strtoul(d, NULL, 10);
    rc = spool_open(cfg->redis_spool_dir, 0, &r->spool, err, errlen);
    if (rc < 0) {
        rs_free(r);
        return rc;
    }
    struct spool_stats ss;
    spool_get_stats(r->spool, &ss);
    if (ss.torn || ss.corrupt)
        warn(r,
             "spool %s: %llu torn tail(s) truncated (%llu bytes), %llu corrupt records "
             "skipped",
             spool_dir(r->spool), (unsigned long long)ss.torn, (unsigned long long)ss.torn_bytes,
             (unsigned long long)ss.corrupt);
    /* the first connection, in the caller's thread, so that a bad URL stops the start */
    redisContext *c = NULL;
    char cerr[512];
    int cr = redis_connect(r, &c, cerr, sizeof(cerr));
    if (cr == CONN_FATAL && !(flags & OUTPUT_REDIS_RETRY)) {
        snprintf(err, errlen, "redis: %s", cerr);
        rs_free(r);
        return -ECONNREFUSED;
    }
    if (cr != CONN_OK) {
        warn(r, "%s; spooling to %s, retrying", cerr, spool_dir(r->spool));
        r->was_down = true;
    } else {
        r->ctx = c;
        r->connects = 1;
        r->st.redis_connected = 1;
        if (ss.pending)
            warn(r, "replaying %llu events left in the spool %s", (unsigned long long)ss.pending,
                 spool_dir(r->spool));
    }
    r->st.redis = 1;
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, &old); /* signals belong to the capture thread */
    int tr = pthread_create(&r->thread, NULL, thread_main, r);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (tr != 0) {
        snprintf(err, errlen, "redis: cannot start the output thread");
        rs_free(r);
        return -EAGAIN;
    }
    r->started = true;
    *ret_handle = r;
    return 0;
}

static int rs_write(void *handle, const char *buf, size_t len)
{
    struct output_redis *r = handle;
    pthread_mutex_lock(&r->lock);
    if (!spool_pending(r->spool) && r->qcount < r->qcap) {
        char *copy = malloc(len + 1);
        if (copy) {
            memcpy(copy, buf, len);
            copy[len] = '\0';
            q_push(r, copy, len);
            r->st.redis_queued++;
            if (r->qcount == 1 || r->qcount == OUTPUT_REDIS_BATCH)
                pthread_cond_signal(&r->wake);
            pthread_mutex_unlock(&r->lock);
            return 0;
        }
    }
    /* queue full, or the spool holds older lines: keep the order, go to disk */
    if (spool_append(r->spool, buf, len) == 0) {
        r->st.redis_spooled++;
        if (spool_pending(r->spool) == 1)
            pthread_cond_signal(&r->wake);
    } else {
        r->st.redis_failed++;
    }
    pthread_mutex_unlock(&r->lock);
    return 0;
}

static int rs_flush(void *handle)
{
    struct output_redis *r = handle;
    pthread_mutex_lock(&r->lock);
    r->flush_req = true;
    pthread_cond_signal(&r->wake);
    pthread_mutex_unlock(&r->lock);
    return 0;
}

static uint64_t rs_drain(void *handle, double timeout_s)
{
    struct output_redis *r = handle;
    double end = now_s() + timeout_s;
    pthread_mutex_lock(&r->lock);
    r->flush_req = true;
    pthread_cond_broadcast(&r->wake);
    while (pending_locked(r) && now_s() < end) {
        struct timespec ts = deadline_ms(100);
        pthread_cond_timedwait(&r->idle, &r->lock, &ts);
        r->flush_req = true;
    }
    r->stop = true;
    pthread_cond_broadcast(&r->wake);
    pthread_mutex_unlock(&r->lock);
    pthread_join(r->thread, NULL); /* the thread spills what is left to the spool */
    r->started = false;
    pthread_mutex_lock(&r->lock);
    uint64_t left = spool_pending(r->spool) + r->qcount;
    pthread_mutex_unlock(&r->lock);
    return left;
}

static void rs_close(void *handle) { rs_free(handle); }

static void rs_get_stats(void *handle, struct output_stats *st)
{
    struct output_redis *r = handle;
    pthread_mutex_lock(&r->lock);
    struct spool_stats ss;
    spool_get_stats(r->spool, &ss);
    st->redis = 1;
    st->redis_connected = r->st.redis_connected;
    st->redis_queued = r->st.redis_queued;
    st->redis_spooled = r->st.redis_spooled;
    st->redis_delivered = r->st.redis_delivered;
    st->redis_replayed = r->st.redis_replayed;
    st->redis_resent = r->st.redis_resent;
    st->redis_failed = r->st.redis_failed;
    st->redis_reconnects = r->st.redis_reconnects;
    st->redis_queue_depth = r->qcount + r->nb;
    st->redis_spool_pending = ss.pending;
    st->redis_spool_torn = ss.torn;
    st->redis_spool_corrupt = ss.corrupt;
    st->failures += r->st.redis_failed;
    pthread_mutex_unlock(&r->lock);
}

const char *output_redis_spool_dir_of(void *handle)
{
    return spool_dir(((struct output_redis *)handle)->spool);
}

const struct output_sink output_redis_sink = {
    .name = "redis",
    .open = rs_open,
    .write = rs_write,
    .flush = rs_flush,
    .close = rs_close,
    .drain = rs_drain,
    .get_stats = rs_get_stats,
};
