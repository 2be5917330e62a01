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
