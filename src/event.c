/*
 * event.c - dissector event names and dispatch entry point.
 */
#include "event.h"

#include "dissector.h"
#include "worker.h"

const char *event_type_name(enum dis_event_type t)
{
    switch (t) {
        case EV_SNMP_PDU:
            return "snmp_pdu";
        case EV_COUNT:
            break;
    }
    return "unknown";
}

void dis_emit(struct dis_ctx *ctx, struct dis_event *ev)
{
    ev->flow = ctx->flow;
    ev->dir = ctx->dir;
    ev->ts_us = ctx->ts_us;
    if (ctx->emit)
        ctx->emit(ctx, ev);
    else if (ctx->w)
        worker_dispatch(ctx->w, ev);
}
