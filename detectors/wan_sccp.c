/*
 * wan_sccp.c - alert on SCCP (Skinny) whose phone side is outside the LAN.
 *
 * The CME security guide tells operators to block Skinny from the WAN
 * ("access-list 101 deny tcp any any eq 2000" on the outside interface):
 * phones belong inside, and a registration from the Internet is either an
 * ACL gap or someone registering a stolen device identity to place calls.
 * This detector alerts, sid 9100002, severity 1, once per SCCP connection
 * whose phone side (the TCP client; the server is the call agent on port
 * 2000) is not in networks.lan. Any SCCP message in either direction
 * (EV_SCCP_MESSAGE) or registration step (EV_SCCP_REGISTRATION) can raise it;
 * the alert's src is always the phone, even when the message that raised it
 * came from the call agent. A RegisterMessage is left to the registration
 * event the dissector emits for every Register, so that the alert names the
 * device whichever of the two events comes first. With an empty networks.lan every phone would be
 * outside, so init turns the detector off with a warning.
 *
 * State: a table of the WAN-side connections seen (flow_id -> alerted, device
 * name from the connection's registration), so that the alert names the
 * device when a registration preceded it and so that it fires once per flow.
 * Only connections outside the LAN enter it. It holds at most WS_FLOWS_MAX
 * flows, least recently seen evicted first (counted); an evicted flow that
 * is still alive would alert a second time. The table is private to one
 * worker (flows are pinned to workers), so flow_id is a unique key.
 */
#include "detector.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "eve.h"
#include "flow.h"
#include "prefix.h"

extern const struct detector wan_sccp_detector;
/* Flows evicted from the table (read by the tests). */
uint64_t wan_sccp_evictions(const void *priv);

#define WS_FLOWS_MAX     4096
#define WS_FLOWS_BUCKETS 8192 /* power of two */
#define WS_NONE          (-1)
#define WS_MSG_REGISTER  0x0001 /* RegisterMessage */

struct ws_entry {
    uint64_t flow_id;
    char device_name[SCCP_DEVICE_NAME_MAX + 1]; /* "" until a registration names it */
    bool alerted;
    int32_t hnext;      /* bucket chain, or free list */
    int32_t prev, next; /* age list: head = seen longest ago */
};

struct ws_priv {
    const struct prefix_set *lan; /* borrowed from the config, which outlives the detector */
    struct ws_entry *ent;         /* WS_FLOWS_MAX */
    int32_t buckets[WS_FLOWS_BUCKETS];
    int32_t head, tail, free_list;
    uint64_t evictions;
};

static void ws_fini(void *priv)
{
    struct ws_priv *d = priv;
    if (!d)
        return;
    free(d->ent);
    free(d);
}

static int ws_init(const struct sensor_config *cfg, void **ret_priv, char *err, size_t errlen)
{
    if (!cfg || !cfg->lan || prefix_set_count(cfg->lan) == 0) {
        snprintf(err, errlen, "networks.lan is empty");
        return 1;
    }
    struct ws_priv *d = calloc(1, sizeof(*d));
    if (!d)
        return -ENOMEM;
    d->ent = calloc(WS_FLOWS_MAX, sizeof(*d->ent));
    if (!d->ent) {
        ws_fini(d);
        return -ENOMEM;
    }
    d->lan = cfg->lan;
    for (size_t i = 0; i < WS_FLOWS_BUCKETS; i++)
        d->buckets[i] = WS_NONE;
    for (int32_t i = 0; i < WS_FLOWS_MAX; i++)
        d->ent[i].hnext = i + 1 < WS_FLOWS_MAX ? i + 1 : WS_NONE;
    d->free_list = 0;
    d->head = d->tail = WS_NONE;
    *ret_priv = d;
    return 0;
}

static int32_t *ws_bucket(struct ws_priv *d, uint64_t flow_id)
{
    uint64_t h = flow_id * 0x9e3779b97f4a7c15ull; /* Fibonacci hashing */
    return &d->buckets[(h >> 32) & (WS_FLOWS_BUCKETS - 1)];
}

static void ws_age_unlink(struct ws_priv *d, int32_t i)
{
    struct ws_entry *e = &d->ent[i];
    if (e->prev != WS_NONE)
        d->ent[e->prev].next = e->next;
    else
        d->head = e->next;
    if (e->next != WS_NONE)
        d->ent[e->next].prev = e->prev;
    else
        d->tail = e->prev;
}

static void ws_age_append(struct ws_priv *d, int32_t i)
{
    struct ws_entry *e = &d->ent[i];
    e->prev = d->tail;
    e->next = WS_NONE;
    if (d->tail != WS_NONE)
        d->ent[d->tail].next = i;
    else
        d->head = i;
    d->tail = i;
}

/* Evicts the flow seen longest ago. */
static void ws_evict(struct ws_priv *d)
{
    int32_t i = d->head;
    int32_t *pp = ws_bucket(d, d->ent[i].flow_id);
    while (*pp != i)
        pp = &d->ent[*pp].hnext;
    *pp = d->ent[i].hnext;
    ws_age_unlink(d, i);
    d->ent[i].hnext = d->free_list;
    d->free_list = i;
    d->evictions++;
}

/* The entry of flow_id, created if new, moved to the young end of the age list. */
static struct ws_entry *ws_lookup(struct ws_priv *d, uint64_t flow_id)
{
    int32_t *bucket = ws_bucket(d, flow_id);
    for (int32_t i = *bucket; i != WS_NONE; i = d->ent[i].hnext) {
        if (d->ent[i].flow_id == flow_id) {
            ws_age_unlink(d, i);
            ws_age_append(d, i);
            return &d->ent[i];
        }
    }
    if (d->free_list == WS_NONE)
        ws_evict(d);
    int32_t i = d->free_list;
    struct ws_entry *e = &d->ent[i];
    d->free_list = e->hnext;
    e->flow_id = flow_id;
    e->device_name[0] = '\0';
    e->alerted = false;
    e->hnext = *bucket;
    *bucket = i;
    ws_age_append(d, i);
    return e;
}

/* The SCCP message an event stands for, or NULL. */
static const char *ws_message(const struct dis_event *ev)
{
    if (ev->type == EV_SCCP_MESSAGE)
        return ev->u.sccp_msg.name;
    switch (ev->u.sccp_reg.action) {
        case SCCP_REG_REGISTER:
            return "RegisterMessage";
        case SCCP_REG_ACK:
            return "RegisterAckMessage";
        case SCCP_REG_REJECT:
            return "RegisterRejectMessage";
        case SCCP_REG_UNREGISTER:
            return "UnregisterMessage";
        default:
            return NULL; /* the connection ended */
    }
}

static json_t *ws_extra(const char *message, const char *device_name)
{
    json_t *extra = json_object();
    json_t *s = json_object();
    int e = 0;

    if (!extra || !s) {
        json_decref(extra);
        json_decref(s);
        return NULL;
    }
    if (message)
        e |= json_object_set_new(s, "message", json_string(message));
    size_t n = strnlen(device_name, SCCP_DEVICE_NAME_MAX);
    if (n)
        e |= eve_set_bytes(s, "device_name", (const uint8_t *)device_name, n);
    e |= json_object_set_new(extra, "sccp", s);
    if (e) {
        json_decref(extra);
        return NULL;
    }
    return extra;
}

static void ws_on_event(struct det_ctx *ctx, const struct dis_event *ev, void *priv)
{
    struct ws_priv *d = priv;

    if (!d || !ev->flow || (ev->type != EV_SCCP_MESSAGE && ev->type != EV_SCCP_REGISTRATION))
        return;
    if (prefix_set_contains(d->lan, &ev->flow->cli))
        return; /* the phone is inside */
    if (ev->type == EV_SCCP_MESSAGE && ev->u.sccp_msg.msg_id == WS_MSG_REGISTER)
        return; /* its registration event, before or after it, alerts with the device name */

    struct ws_entry *e = ws_lookup(d, ev->flow->flow_id);
    if (ev->type == EV_SCCP_REGISTRATION && ev->u.sccp_reg.device_name[0]) {
        size_t n = strnlen(ev->u.sccp_reg.device_name, SCCP_DEVICE_NAME_MAX);
        memcpy(e->device_name, ev->u.sccp_reg.device_name, n);
        e->device_name[n] = '\0';
    }
    if (e->alerted)
        return;
    e->alerted = true;

    /* The phone acted, whoever sent this message: orient the alert from the client. */
    struct dis_event phone_ev = *ev;
    phone_ev.dir = DIR_TO_SERVER;
    alert_emit(ctx, &phone_ev, &wan_sccp_detector, wan_sccp_detector.severity,
               ws_extra(ws_message(ev), e->device_name));
}

uint64_t wan_sccp_evictions(const void *priv)
{
    const struct ws_priv *d = priv;
    return d ? d->evictions : 0;
}

const struct detector wan_sccp_detector = {
    .name = "wan_sccp",
    .sid = 9100002,
    .rev = 1,
    .signature = "TOLLWATCH SCCP from outside the LAN (WAN-side Skinny)",
    .category = "Policy Violation",
    .severity = 1,
    .events = EV_BIT(EV_SCCP_MESSAGE) | EV_BIT(EV_SCCP_REGISTRATION),
    .init = ws_init,
    .on_event = ws_on_event,
    .fini = ws_fini,
};
