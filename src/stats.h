/*
 * stats.h - JSON views of each module's counters, for the "stats" event.
 *
 * Each function returns a new JSON object (NULL on OOM) whose keys are the
 * stable names documented in docs/events.md.
 */
#pragma once

#include <jansson.h>

struct decode_stats;
struct defrag_stats;
struct flow_stats;
struct reasm_stats;
struct classify_stats;
struct output_stats;

json_t *stats_decode_json(const struct decode_stats *s);
json_t *stats_defrag_json(const struct defrag_stats *s, size_t pending);
json_t *stats_flow_json(const struct flow_stats *s);
json_t *stats_reasm_json(const struct reasm_stats *s);
json_t *stats_classify_json(const struct classify_stats *s);
json_t *stats_output_json(const struct output_stats *s);
