/*
 * fuzz_ber.c - libFuzzer entry point for the BER reader: the bounded
 * recursive check, then a flat walk that tries every typed read on each TLV
 * and opens constructed ones (cut or whole). Without -Dfuzz=true the same
 * entry replays tests/corpus/ber/ (fuzz_replay.c).
 */
#include <stddef.h>
#include <stdint.h>

#include "ber.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct cursor c;
    struct ber_tlv t;
    int64_t v;
    const uint8_t *p;
    size_t n, miss;

    cur_init(&c, data, size);
    (void)ber_check(&c, 0);
    /* bounded by the input: every successful read consumes at least a header */
    while (cur_left(&c) > 0) {
        struct cursor w = c;
        if (ber_read_int(&w, &v) == 0 || ber_read_octets(&w, &p, &n) == 0) {
            c = w;
            continue;
        }
        if (ber_read_hdr(&w, &t) != 0)
            break;
        w = c;
        if (t.constructed && ber_open(&w, t.cls, true, t.tag, &t, &miss) == 0) {
            c = t.val; /* walk into it */
            continue;
        }
        if (ber_read_tlv(&c, &t) != 0)
            break;
        (void)ber_int_value(&t, &v);
    }
    return 0;
}
