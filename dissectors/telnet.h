/*
 * telnet.h - the Telnet dissector (RFC 854) with a login state machine.
 */
#pragma once

#include "dissector.h"

extern const struct dissector telnet_dissector;
