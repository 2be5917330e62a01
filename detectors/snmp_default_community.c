/*
 * snmp_default_community.c - alert on SNMPv1/v2c default or weak communities.
 *
 * The CME security guide warns that the default read and write communities
 * ("public", "private") give anyone on the path the router's configuration,
 * or the power to change it. This detector matches the community of every
 * v1/v2c message (EV_SNMP_PDU) against a dictionary of vendor defaults and
 * well-known scanner words (signatures/snmp-communities.txt, one per line,
 * "<empty>" for the empty community) and alerts with severity 2, or 1 when
 * the message is a SetRequest. v3 messages carry no community and never
 * alert.
 *
 * One alert per (manager, agent, community) per 300 s of packet time, so
 * that a walk of thousands of requests and their responses raises one alert;
 * a SetRequest still raises its severity-1 alert inside the window of an
 * earlier severity-2 one (once per 300 s too), but the response to a set does
 * not raise a second, milder alert. The manager is the sender of requests and
 * the receiver of responses and reports; the agent is the sender of traps and
 * informs. The dedup table holds at most SDC_DEDUP_MAX keys; a new key beyond
 * that evicts the one alerted longest ago (counted). Both tables are private
 * to one worker.
 */
#include "detector.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "flow.h"
#include "sigfile.h"
#include "snmp.h"

extern const struct detector snmp_default_community_detector;
/* Dedup keys evicted while still inside their window (read by the tests). */
uint64_t snmp_default_community_evictions(const void *priv);

#define SDC_WINDOW_US     (300ull * 1000000)
#define SDC_DEDUP_MAX     4096
#define SDC_DEDUP_BUCKETS 8192 /* power of two */
#define SDC_COMMUNITY_MAX 255  /* longest dictionary word accepted */
#define SDC_NONE          (-1)
#define SDC_FNV_INIT      0xcbf29ce484222325ull

struct sdc_word {
    char *s; /* NUL-terminated copy; len excludes the NUL */
    size_t len;
    uint64_t hash;
};

struct sdc_key {
    struct tw_addr manager, agent;
    uint32_t word; /* index into the dictionary */
};

struct sdc_entry {
    struct sdc_key key;
    uint64_t ts;     /* packet time of the last alert */
    uint64_t ts_set; /* ... of the last severity-1 (SetRequest) alert */
    bool has_set;
    uint32_t hash;
    int32_t hnext;      /* bucket chain, or free list */
    int32_t prev, next; /* age list: head = alerted longest ago */
};

struct sdc_priv {
    struct sdc_word *words;
    size_t nwords, words_cap;
    uint32_t *slots; /* open addressing over words; UINT32_MAX = empty */
    size_t slots_mask;

    struct sdc_entry *ent; /* SDC_DEDUP_MAX */
    int32_t buckets[SDC_DEDUP_BUCKETS];
    int32_t head, tail, free_list;
    uint64_t evictions;
};

static uint64_t sdc_fnv(uint64_t h, const void *p, size_t len)
{
    const uint8_t *b = p;
    for (size_t i = 0; i < len; i++) {
        h ^= b[i];
        h *= 0x100000001b3ull;
    }
    return h;
}

/* Index of the dictionary word equal to p/len, or -1. */
static long sdc_word_find(const struct sdc_priv *d, const uint8_t *p, size_t len, uint64_t h)
{
    if (!d->slots)
        return -1;
    for (size_t i = h & d->slots_mask;; i = (i + 1) & d->slots_mask) {
        uint32_t w = d->slots[i];
        if (w == UINT32_MAX)
            return -1;
        const struct sdc_word *x = &d->words[w];
        if (x->hash == h && x->len == len && (len == 0 || memcmp(x->s, p, len) == 0))
            return (long)w;
    }
}

static int sdc_line(void *user, const char *line, unsigned lineno, char *err, size_t errlen)
{
    struct sdc_priv *d = user;
    size_t len = strcmp(line, "<empty>") == 0 ? 0 : strlen(line);

    (void)lineno;
    if (len > SDC_COMMUNITY_MAX) {
        snprintf(err, errlen, "community longer than %d bytes", SDC_COMMUNITY_MAX);
        return -EINVAL;
    }
    if (d->nwords == d->words_cap) {
        size_t cap = d->words_cap ? d->words_cap * 2 : 64;
        struct sdc_word *nw = realloc(d->words, cap * sizeof(*nw));
        if (!nw)
            return -ENOMEM;
        d->words = nw;
        d->words_cap = cap;
    }
    char *s = malloc(len + 1);
    if (!s)
        return -ENOMEM;
    memcpy(s, line, len);
    s[len] = '\0';
    d->words[d->nwords++] = (struct sdc_word){s, len, sdc_fnv(SDC_FNV_INIT, s, len)};
    return 0;
}

/* Builds the word hash table; duplicate lines are dropped. 0 or -ENOMEM. */
static int sdc_index(struct sdc_priv *d)
{
    size_t n = 16;
    while (n < 2 * d->nwords)
        n *= 2;
    d->slots = malloc(n * sizeof(*d->slots));
    if (!d->slots)
        return -ENOMEM;
    memset(d->slots, 0xff, n * sizeof(*d->slots));
    d->slots_mask = n - 1;

    size_t kept = 0;
    for (size_t i = 0; i < d->nwords; i++) {
        struct sdc_word *x = &d->words[i];
        if (sdc_word_find(d, (const uint8_t *)x->s, x->len, x->hash) >= 0) {
            free(x->s);
            continue;
        }
        d->words[kept] = *x;
        size_t j = x->hash & d->slots_mask;
        while (d->slots[j] != UINT32_MAX)
            j = (j + 1) & d->slots_mask;
        d->slots[j] = (uint32_t)kept++;
    }
    d->nwords = kept;
    return 0;
}

static void sdc_fini(void *priv)
{
    struct sdc_priv *d = priv;
    if (!d)
        return;
    for (size_t i = 0; i < d->nwords; i++)
        free(d->words[i].s);
    free(d->words);
    free(d->slots);
    free(d->ent);
    free(d);
}

static int sdc_init(const struct sensor_config *cfg, void **ret_priv, char *err, size_t errlen)
{
    struct sdc_priv *d;
    int r;

    /* No dictionary configured: the detector stays idle. */
    if (!cfg || !cfg->communities_file || !cfg->communities_file[0])
        return 0;
    d = calloc(1, sizeof(*d));
    if (!d)
        return -ENOMEM;
    d->ent = calloc(SDC_DEDUP_MAX, sizeof(*d->ent));
    if (!d->ent) {
        sdc_fini(d);
        return -ENOMEM;
    }
    r = sigfile_read(cfg->communities_file, sdc_line, d, err, errlen);
    if (r == 0 && (r = sdc_index(d)) < 0)
        snprintf(err, errlen, "%s: %s", cfg->communities_file, strerror(-r));
    if (r < 0) {
        sdc_fini(d);
        return r;
    }
    for (size_t i = 0; i < SDC_DEDUP_BUCKETS; i++)
        d->buckets[i] = SDC_NONE;
    for (int32_t i = 0; i < SDC_DEDUP_MAX; i++)
        d->ent[i].hnext = i + 1 < SDC_DEDUP_MAX ? i + 1 : SDC_NONE;
    d->free_list = 0;
    d->head = d->tail = SDC_NONE;
    *ret_priv = d;
    return 0;
}

static bool sdc_key_eq(const struct sdc_key *a, const struct sdc_key *b)
{
    return a->word == b->word && tw_addr_eq(&a->manager, &b->manager) &&
           tw_addr_eq(&a->agent, &b->agent);
}

static uint32_t sdc_key_hash(const struct sdc_key *k)
{
    uint64_t h = SDC_FNV_INIT;
    h = sdc_fnv(h, &k->manager.family, 1);
    h = sdc_fnv(h, k->manager.a, sizeof(k->manager.a));
    h = sdc_fnv(h, &k->agent.family, 1);
    h = sdc_fnv(h, k->agent.a, sizeof(k->agent.a));
    h = sdc_fnv(h, &k->word, sizeof(k->word));
    return (uint32_t)(h ^ h >> 32);
}

static void sdc_age_unlink(struct sdc_priv *d, int32_t i)
{
    struct sdc_entry *e = &d->ent[i];
    if (e->prev != SDC_NONE)
        d->ent[e->prev].next = e->next;
    else
        d->head = e->next;
    if (e->next != SDC_NONE)
        d->ent[e->next].prev = e->prev;
    else
        d->tail = e->prev;
}

static void sdc_age_append(struct sdc_priv *d, int32_t i)
{
    struct sdc_entry *e = &d->ent[i];
    e->prev = d->tail;
    e->next = SDC_NONE;
    if (d->tail != SDC_NONE)
        d->ent[d->tail].next = i;
    else
        d->head = i;
    d->tail = i;
}

/* Removes entry i from its chain and the age list and frees it. */
static void sdc_remove(struct sdc_priv *d, int32_t i)
{
    int32_t *pp = &d->buckets[d->ent[i].hash & (SDC_DEDUP_BUCKETS - 1)];
    while (*pp != i)
        pp = &d->ent[*pp].hnext;
    *pp = d->ent[i].hnext;
    sdc_age_unlink(d, i);
    d->ent[i].hnext = d->free_list;
    d->free_list = i;
}

static bool sdc_stale(uint64_t ts, uint64_t now)
{
    uint64_t age = now >= ts ? now - ts : ts - now; /* capture files out of order */
    return age >= SDC_WINDOW_US;
}

/*
 * True if key should alert now with severity sev: the first time, after its
 * window, or a severity-1 message after only severity-2 alerts.
 */
static bool sdc_should_alert(struct sdc_priv *d, const struct sdc_key *key, int sev, uint64_t now)
{
    bool set = sev == 1;
    uint32_t h = sdc_key_hash(key);
    int32_t *bucket = &d->buckets[h & (SDC_DEDUP_BUCKETS - 1)];

    for (int32_t i = *bucket; i != SDC_NONE; i = d->ent[i].hnext) {
        struct sdc_entry *e = &d->ent[i];
        if (e->hash != h || !sdc_key_eq(&e->key, key))
            continue;
        if (set ? e->has_set && !sdc_stale(e->ts_set, now) : !sdc_stale(e->ts, now))
            return false;
        e->ts = now;
        if (set) {
            e->ts_set = now;
            e->has_set = true;
        }
        sdc_age_unlink(d, i);
        sdc_age_append(d, i);
        return true;
    }

    while (d->head != SDC_NONE && sdc_stale(d->ent[d->head].ts, now))
        sdc_remove(d, d->head); /* expired: no eviction */
    if (d->free_list == SDC_NONE) {
        sdc_remove(d, d->head);
        d->evictions++;
    }
    int32_t i = d->free_list;
    struct sdc_entry *e = &d->ent[i];
    d->free_list = e->hnext;
    e->key = *key;
    e->ts = now;
    e->ts_set = now;
    e->has_set = set;
    e->hash = h;
    e->hnext = *bucket;
    *bucket = i;
    sdc_age_append(d, i);
    return true;
}

static void sdc_on_event(struct det_ctx *ctx, const struct dis_event *ev, void *priv)
{
    struct sdc_priv *d = priv;
    const struct ev_snmp *s = &ev->u.snmp;
    struct sdc_key key;

    if (!d || ev->type != EV_SNMP_PDU || (s->version != SNMP_V1 && s->version != SNMP_V2C))
        return;
    const uint8_t *comm = s->community ? s->community : (const uint8_t *)"";
    long w =
        sdc_word_find(d, comm, s->community_len, sdc_fnv(SDC_FNV_INIT, comm, s->community_len));
    if (w < 0)
        return;

    memset(&key, 0, sizeof(key));
    key.word = (uint32_t)w;
    int sev = s->pdu_type == SNMP_PDU_SET ? 1 : snmp_default_community_detector.severity;
    if (ev->flow) {
        /* DIR_TO_SERVER: the client sent this message */
        const struct tw_addr *sender = ev->dir == DIR_TO_SERVER ? &ev->flow->cli : &ev->flow->srv;
        const struct tw_addr *receiver = ev->dir == DIR_TO_SERVER ? &ev->flow->srv : &ev->flow->cli;
        switch (s->pdu_type) {
            case SNMP_PDU_RESPONSE:
            case SNMP_PDU_REPORT:
            case SNMP_PDU_TRAP_V1:
            case SNMP_PDU_TRAP_V2:
            case SNMP_PDU_INFORM:
                key.manager = *receiver;
                key.agent = *sender;
                break;
            default: /* requests */
                key.manager = *sender;
                key.agent = *receiver;
                break;
        }
    }
    if (!sdc_should_alert(d, &key, sev, ev->ts_us))
        return;

    json_t *extra = json_object();
    if (extra && json_object_set_new(extra, "snmp", snmp_event_json(s)) < 0) {
        json_decref(extra);
        extra = NULL;
    }
    alert_emit(ctx, ev, &snmp_default_community_detector, sev, extra);
}

uint64_t snmp_default_community_evictions(const void *priv)
{
    const struct sdc_priv *d = priv;
    return d ? d->evictions : 0;
}

const struct detector snmp_default_community_detector = {
    .name = "snmp_default_community",
    .sid = 9100004,
    .rev = 1,
    .signature = "TOLLWATCH SNMP default or weak community",
    .category = "Attempted Information Leak",
    .severity = 2,
    .events = EV_BIT(EV_SNMP_PDU),
    .init = sdc_init,
    .on_event = sdc_on_event,
    .fini = sdc_fini,
};
