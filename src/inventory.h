/*
 * inventory.h - the phone inventory as a lookup set (phones.inventory and
 * phones.inventory_file, normalised by config.c: device names upper-case,
 * MACs as "SEP" + 12 upper-case hex digits).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

struct sensor_config;
struct inventory;

/* Builds the set from cfg; NULL on OOM. An empty inventory is a valid set. */
struct inventory *inventory_new(const struct sensor_config *cfg);
struct inventory *inventory_free(struct inventory *inv);
size_t inventory_count(const struct inventory *inv);
/* True if the device name (any case; a "SEP"+MAC name also matches its bare MAC entry) is listed.
 */
bool inventory_contains(const struct inventory *inv, const char *device_name);
