/*
 * fuzz_pcapmap.c - libFuzzer entry point for the mapped pcap reader
 * (capture_map_open / capture_map_next in src/capture.c).
 *
 * The input is written to an anonymous memory file and opened through
 * /proc/self/fd, so the reader maps it exactly as it maps a capture on
 * disk. Every frame it returns is read in full (ASan catches a length that
 * strays past the mapping), its caplen must not exceed the bytes left, and
 * the reader must end: at most one frame per 16 input bytes.
 */
#include <stdint.h>
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

#include "capture.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static volatile unsigned sink;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    int fd = memfd_create("fuzz_pcapmap", MFD_CLOEXEC);
    if (fd < 0)
        return 0;
    if (size && write(fd, data, size) != (ssize_t)size) {
        close(fd);
        return 0;
    }
    char path[64], err[256];
    snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
    struct pcap_map m;
    /* with and without a filter, chosen by the input's length */
    if (capture_map_open(path, (size & 1) ? "udp or tcp port 2000" : NULL, &m, err, sizeof(err)) >
        0) {
        struct pcap_pkthdr h;
        const uint8_t *frame;
        size_t frames = 0;
        while (capture_map_next(&m, &h, &frame, err, sizeof(err)) == 1) {
            if (frame < m.base || frame + h.caplen > m.base + m.len || ++frames > size / 16)
                __builtin_trap();
            for (uint32_t i = 0; i < h.caplen; i++)
                sink += frame[i];
        }
        capture_map_close(&m);
    }
    close(fd);
    return 0;
}
