/*
 * registry.c - the table of detectors.
 *
 * Adding a detector: one file in detectors/ defining a const struct
 * detector, one extern and one table line here, one line in meson.build.
 * Detectors run in table order for each event, so alert order is stable.
 */
#include "detector.h"

extern const struct detector snmp_default_community_detector;

const struct detector *const detector_table[] = {
    &snmp_default_community_detector,
};

const size_t detector_count = sizeof(detector_table) / sizeof(detector_table[0]);
