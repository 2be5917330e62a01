/*
 * defrag.h - IPv4 and IPv6 fragment reassembly with a bounded table.
 *
 * Datagrams are keyed on (family, src, dst, id, protocol). The table holds at
 * most max_datagrams partial datagrams and max_bytes of fragment data in all;
 * a datagram that waits longer than timeout_us of packet time is dropped, and
 * when the table is full the oldest datagram is evicted. Each limit has a
 * counter. Overlapping fragments: the first bytes received win (the same
 * policy as the TCP reassembler).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "packet.h"

struct defrag_limits {
    size_t max_datagrams; /* partial datagrams held at once */
    size_t max_bytes;     /* fragment payload bytes held at once */
    uint64_t timeout_us;  /* packet-time life of a partial datagram */
};

#define DEFRAG_DEFAULT_MAX_DATAGRAMS 1024
#define DEFRAG_DEFAULT_MAX_BYTES     (8u << 20)
#define DEFRAG_DEFAULT_TIMEOUT_US    (30ull * 1000000)
#define DEFRAG_MAX_DATAGRAM          65535 /* largest IP payload rebuilt */

struct defrag_stats {
    uint64_t fragments;   /* fragments accepted */
    uint64_t reassembled; /* datagrams completed */
    uint64_t timeouts;    /* partial datagrams dropped on timeout */
    uint64_t evicted;     /* partial datagrams dropped because the table was full */
    uint64_t overlaps;    /* fragments whose bytes overlapped earlier ones */
    uint64_t too_big;     /* datagrams beyond DEFRAG_MAX_DATAGRAM */
    uint64_t invalid;     /* inconsistent fragments (e.g. two last fragments) */
};

struct defrag_frag {
    uint8_t family; /* 4 or 6 */
    struct tw_addr src, dst;
    uint32_t id;
    uint8_t proto;       /* upper-layer protocol */
    uint32_t offset;     /* bytes */
    bool more;           /* more fragments follow */
    const uint8_t *data; /* fragment payload */
    size_t len;
};

struct defrag;

struct defrag *defrag_new(const struct defrag_limits *lim);
struct defrag *defrag_free(struct defrag *d);

/*
 * Adds a fragment. Returns 1 and sets *ret_data and *ret_len to the rebuilt
 * upper-layer payload (owned by d, valid until the next call) when the
 * datagram is complete; 0 when it is held or dropped (counted).
 */
int defrag_add(struct defrag *d, const struct defrag_frag *f, uint64_t now_us,
               const uint8_t **ret_data, size_t *ret_len);
/* Drops partial datagrams older than the timeout. */
void defrag_expire(struct defrag *d, uint64_t now_us);
const struct defrag_stats *defrag_stats(const struct defrag *d);
size_t defrag_pending(const struct defrag *d);
