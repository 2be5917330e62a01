/*
 * flow.h - the bidirectional flow table.
 *
 * A flow is keyed on the 5-tuple plus VLAN tags, in either direction. The
 * first packet decides client and server: a SYN's sender is the client, a
 * SYN+ACK's sender the server; without a handshake the side on the
 * well-known (lower, < 1024, or a known service) port is the server.
 * flow_id is a stable 51-bit number derived from the key and the first
 * packet's time, so the same capture gives the same ids on every run and
 * every worker count (and JSON consumers with 53-bit integers keep it exact).
 *
 * The table is a fixed-size hash with chaining plus an LRU list. At most
 * max_flows flows live at once: a new flow beyond that evicts the least
 * recently seen one (counted). Idle timeouts depend on state (TCP new,
 * established, closed; UDP). Every flow that leaves the table, by timeout,
 * eviction, or shutdown, goes through the end callback exactly once.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "packet.h"
#include "reasm.h"

struct dissector;
struct stream_buf;

enum flow_tcp_state {
    FLOW_TCP_NEW = 0,     /* SYN seen, or mid-stream pick-up before data both ways */
    FLOW_TCP_ESTABLISHED, /* data or handshake both ways */
    FLOW_TCP_CLOSING,     /* FIN seen */
    FLOW_TCP_CLOSED,      /* RST, or FIN both ways */
};

enum flow_end_reason {
    FLOW_END_TIMEOUT = 0,
    FLOW_END_EVICTED,
    FLOW_END_SHUTDOWN,
};

/* Dissector choice for a flow. */
enum flow_app_state {
    FLOW_APP_UNDECIDED = 0,
    FLOW_APP_CLAIMED, /* dis is set */
    FLOW_APP_NONE,    /* no dissector wants it */
};

struct flow {
    uint64_t flow_id;
    struct tw_addr cli, srv;
    uint16_t cport, sport;
    uint8_t proto;
    uint8_t vlan_count;
    uint16_t vlan[PKT_MAX_VLAN];
    uint8_t tcp_state; /* enum flow_tcp_state */
    uint8_t seen_dir;  /* bit 0: to server seen, bit 1: to client seen */
    uint8_t lru_class; /* table internal: the timeout list the flow is on */

    uint64_t first_ts, last_ts;
    uint64_t pkts[2], bytes[2];

    struct reasm_dir rd[2];

    /* application layer, owned by the worker */
    uint8_t app_state;  /* enum flow_app_state */
    uint8_t app_errors; /* anomalies reported (capped) */
    uint8_t app_lost;   /* bit per direction: stream bytes were dropped, next data follows a gap */
    uint32_t app_rejected; /* dissector indices that said not mine */
    const struct dissector *dis;
    void *dis_state;
    struct stream_buf *sbuf[2]; /* unconsumed stream bytes per direction */
    void *ndpi_flow;            /* freed once classification is done */
    uint16_t ndpi_master, ndpi_app;
    uint8_t ndpi_pkts;
    uint8_t ndpi_done;
    uint32_t alerted;      /* once-per-flow detector bits */
    const char *app_proto; /* static name: dissector or nDPI; NULL = unknown */

    /* table internals */
    struct flow *hnext;
    struct flow *lru_prev, *lru_next;
    uint32_t hash;
};

struct flow_limits {
    size_t max_flows;
    uint64_t tcp_new_us, tcp_established_us, tcp_closed_us, udp_us;
};

#define FLOW_DEFAULT_MAX_FLOWS     65536
#define FLOW_DEFAULT_TCP_NEW_US    (30ull * 1000000)
#define FLOW_DEFAULT_TCP_EST_US    (3600ull * 1000000)
#define FLOW_DEFAULT_TCP_CLOSED_US (10ull * 1000000)
#define FLOW_DEFAULT_UDP_US        (120ull * 1000000)

struct flow_stats {
    uint64_t created;
    uint64_t timed_out;
    uint64_t evicted;
    uint64_t active;
    uint64_t active_max;
};

typedef void (*flow_end_fn)(void *user, struct flow *f, enum flow_end_reason why);

struct flow_table;

struct flow_table *flow_table_new(const struct flow_limits *lim, flow_end_fn end, void *user);
/*
 * Ends every flow (FLOW_END_SHUTDOWN), oldest first (last_ts, then flow_id:
 * an order that is the same whichever worker holds which flows); the table
 * stays usable.
 */
void flow_table_end_all(struct flow_table *t);
/* Ends every flow (FLOW_END_SHUTDOWN) and frees the table; NULL-safe, returns NULL. */
struct flow_table *flow_table_free(struct flow_table *t);

/*
 * Finds or creates the flow of a decoded TCP/UDP packet, moves it to the
 * LRU head, updates counters and TCP state, and sets *ret_dir to the
 * packet's direction. *ret_new is true for a new flow. Returns NULL only on
 * allocation failure (counted by the caller).
 */
struct flow *flow_lookup(struct flow_table *t, const struct packet *p, enum pkt_dir *ret_dir,
                         bool *ret_new);
/*
 * Moves the table's clock to now_us (never back). A flow's last_ts is this
 * clock when its latest packet arrived: the clock is the latest packet time
 * the table has seen, or the capture's, given here (the worker gives the
 * latest time of the whole capture, so flows age alike whatever the worker
 * count).
 */
void flow_table_clock(struct flow_table *t, uint64_t now_us);
/* Ends flows idle beyond their state's timeout at time now_us, oldest first. */
void flow_expire(struct flow_table *t, uint64_t now_us);
const struct flow_stats *flow_table_stats(const struct flow_table *t);

/* Sender and receiver of a packet in direction dir. */
const struct tw_addr *flow_src(const struct flow *f, int dir);
const struct tw_addr *flow_dst(const struct flow *f, int dir);
uint16_t flow_src_port(const struct flow *f, int dir);
uint16_t flow_dst_port(const struct flow *f, int dir);

/* True if port is a well-known service port for orientation. */
bool flow_port_is_service(uint16_t port);
