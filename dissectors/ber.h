/*
 * ber.h - a reader for ASN.1 Basic Encoding Rules TLVs (ITU-T X.690).
 *
 * SNMP (RFC 3416, RFC 3412) is BER on the wire. This reader covers what a
 * passive sensor needs: the identifier (class, constructed bit, tag number
 * including the multi-byte high-tag form), definite lengths only (short form
 * and long form with at most four length bytes), a child cursor over the
 * value, INTEGER and OCTET STRING decoding, and a bounded recursive check.
 *
 * As in tcpdump's print-snmp.c asn1_parse, running out of bytes and an
 * impossible encoding are told apart: BER_TRUNCATED means the bytes ended
 * (the capture was cut, or a length points past its container), and
 * BER_MALFORMED means no valid encoding looks like this (indefinite or
 * reserved length, too many length bytes, a tag number past the cap, wrong
 * type). Which of the two a truncation means is for the caller to decide:
 * inside a container that was complete, it is malformed.
 *
 * On failure no function writes its ret_ arguments and the cursor is left
 * where it was.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cursor.h"

/* Results: 0 is success. */
#define BER_TRUNCATED 1 /* the bytes ended inside the TLV */
#define BER_MALFORMED 2 /* an impossible or unsupported encoding */

/* Identifier classes (bits 8-7 of the first identifier octet). */
#define BER_CLASS_UNIVERSAL   0
#define BER_CLASS_APPLICATION 1
#define BER_CLASS_CONTEXT     2
#define BER_CLASS_PRIVATE     3

/* Universal tag numbers used by SNMP. */
#define BER_TAG_INTEGER      2
#define BER_TAG_OCTET_STRING 4
#define BER_TAG_NULL         5
#define BER_TAG_OID          6
#define BER_TAG_SEQUENCE     16

/* Caps. */
#define BER_MAX_TAG_BYTES 4 /* high-tag subsequent octets: tag numbers < 2^28 */
#define BER_MAX_LEN_BYTES 4 /* long-form length octets: lengths < 2^32 */
#define BER_MAX_INT_BYTES 8 /* INTEGER contents decoded into int64_t */
#define BER_MAX_DEPTH     8 /* nesting of constructed TLVs in ber_check() */

struct ber_tlv {
    uint8_t cls; /* BER_CLASS_* */
    bool constructed;
    uint32_t tag;      /* tag number */
    size_t hdr_len;    /* identifier + length octets */
    size_t len;        /* declared length of the value */
    struct cursor val; /* the value (ber_read_tlv), or empty (ber_read_hdr) */
};

/*
 * Reads the identifier and length octets only and consumes them; ret->len is
 * the declared length, which may exceed what is left (ret->val is empty).
 * Returns 0, BER_TRUNCATED (the header is cut) or BER_MALFORMED.
 */
int ber_read_hdr(struct cursor *c, struct ber_tlv *ret);

/*
 * Reads one whole TLV and consumes it; ret->val is a child cursor over the
 * value. Returns 0, BER_TRUNCATED (header cut, or the value runs past the
 * end of c) or BER_MALFORMED.
 */
int ber_read_tlv(struct cursor *c, struct ber_tlv *ret);

/* True if t has the given class, constructed bit and tag number. */
bool ber_is(const struct ber_tlv *t, uint8_t cls, bool constructed, uint32_t tag);

/*
 * Decodes the value of t as a two's complement integer of 1 to
 * BER_MAX_INT_BYTES bytes. BER_MALFORMED for an empty or longer value. Does
 * not look at the tag (INTEGER, Counter32, TimeTicks, ... share this form).
 */
int ber_int_value(const struct ber_tlv *t, int64_t *ret);

/* Reads a universal INTEGER TLV and decodes it. */
int ber_read_int(struct cursor *c, int64_t *ret);

/*
 * Reads a universal OCTET STRING TLV (primitive form only, as SNMP uses).
 * *ret_p borrows the bytes of c; it is never NULL, even for length 0.
 */
int ber_read_octets(struct cursor *c, const uint8_t **ret_p, size_t *ret_len);

/*
 * Opens a TLV that must have the given identifier, for walking into it.
 * Like ber_read_tlv, except that when the value runs past the end of c the
 * header is still returned, with ret->val over the bytes that are there, c
 * is consumed to its end, and *ret_missing is the number of value bytes
 * absent (0 when the value is whole). Returns 0 (also for a cut value),
 * BER_TRUNCATED (the header itself is cut) or BER_MALFORMED (bad encoding
 * or another identifier).
 */
int ber_open(struct cursor *c, uint8_t cls, bool constructed, uint32_t tag, struct ber_tlv *ret,
             size_t *ret_missing);

/*
 * Checks that c holds a sequence of well-formed TLVs to its end, descending
 * into constructed ones at most BER_MAX_DEPTH levels deep (depth counts the
 * levels already entered; start with 0). Returns 0, BER_TRUNCATED or
 * BER_MALFORMED (including nesting past the cap). Does not move c.
 */
int ber_check(const struct cursor *c, unsigned depth);
