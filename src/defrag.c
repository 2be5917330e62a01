/*
 * defrag.c - IPv4 and IPv6 fragment reassembly; see defrag.h.
 *
 * RFC 791 section 3.2 and RFC 815 (reassembly by hole tracking), RFC 8200
 * section 4.5 (IPv6), RFC 5722 and RFC 1858 (why overlaps matter to an IDS).
 *
 * Every partial datagram lives in a slot of a preallocated array, found
 * through a hash table keyed on (family, src, dst, id, proto) and linked on
 * an age list (oldest first) used both for timeouts and for eviction when a
 * limit is reached. The received bytes of a datagram are kept as a list of
 * disjoint pieces sorted by offset; a new fragment only fills the gaps
 * between them, so the first bytes received for an offset win (as Linux and
 * the TCP reassembler do) and a complete datagram is one whose pieces add up
 * to the length the last fragment announced. Fragments are copied (one
 * allocation per gap filled); the rebuilt datagram goes into one buffer the
 * table owns, so the non-fragment path never allocates.
 */
#include "defrag.h"

#include <stdlib.h>
#include <string.h>

#include "cursor.h"

/*
 * Disjoint received ranges per datagram. A 64 KiB datagram cut at the IPv6
 * minimum MTU is 52 fragments; anything needing more pieces than this is an
 * evasion attempt (tiny overlapping fragments) and is dropped as invalid.
 */
#define DEFRAG_MAX_PIECES 256

struct defrag_piece {
    struct defrag_piece *next;
    uint32_t start, end; /* [start, end) of the upper-layer payload */
    uint8_t data[];
};

struct defrag_dgram {
    /* key */
    uint8_t family, proto;
    uint32_t id;
    struct tw_addr src, dst;

    uint64_t created_us;
    uint32_t total; /* payload length, once the last fragment was seen */
    bool have_last;
    uint32_t received; /* bytes held in pieces */
    uint32_t npieces;
    struct defrag_piece *pieces;        /* sorted by start, disjoint */
    struct defrag_dgram *hnext;         /* hash chain, or free list */
    struct defrag_dgram *older, *newer; /* age list */
};

struct defrag {
    struct defrag_limits lim;
    struct defrag_stats stats;
    struct defrag_dgram *slots; /* lim.max_datagrams of them */
    struct defrag_dgram *free_slots;
    struct defrag_dgram **buckets;
    size_t bucket_mask;
    struct defrag_dgram *oldest, *newest;
    size_t pending;
    size_t bytes;
    uint8_t buf[DEFRAG_MAX_DATAGRAM]; /* the last rebuilt datagram */
};

struct defrag *defrag_new(const struct defrag_limits *lim)
{
    struct defrag *d = calloc(1, sizeof(*d));
    if (!d)
        return NULL;
    d->lim.max_datagrams = DEFRAG_DEFAULT_MAX_DATAGRAMS;
    d->lim.max_bytes = DEFRAG_DEFAULT_MAX_BYTES;
    d->lim.timeout_us = DEFRAG_DEFAULT_TIMEOUT_US;
    if (lim) {
        if (lim->max_datagrams)
            d->lim.max_datagrams = lim->max_datagrams;
        if (lim->max_bytes)
            d->lim.max_bytes = lim->max_bytes;
        if (lim->timeout_us)
            d->lim.timeout_us = lim->timeout_us;
    }
    size_t nbuckets = 16;
    while (nbuckets < d->lim.max_datagrams && nbuckets < ((size_t)1 << 24))
        nbuckets <<= 1;
    d->bucket_mask = nbuckets - 1;
    d->buckets = calloc(nbuckets, sizeof(*d->buckets));
    d->slots = calloc(d->lim.max_datagrams, sizeof(*d->slots));
    if (!d->buckets || !d->slots) {
        free(d->buckets);
        free(d->slots);
        free(d);
        return NULL;
    }
    for (size_t i = d->lim.max_datagrams; i-- > 0;) {
        d->slots[i].hnext = d->free_slots;
        d->free_slots = &d->slots[i];
    }
    return d;
}

static void dgram_free_pieces(struct defrag_dgram *g)
{
    struct defrag_piece *p = g->pieces;
    while (p) {
        struct defrag_piece *next = p->next;
        free(p);
        p = next;
    }
    g->pieces = NULL;
}

struct defrag *defrag_free(struct defrag *d)
{
    if (!d)
        return NULL;
    for (struct defrag_dgram *g = d->oldest; g; g = g->newer)
        dgram_free_pieces(g);
    free(d->buckets);
    free(d->slots);
    free(d);
    return NULL;
}

/* FNV-1a over the key; fragments only, so no need for anything faster. */
static uint32_t hash_bytes(uint32_t h, const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        h ^= p[i];
        h *= 16777619u;
    }
    return h;
}

static size_t key_hash(const struct defrag *d, const struct defrag_frag *f)
{
    uint8_t head[6] = {f->family, f->proto};
    for (int i = 0; i < 4; i++)
        head[2 + i] = (uint8_t)(f->id >> (24 - 8 * i));
    uint32_t h = hash_bytes(2166136261u, head, sizeof(head));
    h = hash_bytes(h, f->src.a, sizeof(f->src.a));
    h = hash_bytes(h, f->dst.a, sizeof(f->dst.a));
    return h & d->bucket_mask;
}

static bool key_eq(const struct defrag_dgram *g, const struct defrag_frag *f)
{
    return g->family == f->family && g->proto == f->proto && g->id == f->id &&
           memcmp(g->src.a, f->src.a, sizeof(g->src.a)) == 0 &&
           memcmp(g->dst.a, f->dst.a, sizeof(g->dst.a)) == 0;
}

static struct defrag_dgram *dgram_find(struct defrag *d, const struct defrag_frag *f, size_t bucket)
{
    for (struct defrag_dgram *g = d->buckets[bucket]; g; g = g->hnext)
        if (key_eq(g, f))
            return g;
    return NULL;
}

static void dgram_drop(struct defrag *d, struct defrag_dgram *g)
{
    struct defrag_frag key = {
        .family = g->family, .src = g->src, .dst = g->dst, .id = g->id, .proto = g->proto};
    struct defrag_dgram **pp = &d->buckets[key_hash(d, &key)];
    while (*pp != g)
        pp = &(*pp)->hnext;
    *pp = g->hnext;

    if (g->older)
        g->older->newer = g->newer;
    else
        d->oldest = g->newer;
    if (g->newer)
        g->newer->older = g->older;
    else
        d->newest = g->older;

    dgram_free_pieces(g);
    d->bytes -= g->received;
    d->pending--;
    memset(g, 0, sizeof(*g));
    g->hnext = d->free_slots;
    d->free_slots = g;
}

static struct defrag_dgram *dgram_create(struct defrag *d, const struct defrag_frag *f,
                                         size_t bucket, uint64_t now_us)
{
    if (!d->free_slots) {
        dgram_drop(d, d->oldest);
        d->stats.evicted++;
    }
    struct defrag_dgram *g = d->free_slots;
    d->free_slots = g->hnext;
    memset(g, 0, sizeof(*g));
    g->family = f->family;
    g->proto = f->proto;
    g->id = f->id;
    g->src = f->src;
    g->dst = f->dst;
    g->created_us = now_us;
    g->hnext = d->buckets[bucket];
    d->buckets[bucket] = g;
    g->older = d->newest;
    if (d->newest)
        d->newest->newer = g;
    else
        d->oldest = g;
    d->newest = g;
    d->pending++;
    return g;
}

void defrag_expire(struct defrag *d, uint64_t now_us)
{
    /*
     * The age list is in arrival order; if packet time went backwards (next
     * capture file) a younger entry may sit behind an older one and simply
     * waits for the next call.
     */
    while (d->oldest && now_us > d->oldest->created_us &&
           now_us - d->oldest->created_us > d->lim.timeout_us) {
        dgram_drop(d, d->oldest);
        d->stats.timeouts++;
    }
}

/* Bytes of [start, end) not yet covered by g's pieces, and how many gaps. */
static uint32_t gap_bytes(const struct defrag_dgram *g, uint32_t start, uint32_t end,
                          uint32_t *ret_gaps)
{
    uint32_t bytes = 0, gaps = 0, pos = start;
    for (const struct defrag_piece *p = g->pieces; p && pos < end; p = p->next) {
        if (p->end <= pos)
            continue;
        if (p->start > pos) {
            uint32_t gap_end = p->start < end ? p->start : end;
            bytes += gap_end - pos;
            gaps++;
        }
        pos = p->end;
    }
    if (pos < end) {
        bytes += end - pos;
        gaps++;
    }
    *ret_gaps = gaps;
    return bytes;
}

/* Inserts a piece holding the fragment bytes of [s, e) before *link; false on OOM. */
static bool piece_insert(struct defrag_dgram *g, struct defrag_piece **link,
                         const struct defrag_frag *f, uint32_t s, uint32_t e)
{
    struct defrag_piece *n = malloc(sizeof(*n) + (e - s));
    if (!n)
        return false;
    struct cursor c;
    cur_init(&c, f->data, f->len);
    cur_skip(&c, s - f->offset);
    if (!cur_copy(&c, n->data, e - s)) { /* cannot happen: [s, e) lies within f */
        free(n);
        return false;
    }
    n->start = s;
    n->end = e;
    n->next = *link;
    *link = n;
    g->received += e - s;
    g->npieces++;
    return true;
}

/* Copies the gaps of [start, end) from f; false on OOM (the datagram is then incomplete). */
static bool fill_gaps(struct defrag_dgram *g, const struct defrag_frag *f, uint32_t start,
                      uint32_t end)
{
    struct defrag_piece **link = &g->pieces;
    uint32_t pos = start;
    while (pos < end) {
        struct defrag_piece *p = *link;
        if (p && p->end <= pos) {
            link = &p->next;
            continue;
        }
        if (!p || p->start > pos) {
            uint32_t gap_end = p && p->start < end ? p->start : end;
            if (!piece_insert(g, link, f, pos, gap_end))
                return false;
            link = &(*link)->next;
            pos = gap_end;
            continue;
        }
        pos = p->end; /* p covers pos: the earlier bytes win */
        link = &p->next;
    }
    return true;
}

static void dgram_rebuild(struct defrag *d, const struct defrag_dgram *g)
{
    for (const struct defrag_piece *p = g->pieces; p; p = p->next)
        memcpy(d->buf + p->start, p->data, p->end - p->start);
}

int defrag_add(struct defrag *d, const struct defrag_frag *f, uint64_t now_us,
               const uint8_t **ret_data, size_t *ret_len)
{
    defrag_expire(d, now_us);

    size_t bucket = key_hash(d, f);
    struct defrag_dgram *g = dgram_find(d, f, bucket);

    /* written so that a huge offset or length cannot wrap */
    if (f->len > DEFRAG_MAX_DATAGRAM || f->offset > DEFRAG_MAX_DATAGRAM - f->len) {
        d->stats.too_big++;
        if (g)
            dgram_drop(d, g);
        return 0;
    }
    /* empty fragments, and non-last ones that break the 8-byte grid */
    if (f->len == 0 || (f->more && f->len % 8 != 0)) {
        d->stats.invalid++;
        return 0;
    }

    uint32_t start = f->offset, end = (uint32_t)(f->offset + f->len);
    if (g) {
        bool conflict;
        if (f->more) {
            conflict = g->have_last && end > g->total;
        } else if (g->have_last) {
            conflict = end != g->total;
        } else {
            uint32_t max_end = 0;
            for (const struct defrag_piece *p = g->pieces; p; p = p->next)
                max_end = p->end;
            conflict = max_end > end;
        }
        if (conflict) {
            d->stats.invalid++;
            dgram_drop(d, g);
            return 0;
        }
    } else {
        g = dgram_create(d, f, bucket, now_us);
    }

    uint32_t gaps;
    uint32_t need = gap_bytes(g, start, end, &gaps);
    if (g->npieces + gaps > DEFRAG_MAX_PIECES) {
        d->stats.invalid++;
        dgram_drop(d, g);
        return 0;
    }
    /* make room: evict the oldest other datagrams, or this one if it alone is too big */
    while (d->bytes + need > d->lim.max_bytes) {
        struct defrag_dgram *victim = d->oldest == g ? g->newer : d->oldest;
        if (!victim || g->received + need > d->lim.max_bytes) {
            d->stats.evicted++;
            dgram_drop(d, g);
            return 0;
        }
        d->stats.evicted++;
        dgram_drop(d, victim);
    }

    if (need < end - start)
        d->stats.overlaps++;
    uint32_t before = g->received;
    bool filled = fill_gaps(g, f, start, end);
    d->bytes += g->received - before;
    if (!filled) {
        /* out of memory: lose this datagram rather than hold a half-copied one */
        d->stats.evicted++;
        dgram_drop(d, g);
        return 0;
    }
    d->stats.fragments++;
    if (!f->more) {
        g->have_last = true;
        g->total = end;
    }
    if (!g->have_last || g->received != g->total)
        return 0;

    dgram_rebuild(d, g);
    *ret_data = d->buf;
    *ret_len = g->total;
    d->stats.reassembled++;
    dgram_drop(d, g);
    return 1;
}

const struct defrag_stats *defrag_stats(const struct defrag *d) { return &d->stats; }

size_t defrag_pending(const struct defrag *d) { return d->pending; }
