/*
 * prefix.h - sets of IPv4/IPv6 prefixes with fast longest-match lookup.
 *
 * Used for networks.lan, networks.management and networks.gatekeepers. A set
 * is built once from config (prefix_set_add), then frozen (prefix_set_freeze)
 * and only read by the workers. Lookup is a binary search over sorted,
 * merged ranges per family: O(log n), no allocation.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "packet.h"

struct prefix_set;

struct prefix_set *prefix_set_new(void);
struct prefix_set *prefix_set_free(struct prefix_set *s);
/*
 * Parses "10.0.0.0/8", "2001:db8::/32", or a bare address (a /32 or /128)
 * and adds it. Host bits beyond the mask are an error ("10.1.0.0/8").
 * Returns 0, -EINVAL (err gets the reason), or -ENOMEM.
 */
int prefix_set_add(struct prefix_set *s, const char *text, char *err, size_t errlen);
/* Sorts and merges; must be called before prefix_set_contains. 0 or -ENOMEM. */
int prefix_set_freeze(struct prefix_set *s);
bool prefix_set_contains(const struct prefix_set *s, const struct tw_addr *a);
size_t prefix_set_count(const struct prefix_set *s);
/* Writes the prefixes as added, ", "-separated, in YAML flow style ([a, b]). */
void prefix_set_print(const struct prefix_set *s, FILE *out);
