/*
 * http.h - the HTTP/1.x dissector (RFC 9112) with login extraction.
 */
#pragma once

#include "dissector.h"

extern const struct dissector http_dissector;
