/*
 * spsc.h - single-producer single-consumer queue indices, and a doorbell.
 *
 * The queue keeps only the two indices; the caller owns the slot array
 * (capacity a power of two, slot = index & mask). Each index lives on its
 * own cache line with the other side's cached copy of it, so that the
 * producer and the consumer touch each other's line only when their cached
 * view says the queue is full or empty:
 *
 *   producer: n = spsc_space(q); fill slots[q->head_local & mask]; q->head_local++;
 *             ... spsc_publish(q) (a batch at a time)
 *   consumer: n = spsc_avail(q); read slots[q->tail_local & mask]; q->tail_local++;
 *             ... spsc_release(q) (a batch at a time)
 *
 * A doorbell lets a side that found nothing to do sleep until the other side
 * rings it, with a timeout as a backstop. The sleeper sets `waiting` and
 * re-checks its condition under the mutex; the ringer publishes first and
 * looks at `waiting` after (both sequentially consistent), so a wake-up is
 * never lost.
 */
#pragma once

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#define TW_CACHELINE 64

struct doorbell {
    atomic_int waiting;
    pthread_mutex_t lock;
    pthread_cond_t cond;
};

void doorbell_init(struct doorbell *b);
void doorbell_fini(struct doorbell *b);
/*
 * Sleeps until rung or timeout_us passed, unless ready(arg) is already true
 * (checked after announcing the wait). Spurious returns are allowed: callers
 * loop on their own condition.
 */
void doorbell_wait(struct doorbell *b, bool (*ready)(void *arg), void *arg, unsigned timeout_us);
/* Wakes the sleeper, if there is one; cheap when nobody waits. */
void doorbell_ring(struct doorbell *b);

struct spsc {
    /* producer's line */
    _Alignas(TW_CACHELINE) _Atomic uint64_t head; /* published: slots below are full */
    uint64_t head_local;                          /* producer's next slot */
    uint64_t cached_tail;
    /* consumer's line */
    _Alignas(TW_CACHELINE) _Atomic uint64_t tail; /* published: slots below are free */
    uint64_t tail_local;                          /* consumer's next slot */
    uint64_t cached_head;
    /* read-only after init */
    _Alignas(TW_CACHELINE) uint64_t mask;
    struct doorbell not_empty; /* the consumer sleeps here */
    struct doorbell not_full;  /* the producer sleeps here */
};

/* slots must be a power of two. */
void spsc_init(struct spsc *q, uint64_t slots);
void spsc_fini(struct spsc *q);

/* Producer: free slots (re-reads the consumer's index only when the cached view is full). */
static inline uint64_t spsc_space(struct spsc *q)
{
    uint64_t cap = q->mask + 1;
    if (q->head_local - q->cached_tail < cap)
        return cap - (q->head_local - q->cached_tail);
    q->cached_tail = atomic_load_explicit(&q->tail, memory_order_acquire);
    return cap - (q->head_local - q->cached_tail);
}

/* Producer: makes the slots filled so far visible, and wakes a sleeping consumer. */
static inline void spsc_publish(struct spsc *q)
{
    if (atomic_load_explicit(&q->head, memory_order_relaxed) == q->head_local)
        return;
    atomic_store_explicit(&q->head, q->head_local, memory_order_seq_cst);
    doorbell_ring(&q->not_empty);
}

/* Consumer: filled slots ready to read (re-reads the producer's index only when empty). */
static inline uint64_t spsc_avail(struct spsc *q)
{
    if (q->cached_head != q->tail_local)
        return q->cached_head - q->tail_local;
    q->cached_head = atomic_load_explicit(&q->head, memory_order_acquire);
    return q->cached_head - q->tail_local;
}

/* Consumer: returns the slots read so far to the producer, and wakes it if it waits. */
static inline void spsc_release(struct spsc *q)
{
    if (atomic_load_explicit(&q->tail, memory_order_relaxed) == q->tail_local)
        return;
    atomic_store_explicit(&q->tail, q->tail_local, memory_order_seq_cst);
    doorbell_ring(&q->not_full);
}

/* True when the consumer has nothing left to read (any thread; a snapshot). */
static inline bool spsc_empty(struct spsc *q)
{
    return atomic_load_explicit(&q->head, memory_order_acquire) ==
           atomic_load_explicit(&q->tail, memory_order_acquire);
}
