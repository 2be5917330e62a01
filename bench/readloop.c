/*
 * readloop.c - the baseline for bench/run.sh: a bare libpcap read loop that
 * touches every packet and nothing more. tollwatch's speed is reported as a
 * ratio against this, measured in the same run.
 */
#include <pcap/pcap.h>
#include <stdint.h>
#include <stdio.h>

static void on_packet(u_char *user, const struct pcap_pkthdr *h, const u_char *bytes)
{
    uint64_t *acc = (uint64_t *)(void *)user;
    acc[0]++;
    acc[1] += h->caplen;
    if (h->caplen)
        acc[2] += bytes[h->caplen - 1];
}

int main(int argc, char **argv)
{
    char errbuf[PCAP_ERRBUF_SIZE];
    uint64_t acc[3] = {0, 0, 0};
    for (int i = 1; i < argc; i++) {
        pcap_t *p = pcap_open_offline(argv[i], errbuf);
        if (!p) {
            fprintf(stderr, "readloop: %s: %s\n", argv[i], errbuf);
            return 1;
        }
        if (pcap_loop(p, -1, on_packet, (u_char *)acc) == PCAP_ERROR) {
            fprintf(stderr, "readloop: %s: %s\n", argv[i], pcap_geterr(p));
            pcap_close(p);
            return 1;
        }
        pcap_close(p);
    }
    printf("packets %llu bytes %llu check %llu\n", (unsigned long long)acc[0],
           (unsigned long long)acc[1], (unsigned long long)acc[2]);
    return 0;
}
