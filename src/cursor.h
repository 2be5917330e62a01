/*
 * cursor.h - bounds-checked reader over wire bytes.
 *
 * Every byte tollwatch reads from a packet goes through a struct cursor. A
 * read past the end sets a sticky error flag and returns 0 (or NULL), so a
 * parser can read a whole header and test cur_ok() once at its decision
 * point, as tcpdump's GET_* macros do without the longjmp. cur_sub() makes a
 * child cursor bounded by a length field (BER, TPKT, Skinny) and advances the
 * parent past it. Only cursor.c does pointer arithmetic on payload.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct cursor {
    const uint8_t *base;
    size_t len;
    size_t off;
    bool err;
};

void cur_init(struct cursor *c, const uint8_t *data, size_t len);
size_t cur_left(const struct cursor *c);
bool cur_ok(const struct cursor *c);
/* Pointer to the unread bytes (valid for cur_left() bytes); never NULL for a valid cursor. */
const uint8_t *cur_ptr(const struct cursor *c);

uint8_t cur_u8(struct cursor *c);
uint16_t cur_be16(struct cursor *c);
uint32_t cur_be24(struct cursor *c);
uint32_t cur_be32(struct cursor *c);
uint16_t cur_le16(struct cursor *c);
uint32_t cur_le32(struct cursor *c);
/* Byte at offset 'at' from the read position without consuming; -1 if absent. */
int cur_peek(const struct cursor *c, size_t at);
/* Returns a pointer to n bytes and consumes them, or NULL (and sets err). */
const uint8_t *cur_bytes(struct cursor *c, size_t n);
/* Copies n bytes into dst; false (err set, dst untouched) if fewer remain. */
bool cur_copy(struct cursor *c, void *dst, size_t n);
bool cur_skip(struct cursor *c, size_t n);
/*
 * Child cursor over the next n bytes; the parent advances past them. If fewer
 * than n remain, both parent and child get the error flag and the child is
 * empty.
 */
struct cursor cur_sub(struct cursor *c, size_t n);
/* Child over the rest of c; c becomes empty. */
struct cursor cur_rest(struct cursor *c);
