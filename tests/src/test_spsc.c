/*
 * test_spsc.c - the SPSC queue indices and the doorbell (src/spsc.h):
 * ordering, space/avail accounting through wrap-arounds, what publish and
 * release make visible, a two-thread stress run that sleeps on the
 * doorbells, and the doorbell's wait/timeout/ring contract.
 */
#include <criterion/criterion.h>

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

#include "spsc.h"

static uint64_t now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

static void sleep_us(unsigned us)
{
    struct timespec ts = {.tv_sec = us / 1000000, .tv_nsec = (long)(us % 1000000) * 1000};
    nanosleep(&ts, NULL);
}

static uint32_t xorshift(uint32_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 17;
    *s ^= *s << 5;
    return *s;
}

/* Producer side: one item into the next slot (not yet visible). */
static void push(struct spsc *q, uint32_t *slots, uint32_t v)
{
    slots[q->head_local & q->mask] = v;
    q->head_local++;
}

/* Consumer side: the next item (its slot not yet returned). */
static uint32_t pop(struct spsc *q, const uint32_t *slots)
{
    uint32_t v = slots[q->tail_local & q->mask];
    q->tail_local++;
    return v;
}

/* ---- single thread ---- */

Test(spsc, init_empty)
{
    struct spsc q;
    spsc_init(&q, 8);
    cr_assert_eq(q.mask, 7);
    cr_assert_eq(spsc_space(&q), 8);
    cr_assert_eq(spsc_avail(&q), 0);
    cr_assert(spsc_empty(&q));
    spsc_fini(&q);
}

Test(spsc, push_pop_order)
{
    struct spsc q;
    uint32_t slots[8];
    spsc_init(&q, 8);

    for (uint32_t v = 100; v < 105; v++)
        push(&q, slots, v);
    spsc_publish(&q);
    cr_assert_eq(spsc_avail(&q), 5);
    for (uint32_t v = 100; v < 105; v++)
        cr_assert_eq(pop(&q, slots), v);
    cr_assert_eq(spsc_avail(&q), 0);
    spsc_release(&q);

    /* 8 more: indices 5..12 use slots 5, 6, 7, 0, 1, 2, 3, 4 and still come out in order */
    uint32_t pushed = 0;
    while (pushed < 8 && spsc_space(&q) > 0)
        push(&q, slots, 200 + pushed++);
    cr_assert_eq(pushed, 8);
    cr_assert_eq(spsc_space(&q), 0);
    spsc_publish(&q);
    cr_assert_eq(spsc_avail(&q), 8);
    for (uint32_t v = 200; v < 208; v++)
        cr_assert_eq(pop(&q, slots), v);
    spsc_release(&q);
    cr_assert(spsc_empty(&q));
    spsc_fini(&q);
}

Test(spsc, full_queue_has_no_space)
{
    struct spsc q;
    uint32_t slots[8];
    spsc_init(&q, 8);
    for (uint32_t i = 0; i < 8; i++) {
        cr_assert_eq(spsc_space(&q), 8 - i);
        push(&q, slots, i);
    }
    cr_assert_eq(spsc_space(&q), 0);
    spsc_publish(&q);
    cr_assert_eq(spsc_space(&q), 0, "publishing frees nothing");
    cr_assert_eq(spsc_avail(&q), 8);

    cr_assert_eq(pop(&q, slots), 0);
    cr_assert_eq(pop(&q, slots), 1);
    spsc_release(&q);
    /* the cached view was full, so space re-reads the consumer's index: exactly 2 */
    cr_assert_eq(spsc_space(&q), 2);
    push(&q, slots, 8);
    push(&q, slots, 9);
    cr_assert_eq(spsc_space(&q), 0);
    spsc_publish(&q);
    for (uint32_t v = 2; v < 10; v++)
        cr_assert_eq(pop(&q, slots), v);
    spsc_release(&q);
    cr_assert_eq(spsc_space(&q), 8);
    spsc_fini(&q);
}

Test(spsc, publish_makes_items_visible)
{
    struct spsc q;
    uint32_t slots[8];
    spsc_init(&q, 8);

    push(&q, slots, 1);
    push(&q, slots, 2);
    push(&q, slots, 3);
    cr_assert_eq(spsc_avail(&q), 0, "filled but not published");
    cr_assert(spsc_empty(&q));
    spsc_publish(&q);
    cr_assert_eq(spsc_avail(&q), 3);
    cr_assert_not(spsc_empty(&q));

    /* two more, unpublished: the consumer still sees the first three only */
    push(&q, slots, 4);
    push(&q, slots, 5);
    cr_assert_eq(spsc_avail(&q), 3);
    for (uint32_t v = 1; v <= 3; v++)
        cr_assert_eq(pop(&q, slots), v);
    cr_assert_eq(spsc_avail(&q), 0);
    spsc_publish(&q);
    cr_assert_eq(spsc_avail(&q), 2);
    cr_assert_eq(pop(&q, slots), 4);
    cr_assert_eq(pop(&q, slots), 5);
    spsc_release(&q);
    cr_assert(spsc_empty(&q));
    spsc_fini(&q);
}

Test(spsc, release_returns_space)
{
    struct spsc q;
    uint32_t slots[8];
    spsc_init(&q, 8);

    for (uint32_t i = 0; i < 4; i++)
        push(&q, slots, i);
    spsc_publish(&q);
    cr_assert_eq(spsc_space(&q), 4);
    for (uint32_t i = 0; i < 4; i++)
        cr_assert_eq(pop(&q, slots), i);
    /* read but not released: the producer may not reuse those slots */
    cr_assert_eq(spsc_space(&q), 4);
    for (uint32_t i = 4; i < 8; i++)
        push(&q, slots, i);
    cr_assert_eq(spsc_space(&q), 0);
    cr_assert_eq(spsc_space(&q), 0);
    spsc_release(&q);
    cr_assert_eq(spsc_space(&q), 4);
    spsc_publish(&q);
    for (uint32_t i = 4; i < 8; i++)
        cr_assert_eq(pop(&q, slots), i);
    spsc_release(&q);
    cr_assert(spsc_empty(&q));
    spsc_fini(&q);
}

/*
 * 1000 items through 8 slots (125 laps) in random bursts, publishing and
 * releasing at random. Space and avail may lag (cached views) but never
 * overstate, and are 0 exactly when the queue is full or has nothing
 * published.
 */
Test(spsc, accounting_through_wraparounds)
{
    enum { SLOTS = 8, ITEMS = 1000 };
    struct spsc q;
    uint32_t slots[SLOTS];
    spsc_init(&q, SLOTS);
    uint64_t pushed = 0, published = 0, popped = 0, released = 0;
    uint32_t rng = 2463534242u;
    unsigned rounds = 0, saw_full = 0, saw_empty = 0;

    while (popped < ITEMS) {
        cr_assert_lt(rounds++, 100000, "no progress");
        unsigned burst = 1 + xorshift(&rng) % 10;
        for (unsigned i = 0; i < burst && pushed < ITEMS; i++) {
            uint64_t free_now = SLOTS - (pushed - released);
            uint64_t s = spsc_space(&q);
            cr_assert_leq(s, free_now, "space %lu > %lu", (unsigned long)s,
                          (unsigned long)free_now);
            cr_assert_eq(s == 0, free_now == 0, "space %lu, free %lu", (unsigned long)s,
                         (unsigned long)free_now);
            if (s == 0) {
                saw_full++;
                break;
            }
            push(&q, slots, (uint32_t)pushed++);
        }
        if (xorshift(&rng) % 2) {
            spsc_publish(&q);
            published = pushed;
        }
        cr_assert_eq(atomic_load(&q.head), published);

        unsigned take = 1 + xorshift(&rng) % 10;
        for (unsigned i = 0; i < take; i++) {
            uint64_t ready = published - popped;
            uint64_t a = spsc_avail(&q);
            cr_assert_leq(a, ready);
            cr_assert_eq(a == 0, ready == 0, "avail %lu, published %lu", (unsigned long)a,
                         (unsigned long)ready);
            if (a == 0) {
                saw_empty++;
                break;
            }
            cr_assert_eq(pop(&q, slots), popped, "item %lu", (unsigned long)popped);
            popped++;
        }
        if (xorshift(&rng) % 2) {
            spsc_release(&q);
            released = popped;
        }
        cr_assert_eq(atomic_load(&q.tail), released);
        cr_assert_eq(spsc_empty(&q), published == released);
    }
    cr_assert_gt(saw_full, 0);
    cr_assert_gt(saw_empty, 0);
    spsc_release(&q);
    cr_assert(spsc_empty(&q));
    spsc_fini(&q);
}

/* The indices are free-running 64-bit counters: crossing 2^64 changes nothing. */
Test(spsc, index_counter_overflow)
{
    struct spsc q;
    uint32_t slots[8];
    spsc_init(&q, 8);
    uint64_t start = UINT64_MAX - 20;
    atomic_store(&q.head, start);
    atomic_store(&q.tail, start);
    q.head_local = q.cached_tail = q.tail_local = q.cached_head = start;

    uint32_t next_in = 0, next_out = 0;
    while (next_out < 100) {
        while (spsc_space(&q) > 0)
            push(&q, slots, next_in++);
        cr_assert_eq(q.head_local - atomic_load(&q.tail), 8);
        spsc_publish(&q);
        cr_assert_eq(spsc_avail(&q), 8);
        while (spsc_avail(&q) > 0)
            cr_assert_eq(pop(&q, slots), next_out++);
        spsc_release(&q);
        cr_assert(spsc_empty(&q));
    }
    cr_assert_lt(q.head_local, start, "the counters wrapped");
    spsc_fini(&q);
}

/* ---- doorbell ---- */

static bool always(void *arg)
{
    atomic_int *calls = arg;
    atomic_fetch_add(calls, 1);
    return true;
}

static bool never(void *arg)
{
    (void)arg;
    return false;
}

Test(doorbell, ready_returns_at_once)
{
    struct doorbell b;
    doorbell_init(&b);
    atomic_int calls = 0;
    uint64_t t0 = now_us();
    doorbell_wait(&b, always, &calls, 5000000);
    uint64_t took = now_us() - t0;
    cr_assert_lt(took, 500000, "waited %lu us with ready() true", (unsigned long)took);
    cr_assert_geq(atomic_load(&calls), 1);
    cr_assert_eq(atomic_load(&b.waiting), 0);
    doorbell_fini(&b);
}

Test(doorbell, times_out_when_nobody_rings)
{
    struct doorbell b;
    doorbell_init(&b);
    /* a ring with nobody waiting is not remembered */
    doorbell_ring(&b);

    static const unsigned timeouts[] = {20000, 1250000}; /* the second crosses a second */
    for (size_t i = 0; i < sizeof(timeouts) / sizeof(timeouts[0]); i++) {
        uint64_t t0 = now_us();
        doorbell_wait(&b, never, NULL, timeouts[i]);
        uint64_t took = now_us() - t0;
        cr_assert_geq(took, timeouts[i], "returned after %lu us, timeout %u", (unsigned long)took,
                      timeouts[i]);
        cr_assert_lt(took, timeouts[i] + 1000000u, "returned after %lu us, timeout %u",
                     (unsigned long)took, timeouts[i]);
        cr_assert_eq(atomic_load(&b.waiting), 0);
    }
    uint64_t t0 = now_us();
    doorbell_wait(&b, never, NULL, 0);
    cr_assert_lt(now_us() - t0, 500000);
    doorbell_fini(&b);
}

struct waiter {
    struct doorbell bell;
    atomic_bool flag;
    bool use_flag; /* ready() is the flag; otherwise ready() is always false */
    unsigned timeout_us;
    uint64_t took_us;
};

static bool flag_set(void *arg)
{
    struct waiter *w = arg;
    return atomic_load(&w->flag);
}

static void *waiter_main(void *arg)
{
    struct waiter *w = arg;
    uint64_t t0 = now_us();
    doorbell_wait(&w->bell, w->use_flag ? flag_set : never, w, w->timeout_us);
    w->took_us = now_us() - t0;
    return NULL;
}

/* Starts a waiter with a 10 s timeout, rings once it sleeps; returns how long it waited. */
static uint64_t ring_a_sleeper(bool use_flag)
{
    struct waiter w = {.use_flag = use_flag, .timeout_us = 10000000};
    doorbell_init(&w.bell);
    atomic_init(&w.flag, false);
    pthread_t th;
    cr_assert_eq(pthread_create(&th, NULL, waiter_main, &w), 0);
    /* waiting is raised under the lock, which the waiter only drops inside the timed wait */
    for (int i = 0; atomic_load(&w.bell.waiting) == 0; i++) {
        cr_assert_lt(i, 5000, "the waiter never announced itself");
        sleep_us(1000);
    }
    sleep_us(20000);
    if (use_flag)
        atomic_store(&w.flag, true);
    doorbell_ring(&w.bell);
    pthread_join(th, NULL);
    cr_assert_eq(atomic_load(&w.bell.waiting), 0);
    doorbell_fini(&w.bell);
    return w.took_us;
}

Test(doorbell, ring_wakes_sleeper)
{
    uint64_t took = ring_a_sleeper(true);
    cr_assert_geq(took, 20000, "returned before the ring: %lu us", (unsigned long)took);
    cr_assert_lt(took, 2000000, "ring did not wake the waiter: %lu us", (unsigned long)took);
    /* the ring alone wakes it, whatever ready() says */
    took = ring_a_sleeper(false);
    cr_assert_geq(took, 20000, "returned before the ring: %lu us", (unsigned long)took);
    cr_assert_lt(took, 2000000, "ring did not wake the waiter: %lu us", (unsigned long)took);
}

/* ---- two threads ---- */

#define STRESS_ITEMS   1000000u
#define STRESS_SLOTS   64
#define STRESS_BATCH   16
#define STRESS_WAIT_US 10000

struct stress {
    struct spsc q;
    uint64_t slots[STRESS_SLOTS];
    /* the consumer's findings, read after join */
    uint64_t received, bad, first_bad_at, first_bad_val;
    uint64_t producer_waits, consumer_waits, slow_waits;
};

static bool has_room(void *arg)
{
    struct stress *s = arg;
    return spsc_space(&s->q) > 0;
}

static bool has_items(void *arg)
{
    struct stress *s = arg;
    return spsc_avail(&s->q) > 0;
}

static void *stress_producer(void *arg)
{
    struct stress *s = arg;
    struct spsc *q = &s->q;
    uint64_t next = 0;
    while (next < STRESS_ITEMS) {
        uint64_t n = spsc_space(q);
        if (n == 0) {
            spsc_publish(q); /* never sleep on unpublished items */
            s->producer_waits++;
            uint64_t t0 = now_us();
            doorbell_wait(&q->not_full, has_room, s, STRESS_WAIT_US);
            if (now_us() - t0 >= STRESS_WAIT_US)
                s->slow_waits++;
            continue;
        }
        if (n > STRESS_BATCH)
            n = STRESS_BATCH;
        if (n > STRESS_ITEMS - next)
            n = STRESS_ITEMS - next;
        for (uint64_t i = 0; i < n; i++) {
            s->slots[q->head_local & q->mask] = next++;
            q->head_local++;
        }
        spsc_publish(q);
    }
    return NULL;
}

static void *stress_consumer(void *arg)
{
    struct stress *s = arg;
    struct spsc *q = &s->q;
    while (s->received < STRESS_ITEMS) {
        uint64_t n = spsc_avail(q);
        if (n == 0) {
            spsc_release(q);
            s->consumer_waits++;
            doorbell_wait(&q->not_empty, has_items, s, STRESS_WAIT_US);
            continue;
        }
        if (n > STRESS_BATCH)
            n = STRESS_BATCH;
        for (uint64_t i = 0; i < n; i++) {
            uint64_t v = s->slots[q->tail_local & q->mask];
            q->tail_local++;
            if (v != s->received && s->bad++ == 0) {
                s->first_bad_at = s->received;
                s->first_bad_val = v;
            }
            s->received++;
        }
        spsc_release(q);
    }
    return NULL;
}

Test(spsc, two_thread_stress)
{
    static struct stress s; /* static: 64-byte aligned, off the test's stack */
    memset(&s, 0, sizeof(s));
    spsc_init(&s.q, STRESS_SLOTS);

    uint64_t t0 = now_us();
    pthread_t prod, cons;
    cr_assert_eq(pthread_create(&cons, NULL, stress_consumer, &s), 0);
    cr_assert_eq(pthread_create(&prod, NULL, stress_producer, &s), 0);
    /*
     * A bounded join rather than Criterion's .timeout (which, with parallel
     * jobs, leaks in Criterion's runner under LeakSanitizer): lost wake-ups
     * would make every wait run to its 10 ms timeout, some 200 s in all.
     */
    struct timespec dl;
    clock_gettime(CLOCK_REALTIME, &dl);
    dl.tv_sec += 30;
    cr_assert_eq(pthread_timedjoin_np(prod, NULL, &dl), 0, "producer not done after 30 s");
    cr_assert_eq(pthread_timedjoin_np(cons, NULL, &dl), 0, "consumer not done after 30 s");
    uint64_t took = now_us() - t0;

    cr_assert_eq(s.received, STRESS_ITEMS);
    cr_assert_eq(s.bad, 0, "%lu items out of sequence, first at %lu: got %lu", (unsigned long)s.bad,
                 (unsigned long)s.first_bad_at, (unsigned long)s.first_bad_val);
    cr_assert(spsc_empty(&s.q));
    cr_assert_eq(atomic_load(&s.q.head), STRESS_ITEMS);
    cr_assert_eq(atomic_load(&s.q.tail), STRESS_ITEMS);
    cr_assert_eq(atomic_load(&s.q.not_full.waiting), 0);
    cr_assert_eq(atomic_load(&s.q.not_empty.waiting), 0);
    /* lost wake-ups would show as waits that run to the 10 ms timeout */
    cr_assert_lt(took, 5000000,
                 "took %lu us (producer waits %lu, consumer waits %lu, producer waits to "
                 "timeout %lu)",
                 (unsigned long)took, (unsigned long)s.producer_waits,
                 (unsigned long)s.consumer_waits, (unsigned long)s.slow_waits);
    cr_log_info("stress: %lu us, producer waits %lu (%lu to timeout), consumer waits %lu",
                (unsigned long)took, (unsigned long)s.producer_waits, (unsigned long)s.slow_waits,
                (unsigned long)s.consumer_waits);
    spsc_fini(&s.q);
}
