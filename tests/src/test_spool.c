/*
 * test_spool.c - the Redis output's on-disk FIFO (src/spool.c): segments,
 * replay order, delivered offsets across reopen, prepend, and recovery from
 * torn tails and corrupt records.
 */
#include <criterion/criterion.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "spool.h"

static char dir[PATH_MAX];

static void setup(void)
{
    snprintf(dir, sizeof(dir), "/tmp/tw-spool-test-XXXXXX");
    cr_assert_not_null(mkdtemp(dir));
}

static void teardown(void)
{
    DIR *d = opendir(dir);
    if (!d)
        return;
    struct dirent *de;
    char path[PATH_MAX + 300];
    while ((de = readdir(d)))
        if (de->d_name[0] != '.') {
            snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
            unlink(path);
        }
    closedir(d);
    rmdir(dir);
}

TestSuite(spool, .init = setup, .fini = teardown);

static struct spool *open_spool(uint64_t seg_bytes)
{
    struct spool *s = NULL;
    char err[512] = "";
    cr_assert_eq(spool_open(dir, seg_bytes, &s, err, sizeof(err)), 0, "%s", err);
    return s;
}

static void put(struct spool *s, const char *text)
{
    cr_assert_eq(spool_append(s, text, strlen(text)), 0);
}

/* Reads one record, which must be want; returns its position. */
static struct spool_pos expect(struct spool *s, const char *want)
{
    char *buf = NULL;
    size_t len = 0;
    struct spool_pos pos;
    cr_assert_eq(spool_read(s, &buf, &len, &pos), 1, "expected '%s', got nothing", want);
    cr_assert_eq(len, strlen(want));
    cr_assert_str_eq(buf, want);
    free(buf);
    return pos;
}

static void expect_end(struct spool *s)
{
    char *buf = NULL;
    size_t len;
    struct spool_pos pos;
    cr_assert_eq(spool_read(s, &buf, &len, &pos), 0, "unexpected record '%s'", buf ? buf : "");
}

static int count_files(const char *suffix)
{
    DIR *d = opendir(dir);
    cr_assert_not_null(d);
    int n = 0;
    struct dirent *de;
    while ((de = readdir(d))) {
        size_t l = strlen(de->d_name), sl = strlen(suffix);
        if (l > sl && strcmp(de->d_name + l - sl, suffix) == 0)
            n++;
    }
    closedir(d);
    return n;
}

/* Path of the n-th (0-based) segment file in name order. */
static void seg_file(int n, char *out, size_t len)
{
    struct dirent **list;
    int k = scandir(dir, &list, NULL, alphasort), seen = 0;
    cr_assert_gt(k, 0);
    out[0] = '\0';
    for (int i = 0; i < k; i++) {
        size_t l = strlen(list[i]->d_name);
        if (l > 4 && strcmp(list[i]->d_name + l - 4, ".seg") == 0 && seen++ == n)
            snprintf(out, len, "%s/%s", dir, list[i]->d_name);
        free(list[i]);
    }
    free(list);
    cr_assert(out[0], "no segment %d", n);
}

Test(spool, crc32_known_value)
{
    /* the standard check value of CRC-32/ISO-HDLC */
    cr_assert_eq(spool_crc32(0, "123456789", 9), 0xCBF43926u);
    cr_assert_eq(spool_crc32(spool_crc32(0, "1234", 4), "56789", 5), 0xCBF43926u);
}

Test(spool, fifo_and_release)
{
    struct spool *s = open_spool(0);
    put(s, "a");
    put(s, "bb");
    put(s, "");
    cr_assert_eq(spool_pending(s), 3);
    expect(s, "a");
    expect(s, "bb");
    struct spool_pos p = expect(s, "");
    expect_end(s);
    cr_assert_eq(spool_inflight(s), 3);
    cr_assert_eq(spool_commit(s, &p), 0);
    cr_assert_eq(spool_pending(s), 0);
    cr_assert_eq(count_files(".seg"), 0, "a drained spool leaves no segment");
    /* appends after a drain start again */
    put(s, "c");
    expect(s, "c");
    spool_close(s);
}

Test(spool, segments_rotate_and_replay_in_order)
{
    struct spool *s = open_spool(64); /* a few records per segment */
    char text[32];
    for (int i = 0; i < 20; i++) {
        snprintf(text, sizeof(text), "event-%02d", i);
        put(s, text);
    }
    cr_assert_gt(count_files(".seg"), 4);
    struct spool_stats st;
    spool_get_stats(s, &st);
    cr_assert_eq(st.pending, 20);
    cr_assert_eq(st.segments, (uint64_t)count_files(".seg"));
    for (int i = 0; i < 20; i++) {
        snprintf(text, sizeof(text), "event-%02d", i);
        expect(s, text);
    }
    expect_end(s);
    spool_close(s);
}

Test(spool, rewind_resends_uncommitted)
{
    struct spool *s = open_spool(64);
    put(s, "one");
    put(s, "two");
    put(s, "three");
    put(s, "four");
    struct spool_pos p = expect(s, "one");
    expect(s, "two");
    cr_assert_eq(spool_commit(s, &p), 0);
    spool_rewind(s);
    cr_assert_eq(spool_pending(s), 3);
    cr_assert_eq(spool_inflight(s), 0);
    expect(s, "two");
    expect(s, "three");
    expect(s, "four");
    expect_end(s);
    spool_close(s);
}

Test(spool, delivered_offset_survives_reopen)
{
    struct spool *s = open_spool(64);
    char text[32];
    for (int i = 0; i < 10; i++) {
        snprintf(text, sizeof(text), "ev%d", i);
        put(s, text);
    }
    struct spool_pos p = {0};
    for (int i = 0; i < 6; i++) {
        snprintf(text, sizeof(text), "ev%d", i);
        p = expect(s, text);
    }
    cr_assert_eq(spool_commit(s, &p), 0);
    spool_close(s);
    /* a restart replays only what was not delivered */
    s = open_spool(64);
    cr_assert_eq(spool_pending(s), 4);
    for (int i = 6; i < 10; i++) {
        snprintf(text, sizeof(text), "ev%d", i);
        expect(s, text);
    }
    expect_end(s);
    /* new appends go after the old records */
    put(s, "new");
    expect(s, "new");
    spool_close(s);
}

Test(spool, uncommitted_reads_are_replayed_after_reopen)
{
    struct spool *s = open_spool(0);
    put(s, "x");
    put(s, "y");
    expect(s, "x");
    spool_close(s); /* read, never acknowledged: at-least-once */
    s = open_spool(0);
    cr_assert_eq(spool_pending(s), 2);
    expect(s, "x");
    expect(s, "y");
    spool_close(s);
}

Test(spool, prepend_goes_first)
{
    struct spool *s = open_spool(0);
    put(s, "c");
    put(s, "d");
    const char *bufs[] = {"a", "b"};
    size_t lens[] = {1, 1};
    cr_assert_eq(spool_prepend(s, bufs, lens, 2), 0);
    cr_assert_eq(spool_pending(s), 4);
    expect(s, "a");
    /* not allowed with reads in flight */
    cr_assert_eq(spool_prepend(s, bufs, lens, 1), -EBUSY);
    spool_rewind(s);
    spool_close(s);
    s = open_spool(0);
    expect(s, "a");
    expect(s, "b");
    expect(s, "c");
    struct spool_pos p = expect(s, "d");
    expect_end(s);
    cr_assert_eq(spool_commit(s, &p), 0);
    cr_assert_eq(count_files(".seg"), 0);
    cr_assert_eq(count_files(".off"), 0);
    spool_close(s);
}

Test(spool, torn_tail_is_truncated_counted_and_the_rest_replayed)
{
    struct spool *s = open_spool(0);
    put(s, "first");
    put(s, "second");
    put(s, "third-record");
    spool_close(s);
    char path[PATH_MAX + 300];
    seg_file(0, path, sizeof(path));
    struct stat st;
    cr_assert_eq(stat(path, &st), 0);
    /* cut the last record in the middle of its payload */
    cr_assert_eq(truncate(path, st.st_size - 5), 0);
    off_t cut = st.st_size - 5;
    s = open_spool(0);
    struct spool_stats ss;
    spool_get_stats(s, &ss);
    cr_assert_eq(ss.torn, 1);
    cr_assert_eq(ss.torn_bytes, (uint64_t)(12 + 7)); /* header + 7 of 12 bytes */
    cr_assert_eq(ss.pending, 2);
    expect(s, "first");
    expect(s, "second");
    expect_end(s);
    cr_assert_eq(stat(path, &st), 0);
    cr_assert_lt(st.st_size, cut, "the torn tail was cut off the file");
    spool_close(s);
}

Test(spool, torn_header_is_truncated)
{
    struct spool *s = open_spool(0);
    put(s, "keep");
    put(s, "lost");
    spool_close(s);
    char path[PATH_MAX + 300];
    seg_file(0, path, sizeof(path));
    cr_assert_eq(truncate(path, 16 + 6), 0); /* "keep" record + 6 header bytes */
    s = open_spool(0);
    struct spool_stats ss;
    spool_get_stats(s, &ss);
    cr_assert_eq(ss.torn, 1);
    cr_assert_eq(ss.pending, 1);
    expect(s, "keep");
    expect_end(s);
    /* appending after recovery gives a valid spool */
    put(s, "more");
    expect(s, "more");
    spool_close(s);
    s = open_spool(0);
    spool_get_stats(s, &ss);
    cr_assert_eq(ss.torn, 0);
    expect(s, "keep");
    expect(s, "more");
    spool_close(s);
}

Test(spool, bad_checksum_is_skipped_and_counted)
{
    struct spool *s = open_spool(0);
    put(s, "aaaa");
    put(s, "bbbb");
    put(s, "cccc");
    spool_close(s);
    char path[PATH_MAX + 300];
    seg_file(0, path, sizeof(path));
    int fd = open(path, O_WRONLY);
    cr_assert_geq(fd, 0);
    cr_assert_eq(pwrite(fd, "X", 1, 16 + 12 + 1), 1); /* a byte of "bbbb" */
    close(fd);
    s = open_spool(0);
    struct spool_stats ss;
    spool_get_stats(s, &ss);
    cr_assert_eq(ss.corrupt, 1);
    cr_assert_eq(ss.torn, 0);
    cr_assert_eq(ss.pending, 2);
    expect(s, "aaaa");
    struct spool_pos p = expect(s, "cccc");
    expect_end(s);
    cr_assert_eq(spool_commit(s, &p), 0);
    cr_assert_eq(count_files(".seg"), 0);
    spool_close(s);
}

Test(spool, bad_magic_truncates_the_rest_of_the_segment)
{
    struct spool *s = open_spool(0);
    put(s, "good");
    put(s, "gone1");
    put(s, "gone2");
    spool_close(s);
    char path[PATH_MAX + 300];
    seg_file(0, path, sizeof(path));
    int fd = open(path, O_WRONLY);
    cr_assert_eq(pwrite(fd, "ZZZZ", 4, 16), 4);
    close(fd);
    s = open_spool(0);
    struct spool_stats ss;
    spool_get_stats(s, &ss);
    cr_assert_eq(ss.torn, 1);
    cr_assert_eq(ss.pending, 1);
    expect(s, "good");
    expect_end(s);
    spool_close(s);
}

Test(spool, a_later_segment_survives_a_torn_earlier_one)
{
    struct spool *s = open_spool(40);
    put(s, "seg0-a");
    put(s, "seg0-b"); /* 2 x 18 bytes fill the first segment */
    put(s, "seg1-a");
    spool_close(s);
    cr_assert_eq(count_files(".seg"), 2);
    char path[PATH_MAX + 300];
    seg_file(0, path, sizeof(path));
    cr_assert_eq(truncate(path, 18 + 3), 0);
    s = open_spool(40);
    expect(s, "seg0-a");
    expect(s, "seg1-a");
    expect_end(s);
    spool_close(s);
}

Test(spool, one_process_per_folder)
{
    struct spool *s = open_spool(0);
    struct spool *t = NULL;
    char err[512];
    cr_assert_lt(spool_open(dir, 0, &t, err, sizeof(err)), 0);
    cr_assert(strstr(err, "in use"), "%s", err);
    cr_assert_null(t);
    spool_close(s);
}

Test(spool, creates_missing_folders)
{
    char sub[PATH_MAX + 32];
    snprintf(sub, sizeof(sub), "%s/a/b", dir);
    struct spool *s = NULL;
    char err[512];
    cr_assert_eq(spool_open(sub, 0, &s, err, sizeof(err)), 0, "%s", err);
    cr_assert_eq(spool_append(s, "z", 1), 0);
    spool_close(s);
    /* clean up the nested folders for teardown */
    char p[PATH_MAX + 300];
    DIR *d = opendir(sub);
    struct dirent *de;
    while ((de = readdir(d)))
        if (de->d_name[0] != '.') {
            snprintf(p, sizeof(p), "%s/%s", sub, de->d_name);
            unlink(p);
        }
    closedir(d);
    rmdir(sub);
    snprintf(p, sizeof(p), "%s/a", dir);
    rmdir(p);
}

Test(spool, oversized_record_refused)
{
    struct spool *s = open_spool(0);
    cr_assert_eq(spool_append(s, "x", (size_t)SPOOL_MAX_RECORD + 1), -EMSGSIZE);
    spool_close(s);
}
