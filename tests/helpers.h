/*
 * helpers.h - small utilities shared by the Criterion tests.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

/*
 * Decodes hex text ("30 2c 02 01", spaces and newlines ignored) into a
 * malloc'd buffer; *ret_len gets its length. Aborts the test on bad hex.
 */
uint8_t *th_hex(const char *hex, size_t *ret_len);

/* Path of a file under the source tree (static buffer). */
const char *th_src_path(const char *rel);

/* Writes text to a new temporary file and returns its path (static buffer per call slot). */
const char *th_write_temp(const char *name, const char *text);
