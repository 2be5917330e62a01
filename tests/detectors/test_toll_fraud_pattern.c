/*
 * test_toll_fraud_pattern.c - the after-hours block pattern detector.
 *
 * Call setups are built by hand as the SCCP and H.225 dissectors emit them
 * (EV_CALL_SETUP, struct ev_call) at chosen UTC instants and fed to the
 * detector; alerts are caught, finished, by the det_ctx sink. The policy
 * is the SPEC example in America/New_York: Wednesday 2026-11-18 23:30 EST
 * (2026-11-19 04:30 UTC) is after hours under "day Wed 19:00 07:00".
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

extern const struct detector toll_fraud_pattern_detector;

#define DET   toll_fraud_pattern_detector
#define SEC   1000000ull
#define NIGHT (1795062600ull * SEC) /* 2026-11-19T04:30:00Z = Wed 23:30 EST */
#define NOON  (1795021200ull * SEC) /* 2026-11-18T17:00:00Z = Wed 12:00 EST */
#define PHONE "10.10.224.5"
#define CME   "10.10.223.10"

static const char POLICY[] = "# test policy\n"
                             "after-hours block pattern 1 .1876\n"
                             "after-hours block pattern 2 .1900 7-24\n"
                             "after-hours block pattern 3 9011T\n"
                             "after-hours day Wed 19:00 07:00\n";

struct env {
    struct sensor_config cfg;
    char patterns[4096];
    char tz[64], ac[8], np[8], ip[8], cc[8];
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

/* The SPEC's default dial plan and the given zone. */
static void set_cfg(struct env *e, const char *tz)
{
    snprintf(e->tz, sizeof(e->tz), "%s", tz);
    snprintf(e->ac, sizeof(e->ac), "9");
    snprintf(e->np, sizeof(e->np), "1");
    snprintf(e->ip, sizeof(e->ip), "011");
    snprintf(e->cc, sizeof(e->cc), "1");
    e->cfg.patterns_file = e->patterns;
    e->cfg.timezone = e->tz;
    e->cfg.access_code = e->ac;
    e->cfg.national_prefix = e->np;
    e->cfg.international_prefix = e->ip;
    e->cfg.country_code = e->cc;
}

static int env_init_rc(struct env *e, const char *policy, const char *tz, char *err, size_t errlen)
{
    memset(e, 0, sizeof(*e));
    if (policy)
        snprintf(e->patterns, sizeof(e->patterns), "%s", th_write_temp("ah.conf", policy));
    set_cfg(e, tz);
    e->events = json_array();
    e->dctx.cfg = &e->cfg;
    e->dctx.sink = sink;
    e->dctx.user = e;
    return DET.init(&e->cfg, &e->priv, err, errlen);
}

static void env_init(struct env *e, const char *policy)
{
    char err[512] = "";
    cr_assert_eq(env_init_rc(e, policy, "America/New_York", err, sizeof(err)), 0, "init: %s", err);
    cr_assert_not_null(e->priv);
}

static void env_fini(struct env *e)
{
    DET.fini(e->priv);
    json_decref(e->events);
}

/* An SCCP connection: the phone (client) at PHONE talking to the CME on 2000. */
static void set_flow(struct env *e, uint64_t id, const char *app)
{
    memset(&e->flow, 0, sizeof(e->flow));
    e->flow.flow_id = id;
    cr_assert_eq(tw_addr_parse(PHONE, &e->flow.cli), 0);
    cr_assert_eq(tw_addr_parse(CME, &e->flow.srv), 0);
    e->flow.cport = 49152;
    e->flow.sport = strcmp(app, "sccp") == 0 ? 2000 : 1720;
    e->flow.proto = 6;
    e->flow.app_proto = app;
}

struct call {
    const char *protocol, *called, *calling, *device;
    uint32_t call_ref;
    const uint8_t *call_id; /* 16 bytes or NULL */
};

static size_t feed(struct env *e, const struct call *c, uint64_t ts)
{
    struct dis_event ev;
    memset(&ev, 0, sizeof(ev));
    ev.type = EV_CALL_SETUP;
    ev.flow = &e->flow;
    ev.actor = EV_ACTOR_CLIENT;
    ev.dir = DIR_TO_SERVER;
    ev.ts_us = ts;
    struct ev_call *k = &ev.u.call;
    k->protocol = c->protocol ? c->protocol : "sccp";
    snprintf(k->called, sizeof(k->called), "%s", c->called);
    snprintf(k->calling, sizeof(k->calling), "%s", c->calling ? c->calling : "");
    snprintf(k->device_name, sizeof(k->device_name), "%s", c->device ? c->device : "");
    k->call_ref = c->call_ref;
    k->direction = CALL_DIR_OUTBOUND;
    k->number_source = strcmp(k->protocol, "h225") == 0 ? CALL_SRC_SETUP : CALL_SRC_DIGITS;
    k->start_us = ts;
    if (c->call_id) {
        k->has_call_id = true;
        memcpy(k->call_id, c->call_id, 16);
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

static json_int_t int_at(json_t *o, const char *obj, const char *key)
{
    json_t *v = get(o, obj, key);
    cr_assert(json_is_integer(v), "%s.%s is an integer", obj ? obj : "", key);
    return json_integer_value(v);
}

Test(toll_fraud_pattern, registration)
{
    cr_assert_str_eq(DET.name, "toll_fraud_pattern");
    cr_assert_eq(DET.sid, 9100005);
    cr_assert_eq(DET.rev, 1);
    cr_assert_eq(DET.severity, 1);
    cr_assert_str_eq(DET.signature,
                     "TOLLWATCH toll fraud: call matches an after-hours block pattern");
    cr_assert_str_eq(DET.category, "Toll Fraud");
    cr_assert_eq(DET.events, EV_BIT(EV_CALL_SETUP));
}

Test(toll_fraud_pattern, after_hours_call_alerts)
{
    struct env e;
    env_init(&e, POLICY);
    set_flow(&e, 77, "sccp");
    struct call c = {"sccp", "918765550123", "2001", "SEP003094C38724", 16777217, NULL};
    cr_assert_eq(feed(&e, &c, NIGHT), 1);
    json_t *a = last(&e);
    cr_assert_str_eq(str_at(a, NULL, "event_type"), "alert");
    cr_assert_str_eq(str_at(a, NULL, "timestamp"), "2026-11-19T04:30:00.000000+0000");
    cr_assert_eq(int_at(a, NULL, "flow_id"), 77);
    cr_assert_str_eq(str_at(a, NULL, "src_ip"), PHONE, "the phone that dialled");
    cr_assert_str_eq(str_at(a, NULL, "dest_ip"), CME);
    cr_assert_str_eq(str_at(a, NULL, "app_proto"), "sccp");
    cr_assert_eq(int_at(a, "alert", "signature_id"), 9100005);
    cr_assert_eq(int_at(a, "alert", "rev"), 1);
    cr_assert_eq(int_at(a, "alert", "gid"), 1);
    cr_assert_eq(int_at(a, "alert", "severity"), 1);
    cr_assert_str_eq(str_at(a, "alert", "detector"), "toll_fraud_pattern");
    cr_assert_str_eq(str_at(a, "alert", "category"), "Toll Fraud");
    cr_assert_str_eq(str_at(a, "alert", "signature"),
                     "TOLLWATCH toll fraud: call matches an after-hours block pattern");
    cr_assert_str_eq(str_at(a, "call", "protocol"), "sccp");
    cr_assert_str_eq(str_at(a, "call", "called_number"), "918765550123");
    cr_assert_str_eq(str_at(a, "call", "calling_number"), "2001");
    cr_assert_str_eq(str_at(a, "call", "e164"), "+18765550123");
    cr_assert_str_eq(str_at(a, "call", "pattern"), ".1876");
    cr_assert_eq(int_at(a, "call", "pattern_tag"), 1);
    cr_assert(json_is_true(get(a, "call", "after_hours")));
    cr_assert_str_eq(str_at(a, "call", "device_name"), "SEP003094C38724");
    env_fini(&e);
}

Test(toll_fraud_pattern, office_hours_only_7_24)
{
    struct env e;
    env_init(&e, POLICY);
    set_flow(&e, 1, "sccp");
    struct call jam = {"sccp", "918765550123", "2001", NULL, 1, NULL};
    cr_assert_eq(feed(&e, &jam, NOON), 0, "Wednesday noon is office hours");
    struct call prem = {"sccp", "919005550123", "2002", NULL, 2, NULL};
    cr_assert_eq(feed(&e, &prem, NOON), 1, "7-24 pattern");
    json_t *a = last(&e);
    cr_assert_str_eq(str_at(a, "call", "pattern"), ".1900");
    cr_assert(json_is_false(get(a, "call", "after_hours")));
    cr_assert_str_eq(str_at(a, "call", "e164"), "+19005550123");
    cr_assert_null(get(a, "call", "device_name"), "no device name: left out");
    /* edges of the window: Wed 18:59 EST no, 19:00 yes, Thu 06:59 yes, 07:00 no */
    struct call c = {"sccp", "918765550123", "2001", NULL, 3, NULL};
    cr_assert_eq(feed(&e, &c, 1795046340ull * SEC - 60 * SEC), 0); /* 23:58 UTC = 18:58 EST */
    cr_assert_eq(feed(&e, &c, 1795046340ull * SEC + 60 * SEC), 1); /* 2026-11-19T00:00Z = 19:00 */
    c.call_ref = 4;
    cr_assert_eq(feed(&e, &c, 1795089540ull * SEC), 1); /* 11:59 UTC = Thu 06:59 EST */
    c.call_ref = 5;
    cr_assert_eq(feed(&e, &c, 1795089600ull * SEC), 0); /* 12:00 UTC = Thu 07:00 EST */
    env_fini(&e);
}

Test(toll_fraud_pattern, number_without_access_code)
{
    struct env e;
    env_init(&e, POLICY);
    set_flow(&e, 2, "h225");
    /* an H.225 leg after the router stripped the 9 */
    struct call c = {"h225", "18765550123", "2001", NULL, 0x1234, NULL};
    cr_assert_eq(feed(&e, &c, NIGHT), 1);
    json_t *a = last(&e);
    cr_assert_str_eq(str_at(a, "call", "protocol"), "h225");
    cr_assert_str_eq(str_at(a, "call", "called_number"), "18765550123");
    cr_assert_str_eq(str_at(a, "call", "pattern"), ".1876");
    cr_assert_str_eq(str_at(a, "call", "e164"), "+18765550123");
    struct call intl = {"h225", "011442071234567", "2001", NULL, 0x1235, NULL};
    cr_assert_eq(feed(&e, &intl, NIGHT), 1);
    cr_assert_str_eq(str_at(last(&e), "call", "pattern"), "9011T");
    cr_assert_str_eq(str_at(last(&e), "call", "e164"), "+442071234567");
    env_fini(&e);
}

Test(toll_fraud_pattern, harmless_calls)
{
    struct env e;
    env_init(&e, POLICY);
    set_flow(&e, 3, "sccp");
    static const char *const fine[] = {"2001", "912125551234", "8765550123", "", "9", "91876"};
    for (size_t i = 0; i < sizeof(fine) / sizeof(fine[0]); i++) {
        struct call c = {"sccp", fine[i], "2001", NULL, (uint32_t)(100 + i), NULL};
        cr_assert_eq(feed(&e, &c, NIGHT), i == 5 ? 1 : 0, "'%s'", fine[i]);
    }
    /* other event types are ignored */
    struct dis_event ev;
    memset(&ev, 0, sizeof(ev));
    ev.type = EV_CALL_END;
    ev.ts_us = NIGHT;
    snprintf(ev.u.call.called, sizeof(ev.u.call.called), "918765550123");
    DET.on_event(&e.dctx, &ev, e.priv);
    cr_assert_eq(json_array_size(e.events), 1);
    DET.on_event(&e.dctx, &ev, NULL);
    DET.fini(NULL);
    env_fini(&e);
}

Test(toll_fraud_pattern, emergency_never_flagged)
{
    struct env e;
    env_init(&e, "after-hours block pattern 1 9T 7-24\nafter-hours block pattern 2 T 7-24\n");
    set_flow(&e, 4, "sccp");
    static const char *const emergency[] = {"911", "9911", "112", "9112", "911#"};
    for (size_t i = 0; i < sizeof(emergency) / sizeof(emergency[0]); i++) {
        struct call c = {"sccp", emergency[i], "2001", NULL, (uint32_t)(10 + i), NULL};
        cr_assert_eq(feed(&e, &c, NOON), 0, "'%s'", emergency[i]);
    }
    struct call c = {"sccp", "92001", "2001", NULL, 99, NULL};
    cr_assert_eq(feed(&e, &c, NOON), 1);
    cr_assert_null(get(last(&e), "call", "e164"), "an extension has no E.164 form");
    env_fini(&e);
}

Test(toll_fraud_pattern, one_alert_per_call)
{
    static const uint8_t id1[16] = {0xde, 0xad, 0xbe, 0xef, 1};
    static const uint8_t id2[16] = {0xde, 0xad, 0xbe, 0xef, 2};
    struct env e;
    env_init(&e, POLICY);
    set_flow(&e, 10, "sccp");
    struct call c = {"sccp", "918765550123", "2001", NULL, 1, NULL};
    cr_assert_eq(feed(&e, &c, NIGHT), 1);
    cr_assert_eq(feed(&e, &c, NIGHT + SEC), 0, "the same call again");
    c.called = "9011442071234567"; /* more digits of the same call */
    cr_assert_eq(feed(&e, &c, NIGHT + 2 * SEC), 0);
    c.call_ref = 2;
    cr_assert_eq(feed(&e, &c, NIGHT + 3 * SEC), 1, "a second call on the connection");
    set_flow(&e, 11, "sccp");
    c.call_ref = 1;
    cr_assert_eq(feed(&e, &c, NIGHT + 4 * SEC), 1, "call reference 1 on another flow");

    /* H.225: one callIdentifier seen on the RAS flow and on the Q.931 flow */
    set_flow(&e, 20, "h225");
    struct call h = {"h225", "918765550123", "2001", NULL, 7, id1};
    cr_assert_eq(feed(&e, &h, NIGHT), 1);
    set_flow(&e, 21, "h225");
    h.call_ref = 99;
    cr_assert_eq(feed(&e, &h, NIGHT + SEC), 0, "same callIdentifier, other flow");
    h.call_id = id2;
    h.call_ref = 100;
    cr_assert_eq(feed(&e, &h, NIGHT + 2 * SEC), 1, "another call");
    env_fini(&e);
}

Test(toll_fraud_pattern, dedup_table_is_bounded)
{
    enum { MAX = 4096 };
    struct env e;
    env_init(&e, POLICY);
    set_flow(&e, 30, "sccp");
    struct call c = {"sccp", "918765550123", "2001", NULL, 0, NULL};
    for (uint32_t i = 0; i < MAX; i++) {
        c.call_ref = i;
        cr_assert_eq(feed(&e, &c, NIGHT), 1);
    }
    c.call_ref = 0;
    cr_assert_eq(feed(&e, &c, NIGHT), 0, "all remembered");
    c.call_ref = MAX;
    cr_assert_eq(feed(&e, &c, NIGHT), 1, "one more evicts the oldest");
    c.call_ref = 0;
    cr_assert_eq(feed(&e, &c, NIGHT), 1, "the oldest was forgotten");
    c.call_ref = MAX;
    cr_assert_eq(feed(&e, &c, NIGHT), 0, "the newest is remembered");
    env_fini(&e);
}

Test(toll_fraud_pattern, utc_default_zone)
{
    struct env e;
    char err[512] = "";
    cr_assert_eq(env_init_rc(&e, POLICY, "UTC", err, sizeof(err)), 0, "%s", err);
    set_flow(&e, 40, "sccp");
    struct call c = {"sccp", "918765550123", "2001", NULL, 1, NULL};
    /* 04:30 UTC is Thursday morning in UTC: inside Wed 19:00-07:00 */
    cr_assert_eq(feed(&e, &c, NIGHT), 1);
    c.call_ref = 2;
    /* Wed 23:30 UTC */
    cr_assert_eq(feed(&e, &c, NIGHT - 5 * 3600 * SEC), 1);
    c.call_ref = 3;
    /* Wed 17:00 UTC */
    cr_assert_eq(feed(&e, &c, NOON), 0);
    env_fini(&e);
}

Test(toll_fraud_pattern, init_outcomes)
{
    struct env e;
    char err[512];

    /* no patterns file configured: off, with a warning */
    err[0] = '\0';
    cr_assert_eq(env_init_rc(&e, NULL, "UTC", err, sizeof(err)), 1);
    cr_assert_null(e.priv);
    cr_assert_not_null(strstr(err, "fraud.patterns_file is empty"), "%s", err);
    env_fini(&e);

    /* a file without patterns: off */
    err[0] = '\0';
    cr_assert_eq(
        env_init_rc(&e, "# nothing\nafter-hours day Sun 00:00 23:59\n", "UTC", err, sizeof(err)),
        1);
    cr_assert_null(e.priv);
    cr_assert_not_null(strstr(err, ": no after-hours block patterns"), "%s", err);
    env_fini(&e);

    /* patterns that can never fire: off, saying why */
    err[0] = '\0';
    cr_assert_eq(env_init_rc(&e, "after-hours block pattern 1 .1876\n", "UTC", err, sizeof(err)),
                 1);
    cr_assert_null(e.priv);
    cr_assert_not_null(strstr(err, "no after-hours day or date lines and no 7-24 pattern"), "%s",
                       err);
    env_fini(&e);

    /* the shipped file: the guide's patterns, schedule commented out */
    memset(&e, 0, sizeof(e));
    set_cfg(&e, "UTC");
    snprintf(e.patterns, sizeof(e.patterns), "%s", th_src_path("signatures/after-hours.conf"));
    err[0] = '\0';
    void *priv = NULL;
    cr_assert_eq(DET.init(&e.cfg, &priv, err, sizeof(err)), 1, "%s", err);
    cr_assert_null(priv);

    /* errors: file:line, unknown zone, missing file */
    err[0] = '\0';
    cr_assert_eq(env_init_rc(&e,
                             "after-hours block pattern 1 .1876\n"
                             "after-hours day Sun 00:00 23:59\n"
                             "after-hours block pattern 2 .1[89\n",
                             "UTC", err, sizeof(err)),
                 -EINVAL);
    cr_assert_null(e.priv);
    char want[4200];
    snprintf(want, sizeof(want), "%s:3: unclosed '['", e.patterns);
    cr_assert_not_null(strstr(err, want), "%s", err);
    env_fini(&e);

    err[0] = '\0';
    cr_assert_eq(env_init_rc(&e, POLICY, "Mars/Olympus_Mons", err, sizeof(err)), -ENOENT);
    cr_assert_null(e.priv);
    cr_assert_not_null(strstr(err, "timezone 'Mars/Olympus_Mons': unknown time zone"), "%s", err);
    env_fini(&e);

    memset(&e, 0, sizeof(e));
    set_cfg(&e, "UTC");
    snprintf(e.patterns, sizeof(e.patterns), "/nonexistent/after-hours.conf");
    err[0] = '\0';
    cr_assert_eq(DET.init(&e.cfg, &priv, err, sizeof(err)), -ENOENT);
    cr_assert_not_null(strstr(err, "/nonexistent/after-hours.conf"), "%s", err);
    cr_assert_null(priv);

    /* a bad dial plan */
    e.cc[0] = '\0';
    err[0] = '\0';
    cr_assert_eq(DET.init(&e.cfg, &priv, err, sizeof(err)), -EINVAL);
    cr_assert_not_null(strstr(err, "dialplan"), "%s", err);
}
