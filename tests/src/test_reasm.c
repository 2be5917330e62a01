/*
 * test_reasm.c - TCP reassembly: the delivered stream does not depend on
 * segment order, first data wins, gaps are reported, ends happen once,
 * caps hold.
 */
#include <criterion/criterion.h>

#include <stdlib.h>
#include <string.h>

#include "packet.h"
#include "reasm.h"

#define SINK_MAX (1u << 17)
#define MAX_SEGS 4096

struct gap_note {
    size_t at; /* delivered bytes before the gap */
    uint64_t len;
};

struct sink {
    uint8_t *buf;
    size_t len;
    struct gap_note gaps[1024];
    size_t ngaps;
    uint64_t gap_total;
    int ends;
    bool reset;
    int end_dir;
    int data_dir_bad; /* deliveries on a direction other than want_dir */
    int want_dir;
};

static void on_data(void *user, int dir, const uint8_t *data, size_t len, uint64_t gap)
{
    struct sink *k = user;
    if (dir != k->want_dir)
        k->data_dir_bad++;
    cr_assert(k->ends == 0, "data after end");
    if (gap) {
        if (k->ngaps < 1024)
            k->gaps[k->ngaps++] = (struct gap_note){k->len, gap};
        k->gap_total += gap;
    }
    cr_assert(k->len + len <= SINK_MAX);
    if (len)
        memcpy(k->buf + k->len, data, len);
    k->len += len;
}

static void on_end(void *user, int dir, bool reset)
{
    struct sink *k = user;
    k->ends++;
    k->reset = reset;
    k->end_dir = dir;
}

static void sink_init(struct sink *k, int dir)
{
    memset(k, 0, sizeof(*k));
    k->buf = malloc(SINK_MAX);
    cr_assert_not_null(k->buf);
    k->want_dir = dir;
}

static void sink_fini(struct sink *k)
{
    free(k->buf);
    k->buf = NULL;
}

static struct reasm_cb cb_for(struct sink *k)
{
    return (struct reasm_cb){.data = on_data, .end = on_end, .user = k};
}

/* xorshift32: deterministic for a given seed */
static uint32_t rnd(uint32_t *s)
{
    uint32_t x = *s ? *s : 0x9e3779b9u;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    *s = x;
    return x;
}

static uint8_t *make_text(size_t n, uint32_t seed)
{
    uint8_t *s = malloc(n);
    cr_assert_not_null(s);
    for (size_t i = 0; i < n; i++)
        s[i] = (uint8_t)rnd(&seed);
    return s;
}

struct seg {
    size_t off, len;
};

/* Cuts n bytes into segments of 1..maxlen bytes. */
static size_t cut(size_t n, size_t maxlen, uint32_t seed, struct seg *out)
{
    size_t k = 0;
    for (size_t off = 0; off < n; k++) {
        cr_assert(k < MAX_SEGS);
        size_t len = 1 + rnd(&seed) % maxlen;
        if (len > n - off)
            len = n - off;
        out[k] = (struct seg){off, len};
        off += len;
    }
    return k;
}

static void shuffle(size_t *v, size_t n, uint32_t seed)
{
    for (size_t i = n; i > 1; i--) {
        size_t j = rnd(&seed) % i;
        size_t t = v[i - 1];
        v[i - 1] = v[j];
        v[j] = t;
    }
}

enum order { ORD_IN, ORD_REVERSED, ORD_SHUFFLED, ORD_DUPLICATED };

/* Fills order[] with segment indices; returns its length. */
static size_t make_order(size_t nsegs, enum order how, uint32_t seed, size_t *order)
{
    size_t n = 0;
    switch (how) {
        case ORD_IN:
            for (size_t i = 0; i < nsegs; i++)
                order[n++] = i;
            break;
        case ORD_REVERSED:
            for (size_t i = nsegs; i-- > 0;)
                order[n++] = i;
            break;
        case ORD_SHUFFLED:
            for (size_t i = 0; i < nsegs; i++)
                order[n++] = i;
            shuffle(order, n, seed);
            break;
        case ORD_DUPLICATED:
            for (size_t i = 0; i < nsegs; i++) {
                order[n++] = i;
                order[n++] = i;
            }
            shuffle(order, n, seed);
            break;
    }
    return n;
}

static struct reasm_limits big_limits(void)
{
    return (struct reasm_limits){.dir_cap = 1u << 20, .global_cap = 1u << 22, .max_segs = 4096};
}

/*
 * Sends SYN (isn), the segments in the given order, then a bare FIN, and
 * checks the delivered stream equals text with no gap and one end.
 */
static void check_order(size_t n, size_t maxlen, uint32_t isn, enum order how, uint32_t seed)
{
    uint8_t *text = make_text(n, seed * 7 + 1);
    static struct seg segs[MAX_SEGS];
    static size_t order[2 * MAX_SEGS];
    size_t nsegs = cut(n, maxlen, seed, segs);
    size_t norder = make_order(nsegs, how, seed, order);

    struct reasm_limits lim = big_limits();
    struct reasm_ctx ctx;
    reasm_ctx_init(&ctx, &lim);
    struct reasm_dir rd;
    memset(&rd, 0, sizeof(rd));
    struct sink k;
    sink_init(&k, 1);
    struct reasm_cb cb = cb_for(&k);

    reasm_segment(&ctx, &rd, 1, isn, TH_SYN, NULL, 0, &cb);
    for (size_t i = 0; i < norder; i++) {
        const struct seg *s = &segs[order[i]];
        reasm_segment(&ctx, &rd, 1, isn + 1 + (uint32_t)s->off, TH_ACK, text + s->off, s->len, &cb);
        cr_assert_eq(k.ends, 0);
    }
    cr_assert_eq(k.len, n, "order %d seed %u isn %#x: %zu of %zu bytes", how, seed, isn, k.len, n);
    cr_assert(memcmp(k.buf, text, n) == 0, "order %d seed %u: stream differs", how, seed);
    cr_assert_eq(k.gap_total, 0);
    cr_assert_eq(k.data_dir_bad, 0);
    cr_assert_eq(rd.held_bytes, 0);
    cr_assert_eq(ctx.stats.held_bytes, 0);
    cr_assert_eq(ctx.stats.gaps, 0);
    cr_assert_eq(ctx.stats.midstream, 0);
    cr_assert_eq(ctx.stats.overlaps_diff, 0);

    reasm_segment(&ctx, &rd, 1, isn + 1 + (uint32_t)n, TH_FIN | TH_ACK, NULL, 0, &cb);
    cr_assert_eq(k.ends, 1);
    cr_assert_not(k.reset);
    cr_assert_eq(k.end_dir, 1);
    reasm_flush(&ctx, &rd, 1, &cb);
    cr_assert_eq(k.ends, 1);

    reasm_dir_free(&ctx, &rd);
    sink_fini(&k);
    free(text);
}

Test(reasm, in_order) { check_order(5000, 300, 1000, ORD_IN, 1); }

Test(reasm, reversed) { check_order(5000, 300, 1000, ORD_REVERSED, 2); }

Test(reasm, shuffled_seeds)
{
    for (uint32_t seed = 1; seed <= 40; seed++)
        check_order(4000 + seed * 37, 1 + seed * 13, 0x12345678u * seed, ORD_SHUFFLED, seed);
}

Test(reasm, duplicates)
{
    for (uint32_t seed = 1; seed <= 20; seed++)
        check_order(3000, 200, 77777u * seed, ORD_DUPLICATED, seed);
}

Test(reasm, wraparound)
{
    /* the stream crosses 2^32 somewhere in the middle */
    for (uint32_t seed = 1; seed <= 10; seed++) {
        check_order(6000, 500, 0xffffffffu - 3000, ORD_SHUFFLED, seed);
        check_order(6000, 500, 0xffffffffu - 3000, ORD_REVERSED, seed);
    }
    check_order(100, 10, 0xffffffffu, ORD_SHUFFLED, 3); /* SYN is the last sequence number */
}

/*
 * Originals arrive in shuffled order; after each, a retransmission with
 * different bytes covering already-received ranges (across several held
 * pieces or delivered data). First data wins: the original comes out.
 */
Test(reasm, overlapping_retransmits_first_wins)
{
    for (uint32_t seed = 1; seed <= 20; seed++) {
        size_t n = 4000;
        uint8_t *text = make_text(n, seed);
        uint8_t *bad = malloc(n);
        cr_assert_not_null(bad);
        for (size_t i = 0; i < n; i++)
            bad[i] = (uint8_t)(text[i] ^ 0x5a);
        static struct seg segs[MAX_SEGS];
        static size_t order[MAX_SEGS];
        size_t nsegs = cut(n, 150, seed, segs);
        make_order(nsegs, ORD_SHUFFLED, seed, order);
        bool *fed = calloc(nsegs, sizeof(*fed));
        cr_assert_not_null(fed);

        struct reasm_limits lim = big_limits();
        struct reasm_ctx ctx;
        reasm_ctx_init(&ctx, &lim);
        struct reasm_dir rd;
        memset(&rd, 0, sizeof(rd));
        struct sink k;
        sink_init(&k, 0);
        struct reasm_cb cb = cb_for(&k);
        uint32_t isn = 0xfffff000u + seed;
        uint32_t r = seed;

        reasm_segment(&ctx, &rd, 0, isn, TH_SYN, NULL, 0, &cb);
        for (size_t i = 0; i < nsegs; i++) {
            size_t j = order[i];
            reasm_segment(&ctx, &rd, 0, isn + 1 + (uint32_t)segs[j].off, TH_ACK, text + segs[j].off,
                          segs[j].len, &cb);
            fed[j] = true;
            /* a run of fed segments around j; a range inside it */
            size_t lo = j, hi = j;
            while (lo > 0 && fed[lo - 1] && rnd(&r) % 4)
                lo--;
            while (hi + 1 < nsegs && fed[hi + 1] && rnd(&r) % 4)
                hi++;
            size_t a = segs[lo].off + rnd(&r) % segs[lo].len;
            size_t b = segs[hi].off + 1 + rnd(&r) % segs[hi].len;
            if (b <= a)
                continue;
            reasm_segment(&ctx, &rd, 0, isn + 1 + (uint32_t)a, TH_ACK, bad + a, b - a, &cb);
        }
        cr_assert_eq(k.len, n, "seed %u", seed);
        cr_assert(memcmp(k.buf, text, n) == 0, "seed %u: later bytes won", seed);
        cr_assert_eq(k.gap_total, 0);
        cr_assert_eq(ctx.stats.held_bytes, 0);
        cr_assert_gt(ctx.stats.overlaps_diff, 0);
        cr_assert_gt(ctx.stats.retransmits, 0);

        reasm_dir_free(&ctx, &rd);
        sink_fini(&k);
        free(fed);
        free(bad);
        free(text);
    }
}

/* Out-of-order data held first wins over the in-order copy that fills the hole later. */
Test(reasm, held_data_wins_over_later_copy)
{
    struct reasm_ctx ctx;
    reasm_ctx_init(&ctx, NULL);
    struct reasm_dir rd;
    memset(&rd, 0, sizeof(rd));
    struct sink k;
    sink_init(&k, 0);
    struct reasm_cb cb = cb_for(&k);

    reasm_segment(&ctx, &rd, 0, 99, TH_SYN, NULL, 0, &cb);
    reasm_segment(&ctx, &rd, 0, 105, 0, (const uint8_t *)"XYZ", 3, &cb); /* 105..108 */
    reasm_segment(&ctx, &rd, 0, 110, 0, (const uint8_t *)"Q", 1, &cb);   /* 110 */
    cr_assert_eq(k.len, 0);
    cr_assert_eq(ctx.stats.out_of_order, 2);
    reasm_segment(&ctx, &rd, 0, 100, 0, (const uint8_t *)"abcdefghijklm", 13, &cb); /* 100..113 */
    cr_assert_eq(k.len, 13);
    cr_assert(memcmp(k.buf, "abcdeXYZijQlm", 13) == 0, "got %.13s", k.buf);
    cr_assert_eq(ctx.stats.overlaps_diff, 1);
    cr_assert_eq(ctx.stats.held_bytes, 0);

    /* a later out-of-order copy overlapping a held piece is trimmed around it */
    reasm_segment(&ctx, &rd, 0, 120, 0, (const uint8_t *)"1234", 4, &cb);     /* 120..124 */
    reasm_segment(&ctx, &rd, 0, 118, 0, (const uint8_t *)"ab____cd", 8, &cb); /* 118..126 */
    cr_assert_eq(rd.held_bytes, 8);
    cr_assert_eq(rd.held_segs, 3);
    cr_assert_eq(ctx.stats.overlaps_diff, 2);
    reasm_segment(&ctx, &rd, 0, 113, 0, (const uint8_t *)"nopqr", 5, &cb);
    cr_assert_eq(k.len, 26);
    cr_assert(memcmp(k.buf + 13, "nopqrab1234cd", 13) == 0, "got %.13s", k.buf + 13);
    cr_assert_eq(k.gap_total, 0);

    reasm_dir_free(&ctx, &rd);
    sink_fini(&k);
}

/* One segment never arrives: the flush reports exactly its size as a gap, at its place. */
Test(reasm, hole_reported_on_flush)
{
    for (uint32_t seed = 1; seed <= 10; seed++) {
        size_t n = 3000;
        uint8_t *text = make_text(n, seed);
        static struct seg segs[MAX_SEGS];
        static size_t order[MAX_SEGS];
        size_t nsegs = cut(n, 200, seed, segs);
        cr_assert_gt(nsegs, 3);
        size_t miss = 1 + seed % (nsegs - 2);
        make_order(nsegs, ORD_SHUFFLED, seed, order);

        struct reasm_limits lim = big_limits();
        struct reasm_ctx ctx;
        reasm_ctx_init(&ctx, &lim);
        struct reasm_dir rd;
        memset(&rd, 0, sizeof(rd));
        struct sink k;
        sink_init(&k, 0);
        struct reasm_cb cb = cb_for(&k);
        uint32_t isn = 5000 * seed;

        reasm_segment(&ctx, &rd, 0, isn, TH_SYN, NULL, 0, &cb);
        for (size_t i = 0; i < nsegs; i++) {
            if (order[i] == miss)
                continue;
            const struct seg *s = &segs[order[i]];
            reasm_segment(&ctx, &rd, 0, isn + 1 + (uint32_t)s->off, 0, text + s->off, s->len, &cb);
        }
        cr_assert_eq(k.len, segs[miss].off);
        cr_assert_eq(k.ends, 0);
        reasm_flush(&ctx, &rd, 0, &cb);
        cr_assert_eq(k.ends, 1);
        cr_assert_not(k.reset);
        cr_assert_eq(k.ngaps, 1);
        cr_assert_eq(k.gaps[0].len, segs[miss].len);
        cr_assert_eq(k.gaps[0].at, segs[miss].off);
        cr_assert_eq(k.len, n - segs[miss].len);
        cr_assert(memcmp(k.buf, text, segs[miss].off) == 0);
        size_t after = segs[miss].off + segs[miss].len;
        cr_assert(memcmp(k.buf + segs[miss].off, text + after, n - after) == 0);
        cr_assert_eq(ctx.stats.gaps, 1);
        cr_assert_eq(ctx.stats.gap_bytes, segs[miss].len);
        cr_assert_eq(ctx.stats.held_bytes, 0);

        /* ended: later segments and flushes do nothing */
        reasm_segment(&ctx, &rd, 0, isn + 1 + (uint32_t)segs[miss].off, 0, text + segs[miss].off,
                      segs[miss].len, &cb);
        reasm_flush(&ctx, &rd, 0, &cb);
        cr_assert_eq(k.ends, 1);
        cr_assert_eq(k.len, n - segs[miss].len);

        reasm_dir_free(&ctx, &rd);
        sink_fini(&k);
        free(text);
    }
}

Test(reasm, fin_before_data_ends_once)
{
    struct reasm_ctx ctx;
    reasm_ctx_init(&ctx, NULL);
    struct reasm_dir rd;
    memset(&rd, 0, sizeof(rd));
    struct sink k;
    sink_init(&k, 1);
    struct reasm_cb cb = cb_for(&k);

    reasm_segment(&ctx, &rd, 1, 1000, TH_SYN | TH_ACK, NULL, 0, &cb);
    /* FIN with the last 3 bytes, before the data that precedes it */
    reasm_segment(&ctx, &rd, 1, 1011, TH_FIN | TH_ACK, (const uint8_t *)"xyz", 3, &cb);
    reasm_segment(&ctx, &rd, 1, 1011, TH_FIN | TH_ACK, (const uint8_t *)"xyz", 3, &cb);
    cr_assert_eq(k.ends, 0);
    reasm_segment(&ctx, &rd, 1, 1006, TH_ACK, (const uint8_t *)"fghij", 5, &cb);
    cr_assert_eq(k.ends, 0);
    reasm_segment(&ctx, &rd, 1, 1001, TH_ACK, (const uint8_t *)"abcde", 5, &cb);
    cr_assert_eq(k.ends, 1);
    cr_assert_not(k.reset);
    cr_assert_eq(k.len, 13);
    cr_assert(memcmp(k.buf, "abcdefghijxyz", 13) == 0);
    /* the retransmitted FIN, bytes after the FIN, a flush: nothing more */
    reasm_segment(&ctx, &rd, 1, 1011, TH_FIN | TH_ACK, (const uint8_t *)"xyz", 3, &cb);
    reasm_segment(&ctx, &rd, 1, 1014, TH_ACK, (const uint8_t *)"more", 4, &cb);
    reasm_flush(&ctx, &rd, 1, &cb);
    cr_assert_eq(k.ends, 1);
    cr_assert_eq(k.len, 13);
    cr_assert_eq(k.gap_total, 0);
    reasm_dir_free(&ctx, &rd);
    sink_fini(&k);
}

Test(reasm, bare_fin_in_order_and_missing_tail)
{
    struct reasm_ctx ctx;
    reasm_ctx_init(&ctx, NULL);
    struct reasm_dir rd;
    memset(&rd, 0, sizeof(rd));
    struct sink k;
    sink_init(&k, 0);
    struct reasm_cb cb = cb_for(&k);

    reasm_segment(&ctx, &rd, 0, 0, TH_SYN, NULL, 0, &cb);
    reasm_segment(&ctx, &rd, 0, 1, 0, (const uint8_t *)"hello", 5, &cb);
    /* FIN at 11: bytes 6..10 never arrive */
    reasm_segment(&ctx, &rd, 0, 11, TH_FIN, NULL, 0, &cb);
    cr_assert_eq(k.ends, 0);
    reasm_flush(&ctx, &rd, 0, &cb);
    cr_assert_eq(k.ends, 1);
    cr_assert_eq(k.len, 5);
    cr_assert_eq(k.ngaps, 1);
    cr_assert_eq(k.gaps[0].len, 5);
    cr_assert_eq(k.gaps[0].at, 5);
    reasm_dir_free(&ctx, &rd);
    sink_fini(&k);
}

Test(reasm, rst_flushes_with_gaps_and_ends)
{
    struct reasm_ctx ctx;
    reasm_ctx_init(&ctx, NULL);
    struct reasm_dir rd;
    memset(&rd, 0, sizeof(rd));
    struct sink k;
    sink_init(&k, 0);
    struct reasm_cb cb = cb_for(&k);

    reasm_segment(&ctx, &rd, 0, 500, TH_SYN, NULL, 0, &cb);
    reasm_segment(&ctx, &rd, 0, 501, 0, (const uint8_t *)"ab", 2, &cb);
    reasm_segment(&ctx, &rd, 0, 506, 0, (const uint8_t *)"fg", 2, &cb);
    cr_assert_eq(rd.held_bytes, 2);
    reasm_segment(&ctx, &rd, 0, 508, TH_RST, (const uint8_t *)"reset text", 10, &cb);
    cr_assert_eq(k.ends, 1);
    cr_assert(k.reset);
    cr_assert_eq(k.len, 4);
    cr_assert(memcmp(k.buf, "abfg", 4) == 0);
    cr_assert_eq(k.ngaps, 1);
    cr_assert_eq(k.gaps[0].at, 2);
    cr_assert_eq(k.gaps[0].len, 3);
    cr_assert_eq(ctx.stats.held_bytes, 0);
    reasm_segment(&ctx, &rd, 0, 508, TH_RST, NULL, 0, &cb);
    reasm_flush(&ctx, &rd, 0, &cb);
    cr_assert_eq(k.ends, 1);

    /* RST on a direction that never started still ends it */
    struct reasm_dir rd2;
    memset(&rd2, 0, sizeof(rd2));
    struct sink k2;
    sink_init(&k2, 1);
    struct reasm_cb cb2 = cb_for(&k2);
    reasm_segment(&ctx, &rd2, 1, 7, TH_RST | TH_ACK, NULL, 0, &cb2);
    cr_assert_eq(k2.ends, 1);
    cr_assert(k2.reset);
    cr_assert_eq(k2.len, 0);
    sink_fini(&k2);
    sink_fini(&k);
}

Test(reasm, dir_cap_drops_and_forces_gap)
{
    struct reasm_limits lim = {.dir_cap = 100, .global_cap = 10000, .max_segs = 100};
    struct reasm_ctx ctx;
    reasm_ctx_init(&ctx, &lim);
    struct reasm_dir rd;
    memset(&rd, 0, sizeof(rd));
    struct sink k;
    sink_init(&k, 0);
    struct reasm_cb cb = cb_for(&k);
    uint8_t *text = make_text(400, 9);

    reasm_segment(&ctx, &rd, 0, 999, TH_SYN, NULL, 0, &cb); /* stream at 1000 */
    reasm_segment(&ctx, &rd, 0, 1010, 0, text + 10, 60, &cb);
    cr_assert_eq(rd.held_bytes, 60);
    reasm_segment(&ctx, &rd, 0, 1080, 0, text + 80, 60, &cb); /* 120 > 100: dropped */
    cr_assert_eq(ctx.stats.dropped_flow_cap, 1);
    cr_assert_eq(ctx.stats.dropped_global_cap, 0);
    /* forced: hole 1000..1010 skipped, held 1010..1070 delivered */
    cr_assert_eq(k.ngaps, 1);
    cr_assert_eq(k.gaps[0].at, 0);
    cr_assert_eq(k.gaps[0].len, 10);
    cr_assert_eq(k.len, 60);
    cr_assert(memcmp(k.buf, text + 10, 60) == 0);
    cr_assert_eq(rd.held_bytes, 0);
    cr_assert_eq(rd.next_seq, 1070);
    cr_assert_eq(ctx.stats.gaps, 1);
    cr_assert_eq(ctx.stats.gap_bytes, 10);
    cr_assert_eq(ctx.stats.held_bytes, 0);
    cr_assert_eq(ctx.stats.held_bytes_max, 60);

    /* a segment larger than the cap on its own is dropped; nothing held to skip to */
    reasm_segment(&ctx, &rd, 0, 1200, 0, text, 101, &cb);
    cr_assert_eq(ctx.stats.dropped_flow_cap, 2);
    cr_assert_eq(k.ngaps, 1);
    cr_assert_eq(k.len, 60);
    /* in-order data is never capped */
    reasm_segment(&ctx, &rd, 0, 1070, 0, text + 70, 300, &cb);
    cr_assert_eq(k.len, 360);
    cr_assert(memcmp(k.buf + 60, text + 70, 300) == 0);

    reasm_dir_free(&ctx, &rd);
    sink_fini(&k);
    free(text);
}

Test(reasm, max_segs_cap)
{
    struct reasm_limits lim = {.dir_cap = 10000, .global_cap = 10000, .max_segs = 2};
    struct reasm_ctx ctx;
    reasm_ctx_init(&ctx, &lim);
    struct reasm_dir rd;
    memset(&rd, 0, sizeof(rd));
    struct sink k;
    sink_init(&k, 0);
    struct reasm_cb cb = cb_for(&k);

    reasm_segment(&ctx, &rd, 0, 0, TH_SYN, NULL, 0, &cb);
    reasm_segment(&ctx, &rd, 0, 5, 0, (const uint8_t *)"ee", 2, &cb);
    reasm_segment(&ctx, &rd, 0, 10, 0, (const uint8_t *)"jj", 2, &cb);
    cr_assert_eq(rd.held_segs, 2);
    reasm_segment(&ctx, &rd, 0, 20, 0, (const uint8_t *)"tt", 2, &cb);
    cr_assert_eq(ctx.stats.dropped_flow_cap, 1);
    cr_assert_eq(k.len, 2);
    cr_assert_eq(k.gap_total, 4);
    cr_assert_eq(rd.held_segs, 1);
    cr_assert_eq(rd.next_seq, 7);
    reasm_dir_free(&ctx, &rd);
    cr_assert_eq(rd.held_segs, 0);
    cr_assert_eq(ctx.stats.held_bytes, 0);
    sink_fini(&k);
}

Test(reasm, global_cap_across_directions)
{
    struct reasm_limits lim = {.dir_cap = 1000, .global_cap = 100, .max_segs = 100};
    struct reasm_ctx ctx;
    reasm_ctx_init(&ctx, &lim);
    struct reasm_dir rd[2];
    memset(rd, 0, sizeof(rd));
    struct sink k0, k1;
    sink_init(&k0, 0);
    sink_init(&k1, 1);
    struct reasm_cb cb0 = cb_for(&k0), cb1 = cb_for(&k1);
    uint8_t *text = make_text(200, 4);

    reasm_segment(&ctx, &rd[0], 0, 0, TH_SYN, NULL, 0, &cb0);
    reasm_segment(&ctx, &rd[1], 1, 0, TH_SYN | TH_ACK, NULL, 0, &cb1);
    reasm_segment(&ctx, &rd[0], 0, 11, 0, text, 80, &cb0);
    cr_assert_eq(ctx.stats.held_bytes, 80);
    /* 80 + 30 > 100: dropped; direction 1 holds nothing, so no gap */
    reasm_segment(&ctx, &rd[1], 1, 11, 0, text, 30, &cb1);
    cr_assert_eq(ctx.stats.dropped_global_cap, 1);
    cr_assert_eq(ctx.stats.dropped_flow_cap, 0);
    cr_assert_eq(k1.len, 0);
    cr_assert_eq(k1.gap_total, 0);
    cr_assert_eq(rd[0].held_bytes, 80);
    /* direction 1 holds 10, then overflows: its own hole is skipped */
    reasm_segment(&ctx, &rd[1], 1, 21, 0, text + 100, 10, &cb1);
    cr_assert_eq(ctx.stats.held_bytes, 90);
    reasm_segment(&ctx, &rd[1], 1, 41, 0, text, 30, &cb1);
    cr_assert_eq(ctx.stats.dropped_global_cap, 2);
    cr_assert_eq(k1.len, 10);
    cr_assert_eq(k1.gap_total, 20);
    cr_assert(memcmp(k1.buf, text + 100, 10) == 0);
    cr_assert_eq(ctx.stats.held_bytes, 80);
    cr_assert_eq(ctx.stats.held_bytes_max, 90);
    cr_assert_eq(k0.len, 0);

    reasm_dir_free(&ctx, &rd[0]);
    reasm_dir_free(&ctx, &rd[1]);
    cr_assert_eq(ctx.stats.held_bytes, 0);
    sink_fini(&k0);
    sink_fini(&k1);
    free(text);
}

/* Small caps with shuffled input: whatever is dropped shows up as gaps, never as wrong bytes. */
Test(reasm, caps_account_every_byte)
{
    for (uint32_t seed = 1; seed <= 20; seed++) {
        size_t n = 5000;
        uint8_t *text = make_text(n, seed);
        static struct seg segs[MAX_SEGS];
        static size_t order[MAX_SEGS];
        size_t nsegs = cut(n, 100, seed, segs);
        make_order(nsegs, ORD_SHUFFLED, seed, order);
        struct reasm_limits lim = {.dir_cap = 300, .global_cap = 10000, .max_segs = 8};
        struct reasm_ctx ctx;
        reasm_ctx_init(&ctx, &lim);
        struct reasm_dir rd;
        memset(&rd, 0, sizeof(rd));
        struct sink k;
        sink_init(&k, 0);
        struct reasm_cb cb = cb_for(&k);

        reasm_segment(&ctx, &rd, 0, seed, TH_SYN, NULL, 0, &cb);
        for (size_t i = 0; i < nsegs; i++) {
            const struct seg *s = &segs[order[i]];
            reasm_segment(&ctx, &rd, 0, seed + 1 + (uint32_t)s->off, 0, text + s->off, s->len, &cb);
            cr_assert_leq(rd.held_bytes, 300);
            cr_assert_leq(rd.held_segs, 8);
        }
        reasm_segment(&ctx, &rd, 0, seed + 1 + (uint32_t)n, TH_FIN, NULL, 0, &cb);
        reasm_flush(&ctx, &rd, 0, &cb);
        cr_assert_eq(k.ends, 1);
        cr_assert_gt(ctx.stats.dropped_flow_cap, 0);
        cr_assert_lt(k.ngaps, 1024);
        /* delivered bytes plus gaps cover the stream exactly, each byte at its place */
        cr_assert_eq(k.len + k.gap_total, n, "seed %u: %zu + %lu", seed, k.len,
                     (unsigned long)k.gap_total);
        size_t pos = 0, src = 0;
        for (size_t g = 0; g <= k.ngaps; g++) {
            size_t upto = g < k.ngaps ? k.gaps[g].at : k.len;
            cr_assert(memcmp(k.buf + pos, text + src, upto - pos) == 0, "seed %u", seed);
            src += upto - pos;
            pos = upto;
            if (g < k.ngaps)
                src += k.gaps[g].len;
        }
        cr_assert_eq(ctx.stats.held_bytes, 0);
        reasm_dir_free(&ctx, &rd);
        sink_fini(&k);
        free(text);
    }
}

Test(reasm, midstream_pickup)
{
    struct reasm_ctx ctx;
    reasm_ctx_init(&ctx, NULL);
    struct reasm_dir rd;
    memset(&rd, 0, sizeof(rd));
    struct sink k;
    sink_init(&k, 0);
    struct reasm_cb cb = cb_for(&k);

    /* pure ACKs and a bare FIN do not start the stream */
    reasm_segment(&ctx, &rd, 0, 4000, TH_ACK, NULL, 0, &cb);
    cr_assert_not(rd.started);
    reasm_segment(&ctx, &rd, 0, 5000, 0, (const uint8_t *)"world", 5, &cb);
    cr_assert(rd.started);
    cr_assert_eq(ctx.stats.midstream, 1);
    cr_assert_eq(k.len, 5);
    /* bytes before the pick-up point count as retransmissions */
    reasm_segment(&ctx, &rd, 0, 4990, 0, (const uint8_t *)"0123456789", 10, &cb);
    cr_assert_eq(ctx.stats.retransmits, 1);
    /* a late SYN (reordered handshake) does not move the stream */
    reasm_segment(&ctx, &rd, 0, 4000, TH_SYN, NULL, 0, &cb);
    reasm_segment(&ctx, &rd, 0, 5005, 0, (const uint8_t *)"!", 1, &cb);
    cr_assert_eq(k.len, 6);
    cr_assert(memcmp(k.buf, "world!", 6) == 0);
    cr_assert_eq(ctx.stats.midstream, 1);
    reasm_dir_free(&ctx, &rd);
    sink_fini(&k);
}

Test(reasm, syn_after_data_reordered)
{
    struct reasm_ctx ctx;
    reasm_ctx_init(&ctx, NULL);
    struct reasm_dir rd;
    memset(&rd, 0, sizeof(rd));
    struct sink k;
    sink_init(&k, 0);
    struct reasm_cb cb = cb_for(&k);

    reasm_segment(&ctx, &rd, 0, 101, TH_ACK, (const uint8_t *)"abc", 3, &cb);
    reasm_segment(&ctx, &rd, 0, 100, TH_SYN, NULL, 0, &cb);
    reasm_segment(&ctx, &rd, 0, 104, TH_ACK | TH_FIN, (const uint8_t *)"def", 3, &cb);
    cr_assert_eq(k.len, 6);
    cr_assert(memcmp(k.buf, "abcdef", 6) == 0);
    cr_assert_eq(k.ends, 1);
    sink_fini(&k);
}

Test(reasm, zero_length_segments)
{
    struct reasm_ctx ctx;
    reasm_ctx_init(&ctx, NULL);
    struct reasm_dir rd;
    memset(&rd, 0, sizeof(rd));
    struct sink k;
    sink_init(&k, 0);
    struct reasm_cb cb = cb_for(&k);

    reasm_segment(&ctx, &rd, 0, 9, TH_SYN, NULL, 0, &cb);
    for (uint32_t s = 0; s < 50; s++)
        reasm_segment(&ctx, &rd, 0, s * 0x05555555u, TH_ACK, NULL, 0, &cb);
    reasm_segment(&ctx, &rd, 0, 10, TH_ACK, (const uint8_t *)"x", 0, &cb);
    cr_assert_eq(k.len, 0);
    cr_assert_eq(ctx.stats.segments, 0);
    cr_assert_eq(rd.held_segs, 0);
    cr_assert_eq(rd.next_seq, 10);
    reasm_segment(&ctx, &rd, 0, 10, TH_ACK, (const uint8_t *)"ok", 2, &cb);
    cr_assert_eq(k.len, 2);
    cr_assert_eq(k.ends, 0);
    sink_fini(&k);
}

/* A NULL callback set is allowed (e.g. a flow nobody listens to). */
Test(reasm, null_callbacks)
{
    struct reasm_ctx ctx;
    reasm_ctx_init(&ctx, NULL);
    cr_assert_eq(ctx.lim.dir_cap, REASM_DEFAULT_DIR_CAP);
    cr_assert_eq(ctx.lim.global_cap, REASM_DEFAULT_GLOBAL_CAP);
    cr_assert_eq(ctx.lim.max_segs, REASM_DEFAULT_MAX_SEGS);
    struct reasm_dir rd;
    memset(&rd, 0, sizeof(rd));
    reasm_segment(&ctx, &rd, 0, 0, TH_SYN, NULL, 0, NULL);
    reasm_segment(&ctx, &rd, 0, 5, 0, (const uint8_t *)"abc", 3, NULL);
    reasm_segment(&ctx, &rd, 0, 1, 0, (const uint8_t *)"abcd", 4, NULL);
    cr_assert_eq(rd.next_seq, 8);
    reasm_flush(&ctx, &rd, 0, NULL);
    cr_assert(rd.ended);
}
