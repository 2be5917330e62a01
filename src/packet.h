/*
 * packet.h - one decoded packet, as the decoder hands it to the flow layer.
 *
 * struct packet borrows the capture buffer (or the defragmenter's buffer):
 * every pointer in it is valid only until the next packet is decoded.
 * Addresses are kept in network byte order in a 16-byte array so that IPv4
 * and IPv6 share one key layout; tw_addr_fmt() prints either.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TW_ADDRSTRLEN 46 /* INET6_ADDRSTRLEN */
#define PKT_MAX_VLAN  2  /* 802.1Q and QinQ */

struct tw_addr {
    uint8_t family; /* 4 or 6; 0 = unset */
    uint8_t a[16];  /* IPv4 uses a[0..3], the rest is zero */
};

enum pkt_dir {
    DIR_TO_SERVER = 0,
    DIR_TO_CLIENT = 1,
};

/* TCP flag bits as on the wire. */
#define TH_FIN 0x01
#define TH_SYN 0x02
#define TH_RST 0x04
#define TH_PSH 0x08
#define TH_ACK 0x10
#define TH_URG 0x20

struct packet {
    uint64_t ts_us; /* capture time, microseconds since the epoch */
    size_t caplen;  /* bytes captured of the frame */
    size_t wirelen; /* bytes on the wire */

    uint16_t vlan[PKT_MAX_VLAN];
    uint8_t vlan_count;

    uint8_t ip_version; /* 4 or 6 */
    const uint8_t *l3;  /* IP header */
    size_t l3_len;      /* IP header to end of IP payload (captured) */
    struct tw_addr src, dst;
    uint8_t ip_proto; /* IPPROTO_TCP, IPPROTO_UDP, ... */
    bool reassembled; /* built from IP fragments */

    uint16_t sport, dport;
    uint8_t tcp_flags;
    uint32_t tcp_seq, tcp_ack;
    uint16_t tcp_win;

    const uint8_t *payload; /* L4 payload */
    size_t payload_len;
};

/* Writes a printable address into buf (at least TW_ADDRSTRLEN bytes); returns buf. */
char *tw_addr_fmt(const struct tw_addr *a, char *buf, size_t len);
bool tw_addr_eq(const struct tw_addr *x, const struct tw_addr *y);
/* Parses "1.2.3.4" or "::1"; 0 or -EINVAL. */
int tw_addr_parse(const char *s, struct tw_addr *ret);
