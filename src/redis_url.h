/*
 * redis_url.h - parses the Redis address of outputs.redis.url / --redis.
 *
 * Accepted forms (as redis-cli -u, plus a Unix socket form):
 *   redis://[[user]:password@]host[:port][/db]     host may be [IPv6]
 *   unix://[[user]:password@]/path/to/redis.sock[?db=N]
 * A userinfo without ':' is a password (redis-cli). User and password may
 * be percent-encoded. Port defaults to 6379, db to 0. TLS (rediss://) is
 * refused: hiredis 0.14.1 has no TLS.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#define REDIS_URL_HOST_MAX 256
#define REDIS_URL_PATH_MAX 108 /* sun_path */
#define REDIS_URL_CRED_MAX 256

struct redis_url {
    bool is_unix;
    char host[REDIS_URL_HOST_MAX]; /* without brackets */
    int port;
    char path[REDIS_URL_PATH_MAX]; /* unix socket */
    char user[REDIS_URL_CRED_MAX]; /* "" = none (AUTH password, Redis < 6) */
    char password[REDIS_URL_CRED_MAX];
    bool has_password;
    int db;
};

/*
 * Parses url into *ret. 0, or -EINVAL with err naming the problem (the
 * password never appears in err); *ret is untouched on failure.
 */
int redis_url_parse(const char *url, struct redis_url *ret, char *err, size_t errlen);

/* "host:port" or "unix:/path" for messages (never the credentials). */
void redis_url_describe(const struct redis_url *u, char *buf, size_t len);
