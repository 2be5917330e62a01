/*
 * h225ras.h - H.225.0 RAS dissector (UDP 1719 and 1718): registration,
 * admission and status between endpoints and a gatekeeper (ITU-T H.225.0
 * section 7.2 and its ASN.1 RasMessage, aligned PER, ITU-T X.691).
 *
 * Every datagram is one RasMessage. h225ras_decode() names it and reads the
 * fields a sensor cares about: request sequence number for all of them,
 * the aliases of GRQ, RRQ, RCF, URQ and LRQ, the admission fields of ARQ
 * (call type and model, endpoint identifier, destinationInfo, srcInfo,
 * call reference, conferenceID, answerCall and, from the extension,
 * callIdentifier), ACF and ARJ basics, and the call of BRQ, DRQ and IRQ.
 *
 * h225ras_dissector feeds the call events: an originating ARQ (answerCall
 * FALSE) whose destinationInfo gives a number emits EV_CALL_SETUP
 * (protocol "h225ras"); the DRQ of the same call (callIdentifier, else
 * conferenceID and call reference), an ARJ answering it, or the end of the
 * flow (end_us 0: not seen) emits EV_CALL_END. The call log merges these with the Q.931 records
 * of the same call by call_id.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cursor.h"
#include "dissector.h"
#include "h225.h"

/* RAS calls tracked per flow; a further ARQ ends the oldest. */
#define H225RAS_MAX_CALLS 16

/* RasMessage alternatives (root 0..24, then extensions). */
enum h225ras_type {
    H225RAS_GRQ = 0,
    H225RAS_GCF,
    H225RAS_GRJ,
    H225RAS_RRQ,
    H225RAS_RCF,
    H225RAS_RRJ,
    H225RAS_URQ,
    H225RAS_UCF,
    H225RAS_URJ,
    H225RAS_ARQ,
    H225RAS_ACF,
    H225RAS_ARJ,
    H225RAS_BRQ,
    H225RAS_BCF,
    H225RAS_BRJ,
    H225RAS_DRQ,
    H225RAS_DCF,
    H225RAS_DRJ,
    H225RAS_LRQ,
    H225RAS_LCF,
    H225RAS_LRJ,
    H225RAS_IRQ,
    H225RAS_IRR,
    H225RAS_NONSTANDARD,
    H225RAS_XRS,
    H225RAS_RIP, /* requestInProgress: the first extension alternative */
    H225RAS_RAI,
    H225RAS_RAC,
    H225RAS_IACK,
    H225RAS_INAK,
    H225RAS_SCI,
    H225RAS_SCR,
    H225RAS_ACF_SEQUENCE,
    H225RAS_TYPE_COUNT,
};

#define H225RAS_ENDPOINT_ID_MAX 64

struct h225ras_msg {
    int type; /* enum h225ras_type (COUNT and above: unknown extension); -1: not read */
    bool has_seq;
    uint16_t seq; /* requestSeqNum */

    /* GRQ endpointAlias, RRQ/RCF terminalAlias, URQ endpointAlias, LRQ destinationInfo */
    bool has_aliases;
    struct h225_aliases aliases;
    char endpoint_id[H225RAS_ENDPOINT_ID_MAX + 1]; /* UTF-8, NULs dropped; "" if absent */
    char gatekeeper_id[H225RAS_ENDPOINT_ID_MAX + 1];

    /* ARQ (some also BRQ, DRQ, IRQ, ACF) */
    uint8_t call_type; /* CHOICE index, 0 pointToPoint */
    bool has_call_model;
    uint8_t call_model; /* 0 direct, 1 gatekeeperRouted */
    bool has_dest_info;
    struct h225_aliases dest_info;
    struct h225_aliases src_info;
    struct h225_transport dest_call_signal_address;
    uint32_t bandwidth;
    bool has_crv;
    uint16_t crv;
    bool has_conference_id;
    uint8_t conference_id[16];
    bool answer_call;
    bool has_call_id;
    uint8_t call_id[16];

    int reject_reason;    /* GRJ, RRJ, URJ, ARJ, BRJ, DRJ, LRJ: CHOICE index, -1 if none */
    int disengage_reason; /* DRQ: 0 forcedDrop, 1 normalDrop, 2 undefinedReason; -1 */
    bool complete;        /* the whole message was read */
};

extern const struct dissector h225ras_dissector;

/*
 * Decodes one RasMessage from c. Returns 0, PER_TRUNCATED (the datagram
 * ends too early) or PER_MALFORMED (*ret_why says why); what was read
 * before a failure stays in ret.
 */
int h225ras_decode(const struct cursor *c, struct h225ras_msg *ret, const char **ret_why);

/* "gatekeeperRequest", ... (ASN.1 names) or "unknown"; static strings. */
const char *h225ras_type_name(int type);
