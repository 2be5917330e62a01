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

#include "packet.h"

struct flow;

enum dis_event_type {
    EV_SNMP_PDU = 0,
    EV_SCCP_MESSAGE,      /* every SCCP message seen (struct ev_sccp_msg) */
    EV_SCCP_REGISTRATION, /* register, ack, reject, unregister, abnormal end */
    EV_CALL_SETUP,        /* protocol-neutral: a call's called number became known */
    EV_CALL_END,          /* protocol-neutral: a call record is complete */
    EV_CREDENTIALS,       /* a username/password crossed the wire in clear (struct ev_cred) */
    EV_HTTP_REQUEST,      /* an HTTP request and, when seen, its response status */
    EV_COUNT
};

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

/* ---- SCCP ---- */

struct ev_sccp_msg {
    uint32_t msg_id;
    uint32_t header_version; /* 0 basic, 0x0a..0x16 */
    const char *name;        /* static, e.g. "RegisterMessage" */
};

enum sccp_reg_action {
    SCCP_REG_REGISTER = 0, /* RegisterMessage (0x0001) */
    SCCP_REG_ACK,          /* RegisterAckMessage (0x0081) */
    SCCP_REG_REJECT,       /* RegisterRejectMessage (0x009d) */
    SCCP_REG_UNREGISTER,   /* UnregisterMessage (0x0027) */
    SCCP_REG_ABNORMAL,     /* connection ended (RST, FIN, timeout) while registered */
};

#define SCCP_DEVICE_NAME_MAX 16

struct ev_sccp_reg {
    uint8_t action; /* enum sccp_reg_action */
    /* the device of this connection: from the Register, remembered for the rest */
    char device_name[SCCP_DEVICE_NAME_MAX + 1];
    bool has_register; /* the fields below come from a RegisterMessage seen */
    uint32_t user_id, instance;
    uint32_t device_type;
    struct tw_addr station_ip; /* stationIpAddr inside the Register (family 0 = absent) */
    uint32_t max_streams;
    bool has_protocol_version;
    uint32_t protocol_version;
    char mac[13];         /* 12 hex digits from the extended block, or "" */
    char firmware[49];    /* firmware load name from the extended block, or "" */
    char reject_text[33]; /* RegisterReject text, or "" */
    uint32_t keepalive;   /* RegisterAck keepAliveInterval (s), 0 = absent */
};

/* ---- calls (protocol-neutral) ---- */

#define CALL_NUMBER_MAX 32
#define CALL_NAME_MAX   40

enum call_direction {
    CALL_DIR_UNKNOWN = 0,
    CALL_DIR_OUTBOUND, /* the endpoint on this flow's client side placed the call */
    CALL_DIR_INBOUND,  /* the call was offered to that endpoint */
};

#define CALL_SRC_UNKNOWN  0
#define CALL_SRC_DIGITS   1 /* KeypadButton digits */
#define CALL_SRC_ENBLOC   2 /* EnblocCall */
#define CALL_SRC_DIALED   3 /* DialedNumber from the call agent */
#define CALL_SRC_CALLINFO 4 /* CallInfo / CallInfoV2 */
#define CALL_SRC_SETUP    5 /* H.225 / Q.931 Setup */

struct ev_call {
    const char *protocol;             /* "sccp", "h225" */
    char called[CALL_NUMBER_MAX + 1]; /* as dialled/signalled; "" = unknown */
    char calling[CALL_NUMBER_MAX + 1];
    char called_name[CALL_NAME_MAX + 1];
    char calling_name[CALL_NAME_MAX + 1];
    char device_name[SCCP_DEVICE_NAME_MAX + 1]; /* SCCP station, "" if unknown */
    uint32_t call_ref;                          /* protocol call reference */
    uint8_t direction;                          /* enum call_direction */
    uint8_t number_source;                      /* what gave `called`: CALL_SRC_* */
    uint64_t start_us, answer_us, end_us;       /* packet times; 0 = not seen */
    bool has_call_id;
    uint8_t call_id[16]; /* H.225 callIdentifier GUID: the same call seen in RAS and Q.931 */
    int release_cause;   /* Q.931 cause value 1..127; 0 = unknown */
};

/* ---- cleartext credentials (protocol-neutral) ---- */

#define CRED_USER_MAX     64
#define CRED_PASSWORD_MAX 128
#define HTTP_HOST_MAX     255
#define HTTP_URL_MAX      512
#define HTTP_METHOD_MAX   15
#define HTTP_UA_MAX       255

enum cred_outcome {
    CRED_OUTCOME_UNKNOWN = 0,
    CRED_OUTCOME_SUCCESS,
    CRED_OUTCOME_FAILURE,
};

/* The request an HTTP event or credential came with (strings NUL-terminated, "" = absent). */
struct ev_http_info {
    char method[HTTP_METHOD_MAX + 1];
    char host[HTTP_HOST_MAX + 1];
    char url[HTTP_URL_MAX + 1]; /* request target as sent, cut at HTTP_URL_MAX */
    char user_agent[HTTP_UA_MAX + 1];
    int status; /* response status; 0 = not seen */
};

struct ev_cred {
    const char *protocol; /* "telnet", "http-basic", "http-form", "http-query" */
    char username[CRED_USER_MAX + 1];
    bool has_username;                    /* false for password-only logins (line vty password) */
    char password[CRED_PASSWORD_MAX + 1]; /* redacted by the detector unless configured */
    size_t password_len;                  /* bytes typed, even when longer than the copy */
    uint8_t outcome;                      /* enum cred_outcome */
    bool enable;                          /* telnet: the `enable` password typed after login */
    uint32_t attempt;                     /* 1, 2, ... per connection */
    bool has_http;
    struct ev_http_info http;
};

/* Which endpoint an event is about (for the EVE src/dest orientation). */
enum ev_actor {
    EV_ACTOR_SENDER = 0, /* the sender of the packet that carried it (default) */
    EV_ACTOR_CLIENT,     /* the flow's client (e.g. the phone of an SCCP connection) */
    EV_ACTOR_SERVER,
};

struct dis_event {
    enum dis_event_type type;
    const struct flow *flow;
    int dir;        /* set by dis_emit: the direction whose sender is the actor */
    uint8_t actor;  /* enum ev_actor, chosen by the dissector */
    uint64_t ts_us; /* packet time */
    union {
        struct ev_snmp snmp;
        struct ev_sccp_msg sccp_msg;
        struct ev_sccp_reg sccp_reg;
        struct ev_call call;
        struct ev_cred cred;
        struct ev_http_info http;
    } u;
};

const char *event_type_name(enum dis_event_type t);
