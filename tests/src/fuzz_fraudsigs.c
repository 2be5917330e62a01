/*
 * fuzz_fraudsigs.c - libFuzzer entry point for the toll-fraud signature
 * readers: the after-hours patterns file (src/schedule.h), the high-risk
 * destination list (src/hrdest.h), TZif zone files and POSIX TZ strings.
 *
 * The input is written to a temporary file and loaded as a patterns file
 * and as a high-risk list (through sigfile, as the detectors load them);
 * whatever loads is printed to /dev/null, queried with a few numbers and
 * instants, and freed. The same bytes are then parsed as a TZif file and,
 * up to the first NUL or newline, as a POSIX TZ string, and the resulting
 * zones are queried across a range of years. Normal builds replay
 * tests/corpus/fraudsigs/ through this entry (tests/fuzz_replay.c).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dialpattern.h"
#include "hrdest.h"
#include "schedule.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const numbers[] = {"918765550123", "9011882161234567", "+8821234", "2001", "",
                                      "*67#",         "919005550123"};

/* Instants from 1901 to 2100, across DST changes. */
static const int64_t instants[] = {-2147483648LL, -1,         0,          1772953199,
                                   1772953200,    1793512800, 2224713600, 4118083200};

static void query_zone(const struct schedule_tz *tz)
{
    for (size_t i = 0; i < sizeof(instants) / sizeof(instants[0]); i++)
        (void)schedule_tz_offset(tz, instants[i]);
}

static void try_patterns(const char *path, FILE *sink)
{
    struct fraud_schedule *s = NULL;
    char err[512];
    if (schedule_load(path, "UTC", &s, err, sizeof(err)) != 0)
        return;
    if (sink)
        schedule_print(s, sink);
    for (size_t i = 0; i < sizeof(numbers) / sizeof(numbers[0]); i++)
        for (size_t k = 3; k < sizeof(instants) / sizeof(instants[0]); k++)
            (void)schedule_match(s, numbers[i], (uint64_t)instants[k] * 1000000u, NULL);
    for (size_t i = 0; i < schedule_pattern_count(s); i++)
        (void)dialpattern_match(&schedule_pattern_at(s, i)->pat, "918765550123");
    schedule_free(s);
}

static void try_hrdest(const char *path, FILE *sink)
{
    struct hrdest_list *l = NULL;
    char err[512];
    if (hrdest_load(path, &l, err, sizeof(err)) != 0)
        return;
    if (sink)
        hrdest_print(l, sink);
    static const char *const e164[] = {"+18765550123",    "+882161234567", "+1", "+", "",
                                       "+123456789012345"};
    for (size_t i = 0; i < sizeof(e164) / sizeof(e164[0]); i++)
        (void)hrdest_match(l, e164[i]);
    hrdest_free(l);
}

static void try_zones(const uint8_t *data, size_t size)
{
    struct schedule_tz *tz = NULL;
    char err[256];
    if (schedule_tz_parse(data, size, &tz, err, sizeof(err)) == 0) {
        query_zone(tz);
        schedule_tz_free(tz);
    }
    char spec[300];
    size_t n = 0;
    while (n < size && n < sizeof(spec) - 1 && data[n] && data[n] != '\n')
        n++;
    memcpy(spec, data, n);
    spec[n] = '\0';
    tz = NULL;
    if (schedule_tz_posix(spec, &tz, err, sizeof(err)) == 0) {
        query_zone(tz);
        schedule_tz_free(tz);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static char path[4096];
    static FILE *sink;

    if (!path[0]) {
        const char *tmp = getenv("TMPDIR");
        snprintf(path, sizeof(path), "%s/tw-fuzz-fraudsigs-%d", tmp && *tmp ? tmp : "/tmp",
                 (int)getpid());
        sink = fopen("/dev/null", "w");
    }
    FILE *f = fopen(path, "wb");
    if (!f)
        return 0;
    size_t w = fwrite(data, 1, size, f);
    if (fclose(f) != 0 || w != size)
        return 0;
    try_patterns(path, sink);
    try_hrdest(path, sink);
    try_zones(data, size);
    unlink(path);
    return 0;
}
