/*
 * h225.h - H.225.0 call signalling dissector (TCP 1720) and the H.225.0
 * ASN.1 types it shares with RAS (h225ras.c).
 *
 * Call signalling (ITU-T H.225.0 section 7) is Q.931 (q931.h) in RFC 1006
 * TPKT frames: version 3, reserved 0, a 16-bit length that counts the
 * 4-byte header. The Q.931 User-user IE carries an H323-UserInformation in
 * aligned PER (ITU-T X.691, per.h). h225_dissector frames TPKT across and
 * within segments, parses each Q.931 message, decodes the H.225.0 message
 * body and most of Setup-UUIE, and keeps a small per-connection table of
 * calls keyed by call reference: a Setup emits EV_CALL_SETUP once the
 * called number is known (from the Q.931 Called party number, else the
 * Setup-UUIE destinationAddress, else digits sent later in Information
 * messages), Connect records the answer time, and Release Complete (with
 * its Cause) or the end of the connection emits EV_CALL_END for every call
 * seen, numbered or not (end_us is the FIN or RST time, 0 when the flow
 * idled out or the input ended with the connection open).
 *
 * The decoders below read the named H.225.0 types (module H323-MESSAGES,
 * H.225.0 12/2009) from a struct per; errors are sticky in it.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dissector.h"
#include "event.h"
#include "per.h"

/* TPKT lengths accepted (header included); 4 is an empty keep-alive. */
#define H225_TPKT_MIN 7
#define H225_TPKT_MAX 8192
/* Bad TPKT headers before the flow is given up as not H.225. */
#define H225_MAX_BAD_TPKT 3
/* Calls tracked per connection; a further Setup ends the oldest. */
#define H225_MAX_CALLS 16

/* Aliases kept per SEQUENCE OF AliasAddress, and bytes kept of each. */
#define H225_MAX_ALIASES 8
#define H225_ALIAS_MAX   64

/* AliasAddress alternatives, in ASN.1 order. */
enum h225_alias_type {
    H225_ALIAS_DIALLED_DIGITS = 0,
    H225_ALIAS_H323_ID,
    H225_ALIAS_URL_ID,
    H225_ALIAS_TRANSPORT_ID,
    H225_ALIAS_EMAIL_ID,
    H225_ALIAS_PARTY_NUMBER,
    H225_ALIAS_MOBILE_UIM,
    H225_ALIAS_ISUP_NUMBER,
    H225_ALIAS_UNKNOWN,
};

struct h225_alias {
    uint8_t type;                   /* enum h225_alias_type */
    char value[H225_ALIAS_MAX + 1]; /* digits, UTF-8 text, or "ip:port"; may be cut */
};

struct h225_aliases {
    uint32_t count; /* aliases in the encoding */
    uint32_t kept;  /* in a[], at most H225_MAX_ALIASES */
    struct h225_alias a[H225_MAX_ALIASES];
};

/* TransportAddress: type is the CHOICE index (0 ipAddress ... 6 nonStandardAddress). */
#define H225_TA_NONE 0xff
struct h225_transport {
    uint8_t type;
    uint8_t ip_len; /* 4 (ipAddress, ipSourceRoute), 16 (ip6Address), else 0 */
    uint8_t ip[16];
    uint16_t port;
};

/* H323-UU-PDU h323-message-body alternatives, root then extensions. */
enum h225_body {
    H225_BODY_SETUP = 0,
    H225_BODY_CALL_PROCEEDING,
    H225_BODY_CONNECT,
    H225_BODY_ALERTING,
    H225_BODY_INFORMATION,
    H225_BODY_RELEASE_COMPLETE,
    H225_BODY_FACILITY,
    H225_BODY_PROGRESS, /* first extension alternative */
    H225_BODY_EMPTY,
    H225_BODY_STATUS,
    H225_BODY_STATUS_INQUIRY,
    H225_BODY_SETUP_ACK,
    H225_BODY_NOTIFY,
    H225_BODY_COUNT,
};

struct h225_setup {
    uint8_t protocol_version; /* N of protocolIdentifier 0.0.8.2250.0.N; 0 unknown */
    struct h225_transport h245_address;
    bool has_source_address;
    struct h225_aliases source;
    bool has_destination_address;
    struct h225_aliases destination;
    struct h225_transport dest_call_signal_address;
    bool active_mc;
    bool has_conference_id;
    uint8_t conference_id[16];
    uint8_t conference_goal; /* CHOICE index; root 0 create, 1 join, 2 invite */
    uint8_t call_type;       /* CHOICE index; 0 pointToPoint */
    bool root_done;          /* every root component was read */
    struct h225_transport source_call_signal_address; /* extension */
    bool has_call_id;
    uint8_t call_id[16]; /* callIdentifier guid (extension) */
};

struct h225_uu {
    int body;       /* enum h225_body (COUNT and above: unknown extension), -1: not read */
    bool has_setup; /* body is setup and setup below holds what was read */
    struct h225_setup setup;
};

extern const struct dissector h225_dissector;

/*
 * Decodes an H323-UserInformation (the User-user IE contents after its
 * protocol discriminator). Returns 0, PER_TRUNCATED or PER_MALFORMED with
 * *ret_why set; what was read before a failure stays in ret (body, the
 * Setup fields in order).
 */
int h225_decode_uu(const uint8_t *p, size_t n, struct h225_uu *ret, const char **ret_why);

/* "setup", "callProceeding", ... (ASN.1 names) or "unknown"; static strings. */
const char *h225_body_name(int body);
/* "dialledDigits", "h323-ID", ... or "unknown"; static strings. */
const char *h225_alias_type_name(uint8_t type);

/*
 * The first number among aliases: a dialledDigits or partyNumber alias
 * (digits 0-9 * # + kept, at most CALL_NUMBER_MAX) into out
 * (CALL_NUMBER_MAX + 1 bytes). False and "" when there is none.
 */
bool h225_alias_number(const struct h225_aliases *a, char *out);
/* The first h323-ID alias into out (cap bytes, cut at a character boundary); false if none. */
bool h225_alias_name(const struct h225_aliases *a, char *out, size_t cap);

/* ---- shared decoders of H.225.0 types (errors sticky in p) ---- */

void h225_per_nonstandard(struct per *p);                           /* NonStandardParameter */
void h225_per_transport(struct per *p, struct h225_transport *ret); /* TransportAddress */
void h225_per_transports(struct per *p);                        /* SEQUENCE OF TransportAddress */
void h225_per_alias(struct per *p, struct h225_aliases *ret);   /* AliasAddress, appended */
void h225_per_aliases(struct per *p, struct h225_aliases *ret); /* SEQUENCE OF AliasAddress */
void h225_per_endpoint_type(struct per *p);                     /* EndpointType */
void h225_per_vendor(struct per *p);                            /* VendorIdentifier */
void h225_per_qseries(struct per *p);                           /* QseriesOptions */
/* CallIdentifier: the guid into ret_guid (16 bytes). */
void h225_per_call_identifier(struct per *p, uint8_t *ret_guid);
/* ProtocolIdentifier; returns N of 0.0.8.2250.0.N, or 0. */
uint8_t h225_per_protocol_id(struct per *p);
