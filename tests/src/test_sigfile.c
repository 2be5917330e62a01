/*
 * test_sigfile.c - the line-oriented data file reader (src/sigfile.c).
 */
#include <criterion/criterion.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "helpers.h"
#include "sigfile.h"

#define MAX_LINES 16

struct collected {
    char lines[MAX_LINES][SIGFILE_MAX_LINE + 1];
    unsigned linenos[MAX_LINES];
    size_t n;
    unsigned fail_at; /* line number whose callback fails, 0 = none */
};

static int collect(void *user, const char *line, unsigned lineno, char *err, size_t errlen)
{
    struct collected *c = user;
    if (lineno == c->fail_at) {
        snprintf(err, errlen, "'%s' is not acceptable", line);
        return -EINVAL;
    }
    cr_assert_lt(c->n, MAX_LINES);
    snprintf(c->lines[c->n], sizeof(c->lines[c->n]), "%s", line);
    c->linenos[c->n] = lineno;
    c->n++;
    return 0;
}

static int collect_count(void *user, const char *line, unsigned lineno, char *err, size_t errlen)
{
    (void)line;
    (void)lineno;
    (void)err;
    (void)errlen;
    ((struct collected *)user)->n++;
    return 0;
}

/* Writes len bytes (may hold NULs) to a temp file; returns its path. */
static const char *write_bytes(const char *name, const char *data, size_t len)
{
    static char path[4096];
    const char *tmp = getenv("TMPDIR");
    snprintf(path, sizeof(path), "%s/tw-sig-%d-%s", tmp ? tmp : "/tmp", (int)getpid(), name);
    FILE *f = fopen(path, "wb");
    cr_assert(f);
    cr_assert_eq(fwrite(data, 1, len, f), len);
    fclose(f);
    return path;
}

Test(sigfile, comments_trimming_and_line_numbers)
{
    const char *path = th_write_temp("sig1.txt", "# header comment\n"
                                                 "\n"
                                                 "  public  \n"
                                                 "\tprivate # trailing comment\n"
                                                 "   # indented comment\n"
                                                 "with\\#hash\n"
                                                 "a b c\r\n"
                                                 "last-without-newline");
    struct collected *c = calloc(1, sizeof(*c));
    char err[512] = "";
    cr_assert_eq(sigfile_read(path, collect, c, err, sizeof(err)), 0, "%s", err);
    cr_assert_eq(c->n, 5);
    cr_assert_str_eq(c->lines[0], "public");
    cr_assert_eq(c->linenos[0], 3);
    cr_assert_str_eq(c->lines[1], "private");
    cr_assert_eq(c->linenos[1], 4);
    cr_assert_str_eq(c->lines[2], "with#hash");
    cr_assert_eq(c->linenos[2], 6);
    cr_assert_str_eq(c->lines[3], "a b c");
    cr_assert_eq(c->linenos[3], 7);
    cr_assert_str_eq(c->lines[4], "last-without-newline");
    cr_assert_eq(c->linenos[4], 8);
    free(c);
    unlink(path);
}

Test(sigfile, empty_file_calls_nothing)
{
    const char *path = th_write_temp("sig-empty.txt", "");
    struct collected *c = calloc(1, sizeof(*c));
    char err[256];
    cr_assert_eq(sigfile_read(path, collect, c, err, sizeof(err)), 0);
    cr_assert_eq(c->n, 0);
    free(c);
    unlink(path);
}

Test(sigfile, skips_utf8_bom_and_accepts_utf8)
{
    const char *path = th_write_temp("sig-bom.txt", "\xef\xbb\xbf"
                                                    "first\n"
                                                    "caf\xc3\xa9\n");
    struct collected *c = calloc(1, sizeof(*c));
    char err[256] = "";
    cr_assert_eq(sigfile_read(path, collect, c, err, sizeof(err)), 0, "%s", err);
    cr_assert_eq(c->n, 2);
    cr_assert_str_eq(c->lines[0], "first");
    cr_assert_str_eq(c->lines[1], "caf\xc3\xa9");
    free(c);
    unlink(path);
}

Test(sigfile, rejects_invalid_utf8)
{
    const char *path = th_write_temp("sig-latin1.txt", "ok\n# caf\xe9 in a comment is fine\n"
                                                       "caf\xe9\n");
    struct collected *c = calloc(1, sizeof(*c));
    char err[512] = "", want[512];
    cr_assert_eq(sigfile_read(path, collect, c, err, sizeof(err)), -EINVAL);
    snprintf(want, sizeof(want), "%s:3: invalid UTF-8", path);
    cr_assert_str_eq(err, want);
    free(c);
    unlink(path);
}

Test(sigfile, callback_error_names_file_and_line)
{
    const char *path = th_write_temp("sig-cb.txt", "one\n\ntwo\nthree\n");
    struct collected *c = calloc(1, sizeof(*c));
    c->fail_at = 3;
    char err[512] = "", want[512];
    cr_assert_eq(sigfile_read(path, collect, c, err, sizeof(err)), -EINVAL);
    snprintf(want, sizeof(want), "%s:3: 'two' is not acceptable", path);
    cr_assert_str_eq(err, want);
    cr_assert_eq(c->n, 1); /* stops at the first error */
    free(c);
    unlink(path);
}

Test(sigfile, longest_line_accepted_longer_rejected)
{
    size_t n = SIGFILE_MAX_LINE;
    char *data = malloc(2 * n + 8);
    memset(data, 'a', n);
    data[n] = '\n';
    memcpy(data + n + 1, "ok\n", 3);
    const char *path = write_bytes("sig-max.txt", data, n + 4);
    struct collected *c = calloc(1, sizeof(*c));
    char err[512] = "";
    cr_assert_eq(sigfile_read(path, collect, c, err, sizeof(err)), 0, "%s", err);
    cr_assert_eq(c->n, 2);
    cr_assert_eq(strlen(c->lines[0]), n);
    unlink(path);

    /* line 2 is one byte too long */
    memcpy(data, "first\n", 6);
    memset(data + 6, 'b', n + 1);
    data[n + 7] = '\n';
    path = write_bytes("sig-long.txt", data, n + 8);
    memset(c, 0, sizeof(*c));
    char want[512];
    cr_assert_eq(sigfile_read(path, collect, c, err, sizeof(err)), -EINVAL);
    snprintf(want, sizeof(want), "%s:2: line longer than %d bytes", path, SIGFILE_MAX_LINE);
    cr_assert_str_eq(err, want);
    free(c);
    free(data);
    unlink(path);
}

Test(sigfile, rejects_nul_byte)
{
    static const char data[] = "good\nba\0d\n";
    const char *path = write_bytes("sig-nul.txt", data, sizeof(data) - 1);
    struct collected *c = calloc(1, sizeof(*c));
    char err[512] = "", want[512];
    cr_assert_eq(sigfile_read(path, collect, c, err, sizeof(err)), -EINVAL);
    snprintf(want, sizeof(want), "%s:2: NUL byte in line", path);
    cr_assert_str_eq(err, want);
    free(c);
    unlink(path);
}

Test(sigfile, missing_file_is_enoent)
{
    struct collected *c = calloc(1, sizeof(*c));
    char err[512] = "";
    cr_assert_eq(sigfile_read("/nonexistent/tw-none.txt", collect, c, err, sizeof(err)), -ENOENT);
    cr_assert_str_eq(err, "/nonexistent/tw-none.txt: No such file or directory");
    free(c);
}

Test(sigfile, directory_is_rejected)
{
    struct collected *c = calloc(1, sizeof(*c));
    char err[512] = "";
    cr_assert_eq(sigfile_read("/tmp", collect, c, err, sizeof(err)), -EISDIR);
    cr_assert_str_eq(err, "/tmp: Is a directory");
    cr_assert_eq(sigfile_read("/dev/null", collect, c, err, sizeof(err)), -EINVAL);
    cr_assert_str_eq(err, "/dev/null: not a regular file");
    free(c);
}

Test(sigfile, reads_shipped_signature_files)
{
    static const char *const files[] = {"signatures/after-hours.conf",
                                        "signatures/high-risk-destinations.txt",
                                        "signatures/snmp-communities.txt"};
    for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
        const char *path = th_src_path(files[i]);
        if (access(path, R_OK) != 0)
            continue; /* not shipped yet */
        struct collected *c = calloc(1, sizeof(*c));
        char err[512] = "";
        int r = sigfile_read(path, collect_count, c, err, sizeof(err));
        cr_assert_eq(r, 0, "%s", err);
        free(c);
    }
}
