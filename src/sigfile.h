/*
 * sigfile.h - reader for line-oriented data files (signatures/, inventories).
 *
 * Lines are UTF-8 text; '#' starts a comment (to end of line) unless
 * escaped as "\#"; leading and trailing white space is dropped; empty lines
 * are skipped. Each remaining line is handed to a callback with its number,
 * so that every error names file:line. Lines longer than SIGFILE_MAX_LINE
 * and files with NUL bytes are errors.
 */
#pragma once

#include <stddef.h>

#define SIGFILE_MAX_LINE 4096

/*
 * Line callback: return 0 to go on, or a negative errno after writing the
 * reason (without file and line) into err.
 */
typedef int (*sigfile_line_fn)(void *user, const char *line, unsigned lineno, char *err,
                               size_t errlen);

/*
 * Reads path and calls fn for every non-empty line. On failure err holds
 * "path:line: reason" (or "path: reason") and the negative errno is returned.
 */
int sigfile_read(const char *path, sigfile_line_fn fn, void *user, char *err, size_t errlen);
