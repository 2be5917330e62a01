/*
 * reasm.h - TCP stream reassembly: an ordered byte stream per direction.
 *
 * Each direction of a TCP flow has a struct reasm_dir. Segments arrive in
 * any order; in-order bytes are delivered at once through the callback,
 * out-of-order ones are copied and held (bounded per direction and in all).
 *
 * Policy, written down because IDS evasion lives here:
 * - Overlaps: the first data received for a sequence range wins. Bytes
 *   already delivered are never delivered again, and a held segment is not
 *   overwritten by a later one covering the same range (retransmissions with
 *   different content are counted as overlaps_diff).
 * - Start: the stream starts at SYN+1 when the SYN is seen, else at the
 *   first data segment (mid-stream pick-up, counted).
 * - Gaps: when a direction holds more than the per-direction cap, or the
 *   global pool is exhausted, or the stream is flushed at its end with holes,
 *   the reassembler skips to the next held byte and reports the skipped byte
 *   count to the callback (gap > 0) before delivering what follows.
 * - End: FIN delivers everything up to the FIN and then calls the end
 *   callback; RST flushes held data (with gaps) and ends at once.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct reasm_seg;

struct reasm_dir {
    struct reasm_seg *segs; /* held out-of-order segments, sorted by seq */
    uint32_t next_seq;      /* next sequence number to deliver */
    uint32_t held_bytes;
    uint16_t held_segs;
    uint8_t started : 1; /* next_seq is valid */
    uint8_t fin_seen : 1;
    uint8_t ended : 1; /* end callback already called */
    uint32_t fin_seq;  /* sequence number of the FIN */
};

struct reasm_stats {
    uint64_t segments;           /* data segments seen */
    uint64_t in_order;           /* delivered straight away */
    uint64_t out_of_order;       /* held for later */
    uint64_t retransmits;        /* wholly before next_seq */
    uint64_t overlaps;           /* partly overlapping earlier data (trimmed) */
    uint64_t overlaps_diff;      /* ...whose bytes differed from the earlier data */
    uint64_t gaps;               /* holes skipped */
    uint64_t gap_bytes;          /* bytes never seen */
    uint64_t midstream;          /* directions picked up without a SYN */
    uint64_t dropped_flow_cap;   /* segments dropped by the per-direction cap */
    uint64_t dropped_global_cap; /* segments dropped by the global cap */
    uint64_t held_bytes;         /* bytes held now (all flows) */
    uint64_t held_bytes_max;     /* high-water mark */
};

struct reasm_limits {
    size_t dir_cap;    /* held bytes per direction */
    size_t global_cap; /* held bytes in all */
    uint16_t max_segs; /* held segments per direction */
};

#define REASM_DEFAULT_DIR_CAP    (256u << 10)
#define REASM_DEFAULT_GLOBAL_CAP (64u << 20)
#define REASM_DEFAULT_MAX_SEGS   512

struct reasm_ctx {
    struct reasm_limits lim;
    struct reasm_stats stats;
};

/*
 * Delivery callback: gap bytes were lost just before data (gap == 0 for a
 * continuous stream); data/len may be empty when only a gap is reported.
 */
typedef void (*reasm_data_fn)(void *user, int dir, const uint8_t *data, size_t len, uint64_t gap);
/* End-of-stream callback for one direction: FIN reached, RST, or flush. */
typedef void (*reasm_end_fn)(void *user, int dir, bool reset);

struct reasm_cb {
    reasm_data_fn data;
    reasm_end_fn end;
    void *user;
};

void reasm_ctx_init(struct reasm_ctx *ctx, const struct reasm_limits *lim);

/* Feeds one TCP segment of direction dir (0 or 1). */
void reasm_segment(struct reasm_ctx *ctx, struct reasm_dir *rd, int dir, uint32_t seq,
                   uint8_t tcp_flags, const uint8_t *data, size_t len, const struct reasm_cb *cb);

/*
 * Delivers everything held (reporting holes as gaps) and calls the end
 * callback once, unless already ended. For flow timeout and eviction.
 */
void reasm_flush(struct reasm_ctx *ctx, struct reasm_dir *rd, int dir, const struct reasm_cb *cb);

/* Frees held segments without delivering them. */
void reasm_dir_free(struct reasm_ctx *ctx, struct reasm_dir *rd);
