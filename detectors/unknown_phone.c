/*
 * unknown_phone.c - alert when an SCCP device not in the phone inventory
 * registers.
 *
 * The CME security guide's first line of defence against rogue phones is to
 * know every ephone by MAC and refuse auto-registration; a Register naming a
 * device the operator never configured is either a misconfiguration or an
 * attacker with a soft phone trying device names (e.g. SEP003094C38724).
 * The detector matches the device name of every RegisterMessage
 * (EV_SCCP_REGISTRATION, action register) against phones.inventory /
 * phones.inventory_file (src/inventory.c) and alerts, sid 9100001, severity
 * 2, with the sccp object of SPEC section 2. With an empty inventory every
 * phone would be unknown, so init turns the detector off with a warning.
 *
 * A phone that is refused keeps re-registering every few seconds; one alert
 * per (device name, phone address) per 300 s of packet time, whatever the
 * connection. The dedup table holds at most UP_DEDUP_MAX keys; a new key
 * beyond that evicts the one alerted longest ago (counted). The table is
 * private to one worker.
 */
#include "detector.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "eve.h"
#include "flow.h"
#include "inventory.h"

extern const struct detector unknown_phone_detector;
/* Dedup keys evicted while still inside their window (read by the tests). */
uint64_t unknown_phone_evictions(const void *priv);

#define UP_WINDOW_US     (300ull * 1000000)
#define UP_DEDUP_MAX     4096
#define UP_DEDUP_BUCKETS 8192 /* power of two */
#define UP_NONE          (-1)
#define UP_FNV_INIT      0xcbf29ce484222325ull

struct up_key {
    char name[SCCP_DEVICE_NAME_MAX + 1]; /* zero-padded, so keys compare with memcmp */
    struct tw_addr phone;
};

struct up_entry {
    struct up_key key;
    uint64_t ts; /* packet time of the last alert */
    uint32_t hash;
    int32_t hnext;      /* bucket chain, or free list */
    int32_t prev, next; /* age list: head = alerted longest ago */
};

struct up_priv {
    struct inventory *inv;
    struct up_entry *ent; /* UP_DEDUP_MAX */
    int32_t buckets[UP_DEDUP_BUCKETS];
    int32_t head, tail, free_list;
    uint64_t evictions;
};

static void up_fini(void *priv)
{
    struct up_priv *d = priv;
    if (!d)
        return;
    inventory_free(d->inv);
    free(d->ent);
    free(d);
}

static int up_init(const struct sensor_config *cfg, void **ret_priv, char *err, size_t errlen)
{
    struct up_priv *d = calloc(1, sizeof(*d));
    if (!d)
        return -ENOMEM;
    d->inv = inventory_new(cfg);
    d->ent = calloc(UP_DEDUP_MAX, sizeof(*d->ent));
    if (!d->inv || !d->ent) {
        up_fini(d);
        return -ENOMEM;
    }
    if (inventory_count(d->inv) == 0) {
        up_fini(d);
        snprintf(err, errlen, "the phone inventory is empty");
        return 1;
    }
    for (size_t i = 0; i < UP_DEDUP_BUCKETS; i++)
        d->buckets[i] = UP_NONE;
    for (int32_t i = 0; i < UP_DEDUP_MAX; i++)
        d->ent[i].hnext = i + 1 < UP_DEDUP_MAX ? i + 1 : UP_NONE;
    d->free_list = 0;
    d->head = d->tail = UP_NONE;
    *ret_priv = d;
    return 0;
}

static uint32_t up_key_hash(const struct up_key *k)
{
    uint64_t h = UP_FNV_INIT;
    const uint8_t *parts[] = {(const uint8_t *)k->name, &k->phone.family, k->phone.a};
    const size_t lens[] = {sizeof(k->name), 1, sizeof(k->phone.a)};
    for (size_t p = 0; p < 3; p++) {
        for (size_t i = 0; i < lens[p]; i++) {
            h ^= parts[p][i];
            h *= 0x100000001b3ull;
        }
    }
    return (uint32_t)(h ^ h >> 32);
}

static bool up_key_eq(const struct up_key *a, const struct up_key *b)
{
    return memcmp(a->name, b->name, sizeof(a->name)) == 0 && tw_addr_eq(&a->phone, &b->phone);
}

static void up_age_unlink(struct up_priv *d, int32_t i)
{
    struct up_entry *e = &d->ent[i];
    if (e->prev != UP_NONE)
        d->ent[e->prev].next = e->next;
    else
        d->head = e->next;
    if (e->next != UP_NONE)
        d->ent[e->next].prev = e->prev;
    else
        d->tail = e->prev;
}

static void up_age_append(struct up_priv *d, int32_t i)
{
    struct up_entry *e = &d->ent[i];
    e->prev = d->tail;
    e->next = UP_NONE;
    if (d->tail != UP_NONE)
        d->ent[d->tail].next = i;
    else
        d->head = i;
    d->tail = i;
}

/* Removes entry i from its chain and the age list and frees it. */
static void up_remove(struct up_priv *d, int32_t i)
{
    int32_t *pp = &d->buckets[d->ent[i].hash & (UP_DEDUP_BUCKETS - 1)];
    while (*pp != i)
        pp = &d->ent[*pp].hnext;
    *pp = d->ent[i].hnext;
    up_age_unlink(d, i);
    d->ent[i].hnext = d->free_list;
    d->free_list = i;
}

static bool up_stale(uint64_t ts, uint64_t now)
{
    uint64_t age = now >= ts ? now - ts : ts - now; /* capture files out of order */
    return age >= UP_WINDOW_US;
}

/* True if key should alert now: the first time, or after its window. */
static bool up_should_alert(struct up_priv *d, const struct up_key *key, uint64_t now)
{
    uint32_t h = up_key_hash(key);
    int32_t *bucket = &d->buckets[h & (UP_DEDUP_BUCKETS - 1)];

    for (int32_t i = *bucket; i != UP_NONE; i = d->ent[i].hnext) {
        struct up_entry *e = &d->ent[i];
        if (e->hash != h || !up_key_eq(&e->key, key))
            continue;
        if (!up_stale(e->ts, now))
            return false;
        e->ts = now;
        up_age_unlink(d, i);
        up_age_append(d, i);
        return true;
    }

    while (d->head != UP_NONE && up_stale(d->ent[d->head].ts, now))
        up_remove(d, d->head); /* expired: no eviction */
    if (d->free_list == UP_NONE) {
        up_remove(d, d->head);
        d->evictions++;
    }
    int32_t i = d->free_list;
    struct up_entry *e = &d->ent[i];
    d->free_list = e->hnext;
    e->key = *key;
    e->ts = now;
    e->hash = h;
    e->hnext = *bucket;
    *bucket = i;
    up_age_append(d, i);
    return true;
}

/* {"sccp": {"message", "device_name", "device_type", "station_ip", "protocol_version"}} */
static json_t *up_extra(const struct ev_sccp_reg *r)
{
    json_t *extra = json_object();
    json_t *s = json_object();
    char ip[TW_ADDRSTRLEN];
    int e = 0;

    if (!extra || !s) {
        json_decref(extra);
        json_decref(s);
        return NULL;
    }
    e |= json_object_set_new(s, "message", json_string("RegisterMessage"));
    size_t n = strnlen(r->device_name, sizeof(r->device_name));
    if (n)
        e |= eve_set_bytes(s, "device_name", (const uint8_t *)r->device_name, n);
    if (r->has_register) {
        e |= json_object_set_new(s, "device_type", json_integer(r->device_type));
        if (r->station_ip.family)
            e |= json_object_set_new(s, "station_ip",
                                     json_string(tw_addr_fmt(&r->station_ip, ip, sizeof(ip))));
    }
    if (r->has_protocol_version)
        e |= json_object_set_new(s, "protocol_version", json_integer(r->protocol_version));
    e |= json_object_set_new(extra, "sccp", s);
    if (e) {
        json_decref(extra);
        return NULL;
    }
    return extra;
}

static void up_on_event(struct det_ctx *ctx, const struct dis_event *ev, void *priv)
{
    struct up_priv *d = priv;
    const struct ev_sccp_reg *r = &ev->u.sccp_reg;
    struct up_key key;

    if (!d || ev->type != EV_SCCP_REGISTRATION || r->action != SCCP_REG_REGISTER)
        return;
    if (inventory_contains(d->inv, r->device_name))
        return;

    memset(&key, 0, sizeof(key));
    memcpy(key.name, r->device_name, strnlen(r->device_name, SCCP_DEVICE_NAME_MAX));
    if (ev->flow)
        key.phone = *flow_src(ev->flow, ev->dir); /* the actor: the phone */
    if (!up_should_alert(d, &key, ev->ts_us))
        return;
    alert_emit(ctx, ev, &unknown_phone_detector, unknown_phone_detector.severity, up_extra(r));
}

uint64_t unknown_phone_evictions(const void *priv)
{
    const struct up_priv *d = priv;
    return d ? d->evictions : 0;
}

const struct detector unknown_phone_detector = {
    .name = "unknown_phone",
    .sid = 9100001,
    .rev = 1,
    .signature = "TOLLWATCH unknown IP phone registered",
    .category = "Rogue Device",
    .severity = 2,
    .events = EV_BIT(EV_SCCP_REGISTRATION),
    .init = up_init,
    .on_event = up_on_event,
    .fini = up_fini,
};
