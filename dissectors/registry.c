/*
 * registry.c - the table of protocol dissectors.
 *
 * Adding a protocol: one file in dissectors/ defining a const struct
 * dissector, one line here, one line in meson.build. Order matters only
 * when two dissectors claim the same port: the first whose probe accepts
 * the payload wins.
 */
#include "dissector.h"

#include <string.h>

#include "h225.h"
#include "h225ras.h"
#include "http.h"
#include "skinny.h"
#include "snmp.h"
#include "telnet.h"

const struct dissector *const dissector_table[] = {
    &snmp_dissector,    &skinny_dissector, &h225_dissector,
    &h225ras_dissector, &telnet_dissector, &http_dissector,
};

const size_t dissector_count = sizeof(dissector_table) / sizeof(dissector_table[0]);

const struct dissector *dissector_find(const char *name)
{
    for (size_t i = 0; i < dissector_count; i++)
        if (strcmp(dissector_table[i]->name, name) == 0)
            return dissector_table[i];
    return NULL;
}
