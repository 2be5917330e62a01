/*
 * h225.c - H.225.0 call signalling over TPKT (ITU-T H.225.0, Q.931,
 * X.691 aligned PER, RFC 1006 TPKT); see h225.h.
 *
 * Framing (RFC 1006 section 6): 03 00 LL LL, LL counting the header. A
 * stream may carry several TPKTs per segment or one TPKT over several; the
 * worker hands parse() the unconsumed bytes of one direction, and parse()
 * consumes whole TPKTs only. A header with another version, a non-zero
 * reserved octet or a length outside H225_TPKT_MIN..H225_TPKT_MAX (4, an
 * empty keep-alive, is allowed) loses the framing: the bytes are dropped
 * and DIS_MALFORMED returned; after H225_MAX_BAD_TPKT of those, or when the
 * first TPKT of the connection is not Q.931, DIS_NOT_MINE. After a gap the
 * next "03 00 LL LL 08" is searched for.
 *
 * ASN.1 (module H323-MESSAGES), the parts decoded here:
 *   H323-UserInformation ::= SEQUENCE { h323-uu-pdu H323-UU-PDU,
 *       user-data SEQUENCE {...} OPTIONAL, ... }
 *   H323-UU-PDU ::= SEQUENCE { h323-message-body CHOICE { setup, ...
 *       (7 root, 6 extension alternatives) }, nonStandardData OPTIONAL, ... }
 *   Setup-UUIE ::= SEQUENCE { protocolIdentifier, h245Address OPTIONAL,
 *       sourceAddress OPTIONAL, sourceInfo EndpointType, destinationAddress
 *       OPTIONAL, destCallSignalAddress OPTIONAL, destExtraCallInfo OPTIONAL,
 *       destExtraCRV OPTIONAL, activeMC, conferenceID, conferenceGoal,
 *       callServices OPTIONAL, callType, ..., sourceCallSignalAddress (ext 0),
 *       remoteExtensionAddress (1), callIdentifier (2), ... }
 * A PER failure ends the decode of that message's user information only:
 * the Q.931 facts stay, the message still drives the call table, and the
 * failure is reported as DIS_MALFORMED once the bytes at hand are consumed.
 */
#include "h225.h"

#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

#include <ndpi_protocol_ids.h>

#include "q931.h"

/* ---- shared H.225.0 type decoders --------------------------------------- */

/* H221NonStandard ::= SEQUENCE { t35CountryCode, t35Extension (0..255), manufacturerCode, ... } */
static void h225_per_h221(struct per *p)
{
    bool ext = per_bool(p);
    per_constrained(p, 0, 255);
    per_constrained(p, 0, 255);
    per_constrained(p, 0, 65535);
    per_skip_extensions(p, ext);
}

void h225_per_nonstandard(struct per *p)
{
    bool ext;
    uint32_t i = per_choice(p, 2, true, &ext);
    if (ext)
        per_skip_open_type(p);
    else if (i == 0)
        per_oid(p, NULL, 0);
    else
        h225_per_h221(p);
    per_octets(p, 0, PER_UNBOUNDED, NULL, 0); /* data */
}

void h225_per_transport(struct per *p, struct h225_transport *t)
{
    bool ext, e;
    uint32_t i = per_choice(p, 7, true, &ext);

    memset(t, 0, sizeof(*t));
    t->type = H225_TA_NONE;
    if (!per_ok(p))
        return;
    if (ext) {
        per_skip_open_type(p);
        t->type = (uint8_t)(7 + (i < 100 ? i : 100));
        return;
    }
    t->type = (uint8_t)i;
    switch (i) {
        case 0: /* ipAddress */
            per_octets(p, 4, 4, t->ip, 4);
            t->ip_len = 4;
            t->port = (uint16_t)per_constrained(p, 0, 65535);
            break;
        case 1: /* ipSourceRoute */
            e = per_bool(p);
            per_octets(p, 4, 4, t->ip, 4);
            t->ip_len = 4;
            t->port = (uint16_t)per_constrained(p, 0, 65535);
            for (uint32_t n = per_length(p), j = 0; j < n && per_ok(p); j++)
                per_octets(p, 4, 4, NULL, 0);
            {
                bool re;
                per_choice(p, 2, true, &re);
                if (re)
                    per_skip_open_type(p);
            }
            per_skip_extensions(p, e);
            break;
        case 2: /* ipxAddress: node, netnum, port */
            per_octets(p, 6, 6, NULL, 0);
            per_octets(p, 4, 4, NULL, 0);
            per_octets(p, 2, 2, NULL, 0);
            break;
        case 3: /* ip6Address */
            e = per_bool(p);
            per_octets(p, 16, 16, t->ip, 16);
            t->ip_len = 16;
            t->port = (uint16_t)per_constrained(p, 0, 65535);
            per_skip_extensions(p, e);
            break;
        case 4: /* netBios */
            per_octets(p, 16, 16, NULL, 0);
            break;
        case 5: /* nsap */
            per_octets(p, 1, 20, NULL, 0);
            break;
        default: /* nonStandardAddress */
            h225_per_nonstandard(p);
            break;
    }
    if (!per_ok(p))
        t->ip_len = 0;
}

void h225_per_transports(struct per *p)
{
    struct h225_transport t;
    for (uint32_t n = per_length(p), j = 0; j < n && per_ok(p); j++)
        h225_per_transport(p, &t);
}

/*
 * PartyNumber ::= CHOICE { e164Number PublicPartyNumber, dataPartyNumber,
 *     telexPartyNumber NumberDigits, privateNumber PrivatePartyNumber,
 *     nationalStandardPartyNumber NumberDigits, ... }
 * Public/PrivatePartyNumber ::= SEQUENCE { typeOfNumber CHOICE (6 root, ext), digits }
 */
static void h225_per_party_number(struct per *p, char *out, size_t cap)
{
    bool ext, text;
    uint32_t i = per_choice(p, 5, true, &ext);

    out[0] = '\0';
    if (ext) {
        per_skip_open_type(p);
        return;
    }
    if (i == 0 || i == 3) {
        per_choice(p, 6, true, &text);
        if (text)
            per_skip_open_type(p);
    }
    per_string(p, 1, 128, PER_ALPHA_DIGITS, out, cap);
}

/*
 * IsupNumber ::= CHOICE { e164Number SEQUENCE { natureOfAddress CHOICE (8 root, ext),
 *     address IsupDigits, ... }, dataPartyNumber, telexPartyNumber IsupDigits,
 *     privateNumber SEQUENCE { PrivateTypeOfNumber, address, ... },
 *     nationalStandardPartyNumber IsupDigits, ... }
 */
static void h225_per_isup_number(struct per *p, char *out, size_t cap)
{
    bool ext, e = false, text;
    uint32_t i = per_choice(p, 5, true, &ext);

    out[0] = '\0';
    if (ext) {
        per_skip_open_type(p);
        return;
    }
    if (i == 0 || i == 3) {
        e = per_bool(p);
        per_choice(p, i == 0 ? 8 : 6, true, &text);
        if (text)
            per_skip_open_type(p);
    }
    per_string(p, 1, 128, PER_ALPHA_ISUP, out, cap);
    if (i == 0 || i == 3)
        per_skip_extensions(p, e);
}

static void h225_format_transport(const struct h225_transport *t, char *out, size_t cap)
{
    if (t->ip_len == 4)
        snprintf(out, cap, "%u.%u.%u.%u:%u", t->ip[0], t->ip[1], t->ip[2], t->ip[3], t->port);
    else
        out[0] = '\0';
}

void h225_per_alias(struct per *p, struct h225_aliases *ret)
{
    struct h225_alias a;
    struct per sub;
    struct h225_transport t;
    bool ext;
    uint32_t i = per_choice(p, 2, true, &ext);

    memset(&a, 0, sizeof(a));
    if (!per_ok(p))
        return;
    if (!ext) {
        if (i == 0) {
            a.type = H225_ALIAS_DIALLED_DIGITS;
            per_string(p, 1, 128, PER_ALPHA_DIGITS, a.value, sizeof(a.value));
        } else {
            a.type = H225_ALIAS_H323_ID;
            per_bmp(p, 1, 256, a.value, sizeof(a.value));
        }
    } else {
        if (!per_open_type(p, &sub))
            return;
        switch (i) {
            case 0:
                a.type = H225_ALIAS_URL_ID;
                per_string(&sub, 1, 512, NULL, a.value, sizeof(a.value));
                break;
            case 1:
                a.type = H225_ALIAS_TRANSPORT_ID;
                h225_per_transport(&sub, &t);
                h225_format_transport(&t, a.value, sizeof(a.value));
                break;
            case 2:
                a.type = H225_ALIAS_EMAIL_ID;
                per_string(&sub, 1, 512, NULL, a.value, sizeof(a.value));
                break;
            case 3:
                a.type = H225_ALIAS_PARTY_NUMBER;
                h225_per_party_number(&sub, a.value, sizeof(a.value));
                break;
            case 4:
                a.type = H225_ALIAS_MOBILE_UIM; /* not decoded */
                break;
            case 5:
                a.type = H225_ALIAS_ISUP_NUMBER;
                h225_per_isup_number(&sub, a.value, sizeof(a.value));
                break;
            default:
                a.type = H225_ALIAS_UNKNOWN;
                break;
        }
        if (!per_ok(&sub))
            per_fail(p, PER_MALFORMED, sub.why);
    }
    if (per_ok(p) && ret->kept < H225_MAX_ALIASES)
        ret->a[ret->kept++] = a;
}

void h225_per_aliases(struct per *p, struct h225_aliases *ret)
{
    memset(ret, 0, sizeof(*ret));
    ret->count = per_length(p);
    for (uint32_t j = 0; j < ret->count && per_ok(p); j++)
        h225_per_alias(p, ret);
}

/* GatekeeperInfo, TerminalInfo, McuInfo, H310Caps ... VoiceCaps, T120OnlyCaps: the same root. */
static void h225_per_info(struct per *p)
{
    bool ext = per_bool(p);
    if (per_bits(p, 1))
        h225_per_nonstandard(p);
    per_skip_extensions(p, ext);
}

/* SupportedProtocols ::= CHOICE { nonStandardData, h310 ... t120-only (8 caps), ... } */
static void h225_per_supported_protocol(struct per *p)
{
    bool ext;
    uint32_t i = per_choice(p, 9, true, &ext);
    if (ext)
        per_skip_open_type(p);
    else if (i == 0)
        h225_per_nonstandard(p);
    else
        h225_per_info(p);
}

/* GatewayInfo ::= SEQUENCE { protocol SEQUENCE OF SupportedProtocols OPTIONAL, nonStandardData
 * OPTIONAL, ... } */
static void h225_per_gateway(struct per *p)
{
    bool ext = per_bool(p);
    uint32_t opt = per_bits(p, 2);
    if (opt & 2)
        for (uint32_t n = per_length(p), j = 0; j < n && per_ok(p); j++)
            h225_per_supported_protocol(p);
    if (opt & 1)
        h225_per_nonstandard(p);
    per_skip_extensions(p, ext);
}

void h225_per_vendor(struct per *p)
{
    bool ext = per_bool(p);
    uint32_t opt = per_bits(p, 2);
    h225_per_h221(p);
    if (opt & 2)
        per_octets(p, 1, 256, NULL, 0); /* productId */
    if (opt & 1)
        per_octets(p, 1, 256, NULL, 0); /* versionId */
    per_skip_extensions(p, ext);
}

/*
 * EndpointType ::= SEQUENCE { nonStandardData, vendor, gatekeeper, gateway,
 *     mcu, terminal (all OPTIONAL), mc BOOLEAN, undefinedNode BOOLEAN, ... }
 */
void h225_per_endpoint_type(struct per *p)
{
    bool ext = per_bool(p);
    uint32_t opt = per_bits(p, 6);
    if (opt & 0x20)
        h225_per_nonstandard(p);
    if (opt & 0x10)
        h225_per_vendor(p);
    if (opt & 0x08)
        h225_per_info(p);
    if (opt & 0x04)
        h225_per_gateway(p);
    if (opt & 0x02)
        h225_per_info(p);
    if (opt & 0x01)
        h225_per_info(p);
    per_bool(p); /* mc */
    per_bool(p); /* undefinedNode */
    per_skip_extensions(p, ext);
}

void h225_per_qseries(struct per *p)
{
    bool ext = per_bool(p);
    per_bits(p, 7); /* q932Full .. q957Full */
    bool e = per_bool(p);
    per_bits(p, 2); /* Q954Details: conferenceCalling, threePartyService */
    per_skip_extensions(p, e);
    per_skip_extensions(p, ext);
}

void h225_per_call_identifier(struct per *p, uint8_t *ret_guid)
{
    bool ext = per_bool(p);
    uint8_t guid[16];
    per_octets(p, 16, 16, guid, sizeof(guid));
    per_skip_extensions(p, ext);
    if (per_ok(p))
        memcpy(ret_guid, guid, sizeof(guid));
}

uint8_t h225_per_protocol_id(struct per *p)
{
    static const uint8_t prefix[5] = {0x00, 0x08, 0x91, 0x4a, 0x00}; /* 0.0.8.2250.0 */
    uint8_t oid[8];
    size_t n = per_oid(p, oid, sizeof(oid));
    if (!per_ok(p) || n != 6 || memcmp(oid, prefix, sizeof(prefix)) != 0 || oid[5] > 0x7f)
        return 0;
    return oid[5];
}

/* ---- names and alias helpers ---------------------------------------------- */

const char *h225_body_name(int body)
{
    static const char *const names[H225_BODY_COUNT] = {
        "setup",           "callProceeding",   "connect",  "alerting", "information",
        "releaseComplete", "facility",         "progress", "empty",    "status",
        "statusInquiry",   "setupAcknowledge", "notify",
    };
    if (body < 0 || body >= H225_BODY_COUNT)
        return "unknown";
    return names[body];
}

const char *h225_alias_type_name(uint8_t type)
{
    static const char *const names[] = {
        "dialledDigits", "h323-ID",     "url-ID",    "transportID",
        "email-ID",      "partyNumber", "mobileUIM", "isupNumber",
    };
    if (type >= sizeof(names) / sizeof(names[0]))
        return "unknown";
    return names[type];
}

bool h225_alias_number(const struct h225_aliases *a, char *out)
{
    out[0] = '\0';
    for (uint32_t i = 0; i < a->kept; i++) {
        const struct h225_alias *x = &a->a[i];
        if (x->type != H225_ALIAS_DIALLED_DIGITS && x->type != H225_ALIAS_PARTY_NUMBER)
            continue;
        size_t o = 0;
        for (const char *s = x->value; *s && o < CALL_NUMBER_MAX; s++)
            if ((*s >= '0' && *s <= '9') || *s == '*' || *s == '#' || *s == '+')
                out[o++] = *s;
        out[o] = '\0';
        if (o > 0)
            return true;
    }
    return false;
}

bool h225_alias_name(const struct h225_aliases *a, char *out, size_t cap)
{
    out[0] = '\0';
    for (uint32_t i = 0; i < a->kept; i++) {
        if (a->a[i].type != H225_ALIAS_H323_ID || !a->a[i].value[0])
            continue;
        size_t n = strlen(a->a[i].value);
        if (n >= cap) {
            n = cap - 1;
            while (n > 0 && ((uint8_t)a->a[i].value[n] & 0xc0) == 0x80)
                n--; /* do not cut a UTF-8 sequence */
        }
        memcpy(out, a->a[i].value, n);
        out[n] = '\0';
        return true;
    }
    return false;
}

/* ---- H323-UserInformation -------------------------------------------------- */

static void h225_setup_uuie(struct per *p, struct h225_setup *s)
{
    struct h225_aliases extra;
    struct per_ext e;
    struct per sub;
    bool ext = per_bool(p), gext, cext;
    uint32_t opt = per_bits(p, 7);
    int i;

    s->protocol_version = h225_per_protocol_id(p);
    if (opt & 0x40)
        h225_per_transport(p, &s->h245_address);
    if (opt & 0x20) {
        h225_per_aliases(p, &s->source);
        s->has_source_address = per_ok(p) || s->source.kept > 0;
    }
    h225_per_endpoint_type(p); /* sourceInfo */
    if (opt & 0x10) {
        h225_per_aliases(p, &s->destination);
        s->has_destination_address = per_ok(p) || s->destination.kept > 0;
    }
    if (opt & 0x08)
        h225_per_transport(p, &s->dest_call_signal_address);
    if (opt & 0x04)
        h225_per_aliases(p, &extra); /* destExtraCallInfo */
    if (opt & 0x02)                  /* destExtraCRV */
        for (uint32_t n = per_length(p), j = 0; j < n && per_ok(p); j++)
            per_constrained(p, 0, 65535);
    s->active_mc = per_bool(p);
    per_octets(p, 16, 16, s->conference_id, sizeof(s->conference_id));
    s->has_conference_id = per_ok(p);
    s->conference_goal = (uint8_t)per_choice(p, 3, true, &gext);
    if (gext)
        per_skip_open_type(p);
    if (opt & 0x01)
        h225_per_qseries(p); /* callServices */
    s->call_type = (uint8_t)per_choice(p, 4, true, &cext);
    if (cext)
        per_skip_open_type(p);
    if (!per_ok(p))
        return;
    s->root_done = true;
    if (!ext || !per_ext_begin(p, &e))
        return;
    while ((i = per_ext_next(p, &e, &sub)) >= 0) {
        if (i == 0)
            h225_per_transport(&sub, &s->source_call_signal_address);
        else if (i == 2)
            h225_per_call_identifier(&sub, s->call_id);
        else
            continue;
        if (!per_ok(&sub)) {
            per_fail(p, PER_MALFORMED, sub.why);
            return;
        }
        if (i == 2)
            s->has_call_id = true;
    }
}

int h225_decode_uu(const uint8_t *b, size_t n, struct h225_uu *u, const char **ret_why)
{
    struct cursor c;
    struct per p;
    bool body_ext;

    memset(u, 0, sizeof(*u));
    u->body = -1;
    cur_init(&c, b, n);
    per_init(&p, &c);
    bool ext = per_bool(&p);       /* H323-UserInformation extension bit */
    bool user_data = per_bool(&p); /* user-data OPTIONAL */
    bool pdu_ext = per_bool(&p);   /* H323-UU-PDU extension bit */
    bool nonstd = per_bool(&p);    /* nonStandardData OPTIONAL */
    uint32_t i = per_choice(&p, 7, true, &body_ext);
    if (per_ok(&p))
        u->body = body_ext ? (int)(7 + (i < 1000 ? i : 1000)) : (int)i;
    if (per_ok(&p) && body_ext) {
        per_skip_open_type(&p);
    } else if (per_ok(&p) && i == H225_BODY_SETUP) {
        u->has_setup = true;
        h225_setup_uuie(&p, &u->setup);
    } else {
        /* other bodies are not decoded: what follows them cannot be reached */
        goto out;
    }
    /* the rest of H323-UU-PDU and H323-UserInformation, to check the whole */
    if (nonstd)
        h225_per_nonstandard(&p);
    per_skip_extensions(&p, pdu_ext);
    if (user_data) {
        bool e = per_bool(&p);
        per_constrained(&p, 0, 255);
        per_octets(&p, 1, 131, NULL, 0);
        per_skip_extensions(&p, e);
    }
    per_skip_extensions(&p, ext);
out:
    if (!per_ok(&p)) {
        *ret_why = p.why ? p.why : "per: malformed";
        return p.err;
    }
    return 0;
}

/* ---- calls ------------------------------------------------------------------ */

struct h225_call {
    bool used;
    bool setup_sent;  /* EV_CALL_SETUP was emitted (the called number is known) */
    uint8_t orig_dir; /* direction of the Setup: its sender placed the call */
    uint16_t crv;
    uint64_t age; /* order of creation, for eviction */
    struct ev_call ev;
};

struct h225_state {
    uint8_t bad_tpkt;     /* TPKT headers refused */
    bool seen_q931;       /* a Q.931 message was read on this connection */
    bool resync[2];       /* per direction: after a gap, look for a TPKT start */
    uint8_t ended;        /* bit per direction: end() was called */
    const char *pending;  /* malformed content to report when all is consumed */
    uint32_t messages;    /* Q.931 messages read */
    uint32_t q931_errors; /* messages with a bad header or IE */
    uint32_t per_errors;  /* user informations whose PER decode failed */
    uint64_t next_age;
    struct h225_call calls[H225_MAX_CALLS];
};

static void h225_emit_end(struct dis_ctx *ctx, struct h225_call *call)
{
    struct dis_event ev;
    memset(&ev, 0, sizeof(ev));
    ev.type = EV_CALL_END;
    ev.actor = call->orig_dir == DIR_TO_SERVER ? EV_ACTOR_CLIENT : EV_ACTOR_SERVER;
    ev.u.call = call->ev;
    dis_emit(ctx, &ev);
    memset(call, 0, sizeof(*call));
}

static struct h225_call *h225_find(struct h225_state *st, uint16_t crv, int orig_dir)
{
    for (size_t i = 0; i < H225_MAX_CALLS; i++) {
        struct h225_call *c = &st->calls[i];
        if (c->used && c->crv == crv && c->orig_dir == orig_dir)
            return c;
    }
    return NULL;
}

/* A free slot; when all are taken the oldest call is ended to make room. */
static struct h225_call *h225_slot(struct dis_ctx *ctx, struct h225_state *st)
{
    struct h225_call *oldest = NULL;
    for (size_t i = 0; i < H225_MAX_CALLS; i++) {
        struct h225_call *c = &st->calls[i];
        if (!c->used)
            return c;
        if (!oldest || c->age < oldest->age)
            oldest = c;
    }
    h225_emit_end(ctx, oldest);
    return oldest;
}

/* EV_CALL_SETUP, once per call and only when the called number is known (event.h). */
static void h225_emit_setup(struct dis_ctx *ctx, struct h225_call *call)
{
    struct dis_event ev;
    if (call->setup_sent || !call->ev.called[0])
        return;
    call->setup_sent = true;
    memset(&ev, 0, sizeof(ev));
    ev.type = EV_CALL_SETUP;
    ev.actor = EV_ACTOR_SENDER;
    ev.u.call = call->ev;
    dis_emit(ctx, &ev);
}

static void h225_on_setup(struct dis_ctx *ctx, struct h225_state *st, const struct q931_msg *m,
                          int orig_dir, const struct h225_uu *uu)
{
    const struct h225_setup *s = uu && uu->has_setup ? &uu->setup : NULL;
    struct h225_call *call = h225_find(st, m->crv, orig_dir);

    if (call)
        h225_emit_end(ctx, call); /* a second Setup on one call reference */
    call = h225_slot(ctx, st);
    call->used = true;
    call->orig_dir = (uint8_t)orig_dir;
    call->crv = m->crv;
    call->age = st->next_age++;

    struct ev_call *e = &call->ev;
    e->protocol = "h225";
    if (m->has_called)
        memcpy(e->called, m->called, sizeof(e->called));
    if (!e->called[0] && s)
        h225_alias_number(&s->destination, e->called);
    if (m->has_calling)
        memcpy(e->calling, m->calling, sizeof(e->calling));
    if (!e->calling[0] && s)
        h225_alias_number(&s->source, e->calling);
    if (m->has_display)
        memcpy(e->calling_name, m->display, sizeof(e->calling_name));
    if (!e->calling_name[0] && s)
        h225_alias_name(&s->source, e->calling_name, sizeof(e->calling_name));
    if (s)
        h225_alias_name(&s->destination, e->called_name, sizeof(e->called_name));
    e->call_ref = m->crv;
    e->direction = orig_dir == DIR_TO_SERVER ? CALL_DIR_OUTBOUND : CALL_DIR_INBOUND;
    e->number_source = CALL_SRC_SETUP;
    e->start_us = ctx->ts_us;
    if (s && s->has_call_id) {
        e->has_call_id = true;
        memcpy(e->call_id, s->call_id, sizeof(e->call_id));
    }

    h225_emit_setup(ctx, call);
}

/* Overlap sending: Called party number digits in an Information message extend the number. */
static void h225_on_information(struct dis_ctx *ctx, struct h225_call *call,
                                const struct q931_msg *m)
{
    size_t have = strlen(call->ev.called);
    size_t add = strlen(m->called);
    if (add > CALL_NUMBER_MAX - have)
        add = CALL_NUMBER_MAX - have;
    memcpy(call->ev.called + have, m->called, add);
    call->ev.called[have + add] = '\0';
    h225_emit_setup(ctx, call);
}

/* One Q.931 message (a TPKT payload). Returns false when the flow is not H.225 after all. */
static bool h225_message(struct dis_ctx *ctx, struct h225_state *st, struct cursor *c)
{
    struct q931_msg m;
    struct h225_uu uu;
    bool have_uu = false;
    const char *why = NULL;

    if (q931_parse(c, &m) != 0) {
        if (!st->seen_q931)
            return false; /* TPKT, but not Q.931 (H.245, T.120 ...) */
        st->q931_errors++;
        st->pending = "h225: bad Q.931 message header";
        return true;
    }
    st->seen_q931 = true;
    st->messages++;
    if (m.ie_error) {
        st->q931_errors++;
        st->pending = "h225: Q.931 information element runs past the message";
    }
    if (m.has_uu && m.uu_pd == Q931_UU_PD_X208) {
        have_uu = true;
        if (h225_decode_uu(m.uu, m.uu_len, &uu, &why) != 0) {
            st->per_errors++;
            st->pending = "h225: malformed H.225.0 user information (PER)";
        }
    }

    /* the side that placed the call: the sender, unless the flag says it is the other one */
    int orig_dir = m.crv_flag ? !ctx->dir : ctx->dir;
    struct h225_call *call;
    switch (m.type) {
        case Q931_SETUP:
            h225_on_setup(ctx, st, &m, orig_dir, have_uu ? &uu : NULL);
            break;
        case Q931_INFORMATION:
            call = h225_find(st, m.crv, orig_dir);
            if (call && !m.crv_flag && m.called[0])
                h225_on_information(ctx, call, &m);
            break;
        case Q931_CONNECT:
            call = h225_find(st, m.crv, orig_dir);
            if (call && !call->ev.answer_us)
                call->ev.answer_us = ctx->ts_us;
            break;
        case Q931_DISCONNECT:
        case Q931_RELEASE:
        case Q931_RELEASE_COMPLETE:
            call = h225_find(st, m.crv, orig_dir);
            if (!call)
                break;
            if (m.has_cause && m.cause_value && !call->ev.release_cause)
                call->ev.release_cause = m.cause_value;
            if (m.type == Q931_RELEASE_COMPLETE) {
                call->ev.end_us = ctx->ts_us;
                h225_emit_end(ctx, call);
            }
            break;
        default:
            break;
    }
    return true;
}

/* ---- TPKT framing ----------------------------------------------------------- */

static bool h225_tpkt_len_ok(unsigned len)
{
    return len == 4 || (len >= H225_TPKT_MIN && len <= H225_TPKT_MAX);
}

/*
 * Offset of the first "03 00 LL LL 08" (a TPKT holding Q.931) in c. When
 * there is none, *ret_found is false and the offset returned leaves the
 * last bytes that could still begin one.
 */
static size_t h225_find_tpkt(const struct cursor *c, bool *ret_found)
{
    size_t left = cur_left(c);
    size_t k = 0;

    *ret_found = false;
    for (; left - k >= 5; k++) {
        if (cur_peek(c, k) != 3 || cur_peek(c, k + 1) != 0 || cur_peek(c, k + 4) != 0x08)
            continue;
        unsigned len = (unsigned)cur_peek(c, k + 2) << 8 | (unsigned)cur_peek(c, k + 3);
        if (len >= H225_TPKT_MIN && len <= H225_TPKT_MAX) {
            *ret_found = true;
            return k;
        }
    }
    return k;
}

static bool h225_probe(const struct cursor *c, int dir)
{
    int b[5];
    (void)dir;
    for (size_t i = 0; i < 5; i++)
        b[i] = cur_peek(c, i);
    if (b[0] != 3 || (b[1] >= 0 && b[1] != 0))
        return false;
    if (b[3] >= 0) {
        unsigned len = (unsigned)b[2] << 8 | (unsigned)b[3];
        if (!h225_tpkt_len_ok(len))
            return false;
        if (len == 4) /* a keep-alive: the next TPKT follows */
            return b[4] < 0 || b[4] == 3;
    }
    return b[4] < 0 || b[4] == Q931_PROTOCOL_DISCRIMINATOR;
}

static enum dis_result h225_parse(struct dis_ctx *ctx, void *state, struct cursor *c)
{
    struct h225_state *st = state;
    int dir = ctx->dir ? 1 : 0;

    ctx->consumed = 0;
    ctx->needed = 0;
    if (ctx->gap)
        st->resync[dir] = true;
    while (cur_left(c) > 0) {
        if (st->resync[dir]) {
            bool found;
            size_t skip = h225_find_tpkt(c, &found);
            cur_skip(c, skip);
            ctx->consumed += skip;
            if (!found) {
                ctx->needed = cur_left(c) + 1;
                return DIS_NEED_MORE;
            }
            st->resync[dir] = false;
        }
        if (cur_left(c) < 4) {
            ctx->needed = 4;
            return DIS_NEED_MORE;
        }
        unsigned len = (unsigned)cur_peek(c, 2) << 8 | (unsigned)cur_peek(c, 3);
        if (cur_peek(c, 0) != 3 || cur_peek(c, 1) != 0 || !h225_tpkt_len_ok(len)) {
            ctx->consumed += cur_left(c);
            cur_skip(c, cur_left(c));
            if (++st->bad_tpkt >= H225_MAX_BAD_TPKT || !st->seen_q931)
                return DIS_NOT_MINE;
            ctx->error = "h225: bad TPKT header";
            return DIS_MALFORMED;
        }
        if (cur_left(c) < len) {
            ctx->needed = len;
            return DIS_NEED_MORE;
        }
        struct cursor msg = cur_sub(c, len);
        cur_skip(&msg, 4);
        if (cur_left(&msg) > 0 && !h225_message(ctx, st, &msg)) {
            ctx->consumed += len + cur_left(c);
            cur_skip(c, cur_left(c));
            return DIS_NOT_MINE;
        }
        ctx->consumed += len;
    }
    if (st->pending) {
        ctx->error = st->pending;
        st->pending = NULL;
        return DIS_MALFORMED;
    }
    return DIS_OK;
}

static void h225_end(struct dis_ctx *ctx, void *state, bool reset)
{
    struct h225_state *st = state;
    st->ended |= (uint8_t)(1u << (ctx->dir ? 1 : 0));
    if (!reset && st->ended != 3)
        return; /* half-closed: a Release Complete may still come the other way */
    /* a closed connection ends its calls then; an idle or unfinished one says nothing */
    bool closed = reset || ctx->end_reason == DIS_END_FIN || ctx->end_reason == DIS_END_RST;
    for (size_t i = 0; i < H225_MAX_CALLS; i++) {
        struct h225_call *call = &st->calls[i];
        if (!call->used)
            continue;
        call->ev.end_us = closed ? ctx->ts_us : 0;
        h225_emit_end(ctx, call);
    }
}

const struct dissector h225_dissector = {
    .name = "h225",
    .l4 = IPPROTO_TCP,
    .ports = {1720},
    .ndpi_ids = {NDPI_PROTOCOL_H323},
    .state_size = sizeof(struct h225_state),
    .probe = h225_probe,
    .parse = h225_parse,
    .end = h225_end,
};
