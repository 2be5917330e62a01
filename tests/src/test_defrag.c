/*
 * test_defrag.c - IPv4/IPv6 fragment reassembly: orderings, duplicates,
 * overlaps (first data wins), timeouts, table and byte limits, bad input.
 */
#include <criterion/criterion.h>

#include <stdlib.h>
#include <string.h>

#include "defrag.h"

#define SEC 1000000ull

/* A datagram payload whose every byte says where it is. */
static uint8_t payload[4000];

static void fill_payload(void)
{
    for (size_t i = 0; i < sizeof(payload); i++)
        payload[i] = (uint8_t)(i * 7 + 3);
}

static struct defrag_frag frag4(uint32_t id, uint32_t off, size_t len, bool more)
{
    struct defrag_frag f;
    memset(&f, 0, sizeof(f));
    f.family = 4;
    f.src.family = f.dst.family = 4;
    memcpy(f.src.a, "\x0a\x00\x00\x01", 4);
    memcpy(f.dst.a, "\x0a\x00\x00\x02", 4);
    f.id = id;
    f.proto = 17;
    f.offset = off;
    f.more = more;
    f.data = payload + off;
    f.len = len;
    return f;
}

static struct defrag *new_table(size_t max_dgrams, size_t max_bytes, uint64_t timeout)
{
    struct defrag_limits lim = {max_dgrams, max_bytes, timeout};
    struct defrag *d = defrag_new(&lim);
    cr_assert_not_null(d);
    fill_payload();
    return d;
}

/*
 * Feeds the fragments of a len-byte datagram cut in chunk-byte pieces, in
 * the order given by perm (indexes of pieces); asserts that only the last
 * one completes it and that the rebuilt bytes equal the payload.
 */
static void feed(struct defrag *d, uint32_t id, size_t len, size_t chunk, const size_t *perm,
                 size_t n)
{
    const uint8_t *out = NULL;
    size_t out_len = 0;
    for (size_t i = 0; i < n; i++) {
        uint32_t off = (uint32_t)(perm[i] * chunk);
        size_t flen = len - off < chunk ? len - off : chunk;
        bool more = off + flen < len;
        struct defrag_frag f = frag4(id, off, flen, more);
        int r = defrag_add(d, &f, 1 * SEC, &out, &out_len);
        if (i + 1 < n) {
            cr_assert_eq(r, 0, "fragment %zu of %zu completed early", i, n);
            cr_assert_eq(defrag_pending(d), 1);
        } else {
            cr_assert_eq(r, 1);
        }
    }
    cr_assert_eq(out_len, len);
    cr_assert_arr_eq(out, payload, len);
    cr_assert_eq(defrag_pending(d), 0);
}

Test(defrag, in_order)
{
    struct defrag *d = new_table(0, 0, 0);
    size_t perm[] = {0, 1, 2, 3, 4};
    feed(d, 1, 1000, 208, perm, 5);
    const struct defrag_stats *s = defrag_stats(d);
    cr_assert_eq(s->fragments, 5);
    cr_assert_eq(s->reassembled, 1);
    cr_assert_eq(s->overlaps, 0);
    defrag_free(d);
}

Test(defrag, reverse_order)
{
    struct defrag *d = new_table(0, 0, 0);
    size_t perm[] = {4, 3, 2, 1, 0};
    feed(d, 2, 1000, 208, perm, 5);
    defrag_free(d);
}

Test(defrag, shuffled)
{
    struct defrag *d = new_table(0, 0, 0);
    /* several deterministic shuffles of 12 pieces (3 of them last-piece-first) */
    for (unsigned seed = 1; seed <= 20; seed++) {
        size_t perm[12];
        for (size_t i = 0; i < 12; i++)
            perm[i] = i;
        unsigned x = seed;
        for (size_t i = 11; i > 0; i--) {
            x = x * 1103515245u + 12345u;
            size_t j = (x >> 16) % (i + 1);
            size_t t = perm[i];
            perm[i] = perm[j];
            perm[j] = t;
        }
        feed(d, 100 + seed, 3000, 256, perm, 12);
    }
    cr_assert_eq(defrag_stats(d)->reassembled, 20);
    defrag_free(d);
}

Test(defrag, duplicates_are_overlaps_and_harmless)
{
    struct defrag *d = new_table(0, 0, 0);
    const uint8_t *out = NULL;
    size_t out_len = 0;
    struct defrag_frag a = frag4(7, 0, 512, true);
    struct defrag_frag b = frag4(7, 512, 100, false);
    cr_assert_eq(defrag_add(d, &a, SEC, &out, &out_len), 0);
    cr_assert_eq(defrag_add(d, &a, SEC, &out, &out_len), 0);
    cr_assert_eq(defrag_stats(d)->overlaps, 1);
    cr_assert_eq(defrag_add(d, &b, SEC, &out, &out_len), 1);
    cr_assert_eq(out_len, 612);
    cr_assert_arr_eq(out, payload, 612);
    /* a late duplicate starts a new datagram, which never completes */
    cr_assert_eq(defrag_add(d, &b, SEC, &out, &out_len), 0);
    cr_assert_eq(defrag_pending(d), 1);
    defrag_free(d);
}

Test(defrag, overlap_first_data_wins)
{
    struct defrag *d = new_table(0, 0, 0);
    const uint8_t *out = NULL;
    size_t out_len = 0;
    uint8_t evil[64];
    memset(evil, 0xee, sizeof(evil));

    /* [0,16) genuine, [32,48) genuine, then [8,56) forged over both, then the rest */
    struct defrag_frag f1 = frag4(9, 0, 16, true);
    struct defrag_frag f2 = frag4(9, 32, 16, true);
    struct defrag_frag forged = frag4(9, 8, 48, true);
    forged.offset = 8;
    forged.data = evil;
    struct defrag_frag last = frag4(9, 56, 40, false);
    cr_assert_eq(defrag_add(d, &f1, SEC, &out, &out_len), 0);
    cr_assert_eq(defrag_add(d, &f2, SEC, &out, &out_len), 0);
    cr_assert_eq(defrag_add(d, &forged, SEC, &out, &out_len), 0);
    cr_assert_eq(defrag_add(d, &last, SEC, &out, &out_len), 1);
    cr_assert_eq(out_len, 96);

    uint8_t want[96];
    memcpy(want, payload, sizeof(want));
    memset(want + 16, 0xee, 16); /* only the gap [16,32) and [48,56) came from the forgery */
    memset(want + 48, 0xee, 8);
    cr_assert_arr_eq(out, want, sizeof(want));
    cr_assert_eq(defrag_stats(d)->overlaps, 1);
    cr_assert_eq(defrag_stats(d)->fragments, 4);
    defrag_free(d);
}

Test(defrag, overlapping_last_fragment_keeps_earlier_bytes)
{
    struct defrag *d = new_table(0, 0, 0);
    const uint8_t *out = NULL;
    size_t out_len = 0;
    uint8_t evil[100];
    memset(evil, 0x5a, sizeof(evil));
    struct defrag_frag f1 = frag4(3, 0, 64, true);
    struct defrag_frag last = frag4(3, 32, 100, false);
    last.data = evil;
    cr_assert_eq(defrag_add(d, &f1, SEC, &out, &out_len), 0);
    cr_assert_eq(defrag_add(d, &last, SEC, &out, &out_len), 1);
    cr_assert_eq(out_len, 132);
    cr_assert_arr_eq(out, payload, 64);
    for (size_t i = 64; i < 132; i++)
        cr_assert_eq(out[i], 0x5a);
    defrag_free(d);
}

Test(defrag, timeout_by_expire_and_lazily)
{
    struct defrag *d = new_table(0, 0, 5 * SEC);
    const uint8_t *out = NULL;
    size_t out_len = 0;
    struct defrag_frag a = frag4(1, 0, 64, true);
    struct defrag_frag b = frag4(2, 0, 64, true);
    cr_assert_eq(defrag_add(d, &a, 10 * SEC, &out, &out_len), 0);
    cr_assert_eq(defrag_add(d, &b, 12 * SEC, &out, &out_len), 0);
    defrag_expire(d, 15 * SEC); /* exactly the timeout: still alive */
    cr_assert_eq(defrag_pending(d), 2);
    defrag_expire(d, 15 * SEC + 1);
    cr_assert_eq(defrag_pending(d), 1);
    cr_assert_eq(defrag_stats(d)->timeouts, 1);

    /* the rest of datagram 2 after its timeout: lazily expired, then a fresh partial */
    struct defrag_frag b2 = frag4(2, 64, 10, false);
    cr_assert_eq(defrag_add(d, &b2, 30 * SEC, &out, &out_len), 0);
    cr_assert_eq(defrag_stats(d)->timeouts, 2);
    cr_assert_eq(defrag_pending(d), 1);
    cr_assert_eq(defrag_stats(d)->reassembled, 0);

    /* packet time going backwards expires nothing */
    defrag_expire(d, 1 * SEC);
    cr_assert_eq(defrag_pending(d), 1);
    defrag_free(d);
}

Test(defrag, table_full_evicts_oldest)
{
    struct defrag *d = new_table(2, 0, 0);
    const uint8_t *out = NULL;
    size_t out_len = 0;
    struct defrag_frag a = frag4(1, 0, 64, true);
    struct defrag_frag b = frag4(2, 0, 64, true);
    struct defrag_frag c = frag4(3, 0, 64, true);
    cr_assert_eq(defrag_add(d, &a, SEC, &out, &out_len), 0);
    cr_assert_eq(defrag_add(d, &b, 2 * SEC, &out, &out_len), 0);
    cr_assert_eq(defrag_add(d, &c, 3 * SEC, &out, &out_len), 0);
    cr_assert_eq(defrag_pending(d), 2);
    cr_assert_eq(defrag_stats(d)->evicted, 1);

    /* 2 and 3 survive and complete; 1 was the one dropped */
    struct defrag_frag b2 = frag4(2, 64, 8, false);
    struct defrag_frag c2 = frag4(3, 64, 8, false);
    cr_assert_eq(defrag_add(d, &b2, 4 * SEC, &out, &out_len), 1);
    cr_assert_eq(defrag_add(d, &c2, 4 * SEC, &out, &out_len), 1);
    struct defrag_frag a2 = frag4(1, 64, 8, false);
    cr_assert_eq(defrag_add(d, &a2, 4 * SEC, &out, &out_len), 0);
    defrag_free(d);
}

Test(defrag, byte_limit_evicts_oldest)
{
    struct defrag *d = new_table(0, 1000, 0);
    const uint8_t *out = NULL;
    size_t out_len = 0;
    struct defrag_frag a = frag4(1, 0, 600, true);
    struct defrag_frag b = frag4(2, 0, 600, true);
    cr_assert_eq(defrag_add(d, &a, SEC, &out, &out_len), 0);
    cr_assert_eq(defrag_add(d, &b, SEC, &out, &out_len), 0);
    cr_assert_eq(defrag_pending(d), 1);
    cr_assert_eq(defrag_stats(d)->evicted, 1);
    struct defrag_frag b2 = frag4(2, 600, 100, false);
    cr_assert_eq(defrag_add(d, &b2, SEC, &out, &out_len), 1);
    cr_assert_eq(out_len, 700);
    cr_assert_arr_eq(out, payload, 700);

    /* one datagram bigger than the whole budget is dropped by itself */
    struct defrag_frag c = frag4(3, 0, 800, true);
    struct defrag_frag c2 = frag4(3, 800, 400, true);
    cr_assert_eq(defrag_add(d, &c, SEC, &out, &out_len), 0);
    cr_assert_eq(defrag_add(d, &c2, SEC, &out, &out_len), 0);
    cr_assert_eq(defrag_pending(d), 0);
    cr_assert_eq(defrag_stats(d)->evicted, 2);
    defrag_free(d);
}

Test(defrag, too_big)
{
    struct defrag *d = new_table(0, 0, 0);
    const uint8_t *out = NULL;
    size_t out_len = 0;
    struct defrag_frag a = frag4(1, 0, 64, true);
    cr_assert_eq(defrag_add(d, &a, SEC, &out, &out_len), 0);
    /* ping of death: offset 65528 + 16 bytes */
    struct defrag_frag b = frag4(1, 0, 16, false);
    b.offset = 65528;
    cr_assert_eq(defrag_add(d, &b, SEC, &out, &out_len), 0);
    cr_assert_eq(defrag_stats(d)->too_big, 1);
    cr_assert_eq(defrag_pending(d), 0);
    /* exactly DEFRAG_MAX_DATAGRAM is fine */
    struct defrag_frag c = frag4(2, 0, 7, false);
    c.offset = DEFRAG_MAX_DATAGRAM - 7;
    cr_assert_eq(defrag_add(d, &c, SEC, &out, &out_len), 0);
    cr_assert_eq(defrag_pending(d), 1);
    cr_assert_eq(defrag_stats(d)->too_big, 1);
    /* a huge length cannot wrap the check */
    struct defrag_frag e = frag4(3, 8, 16, true);
    e.len = SIZE_MAX - 4;
    cr_assert_eq(defrag_add(d, &e, SEC, &out, &out_len), 0);
    cr_assert_eq(defrag_stats(d)->too_big, 2);
    defrag_free(d);
}

Test(defrag, two_different_last_fragments_invalid)
{
    struct defrag *d = new_table(0, 0, 0);
    const uint8_t *out = NULL;
    size_t out_len = 0;
    struct defrag_frag l1 = frag4(1, 64, 20, false);
    struct defrag_frag l2 = frag4(1, 64, 30, false);
    cr_assert_eq(defrag_add(d, &l1, SEC, &out, &out_len), 0);
    cr_assert_eq(defrag_add(d, &l2, SEC, &out, &out_len), 0);
    cr_assert_eq(defrag_stats(d)->invalid, 1);
    cr_assert_eq(defrag_pending(d), 0);

    /* data beyond the announced end */
    struct defrag_frag l3 = frag4(2, 64, 20, false);
    struct defrag_frag beyond = frag4(2, 80, 16, true);
    cr_assert_eq(defrag_add(d, &l3, SEC, &out, &out_len), 0);
    cr_assert_eq(defrag_add(d, &beyond, SEC, &out, &out_len), 0);
    cr_assert_eq(defrag_stats(d)->invalid, 2);

    /* a last fragment ending before data already held */
    struct defrag_frag mid = frag4(3, 64, 64, true);
    struct defrag_frag short_last = frag4(3, 8, 8, false);
    cr_assert_eq(defrag_add(d, &mid, SEC, &out, &out_len), 0);
    cr_assert_eq(defrag_add(d, &short_last, SEC, &out, &out_len), 0);
    cr_assert_eq(defrag_stats(d)->invalid, 3);
    cr_assert_eq(defrag_pending(d), 0);
    defrag_free(d);
}

Test(defrag, empty_and_misaligned_fragments_invalid)
{
    struct defrag *d = new_table(0, 0, 0);
    const uint8_t *out = NULL;
    size_t out_len = 0;
    struct defrag_frag e = frag4(1, 0, 0, true);
    struct defrag_frag m = frag4(1, 0, 13, true);
    cr_assert_eq(defrag_add(d, &e, SEC, &out, &out_len), 0);
    cr_assert_eq(defrag_add(d, &m, SEC, &out, &out_len), 0);
    cr_assert_eq(defrag_stats(d)->invalid, 2);
    cr_assert_eq(defrag_stats(d)->fragments, 0);
    cr_assert_eq(defrag_pending(d), 0);
    defrag_free(d);
}

Test(defrag, keys_do_not_mix)
{
    struct defrag *d = new_table(0, 0, 0);
    const uint8_t *out = NULL;
    size_t out_len = 0;
    struct defrag_frag a = frag4(5, 0, 64, true);
    cr_assert_eq(defrag_add(d, &a, SEC, &out, &out_len), 0);

    struct defrag_frag other[4];
    for (int i = 0; i < 4; i++)
        other[i] = frag4(5, 64, 8, false);
    other[0].id = 6;
    other[1].proto = 6;
    other[2].src.a[3] = 9;
    other[3].family = 6; /* same bytes, other family */
    for (int i = 0; i < 4; i++)
        cr_assert_eq(defrag_add(d, &other[i], SEC, &out, &out_len), 0, "key variant %d", i);
    cr_assert_eq(defrag_pending(d), 5);
    struct defrag_frag a2 = frag4(5, 64, 8, false);
    cr_assert_eq(defrag_add(d, &a2, SEC, &out, &out_len), 1);
    cr_assert_eq(out_len, 72);
    defrag_free(d);
}

Test(defrag, ipv6_fragments)
{
    struct defrag *d = new_table(0, 0, 0);
    const uint8_t *out = NULL;
    size_t out_len = 0;
    struct defrag_frag a = frag4(0xdeadbeef, 0, 1232, true);
    struct defrag_frag b = frag4(0xdeadbeef, 1232, 300, false);
    a.family = b.family = 6;
    a.src.family = a.dst.family = b.src.family = b.dst.family = 6;
    memset(a.src.a, 0x20, 16);
    memset(b.src.a, 0x20, 16);
    cr_assert_eq(defrag_add(d, &b, SEC, &out, &out_len), 0);
    cr_assert_eq(defrag_add(d, &a, SEC, &out, &out_len), 1);
    cr_assert_eq(out_len, 1532);
    cr_assert_arr_eq(out, payload, 1532);
    defrag_free(d);
}

Test(defrag, many_tiny_pieces_capped)
{
    struct defrag *d = new_table(0, 0, 0);
    const uint8_t *out = NULL;
    size_t out_len = 0;
    /* every other 8-byte block: 300 disjoint pieces */
    for (uint32_t i = 0; i < 300; i++) {
        struct defrag_frag f = frag4(1, 0, 8, true);
        f.offset = i * 16;
        f.data = payload;
        defrag_add(d, &f, SEC, &out, &out_len);
    }
    cr_assert_eq(defrag_stats(d)->invalid, 1);
    cr_assert_leq(defrag_pending(d), 1);
    defrag_free(d);
}

Test(defrag, free_null_and_with_pending)
{
    cr_assert_null(defrag_free(NULL));
    struct defrag *d = new_table(4, 0, 0);
    const uint8_t *out = NULL;
    size_t out_len = 0;
    for (uint32_t id = 0; id < 10; id++) {
        struct defrag_frag f = frag4(id, 8, 64, true);
        defrag_add(d, &f, SEC, &out, &out_len);
    }
    cr_assert_eq(defrag_pending(d), 4);
    cr_assert_eq(defrag_stats(d)->evicted, 6);
    cr_assert_null(defrag_free(d)); /* the leak checker covers the pieces */
}

Test(defrag, many_concurrent_datagrams)
{
    /* 300 partial datagrams share 1024 buckets (some chains), completed oldest first */
    struct defrag *d = new_table(0, 0, 0);
    const uint8_t *out = NULL;
    size_t out_len = 0;
    for (uint32_t id = 0; id < 300; id++) {
        struct defrag_frag f = frag4(id * 7919, 0, 64, true);
        cr_assert_eq(defrag_add(d, &f, SEC, &out, &out_len), 0);
    }
    cr_assert_eq(defrag_pending(d), 300);
    /* invalidate one in the middle of the age list */
    struct defrag_frag bad = frag4(150 * 7919, 0, 8, false);
    cr_assert_eq(defrag_add(d, &bad, SEC, &out, &out_len), 0);
    cr_assert_eq(defrag_pending(d), 299);
    for (uint32_t id = 0; id < 300; id++) {
        struct defrag_frag f = frag4(id * 7919, 64, 8 + id % 8, false);
        int r = defrag_add(d, &f, SEC, &out, &out_len);
        if (id == 150) {
            cr_assert_eq(r, 0);
            continue;
        }
        cr_assert_eq(r, 1, "datagram %u", id);
        cr_assert_eq(out_len, 72 + id % 8);
        cr_assert_arr_eq(out, payload, out_len);
    }
    cr_assert_eq(defrag_pending(d), 1);
    defrag_free(d);
}
