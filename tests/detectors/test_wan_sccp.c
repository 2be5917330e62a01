/*
 * test_wan_sccp.c - the WAN-side Skinny detector.
 *
 * SCCP message and registration events are built by hand as the SCCP
 * dissector emits them (a message's sender is its actor, a registration's
 * actor is the phone) and fed to the detector; alerts are caught, finished,
 * by the det_ctx sink. networks.lan is the SPEC default (RFC 1918); the WAN
 * phone uses an RFC 5737 documentation address.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "detector.h"
#include "flow.h"
#include "prefix.h"

extern const struct detector wan_sccp_detector;
uint64_t wan_sccp_evictions(const void *priv);

#define DET       wan_sccp_detector
#define SEC       1000000ull
#define T0        (1795000000ull * SEC) /* 2026-11-18T11:06:40Z */
#define CME       "10.10.0.1"
#define WAN_PHONE "198.51.100.77"

struct env {
    struct sensor_config cfg;
    void *priv;
    struct det_ctx dctx;
    struct flow flow;
    json_t *events;
};

static void sink(void *user, json_t *event)
{
    struct env *e = user;
    json_array_append_new(e->events, event);
}

/* lan: NULL-terminated prefixes; NULL = no lan set at all */
static int env_init_rc(struct env *e, const char *const *lan, char *err, size_t errlen)
{
    memset(e, 0, sizeof(*e));
    if (lan) {
        e->cfg.lan = prefix_set_new();
        cr_assert_not_null(e->cfg.lan);
        for (size_t i = 0; lan[i]; i++)
            cr_assert_eq(prefix_set_add(e->cfg.lan, lan[i], err, errlen), 0, "%s", err);
        cr_assert_eq(prefix_set_freeze(e->cfg.lan), 0);
    }
    e->events = json_array();
    e->dctx.cfg = &e->cfg;
    e->dctx.sink = sink;
    e->dctx.user = e;
    return DET.init(&e->cfg, &e->priv, err, errlen);
}

static const char *const RFC1918[] = {"10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", NULL};

static void env_init(struct env *e)
{
    char err[256] = "";
    cr_assert_eq(env_init_rc(e, RFC1918, err, sizeof(err)), 0, "init: %s", err);
    cr_assert_not_null(e->priv);
}

static void env_fini(struct env *e)
{
    DET.fini(e->priv);
    json_decref(e->events);
    prefix_set_free(e->cfg.lan);
}

static void set_flow(struct env *e, uint64_t id, const char *phone, uint16_t cport)
{
    memset(&e->flow, 0, sizeof(e->flow));
    e->flow.flow_id = id;
    cr_assert_eq(tw_addr_parse(phone, &e->flow.cli), 0);
    cr_assert_eq(tw_addr_parse(CME, &e->flow.srv), 0);
    e->flow.cport = cport;
    e->flow.sport = 2000;
    e->flow.proto = 6;
    e->flow.app_proto = "sccp";
}

/* An SCCP message sent in direction dir (0: phone -> CME, 1: CME -> phone). */
static size_t feed_msg(struct env *e, uint32_t id, const char *name, int dir, uint64_t ts)
{
    struct dis_event ev;
    memset(&ev, 0, sizeof(ev));
    ev.type = EV_SCCP_MESSAGE;
    ev.flow = &e->flow;
    ev.actor = EV_ACTOR_SENDER;
    ev.dir = dir;
    ev.ts_us = ts;
    ev.u.sccp_msg.msg_id = id;
    ev.u.sccp_msg.name = name;
    size_t before = json_array_size(e->events);
    DET.on_event(&e->dctx, &ev, e->priv);
    return json_array_size(e->events) - before;
}

static size_t feed_reg(struct env *e, uint8_t action, const char *device, uint64_t ts)
{
    struct dis_event ev;
    memset(&ev, 0, sizeof(ev));
    ev.type = EV_SCCP_REGISTRATION;
    ev.flow = &e->flow;
    ev.actor = EV_ACTOR_CLIENT;
    ev.dir = DIR_TO_SERVER;
    ev.ts_us = ts;
    ev.u.sccp_reg.action = action;
    snprintf(ev.u.sccp_reg.device_name, sizeof(ev.u.sccp_reg.device_name), "%s", device);
    size_t before = json_array_size(e->events);
    DET.on_event(&e->dctx, &ev, e->priv);
    return json_array_size(e->events) - before;
}

static json_t *last(struct env *e)
{
    size_t n = json_array_size(e->events);
    cr_assert(n > 0);
    return json_array_get(e->events, n - 1);
}

static const char *str_at(json_t *o, const char *obj, const char *key)
{
    json_t *v = obj ? json_object_get(json_object_get(o, obj), key) : json_object_get(o, key);
    cr_assert(json_is_string(v), "%s.%s is a string", obj ? obj : "", key);
    return json_string_value(v);
}

static json_int_t int_at(json_t *o, const char *obj, const char *key)
{
    json_t *v = obj ? json_object_get(json_object_get(o, obj), key) : json_object_get(o, key);
    cr_assert(json_is_integer(v), "%s.%s is an integer", obj ? obj : "", key);
    return json_integer_value(v);
}

Test(wan_sccp, registration)
{
    cr_assert_str_eq(DET.name, "wan_sccp");
    cr_assert_eq(DET.sid, 9100002);
    cr_assert_eq(DET.rev, 1);
    cr_assert_eq(DET.severity, 1);
    cr_assert_str_eq(DET.signature, "TOLLWATCH SCCP from outside the LAN (WAN-side Skinny)");
    cr_assert_str_eq(DET.category, "Policy Violation");
    cr_assert(DET.events & EV_BIT(EV_SCCP_MESSAGE));
}

Test(wan_sccp, empty_lan_disables)
{
    struct env e;
    char err[256] = "";
    static const char *const none[] = {NULL};
    cr_assert_eq(env_init_rc(&e, none, err, sizeof(err)), 1);
    cr_assert_str_eq(err, "networks.lan is empty");
    cr_assert_null(e.priv);
    env_fini(&e);
    err[0] = '\0';
    cr_assert_eq(env_init_rc(&e, NULL, err, sizeof(err)), 1);
    cr_assert_str_eq(err, "networks.lan is empty");
    env_fini(&e);
}

Test(wan_sccp, lan_phone_is_quiet)
{
    struct env e;
    env_init(&e);
    set_flow(&e, 1, "10.10.0.21", 50000);
    cr_assert_eq(feed_reg(&e, SCCP_REG_REGISTER, "SEP001122334455", T0), 0);
    cr_assert_eq(feed_msg(&e, 0x0001, "RegisterMessage", DIR_TO_SERVER, T0), 0);
    cr_assert_eq(feed_msg(&e, 0x0081, "RegisterAckMessage", DIR_TO_CLIENT, T0), 0);
    set_flow(&e, 2, "192.168.182.130", 50001);
    cr_assert_eq(feed_msg(&e, 0x0006, "OffHookMessage", DIR_TO_SERVER, T0), 0);
    env_fini(&e);
}

Test(wan_sccp, wan_phone_alerts_once_per_flow)
{
    struct env e;
    env_init(&e);
    set_flow(&e, 4242, WAN_PHONE, 49152);
    cr_assert_eq(feed_reg(&e, SCCP_REG_REGISTER, "SEP0011223344AA", T0 + 7), 1);
    json_t *a = last(&e);
    cr_assert_str_eq(str_at(a, NULL, "event_type"), "alert");
    cr_assert_str_eq(str_at(a, NULL, "timestamp"), "2026-11-18T11:06:40.000007+0000");
    cr_assert_eq(int_at(a, NULL, "flow_id"), 4242);
    cr_assert_str_eq(str_at(a, NULL, "src_ip"), WAN_PHONE);
    cr_assert_eq(int_at(a, NULL, "src_port"), 49152);
    cr_assert_str_eq(str_at(a, NULL, "dest_ip"), CME);
    cr_assert_eq(int_at(a, NULL, "dest_port"), 2000);
    cr_assert_str_eq(str_at(a, NULL, "proto"), "TCP");
    cr_assert_str_eq(str_at(a, "alert", "detector"), "wan_sccp");
    cr_assert_eq(int_at(a, "alert", "signature_id"), 9100002);
    cr_assert_eq(int_at(a, "alert", "severity"), 1);
    cr_assert_str_eq(str_at(a, "alert", "category"), "Policy Violation");
    cr_assert_str_eq(str_at(a, "sccp", "message"), "RegisterMessage");
    cr_assert_str_eq(str_at(a, "sccp", "device_name"), "SEP0011223344AA");

    /* everything else on that connection is the same violation */
    cr_assert_eq(feed_msg(&e, 0x0002, "IpPortMessage", DIR_TO_SERVER, T0 + 8), 0);
    cr_assert_eq(feed_msg(&e, 0x0081, "RegisterAckMessage", DIR_TO_CLIENT, T0 + 9), 0);
    cr_assert_eq(feed_reg(&e, SCCP_REG_ACK, "SEP0011223344AA", T0 + 9), 0);
    cr_assert_eq(feed_msg(&e, 0x0000, "KeepAliveMessage", DIR_TO_SERVER, T0 + 30 * SEC), 0);
    cr_assert_eq(feed_reg(&e, SCCP_REG_UNREGISTER, "SEP0011223344AA", T0 + 60 * SEC), 0);

    /* a new connection from there alerts again */
    set_flow(&e, 4243, WAN_PHONE, 49153);
    cr_assert_eq(feed_msg(&e, 0x0000, "KeepAliveMessage", DIR_TO_SERVER, T0 + 90 * SEC), 1);
    cr_assert_str_eq(str_at(last(&e), "sccp", "message"), "KeepAliveMessage");
    cr_assert_null(json_object_get(json_object_get(last(&e), "sccp"), "device_name"),
                   "no registration seen on this flow");
    env_fini(&e);
}

Test(wan_sccp, register_message_leaves_the_alert_to_its_registration)
{
    struct env e;
    env_init(&e);
    /* the dissector's order: the message event, then the registration event */
    set_flow(&e, 5, WAN_PHONE, 49152);
    cr_assert_eq(feed_msg(&e, 0x0001, "RegisterMessage", DIR_TO_SERVER, T0), 0);
    cr_assert_eq(feed_reg(&e, SCCP_REG_REGISTER, "SEP0011223344AA", T0), 1);
    cr_assert_str_eq(str_at(last(&e), "sccp", "message"), "RegisterMessage");
    cr_assert_str_eq(str_at(last(&e), "sccp", "device_name"), "SEP0011223344AA");
    cr_assert_eq(feed_msg(&e, 0x0081, "RegisterAckMessage", DIR_TO_CLIENT, T0 + 1), 0);
    /* the other order works the same */
    set_flow(&e, 6, WAN_PHONE, 49153);
    cr_assert_eq(feed_reg(&e, SCCP_REG_REGISTER, "SEP0011223344AA", T0 + 2), 1);
    cr_assert_eq(feed_msg(&e, 0x0001, "RegisterMessage", DIR_TO_SERVER, T0 + 2), 0);
    env_fini(&e);
}

Test(wan_sccp, src_is_the_phone_for_a_cme_message)
{
    struct env e;
    env_init(&e);
    set_flow(&e, 7, WAN_PHONE, 49152);
    /* capture starts mid-session: the first message seen comes from the CME */
    cr_assert_eq(feed_msg(&e, 0x0111, "CallStateMessage", DIR_TO_CLIENT, T0), 1);
    json_t *a = last(&e);
    cr_assert_str_eq(str_at(a, NULL, "src_ip"), WAN_PHONE);
    cr_assert_eq(int_at(a, NULL, "src_port"), 49152);
    cr_assert_str_eq(str_at(a, NULL, "dest_ip"), CME);
    cr_assert_eq(int_at(a, NULL, "dest_port"), 2000);
    cr_assert_str_eq(str_at(a, "sccp", "message"), "CallStateMessage");
    cr_assert_eq(feed_msg(&e, 0x0006, "OffHookMessage", DIR_TO_SERVER, T0 + 1), 0);
    env_fini(&e);
}

Test(wan_sccp, device_name_remembered_from_registration)
{
    struct env e;
    env_init(&e);
    set_flow(&e, 8, "203.0.113.9", 49152);
    /* the phone-side name is known before the alert when registration precedes */
    cr_assert_eq(feed_reg(&e, SCCP_REG_ABNORMAL, "SEP00AABBCCDDEE", T0), 1);
    cr_assert_str_eq(str_at(last(&e), "sccp", "device_name"), "SEP00AABBCCDDEE");
    cr_assert_null(json_object_get(json_object_get(last(&e), "sccp"), "message"),
                   "an abnormal end is no message");
    env_fini(&e);
}

Test(wan_sccp, ipv6_phone)
{
    struct env e;
    char err[256] = "";
    static const char *const lan[] = {"10.0.0.0/8", "fd00::/8", NULL};
    cr_assert_eq(env_init_rc(&e, lan, err, sizeof(err)), 0, "%s", err);
    set_flow(&e, 1, "10.1.1.1", 50000);
    cr_assert_eq(tw_addr_parse("fd00::21", &e.flow.cli), 0);
    cr_assert_eq(tw_addr_parse("fd00::1", &e.flow.srv), 0);
    cr_assert_eq(feed_msg(&e, 0, "KeepAliveMessage", DIR_TO_SERVER, T0), 0);
    e.flow.flow_id = 2;
    cr_assert_eq(tw_addr_parse("2001:db8::21", &e.flow.cli), 0);
    cr_assert_eq(feed_msg(&e, 0, "KeepAliveMessage", DIR_TO_SERVER, T0), 1);
    cr_assert_str_eq(str_at(last(&e), NULL, "src_ip"), "2001:db8::21");
    env_fini(&e);
}

Test(wan_sccp, flow_table_is_bounded)
{
    enum { FLOWS = 4096 };
    struct env e;
    env_init(&e);
    for (unsigned i = 0; i <= FLOWS; i++) {
        set_flow(&e, 1000 + i, WAN_PHONE, (uint16_t)(1024 + i));
        cr_assert_eq(feed_msg(&e, 0, "KeepAliveMessage", DIR_TO_SERVER, T0 + i), 1);
    }
    cr_assert_eq(wan_sccp_evictions(e.priv), 1, "the flow seen longest ago made room");
    /* the newest flows are remembered, the evicted one alerts again */
    set_flow(&e, 1000 + FLOWS, WAN_PHONE, 1024 + FLOWS);
    cr_assert_eq(feed_msg(&e, 0, "KeepAliveMessage", DIR_TO_SERVER, T0 + SEC), 0);
    set_flow(&e, 1000, WAN_PHONE, 1024);
    cr_assert_eq(feed_msg(&e, 0, "KeepAliveMessage", DIR_TO_SERVER, T0 + SEC), 1);
    cr_assert_eq(wan_sccp_evictions(e.priv), 2);
    /* LAN flows take no room */
    for (unsigned i = 0; i < 10; i++) {
        set_flow(&e, 9000 + i, "10.0.0.5", (uint16_t)(2000 + i));
        cr_assert_eq(feed_msg(&e, 0, "KeepAliveMessage", DIR_TO_SERVER, T0 + 2 * SEC), 0);
    }
    cr_assert_eq(wan_sccp_evictions(e.priv), 2);
    cr_assert_eq(wan_sccp_evictions(NULL), 0);
    env_fini(&e);
}

Test(wan_sccp, ignores_other_events_and_missing_flow)
{
    struct env e;
    env_init(&e);
    struct dis_event ev;
    memset(&ev, 0, sizeof(ev));
    ev.type = EV_SCCP_MESSAGE;
    ev.ts_us = T0;
    DET.on_event(&e.dctx, &ev, e.priv);
    cr_assert_eq(json_array_size(e.events), 0, "no flow, no phone side to judge");
    set_flow(&e, 1, WAN_PHONE, 50000);
    ev.flow = &e.flow;
    ev.type = EV_CALL_END;
    DET.on_event(&e.dctx, &ev, e.priv);
    cr_assert_eq(json_array_size(e.events), 0);
    ev.type = EV_SCCP_MESSAGE;
    DET.on_event(&e.dctx, &ev, NULL);
    cr_assert_eq(json_array_size(e.events), 0);
    DET.fini(NULL);
    env_fini(&e);
}
