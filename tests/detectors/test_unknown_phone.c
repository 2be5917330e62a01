/*
 * test_unknown_phone.c - the unknown IP phone detector.
 *
 * Registration events are built by hand as the SCCP dissector emits them
 * (actor = the phone) and fed to the detector; alerts are caught, finished,
 * by the det_ctx sink. The phone of sccp_phone_register_sep002155d548ac.pcapng
 * (10.10.224.5, SEP002155D548AC, 7970, station IP 14.50.224.5) is the model.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "detector.h"
#include "flow.h"

extern const struct detector unknown_phone_detector;
uint64_t unknown_phone_evictions(const void *priv);

#define DET   unknown_phone_detector
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
    json_t *events;
};

static void sink(void *user, json_t *event)
{
    struct env *e = user;
    json_array_append_new(e->events, event);
}

static int env_init_rc(struct env *e, const char *const *inventory, char *err, size_t errlen)
{
    memset(e, 0, sizeof(*e));
    size_t n = 0;
    for (; inventory && inventory[n] && n < 4; n++)
        e->names[n] = strdup(inventory[n]);
    e->cfg.inventory = e->names;
    e->cfg.inventory_count = n;
    e->events = json_array();
    e->dctx.cfg = &e->cfg;
    e->dctx.sink = sink;
    e->dctx.user = e;
    return DET.init(&e->cfg, &e->priv, err, errlen);
}

static const char *const INV[] = {"SEP001122334455", "0011.2233.44AA", NULL};

static void env_init(struct env *e)
{
    char err[256] = "";
    cr_assert_eq(env_init_rc(e, INV, err, sizeof(err)), 0, "init: %s", err);
    cr_assert_not_null(e->priv);
}

static void env_fini(struct env *e)
{
    DET.fini(e->priv);
    json_decref(e->events);
    for (size_t i = 0; i < 4; i++)
        free(e->names[i]);
}

/* The phone (client) at cli:cport talking to the CME at port 2000. */
static void set_flow(struct env *e, uint64_t id, const char *cli, uint16_t cport)
{
    memset(&e->flow, 0, sizeof(e->flow));
    e->flow.flow_id = id;
    cr_assert_eq(tw_addr_parse(cli, &e->flow.cli), 0);
    cr_assert_eq(tw_addr_parse(CME, &e->flow.srv), 0);
    e->flow.cport = cport;
    e->flow.sport = 2000;
    e->flow.proto = 6;
    e->flow.app_proto = "sccp";
}

static size_t feed(struct env *e, uint8_t action, const char *device, uint64_t ts)
{
    struct dis_event ev;
    memset(&ev, 0, sizeof(ev));
    ev.type = EV_SCCP_REGISTRATION;
    ev.flow = &e->flow;
    ev.actor = EV_ACTOR_CLIENT;
    ev.dir = DIR_TO_SERVER;
    ev.ts_us = ts;
    struct ev_sccp_reg *r = &ev.u.sccp_reg;
    r->action = action;
    snprintf(r->device_name, sizeof(r->device_name), "%s", device);
    if (action == SCCP_REG_REGISTER) {
        r->has_register = true;
        r->device_type = 30006;
        cr_assert_eq(tw_addr_parse("14.50.224.5", &r->station_ip), 0);
        r->max_streams = 5;
        r->has_protocol_version = true;
        r->protocol_version = 20;
    }
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

Test(unknown_phone, registration)
{
    cr_assert_str_eq(DET.name, "unknown_phone");
    cr_assert_eq(DET.sid, 9100001);
    cr_assert_eq(DET.rev, 1);
    cr_assert_eq(DET.severity, 2);
    cr_assert_str_eq(DET.signature, "TOLLWATCH unknown IP phone registered");
    cr_assert_str_eq(DET.category, "Rogue Device");
    cr_assert_eq(DET.events, EV_BIT(EV_SCCP_REGISTRATION));
}

Test(unknown_phone, empty_inventory_disables)
{
    struct env e;
    char err[256] = "";
    cr_assert_eq(env_init_rc(&e, NULL, err, sizeof(err)), 1);
    cr_assert_str_eq(err, "the phone inventory is empty");
    cr_assert_null(e.priv);
    env_fini(&e);
    /* a config that does not exist at all is an empty inventory too */
    void *priv = NULL;
    cr_assert_eq(DET.init(NULL, &priv, err, sizeof(err)), 1);
    cr_assert_null(priv);
}

Test(unknown_phone, unknown_device_alerts)
{
    struct env e;
    env_init(&e);
    set_flow(&e, 4242, PHONE, 51373);
    cr_assert_eq(feed(&e, SCCP_REG_REGISTER, "SEP002155D548AC", T0 + 500), 1);
    json_t *a = last(&e);
    cr_assert_str_eq(str_at(a, NULL, "event_type"), "alert");
    cr_assert_str_eq(str_at(a, NULL, "timestamp"), "2026-11-18T11:06:40.000500+0000");
    cr_assert_eq(int_at(a, NULL, "flow_id"), 4242);
    cr_assert_str_eq(str_at(a, NULL, "src_ip"), PHONE, "the TCP peer, not the station IP");
    cr_assert_eq(int_at(a, NULL, "src_port"), 51373);
    cr_assert_str_eq(str_at(a, NULL, "dest_ip"), CME);
    cr_assert_eq(int_at(a, NULL, "dest_port"), 2000);
    cr_assert_str_eq(str_at(a, NULL, "app_proto"), "sccp");
    cr_assert_str_eq(str_at(a, "alert", "action"), "allowed");
    cr_assert_eq(int_at(a, "alert", "gid"), 1);
    cr_assert_eq(int_at(a, "alert", "signature_id"), 9100001);
    cr_assert_eq(int_at(a, "alert", "rev"), 1);
    cr_assert_eq(int_at(a, "alert", "severity"), 2);
    cr_assert_str_eq(str_at(a, "alert", "signature"), "TOLLWATCH unknown IP phone registered");
    cr_assert_str_eq(str_at(a, "alert", "category"), "Rogue Device");
    cr_assert_str_eq(str_at(a, "alert", "detector"), "unknown_phone");
    cr_assert_str_eq(str_at(a, "sccp", "message"), "RegisterMessage");
    cr_assert_str_eq(str_at(a, "sccp", "device_name"), "SEP002155D548AC");
    cr_assert_eq(int_at(a, "sccp", "device_type"), 30006);
    cr_assert_str_eq(str_at(a, "sccp", "station_ip"), "14.50.224.5");
    cr_assert_eq(int_at(a, "sccp", "protocol_version"), 20);
    env_fini(&e);
}

Test(unknown_phone, known_devices_are_quiet)
{
    struct env e;
    env_init(&e);
    set_flow(&e, 1, "10.10.0.21", 50000);
    cr_assert_eq(feed(&e, SCCP_REG_REGISTER, "SEP001122334455", T0), 0);
    cr_assert_eq(feed(&e, SCCP_REG_REGISTER, "sep001122334455", T0), 0, "any case");
    cr_assert_eq(feed(&e, SCCP_REG_REGISTER, "SEP0011223344AA", T0), 0, "listed as a MAC");
    env_fini(&e);
}

Test(unknown_phone, only_register_messages)
{
    struct env e;
    env_init(&e);
    set_flow(&e, 1, PHONE, 50000);
    cr_assert_eq(feed(&e, SCCP_REG_ACK, "SEP002155D548AC", T0), 0);
    cr_assert_eq(feed(&e, SCCP_REG_REJECT, "SEP002155D548AC", T0), 0);
    cr_assert_eq(feed(&e, SCCP_REG_UNREGISTER, "SEP002155D548AC", T0), 0);
    cr_assert_eq(feed(&e, SCCP_REG_ABNORMAL, "SEP002155D548AC", T0), 0);
    cr_assert_eq(feed(&e, SCCP_REG_REGISTER, "SEP002155D548AC", T0), 1);
    env_fini(&e);
}

Test(unknown_phone, reregistration_flood_is_one_alert_per_300s)
{
    struct env e;
    env_init(&e);
    /* rejected, the phone comes back every 10 s on a new connection */
    for (unsigned i = 0; i < 30; i++) {
        set_flow(&e, 100 + i, PHONE, (uint16_t)(50000 + i));
        cr_assert_eq(feed(&e, SCCP_REG_REGISTER, "SEP002155D548AC", T0 + i * 10 * SEC),
                     i == 0 ? 1u : 0u, "attempt %u", i);
    }
    set_flow(&e, 200, PHONE, 50100);
    cr_assert_eq(feed(&e, SCCP_REG_REGISTER, "SEP002155D548AC", T0 + 300 * SEC - 1), 0);
    cr_assert_eq(feed(&e, SCCP_REG_REGISTER, "SEP002155D548AC", T0 + 300 * SEC), 1,
                 "the window ended");
    cr_assert_eq(feed(&e, SCCP_REG_REGISTER, "SEP002155D548AC", T0 + 400 * SEC), 0,
                 "a new window from the last alert");
    /* another device from the same phone address, the same device elsewhere: new keys */
    cr_assert_eq(feed(&e, SCCP_REG_REGISTER, "SEP002155D548AD", T0 + 401 * SEC), 1);
    set_flow(&e, 201, "10.10.224.6", 50101);
    cr_assert_eq(feed(&e, SCCP_REG_REGISTER, "SEP002155D548AC", T0 + 402 * SEC), 1);
    env_fini(&e);
}

Test(unknown_phone, time_going_back_across_files)
{
    struct env e;
    env_init(&e);
    set_flow(&e, 1, PHONE, 50000);
    cr_assert_eq(feed(&e, SCCP_REG_REGISTER, "SEP002155D548AC", T0 + 1000 * SEC), 1);
    cr_assert_eq(feed(&e, SCCP_REG_REGISTER, "SEP002155D548AC", T0 + 900 * SEC), 0);
    cr_assert_eq(feed(&e, SCCP_REG_REGISTER, "SEP002155D548AC", T0), 1);
    env_fini(&e);
}

Test(unknown_phone, src_is_the_actor)
{
    /* a connection picked up mid-stream the wrong way round: the phone is the flow's server */
    struct env e;
    env_init(&e);
    set_flow(&e, 9, CME, 2000);
    cr_assert_eq(tw_addr_parse(PHONE, &e.flow.srv), 0);
    e.flow.sport = 51373;
    struct dis_event ev;
    memset(&ev, 0, sizeof(ev));
    ev.type = EV_SCCP_REGISTRATION;
    ev.flow = &e.flow;
    ev.actor = EV_ACTOR_SERVER;
    ev.dir = DIR_TO_CLIENT;
    ev.ts_us = T0;
    ev.u.sccp_reg.action = SCCP_REG_REGISTER;
    snprintf(ev.u.sccp_reg.device_name, sizeof(ev.u.sccp_reg.device_name), "SEPBAD000BAD00");
    DET.on_event(&e.dctx, &ev, e.priv);
    cr_assert_eq(json_array_size(e.events), 1);
    cr_assert_str_eq(str_at(last(&e), NULL, "src_ip"), PHONE);
    cr_assert_eq(int_at(last(&e), NULL, "src_port"), 51373);
    cr_assert_null(json_object_get(json_object_get(last(&e), "sccp"), "device_type"),
                   "no Register fields known: none written");
    /* and the dedup key is that phone */
    set_flow(&e, 10, PHONE, 51374);
    cr_assert_eq(feed(&e, SCCP_REG_REGISTER, "SEPBAD000BAD00", T0 + SEC), 0);
    env_fini(&e);
}

Test(unknown_phone, dedup_table_is_bounded)
{
    enum { KEYS = 4096 };
    struct env e;
    env_init(&e);
    set_flow(&e, 1, PHONE, 50000);
    char name[17];
    for (unsigned i = 0; i <= KEYS; i++) {
        snprintf(name, sizeof(name), "SEPFF%010X", i);
        cr_assert_eq(feed(&e, SCCP_REG_REGISTER, name, T0 + i), 1);
    }
    cr_assert_eq(unknown_phone_evictions(e.priv), 1, "the oldest key made room");
    cr_assert_eq(feed(&e, SCCP_REG_REGISTER, "SEPFF0000000000", T0 + SEC), 1, "evicted: again");
    cr_assert_eq(feed(&e, SCCP_REG_REGISTER, "SEPFF0000001000", T0 + SEC), 0, "remembered");
    cr_assert_eq(unknown_phone_evictions(e.priv), 2);
    /* after the window old keys expire instead of being evicted */
    cr_assert_eq(feed(&e, SCCP_REG_REGISTER, "SEPEE0000000000", T0 + 1000 * SEC), 1);
    cr_assert_eq(unknown_phone_evictions(e.priv), 2);
    cr_assert_eq(unknown_phone_evictions(NULL), 0);
    env_fini(&e);
}

Test(unknown_phone, missing_flow_and_other_events)
{
    struct env e;
    env_init(&e);
    struct dis_event ev;
    memset(&ev, 0, sizeof(ev));
    ev.type = EV_SCCP_REGISTRATION;
    ev.ts_us = T0;
    snprintf(ev.u.sccp_reg.device_name, sizeof(ev.u.sccp_reg.device_name), "SEP002155D548AC");
    DET.on_event(&e.dctx, &ev, e.priv);
    cr_assert_eq(json_array_size(e.events), 1, "no flow: still an alert");
    DET.on_event(&e.dctx, &ev, e.priv);
    cr_assert_eq(json_array_size(e.events), 1);
    ev.type = EV_SCCP_MESSAGE;
    ev.u.sccp_msg.msg_id = 1;
    DET.on_event(&e.dctx, &ev, e.priv);
    cr_assert_eq(json_array_size(e.events), 1);
    DET.on_event(&e.dctx, &ev, NULL);
    DET.fini(NULL);
    env_fini(&e);
}
