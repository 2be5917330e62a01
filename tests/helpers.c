/*
 * helpers.c - see helpers.h.
 */
#include "helpers.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int hexval(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

uint8_t *th_hex(const char *hex, size_t *ret_len)
{
    size_t n = strlen(hex);
    uint8_t *out = malloc(n / 2 + 1);
    size_t len = 0;
    int hi = -1;
    if (!out)
        abort();
    for (size_t i = 0; i < n; i++) {
        int c = (unsigned char)hex[i];
        if (c == ' ' || c == '\n' || c == '\t' || c == ':')
            continue;
        int v = hexval(c);
        if (v < 0) {
            fprintf(stderr, "th_hex: bad hex digit '%c'\n", c);
            abort();
        }
        if (hi < 0) {
            hi = v;
        } else {
            out[len++] = (uint8_t)(hi << 4 | v);
            hi = -1;
        }
    }
    if (hi >= 0) {
        fprintf(stderr, "th_hex: odd number of digits\n");
        abort();
    }
    *ret_len = len;
    return out;
}

const char *th_src_path(const char *rel)
{
    static char buf[4096];
    const char *root = getenv("TW_SOURCE_DIR");
    snprintf(buf, sizeof(buf), "%s/%s", root ? root : ".", rel);
    return buf;
}

const char *th_write_temp(const char *name, const char *text)
{
    static char bufs[8][4096];
    static unsigned slot;
    char *buf = bufs[slot++ % 8];
    const char *tmp = getenv("TMPDIR");
    snprintf(buf, 4096, "%s/tw-test-%d-%s", tmp ? tmp : "/tmp", (int)getpid(), name);
    FILE *f = fopen(buf, "w");
    if (!f)
        abort();
    fputs(text, f);
    fclose(f);
    return buf;
}
