/*
 * cleartext_credentials.c - alert on logins whose password crosses the wire in clear.
 *
 * The CME security guide asks operators to manage the router over SSH and
 * HTTPS ("transport input ssh", "no ip http server"): a Telnet vty login or
 * an HTTP GUI login hands the router's passwords to anyone on the path. The
 * Telnet and HTTP dissectors recognise the login (prompt + typed reply,
 * Authorization: Basic, a form or query with a password field) and emit one
 * EV_CREDENTIALS event per attempt, failed attempts included; this detector
 * turns each into an alert, sid 9100003, severity 1 (SPEC section 2), with
 *
 *   "credentials": {"protocol", "username" (absent for password-only
 *                   logins), "password", "password_length", "outcome",
 *                   "attempt", "enable" (true for an IOS enable password)}
 *   "http":        {"hostname", "url", "http_method", "http_user_agent",
 *                   "status"} when the login came with an HTTP request
 *                   (Suricata's http object names).
 *
 * The password is "<redacted>" unless credentials.log_passwords is true, and
 * is never written anywhere else: an HTTP query login carries it in the URL,
 * so every query parameter whose value decodes to the password becomes
 * "<redacted>" too, and as a last resort a URL in which the password (4 bytes
 * or more; shorter ones match by chance) still occurs loses its query, or
 * entirely, its path. The src of the alert is the client that sent the
 * credentials (the event's actor), even when the event was emitted on the
 * server's reply that decided the outcome. No state: the dissectors count
 * attempts per connection.
 */
#include "detector.h"

#include <stdio.h>
#include <string.h>

#include "config.h"
#include "eve.h"
#include "packet.h"

extern const struct detector cleartext_credentials_detector;

#define CC_REDACTED      "<redacted>"
#define CC_REDACTED_LEN  (sizeof(CC_REDACTED) - 1)
#define CC_NET_MIN       4 /* shortest password the substring safety net looks for */
#define CC_URL_OUT       (4 * HTTP_URL_MAX) /* each parameter grows by < CC_REDACTED_LEN */
#define CC_URL_PARAM_MAX HTTP_URL_MAX

static const char *cc_outcome(uint8_t o)
{
    switch (o) {
        case CRED_OUTCOME_SUCCESS:
            return "success";
        case CRED_OUTCOME_FAILURE:
            return "failure";
        default:
            return "unknown";
    }
}

static int cc_hex(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/*
 * Percent-decodes p/len into out (capacity cap), '+' as a space when plus is
 * set; invalid escapes stay as they are. Returns the decoded length, at most cap.
 */
static size_t cc_decode(const char *p, size_t len, bool plus, char *out, size_t cap)
{
    size_t o = 0;
    for (size_t i = 0; i < len && o < cap; i++) {
        int hi, lo;
        if (p[i] == '%' && len - i > 2 && (hi = cc_hex(p[i + 1])) >= 0 &&
            (lo = cc_hex(p[i + 2])) >= 0) {
            out[o++] = (char)(hi << 4 | lo);
            i += 2;
        } else {
            out[o++] = plus && p[i] == '+' ? ' ' : p[i];
        }
    }
    return o;
}

/* True if the bytes s/n equal the typed password (pw is its copy, pw_total its real length). */
static bool cc_is_password(const char *s, size_t n, const char *pw, size_t pwl, size_t pw_total)
{
    if (pwl == 0 || n != (pw_total > pwl ? pw_total : pwl) || n < pwl)
        return false;
    return memcmp(s, pw, pwl) == 0;
}

static bool cc_contains(const char *hay, size_t n, const char *needle, size_t m)
{
    if (m == 0 || m > n)
        return false;
    for (size_t i = 0; i <= n - m; i++)
        if (memcmp(hay + i, needle, m) == 0)
            return true;
    return false;
}

/* The password occurs in url/len, as sent or percent-decoded (long enough passwords only). */
static bool cc_leaks(const char *url, size_t len, const char *pw, size_t pwl)
{
    char dec[CC_URL_OUT];
    if (pwl < CC_NET_MIN)
        return false;
    if (cc_contains(url, len, pw, pwl))
        return true;
    size_t n = cc_decode(url, len, true, dec, sizeof(dec));
    return cc_contains(dec, n, pw, pwl);
}

static void cc_put(char *out, size_t cap, size_t *o, const char *p, size_t n)
{
    if (n > cap - *o)
        n = cap - *o;
    memcpy(out + *o, p, n);
    *o += n;
}

/*
 * Copies url into out (capacity cap, NUL-terminated) with the password
 * removed: query parameter values equal to it (decoded) become <redacted>;
 * then the safety net described at the top of the file.
 */
static void cc_redact_url(const char *url, size_t len, const char *pw, size_t pwl, size_t pw_total,
                          char *out, size_t cap)
{
    char dec[CC_URL_PARAM_MAX];
    size_t o = 0;
    const char *q = memchr(url, '?', len);
    size_t path_len = q ? (size_t)(q - url) : len;

    cap--; /* room for the NUL */
    cc_put(out, cap, &o, url, path_len);
    if (q) {
        size_t i = path_len;
        while (i < len) {
            /* url[i] is '?', '&' or ';': a parameter follows up to the next one or '#' */
            size_t start = ++i;
            while (i < len && url[i] != '&' && url[i] != ';' && url[i] != '#')
                i++;
            const char *eq = memchr(url + start, '=', i - start);
            size_t vstart = eq ? (size_t)(eq - url) + 1 : i;
            size_t dn = cc_decode(url + vstart, i - vstart, true, dec, sizeof(dec));
            cc_put(out, cap, &o, url + start - 1, vstart - start + 1);
            if (eq && cc_is_password(dec, dn, pw, pwl, pw_total))
                cc_put(out, cap, &o, CC_REDACTED, CC_REDACTED_LEN);
            else
                cc_put(out, cap, &o, url + vstart, i - vstart);
            if (i < len && url[i] == '#') {
                cc_put(out, cap, &o, url + i, len - i);
                break;
            }
        }
    }
    out[o] = '\0';

    if (!cc_leaks(out, o, pw, pwl))
        return;
    if (q && !cc_leaks(url, path_len, pw, pwl)) {
        o = 0;
        cc_put(out, cap, &o, url, path_len);
        cc_put(out, cap, &o, "?" CC_REDACTED, CC_REDACTED_LEN + 1);
        out[o] = '\0';
    } else {
        snprintf(out, cap + 1, "%s", CC_REDACTED);
    }
}

static void cc_set_str(json_t *obj, const char *key, const char *s, size_t max)
{
    eve_set_bytes(obj, key, (const uint8_t *)s, strnlen(s, max));
}

static json_t *cc_http_json(const struct ev_http_info *h, const char *pw, size_t pwl,
                            size_t pw_total, bool redact)
{
    char url[CC_URL_OUT + 1];
    json_t *o = json_object();
    if (!o)
        return NULL;
    size_t host_len = strnlen(h->host, HTTP_HOST_MAX);
    if (host_len)
        eve_set_bytes(o, "hostname", (const uint8_t *)h->host, host_len);
    size_t url_len = strnlen(h->url, HTTP_URL_MAX);
    if (redact && pwl)
        cc_redact_url(h->url, url_len, pw, pwl, pw_total, url, sizeof(url));
    else
        snprintf(url, sizeof(url), "%.*s", (int)url_len, h->url);
    cc_set_str(o, "url", url, sizeof(url) - 1);
    cc_set_str(o, "http_method", h->method, HTTP_METHOD_MAX);
    if (strnlen(h->user_agent, HTTP_UA_MAX))
        cc_set_str(o, "http_user_agent", h->user_agent, HTTP_UA_MAX);
    if (h->status)
        json_object_set_new(o, "status", json_integer(h->status));
    return o;
}

static json_t *cc_credentials_json(const struct ev_cred *c, bool log_passwords)
{
    json_t *o = json_object();
    if (!o)
        return NULL;
    json_object_set_new(o, "protocol", json_string(c->protocol ? c->protocol : "unknown"));
    if (c->has_username)
        cc_set_str(o, "username", c->username, CRED_USER_MAX);
    if (log_passwords)
        cc_set_str(o, "password", c->password, CRED_PASSWORD_MAX);
    else
        json_object_set_new(o, "password", json_string(CC_REDACTED));
    json_object_set_new(o, "password_length", json_integer((json_int_t)c->password_len));
    json_object_set_new(o, "outcome", json_string(cc_outcome(c->outcome)));
    json_object_set_new(o, "attempt", json_integer(c->attempt));
    if (c->enable)
        json_object_set_new(o, "enable", json_true());
    return o;
}

static void cc_on_event(struct det_ctx *ctx, const struct dis_event *ev, void *priv)
{
    (void)priv;
    if (ev->type != EV_CREDENTIALS)
        return;
    const struct ev_cred *c = &ev->u.cred;
    bool log_passwords = ctx->cfg && ctx->cfg->log_passwords;

    json_t *extra = json_object();
    json_t *cred = cc_credentials_json(c, log_passwords);
    if (!extra || !cred || json_object_set_new(extra, "credentials", cred) < 0) {
        /* without the credentials object the alert would say nothing: drop it */
        json_decref(extra);
        return;
    }
    if (c->has_http) {
        size_t pwl = strnlen(c->password, CRED_PASSWORD_MAX);
        json_t *h = cc_http_json(&c->http, c->password, pwl, c->password_len, !log_passwords);
        if (h)
            json_object_set_new(extra, "http", h);
    }

    /* src = the actor: the client that typed or sent the credentials */
    struct dis_event oriented = *ev;
    if (ev->actor == EV_ACTOR_CLIENT)
        oriented.dir = DIR_TO_SERVER;
    else if (ev->actor == EV_ACTOR_SERVER)
        oriented.dir = DIR_TO_CLIENT;
    alert_emit(ctx, &oriented, &cleartext_credentials_detector,
               cleartext_credentials_detector.severity, extra);
}

const struct detector cleartext_credentials_detector = {
    .name = "cleartext_credentials",
    .sid = 9100003,
    .rev = 1,
    .signature = "TOLLWATCH cleartext credentials",
    .category = "Potential Corporate Privacy Violation",
    .severity = 1,
    .events = EV_BIT(EV_CREDENTIALS),
    .init = NULL,
    .on_event = cc_on_event,
    .fini = NULL,
};
