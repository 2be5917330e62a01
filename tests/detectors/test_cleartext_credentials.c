/*
 * test_cleartext_credentials.c - the cleartext credentials detector (sid 9100003).
 *
 * EV_CREDENTIALS events are built by hand as the Telnet and HTTP dissectors
 * emit them (actor = the client) and fed to the detector, directly or
 * through dis_emit(); alerts are caught, finished, by the det_ctx sink. The
 * expected JSON follows SPEC section 2: the credentials object, Suricata's
 * http object names, passwords redacted unless credentials.log_passwords.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "detector.h"
#include "dissector.h"
#include "eve.h"
#include "flow.h"

extern const struct detector cleartext_credentials_detector;

#define DET    cleartext_credentials_detector
#define SEC    1000000ull
#define T0     (1795000000ull * SEC) /* 2026-11-18T11:06:40Z */
#define CLIENT "10.30.0.50"
#define CME    "10.30.0.1"

struct env {
    struct sensor_config cfg;
    struct det_ctx dctx;
    struct flow flow;
    json_t *alerts;
};

static void sink(void *user, json_t *event)
{
    struct env *e = user;
    json_array_append_new(e->alerts, event);
}

static void env_init(struct env *e, bool log_passwords)
{
    memset(e, 0, sizeof(*e));
    e->cfg.log_passwords = log_passwords;
    e->alerts = json_array();
    e->dctx.cfg = &e->cfg;
    e->dctx.sink = sink;
    e->dctx.user = e;
    /* a telnet client 10.30.0.50:51000 -> CME 10.30.0.1:23 */
    e->flow.flow_id = 777;
    cr_assert_eq(tw_addr_parse(CLIENT, &e->flow.cli), 0);
    cr_assert_eq(tw_addr_parse(CME, &e->flow.srv), 0);
    e->flow.cport = 51000;
    e->flow.sport = 23;
    e->flow.proto = 6;
    e->flow.app_proto = "telnet";
}

static void env_fini(struct env *e) { json_decref(e->alerts); }

static size_t count(const struct env *e) { return json_array_size(e->alerts); }

static json_t *last(const struct env *e)
{
    size_t n = json_array_size(e->alerts);
    cr_assert_gt(n, 0, "no alert");
    return json_array_get(e->alerts, n - 1);
}

static json_t *obj(json_t *ev, const char *name)
{
    json_t *o = json_object_get(ev, name);
    cr_assert(json_is_object(o), "no %s object", name);
    return o;
}

static const char *str(json_t *o, const char *key)
{
    json_t *v = json_object_get(o, key);
    cr_assert(json_is_string(v), "%s is not a string", key);
    return json_string_value(v);
}

static json_int_t num(json_t *o, const char *key)
{
    json_t *v = json_object_get(o, key);
    cr_assert(json_is_integer(v), "%s is not an integer", key);
    return json_integer_value(v);
}

/* A credentials event as the dissectors emit it: actor = the client, seen on dir. */
static struct dis_event cred(const struct env *e, const char *protocol, const char *user,
                             const char *password, uint8_t outcome, uint32_t attempt)
{
    struct dis_event ev;
    memset(&ev, 0, sizeof(ev));
    ev.type = EV_CREDENTIALS;
    ev.flow = &e->flow;
    ev.dir = DIR_TO_SERVER;
    ev.actor = EV_ACTOR_CLIENT;
    ev.ts_us = T0 + 250000;
    ev.u.cred.protocol = protocol;
    if (user) {
        snprintf(ev.u.cred.username, sizeof(ev.u.cred.username), "%s", user);
        ev.u.cred.has_username = true;
    }
    snprintf(ev.u.cred.password, sizeof(ev.u.cred.password), "%s", password);
    ev.u.cred.password_len = strlen(password);
    ev.u.cred.outcome = outcome;
    ev.u.cred.attempt = attempt;
    return ev;
}

static void set_http(struct dis_event *ev, const char *method, const char *host, const char *url,
                     const char *ua, int status)
{
    struct ev_http_info *h = &ev->u.cred.http;
    ev->u.cred.has_http = true;
    snprintf(h->method, sizeof(h->method), "%s", method);
    snprintf(h->host, sizeof(h->host), "%s", host);
    snprintf(h->url, sizeof(h->url), "%s", url);
    snprintf(h->user_agent, sizeof(h->user_agent), "%s", ua);
    h->status = status;
}

static void feed(struct env *e, const struct dis_event *ev) { DET.on_event(&e->dctx, ev, NULL); }

/* The whole serialised alert does not contain s. */
static void assert_absent(json_t *alert, const char *s)
{
    char *line = eve_serialize(alert);
    cr_assert_not_null(line);
    cr_assert_null(strstr(line, s), "'%s' leaked: %s", s, line);
    free(line);
}

static size_t nkeys(json_t *o) { return json_object_size(o); }

Test(cleartext_credentials, metadata)
{
    cr_assert_str_eq(DET.name, "cleartext_credentials");
    cr_assert_eq(DET.sid, 9100003);
    cr_assert_eq(DET.rev, 1);
    cr_assert_eq(DET.severity, 1);
    cr_assert_eq(DET.events, EV_BIT(EV_CREDENTIALS));
    cr_assert_str_eq(DET.signature, "TOLLWATCH cleartext credentials");
    cr_assert_str_eq(DET.category, "Potential Corporate Privacy Violation");
    cr_assert_not_null(DET.on_event);
}

Test(cleartext_credentials, telnet_failure_redacted_by_default)
{
    struct env e;
    env_init(&e, false);
    struct dis_event ev = cred(&e, "telnet", "admin", "wrongpass", CRED_OUTCOME_FAILURE, 1);
    feed(&e, &ev);
    cr_assert_eq(count(&e), 1);
    json_t *a = last(&e);
    cr_assert_str_eq(str(a, "event_type"), "alert");
    cr_assert_str_eq(str(a, "timestamp"), "2026-11-18T11:06:40.250000+0000");
    cr_assert_eq(num(a, "flow_id"), 777);
    cr_assert_str_eq(str(a, "src_ip"), CLIENT);
    cr_assert_eq(num(a, "src_port"), 51000);
    cr_assert_str_eq(str(a, "dest_ip"), CME);
    cr_assert_eq(num(a, "dest_port"), 23);
    cr_assert_str_eq(str(a, "proto"), "TCP");
    cr_assert_str_eq(str(a, "app_proto"), "telnet");

    json_t *al = obj(a, "alert");
    cr_assert_str_eq(str(al, "action"), "allowed");
    cr_assert_eq(num(al, "gid"), 1);
    cr_assert_eq(num(al, "signature_id"), 9100003);
    cr_assert_eq(num(al, "rev"), 1);
    cr_assert_eq(num(al, "severity"), 1);
    cr_assert_str_eq(str(al, "signature"), "TOLLWATCH cleartext credentials");
    cr_assert_str_eq(str(al, "category"), "Potential Corporate Privacy Violation");
    cr_assert_str_eq(str(al, "detector"), "cleartext_credentials");

    json_t *c = obj(a, "credentials");
    cr_assert_str_eq(str(c, "protocol"), "telnet");
    cr_assert_str_eq(str(c, "username"), "admin");
    cr_assert_str_eq(str(c, "password"), "<redacted>");
    cr_assert_eq(num(c, "password_length"), 9);
    cr_assert_str_eq(str(c, "outcome"), "failure");
    cr_assert_eq(num(c, "attempt"), 1);
    cr_assert_eq(nkeys(c), 6, "no enable key on a login");
    cr_assert_null(json_object_get(a, "http"));
    assert_absent(a, "wrongpass");
    env_fini(&e);
}

Test(cleartext_credentials, log_passwords_shows_the_password)
{
    struct env e;
    env_init(&e, true);
    struct dis_event ev = cred(&e, "telnet", "admin", "Cisco123", CRED_OUTCOME_SUCCESS, 2);
    feed(&e, &ev);
    json_t *c = obj(last(&e), "credentials");
    cr_assert_str_eq(str(c, "password"), "Cisco123");
    cr_assert_eq(num(c, "password_length"), 8);
    cr_assert_str_eq(str(c, "outcome"), "success");
    cr_assert_eq(num(c, "attempt"), 2);
    env_fini(&e);
}

Test(cleartext_credentials, password_only_login_has_no_username)
{
    struct env e;
    env_init(&e, false);
    struct dis_event ev = cred(&e, "telnet", NULL, "vtypass", CRED_OUTCOME_SUCCESS, 1);
    /* a stale username in the buffer must not show when has_username is false */
    snprintf(ev.u.cred.username, sizeof(ev.u.cred.username), "ghost");
    feed(&e, &ev);
    json_t *c = obj(last(&e), "credentials");
    cr_assert_null(json_object_get(c, "username"));
    cr_assert_str_eq(str(c, "password"), "<redacted>");
    cr_assert_eq(num(c, "password_length"), 7);
    assert_absent(last(&e), "ghost");
    assert_absent(last(&e), "vtypass");
    env_fini(&e);
}

Test(cleartext_credentials, enable_password)
{
    struct env e;
    env_init(&e, false);
    struct dis_event ev = cred(&e, "telnet", "admin", "EnablePw!", CRED_OUTCOME_SUCCESS, 3);
    ev.u.cred.enable = true;
    feed(&e, &ev);
    json_t *c = obj(last(&e), "credentials");
    cr_assert(json_is_true(json_object_get(c, "enable")));
    cr_assert_str_eq(str(c, "username"), "admin");
    cr_assert_eq(num(c, "password_length"), 9);
    cr_assert_eq(num(c, "attempt"), 3);
    assert_absent(last(&e), "EnablePw!");
    env_fini(&e);
}

Test(cleartext_credentials, outcome_strings)
{
    static const struct {
        uint8_t outcome;
        const char *name;
    } cases[] = {{CRED_OUTCOME_SUCCESS, "success"},
                 {CRED_OUTCOME_FAILURE, "failure"},
                 {CRED_OUTCOME_UNKNOWN, "unknown"},
                 {7, "unknown"}};
    struct env e;
    env_init(&e, false);
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct dis_event ev = cred(&e, "http-form", "admin", "x", cases[i].outcome, 1);
        feed(&e, &ev);
        cr_assert_str_eq(str(obj(last(&e), "credentials"), "outcome"), cases[i].name);
    }
    cr_assert_eq(count(&e), 4);
    env_fini(&e);
}

Test(cleartext_credentials, one_alert_per_event)
{
    /* the dissectors decide what an attempt is: every event alerts, none is merged */
    struct env e;
    env_init(&e, false);
    struct dis_event ev = cred(&e, "http-basic", "cme", "nope", CRED_OUTCOME_FAILURE, 1);
    feed(&e, &ev);
    feed(&e, &ev);
    cr_assert_eq(count(&e), 2);
    env_fini(&e);
}

Test(cleartext_credentials, http_object)
{
    struct env e;
    env_init(&e, false);
    e.flow.sport = 80;
    e.flow.app_proto = "http";
    struct dis_event ev = cred(&e, "http-basic", "cme", "cmegui", CRED_OUTCOME_SUCCESS, 1);
    set_http(&ev, "GET", "10.30.0.1", "/ccme.html", "Mozilla/5.0 (X11; Linux x86_64)", 200);
    feed(&e, &ev);
    json_t *a = last(&e);
    cr_assert_eq(num(a, "dest_port"), 80);
    cr_assert_str_eq(str(a, "app_proto"), "http");
    json_t *h = obj(a, "http");
    cr_assert_str_eq(str(h, "hostname"), "10.30.0.1");
    cr_assert_str_eq(str(h, "url"), "/ccme.html");
    cr_assert_str_eq(str(h, "http_method"), "GET");
    cr_assert_str_eq(str(h, "http_user_agent"), "Mozilla/5.0 (X11; Linux x86_64)");
    cr_assert_eq(num(h, "status"), 200);
    cr_assert_eq(nkeys(h), 5);
    json_t *c = obj(a, "credentials");
    cr_assert_str_eq(str(c, "protocol"), "http-basic");
    cr_assert_str_eq(str(c, "username"), "cme");
    cr_assert_eq(num(c, "password_length"), 6);
    assert_absent(a, "cmegui");
    env_fini(&e);
}

Test(cleartext_credentials, http_object_absent_fields)
{
    struct env e;
    env_init(&e, false);
    struct dis_event ev = cred(&e, "http-form", "admin", "Passw0rd!", CRED_OUTCOME_UNKNOWN, 1);
    set_http(&ev, "POST", "", "/login.html", "", 0);
    feed(&e, &ev);
    json_t *h = obj(last(&e), "http");
    cr_assert_str_eq(str(h, "url"), "/login.html");
    cr_assert_str_eq(str(h, "http_method"), "POST");
    cr_assert_null(json_object_get(h, "hostname"), "no Host header: no hostname");
    cr_assert_null(json_object_get(h, "http_user_agent"));
    cr_assert_null(json_object_get(h, "status"), "no response seen: no status");
    env_fini(&e);
}

/* The url of an http alert for password pw sent in url (redacted unless log). */
static const char *url_of(struct env *e, const char *url, const char *pw)
{
    struct dis_event ev = cred(e, "http-query", "admin", pw, CRED_OUTCOME_UNKNOWN, 1);
    set_http(&ev, "GET", "10.30.0.1", url, "", 200);
    feed(e, &ev);
    return str(obj(last(e), "http"), "url");
}

Test(cleartext_credentials, query_password_redacted_in_url)
{
    struct env e;
    env_init(&e, false);
    cr_assert_str_eq(url_of(&e, "/login?login=admin&password=qwerty1234", "qwerty1234"),
                     "/login?login=admin&password=<redacted>");
    /* percent- and plus-encoded values are compared decoded */
    cr_assert_str_eq(
        url_of(&e, "/l.html?username=admin&password=Passw0rd%21&submit=Login", "Passw0rd!"),
        "/l.html?username=admin&password=<redacted>&submit=Login");
    cr_assert_str_eq(url_of(&e, "/l?pw=two+words;x=1#frag", "two words"),
                     "/l?pw=<redacted>;x=1#frag");
    /* a value that only contains the password (or a prefix of it) is not it ... */
    cr_assert_str_eq(url_of(&e, "/l?a=secre&b=1", "secret"), "/l?a=secre&b=1");
    /* ... but the safety net drops a query that still carries it */
    cr_assert_str_eq(url_of(&e, "/l?a=xxsecret&b=1", "secret"), "/l?<redacted>");
    cr_assert_str_eq(url_of(&e, "/l?a=xx%73ecret", "secret"), "/l?<redacted>");
    /* and the whole url when the path carries it */
    cr_assert_str_eq(url_of(&e, "/users/Secret99/login?x=1", "Secret99"), "<redacted>");
    /* passwords shorter than 4 bytes only match whole parameter values */
    cr_assert_str_eq(url_of(&e, "/about.html?page=ab", "ab"), "/about.html?page=<redacted>");
    cr_assert_str_eq(url_of(&e, "/l?", "abc"), "/l?");
    cr_assert_str_eq(url_of(&e, "/l?flag&pw=abc&", "abc"), "/l?flag&pw=<redacted>&");
    for (size_t i = 0; i < json_array_size(e.alerts); i++) {
        json_t *a = json_array_get(e.alerts, i);
        cr_assert_str_eq(str(obj(a, "credentials"), "password"), "<redacted>");
        assert_absent(a, "qwerty1234");
        assert_absent(a, "Passw0rd");
        assert_absent(a, "secret");
        assert_absent(a, "Secret99");
    }
    env_fini(&e);
}

Test(cleartext_credentials, query_password_kept_with_log_passwords)
{
    struct env e;
    env_init(&e, true);
    cr_assert_str_eq(url_of(&e, "/login?login=admin&password=qwerty1234", "qwerty1234"),
                     "/login?login=admin&password=qwerty1234");
    cr_assert_str_eq(str(obj(last(&e), "credentials"), "password"), "qwerty1234");
    env_fini(&e);
}

Test(cleartext_credentials, long_url_and_password)
{
    struct env e;
    env_init(&e, false);
    char pw[CRED_PASSWORD_MAX + 1];
    memset(pw, 'p', CRED_PASSWORD_MAX);
    pw[CRED_PASSWORD_MAX] = '\0';
    char url[HTTP_URL_MAX + 1];
    snprintf(url, sizeof(url), "/l?pw=%s", pw);
    struct dis_event ev = cred(&e, "http-query", "admin", pw, CRED_OUTCOME_UNKNOWN, 1);
    ev.u.cred.password_len = 300; /* typed: 300 bytes; kept: the first 128 */
    set_http(&ev, "GET", "h", url, "", 0);
    feed(&e, &ev);
    json_t *a = last(&e);
    cr_assert_eq(num(obj(a, "credentials"), "password_length"), 300);
    /* the value is 128 bytes, not the 300 typed: not equal, but the net drops the query */
    cr_assert_str_eq(str(obj(a, "http"), "url"), "/l?<redacted>");
    assert_absent(a, pw);

    /* a url of many one-letter parameters equal to the password grows past HTTP_URL_MAX */
    char many[HTTP_URL_MAX + 1] = "/m?";
    while (strlen(many) + 4 <= HTTP_URL_MAX)
        strcat(many, "a=x&");
    ev = cred(&e, "http-query", "admin", "x", CRED_OUTCOME_UNKNOWN, 1);
    set_http(&ev, "GET", "h", many, "", 0);
    feed(&e, &ev);
    const char *got = str(obj(last(&e), "http"), "url");
    cr_assert_eq(strncmp(got, "/m?a=<redacted>&a=<redacted>&", 29), 0, "%s", got);
    cr_assert_gt(strlen(got), HTTP_URL_MAX);
    cr_assert_null(strstr(got, "=x"), "%s", got);
    env_fini(&e);
}

Test(cleartext_credentials, log_passwords_keeps_the_typed_copy)
{
    struct env e;
    env_init(&e, true);
    struct dis_event ev = cred(&e, "telnet", "admin", "short", CRED_OUTCOME_SUCCESS, 1);
    ev.u.cred.password_len = 500;
    feed(&e, &ev);
    json_t *c = obj(last(&e), "credentials");
    cr_assert_str_eq(str(c, "password"), "short");
    cr_assert_eq(num(c, "password_length"), 500);
    env_fini(&e);
}

Test(cleartext_credentials, non_utf8_bytes_escaped)
{
    struct env e;
    env_init(&e, true);
    struct dis_event ev = cred(&e, "telnet", "ad\xffmin", "p\x01w\xfe", CRED_OUTCOME_UNKNOWN, 1);
    feed(&e, &ev);
    json_t *c = obj(last(&e), "credentials");
    cr_assert_str_eq(str(c, "username"), "ad\\xffmin");
    cr_assert_str_eq(str(c, "password"), "p\\x01w\\xfe");
    cr_assert_eq(num(c, "password_length"), 4);
    env_fini(&e);
}

Test(cleartext_credentials, username_buffer_full)
{
    /* a username filling the whole buffer without a NUL stops at CRED_USER_MAX */
    struct env e;
    env_init(&e, false);
    struct dis_event ev = cred(&e, "telnet", "u", "p", CRED_OUTCOME_UNKNOWN, 1);
    memset(ev.u.cred.username, 'u', sizeof(ev.u.cred.username));
    feed(&e, &ev);
    cr_assert_eq(strlen(str(obj(last(&e), "credentials"), "username")), CRED_USER_MAX);
    env_fini(&e);
}

static void to_detector(struct dis_ctx *ctx, const struct dis_event *ev)
{
    struct env *e = ctx->user;
    DET.on_event(&e->dctx, ev, NULL);
}

Test(cleartext_credentials, src_is_the_client_on_a_server_packet)
{
    /* the "% Login invalid" or the 401 from the server decides the outcome: the event is
       emitted while the server's packet is parsed, but the client sent the credentials */
    struct env e;
    env_init(&e, false);
    struct dis_ctx ctx = {
        .flow = &e.flow, .dir = DIR_TO_CLIENT, .ts_us = T0 + SEC, .emit = to_detector, .user = &e};
    struct dis_event ev = cred(&e, "telnet", "admin", "wrongpass", CRED_OUTCOME_FAILURE, 1);
    ev.dir = DIR_TO_CLIENT;
    dis_emit(&ctx, &ev);
    json_t *a = last(&e);
    cr_assert_str_eq(str(a, "src_ip"), CLIENT);
    cr_assert_eq(num(a, "src_port"), 51000);
    cr_assert_str_eq(str(a, "dest_ip"), CME);
    cr_assert_eq(num(a, "dest_port"), 23);
    cr_assert_str_eq(str(a, "timestamp"), "2026-11-18T11:06:41.000000+0000");

    /* handed to the detector directly with the server's direction: still the client */
    ev = cred(&e, "telnet", "admin", "wrongpass", CRED_OUTCOME_FAILURE, 1);
    ev.dir = DIR_TO_CLIENT;
    feed(&e, &ev);
    cr_assert_str_eq(str(last(&e), "src_ip"), CLIENT);
    cr_assert_eq(num(last(&e), "src_port"), 51000);

    /* actor SENDER keeps the event's direction */
    ev.actor = EV_ACTOR_SENDER;
    ev.dir = DIR_TO_SERVER;
    feed(&e, &ev);
    cr_assert_str_eq(str(last(&e), "src_ip"), CLIENT);
    ev.dir = DIR_TO_CLIENT;
    feed(&e, &ev);
    cr_assert_str_eq(str(last(&e), "src_ip"), CME);
    cr_assert_eq(count(&e), 4);
    env_fini(&e);
}

Test(cleartext_credentials, ignores_other_events)
{
    struct env e;
    env_init(&e, false);
    struct dis_event ev = cred(&e, "telnet", "admin", "pw", CRED_OUTCOME_SUCCESS, 1);
    for (int t = 0; t < EV_COUNT; t++) {
        if (t == EV_CREDENTIALS)
            continue;
        ev.type = (enum dis_event_type)t;
        feed(&e, &ev);
    }
    cr_assert_eq(count(&e), 0);
    env_fini(&e);
}

Test(cleartext_credentials, no_flow_and_no_config)
{
    struct env e;
    env_init(&e, true);
    e.dctx.cfg = NULL; /* no configuration: the default, redacted */
    struct dis_event ev = cred(&e, NULL, "admin", "Cisco123", CRED_OUTCOME_SUCCESS, 1);
    ev.flow = NULL;
    feed(&e, &ev);
    json_t *a = last(&e);
    cr_assert_null(json_object_get(a, "src_ip"));
    json_t *c = obj(a, "credentials");
    cr_assert_str_eq(str(c, "protocol"), "unknown");
    cr_assert_str_eq(str(c, "password"), "<redacted>");
    assert_absent(a, "Cisco123");
    env_fini(&e);
}
