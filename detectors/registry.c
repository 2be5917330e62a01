/*
 * registry.c - the table of detectors.
 *
 * Adding a detector: one file in detectors/ defining a const struct
 * detector, one extern and one table line here, one line in meson.build.
 * Detectors run in table order for each event, so alert order is stable.
 */
#include "detector.h"

extern const struct detector unknown_phone_detector;
extern const struct detector wan_sccp_detector;
extern const struct detector snmp_default_community_detector;
extern const struct detector cleartext_credentials_detector;
extern const struct detector toll_fraud_pattern_detector;
extern const struct detector high_risk_destination_detector;
extern const struct detector registration_log_detector;
extern const struct detector call_log_detector;

/* Alerts first, then the log events, so an alert precedes the event of the same message. */
const struct detector *const detector_table[] = {
    &unknown_phone_detector,
    &wan_sccp_detector,
    &snmp_default_community_detector,
    &cleartext_credentials_detector,
    &toll_fraud_pattern_detector,
    &high_risk_destination_detector,
    /* log events */
    &registration_log_detector,
    &call_log_detector,
};

const size_t detector_count = sizeof(detector_table) / sizeof(detector_table[0]);
