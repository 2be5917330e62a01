/*
 * stats.c - serialises module counters for the "stats" event; see stats.h.
 */
#include "stats.h"

#include "classify.h"
#include "decode.h"
#include "defrag.h"
#include "flow.h"
#include "output.h"
#include "reasm.h"

#define SET_U(o, k, v) json_object_set_new((o), (k), json_integer((json_int_t)(v)))

json_t *stats_decode_json(const struct decode_stats *s)
{
    json_t *o = json_object();
    SET_U(o, "packets", s->packets);
    SET_U(o, "ipv4", s->ipv4);
    SET_U(o, "ipv6", s->ipv6);
    SET_U(o, "tcp", s->tcp);
    SET_U(o, "udp", s->udp);
    SET_U(o, "vlan", s->vlan_tagged);
    SET_U(o, "mpls", s->mpls);
    json_t *other = json_object();
    for (int i = 0; i < DO_COUNT; i++)
        SET_U(other, decode_other_name((enum decode_other)i), s->other[i]);
    json_object_set_new(o, "skipped", other);
    json_t *err = json_object();
    for (int i = 0; i < DR_COUNT; i++)
        SET_U(err, decode_reason_name((enum decode_reason)i), s->errors[i]);
    json_object_set_new(o, "errors", err);
    SET_U(o, "errors_total", decode_error_total(s));
    return o;
}

json_t *stats_defrag_json(const struct defrag_stats *s, size_t pending)
{
    json_t *o = json_object();
    SET_U(o, "fragments", s->fragments);
    SET_U(o, "reassembled", s->reassembled);
    SET_U(o, "pending", pending);
    SET_U(o, "timeouts", s->timeouts);
    SET_U(o, "evicted", s->evicted);
    SET_U(o, "overlaps", s->overlaps);
    SET_U(o, "too_big", s->too_big);
    SET_U(o, "invalid", s->invalid);
    return o;
}

json_t *stats_flow_json(const struct flow_stats *s)
{
    json_t *o = json_object();
    SET_U(o, "created", s->created);
    SET_U(o, "active", s->active);
    SET_U(o, "active_max", s->active_max);
    SET_U(o, "timed_out", s->timed_out);
    SET_U(o, "evicted", s->evicted);
    return o;
}

json_t *stats_reasm_json(const struct reasm_stats *s)
{
    json_t *o = json_object();
    SET_U(o, "segments", s->segments);
    SET_U(o, "in_order", s->in_order);
    SET_U(o, "out_of_order", s->out_of_order);
    SET_U(o, "retransmits", s->retransmits);
    SET_U(o, "overlaps", s->overlaps);
    SET_U(o, "overlaps_diff", s->overlaps_diff);
    SET_U(o, "gaps", s->gaps);
    SET_U(o, "gap_bytes", s->gap_bytes);
    SET_U(o, "midstream", s->midstream);
    SET_U(o, "dropped_flow_cap", s->dropped_flow_cap);
    SET_U(o, "dropped_global_cap", s->dropped_global_cap);
    SET_U(o, "held_bytes", s->held_bytes);
    SET_U(o, "held_bytes_max", s->held_bytes_max);
    return o;
}

json_t *stats_classify_json(const struct classify_stats *s)
{
    json_t *o = json_object();
    SET_U(o, "packets", s->packets);
    SET_U(o, "classified", s->classified);
    SET_U(o, "guessed", s->guessed);
    SET_U(o, "unknown", s->unknown);
    SET_U(o, "alloc_failed", s->alloc_failed);
    return o;
}

json_t *stats_output_json(const struct output_stats *s)
{
    json_t *o = json_object();
    SET_U(o, "lines", s->lines);
    SET_U(o, "bytes", s->bytes);
    SET_U(o, "failures", s->failures);
    SET_U(o, "queue_depth", s->redis_queue_depth);
    if (s->redis) {
        json_t *r = json_object();
        json_object_set_new(r, "connected", json_boolean(s->redis_connected));
        SET_U(r, "queued", s->redis_queued);
        SET_U(r, "spooled", s->redis_spooled);
        SET_U(r, "delivered", s->redis_delivered);
        SET_U(r, "replayed", s->redis_replayed);
        SET_U(r, "resent", s->redis_resent);
        SET_U(r, "failed", s->redis_failed);
        SET_U(r, "reconnects", s->redis_reconnects);
        SET_U(r, "queue_depth", s->redis_queue_depth);
        SET_U(r, "spool_pending", s->redis_spool_pending);
        SET_U(r, "spool_torn", s->redis_spool_torn);
        SET_U(r, "spool_corrupt", s->redis_spool_corrupt);
        json_object_set_new(o, "redis", r);
    }
    return o;
}
