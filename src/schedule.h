/*
 * schedule.h - CME after-hours call blocking policy: block patterns, the
 * after-hours schedule, and the time zone it is written in.
 *
 * The patterns file (fraud.patterns_file, SPEC section 4) holds the
 * router's own lines, one per line, '#' comments:
 *
 *   after-hours block pattern <1-100> <pattern> [7-24]
 *   after-hours day <Sun|Mon|Tue|Wed|Thu|Fri|Sat> <HH:MM> <HH:MM>
 *   after-hours date <Jan..Dec> <1-31> <HH:MM> <HH:MM>
 *
 * (Cisco Unified CME System Administrator Guide, "Call Blocking"; Cisco
 * Unified CME Command Reference, after-hours block pattern / day / date.)
 * A day or date line covers start to stop on that day; a stop before the
 * start runs past midnight into the next calendar day ("day Mon 19:00
 * 07:00" is Monday 19:00 to Tuesday 07:00); a stop of 00:00 or 23:59 means
 * the end of the day, so "00:00 00:00" and "00:00 23:59" are the whole day.
 * Without any day or date line the schedule is never active and only 7-24
 * patterns apply.
 *
 * Times are local to fraud.timezone, an IANA zone read from the system's
 * TZif files (RFC 8536) by this module, so that evaluating the schedule on
 * packet time needs neither setenv("TZ") nor localtime_r() and is safe from
 * any worker thread. Everything is immutable once loaded.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "dialpattern.h"

#define SCHEDULE_TAG_MAX   100 /* after-hours block pattern tags 1..100 */
#define SCHEDULE_RULES_MAX 512 /* day + date lines */

/* ---- time zones ---- */

struct schedule_tz;

/*
 * Loads the IANA zone name ("America/New_York") from $TZDIR or
 * /usr/share/zoneinfo; "UTC", "Etc/UTC", "GMT" and "Etc/GMT" need no file.
 * Returns 0 and *ret, or a negative errno with err naming the zone and the
 * reason (-ENOENT unknown zone, -EINVAL bad name or file).
 */
int schedule_tz_load(const char *name, struct schedule_tz **ret, char *err, size_t errlen);

/* Parses a TZif file (v1, v2, v3) held in buf. Same returns as above. */
int schedule_tz_parse(const uint8_t *buf, size_t len, struct schedule_tz **ret, char *err,
                      size_t errlen);

/* Parses a POSIX TZ string ("EST5EDT,M3.2.0,M11.1.0"). Same returns as above. */
int schedule_tz_posix(const char *spec, struct schedule_tz **ret, char *err, size_t errlen);

/* Offset of local time from UTC, in seconds east, at UTC time t (seconds). */
int32_t schedule_tz_offset(const struct schedule_tz *tz, int64_t t);

struct schedule_tz *schedule_tz_free(struct schedule_tz *tz);

/* ---- the after-hours policy ---- */

struct fraud_pattern {
    unsigned tag;    /* 1..SCHEDULE_TAG_MAX */
    bool always;     /* "7-24": blocked at any hour */
    unsigned lineno; /* where it was defined (0 = added without a file) */
    struct dialpattern pat;
};

struct fraud_schedule;

/*
 * An empty policy in time zone zone (NULL or "" = UTC). Returns 0 and
 * *ret, or a negative errno with err set ("timezone 'X': unknown time
 * zone ...").
 */
int schedule_new(const char *zone, struct fraud_schedule **ret, char *err, size_t errlen);

/*
 * Adds one after-hours line (leading white space and comments already
 * stripped), e.g. from a router's running-config. Returns 0, or -EINVAL
 * with the reason in err (without file and line), or -ENOMEM.
 */
int schedule_add_line(struct fraud_schedule *s, const char *line, unsigned lineno, char *err,
                      size_t errlen);

/* Adds every line of path; err "path:line: reason" on failure. */
int schedule_add_file(struct fraud_schedule *s, const char *path, char *err, size_t errlen);

/* schedule_new() + schedule_add_file(): what the detector and --check-config use. */
int schedule_load(const char *path, const char *zone, struct fraud_schedule **ret, char *err,
                  size_t errlen);

struct fraud_schedule *schedule_free(struct fraud_schedule *s);

size_t schedule_pattern_count(const struct fraud_schedule *s);
/* Patterns in tag order. */
const struct fraud_pattern *schedule_pattern_at(const struct fraud_schedule *s, size_t i);
/* Day and date lines loaded. */
size_t schedule_rule_count(const struct fraud_schedule *s);
/* True when some pattern can ever fire: a 7-24 pattern, or patterns and a day/date line. */
bool schedule_can_fire(const struct fraud_schedule *s);

/* True when the after-hours schedule covers UTC time ts_us (microseconds). */
bool schedule_active(const struct fraud_schedule *s, uint64_t ts_us);

/*
 * The first pattern, in tag order, that matches dialled and is in force at
 * ts_us (7-24, or the schedule active), or NULL. *ret_after_hours (may be
 * NULL) gets schedule_active().
 */
const struct fraud_pattern *schedule_match(const struct fraud_schedule *s, const char *dialled,
                                           uint64_t ts_us, bool *ret_after_hours);

/*
 * Prints the policy as a top-level YAML mapping "after_hours:" (time zone,
 * patterns, schedule) for --check-config.
 */
void schedule_print(const struct fraud_schedule *s, FILE *out);
