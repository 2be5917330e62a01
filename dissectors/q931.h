/*
 * q931.h - Q.931 message and information element parsing, as H.225.0 call
 * signalling carries it over TPKT (ITU-T Q.931 section 4, ITU-T H.225.0
 * section 7).
 *
 * q931_parse() reads one whole Q.931 message (the payload of one TPKT):
 * protocol discriminator, call reference, message type, then the
 * information elements. It keeps what a call record needs: called and
 * calling party numbers (with octet 3/3a), Display, Cause, Bearer
 * capability presence, and the User-user IE, whose contents (the H.225.0
 * H323-UserInformation, aligned PER) it borrows for the caller. As H.225.0
 * says, the User-user IE has a two-octet length.
 *
 * A header that cannot be Q.931 makes the message unusable; an IE whose
 * length runs past the message stops IE parsing but keeps every fact read
 * before it (ie_error is set).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cursor.h"
#include "event.h"

/* Results: 0 is success. */
#define Q931_TRUNCATED 1 /* the message ends inside the header */
#define Q931_MALFORMED 2 /* not a Q.931 message header */

#define Q931_PROTOCOL_DISCRIMINATOR 0x08
#define Q931_UU_PD_X208             0x05 /* User-user: X.208/X.209 coded user information */

/* Message types (Q.931 table 4-2). */
#define Q931_ALERTING         0x01
#define Q931_CALL_PROCEEDING  0x02
#define Q931_PROGRESS         0x03
#define Q931_SETUP            0x05
#define Q931_CONNECT          0x07
#define Q931_SETUP_ACK        0x0d
#define Q931_CONNECT_ACK      0x0f
#define Q931_USER_INFORMATION 0x20
#define Q931_DISCONNECT       0x45
#define Q931_RELEASE          0x4d
#define Q931_RELEASE_COMPLETE 0x5a
#define Q931_FACILITY         0x62
#define Q931_NOTIFY           0x6e
#define Q931_STATUS_ENQUIRY   0x75
#define Q931_INFORMATION      0x7b
#define Q931_STATUS           0x7d

/* Information element identifiers, codeset 0 (Q.931 table 4-3). */
#define Q931_IE_BEARER_CAPABILITY 0x04
#define Q931_IE_CAUSE             0x08
#define Q931_IE_DISPLAY           0x28
#define Q931_IE_CALLING_NUMBER    0x6c
#define Q931_IE_CALLED_NUMBER     0x70
#define Q931_IE_USER_USER         0x7e

/* Call reference values of at most this many octets (H.225.0 uses 2). */
#define Q931_MAX_CRV_LEN 2

struct q931_msg {
    uint8_t crv_len;   /* 0..Q931_MAX_CRV_LEN */
    uint16_t crv;      /* call reference value without the flag */
    bool crv_flag;     /* set: sent from the side the call reference was assigned to */
    uint8_t type;      /* message type */
    uint32_t ie_count; /* IEs read, single-octet ones included */
    bool ie_error;     /* an IE ran past the message: the rest was not read */

    bool has_bearer;
    bool has_called;
    uint8_t called_type_plan; /* octet 3 */
    char called[CALL_NUMBER_MAX + 1];
    bool has_calling;
    uint8_t calling_type_plan; /* octet 3 */
    bool has_calling_3a;
    uint8_t calling_pres_screen; /* octet 3a: presentation and screening */
    char calling[CALL_NUMBER_MAX + 1];
    bool has_display;
    char display[CALL_NAME_MAX + 1];
    bool has_cause;
    uint8_t cause_location; /* octet 3, low 4 bits */
    uint8_t cause_value;    /* 1..127 (0 when the IE had no cause octet) */

    bool has_uu;
    uint8_t uu_pd;     /* User-user protocol discriminator */
    const uint8_t *uu; /* user information after the discriminator (borrowed) */
    size_t uu_len;
};

/*
 * Parses one whole message from c (consumed). Returns 0 (ie_error may be
 * set), Q931_TRUNCATED (c ends inside the header) or Q931_MALFORMED (wrong
 * protocol discriminator, call reference longer than Q931_MAX_CRV_LEN).
 * ret is zeroed first; its uu pointer borrows c's bytes.
 */
int q931_parse(struct cursor *c, struct q931_msg *ret);

/* "setup", "release_complete", ... or "unknown" (static strings). */
const char *q931_msg_name(uint8_t type);

/*
 * Copies the digits of a party number into out (CALL_NUMBER_MAX + 1
 * bytes): 0-9, '*', '#' and '+' only, at most CALL_NUMBER_MAX of them.
 */
void q931_copy_digits(char *out, const uint8_t *p, size_t n);
