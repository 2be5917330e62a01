/*
 * test_schedule.c - after-hours policy and time zones (src/schedule.h).
 *
 * Instants are built with glibc's timegm() from a local wall-clock time and
 * the UTC offset that the zone has then by its published rules (US: DST from
 * the second Sunday of March 02:00 to the first Sunday of November 02:00;
 * EU: last Sunday of March 01:00 UTC to last Sunday of October 01:00 UTC;
 * New South Wales: first Sunday of October to first Sunday of April), so the
 * expected values do not come from the code under test. Zones are read from
 * the system's /usr/share/zoneinfo (Debian tzdata), as in production.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "helpers.h"
#include "schedule.h"

#define SEC 1000000ull

/* UTC seconds of local wall time y-m-d hh:mm:ss at UTC offset off (seconds east). */
static int64_t utc_s(int y, int m, int d, int hh, int mm, int ss, int off)
{
    struct tm tm;
    memset(&tm, 0, sizeof(tm));
    tm.tm_year = y - 1900;
    tm.tm_mon = m - 1;
    tm.tm_mday = d;
    tm.tm_hour = hh;
    tm.tm_min = mm;
    tm.tm_sec = ss;
    return (int64_t)timegm(&tm) - off;
}

/* The same in packet time (microseconds). */
static uint64_t at(int y, int m, int d, int hh, int mm, int ss, int off)
{
    return (uint64_t)utc_s(y, m, d, hh, mm, ss, off) * SEC;
}

#define EST  (-5 * 3600)
#define EDT  (-4 * 3600)
#define CET  (1 * 3600)
#define CEST (2 * 3600)

static struct schedule_tz *tz_load(const char *name)
{
    struct schedule_tz *tz = NULL;
    char err[512] = "";
    cr_assert_eq(schedule_tz_load(name, &tz, err, sizeof(err)), 0, "%s", err);
    cr_assert_not_null(tz);
    return tz;
}

static struct schedule_tz *tz_posix(const char *spec)
{
    struct schedule_tz *tz = NULL;
    char err[512] = "";
    cr_assert_eq(schedule_tz_posix(spec, &tz, err, sizeof(err)), 0, "%s", err);
    return tz;
}

/* ---------------------------------------------------------------- zones */

static void check_new_york(const struct schedule_tz *tz)
{
    /* 2026-03-08 02:00 EST = 07:00 UTC: clocks go forward */
    cr_assert_eq(schedule_tz_offset(tz, utc_s(2026, 3, 8, 6, 59, 59, 0)), EST);
    cr_assert_eq(schedule_tz_offset(tz, utc_s(2026, 3, 8, 7, 0, 0, 0)), EDT);
    /* 2026-11-01 02:00 EDT = 06:00 UTC: clocks go back */
    cr_assert_eq(schedule_tz_offset(tz, utc_s(2026, 11, 1, 5, 59, 59, 0)), EDT);
    cr_assert_eq(schedule_tz_offset(tz, utc_s(2026, 11, 1, 6, 0, 0, 0)), EST);
    cr_assert_eq(schedule_tz_offset(tz, utc_s(2026, 7, 1, 12, 0, 0, 0)), EDT);
    cr_assert_eq(schedule_tz_offset(tz, utc_s(2026, 1, 15, 12, 0, 0, 0)), EST);
    /* past the last transition of fat files (2037): the footer's rule */
    cr_assert_eq(schedule_tz_offset(tz, utc_s(2040, 3, 11, 6, 59, 59, 0)), EST);
    cr_assert_eq(schedule_tz_offset(tz, utc_s(2040, 3, 11, 7, 0, 0, 0)), EDT);
    cr_assert_eq(schedule_tz_offset(tz, utc_s(2040, 7, 1, 0, 0, 0, 0)), EDT);
    cr_assert_eq(schedule_tz_offset(tz, utc_s(2040, 1, 15, 0, 0, 0, 0)), EST);
    cr_assert_eq(schedule_tz_offset(tz, utc_s(2100, 7, 1, 0, 0, 0, 0)), EDT);
    cr_assert_eq(schedule_tz_offset(tz, utc_s(2100, 12, 1, 0, 0, 0, 0)), EST);
}

Test(schedule_tz, new_york_dst)
{
    struct schedule_tz *tz = tz_load("America/New_York");
    check_new_york(tz);
    /* before 1883 New York kept local mean time, -4:56:02 */
    cr_assert_eq(schedule_tz_offset(tz, utc_s(1800, 1, 1, 0, 0, 0, 0)), -17762);
    schedule_tz_free(tz);
}

Test(schedule_tz, posix_us_rule)
{
    struct schedule_tz *tz = tz_posix("EST5EDT,M3.2.0,M11.1.0");
    check_new_york(tz);
    schedule_tz_free(tz);
    /* no rule after the DST name: the US rule, one hour ahead */
    tz = tz_posix("EST5EDT");
    check_new_york(tz);
    schedule_tz_free(tz);
    /* explicit times and DST offset */
    tz = tz_posix("EST+05:00:00EDT+04,M3.2.0/02:00:00,M11.1.0/2");
    check_new_york(tz);
    schedule_tz_free(tz);
}

Test(schedule_tz, berlin_dst)
{
    struct schedule_tz *tz = tz_load("Europe/Berlin");
    cr_assert_eq(schedule_tz_offset(tz, utc_s(2026, 3, 29, 0, 59, 59, 0)), CET);
    cr_assert_eq(schedule_tz_offset(tz, utc_s(2026, 3, 29, 1, 0, 0, 0)), CEST);
    cr_assert_eq(schedule_tz_offset(tz, utc_s(2026, 10, 25, 0, 59, 59, 0)), CEST);
    cr_assert_eq(schedule_tz_offset(tz, utc_s(2026, 10, 25, 1, 0, 0, 0)), CET);
    cr_assert_eq(schedule_tz_offset(tz, utc_s(2050, 7, 1, 0, 0, 0, 0)), CEST);
    schedule_tz_free(tz);
    tz = tz_posix("CET-1CEST,M3.5.0,M10.5.0/3");
    cr_assert_eq(schedule_tz_offset(tz, utc_s(2026, 3, 29, 0, 59, 59, 0)), CET);
    cr_assert_eq(schedule_tz_offset(tz, utc_s(2026, 3, 29, 1, 0, 0, 0)), CEST);
    cr_assert_eq(schedule_tz_offset(tz, utc_s(2026, 10, 25, 0, 59, 59, 0)), CEST);
    cr_assert_eq(schedule_tz_offset(tz, utc_s(2026, 10, 25, 1, 0, 0, 0)), CET);
    schedule_tz_free(tz);
}

Test(schedule_tz, southern_hemisphere)
{
    /* Sydney: DST ends 2026-04-05 03:00 AEDT = 04-04 16:00 UTC, starts 10-04 02:00 AEST */
    struct schedule_tz *tzs[2] = {tz_load("Australia/Sydney"),
                                  tz_posix("AEST-10AEDT,M10.1.0,M4.1.0/3")};
    for (int i = 0; i < 2; i++) {
        struct schedule_tz *tz = tzs[i];
        cr_assert_eq(schedule_tz_offset(tz, utc_s(2026, 1, 15, 0, 0, 0, 0)), 39600);
        cr_assert_eq(schedule_tz_offset(tz, utc_s(2026, 4, 4, 15, 59, 59, 0)), 39600);
        cr_assert_eq(schedule_tz_offset(tz, utc_s(2026, 4, 4, 16, 0, 0, 0)), 36000);
        cr_assert_eq(schedule_tz_offset(tz, utc_s(2026, 7, 1, 0, 0, 0, 0)), 36000);
        cr_assert_eq(schedule_tz_offset(tz, utc_s(2026, 10, 3, 15, 59, 59, 0)), 36000);
        cr_assert_eq(schedule_tz_offset(tz, utc_s(2026, 10, 3, 16, 0, 0, 0)), 39600);
        cr_assert_eq(schedule_tz_offset(tz, utc_s(2026, 12, 31, 23, 0, 0, 0)), 39600);
        schedule_tz_free(tz);
    }
}

Test(schedule_tz, posix_forms)
{
    struct schedule_tz *tz = tz_posix("<+0330>-3:30");
    cr_assert_eq(schedule_tz_offset(tz, 0), 12600);
    schedule_tz_free(tz);
    tz = tz_posix("<-03>3");
    cr_assert_eq(schedule_tz_offset(tz, 0), -10800);
    schedule_tz_free(tz);
    tz = tz_posix("UTC0");
    cr_assert_eq(schedule_tz_offset(tz, utc_s(2026, 7, 1, 0, 0, 0, 0)), 0);
    schedule_tz_free(tz);
    /* RFC 8536 v3 extension: DST all year */
    tz = tz_posix("EST5EDT,0/0,J365/25");
    cr_assert_eq(schedule_tz_offset(tz, utc_s(2026, 1, 1, 0, 30, 0, EDT)), EDT);
    cr_assert_eq(schedule_tz_offset(tz, utc_s(2026, 6, 1, 0, 0, 0, 0)), EDT);
    cr_assert_eq(schedule_tz_offset(tz, utc_s(2026, 12, 31, 23, 30, 0, EDT)), EDT);
    schedule_tz_free(tz);
    /* Jn never counts Feb 29: J60 is always Mar 1 */
    tz = tz_posix("AAA0BBB,J60/0,J61/0");
    cr_assert_eq(schedule_tz_offset(tz, utc_s(2028, 2, 29, 12, 0, 0, 0)), 0);
    cr_assert_eq(schedule_tz_offset(tz, utc_s(2028, 3, 1, 12, 0, 0, 0)), 3600);
    cr_assert_eq(schedule_tz_offset(tz, utc_s(2027, 3, 1, 12, 0, 0, 0)), 3600);
    cr_assert_eq(schedule_tz_offset(tz, utc_s(2027, 3, 2, 12, 0, 0, 0)), 0);
    schedule_tz_free(tz);
    /* zero-based n counts Feb 29: day 59 is Feb 29 in a leap year, Mar 1 otherwise */
    tz = tz_posix("AAA0BBB,59/0,60/0");
    cr_assert_eq(schedule_tz_offset(tz, utc_s(2028, 2, 29, 12, 0, 0, 0)), 3600);
    cr_assert_eq(schedule_tz_offset(tz, utc_s(2028, 3, 1, 12, 0, 0, 0)), 0);
    cr_assert_eq(schedule_tz_offset(tz, utc_s(2027, 3, 1, 12, 0, 0, 0)), 3600);
    schedule_tz_free(tz);
    /* week 5 = the last such weekday: Sunday 2026-03-29 */
    tz = tz_posix("AAA0BBB,M3.5.0/0,M3.5.1/0");
    cr_assert_eq(schedule_tz_offset(tz, utc_s(2026, 3, 28, 23, 59, 59, 0)), 0);
    cr_assert_eq(schedule_tz_offset(tz, utc_s(2026, 3, 29, 0, 0, 0, 0)), 3600);
    cr_assert_eq(schedule_tz_offset(tz, utc_s(2026, 3, 30, 12, 0, 0, 0)), 0);
    schedule_tz_free(tz);
}

Test(schedule_tz, posix_errors)
{
    static const char *const bad[] = {"",
                                      "E5",
                                      "EST",
                                      "EST25",
                                      "EST5EDT,M13.1.0,M11.1.0",
                                      "EST5EDT,M3.6.0,M11.1.0",
                                      "EST5EDT,M3.2.7,M11.1.0",
                                      "EST5EDT,M3.2.0",
                                      "EST5EDT,M3.2.0,M11.1.0x",
                                      "EST5EDT,J0,J365",
                                      "EST5EDT,366,0",
                                      "EST5EDT,M3.2.0/168,M11.1.0",
                                      "<AB>5",
                                      "<EST5",
                                      "EST5:60"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        struct schedule_tz *tz = NULL;
        char err[256] = "";
        cr_assert_eq(schedule_tz_posix(bad[i], &tz, err, sizeof(err)), -EINVAL, "'%s'", bad[i]);
        cr_assert_null(tz);
        cr_assert_not_null(strstr(err, "is not a POSIX TZ string"), "%s", err);
    }
}

Test(schedule_tz, utc_needs_no_file)
{
    setenv("TZDIR", "/nonexistent", 1);
    static const char *const names[] = {"UTC", "Etc/UTC", "GMT", "Etc/GMT"};
    for (size_t i = 0; i < 4; i++) {
        struct schedule_tz *tz = tz_load(names[i]);
        cr_assert_eq(schedule_tz_offset(tz, utc_s(2026, 7, 1, 0, 0, 0, 0)), 0);
        schedule_tz_free(tz);
    }
    struct schedule_tz *tz = NULL;
    char err[512];
    cr_assert_eq(schedule_tz_load("Europe/Berlin", &tz, err, sizeof(err)), -ENOENT);
    cr_assert_not_null(strstr(err, "/nonexistent/Europe/Berlin"), "TZDIR is honoured: %s", err);
    cr_assert_eq(schedule_tz_offset(NULL, 0), 0);
    cr_assert_null(schedule_tz_free(NULL));
}

Test(schedule_tz, bad_names)
{
    struct {
        const char *name;
        int ret;
        const char *reason;
    } cases[] = {
        {"Mars/Olympus_Mons", -ENOENT, "timezone 'Mars/Olympus_Mons': unknown time zone"},
        {"America/New_York/x", -ENOENT, "unknown time zone"},
        {"../../etc/passwd", -EINVAL, "not an IANA time zone name"},
        {"America/../../../etc/passwd", -EINVAL, "not an IANA time zone name"},
        {"/etc/localtime", -EINVAL, "not an IANA time zone name"},
        {"America//New_York", -EINVAL, "not an IANA time zone name"},
        {"America/New York", -EINVAL, "not an IANA time zone name"},
        {"./UTC", -EINVAL, "not an IANA time zone name"},
        {"", -EINVAL, "not an IANA time zone name"},
        {"America", -EINVAL, "is not a zone file"},
        {"zone.tab", -EINVAL, "not a TZif file"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct schedule_tz *tz = NULL;
        char err[512] = "";
        cr_assert_eq(schedule_tz_load(cases[i].name, &tz, err, sizeof(err)), cases[i].ret, "'%s'",
                     cases[i].name);
        cr_assert_null(tz);
        cr_assert_not_null(strstr(err, cases[i].reason), "'%s': %s", cases[i].name, err);
    }
}

/* ---------------------------------------------------------------- TZif */

static void put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

struct tzif_spec {
    char version; /* 0, '2', '3' */
    uint32_t timecnt, typecnt, charcnt, leapcnt, isstdcnt, isutcnt;
    const int64_t *times;
    const uint8_t *idx;
    const int32_t *utoff;
    const char *footer; /* v2+ */
};

/* Writes a header + one data block with tsize-byte times at p; returns bytes written. */
static size_t put_block(uint8_t *p, const struct tzif_spec *s, unsigned tsize)
{
    size_t o = 0;
    memcpy(p, "TZif", 4);
    p[4] = (uint8_t)s->version;
    memset(p + 5, 0, 15);
    put32(p + 20, s->isutcnt);
    put32(p + 24, s->isstdcnt);
    put32(p + 28, s->leapcnt);
    put32(p + 32, s->timecnt);
    put32(p + 36, s->typecnt);
    put32(p + 40, s->charcnt);
    o = 44;
    for (uint32_t i = 0; i < s->timecnt; i++) {
        if (tsize == 8) {
            put32(p + o, (uint32_t)((uint64_t)s->times[i] >> 32));
            put32(p + o + 4, (uint32_t)s->times[i]);
        } else {
            put32(p + o, (uint32_t)s->times[i]);
        }
        o += tsize;
    }
    for (uint32_t i = 0; i < s->timecnt; i++)
        p[o++] = s->idx[i];
    for (uint32_t i = 0; i < s->typecnt; i++) {
        put32(p + o, (uint32_t)s->utoff[i]);
        p[o + 4] = 0;
        p[o + 5] = 0;
        o += 6;
    }
    memset(p + o, 'A', s->charcnt);
    o += s->charcnt;
    memset(p + o, 0, (size_t)s->leapcnt * (tsize + 4) + s->isstdcnt + s->isutcnt);
    o += (size_t)s->leapcnt * (tsize + 4) + s->isstdcnt + s->isutcnt;
    return o;
}

static size_t build_tzif(uint8_t *buf, const struct tzif_spec *s)
{
    size_t o = put_block(buf, s, 4);
    if (s->version) {
        o += put_block(buf + o, s, 8);
        o += (size_t)sprintf((char *)buf + o, "\n%s\n", s->footer ? s->footer : "");
    }
    return o;
}

static int parse(const uint8_t *buf, size_t len, struct schedule_tz **tz, char *err)
{
    *tz = NULL;
    return schedule_tz_parse(buf, len, tz, err, 256);
}

Test(schedule_tz, tzif_synthetic)
{
    static const int64_t times[] = {1000, 2000};
    static const uint8_t idx[] = {1, 0};
    static const int32_t utoff[] = {3600, 7200};
    struct tzif_spec s = {'2', 2, 2, 4, 0, 0, 0, times, idx, utoff, "XXX-1"};
    uint8_t buf[1024];
    char err[256];
    struct schedule_tz *tz;

    size_t len = build_tzif(buf, &s);
    cr_assert_eq(parse(buf, len, &tz, err), 0, "%s", err);
    cr_assert_eq(schedule_tz_offset(tz, 999), 3600, "type 0 before the first transition");
    cr_assert_eq(schedule_tz_offset(tz, 1000), 7200);
    cr_assert_eq(schedule_tz_offset(tz, 1999), 7200);
    cr_assert_eq(schedule_tz_offset(tz, 2000), 3600, "the footer from the last transition on");
    schedule_tz_free(tz);

    /* without a footer the last transition's type goes on */
    s.footer = "";
    s.utoff = (const int32_t[]){-3600, 7200};
    len = build_tzif(buf, &s);
    cr_assert_eq(parse(buf, len, &tz, err), 0, "%s", err);
    cr_assert_eq(schedule_tz_offset(tz, 5000), -3600);
    schedule_tz_free(tz);

    /* v1 only: 32-bit times, no footer */
    s.version = 0;
    s.leapcnt = 1;
    s.isstdcnt = s.isutcnt = 2;
    len = build_tzif(buf, &s);
    cr_assert_eq(parse(buf, len, &tz, err), 0, "%s", err);
    cr_assert_eq(schedule_tz_offset(tz, 1500), 7200);
    cr_assert_eq(schedule_tz_offset(tz, 2500), -3600);
    schedule_tz_free(tz);

    /* slim v2: no transitions, footer only */
    struct tzif_spec slim = {'3', 0, 1, 4, 0, 0, 0, NULL, NULL, (const int32_t[]){0}, "EST5EDT"};
    len = build_tzif(buf, &slim);
    cr_assert_eq(parse(buf, len, &tz, err), 0, "%s", err);
    check_new_york(tz);
    schedule_tz_free(tz);
}

Test(schedule_tz, tzif_hostile)
{
    static const int64_t times[] = {1000, 2000, 3000};
    static const uint8_t idx[] = {1, 0, 1};
    static const int32_t utoff[] = {3600, 7200};
    uint8_t buf[1024];
    char err[256];
    struct schedule_tz *tz;
    struct {
        struct tzif_spec s;
        const char *reason;
    } cases[] = {
        {{'2', 3, 0, 4, 0, 0, 0, times, idx, utoff, ""}, "bad TZif counts"},
        {{'2', 3, 2, 4, 0, 1, 0, times, idx, utoff, ""}, "bad TZif counts"},
        {{'2', 3, 2, 4, 0, 0, 3, times, idx, utoff, ""}, "bad TZif counts"},
        {{'2', 3, 2, 4, 0, 0, 0, (const int64_t[]){1000, 1000, 3000}, idx, utoff, ""},
         "out of order"},
        {{'2', 3, 2, 4, 0, 0, 0, (const int64_t[]){3000, 2000, 1000}, idx, utoff, ""},
         "out of order"},
        {{'2', 3, 2, 4, 0, 0, 0, times, (const uint8_t[]){0, 2, 1}, utoff, ""},
         "type out of range"},
        {{'2', 3, 2, 4, 0, 0, 0, times, idx, (const int32_t[]){0, 93600}, ""},
         "bad TZif local time type"},
        {{'2', 3, 2, 4, 0, 0, 0, times, idx, (const int32_t[]){INT32_MIN, 0}, ""},
         "bad TZif local time type"},
        {{'2', 3, 2, 4, 0, 0, 0, times, idx, utoff, "EST5EDT,M13.1.0,M1.1.0"},
         "unsupported TZ rule"},
        {{'5', 3, 2, 4, 0, 0, 0, times, idx, utoff, ""}, "unsupported TZif version"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        size_t len = build_tzif(buf, &cases[i].s);
        err[0] = '\0';
        cr_assert_eq(parse(buf, len, &tz, err), -EINVAL, "case %zu", i);
        cr_assert_null(tz);
        cr_assert_not_null(strstr(err, cases[i].reason), "case %zu: %s", i, err);
    }

    /* huge counts in the header must not be believed */
    struct tzif_spec ok = {'2', 3, 2, 4, 0, 0, 0, times, idx, utoff, ""};
    size_t len = build_tzif(buf, &ok);
    put32(buf + 36, 257); /* typecnt: at most 256 */
    cr_assert_eq(parse(buf, len, &tz, err), -EINVAL);
    cr_assert_not_null(strstr(err, "bad TZif counts"), "%s", err);
    len = build_tzif(buf, &ok);
    put32(buf + 32, 0xffffffffu);
    cr_assert_eq(parse(buf, len, &tz, err), -EINVAL);
    cr_assert_not_null(strstr(err, "truncated"), "%s", err);
    len = build_tzif(buf, &ok);
    put32(buf + 44 + 3 * 5 + 2 * 6 + 4 + 40, 0x40000000u); /* second header's charcnt */
    cr_assert_eq(parse(buf, len, &tz, err), -EINVAL);
    cr_assert_not_null(strstr(err, "truncated"), "%s", err);
    /* the footer must end in a newline */
    len = build_tzif(buf, &ok);
    cr_assert_eq(parse(buf, len - 1, &tz, err), -EINVAL);
    cr_assert_not_null(strstr(err, "footer"), "%s", err);
    /* not TZif at all */
    cr_assert_eq(parse((const uint8_t *)"TZiX2", 5, &tz, err), -EINVAL);
    cr_assert_eq(parse((const uint8_t *)"", 0, &tz, err), -EINVAL);
    /* too big */
    cr_assert_eq(schedule_tz_parse(buf, 256u * 1024 + 1, &tz, err, sizeof(err)), -EINVAL);
}

Test(schedule_tz, every_truncation_of_a_real_file)
{
    FILE *f = fopen("/usr/share/zoneinfo/America/New_York", "rb");
    cr_assert_not_null(f);
    static uint8_t buf[65536];
    size_t len = fread(buf, 1, sizeof(buf), f);
    fclose(f);
    cr_assert_gt(len, 100);
    char err[256];
    struct schedule_tz *tz;
    cr_assert_eq(parse(buf, len, &tz, err), 0, "%s", err);
    check_new_york(tz);
    schedule_tz_free(tz);
    for (size_t i = 0; i < len; i++) {
        cr_assert_eq(parse(buf, i, &tz, err), -EINVAL, "prefix of %zu bytes", i);
        cr_assert_null(tz);
    }
}

/* ---------------------------------------------------------------- policy */

static struct fraud_schedule *load(const char *text, const char *zone)
{
    struct fraud_schedule *s = NULL;
    char err[512] = "";
    const char *path = th_write_temp("ah.conf", text);
    cr_assert_eq(schedule_load(path, zone, &s, err, sizeof(err)), 0, "%s", err);
    cr_assert_not_null(s);
    return s;
}

Test(schedule, overnight_in_new_york)
{
    /* the SPEC example: Wednesday 2026-11-18, 23:30 EST, is after hours */
    struct fraud_schedule *s = load("after-hours block pattern 1 .1876\n"
                                    "after-hours day Wed 19:00 07:00\n",
                                    "America/New_York");
    cr_assert(schedule_active(s, at(2026, 11, 18, 23, 30, 0, EST)));
    cr_assert_not(schedule_active(s, at(2026, 11, 18, 18, 59, 59, EST)));
    cr_assert(schedule_active(s, at(2026, 11, 18, 19, 0, 0, EST)));
    /* the post-midnight part is Thursday's */
    cr_assert(schedule_active(s, at(2026, 11, 19, 0, 0, 0, EST)));
    cr_assert(schedule_active(s, at(2026, 11, 19, 6, 59, 59, EST)));
    cr_assert_not(schedule_active(s, at(2026, 11, 19, 7, 0, 0, EST)));
    cr_assert_not(schedule_active(s, at(2026, 11, 19, 23, 30, 0, EST)), "no Thursday line");
    /* Wednesday morning is not covered: the range starts on Wednesday evening */
    cr_assert_not(schedule_active(s, at(2026, 11, 18, 6, 0, 0, EST)));
    /* the same policy in UTC disagrees where the zones' days differ */
    struct fraud_schedule *u = load("after-hours block pattern 1 .1876\n"
                                    "after-hours day Wed 19:00 07:00\n",
                                    "UTC");
    cr_assert_not(schedule_active(s, at(2026, 11, 18, 18, 0, 0, EST)));
    cr_assert(schedule_active(u, at(2026, 11, 18, 18, 0, 0, EST)), "23:00 UTC");
    cr_assert(schedule_active(s, at(2026, 11, 19, 6, 30, 0, EST)));
    cr_assert_not(schedule_active(u, at(2026, 11, 19, 6, 30, 0, EST)), "11:30 UTC");

    bool ah = false;
    const struct fraud_pattern *p =
        schedule_match(s, "918765550123", at(2026, 11, 18, 23, 30, 0, EST), &ah);
    cr_assert_not_null(p);
    cr_assert(ah);
    cr_assert_str_eq(p->pat.text, ".1876");
    cr_assert_eq(p->tag, 1);
    cr_assert_null(schedule_match(s, "918765550123", at(2026, 11, 18, 12, 0, 0, EST), &ah));
    cr_assert_not(ah);
    cr_assert_null(schedule_match(s, "912125551234", at(2026, 11, 18, 23, 30, 0, EST), &ah));
    cr_assert(ah);
    schedule_free(s);
    schedule_free(u);
}

Test(schedule, follows_dst)
{
    struct fraud_schedule *s = load(
        "after-hours block pattern 1 9T\nafter-hours day Mon 19:00 07:00\n", "America/New_York");
    /* 23:30 UTC on a Monday: 19:30 EDT in July, 18:30 EST in January */
    cr_assert(schedule_active(s, at(2026, 7, 6, 23, 30, 0, 0)));
    cr_assert_not(schedule_active(s, at(2026, 1, 5, 23, 30, 0, 0)));
    cr_assert(schedule_active(s, at(2026, 7, 6, 19, 0, 0, EDT)));
    cr_assert_not(schedule_active(s, at(2026, 7, 6, 18, 59, 59, EDT)));
    cr_assert(schedule_active(s, at(2026, 1, 5, 19, 0, 0, EST)));
    cr_assert_not(schedule_active(s, at(2026, 1, 5, 18, 59, 59, EST)));
    schedule_free(s);

    /* spring forward, Sunday 2026-03-08: 01:59:59 EST, then 03:00 EDT */
    s = load("after-hours block pattern 1 9T\nafter-hours day Sun 01:00 03:00\n",
             "America/New_York");
    cr_assert(schedule_active(s, at(2026, 3, 8, 1, 0, 0, EST)));
    cr_assert(schedule_active(s, at(2026, 3, 8, 1, 59, 59, EST)));
    cr_assert_not(schedule_active(s, at(2026, 3, 8, 3, 0, 0, EDT)), "one second later");
    cr_assert_not(schedule_active(s, at(2026, 3, 8, 0, 59, 59, EST)));
    schedule_free(s);

    /* fall back, Sunday 2026-11-01: 01:00-02:00 happens twice, both covered */
    s = load("after-hours block pattern 1 9T\nafter-hours day Sun 01:00 02:00\n",
             "America/New_York");
    cr_assert_not(schedule_active(s, at(2026, 11, 1, 0, 59, 59, EDT)));
    cr_assert(schedule_active(s, at(2026, 11, 1, 1, 30, 0, EDT)));
    cr_assert(schedule_active(s, at(2026, 11, 1, 1, 30, 0, EST)));
    cr_assert_not(schedule_active(s, at(2026, 11, 1, 2, 0, 0, EST)));
    schedule_free(s);
}

Test(schedule, berlin_whole_day_and_midnight)
{
    struct fraud_schedule *s =
        load("after-hours block pattern 1 0T\nafter-hours day Sat 00:00 23:59\n", "Europe/Berlin");
    /* Saturday 2026-03-28 (CET, the night before the switch) */
    cr_assert_not(schedule_active(s, at(2026, 3, 27, 23, 59, 59, CET)));
    cr_assert(schedule_active(s, at(2026, 3, 28, 0, 0, 0, CET)));
    cr_assert(schedule_active(s, at(2026, 3, 28, 23, 59, 30, CET)), "23:59 is inclusive");
    cr_assert_not(schedule_active(s, at(2026, 3, 29, 0, 0, 0, CET)));
    /* Saturday 2026-10-31 in CET again; and a summer Saturday in CEST */
    cr_assert(schedule_active(s, at(2026, 10, 31, 23, 59, 59, CET)));
    cr_assert_not(schedule_active(s, at(2026, 11, 1, 0, 0, 0, CET)));
    cr_assert(schedule_active(s, at(2026, 7, 4, 0, 0, 0, CEST)));
    cr_assert_not(schedule_active(s, at(2026, 7, 3, 23, 59, 59, CEST)));
    schedule_free(s);
}

Test(schedule, stop_time_semantics)
{
    /* 00:00 00:00 = the whole day (Cisco); 19:00 00:00 = until midnight */
    struct fraud_schedule *s = load("after-hours block pattern 1 9T\n"
                                    "after-hours day Mon 00:00 00:00\n"
                                    "after-hours day Wed 19:00 00:00\n"
                                    "after-hours day Fri 12:00 12:00\n"
                                    "after-hours day Sat 22:00 02:00\n",
                                    "UTC");
    /* Monday 2026-11-16 */
    cr_assert_not(schedule_active(s, at(2026, 11, 15, 23, 59, 59, 0)));
    cr_assert(schedule_active(s, at(2026, 11, 16, 0, 0, 0, 0)));
    cr_assert(schedule_active(s, at(2026, 11, 16, 23, 59, 59, 0)));
    cr_assert_not(schedule_active(s, at(2026, 11, 17, 0, 0, 0, 0)));
    /* Wednesday 2026-11-18 19:00 to midnight, not into Thursday */
    cr_assert(schedule_active(s, at(2026, 11, 18, 23, 59, 0, 0)));
    cr_assert_not(schedule_active(s, at(2026, 11, 19, 0, 0, 0, 0)));
    cr_assert_not(schedule_active(s, at(2026, 11, 18, 18, 59, 0, 0)));
    /* Friday 12:00 for 24 hours */
    cr_assert_not(schedule_active(s, at(2026, 11, 20, 11, 59, 0, 0)));
    cr_assert(schedule_active(s, at(2026, 11, 20, 12, 0, 0, 0)));
    cr_assert(schedule_active(s, at(2026, 11, 21, 11, 59, 0, 0)));
    cr_assert_not(schedule_active(s, at(2026, 11, 21, 12, 0, 0, 0)));
    /* Saturday 22:00 to Sunday 02:00, across the week's end */
    cr_assert_not(schedule_active(s, at(2026, 11, 21, 21, 59, 0, 0)));
    cr_assert(schedule_active(s, at(2026, 11, 21, 22, 0, 0, 0)));
    cr_assert(schedule_active(s, at(2026, 11, 22, 1, 59, 0, 0)));
    cr_assert_not(schedule_active(s, at(2026, 11, 22, 2, 0, 0, 0)));
    schedule_free(s);
}

Test(schedule, date_rules)
{
    struct fraud_schedule *s = load("after-hours block pattern 1 9T\n"
                                    "after-hours date Dec 25 00:00 23:59\n"
                                    "after-hours date dec 31 19:00 07:00\n"
                                    "after-hours date Feb 29 00:00 00:00\n",
                                    "America/New_York");
    cr_assert(schedule_active(s, at(2026, 12, 25, 10, 0, 0, EST)));
    cr_assert(schedule_active(s, at(2026, 12, 25, 0, 0, 0, EST)));
    cr_assert(schedule_active(s, at(2026, 12, 25, 23, 59, 59, EST)));
    cr_assert_not(schedule_active(s, at(2026, 12, 24, 23, 59, 59, EST)));
    cr_assert_not(schedule_active(s, at(2026, 12, 26, 0, 0, 0, EST)));
    /* 03:00 UTC on Christmas Day is still Christmas Eve in New York */
    cr_assert_not(schedule_active(s, at(2026, 12, 25, 3, 0, 0, 0)));
    cr_assert(schedule_active(s, at(2026, 12, 25, 5, 0, 0, 0)));
    cr_assert(schedule_active(s, at(2027, 12, 25, 12, 0, 0, EST)), "every year");
    /* New Year's Eve overnight, into New Year's Day */
    cr_assert_not(schedule_active(s, at(2026, 12, 31, 18, 59, 0, EST)));
    cr_assert(schedule_active(s, at(2026, 12, 31, 19, 0, 0, EST)));
    cr_assert(schedule_active(s, at(2027, 1, 1, 6, 59, 0, EST)));
    cr_assert_not(schedule_active(s, at(2027, 1, 1, 7, 0, 0, EST)));
    /* Feb 29 only in leap years */
    cr_assert(schedule_active(s, at(2028, 2, 29, 12, 0, 0, EST)));
    cr_assert_not(schedule_active(s, at(2028, 3, 1, 0, 0, 0, EST)));
    cr_assert_not(schedule_active(s, at(2027, 2, 28, 12, 0, 0, EST)));
    cr_assert_not(schedule_active(s, at(2027, 3, 1, 12, 0, 0, EST)));
    schedule_free(s);
}

Test(schedule, no_schedule_only_7_24)
{
    struct fraud_schedule *s = load("after-hours block pattern 1 .1876\n"
                                    "after-hours block pattern 2 .1900 7-24\n",
                                    "UTC");
    cr_assert_eq(schedule_rule_count(s), 0);
    cr_assert(schedule_can_fire(s));
    bool ah = true;
    for (int h = 0; h < 24; h++) {
        uint64_t t = at(2026, 11, 22, h, 30, 0, 0);
        cr_assert_not(schedule_active(s, t));
        cr_assert_null(schedule_match(s, "918765550123", t, &ah));
        cr_assert_not(ah);
        const struct fraud_pattern *p = schedule_match(s, "919005550123", t, NULL);
        cr_assert_not_null(p);
        cr_assert_eq(p->tag, 2);
        cr_assert(p->always);
    }
    schedule_free(s);

    s = load("after-hours block pattern 1 .1876\n", "UTC");
    cr_assert_not(schedule_can_fire(s));
    schedule_free(s);
    s = load("after-hours day Sun 00:00 23:59\n", "UTC");
    cr_assert_not(schedule_can_fire(s), "a schedule without patterns blocks nothing");
    cr_assert_null(schedule_match(s, "918765550123", at(2026, 11, 22, 12, 0, 0, 0), NULL));
    schedule_free(s);
}

Test(schedule, patterns_in_tag_order)
{
    struct fraud_schedule *s = load("after-hours block pattern 7 9T\n"
                                    "after-hours block pattern 2 91T 7-24\n"
                                    "after-hours block pattern 100 .1876\n"
                                    "after-hours block pattern 1 9011\n"
                                    "after-hours day sun 00:00 23:59\n",
                                    "UTC");
    cr_assert_eq(schedule_pattern_count(s), 4);
    cr_assert_eq(schedule_pattern_at(s, 0)->tag, 1);
    cr_assert_eq(schedule_pattern_at(s, 1)->tag, 2);
    cr_assert_eq(schedule_pattern_at(s, 2)->tag, 7);
    cr_assert_eq(schedule_pattern_at(s, 3)->tag, 100);
    cr_assert_eq(schedule_pattern_at(s, 3)->lineno, 3);
    cr_assert_null(schedule_pattern_at(s, 4));
    uint64_t sunday = at(2026, 11, 22, 12, 0, 0, 0), monday = at(2026, 11, 23, 12, 0, 0, 0);
    cr_assert_eq(schedule_match(s, "918765550123", sunday, NULL)->tag, 2);
    cr_assert_eq(schedule_match(s, "918765550123", monday, NULL)->tag, 2, "7-24");
    cr_assert_eq(schedule_match(s, "9011441234", sunday, NULL)->tag, 1);
    cr_assert_null(schedule_match(s, "9011441234", monday, NULL));
    cr_assert_eq(schedule_match(s, "92001", sunday, NULL)->tag, 7);
    cr_assert_null(schedule_match(s, "2001", sunday, NULL));
    cr_assert_null(schedule_match(s, NULL, sunday, NULL));
    schedule_free(s);
}

Test(schedule, accepted_forms)
{
    struct fraud_schedule *s = load("# a comment\n"
                                    "  After-Hours Block Pattern 01 .1876   # indented, caps\n"
                                    "after-hours\tday\tmon\t7:00\t9:05\n"
                                    "after-hours block day sat 13:00 12:00\n"
                                    "after-hours block date JAN 1 0:00 0:00\n"
                                    "after-hours override-code 1234\n"
                                    "after-hours pstn-prefix 1 9\n"
                                    "after-hours login http\n",
                                    "UTC");
    cr_assert_eq(schedule_pattern_count(s), 1);
    cr_assert_eq(schedule_pattern_at(s, 0)->tag, 1);
    cr_assert_eq(schedule_rule_count(s), 3);
    cr_assert(schedule_active(s, at(2026, 11, 23, 9, 4, 0, 0)));
    cr_assert_not(schedule_active(s, at(2026, 11, 23, 9, 5, 0, 0)));
    cr_assert(schedule_active(s, at(2026, 11, 22, 11, 59, 0, 0)), "Sat 13:00 to Sun 12:00");
    cr_assert(schedule_active(s, at(2027, 1, 1, 12, 0, 0, 0)));
    schedule_free(s);
}

Test(schedule, malformed_lines_name_file_and_line)
{
    char longpat[128];
    snprintf(longpat, sizeof(longpat), "after-hours block pattern 1 %065d", 9);
    const struct {
        const char *line, *reason;
    } cases[] = {
        {"after-hours block pattern 0 .1876", "pattern tag '0' is not a number from 1 to 100"},
        {"after-hours block pattern 101 .1876", "pattern tag '101' is not a number"},
        {"after-hours block pattern x .1876", "pattern tag 'x' is not a number"},
        {"after-hours block pattern -1 .1876", "pattern tag '-1' is not a number"},
        {"after-hours block pattern 1", "expected 'after-hours block pattern <1-100> <pattern>"},
        {"after-hours block pattern 1 .1876 7-23", "expected 'after-hours block pattern"},
        {"after-hours block pattern 1 .1876 7-24 x", "expected 'after-hours block pattern"},
        {"after-hours block pattern 1 .18[76", "unclosed '[' in '.18[76'"},
        {"after-hours block pattern 1 .18x", "unexpected 'x' in pattern '.18x'"},
        {longpat, "pattern longer than 64 characters"},
        {"after-hours block pattern 5 9T", "pattern tag 5 already defined at line 2"},
        {"after-hours day Mon 19:00", "expected 'after-hours day <Sun..Sat> <HH:MM> <HH:MM>'"},
        {"after-hours day Funday 19:00 07:00", "expected 'after-hours day"},
        {"after-hours day Monday 19:00 07:00", "expected 'after-hours day"},
        {"after-hours day Mon 24:00 07:00", "bad start time '24:00' (HH:MM, 00:00 to 23:59)"},
        {"after-hours day Mon 19:00 07:60", "bad stop time '07:60'"},
        {"after-hours day Mon 19:0 07:00", "bad start time '19:0'"},
        {"after-hours day Mon 19h00 07:00", "bad start time '19h00'"},
        {"after-hours day Mon 119:00 07:00", "bad start time '119:00'"},
        {"after-hours day Mon 19:00 -7:00", "bad stop time '-7:00'"},
        {"after-hours date Feb 30 00:00 23:59", "'Feb 30' is not a date"},
        {"after-hours date Jun 31 00:00 23:59", "'Jun 31' is not a date"},
        {"after-hours date Dec 0 00:00 23:59", "'Dec 0' is not a date"},
        {"after-hours date Dec x 00:00 23:59", "'Dec x' is not a date"},
        {"after-hours date Foo 1 00:00 23:59", "expected 'after-hours date <Jan..Dec> <1-31>"},
        {"after-hours date Dec 25 00:00", "expected 'after-hours date"},
        {"after-hours holiday Dec 25", "expected 'after-hours block pattern', 'day' or 'date'"},
        {"after-hours block", "expected 'after-hours block pattern', 'day' or 'date'"},
        {"after-hours", "expected 'after-hours block pattern', 'day' or 'date'"},
        {"dial-peer voice 1 pots", "expected an 'after-hours' line"},
        {"after-hours block pattern 1 2 3 4 5 6 7", "too many words"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char text[512], want[256], err[512] = "";
        struct fraud_schedule *s = NULL;
        snprintf(text, sizeof(text),
                 "# header\nafter-hours block pattern 5 .1876\n\n%s\nafter-hours day Sun 00:00 "
                 "23:59\n",
                 cases[i].line);
        const char *path = th_write_temp("bad.conf", text);
        cr_assert_eq(schedule_load(path, "UTC", &s, err, sizeof(err)), -EINVAL, "'%s'",
                     cases[i].line);
        cr_assert_null(s);
        snprintf(want, sizeof(want), "%s:4: %s", path, cases[i].reason);
        cr_assert_not_null(strstr(err, want), "got '%s', want '%s'", err, want);
    }
}

Test(schedule, load_errors)
{
    struct fraud_schedule *s = NULL;
    char err[512] = "";
    const char *path = th_write_temp("ok.conf", "after-hours block pattern 1 .1876\n");
    cr_assert_eq(schedule_load(path, "Mars/Olympus_Mons", &s, err, sizeof(err)), -ENOENT);
    cr_assert_not_null(strstr(err, "timezone 'Mars/Olympus_Mons'"), "%s", err);
    cr_assert_null(s);
    cr_assert_eq(schedule_load("/nonexistent/ah.conf", "UTC", &s, err, sizeof(err)), -ENOENT);
    cr_assert_not_null(strstr(err, "/nonexistent/ah.conf"), "%s", err);
    cr_assert_null(s);
    /* NULL or empty zone = UTC */
    cr_assert_eq(schedule_load(path, NULL, &s, err, sizeof(err)), 0, "%s", err);
    schedule_free(s);
    cr_assert_eq(schedule_load(path, "", &s, err, sizeof(err)), 0, "%s", err);
    schedule_free(s);
    cr_assert_null(schedule_free(NULL));
    cr_assert_eq(schedule_pattern_count(NULL), 0);
    cr_assert_not(schedule_active(NULL, 0));
}

Test(schedule, add_line_api)
{
    struct fraud_schedule *s = NULL;
    char err[256] = "";
    cr_assert_eq(schedule_new("America/New_York", &s, err, sizeof(err)), 0, "%s", err);
    cr_assert_eq(schedule_add_line(s, "after-hours block pattern 3 .1809", 0, err, sizeof(err)), 0);
    cr_assert_eq(schedule_add_line(s, "after-hours day Wed 19:00 07:00", 0, err, sizeof(err)), 0);
    cr_assert_eq(schedule_add_line(s, "after-hours date Feb 31 00:00 23:59", 0, err, sizeof(err)),
                 -EINVAL);
    cr_assert_str_eq(err, "'Feb 31' is not a date");
    cr_assert_not_null(schedule_match(s, "918095550123", at(2026, 11, 18, 23, 30, 0, EST), NULL));
    schedule_free(s);
}

static char *print(const struct fraud_schedule *s)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    schedule_print(s, f);
    fclose(f);
    return buf;
}

Test(schedule, print_as_yaml)
{
    struct fraud_schedule *s = load("after-hours block pattern 2 .1900 7-24\n"
                                    "after-hours block pattern 1 .1242\n"
                                    "after-hours day Mon 19:00 07:00\n"
                                    "after-hours date Dec 25 00:00 23:59\n",
                                    "America/New_York");
    char *out = print(s);
    cr_assert_str_eq(out, "after_hours:\n"
                          "  timezone: \"America/New_York\"\n"
                          "  patterns:  # 2 block patterns, in tag order\n"
                          "    - {tag: 1, pattern: \".1242\", hours: after-hours}\n"
                          "    - {tag: 2, pattern: \".1900\", hours: \"7-24\"}\n"
                          "  schedule:\n"
                          "    - {day: Mon, start: \"19:00\", stop: \"07:00\"}  # until 07:00 "
                          "the next day\n"
                          "    - {date: \"Dec 25\", start: \"00:00\", stop: \"23:59\"}\n");
    free(out);
    schedule_free(s);

    s = load("after-hours block pattern 1 .1242\n", "UTC");
    out = print(s);
    cr_assert_not_null(strstr(out, "  schedule: []  # no day or date lines: never after hours, "
                                   "only 7-24 patterns apply\n"),
                       "%s", out);
    cr_assert_not_null(strstr(out, "# no pattern can fire"), "%s", out);
    free(out);
    schedule_free(s);
}

Test(schedule, shipped_patterns)
{
    static const char *const expect[] = {".1242", ".1264", ".1268", ".1246", ".1441", ".1284",
                                         ".1345", ".1767", ".1809", ".1473", ".1876", ".1664",
                                         ".1787", ".1869", ".1758", ".1900", ".1976", ".1868",
                                         ".1649", ".1340", ".1784", ".1684", ".1590", ".1456"};
    struct fraud_schedule *s = NULL;
    char err[512] = "";
    cr_assert_eq(
        schedule_load(th_src_path("signatures/after-hours.conf"), "UTC", &s, err, sizeof(err)), 0,
        "%s", err);
    cr_assert_eq(schedule_pattern_count(s), 24);
    for (size_t i = 0; i < 24; i++) {
        const struct fraud_pattern *p = schedule_pattern_at(s, i);
        cr_assert_eq(p->tag, i + 1);
        cr_assert_str_eq(p->pat.text, expect[i]);
        cr_assert_not(p->always, "as the guide has them: no 7-24");
    }
    cr_assert_eq(schedule_rule_count(s), 0, "the default schedule is commented out");
    cr_assert_not(schedule_can_fire(s));
    char *out = print(s);
    cr_assert_not_null(strstr(out, "# 24 block patterns"));
    free(out);
    schedule_free(s);
}
