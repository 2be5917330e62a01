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

#include <string.h>

#include "callrec.h"
#include "eve.h"

extern const struct detector call_log_detector;

static void cl_on_event(struct det_ctx *ctx, const struct dis_event *ev, void *priv)
{
    const struct ev_call *c = &ev->u.call;
    int e = 0;

    (void)priv;
    if (ev->type != EV_CALL_END)
        return;
    json_t *extra = json_object();
    if (!extra)
        return;
    e |= json_object_set_new(extra, "call", callrec_json(c));
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
    .init = NULL,
    .on_event = cl_on_event,
    .fini = NULL,
};
