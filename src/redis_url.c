/*
 * redis_url.c - the Redis URL parser; see redis_url.h.
 *
 * Why our own: hiredis 0.14.1 has no URL parser, and the sensor must reject
 * a bad address at start-up with a reason rather than fail to connect later.
 * The grammar follows redis-cli's parseRedisUri (redis/redis:src/cli_common.c)
 * so that an operator can paste the URL they test with redis-cli -u.
 */
#include "redis_url.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Percent-decodes [s, s+n) into out (cap bytes with NUL); -1 if bad or too long. */
static int pct_decode(const char *s, size_t n, char *out, size_t cap)
{
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c == '%') {
            if (n - i < 3)
                return -1;
            int h = hexval(s[i + 1]), l = hexval(s[i + 2]);
            if (h < 0 || l < 0 || (h == 0 && l == 0))
                return -1;
            c = (char)(h * 16 + l);
            i += 2;
        }
        if (o + 1 >= cap)
            return -1;
        out[o++] = c;
    }
    out[o] = '\0';
    return 0;
}

/* Parses a decimal in [s, s+n) within lo..hi; -1 if not. */
static long parse_num(const char *s, size_t n, long lo, long hi)
{
    if (n == 0 || n > 10)
        return -1;
    long v = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v < lo || v > hi ? -1 : v;
}

static int fail(char *err, size_t errlen, const char *what)
{
    snprintf(err, errlen,
             "redis URL: %s (expected redis://[user:password@]host[:port][/db] "
             "or unix:///path)",
             what);
    return -EINVAL;
}

/* The userinfo before '@' in [s, at): "user:password", ":password" or "password". */
static int parse_userinfo(const char *s, const char *at, struct redis_url *u, char *err,
                          size_t errlen)
{
    const char *colon = memchr(s, ':', (size_t)(at - s));
    if (colon) {
        if (pct_decode(s, (size_t)(colon - s), u->user, sizeof(u->user)) < 0)
            return fail(err, errlen, "bad or too long user name");
        s = colon + 1;
    }
    if (pct_decode(s, (size_t)(at - s), u->password, sizeof(u->password)) < 0)
        return fail(err, errlen, "bad or too long password");
    u->has_password = true;
    if (!u->password[0])
        return fail(err, errlen, "empty password");
    return 0;
}

int redis_url_parse(const char *url, struct redis_url *ret, char *err, size_t errlen)
{
    struct redis_url u;
    memset(&u, 0, sizeof(u));
    u.port = 6379;
    const char *p;
    if (strncmp(url, "redis://", 8) == 0) {
        p = url + 8;
    } else if (strncmp(url, "unix://", 7) == 0) {
        p = url + 7;
        u.is_unix = true;
    } else if (strncmp(url, "rediss://", 9) == 0) {
        return fail(err, errlen, "TLS (rediss://) is not supported");
    } else {
        return fail(err, errlen, "unknown scheme");
    }
    /* userinfo: up to the last '@' (a password may contain '@' only encoded, but be lenient) */
    const char *at = strrchr(p, '@');
    if (at && !u.is_unix) {
        const char *slash = strchr(p, '/');
        if (slash && slash < at)
            at = NULL;
    }
    if (at) {
        int r = parse_userinfo(p, at, &u, err, errlen);
        if (r < 0)
            return r;
        p = at + 1;
    }
    if (u.is_unix) {
        const char *q = strchr(p, '?');
        size_t n = q ? (size_t)(q - p) : strlen(p);
        if (n == 0 || p[0] != '/')
            return fail(err, errlen, "unix socket path must be absolute");
        if (n >= sizeof(u.path))
            return fail(err, errlen, "unix socket path too long");
        memcpy(u.path, p, n);
        u.path[n] = '\0';
        if (q) {
            if (strncmp(q, "?db=", 4) != 0)
                return fail(err, errlen, "only ?db=N may follow a unix socket path");
            long db = parse_num(q + 4, strlen(q + 4), 0, 1000000);
            if (db < 0)
                return fail(err, errlen, "bad database number");
            u.db = (int)db;
        }
        *ret = u;
        return 0;
    }
    /* host */
    const char *host = p, *host_end;
    if (*p == '[') {
        host = p + 1;
        host_end = strchr(host, ']');
        if (!host_end)
            return fail(err, errlen, "unterminated [IPv6] address");
        p = host_end + 1;
    } else {
        host_end = p + strcspn(p, ":/?#");
        p = host_end;
    }
    size_t hn = (size_t)(host_end - host);
    if (hn == 0)
        return fail(err, errlen, "missing host");
    if (hn >= sizeof(u.host))
        return fail(err, errlen, "host name too long");
    memcpy(u.host, host, hn);
    u.host[hn] = '\0';
    if (*p == ':') {
        p++;
        size_t n = strcspn(p, "/?#");
        long port = parse_num(p, n, 1, 65535);
        if (port < 0)
            return fail(err, errlen, "port must be 1..65535");
        u.port = (int)port;
        p += n;
    }
    if (*p == '/') {
        p++;
        size_t n = strcspn(p, "?#");
        if (n) {
            long db = parse_num(p, n, 0, 1000000);
            if (db < 0)
                return fail(err, errlen, "bad database number");
            u.db = (int)db;
        }
        p += n;
    }
    if (*p)
        return fail(err, errlen, "unexpected text after the address");
    *ret = u;
    return 0;
}

void redis_url_describe(const struct redis_url *u, char *buf, size_t len)
{
    if (u->is_unix)
        snprintf(buf, len, "unix:%s", u->path);
    else if (strchr(u->host, ':'))
        snprintf(buf, len, "[%s]:%d", u->host, u->port);
    else
        snprintf(buf, len, "%s:%d", u->host, u->port);
}
