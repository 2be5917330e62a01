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
        case EV_SCCP_MESSAGE:
            return "sccp_message";
        case EV_SCCP_REGISTRATION:
            return "sccp_registration";
        case EV_CALL_SETUP:
            return "call_setup";
        case EV_CALL_END:
            return "call_end";
        case EV_CREDENTIALS:
            return "credentials";
        case EV_HTTP_REQUEST:
            return "http_request";
        case EV_COUNT:
            break;
    }
    return "unknown";
}

void dis_emit(struct dis_ctx *ctx, struct dis_event *ev)
{
    ev->flow = ctx->flow;
    if (ev->actor == EV_ACTOR_CLIENT)
        ev->dir = 0; /* DIR_TO_SERVER: the client sends */
    else if (ev->actor == EV_ACTOR_SERVER)
        ev->dir = 1;
    else
        ev->dir = ctx->dir;
    ev->ts_us = ctx->ts_us;
    if (ctx->emit)
        ctx->emit(ctx, ev);
    else if (ctx->w)
        worker_dispatch(ctx->w, ev);
}
