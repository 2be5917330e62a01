/*
 * reasm.c - TCP stream reassembly (policy in reasm.h).
 *
 * Per direction, next_seq is the next byte to deliver and segs a sorted
 * list of held, non-overlapping out-of-order pieces, every one starting
 * strictly after next_seq. Sequence numbers compare modulo 2^32 through
 * signed 32-bit differences.
 *
 * A segment at or before next_seq is delivered straight from the packet,
 * without a copy: its already-delivered prefix is dropped, and where it
 * runs into a held piece, the held bytes are delivered instead of the
 * packet's (first data wins) and the packet's copy is only compared
 * (overlaps_diff). A segment beyond next_seq is copied into pieces that
 * fill the holes between held pieces; bytes already held win.
 *
 * Caps: a segment whose pieces would take the direction over dir_cap
 * bytes or max_segs pieces, or all directions over global_cap bytes (or
 * whose copy cannot be allocated), is dropped and counted. The direction
 * is then stuck waiting for a hole that may never fill, so it is forced
 * forward: next_seq jumps to the first held piece, the skipped bytes are
 * reported as a gap, and the held pieces now contiguous are delivered,
 * which frees room. The dropped bytes, if they ever mattered, become part
 * of a later gap.
 *
 * FIN: fin_seq is the sequence number after the FIN segment's data; the
 * end callback runs once next_seq reaches it (bytes beyond it are ignored).
 * A FIN that arrives before the stream started (no SYN, no data yet) waits
 * for data; reasm_flush ends such a direction. RST delivers the held
 * pieces with gaps and ends at once. After the end callback, a direction
 * ignores everything and holds nothing.
 *
 * Limits of zero in struct reasm_limits mean "use the default".
 */
#include "reasm.h"

#include <stdlib.h>
#include <string.h>

struct reasm_seg {
    uint32_t seq;
    uint32_t len;
    struct reasm_seg *next;
    uint8_t data[];
};

/* A segment longer than this cannot be ordered modulo 2^32; real ones are < 64 KiB. */
#define REASM_MAX_SEG_LEN (1u << 30)

static int32_t seq_diff(uint32_t a, uint32_t b) { return (int32_t)(a - b); }

void reasm_ctx_init(struct reasm_ctx *ctx, const struct reasm_limits *lim)
{
    memset(ctx, 0, sizeof(*ctx));
    if (lim)
        ctx->lim = *lim;
    if (!ctx->lim.dir_cap)
        ctx->lim.dir_cap = REASM_DEFAULT_DIR_CAP;
    if (!ctx->lim.global_cap)
        ctx->lim.global_cap = REASM_DEFAULT_GLOBAL_CAP;
    if (!ctx->lim.max_segs)
        ctx->lim.max_segs = REASM_DEFAULT_MAX_SEGS;
}

static void deliver(const struct reasm_cb *cb, int dir, const uint8_t *data, size_t len,
                    uint64_t gap)
{
    if (cb && cb->data)
        cb->data(cb->user, dir, data, len, gap);
}

static void seg_free(struct reasm_ctx *ctx, struct reasm_dir *rd, struct reasm_seg *s)
{
    rd->held_bytes -= s->len;
    rd->held_segs--;
    ctx->stats.held_bytes -= s->len;
    free(s);
}

void reasm_dir_free(struct reasm_ctx *ctx, struct reasm_dir *rd)
{
    struct reasm_seg *s = rd->segs;
    while (s) {
        struct reasm_seg *next = s->next;
        seg_free(ctx, rd, s);
        s = next;
    }
    rd->segs = NULL;
}

static void end_dir(struct reasm_ctx *ctx, struct reasm_dir *rd, int dir, bool reset,
                    const struct reasm_cb *cb)
{
    if (rd->ended)
        return;
    rd->ended = 1;
    reasm_dir_free(ctx, rd);
    if (cb && cb->end)
        cb->end(cb->user, dir, reset);
}

static void maybe_fin(struct reasm_ctx *ctx, struct reasm_dir *rd, int dir,
                      const struct reasm_cb *cb)
{
    if (rd->fin_seen && rd->started && !rd->ended && seq_diff(rd->next_seq, rd->fin_seq) >= 0)
        end_dir(ctx, rd, dir, false, cb);
}

/*
 * Delivers the held pieces contiguous with next_seq; the first delivery
 * carries gap. Returns the gap still unreported (when nothing was delivered).
 */
static uint64_t drain(struct reasm_ctx *ctx, struct reasm_dir *rd, int dir, uint64_t gap,
                      const struct reasm_cb *cb)
{
    while (rd->segs && seq_diff(rd->segs->seq, rd->next_seq) <= 0) {
        struct reasm_seg *s = rd->segs;
        rd->segs = s->next;
        uint32_t skip = (uint32_t)-seq_diff(s->seq, rd->next_seq);
        if (skip < s->len) {
            deliver(cb, dir, s->data + skip, s->len - skip, gap);
            gap = 0;
            rd->next_seq = s->seq + s->len;
        }
        seg_free(ctx, rd, s);
    }
    return gap;
}

/* Jumps next_seq over the hole before the first held piece (reported as a gap). */
static void skip_hole(struct reasm_ctx *ctx, struct reasm_dir *rd, int dir,
                      const struct reasm_cb *cb)
{
    if (!rd->segs)
        return;
    int32_t hole = seq_diff(rd->segs->seq, rd->next_seq);
    uint64_t gap = hole > 0 ? (uint64_t)hole : 0;
    if (gap) {
        ctx->stats.gaps++;
        ctx->stats.gap_bytes += gap;
        rd->next_seq = rd->segs->seq;
    }
    drain(ctx, rd, dir, gap, cb);
}

/* Delivers everything held, reporting holes (and a hole before the FIN), then ends. */
static void flush_dir(struct reasm_ctx *ctx, struct reasm_dir *rd, int dir, bool reset,
                      const struct reasm_cb *cb)
{
    if (rd->ended)
        return;
    while (rd->segs)
        skip_hole(ctx, rd, dir, cb);
    if (rd->started && rd->fin_seen) {
        int32_t hole = seq_diff(rd->fin_seq, rd->next_seq);
        if (hole > 0) {
            ctx->stats.gaps++;
            ctx->stats.gap_bytes += (uint64_t)hole;
            rd->next_seq = rd->fin_seq;
            deliver(cb, dir, NULL, 0, (uint64_t)hole);
        }
    }
    end_dir(ctx, rd, dir, reset, cb);
}

void reasm_flush(struct reasm_ctx *ctx, struct reasm_dir *rd, int dir, const struct reasm_cb *cb)
{
    flush_dir(ctx, rd, dir, false, cb);
}

/*
 * Delivers a segment starting at or before next_seq: the delivered prefix
 * is skipped, held pieces it runs into win over its bytes.
 */
static void take_in_order(struct reasm_ctx *ctx, struct reasm_dir *rd, int dir, uint32_t seq,
                          const uint8_t *data, uint32_t len, const struct reasm_cb *cb)
{
    uint32_t skip = (uint32_t)-seq_diff(seq, rd->next_seq);
    bool overlapped = skip > 0, differed = false;
    data += skip;
    len -= skip;
    ctx->stats.in_order++;

    /* data always starts at next_seq here */
    while (len) {
        struct reasm_seg *h = rd->segs;
        if (h && seq_diff(h->seq, rd->next_seq) <= 0) {
            /* a held piece at next_seq: its bytes win over ours */
            uint32_t hskip = (uint32_t)-seq_diff(h->seq, rd->next_seq);
            rd->segs = h->next;
            if (hskip < h->len) {
                uint32_t hlen = h->len - hskip;
                uint32_t n = len < hlen ? len : hlen;
                overlapped = true;
                if (memcmp(data, h->data + hskip, n) != 0)
                    differed = true;
                deliver(cb, dir, h->data + hskip, hlen, 0);
                rd->next_seq += hlen;
                data += n;
                len -= n;
            }
            seg_free(ctx, rd, h);
            continue;
        }
        uint32_t n = len;
        if (h) {
            uint32_t room = (uint32_t)seq_diff(h->seq, rd->next_seq);
            if (room < n)
                n = room;
        }
        deliver(cb, dir, data, n, 0);
        rd->next_seq += n;
        data += n;
        len -= n;
    }
    drain(ctx, rd, dir, 0, cb);
    if (overlapped)
        ctx->stats.overlaps++;
    if (differed)
        ctx->stats.overlaps_diff++;
}

static struct reasm_seg *seg_new(struct reasm_ctx *ctx, struct reasm_dir *rd, uint32_t seq,
                                 const uint8_t *data, uint32_t len)
{
    struct reasm_seg *s = malloc(sizeof(*s) + len);
    if (!s)
        return NULL;
    s->seq = seq;
    s->len = len;
    s->next = NULL;
    memcpy(s->data, data, len);
    rd->held_bytes += len;
    rd->held_segs++;
    ctx->stats.held_bytes += len;
    if (ctx->stats.held_bytes > ctx->stats.held_bytes_max)
        ctx->stats.held_bytes_max = ctx->stats.held_bytes;
    return s;
}

/*
 * Walks the held list against [seq, seq + len): for each hole it covers,
 * either counts it (insert false: *ret_pieces, *ret_bytes) or copies it in.
 * Overlapping held bytes are compared. Returns false if a copy failed.
 */
static bool fill_holes(struct reasm_ctx *ctx, struct reasm_dir *rd, uint32_t seq,
                       const uint8_t *data, uint32_t len, bool insert, size_t *ret_pieces,
                       size_t *ret_bytes, bool *ret_overlap, bool *ret_diff)
{
    struct reasm_seg **pp = &rd->segs;
    uint32_t off = 0; /* bytes of the new segment handled */
    size_t pieces = 0, bytes = 0;
    bool overlap = false, diff = false;

    while (off < len) {
        uint32_t cur = seq + off;
        struct reasm_seg *h = *pp;
        /* skip held pieces wholly before cur */
        if (h && seq_diff(h->seq + h->len, cur) <= 0) {
            pp = &h->next;
            continue;
        }
        if (h && seq_diff(h->seq, cur) <= 0) {
            /* cur lies inside h: the held bytes win */
            uint32_t hoff = (uint32_t)seq_diff(cur, h->seq);
            uint32_t n = h->len - hoff;
            if (n > len - off)
                n = len - off;
            overlap = true;
            if (memcmp(data + off, h->data + hoff, n) != 0)
                diff = true;
            off += n;
            pp = &h->next;
            continue;
        }
        /* a hole from cur up to h (or the end of the segment) */
        uint32_t n = len - off;
        if (h) {
            uint32_t room = (uint32_t)seq_diff(h->seq, cur);
            if (room < n)
                n = room;
        }
        if (insert) {
            struct reasm_seg *s = seg_new(ctx, rd, cur, data + off, n);
            if (!s)
                return false;
            s->next = h;
            *pp = s;
            pp = &s->next;
        }
        pieces++;
        bytes += n;
        off += n;
    }
    if (ret_pieces)
        *ret_pieces = pieces;
    if (ret_bytes)
        *ret_bytes = bytes;
    if (ret_overlap)
        *ret_overlap = overlap;
    if (ret_diff)
        *ret_diff = diff;
    return true;
}

/* Holds a segment beyond next_seq, within the caps; forces progress when it cannot. */
static void take_out_of_order(struct reasm_ctx *ctx, struct reasm_dir *rd, int dir, uint32_t seq,
                              const uint8_t *data, uint32_t len, const struct reasm_cb *cb)
{
    size_t pieces, bytes;
    bool overlap, diff;
    fill_holes(ctx, rd, seq, data, len, false, &pieces, &bytes, &overlap, &diff);
    if (overlap)
        ctx->stats.overlaps++;
    if (diff)
        ctx->stats.overlaps_diff++;
    if (!bytes) {
        ctx->stats.retransmits++; /* everything already held */
        return;
    }

    bool flow_cap =
        rd->held_bytes + bytes > ctx->lim.dir_cap || rd->held_segs + pieces > ctx->lim.max_segs;
    bool global_cap = !flow_cap && ctx->stats.held_bytes + bytes > ctx->lim.global_cap;
    if (!flow_cap && !global_cap) {
        if (fill_holes(ctx, rd, seq, data, len, true, NULL, NULL, NULL, NULL)) {
            ctx->stats.out_of_order++;
            return;
        }
        global_cap = true; /* out of memory: the pieces copied so far stay held */
    }
    if (flow_cap)
        ctx->stats.dropped_flow_cap++;
    else
        ctx->stats.dropped_global_cap++;
    skip_hole(ctx, rd, dir, cb);
}

void reasm_segment(struct reasm_ctx *ctx, struct reasm_dir *rd, int dir, uint32_t seq,
                   uint8_t tcp_flags, const uint8_t *data, size_t len, const struct reasm_cb *cb)
{
    /* TH_* values as in packet.h, repeated to keep this header-independent */
    const uint8_t fin = 0x01, syn = 0x02, rst = 0x04;

    if (len)
        ctx->stats.segments++;
    if (rd->ended)
        return;
    if (len > REASM_MAX_SEG_LEN)
        len = REASM_MAX_SEG_LEN;
    if (!len)
        data = NULL;

    if (tcp_flags & syn) {
        if (!rd->started) {
            rd->next_seq = seq + 1;
            rd->started = 1;
        }
        seq++; /* SYN data (TFO) follows the SYN's own sequence number */
    }
    if (tcp_flags & rst) {
        /* payload of a RST is diagnostic text, not stream data */
        flush_dir(ctx, rd, dir, true, cb);
        return;
    }
    if (tcp_flags & fin && !rd->fin_seen) {
        rd->fin_seen = 1;
        rd->fin_seq = seq + (uint32_t)len;
    }

    if (len && !rd->started) {
        rd->next_seq = seq;
        rd->started = 1;
        ctx->stats.midstream++;
    }
    uint32_t n = (uint32_t)len;
    if (n && rd->fin_seen) {
        /* nothing exists after the FIN */
        int32_t room = seq_diff(rd->fin_seq, seq);
        n = room <= 0 ? 0 : (uint32_t)room < n ? (uint32_t)room : n;
    }
    if (n) {
        int32_t off = seq_diff(seq, rd->next_seq);
        if (off <= 0 && (int64_t)off + n <= 0)
            ctx->stats.retransmits++;
        else if (off <= 0)
            take_in_order(ctx, rd, dir, seq, data, n, cb);
        else
            take_out_of_order(ctx, rd, dir, seq, data, n, cb);
    }
    maybe_fin(ctx, rd, dir, cb);
}
