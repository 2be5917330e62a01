/*
 * test_http.c - the HTTP/1.x dissector: request and response framing
 * (Content-Length, chunked, until close, pipelining), hostile sizes and
 * lengths, and the logins it reports (Basic, urlencoded forms, query
 * strings) with their outcome.
 *
 * Vectors marked "real" are TCP payloads copied from the shared captures
 * (../shared/pcaps, `tshark -r FILE -Y http -x`): browserspy
 * (http_basic_auth_browserspy.pcap), zeek's Basic captures with two spaces
 * and with a colon in the password, arkime's Basic capture, DVWA and the
 * port-1337 form and query logins, and the NTLM WebDAV capture. Their
 * expected user names, passwords and statuses are what tshark decodes
 * (http.authbasic, urlencoded-form, http.response.code). The others were
 * written for these tests from RFC 9112 (framing), RFC 7617 (Basic) and
 * RFC 4648 (base64).
 *
 * The session helper emulates the worker (src/worker.c stream_feed): it
 * keeps the bytes parse() did not consume (at most 64 KiB per direction),
 * drops them on DIS_MALFORMED and on a gap, and detaches on DIS_NOT_MINE.
 */
#include <criterion/criterion.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "flow.h"
#include "helpers.h"
#include "http.h"

/* ---- vectors ------------------------------------------------------------- */

/* real: browserspy frame 142, Basic test:fail3 */
#define REQ_BASIC_FAIL3                                                                            \
    "GET /password-ok.php HTTP/1.1\r\n"                                                            \
    "Host: browserspy.dk\r\n"                                                                      \
    "Connection: keep-alive\r\n"                                                                   \
    "Cache-Control: max-age=0\r\n"                                                                 \
    "Authorization: Basic dGVzdDpmYWlsMw==\r\n"                                                    \
    "Accept: text/html,application/xhtml+xml,application/xml;q=0.9,image/webp,*/*;q=0.8\r\n"       \
    "User-Agent: Mozilla/5.0 (Macintosh; Intel Mac OS X 10_8_5) AppleWebKit/537.36 (KHTML, like "  \
    "Gecko) Chrome/30.0.1599.69 Safari/537.36\r\n"                                                 \
    "Referer: http://browserspy.dk/password.php\r\n"                                               \
    "Accept-Encoding: gzip,deflate,sdch\r\n"                                                       \
    "Accept-Language: en-US,en;q=0.8\r\n"                                                          \
    "Cookie: __utma=190908281.1560095611.1381843968.1381843968.1381843968.1; "                     \
    "__utmb=190908281.2.10.1381843969; __utmc=190908281; "                                         \
    "__utmz=190908281.1381843969.1.1.utmcsr=google|utmccn=(organic)|utmcmd=organic|utmctr=(not%"   \
    "20provided); __unam=6b6ab6d-141bc51a81e-4102a661-2\r\n"                                       \
    "\r\n"

/* real: browserspy frame 171, Basic test:test */
#define REQ_BASIC_TEST                                                                             \
    "GET /password-ok.php HTTP/1.1\r\n"                                                            \
    "Host: browserspy.dk\r\n"                                                                      \
    "Connection: keep-alive\r\n"                                                                   \
    "Cache-Control: max-age=0\r\n"                                                                 \
    "Authorization: Basic dGVzdDp0ZXN0\r\n"                                                        \
    "Accept: text/html,application/xhtml+xml,application/xml;q=0.9,image/webp,*/*;q=0.8\r\n"       \
    "User-Agent: Mozilla/5.0 (Macintosh; Intel Mac OS X 10_8_5) AppleWebKit/537.36 (KHTML, like "  \
    "Gecko) Chrome/30.0.1599.69 Safari/537.36\r\n"                                                 \
    "Referer: http://browserspy.dk/password.php\r\n"                                               \
    "Accept-Encoding: gzip,deflate,sdch\r\n"                                                       \
    "Accept-Language: en-US,en;q=0.8\r\n"                                                          \
    "Cookie: __utma=190908281.1560095611.1381843968.1381843968.1381843968.1; "                     \
    "__utmb=190908281.2.10.1381843969; __utmc=190908281; "                                         \
    "__utmz=190908281.1381843969.1.1.utmcsr=google|utmccn=(organic)|utmcmd=organic|utmctr=(not%"   \
    "20provided); __unam=6b6ab6d-141bc51a81e-4102a661-2\r\n"                                       \
    "\r\n"

/* real: browserspy frame 202, the same test:test again */
#define REQ_BASIC_CSS                                                                              \
    "GET /theme/reset.css HTTP/1.1\r\n"                                                            \
    "Host: browserspy.dk\r\n"                                                                      \
    "Connection: keep-alive\r\n"                                                                   \
    "Cache-Control: max-age=0\r\n"                                                                 \
    "Authorization: Basic dGVzdDp0ZXN0\r\n"                                                        \
    "Accept: text/css,*/*;q=0.1\r\n"                                                               \
    "If-Modified-Since: Thu, 04 Sep 2008 12:24:28 GMT\r\n"                                         \
    "User-Agent: Mozilla/5.0 (Macintosh; Intel Mac OS X 10_8_5) AppleWebKit/537.36 (KHTML, like "  \
    "Gecko) Chrome/30.0.1599.69 Safari/537.36\r\n"                                                 \
    "Referer: http://browserspy.dk/password.php\r\n"                                               \
    "Accept-Encoding: gzip,deflate,sdch\r\n"                                                       \
    "Accept-Language: en-US,en;q=0.8\r\n"                                                          \
    "Cookie: __utma=190908281.1560095611.1381843968.1381843968.1381843968.1; "                     \
    "__utmb=190908281.2.10.1381843969; __utmc=190908281; "                                         \
    "__utmz=190908281.1381843969.1.1.utmcsr=google|utmccn=(organic)|utmcmd=organic|utmctr=(not%"   \
    "20provided); __unam=6b6ab6d-141bc51a81e-4102a661-2\r\n"                                       \
    "\r\n"

/* real: zeek extra space, Basic test:1234 after two spaces */
#define REQ_EXTRA_SPACE                                                                            \
    "GET / HTTP/1.1\r\n"                                                                           \
    "Host: 172.24.133.205:8000\r\n"                                                                \
    "User-Agent: python-requests/2.31.0\r\n"                                                       \
    "Accept-Encoding: gzip, deflate\r\n"                                                           \
    "Accept: */*\r\n"                                                                              \
    "Connection: keep-alive\r\n"                                                                   \
    "Authorization: Basic  dGVzdDoxMjM0\r\n"                                                       \
    "\r\n"

/* real: zeek colon, Basic test:1:34 */
#define REQ_COLON                                                                                  \
    "GET / HTTP/1.1\r\n"                                                                           \
    "Host: 172.24.133.205:8000\r\n"                                                                \
    "User-Agent: python-requests/2.31.0\r\n"                                                       \
    "Accept-Encoding: gzip, deflate\r\n"                                                           \
    "Accept: */*\r\n"                                                                              \
    "Connection: keep-alive\r\n"                                                                   \
    "Authorization: Basic  dGVzdDoxOjM0\r\n"                                                       \
    "\r\n"

/* real: zeek colon, response header (643-byte body follows) */
#define RESP_COLON                                                                                 \
    "HTTP/1.0 200 OK\r\n"                                                                          \
    "Server: SimpleHTTP/0.6 Python/3.10.6\r\n"                                                     \
    "Date: Mon, 26 Jun 2023 10:53:00 GMT\r\n"                                                      \
    "Content-type: text/html; charset=utf-8\r\n"                                                   \
    "Content-Length: 643\r\n"                                                                      \
    "\r\n"

/* real: arkime frame 4, Basic userrrrr:passworddddd */
#define REQ_ARKIME                                                                                 \
    "GET /xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx/xxx/xxxxxxxxxxxxxxxxxxxx.js HTTP/1.1\r\n"               \
    "Host: 10.000.000.001:1234\r\n"                                                                \
    "User-Agent: Mozilla/5.0 (Windows NT 5.1; rv:32.0) Gecko/20100101 Firefox/32.0\r\n"            \
    "Accept: */*\r\n"                                                                              \
    "Accept-Language: en-GB,en;q=0.5\r\n"                                                          \
    "Accept-Encoding: gzip, deflate\r\n"                                                           \
    "Referer: http://10.000.000.001:1234/zzzzzzzzzzzzzzzz/zzzzzzzz/zz/zzzzzzzzz/index.html\r\n"    \
    "Cookie: zzzzzzzzzzzzzzzzzz=auto; cprelogin=no; "                                              \
    "cpsession="                                                                                   \
    "zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz" \
    "zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz; langedit=; lang=\r\n"                      \
    "Authorization: Basic dXNlcnJycnI6cGFzc3dvcmRkZGRk\r\n"                                        \
    "Connection: keep-alive\r\n"                                                                   \
    "If-Modified-Since: Wed, 29 Oct 2014 01:11:13 GMT\r\n"                                         \
    "\r\n"

/* real: arkime frame 6, 304 */
#define RESP_ARKIME                                                                                \
    "HTTP/1.1 304 Not Modified\r\n"                                                                \
    "Server: cpsrvd/11.44.1.19\r\n"                                                                \
    "X-Keep-Alive-Count: 1\r\n"                                                                    \
    "Connection: Keep-Alive\r\n"                                                                   \
    "Keep-Alive: timeout=70, max=200\r\n"                                                          \
    "Date: Wed, 29 Oct 2014 17:35:08 GMT\r\n"                                                      \
    "Cache-Control: max-age=5184000, public\r\n"                                                   \
    "Expires: Sun, 28 Dec 2014 17:35:07 GMT\r\n"                                                   \
    "\r\n"

/* real: DVWA frame 28, form login admin/password */
#define REQ_DVWA                                                                                   \
    "POST /dvwa/login.php HTTP/1.1\r\n"                                                            \
    "Host: 10.2.2.104\r\n"                                                                         \
    "Connection: keep-alive\r\n"                                                                   \
    "Content-Length: 88\r\n"                                                                       \
    "Cache-Control: max-age=0\r\n"                                                                 \
    "Origin: http://10.2.2.104\r\n"                                                                \
    "Upgrade-Insecure-Requests: 1\r\n"                                                             \
    "User-Agent: Mozilla/5.0 (Macintosh; Intel Mac OS X 10_12_4) AppleWebKit/537.36 (KHTML, like " \
    "Gecko) Chrome/56.0.2924.87 Safari/537.36\r\n"                                                 \
    "Content-Type: application/x-www-form-urlencoded\r\n"                                          \
    "Accept: text/html,application/xhtml+xml,application/xml;q=0.9,image/webp,*/*;q=0.8\r\n"       \
    "Referer: http://10.2.2.104/dvwa/login.php\r\n"                                                \
    "Accept-Encoding: gzip, deflate\r\n"                                                           \
    "Accept-Language: en-US,en;q=0.8\r\n"                                                          \
    "Cookie: security=impossible; PHPSESSID=8tokslnu6t07ru35q4vbsc8tk6\r\n"                        \
    "\r\n"                                                                                         \
    "username=admin&password=password&Login=Login&user_token=bb171ec1363816dedc60def8744007fe"

/* real: DVWA frame 29, 302 to index.php */
#define RESP_DVWA                                                                                  \
    "HTTP/1.1 302 Found\r\n"                                                                       \
    "Date: Wed, 05 Apr 2017 20:10:13 GMT\r\n"                                                      \
    "Server: Apache/2.4.7 (Ubuntu)\r\n"                                                            \
    "X-Powered-By: PHP/5.5.9-1ubuntu4.21\r\n"                                                      \
    "Expires: Thu, 19 Nov 1981 08:52:00 GMT\r\n"                                                   \
    "Cache-Control: no-store, no-cache, must-revalidate, post-check=0, pre-check=0\r\n"            \
    "Pragma: no-cache\r\n"                                                                         \
    "Location: index.php\r\n"                                                                      \
    "Content-Length: 0\r\n"                                                                        \
    "Keep-Alive: timeout=5, max=99\r\n"                                                            \
    "Connection: Keep-Alive\r\n"                                                                   \
    "Content-Type: text/html\r\n"                                                                  \
    "\r\n"

/* real: port 1337 frame 4, form user=toto pass=Str0ngP4ssw0rd */
#define REQ_FORM1337                                                                               \
    "POST /login HTTP/1.1\r\n"                                                                     \
    "Host: 192.168.56.101:1337\r\n"                                                                \
    "User-Agent: Mozilla/5.0 (X11; Linux x86_64; rv:65.0) Gecko/20100101 Firefox/65.0\r\n"         \
    "Accept: text/html,application/xhtml+xml,application/xml;q=0.9,image/webp,*/*;q=0.8\r\n"       \
    "Accept-Language: fr,en-US;q=0.7,en;q=0.3\r\n"                                                 \
    "Accept-Encoding: gzip, deflate\r\n"                                                           \
    "Referer: http://192.168.56.101:1337/\r\n"                                                     \
    "Content-Type: application/x-www-form-urlencoded\r\n"                                          \
    "Content-Length: 29\r\n"                                                                       \
    "Connection: keep-alive\r\n"                                                                   \
    "Upgrade-Insecure-Requests: 1\r\n"                                                             \
    "\r\n"                                                                                         \
    "user=toto&pass=Str0ngP4ssw0rd"

/* real: port 1337 frame 6, status line alone */
#define RESP1337_LINE "HTTP/1.0 200 OK\r\n"

/* real: port 1337 frame 8, the rest of the header block */
#define RESP1337_HDRS                                                                              \
    "Content-Type: text/html; charset=utf-8\r\n"                                                   \
    "Content-Length: 30\r\n"                                                                       \
    "Server: Werkzeug/0.14.1 Python/3.6.7\r\n"                                                     \
    "Date: Mon, 04 Mar 2019 20:19:44 GMT\r\n"                                                      \
    "\r\n"

/* real: port 1337 frame 10, body */
#define RESP1337_BODY "<h1>You're authenticated.</h1>"

/* real: query login frame 22 */
#define REQ_QUERY                                                                                  \
    "GET /login?login=admin&password=qwerty1234 HTTP/1.1\r\n"                                      \
    "Host: 192.168.56.101:1337\r\n"                                                                \
    "User-Agent: Mozilla/5.0 (X11; Linux x86_64; rv:65.0) Gecko/20100101 Firefox/65.0\r\n"         \
    "Accept: text/html,application/xhtml+xml,application/xml;q=0.9,image/webp,*/*;q=0.8\r\n"       \
    "Accept-Language: fr,en-US;q=0.7,en;q=0.3\r\n"                                                 \
    "Accept-Encoding: gzip, deflate\r\n"                                                           \
    "Referer: http://192.168.56.101:1337/\r\n"                                                     \
    "Connection: keep-alive\r\n"                                                                   \
    "Upgrade-Insecure-Requests: 1\r\n"                                                             \
    "\r\n"

/* real: webdav frame 18, NTLM type 1 */
#define REQ_NTLM1                                                                                  \
    "MKCOL /webdav HTTP/1.1\r\n"                                                                   \
    "Host: www.dlp-test.com\r\n"                                                                   \
    "Authorization: NTLM TlRMTVNTUAABAAAABoIIAAAAAAAAAAAAAAAAAAAAAAA=\r\n"                         \
    "User-Agent: curl/7.68.0\r\n"                                                                  \
    "Accept: */*\r\n"                                                                              \
    "\r\n"

/* real: webdav frame 19, 401 */
#define RESP_NTLM1                                                                                 \
    "HTTP/1.1 401 Unauthorized\r\n"                                                                \
    "Content-Type: text/html; charset=us-ascii\r\n"                                                \
    "Server: Microsoft-HTTPAPI/2.0\r\n"                                                            \
    "WWW-Authenticate: NTLM "                                                                      \
    "TlRMTVNTUAACAAAACwALADgAAAAGgooC0Nn2DM9nS9AAAAAAAAAAAHgAeABDAAAACgB8TwAAAA9ETFAtVEVTVC1SNQIA" \
    "FgBEAEwAUAAtAFQARQBTAFQALQBSADUAAQAWAEQATABQAC0AVABFAFMAVAAtAFIANQAEABYARABMAFAALQBUAEUAUwBU" \
    "AC0AUgA1AAMAFgBEAEwAUAAtAFQARQBTAFQALQBSADUABwAIACJwM0Zs09oBAAAAAA==\r\n"                     \
    "Date: Thu, 11 Jul 2024 08:28:14 GMT\r\n"                                                      \
    "Content-Length: 341\r\n"                                                                      \
    "\r\n"                                                                                         \
    "<!DOCTYPE HTML PUBLIC \"-//W3C//DTD HTML "                                                    \
    "4.01//EN\"\"http://www.w3.org/TR/html4/strict.dtd\">\r\n"                                     \
    "<HTML><HEAD><TITLE>Not Authorized</TITLE>\r\n"                                                \
    "<META HTTP-EQUIV=\"Content-Type\" Content=\"text/html; charset=us-ascii\"></HEAD>\r\n"        \
    "<BODY><h2>Not Authorized</h2>\r\n"                                                            \
    "<hr><p>HTTP Error 401. The requested resource requires user authentication.</p>\r\n"          \
    "</BODY></HTML>\r\n"

/* real: webdav frame 21, NTLM type 3 */
#define REQ_NTLM3                                                                                  \
    "MKCOL /webdav HTTP/1.1\r\n"                                                                   \
    "Host: www.dlp-test.com\r\n"                                                                   \
    "Authorization: NTLM "                                                                         \
    "TlRMTVNTUAADAAAAGAAYAEAAAACoAKgAWAAAABAAEAAAAQAABgAGABABAAATABMAFgEAAAAAAAAAAAAABoKKAjrvL98V" \
    "y9vwrskDqtNIRrSr8NGw9v9Tc/SY7SF4InoLycCfluQXmwwBAQAAAAAAAADjsEVs09oBq/DRsPb/"                 \
    "U3MAAAAAAgAWAEQATABQAC0AVABFAFMAVAAtAFIANQABABYARABMAFAALQBUAEUAUwBUAC0AUgA1AAQAFgBEAEwAUAAt" \
    "AFQARQBTAFQALQBSADUAAwAWAEQATABQAC0AVABFAFMAVAAtAFIANQAHAAgAInAzRmzT2gEAAAAAAAAAAHd3dy5kbHAt" \
    "dGVzdC5jb21XZWJEQVZpdmFuLUxhdGl0dWRlLUU2NTQw\r\n"                                             \
    "User-Agent: curl/7.68.0\r\n"                                                                  \
    "Accept: */*\r\n"                                                                              \
    "\r\n"

/* ---- session: the worker's stream handling ---------------------------------- */

#define MAX_EV  256
#define BUF_MAX 65536 /* WORKER_STREAM_MAX */

struct sess {
    void *st;
    struct flow flow;
    uint8_t buf[2][BUF_MAX];
    size_t len[2];
    uint64_t ts;
    const char *error;
    bool detached;
    size_t consumed, needed;
    struct dis_event ev[MAX_EV];
    int nev;
};

static void on_emit(struct dis_ctx *ctx, const struct dis_event *ev)
{
    struct sess *s = ctx->user;
    cr_assert_lt(s->nev, MAX_EV, "too many events");
    s->ev[s->nev++] = *ev; /* every field is inline or a static string */
}

static struct sess *sess_new(void)
{
    struct sess *s = calloc(1, sizeof(*s));
    cr_assert_not_null(s);
    s->st = calloc(1, http_dissector.state_size);
    cr_assert_not_null(s->st);
    s->flow.proto = 6;
    s->flow.cli.family = 4;
    memcpy(s->flow.cli.a, "\xc0\xa8\x00\x04", 4);
    s->flow.srv.family = 4;
    memcpy(s->flow.srv.a, "\xc0\xfe\xbd\xa9", 4);
    s->flow.cport = 54338;
    s->flow.sport = 80;
    s->ts = 1000000;
    return s;
}

static void sess_free(struct sess *s)
{
    http_dissector.state_free(s->st);
    free(s->st);
    free(s);
}

static enum dis_result sess_feed(struct sess *s, int dir, const void *data, size_t n, uint64_t gap)
{
    cr_assert_not(s->detached, "fed after DIS_NOT_MINE");
    if (gap)
        s->len[dir] = 0;
    cr_assert_leq(n, BUF_MAX - s->len[dir], "the worker would drop this");
    if (n)
        memcpy(s->buf[dir] + s->len[dir], data, n);
    s->len[dir] += n;
    size_t len = s->len[dir];
    uint8_t *copy = malloc(len ? len : 1); /* exact size, so ASan sees overreads */
    cr_assert_not_null(copy);
    memcpy(copy, s->buf[dir], len);
    struct dis_ctx ctx = {
        .flow = &s->flow, .dir = dir, .ts_us = s->ts, .gap = gap, .emit = on_emit, .user = s};
    struct cursor c;
    cur_init(&c, copy, len);
    enum dis_result r = http_dissector.parse(&ctx, s->st, &c);
    free(copy);
    s->error = ctx.error;
    s->consumed = ctx.consumed;
    s->needed = ctx.needed;
    switch (r) {
        case DIS_OK:
        case DIS_NEED_MORE:
            cr_assert_leq(ctx.consumed, len);
            if (r == DIS_OK)
                cr_assert_eq(ctx.consumed, len, "DIS_OK consumes everything");
            else
                cr_assert_gt(ctx.needed, len - ctx.consumed, "needs more than it has");
            memmove(s->buf[dir], s->buf[dir] + ctx.consumed, len - ctx.consumed);
            s->len[dir] = len - ctx.consumed;
            break;
        case DIS_MALFORMED:
            cr_assert_not_null(ctx.error, "DIS_MALFORMED says why");
            s->len[dir] = 0;
            break;
        case DIS_NOT_MINE:
            s->detached = true;
            s->len[0] = s->len[1] = 0;
            break;
        case DIS_TRUNCATED:
            s->len[dir] = 0;
            break;
    }
    return r;
}

static enum dis_result sess_str(struct sess *s, int dir, const char *text)
{
    return sess_feed(s, dir, text, strlen(text), 0);
}

/* Feeds text that must parse completely. */
static void sess_ok(struct sess *s, int dir, const char *text)
{
    enum dis_result r = sess_str(s, dir, text);
    cr_assert_eq(r, DIS_OK, "%.60s...: result %d (%s)", text, r, s->error ? s->error : "");
}

static void sess_end(struct sess *s, int dir, bool reset)
{
    struct dis_ctx ctx = {.flow = &s->flow, .dir = dir, .ts_us = s->ts, .emit = on_emit, .user = s};
    http_dissector.end(&ctx, s->st, reset);
}

static int count_type(const struct sess *s, enum dis_event_type t)
{
    int n = 0;
    for (int i = 0; i < s->nev; i++)
        n += s->ev[i].type == t;
    return n;
}

/* The k-th (0-based) event of type t, or NULL. */
static const struct dis_event *nth(const struct sess *s, enum dis_event_type t, int k)
{
    for (int i = 0; i < s->nev; i++)
        if (s->ev[i].type == t && k-- == 0)
            return &s->ev[i];
    return NULL;
}

static const struct ev_cred *cred(const struct sess *s, int k)
{
    const struct dis_event *e = nth(s, EV_CREDENTIALS, k);
    cr_assert_not_null(e, "credential %d", k);
    cr_assert_eq(e->actor, EV_ACTOR_CLIENT);
    cr_assert_eq(e->dir, DIR_TO_SERVER, "the client is the actor");
    cr_assert_eq(e->flow, &s->flow);
    cr_assert(e->u.cred.has_http);
    return &e->u.cred;
}

static const struct ev_http_info *req(const struct sess *s, int k)
{
    const struct dis_event *e = nth(s, EV_HTTP_REQUEST, k);
    cr_assert_not_null(e, "request %d", k);
    cr_assert_eq(e->actor, EV_ACTOR_CLIENT);
    cr_assert_eq(e->dir, DIR_TO_SERVER);
    return &e->u.http;
}

static void assert_cred(const struct ev_cred *c, const char *proto, const char *user,
                        const char *pass, uint8_t outcome)
{
    cr_assert_str_eq(c->protocol, proto);
    cr_assert(c->has_username);
    cr_assert_str_eq(c->username, user);
    cr_assert_str_eq(c->password, pass);
    cr_assert_eq(c->password_len, strlen(pass));
    cr_assert_eq(c->outcome, outcome, "%s %s: outcome %u", proto, user, c->outcome);
}

/* "HTTP/1.1 <status> X\r\nContent-Length: 0\r\n\r\n" */
static const char *resp(int status)
{
    static char buf[8][96];
    static int slot;
    char *b = buf[slot++ % 8];
    snprintf(b, sizeof(buf[0]), "HTTP/1.1 %d X\r\nContent-Length: 0\r\n\r\n", status);
    return b;
}

/* A request with one header line; static buffer per call slot. */
static const char *basic_req(const char *token)
{
    static char buf[8][512];
    static int slot;
    char *b = buf[slot++ % 8];
    snprintf(b, sizeof(buf[0]), "GET /a HTTP/1.1\r\nHost: h\r\nAuthorization: %s\r\n\r\n", token);
    return b;
}

static const char *form_req(const char *body)
{
    static char buf[8][2048];
    static int slot;
    char *b = buf[slot++ % 8];
    snprintf(b, sizeof(buf[0]),
             "POST /login HTTP/1.1\r\nHost: h\r\n"
             "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: %zu\r\n\r\n%s",
             strlen(body), body);
    return b;
}

/* ---- declaration and probe ---------------------------------------------------- */

Test(http, dissector_declaration)
{
    cr_assert_str_eq(http_dissector.name, "http");
    cr_assert_eq(http_dissector.l4, 6);
    cr_assert_eq(http_dissector.ports[0], 80);
    cr_assert_eq(http_dissector.ports[1], 8080);
    cr_assert_eq(http_dissector.ports[2], 8000);
    cr_assert_eq(http_dissector.ports[3], 0, "no 443: TLS is not HTTP/1.x");
    cr_assert_eq(http_dissector.ndpi_ids[0], 7); /* NDPI_PROTOCOL_HTTP */
    cr_assert_gt(http_dissector.state_size, 0);
    cr_assert_not_null(http_dissector.probe);
    cr_assert_not_null(http_dissector.end);
    cr_assert_not_null(http_dissector.state_free);
    cr_assert_eq(dissector_find("http"), &http_dissector);
}

static bool probe_str(const char *text, size_t cut, int dir)
{
    struct cursor c;
    size_t n = strlen(text);
    cur_init(&c, (const uint8_t *)text, cut && cut < n ? cut : n);
    bool r = http_dissector.probe(&c, dir);
    cr_assert_eq(c.off, 0, "probe consumes nothing");
    return r;
}

Test(http, probe)
{
    static const char *const req_ok[] = {
        "GET / HTTP/1.1\r\n",     "POST /x HTTP/1.0\r\n",
        "HEAD / HTTP/1.1\r\n",    "PUT /f HTTP/1.1",
        "DELETE /f HTTP/1.1",     "OPTIONS * HTTP/1.1",
        "PATCH /p HTTP/1.1",      "PROPFIND /d HTTP/1.1",
        "MKCOL /webdav HTTP/1.1", "VERSION-CONTROL /v HTTP/1.1",
        "CONNECT h:443 HTTP/1.1",
    };
    for (size_t i = 0; i < sizeof(req_ok) / sizeof(req_ok[0]); i++)
        cr_assert(probe_str(req_ok[i], 0, DIR_TO_SERVER), "%s", req_ok[i]);
    cr_assert(probe_str("HTTP/1.1 200 OK\r\n", 0, DIR_TO_CLIENT));
    cr_assert(probe_str("HTTP/1.0 401 Unauthorized\r\n", 0, DIR_TO_CLIENT));
    /* a first segment shorter than the method is judged on what it has */
    cr_assert(probe_str("GE", 0, DIR_TO_SERVER));
    cr_assert(probe_str("HTT", 0, DIR_TO_CLIENT));

    static const char *const req_bad[] = {
        "get / HTTP/1.1",               /* methods are upper case */
        " GET / HTTP/1.1",              /* leading space */
        "\x16\x03\x01\x00\xa5\x01",     /* TLS ClientHello */
        "SSH-2.0-OpenSSH_8.9\r\n",      /* digits and '-' after letters, no space */
        "HTTP/1.1 200 OK\r\n",          /* a response from the client */
        "ABCDEFGHIJKLMNOPQRSTUVWXYZ /", /* too long a method */
        "-GET / HTTP/1.1",
    };
    for (size_t i = 0; i < sizeof(req_bad) / sizeof(req_bad[0]); i++)
        cr_assert_not(probe_str(req_bad[i], 0, DIR_TO_SERVER), "%s", req_bad[i]);
    cr_assert_not(probe_str("GET / HTTP/1.1\r\n", 0, DIR_TO_CLIENT), "a request from the server");
    cr_assert_not(probe_str("HTTP/2.0 200\r\n", 0, DIR_TO_CLIENT));
    cr_assert_not(probe_str("RTSP/1.0 200 OK\r\n", 0, DIR_TO_CLIENT));
}

/* ---- real logins --------------------------------------------------------------- */

Test(http, basic_failure_then_success_browserspy)
{
    struct sess *s = sess_new();
    sess_ok(s, DIR_TO_SERVER, REQ_BASIC_FAIL3);
    cr_assert_eq(s->nev, 0, "reported when the response comes");
    sess_ok(s, DIR_TO_CLIENT, "HTTP/1.1 401 Authorization Required\r\nContent-Length: 5\r\n\r\n");
    cr_assert_eq(count_type(s, EV_CREDENTIALS), 1, "reported with the status, before the body");
    sess_ok(s, DIR_TO_CLIENT, "abcde");
    cr_assert_eq(s->nev, 2);
    const struct ev_cred *c = cred(s, 0);
    assert_cred(c, "http-basic", "test", "fail3", CRED_OUTCOME_FAILURE);
    cr_assert_eq(c->attempt, 1);
    cr_assert_str_eq(c->http.method, "GET");
    cr_assert_str_eq(c->http.host, "browserspy.dk");
    cr_assert_str_eq(c->http.url, "/password-ok.php");
    cr_assert_str_eq(c->http.user_agent,
                     "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_8_5) AppleWebKit/537.36 (KHTML, "
                     "like Gecko) Chrome/30.0.1599.69 Safari/537.36");
    cr_assert_eq(c->http.status, 401);
    cr_assert_eq(s->ev[0].type, EV_CREDENTIALS, "the credential comes first");
    cr_assert_eq(s->ev[1].type, EV_HTTP_REQUEST);
    cr_assert_eq(req(s, 0)->status, 401);

    /* the right password on the same connection is a second attempt */
    sess_ok(s, DIR_TO_SERVER, REQ_BASIC_TEST);
    sess_ok(s, DIR_TO_CLIENT, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n");
    cr_assert_eq(count_type(s, EV_CREDENTIALS), 2, "reported with the header");
    assert_cred(cred(s, 1), "http-basic", "test", "test", CRED_OUTCOME_SUCCESS);
    cr_assert_eq(cred(s, 1)->attempt, 2);
    sess_ok(s, DIR_TO_CLIENT, "0\r\n\r\n");

    /* the same header again: the same attempt, not reported again */
    sess_ok(s, DIR_TO_SERVER, REQ_BASIC_CSS);
    sess_ok(s, DIR_TO_CLIENT, resp(304));
    cr_assert_eq(count_type(s, EV_CREDENTIALS), 2);
    cr_assert_eq(count_type(s, EV_HTTP_REQUEST), 3);
    cr_assert_str_eq(req(s, 2)->url, "/theme/reset.css");
    cr_assert_eq(req(s, 2)->status, 304);
    sess_end(s, DIR_TO_SERVER, false);
    sess_end(s, DIR_TO_CLIENT, false);
    cr_assert_eq(s->nev, 5);
    sess_free(s);
}

Test(http, basic_two_spaces_zeek)
{
    struct sess *s = sess_new();
    s->flow.sport = 8000;
    sess_ok(s, DIR_TO_SERVER, REQ_EXTRA_SPACE);
    sess_ok(s, DIR_TO_CLIENT, RESP_COLON);
    const struct ev_cred *c = cred(s, 0);
    assert_cred(c, "http-basic", "test", "1234", CRED_OUTCOME_SUCCESS);
    cr_assert_str_eq(c->http.host, "172.24.133.205:8000");
    cr_assert_str_eq(c->http.user_agent, "python-requests/2.31.0");
    sess_free(s);
}

Test(http, basic_password_with_colon_zeek)
{
    struct sess *s = sess_new();
    s->flow.sport = 8000;
    sess_ok(s, DIR_TO_SERVER, REQ_COLON);
    sess_ok(s, DIR_TO_CLIENT, RESP_COLON);
    cr_assert_eq(count_type(s, EV_CREDENTIALS), 1, "on the header");
    assert_cred(cred(s, 0), "http-basic", "test", "1:34", CRED_OUTCOME_SUCCESS);
    cr_assert_eq(cred(s, 0)->http.status, 200);
    /* the 643-byte body, in pieces */
    char body[643];
    memset(body, 'x', sizeof(body));
    cr_assert_eq(sess_feed(s, DIR_TO_CLIENT, body, 600, 0), DIS_OK);
    cr_assert_eq(sess_feed(s, DIR_TO_CLIENT, body, 43, 0), DIS_OK);
    /* HTTP/1.0 server: the next bytes would be a new response */
    sess_ok(s, DIR_TO_CLIENT, resp(200));
    cr_assert_eq(s->nev, 2, "a response without a request is ignored");
    sess_free(s);
}

Test(http, basic_arkime_not_modified_is_success)
{
    struct sess *s = sess_new();
    s->flow.sport = 2082;
    sess_ok(s, DIR_TO_SERVER, REQ_ARKIME);
    sess_ok(s, DIR_TO_CLIENT, RESP_ARKIME);
    const struct ev_cred *c = cred(s, 0);
    assert_cred(c, "http-basic", "userrrrr", "passworddddd", CRED_OUTCOME_SUCCESS);
    cr_assert_str_eq(c->http.host, "10.000.000.001:1234");
    cr_assert_str_eq(c->http.url, "/xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx/xxx/xxxxxxxxxxxxxxxxxxxx.js");
    cr_assert_eq(c->http.status, 304);
    sess_free(s);
}

Test(http, form_login_dvwa_redirect_is_success)
{
    struct sess *s = sess_new();
    sess_ok(s, DIR_TO_SERVER, REQ_DVWA);
    sess_ok(s, DIR_TO_CLIENT, RESP_DVWA);
    cr_assert_eq(count_type(s, EV_CREDENTIALS), 1);
    const struct ev_cred *c = cred(s, 0);
    /* "username" wins over the "Login" submit button */
    assert_cred(c, "http-form", "admin", "password", CRED_OUTCOME_SUCCESS);
    cr_assert_str_eq(c->http.method, "POST");
    cr_assert_str_eq(c->http.host, "10.2.2.104");
    cr_assert_str_eq(c->http.url, "/dvwa/login.php");
    cr_assert_eq(c->http.status, 302);
    sess_free(s);
}

Test(http, form_login_port1337_ok_is_unknown)
{
    struct sess *s = sess_new();
    s->flow.sport = 1337;
    sess_ok(s, DIR_TO_SERVER, REQ_FORM1337);
    cr_assert_eq(sess_str(s, DIR_TO_CLIENT, RESP1337_LINE), DIS_NEED_MORE);
    cr_assert_eq(s->consumed, 0);
    sess_ok(s, DIR_TO_CLIENT, RESP1337_HDRS);
    sess_ok(s, DIR_TO_CLIENT, RESP1337_BODY);
    const struct ev_cred *c = cred(s, 0);
    assert_cred(c, "http-form", "toto", "Str0ngP4ssw0rd", CRED_OUTCOME_UNKNOWN);
    cr_assert_str_eq(c->http.host, "192.168.56.101:1337");
    cr_assert_str_eq(c->http.url, "/login");
    cr_assert_eq(c->http.status, 200);
    sess_free(s);
}

Test(http, query_login_port1337)
{
    struct sess *s = sess_new();
    s->flow.sport = 1337;
    sess_ok(s, DIR_TO_SERVER, REQ_QUERY);
    sess_ok(s, DIR_TO_CLIENT, RESP1337_LINE RESP1337_HDRS RESP1337_BODY);
    const struct ev_cred *c = cred(s, 0);
    assert_cred(c, "http-query", "admin", "qwerty1234", CRED_OUTCOME_UNKNOWN);
    cr_assert_str_eq(c->http.method, "GET");
    cr_assert_str_eq(c->http.url, "/login?login=admin&password=qwerty1234");
    sess_free(s);
}

Test(http, ntlm_is_not_a_cleartext_credential)
{
    struct sess *s = sess_new();
    sess_ok(s, DIR_TO_SERVER, REQ_NTLM1);
    sess_ok(s, DIR_TO_CLIENT, RESP_NTLM1);
    sess_ok(s, DIR_TO_SERVER, REQ_NTLM3);
    sess_ok(s, DIR_TO_CLIENT, resp(405));
    cr_assert_eq(count_type(s, EV_CREDENTIALS), 0);
    cr_assert_eq(count_type(s, EV_HTTP_REQUEST), 2);
    cr_assert_str_eq(req(s, 0)->method, "MKCOL");
    cr_assert_str_eq(req(s, 0)->host, "www.dlp-test.com");
    cr_assert_str_eq(req(s, 0)->user_agent, "curl/7.68.0");
    cr_assert_eq(req(s, 0)->status, 401);
    cr_assert_eq(req(s, 1)->status, 405);
    sess_free(s);
}

Test(http, digest_is_not_a_cleartext_credential)
{
    struct sess *s = sess_new();
    sess_ok(s, DIR_TO_SERVER,
            basic_req("Digest username=\"Mufasa\", realm=\"http-auth@example.org\", uri=\"/a\", "
                      "nonce=\"7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v\", response=\"8ca5\""));
    sess_ok(s, DIR_TO_CLIENT, resp(200));
    cr_assert_eq(count_type(s, EV_CREDENTIALS), 0);
    cr_assert_eq(count_type(s, EV_HTTP_REQUEST), 1);
    sess_free(s);
}

/* ---- framing ------------------------------------------------------------------- */

Test(http, pipelined_requests_match_responses_in_order)
{
    struct sess *s = sess_new();
    sess_ok(s, DIR_TO_SERVER,
            "GET /1 HTTP/1.1\r\nHost: h\r\n\r\n"
            "HEAD /2 HTTP/1.1\r\nHost: h\r\n\r\n"
            "POST /3 HTTP/1.1\r\nHost: h\r\nContent-Length: 4\r\n\r\nabcd"
            "GET /4 HTTP/1.1\r\nHost: h\r\n\r\n");
    cr_assert_eq(s->nev, 0);
    /* the response to HEAD announces a length but has no body */
    sess_ok(s, DIR_TO_CLIENT,
            "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabc"
            "HTTP/1.1 404 Not Found\r\nContent-Length: 1000\r\n\r\n"
            "HTTP/1.1 100 Continue\r\n\r\n"
            "HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n");
    cr_assert_eq(count_type(s, EV_HTTP_REQUEST), 3);
    cr_assert_str_eq(req(s, 0)->url, "/1");
    cr_assert_eq(req(s, 0)->status, 200);
    cr_assert_str_eq(req(s, 1)->method, "HEAD");
    cr_assert_eq(req(s, 1)->status, 404);
    cr_assert_str_eq(req(s, 2)->url, "/3");
    cr_assert_eq(req(s, 2)->status, 201, "100 Continue is not the answer");
    sess_ok(s, DIR_TO_CLIENT, "HTTP/1.1 204 No Content\r\n\r\n");
    cr_assert_eq(count_type(s, EV_HTTP_REQUEST), 4);
    cr_assert_eq(req(s, 3)->status, 204);
    sess_free(s);
}

Test(http, no_body_for_204_and_304)
{
    struct sess *s = sess_new();
    sess_ok(s, DIR_TO_SERVER,
            "GET /a HTTP/1.1\r\n\r\nGET /b HTTP/1.1\r\n\r\nGET /c HTTP/1.1\r\n\r\n");
    sess_ok(s, DIR_TO_CLIENT,
            "HTTP/1.1 204 No Content\r\nContent-Length: 10\r\n\r\n"
            "HTTP/1.1 304 Not Modified\r\nTransfer-Encoding: chunked\r\n\r\n"
            "HTTP/1.1 200 OK\r\n\r\n");
    cr_assert_eq(count_type(s, EV_HTTP_REQUEST), 3);
    cr_assert_eq(req(s, 2)->status, 200);
    sess_free(s);
}

Test(http, response_until_close)
{
    struct sess *s = sess_new();
    sess_ok(s, DIR_TO_SERVER, basic_req("Basic dXNlcjpwdw==")); /* user:pw */
    sess_ok(s, DIR_TO_CLIENT, "HTTP/1.0 200 OK\r\nContent-Type: text/html\r\n\r\n<html>");
    cr_assert_eq(count_type(s, EV_CREDENTIALS), 1, "the status is known");
    /* everything up to the close is body, even what looks like a response */
    sess_ok(s, DIR_TO_CLIENT, "HTTP/1.1 401 X\r\n\r\n");
    sess_ok(s, DIR_TO_SERVER, basic_req("Basic dXNlcjpwdzI=")); /* user:pw2 */
    sess_ok(s, DIR_TO_CLIENT, "HTTP/1.1 401 X\r\n\r\n");
    cr_assert_eq(count_type(s, EV_CREDENTIALS), 1);
    sess_end(s, DIR_TO_CLIENT, false);
    cr_assert_eq(count_type(s, EV_CREDENTIALS), 2, "the server closed: no answer will come");
    assert_cred(cred(s, 1), "http-basic", "user", "pw2", CRED_OUTCOME_UNKNOWN);
    cr_assert_eq(cred(s, 1)->http.status, 0);
    sess_free(s);
}

Test(http, transfer_encoding_not_chunked_in_response_runs_to_close)
{
    struct sess *s = sess_new();
    sess_ok(s, DIR_TO_SERVER, "GET / HTTP/1.1\r\n\r\n");
    sess_ok(s, DIR_TO_CLIENT, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked, gzip\r\n\r\nzz");
    sess_ok(s, DIR_TO_CLIENT, "\x1f\x8b binary \r\n\r\n");
    cr_assert_eq(req(s, 0)->status, 200);
    sess_free(s);
}

/* A chunked response: extensions, upper-case hex, a trailer, then another response. */
#define CHUNKED_RESP                                                                               \
    "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\nContent-Length: 2\r\n\r\n"             \
    "5;name=value\r\nhello\r\n"                                                                    \
    "A ; x=\"y\"\r\n0123456789\r\n"                                                                \
    "1a\r\nabcdefghijklmnopqrstuvwxyz\r\n"                                                         \
    "0\r\nX-Trailer: 1\r\nX-Other: 2\r\n\r\n"                                                      \
    "HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n"

Test(http, chunked_split_at_every_byte)
{
    const char *all = CHUNKED_RESP;
    size_t n = strlen(all);
    for (size_t k = 0; k <= n; k++) {
        struct sess *s = sess_new();
        sess_ok(s, DIR_TO_SERVER, basic_req("Basic YTpi")); /* a:b */
        sess_ok(s, DIR_TO_SERVER, "GET /2 HTTP/1.1\r\nAuthorization: Basic YzpkZA==\r\n\r\n");
        enum dis_result r = sess_feed(s, DIR_TO_CLIENT, all, k, 0);
        cr_assert(r == DIS_OK || r == DIS_NEED_MORE, "split %zu: %d", k, r);
        r = sess_feed(s, DIR_TO_CLIENT, all + k, n - k, 0);
        cr_assert_eq(r, DIS_OK, "split %zu: %d %s", k, r, s->error ? s->error : "");
        cr_assert_eq(s->len[DIR_TO_CLIENT], 0);
        cr_assert_eq(count_type(s, EV_CREDENTIALS), 2, "split %zu", k);
        assert_cred(cred(s, 0), "http-basic", "a", "b", CRED_OUTCOME_SUCCESS);
        assert_cred(cred(s, 1), "http-basic", "c", "dd", CRED_OUTCOME_FAILURE);
        sess_free(s);
    }
    /* and one byte at a time */
    struct sess *s = sess_new();
    sess_ok(s, DIR_TO_SERVER, basic_req("Basic YTpi"));
    sess_ok(s, DIR_TO_SERVER, "GET /2 HTTP/1.1\r\nAuthorization: Basic YzpkZA==\r\n\r\n");
    for (size_t k = 0; k < n; k++) {
        enum dis_result r = sess_feed(s, DIR_TO_CLIENT, all + k, 1, 0);
        cr_assert(r == DIS_OK || r == DIS_NEED_MORE, "byte %zu: %d", k, r);
    }
    cr_assert_eq(s->len[DIR_TO_CLIENT], 0);
    cr_assert_eq(count_type(s, EV_CREDENTIALS), 2);
    sess_free(s);
}

Test(http, chunked_size_waits_for_its_line)
{
    struct sess *s = sess_new();
    sess_ok(s, DIR_TO_SERVER, "GET / HTTP/1.1\r\n\r\n");
    sess_ok(s, DIR_TO_CLIENT, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n");
    cr_assert_eq(sess_str(s, DIR_TO_CLIENT, "1"), DIS_NEED_MORE);
    cr_assert_eq(sess_str(s, DIR_TO_CLIENT, "0"), DIS_NEED_MORE);
    cr_assert_eq(sess_str(s, DIR_TO_CLIENT, "\r"), DIS_NEED_MORE);
    cr_assert_eq(s->consumed, 0);
    sess_ok(s, DIR_TO_CLIENT, "\n0123456789abcdef"); /* 0x10 = 16 bytes */
    cr_assert_eq(sess_str(s, DIR_TO_CLIENT, "\r"), DIS_NEED_MORE);
    sess_ok(s, DIR_TO_CLIENT, "\n0\r\n\r\n");
    cr_assert_eq(count_type(s, EV_HTTP_REQUEST), 1);
    sess_free(s);
}

Test(http, chunked_request_form)
{
    struct sess *s = sess_new();
    sess_ok(s, DIR_TO_SERVER,
            "POST /login HTTP/1.1\r\nHost: h\r\n"
            "Content-Type: application/x-www-form-urlencoded; charset=UTF-8\r\n"
            "Transfer-Encoding: chunked\r\n\r\n"
            "9\r\nuser=joe&\r\n");
    sess_ok(s, DIR_TO_SERVER, "d;ext\r\npassword=s3cr\r\n");
    sess_ok(s, DIR_TO_SERVER, "2\r\net\r\n0\r\n\r\n");
    sess_ok(s, DIR_TO_CLIENT, resp(303));
    assert_cred(cred(s, 0), "http-form", "joe", "s3cret", CRED_OUTCOME_SUCCESS);
    sess_free(s);
}

Test(http, content_length_body_split_at_every_byte)
{
    char all[512];
    snprintf(all, sizeof(all), "%sGET /next HTTP/1.1\r\n\r\n", form_req("usr=bob&pwd=hunter2"));
    size_t n = strlen(all);
    for (size_t k = 0; k <= n; k++) {
        struct sess *s = sess_new();
        enum dis_result r = sess_feed(s, DIR_TO_SERVER, all, k, 0);
        cr_assert(r == DIS_OK || r == DIS_NEED_MORE, "split %zu: %d", k, r);
        cr_assert_eq(sess_feed(s, DIR_TO_SERVER, all + k, n - k, 0), DIS_OK, "split %zu", k);
        sess_ok(s, DIR_TO_CLIENT, resp(401));
        sess_ok(s, DIR_TO_CLIENT, resp(200));
        cr_assert_eq(count_type(s, EV_CREDENTIALS), 1, "split %zu", k);
        assert_cred(cred(s, 0), "http-form", "bob", "hunter2", CRED_OUTCOME_FAILURE);
        cr_assert_eq(count_type(s, EV_HTTP_REQUEST), 2);
        cr_assert_str_eq(req(s, 1)->url, "/next");
        sess_free(s);
    }
}

Test(http, every_truncation_of_a_request)
{
    const char *all = REQ_DVWA;
    size_t n = strlen(all);
    size_t hdr = (size_t)(strstr(all, "\r\n\r\n") + 4 - all);
    for (size_t k = 0; k < n; k++) {
        struct sess *s = sess_new();
        enum dis_result r = sess_feed(s, DIR_TO_SERVER, all, k, 0);
        if (k == 0)
            cr_assert_eq(r, DIS_OK);
        else if (k < hdr)
            cr_assert_eq(r, DIS_NEED_MORE, "cut to %zu: %d", k, r);
        else
            cr_assert_eq(r, DIS_OK, "cut to %zu: the body is consumed as it comes", k);
        cr_assert_eq(s->consumed, k < hdr ? 0 : k, "cut to %zu", k);
        cr_assert_eq(s->nev, 0, "cut to %zu: nothing yet", k);
        /* the connection ends there */
        sess_end(s, DIR_TO_SERVER, false);
        sess_end(s, DIR_TO_CLIENT, true);
        cr_assert_eq(count_type(s, EV_HTTP_REQUEST), k < hdr ? 0 : 1, "cut to %zu", k);
        /* a cut body is read up to its last '&': the password is known whole from here on */
        size_t pw = (size_t)(strstr(all, "&Login") - all);
        cr_assert_eq(count_type(s, EV_CREDENTIALS), k > pw ? 1 : 0, "cut to %zu", k);
        if (k > pw) {
            assert_cred(cred(s, 0), "http-form", "admin", "password", CRED_OUTCOME_UNKNOWN);
            cr_assert_eq(cred(s, 0)->http.status, 0);
        }
        sess_free(s);
    }
}

Test(http, empty_lines_before_a_request_are_skipped)
{
    struct sess *s = sess_new();
    sess_ok(s, DIR_TO_SERVER, "\r\n\n\r\nGET / HTTP/1.1\r\n\r\n");
    cr_assert_eq(sess_str(s, DIR_TO_SERVER, "\r"), DIS_NEED_MORE);
    sess_ok(s, DIR_TO_SERVER, "\nGET /2 HTTP/1.1\n\n"); /* bare LF line ends */
    sess_ok(s, DIR_TO_CLIENT, "HTTP/1.1 200 OK\nContent-Length: 0\n\nHTTP/1.1 200 OK\r\n\n");
    cr_assert_eq(count_type(s, EV_HTTP_REQUEST), 2);
    cr_assert_str_eq(req(s, 1)->url, "/2");
    sess_free(s);
}

Test(http, large_body_is_consumed_incrementally)
{
    struct sess *s = sess_new();
    const char *hdr = "POST /upload HTTP/1.1\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                      "Content-Length: 1048576\r\n\r\n";
    sess_ok(s, DIR_TO_SERVER, hdr);
    static uint8_t chunk[4096];
    memset(chunk, 'a', sizeof(chunk));
    memcpy(chunk, "user=ann&password=pw%21&x=", 26);
    for (int i = 0; i < 256; i++) {
        cr_assert_eq(sess_feed(s, DIR_TO_SERVER, chunk, sizeof(chunk), 0), DIS_OK);
        cr_assert_eq(s->len[DIR_TO_SERVER], 0, "nothing kept");
        if (i == 0)
            memset(chunk, 'b', 26);
    }
    sess_ok(s, DIR_TO_SERVER, "GET / HTTP/1.1\r\n\r\n");
    sess_ok(s, DIR_TO_CLIENT, resp(200));
    assert_cred(cred(s, 0), "http-form", "ann", "pw!", CRED_OUTCOME_UNKNOWN);
    /* the response side too */
    sess_ok(s, DIR_TO_CLIENT, "HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n");
    for (int i = 0; i < 24; i++)
        cr_assert_eq(sess_feed(s, DIR_TO_CLIENT, chunk, sizeof(chunk), 0), DIS_OK);
    cr_assert_eq(count_type(s, EV_HTTP_REQUEST), 2);
    sess_free(s);
}

Test(http, form_fields_beyond_8k_are_not_read)
{
    char body[9000];
    memset(body, 'z', sizeof(body));
    memcpy(body, "x=", 2);
    memcpy(body + 8192 - 10, "&user=u&password=p", 18); /* crosses the 8 KiB mark */
    body[sizeof(body) - 1] = '\0';
    char *msg = malloc(10000);
    cr_assert_not_null(msg);
    snprintf(msg, 10000,
             "POST / HTTP/1.1\r\nContent-Type: application/x-www-form-urlencoded\r\n"
             "Content-Length: %zu\r\n\r\n%s",
             strlen(body), body);
    struct sess *s = sess_new();
    sess_ok(s, DIR_TO_SERVER, msg);
    sess_ok(s, DIR_TO_CLIENT, resp(302));
    cr_assert_eq(count_type(s, EV_CREDENTIALS), 0);
    sess_free(s);
    free(msg);
}

Test(http, pending_queue_is_bounded)
{
    struct sess *s = sess_new();
    for (int i = 0; i < 40; i++) {
        char buf[128];
        snprintf(buf, sizeof(buf), "GET /%d HTTP/1.1\r\nAuthorization: Basic %s\r\n\r\n", i,
                 i == 0 ? "YTpi" : "YzpkZA==");
        sess_ok(s, DIR_TO_SERVER, buf);
    }
    /* 32 wait; the 8 oldest were reported without a response */
    cr_assert_eq(count_type(s, EV_HTTP_REQUEST), 8);
    cr_assert_str_eq(req(s, 0)->url, "/0");
    cr_assert_eq(req(s, 0)->status, 0);
    cr_assert_eq(count_type(s, EV_CREDENTIALS), 2);
    assert_cred(cred(s, 0), "http-basic", "a", "b", CRED_OUTCOME_UNKNOWN);
    assert_cred(cred(s, 1), "http-basic", "c", "dd", CRED_OUTCOME_UNKNOWN);
    /* responses still answer the right requests */
    for (int i = 0; i < 9; i++)
        sess_ok(s, DIR_TO_CLIENT, resp(200 + i));
    cr_assert_eq(count_type(s, EV_HTTP_REQUEST), 9);
    cr_assert_str_eq(req(s, 8)->url, "/8");
    cr_assert_eq(req(s, 8)->status, 208);
    sess_end(s, DIR_TO_CLIENT, false);
    cr_assert_eq(count_type(s, EV_HTTP_REQUEST), 40);
    cr_assert_str_eq(req(s, 39)->url, "/39");
    sess_free(s);
}

Test(http, early_response_waits_for_the_body)
{
    struct sess *s = sess_new();
    cr_assert_eq(sess_str(s, DIR_TO_SERVER,
                          "POST /login HTTP/1.1\r\nExpect: 100-continue\r\n"
                          "Content-Type: application/x-www-form-urlencoded\r\n"
                          "Content-Length: 25\r\n\r\n"),
                 DIS_OK);
    sess_ok(s, DIR_TO_CLIENT, "HTTP/1.1 100 Continue\r\n\r\n");
    sess_ok(s, DIR_TO_SERVER, "login=root&passwd=toor");
    sess_ok(s, DIR_TO_CLIENT, resp(403));
    cr_assert_eq(s->nev, 0, "three bytes of the body are missing");
    sess_ok(s, DIR_TO_SERVER, "%21");
    assert_cred(cred(s, 0), "http-form", "root", "toor!", CRED_OUTCOME_FAILURE);
    sess_free(s);
}

Test(http, connect_tunnel_is_opaque)
{
    struct sess *s = sess_new();
    sess_ok(s, DIR_TO_SERVER, "CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n");
    sess_ok(s, DIR_TO_CLIENT, "HTTP/1.1 200 Connection established\r\n\r\n");
    cr_assert_eq(req(s, 0)->status, 200);
    sess_ok(s, DIR_TO_SERVER, "\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03");
    sess_ok(s, DIR_TO_CLIENT, "\x16\x03\x03\x00\x7a\x02\x00\x00\x76");
    sess_ok(s, DIR_TO_SERVER, basic_req("Basic YTpi"));
    sess_end(s, DIR_TO_SERVER, false);
    sess_end(s, DIR_TO_CLIENT, false);
    cr_assert_eq(count_type(s, EV_CREDENTIALS), 0, "inside the tunnel nothing is HTTP");
    cr_assert_eq(s->nev, 1);
    sess_free(s);
}

Test(http, upgrade_101_is_opaque)
{
    struct sess *s = sess_new();
    sess_ok(s, DIR_TO_SERVER,
            "GET /chat HTTP/1.1\r\nHost: h\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n");
    sess_ok(s, DIR_TO_CLIENT,
            "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n"
            "\x81\x05hello");
    cr_assert_eq(req(s, 0)->status, 101);
    sess_ok(s, DIR_TO_SERVER, "\x81\x85\x37\xfa\x21\x3d\x7f\x9f\x4d\x51\x58");
    cr_assert_eq(s->nev, 1);
    sess_free(s);
}

/* ---- hostile input ----------------------------------------------------------------- */

static enum dis_result one_request(const char *text, const char **ret_error)
{
    struct sess *s = sess_new();
    sess_ok(s, DIR_TO_CLIENT, ""); /* nothing */
    sess_ok(s, DIR_TO_SERVER, "GET /first HTTP/1.1\r\n\r\n");
    enum dis_result r = sess_str(s, DIR_TO_SERVER, text);
    if (ret_error)
        *ret_error = s->error;
    sess_free(s);
    return r;
}

Test(http, hostile_content_lengths)
{
    static const struct {
        const char *cl;
        const char *error;
    } bad[] = {
        {"-1", "bad Content-Length"},
        {"+5", "bad Content-Length"},
        {"", "bad Content-Length"},
        {"0x10", "bad Content-Length"},
        {"5 5", "bad Content-Length"},
        {"5,", "bad Content-Length"},
        {"5, 6", "conflicting Content-Length"},
        {"99999999999999999999999", "Content-Length too large"},
        {"18446744073709551616", "Content-Length too large"},
        {"4611686018427387905", "Content-Length too large"}, /* 2^62 + 1 */
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        char buf[256];
        const char *err = NULL;
        snprintf(buf, sizeof(buf), "POST / HTTP/1.1\r\nContent-Length: %s\r\n\r\n", bad[i].cl);
        cr_assert_eq(one_request(buf, &err), DIS_MALFORMED, "'%s'", bad[i].cl);
        cr_assert_str_eq(err, bad[i].error, "'%s'", bad[i].cl);
    }
    const char *err = NULL;
    cr_assert_eq(
        one_request("POST / HTTP/1.1\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\n", &err),
        DIS_MALFORMED);
    cr_assert_str_eq(err, "conflicting Content-Length");
    /* the same value repeated is one length (RFC 9110 section 8.6) */
    cr_assert_eq(
        one_request("POST / HTTP/1.1\r\nContent-Length: 3\r\ncontent-length: 3\r\n\r\nabc", NULL),
        DIS_OK);
    cr_assert_eq(one_request("POST / HTTP/1.1\r\nContent-Length: 3 , 3,3\r\n\r\nabc", NULL),
                 DIS_OK);
    cr_assert_eq(
        one_request("POST / HTTP/1.1\r\nContent-Length: 4611686018427387904\r\n\r\nabc", NULL),
        DIS_OK, "2^62 is the cap");
    /* a request Transfer-Encoding other than chunked (RFC 9112 section 6.3) */
    cr_assert_eq(one_request("POST / HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n", &err),
                 DIS_MALFORMED);
    cr_assert_str_eq(err, "request Transfer-Encoding is not chunked");
    /* chunked wins over Content-Length */
    cr_assert_eq(one_request("POST / HTTP/1.1\r\nContent-Length: 100\r\n"
                             "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET / HTTP/1.1\r\n\r\n",
                             NULL),
                 DIS_OK);
}

Test(http, hostile_chunks)
{
    static const struct {
        const char *body;
        const char *error;
    } bad[] = {
        {"g\r\n", "bad chunk size"},
        {"\r\n", "bad chunk size"},
        {"-1\r\n", "bad chunk size"},
        {"5 x\r\n", "bad chunk size"},
        {"ffffffffffffffffff\r\n", "chunk size too large"},
        {"3\r\nabcX", "chunk data not followed by CRLF"},
        {"3\r\nabc\rX", "chunk data not followed by CRLF"},
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        char buf[256];
        const char *err = NULL;
        snprintf(buf, sizeof(buf), "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n%s",
                 bad[i].body);
        cr_assert_eq(one_request(buf, &err), DIS_MALFORMED, "'%s'", bad[i].body);
        cr_assert_str_eq(err, bad[i].error, "'%s'", bad[i].body);
    }
    /* a chunk-size line that never ends */
    struct sess *s = sess_new();
    sess_ok(s, DIR_TO_SERVER, "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n");
    char *junk = malloc(8192);
    cr_assert_not_null(junk);
    memset(junk, '0', 8192);
    cr_assert_eq(sess_feed(s, DIR_TO_SERVER, junk, 8192 - 1, 0), DIS_NEED_MORE);
    cr_assert_eq(sess_feed(s, DIR_TO_SERVER, junk, 1, 0), DIS_MALFORMED);
    cr_assert_str_eq(s->error, "chunk-size line too long");
    /* 101 trailer lines */
    sess_ok(s, DIR_TO_SERVER, "GET / HTTP/1.1\r\n\r\n");
    sess_ok(s, DIR_TO_SERVER, "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n");
    for (int i = 0; i < 100; i++)
        sess_ok(s, DIR_TO_SERVER, "T: x\r\n");
    cr_assert_eq(sess_str(s, DIR_TO_SERVER, "T: x\r\n"), DIS_MALFORMED);
    cr_assert_str_eq(s->error, "HTTP trailer too large");
    free(junk);
    sess_free(s);
}

Test(http, hostile_header_sizes)
{
    /* 100 field lines are fine, 101 are not */
    char *buf = malloc(64 * 1024);
    cr_assert_not_null(buf);
    memset(buf, 'c', 64 * 1024);
    for (int lines = 100; lines <= 101; lines++) {
        size_t o = (size_t)snprintf(buf, 64 * 1024, "GET / HTTP/1.1\r\n");
        for (int i = 0; i < lines; i++)
            o += (size_t)snprintf(buf + o, 64 * 1024 - o, "X-%d: v\r\n", i);
        snprintf(buf + o, 64 * 1024 - o, "\r\n");
        const char *err = NULL;
        cr_assert_eq(one_request(buf, &err), lines == 100 ? DIS_OK : DIS_MALFORMED, "%d", lines);
        if (lines == 101)
            cr_assert_str_eq(err, "too many header fields");
    }
    /* a 16 KiB header block waits; one byte more without its end is malformed */
    struct sess *s = sess_new();
    size_t o = (size_t)snprintf(buf, 64 * 1024, "GET / HTTP/1.1\r\nCookie: ");
    memset(buf + o, 'c', 16384 - o);
    cr_assert_eq(sess_feed(s, DIR_TO_SERVER, buf, 16383, 0), DIS_NEED_MORE);
    cr_assert_eq(sess_feed(s, DIR_TO_SERVER, buf + 16383, 1, 0), DIS_MALFORMED);
    cr_assert_str_eq(s->error, "HTTP header block too large");
    /* a response header block too */
    sess_ok(s, DIR_TO_SERVER, "GET / HTTP/1.1\r\n\r\n");
    memcpy(buf, "HTTP/1.1 200 OK\r\nX: ", 20);
    cr_assert_eq(sess_feed(s, DIR_TO_CLIENT, buf, 20000, 0), DIS_MALFORMED);
    cr_assert_str_eq(s->error, "HTTP header block too large");
    /* a long URL and a control byte are cut and replaced in the event */
    sess_free(s);
    s = sess_new();
    o = (size_t)snprintf(buf, 64 * 1024, "GET /");
    memset(buf + o, 'u', 1000);
    o += 1000;
    o += (size_t)snprintf(buf + o, 64 * 1024 - o,
                          " HTTP/1.1\r\nUser-Agent: a\x01\xff"
                          "b\r\n\r\n");
    sess_ok(s, DIR_TO_SERVER, buf);
    sess_end(s, DIR_TO_SERVER, false);
    sess_end(s, DIR_TO_CLIENT, false);
    cr_assert_eq(strlen(req(s, 0)->url), HTTP_URL_MAX);
    cr_assert_eq(req(s, 0)->url[0], '/');
    cr_assert_str_eq(req(s, 0)->user_agent, "a??b");
    sess_free(s);
    free(buf);
}

Test(http, bad_start_lines)
{
    static const char *const bad[] = {
        "GET / HTTP/2.0\r\n\r\n",    "GET /\r\n\r\n",          "GET  HTTP/1.1\r\n\r\n",
        "GET / HTTP/1.1 x\r\n\r\n",  "GET / http/1.1\r\n\r\n", "GET / HTTP/1.\r\n\r\n",
        "G\x01T / HTTP/1.1\r\n\r\n", "get / HTTP/1.1\r\n\r\n",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        cr_assert_eq(one_request(bad[i], NULL), DIS_MALFORMED, "%s", bad[i]);
    struct sess *s = sess_new();
    sess_ok(s, DIR_TO_SERVER, "GET / HTTP/1.1\r\n\r\nGET /2 HTTP/1.1\r\n\r\n");
    static const char *const bad_status[] = {
        "HTTP/1.1 20 OK\r\n\r\n",
        "HTTP/1.1 2000 OK\r\n\r\n",
        "HTTP/1.1 OK\r\n\r\n",
    };
    for (size_t i = 0; i < sizeof(bad_status) / sizeof(bad_status[0]); i++) {
        cr_assert_eq(sess_str(s, DIR_TO_CLIENT, bad_status[i]), DIS_MALFORMED, "%s", bad_status[i]);
        cr_assert_str_eq(s->error, "bad HTTP status line");
        sess_free(s);
        s = sess_new();
        sess_ok(s, DIR_TO_SERVER, "GET / HTTP/1.1\r\n\r\n");
    }
    /* status line without a reason phrase */
    sess_ok(s, DIR_TO_CLIENT, "HTTP/1.1 200\r\n\r\n");
    cr_assert_eq(req(s, 0)->status, 200);
    sess_free(s);
}

Test(http, not_http_detaches)
{
    struct sess *s = sess_new();
    cr_assert_eq(sess_str(s, DIR_TO_SERVER, "\x16\x03\x01\x00\xa5\x01\x00\x00\xa1\x03\x03"),
                 DIS_NOT_MINE);
    sess_free(s);
    s = sess_new();
    cr_assert_eq(sess_str(s, DIR_TO_CLIENT, "SSH-2.0-OpenSSH_8.9\r\n"), DIS_NOT_MINE);
    sess_free(s);
    /* h2c prior knowledge */
    s = sess_new();
    cr_assert_eq(sess_str(s, DIR_TO_SERVER, "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"), DIS_NOT_MINE);
    sess_free(s);
}

Test(http, malformed_resynchronises_then_gives_up)
{
    struct sess *s = sess_new();
    sess_ok(s, DIR_TO_SERVER, basic_req("Basic YTpi"));
    cr_assert_eq(sess_str(s, DIR_TO_SERVER, "POST / HTTP/1.1\r\nContent-Length: -1\r\n\r\nxyz"),
                 DIS_MALFORMED);
    /* the rest of the broken message, then a request on a new line, cut */
    cr_assert_eq(sess_str(s, DIR_TO_SERVER, "junk\r\nmore junk\r\nGET /ok HTTP/1."), DIS_NEED_MORE,
                 "a start line after junk waits for its line end");
    cr_assert_eq(s->consumed, 17, "the junk lines are skipped");
    sess_ok(s, DIR_TO_SERVER, "1\r\n\r\n");
    sess_ok(s, DIR_TO_CLIENT, resp(200));
    sess_ok(s, DIR_TO_CLIENT, resp(200));
    cr_assert_eq(count_type(s, EV_HTTP_REQUEST), 2);
    cr_assert_str_eq(req(s, 1)->url, "/ok");
    cr_assert_eq(count_type(s, EV_CREDENTIALS), 1);
    /* the fourth malformed message gives up; what waits is reported first */
    sess_ok(s, DIR_TO_SERVER, basic_req("Basic YzpkZA=="));
    cr_assert_eq(sess_str(s, DIR_TO_CLIENT, "HTTP/1.1 200 OK\r\nContent-Length: x\r\n\r\n"),
                 DIS_MALFORMED);
    cr_assert_eq(sess_str(s, DIR_TO_CLIENT, "HTTP/1.1 200 OK\r\nContent-Length: x\r\n\r\n"),
                 DIS_MALFORMED);
    cr_assert_eq(count_type(s, EV_CREDENTIALS), 2, "the malformed response still answered");
    assert_cred(cred(s, 1), "http-basic", "c", "dd", CRED_OUTCOME_SUCCESS);
    sess_ok(s, DIR_TO_SERVER, "GET /last HTTP/1.1\r\n\r\n");
    cr_assert_eq(sess_str(s, DIR_TO_CLIENT, "HTTP/1.1 200 OK\r\nContent-Length: x\r\n\r\n"),
                 DIS_NOT_MINE);
    cr_assert_str_eq(req(s, count_type(s, EV_HTTP_REQUEST) - 1)->url, "/last");
    sess_free(s);
}

Test(http, gap_inside_a_body_keeps_framing)
{
    struct sess *s = sess_new();
    sess_ok(s, DIR_TO_SERVER, "GET / HTTP/1.1\r\n\r\nGET /2 HTTP/1.1\r\n\r\n");
    sess_ok(s, DIR_TO_CLIENT, "HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\nabc");
    /* 900 bytes lost, 97 left of the body, then the next response */
    char buf[256];
    memset(buf, 'x', 97);
    strcpy(buf + 97, "HTTP/1.1 404 X\r\nContent-Length: 0\r\n\r\n");
    cr_assert_eq(sess_feed(s, DIR_TO_CLIENT, buf, strlen(buf), 900), DIS_OK);
    cr_assert_eq(count_type(s, EV_HTTP_REQUEST), 2);
    cr_assert_eq(req(s, 1)->status, 404);
    /* a gap that ends the body exactly */
    sess_ok(s, DIR_TO_SERVER, "GET /3 HTTP/1.1\r\n\r\n");
    sess_ok(s, DIR_TO_CLIENT, "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n");
    cr_assert_eq(sess_feed(s, DIR_TO_CLIENT, resp(204), strlen(resp(204)), 10), DIS_OK);
    sess_ok(s, DIR_TO_SERVER, "GET /4 HTTP/1.1\r\n\r\n");
    sess_ok(s, DIR_TO_CLIENT, resp(202));
    cr_assert_eq(count_type(s, EV_HTTP_REQUEST), 4);
    cr_assert_eq(req(s, 3)->status, 202);
    sess_free(s);
}

Test(http, gap_in_headers_resynchronises)
{
    struct sess *s = sess_new();
    cr_assert_eq(sess_str(s, DIR_TO_SERVER, "GET / HTTP/1.1\r\nHost: h\r\n"), DIS_NEED_MORE);
    /* the end of that header block and more were lost */
    const char *next = "ent: x\r\n\r\nGET /after HTTP/1.1\r\n\r\n";
    cr_assert_eq(sess_feed(s, DIR_TO_SERVER, next, strlen(next), 500), DIS_OK);
    sess_ok(s, DIR_TO_CLIENT, resp(200));
    cr_assert_eq(count_type(s, EV_HTTP_REQUEST), 1);
    cr_assert_str_eq(req(s, 0)->url, "/after");
    /* a gap in a form body: only what precedes it is read, up to its last '&' */
    sess_ok(s, DIR_TO_SERVER,
            "POST / HTTP/1.1\r\nContent-Type: application/x-www-form-urlencoded\r\n"
            "Content-Length: 30\r\n\r\nuser=a&pa");
    cr_assert_eq(sess_feed(s, DIR_TO_SERVER, "ss=b&user=c&pass=d", 18, 3), DIS_OK);
    sess_ok(s, DIR_TO_CLIENT, resp(302));
    cr_assert_eq(count_type(s, EV_HTTP_REQUEST), 2);
    cr_assert_eq(count_type(s, EV_CREDENTIALS), 0, "\"pa\" was cut by the hole");
    /* pairs whole before the hole are read */
    sess_ok(s, DIR_TO_SERVER,
            "POST / HTTP/1.1\r\nContent-Type: application/x-www-form-urlencoded\r\n"
            "Content-Length: 40\r\n\r\nuser=a&password=b&xx");
    cr_assert_eq(sess_feed(s, DIR_TO_SERVER, "&password=c&x", 13, 7), DIS_OK);
    sess_ok(s, DIR_TO_CLIENT, resp(302));
    cr_assert_eq(count_type(s, EV_HTTP_REQUEST), 3);
    assert_cred(cred(s, 0), "http-form", "a", "b", CRED_OUTCOME_SUCCESS);
    sess_free(s);
}

Test(http, end_of_input_reports_unanswered_requests)
{
    struct sess *s = sess_new();
    sess_ok(s, DIR_TO_SERVER, basic_req("Basic YWRtaW46Y2lzY28=")); /* admin:cisco */
    sess_end(s, DIR_TO_SERVER, false);
    cr_assert_eq(s->nev, 0, "half-closed: the answer may still come");
    sess_ok(s, DIR_TO_CLIENT, resp(401));
    assert_cred(cred(s, 0), "http-basic", "admin", "cisco", CRED_OUTCOME_FAILURE);
    sess_ok(s, DIR_TO_SERVER, "GET /x HTTP/1.1\r\n\r\n");
    sess_end(s, DIR_TO_CLIENT, false);
    cr_assert_eq(count_type(s, EV_HTTP_REQUEST), 2);
    cr_assert_eq(req(s, 1)->status, 0);
    /* ending again reports nothing twice */
    sess_end(s, DIR_TO_CLIENT, false);
    sess_end(s, DIR_TO_SERVER, false);
    cr_assert_eq(count_type(s, EV_HTTP_REQUEST), 2);
    sess_free(s);
}

/* ---- credentials ------------------------------------------------------------------ */

/* The Basic credential of one request answered 200, or NULL. */
static bool basic_of(const char *token, char *user, char *pass, size_t *pass_len)
{
    struct sess *s = sess_new();
    sess_ok(s, DIR_TO_SERVER, basic_req(token));
    sess_ok(s, DIR_TO_CLIENT, resp(200));
    bool found = count_type(s, EV_CREDENTIALS) == 1;
    if (found) {
        const struct ev_cred *c = cred(s, 0);
        strcpy(user, c->username);
        strcpy(pass, c->password);
        *pass_len = c->password_len;
        cr_assert_str_eq(c->protocol, "http-basic");
    }
    cr_assert_eq(count_type(s, EV_HTTP_REQUEST), 1);
    sess_free(s);
    return found;
}

Test(http, base64_edge_cases)
{
    static const struct {
        const char *token, *user, *pass;
    } ok[] = {
        {"Basic dGVzdDp0ZXN0", "test", "test"},                      /* no padding needed */
        {"Basic dGVzdDpmYWlsMg==", "test", "fail2"},                 /* two */
        {"Basic dGVzdDpmYWlsMg", "test", "fail2"},                   /* ... left out */
        {"Basic dXNlcjpwdzI=", "user", "pw2"},                       /* one */
        {"Basic dXNlcjpwdzI", "user", "pw2"},                        /* ... left out */
        {"basic dGVzdDp0ZXN0", "test", "test"},                      /* the scheme ignores case */
        {"BASIC\tdGVzdDp0ZXN0", "test", "test"},                     /* a tab */
        {"Basic     dGVzdDp0ZXN0", "test", "test"},                  /* many spaces */
        {"Basic Ong=", "", "x"},                                     /* ":x": empty user */
        {"Basic eDo=", "x", ""},                                     /* "x:": empty password */
        {"Basic dTpwOjo6", "u", "p:::"},                             /* colons after the first */
        {"Basic w6k6/w==", "??", "?"},                               /* non-ASCII: e-acute, 0xff */
        {"Basic YWxhZGRpbjpvcGVuc2VzYW1l", "aladdin", "opensesame"}, /* RFC 7617 */
    };
    for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
        char user[CRED_USER_MAX + 1], pass[CRED_PASSWORD_MAX + 1];
        size_t plen;
        cr_assert(basic_of(ok[i].token, user, pass, &plen), "%s", ok[i].token);
        cr_assert_str_eq(user, ok[i].user, "%s", ok[i].token);
        cr_assert_str_eq(pass, ok[i].pass, "%s", ok[i].token);
        cr_assert_eq(plen, strlen(ok[i].pass), "%s", ok[i].token);
    }
    static const char *const bad[] = {
        "Basic",                 /* no token */
        "Basic ",                /* (trimmed to the same) */
        "Basicx dGVzdDp0ZXN0",   /* another scheme */
        "Basic dGVz*DpmYWls",    /* a byte outside the alphabet */
        "Basic dGVzdDp0ZXN0===", /* too much padding */
        "Basic dGVz=dDp0",       /* data after padding */
        "Basic dGVzdDp0ZXN0d",   /* a lone 6-bit group */
        "Basic dGVzdA==",        /* "test": no colon */
        "Basic Og==",            /* ":" names nobody */
        "Basic dGVzdDp0ZXN0=",   /* padding where none belongs */
        "Basic dGVz-dDp0",       /* base64url is not base64 */
        "Bearer dGVzdDp0ZXN0",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        char user[CRED_USER_MAX + 1], pass[CRED_PASSWORD_MAX + 1];
        size_t plen;
        cr_assert_not(basic_of(bad[i], user, pass, &plen), "%s", bad[i]);
    }
}

Test(http, basic_long_password_is_cut_but_counted)
{
    /* "u:" + 300 'p': base64 of 302 bytes */
    static const char alphabet[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    uint8_t raw[302];
    raw[0] = 'u';
    raw[1] = ':';
    memset(raw + 2, 'p', 300);
    char tok[512] = "Basic ";
    size_t o = strlen(tok);
    for (size_t i = 0; i < sizeof(raw); i += 3) {
        uint32_t v = (uint32_t)raw[i] << 16;
        size_t n = sizeof(raw) - i;
        if (n > 1)
            v |= (uint32_t)raw[i + 1] << 8;
        if (n > 2)
            v |= raw[i + 2];
        tok[o++] = alphabet[(v >> 18) & 63];
        tok[o++] = alphabet[(v >> 12) & 63];
        tok[o++] = n > 1 ? alphabet[(v >> 6) & 63] : '=';
        tok[o++] = n > 2 ? alphabet[v & 63] : '=';
    }
    tok[o] = '\0';
    char user[CRED_USER_MAX + 1], pass[CRED_PASSWORD_MAX + 1];
    size_t plen;
    cr_assert(basic_of(tok, user, pass, &plen));
    cr_assert_str_eq(user, "u");
    cr_assert_eq(strlen(pass), CRED_PASSWORD_MAX);
    cr_assert_eq(plen, 300);
}

/* The login one form body gives, answered 302; false if none. */
static bool form_of(const char *body, char *user, char *pass, size_t *pass_len)
{
    struct sess *s = sess_new();
    sess_ok(s, DIR_TO_SERVER, form_req(body));
    sess_ok(s, DIR_TO_CLIENT, resp(302));
    bool found = count_type(s, EV_CREDENTIALS) == 1;
    if (found) {
        const struct ev_cred *c = cred(s, 0);
        cr_assert_str_eq(c->protocol, "http-form");
        strcpy(user, c->username);
        strcpy(pass, c->password);
        *pass_len = c->password_len;
    }
    sess_free(s);
    return found;
}

Test(http, form_field_detection_and_percent_decoding)
{
    static const struct {
        const char *body, *user, *pass;
    } ok[] = {
        {"user=toto&pass=Str0ngP4ssw0rd", "toto", "Str0ngP4ssw0rd"},
        {"username=admin&password=password&Login=Login", "admin", "password"},
        {"Login=Login&username=admin&password=password", "admin", "password"},
        {"USERNAME=a&PASSWORD=b", "a", "b"},
        {"j_username=a&j_password=b", "a", "b"},
        {"uname=a&pwd=b", "a", "b"},
        {"email=a%40b.example&passwd=b", "a@b.example", "b"},
        {"login=a&secret=b", "a", "b"},
        {"userid=a&pin=1234", "a", "1234"},
        {"user%5Bemail%5D=a&user%5Bpassword%5D=b", "a", "b"}, /* user[email], user[password] */
        {"session[login]=a&session[password]=b", "a", "b"},
        {"user=John+Smith&password=p%26ss+w%3Drd%zz%4", "John Smith", "p&ss w=rd%zz%4"},
        {"password=b&name=a", "a", "b"},            /* order does not matter */
        {"name=x&username=a&password=b", "a", "b"}, /* the better user field wins */
        {"user=a&pass=1&password=b", "a", "b"},     /* the better password field wins */
        {"x=1&&user=a&password=b&=&y", "a", "b"},   /* empty pairs */
        {"user=&password=b", "", "b"},              /* an empty user name */
        {"user=a&password=%00%ff", "a", "??"},      /* bytes that are not text */
    };
    for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
        char user[CRED_USER_MAX + 1], pass[CRED_PASSWORD_MAX + 1];
        size_t plen;
        cr_assert(form_of(ok[i].body, user, pass, &plen), "%s", ok[i].body);
        cr_assert_str_eq(user, ok[i].user, "%s", ok[i].body);
        cr_assert_str_eq(pass, ok[i].pass, "%s", ok[i].body);
        cr_assert_eq(plen, strlen(ok[i].pass), "%s", ok[i].body);
    }
    static const char *const none[] = {
        "user=a",                     /* no password */
        "password=b",                 /* no user */
        "user=a&password=",           /* an empty password */
        "username_x=a&password_x=b",  /* other names */
        "q=password&user_name_=user", /* values are not names */
        "user=a&pass%20word=b",
        "",
    };
    for (size_t i = 0; i < sizeof(none) / sizeof(none[0]); i++) {
        char user[CRED_USER_MAX + 1], pass[CRED_PASSWORD_MAX + 1];
        size_t plen;
        cr_assert_not(form_of(none[i], user, pass, &plen), "%s", none[i]);
    }
}

Test(http, form_needs_the_urlencoded_content_type)
{
    static const char *const types[] = {
        "application/json",
        "multipart/form-data; boundary=x",
        "text/plain",
        "application/x-www-form-urlencodedX",
    };
    for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
        char buf[256];
        snprintf(buf, sizeof(buf),
                 "POST / HTTP/1.1\r\nContent-Type: %s\r\nContent-Length: 19\r\n\r\n"
                 "user=a&password=bcd",
                 types[i]);
        struct sess *s = sess_new();
        sess_ok(s, DIR_TO_SERVER, buf);
        sess_ok(s, DIR_TO_CLIENT, resp(302));
        cr_assert_eq(count_type(s, EV_CREDENTIALS), 0, "%s", types[i]);
        sess_free(s);
    }
    struct sess *s = sess_new();
    sess_ok(s, DIR_TO_SERVER,
            "POST / HTTP/1.1\r\ncontent-type: Application/X-WWW-Form-Urlencoded;charset=utf-8\r\n"
            "Content-Length: 19\r\n\r\nuser=a&password=bcd");
    sess_ok(s, DIR_TO_CLIENT, resp(302));
    assert_cred(cred(s, 0), "http-form", "a", "bcd", CRED_OUTCOME_SUCCESS);
    sess_free(s);
}

Test(http, query_logins)
{
    struct sess *s = sess_new();
    sess_ok(s, DIR_TO_SERVER, "GET /?user=a&password=b#frag&pass=c HTTP/1.1\r\n\r\n");
    sess_ok(s, DIR_TO_SERVER, "DELETE /x?login=root&pwd=r%20t HTTP/1.1\r\n\r\n");
    sess_ok(s, DIR_TO_SERVER, "GET /search?q=password+user HTTP/1.1\r\n\r\n");
    sess_ok(s, DIR_TO_SERVER, "GET /x?password=only HTTP/1.1\r\n\r\n");
    /* a form wins over the query of the same request */
    sess_ok(s, DIR_TO_SERVER,
            "POST /?user=q&password=q HTTP/1.1\r\n"
            "Content-Type: application/x-www-form-urlencoded\r\n"
            "Content-Length: 17\r\n\r\nuser=f&password=f");
    for (int i = 0; i < 5; i++)
        sess_ok(s, DIR_TO_CLIENT, resp(302));
    cr_assert_eq(count_type(s, EV_CREDENTIALS), 3);
    assert_cred(cred(s, 0), "http-query", "a", "b", CRED_OUTCOME_SUCCESS);
    assert_cred(cred(s, 1), "http-query", "root", "r t", CRED_OUTCOME_SUCCESS);
    cr_assert_str_eq(cred(s, 1)->http.method, "DELETE");
    assert_cred(cred(s, 2), "http-form", "f", "f", CRED_OUTCOME_SUCCESS);
    sess_free(s);
}

Test(http, outcome_mapping)
{
    static const struct {
        int status;
        uint8_t basic, form;
    } map[] = {
        {200, CRED_OUTCOME_SUCCESS, CRED_OUTCOME_UNKNOWN},
        {204, CRED_OUTCOME_SUCCESS, CRED_OUTCOME_UNKNOWN},
        {301, CRED_OUTCOME_SUCCESS, CRED_OUTCOME_SUCCESS},
        {302, CRED_OUTCOME_SUCCESS, CRED_OUTCOME_SUCCESS},
        {304, CRED_OUTCOME_SUCCESS, CRED_OUTCOME_SUCCESS},
        {401, CRED_OUTCOME_FAILURE, CRED_OUTCOME_FAILURE},
        {403, CRED_OUTCOME_FAILURE, CRED_OUTCOME_FAILURE},
        {404, CRED_OUTCOME_UNKNOWN, CRED_OUTCOME_UNKNOWN},
        {407, CRED_OUTCOME_UNKNOWN, CRED_OUTCOME_UNKNOWN},
        {500, CRED_OUTCOME_UNKNOWN, CRED_OUTCOME_UNKNOWN},
        {0, CRED_OUTCOME_UNKNOWN, CRED_OUTCOME_UNKNOWN}, /* no response */
    };
    for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
        struct sess *s = sess_new();
        sess_ok(s, DIR_TO_SERVER, basic_req("Basic YTpi"));
        sess_ok(s, DIR_TO_SERVER, form_req("user=a&password=b"));
        sess_ok(s, DIR_TO_SERVER, "GET /?user=a&password=b HTTP/1.1\r\n\r\n");
        if (map[i].status) {
            for (int k = 0; k < 3; k++)
                sess_ok(s, DIR_TO_CLIENT, resp(map[i].status));
        } else {
            sess_end(s, DIR_TO_SERVER, true);
            sess_end(s, DIR_TO_CLIENT, true);
        }
        cr_assert_eq(count_type(s, EV_CREDENTIALS), 3);
        cr_assert_eq(cred(s, 0)->outcome, map[i].basic, "Basic %d", map[i].status);
        cr_assert_eq(cred(s, 1)->outcome, map[i].form, "form %d", map[i].status);
        cr_assert_eq(cred(s, 2)->outcome, map[i].form, "query %d", map[i].status);
        for (int k = 0; k < 3; k++) {
            cr_assert_eq(cred(s, k)->http.status, map[i].status);
            cr_assert_eq(cred(s, k)->attempt, (uint32_t)k + 1);
        }
        sess_free(s);
    }
}

Test(http, repeated_basic_is_one_attempt)
{
    struct sess *s = sess_new();
    /* pipelined: the same header three times, another one, the first again */
    sess_ok(s, DIR_TO_SERVER, basic_req("Basic YTpi"));
    sess_ok(s, DIR_TO_SERVER, basic_req("Basic YTpi"));
    sess_ok(s, DIR_TO_SERVER, basic_req("Basic  YTpi")); /* spelt differently, same pair */
    sess_ok(s, DIR_TO_SERVER, basic_req("Basic YTpj"));  /* a:c */
    sess_ok(s, DIR_TO_SERVER, basic_req("Basic YTpi"));
    /* the first response decides */
    sess_ok(s, DIR_TO_CLIENT, resp(401));
    for (int i = 0; i < 4; i++)
        sess_ok(s, DIR_TO_CLIENT, resp(200));
    cr_assert_eq(count_type(s, EV_HTTP_REQUEST), 5);
    cr_assert_eq(count_type(s, EV_CREDENTIALS), 2);
    assert_cred(cred(s, 0), "http-basic", "a", "b", CRED_OUTCOME_FAILURE);
    assert_cred(cred(s, 1), "http-basic", "a", "c", CRED_OUTCOME_SUCCESS);
    sess_free(s);

    /* a new connection is a new attempt */
    s = sess_new();
    sess_ok(s, DIR_TO_SERVER, basic_req("Basic YTpi"));
    sess_ok(s, DIR_TO_CLIENT, resp(200));
    cr_assert_eq(count_type(s, EV_CREDENTIALS), 1);
    sess_free(s);

    /* only the last 16 pairs are remembered */
    s = sess_new();
    for (int i = 0; i <= 16; i++) {
        char tok[64], raw[8];
        snprintf(raw, sizeof(raw), "u:%03d", i); /* 5 bytes: 7 base64 characters and '=' */
        static const char alphabet[] =
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        uint32_t v1 = (uint32_t)raw[0] << 16 | (uint32_t)raw[1] << 8 | (uint32_t)raw[2];
        uint32_t v2 = (uint32_t)raw[3] << 16 | (uint32_t)raw[4] << 8;
        snprintf(tok, sizeof(tok), "Basic %c%c%c%c%c%c%c=", alphabet[v1 >> 18],
                 alphabet[(v1 >> 12) & 63], alphabet[(v1 >> 6) & 63], alphabet[v1 & 63],
                 alphabet[v2 >> 18], alphabet[(v2 >> 12) & 63], alphabet[(v2 >> 6) & 63]);
        sess_ok(s, DIR_TO_SERVER, basic_req(tok));
        sess_ok(s, DIR_TO_CLIENT, resp(200));
        if (i == 0)
            assert_cred(cred(s, 0), "http-basic", "u", "000", CRED_OUTCOME_SUCCESS);
    }
    cr_assert_eq(count_type(s, EV_CREDENTIALS), 17);
    sess_ok(s, DIR_TO_SERVER, basic_req("Basic dTowMDE=")); /* u:001, still remembered */
    sess_ok(s, DIR_TO_CLIENT, resp(200));
    cr_assert_eq(count_type(s, EV_CREDENTIALS), 17);
    sess_ok(s, DIR_TO_SERVER, basic_req("Basic dTowMDA=")); /* u:000, forgotten */
    sess_ok(s, DIR_TO_CLIENT, resp(200));
    cr_assert_eq(count_type(s, EV_CREDENTIALS), 18);
    sess_free(s);
}

Test(http, events_carry_time_of_the_response)
{
    struct sess *s = sess_new();
    s->ts = 5;
    sess_ok(s, DIR_TO_SERVER, basic_req("Basic YTpi"));
    s->ts = 9;
    sess_ok(s, DIR_TO_CLIENT, resp(200));
    cr_assert_eq(nth(s, EV_CREDENTIALS, 0)->ts_us, 9);
    cr_assert_eq(nth(s, EV_HTTP_REQUEST, 0)->ts_us, 9);
    sess_free(s);
}

Test(http, state_free_without_end)
{
    struct sess *s = sess_new();
    sess_ok(s, DIR_TO_SERVER, form_req("user=a&password=b"));
    sess_ok(s, DIR_TO_SERVER,
            "POST / HTTP/1.1\r\nContent-Type: application/x-www-form-urlencoded\r\n"
            "Content-Length: 100\r\n\r\nuser=");
    sess_free(s); /* ASan: nothing leaks */
    http_dissector.state_free(NULL);
}
