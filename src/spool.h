/*
 * spool.h - an append-only, on-disk FIFO of event lines for the Redis output.
 *
 * While Redis is down (or the memory queue is full) events are appended here
 * and replayed in order on reconnect. The spool is a folder of segment files
 * NNNNNNNNNNNNNNNNNNNN.seg (20-digit sequence numbers, replayed in ascending
 * order), each a run of records
 *
 *     magic "TWS1" (4) | length (4, LE) | CRC-32 of length+payload (4, LE) | payload
 *
 * plus, for a partly delivered segment, NNNN.off holding the delivered byte
 * offset (written to a temporary file and renamed, so it is whole or old).
 * A fully delivered segment is deleted; a drained spool leaves no files but
 * the lock file.
 *
 * Opening scans every segment: a record whose header or length runs past the
 * end of the file, or whose magic is wrong, is a torn tail (a crash while
 * appending): the file is truncated there and the loss counted; a record
 * whose checksum alone is wrong is skipped and counted; everything else is
 * replayed.
 *
 * Durability (fsync policy): appends are write(2)s, so they survive a crash
 * of tollwatch but not of the machine; a segment is fsync'd when it is
 * closed (rotation, spool_close) and records moved from memory by
 * spool_prepend are fsync'd at once. The delivered-offset file is not
 * fsync'd: after a power loss some delivered events may be re-sent
 * (at-least-once), never lost.
 *
 * A spool is not thread-safe: the Redis output calls it under its own lock.
 * One process per folder (flock on spool.lock).
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#define SPOOL_MAX_RECORD    (16u << 20)
#define SPOOL_SEGMENT_BYTES (64u << 20)

struct spool;

/* Position just after a record returned by spool_read(). */
struct spool_pos {
    uint64_t seq;     /* segment */
    uint64_t off;     /* byte offset in it */
    uint64_t ordinal; /* records read since open */
};

struct spool_stats {
    uint64_t appended;       /* records appended or prepended */
    uint64_t committed;      /* records delivered and released */
    uint64_t torn;           /* torn tails truncated at open */
    uint64_t torn_bytes;     /* bytes cut off by them */
    uint64_t corrupt;        /* records skipped for a bad checksum */
    uint64_t pending;        /* records not yet committed */
    uint64_t pending_bytes;  /* bytes of segment files not yet committed */
    uint64_t segments;       /* segment files */
    uint64_t write_failures; /* appends that failed (disk full...) */
};

/*
 * Opens (creating it and its parents if needed) the spool folder dir and
 * scans what is left in it. segment_bytes: rotation size (0 = default).
 * 0, or negative errno with err set.
 */
int spool_open(const char *dir, uint64_t segment_bytes, struct spool **ret, char *err,
               size_t errlen);
/* fsyncs and closes; NULL-safe; returns NULL. Undelivered records stay on disk. */
struct spool *spool_close(struct spool *s);

/* Appends one record (len <= SPOOL_MAX_RECORD). 0 or negative errno. */
int spool_append(struct spool *s, const void *buf, size_t len);
/*
 * Inserts n records before everything in the spool, in the given order, in a
 * new fsync'd segment. Only allowed with nothing read and uncommitted
 * (call spool_rewind first). 0 or negative errno (nothing inserted).
 */
int spool_prepend(struct spool *s, const char *const *bufs, const size_t *lens, size_t n);

/*
 * Reads the next record after the read cursor: 1 with *ret_buf (malloc'd,
 * the caller frees; NUL-terminated for convenience), *ret_len and *ret_pos
 * set; 0 when there is nothing more; negative errno on an I/O error.
 */
int spool_read(struct spool *s, char **ret_buf, size_t *ret_len, struct spool_pos *ret_pos);
/* Releases every record up to pos (delivered); persists the offset. 0 or negative errno. */
int spool_commit(struct spool *s, const struct spool_pos *pos);
/* Moves the read cursor back to the first uncommitted record. */
void spool_rewind(struct spool *s);

uint64_t spool_pending(const struct spool *s);
/* Records read and not yet committed. */
uint64_t spool_inflight(const struct spool *s);
void spool_get_stats(const struct spool *s, struct spool_stats *ret);
const char *spool_dir(const struct spool *s);

/* CRC-32 (IEEE 802.3, as zlib's crc32) of buf, continuing from crc (start 0). */
uint32_t spool_crc32(uint32_t crc, const void *buf, size_t len);
