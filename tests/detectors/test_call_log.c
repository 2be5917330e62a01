/*
 * test_call_log.c - the "call" event log and the EVE call object it carries
 * (src/callrec.c).
 *
 * Call records are built by hand as the SCCP and H.225 dissectors emit them
 * (EV_CALL_END, actor = the endpoint) and fed to the detector; events are
 * caught, finished, by the det_ctx sink. The SCCP call is the sample's
 * dialled call (samples/gen_samples.py): phone 10.10.0.21 dials
 * 90118765550123 from extension 2001.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "callrec.h"
#include "config.h"
#include "detector.h"
#include "dissector.h"
#include "flow.h"

extern const struct detector call_log_detector;

#define DET   call_log_detector
#define SEC   1000000ull
#define T0    (1795000000ull * SEC) /* 2026-11-18T11:06:40Z */
#define PHONE "10.10.0.21"
#define CME   "10.10.0.1"

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

static void env_init(struct env *e)
{
    char err[256] = "";
    memset(e, 0, sizeof(*e));
    if (DET.init)
        cr_assert_eq(DET.init(&e->cfg, &e->priv, err, sizeof(err)), 0, "%s", err);
    e->events = json_array();
    e->dctx.cfg = &e->cfg;
    e->dctx.sink = sink;
    e->dctx.user = e;
    e->flow.flow_id = 31337;
    cr_assert_eq(tw_addr_parse(PHONE, &e->flow.cli), 0);
    cr_assert_eq(tw_addr_parse(CME, &e->flow.srv), 0);
    e->flow.cport = 50021;
    e->flow.sport = 2000;
    e->flow.proto = 6;
    e->flow.app_proto = "sccp";
}

static void env_fini(struct env *e)
{
    if (DET.fini)
        DET.fini(e->priv);
    json_decref(e->events);
}

static struct ev_call sample_call(void)
{
    struct ev_call c;
    memset(&c, 0, sizeof(c));
    c.protocol = "sccp";
    snprintf(c.called, sizeof(c.called), "90118765550123");
    snprintf(c.calling, sizeof(c.calling), "2001");
    snprintf(c.device_name, sizeof(c.device_name), "SEP001122334455");
    c.call_ref = 16777217;
    c.direction = CALL_DIR_OUTBOUND;
    c.number_source = CALL_SRC_DIGITS;
    c.start_us = T0 + 2 * SEC;
    c.answer_us = T0 + 9 * SEC + 500000;
    c.end_us = T0 + 47 * SEC + 499999;
    return c;
}

static size_t feed(struct env *e, const struct ev_call *c, int actor, int dir, uint64_t ts)
{
    struct dis_event ev;
    memset(&ev, 0, sizeof(ev));
    ev.type = EV_CALL_END;
    ev.flow = &e->flow;
    ev.actor = (uint8_t)actor;
    ev.dir = dir;
    ev.ts_us = ts;
    ev.u.call = *c;
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

/* ---- callrec ---- */

Test(callrec, every_key_in_order)
{
    struct ev_call c = sample_call();
    snprintf(c.called_name, sizeof(c.called_name), "Kingston");
    snprintf(c.calling_name, sizeof(c.calling_name), "Lobby");
    json_t *o = callrec_json(&c);
    cr_assert_not_null(o);
    static const char *const keys[] = {
        "protocol",    "called_number", "calling_number", "called_name", "calling_name",
        "device_name", "direction",     "number_source",  "call_ref",    "start",
        "answer",      "end",           "duration"};
    size_t i = 0;
    for (void *it = json_object_iter(o); it; it = json_object_iter_next(o, it), i++) {
        cr_assert(i < sizeof(keys) / sizeof(keys[0]));
        cr_assert_str_eq(json_object_iter_key(it), keys[i]);
    }
    cr_assert_eq(i, sizeof(keys) / sizeof(keys[0]));
    cr_assert_str_eq(str_at(o, NULL, "protocol"), "sccp");
    cr_assert_str_eq(str_at(o, NULL, "called_number"), "90118765550123");
    cr_assert_str_eq(str_at(o, NULL, "calling_number"), "2001");
    cr_assert_str_eq(str_at(o, NULL, "called_name"), "Kingston");
    cr_assert_str_eq(str_at(o, NULL, "calling_name"), "Lobby");
    cr_assert_str_eq(str_at(o, NULL, "device_name"), "SEP001122334455");
    cr_assert_str_eq(str_at(o, NULL, "direction"), "outbound");
    cr_assert_str_eq(str_at(o, NULL, "number_source"), "digits");
    cr_assert_eq(int_at(o, NULL, "call_ref"), 16777217);
    cr_assert_str_eq(str_at(o, NULL, "start"), "2026-11-18T11:06:42.000000+0000");
    cr_assert_str_eq(str_at(o, NULL, "answer"), "2026-11-18T11:06:49.500000+0000");
    cr_assert_str_eq(str_at(o, NULL, "end"), "2026-11-18T11:07:27.499999+0000");
    cr_assert_eq(int_at(o, NULL, "duration"), 37, "37.999999 s of talk, whole seconds");
    json_decref(o);
}

Test(callrec, absent_values_left_out)
{
    struct ev_call c;
    memset(&c, 0, sizeof(c));
    json_t *o = callrec_json(&c);
    cr_assert_not_null(o);
    cr_assert_eq(json_object_size(o), 0, "nothing known, nothing written");
    json_decref(o);

    /* an unanswered call: no answer, no duration */
    c = sample_call();
    c.answer_us = 0;
    c.direction = CALL_DIR_UNKNOWN;
    c.number_source = CALL_SRC_UNKNOWN;
    c.call_ref = 0;
    c.device_name[0] = '\0';
    o = callrec_json(&c);
    cr_assert_null(json_object_get(o, "answer"));
    cr_assert_null(json_object_get(o, "duration"));
    cr_assert_null(json_object_get(o, "direction"));
    cr_assert_null(json_object_get(o, "number_source"));
    cr_assert_null(json_object_get(o, "call_ref"));
    cr_assert_null(json_object_get(o, "device_name"));
    cr_assert_null(json_object_get(o, "called_name"));
    cr_assert_not_null(json_object_get(o, "start"));
    cr_assert_not_null(json_object_get(o, "end"));
    json_decref(o);

    /* answered, never ended (flow cut): no duration either */
    c = sample_call();
    c.end_us = 0;
    o = callrec_json(&c);
    cr_assert_null(json_object_get(o, "end"));
    cr_assert_null(json_object_get(o, "duration"));
    json_decref(o);
}

Test(callrec, values)
{
    static const struct {
        uint8_t v;
        const char *name;
    } srcs[] = {{CALL_SRC_DIGITS, "digits"},
                {CALL_SRC_ENBLOC, "enbloc"},
                {CALL_SRC_DIALED, "dialed"},
                {CALL_SRC_CALLINFO, "callinfo"},
                {CALL_SRC_SETUP, "setup"}};
    struct ev_call c = sample_call();
    for (size_t i = 0; i < sizeof(srcs) / sizeof(srcs[0]); i++) {
        c.number_source = srcs[i].v;
        json_t *o = callrec_json(&c);
        cr_assert_str_eq(str_at(o, NULL, "number_source"), srcs[i].name);
        json_decref(o);
    }
    c.direction = CALL_DIR_INBOUND;
    c.protocol = "h225";
    c.number_source = 99;
    json_t *o = callrec_json(&c);
    cr_assert_str_eq(str_at(o, NULL, "direction"), "inbound");
    cr_assert_str_eq(str_at(o, NULL, "protocol"), "h225");
    cr_assert_null(json_object_get(o, "number_source"), "an unknown source is left out");
    json_decref(o);

    /* wire bytes that are not UTF-8 are escaped, not dropped */
    snprintf(c.calling_name, sizeof(c.calling_name), "Caf\xe9");
    snprintf(c.called, sizeof(c.called), "9011#*");
    o = callrec_json(&c);
    cr_assert_str_eq(str_at(o, NULL, "calling_name"), "Caf\\xe9");
    cr_assert_str_eq(str_at(o, NULL, "called_number"), "9011#*");
    json_decref(o);

    /* a full-length number (no NUL inside the array) stays in bounds */
    memset(c.called, '7', sizeof(c.called));
    o = callrec_json(&c);
    cr_assert_eq(strlen(str_at(o, NULL, "called_number")), sizeof(c.called));
    json_decref(o);
}

/* ---- call_log ---- */

Test(call_log, registration)
{
    cr_assert_str_eq(DET.name, "call_log");
    cr_assert_eq(DET.sid, 0, "not an alert");
    cr_assert_eq(DET.events, EV_BIT(EV_CALL_END));
}

Test(call_log, sccp_call_event)
{
    struct env e;
    env_init(&e);
    struct ev_call c = sample_call();
    cr_assert_eq(feed(&e, &c, EV_ACTOR_CLIENT, DIR_TO_SERVER, c.end_us), 1);
    json_t *o = last(&e);
    cr_assert_str_eq(str_at(o, NULL, "event_type"), "call");
    cr_assert_null(json_object_get(o, "alert"));
    cr_assert_str_eq(str_at(o, NULL, "timestamp"), "2026-11-18T11:07:27.499999+0000");
    cr_assert_eq(int_at(o, NULL, "flow_id"), 31337);
    cr_assert_str_eq(str_at(o, NULL, "src_ip"), PHONE);
    cr_assert_eq(int_at(o, NULL, "src_port"), 50021);
    cr_assert_str_eq(str_at(o, NULL, "dest_ip"), CME);
    cr_assert_eq(int_at(o, NULL, "dest_port"), 2000);
    cr_assert_str_eq(str_at(o, NULL, "app_proto"), "sccp");
    cr_assert_str_eq(str_at(o, "call", "protocol"), "sccp");
    cr_assert_str_eq(str_at(o, "call", "called_number"), "90118765550123");
    cr_assert_str_eq(str_at(o, "call", "calling_number"), "2001");
    cr_assert_str_eq(str_at(o, "call", "direction"), "outbound");
    cr_assert_eq(int_at(o, "call", "duration"), 37);
    cr_assert_str_eq(str_at(o, "sccp", "device_name"), "SEP001122334455");
    env_fini(&e);
}

Test(call_log, src_is_the_endpoint)
{
    /* the record completed on a CME -> phone message (CallState OnHook): src is still the phone */
    struct env e;
    env_init(&e);
    struct ev_call c = sample_call();
    struct dis_event ev;
    memset(&ev, 0, sizeof(ev));
    ev.type = EV_CALL_END;
    ev.actor = EV_ACTOR_CLIENT;
    ev.u.call = c;
    struct dis_ctx dctx = {.flow = &e.flow, .dir = DIR_TO_CLIENT, .ts_us = c.end_us};
    /* dis_emit orients by the actor; without a worker or emit hook it only fills the event */
    dis_emit(&dctx, &ev);
    cr_assert_eq(ev.dir, DIR_TO_SERVER);
    DET.on_event(&e.dctx, &ev, e.priv);
    cr_assert_eq(json_array_size(e.events), 1);
    cr_assert_str_eq(str_at(last(&e), NULL, "src_ip"), PHONE);
    cr_assert_str_eq(str_at(last(&e), NULL, "dest_ip"), CME);
    env_fini(&e);
}

Test(call_log, h225_call_has_no_sccp_object)
{
    struct env e;
    env_init(&e);
    e.flow.app_proto = "h225";
    e.flow.sport = 1720;
    struct ev_call c = sample_call();
    c.protocol = "h225";
    c.number_source = CALL_SRC_SETUP;
    /* an H.225 endpoint that is the flow's server sent the Setup */
    cr_assert_eq(feed(&e, &c, EV_ACTOR_SERVER, DIR_TO_CLIENT, c.end_us), 1);
    json_t *o = last(&e);
    cr_assert_null(json_object_get(o, "sccp"));
    cr_assert_str_eq(str_at(o, "call", "protocol"), "h225");
    cr_assert_str_eq(str_at(o, "call", "number_source"), "setup");
    cr_assert_str_eq(str_at(o, NULL, "src_ip"), CME, "the event's orientation is kept");
    env_fini(&e);
}

Test(call_log, sccp_call_without_device)
{
    struct env e;
    env_init(&e);
    struct ev_call c = sample_call();
    c.device_name[0] = '\0';
    cr_assert_eq(feed(&e, &c, EV_ACTOR_CLIENT, DIR_TO_SERVER, c.end_us), 1);
    cr_assert_null(json_object_get(last(&e), "sccp"));
    cr_assert_null(json_object_get(json_object_get(last(&e), "call"), "device_name"));
    env_fini(&e);
}

Test(call_log, only_call_end)
{
    struct env e;
    env_init(&e);
    struct ev_call c = sample_call();
    struct dis_event ev;
    memset(&ev, 0, sizeof(ev));
    ev.type = EV_CALL_SETUP;
    ev.flow = &e.flow;
    ev.u.call = c;
    DET.on_event(&e.dctx, &ev, e.priv);
    ev.type = EV_SCCP_REGISTRATION;
    DET.on_event(&e.dctx, &ev, e.priv);
    cr_assert_eq(json_array_size(e.events), 0);
    env_fini(&e);
}

Test(call_log, e164_cause_and_call_id)
{
    struct env e;
    char err[256] = "";
    memset(&e, 0, sizeof(e));
    /* the dial plan of SPEC section 3: 9 for an outside line, 011 international */
    e.cfg.access_code = (char[]){"9"};
    e.cfg.national_prefix = (char[]){"1"};
    e.cfg.international_prefix = (char[]){"011"};
    e.cfg.country_code = (char[]){"1"};
    cr_assert_eq(DET.init(&e.cfg, &e.priv, err, sizeof(err)), 0, "%s", err);
    e.events = json_array();
    e.dctx.cfg = &e.cfg;
    e.dctx.sink = sink;
    e.dctx.user = &e;
    e.flow.flow_id = 7;
    cr_assert_eq(tw_addr_parse(PHONE, &e.flow.cli), 0);
    cr_assert_eq(tw_addr_parse(CME, &e.flow.srv), 0);
    e.flow.proto = 6;

    struct ev_call c = sample_call();
    c.protocol = "h225";
    c.release_cause = 16;
    c.has_call_id = true;
    for (int i = 0; i < 16; i++)
        c.call_id[i] = (uint8_t)(0xa0 + i);
    cr_assert_eq(feed(&e, &c, EV_ACTOR_CLIENT, DIR_TO_SERVER, c.end_us), 1);
    json_t *o = last(&e);
    /* 9 011 876 555 0123: access code, international prefix, then +876... */
    cr_assert_str_eq(str_at(o, "call", "e164"), "+8765550123");
    cr_assert_eq(int_at(o, "call", "release_cause"), 16);
    cr_assert_str_eq(str_at(o, "call", "call_id"), "a0a1a2a3-a4a5-a6a7-a8a9-aaabacadaeaf");
    /* the same call ending again in RAS (DRQ) is not logged twice */
    c.protocol = "h225ras";
    cr_assert_eq(feed(&e, &c, EV_ACTOR_CLIENT, DIR_TO_SERVER, c.end_us), 0);
    c.call_id[15] ^= 1;
    cr_assert_eq(feed(&e, &c, EV_ACTOR_CLIENT, DIR_TO_SERVER, c.end_us), 1);
    env_fini(&e);
}
