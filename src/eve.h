/*
 * eve.h - EVE JSON events (Suricata-compatible common fields).
 *
 * eve_header() builds the fields every event shares (SPEC section 2):
 * timestamp (packet time), flow_id, event_type, src/dest ip and port, proto,
 * app_proto, vlan, pcap_filename or in_iface, host. "src" is the sender of
 * the packet that caused the event (dir), so for alerts src is the side that
 * acted. eve_serialize() gives the one-line form, keys in insertion order so
 * that output is deterministic.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

struct flow;

struct eve_meta {
    const char *host;          /* sensor name */
    const char *pcap_filename; /* offline: current capture file, else NULL */
    const char *in_iface;      /* live: interface, else NULL */
};

/* Formats ts_us as 2004-06-25T03:46:47.123456+0000 into buf (>= 32 bytes). */
char *eve_format_time(uint64_t ts_us, char *buf, size_t len);

/*
 * New object with the common fields; f may be NULL (stats events), then only
 * timestamp, event_type, host and the capture source are set. NULL on OOM.
 */
json_t *eve_header(const struct eve_meta *meta, const struct flow *f, int dir, uint64_t ts_us,
                   const char *event_type);

/* One line of JSON without the newline, malloc'd (caller frees); NULL on OOM. */
char *eve_serialize(const json_t *ev);

/* Adds a string from wire bytes: valid UTF-8 kept, other bytes as \xNN escapes. */
int eve_set_bytes(json_t *obj, const char *key, const uint8_t *p, size_t len);
