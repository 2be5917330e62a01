/*
 * dissector.h - the interface every protocol dissector implements.
 *
 * One const struct dissector per file in dissectors/, listed in
 * dissectors/registry.c. The worker picks a dissector for a flow by port and
 * content probe first, then by nDPI's classification (SPEC section 7), and
 * then calls parse() with a bounded cursor:
 * - datagram dissectors (UDP): once per datagram, the cursor spans the payload;
 * - stream dissectors (TCP): with the reassembled bytes of one direction not
 *   yet consumed. parse() sets ctx->consumed to the bytes it used (whole
 *   messages) and returns DIS_NEED_MORE with ctx->needed when a message is
 *   incomplete; the worker keeps the rest (bounded) for the next call.
 * A return of DIS_NOT_MINE detaches the dissector from the flow for good;
 * DIS_MALFORMED raises an "anomaly" event (rate limited per flow).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cursor.h"
#include "event.h"

struct flow;
struct worker;

enum dis_result {
    DIS_OK = 0,
    DIS_NEED_MORE, /* stream: consumed what was whole, needs ctx->needed bytes in all */
    DIS_TRUNCATED, /* the capture ended inside a message (snaplen, lost segment) */
    DIS_MALFORMED, /* impossible content; ctx->error says what */
    DIS_NOT_MINE,  /* not this protocol after all */
};

/* Why end() is called: what closed the direction. */
enum dis_end_reason {
    DIS_END_FIN = 0,  /* FIN reached (or the stream was flushed without one) */
    DIS_END_RST,      /* TCP reset */
    DIS_END_TIMEOUT,  /* the flow idled out or was evicted from a full table */
    DIS_END_SHUTDOWN, /* end of input: the connection may well still be open */
};

struct dis_ctx {
    struct worker *w;
    struct flow *flow;
    int dir; /* DIR_TO_SERVER or DIR_TO_CLIENT */
    uint64_t ts_us;
    uint64_t gap;       /* stream: bytes lost just before this data */
    size_t consumed;    /* stream: set by parse */
    size_t needed;      /* stream: set by parse with DIS_NEED_MORE */
    uint8_t end_reason; /* end(): enum dis_end_reason */
    const char *error;  /* set by parse with DIS_MALFORMED: static string */
    /* Test hook: when set, dis_emit() calls it instead of the worker. */
    void (*emit)(struct dis_ctx *ctx, const struct dis_event *ev);
    void *user;
};

#define DIS_MAX_PORTS 4
#define DIS_MAX_NDPI  2

struct dissector {
    const char *name;                /* app_proto value, e.g. "snmp" */
    uint8_t l4;                      /* IPPROTO_TCP or IPPROTO_UDP */
    uint16_t ports[DIS_MAX_PORTS];   /* default server ports; 0 ends */
    uint16_t ndpi_ids[DIS_MAX_NDPI]; /* nDPI protocol ids; 0 ends */
    size_t state_size;               /* per-flow state, zeroed; 0 = none */
    /* Optional content check on the first payload of a flow. */
    bool (*probe)(const struct cursor *c, int dir);
    enum dis_result (*parse)(struct dis_ctx *ctx, void *state, struct cursor *c);
    /* Optional: a direction ended (FIN, RST, timeout). */
    void (*end)(struct dis_ctx *ctx, void *state, bool reset);
    /* Optional: frees what the state points to (not the state itself). */
    void (*state_free)(void *state);
};

/* Fills ev->flow, dir and ts from ctx and dispatches it to the detectors. */
void dis_emit(struct dis_ctx *ctx, struct dis_event *ev);

/* registry.c */
extern const struct dissector *const dissector_table[];
extern const size_t dissector_count;
const struct dissector *dissector_find(const char *name);
