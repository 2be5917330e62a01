/*
 * snmp.h - SNMP v1, v2c and v3 message dissector (UDP 161 and 162).
 *
 * snmp_dissector decodes one message per datagram (RFC 1157, RFC 3416,
 * RFC 3412, RFC 3414) and emits one EV_SNMP_PDU event per message: version,
 * community (v1/v2c) or USM user name (v3), PDU type, request-id, varbind
 * count. The helpers below name those fields for the detectors and the EVE
 * "snmp" object.
 */
#pragma once

#include <stdint.h>

#include <jansson.h>

#include "dissector.h"
#include "event.h"

/* Varbinds walked per message; the count stops there. */
#define SNMP_MAX_VARBINDS 1024

extern const struct dissector snmp_dissector;

/* "get_request", ..., "encrypted", "unknown" (static strings). */
const char *snmp_pdu_name(uint8_t pdu_type);

/* "1", "2c", "3", or "unknown" for a version SNMP does not define. */
const char *snmp_version_name(uint8_t version);

/*
 * The EVE "snmp" object for e: version, community (v1/v2c) or user (v3),
 * pdu_type, request_id (when present), varbind_count (unless encrypted), and
 * for v3 msg_id and security_level. New reference; NULL on OOM.
 */
json_t *snmp_event_json(const struct ev_snmp *e);
