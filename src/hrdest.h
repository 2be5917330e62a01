/*
 * hrdest.h - the high-risk destination list: E.164 prefixes with a category
 * and a description (signatures/high-risk-destinations.txt, SPEC section 4).
 *
 * One prefix per line, "+" and 1 to 15 digits, optionally followed by white
 * space, a category word and a free description:
 *
 *   +882 international-revenue-share International Networks (ITU-T E.164)
 *
 * '#' starts a comment. The list is loaded once, validated (every error
 * names file:line), sorted, and then only read: lookups are longest-prefix
 * matches of an E.164 number ("+88216..." finds "+88216" before "+882").
 */
#pragma once

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define HRDEST_CATEGORY_MAX    32
#define HRDEST_DESCRIPTION_MAX 255
#define HRDEST_MAX_ENTRIES     100000

struct hrdest_entry {
    char prefix[17];                        /* "+882", '+' and up to 15 digits */
    char category[HRDEST_CATEGORY_MAX + 1]; /* "satellite"; "unspecified" when absent */
    char *description;                      /* "" when absent; owned by the list */
    unsigned lineno;                        /* line in the file */
};

struct hrdest_list;

/*
 * Reads path. Returns 0 and *ret (possibly an empty list); or a negative
 * errno with err holding "path:line: reason" or "path: reason".
 */
int hrdest_load(const char *path, struct hrdest_list **ret, char *err, size_t errlen);

/* Frees l (NULL is fine); returns NULL. */
struct hrdest_list *hrdest_free(struct hrdest_list *l);

size_t hrdest_count(const struct hrdest_list *l);

/* The i-th entry in prefix order (i < hrdest_count). */
const struct hrdest_entry *hrdest_entry_at(const struct hrdest_list *l, size_t i);

/* The longest listed prefix of e164 ("+digits"), or NULL. */
const struct hrdest_entry *hrdest_match(const struct hrdest_list *l, const char *e164);

/* Prints the list as a top-level YAML key "high_risk_destinations:" (for --check-config). */
void hrdest_print(const struct hrdest_list *l, FILE *out);
