/*
 * skinny.h - the SCCP (Skinny Client Control Protocol) dissector.
 */
#pragma once

#include "dissector.h"

extern const struct dissector skinny_dissector;
