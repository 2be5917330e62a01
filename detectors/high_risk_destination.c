/*
 * high_risk_destination.c - alert on calls to high-risk destinations (SPEC
 * section 2, sid 9100006).
 *
 * International revenue share fraud (IRSF), one-ring callback scams and
 * premium-rate fraud all end in a few number ranges: satellite and
 * "International Networks" codes (ITU-T E.164 shared codes +881, +882,
 * +883), premium-rate services, Caribbean NANP area codes that look
 * domestic. For every call setup (EV_CALL_SETUP, SCCP or H.225) the dialled
 * number is normalised to E.164 with the site's dial plan (src/e164.h) and
 * looked up, longest prefix first, in fraud.high_risk_file
 * (signatures/high-risk-destinations.txt, src/hrdest.h); a hit alerts with
 * severity 2 at any hour, with the entry's prefix, category and description
 * in call.destination. Numbers that do not normalise (extensions, local
 * numbers without an area code, emergency numbers) are never flagged.
 *
 * One alert per call: a call is known by (flow_id, call reference) and, for
 * H.225, by its callIdentifier; the table of alerted calls keeps the last
 * HRD_SEEN_MAX and forgets the oldest first. With an empty list the
 * detector turns itself off with a warning. The list is immutable after
 * init; the table is private to one worker.
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
#include "hrdest.h"

extern const struct detector high_risk_destination_detector;

#define HRD_SEEN_MAX 4096

struct hrd_priv {
    struct hrdest_list *list;
    struct e164_plan plan;
    struct callseen *seen; /* calls alerted already */
};

static void hrd_fini(void *priv)
{
    struct hrd_priv *d = priv;
    if (!d)
        return;
    hrdest_free(d->list);
    callseen_free(d->seen);
    free(d);
}

static int hrd_init(const struct sensor_config *cfg, void **ret_priv, char *err, size_t errlen)
{
    struct hrd_priv *d;
    int r;

    if (!cfg || !cfg->high_risk_file || !cfg->high_risk_file[0]) {
        snprintf(err, errlen, "fraud.high_risk_file is empty: no high-risk destinations");
        return 1;
    }
    d = calloc(1, sizeof(*d));
    if (!d)
        return -ENOMEM;
    if (e164_plan_init(&d->plan, cfg->access_code, cfg->national_prefix, cfg->international_prefix,
                       cfg->country_code) < 0) {
        snprintf(err, errlen, "dialplan: codes must be digit strings, country_code not empty");
        hrd_fini(d);
        return -EINVAL;
    }
    r = hrdest_load(cfg->high_risk_file, &d->list, err, errlen);
    if (r < 0) {
        hrd_fini(d);
        return r;
    }
    if (!hrdest_count(d->list)) {
        snprintf(err, errlen, "%s: no high-risk destinations listed", cfg->high_risk_file);
        hrd_fini(d);
        return 1;
    }
    d->seen = callseen_new(HRD_SEEN_MAX);
    if (!d->seen) {
        hrd_fini(d);
        return -ENOMEM;
    }
    *ret_priv = d;
    return 0;
}

static void hrd_on_event(struct det_ctx *ctx, const struct dis_event *ev, void *priv)
{
    struct hrd_priv *d = priv;
    char called[CALL_NUMBER_MAX + 1], e164[E164_BUFSZ];

    if (!d || ev->type != EV_CALL_SETUP)
        return;
    const struct ev_call *c = &ev->u.call;
    size_t n = strnlen(c->called, sizeof(c->called) - 1);
    memcpy(called, c->called, n);
    called[n] = '\0';
    if (!n || e164_is_emergency(&d->plan, called) || !e164_normalize(&d->plan, called, e164))
        return;
    const struct hrdest_entry *hit = hrdest_match(d->list, e164);
    if (!hit || callseen_check_add(d->seen, ev))
        return;

    json_t *call = callrec_json(c);
    json_t *dest = json_object();
    if (call && dest) {
        json_object_set_new(call, "e164", json_string(e164));
        json_object_set_new(dest, "prefix", json_string(hit->prefix));
        json_object_set_new(dest, "category", json_string(hit->category));
        /* NULL (left out) if the file's text were not UTF-8; sigfile checks it is */
        json_object_set_new(dest, "description", json_string(hit->description));
        json_object_set_new(call, "destination", dest);
        dest = NULL;
    }
    json_decref(dest);
    json_t *extra = json_object();
    if (extra && call)
        json_object_set_new(extra, "call", call); /* steals call, even on failure */
    else
        json_decref(call);
    alert_emit(ctx, ev, &high_risk_destination_detector, high_risk_destination_detector.severity,
               extra);
}

const struct detector high_risk_destination_detector = {
    .name = "high_risk_destination",
    .sid = 9100006,
    .rev = 1,
    .signature = "TOLLWATCH call to a high-risk destination",
    .category = "Toll Fraud",
    .severity = 2,
    .events = EV_BIT(EV_CALL_SETUP),
    .init = hrd_init,
    .on_event = hrd_on_event,
    .fini = hrd_fini,
};
