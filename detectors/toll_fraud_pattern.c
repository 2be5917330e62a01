/*
 * toll_fraud_pattern.c - alert on calls that the router's after-hours call
 * blocking is meant to stop (SPEC section 2, sid 9100005).
 *
 * The CME security guide's answer to toll fraud is "after-hours block
 * pattern" lines (Caribbean NANP area codes, 900 numbers, international
 * dialling) in force at night and at weekends ("after-hours day|date"), or
 * around the clock for patterns marked 7-24. A router that is missing them,
 * a phone that bypasses them, or a gateway reached from outside lets those
 * calls through: this detector raises an alert for every call setup
 * (EV_CALL_SETUP, from SCCP or H.225) whose dialled number matches a block
 * pattern while the schedule is active in fraud.timezone at packet time, or
 * matches a 7-24 pattern at any time. Policy: src/schedule.h; reference:
 * Cisco Unified CME System Administrator Guide, "Call Blocking".
 *
 * The number is matched as signalled; when it does not begin with the
 * access code (an H.225 leg after the router stripped it: "18765550123"),
 * it is matched again with the access code in front, as the phone dialled
 * it. Emergency numbers are never flagged (e164.h). One alert per call: a
 * call is known by (flow_id, call reference) and, for H.225, by its
 * callIdentifier, so that the RAS admission and the Q.931 Setup of one call
 * alert once; the table of alerted calls keeps the last TFP_SEEN_MAX and
 * forgets the oldest first. The parsed policy is immutable after init; the
 * table is private to one worker.
 */
#include "detector.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "callrec.h"
#include "config.h"
#include "e164.h"
#include "callseen.h"
#include "flow.h"
#include "schedule.h"

extern const struct detector toll_fraud_pattern_detector;

#define TFP_SEEN_MAX 4096
#define TFP_DIGITS   (CALL_NUMBER_MAX + E164_CODE_MAX + 1)

struct tfp_priv {
    struct fraud_schedule *sched;
    struct e164_plan plan;
    struct callseen *seen; /* calls alerted already */
};

static void tfp_fini(void *priv)
{
    struct tfp_priv *d = priv;
    if (!d)
        return;
    schedule_free(d->sched);
    callseen_free(d->seen);
    free(d);
}

static int tfp_init(const struct sensor_config *cfg, void **ret_priv, char *err, size_t errlen)
{
    struct tfp_priv *d;
    int r;

    if (!cfg || !cfg->patterns_file || !cfg->patterns_file[0]) {
        snprintf(err, errlen, "fraud.patterns_file is empty: no after-hours block patterns");
        return 1;
    }
    d = calloc(1, sizeof(*d));
    if (!d)
        return -ENOMEM;
    if (e164_plan_init(&d->plan, cfg->access_code, cfg->national_prefix, cfg->international_prefix,
                       cfg->country_code) < 0) {
        snprintf(err, errlen, "dialplan: codes must be digit strings, country_code not empty");
        tfp_fini(d);
        return -EINVAL;
    }
    r = schedule_load(cfg->patterns_file, cfg->timezone, &d->sched, err, errlen);
    if (r < 0) {
        tfp_fini(d);
        return r;
    }
    if (!schedule_pattern_count(d->sched)) {
        snprintf(err, errlen, "%s: no after-hours block patterns", cfg->patterns_file);
        tfp_fini(d);
        return 1;
    }
    if (!schedule_can_fire(d->sched)) {
        snprintf(err, errlen,
                 "%s: no after-hours day or date lines and no 7-24 pattern: no call can match",
                 cfg->patterns_file);
        tfp_fini(d);
        return 1;
    }
    d->seen = callseen_new(TFP_SEEN_MAX);
    if (!d->seen) {
        tfp_fini(d);
        return -ENOMEM;
    }
    *ret_priv = d;
    return 0;
}

static void tfp_on_event(struct det_ctx *ctx, const struct dis_event *ev, void *priv)
{
    struct tfp_priv *d = priv;
    char called[CALL_NUMBER_MAX + 1], alt[TFP_DIGITS];
    bool after_hours;

    if (!d || ev->type != EV_CALL_SETUP)
        return;
    const struct ev_call *c = &ev->u.call;
    size_t n = strnlen(c->called, sizeof(c->called) - 1);
    memcpy(called, c->called, n);
    called[n] = '\0';
    if (!n || e164_is_emergency(&d->plan, called))
        return;
    const struct fraud_pattern *fp = schedule_match(d->sched, called, ev->ts_us, &after_hours);
    size_t a = strlen(d->plan.access_code);
    if (!fp && a && strncmp(called, d->plan.access_code, a) != 0) {
        snprintf(alt, sizeof(alt), "%s%s", d->plan.access_code, called);
        fp = schedule_match(d->sched, alt, ev->ts_us, NULL);
    }
    if (!fp || callseen_check_add(d->seen, ev))
        return;

    json_t *call = callrec_json(c);
    char e164[E164_BUFSZ];
    if (call && e164_normalize(&d->plan, called, e164))
        json_object_set_new(call, "e164", json_string(e164));
    if (call) {
        json_object_set_new(call, "pattern", json_string(fp->pat.text));
        json_object_set_new(call, "pattern_tag", json_integer(fp->tag));
        json_object_set_new(call, "after_hours", json_boolean(after_hours));
    }
    json_t *extra = json_object();
    if (extra && call)
        json_object_set_new(extra, "call", call); /* steals call, even on failure */
    else
        json_decref(call);
    alert_emit(ctx, ev, &toll_fraud_pattern_detector, toll_fraud_pattern_detector.severity, extra);
}

const struct detector toll_fraud_pattern_detector = {
    .name = "toll_fraud_pattern",
    .sid = 9100005,
    .rev = 1,
    .signature = "TOLLWATCH toll fraud: call matches an after-hours block pattern",
    .category = "Toll Fraud",
    .severity = 1,
    .events = EV_BIT(EV_CALL_SETUP),
    .init = tfp_init,
    .on_event = tfp_on_event,
    .fini = tfp_fini,
};
