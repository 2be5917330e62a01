/*
 * event.h - typed events from dissectors to detectors.
 *
 * A dissector fills a struct dis_event and calls dis_emit(); the worker
 * hands it to every detector subscribed to its type (detectors/registry.c).
 * Byte fields borrow the packet or stream buffer and are valid only during
 * dispatch: a detector copies what it keeps.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct flow;

enum dis_event_type { EV_SNMP_PDU = 0, EV_COUNT };

#define EV_BIT(t) (1ull << (t))

/* SNMP versions as on the wire (msgVersion). */
#define SNMP_V1  0
#define SNMP_V2C 1
#define SNMP_V3  3

/* PDU types: the context-specific tag number of the PDU (RFC 3416, RFC 1157). */
enum snmp_pdu_type {
    SNMP_PDU_GET = 0,
    SNMP_PDU_GETNEXT = 1,
    SNMP_PDU_RESPONSE = 2,
    SNMP_PDU_SET = 3,
    SNMP_PDU_TRAP_V1 = 4,
    SNMP_PDU_GETBULK = 5,
    SNMP_PDU_INFORM = 6,
    SNMP_PDU_TRAP_V2 = 7,
    SNMP_PDU_REPORT = 8,
    SNMP_PDU_ENCRYPTED = 0xfe, /* v3 scopedPDU is encrypted */
    SNMP_PDU_UNKNOWN = 0xff,
};

struct ev_snmp {
    uint8_t version;          /* SNMP_V1, SNMP_V2C, SNMP_V3 */
    uint8_t pdu_type;         /* enum snmp_pdu_type */
    const uint8_t *community; /* v1/v2c; may be empty (len 0) */
    size_t community_len;
    const uint8_t *user; /* v3 msgUserName; may be empty */
    size_t user_len;
    bool has_request_id;
    int64_t request_id;
    uint32_t varbind_count;
    uint32_t msg_id;   /* v3 */
    uint8_t msg_flags; /* v3: 1 auth, 2 priv, 4 reportable */
};

struct dis_event {
    enum dis_event_type type;
    const struct flow *flow;
    int dir;        /* direction of the packet that carried it */
    uint64_t ts_us; /* packet time */
    union {
        struct ev_snmp snmp;
    } u;
};

const char *event_type_name(enum dis_event_type t);
