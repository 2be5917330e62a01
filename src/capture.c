/*
 * capture.c - libpcap sources and privilege drop; see capture.h.
 */
#include "capture.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "decode.h"

#define CAPTURE_TIMEOUT_MS 100 /* a quiet link still returns to the loop this often */

int capture_check_filter(const char *bpf, char *err, size_t errlen)
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

/* Link type check and filter, common to both kinds of source. */
static int capture_setup(pcap_t *p, const char *name, const char *bpf, int *fatal, char *err,
                         size_t errlen)
{
    int lt = pcap_datalink(p);
    if (!decode_linktype_supported(lt)) {
        const char *ltn = pcap_datalink_val_to_name(lt);
        snprintf(err, errlen, "%s: unsupported link type %d (%s)", name, lt, ltn ? ltn : "unknown");
        return -1;
    }
    if (bpf) {
        struct bpf_program prog;
        if (pcap_compile(p, &prog, bpf, 1, PCAP_NETMASK_UNKNOWN) < 0 ||
            pcap_setfilter(p, &prog) < 0) {
            snprintf(err, errlen, "filter '%s': %s", bpf, pcap_geterr(p));
            *fatal = 1;
            return -1;
        }
        pcap_freecode(&prog);
    }
    return 0;
}

pcap_t *capture_open_live(const char *iface, const struct sensor_config *cfg, const char *bpf,
                          char *err, size_t errlen)
{
    char errbuf[PCAP_ERRBUF_SIZE] = "";
    int fatal = 0;
    pcap_t *p = pcap_create(iface, errbuf);
    if (!p) {
        snprintf(err, errlen, "%s: %s", iface, errbuf);
        return NULL;
    }
    pcap_set_snaplen(p, cfg->snaplen);
    pcap_set_promisc(p, 1);
    pcap_set_timeout(p, CAPTURE_TIMEOUT_MS);
    pcap_set_buffer_size(p, cfg->buffer_mb << 20);
    int r = pcap_activate(p);
    if (r < 0) {
        const char *detail = pcap_geterr(p);
        if (r == PCAP_ERROR || !detail[0] || strcmp(detail, pcap_statustostr(r)) == 0)
            snprintf(err, errlen, "%s: %s", iface, r == PCAP_ERROR ? detail : pcap_statustostr(r));
        else
            snprintf(err, errlen, "%s: %s (%s)", iface, pcap_statustostr(r), detail);
        pcap_close(p);
        return NULL;
    }
    if (r > 0) /* a warning, e.g. promiscuous mode not supported */
        fprintf(stderr, "tollwatch: %s: warning: %s\n", iface,
                r == PCAP_WARNING ? pcap_geterr(p) : pcap_statustostr(r));
    if (capture_setup(p, iface, bpf, &fatal, err, errlen) < 0) {
        pcap_close(p);
        return NULL;
    }
    return p;
}

pcap_t *capture_open_file(const char *path, const char *bpf, int *fatal, char *err, size_t errlen)
{
    char errbuf[PCAP_ERRBUF_SIZE] = "";
    const char *name = strcmp(path, "-") == 0 ? "stdin" : path;
    *fatal = 0;
    pcap_t *p = pcap_open_offline(path, errbuf);
    if (!p) {
        /* libpcap's message may already start with the path */
        if (strncmp(errbuf, path, strlen(path)) == 0)
            snprintf(err, errlen, "%s", errbuf);
        else
            snprintf(err, errlen, "%s: %s", name, errbuf);
        return NULL;
    }
    if (capture_setup(p, name, bpf, fatal, err, errlen) < 0) {
        pcap_close(p);
        return NULL;
    }
    return p;
}

int capture_drop_privileges(const char *user, char *err, size_t errlen)
{
    errno = 0;
    struct passwd *pw = getpwnam(user);
    if (!pw) {
        snprintf(err, errlen, "--user %s: %s", user, errno ? strerror(errno) : "no such user");
        return -1;
    }
    if (setgroups(0, NULL) < 0 && errno != EPERM) {
        snprintf(err, errlen, "--user %s: setgroups: %s", user, strerror(errno));
        return -1;
    }
    if (initgroups(pw->pw_name, pw->pw_gid) < 0 || setgid(pw->pw_gid) < 0 ||
        setuid(pw->pw_uid) < 0) {
        snprintf(err, errlen, "--user %s: %s", user, strerror(errno));
        return -1;
    }
    /* no way back: setuid(0) must fail now (unless the user is root itself) */
    if (pw->pw_uid != 0 && setuid(0) == 0) {
        snprintf(err, errlen, "--user %s: root could be regained, refusing to run", user);
        return -1;
    }
    prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
    return 0;
}

/* ---- mapped classic pcap files ------------------------------------------ */

#define PCAP_MAGIC_US      0xa1b2c3d4u
#define PCAP_MAGIC_NS      0xa1b23c4du
#define PCAP_FILE_HDR      24
#define PCAP_REC_HDR       16
#define PCAP_MAX_SNAPLEN   262144u /* libpcap's largest record */
#define LINKTYPE_RAW_VALUE 101     /* files say 101, pcap_datalink() says DLT_RAW */

static uint32_t rd32(const uint8_t *p, int swapped)
{
    uint32_t v;
    memcpy(&v, p, 4);
    return swapped ? __builtin_bswap32(v) : v;
}

int capture_map_open(const char *path, const char *bpf, struct pcap_map *m, char *err,
                     size_t errlen)
{
    memset(m, 0, sizeof(*m));
    if (strcmp(path, "-") == 0)
        return 0;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return 0; /* libpcap says why */
    struct stat st;
    if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size < PCAP_FILE_HDR) {
        close(fd);
        return 0;
    }
    void *base = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
    close(fd);
    if (base == MAP_FAILED)
        return 0;
    const uint8_t *b = base;
    uint32_t magic;
    memcpy(&magic, b, 4);
    int swapped =
        magic == __builtin_bswap32(PCAP_MAGIC_US) || magic == __builtin_bswap32(PCAP_MAGIC_NS);
    uint32_t host = swapped ? __builtin_bswap32(magic) : magic;
    int lt = (int)(rd32(b + 20, swapped) & 0xffff); /* the upper bits carry FCS details */
    if (lt == LINKTYPE_RAW_VALUE)
        lt = DLT_RAW;
    if ((host != PCAP_MAGIC_US && host != PCAP_MAGIC_NS) || !decode_linktype_supported(lt)) {
        munmap(base, (size_t)st.st_size);
        return 0;
    }
    m->base = b;
    m->len = (size_t)st.st_size;
    m->off = PCAP_FILE_HDR;
    m->swapped = swapped;
    m->nsec = host == PCAP_MAGIC_NS;
    m->snaplen = rd32(b + 16, swapped);
    m->linktype = lt;
    madvise(base, m->len, MADV_SEQUENTIAL);
    if (bpf) {
        pcap_t *dead = pcap_open_dead(lt, (int)PCAP_MAX_SNAPLEN);
        int r = dead ? pcap_compile(dead, &m->prog, bpf, 1, PCAP_NETMASK_UNKNOWN) : -1;
        if (r < 0)
            snprintf(err, errlen, "filter '%s': %s", bpf, dead ? pcap_geterr(dead) : "no memory");
        if (dead)
            pcap_close(dead);
        if (r < 0) {
            capture_map_close(m);
            return -1;
        }
        m->have_prog = 1;
    }
    return 1;
}

int capture_map_next(struct pcap_map *m, struct pcap_pkthdr *h, const uint8_t **data, char *err,
                     size_t errlen)
{
    for (;;) {
        size_t left = m->len - m->off;
        if (left == 0)
            return 0;
        if (left < PCAP_REC_HDR) {
            snprintf(err, errlen,
                     "truncated dump file; tried to read %u header bytes, only got %zu",
                     PCAP_REC_HDR, left);
            return -1;
        }
        const uint8_t *r = m->base + m->off;
        uint32_t sec = rd32(r, m->swapped), frac = rd32(r + 4, m->swapped);
        uint32_t incl = rd32(r + 8, m->swapped), orig = rd32(r + 12, m->swapped);
        if (incl > PCAP_MAX_SNAPLEN) {
            snprintf(err, errlen, "invalid packet capture length %u, bigger than maximum of %u",
                     incl, PCAP_MAX_SNAPLEN);
            return -1;
        }
        if (incl > left - PCAP_REC_HDR) {
            snprintf(err, errlen,
                     "truncated dump file; tried to read %u captured bytes, only got %zu", incl,
                     left - PCAP_REC_HDR);
            return -1;
        }
        m->off += PCAP_REC_HDR + incl;
        h->ts.tv_sec = (time_t)sec;
        h->ts.tv_usec = (suseconds_t)(m->nsec ? frac / 1000 : frac);
        /* as libpcap: a record longer than the file's snaplen is cut to it */
        h->caplen = m->snaplen && incl > m->snaplen ? m->snaplen : incl;
        h->len = orig;
        *data = r + PCAP_REC_HDR;
        if (!m->have_prog || pcap_offline_filter(&m->prog, h, *data))
            return 1;
    }
}

void capture_map_close(struct pcap_map *m)
{
    if (m->base)
        munmap((void *)(uintptr_t)m->base, m->len);
    if (m->have_prog)
        pcap_freecode(&m->prog);
    memset(m, 0, sizeof(*m));
}
