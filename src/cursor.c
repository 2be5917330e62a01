/*
 * cursor.c - the out-of-line part of the bounds-checked reader; the
 * readers themselves are inline in cursor.h.
 */
#include "cursor.h"

#include <string.h>

bool cur_copy(struct cursor *c, void *dst, size_t n)
{
    const uint8_t *p = cur_bytes(c, n);
    if (!p)
        return false;
    if (n)
        memcpy(dst, p, n);
    return true;
}
