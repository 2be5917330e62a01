/*
 * test_registration_log.c - the "registration" event log of SCCP phones.
 *
 * Registration events are built by hand as the SCCP dissector emits them
 * (actor = the phone, the TCP client) and fed to the detector; the events it
 * emits are caught, finished, by the det_ctx sink. Field values follow the
 * RegisterMessage of sccp_phone_register_sep002155d548ac.pcapng as tshark
 * decodes it (device type 30006 = 7970, protocol 20, station IP 14.50.224.5).
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "detector.h"
#include "flow.h"

extern const struct detector registration_log_detector;

#define DET   registration_log_detector
#define SEC   1000000ull
#define T0    (1795000000ull * SEC) /* 2026-11-18T11:06:40Z */
#define PHONE "10.10.224.5"
#define CME   "10.10.223.10"

struct env {
    struct sensor_config cfg;
    char *names[4];
    void *priv;
    struct det_ctx dctx;
    struct flow flow;
    json_t *events; /* array of what the sink got */
};

static void sink(void *user, json_t *event)
{
    struct env *e = user;
    json_array_append_new(e->events, event);
}

/* inventory: NULL-terminated list of names (may be empty) */
static void env_init(struct env *e, const char *const *inventory)
{
    char err[256] = "";
    memset(e, 0, sizeof(*e));
    size_t n = 0;
    for (; inventory && inventory[n] && n < 4; n++)
        e->names[n] = strdup(inventory[n]);
    e->cfg.inventory = e->names;
    e->cfg.inventory_count = n;
    cr_assert_eq(DET.init(&e->cfg, &e->priv, err, sizeof(err)), 0, "init: %s", err);
    e->events = json_array();
    e->dctx.cfg = &e->cfg;
    e->dctx.sink = sink;
    e->dctx.user = e;

    e->flow.flow_id = 77;
    cr_assert_eq(tw_addr_parse(PHONE, &e->flow.cli), 0);
    cr_assert_eq(tw_addr_parse(CME, &e->flow.srv), 0);
    e->flow.cport = 51373;
    e->flow.sport = 2000;
    e->flow.proto = 6;
    e->flow.app_proto = "sccp";
}

static void env_fini(struct env *e)
{
    if (DET.fini)
        DET.fini(e->priv);
    json_decref(e->events);
    for (size_t i = 0; i < 4; i++)
        free(e->names[i]);
}

/* A registration event of the phone on e->flow, as dis_emit leaves it (actor client). */
static struct dis_event reg_event(struct env *e, uint8_t action, const char *device)
{
    struct dis_event ev;
    memset(&ev, 0, sizeof(ev));
    ev.type = EV_SCCP_REGISTRATION;
    ev.flow = &e->flow;
    ev.actor = EV_ACTOR_CLIENT;
    ev.dir = DIR_TO_SERVER;
    ev.ts_us = T0;
    ev.u.sccp_reg.action = action;
    snprintf(ev.u.sccp_reg.device_name, sizeof(ev.u.sccp_reg.device_name), "%s", device);
    return ev;
}

static void fill_register(struct dis_event *ev)
{
    struct ev_sccp_reg *r = &ev->u.sccp_reg;
    r->has_register = true;
    r->device_type = 30006;
    cr_assert_eq(tw_addr_parse("14.50.224.5", &r->station_ip), 0);
    r->max_streams = 5;
    r->has_protocol_version = true;
    r->protocol_version = 20;
    snprintf(r->mac, sizeof(r->mac), "002155D548AC");
    snprintf(r->firmware, sizeof(r->firmware), "SCCP70.9-2-3S");
}

static size_t feed(struct env *e, const struct dis_event *ev)
{
    size_t before = json_array_size(e->events);
    DET.on_event(&e->dctx, ev, e->priv);
    return json_array_size(e->events) - before;
}

static json_t *last(struct env *e)
{
    size_t n = json_array_size(e->events);
    cr_assert(n > 0);
    return json_array_get(e->events, n - 1);
}

static json_t *sccp_of(json_t *ev)
{
    json_t *s = json_object_get(ev, "sccp");
    cr_assert(json_is_object(s), "an sccp object");
    return s;
}

static const char *str_of(json_t *o, const char *key)
{
    json_t *v = json_object_get(o, key);
    cr_assert(json_is_string(v), "%s is a string", key);
    return json_string_value(v);
}

static json_int_t int_of(json_t *o, const char *key)
{
    json_t *v = json_object_get(o, key);
    cr_assert(json_is_integer(v), "%s is an integer", key);
    return json_integer_value(v);
}

Test(registration_log, registration)
{
    cr_assert_str_eq(DET.name, "registration_log");
    cr_assert_eq(DET.sid, 0, "not an alert");
    cr_assert_eq(DET.severity, 0);
    cr_assert_eq(DET.events, EV_BIT(EV_SCCP_REGISTRATION));
}

Test(registration_log, register_with_every_field)
{
    struct env e;
    env_init(&e, NULL);
    struct dis_event ev = reg_event(&e, SCCP_REG_REGISTER, "SEP002155D548AC");
    fill_register(&ev);
    ev.u.sccp_reg.user_id = 3;
    ev.u.sccp_reg.instance = 1;
    ev.ts_us = T0 + 250000;
    cr_assert_eq(feed(&e, &ev), 1);
    json_t *o = last(&e);
    cr_assert_str_eq(str_of(o, "event_type"), "registration");
    cr_assert_null(json_object_get(o, "alert"));
    cr_assert_str_eq(str_of(o, "timestamp"), "2026-11-18T11:06:40.250000+0000");
    cr_assert_eq(int_of(o, "flow_id"), 77);
    cr_assert_str_eq(str_of(o, "src_ip"), PHONE);
    cr_assert_eq(int_of(o, "src_port"), 51373);
    cr_assert_str_eq(str_of(o, "dest_ip"), CME);
    cr_assert_eq(int_of(o, "dest_port"), 2000);
    cr_assert_str_eq(str_of(o, "proto"), "TCP");
    cr_assert_str_eq(str_of(o, "app_proto"), "sccp");
    json_t *s = sccp_of(o);
    cr_assert_str_eq(str_of(s, "action"), "register", "empty inventory: never register_new");
    cr_assert_str_eq(str_of(s, "message"), "RegisterMessage");
    cr_assert_str_eq(str_of(s, "device_name"), "SEP002155D548AC");
    cr_assert_eq(int_of(s, "device_type"), 30006);
    cr_assert_str_eq(str_of(s, "station_ip"), "14.50.224.5");
    cr_assert_eq(int_of(s, "protocol_version"), 20);
    cr_assert_eq(int_of(s, "user_id"), 3);
    cr_assert_eq(int_of(s, "instance"), 1);
    cr_assert_eq(int_of(s, "max_streams"), 5);
    cr_assert_str_eq(str_of(s, "mac"), "002155D548AC");
    cr_assert_str_eq(str_of(s, "firmware"), "SCCP70.9-2-3S");
    cr_assert_null(json_object_get(s, "reject_reason"));
    cr_assert_null(json_object_get(s, "keepalive"));
    /* key order: action and message lead */
    const char *first = json_object_iter_key(json_object_iter(s));
    cr_assert_str_eq(first, "action");
    env_fini(&e);
}

Test(registration_log, register_new_only_with_an_inventory)
{
    static const char *const inv[] = {"SEP001122334455", "0011.2233.44aa", NULL};
    struct env e;
    env_init(&e, inv);
    struct dis_event ev = reg_event(&e, SCCP_REG_REGISTER, "SEP002155D548AC");
    fill_register(&ev);
    cr_assert_eq(feed(&e, &ev), 1);
    cr_assert_str_eq(str_of(sccp_of(last(&e)), "action"), "register_new");
    cr_assert_str_eq(str_of(sccp_of(last(&e)), "message"), "RegisterMessage");

    ev = reg_event(&e, SCCP_REG_REGISTER, "SEP001122334455");
    cr_assert_eq(feed(&e, &ev), 1);
    cr_assert_str_eq(str_of(sccp_of(last(&e)), "action"), "register");

    /* the ack of an unknown device is an ordinary ack */
    ev = reg_event(&e, SCCP_REG_ACK, "SEP002155D548AC");
    cr_assert_eq(feed(&e, &ev), 1);
    cr_assert_str_eq(str_of(sccp_of(last(&e)), "action"), "register_ack");
    env_fini(&e);
}

Test(registration_log, ack_reject_unregister_abnormal)
{
    struct env e;
    env_init(&e, NULL);

    struct dis_event ev = reg_event(&e, SCCP_REG_ACK, "SEP002155D548AC");
    ev.u.sccp_reg.keepalive = 30;
    cr_assert_eq(feed(&e, &ev), 1);
    json_t *s = sccp_of(last(&e));
    cr_assert_str_eq(str_of(s, "action"), "register_ack");
    cr_assert_str_eq(str_of(s, "message"), "RegisterAckMessage");
    cr_assert_str_eq(str_of(s, "device_name"), "SEP002155D548AC");
    cr_assert_eq(int_of(s, "keepalive"), 30);
    cr_assert_null(json_object_get(s, "device_type"), "no Register seen: no Register fields");
    cr_assert_null(json_object_get(s, "station_ip"));
    cr_assert_null(json_object_get(s, "protocol_version"));
    cr_assert_null(json_object_get(s, "mac"));
    cr_assert_str_eq(str_of(last(&e), "src_ip"), PHONE, "the phone, though the CME sent it");

    ev = reg_event(&e, SCCP_REG_REJECT, "SEP002155D548AC");
    snprintf(ev.u.sccp_reg.reject_text, sizeof(ev.u.sccp_reg.reject_text), "Unknown Device");
    cr_assert_eq(feed(&e, &ev), 1);
    s = sccp_of(last(&e));
    cr_assert_str_eq(str_of(s, "action"), "register_reject");
    cr_assert_str_eq(str_of(s, "message"), "RegisterRejectMessage");
    cr_assert_str_eq(str_of(s, "reject_reason"), "Unknown Device");

    ev = reg_event(&e, SCCP_REG_UNREGISTER, "SEP002155D548AC");
    cr_assert_eq(feed(&e, &ev), 1);
    s = sccp_of(last(&e));
    cr_assert_str_eq(str_of(s, "action"), "unregister");
    cr_assert_str_eq(str_of(s, "message"), "UnregisterMessage");

    ev = reg_event(&e, SCCP_REG_ABNORMAL, "SEP002155D548AC");
    ev.ts_us = T0 + 90 * SEC;
    cr_assert_eq(feed(&e, &ev), 1);
    s = sccp_of(last(&e));
    cr_assert_str_eq(str_of(s, "action"), "unregister_abnormal");
    cr_assert_null(json_object_get(s, "message"), "no message ended it");
    cr_assert_str_eq(str_of(s, "device_name"), "SEP002155D548AC");
    cr_assert_str_eq(str_of(last(&e), "timestamp"), "2026-11-18T11:08:10.000000+0000");
    env_fini(&e);
}

Test(registration_log, orientation_follows_the_actor)
{
    /* a flow picked up the wrong way round: the phone is the flow's server */
    struct env e;
    env_init(&e, NULL);
    struct flow f = e.flow;
    e.flow.cli = f.srv;
    e.flow.srv = f.cli;
    e.flow.cport = 2000;
    e.flow.sport = 51373;
    struct dis_event ev = reg_event(&e, SCCP_REG_REGISTER, "SEP002155D548AC");
    ev.actor = EV_ACTOR_SERVER;
    ev.dir = DIR_TO_CLIENT;
    cr_assert_eq(feed(&e, &ev), 1);
    cr_assert_str_eq(str_of(last(&e), "src_ip"), PHONE);
    cr_assert_eq(int_of(last(&e), "src_port"), 51373);
    env_fini(&e);
}

Test(registration_log, odd_values)
{
    struct env e;
    env_init(&e, NULL);
    /* no device name (a Register cut short), a name with a non-UTF-8 byte */
    struct dis_event ev = reg_event(&e, SCCP_REG_ABNORMAL, "");
    cr_assert_eq(feed(&e, &ev), 1);
    cr_assert_null(json_object_get(sccp_of(last(&e)), "device_name"));

    ev = reg_event(&e, SCCP_REG_REGISTER, "SEP\xff");
    cr_assert_eq(feed(&e, &ev), 1);
    cr_assert_str_eq(str_of(sccp_of(last(&e)), "device_name"), "SEP\\xff");

    /* an IPv6 station address */
    ev = reg_event(&e, SCCP_REG_REGISTER, "SEP001122334455");
    ev.u.sccp_reg.has_register = true;
    cr_assert_eq(tw_addr_parse("2001:db8::21", &ev.u.sccp_reg.station_ip), 0);
    cr_assert_eq(feed(&e, &ev), 1);
    cr_assert_str_eq(str_of(sccp_of(last(&e)), "station_ip"), "2001:db8::21");

    /* unknown actions and other event types are ignored */
    ev = reg_event(&e, 17, "SEP001122334455");
    cr_assert_eq(feed(&e, &ev), 0);
    ev.type = EV_SCCP_MESSAGE;
    cr_assert_eq(feed(&e, &ev), 0);
    env_fini(&e);
}
