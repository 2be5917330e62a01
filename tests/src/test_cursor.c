/*
 * test_cursor.c - the bounds-checked reader.
 */
#include <criterion/criterion.h>
#include <stdint.h>

#include "cursor.h"

static const uint8_t bytes[] = {0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08};

Test(cursor, reads_big_and_little_endian)
{
    struct cursor c;
    cur_init(&c, bytes, sizeof(bytes));
    cr_assert_eq(cur_u8(&c), 0x01);
    cr_assert_eq(cur_be16(&c), 0x0203);
    cr_assert_eq(cur_le16(&c), 0x0504);
    cr_assert_eq(cur_be24(&c), 0x060708);
    cr_assert(cur_ok(&c));
    cr_assert_eq(cur_left(&c), 0);
    cur_init(&c, bytes, sizeof(bytes));
    cr_assert_eq(cur_be32(&c), 0x01020304u);
    cr_assert_eq(cur_le32(&c), 0x08070605u);
}

Test(cursor, overrun_is_sticky_and_returns_zero)
{
    struct cursor c;
    cur_init(&c, bytes, 3);
    cr_assert_eq(cur_be16(&c), 0x0102);
    cr_assert_eq(cur_be16(&c), 0); /* only one byte left */
    cr_assert_not(cur_ok(&c));
    cr_assert_eq(cur_u8(&c), 0, "a cursor in error stays in error");
    cr_assert_null(cur_bytes(&c, 0));
}

Test(cursor, huge_length_cannot_wrap)
{
    struct cursor c;
    cur_init(&c, bytes, sizeof(bytes));
    cur_u8(&c);
    cr_assert_null(cur_bytes(&c, SIZE_MAX));
    cr_assert_not(cur_ok(&c));
    cur_init(&c, bytes, sizeof(bytes));
    cr_assert_not(cur_skip(&c, SIZE_MAX - 2));
}

Test(cursor, sub_cursor_is_bounded_and_advances_parent)
{
    struct cursor c;
    cur_init(&c, bytes, sizeof(bytes));
    cur_u8(&c);
    struct cursor s = cur_sub(&c, 3);
    cr_assert_eq(cur_left(&s), 3);
    cr_assert_eq(cur_left(&c), 4);
    cr_assert_eq(cur_be24(&s), 0x020304);
    cr_assert_eq(cur_u8(&s), 0);
    cr_assert_not(cur_ok(&s));
    cr_assert(cur_ok(&c), "a child's overrun does not poison the parent");
    cr_assert_eq(cur_u8(&c), 0x05);
}

Test(cursor, sub_cursor_too_long_fails_both)
{
    struct cursor c;
    cur_init(&c, bytes, sizeof(bytes));
    struct cursor s = cur_sub(&c, 9);
    cr_assert_not(cur_ok(&s));
    cr_assert_not(cur_ok(&c));
    cr_assert_eq(cur_left(&s), 0);
}

Test(cursor, peek_copy_rest)
{
    struct cursor c;
    uint8_t out[2] = {0, 0};
    cur_init(&c, bytes, sizeof(bytes));
    cr_assert_eq(cur_peek(&c, 7), 0x08);
    cr_assert_eq(cur_peek(&c, 8), -1);
    cr_assert(cur_copy(&c, out, 2));
    cr_assert_eq(out[1], 0x02);
    struct cursor r = cur_rest(&c);
    cr_assert_eq(cur_left(&r), 6);
    cr_assert_eq(cur_left(&c), 0);
    cr_assert_not(cur_copy(&c, out, 1));
    cr_assert_eq(out[0], 0x01, "a failed copy leaves the destination alone");
}

Test(cursor, null_data_is_empty)
{
    struct cursor c;
    cur_init(&c, NULL, 10);
    cr_assert_eq(cur_left(&c), 0);
    cr_assert_eq(cur_u8(&c), 0);
    cr_assert_not(cur_ok(&c));
}
