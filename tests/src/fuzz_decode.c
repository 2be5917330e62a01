/*
 * fuzz_decode.c - libFuzzer entry point for decode_packet().
 *
 * The first input byte picks a link type from the supported list, the rest is
 * the frame. One decoder lives across calls so fragments of earlier inputs
 * meet later ones and the defragmenter's tables, limits and timeouts are
 * exercised; its limits are small and packet time advances 1 ms per input
 * against a 2 s timeout, so its memory stays bounded, fragments from inputs
 * replayed close together can complete a datagram, and the rest expire.
 * On DECODE_OK every byte the packet points at is read, so ASan catches a
 * pointer or length that strays outside the frame or the rebuilt buffer.
 * The capture thread's decode_host_pair_hash() reads the same frame first.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "decode.h"
#include "defrag.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const int linktypes[] = {1, 0, 108, 12, 14, 101, 228, 229, 113, 276};

static volatile unsigned sink; /* keeps the reads of touch() */

static unsigned touch(const uint8_t *p, size_t n)
{
    unsigned sum = 0;
    for (size_t i = 0; i < n; i++)
        sum += p[i];
    return sum;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct decoder dec;
    static bool ready;
    static uint64_t now_us;

    if (!ready) {
        struct defrag_limits lim = {
            .max_datagrams = 8, .max_bytes = 64 * 1024, .timeout_us = 2000000};
        if (decoder_init(&dec, linktypes[0], &lim) < 0)
            return 0;
        ready = true;
    }
    if (size < 1)
        return 0;
    int lt = linktypes[data[0] % (sizeof(linktypes) / sizeof(linktypes[0]))];
    decoder_set_linktype(&dec, lt);
    now_us += 1000;
    sink += decode_host_pair_hash(lt, data + 1, size - 1);

    struct packet pkt;
    enum decode_result r = decode_packet(&dec, data + 1, size - 1, size - 1, now_us, &pkt);
    if (r == DECODE_OK) {
        sink += touch(pkt.payload, pkt.payload_len);
        sink += touch(pkt.l3, pkt.l3_len);
        if (pkt.ip_version != 4 && pkt.ip_version != 6)
            __builtin_trap();
        if (!pkt.reassembled && pkt.payload_len > size)
            __builtin_trap();
    }
    return 0;
}
