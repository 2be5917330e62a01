/*
 * call_log.c - the "call" event log: one event per finished call.
 *
 * Not an alert: every protocol-neutral call record (EV_CALL_END, from the
 * SCCP or H.225 dissector, once per call with its final numbers and its
 * start/answer/end times) becomes an EVE event_type "call" with the "call"
 * object of src/callrec.c, plus {"sccp": {"device_name"}} for an SCCP call
 * whose phone registered on the connection. This is the sensor's call
 * history (a CDR feed) for toll-fraud forensics: who dialled what, when, and
 * for how long. The event's src is the endpoint of the call record (the
 * dissector makes it the actor).
 */
#include "detector.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "callrec.h"
#include "config.h"
#include "e164.h"
#include "eve.h"

/*
 * The same H.323 call can end twice: in the Q.931 signalling and in the RAS
 * DRQ of the gatekeeper. Calls that carry a callIdentifier are logged once;
 * the last CALL_LOG_IDS identifiers are remembered (a ring, oldest forgotten).
 */
#define CALL_LOG_IDS 1024

struct call_log {
    bool has_plan; /* false when the config gave no usable dial plan: no e164 key */
    struct e164_plan plan;
    uint8_t ids[CALL_LOG_IDS][16];
    size_t next, used;
};

static bool seen_call_id(struct call_log *cl, const uint8_t id[16])
{
    for (size_t i = 0; i < cl->used; i++)
        if (memcmp(cl->ids[i], id, 16) == 0)
            return true;
    memcpy(cl->ids[cl->next], id, 16);
    cl->next = (cl->next + 1) % CALL_LOG_IDS;
    if (cl->used < CALL_LOG_IDS)
        cl->used++;
    return false;
}

static int cl_init(const struct sensor_config *cfg, void **ret_priv, char *err, size_t errlen)
{
    struct call_log *cl = calloc(1, sizeof(*cl));
    if (!cl)
        return -ENOMEM;
    (void)err;
    (void)errlen;
    /* config.c validated the dial plan; a hand-made config may lack one */
    cl->has_plan = cfg->country_code &&
                   e164_plan_init(&cl->plan, cfg->access_code ? cfg->access_code : "",
                                  cfg->national_prefix ? cfg->national_prefix : "",
                                  cfg->international_prefix ? cfg->international_prefix : "",
                                  cfg->country_code) == 0;
    *ret_priv = cl;
    return 0;
}

static void cl_fini(void *priv) { free(priv); }

extern const struct detector call_log_detector;

static void cl_on_event(struct det_ctx *ctx, const struct dis_event *ev, void *priv)
{
    const struct ev_call *c = &ev->u.call;
    int e = 0;

    struct call_log *cl = priv;
    if (ev->type != EV_CALL_END)
        return;
    if (c->has_call_id && seen_call_id(cl, c->call_id))
        return;
    json_t *extra = json_object();
    if (!extra)
        return;
    json_t *rec = callrec_json(c);
    char e164[E164_BUFSZ];
    if (rec && cl->has_plan && c->called[0] && e164_normalize(&cl->plan, c->called, e164))
        e |= json_object_set_new(rec, "e164", json_string(e164));
    e |= json_object_set_new(extra, "call", rec);
    size_t n = strnlen(c->device_name, sizeof(c->device_name));
    if (c->protocol && strcmp(c->protocol, "sccp") == 0 && n) {
        json_t *s = json_object();
        if (s)
            e |= eve_set_bytes(s, "device_name", (const uint8_t *)c->device_name, n);
        e |= json_object_set_new(extra, "sccp", s);
    }
    if (e) {
        json_decref(extra);
        return; /* OOM: the event is lost */
    }
    event_emit(ctx, ev, "call", extra);
}

const struct detector call_log_detector = {
    .name = "call_log",
    .sid = 0,
    .rev = 0,
    .signature = NULL,
    .category = NULL,
    .severity = 0,
    .events = EV_BIT(EV_CALL_END),
    .init = cl_init,
    .on_event = cl_on_event,
    .fini = cl_fini,
};
