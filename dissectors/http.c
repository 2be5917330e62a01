/*
 * http.c - HTTP/1.x dissector with login extraction; see http.h.
 *
 * References: RFC 9112 (HTTP/1.1 messages: request and status lines, field
 * lines, message body length, chunked transfer coding), RFC 9110 (HTTP
 * semantics: methods, status codes, Content-Length lists), RFC 7617 (the
 * Basic scheme: base64 (RFC 4648) of user-id ":" password, split at the first
 * colon since the password may contain one), RFC 7616 (Digest) and RFC 4559 /
 * MS-NLMP (NTLM and Negotiate), and the HTML form encoding
 * application/x-www-form-urlencoded (WHATWG URL standard: name=value pairs
 * joined by '&', '+' for a space, %XX for a byte).
 *
 * Framing, per direction of the reassembled stream (RFC 9112 section 6.3):
 *   message  = start-line *( field-line CRLF ) CRLF [ body ]
 *   request  = method SP request-target SP "HTTP/1." DIGIT
 *   response = "HTTP/1." DIGIT SP 3DIGIT [ SP reason ]
 * A bare LF ends a line too (RFC 9112 section 2.2) and empty lines before a
 * message are skipped. The whole header block must arrive before it is read:
 * more than HTTP_HDR_MAX bytes or HTTP_HDR_COUNT_MAX field lines is
 * DIS_MALFORMED. Body length, in this order: a response to HEAD, a 1xx, 204
 * or 304 response has none; a 2xx answer to CONNECT and a 101 turn both
 * directions into an opaque tunnel; Transfer-Encoding ending in "chunked" is
 * chunked (size line, data, CRLF, ..., "0", trailer fields, CRLF); another
 * Transfer-Encoding is read until the close (a response) or malformed (a
 * request); Content-Length (a list of equal values; different values,
 * a sign or an overflow are malformed); otherwise a response runs until the
 * close and a request has no body. Bodies are consumed as they arrive, never
 * held: the first HTTP_FORM_MAX bytes of an urlencoded request body are
 * copied for the form reader, the rest is skipped.
 *
 * Requests and responses: every request whose header block was read becomes
 * a pending entry (a FIFO of at most HTTP_MAX_PENDING, for pipelining). The
 * n-th final response answers the n-th request; a full FIFO reports its
 * oldest entry unanswered. An entry is reported once its response's header
 * block was read and its own body too, or when no response can come any
 * more (the server side or both sides ended): EV_CREDENTIALS for each login
 * it carried, then EV_HTTP_REQUEST, both with the request's method, Host,
 * target and User-Agent and the response status (0 when none was seen).
 *
 * Logins (struct ev_cred, actor: the client):
 *   "http-basic"  Authorization: Basic <base64>, any spacing after "Basic";
 *                 the same user and password again on one connection is the
 *                 same attempt: it is reported once (the last
 *                 HTTP_BASIC_SEEN pairs are remembered by hash), outcome from
 *                 the first response: 401/403 failure, 2xx/3xx success.
 *   "http-form"   an application/x-www-form-urlencoded body with a password
 *                 field and a user field (names below, case-insensitive,
 *                 also as the last "[name]" of "form[name]"); 401/403
 *                 failure, 3xx success (the redirect after a login), other
 *                 statuses unknown (login pages answer 200 to a failure).
 *                 A body cut short (connection end, lost bytes, beyond
 *                 HTTP_FORM_MAX) is read up to its last '&' only, so that a
 *                 cut value is never reported as a password.
 *   "http-query"  the same pairs in the query of the request target, any
 *                 method; outcomes as for forms.
 * Digest, NTLM and Negotiate carry no cleartext password: no credentials.
 *
 * Lost bytes (a gap) inside a body of known length only shorten it; any other
 * gap, and a malformed message, make the direction look for the next line
 * that is a well-formed request or status line. The first bytes of a flow
 * that are not HTTP at all detach the dissector (DIS_NOT_MINE), as does the
 * HTTP_MAX_MALFORMED-th malformed message; pending entries are reported first.
 */
#include "http.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <ndpi_protocol_ids.h>

#define HTTP_TCP            6
#define HTTP_NDPI_PROTO     NDPI_PROTOCOL_HTTP
#define HTTP_HDR_MAX        (16u << 10)  /* header block, start line included */
#define HTTP_HDR_COUNT_MAX  100          /* field lines per header block or trailer */
#define HTTP_LINE_MAX       8192         /* chunk-size line, trailer line, resync line */
#define HTTP_FORM_MAX       (8u << 10)   /* urlencoded body bytes kept for the form reader */
#define HTTP_MAX_PENDING    32           /* requests waiting for their response */
#define HTTP_BASIC_SEEN     16           /* Basic credentials remembered per connection */
#define HTTP_MAX_MALFORMED  4            /* malformed messages before giving up */
#define HTTP_METHOD_MAX_LEN 20           /* longest method token accepted */
#define HTTP_LEN_MAX        (1ull << 62) /* largest Content-Length or chunk size */
#define HTTP_B64_MAX        512          /* decoded Basic bytes kept */
#define HTTP_KEY_MAX        48           /* longest form field name compared */

enum http_phase {
    HTTP_PH_START = 0,  /* a request or status line is next */
    HTTP_PH_BODY_LEN,   /* Content-Length body: `remaining` bytes */
    HTTP_PH_CHUNK_SIZE, /* chunk-size line */
    HTTP_PH_CHUNK_DATA, /* chunk data: `remaining` bytes */
    HTTP_PH_CHUNK_END,  /* the CRLF after chunk data */
    HTTP_PH_TRAILER,    /* trailer field lines up to an empty line */
    HTTP_PH_BODY_CLOSE, /* a response body that ends with the connection */
    HTTP_PH_OPAQUE,     /* a tunnel (CONNECT, 101 Switching Protocols) */
};

enum http_step {
    HTTP_STEP_CONTINUE = 0, /* progress was made */
    HTTP_STEP_MORE,         /* an incomplete unit: wait for more bytes */
    HTTP_STEP_BAD,          /* malformed; st->error says why */
};

enum http_cred_kind {
    HTTP_CRED_NONE = 0,
    HTTP_CRED_BASIC,
    HTTP_CRED_FORM,
    HTTP_CRED_QUERY,
};

struct http_cred {
    uint8_t kind; /* enum http_cred_kind */
    char username[CRED_USER_MAX + 1];
    char password[CRED_PASSWORD_MAX + 1];
    size_t password_len;
};

/* A request waiting for its response and/or the end of its body. */
struct http_req {
    uint64_t seq; /* 0, 1, ... in request order: the n-th response answers seq n */
    struct ev_http_info info;
    bool head;                /* HEAD: the response has no body */
    bool connect;             /* CONNECT: a 2xx opens a tunnel */
    bool complete;            /* the body was read (or there is none) */
    bool answered;            /* a final response was matched to it */
    struct http_cred cred[2]; /* [0] Basic, [1] form or query */
};

struct http_dir {
    uint8_t phase; /* enum http_phase */
    bool resync;   /* looking for the start of a message */
    uint64_t remaining;
    uint32_t trailer_bytes;
    uint32_t trailer_lines;
    uint32_t scan; /* bytes of an incomplete header block already searched */
};

/*
 * Per-flow state (zeroed by the worker). q and form are malloc'd on demand
 * and freed by http_state_free.
 */
struct http_state {
    struct http_dir dir[2];
    struct http_req *q; /* ring of q_cap entries, oldest at q_head */
    uint32_t q_cap, q_head, q_len;
    uint64_t req_seq;  /* requests seen */
    uint64_t resp_seq; /* final responses matched or skipped */
    bool req_open;     /* the newest entry (open_seq) still has body bytes to come */
    uint64_t open_seq;
    uint8_t *form; /* first HTTP_FORM_MAX bytes of the open request's urlencoded body */
    uint32_t form_len;
    bool form_on;
    bool form_cut; /* body bytes were lost or beyond HTTP_FORM_MAX: no more are kept */
    uint64_t basic_seen[HTTP_BASIC_SEEN];
    uint32_t basic_next, basic_count;
    uint32_t attempts;
    uint8_t malformed;
    uint8_t ended; /* bit per direction whose end() was called */
    bool seen_any; /* a well-formed start line was read in either direction */
    bool gave_up;
    const char *error;
};

/* Field names (after lower-casing) that hold a user name or a password; earlier wins. */
static const char *const http_user_keys[] = {
    "j_username", "username", "user_name", "user",    "login_name", "loginname",
    "login_id",   "userid",   "user_id",   "uname",   "usr",        "email",
    "e-mail",     "mail",     "login",     "account", "name",
};
static const char *const http_pass_keys[] = {
    "j_password",     "password",      "passwd",       "pwd",
    "pass",           "passw",         "pass_word",    "passwort",
    "login_password", "loginpassword", "userpassword", "user_password",
    "secret",         "passphrase",    "pin",
};

#define HTTP_NKEYS(a) (sizeof(a) / sizeof((a)[0]))

/* ---- bytes ---------------------------------------------------------------- */

static bool http_is_upper(int b) { return b >= 'A' && b <= 'Z'; }

static bool http_is_digit(int b) { return b >= '0' && b <= '9'; }

static bool http_is_ows(int b) { return b == ' ' || b == '\t'; }

static int http_lower(int b) { return b >= 'A' && b <= 'Z' ? b + ('a' - 'A') : b; }

static int http_hex(int b)
{
    if (b >= '0' && b <= '9')
        return b - '0';
    if (b >= 'a' && b <= 'f')
        return b - 'a' + 10;
    if (b >= 'A' && b <= 'F')
        return b - 'A' + 10;
    return -1;
}

static char http_printable(int b) { return (b >= 0x20 && b < 0x7f) ? (char)b : '?'; }

/* A cursor over the next n unread bytes of c, which stays where it is. */
static struct cursor http_view(const struct cursor *c, size_t n)
{
    struct cursor t = *c;
    return cur_sub(&t, n);
}

/* s without leading and trailing spaces and tabs. */
static struct cursor http_trim(struct cursor s)
{
    while (cur_left(&s) && http_is_ows(cur_peek(&s, 0)))
        cur_skip(&s, 1);
    size_t n = cur_left(&s);
    while (n && http_is_ows(cur_peek(&s, n - 1)))
        n--;
    return cur_sub(&s, n);
}

static void http_skip_ows(struct cursor *s)
{
    while (cur_left(s) && http_is_ows(cur_peek(s, 0)))
        cur_skip(s, 1);
}

/* Whether s starts with lit, ignoring ASCII case. */
static bool http_iprefix(const struct cursor *s, const char *lit)
{
    size_t n = strlen(lit);
    if (cur_left(s) < n)
        return false;
    for (size_t i = 0; i < n; i++)
        if (http_lower(cur_peek(s, i)) != http_lower((unsigned char)lit[i]))
            return false;
    return true;
}

static bool http_ieq(const struct cursor *s, const char *lit)
{
    return cur_left(s) == strlen(lit) && http_iprefix(s, lit);
}

/* Copies s into dst (size dstsz, cut to fit): printable ASCII, '?' for other bytes. */
static void http_copy(const struct cursor *s, char *dst, size_t dstsz)
{
    size_t n = cur_left(s), o = 0;
    for (size_t i = 0; i < n && o + 1 < dstsz; i++)
        dst[o++] = http_printable(cur_peek(s, i));
    dst[o] = '\0';
}

/* Offset of the first byte b among the first limit unread bytes of c. */
static bool http_find(const struct cursor *c, int b, size_t limit, size_t *ret)
{
    size_t n = cur_left(c);
    if (limit < n)
        n = limit;
    for (size_t i = 0; i < n; i++) {
        if (cur_peek(c, i) == b) {
            *ret = i;
            return true;
        }
    }
    return false;
}

/* The line of c's first lf bytes (the LF at offset lf excluded), without a trailing CR. */
static struct cursor http_line(const struct cursor *c, size_t lf)
{
    if (lf && cur_peek(c, lf - 1) == '\r')
        lf--;
    return http_view(c, lf);
}

/* ---- start lines ---------------------------------------------------------- */

/* Whether c starts like a request line: 1 yes, 0 no, -1 too few bytes to tell. */
static int http_request_prefix(const struct cursor *c)
{
    size_t left = cur_left(c);
    for (size_t i = 0; i <= HTTP_METHOD_MAX_LEN; i++) {
        if (i == left)
            return -1;
        int b = cur_peek(c, i);
        if (b == ' ')
            return i ? 1 : 0;
        if (!http_is_upper(b) && !(i && (b == '-' || b == '_')))
            return 0;
    }
    return 0;
}

/* Whether c starts like a status line: 1 yes, 0 no, -1 too few bytes to tell. */
static int http_status_prefix(const struct cursor *c)
{
    static const char lit[] = "HTTP/1.";
    size_t left = cur_left(c);
    for (size_t i = 0; i < sizeof(lit) - 1; i++) {
        if (i == left)
            return -1;
        if (cur_peek(c, i) != lit[i])
            return 0;
    }
    return 1;
}

static int http_start_prefix(const struct cursor *c, int d)
{
    return d == DIR_TO_SERVER ? http_request_prefix(c) : http_status_prefix(c);
}

/* "HTTP/1." DIGIT at s's position, consumed. */
static bool http_version(struct cursor *s)
{
    if (http_status_prefix(s) != 1)
        return false;
    cur_skip(s, 7);
    if (!http_is_digit(cur_peek(s, 0)))
        return false;
    cur_skip(s, 1);
    return true;
}

struct http_reqline {
    struct cursor method, target;
};

/* method SP request-target SP HTTP-version (runs of spaces tolerated). */
static bool http_request_line(const struct cursor *line, struct http_reqline *rl)
{
    struct cursor s = *line;
    size_t left = cur_left(&s), n = 0;
    while (n < left && n <= HTTP_METHOD_MAX_LEN &&
           (http_is_upper(cur_peek(&s, n)) ||
            (n && (cur_peek(&s, n) == '-' || cur_peek(&s, n) == '_'))))
        n++;
    if (n == 0 || n > HTTP_METHOD_MAX_LEN || n == left || cur_peek(&s, n) != ' ')
        return false;
    rl->method = cur_sub(&s, n);
    http_skip_ows(&s);
    left = cur_left(&s);
    n = 0;
    while (n < left && cur_peek(&s, n) > 0x20 && cur_peek(&s, n) != 0x7f)
        n++;
    if (n == 0 || n == left || !http_is_ows(cur_peek(&s, n)))
        return false;
    rl->target = cur_sub(&s, n);
    http_skip_ows(&s);
    if (!http_version(&s))
        return false;
    http_skip_ows(&s);
    return cur_left(&s) == 0;
}

/* HTTP-version SP 3DIGIT [ SP reason ]; *ret_status gets the code. */
static bool http_status_line(const struct cursor *line, int *ret_status)
{
    struct cursor s = *line;
    if (!http_version(&s) || !http_is_ows(cur_peek(&s, 0)))
        return false;
    http_skip_ows(&s);
    int code = 0;
    for (int i = 0; i < 3; i++) {
        int b = cur_peek(&s, 0);
        if (!http_is_digit(b))
            return false;
        code = code * 10 + (b - '0');
        cur_skip(&s, 1);
    }
    if (cur_left(&s) && !http_is_ows(cur_peek(&s, 0)))
        return false;
    if (code < 100)
        return false;
    *ret_status = code;
    return true;
}

static bool http_start_line_ok(const struct cursor *line, int d)
{
    struct http_reqline rl;
    int status;
    return d == DIR_TO_SERVER ? http_request_line(line, &rl) : http_status_line(line, &status);
}

/* ---- header fields ---------------------------------------------------------- */

struct http_fields {
    struct cursor host, ua, auth, ctype;
    bool has_host, has_ua, has_auth, has_ctype;
    bool has_cl;
    uint64_t cl;
    bool te;         /* Transfer-Encoding present */
    bool te_chunked; /* ... and its last coding is chunked */
};

/* RFC 9110 section 8.6: 1*DIGIT, or a list of the same value repeated. */
static const char *http_content_length(const struct cursor *v, struct http_fields *f)
{
    struct cursor s = *v;
    for (;;) {
        uint64_t n = 0;
        size_t digits = 0;
        http_skip_ows(&s);
        while (http_is_digit(cur_peek(&s, 0))) {
            uint64_t dg = (uint64_t)(cur_peek(&s, 0) - '0');
            if (n > (HTTP_LEN_MAX - dg) / 10)
                return "Content-Length too large";
            n = n * 10 + dg;
            digits++;
            cur_skip(&s, 1);
        }
        if (!digits)
            return "bad Content-Length";
        if (f->has_cl && f->cl != n)
            return "conflicting Content-Length";
        f->has_cl = true;
        f->cl = n;
        http_skip_ows(&s);
        if (!cur_left(&s))
            return NULL;
        if (cur_peek(&s, 0) != ',')
            return "bad Content-Length";
        cur_skip(&s, 1);
    }
}

/* Transfer-Encoding: whether the last non-empty coding of the list is "chunked". */
static void http_transfer_encoding(const struct cursor *v, struct http_fields *f)
{
    struct cursor s = *v;
    f->te = true;
    while (cur_left(&s)) {
        size_t n;
        if (!http_find(&s, ',', cur_left(&s), &n))
            n = cur_left(&s);
        struct cursor item = http_trim(cur_sub(&s, n));
        if (cur_left(&item))
            f->te_chunked = http_ieq(&item, "chunked");
        if (cur_left(&s))
            cur_skip(&s, 1);
    }
}

/*
 * Reads the field lines of a header block (start line already read, m ends
 * after the empty line). NULL, or a static string saying what is wrong.
 */
static const char *http_fields(struct cursor *m, struct http_fields *f)
{
    unsigned count = 0;
    memset(f, 0, sizeof(*f));
    while (cur_left(m)) {
        size_t lf;
        if (!http_find(m, '\n', cur_left(m), &lf))
            lf = cur_left(m) - 1; /* cannot happen: the block ends with LF */
        struct cursor line = http_line(m, lf);
        cur_skip(m, lf + 1);
        if (!cur_left(&line))
            break;
        if (++count > HTTP_HDR_COUNT_MAX)
            return "too many header fields";
        if (http_is_ows(cur_peek(&line, 0)))
            continue; /* obsolete line folding: a continuation, not read */
        size_t colon;
        if (!http_find(&line, ':', cur_left(&line), &colon))
            continue; /* not a field line; tolerated */
        struct cursor name = cur_sub(&line, colon);
        cur_skip(&line, 1);
        struct cursor value = http_trim(line);
        if (http_ieq(&name, "host") && !f->has_host) {
            f->host = value;
            f->has_host = true;
        } else if (http_ieq(&name, "user-agent") && !f->has_ua) {
            f->ua = value;
            f->has_ua = true;
        } else if (http_ieq(&name, "authorization") && !f->has_auth) {
            f->auth = value;
            f->has_auth = true;
        } else if (http_ieq(&name, "content-type") && !f->has_ctype) {
            f->ctype = value;
            f->has_ctype = true;
        } else if (http_ieq(&name, "content-length")) {
            const char *err = http_content_length(&value, f);
            if (err)
                return err;
        } else if (http_ieq(&name, "transfer-encoding")) {
            http_transfer_encoding(&value, f);
        }
    }
    return NULL;
}

/* ---- credentials ------------------------------------------------------------ */

static int http_b64_value(int b)
{
    if (b >= 'A' && b <= 'Z')
        return b - 'A';
    if (b >= 'a' && b <= 'z')
        return b - 'a' + 26;
    if (b >= '0' && b <= '9')
        return b - '0' + 52;
    if (b == '+')
        return 62;
    if (b == '/')
        return 63;
    return -1;
}

/*
 * Decodes base64 (RFC 4648 section 4, padding optional) into dst, keeping at
 * most dstsz bytes; *ret_len gets the whole decoded length. False for a byte
 * outside the alphabet, data after padding, too much padding, or a length
 * that leaves a lone 6-bit group.
 */
static bool http_b64(const struct cursor *s, uint8_t *dst, size_t dstsz, size_t *ret_len)
{
    uint32_t acc = 0;
    unsigned bits = 0;
    size_t out = 0, chars = 0, pad = 0, n = cur_left(s);
    for (size_t i = 0; i < n; i++) {
        int b = cur_peek(s, i);
        if (b == '=') {
            if (++pad > 2)
                return false;
            continue;
        }
        int v = http_b64_value(b);
        if (v < 0 || pad)
            return false;
        chars++;
        acc = (acc << 6) | (uint32_t)v;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            if (out < dstsz)
                dst[out] = (uint8_t)(acc >> bits);
            out++;
            acc &= (1u << bits) - 1;
        }
    }
    if (chars % 4 == 1 || (pad && (chars + pad) % 4 != 0))
        return false;
    *ret_len = out;
    return true;
}

/* FNV-1a, 64 bits. */
static uint64_t http_hash(const uint8_t *p, size_t n, uint64_t h)
{
    for (size_t i = 0; i < n; i++) {
        h ^= p[i];
        h *= 0x100000001b3ull;
    }
    return h;
}

static void http_copy_bytes(const uint8_t *p, size_t n, char *dst, size_t dstsz)
{
    size_t o = 0;
    for (size_t i = 0; i < n && o + 1 < dstsz; i++)
        dst[o++] = http_printable(p[i]);
    dst[o] = '\0';
}

/*
 * Authorization: Basic <token68> (RFC 7617). Fills cr and *ret_hash (of the
 * decoded user-pass) and returns true for a well-formed credential.
 */
static bool http_basic(const struct cursor *auth, struct http_cred *cr, uint64_t *ret_hash)
{
    struct cursor s = *auth;
    if (!http_iprefix(&s, "basic"))
        return false;
    cur_skip(&s, 5);
    if (!http_is_ows(cur_peek(&s, 0)))
        return false;
    http_skip_ows(&s);
    size_t n = 0, left = cur_left(&s);
    while (n < left && !http_is_ows(cur_peek(&s, n)))
        n++;
    if (n == 0)
        return false;
    struct cursor tok = cur_sub(&s, n);
    uint8_t buf[HTTP_B64_MAX];
    size_t len;
    if (!http_b64(&tok, buf, sizeof(buf), &len))
        return false;
    size_t kept = len < sizeof(buf) ? len : sizeof(buf);
    const uint8_t *colon = memchr(buf, ':', kept);
    if (!colon)
        return false;
    size_t ulen = (size_t)(colon - buf);
    if (ulen == 0 && len == 1)
        return false; /* ":" alone names nobody */
    cr->kind = HTTP_CRED_BASIC;
    http_copy_bytes(buf, ulen, cr->username, sizeof(cr->username));
    http_copy_bytes(colon + 1, kept - ulen - 1, cr->password, sizeof(cr->password));
    cr->password_len = len - ulen - 1;
    *ret_hash = http_hash(buf, kept, 0xcbf29ce484222325ull ^ len);
    return true;
}

/*
 * Decodes one urlencoded component ('+' is a space, %XX a byte, a '%' not
 * followed by two hex digits stays as it is) into dst, keeping what fits,
 * printable ASCII only ('?' for other bytes), NUL-terminated. Returns the
 * whole decoded length.
 */
static size_t http_form_decode(const struct cursor *s, char *dst, size_t dstsz)
{
    size_t n = cur_left(s), o = 0, len = 0;
    for (size_t i = 0; i < n; i++) {
        int b = cur_peek(s, i);
        if (b == '+') {
            b = ' ';
        } else if (b == '%') {
            int hi = http_hex(cur_peek(s, i + 1)), lo = http_hex(cur_peek(s, i + 2));
            if (hi >= 0 && lo >= 0) {
                b = hi * 16 + lo;
                i += 2;
            }
        }
        if (o + 1 < dstsz)
            dst[o++] = http_printable(b);
        len++;
    }
    dst[o] = '\0';
    return len;
}

/* Rank of a field name in keys (lower is better), or -1. "a[b]" is looked up as "b". */
static int http_key_rank(const char *key, const char *const *keys, size_t nkeys)
{
    size_t n = strlen(key);
    const char *k = key;
    if (n > 2 && key[n - 1] == ']') {
        const char *open = strrchr(key, '[');
        if (open) {
            k = open + 1;
            n = (size_t)(key + n - 1 - k);
        }
    }
    for (size_t i = 0; i < nkeys; i++) {
        if (strlen(keys[i]) != n)
            continue;
        size_t j = 0;
        while (j < n && http_lower((unsigned char)k[j]) == keys[i][j])
            j++;
        if (j == n)
            return (int)i;
    }
    return -1;
}

/*
 * Looks for a user and a password field among the name=value pairs of s
 * ('&'-separated). Fills cr (with kind) when both are there and the password
 * is not empty.
 */
static bool http_pairs(const struct cursor *s, uint8_t kind, struct http_cred *cr)
{
    struct cursor p = *s;
    int urank = -1, prank = -1;
    struct http_cred found = {.kind = kind};
    while (cur_left(&p)) {
        size_t n, eq;
        if (!http_find(&p, '&', cur_left(&p), &n))
            n = cur_left(&p);
        struct cursor pair = cur_sub(&p, n);
        if (cur_left(&p))
            cur_skip(&p, 1);
        if (!http_find(&pair, '=', cur_left(&pair), &eq))
            eq = cur_left(&pair);
        struct cursor name = cur_sub(&pair, eq);
        if (cur_left(&pair))
            cur_skip(&pair, 1);
        char key[HTTP_KEY_MAX + 1];
        if (http_form_decode(&name, key, sizeof(key)) > HTTP_KEY_MAX)
            continue;
        int r = http_key_rank(key, http_pass_keys, HTTP_NKEYS(http_pass_keys));
        if (r >= 0 && (prank < 0 || r < prank)) {
            prank = r;
            found.password_len = http_form_decode(&pair, found.password, sizeof(found.password));
            continue;
        }
        r = http_key_rank(key, http_user_keys, HTTP_NKEYS(http_user_keys));
        if (r >= 0 && (urank < 0 || r < urank)) {
            urank = r;
            (void)http_form_decode(&pair, found.username, sizeof(found.username));
        }
    }
    if (urank < 0 || prank < 0 || found.password_len == 0)
        return false;
    *cr = found;
    return true;
}

/* The query of a request target: after '?', up to '#'. */
static bool http_query(const struct cursor *target, struct http_cred *cr)
{
    struct cursor t = *target;
    size_t q, hash;
    if (!http_find(&t, '?', cur_left(&t), &q))
        return false;
    cur_skip(&t, q + 1);
    if (!http_find(&t, '#', cur_left(&t), &hash))
        hash = cur_left(&t);
    struct cursor query = http_view(&t, hash);
    return http_pairs(&query, HTTP_CRED_QUERY, cr);
}

/* Content-Type: application/x-www-form-urlencoded, parameters allowed. */
static bool http_is_urlencoded(const struct cursor *ctype)
{
    static const char mt[] = "application/x-www-form-urlencoded";
    if (!http_iprefix(ctype, mt))
        return false;
    int b = cur_peek(ctype, sizeof(mt) - 1);
    return b < 0 || b == ';' || http_is_ows(b);
}

static uint8_t http_outcome(uint8_t kind, int status)
{
    if (status == 401 || status == 403)
        return CRED_OUTCOME_FAILURE;
    if (status >= 300 && status < 400)
        return CRED_OUTCOME_SUCCESS;
    if (kind == HTTP_CRED_BASIC && status >= 200 && status < 300)
        return CRED_OUTCOME_SUCCESS;
    return CRED_OUTCOME_UNKNOWN;
}

static const char *http_cred_protocol(uint8_t kind)
{
    switch (kind) {
        case HTTP_CRED_BASIC:
            return "http-basic";
        case HTTP_CRED_FORM:
            return "http-form";
        default:
            return "http-query";
    }
}

/* Whether this Basic credential was seen on the connection; remembers it if not. */
static bool http_basic_seen(struct http_state *st, uint64_t h)
{
    for (uint32_t i = 0; i < st->basic_count; i++)
        if (st->basic_seen[i] == h)
            return true;
    st->basic_seen[st->basic_next] = h;
    st->basic_next = (st->basic_next + 1) % HTTP_BASIC_SEEN;
    if (st->basic_count < HTTP_BASIC_SEEN)
        st->basic_count++;
    return false;
}

/* ---- pending requests ---------------------------------------------------------- */

static struct http_req *http_at(struct http_state *st, uint32_t i)
{
    return &st->q[(st->q_head + i) % st->q_cap];
}

static struct http_req *http_find_seq(struct http_state *st, uint64_t seq)
{
    for (uint32_t i = 0; i < st->q_len; i++)
        if (http_at(st, i)->seq == seq)
            return http_at(st, i);
    return NULL;
}

/* Reports one request: its credentials, then the request itself. */
static void http_report(struct dis_ctx *ctx, struct http_state *st, const struct http_req *rq)
{
    for (size_t i = 0; i < 2; i++) {
        const struct http_cred *cr = &rq->cred[i];
        if (cr->kind == HTTP_CRED_NONE)
            continue;
        struct dis_event ev = {.type = EV_CREDENTIALS, .actor = EV_ACTOR_CLIENT};
        struct ev_cred *e = &ev.u.cred;
        e->protocol = http_cred_protocol(cr->kind);
        memcpy(e->username, cr->username, sizeof(e->username));
        e->has_username = true;
        memcpy(e->password, cr->password, sizeof(e->password));
        e->password_len = cr->password_len;
        e->outcome = http_outcome(cr->kind, rq->info.status);
        e->attempt = ++st->attempts;
        e->has_http = true;
        e->http = rq->info;
        dis_emit(ctx, &ev);
    }
    struct dis_event ev = {.type = EV_HTTP_REQUEST, .actor = EV_ACTOR_CLIENT};
    ev.u.http = rq->info;
    dis_emit(ctx, &ev);
}

static void http_pop(struct http_state *st)
{
    st->q_head = (st->q_head + 1) % st->q_cap;
    st->q_len--;
}

/* Reports the oldest entries that are answered and complete. */
static void http_flush_ready(struct dis_ctx *ctx, struct http_state *st)
{
    while (st->q_len) {
        struct http_req *rq = http_at(st, 0);
        if (!rq->answered || !rq->complete)
            break;
        http_report(ctx, st, rq);
        http_pop(st);
    }
}

/* Reports every entry as it stands (the connection ended). */
static void http_flush_all(struct dis_ctx *ctx, struct http_state *st)
{
    while (st->q_len) {
        http_report(ctx, st, http_at(st, 0));
        http_pop(st);
    }
    st->req_open = false;
    st->form_on = false;
}

/* A new entry at the tail (zeroed but for seq), or NULL when memory is short. */
static struct http_req *http_push(struct dis_ctx *ctx, struct http_state *st)
{
    uint64_t seq = st->req_seq++;
    if (st->q_len == HTTP_MAX_PENDING) {
        /* the oldest waits no longer: reported without its response */
        http_report(ctx, st, http_at(st, 0));
        http_pop(st);
    }
    if (st->q_len == st->q_cap) {
        uint32_t cap = st->q_cap ? st->q_cap * 2 : 2;
        if (cap > HTTP_MAX_PENDING)
            cap = HTTP_MAX_PENDING;
        struct http_req *nq = malloc(cap * sizeof(*nq));
        if (!nq)
            return NULL;
        for (uint32_t i = 0; i < st->q_len; i++)
            nq[i] = *http_at(st, i);
        free(st->q);
        st->q = nq;
        st->q_cap = cap;
        st->q_head = 0;
    }
    struct http_req *rq = http_at(st, st->q_len++);
    memset(rq, 0, sizeof(*rq));
    rq->seq = seq;
    return rq;
}

/*
 * The open request's body ended (whole) or was cut short: read its form,
 * report what is ready. Of a form not kept whole the last pair may be cut,
 * so only pairs followed by '&' are read.
 */
static void http_request_done(struct dis_ctx *ctx, struct http_state *st, bool whole)
{
    if (!st->req_open)
        return;
    st->req_open = false;
    struct http_req *rq = http_find_seq(st, st->open_seq);
    if (rq) {
        rq->complete = true;
        if (st->form_on && (!whole || st->form_cut)) {
            while (st->form_len && st->form[st->form_len - 1] != '&')
                st->form_len--;
        }
        if (st->form_on && st->form_len) {
            struct cursor f;
            struct http_cred cr;
            cur_init(&f, st->form, st->form_len);
            if (http_pairs(&f, HTTP_CRED_FORM, &cr))
                rq->cred[1] = cr;
        }
    }
    st->form_on = false;
    st->form_len = 0;
    st->form_cut = false;
    http_flush_ready(ctx, st);
}

/* ---- messages ------------------------------------------------------------------ */

static enum http_step http_bad(struct http_state *st, const char *why)
{
    st->error = why;
    return HTTP_STEP_BAD;
}

static void http_fill_info(struct ev_http_info *info, const struct http_reqline *rl,
                           const struct http_fields *f)
{
    http_copy(&rl->method, info->method, sizeof(info->method));
    http_copy(&rl->target, info->url, sizeof(info->url));
    if (f->has_host)
        http_copy(&f->host, info->host, sizeof(info->host));
    if (f->has_ua)
        http_copy(&f->ua, info->user_agent, sizeof(info->user_agent));
}

/* A request header block m (start line to the empty line). */
static enum http_step http_request(struct dis_ctx *ctx, struct http_state *st, struct cursor *m)
{
    struct http_dir *hd = &st->dir[DIR_TO_SERVER];
    struct http_reqline rl;
    struct http_fields f;
    size_t lf = 0;
    (void)http_find(m, '\n', cur_left(m), &lf);
    struct cursor line = http_line(m, lf);
    cur_skip(m, lf + 1);
    if (!http_request_line(&line, &rl))
        return http_bad(st, "bad HTTP request line");
    st->seen_any = true;
    const char *err = http_fields(m, &f);
    if (err)
        return http_bad(st, err);
    if (f.te && !f.te_chunked)
        return http_bad(st, "request Transfer-Encoding is not chunked");

    struct http_req *rq = http_push(ctx, st);
    if (rq) {
        http_fill_info(&rq->info, &rl, &f);
        rq->head = http_ieq(&rl.method, "HEAD");
        rq->connect = http_ieq(&rl.method, "CONNECT");
        uint64_t h;
        if (f.has_auth && http_basic(&f.auth, &rq->cred[0], &h) && http_basic_seen(st, h))
            memset(&rq->cred[0], 0, sizeof(rq->cred[0])); /* the same attempt again */
        (void)http_query(&rl.target, &rq->cred[1]);
        st->req_open = true;
        st->open_seq = rq->seq;
    }
    st->form_on = false;
    st->form_len = 0;
    st->form_cut = false;
    if (rq && f.has_ctype && http_is_urlencoded(&f.ctype) && (f.te || f.cl)) {
        if (!st->form)
            st->form = malloc(HTTP_FORM_MAX);
        st->form_on = st->form != NULL;
    }
    if (f.te) {
        hd->phase = HTTP_PH_CHUNK_SIZE;
    } else if (f.has_cl && f.cl) {
        hd->phase = HTTP_PH_BODY_LEN;
        hd->remaining = f.cl;
    } else {
        hd->phase = HTTP_PH_START;
        http_request_done(ctx, st, true);
    }
    return HTTP_STEP_CONTINUE;
}

/* Both directions carry something else from now on. */
static void http_tunnel(struct http_state *st)
{
    for (int d = 0; d < 2; d++) {
        st->dir[d].phase = HTTP_PH_OPAQUE;
        st->dir[d].resync = false;
    }
    st->form_on = false;
}

/* A response header block m. */
static enum http_step http_response(struct dis_ctx *ctx, struct http_state *st, struct cursor *m)
{
    struct http_dir *hd = &st->dir[DIR_TO_CLIENT];
    struct http_fields f;
    int status;
    size_t lf = 0;
    (void)http_find(m, '\n', cur_left(m), &lf);
    struct cursor line = http_line(m, lf);
    cur_skip(m, lf + 1);
    if (!http_status_line(&line, &status))
        return http_bad(st, "bad HTTP status line");
    st->seen_any = true;
    hd->phase = HTTP_PH_START;
    if (status < 200 && status != 101)
        return HTTP_STEP_CONTINUE; /* interim (100 Continue, 103): the final one follows */

    struct http_req *rq = NULL;
    if (st->resp_seq < st->req_seq) {
        rq = http_find_seq(st, st->resp_seq++);
        if (rq) {
            rq->answered = true;
            rq->info.status = status;
        }
    }
    bool head = rq && rq->head, connect = rq && rq->connect;
    const char *err = http_fields(m, &f);
    if (err) {
        http_flush_ready(ctx, st);
        return http_bad(st, err);
    }
    if (status == 101 || (connect && status < 300)) {
        http_request_done(ctx, st, false);
        http_tunnel(st);
    } else if (head || status == 204 || status == 304) {
        hd->phase = HTTP_PH_START;
    } else if (f.te) {
        hd->phase = f.te_chunked ? HTTP_PH_CHUNK_SIZE : HTTP_PH_BODY_CLOSE;
    } else if (f.has_cl) {
        hd->phase = f.cl ? HTTP_PH_BODY_LEN : HTTP_PH_START;
        hd->remaining = f.cl;
    } else {
        hd->phase = HTTP_PH_BODY_CLOSE;
    }
    http_flush_ready(ctx, st);
    return HTTP_STEP_CONTINUE;
}

/* The start of a message: skip empty lines, wait for the whole header block, read it. */
static enum http_step http_message(struct dis_ctx *ctx, struct http_state *st, int d,
                                   struct cursor *c)
{
    struct http_dir *hd = &st->dir[d];
    int b0 = cur_peek(c, 0);
    if (b0 == '\n') {
        cur_skip(c, 1);
        return HTTP_STEP_CONTINUE;
    }
    if (b0 == '\r') {
        int b1 = cur_peek(c, 1);
        if (b1 < 0)
            return HTTP_STEP_MORE;
        if (b1 == '\n') {
            cur_skip(c, 2);
            return HTTP_STEP_CONTINUE;
        }
    }
    if (http_start_prefix(c, d) == 0)
        return http_bad(st, d == DIR_TO_SERVER ? "not an HTTP request" : "not an HTTP response");

    /* the block ends at LF LF or LF CR LF; resume the search where the last call stopped */
    size_t left = cur_left(c), lim = left < HTTP_HDR_MAX ? left : HTTP_HDR_MAX, end = 0;
    for (size_t i = hd->scan >= 2 ? hd->scan - 2 : 0; i < lim && !end; i++) {
        if (cur_peek(c, i) != '\n')
            continue;
        int n1 = cur_peek(c, i + 1);
        if (n1 == '\n')
            end = i + 2;
        else if (n1 == '\r' && cur_peek(c, i + 2) == '\n')
            end = i + 3;
    }
    if (!end) {
        if (left >= HTTP_HDR_MAX) {
            size_t lf;
            /* a valid start line makes this HTTP, however hostile the rest */
            if (http_find(c, '\n', left, &lf)) {
                struct cursor line = http_line(c, lf);
                st->seen_any = st->seen_any || http_start_line_ok(&line, d);
            }
            return http_bad(st, "HTTP header block too large");
        }
        hd->scan = (uint32_t)lim;
        return HTTP_STEP_MORE;
    }
    hd->scan = 0;
    struct cursor m = cur_sub(c, end);
    return d == DIR_TO_SERVER ? http_request(ctx, st, &m) : http_response(ctx, st, &m);
}

/* A body (or the rest of the stream) ended. */
static void http_body_done(struct dis_ctx *ctx, struct http_state *st, int d)
{
    st->dir[d].phase = HTTP_PH_START;
    if (d == DIR_TO_SERVER)
        http_request_done(ctx, st, true);
}

/* Consumes up to `remaining` body bytes; the form reader gets a copy of request bytes. */
static void http_body_bytes(struct http_state *st, int d, struct cursor *c)
{
    struct http_dir *hd = &st->dir[d];
    size_t n = cur_left(c);
    if (n > hd->remaining)
        n = (size_t)hd->remaining;
    if (d == DIR_TO_SERVER && st->form_on && !st->form_cut) {
        size_t k = HTTP_FORM_MAX - st->form_len;
        if (k > n)
            k = n;
        struct cursor v = http_view(c, k);
        if (cur_copy(&v, st->form + st->form_len, k))
            st->form_len += (uint32_t)k;
        if (k < n)
            st->form_cut = true;
    }
    cur_skip(c, n);
    hd->remaining -= n;
}

static enum http_step http_chunk_size(struct http_state *st, int d, struct cursor *c)
{
    struct http_dir *hd = &st->dir[d];
    size_t lf;
    if (!http_find(c, '\n', HTTP_LINE_MAX, &lf)) {
        if (cur_left(c) >= HTTP_LINE_MAX)
            return http_bad(st, "chunk-size line too long");
        return HTTP_STEP_MORE;
    }
    struct cursor line = http_line(c, lf);
    uint64_t size = 0;
    size_t digits = 0;
    while (http_hex(cur_peek(&line, 0)) >= 0) {
        if (size > (HTTP_LEN_MAX >> 4))
            return http_bad(st, "chunk size too large");
        size = size << 4 | (uint64_t)http_hex(cur_u8(&line));
        digits++;
    }
    http_skip_ows(&line);
    if (!digits || (cur_left(&line) && cur_peek(&line, 0) != ';'))
        return http_bad(st, "bad chunk size");
    cur_skip(c, lf + 1);
    if (size == 0) {
        hd->phase = HTTP_PH_TRAILER;
        hd->trailer_bytes = 0;
        hd->trailer_lines = 0;
    } else {
        hd->phase = HTTP_PH_CHUNK_DATA;
        hd->remaining = size;
    }
    return HTTP_STEP_CONTINUE;
}

static enum http_step http_chunk_end(struct http_state *st, int d, struct cursor *c)
{
    int b0 = cur_peek(c, 0), b1 = cur_peek(c, 1);
    if (b0 == '\n') {
        cur_skip(c, 1);
    } else if (b0 == '\r' && b1 < 0) {
        return HTTP_STEP_MORE;
    } else if (b0 == '\r' && b1 == '\n') {
        cur_skip(c, 2);
    } else {
        return http_bad(st, "chunk data not followed by CRLF");
    }
    st->dir[d].phase = HTTP_PH_CHUNK_SIZE;
    return HTTP_STEP_CONTINUE;
}

static enum http_step http_trailer(struct dis_ctx *ctx, struct http_state *st, int d,
                                   struct cursor *c)
{
    struct http_dir *hd = &st->dir[d];
    size_t lf;
    if (!http_find(c, '\n', HTTP_LINE_MAX, &lf)) {
        if (cur_left(c) >= HTTP_LINE_MAX)
            return http_bad(st, "trailer line too long");
        return HTTP_STEP_MORE;
    }
    struct cursor line = http_line(c, lf);
    cur_skip(c, lf + 1);
    if (!cur_left(&line)) {
        http_body_done(ctx, st, d);
        return HTTP_STEP_CONTINUE;
    }
    hd->trailer_bytes += (uint32_t)(lf + 1);
    if (++hd->trailer_lines > HTTP_HDR_COUNT_MAX || hd->trailer_bytes > HTTP_HDR_MAX)
        return http_bad(st, "HTTP trailer too large");
    return HTTP_STEP_CONTINUE;
}

/*
 * After lost bytes or a malformed message: skips to the next line that is a
 * well-formed start line (the data start counts as a line start). MORE when
 * the bytes at hand may begin one but its line is not complete yet.
 */
static enum http_step http_resync(struct http_state *st, int d, struct cursor *c)
{
    while (cur_left(c)) {
        size_t lf, left = cur_left(c);
        if (!http_find(c, '\n', HTTP_LINE_MAX, &lf)) {
            if (left < HTTP_LINE_MAX && http_start_prefix(c, d) != 0)
                return HTTP_STEP_MORE;
            cur_skip(c, left);
            break;
        }
        struct cursor line = http_line(c, lf);
        if (http_start_line_ok(&line, d)) {
            st->dir[d].resync = false;
            st->dir[d].phase = HTTP_PH_START;
            break;
        }
        cur_skip(c, lf + 1);
    }
    return HTTP_STEP_CONTINUE;
}

/* Bytes were lost before this data: stay in a body that is long enough, else resync. */
static void http_gap(struct dis_ctx *ctx, struct http_state *st, int d, uint64_t gap)
{
    struct http_dir *hd = &st->dir[d];
    hd->scan = 0;
    if (hd->resync)
        return;
    switch (hd->phase) {
        case HTTP_PH_BODY_CLOSE:
        case HTTP_PH_OPAQUE:
            return;
        case HTTP_PH_BODY_LEN:
        case HTTP_PH_CHUNK_DATA:
            if (d == DIR_TO_SERVER)
                st->form_cut = true; /* what follows the hole is not read */
            if (gap < hd->remaining) {
                hd->remaining -= gap;
                return;
            }
            if (gap == hd->remaining) {
                hd->remaining = 0;
                if (hd->phase == HTTP_PH_CHUNK_DATA)
                    hd->phase = HTTP_PH_CHUNK_END;
                else
                    http_body_done(ctx, st, d);
                return;
            }
            break;
        default:
            break;
    }
    if (d == DIR_TO_SERVER)
        http_request_done(ctx, st, false);
    hd->phase = HTTP_PH_START;
    hd->resync = true;
}

static void http_give_up(struct dis_ctx *ctx, struct http_state *st)
{
    st->gave_up = true;
    http_request_done(ctx, st, false);
    http_flush_all(ctx, st);
}

/* ---- dissector interface --------------------------------------------------------- */

static bool http_probe(const struct cursor *c, int dir) { return http_start_prefix(c, dir) != 0; }

static enum http_step http_step(struct dis_ctx *ctx, struct http_state *st, int d, struct cursor *c)
{
    struct http_dir *hd = &st->dir[d];
    if (hd->resync)
        return http_resync(st, d, c);
    switch (hd->phase) {
        case HTTP_PH_START:
            return http_message(ctx, st, d, c);
        case HTTP_PH_BODY_LEN:
            http_body_bytes(st, d, c);
            if (!hd->remaining)
                http_body_done(ctx, st, d);
            return HTTP_STEP_CONTINUE;
        case HTTP_PH_CHUNK_SIZE:
            return http_chunk_size(st, d, c);
        case HTTP_PH_CHUNK_DATA:
            http_body_bytes(st, d, c);
            if (!hd->remaining)
                hd->phase = HTTP_PH_CHUNK_END;
            return HTTP_STEP_CONTINUE;
        case HTTP_PH_CHUNK_END:
            return http_chunk_end(st, d, c);
        case HTTP_PH_TRAILER:
            return http_trailer(ctx, st, d, c);
        default: /* HTTP_PH_BODY_CLOSE, HTTP_PH_OPAQUE */
            cur_skip(c, cur_left(c));
            return HTTP_STEP_CONTINUE;
    }
}

static enum dis_result http_parse(struct dis_ctx *ctx, void *state, struct cursor *c)
{
    struct http_state *st = state;
    ctx->consumed = 0;
    ctx->needed = 0;
    if (!st || st->gave_up)
        return DIS_NOT_MINE;
    int d = ctx->dir == DIR_TO_SERVER ? DIR_TO_SERVER : DIR_TO_CLIENT;
    struct http_dir *hd = &st->dir[d];
    size_t total = cur_left(c);
    if (ctx->gap)
        http_gap(ctx, st, d, ctx->gap);
    while (cur_left(c)) {
        enum http_step r = http_step(ctx, st, d, c);
        if (r == HTTP_STEP_CONTINUE)
            continue;
        ctx->consumed = total - cur_left(c);
        if (r == HTTP_STEP_MORE) {
            ctx->needed = cur_left(c) + 1;
            return DIS_NEED_MORE;
        }
        ctx->error = st->error;
        if (d == DIR_TO_SERVER)
            http_request_done(ctx, st, false); /* a body cut short ends its request */
        hd->phase = HTTP_PH_START;
        hd->resync = true;
        hd->scan = 0;
        if (!st->seen_any || ++st->malformed >= HTTP_MAX_MALFORMED) {
            http_give_up(ctx, st);
            return DIS_NOT_MINE;
        }
        return DIS_MALFORMED;
    }
    ctx->consumed = total;
    return DIS_OK;
}

static void http_end(struct dis_ctx *ctx, void *state, bool reset)
{
    struct http_state *st = state;
    (void)reset; /* RST, FIN and timeout alike: no more bytes in that direction */
    if (!st || st->gave_up)
        return;
    int d = ctx->dir == DIR_TO_SERVER ? DIR_TO_SERVER : DIR_TO_CLIENT;
    st->ended |= (uint8_t)(1u << d);
    if (d == DIR_TO_SERVER)
        http_request_done(ctx, st, false);
    /* without a server side no response can come; a client may half-close and still wait */
    if (d == DIR_TO_CLIENT || st->ended == 3) {
        http_request_done(ctx, st, false);
        http_flush_all(ctx, st);
    }
}

static void http_state_free(void *state)
{
    struct http_state *st = state;
    if (!st)
        return;
    free(st->q);
    free(st->form);
    st->q = NULL;
    st->form = NULL;
    st->q_len = st->q_cap = 0;
}

const struct dissector http_dissector = {
    .name = "http",
    .l4 = HTTP_TCP,
    .ports = {80, 8080, 8000},
    .ndpi_ids = {HTTP_NDPI_PROTO},
    .state_size = sizeof(struct http_state),
    .probe = http_probe,
    .parse = http_parse,
    .end = http_end,
    .state_free = http_state_free,
};
