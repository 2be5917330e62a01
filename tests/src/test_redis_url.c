/*
 * test_redis_url.c - the Redis URL grammar (src/redis_url.c).
 */
#include <criterion/criterion.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "redis_url.h"

static struct redis_url ok(const char *text)
{
    struct redis_url u;
    char err[256] = "";
    cr_assert_eq(redis_url_parse(text, &u, err, sizeof(err)), 0, "%s: %s", text, err);
    return u;
}

static void bad(const char *text, const char *why)
{
    struct redis_url u;
    memset(&u, 0x5a, sizeof(u));
    struct redis_url before = u;
    char err[256] = "";
    cr_assert_eq(redis_url_parse(text, &u, err, sizeof(err)), -EINVAL, "%s", text);
    cr_assert(strstr(err, why), "%s: '%s' lacks '%s'", text, err, why);
    cr_assert(memcmp(&u, &before, sizeof(u)) == 0, "ret_ written on failure");
}

Test(redis_url, host_only_gets_defaults)
{
    struct redis_url u = ok("redis://127.0.0.1");
    cr_assert(!u.is_unix);
    cr_assert_str_eq(u.host, "127.0.0.1");
    cr_assert_eq(u.port, 6379);
    cr_assert_eq(u.db, 0);
    cr_assert(!u.has_password);
    cr_assert_str_eq(u.user, "");
}

Test(redis_url, port_and_db)
{
    struct redis_url u = ok("redis://redis.example.net:6380/2");
    cr_assert_str_eq(u.host, "redis.example.net");
    cr_assert_eq(u.port, 6380);
    cr_assert_eq(u.db, 2);
    u = ok("redis://h:1/");
    cr_assert_eq(u.port, 1);
    cr_assert_eq(u.db, 0);
}

Test(redis_url, user_and_password_for_acl)
{
    struct redis_url u = ok("redis://tw:secret@10.10.5.5:6380/3");
    cr_assert_str_eq(u.user, "tw");
    cr_assert_str_eq(u.password, "secret");
    cr_assert(u.has_password);
    cr_assert_str_eq(u.host, "10.10.5.5");
    cr_assert_eq(u.db, 3);
}

Test(redis_url, password_only_as_redis_cli)
{
    struct redis_url u = ok("redis://:pw@h");
    cr_assert_str_eq(u.user, "");
    cr_assert_str_eq(u.password, "pw");
    u = ok("redis://pw2@h");
    cr_assert_str_eq(u.user, "");
    cr_assert_str_eq(u.password, "pw2");
}

Test(redis_url, percent_encoded_credentials)
{
    struct redis_url u = ok("redis://a%40b:p%3As%2F@h");
    cr_assert_str_eq(u.user, "a@b");
    cr_assert_str_eq(u.password, "p:s/");
    /* a raw '@' in the password: the last '@' ends the userinfo */
    u = ok("redis://u:p@ss@h:7");
    cr_assert_str_eq(u.password, "p@ss");
    cr_assert_str_eq(u.host, "h");
    cr_assert_eq(u.port, 7);
}

Test(redis_url, ipv6_in_brackets)
{
    struct redis_url u = ok("redis://[::1]:6390/1");
    cr_assert_str_eq(u.host, "::1");
    cr_assert_eq(u.port, 6390);
    cr_assert_eq(u.db, 1);
    char d[64];
    redis_url_describe(&u, d, sizeof(d));
    cr_assert_str_eq(d, "[::1]:6390");
}

Test(redis_url, unix_socket)
{
    struct redis_url u = ok("unix:///run/redis/redis.sock");
    cr_assert(u.is_unix);
    cr_assert_str_eq(u.path, "/run/redis/redis.sock");
    u = ok("unix://:pw@/tmp/r.sock?db=4");
    cr_assert_str_eq(u.path, "/tmp/r.sock");
    cr_assert_str_eq(u.password, "pw");
    cr_assert_eq(u.db, 4);
    char d[64];
    redis_url_describe(&u, d, sizeof(d));
    cr_assert_str_eq(d, "unix:/tmp/r.sock");
}

Test(redis_url, describe_never_shows_credentials)
{
    struct redis_url u = ok("redis://tw:secret@h:1");
    char d[64];
    redis_url_describe(&u, d, sizeof(d));
    cr_assert_str_eq(d, "h:1");
}

Test(redis_url, rejects)
{
    bad("http://h", "unknown scheme");
    bad("h:6379", "unknown scheme");
    bad("rediss://h", "TLS");
    bad("redis://", "missing host");
    bad("redis://:6379", "missing host");
    bad("redis://h:0", "port");
    bad("redis://h:65536", "port");
    bad("redis://h:12ab", "port");
    bad("redis://h:", "port");
    bad("redis://h/x", "database");
    bad("redis://h/-1", "database");
    bad("redis://h/1/2", "database");
    bad("redis://[::1", "IPv6");
    bad("redis://[::1]x", "unexpected text");
    bad("redis://u:@h", "empty password");
    bad("redis://u:p%4@h", "password");
    bad("redis://u:p%00@h", "password");
    bad("unix://relative.sock", "absolute");
    bad("unix:///s?x=1", "db=N");
    bad("unix:///s?db=z", "database");
}

Test(redis_url, password_never_in_errors)
{
    struct redis_url u;
    char err[256];
    cr_assert_lt(redis_url_parse("redis://u:topsecret@h:99999", &u, err, sizeof(err)), 0);
    cr_assert_null(strstr(err, "topsecret"), "%s", err);
}

Test(redis_url, long_fields)
{
    char url[2048], host[400];
    memset(host, 'a', sizeof(host) - 1);
    host[sizeof(host) - 1] = '\0';
    snprintf(url, sizeof(url), "redis://%s", host);
    bad(url, "host name too long");
    snprintf(url, sizeof(url), "redis://u:%s@h", host);
    bad(url, "password");
    snprintf(url, sizeof(url), "unix:///%s", host);
    bad(url, "too long");
}
