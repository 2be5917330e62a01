/*
 * packet.c - address helpers shared by decoder, flows, config and output.
 */
#include "packet.h"

#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

char *tw_addr_fmt(const struct tw_addr *a, char *buf, size_t len)
{
    if (a->family == 4) {
        if (!inet_ntop(AF_INET, a->a, buf, (socklen_t)len))
            buf[0] = '\0';
    } else if (a->family == 6) {
        if (!inet_ntop(AF_INET6, a->a, buf, (socklen_t)len))
            buf[0] = '\0';
    } else if (len) {
        buf[0] = '\0';
    }
    return buf;
}

bool tw_addr_eq(const struct tw_addr *x, const struct tw_addr *y)
{
    return x->family == y->family && memcmp(x->a, y->a, sizeof(x->a)) == 0;
}

int tw_addr_parse(const char *s, struct tw_addr *ret)
{
    struct tw_addr a;
    memset(&a, 0, sizeof(a));
    if (inet_pton(AF_INET, s, a.a) == 1) {
        a.family = 4;
    } else if (inet_pton(AF_INET6, s, a.a) == 1) {
        a.family = 6;
    } else {
        return -EINVAL;
    }
    *ret = a;
    return 0;
}
