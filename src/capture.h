/*
 * capture.h - opening capture sources with libpcap, and dropping root.
 *
 * Live: pcap_create + snaplen + promiscuous + buffer size + a 100 ms read
 * timeout, then pcap_activate (libpcap uses TPACKET_V3 memory-mapped blocks
 * on Linux). Offline: pcap and pcapng files, "-" = stdin. Both check the link
 * type against the decoder's and install the BPF filter, if any.
 */
#pragma once

#include <pcap/pcap.h>
#include <stddef.h>
#include <stdint.h>

struct sensor_config;

/* Checks that bpf compiles, before anything is opened. 0, or -1 with err set. */
int capture_check_filter(const char *bpf, char *err, size_t errlen);

/*
 * Opens a live capture on iface with cfg's snaplen and buffer_mb. NULL with
 * err set ("eth9: No such device exists", "eth0: You don't have permission
 * to capture on that device (socket: Operation not permitted)").
 */
pcap_t *capture_open_live(const char *iface, const struct sensor_config *cfg, const char *bpf,
                          char *err, size_t errlen);

/* Opens a capture file. NULL with err set (naming the file); *fatal = the filter failed. */
pcap_t *capture_open_file(const char *path, const char *bpf, int *fatal, char *err, size_t errlen);

/*
 * Switches to user (its uid, gid and supplementary groups), for good: no
 * capability is kept and root cannot be regained. 0, or -1 with err set.
 */
int capture_drop_privileges(const char *user, char *err, size_t errlen);

/*
 * A classic pcap file read through a read-only mapping: the capture thread
 * hands the workers pointers into it instead of copying every frame twice
 * (libpcap's stdio read, then into a ring). pcapng, pipes and anything that
 * cannot be mapped go through libpcap instead.
 */
struct pcap_map {
    const uint8_t *base;
    size_t len, off;
    int linktype; /* as pcap_datalink() would report it */
    uint32_t snaplen;
    int swapped, nsec;
    struct bpf_program prog;
    int have_prog;
};

/*
 * Maps path when it is a classic pcap file (either byte order, micro- or
 * nanosecond). 1 mapped; 0 not for mapping (pcapng, a pipe, a link type
 * the decoder does not know: use capture_open_file); -1 with err set when
 * the filter does not compile for the file's link type.
 */
int capture_map_open(const char *path, const char *bpf, struct pcap_map *m, char *err,
                     size_t errlen);
/*
 * The next frame that passes the filter: 1 (h and data set, data points
 * into the mapping), 0 at the end, -1 when the file is cut short or a
 * record is impossible (err set, as libpcap words it).
 */
int capture_map_next(struct pcap_map *m, struct pcap_pkthdr *h, const uint8_t **data, char *err,
                     size_t errlen);
void capture_map_close(struct pcap_map *m);
