/*
 * classify.h - nDPI (libndpi 4.2) classification of flows.
 *
 * One nDPI detection module per worker (nDPI is not thread safe). A flow
 * gets an nDPI flow struct on its first packet; packets are fed until nDPI
 * names the protocol or CLASSIFY_MAX_PACKETS were seen, then nDPI gives up
 * (port-based guess allowed) and the struct is freed, so classification
 * costs memory only for young flows. SPEC section 7: our own dissectors
 * take precedence; nDPI names the flows they do not claim.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

struct flow;
struct packet;

#define CLASSIFY_MAX_PACKETS 16

struct classify_stats {
    uint64_t packets;    /* packets given to nDPI */
    uint64_t classified; /* flows nDPI named */
    uint64_t guessed;    /* flows named by giving up (port guess) */
    uint64_t unknown;    /* flows nDPI could not name */
    uint64_t alloc_failed;
};

struct classify;

/* NULL if nDPI cannot be initialised. */
struct classify *classify_new(void);
struct classify *classify_free(struct classify *c);

/* Feeds one packet of f (no-op once f->ndpi_done). Returns true when this call decided. */
bool classify_packet(struct classify *c, struct flow *f, const struct packet *p);
/* Gives up on f now (flow end); frees its nDPI state. */
void classify_flow_end(struct classify *c, struct flow *f);
/* Lower-case protocol name for f ("dns", "http"...), or NULL when unknown. */
const char *classify_name(struct classify *c, const struct flow *f);
const struct classify_stats *classify_get_stats(const struct classify *c);
