/*
 * snmp.c - SNMP message dissector; see snmp.h.
 *
 * RFC 1157 (v1), RFC 3416 (v2c PDUs), RFC 3412 and RFC 3414 (v3, USM):
 *
 *   Message ::= SEQUENCE { version INTEGER (0 | 1), community OCTET STRING,
 *                          data PDUs }
 *   PDUs: context-specific constructed [0] get, [1] getnext, [2] response,
 *     [3] set, [4] v1 Trap, [5] getbulk, [6] inform, [7] v2 trap, [8] report
 *   PDU ::= SEQUENCE { request-id INTEGER, error-status INTEGER (or
 *                      non-repeaters), error-index INTEGER (or
 *                      max-repetitions), variable-bindings VarBindList }
 *   Trap-PDU ::= SEQUENCE { enterprise OID, agent-addr [APPLICATION 0] (4),
 *                           generic-trap INTEGER, specific-trap INTEGER,
 *                           time-stamp [APPLICATION 3], variable-bindings }
 *   VarBindList ::= SEQUENCE OF SEQUENCE { name OID, value ANY }
 *
 *   SNMPv3Message ::= SEQUENCE { msgVersion INTEGER (3),
 *       msgGlobalData SEQUENCE { msgID, msgMaxSize INTEGER,
 *                                msgFlags OCTET STRING (SIZE 1),
 *                                msgSecurityModel INTEGER },
 *       msgSecurityParameters OCTET STRING (for USM, model 3, the BER of
 *           SEQUENCE { engineID OCTET STRING, boots INTEGER, time INTEGER,
 *                      userName, authParams, privParams OCTET STRING }),
 *       msgData CHOICE { plaintext ScopedPDU SEQUENCE { contextEngineID,
 *                        contextName OCTET STRING, data PDUs },
 *                        encryptedPDU OCTET STRING } }
 *
 * Lengths are checked strictly. A message whose outer length runs past the
 * datagram was cut by the capture (DIS_TRUNCATED); a length that runs past a
 * container that was whole, a wrong type, or bytes left over are impossible
 * (DIS_MALFORMED). Once the version, the community (or v3 user) and the PDU
 * type are known the event is emitted even if what follows is cut or
 * malformed: the community is what the detectors need.
 */
#include "snmp.h"

#include <netinet/in.h>

#include <ndpi_protocol_ids.h>

#include "ber.h"
#include "eve.h"

/* Largest UDP payload (IPv6 without jumbograms): a longer message cannot be whole. */
#define SNMP_MAX_MSG (65535 - 8)

/* One message being walked. */
struct snmp_walk {
    struct dis_ctx *ctx;
    struct ev_snmp ev;
    bool ready;          /* version, community/user and PDU type read: emit */
    enum dis_result res; /* DIS_OK until something fails */
};

/*
 * Records a failure of a BER read inside a container of which the capture
 * lacks miss bytes. Running out of bytes is a cut capture only if the
 * container itself was cut; otherwise the encoding is impossible. Always
 * returns false.
 */
static bool snmp_fail(struct snmp_walk *w, int ber, size_t miss, const char *why)
{
    if (ber == BER_TRUNCATED && miss > 0) {
        w->res = DIS_TRUNCATED;
    } else {
        w->res = DIS_MALFORMED;
        w->ctx->error = why;
    }
    return false;
}

/*
 * Opens a constructed child TLV with the given identifier (see ber_open). A
 * cut child must not end beyond where its container ends: it may lack at
 * most as many bytes as the container does.
 */
static bool snmp_open(struct snmp_walk *w, struct cursor *c, size_t miss, uint8_t cls, uint32_t tag,
                      struct ber_tlv *t, size_t *ret_miss, const char *why)
{
    int r = ber_open(c, cls, true, tag, t, ret_miss);
    if (r)
        return snmp_fail(w, r, miss, why);
    if (*ret_miss > miss)
        return snmp_fail(w, BER_MALFORMED, miss, why);
    return true;
}

static bool snmp_int(struct snmp_walk *w, struct cursor *c, size_t miss, int64_t *ret,
                     const char *why)
{
    int r = ber_read_int(c, ret);
    return r ? snmp_fail(w, r, miss, why) : true;
}

static bool snmp_octets(struct snmp_walk *w, struct cursor *c, size_t miss, const uint8_t **ret_p,
                        size_t *ret_len, const char *why)
{
    int r = ber_read_octets(c, ret_p, ret_len);
    return r ? snmp_fail(w, r, miss, why) : true;
}

/* Reads a whole primitive TLV with the given identifier. */
static bool snmp_prim(struct snmp_walk *w, struct cursor *c, size_t miss, uint8_t cls, uint32_t tag,
                      struct ber_tlv *t, const char *why)
{
    int r = ber_read_tlv(c, t);
    if (r)
        return snmp_fail(w, r, miss, why);
    if (!ber_is(t, cls, false, tag))
        return snmp_fail(w, BER_MALFORMED, miss, why);
    return true;
}

/* A container must hold nothing after its last element. */
static bool snmp_end(struct snmp_walk *w, const struct cursor *c, const char *why)
{
    if (cur_left(c) > 0)
        return snmp_fail(w, BER_MALFORMED, 0, why);
    return true;
}

/* VarBindList: counts the varbinds that are whole, up to SNMP_MAX_VARBINDS. */
static bool snmp_varbinds(struct snmp_walk *w, struct cursor *c, size_t miss)
{
    struct ber_tlv list, vb, t;
    size_t lmiss, vmiss;

    if (!snmp_open(w, c, miss, BER_CLASS_UNIVERSAL, BER_TAG_SEQUENCE, &list, &lmiss,
                   "snmp: bad variable-bindings"))
        return false;
    while (cur_left(&list.val) > 0 && w->ev.varbind_count < SNMP_MAX_VARBINDS) {
        if (!snmp_open(w, &list.val, lmiss, BER_CLASS_UNIVERSAL, BER_TAG_SEQUENCE, &vb, &vmiss,
                       "snmp: bad varbind"))
            return false;
        if (!snmp_prim(w, &vb.val, vmiss, BER_CLASS_UNIVERSAL, BER_TAG_OID, &t,
                       "snmp: varbind name is not an OID"))
            return false;
        int r = ber_read_tlv(&vb.val, &t);
        if (r)
            return snmp_fail(w, r, vmiss, "snmp: bad varbind value");
        if (t.constructed) /* every ObjectSyntax and exception is primitive */
            return snmp_fail(w, BER_MALFORMED, vmiss, "snmp: varbind value is constructed");
        if (!snmp_end(w, &vb.val, "snmp: extra bytes in varbind"))
            return false;
        w->ev.varbind_count++;
    }
    return true; /* past the cap the rest of the list goes unread */
}

/* The fields of a PDU (c = its value) up to and including the varbinds. */
static bool snmp_pdu_body(struct snmp_walk *w, struct cursor *c, size_t miss)
{
    int64_t v;
    struct ber_tlv t;

    if (w->ev.pdu_type == SNMP_PDU_TRAP_V1) {
        if (!snmp_prim(w, c, miss, BER_CLASS_UNIVERSAL, BER_TAG_OID, &t,
                       "snmp: trap enterprise is not an OID") ||
            !snmp_prim(w, c, miss, BER_CLASS_APPLICATION, 0, &t, "snmp: bad trap agent-addr"))
            return false;
        if (cur_left(&t.val) != 4)
            return snmp_fail(w, BER_MALFORMED, miss, "snmp: trap agent-addr is not 4 bytes");
        if (!snmp_int(w, c, miss, &v, "snmp: bad generic-trap") ||
            !snmp_int(w, c, miss, &v, "snmp: bad specific-trap") ||
            !snmp_prim(w, c, miss, BER_CLASS_APPLICATION, 3, &t, "snmp: bad trap time-stamp"))
            return false;
    } else {
        if (!snmp_int(w, c, miss, &v, "snmp: bad request-id"))
            return false;
        w->ev.has_request_id = true;
        w->ev.request_id = v;
        if (!snmp_int(w, c, miss, &v, "snmp: bad error-status") ||
            !snmp_int(w, c, miss, &v, "snmp: bad error-index"))
            return false;
    }
    if (!snmp_varbinds(w, c, miss))
        return false;
    return snmp_end(w, c, "snmp: extra bytes after the PDU fields");
}

/* The PDUs choice: sets pdu_type, marks the event ready, walks the PDU. */
static bool snmp_pdu(struct snmp_walk *w, struct cursor *c, size_t miss)
{
    struct cursor peek = *c;
    struct ber_tlv t;
    size_t pmiss;
    int r = ber_read_hdr(&peek, &t);
    if (r)
        return snmp_fail(w, r, miss, "snmp: bad PDU header");
    if (t.cls != BER_CLASS_CONTEXT || !t.constructed)
        return snmp_fail(w, BER_MALFORMED, miss, "snmp: PDU is not a context-specific SEQUENCE");
    w->ev.pdu_type = t.tag <= SNMP_PDU_REPORT ? (uint8_t)t.tag : SNMP_PDU_UNKNOWN;
    w->ready = true;
    if (w->ev.pdu_type == SNMP_PDU_UNKNOWN)
        return snmp_fail(w, BER_MALFORMED, miss, "snmp: unknown PDU type");
    if (!snmp_open(w, c, miss, BER_CLASS_CONTEXT, t.tag, &t, &pmiss, "snmp: PDU length"))
        return false;
    return snmp_pdu_body(w, &t.val, pmiss);
}

/* v1/v2c: community and PDU (c = the message after the version). */
static bool snmp_community_msg(struct snmp_walk *w, struct cursor *c, size_t miss)
{
    if (!snmp_octets(w, c, miss, &w->ev.community, &w->ev.community_len, "snmp: bad community"))
        return false;
    if (!snmp_pdu(w, c, miss))
        return false;
    return snmp_end(w, c, "snmp: extra bytes after the PDU");
}

/* UsmSecurityParameters inside msgSecurityParameters (whole, so nothing is missing). */
static bool snmp_usm(struct snmp_walk *w, const uint8_t *p, size_t len)
{
    struct cursor c;
    struct ber_tlv seq;
    const uint8_t *s;
    size_t n, miss;
    int64_t v;

    cur_init(&c, p, len);
    if (!snmp_open(w, &c, 0, BER_CLASS_UNIVERSAL, BER_TAG_SEQUENCE, &seq, &miss,
                   "snmp: bad USM security parameters") ||
        !snmp_octets(w, &seq.val, 0, &s, &n, "snmp: bad USM engine id") ||
        !snmp_int(w, &seq.val, 0, &v, "snmp: bad USM engine boots") ||
        !snmp_int(w, &seq.val, 0, &v, "snmp: bad USM engine time") ||
        !snmp_octets(w, &seq.val, 0, &w->ev.user, &w->ev.user_len, "snmp: bad USM user name") ||
        !snmp_octets(w, &seq.val, 0, &s, &n, "snmp: bad USM auth parameters") ||
        !snmp_octets(w, &seq.val, 0, &s, &n, "snmp: bad USM priv parameters") ||
        !snmp_end(w, &seq.val, "snmp: extra bytes in USM parameters"))
        return false;
    return snmp_end(w, &c, "snmp: extra bytes after USM parameters");
}

/* v3 (c = the message after msgVersion). */
static bool snmp_v3_msg(struct snmp_walk *w, struct cursor *c, size_t miss)
{
    struct ber_tlv g, t;
    size_t gmiss, smiss;
    int64_t id, max_size, model;
    const uint8_t *p;
    size_t n;

    if (!snmp_open(w, c, miss, BER_CLASS_UNIVERSAL, BER_TAG_SEQUENCE, &g, &gmiss,
                   "snmp: bad msgGlobalData") ||
        !snmp_int(w, &g.val, gmiss, &id, "snmp: bad msgID") ||
        !snmp_int(w, &g.val, gmiss, &max_size, "snmp: bad msgMaxSize") ||
        !snmp_octets(w, &g.val, gmiss, &p, &n, "snmp: bad msgFlags") ||
        !snmp_int(w, &g.val, gmiss, &model, "snmp: bad msgSecurityModel"))
        return false;
    if (id < 0 || id > INT32_MAX)
        return snmp_fail(w, BER_MALFORMED, miss, "snmp: msgID out of range");
    if (n != 1)
        return snmp_fail(w, BER_MALFORMED, miss, "snmp: msgFlags is not one byte");
    if (!snmp_end(w, &g.val, "snmp: extra bytes in msgGlobalData"))
        return false;
    w->ev.msg_id = (uint32_t)id;
    w->ev.msg_flags = p[0];

    if (!snmp_octets(w, c, miss, &p, &n, "snmp: bad msgSecurityParameters"))
        return false;
    if (model == 3 && !snmp_usm(w, p, n))
        return false;

    struct cursor peek = *c;
    int r = ber_read_hdr(&peek, &t);
    if (r)
        return snmp_fail(w, r, miss, "snmp: bad msgData");
    if (ber_is(&t, BER_CLASS_UNIVERSAL, false, BER_TAG_OCTET_STRING)) {
        w->ev.pdu_type = SNMP_PDU_ENCRYPTED;
        w->ready = true;
        if (!snmp_octets(w, c, miss, &p, &n, "snmp: bad encryptedPDU"))
            return false;
    } else {
        if (!snmp_open(w, c, miss, BER_CLASS_UNIVERSAL, BER_TAG_SEQUENCE, &t, &smiss,
                       "snmp: msgData is neither ScopedPDU nor encryptedPDU") ||
            !snmp_octets(w, &t.val, smiss, &p, &n, "snmp: bad contextEngineID") ||
            !snmp_octets(w, &t.val, smiss, &p, &n, "snmp: bad contextName") ||
            !snmp_pdu(w, &t.val, smiss) || !snmp_end(w, &t.val, "snmp: extra bytes in ScopedPDU"))
            return false;
    }
    return snmp_end(w, c, "snmp: extra bytes after msgData");
}

static enum dis_result snmp_parse(struct dis_ctx *ctx, void *state, struct cursor *c)
{
    struct snmp_walk w = {.ctx = ctx, .res = DIS_OK};
    struct ber_tlv msg;
    size_t miss;
    int64_t version;
    int r;

    (void)state;
    r = ber_open(c, BER_CLASS_UNIVERSAL, true, BER_TAG_SEQUENCE, &msg, &miss);
    if (r == BER_TRUNCATED && cur_peek(c, 0) == 0x30)
        return DIS_TRUNCATED;
    if (r)
        return DIS_NOT_MINE;
    r = ber_read_int(&msg.val, &version);
    if (r == BER_TRUNCATED && miss > 0)
        return DIS_TRUNCATED;
    if (r || (version != SNMP_V1 && version != SNMP_V2C && version != SNMP_V3))
        return DIS_NOT_MINE;
    if (msg.len > SNMP_MAX_MSG) {
        ctx->error = "snmp: message longer than a UDP datagram";
        return DIS_MALFORMED;
    }
    w.ev.version = (uint8_t)version;
    w.ev.pdu_type = SNMP_PDU_UNKNOWN;

    bool ok = version == SNMP_V3 ? snmp_v3_msg(&w, &msg.val, miss)
                                 : snmp_community_msg(&w, &msg.val, miss);
    if (ok && cur_left(c) > 0)
        snmp_fail(&w, BER_MALFORMED, 0, "snmp: bytes after the message");
    else if (ok && miss > 0)
        w.res = DIS_TRUNCATED; /* whole as far as it goes, but the message was longer */

    if (w.ready) {
        struct dis_event ev = {.type = EV_SNMP_PDU};
        if (!w.ev.community)
            w.ev.community = (const uint8_t *)"";
        if (!w.ev.user)
            w.ev.user = (const uint8_t *)"";
        ev.u.snmp = w.ev;
        dis_emit(ctx, &ev);
    }
    return w.res;
}

/* The first payload of a flow: SEQUENCE { INTEGER 0|1|3, OCTET STRING or SEQUENCE ... }. */
static bool snmp_probe(const struct cursor *c, int dir)
{
    struct cursor w = *c;
    struct ber_tlv t;
    int64_t version;

    (void)dir;
    if (ber_read_hdr(&w, &t) || !ber_is(&t, BER_CLASS_UNIVERSAL, true, BER_TAG_SEQUENCE) ||
        t.len < 3)
        return false;
    if (ber_read_int(&w, &version))
        return false;
    int next = cur_peek(&w, 0);
    switch (version) {
        case SNMP_V1:
        case SNMP_V2C:
            return next < 0 || next == 0x04;
        case SNMP_V3:
            return next < 0 || next == 0x30;
        default:
            return false;
    }
}

const struct dissector snmp_dissector = {
    .name = "snmp",
    .l4 = IPPROTO_UDP,
    .ports = {161, 162},
    .ndpi_ids = {NDPI_PROTOCOL_SNMP},
    .probe = snmp_probe,
    .parse = snmp_parse,
};

const char *snmp_pdu_name(uint8_t pdu_type)
{
    static const char *const names[] = {
        [SNMP_PDU_GET] = "get_request",       [SNMP_PDU_GETNEXT] = "get_next_request",
        [SNMP_PDU_RESPONSE] = "get_response", [SNMP_PDU_SET] = "set_request",
        [SNMP_PDU_TRAP_V1] = "trap_v1",       [SNMP_PDU_GETBULK] = "get_bulk_request",
        [SNMP_PDU_INFORM] = "inform_request", [SNMP_PDU_TRAP_V2] = "trap_v2",
        [SNMP_PDU_REPORT] = "report",
    };
    if (pdu_type < sizeof(names) / sizeof(names[0]))
        return names[pdu_type];
    return pdu_type == SNMP_PDU_ENCRYPTED ? "encrypted" : "unknown";
}

const char *snmp_version_name(uint8_t version)
{
    switch (version) {
        case SNMP_V1:
            return "1";
        case SNMP_V2C:
            return "2c";
        case SNMP_V3:
            return "3";
        default:
            return "unknown";
    }
}

static const char *snmp_security_level(uint8_t flags)
{
    if (flags & 0x02)
        return (flags & 0x01) ? "authPriv" : "invalid"; /* RFC 3412 forbids priv without auth */
    return (flags & 0x01) ? "authNoPriv" : "noAuthNoPriv";
}

json_t *snmp_event_json(const struct ev_snmp *e)
{
    static const uint8_t empty[1];
    json_t *o = json_object();
    bool ok;

    if (!o)
        return NULL;
    ok = json_object_set_new(o, "version", json_string(snmp_version_name(e->version))) == 0;
    if (e->version == SNMP_V3)
        ok = ok && eve_set_bytes(o, "user", e->user ? e->user : empty, e->user_len) == 0;
    else
        ok = ok && eve_set_bytes(o, "community", e->community ? e->community : empty,
                                 e->community_len) == 0;
    ok = ok && json_object_set_new(o, "pdu_type", json_string(snmp_pdu_name(e->pdu_type))) == 0;
    if (e->has_request_id)
        ok = ok && json_object_set_new(o, "request_id", json_integer(e->request_id)) == 0;
    if (e->pdu_type != SNMP_PDU_ENCRYPTED)
        ok = ok && json_object_set_new(o, "varbind_count", json_integer(e->varbind_count)) == 0;
    if (e->version == SNMP_V3) {
        ok = ok && json_object_set_new(o, "msg_id", json_integer(e->msg_id)) == 0;
        ok = ok && json_object_set_new(o, "security_level",
                                       json_string(snmp_security_level(e->msg_flags))) == 0;
    }
    if (!ok) {
        json_decref(o);
        return NULL;
    }
    return o;
}
