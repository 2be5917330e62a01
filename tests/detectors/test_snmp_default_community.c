/*
 * test_snmp_default_community.c - the default/weak SNMP community detector.
 *
 * Messages go through the real SNMP dissector (payloads from the shared
 * captures, see tests/dissectors/test_snmp.c) into the detector, whose alerts
 * are caught, finished, by the det_ctx sink.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "detector.h"
#include "dissector.h"
#include "flow.h"
#include "helpers.h"
#include "snmp.h"

extern const struct detector snmp_default_community_detector;
uint64_t snmp_default_community_evictions(const void *priv);

#define DET   snmp_default_community_detector
#define SEC   1000000ull
#define T0    (1227729889ull * SEC) /* 2008-11-26 */
#define AGENT "172.31.19.73"
#define MGR   "172.31.19.54"

/* real: snmp_v1_get_getnext_set.pcap frames 1 (get) and 2 (its response) */
#define V1_GET_PUBLIC                                                                              \
    "302602010004067075626c6963a019020126020100020100300e300c06082b060102010102000500"
#define V1_RESPONSE_PUBLIC                                                                         \
    "303802010004067075626c6963a22b0201260201000201003020301e06082b060102010102000612"             \
    "2b060104018f5101010182295d011b020201"
/* hand-built: v1 set-request, community "private" */
#define V1_SET_PRIVATE                                                                             \
    "303e020100040770726976617465a330020203ea0201000201003024301106082b06010201010500040570"       \
    "776e6564300f06082b0601020101060004036c6162"
/* real: snmp_v1_set_empty_community.pcap, set and its response */
#define V1_SET_EMPTY                                                                               \
    "30280201000400a32102047b086e690201000201003013301106082b0601020101050004056d75736563"
#define V1_RESPONSE_EMPTY                                                                          \
    "30230201000400a21c02047b086e69020100020100300e300c06082b060102010105000500"
/* real: snmp_v1_trap.pcap */
#define V1_TRAP_PUBLIC                                                                             \
    "303b02010004067075626c6963a42e06092b0601040181f4690040047f00000102010002010043040000000030"   \
    "0f300d06082b06010201020100020121"
/* real: snmp_v2c_get_packetlife.pcap frame 3, community [R0_C@cti!] */
#define V2C_GET_STRONG                                                                             \
    "302e020101040b5b52305f4340637469215da01c020421182cd7020100020100300e300c06082b06010201"       \
    "0103000500"
/* real: snmp_v3_noauth_getbulk.pcap frame 3 and snmp_v3_authpriv_packetlife.pcap frame 3 */
#define V3_GETBULK                                                                                 \
    "3079020103301102045e857779020300ffe3040104020103042b3029041180001f8880468a3a41a3a51b5c00"     \
    "000000020103020124040a6e6f4175746855736572040004003034041180001f8880468a3a41a3a51b5c0000"     \
    "00000400a51d020447a313c202010002010a300f300d06092b06010201190101000500"
#define V3_ENCRYPTED                                                                               \
    "307f020103300f02030091c90202080004010702010304383036040c000039e7000000a1c0a81da0020202f002"   \
    "0302fde7040561646d696e040cac1663903625bedee6f324660408cb26d90073efc352042f14094a43804d88"     \
    "fc6f523fe1b2aa27dc1faf23afdf770307ec27291d55348436405a858eb23a56b157716eb85a5143"

struct env {
    char path[4096];
    struct sensor_config cfg;
    void *priv;
    struct det_ctx dctx;
    struct flow flow;
    unsigned alerts;
    json_t *last; /* the last alert */
};

static void sink(void *user, json_t *event)
{
    struct env *e = user;
    e->alerts++;
    json_decref(e->last);
    e->last = event;
}

static void env_init(struct env *e, const char *communities_file)
{
    char err[512] = "";
    memset(e, 0, sizeof(*e));
    snprintf(e->path, sizeof(e->path), "%s", communities_file);
    e->cfg.communities_file = e->path;
    int r = DET.init(&e->cfg, &e->priv, err, sizeof(err));
    cr_assert_eq(r, 0, "init: %s", err);
    e->dctx.cfg = &e->cfg;
    e->dctx.sink = sink;
    e->dctx.user = e;
}

static void env_fini(struct env *e)
{
    DET.fini(e->priv);
    json_decref(e->last);
    e->last = NULL;
}

/* The flow of a manager (client) polling an agent (server) on port 161. */
static void set_flow(struct env *e, const char *cli, uint16_t cport, const char *srv,
                     uint16_t sport)
{
    memset(&e->flow, 0, sizeof(e->flow));
    e->flow.flow_id = 4242;
    cr_assert_eq(tw_addr_parse(cli, &e->flow.cli), 0);
    cr_assert_eq(tw_addr_parse(srv, &e->flow.srv), 0);
    e->flow.cport = cport;
    e->flow.sport = sport;
    e->flow.proto = 17;
    e->flow.app_proto = "snmp";
}

static void to_detector(struct dis_ctx *ctx, const struct dis_event *ev)
{
    struct env *e = ctx->user;
    DET.on_event(&e->dctx, ev, e->priv);
}

/* Parses a message sent in direction dir at time ts; returns the alerts it raised. */
static unsigned feed(struct env *e, const char *hex, int dir, uint64_t ts)
{
    size_t n;
    uint8_t *p = th_hex(hex, &n);
    struct dis_ctx ctx = {
        .flow = &e->flow, .dir = dir, .ts_us = ts, .emit = to_detector, .user = e};
    struct cursor c;
    unsigned before = e->alerts;
    cur_init(&c, p, n);
    cr_assert_eq(snmp_dissector.parse(&ctx, NULL, &c), DIS_OK);
    free(p);
    return e->alerts - before;
}

/* An event built by hand (for words the captures do not carry). */
static unsigned feed_event(struct env *e, uint8_t version, uint8_t pdu, const char *community,
                           size_t len, int dir, uint64_t ts)
{
    struct dis_event ev = {.type = EV_SNMP_PDU, .flow = &e->flow, .dir = dir, .ts_us = ts};
    unsigned before = e->alerts;
    ev.u.snmp.version = version;
    ev.u.snmp.pdu_type = pdu;
    ev.u.snmp.community = (const uint8_t *)community;
    ev.u.snmp.community_len = len;
    ev.u.snmp.user = (const uint8_t *)community;
    ev.u.snmp.user_len = len;
    DET.on_event(&e->dctx, &ev, e->priv);
    return e->alerts - before;
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

static const char *shipped(void) { return th_src_path("signatures/snmp-communities.txt"); }

Test(snmp_default_community, registration)
{
    cr_assert_str_eq(DET.name, "snmp_default_community");
    cr_assert_eq(DET.sid, 9100004);
    cr_assert_eq(DET.rev, 1);
    cr_assert_eq(DET.severity, 2);
    cr_assert_eq(DET.events, EV_BIT(EV_SNMP_PDU));
    cr_assert_not_null(DET.signature);
    cr_assert_not_null(DET.category);
}

Test(snmp_default_community, public_get_alerts)
{
    struct env e;
    env_init(&e, shipped());
    set_flow(&e, MGR, 15916, AGENT, 161);
    cr_assert_eq(feed(&e, V1_GET_PUBLIC, DIR_TO_SERVER, T0 + 123456), 1);
    json_t *a = e.last;
    cr_assert_str_eq(str_at(a, NULL, "event_type"), "alert");
    cr_assert_str_eq(str_at(a, NULL, "timestamp"), "2008-11-26T20:04:49.123456+0000");
    cr_assert_eq(int_at(a, NULL, "flow_id"), 4242);
    cr_assert_str_eq(str_at(a, NULL, "src_ip"), MGR);
    cr_assert_eq(int_at(a, NULL, "src_port"), 15916);
    cr_assert_str_eq(str_at(a, NULL, "dest_ip"), AGENT);
    cr_assert_eq(int_at(a, NULL, "dest_port"), 161);
    cr_assert_str_eq(str_at(a, NULL, "proto"), "UDP");
    cr_assert_str_eq(str_at(a, NULL, "app_proto"), "snmp");
    cr_assert_str_eq(str_at(a, "alert", "detector"), "snmp_default_community");
    cr_assert_eq(int_at(a, "alert", "signature_id"), 9100004);
    cr_assert_eq(int_at(a, "alert", "rev"), 1);
    cr_assert_eq(int_at(a, "alert", "severity"), 2);
    cr_assert_str_eq(str_at(a, "alert", "signature"), "TOLLWATCH SNMP default or weak community");
    cr_assert_str_eq(str_at(a, "snmp", "version"), "1");
    cr_assert_str_eq(str_at(a, "snmp", "community"), "public");
    cr_assert_str_eq(str_at(a, "snmp", "pdu_type"), "get_request");
    cr_assert_eq(int_at(a, "snmp", "request_id"), 38);
    cr_assert_eq(int_at(a, "snmp", "varbind_count"), 1);
    cr_assert_null(json_object_get(json_object_get(a, "snmp"), "user"));
    env_fini(&e);
}

Test(snmp_default_community, strong_community_is_quiet)
{
    struct env e;
    env_init(&e, shipped());
    set_flow(&e, "10.144.246.184", 43824, "10.144.246.161", 161);
    cr_assert_eq(feed(&e, V2C_GET_STRONG, DIR_TO_SERVER, T0), 0);
    env_fini(&e);
}

Test(snmp_default_community, set_request_is_severity_1)
{
    struct env e;
    env_init(&e, shipped());
    set_flow(&e, MGR, 15920, AGENT, 161);
    cr_assert_eq(feed(&e, V1_SET_PRIVATE, DIR_TO_SERVER, T0), 1);
    cr_assert_eq(int_at(e.last, "alert", "severity"), 1);
    cr_assert_str_eq(str_at(e.last, "snmp", "community"), "private");
    cr_assert_str_eq(str_at(e.last, "snmp", "pdu_type"), "set_request");
    env_fini(&e);
}

Test(snmp_default_community, empty_community_alerts)
{
    struct env e;
    env_init(&e, shipped());
    set_flow(&e, "127.0.0.1", 63034, "127.0.0.1", 161);
    cr_assert_eq(feed(&e, V1_SET_EMPTY, DIR_TO_SERVER, T0), 1);
    cr_assert_eq(int_at(e.last, "alert", "severity"), 1);
    cr_assert_str_eq(str_at(e.last, "snmp", "community"), "");
    cr_assert_str_eq(str_at(e.last, "snmp", "version"), "1");
    /* the response to that set is the same conversation: no milder second alert */
    cr_assert_eq(feed(&e, V1_RESPONSE_EMPTY, DIR_TO_CLIENT, T0 + 200), 0);
    env_fini(&e);
}

Test(snmp_default_community, once_per_300_seconds)
{
    struct env e;
    env_init(&e, shipped());
    set_flow(&e, MGR, 15916, AGENT, 161);
    cr_assert_eq(feed(&e, V1_GET_PUBLIC, DIR_TO_SERVER, T0), 1);
    cr_assert_eq(feed(&e, V1_GET_PUBLIC, DIR_TO_SERVER, T0 + 1), 0);
    cr_assert_eq(feed(&e, V1_GET_PUBLIC, DIR_TO_SERVER, T0 + 100 * SEC), 0);
    cr_assert_eq(feed(&e, V1_GET_PUBLIC, DIR_TO_SERVER, T0 + 300 * SEC - 1), 0);
    cr_assert_eq(feed(&e, V1_GET_PUBLIC, DIR_TO_SERVER, T0 + 300 * SEC), 1, "the window ended");
    cr_assert_eq(feed(&e, V1_GET_PUBLIC, DIR_TO_SERVER, T0 + 400 * SEC), 0,
                 "a new window from the last alert");
    /* another manager port is the same manager */
    set_flow(&e, MGR, 15999, AGENT, 161);
    cr_assert_eq(feed(&e, V1_GET_PUBLIC, DIR_TO_SERVER, T0 + 401 * SEC), 0);
    /* another manager is another key */
    set_flow(&e, "172.31.19.55", 15916, AGENT, 161);
    cr_assert_eq(feed(&e, V1_GET_PUBLIC, DIR_TO_SERVER, T0 + 402 * SEC), 1);
    env_fini(&e);
}

Test(snmp_default_community, time_going_back_across_files)
{
    struct env e;
    env_init(&e, shipped());
    set_flow(&e, MGR, 15916, AGENT, 161);
    cr_assert_eq(feed(&e, V1_GET_PUBLIC, DIR_TO_SERVER, T0 + 1000 * SEC), 1);
    cr_assert_eq(feed(&e, V1_GET_PUBLIC, DIR_TO_SERVER, T0 + 900 * SEC), 0);
    cr_assert_eq(feed(&e, V1_GET_PUBLIC, DIR_TO_SERVER, T0), 1,
                 "an older capture more than a window back alerts again");
    env_fini(&e);
}

Test(snmp_default_community, response_keyed_like_its_request)
{
    struct env e;
    env_init(&e, shipped());
    set_flow(&e, MGR, 15916, AGENT, 161);
    cr_assert_eq(feed(&e, V1_GET_PUBLIC, DIR_TO_SERVER, T0), 1);
    cr_assert_eq(feed(&e, V1_RESPONSE_PUBLIC, DIR_TO_CLIENT, T0 + 1000), 0);

    /* the response seen first (the request was lost) alerts, from the agent */
    struct env f;
    env_init(&f, shipped());
    set_flow(&f, MGR, 15916, AGENT, 161);
    cr_assert_eq(feed(&f, V1_RESPONSE_PUBLIC, DIR_TO_CLIENT, T0), 1);
    cr_assert_str_eq(str_at(f.last, NULL, "src_ip"), AGENT);
    cr_assert_eq(int_at(f.last, NULL, "src_port"), 161);
    cr_assert_str_eq(str_at(f.last, "snmp", "pdu_type"), "get_response");
    cr_assert_eq(feed(&f, V1_GET_PUBLIC, DIR_TO_SERVER, T0 + 1000), 0);

    /* a flow oriented the other way round keys the same pair */
    set_flow(&f, AGENT, 161, MGR, 15916);
    cr_assert_eq(feed(&f, V1_GET_PUBLIC, DIR_TO_CLIENT, T0 + 2000), 0);
    cr_assert_eq(feed(&f, V1_RESPONSE_PUBLIC, DIR_TO_SERVER, T0 + 3000), 0);
    env_fini(&e);
    env_fini(&f);
}

Test(snmp_default_community, set_escalates_inside_the_window)
{
    struct env e;
    env_init(&e, shipped());
    set_flow(&e, MGR, 15916, AGENT, 161);
    cr_assert_eq(feed_event(&e, SNMP_V1, SNMP_PDU_GET, "private", 7, DIR_TO_SERVER, T0), 1);
    cr_assert_eq(int_at(e.last, "alert", "severity"), 2);
    cr_assert_eq(feed(&e, V1_SET_PRIVATE, DIR_TO_SERVER, T0 + SEC), 1);
    cr_assert_eq(int_at(e.last, "alert", "severity"), 1);
    cr_assert_eq(feed(&e, V1_SET_PRIVATE, DIR_TO_SERVER, T0 + 2 * SEC), 0);
    cr_assert_eq(
        feed_event(&e, SNMP_V1, SNMP_PDU_RESPONSE, "private", 7, DIR_TO_CLIENT, T0 + 3 * SEC), 0);
    cr_assert_eq(feed_event(&e, SNMP_V1, SNMP_PDU_GET, "private", 7, DIR_TO_SERVER, T0 + 4 * SEC),
                 0);
    cr_assert_eq(feed(&e, V1_SET_PRIVATE, DIR_TO_SERVER, T0 + 302 * SEC), 1);
    env_fini(&e);
}

Test(snmp_default_community, trap_sender_is_the_agent)
{
    struct env e;
    env_init(&e, shipped());
    /* agent 10.1.1.1 sends a trap to manager 10.9.9.9:162 */
    set_flow(&e, "10.1.1.1", 40008, "10.9.9.9", 162);
    cr_assert_eq(feed(&e, V1_TRAP_PUBLIC, DIR_TO_SERVER, T0), 1);
    cr_assert_str_eq(str_at(e.last, NULL, "src_ip"), "10.1.1.1");
    cr_assert_str_eq(str_at(e.last, "snmp", "pdu_type"), "trap_v1");
    cr_assert_null(json_object_get(json_object_get(e.last, "snmp"), "request_id"));
    /* the same manager polling that agent: the same (manager, agent) pair */
    set_flow(&e, "10.9.9.9", 50000, "10.1.1.1", 161);
    cr_assert_eq(feed(&e, V1_GET_PUBLIC, DIR_TO_SERVER, T0 + SEC), 0);
    /* an inform and a v2 trap from the agent are the same pair too */
    set_flow(&e, "10.1.1.1", 40009, "10.9.9.9", 162);
    cr_assert_eq(feed_event(&e, SNMP_V2C, SNMP_PDU_INFORM, "public", 6, DIR_TO_SERVER, T0 + 2), 0);
    cr_assert_eq(feed_event(&e, SNMP_V2C, SNMP_PDU_TRAP_V2, "public", 6, DIR_TO_SERVER, T0 + 3), 0);
    /* but the agent polling the manager is the reverse pair */
    set_flow(&e, "10.1.1.1", 40010, "10.9.9.9", 161);
    cr_assert_eq(feed(&e, V1_GET_PUBLIC, DIR_TO_SERVER, T0 + 4), 1);
    env_fini(&e);
}

Test(snmp_default_community, v3_never_alerts)
{
    struct env e;
    env_init(&e, shipped());
    set_flow(&e, "127.0.0.1", 35077, "127.0.0.1", 161);
    cr_assert_eq(feed(&e, V3_GETBULK, DIR_TO_SERVER, T0), 0);
    cr_assert_eq(feed(&e, V3_ENCRYPTED, DIR_TO_SERVER, T0), 0);
    /* not even with a user name that looks like a default community */
    cr_assert_eq(feed_event(&e, SNMP_V3, SNMP_PDU_GET, "public", 6, DIR_TO_SERVER, T0), 0);
    cr_assert_eq(feed_event(&e, SNMP_V3, SNMP_PDU_GET, "", 0, DIR_TO_SERVER, T0), 0);
    env_fini(&e);
}

Test(snmp_default_community, shipped_dictionary)
{
    static const char *const weak[] = {
        "public",      "private",     "",       "cisco", "ILMI",  "cable-docsis", "changeme-ro",
        "changeme-rw", "all private", "secret", "read",  "write", "tivoli",       "openview",
        "snmpd"};
    static const char *const strong[] = {"[R0_C@cti!]", "Xq7-strong-Comm", "publi",
                                         "public ",     "pub\x01ic",       "PuBlIc"};
    struct env e;
    env_init(&e, shipped());
    for (size_t i = 0; i < sizeof(weak) / sizeof(weak[0]); i++) {
        char mgr[32];
        snprintf(mgr, sizeof(mgr), "10.0.0.%zu", i + 1);
        set_flow(&e, mgr, 1024, AGENT, 161);
        cr_assert_eq(
            feed_event(&e, SNMP_V2C, SNMP_PDU_GET, weak[i], strlen(weak[i]), DIR_TO_SERVER, T0), 1,
            "'%s' is weak", weak[i]);
        cr_assert_str_eq(str_at(e.last, "snmp", "community"), weak[i]);
        cr_assert_str_eq(str_at(e.last, "snmp", "version"), "2c");
    }
    for (size_t i = 0; i < sizeof(strong) / sizeof(strong[0]); i++) {
        set_flow(&e, "10.0.1.1", 1024, AGENT, 161);
        cr_assert_eq(
            feed_event(&e, SNMP_V2C, SNMP_PDU_GET, strong[i], strlen(strong[i]), DIR_TO_SERVER, T0),
            0, "'%s' is not in the dictionary", strong[i]);
    }
    /* a community with a NUL byte is not "public" */
    cr_assert_eq(feed_event(&e, SNMP_V2C, SNMP_PDU_GET, "public\0x", 8, DIR_TO_SERVER, T0), 0);
    env_fini(&e);
}

Test(snmp_default_community, custom_dictionary)
{
    const char *path = th_write_temp("communities.txt", "# site words\n"
                                                        "  Acme-RO   # trailing comment\n"
                                                        "<empty>\n"
                                                        "Acme-RO\n"
                                                        "two words\n");
    struct env e;
    env_init(&e, path);
    set_flow(&e, MGR, 15916, AGENT, 161);
    cr_assert_eq(feed_event(&e, SNMP_V1, SNMP_PDU_GET, "Acme-RO", 7, DIR_TO_SERVER, T0), 1);
    cr_assert_eq(feed_event(&e, SNMP_V1, SNMP_PDU_GET, "", 0, DIR_TO_SERVER, T0), 1);
    cr_assert_eq(feed_event(&e, SNMP_V1, SNMP_PDU_GET, "two words", 9, DIR_TO_SERVER, T0), 1);
    cr_assert_eq(feed_event(&e, SNMP_V1, SNMP_PDU_GET, "public", 6, DIR_TO_SERVER, T0), 0);
    cr_assert_eq(feed_event(&e, SNMP_V1, SNMP_PDU_GET, "<empty>", 7, DIR_TO_SERVER, T0), 0);
    env_fini(&e);
}

Test(snmp_default_community, init_errors)
{
    struct sensor_config cfg;
    char err[512] = "";
    char path[4096] = "/nonexistent/communities.txt";
    void *priv = NULL;
    memset(&cfg, 0, sizeof(cfg));

    cfg.communities_file = path;
    cr_assert_eq(DET.init(&cfg, &priv, err, sizeof(err)), -ENOENT);
    cr_assert_not_null(strstr(err, "/nonexistent/communities.txt"), "%s", err);
    cr_assert_null(priv);

    char text[400];
    memset(text, 'a', sizeof(text));
    memcpy(text, "public\n", 7);
    text[sizeof(text) - 2] = '\n';
    text[sizeof(text) - 1] = '\0';
    snprintf(path, sizeof(path), "%s", th_write_temp("long.txt", text));
    err[0] = '\0';
    cr_assert_eq(DET.init(&cfg, &priv, err, sizeof(err)), -EINVAL);
    cr_assert_not_null(strstr(err, "long.txt:2: community longer than 255 bytes"), "%s", err);
    cr_assert_null(priv);
}

Test(snmp_default_community, no_dictionary_is_idle)
{
    struct env e;
    env_init(&e, "");
    cr_assert_null(e.priv);
    set_flow(&e, MGR, 15916, AGENT, 161);
    cr_assert_eq(feed(&e, V1_GET_PUBLIC, DIR_TO_SERVER, T0), 0);
    env_fini(&e);
}

Test(snmp_default_community, dedup_table_is_bounded)
{
    enum { KEYS = 4096 };
    struct env e;
    env_init(&e, shipped());
    for (unsigned i = 0; i <= KEYS; i++) {
        char mgr[32];
        snprintf(mgr, sizeof(mgr), "10.%u.%u.%u", i >> 16 & 0xff, i >> 8 & 0xff, i & 0xff);
        set_flow(&e, mgr, 1024, AGENT, 161);
        cr_assert_eq(feed_event(&e, SNMP_V2C, SNMP_PDU_GET, "public", 6, DIR_TO_SERVER, T0 + i), 1);
    }
    cr_assert_eq(snmp_default_community_evictions(e.priv), 1, "the oldest key made room");
    /* the evicted key (the first) alerts again; the newest is remembered */
    set_flow(&e, "10.0.0.0", 1024, AGENT, 161);
    cr_assert_eq(feed_event(&e, SNMP_V2C, SNMP_PDU_GET, "public", 6, DIR_TO_SERVER, T0 + SEC), 1);
    set_flow(&e, "10.0.16.0", 1024, AGENT, 161);
    cr_assert_eq(feed_event(&e, SNMP_V2C, SNMP_PDU_GET, "public", 6, DIR_TO_SERVER, T0 + SEC), 0);
    cr_assert_eq(snmp_default_community_evictions(e.priv), 2);

    /* after the window, old keys expire instead of being evicted */
    set_flow(&e, "192.168.0.1", 1024, AGENT, 161);
    cr_assert_eq(
        feed_event(&e, SNMP_V2C, SNMP_PDU_GET, "public", 6, DIR_TO_SERVER, T0 + 1000 * SEC), 1);
    cr_assert_eq(snmp_default_community_evictions(e.priv), 2);
    env_fini(&e);
}

Test(snmp_default_community, ignores_other_events_and_missing_flow)
{
    struct env e;
    env_init(&e, shipped());
    struct dis_event ev = {.type = EV_SNMP_PDU, .flow = NULL, .dir = DIR_TO_SERVER, .ts_us = T0};
    ev.u.snmp.version = SNMP_V2C;
    ev.u.snmp.pdu_type = SNMP_PDU_GET;
    ev.u.snmp.community = (const uint8_t *)"public";
    ev.u.snmp.community_len = 6;
    DET.on_event(&e.dctx, &ev, e.priv);
    cr_assert_eq(e.alerts, 1, "no flow: still one alert");
    DET.on_event(&e.dctx, &ev, e.priv);
    cr_assert_eq(e.alerts, 1);
    DET.fini(NULL);
    env_fini(&e);
}
