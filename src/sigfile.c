/*
 * sigfile.c - reader for line-oriented data files (signatures/, phone
 * inventories); see sigfile.h for the format.
 *
 * The file is read in blocks into a fixed line buffer of SIGFILE_MAX_LINE
 * bytes, so a hostile file (one endless line, /dev/zero) costs no more than
 * that buffer. Only regular files are accepted: a FIFO or a device would
 * block or never end. A UTF-8 byte order mark at the start is skipped.
 */
#include "sigfile.h"

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

/* Checks that s[0..n) is well-formed UTF-8 (no overlongs, no surrogates). */
static bool utf8_valid(const unsigned char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        unsigned c = s[i];
        size_t need;
        uint32_t cp;
        if (c < 0x80) {
            i++;
            continue;
        } else if (c >= 0xc2 && c <= 0xdf) {
            need = 1;
            cp = c & 0x1f;
        } else if (c >= 0xe0 && c <= 0xef) {
            need = 2;
            cp = c & 0x0f;
        } else if (c >= 0xf0 && c <= 0xf4) {
            need = 3;
            cp = c & 0x07;
        } else {
            return false;
        }
        if (need > n - i - 1)
            return false;
        for (size_t k = 1; k <= need; k++) {
            if ((s[i + k] & 0xc0) != 0x80)
                return false;
            cp = cp << 6 | (s[i + k] & 0x3f);
        }
        if ((need == 2 && cp < 0x800) || (need == 3 && (cp < 0x10000 || cp > 0x10ffff)) ||
            (cp >= 0xd800 && cp <= 0xdfff))
            return false;
        i += need + 1;
    }
    return true;
}

/*
 * Strips the comment and surrounding white space from line (len bytes, NUL
 * terminated), turning "\#" into "#". Returns the start of the content,
 * which is NUL terminated in place.
 */
static char *clean_line(char *line, size_t len)
{
    size_t w = 0;
    for (size_t r = 0; r < len; r++) {
        if (line[r] == '\\' && r + 1 < len && line[r + 1] == '#') {
            line[w++] = '#';
            r++;
        } else if (line[r] == '#') {
            break;
        } else {
            line[w++] = line[r];
        }
    }
    while (w > 0 && is_space(line[w - 1]))
        w--;
    line[w] = '\0';
    char *b = line;
    while (is_space(*b))
        b++;
    return b;
}

struct reader {
    const char *path;
    sigfile_line_fn fn;
    void *user;
    char *err;
    size_t errlen;
};

static int line_done(struct reader *r, char *line, size_t len, unsigned lineno)
{
    char *content = clean_line(line, len);
    if (!*content)
        return 0;
    if (!utf8_valid((const unsigned char *)content, strlen(content))) {
        snprintf(r->err, r->errlen, "%s:%u: invalid UTF-8", r->path, lineno);
        return -EINVAL;
    }
    char reason[512];
    reason[0] = '\0';
    int ret = r->fn(r->user, content, lineno, reason, sizeof(reason));
    if (ret < 0) {
        snprintf(r->err, r->errlen, "%s:%u: %s", r->path, lineno,
                 reason[0] ? reason : strerror(-ret));
        return ret;
    }
    return 0;
}

int sigfile_read(const char *path, sigfile_line_fn fn, void *user, char *err, size_t errlen)
{
    struct reader r = {path, fn, user, err, errlen};
    FILE *f = fopen(path, "rb");
    if (!f) {
        int e = errno;
        snprintf(err, errlen, "%s: %s", path, strerror(e));
        return -e;
    }
    struct stat st;
    if (fstat(fileno(f), &st) < 0) {
        int e = errno;
        snprintf(err, errlen, "%s: %s", path, strerror(e));
        fclose(f);
        return -e;
    }
    if (!S_ISREG(st.st_mode)) {
        snprintf(err, errlen, "%s: %s", path,
                 S_ISDIR(st.st_mode) ? strerror(EISDIR) : "not a regular file");
        fclose(f);
        return S_ISDIR(st.st_mode) ? -EISDIR : -EINVAL;
    }

    char line[SIGFILE_MAX_LINE + 1];
    char block[8192];
    size_t len = 0;
    unsigned lineno = 1;
    bool first = true;
    int ret = 0;
    size_t n;

    int read_errno = 0;
    while (ret == 0) {
        errno = 0;
        n = fread(block, 1, sizeof(block), f);
        if (n == 0) {
            read_errno = errno;
            break;
        }
        size_t i = 0;
        if (first) {
            first = false;
            if (n >= 3 && memcmp(block, "\xef\xbb\xbf", 3) == 0)
                i = 3;
        }
        for (; i < n; i++) {
            char c = block[i];
            if (c == '\n') {
                line[len] = '\0';
                ret = line_done(&r, line, len, lineno);
                if (ret < 0)
                    break;
                len = 0;
                lineno++;
            } else if (c == '\0') {
                snprintf(err, errlen, "%s:%u: NUL byte in line", path, lineno);
                ret = -EINVAL;
                break;
            } else if (len == SIGFILE_MAX_LINE) {
                snprintf(err, errlen, "%s:%u: line longer than %d bytes", path, lineno,
                         SIGFILE_MAX_LINE);
                ret = -EINVAL;
                break;
            } else {
                line[len++] = c;
            }
        }
    }
    if (ret == 0 && ferror(f)) {
        int e = read_errno ? read_errno : EIO;
        snprintf(err, errlen, "%s: %s", path, strerror(e));
        ret = -e;
    }
    if (ret == 0 && len > 0) {
        line[len] = '\0';
        ret = line_done(&r, line, len, lineno);
    }
    fclose(f);
    return ret;
}
