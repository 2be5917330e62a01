/*
 * per.h - a reader for ASN.1 Packed Encoding Rules, ALIGNED variant
 * (ITU-T X.691), as H.225.0 uses them for call signalling and RAS.
 *
 * PER is a bit stream: a struct per reads bits from a struct cursor (every
 * octet comes from cur_u8/cur_bytes) and keeps the partly read octet.
 * Fields that X.691 octet-aligns (constrained whole numbers with a range of
 * 256 or more, length determinants, octet strings longer than two octets,
 * most character strings) skip the rest of the current octet first.
 *
 * Errors are sticky, as in struct cursor: the first failure records
 * PER_TRUNCATED (the bytes ended) or PER_MALFORMED (no valid encoding looks
 * like this: a value outside its constraint, a fragmented length, a count
 * past a cap) with a static reason, and every later read returns 0. A
 * decoder can read a whole SEQUENCE and test per_ok() at its decision points.
 *
 * Covered: bits, BOOLEAN, constrained whole numbers (all four aligned
 * cases), normally small numbers and lengths, length determinants (the
 * fragmented form 11xxxxxx is refused: nothing in H.225.0 is 16K long),
 * CHOICE and ENUMERATED indices with extension markers, extension addition
 * bitmaps, open types, OCTET STRING / OBJECT IDENTIFIER / BIT STRING, and
 * the known-multiplier character strings IA5String, NumericString and
 * BMPString with or without a permitted alphabet.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cursor.h"

/* Results: 0 is success. */
#define PER_TRUNCATED 1 /* the bytes ended inside a field */
#define PER_MALFORMED 2 /* an impossible or unsupported encoding */

/* An upper bound meaning "no upper bound" (SIZE or value unconstrained). */
#define PER_UNBOUNDED UINT32_MAX

/* Extension additions handled per SEQUENCE (X.691 18.8 allows more). */
#define PER_MAX_EXTENSIONS 128

/* Permitted alphabets used by H.225.0, in canonical (code) order. */
#define PER_ALPHA_NUMERIC " 0123456789"     /* NumericString */
#define PER_ALPHA_DIGITS  "#*,0123456789"   /* H.225 dialledDigits, NumberDigits */
#define PER_ALPHA_TBCD    "#*0123456789abc" /* H.225 TBCD-STRING */
#define PER_ALPHA_ISUP    "0123456789ABCDE" /* H.225 IsupDigits */

struct per {
    struct cursor c; /* octets not yet started */
    uint8_t byte;    /* the octet being read bit by bit */
    uint8_t bits;    /* bits of byte still unread (0..7) */
    uint8_t err;     /* 0, PER_TRUNCATED or PER_MALFORMED; the first one stays */
    const char *why; /* static reason of the first error, or NULL */
};

/* Extension additions of one SEQUENCE, from per_ext_begin(). */
struct per_ext {
    uint32_t count; /* additions in the bitmap */
    uint32_t next;  /* next index to look at */
    uint8_t map[PER_MAX_EXTENSIONS / 8];
};

/* Starts reading at the first bit of c's unread bytes (c itself is not moved). */
void per_init(struct per *p, const struct cursor *c);

bool per_ok(const struct per *p);

/* Records an error unless one is already recorded. */
void per_fail(struct per *p, int err, const char *why);

/* Bits not yet read (for tests and for telling trailing padding apart). */
size_t per_bits_left(const struct per *p);

/* Skips to the next octet boundary (no-op when already there). */
void per_align(struct per *p);

/* n (0..32) bits, most significant first. */
uint32_t per_bits(struct per *p, unsigned n);

bool per_bool(struct per *p);

/*
 * A constrained whole number lb..ub (X.691 10.5.7, ALIGNED): a bit-field
 * of minimal width for a range up to 255, one aligned octet for 256, two for
 * up to 64K, else a length (in octets, as a bit-field) and aligned octets.
 * A value above ub is PER_MALFORMED.
 */
uint32_t per_constrained(struct per *p, uint32_t lb, uint32_t ub);

/* Like per_constrained() for a type with an extension marker: one bit first. */
uint32_t per_constrained_ext(struct per *p, uint32_t lb, uint32_t ub);

/*
 * An unconstrained length determinant (X.691 10.9.3.5-7): aligned, one
 * octet below 128, two below 16384; the fragmented form is PER_MALFORMED.
 */
uint32_t per_length(struct per *p);

/*
 * A length with a SIZE(lb..ub) constraint: nothing when lb == ub, a
 * constrained whole number when ub < 64K, else per_length(). Outside
 * lb..ub is PER_MALFORMED.
 */
uint32_t per_length_sized(struct per *p, uint32_t lb, uint32_t ub);

/* A normally small non-negative whole number (X.691 10.6); capped at 2^16. */
uint32_t per_small(struct per *p);

/* A normally small length (X.691 10.9.3.4), at least 1. */
uint32_t per_small_length(struct per *p);

/*
 * A CHOICE index among nroot root alternatives (X.691 23). With
 * extensible, an extension bit comes first; when it is set the index is a
 * normally small number counted from the first extension alternative,
 * *ret_ext is set, and the value follows as an open type. Returns the
 * index; an index of nroot or more in the root is PER_MALFORMED.
 */
uint32_t per_choice(struct per *p, uint32_t nroot, bool extensible, bool *ret_ext);

/*
 * An open type (X.691 10.2): a length determinant and that many octets.
 * ret_sub reads those octets (its errors are its own); p moves past them.
 * Returns false (error recorded in p) when the octets are not all there.
 */
bool per_open_type(struct per *p, struct per *ret_sub);
bool per_skip_open_type(struct per *p);

/*
 * The extension additions of a SEQUENCE whose extension bit was set
 * (X.691 18.7-9): per_ext_begin() reads the count and the presence
 * bitmap, per_ext_next() moves to the next present addition, returns its
 * index and opens it as an open type in ret_sub; -1 at the end or on error.
 * Additions not asked for are skipped by calling per_ext_next() again.
 */
bool per_ext_begin(struct per *p, struct per_ext *ret);
int per_ext_next(struct per *p, struct per_ext *e, struct per *ret_sub);
/* Skips every addition left. */
void per_ext_skip(struct per *p, struct per_ext *e);
/* Reads the extension bitmap (when ext is true) and skips every addition. */
void per_skip_extensions(struct per *p, bool ext);

/*
 * OCTET STRING (SIZE(lb..ub)) (X.691 17; PER_UNBOUNDED for no upper bound):
 * copies min(length, cap) octets into out (may be NULL with cap 0) and
 * returns the length of the encoding. Fixed sizes of one or two octets are
 * not aligned, as X.691 17.6 says.
 */
size_t per_octets(struct per *p, uint32_t lb, uint32_t ub, uint8_t *out, size_t cap);

/* OBJECT IDENTIFIER: a length and the BER contents octets; as per_octets(). */
size_t per_oid(struct per *p, uint8_t *out, size_t cap);

/* BIT STRING (SIZE(lb..ub)), skipped; returns its length in bits. */
size_t per_skip_bitstring(struct per *p, uint32_t lb, uint32_t ub);

/*
 * A known-multiplier character string of 8-bit-or-less characters
 * (IA5String, NumericString, PrintableString, VisibleString) with
 * SIZE(lb..ub). alphabet lists the permitted characters in code order, or
 * is NULL for all of IA5String. Characters are ceil(log2 N) bits rounded
 * up to a power of two (X.691 27.5.2); when the largest code does not fit
 * in that many bits they are indices into the alphabet. An index outside
 * the alphabet is PER_MALFORMED. Writes at most cap - 1 characters and a
 * NUL into out (cap >= 1); returns the length of the encoding.
 */
size_t per_string(struct per *p, uint32_t lb, uint32_t ub, const char *alphabet, char *out,
                  size_t cap);

/*
 * BMPString (SIZE(lb..ub)): 16-bit characters, written to out as UTF-8
 * (at most cap - 1 bytes, never a partial character, NUL-terminated); NUL
 * characters are dropped and surrogate halves become '?'. Returns the
 * length of the encoding in characters.
 */
size_t per_bmp(struct per *p, uint32_t lb, uint32_t ub, char *out, size_t cap);
