/*
 * fuzz_config.c - libFuzzer entry point for the YAML config loader.
 *
 * Feeds the input to config_load_buffer() as "fuzz.yaml" (so relative paths
 * resolve against the working folder), prints a loaded config to /dev/null
 * to exercise config_print(), and frees everything. Normal builds replay
 * tests/corpus/config/ through the same entry (tests/fuzz_replay.c).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static FILE *sink;
    struct sensor_config *cfg = NULL;
    char err[512];

    if (!sink)
        sink = fopen("/dev/null", "w");
    if (config_load_buffer("fuzz.yaml", (const char *)data, size, &cfg, err, sizeof(err)) == 0) {
        if (sink)
            config_print(cfg, sink);
        config_free(cfg);
    }
    return 0;
}
