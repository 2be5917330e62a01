/*
 * test_high_risk_destination.c - the high-risk destination detector.
 *
 * Call setups are built by hand as the SCCP and H.225 dissectors emit them
 * (EV_CALL_SETUP) and fed to the detector with the SPEC's default dial plan
 * (access 9, national 1, international 011, country 1); alerts are caught,
 * finished, by the det_ctx sink. Expected E.164 forms and list entries are
 * worked out by hand from signatures/high-risk-destinations.txt.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "detector.h"
#include "flow.h"
#include "helpers.h"

extern const struct detector high_risk_destination_detector;

#define DET   high_risk_destination_detector
#define SEC   1000000ull
#define T0    (1795021200ull * SEC) /* 2026-11-18T17:00:00Z, office hours */
#define PHONE "10.10.224.5"
#define CME   "10.10.223.10"

struct env {
    struct sensor_config cfg;
    char list[4096];
    char ac[8], np[8], ip[8], cc[8];
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

static void set_cfg(struct env *e, const char *list_path)
{
    snprintf(e->list, sizeof(e->list), "%s", list_path);
    snprintf(e->ac, sizeof(e->ac), "9");
    snprintf(e->np, sizeof(e->np), "1");
    snprintf(e->ip, sizeof(e->ip), "011");
    snprintf(e->cc, sizeof(e->cc), "1");
    e->cfg.high_risk_file = e->list;
    e->cfg.access_code = e->ac;
    e->cfg.national_prefix = e->np;
    e->cfg.international_prefix = e->ip;
    e->cfg.country_code = e->cc;
}

static int env_init_rc(struct env *e, const char *list_path, char *err, size_t errlen)
{
    memset(e, 0, sizeof(*e));
    set_cfg(e, list_path);
    e->events = json_array();
    e->dctx.cfg = &e->cfg;
    e->dctx.sink = sink;
    e->dctx.user = e;
    return DET.init(&e->cfg, &e->priv, err, errlen);
}

static const char *shipped(void) { return th_src_path("signatures/high-risk-destinations.txt"); }

static void env_init(struct env *e, const char *list_path)
{
    char err[512] = "";
    cr_assert_eq(env_init_rc(e, list_path, err, sizeof(err)), 0, "init: %s", err);
    cr_assert_not_null(e->priv);
}

static void env_fini(struct env *e)
{
    DET.fini(e->priv);
    json_decref(e->events);
}

static void set_flow(struct env *e, uint64_t id)
{
    memset(&e->flow, 0, sizeof(e->flow));
    e->flow.flow_id = id;
    cr_assert_eq(tw_addr_parse(PHONE, &e->flow.cli), 0);
    cr_assert_eq(tw_addr_parse(CME, &e->flow.srv), 0);
    e->flow.cport = 1720;
    e->flow.sport = 1720;
    e->flow.proto = 6;
    e->flow.app_proto = "h225";
}

static size_t feed(struct env *e, const char *called, uint32_t call_ref, const uint8_t *call_id,
                   uint64_t ts)
{
    struct dis_event ev;
    memset(&ev, 0, sizeof(ev));
    ev.type = EV_CALL_SETUP;
    ev.flow = &e->flow;
    ev.actor = EV_ACTOR_CLIENT;
    ev.dir = DIR_TO_SERVER;
    ev.ts_us = ts;
    struct ev_call *k = &ev.u.call;
    k->protocol = "h225";
    snprintf(k->called, sizeof(k->called), "%s", called);
    snprintf(k->calling, sizeof(k->calling), "2001");
    k->call_ref = call_ref;
    k->number_source = CALL_SRC_SETUP;
    k->direction = CALL_DIR_OUTBOUND;
    if (call_id) {
        k->has_call_id = true;
        memcpy(k->call_id, call_id, 16);
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

static json_t *get(json_t *o, const char *obj, const char *key)
{
    return obj ? json_object_get(json_object_get(o, obj), key) : json_object_get(o, key);
}

static const char *str_at(json_t *o, const char *obj, const char *key)
{
    json_t *v = get(o, obj, key);
    cr_assert(json_is_string(v), "%s.%s is a string", obj ? obj : "", key);
    return json_string_value(v);
}

static const char *dest_at(json_t *o, const char *key)
{
    json_t *v = json_object_get(json_object_get(json_object_get(o, "call"), "destination"), key);
    cr_assert(json_is_string(v), "call.destination.%s is a string", key);
    return json_string_value(v);
}

Test(high_risk_destination, registration)
{
    cr_assert_str_eq(DET.name, "high_risk_destination");
    cr_assert_eq(DET.sid, 9100006);
    cr_assert_eq(DET.rev, 1);
    cr_assert_eq(DET.severity, 2);
    cr_assert_str_eq(DET.signature, "TOLLWATCH call to a high-risk destination");
    cr_assert_str_eq(DET.category, "Toll Fraud");
    cr_assert_eq(DET.events, EV_BIT(EV_CALL_SETUP));
}

Test(high_risk_destination, satellite_call)
{
    struct env e;
    env_init(&e, shipped());
    set_flow(&e, 55);
    cr_assert_eq(feed(&e, "9011882161234567", 0x10, NULL, T0), 1);
    json_t *a = last(&e);
    cr_assert_str_eq(str_at(a, NULL, "event_type"), "alert");
    cr_assert_eq(json_integer_value(get(a, NULL, "flow_id")), 55);
    cr_assert_str_eq(str_at(a, NULL, "src_ip"), PHONE);
    cr_assert_eq(json_integer_value(get(a, "alert", "signature_id")), 9100006);
    cr_assert_eq(json_integer_value(get(a, "alert", "severity")), 2);
    cr_assert_str_eq(str_at(a, "alert", "detector"), "high_risk_destination");
    cr_assert_str_eq(str_at(a, "alert", "category"), "Toll Fraud");
    cr_assert_str_eq(str_at(a, "alert", "signature"), "TOLLWATCH call to a high-risk destination");
    cr_assert_str_eq(str_at(a, "call", "protocol"), "h225");
    cr_assert_str_eq(str_at(a, "call", "called_number"), "9011882161234567");
    cr_assert_str_eq(str_at(a, "call", "calling_number"), "2001");
    cr_assert_str_eq(str_at(a, "call", "e164"), "+882161234567");
    cr_assert_str_eq(dest_at(a, "prefix"), "+88216", "the longest prefix");
    cr_assert_str_eq(dest_at(a, "category"), "satellite");
    cr_assert_not_null(strstr(dest_at(a, "description"), "Thuraya"));
    cr_assert_null(get(a, "call", "pattern"), "not the after-hours detector");
    env_fini(&e);
}

Test(high_risk_destination, dialled_forms)
{
    struct env e;
    env_init(&e, shipped());
    set_flow(&e, 56);
    struct {
        const char *called, *e164, *prefix, *category;
    } hits[] = {
        {"918765550123", "+18765550123", "+1876", "one-ring-scam"},
        {"18095550123", "+18095550123", "+1809", "one-ring-scam"},
        {"2845550123", "+12845550123", "+1284", "one-ring-scam"},
        {"+8816312345678", "+8816312345678", "+8816", "satellite"},
        {"90088312345678", "+88312345678", "+883", "international-revenue-share"},
        {"919005550123#", "+19005550123", "+1900", "premium-rate"},
        {"901122212345678", "+22212345678", "+222", "one-ring-scam"},
    };
    for (uint32_t i = 0; i < sizeof(hits) / sizeof(hits[0]); i++) {
        cr_assert_eq(feed(&e, hits[i].called, i + 1, NULL, T0), 1, "'%s'", hits[i].called);
        json_t *a = last(&e);
        cr_assert_str_eq(str_at(a, "call", "e164"), hits[i].e164);
        cr_assert_str_eq(dest_at(a, "prefix"), hits[i].prefix);
        cr_assert_str_eq(dest_at(a, "category"), hits[i].category);
    }
    static const char *const misses[] = {
        "2001",             /* extension */
        "912125551234",     /* New York */
        "917875551234",     /* Puerto Rico: US domestic */
        "9011442071234567", /* London */
        "5550123",          /* local, area code unknown */
        "9011",             /* incomplete */
        "",
        "*67",
    };
    for (uint32_t i = 0; i < sizeof(misses) / sizeof(misses[0]); i++)
        cr_assert_eq(feed(&e, misses[i], 100 + i, NULL, T0), 0, "'%s'", misses[i]);
    env_fini(&e);
}

Test(high_risk_destination, any_hour)
{
    struct env e;
    env_init(&e, shipped());
    set_flow(&e, 57);
    for (uint32_t h = 0; h < 24; h++)
        cr_assert_eq(feed(&e, "918765550123", h, NULL, T0 + h * 3600 * SEC), 1, "hour %u", h);
    env_fini(&e);
}

Test(high_risk_destination, emergency_never_flagged)
{
    const char *path = th_write_temp("all.txt", "+1 everything NANP\n+9 everything else\n");
    struct env e;
    env_init(&e, path);
    set_flow(&e, 58);
    static const char *const emergency[] = {"911", "9911", "112", "9112", "999"};
    for (uint32_t i = 0; i < sizeof(emergency) / sizeof(emergency[0]); i++)
        cr_assert_eq(feed(&e, emergency[i], i, NULL, T0), 0, "'%s'", emergency[i]);
    cr_assert_eq(feed(&e, "912125551234", 50, NULL, T0), 1);
    cr_assert_str_eq(dest_at(last(&e), "category"), "everything");
    cr_assert_str_eq(dest_at(last(&e), "description"), "NANP");
    env_fini(&e);
}

Test(high_risk_destination, one_alert_per_call)
{
    static const uint8_t id1[16] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
    static const uint8_t id2[16] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 17};
    struct env e;
    env_init(&e, shipped());
    set_flow(&e, 60);
    cr_assert_eq(feed(&e, "918765550123", 5, id1, T0), 1);
    cr_assert_eq(feed(&e, "918765550123", 5, id1, T0 + SEC), 0, "the same Setup again");
    cr_assert_eq(feed(&e, "9011882161234567", 5, NULL, T0 + SEC), 0, "the same call reference");
    set_flow(&e, 61);
    cr_assert_eq(feed(&e, "918765550123", 9, id1, T0 + 2 * SEC), 0, "same callIdentifier (RAS)");
    cr_assert_eq(feed(&e, "918765550123", 9, id2, T0 + 3 * SEC), 1, "another call");
    cr_assert_eq(feed(&e, "918765550123", 10, NULL, T0 + 4 * SEC), 1);
    env_fini(&e);
}

Test(high_risk_destination, dedup_table_is_bounded)
{
    enum { MAX = 4096 };
    struct env e;
    env_init(&e, shipped());
    set_flow(&e, 62);
    for (uint32_t i = 0; i < MAX; i++)
        cr_assert_eq(feed(&e, "918765550123", i, NULL, T0), 1);
    cr_assert_eq(feed(&e, "918765550123", 0, NULL, T0), 0);
    cr_assert_eq(feed(&e, "918765550123", MAX, NULL, T0), 1);
    cr_assert_eq(feed(&e, "918765550123", 0, NULL, T0), 1, "the oldest was forgotten");
    cr_assert_eq(feed(&e, "918765550123", MAX, NULL, T0), 0);
    env_fini(&e);
}

Test(high_risk_destination, ignores_other_events)
{
    struct env e;
    env_init(&e, shipped());
    struct dis_event ev;
    memset(&ev, 0, sizeof(ev));
    ev.type = EV_CALL_END;
    snprintf(ev.u.call.called, sizeof(ev.u.call.called), "918765550123");
    DET.on_event(&e.dctx, &ev, e.priv);
    cr_assert_eq(json_array_size(e.events), 0);
    /* no flow: still alerts, once */
    ev.type = EV_CALL_SETUP;
    DET.on_event(&e.dctx, &ev, e.priv);
    DET.on_event(&e.dctx, &ev, e.priv);
    cr_assert_eq(json_array_size(e.events), 1);
    cr_assert_null(get(last(&e), NULL, "flow_id"));
    DET.on_event(&e.dctx, &ev, NULL);
    DET.fini(NULL);
    env_fini(&e);
}

Test(high_risk_destination, init_outcomes)
{
    struct env e;
    char err[512];

    err[0] = '\0';
    cr_assert_eq(env_init_rc(&e, "", err, sizeof(err)), 1);
    cr_assert_null(e.priv);
    cr_assert_not_null(strstr(err, "fraud.high_risk_file is empty"), "%s", err);
    env_fini(&e);

    const char *empty = th_write_temp("empty.txt", "# nothing listed\n");
    err[0] = '\0';
    cr_assert_eq(env_init_rc(&e, empty, err, sizeof(err)), 1);
    cr_assert_null(e.priv);
    cr_assert_not_null(strstr(err, "empty.txt: no high-risk destinations listed"), "%s", err);
    env_fini(&e);

    const char *bad = th_write_temp("bad.txt", "+882 ok fine\n# c\n882 missing plus\n");
    err[0] = '\0';
    cr_assert_eq(env_init_rc(&e, bad, err, sizeof(err)), -EINVAL);
    cr_assert_null(e.priv);
    char want[4200];
    snprintf(want, sizeof(want), "%s:3: expected an E.164 prefix", bad);
    cr_assert_not_null(strstr(err, want), "%s", err);
    env_fini(&e);

    err[0] = '\0';
    cr_assert_eq(env_init_rc(&e, "/nonexistent/hr.txt", err, sizeof(err)), -ENOENT);
    cr_assert_not_null(strstr(err, "/nonexistent/hr.txt"), "%s", err);
    env_fini(&e);

    memset(&e, 0, sizeof(e));
    set_cfg(&e, shipped());
    snprintf(e.ac, sizeof(e.ac), "9x");
    void *priv = NULL;
    err[0] = '\0';
    cr_assert_eq(DET.init(&e.cfg, &priv, err, sizeof(err)), -EINVAL);
    cr_assert_not_null(strstr(err, "dialplan"), "%s", err);
    cr_assert_null(priv);
}
