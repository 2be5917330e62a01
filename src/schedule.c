/*
 * schedule.c - CME after-hours call blocking policy and the time zone it is
 * written in; see schedule.h for the file format and its semantics.
 *
 * Why our own TZif reader: the schedule is evaluated on packet time in
 * fraud.timezone by worker threads. localtime_r() only knows the process's
 * TZ, and changing TZ with setenv() is not thread safe (POSIX setenv, glibc
 * tzset). So the zone is read once from the system's compiled zone files,
 * whose format is RFC 8536 (TZif v1, v2, v3; v4 only changes leap-second
 * rules and is read as v3): a header of six counts, transition times (the
 * 64-bit block when the file has one), their type indices, the types'
 * UTC offsets, and a footer holding a POSIX TZ string (POSIX.1-2017 section
 * 8.3, with RFC 8536's v3 extensions: hours -167..167 in rule times) for
 * times after the last transition ("slim" files have no transitions at all).
 * Leap-second records are skipped: zones under right/ come out tens of
 * seconds off, which after-hours blocking cannot notice.
 *
 * A hostile or corrupt file is refused, never trusted: at most
 * TZ_FILE_MAX bytes, every count checked against the bytes that remain,
 * at most 256 types, type indices in range, transitions strictly
 * increasing, UTC offsets within RFC 8536's -25:59:59..+25:59:59.
 *
 * Schedule semantics (Cisco Unified CME Command Reference, after-hours day
 * and after-hours date): a stop time smaller than the start time ends on
 * the next day, and that post-midnight part belongs to the next calendar
 * day for no other purpose (a "day Fri 19:00 07:00" line blocks Saturday
 * 00:00-07:00 even without a Sat line); a stop time of 00:00 means the end
 * of the day, as CME turns it into 23:59, and a stop of 23:59 is taken as
 * inclusive, to midnight. A stop equal to a non-midnight start is read as
 * 24 hours from the start. Cisco refuses overnight ranges on date lines; we
 * accept them with the day-line meaning rather than fail a pasted policy.
 * Resolution is the minute: a range covers [start, stop).
 */
#include "schedule.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "sigfile.h"

#define TZ_FILE_MAX     (256u * 1024) /* the biggest zone files are about 4 KiB */
#define TZ_TYPES_MAX    256
#define TZ_HEADER_LEN   44
#define TZ_FOOTER_MAX   255
#define TZ_NAME_MAX     255
#define TZ_UTOFF_MIN    (-89999) /* RFC 8536 section 3.2 */
#define TZ_UTOFF_MAX    93599
#define TZ_DEFAULT_DIR  "/usr/share/zoneinfo"
#define DAY_SECS        86400
#define MINUTES_PER_DAY 1440

/* ------------------------------------------------------------ calendar */

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm). */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    unsigned yoe = (unsigned)(y - era * 400);
    unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

struct civil {
    int64_t year;
    unsigned month; /* 1..12 */
    unsigned mday;  /* 1..31 */
    unsigned wday;  /* 0 = Sunday */
};

static struct civil civil_from_days(int64_t z)
{
    struct civil c;
    int64_t w = z % 7;
    c.wday = (unsigned)((w + 7 + 4) % 7); /* 1970-01-01 was a Thursday */
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    unsigned doe = (unsigned)(z - era * 146097);
    unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    unsigned mp = (5 * doy + 2) / 153;
    c.mday = doy - (153 * mp + 2) / 5 + 1;
    c.month = mp < 10 ? mp + 3 : mp - 9;
    c.year = (int64_t)yoe + era * 400 + (c.month <= 2);
    return c;
}

static int64_t floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

static bool is_leap(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

static unsigned month_days(int64_t y, unsigned m)
{
    static const unsigned char n[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && is_leap(y) ? 29 : n[m - 1];
}

/* ------------------------------------------------------------ POSIX TZ */

enum { RULE_JULIAN1 = 0, RULE_ZERO, RULE_MONTH };

struct tz_rule {
    uint8_t kind; /* RULE_*: Jn (1..365, no Feb 29), n (0..365), Mm.w.d */
    uint16_t n;
    uint8_t m, w, d;
    int32_t time; /* seconds after local midnight, -167h..167h */
};

struct posix_tz {
    int32_t std_off, dst_off; /* seconds east of UTC */
    bool has_dst;
    struct tz_rule start, end;
};

static bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
static bool is_digit(char c) { return c >= '0' && c <= '9'; }

static bool parse_zone_name(const char **p)
{
    const char *s = *p, *b;
    if (*s == '<') {
        b = ++s;
        while (is_alpha(*s) || is_digit(*s) || *s == '+' || *s == '-')
            s++;
        if (*s != '>' || s - b < 3)
            return false;
        *p = s + 1;
        return true;
    }
    b = s;
    while (is_alpha(*s))
        s++;
    if (s - b < 3)
        return false;
    *p = s;
    return true;
}

static bool parse_num(const char **p, long max, long *ret)
{
    const char *s = *p;
    long v = 0;
    if (!is_digit(*s))
        return false;
    while (is_digit(*s)) {
        v = v * 10 + (*s++ - '0');
        if (v > max)
            return false;
    }
    *p = s;
    *ret = v;
    return true;
}

/* [+-]h[h[h]][:mm[:ss]] with hours up to max_h; seconds into *ret. */
static bool parse_hms(const char **p, long max_h, int32_t *ret)
{
    const char *s = *p;
    int sign = 1;
    long h, m = 0, sec = 0;
    if (*s == '+' || *s == '-')
        sign = *s++ == '-' ? -1 : 1;
    if (!parse_num(&s, max_h, &h))
        return false;
    if (*s == ':') {
        s++;
        if (!parse_num(&s, 59, &m))
            return false;
        if (*s == ':') {
            s++;
            if (!parse_num(&s, 59, &sec))
                return false;
        }
    }
    *p = s;
    *ret = (int32_t)(sign * (h * 3600 + m * 60 + sec));
    return true;
}

static bool parse_rule(const char **p, struct tz_rule *r)
{
    const char *s = *p;
    long a, b, c;
    memset(r, 0, sizeof(*r));
    if (*s == 'J') {
        s++;
        if (!parse_num(&s, 365, &a) || a < 1)
            return false;
        r->kind = RULE_JULIAN1;
        r->n = (uint16_t)a;
    } else if (*s == 'M') {
        s++;
        if (!parse_num(&s, 12, &a) || a < 1 || *s++ != '.' || !parse_num(&s, 5, &b) || b < 1 ||
            *s++ != '.' || !parse_num(&s, 6, &c))
            return false;
        r->kind = RULE_MONTH;
        r->m = (uint8_t)a;
        r->w = (uint8_t)b;
        r->d = (uint8_t)c;
    } else {
        if (!parse_num(&s, 365, &a))
            return false;
        r->kind = RULE_ZERO;
        r->n = (uint16_t)a;
    }
    r->time = 7200;
    if (*s == '/') {
        s++;
        if (!parse_hms(&s, 167, &r->time))
            return false;
    }
    *p = s;
    return true;
}

/* Parses a POSIX TZ string; false when it is not one we understand. */
static bool posix_parse(const char *spec, struct posix_tz *ret)
{
    const char *s = spec;
    struct posix_tz z;
    int32_t off;

    memset(&z, 0, sizeof(z));
    if (!parse_zone_name(&s) || !parse_hms(&s, 24, &off))
        return false;
    z.std_off = -off;
    z.dst_off = z.std_off;
    if (*s) {
        if (!parse_zone_name(&s))
            return false;
        z.has_dst = true;
        z.dst_off = z.std_off + 3600;
        if (*s && *s != ',') {
            if (!parse_hms(&s, 24, &off))
                return false;
            z.dst_off = -off;
        }
        if (*s == ',') {
            s++;
            if (!parse_rule(&s, &z.start) || *s++ != ',' || !parse_rule(&s, &z.end))
                return false;
        } else {
            /* no rule: the US rule, as glibc and tzcode assume */
            const char *us = "M3.2.0,M11.1.0";
            parse_rule(&us, &z.start);
            us++;
            parse_rule(&us, &z.end);
        }
    }
    if (*s)
        return false;
    *ret = z;
    return true;
}

/* Days since the epoch of the day rule r names in year y. */
static int64_t rule_day(const struct tz_rule *r, int64_t y)
{
    int64_t jan1 = days_from_civil(y, 1, 1);
    switch (r->kind) {
        case RULE_JULIAN1:
            return jan1 + r->n - 1 + (is_leap(y) && r->n >= 60);
        case RULE_ZERO:
            return jan1 + r->n;
        default: {
            int64_t first = days_from_civil(y, r->m, 1);
            unsigned wd = civil_from_days(first).wday;
            int64_t day = first + (r->d + 7 - wd) % 7 + 7 * (r->w - 1);
            while (day - first >= month_days(y, r->m))
                day -= 7; /* week 5 = the last such day */
            return day;
        }
    }
}

static int32_t posix_offset(const struct posix_tz *z, int64_t t)
{
    if (!z->has_dst)
        return z->std_off;
    /* the year of local standard time, so that rules near New Year fall in place */
    int64_t y = civil_from_days(floor_div(t + z->std_off, DAY_SECS)).year;
    int64_t start = rule_day(&z->start, y) * DAY_SECS + z->start.time - z->std_off;
    int64_t end = rule_day(&z->end, y) * DAY_SECS + z->end.time - z->dst_off;
    bool dst = start <= end ? t >= start && t < end : t < end || t >= start;
    return dst ? z->dst_off : z->std_off;
}

/* ------------------------------------------------------------ TZif */

struct schedule_tz {
    size_t ntimes;
    int64_t *times; /* strictly increasing */
    uint8_t *idx;   /* type of each transition */
    size_t ntypes;
    int32_t utoff[TZ_TYPES_MAX];
    bool has_footer;
    struct posix_tz footer;
};

struct schedule_tz *schedule_tz_free(struct schedule_tz *tz)
{
    if (tz) {
        free(tz->times);
        free(tz->idx);
        free(tz);
    }
    return NULL;
}

static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static int64_t be64s(const uint8_t *p)
{
    uint64_t v = (uint64_t)be32(p) << 32 | be32(p + 4);
    return (int64_t)v;
}

struct tzif_header {
    uint8_t version;
    uint32_t isutcnt, isstdcnt, leapcnt, timecnt, typecnt, charcnt;
};

static int tzif_header(const uint8_t *b, size_t len, size_t off, struct tzif_header *h, char *err,
                       size_t errlen)
{
    if (off > len || len - off < TZ_HEADER_LEN || memcmp(b + off, "TZif", 4) != 0) {
        snprintf(err, errlen, "not a TZif file (RFC 8536)");
        return -EINVAL;
    }
    const uint8_t *p = b + off;
    h->version = p[4];
    if (h->version != 0 && (h->version < '2' || h->version > '4')) {
        snprintf(err, errlen, "unsupported TZif version 0x%02x", h->version);
        return -EINVAL;
    }
    h->isutcnt = be32(p + 20);
    h->isstdcnt = be32(p + 24);
    h->leapcnt = be32(p + 28);
    h->timecnt = be32(p + 32);
    h->typecnt = be32(p + 36);
    h->charcnt = be32(p + 40);
    if (h->typecnt == 0 || h->typecnt > TZ_TYPES_MAX ||
        (h->isutcnt != 0 && h->isutcnt != h->typecnt) ||
        (h->isstdcnt != 0 && h->isstdcnt != h->typecnt)) {
        snprintf(err, errlen, "bad TZif counts");
        return -EINVAL;
    }
    return 0;
}

/* Bytes of the data block after a header, for time size tsize (4 or 8); counts are < 2^32. */
static uint64_t tzif_block_len(const struct tzif_header *h, unsigned tsize)
{
    return (uint64_t)h->timecnt * (tsize + 1) + (uint64_t)h->typecnt * 6 + h->charcnt +
           (uint64_t)h->leapcnt * (tsize + 4) + h->isstdcnt + h->isutcnt;
}

/* Reads the data block at b[off..] into tz. */
static int tzif_block(const uint8_t *b, const struct tzif_header *h, size_t off, unsigned tsize,
                      struct schedule_tz *tz, char *err, size_t errlen)
{
    const uint8_t *p = b + off;
    if (h->timecnt) {
        tz->times = malloc(h->timecnt * sizeof(*tz->times));
        tz->idx = malloc(h->timecnt);
        if (!tz->times || !tz->idx) {
            snprintf(err, errlen, "%s", strerror(ENOMEM));
            return -ENOMEM;
        }
    }
    for (uint32_t i = 0; i < h->timecnt; i++) {
        int64_t t = tsize == 8 ? be64s(p + (size_t)i * 8) : (int32_t)be32(p + (size_t)i * 4);
        if (i > 0 && t <= tz->times[i - 1]) {
            snprintf(err, errlen, "TZif transitions out of order");
            return -EINVAL;
        }
        tz->times[i] = t;
    }
    p += (size_t)h->timecnt * tsize;
    for (uint32_t i = 0; i < h->timecnt; i++) {
        if (p[i] >= h->typecnt) {
            snprintf(err, errlen, "TZif transition type out of range");
            return -EINVAL;
        }
        tz->idx[i] = p[i];
    }
    p += h->timecnt;
    for (uint32_t i = 0; i < h->typecnt; i++, p += 6) {
        int32_t off_s = (int32_t)be32(p);
        if (off_s < TZ_UTOFF_MIN || off_s > TZ_UTOFF_MAX || p[4] > 1) {
            snprintf(err, errlen, "bad TZif local time type");
            return -EINVAL;
        }
        tz->utoff[i] = off_s;
    }
    tz->ntimes = h->timecnt;
    tz->ntypes = h->typecnt;
    return 0;
}

int schedule_tz_parse(const uint8_t *buf, size_t len, struct schedule_tz **ret, char *err,
                      size_t errlen)
{
    struct tzif_header h;
    int r;

    if (len > TZ_FILE_MAX) {
        snprintf(err, errlen, "TZif file larger than %u bytes", TZ_FILE_MAX);
        return -EINVAL;
    }
    if ((r = tzif_header(buf, len, 0, &h, err, errlen)) < 0)
        return r;
    uint64_t v1 = tzif_block_len(&h, 4);
    if (v1 > len - TZ_HEADER_LEN) {
        snprintf(err, errlen, "truncated TZif file");
        return -EINVAL;
    }
    size_t off = TZ_HEADER_LEN;
    unsigned tsize = 4;
    if (h.version != 0) {
        off += (size_t)v1;
        if ((r = tzif_header(buf, len, off, &h, err, errlen)) < 0)
            return r;
        off += TZ_HEADER_LEN;
        tsize = 8;
    }
    uint64_t blen = tzif_block_len(&h, tsize);
    if (blen > len - off) {
        snprintf(err, errlen, "truncated TZif file");
        return -EINVAL;
    }

    struct schedule_tz *tz = calloc(1, sizeof(*tz));
    if (!tz) {
        snprintf(err, errlen, "%s", strerror(ENOMEM));
        return -ENOMEM;
    }
    if ((r = tzif_block(buf, &h, off, tsize, tz, err, errlen)) < 0) {
        schedule_tz_free(tz);
        return r;
    }
    off += (size_t)blen;
    if (h.version != 0) {
        /* footer: "\n" POSIX-TZ "\n"; an empty string means none */
        const uint8_t *nl = NULL;
        if (off < len && buf[off] == '\n')
            nl = memchr(buf + off + 1, '\n', len - off - 1);
        if (!nl || (size_t)(nl - (buf + off + 1)) > TZ_FOOTER_MAX) {
            snprintf(err, errlen, "TZif footer missing or too long");
            schedule_tz_free(tz);
            return -EINVAL;
        }
        size_t flen = (size_t)(nl - (buf + off + 1));
        char footer[TZ_FOOTER_MAX + 1];
        memcpy(footer, buf + off + 1, flen);
        footer[flen] = '\0';
        if (flen) {
            if (memchr(footer, '\0', flen) || !posix_parse(footer, &tz->footer)) {
                snprintf(err, errlen, "unsupported TZ rule '%.64s' in the TZif footer", footer);
                schedule_tz_free(tz);
                return -EINVAL;
            }
            tz->has_footer = true;
        }
    }
    *ret = tz;
    return 0;
}

int schedule_tz_posix(const char *spec, struct schedule_tz **ret, char *err, size_t errlen)
{
    struct posix_tz z;
    if (strnlen(spec, TZ_FOOTER_MAX + 1) > TZ_FOOTER_MAX || !posix_parse(spec, &z)) {
        snprintf(err, errlen, "'%.64s' is not a POSIX TZ string", spec);
        return -EINVAL;
    }
    struct schedule_tz *tz = calloc(1, sizeof(*tz));
    if (!tz) {
        snprintf(err, errlen, "%s", strerror(ENOMEM));
        return -ENOMEM;
    }
    tz->ntypes = 1;
    tz->utoff[0] = z.std_off;
    tz->footer = z;
    tz->has_footer = true;
    *ret = tz;
    return 0;
}

int32_t schedule_tz_offset(const struct schedule_tz *tz, int64_t t)
{
    if (!tz)
        return 0;
    if (tz->ntimes == 0 || t >= tz->times[tz->ntimes - 1]) {
        if (tz->has_footer)
            return posix_offset(&tz->footer, t);
        if (tz->ntimes == 0)
            return tz->utoff[0];
        return tz->utoff[tz->idx[tz->ntimes - 1]];
    }
    if (t < tz->times[0])
        return tz->utoff[0];            /* RFC 8536: type 0 before the first transition */
    size_t lo = 0, hi = tz->ntimes - 1; /* times[lo] <= t < times[hi] */
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (tz->times[mid] <= t)
            lo = mid;
        else
            hi = mid;
    }
    return tz->utoff[tz->idx[lo]];
}

/* Zone names: relative, components of [A-Za-z0-9._+-], none "." or "..", no empty ones. */
static bool tz_name_ok(const char *name)
{
    size_t n = strnlen(name, TZ_NAME_MAX + 1);
    if (n == 0 || n > TZ_NAME_MAX)
        return false;
    const char *comp = name;
    for (size_t i = 0; i <= n; i++) {
        char c = name[i];
        if (c == '/' || c == '\0') {
            size_t cl = (size_t)(name + i - comp);
            if (cl == 0 || (cl == 1 && comp[0] == '.') ||
                (cl == 2 && comp[0] == '.' && comp[1] == '.'))
                return false;
            comp = name + i + 1;
        } else if (!is_alpha(c) && !is_digit(c) && c != '.' && c != '_' && c != '+' && c != '-') {
            return false;
        }
    }
    return true;
}

static bool tz_is_utc(const char *name)
{
    static const char *const utc[] = {"UTC", "Etc/UTC", "GMT", "Etc/GMT"};
    for (size_t i = 0; i < sizeof(utc) / sizeof(utc[0]); i++)
        if (strcmp(name, utc[i]) == 0)
            return true;
    return false;
}

int schedule_tz_load(const char *name, struct schedule_tz **ret, char *err, size_t errlen)
{
    char path[4096], reason[160];
    int r;

    if (!name || !tz_name_ok(name)) {
        snprintf(err, errlen, "timezone '%.64s': not an IANA time zone name", name ? name : "");
        return -EINVAL;
    }
    if (tz_is_utc(name)) {
        struct schedule_tz *tz = calloc(1, sizeof(*tz));
        if (!tz) {
            snprintf(err, errlen, "%s", strerror(ENOMEM));
            return -ENOMEM;
        }
        tz->ntypes = 1;
        *ret = tz;
        return 0;
    }
    const char *dir = getenv("TZDIR");
    if (!dir || !*dir)
        dir = TZ_DEFAULT_DIR;
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    FILE *f = fopen(path, "rb");
    if (!f) {
        int e = errno;
        snprintf(err, errlen, "timezone '%s': unknown time zone (%s: %s)", name, path, strerror(e));
        return e == ENOENT || e == ENOTDIR ? -ENOENT : -e;
    }
    struct stat st;
    if (fstat(fileno(f), &st) < 0 || !S_ISREG(st.st_mode) || st.st_size > (off_t)TZ_FILE_MAX) {
        snprintf(err, errlen, "timezone '%s': %s is not a zone file", name, path);
        fclose(f);
        return -EINVAL;
    }
    uint8_t *buf = malloc(TZ_FILE_MAX + 1);
    if (!buf) {
        fclose(f);
        snprintf(err, errlen, "%s", strerror(ENOMEM));
        return -ENOMEM;
    }
    size_t len = fread(buf, 1, TZ_FILE_MAX + 1, f);
    bool bad = ferror(f) != 0;
    fclose(f);
    if (bad) {
        free(buf);
        snprintf(err, errlen, "timezone '%s': %s: read error", name, path);
        return -EIO;
    }
    r = schedule_tz_parse(buf, len, ret, reason, sizeof(reason));
    free(buf);
    if (r < 0)
        snprintf(err, errlen, "timezone '%s': %s: %s", name, path, reason);
    return r;
}

/* ------------------------------------------------------------ the policy */

enum { RULE_DAY = 0, RULE_DATE };

struct schedule_rule {
    uint8_t kind; /* RULE_DAY, RULE_DATE */
    uint8_t wday; /* 0 = Sunday */
    uint8_t month, mday;
    uint16_t start;     /* minutes after midnight */
    uint16_t stop;      /* end of the range on the start day, or next day if overnight */
    uint16_t stop_text; /* the stop as written, for printing */
    bool overnight;
    unsigned lineno;
};

struct fraud_schedule {
    char zone[TZ_NAME_MAX + 1];
    struct schedule_tz *tz;
    struct fraud_pattern pats[SCHEDULE_TAG_MAX]; /* sorted by tag */
    size_t npats;
    struct schedule_rule *rules;
    size_t nrules, rules_cap;
};

static const char *const day_names[7] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
static const char *const month_names[12] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

struct fraud_schedule *schedule_free(struct fraud_schedule *s)
{
    if (s) {
        schedule_tz_free(s->tz);
        free(s->rules);
        free(s);
    }
    return NULL;
}

int schedule_new(const char *zone, struct fraud_schedule **ret, char *err, size_t errlen)
{
    if (!zone || !*zone)
        zone = "UTC";
    struct fraud_schedule *s = calloc(1, sizeof(*s));
    if (!s) {
        snprintf(err, errlen, "%s", strerror(ENOMEM));
        return -ENOMEM;
    }
    int r = schedule_tz_load(zone, &s->tz, err, errlen);
    if (r < 0) {
        free(s);
        return r;
    }
    snprintf(s->zone, sizeof(s->zone), "%s", zone);
    *ret = s;
    return 0;
}

#define MAX_TOKENS 8

/* Splits line at white space into at most MAX_TOKENS tokens; returns the count or -1 if more. */
static int tokenize(const char *line, char tok[MAX_TOKENS][DIALPATTERN_MAX_LEN + 2])
{
    int n = 0;
    const char *p = line;
    for (;;) {
        while (*p == ' ' || *p == '\t' || *p == '\v' || *p == '\f' || *p == '\r')
            p++;
        if (!*p)
            return n;
        if (n == MAX_TOKENS)
            return -1;
        size_t l = 0;
        while (p[l] && p[l] != ' ' && p[l] != '\t' && p[l] != '\v' && p[l] != '\f' && p[l] != '\r')
            l++;
        /* longer tokens are cut to one byte over any limit, so they still fail it */
        size_t keep = l > DIALPATTERN_MAX_LEN + 1 ? DIALPATTERN_MAX_LEN + 1 : l;
        memcpy(tok[n], p, keep);
        tok[n][keep] = '\0';
        n++;
        p += l;
    }
}

static int name_index(const char *s, const char *const *names, int n)
{
    for (int i = 0; i < n; i++)
        if (strcasecmp(s, names[i]) == 0)
            return i;
    return -1;
}

/* "H:MM" or "HH:MM", 00:00..23:59, into minutes. */
static bool parse_clock(const char *s, uint16_t *ret)
{
    size_t n = strlen(s);
    if ((n != 4 && n != 5) || s[n - 3] != ':' || !is_digit(s[n - 2]) || !is_digit(s[n - 1]) ||
        !is_digit(s[0]) || (n == 5 && !is_digit(s[1])))
        return false;
    unsigned h =
        n == 5 ? (unsigned)(s[0] - '0') * 10 + (unsigned)(s[1] - '0') : (unsigned)(s[0] - '0');
    unsigned m = (unsigned)(s[n - 2] - '0') * 10 + (unsigned)(s[n - 1] - '0');
    if (h > 23 || m > 59)
        return false;
    *ret = (uint16_t)(h * 60 + m);
    return true;
}

static int add_rule(struct fraud_schedule *s, struct schedule_rule *r, const char *start,
                    const char *stop, char *err, size_t errlen)
{
    uint16_t a, b;
    if (!parse_clock(start, &a)) {
        snprintf(err, errlen, "bad start time '%.16s' (HH:MM, 00:00 to 23:59)", start);
        return -EINVAL;
    }
    if (!parse_clock(stop, &b)) {
        snprintf(err, errlen, "bad stop time '%.16s' (HH:MM, 00:00 to 23:59)", stop);
        return -EINVAL;
    }
    if (s->nrules == SCHEDULE_RULES_MAX) {
        snprintf(err, errlen, "more than %d after-hours day/date lines", SCHEDULE_RULES_MAX);
        return -EINVAL;
    }
    if (s->nrules == s->rules_cap) {
        size_t cap = s->rules_cap ? s->rules_cap * 2 : 16;
        struct schedule_rule *nr = realloc(s->rules, cap * sizeof(*nr));
        if (!nr)
            return -ENOMEM;
        s->rules = nr;
        s->rules_cap = cap;
    }
    r->start = a;
    r->stop_text = b;
    r->stop = b == 0 || b == MINUTES_PER_DAY - 1 ? MINUTES_PER_DAY : b;
    r->overnight = r->stop <= r->start;
    s->rules[s->nrules++] = *r;
    return 0;
}

static int add_pattern(struct fraud_schedule *s, char tok[][DIALPATTERN_MAX_LEN + 2], int n,
                       unsigned lineno, char *err, size_t errlen)
{
    struct fraud_pattern fp;
    char *end;
    int r;

    if (n < 5 || n > 6 || (n == 6 && strcmp(tok[5], "7-24") != 0)) {
        snprintf(err, errlen, "expected 'after-hours block pattern <1-%d> <pattern> [7-24]'",
                 SCHEDULE_TAG_MAX);
        return -EINVAL;
    }
    memset(&fp, 0, sizeof(fp));
    errno = 0;
    unsigned long tag = is_digit(tok[3][0]) ? strtoul(tok[3], &end, 10) : 0;
    if (!is_digit(tok[3][0]) || *end || errno || tag < 1 || tag > SCHEDULE_TAG_MAX) {
        snprintf(err, errlen, "pattern tag '%.16s' is not a number from 1 to %d", tok[3],
                 SCHEDULE_TAG_MAX);
        return -EINVAL;
    }
    if ((r = dialpattern_compile(tok[4], &fp.pat, err, errlen)) < 0)
        return r;
    fp.tag = (unsigned)tag;
    fp.always = n == 6;
    fp.lineno = lineno;
    size_t i = 0;
    while (i < s->npats && s->pats[i].tag < fp.tag)
        i++;
    if (i < s->npats && s->pats[i].tag == fp.tag) {
        snprintf(err, errlen, "pattern tag %u already defined at line %u", fp.tag,
                 s->pats[i].lineno);
        return -EINVAL;
    }
    memmove(&s->pats[i + 1], &s->pats[i], (s->npats - i) * sizeof(s->pats[0]));
    s->pats[i] = fp;
    s->npats++;
    return 0;
}

int schedule_add_line(struct fraud_schedule *s, const char *line, unsigned lineno, char *err,
                      size_t errlen)
{
    char tok[MAX_TOKENS][DIALPATTERN_MAX_LEN + 2];
    int n = tokenize(line, tok);
    int k = 1; /* token of the subcommand */

    if (n < 0) {
        snprintf(err, errlen, "too many words for an after-hours line");
        return -EINVAL;
    }
    if (n < 1 || strcasecmp(tok[0], "after-hours") != 0) {
        snprintf(err, errlen, "expected an 'after-hours' line");
        return -EINVAL;
    }
    if (n < 2) {
        snprintf(err, errlen, "expected 'after-hours block pattern', 'day' or 'date'");
        return -EINVAL;
    }
    if (strcasecmp(tok[1], "block") == 0) {
        if (n >= 3 && strcasecmp(tok[2], "pattern") == 0)
            return add_pattern(s, tok, n, lineno, err, errlen);
        k = 2; /* "after-hours block day|date", as in Cisco's SRST guide examples */
    }
    struct schedule_rule r;
    memset(&r, 0, sizeof(r));
    r.lineno = lineno;
    if (n > k && strcasecmp(tok[k], "day") == 0) {
        int d;
        if (n != k + 4 || (d = name_index(tok[k + 1], day_names, 7)) < 0) {
            snprintf(err, errlen, "expected 'after-hours day <Sun..Sat> <HH:MM> <HH:MM>'");
            return -EINVAL;
        }
        r.kind = RULE_DAY;
        r.wday = (uint8_t)d;
        return add_rule(s, &r, tok[k + 2], tok[k + 3], err, errlen);
    }
    if (n > k && strcasecmp(tok[k], "date") == 0) {
        int m;
        char *end;
        if (n != k + 5 || (m = name_index(tok[k + 1], month_names, 12)) < 0) {
            snprintf(err, errlen, "expected 'after-hours date <Jan..Dec> <1-31> <HH:MM> <HH:MM>'");
            return -EINVAL;
        }
        unsigned long d = is_digit(tok[k + 2][0]) ? strtoul(tok[k + 2], &end, 10) : 0;
        /* a date that exists in some year: Feb 29 is fine */
        if (!is_digit(tok[k + 2][0]) || *end || d < 1 || d > month_days(2000, (unsigned)m + 1)) {
            snprintf(err, errlen, "'%s %.16s' is not a date", month_names[m], tok[k + 2]);
            return -EINVAL;
        }
        r.kind = RULE_DATE;
        r.month = (uint8_t)(m + 1);
        r.mday = (uint8_t)d;
        return add_rule(s, &r, tok[k + 3], tok[k + 4], err, errlen);
    }
    if (k == 1 && (strcasecmp(tok[1], "override-code") == 0 ||
                   strcasecmp(tok[1], "pstn-prefix") == 0 || strcasecmp(tok[1], "login") == 0))
        return 0; /* CME settings that do not change what is blocked when */
    snprintf(err, errlen, "expected 'after-hours block pattern', 'day' or 'date'");
    return -EINVAL;
}

static int file_line(void *user, const char *line, unsigned lineno, char *err, size_t errlen)
{
    return schedule_add_line(user, line, lineno, err, errlen);
}

int schedule_add_file(struct fraud_schedule *s, const char *path, char *err, size_t errlen)
{
    return sigfile_read(path, file_line, s, err, errlen);
}

int schedule_load(const char *path, const char *zone, struct fraud_schedule **ret, char *err,
                  size_t errlen)
{
    struct fraud_schedule *s;
    int r = schedule_new(zone, &s, err, errlen);
    if (r < 0)
        return r;
    if ((r = schedule_add_file(s, path, err, errlen)) < 0) {
        schedule_free(s);
        return r;
    }
    *ret = s;
    return 0;
}

size_t schedule_pattern_count(const struct fraud_schedule *s) { return s ? s->npats : 0; }

const struct fraud_pattern *schedule_pattern_at(const struct fraud_schedule *s, size_t i)
{
    return s && i < s->npats ? &s->pats[i] : NULL;
}

size_t schedule_rule_count(const struct fraud_schedule *s) { return s ? s->nrules : 0; }

bool schedule_can_fire(const struct fraud_schedule *s)
{
    if (!s || !s->npats)
        return false;
    if (s->nrules)
        return true;
    for (size_t i = 0; i < s->npats; i++)
        if (s->pats[i].always)
            return true;
    return false;
}

static bool rule_on(const struct schedule_rule *r, const struct civil *c)
{
    if (r->kind == RULE_DAY)
        return c->wday == r->wday;
    return c->month == r->month && c->mday == r->mday;
}

bool schedule_active(const struct fraud_schedule *s, uint64_t ts_us)
{
    if (!s || !s->nrules)
        return false;
    int64_t t = (int64_t)(ts_us / 1000000);
    int64_t local = t + schedule_tz_offset(s->tz, t);
    int64_t day = floor_div(local, DAY_SECS);
    unsigned minute = (unsigned)((local - day * DAY_SECS) / 60);
    struct civil today = civil_from_days(day), yesterday = civil_from_days(day - 1);

    for (size_t i = 0; i < s->nrules; i++) {
        const struct schedule_rule *r = &s->rules[i];
        unsigned end = r->overnight ? MINUTES_PER_DAY : r->stop;
        if (minute >= r->start && minute < end && rule_on(r, &today))
            return true;
        if (r->overnight && minute < r->stop && rule_on(r, &yesterday))
            return true;
    }
    return false;
}

const struct fraud_pattern *schedule_match(const struct fraud_schedule *s, const char *dialled,
                                           uint64_t ts_us, bool *ret_after_hours)
{
    bool active = schedule_active(s, ts_us);
    if (ret_after_hours)
        *ret_after_hours = active;
    if (!s || !dialled)
        return NULL;
    for (size_t i = 0; i < s->npats; i++) {
        const struct fraud_pattern *p = &s->pats[i];
        if ((p->always || active) && dialpattern_match(&p->pat, dialled))
            return p;
    }
    return NULL;
}

/* Writes s as a YAML double-quoted scalar. */
static void put_quoted(FILE *out, const char *s)
{
    fputc('"', out);
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            fprintf(out, "\\%c", c);
        else if (c < 0x20 || c == 0x7f)
            fprintf(out, "\\x%02x", c);
        else
            fputc(c, out);
    }
    fputc('"', out);
}

void schedule_print(const struct fraud_schedule *s, FILE *out)
{
    if (!s) {
        fputs("after_hours: null\n", out);
        return;
    }
    fputs("after_hours:\n  timezone: ", out);
    put_quoted(out, s->zone);
    fprintf(out, "\n  patterns:%s  # %zu block pattern%s, in tag order\n", s->npats ? "" : " []",
            s->npats, s->npats == 1 ? "" : "s");
    for (size_t i = 0; i < s->npats; i++) {
        fprintf(out, "    - {tag: %u, pattern: ", s->pats[i].tag);
        put_quoted(out, s->pats[i].pat.text);
        fprintf(out, ", hours: %s}\n", s->pats[i].always ? "\"7-24\"" : "after-hours");
    }
    fprintf(out, "  schedule:%s", s->nrules ? "\n" : " []");
    if (!s->nrules)
        fputs("  # no day or date lines: never after hours, only 7-24 patterns apply\n", out);
    for (size_t i = 0; i < s->nrules; i++) {
        const struct schedule_rule *r = &s->rules[i];
        if (r->kind == RULE_DAY)
            fprintf(out, "    - {day: %s", day_names[r->wday]);
        else
            fprintf(out, "    - {date: \"%s %u\"", month_names[r->month - 1], r->mday);
        fprintf(out, ", start: \"%02u:%02u\", stop: \"%02u:%02u\"}", r->start / 60u, r->start % 60u,
                r->stop_text / 60u, r->stop_text % 60u);
        if (r->overnight)
            fprintf(out, "  # until %02u:%02u the next day", r->stop_text / 60u,
                    r->stop_text % 60u);
        fputc('\n', out);
    }
    if (!schedule_can_fire(s))
        fputs("  # no pattern can fire: add day/date lines or mark patterns 7-24\n", out);
}
