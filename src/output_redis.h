/*
 * output_redis.h - the Redis sink (output_redis_sink, declared in output.h).
 *
 * One output thread owns the hiredis context. Workers hand it copies of
 * their lines through a bounded memory queue (outputs.redis.max_queue);
 * when the queue is full, or while anything waits in the spool, a line is
 * appended to the spool (spool.h) instead, so the producer never waits for
 * Redis and the order of lines is kept: memory queue first, then the
 * spool. The thread sends batches of up to OUTPUT_REDIS_BATCH lines (or
 * what arrived within OUTPUT_REDIS_BATCH_MS) pipelined, reads every reply,
 * and only then counts them delivered and releases them from the spool.
 * When Redis goes away the unacknowledged batch and the memory queue move
 * to the front of the spool; reconnection uses capped exponential backoff.
 *
 * Test knob: TW_REDIS_TEST_DELAY_US=N makes the thread sleep N
 * microseconds per line before each batch, so that tests can stop and
 * restart Redis in the middle of a run.
 */
#pragma once

#include <stddef.h>

#define OUTPUT_REDIS_BATCH         256
#define OUTPUT_REDIS_BATCH_MS      50
#define OUTPUT_REDIS_TIMEOUT_MS    2000     /* connect and command timeout */
#define OUTPUT_REDIS_BACKOFF_MIN   100      /* ms */
#define OUTPUT_REDIS_BACKOFF_MAX   5000     /* ms */
#define OUTPUT_REDIS_STREAM_MAXLEN 1000000L /* XADD MAXLEN ~ N */

struct output_redis;

/* The spool folder of a Redis sink handle. */
const char *output_redis_spool_dir_of(void *handle);
