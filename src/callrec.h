/*
 * callrec.h - the EVE "call" object built from a protocol-neutral call
 * (struct ev_call), shared by the call log and the toll-fraud detectors.
 */
#pragma once

#include <jansson.h>

struct ev_call;

/*
 * {"protocol", "called_number", "calling_number", "called_name",
 *  "calling_name", "device_name", "direction", "number_source", "call_ref",
 *  "start", "answer", "end", "release_cause", "call_id", "duration"} (absent
 *  values left out; call_id as a GUID string). NULL on OOM.
 */
json_t *callrec_json(const struct ev_call *c);
