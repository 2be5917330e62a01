/*
 * h225ras.c - H.225.0 RAS over UDP (ITU-T H.225.0 section 7.2, ASN.1
 * module H323-MESSAGES RasMessage, X.691 aligned PER); see h225ras.h.
 *
 *   RasMessage ::= CHOICE { gatekeeperRequest, gatekeeperConfirm,
 *       gatekeeperReject, registrationRequest, ..., admissionRequest,
 *       admissionConfirm, admissionReject, ..., disengageRequest, ...,
 *       infoRequestResponse, nonStandardMessage, unknownMessageResponse
 *       (25 root alternatives), ..., requestInProgress, ...
 *       admissionConfirmSequence (8 extension alternatives) }
 *   AdmissionRequest ::= SEQUENCE { requestSeqNum, callType, callModel
 *       OPTIONAL, endpointIdentifier, destinationInfo OPTIONAL,
 *       destCallSignalAddress OPTIONAL, destExtraCallInfo OPTIONAL, srcInfo,
 *       srcCallSignalAddress OPTIONAL, bandWidth, callReferenceValue,
 *       nonStandardData OPTIONAL, callServices OPTIONAL, conferenceID,
 *       activeMC, answerCall, ..., canMapAlias (ext 0), callIdentifier (1), ... }
 *   DisengageRequest ::= SEQUENCE { requestSeqNum, endpointIdentifier,
 *       conferenceID, callReferenceValue, disengageReason, nonStandardData
 *       OPTIONAL, ..., callIdentifier (ext 0), ... }
 * The other messages are read as far as their root goes, except
 * InfoRequestResponse, whose perCallInfo is not decoded (the message
 * counts as read up to there). The extension alternatives are named only.
 */
#include "h225ras.h"

#include <netinet/in.h>
#include <string.h>

#include <ndpi_protocol_ids.h>

#define RAS_ROOT_ALTERNATIVES 25

/* ---- decoding ----------------------------------------------------------------- */

static void ras_seq(struct per *p, struct h225ras_msg *m)
{
    uint32_t v = per_constrained(p, 1, 65535);
    if (per_ok(p)) {
        m->seq = (uint16_t)v;
        m->has_seq = true;
    }
}

static void ras_bmp_id(struct per *p, char *out)
{
    per_bmp(p, 1, 128, out, H225RAS_ENDPOINT_ID_MAX + 1);
}

static void ras_aliases(struct per *p, struct h225_aliases *a, bool *ret_has)
{
    h225_per_aliases(p, a);
    *ret_has = true;
}

static void ras_conference_id(struct per *p, struct h225ras_msg *m)
{
    per_octets(p, 16, 16, m->conference_id, sizeof(m->conference_id));
    m->has_conference_id = per_ok(p);
}

static void ras_crv(struct per *p, struct h225ras_msg *m)
{
    m->crv = (uint16_t)per_constrained(p, 0, 65535);
    m->has_crv = per_ok(p);
}

/* A CHOICE of NULL reasons (extension alternatives are skipped); returns the index. */
static int ras_reason(struct per *p, uint32_t nroot)
{
    bool ext;
    uint32_t i = per_choice(p, nroot, true, &ext);
    if (ext)
        per_skip_open_type(p);
    if (!per_ok(p))
        return -1;
    return (int)(ext ? nroot + (i < 1000 ? i : 1000) : i);
}

/*
 * The extension additions of a message: callIdentifier at index cid_index
 * (-1: none), destinationInfo at dest_index (-1: none), the rest skipped.
 */
static void ras_extensions(struct per *p, bool ext, struct h225ras_msg *m, int cid_index,
                           int dest_index)
{
    struct per_ext e;
    struct per sub;
    int i;

    if (!ext || !per_ext_begin(p, &e))
        return;
    while ((i = per_ext_next(p, &e, &sub)) >= 0) {
        if (i == cid_index)
            h225_per_call_identifier(&sub, m->call_id);
        else if (i == dest_index)
            h225_per_aliases(&sub, &m->dest_info);
        else
            continue;
        if (!per_ok(&sub)) {
            per_fail(p, PER_MALFORMED, sub.why);
            return;
        }
        if (i == cid_index)
            m->has_call_id = true;
        else
            m->has_dest_info = true;
    }
}

static void ras_grq(struct per *p, struct h225ras_msg *m)
{
    bool ext = per_bool(p);
    uint32_t opt = per_bits(p, 4);
    struct h225_transport t;
    ras_seq(p, m);
    h225_per_protocol_id(p);
    if (opt & 8)
        h225_per_nonstandard(p);
    h225_per_transport(p, &t); /* rasAddress */
    h225_per_endpoint_type(p);
    if (opt & 4)
        ras_bmp_id(p, m->gatekeeper_id);
    if (opt & 2)
        h225_per_qseries(p);
    if (opt & 1)
        ras_aliases(p, &m->aliases, &m->has_aliases);
    ras_extensions(p, ext, m, -1, -1);
}

static void ras_gcf_grj(struct per *p, struct h225ras_msg *m, bool reject)
{
    bool ext = per_bool(p);
    uint32_t opt = per_bits(p, 2);
    struct h225_transport t;
    ras_seq(p, m);
    h225_per_protocol_id(p);
    if (opt & 2)
        h225_per_nonstandard(p);
    if (opt & 1)
        ras_bmp_id(p, m->gatekeeper_id);
    if (reject)
        m->reject_reason = ras_reason(p, 4);
    else
        h225_per_transport(p, &t); /* rasAddress */
    ras_extensions(p, ext, m, -1, -1);
}

static void ras_rrq(struct per *p, struct h225ras_msg *m)
{
    bool ext = per_bool(p);
    uint32_t opt = per_bits(p, 3);
    ras_seq(p, m);
    h225_per_protocol_id(p);
    if (opt & 4)
        h225_per_nonstandard(p);
    per_bool(p);               /* discoveryComplete */
    h225_per_transports(p);    /* callSignalAddress */
    h225_per_transports(p);    /* rasAddress */
    h225_per_endpoint_type(p); /* terminalType */
    if (opt & 2)
        ras_aliases(p, &m->aliases, &m->has_aliases);
    if (opt & 1)
        ras_bmp_id(p, m->gatekeeper_id);
    h225_per_vendor(p); /* endpointVendor */
    ras_extensions(p, ext, m, -1, -1);
}

static void ras_rcf(struct per *p, struct h225ras_msg *m)
{
    bool ext = per_bool(p);
    uint32_t opt = per_bits(p, 3);
    ras_seq(p, m);
    h225_per_protocol_id(p);
    if (opt & 4)
        h225_per_nonstandard(p);
    h225_per_transports(p); /* callSignalAddress */
    if (opt & 2)
        ras_aliases(p, &m->aliases, &m->has_aliases);
    if (opt & 1)
        ras_bmp_id(p, m->gatekeeper_id);
    ras_bmp_id(p, m->endpoint_id);
    ras_extensions(p, ext, m, -1, -1);
}

static void ras_rrj(struct per *p, struct h225ras_msg *m)
{
    bool ext = per_bool(p), rext;
    uint32_t opt = per_bits(p, 2);
    ras_seq(p, m);
    h225_per_protocol_id(p);
    if (opt & 2)
        h225_per_nonstandard(p);
    uint32_t i = per_choice(p, 8, true, &rext);
    if (rext)
        per_skip_open_type(p);
    else if (i == 4) /* duplicateAlias */
        ras_aliases(p, &m->aliases, &m->has_aliases);
    if (per_ok(p))
        m->reject_reason = (int)(rext ? 8 + (i < 1000 ? i : 1000) : i);
    if (opt & 1)
        ras_bmp_id(p, m->gatekeeper_id);
    ras_extensions(p, ext, m, -1, -1);
}

static void ras_urq(struct per *p, struct h225ras_msg *m)
{
    bool ext = per_bool(p);
    uint32_t opt = per_bits(p, 3);
    ras_seq(p, m);
    h225_per_transports(p); /* callSignalAddress */
    if (opt & 4)
        ras_aliases(p, &m->aliases, &m->has_aliases);
    if (opt & 2)
        h225_per_nonstandard(p);
    if (opt & 1)
        ras_bmp_id(p, m->endpoint_id);
    ras_extensions(p, ext, m, -1, -1);
}

/* UCF, URJ, ARJ, BCF, DCF, DRJ, LRJ: seq, [reason], [bandwidth], nonStandardData? */
static void ras_simple(struct per *p, struct h225ras_msg *m, uint32_t reasons, bool bandwidth_first,
                       bool bandwidth_after)
{
    bool ext = per_bool(p);
    uint32_t opt = per_bits(p, 1);
    ras_seq(p, m);
    if (bandwidth_first)
        m->bandwidth = per_constrained(p, 0, UINT32_MAX);
    if (reasons)
        m->reject_reason = ras_reason(p, reasons);
    if (bandwidth_after)
        per_constrained(p, 0, UINT32_MAX); /* allowedBandWidth */
    if (opt & 1)
        h225_per_nonstandard(p);
    ras_extensions(p, ext, m, -1, -1);
}

static void ras_arq(struct per *p, struct h225ras_msg *m)
{
    struct h225_aliases extra;
    struct h225_transport t;
    bool ext = per_bool(p), cext;
    uint32_t opt = per_bits(p, 7);
    ras_seq(p, m);
    m->call_type = (uint8_t)per_choice(p, 4, true, &cext);
    if (cext)
        per_skip_open_type(p);
    if (opt & 0x40) {
        m->call_model = (uint8_t)per_choice(p, 2, true, &cext);
        if (cext)
            per_skip_open_type(p);
        m->has_call_model = per_ok(p);
    }
    ras_bmp_id(p, m->endpoint_id);
    if (opt & 0x20)
        ras_aliases(p, &m->dest_info, &m->has_dest_info);
    if (opt & 0x10)
        h225_per_transport(p, &m->dest_call_signal_address);
    if (opt & 0x08)
        h225_per_aliases(p, &extra); /* destExtraCallInfo */
    h225_per_aliases(p, &m->src_info);
    if (opt & 0x04)
        h225_per_transport(p, &t); /* srcCallSignalAddress */
    m->bandwidth = per_constrained(p, 0, UINT32_MAX);
    ras_crv(p, m);
    if (opt & 0x02)
        h225_per_nonstandard(p);
    if (opt & 0x01)
        h225_per_qseries(p);
    ras_conference_id(p, m);
    per_bool(p); /* activeMC */
    m->answer_call = per_bool(p);
    ras_extensions(p, ext, m, 1, -1);
}

static void ras_acf(struct per *p, struct h225ras_msg *m)
{
    bool ext = per_bool(p), cext;
    uint32_t opt = per_bits(p, 2);
    ras_seq(p, m);
    m->bandwidth = per_constrained(p, 0, UINT32_MAX);
    m->call_model = (uint8_t)per_choice(p, 2, true, &cext);
    if (cext)
        per_skip_open_type(p);
    m->has_call_model = per_ok(p);
    h225_per_transport(p, &m->dest_call_signal_address);
    if (opt & 2)
        per_constrained(p, 1, 65535); /* irrFrequency */
    if (opt & 1)
        h225_per_nonstandard(p);
    ras_extensions(p, ext, m, -1, 0);
}

static void ras_brq(struct per *p, struct h225ras_msg *m)
{
    bool ext = per_bool(p), cext;
    uint32_t opt = per_bits(p, 2);
    ras_seq(p, m);
    ras_bmp_id(p, m->endpoint_id);
    ras_conference_id(p, m);
    ras_crv(p, m);
    if (opt & 2) {
        m->call_type = (uint8_t)per_choice(p, 4, true, &cext);
        if (cext)
            per_skip_open_type(p);
    }
    m->bandwidth = per_constrained(p, 0, UINT32_MAX);
    if (opt & 1)
        h225_per_nonstandard(p);
    ras_extensions(p, ext, m, 0, -1);
}

static void ras_drq(struct per *p, struct h225ras_msg *m)
{
    bool ext = per_bool(p);
    uint32_t opt = per_bits(p, 1);
    ras_seq(p, m);
    ras_bmp_id(p, m->endpoint_id);
    ras_conference_id(p, m);
    ras_crv(p, m);
    m->disengage_reason = ras_reason(p, 3);
    if (opt & 1)
        h225_per_nonstandard(p);
    ras_extensions(p, ext, m, 0, -1);
}

static void ras_lrq(struct per *p, struct h225ras_msg *m)
{
    bool ext = per_bool(p);
    uint32_t opt = per_bits(p, 2);
    struct h225_transport t;
    ras_seq(p, m);
    if (opt & 2)
        ras_bmp_id(p, m->endpoint_id);
    ras_aliases(p, &m->dest_info, &m->has_dest_info);
    if (opt & 1)
        h225_per_nonstandard(p);
    h225_per_transport(p, &t); /* replyAddress */
    ras_extensions(p, ext, m, -1, -1);
}

static void ras_lcf(struct per *p, struct h225ras_msg *m)
{
    bool ext = per_bool(p);
    uint32_t opt = per_bits(p, 1);
    struct h225_transport t;
    ras_seq(p, m);
    h225_per_transport(p, &t); /* callSignalAddress */
    h225_per_transport(p, &t); /* rasAddress */
    if (opt & 1)
        h225_per_nonstandard(p);
    ras_extensions(p, ext, m, -1, 0);
}

static void ras_irq(struct per *p, struct h225ras_msg *m)
{
    bool ext = per_bool(p);
    uint32_t opt = per_bits(p, 2);
    struct h225_transport t;
    ras_seq(p, m);
    ras_crv(p, m);
    if (opt & 2)
        h225_per_nonstandard(p);
    if (opt & 1)
        h225_per_transport(p, &t); /* replyAddress */
    ras_extensions(p, ext, m, 0, -1);
}

/* Returns true when the whole message was read (perCallInfo is not decoded). */
static bool ras_irr(struct per *p, struct h225ras_msg *m)
{
    bool ext = per_bool(p);
    uint32_t opt = per_bits(p, 3);
    struct h225_transport t;
    if (opt & 4)
        h225_per_nonstandard(p);
    ras_seq(p, m);
    h225_per_endpoint_type(p);
    ras_bmp_id(p, m->endpoint_id);
    h225_per_transport(p, &t); /* rasAddress */
    h225_per_transports(p);    /* callSignalAddress */
    if (opt & 2)
        ras_aliases(p, &m->aliases, &m->has_aliases);
    if (opt & 1)
        return false;
    ras_extensions(p, ext, m, -1, -1);
    return true;
}

static void ras_nonstandard_xrs(struct per *p, struct h225ras_msg *m, bool nonstd)
{
    bool ext = per_bool(p);
    ras_seq(p, m);
    if (nonstd)
        h225_per_nonstandard(p);
    ras_extensions(p, ext, m, -1, -1);
}

int h225ras_decode(const struct cursor *c, struct h225ras_msg *m, const char **ret_why)
{
    struct per p;
    bool ext, whole = true;

    memset(m, 0, sizeof(*m));
    m->type = -1;
    m->reject_reason = -1;
    m->disengage_reason = -1;
    m->dest_call_signal_address.type = H225_TA_NONE;
    per_init(&p, c);
    uint32_t i = per_choice(&p, RAS_ROOT_ALTERNATIVES, true, &ext);
    if (!per_ok(&p))
        goto out;
    if (ext) {
        m->type = (int)(RAS_ROOT_ALTERNATIVES + (i < 1000 ? i : 1000));
        per_skip_open_type(&p);
        goto out;
    }
    m->type = (int)i;
    switch (i) {
        case H225RAS_GRQ:
            ras_grq(&p, m);
            break;
        case H225RAS_GCF:
            ras_gcf_grj(&p, m, false);
            break;
        case H225RAS_GRJ:
            ras_gcf_grj(&p, m, true);
            break;
        case H225RAS_RRQ:
            ras_rrq(&p, m);
            break;
        case H225RAS_RCF:
            ras_rcf(&p, m);
            break;
        case H225RAS_RRJ:
            ras_rrj(&p, m);
            break;
        case H225RAS_URQ:
            ras_urq(&p, m);
            break;
        case H225RAS_UCF:
        case H225RAS_DCF:
            ras_simple(&p, m, 0, false, false);
            break;
        case H225RAS_URJ:
            ras_simple(&p, m, 3, false, false);
            break;
        case H225RAS_ARQ:
            ras_arq(&p, m);
            break;
        case H225RAS_ACF:
            ras_acf(&p, m);
            break;
        case H225RAS_ARJ:
            ras_simple(&p, m, 8, false, false);
            break;
        case H225RAS_BRQ:
            ras_brq(&p, m);
            break;
        case H225RAS_BCF:
            ras_simple(&p, m, 0, true, false);
            break;
        case H225RAS_BRJ:
            ras_simple(&p, m, 6, false, true);
            break;
        case H225RAS_DRQ:
            ras_drq(&p, m);
            break;
        case H225RAS_DRJ:
            ras_simple(&p, m, 2, false, false);
            break;
        case H225RAS_LRQ:
            ras_lrq(&p, m);
            break;
        case H225RAS_LCF:
            ras_lcf(&p, m);
            break;
        case H225RAS_LRJ:
            ras_simple(&p, m, 4, false, false);
            break;
        case H225RAS_IRQ:
            ras_irq(&p, m);
            break;
        case H225RAS_IRR:
            whole = ras_irr(&p, m);
            break;
        case H225RAS_NONSTANDARD:
            ras_nonstandard_xrs(&p, m, true);
            break;
        default: /* H225RAS_XRS */
            ras_nonstandard_xrs(&p, m, false);
            break;
    }
out:
    if (!per_ok(&p)) {
        *ret_why = p.why ? p.why : "per: malformed";
        return p.err;
    }
    m->complete = whole;
    return 0;
}

const char *h225ras_type_name(int type)
{
    static const char *const names[H225RAS_TYPE_COUNT] = {
        "gatekeeperRequest",
        "gatekeeperConfirm",
        "gatekeeperReject",
        "registrationRequest",
        "registrationConfirm",
        "registrationReject",
        "unregistrationRequest",
        "unregistrationConfirm",
        "unregistrationReject",
        "admissionRequest",
        "admissionConfirm",
        "admissionReject",
        "bandwidthRequest",
        "bandwidthConfirm",
        "bandwidthReject",
        "disengageRequest",
        "disengageConfirm",
        "disengageReject",
        "locationRequest",
        "locationConfirm",
        "locationReject",
        "infoRequest",
        "infoRequestResponse",
        "nonStandardMessage",
        "unknownMessageResponse",
        "requestInProgress",
        "resourcesAvailableIndicate",
        "resourcesAvailableConfirm",
        "infoRequestAck",
        "infoRequestNak",
        "serviceControlIndication",
        "serviceControlResponse",
        "admissionConfirmSequence",
    };
    if (type < 0 || type >= H225RAS_TYPE_COUNT)
        return "unknown";
    return names[type];
}

/* ---- calls -------------------------------------------------------------------- */

struct ras_call {
    bool used;
    uint8_t orig_dir; /* direction of the ARQ */
    uint16_t seq;     /* its requestSeqNum, to match an ARJ */
    bool has_conference_id;
    uint8_t conference_id[16];
    uint16_t crv;
    uint64_t age;
    struct ev_call ev;
};

struct ras_state {
    uint64_t next_age;
    uint32_t messages; /* RasMessages read */
    struct ras_call calls[H225RAS_MAX_CALLS];
};

static void ras_emit_end(struct dis_ctx *ctx, struct ras_call *call)
{
    struct dis_event ev;
    memset(&ev, 0, sizeof(ev));
    ev.type = EV_CALL_END;
    ev.actor = call->orig_dir == DIR_TO_SERVER ? EV_ACTOR_CLIENT : EV_ACTOR_SERVER;
    ev.u.call = call->ev;
    dis_emit(ctx, &ev);
    memset(call, 0, sizeof(*call));
}

/* The call a message names: by callIdentifier when both have one, else conferenceID + CRV. */
static struct ras_call *ras_find(struct ras_state *st, const struct h225ras_msg *m)
{
    for (size_t i = 0; i < H225RAS_MAX_CALLS; i++) {
        struct ras_call *c = &st->calls[i];
        if (!c->used)
            continue;
        if (m->has_call_id && c->ev.has_call_id) {
            if (memcmp(m->call_id, c->ev.call_id, sizeof(c->ev.call_id)) == 0)
                return c;
            continue;
        }
        if (m->has_conference_id && c->has_conference_id && m->has_crv && m->crv == c->crv &&
            memcmp(m->conference_id, c->conference_id, sizeof(c->conference_id)) == 0)
            return c;
    }
    return NULL;
}

static void ras_on_arq(struct dis_ctx *ctx, struct ras_state *st, const struct h225ras_msg *m)
{
    struct ras_call *call = NULL;
    struct dis_event ev;
    char called[CALL_NUMBER_MAX + 1];

    if (m->answer_call || !h225_alias_number(&m->dest_info, called))
        return; /* only an originating ARQ with a number is a call setup */
    if (ras_find(st, m))
        return; /* a retransmitted ARQ */
    for (size_t i = 0; i < H225RAS_MAX_CALLS && !call; i++)
        if (!st->calls[i].used)
            call = &st->calls[i];
    if (!call) {
        call = &st->calls[0];
        for (size_t i = 1; i < H225RAS_MAX_CALLS; i++)
            if (st->calls[i].age < call->age)
                call = &st->calls[i];
        ras_emit_end(ctx, call);
    }
    call->used = true;
    call->orig_dir = ctx->dir ? 1 : 0;
    call->seq = m->seq;
    call->has_conference_id = m->has_conference_id;
    memcpy(call->conference_id, m->conference_id, sizeof(call->conference_id));
    call->crv = m->crv;
    call->age = st->next_age++;

    struct ev_call *e = &call->ev;
    e->protocol = "h225ras";
    memcpy(e->called, called, sizeof(e->called));
    h225_alias_number(&m->src_info, e->calling);
    h225_alias_name(&m->src_info, e->calling_name, sizeof(e->calling_name));
    h225_alias_name(&m->dest_info, e->called_name, sizeof(e->called_name));
    e->call_ref = m->crv;
    e->direction = call->orig_dir == DIR_TO_SERVER ? CALL_DIR_OUTBOUND : CALL_DIR_UNKNOWN;
    e->number_source = CALL_SRC_SETUP;
    e->start_us = ctx->ts_us;
    e->has_call_id = m->has_call_id;
    memcpy(e->call_id, m->call_id, sizeof(e->call_id));

    memset(&ev, 0, sizeof(ev));
    ev.type = EV_CALL_SETUP;
    ev.actor = EV_ACTOR_SENDER;
    ev.u.call = *e;
    dis_emit(ctx, &ev);
}

static enum dis_result ras_parse(struct dis_ctx *ctx, void *state, struct cursor *c)
{
    struct ras_state *st = state;
    struct h225ras_msg m;
    const char *why = NULL;
    struct ras_call *call;

    int r = h225ras_decode(c, &m, &why);
    cur_skip(c, cur_left(c));
    if (r == PER_TRUNCATED)
        return DIS_TRUNCATED;
    if (r) {
        ctx->error = why;
        return DIS_MALFORMED;
    }
    st->messages++;
    switch (m.type) {
        case H225RAS_ARQ:
            ras_on_arq(ctx, st, &m);
            break;
        case H225RAS_ARJ:
            for (size_t i = 0; i < H225RAS_MAX_CALLS; i++) {
                call = &st->calls[i];
                if (call->used && call->seq == m.seq && call->orig_dir != (ctx->dir ? 1 : 0)) {
                    call->ev.end_us = ctx->ts_us;
                    ras_emit_end(ctx, call);
                    break;
                }
            }
            break;
        case H225RAS_DRQ:
            call = ras_find(st, &m);
            if (call) {
                call->ev.end_us = ctx->ts_us;
                ras_emit_end(ctx, call);
            }
            break;
        default:
            break;
    }
    return DIS_OK;
}

static void ras_end(struct dis_ctx *ctx, void *state, bool reset)
{
    struct ras_state *st = state;
    (void)reset;
    /* UDP: the flow idled out or the input ended, so when the calls ended is unknown */
    for (size_t i = 0; i < H225RAS_MAX_CALLS; i++) {
        if (!st->calls[i].used)
            continue;
        st->calls[i].ev.end_us = 0;
        ras_emit_end(ctx, &st->calls[i]);
    }
}

static bool ras_probe(const struct cursor *c, int dir)
{
    struct h225ras_msg m;
    const char *why = NULL;
    (void)dir;
    int r = h225ras_decode(c, &m, &why);
    return r != PER_MALFORMED && m.type >= 0 && m.type < H225RAS_TYPE_COUNT;
}

const struct dissector h225ras_dissector = {
    .name = "h225ras",
    .l4 = IPPROTO_UDP,
    .ports = {1719, 1718},
    .ndpi_ids = {NDPI_PROTOCOL_H323},
    .state_size = sizeof(struct ras_state),
    .probe = ras_probe,
    .parse = ras_parse,
    .end = ras_end,
};
