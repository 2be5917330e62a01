/*
 * callseen.c - see callseen.h. A ring searched linearly: call setups are
 * rare next to packets, and the ring is small.
 */
#include "callseen.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "event.h"
#include "flow.h"

struct callseen_key {
    uint64_t flow_id;
    uint32_t call_ref;
    bool has_call_id;
    uint8_t call_id[16];
};

struct callseen {
    size_t cap, used, next;
    struct callseen_key keys[];
};

struct callseen *callseen_new(size_t cap)
{
    if (cap == 0)
        cap = 1;
    struct callseen *s = calloc(1, sizeof(*s) + cap * sizeof(s->keys[0]));
    if (s)
        s->cap = cap;
    return s;
}

struct callseen *callseen_free(struct callseen *s)
{
    free(s);
    return NULL;
}

bool callseen_check_add(struct callseen *s, const struct dis_event *ev)
{
    const struct ev_call *c = &ev->u.call;
    struct callseen_key k;

    memset(&k, 0, sizeof(k));
    k.flow_id = ev->flow ? ev->flow->flow_id : 0;
    k.call_ref = c->call_ref;
    k.has_call_id = c->has_call_id;
    if (c->has_call_id)
        memcpy(k.call_id, c->call_id, sizeof(k.call_id));
    for (size_t i = 0; i < s->used; i++) {
        const struct callseen_key *e = &s->keys[i];
        if (e->flow_id == k.flow_id && e->call_ref == k.call_ref)
            return true;
        if (k.has_call_id && e->has_call_id && memcmp(e->call_id, k.call_id, 16) == 0)
            return true;
    }
    s->keys[s->next] = k;
    s->next = (s->next + 1) % s->cap;
    if (s->used < s->cap)
        s->used++;
    return false;
}
