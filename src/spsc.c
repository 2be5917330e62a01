/*
 * spsc.c - doorbells and queue set-up; see spsc.h.
 */
#include "spsc.h"

#include <time.h>

void doorbell_init(struct doorbell *b)
{
    atomic_init(&b->waiting, 0);
    pthread_mutex_init(&b->lock, NULL);
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&b->cond, &ca);
    pthread_condattr_destroy(&ca);
}

void doorbell_fini(struct doorbell *b)
{
    pthread_cond_destroy(&b->cond);
    pthread_mutex_destroy(&b->lock);
}

void doorbell_wait(struct doorbell *b, bool (*ready)(void *arg), void *arg, unsigned timeout_us)
{
    struct timespec dl;
    clock_gettime(CLOCK_MONOTONIC, &dl);
    dl.tv_nsec += (long)(timeout_us % 1000000) * 1000;
    dl.tv_sec += (time_t)(timeout_us / 1000000) + dl.tv_nsec / 1000000000;
    dl.tv_nsec %= 1000000000;
    pthread_mutex_lock(&b->lock);
    atomic_fetch_add_explicit(&b->waiting, 1, memory_order_seq_cst);
    if (!ready(arg))
        pthread_cond_timedwait(&b->cond, &b->lock, &dl);
    atomic_fetch_sub_explicit(&b->waiting, 1, memory_order_seq_cst);
    pthread_mutex_unlock(&b->lock);
}

void doorbell_ring(struct doorbell *b)
{
    if (!atomic_load_explicit(&b->waiting, memory_order_seq_cst))
        return;
    pthread_mutex_lock(&b->lock);
    pthread_cond_broadcast(&b->cond);
    pthread_mutex_unlock(&b->lock);
}

void spsc_init(struct spsc *q, uint64_t slots)
{
    atomic_init(&q->head, 0);
    atomic_init(&q->tail, 0);
    q->head_local = q->cached_tail = 0;
    q->tail_local = q->cached_head = 0;
    q->mask = slots - 1;
    doorbell_init(&q->not_empty);
    doorbell_init(&q->not_full);
}

void spsc_fini(struct spsc *q)
{
    doorbell_fini(&q->not_empty);
    doorbell_fini(&q->not_full);
}
