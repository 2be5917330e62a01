/*
 * callseen.h - a bounded memory of calls already alerted, so that a
 * detector fires once per call. A call is known by (flow_id, call
 * reference), and also by its H.225 callIdentifier when it has one, so the
 * same call seen in RAS and in Q.931 on two flows counts once. The last
 * `cap` calls are kept; the oldest is forgotten first.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

struct dis_event;
struct callseen;

/* NULL on OOM. */
struct callseen *callseen_new(size_t cap);
struct callseen *callseen_free(struct callseen *s);
/* True when ev's call was remembered already; else remembers it and returns false. */
bool callseen_check_add(struct callseen *s, const struct dis_event *ev);
