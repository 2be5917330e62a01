/*
 * detector.h - the interface every detector implements.
 *
 * One const struct detector per file in detectors/, listed in
 * detectors/registry.c. A detector subscribes to dissector event types
 * (EV_BIT mask), keeps private state per worker (init/fini), and raises
 * alerts with alert_emit(). It never sees raw packet bytes, only parsed
 * events, as Suricata's detect-X.c matches parsed transactions.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "event.h"

struct eve_meta;
struct sensor_config;
struct worker;

struct det_ctx {
    struct worker *w;
    const struct sensor_config *cfg;
    const struct eve_meta *meta;
    /* Test hook: when set, finished events (owned by the callee) go here. */
    void (*sink)(void *user, json_t *event);
    void *user;
};

struct detector {
    const char *name; /* alert.detector, the stable key */
    uint32_t sid;     /* alert.signature_id */
    uint32_t rev;
    const char *signature; /* alert.signature */
    const char *category;  /* alert.category */
    int severity;          /* default alert.severity */
    uint64_t events;       /* EV_BIT() mask of subscribed event types */
    /*
     * Loads signatures and builds private state. Returns 0; or a positive
     * value when the detector turns itself off (err holds the warning, e.g.
     * "the phone inventory is empty"); or a negative errno with err set to
     * "file:line: reason". *ret_priv may stay NULL.
     */
    int (*init)(const struct sensor_config *cfg, void **ret_priv, char *err, size_t errlen);
    void (*on_event)(struct det_ctx *ctx, const struct dis_event *ev, void *priv);
    void (*fini)(void *priv);
};

/*
 * Emits an alert for ev: the common EVE header (src = the packet's sender),
 * the alert object from det with the given severity, and the keys of extra
 * (a JSON object whose reference is stolen; may be NULL).
 */
void alert_emit(struct det_ctx *ctx, const struct dis_event *ev, const struct detector *det,
                int severity, json_t *extra);

/*
 * Emits a non-alert event (e.g. "registration", "call") for ev: the common
 * EVE header, then the keys of extra (reference stolen; may be NULL).
 */
void event_emit(struct det_ctx *ctx, const struct dis_event *ev, const char *event_type,
                json_t *extra);

/* registry.c */
extern const struct detector *const detector_table[];
extern const size_t detector_count;
