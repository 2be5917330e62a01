/*
 * decode.h - link, network and transport decoding into struct packet.
 *
 * Link types: Ethernet II (with 802.1Q/802.1ad/QinQ tags and MPLS unicast
 * label stacks), Linux cooked SLL and SLL2, raw IP (DLT_RAW, LINKTYPE_RAW,
 * LINKTYPE_IPV4, LINKTYPE_IPV6) and BSD loopback (DLT_NULL, DLT_LOOP). IPv4
 * with options and IPv6 with extension headers; TCP and UDP. IPv4 and IPv6
 * fragments go to the defragmenter (defrag.h), which the decoder owns.
 *
 * A packet that cannot be decoded is counted under one reason and skipped;
 * the decoder never reads past caplen (all reads go through struct cursor).
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "packet.h"

struct defrag;

enum decode_result {
    DECODE_OK = 0, /* pkt is a TCP or UDP packet, ready for the flow layer */
    DECODE_OTHER,  /* valid but not for us: ARP, ICMP, LLDP, ...; counted */
    DECODE_HELD,   /* an IP fragment, held until its datagram is complete */
    DECODE_ERROR,  /* truncated or malformed; counted under a reason */
};

/* Why a packet was skipped; decode_reason_name() gives the stats key. */
enum decode_reason {
    DR_UNSUPPORTED_LINKTYPE = 0,
    DR_TRUNCATED_L2,
    DR_TRUNCATED_VLAN,
    DR_TRUNCATED_MPLS,
    DR_TOO_MANY_VLAN,
    DR_TRUNCATED_IP4,
    DR_BAD_IP4_HLEN,
    DR_BAD_IP4_LEN,
    DR_TRUNCATED_IP6,
    DR_BAD_IP6_LEN,
    DR_TRUNCATED_IP6_EXT,
    DR_TOO_MANY_IP6_EXT,
    DR_BAD_IP_VERSION,
    DR_TRUNCATED_TCP,
    DR_BAD_TCP_HLEN,
    DR_TRUNCATED_UDP,
    DR_BAD_UDP_LEN,
    DR_BAD_FRAGMENT,
    DR_COUNT
};

/* Valid packets skipped because they are not TCP/UDP over IP. */
enum decode_other {
    DO_NOT_IP = 0, /* ARP, LLDP, CDP, STP, ... */
    DO_OTHER_L4,   /* ICMP, GRE, ESP, ... */
    DO_COUNT
};

struct decode_stats {
    uint64_t packets;
    uint64_t ipv4, ipv6, tcp, udp, vlan_tagged, mpls;
    uint64_t other[DO_COUNT];
    uint64_t errors[DR_COUNT];
};

struct decoder {
    int linktype;
    struct defrag *defrag;
    bool frags_held; /* a fragment went to defrag since it was last seen holding none */
    struct decode_stats stats;
};

struct defrag_limits;

/* Initialises d for DLT/LINKTYPE linktype; defrag table per limits. 0 or -ENOMEM. */
int decoder_init(struct decoder *d, int linktype, const struct defrag_limits *lim);
void decoder_fini(struct decoder *d);
/* Switches link type (next capture file); keeps counters and fragments. */
void decoder_set_linktype(struct decoder *d, int linktype);
/* True if linktype is one decode_packet() understands. */
int decode_linktype_supported(int linktype);
/*
 * A hash of the frame's two IP addresses that is the same in both
 * directions (the capture thread's load balancing: every packet between two
 * hosts, fragments included, goes to one worker); 0 for frames without IP.
 * Reads only the link and IP headers, bounds-checked.
 */
uint32_t decode_host_pair_hash(int linktype, const uint8_t *data, size_t caplen);

/*
 * Decodes one frame. On DECODE_OK, pkt's pointers borrow data (or the
 * defragmenter's buffer) until the next call. ts_us is stored in pkt.
 */
enum decode_result decode_packet(struct decoder *d, const uint8_t *data, size_t caplen,
                                 size_t wirelen, uint64_t ts_us, struct packet *pkt);

const char *decode_reason_name(enum decode_reason r);
const char *decode_other_name(enum decode_other o);
uint64_t decode_error_total(const struct decode_stats *s);
