/*
 * classify.c - nDPI glue; see classify.h.
 *
 * Names are lower-cased once into a table indexed by protocol id so that
 * app_proto strings are static for the life of the worker.
 */
#include "classify.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

/* nDPI's headers use GNU named variadic macros and other non-ISO constructs. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wpedantic"
#pragma GCC diagnostic ignored "-Wvariadic-macros"
#pragma GCC diagnostic ignored "-Wundef"
#pragma GCC diagnostic ignored "-Wstrict-prototypes"
#include <ndpi_api.h>
#pragma GCC diagnostic pop

#include "flow.h"
#include "packet.h"

#define CLASSIFY_NAME_IDS 512

struct classify {
    struct ndpi_detection_module_struct *ndpi;
    char *names[CLASSIFY_NAME_IDS];
    struct classify_stats stats;
};

struct classify *classify_new(void)
{
    struct classify *c = calloc(1, sizeof(*c));
    if (!c)
        return NULL;
    c->ndpi = ndpi_init_detection_module(ndpi_no_prefs);
    if (!c->ndpi) {
        free(c);
        return NULL;
    }
    NDPI_PROTOCOL_BITMASK all;
    NDPI_BITMASK_SET_ALL(all);
    ndpi_set_protocol_detection_bitmask2(c->ndpi, &all);
    ndpi_finalize_initialization(c->ndpi);
    return c;
}

struct classify *classify_free(struct classify *c)
{
    if (!c)
        return NULL;
    for (size_t i = 0; i < CLASSIFY_NAME_IDS; i++)
        free(c->names[i]);
    ndpi_exit_detection_module(c->ndpi);
    free(c);
    return NULL;
}

static void classify_done(struct classify *c, struct flow *f, ndpi_protocol proto, bool gave_up)
{
    f->ndpi_master = proto.master_protocol;
    f->ndpi_app = proto.app_protocol;
    f->ndpi_done = 1;
    if (f->ndpi_app != NDPI_PROTOCOL_UNKNOWN || f->ndpi_master != NDPI_PROTOCOL_UNKNOWN) {
        if (gave_up)
            c->stats.guessed++;
        else
            c->stats.classified++;
    } else {
        c->stats.unknown++;
    }
    if (f->ndpi_flow) {
        ndpi_free_flow(f->ndpi_flow);
        f->ndpi_flow = NULL;
    }
}

bool classify_packet(struct classify *c, struct flow *f, const struct packet *p)
{
    if (f->ndpi_done)
        return false;
    if (!f->ndpi_flow) {
        f->ndpi_flow = calloc(1, ndpi_detection_get_sizeof_ndpi_flow_struct());
        if (!f->ndpi_flow) {
            c->stats.alloc_failed++;
            f->ndpi_done = 1;
            return true;
        }
    }
    /* nDPI reads the IP header itself; reassembled datagrams have none to give it. */
    if (!p->reassembled && p->l3 && p->l3_len) {
        unsigned short len = p->l3_len > 0xffff ? 0xffff : (unsigned short)p->l3_len;
        c->stats.packets++;
        ndpi_protocol proto =
            ndpi_detection_process_packet(c->ndpi, f->ndpi_flow, p->l3, len, p->ts_us / 1000);
        if (proto.app_protocol != NDPI_PROTOCOL_UNKNOWN ||
            proto.master_protocol != NDPI_PROTOCOL_UNKNOWN) {
            classify_done(c, f, proto, false);
            return true;
        }
    }
    if (++f->ndpi_pkts >= CLASSIFY_MAX_PACKETS) {
        classify_flow_end(c, f);
        return true;
    }
    return false;
}

void classify_flow_end(struct classify *c, struct flow *f)
{
    if (f->ndpi_done) {
        return;
    }
    if (!f->ndpi_flow) {
        f->ndpi_done = 1;
        c->stats.unknown++;
        return;
    }
    uint8_t guessed = 0;
    ndpi_protocol proto = ndpi_detection_giveup(c->ndpi, f->ndpi_flow, 1, &guessed);
    classify_done(c, f, proto, true);
}

/* Names are cached lazily, hence the non-const classify. */
static const char *name_of(struct classify *c, uint16_t id)
{
    if (id == NDPI_PROTOCOL_UNKNOWN || id >= CLASSIFY_NAME_IDS)
        return NULL;
    if (!c->names[id]) {
        const char *n = ndpi_get_proto_name(c->ndpi, id);
        if (!n || strcmp(n, "Unknown") == 0)
            return NULL;
        char *s = strdup(n);
        if (!s)
            return NULL;
        for (char *q = s; *q; q++)
            *q = (char)tolower((unsigned char)*q);
        c->names[id] = s;
    }
    return c->names[id];
}

const char *classify_name(struct classify *c, const struct flow *f)
{
    const char *n = name_of(c, f->ndpi_app);
    return n ? n : name_of(c, f->ndpi_master);
}

const struct classify_stats *classify_get_stats(const struct classify *c) { return &c->stats; }
