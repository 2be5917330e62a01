/*
 * capture.c - libpcap sources and privilege drop; see capture.h.
 */
#include "capture.h"

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
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
