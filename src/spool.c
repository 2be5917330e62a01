/*
 * spool.c - the Redis output's on-disk FIFO; see spool.h for the format,
 * the recovery rules and the fsync policy.
 *
 * Why segments and an offset file rather than one file rewritten: appends
 * and replays never copy data, delivered data is released a whole segment
 * at a time by unlink(2), and a crash at any point leaves files that the
 * next open can scan (Redis's AOF and Kafka's log segments take the same
 * shape).
 */
#include "spool.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#define SPOOL_MAGIC    "TWS1"
#define SPOOL_HDR      12
#define SPOOL_SEQ_BASE (UINT64_C(1) << 32) /* room to prepend below */

struct seg {
    uint64_t seq;
    uint64_t size; /* bytes in the file */
    uint64_t done; /* delivered offset */
};

struct spool {
    char dir[PATH_MAX];
    int lock_fd;
    struct seg *segs; /* ascending seq */
    size_t n, cap;
    int wfd; /* O_APPEND fd of segs[n-1], -1 = none open */
    int rfd; /* read fd of segment rfd_seq, -1 = none */
    uint64_t rfd_seq;
    uint64_t seg_max;
    size_t rseg; /* read cursor */
    uint64_t roff;
    uint64_t read_ord, commit_ord;
    struct spool_stats st;
};

/* ---------------------------------------------------------------- CRC-32 */

static uint32_t crc_table[256];
static pthread_once_t crc_once = PTHREAD_ONCE_INIT;

static void crc_init(void)
{
    for (uint32_t i = 0; i < 256; i++) {
        uint32_t c = i;
        for (int k = 0; k < 8; k++)
            c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
        crc_table[i] = c;
    }
}

uint32_t spool_crc32(uint32_t crc, const void *buf, size_t len)
{
    pthread_once(&crc_once, crc_init);
    const unsigned char *p = buf;
    crc = ~crc;
    for (size_t i = 0; i < len; i++)
        crc = crc_table[(crc ^ p[i]) & 0xFF] ^ (crc >> 8);
    return ~crc;
}

static void put_le32(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char)v;
    p[1] = (unsigned char)(v >> 8);
    p[2] = (unsigned char)(v >> 16);
    p[3] = (unsigned char)(v >> 24);
}

static uint32_t get_le32(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint32_t record_crc(const unsigned char *lenfield, const void *payload, size_t len)
{
    return spool_crc32(spool_crc32(0, lenfield, 4), payload, len);
}

static void make_header(unsigned char *h, const void *buf, size_t len)
{
    memcpy(h, SPOOL_MAGIC, 4);
    put_le32(h + 4, (uint32_t)len);
    put_le32(h + 8, record_crc(h + 4, buf, len));
}

/* ---------------------------------------------------------------- files */

static void seg_path(const struct spool *s, uint64_t seq, const char *ext, char *buf, size_t len)
{
    snprintf(buf, len, "%s/%020llu.%s", s->dir, (unsigned long long)seq, ext);
}

static int mkdir_p(const char *dir)
{
    char tmp[PATH_MAX];
    if (snprintf(tmp, sizeof(tmp), "%s", dir) >= (int)sizeof(tmp))
        return -ENAMETOOLONG;
    for (char *p = tmp + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(tmp, 0750) < 0 && errno != EEXIST)
            return -errno;
        *p = '/';
    }
    if (mkdir(tmp, 0750) < 0 && errno != EEXIST)
        return -errno;
    return 0;
}

static void fsync_dir(const struct spool *s)
{
    int fd = open(s->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) {
        (void)fsync(fd);
        close(fd);
    }
}

static void close_rfd(struct spool *s)
{
    if (s->rfd >= 0)
        close(s->rfd);
    s->rfd = -1;
}

static int get_rfd(struct spool *s, uint64_t seq)
{
    if (s->rfd >= 0 && s->rfd_seq == seq)
        return s->rfd;
    close_rfd(s);
    char path[PATH_MAX + 32];
    seg_path(s, seq, "seg", path, sizeof(path));
    s->rfd = open(path, O_RDONLY | O_CLOEXEC);
    if (s->rfd < 0)
        return -errno;
    s->rfd_seq = seq;
    return s->rfd;
}

static void unlink_seg(struct spool *s, uint64_t seq)
{
    char path[PATH_MAX + 32];
    if (s->rfd >= 0 && s->rfd_seq == seq)
        close_rfd(s);
    seg_path(s, seq, "seg", path, sizeof(path));
    unlink(path);
    seg_path(s, seq, "off", path, sizeof(path));
    unlink(path);
}

static int write_off(struct spool *s, const struct seg *g)
{
    char path[PATH_MAX + 32], tmp[PATH_MAX + 32], text[32];
    seg_path(s, g->seq, "off", path, sizeof(path));
    seg_path(s, g->seq, "off.tmp", tmp, sizeof(tmp));
    int n = snprintf(text, sizeof(text), "%llu\n", (unsigned long long)g->done);
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640);
    if (fd < 0)
        return -errno;
    int r = 0;
    if (write(fd, text, (size_t)n) != n)
        r = -EIO;
    close(fd);
    if (r == 0 && rename(tmp, path) < 0)
        r = -errno;
    return r;
}

static uint64_t read_off(const struct spool *s, uint64_t seq)
{
    char path[PATH_MAX + 32], text[32] = "";
    seg_path(s, seq, "off", path, sizeof(path));
    FILE *fp = fopen(path, "re");
    if (!fp)
        return 0;
    unsigned long long v = 0;
    if (fgets(text, sizeof(text), fp))
        v = strtoull(text, NULL, 10);
    fclose(fp);
    return v;
}

static int segs_reserve(struct spool *s, size_t want)
{
    if (want <= s->cap)
        return 0;
    size_t cap = s->cap ? s->cap * 2 : 16;
    while (cap < want)
        cap *= 2;
    struct seg *g = realloc(s->segs, cap * sizeof(*g));
    if (!g)
        return -ENOMEM;
    s->segs = g;
    s->cap = cap;
    return 0;
}

static int seq_cmp(const void *a, const void *b)
{
    const struct seg *x = a, *y = b;
    return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/*
 * Validates segment g from its delivered offset on: counts pending records,
 * skips bad checksums, truncates a torn tail. 0 or negative errno.
 */
static int scan_seg(struct spool *s, struct seg *g)
{
    char path[PATH_MAX + 32];
    seg_path(s, g->seq, "seg", path, sizeof(path));
    int fd = open(path, O_RDWR | O_CLOEXEC);
    if (fd < 0)
        return -errno;
    struct stat st;
    if (fstat(fd, &st) < 0) {
        int e = -errno;
        close(fd);
        return e;
    }
    g->size = (uint64_t)st.st_size;
    if (g->done > g->size)
        g->done = g->size; /* an offset file from another life: replay the tail */
    uint64_t off = g->done;
    char *buf = NULL;
    size_t bufcap = 0;
    int r = 0;
    while (off < g->size) {
        unsigned char h[SPOOL_HDR];
        uint64_t left = g->size - off;
        bool torn = left < SPOOL_HDR;
        uint32_t len = 0;
        if (!torn) {
            if (pread(fd, h, SPOOL_HDR, (off_t)off) != SPOOL_HDR) {
                r = -EIO;
                break;
            }
            len = get_le32(h + 4);
            torn =
                memcmp(h, SPOOL_MAGIC, 4) != 0 || len > SPOOL_MAX_RECORD || len > left - SPOOL_HDR;
        }
        if (torn) {
            if (ftruncate(fd, (off_t)off) < 0) {
                r = -errno;
                break;
            }
            s->st.torn++;
            s->st.torn_bytes += left;
            g->size = off;
            break;
        }
        if (len > bufcap) {
            char *nb = realloc(buf, len);
            if (!nb) {
                r = -ENOMEM;
                break;
            }
            buf = nb;
            bufcap = len;
        }
        if (len && pread(fd, buf, len, (off_t)(off + SPOOL_HDR)) != (ssize_t)len) {
            r = -EIO;
            break;
        }
        if (record_crc(h + 4, buf, len) != get_le32(h + 8))
            s->st.corrupt++;
        else
            s->st.pending++;
        off += SPOOL_HDR + len;
    }
    free(buf);
    close(fd);
    return r;
}

int spool_open(const char *dir, uint64_t segment_bytes, struct spool **ret, char *err,
               size_t errlen)
{
    struct spool *s = calloc(1, sizeof(*s));
    if (!s)
        return -ENOMEM;
    s->lock_fd = s->wfd = s->rfd = -1;
    s->seg_max = segment_bytes ? segment_bytes : SPOOL_SEGMENT_BYTES;
    int r;
    if (snprintf(s->dir, sizeof(s->dir), "%s", dir) >= (int)sizeof(s->dir)) {
        r = -ENAMETOOLONG;
        snprintf(err, errlen, "spool_dir '%s': %s", dir, strerror(-r));
        goto fail;
    }
    r = mkdir_p(dir);
    if (r < 0) {
        snprintf(err, errlen, "spool_dir '%s': %s", dir, strerror(-r));
        goto fail;
    }
    char path[PATH_MAX + 32];
    snprintf(path, sizeof(path), "%s/spool.lock", dir);
    s->lock_fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0640);
    if (s->lock_fd < 0) {
        r = -errno;
        snprintf(err, errlen, "spool_dir '%s': %s", dir, strerror(-r));
        goto fail;
    }
    if (flock(s->lock_fd, LOCK_EX | LOCK_NB) < 0) {
        r = -errno;
        snprintf(err, errlen, "spool_dir '%s': in use by another tollwatch (%s)", dir,
                 strerror(-r));
        goto fail;
    }
    DIR *d = opendir(dir);
    if (!d) {
        r = -errno;
        snprintf(err, errlen, "spool_dir '%s': %s", dir, strerror(-r));
        goto fail;
    }
    struct dirent *de;
    r = 0;
    while ((de = readdir(d))) {
        const char *nm = de->d_name;
        if (strlen(nm) != 24 || strcmp(nm + 20, ".seg") != 0 || strspn(nm, "0123456789") != 20)
            continue;
        if ((r = segs_reserve(s, s->n + 1)) < 0)
            break;
        s->segs[s->n++] = (struct seg){.seq = strtoull(nm, NULL, 10)};
    }
    closedir(d);
    if (r < 0) {
        snprintf(err, errlen, "spool_dir '%s': %s", dir, strerror(-r));
        goto fail;
    }
    if (s->n)
        qsort(s->segs, s->n, sizeof(*s->segs), seq_cmp);
    size_t keep = 0;
    for (size_t i = 0; i < s->n; i++) {
        struct seg *g = &s->segs[i];
        g->done = read_off(s, g->seq);
        if ((r = scan_seg(s, g)) < 0) {
            snprintf(err, errlen, "spool segment %s/%020llu.seg: %s", dir,
                     (unsigned long long)g->seq, strerror(-r));
            goto fail;
        }
        if (g->done >= g->size) { /* delivered (or empty): release */
            unlink_seg(s, g->seq);
            continue;
        }
        s->segs[keep++] = *g;
    }
    s->n = keep;
    s->roff = s->n ? s->segs[0].done : 0;
    *ret = s;
    return 0;
fail:
    spool_close(s);
    return r;
}

struct spool *spool_close(struct spool *s)
{
    if (!s)
        return NULL;
    if (s->wfd >= 0) {
        (void)fsync(s->wfd);
        close(s->wfd);
    }
    close_rfd(s);
    if (s->lock_fd >= 0)
        close(s->lock_fd);
    free(s->segs);
    free(s);
    return NULL;
}

/* Opens a new last segment for appending. */
static int new_write_seg(struct spool *s)
{
    int r = segs_reserve(s, s->n + 1);
    if (r < 0)
        return r;
    uint64_t seq = s->n ? s->segs[s->n - 1].seq + 1 : SPOOL_SEQ_BASE;
    char path[PATH_MAX + 32];
    seg_path(s, seq, "seg", path, sizeof(path));
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_APPEND | O_CLOEXEC, 0640);
    if (fd < 0)
        return -errno;
    s->segs[s->n++] = (struct seg){.seq = seq};
    s->wfd = fd;
    return 0;
}

int spool_append(struct spool *s, const void *buf, size_t len)
{
    if (len > SPOOL_MAX_RECORD)
        return -EMSGSIZE;
    if (s->wfd >= 0 && s->segs[s->n - 1].size > 0 &&
        s->segs[s->n - 1].size + SPOOL_HDR + len > s->seg_max) {
        (void)fsync(s->wfd);
        close(s->wfd);
        s->wfd = -1;
    }
    int r;
    if (s->wfd < 0 && (r = new_write_seg(s)) < 0) {
        s->st.write_failures++;
        return r;
    }
    struct seg *g = &s->segs[s->n - 1];
    unsigned char h[SPOOL_HDR];
    make_header(h, buf, len);
    struct iovec iov[2] = {{h, SPOOL_HDR}, {(void *)(uintptr_t)buf, len}};
    ssize_t w = writev(s->wfd, iov, 2);
    if (w != (ssize_t)(SPOOL_HDR + len)) {
        r = w < 0 ? -errno : -ENOSPC;
        if (w > 0) /* keep the file a run of whole records */
            (void)ftruncate(s->wfd, (off_t)g->size);
        s->st.write_failures++;
        return r;
    }
    g->size += SPOOL_HDR + len;
    s->st.appended++;
    s->st.pending++;
    return 0;
}

int spool_prepend(struct spool *s, const char *const *bufs, const size_t *lens, size_t n)
{
    if (n == 0)
        return 0;
    if (s->read_ord != s->commit_ord)
        return -EBUSY;
    if (s->n && s->segs[0].seq == 0)
        return -EOVERFLOW;
    int r = segs_reserve(s, s->n + 1);
    if (r < 0)
        return r;
    uint64_t seq = s->n ? s->segs[0].seq - 1 : SPOOL_SEQ_BASE;
    char path[PATH_MAX + 32];
    seg_path(s, seq, "seg", path, sizeof(path));
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0640);
    if (fd < 0)
        return -errno;
    uint64_t size = 0;
    for (size_t i = 0; i < n && r == 0; i++) {
        unsigned char h[SPOOL_HDR];
        if (lens[i] > SPOOL_MAX_RECORD) {
            r = -EMSGSIZE;
            break;
        }
        make_header(h, bufs[i], lens[i]);
        struct iovec iov[2] = {{h, SPOOL_HDR}, {(void *)(uintptr_t)bufs[i], lens[i]}};
        ssize_t w = writev(fd, iov, 2);
        if (w != (ssize_t)(SPOOL_HDR + lens[i]))
            r = w < 0 ? -errno : -ENOSPC;
        size += SPOOL_HDR + lens[i];
    }
    if (r == 0 && fsync(fd) < 0)
        r = -errno;
    close(fd);
    if (r < 0) {
        unlink(path);
        s->st.write_failures += n;
        return r;
    }
    fsync_dir(s);
    memmove(s->segs + 1, s->segs, s->n * sizeof(*s->segs));
    s->segs[0] = (struct seg){.seq = seq, .size = size};
    s->n++;
    s->rseg = 0;
    s->roff = 0;
    s->st.appended += n;
    s->st.pending += n;
    return 0;
}

int spool_read(struct spool *s, char **ret_buf, size_t *ret_len, struct spool_pos *ret_pos)
{
    while (s->rseg < s->n) {
        struct seg *g = &s->segs[s->rseg];
        if (g->size - s->roff < SPOOL_HDR) { /* end of this segment */
            if (s->rseg + 1 == s->n)
                return 0;
            s->rseg++;
            s->roff = s->segs[s->rseg].done;
            continue;
        }
        int fd = get_rfd(s, g->seq);
        if (fd < 0)
            return fd;
        unsigned char h[SPOOL_HDR];
        if (pread(fd, h, SPOOL_HDR, (off_t)s->roff) != SPOOL_HDR)
            return -EIO;
        uint32_t len = get_le32(h + 4);
        if (memcmp(h, SPOOL_MAGIC, 4) != 0 || len > g->size - s->roff - SPOOL_HDR)
            return -EIO; /* validated at open or written by us: the disk changed under us */
        char *buf = malloc((size_t)len + 1);
        if (!buf)
            return -ENOMEM;
        if (len && pread(fd, buf, len, (off_t)(s->roff + SPOOL_HDR)) != (ssize_t)len) {
            free(buf);
            return -EIO;
        }
        s->roff += SPOOL_HDR + len;
        if (record_crc(h + 4, buf, len) != get_le32(h + 8)) {
            free(buf); /* counted by the scan at open */
            continue;
        }
        buf[len] = '\0';
        s->read_ord++;
        *ret_buf = buf;
        *ret_len = len;
        *ret_pos = (struct spool_pos){.seq = g->seq, .off = s->roff, .ordinal = s->read_ord};
        return 1;
    }
    return 0;
}

/* Deletes every segment: the spool is drained. */
static void release_all(struct spool *s)
{
    if (s->wfd >= 0) {
        close(s->wfd);
        s->wfd = -1;
    }
    for (size_t i = 0; i < s->n; i++)
        unlink_seg(s, s->segs[i].seq);
    s->n = 0;
    s->rseg = 0;
    s->roff = 0;
}

int spool_commit(struct spool *s, const struct spool_pos *pos)
{
    if (pos->ordinal <= s->commit_ord)
        return 0;
    uint64_t count = pos->ordinal - s->commit_ord;
    s->commit_ord = pos->ordinal;
    s->st.committed += count;
    s->st.pending -= count < s->st.pending ? count : s->st.pending;
    if (s->st.pending == 0 && s->read_ord == s->commit_ord) {
        release_all(s);
        return 0;
    }
    size_t i = 0;
    while (i < s->n && s->segs[i].seq != pos->seq)
        i++;
    if (i == s->n)
        return -EINVAL;
    s->segs[i].done = pos->off;
    bool last = i + 1 == s->n;
    size_t drop = i;
    int r = 0;
    if (s->segs[i].done >= s->segs[i].size && !last)
        drop = i + 1; /* this one is finished too */
    else
        r = write_off(s, &s->segs[i]);
    for (size_t j = 0; j < drop; j++)
        unlink_seg(s, s->segs[j].seq);
    memmove(s->segs, s->segs + drop, (s->n - drop) * sizeof(*s->segs));
    s->n -= drop;
    if (s->rseg >= drop) {
        s->rseg -= drop;
    } else {
        s->rseg = 0;
        s->roff = s->n ? s->segs[0].done : 0;
    }
    return r;
}

void spool_rewind(struct spool *s)
{
    s->rseg = 0;
    s->roff = s->n ? s->segs[0].done : 0;
    s->read_ord = s->commit_ord;
}

uint64_t spool_pending(const struct spool *s) { return s->st.pending; }

uint64_t spool_inflight(const struct spool *s) { return s->read_ord - s->commit_ord; }

void spool_get_stats(const struct spool *s, struct spool_stats *ret)
{
    *ret = s->st;
    ret->segments = s->n;
    ret->pending_bytes = 0;
    for (size_t i = 0; i < s->n; i++)
        ret->pending_bytes += s->segs[i].size - s->segs[i].done;
}

const char *spool_dir(const struct spool *s) { return s->dir; }
