/*
 * registration_log.c - the "registration" event log of SCCP phones.
 *
 * Not an alert: every SCCP registration step (EV_SCCP_REGISTRATION: a
 * RegisterMessage, RegisterAck, RegisterReject, UnregisterMessage, or the
 * connection ending while registered) becomes an EVE event_type
 * "registration" with an "sccp" object (SPEC section 2), the sensor's
 * equivalent of CME's %IPPHONE-6-REGISTER / -UNREGISTER_NORMAL /
 * -UNREGISTER_ABNORMAL syslog lines, for inventory audits and forensics.
 *
 * "action" is register, register_new (a Register whose device is not in the
 * phone inventory, as CME's %IPPHONE-6-REGISTER_NEW; only while the inventory
 * lists something, else every Register is "register"), register_ack,
 * register_reject, unregister or unregister_abnormal. Only the keys whose
 * values the dissector knows are written. The event's src is the phone: the
 * dissector makes the phone the actor of these events.
 */
#include "detector.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "eve.h"
#include "inventory.h"

extern const struct detector registration_log_detector;

static const char *const reg_actions[] = {
    [SCCP_REG_REGISTER] = "register",
    [SCCP_REG_ACK] = "register_ack",
    [SCCP_REG_REJECT] = "register_reject",
    [SCCP_REG_UNREGISTER] = "unregister",
    [SCCP_REG_ABNORMAL] = "unregister_abnormal",
};

/* The SCCP message behind an action; NULL for an abnormal end (no message). */
static const char *const reg_messages[] = {
    [SCCP_REG_REGISTER] = "RegisterMessage",
    [SCCP_REG_ACK] = "RegisterAckMessage",
    [SCCP_REG_REJECT] = "RegisterRejectMessage",
    [SCCP_REG_UNREGISTER] = "UnregisterMessage",
    [SCCP_REG_ABNORMAL] = NULL,
};

#define REG_ACTIONS (sizeof(reg_actions) / sizeof(reg_actions[0]))

static int rl_init(const struct sensor_config *cfg, void **ret_priv, char *err, size_t errlen)
{
    (void)err;
    (void)errlen;
    struct inventory *inv = inventory_new(cfg);
    if (!inv)
        return -ENOMEM;
    *ret_priv = inv;
    return 0;
}

static void rl_fini(void *priv) { inventory_free(priv); }

static int set_wire_str(json_t *o, const char *key, const char *s, size_t cap)
{
    size_t n = strnlen(s, cap);
    return n ? eve_set_bytes(o, key, (const uint8_t *)s, n) : 0;
}

/* The "sccp" object of a registration event; NULL on OOM. */
static json_t *rl_sccp_json(const struct ev_sccp_reg *r, bool is_new)
{
    json_t *o = json_object();
    int e = 0;
    char ip[TW_ADDRSTRLEN];

    if (!o)
        return NULL;
    e |= json_object_set_new(o, "action",
                             json_string(is_new ? "register_new" : reg_actions[r->action]));
    if (reg_messages[r->action])
        e |= json_object_set_new(o, "message", json_string(reg_messages[r->action]));
    e |= set_wire_str(o, "device_name", r->device_name, sizeof(r->device_name));
    if (r->has_register) {
        e |= json_object_set_new(o, "device_type", json_integer(r->device_type));
        if (r->station_ip.family)
            e |= json_object_set_new(o, "station_ip",
                                     json_string(tw_addr_fmt(&r->station_ip, ip, sizeof(ip))));
    }
    if (r->has_protocol_version)
        e |= json_object_set_new(o, "protocol_version", json_integer(r->protocol_version));
    if (r->has_register) {
        e |= json_object_set_new(o, "user_id", json_integer(r->user_id));
        e |= json_object_set_new(o, "instance", json_integer(r->instance));
        e |= json_object_set_new(o, "max_streams", json_integer(r->max_streams));
    }
    e |= set_wire_str(o, "mac", r->mac, sizeof(r->mac));
    e |= set_wire_str(o, "firmware", r->firmware, sizeof(r->firmware));
    e |= set_wire_str(o, "reject_reason", r->reject_text, sizeof(r->reject_text));
    if (r->keepalive)
        e |= json_object_set_new(o, "keepalive", json_integer(r->keepalive));
    if (e) {
        json_decref(o);
        return NULL;
    }
    return o;
}

static void rl_on_event(struct det_ctx *ctx, const struct dis_event *ev, void *priv)
{
    const struct inventory *inv = priv;
    const struct ev_sccp_reg *r = &ev->u.sccp_reg;

    if (ev->type != EV_SCCP_REGISTRATION || r->action >= REG_ACTIONS)
        return;
    bool is_new = r->action == SCCP_REG_REGISTER && inventory_count(inv) > 0 &&
                  !inventory_contains(inv, r->device_name);
    json_t *extra = json_object();
    /* json_object_set_new() releases a NULL or unset value itself */
    if (!extra || json_object_set_new(extra, "sccp", rl_sccp_json(r, is_new)) < 0) {
        json_decref(extra);
        return; /* OOM: the event is lost, as alert_emit loses one */
    }
    event_emit(ctx, ev, "registration", extra);
}

const struct detector registration_log_detector = {
    .name = "registration_log",
    .sid = 0,
    .rev = 0,
    .signature = NULL,
    .category = NULL,
    .severity = 0,
    .events = EV_BIT(EV_SCCP_REGISTRATION),
    .init = rl_init,
    .on_event = rl_on_event,
    .fini = rl_fini,
};
