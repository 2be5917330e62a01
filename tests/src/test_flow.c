/*
 * test_flow.c - the flow table: keying, orientation, ids, LRU eviction,
 * timeouts, shutdown, and the cap under load.
 */
#include <criterion/criterion.h>

#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "flow.h"

#define SEC 1000000ull

struct ended {
    uint64_t flow_id;
    uint16_t cport, sport;
    enum flow_end_reason why;
};

struct recorder {
    struct ended log[256];
    size_t n;
    uint64_t by_reason[3];
};

static void on_end(void *user, struct flow *f, enum flow_end_reason why)
{
    struct recorder *r = user;
    cr_assert(why <= FLOW_END_SHUTDOWN);
    r->by_reason[why]++;
    if (r->n < 256)
        r->log[r->n] = (struct ended){f->flow_id, f->cport, f->sport, why};
    r->n++;
}

static struct packet pkt(const char *src, uint16_t sport, const char *dst, uint16_t dport,
                         uint8_t proto, uint8_t flags, uint64_t ts)
{
    struct packet p;
    memset(&p, 0, sizeof(p));
    cr_assert_eq(tw_addr_parse(src, &p.src), 0);
    cr_assert_eq(tw_addr_parse(dst, &p.dst), 0);
    p.ip_version = p.src.family;
    p.sport = sport;
    p.dport = dport;
    p.ip_proto = proto;
    p.tcp_flags = flags;
    p.ts_us = ts;
    p.wirelen = 100;
    p.caplen = 100;
    return p;
}

static struct flow *look(struct flow_table *t, const struct packet *p, enum pkt_dir *dir,
                         bool *is_new)
{
    struct flow *f = flow_lookup(t, p, dir, is_new);
    cr_assert_not_null(f);
    return f;
}

static struct flow_table *table(size_t max, struct recorder *r)
{
    struct flow_limits lim = {.max_flows = max,
                              .tcp_new_us = 30 * SEC,
                              .tcp_established_us = 3600 * SEC,
                              .tcp_closed_us = 10 * SEC,
                              .udp_us = 120 * SEC};
    struct flow_table *t = flow_table_new(&lim, on_end, r);
    cr_assert_not_null(t);
    return t;
}

Test(flow, both_directions_one_flow)
{
    struct recorder r = {0};
    struct flow_table *t = table(16, &r);
    enum pkt_dir dir;
    bool is_new;

    struct packet a = pkt("10.0.0.1", 40000, "10.0.0.2", 80, IPPROTO_TCP, TH_SYN, 1 * SEC);
    struct flow *f = look(t, &a, &dir, &is_new);
    cr_assert(is_new);
    cr_assert_eq(dir, DIR_TO_SERVER);
    cr_assert_eq(f->tcp_state, FLOW_TCP_NEW);

    struct packet b = pkt("10.0.0.2", 80, "10.0.0.1", 40000, IPPROTO_TCP, TH_SYN | TH_ACK, 2 * SEC);
    b.wirelen = 60;
    cr_assert_eq(look(t, &b, &dir, &is_new), f);
    cr_assert_not(is_new);
    cr_assert_eq(dir, DIR_TO_CLIENT);
    struct packet c = pkt("10.0.0.1", 40000, "10.0.0.2", 80, IPPROTO_TCP, TH_ACK, 3 * SEC);
    cr_assert_eq(look(t, &c, &dir, NULL), f);
    cr_assert_eq(dir, DIR_TO_SERVER);
    cr_assert_eq(f->tcp_state, FLOW_TCP_ESTABLISHED);

    cr_assert_eq(f->pkts[DIR_TO_SERVER], 2);
    cr_assert_eq(f->pkts[DIR_TO_CLIENT], 1);
    cr_assert_eq(f->bytes[DIR_TO_SERVER], 200);
    cr_assert_eq(f->bytes[DIR_TO_CLIENT], 60);
    cr_assert_eq(f->seen_dir & 3, 3);
    cr_assert_eq(f->first_ts, 1 * SEC);
    cr_assert_eq(f->last_ts, 3 * SEC);
    cr_assert_eq(f->cport, 40000);
    cr_assert_eq(f->sport, 80);
    cr_assert(tw_addr_eq(flow_src(f, DIR_TO_SERVER), &a.src));
    cr_assert(tw_addr_eq(flow_dst(f, DIR_TO_SERVER), &a.dst));
    cr_assert(tw_addr_eq(flow_src(f, DIR_TO_CLIENT), &a.dst));
    cr_assert(tw_addr_eq(flow_dst(f, DIR_TO_CLIENT), &a.src));
    cr_assert_eq(flow_src_port(f, DIR_TO_SERVER), 40000);
    cr_assert_eq(flow_dst_port(f, DIR_TO_SERVER), 80);
    cr_assert_eq(flow_src_port(f, DIR_TO_CLIENT), 80);
    cr_assert_eq(flow_dst_port(f, DIR_TO_CLIENT), 40000);

    /* a different port on either side is another flow */
    struct packet d = pkt("10.0.0.1", 40001, "10.0.0.2", 80, IPPROTO_TCP, TH_SYN, 4 * SEC);
    cr_assert_neq(look(t, &d, &dir, &is_new), f);
    cr_assert(is_new);
    /* so is the same tuple over UDP */
    struct packet e = pkt("10.0.0.1", 40000, "10.0.0.2", 80, IPPROTO_UDP, 0, 4 * SEC);
    cr_assert_neq(look(t, &e, &dir, &is_new), f);
    cr_assert(is_new);
    cr_assert_eq(flow_table_stats(t)->active, 3);
    cr_assert_eq(flow_table_stats(t)->created, 3);
    flow_table_free(t);
}

/* Orientation of a flow created by packet p: returns the server port, sets *dir. */
static uint16_t server_port_of(const struct packet *p, enum pkt_dir *dir)
{
    struct recorder r = {0};
    struct flow_table *t = table(4, &r);
    struct flow *f = look(t, p, dir, NULL);
    uint16_t sport = f->sport;
    cr_assert_eq(flow_src_port(f, (int)*dir), p->sport);
    cr_assert_eq(flow_dst_port(f, (int)*dir), p->dport);
    cr_assert(tw_addr_eq(flow_src(f, (int)*dir), &p->src));
    flow_table_free(t);
    return sport;
}

Test(flow, orientation)
{
    enum pkt_dir dir;
    struct packet p;

    /* a SYN's sender is the client, even from a low port */
    p = pkt("10.0.0.1", 80, "10.0.0.2", 40000, IPPROTO_TCP, TH_SYN, SEC);
    cr_assert_eq(server_port_of(&p, &dir), 40000);
    cr_assert_eq(dir, DIR_TO_SERVER);
    /* a SYN+ACK's sender is the server, even from a high port */
    p = pkt("10.0.0.1", 40000, "10.0.0.2", 80, IPPROTO_TCP, TH_SYN | TH_ACK, SEC);
    cr_assert_eq(server_port_of(&p, &dir), 40000);
    cr_assert_eq(dir, DIR_TO_CLIENT);
    /* no handshake: the service port is the server, either way round */
    p = pkt("10.0.0.1", 40000, "10.0.0.2", 161, IPPROTO_UDP, 0, SEC);
    cr_assert_eq(server_port_of(&p, &dir), 161);
    cr_assert_eq(dir, DIR_TO_SERVER);
    p = pkt("10.0.0.2", 161, "10.0.0.1", 40000, IPPROTO_UDP, 0, SEC);
    cr_assert_eq(server_port_of(&p, &dir), 161);
    cr_assert_eq(dir, DIR_TO_CLIENT);
    p = pkt("10.0.0.2", 2000, "10.0.0.1", 40000, IPPROTO_TCP, TH_ACK, SEC);
    cr_assert_eq(server_port_of(&p, &dir), 2000);
    cr_assert_eq(dir, DIR_TO_CLIENT);
    /* a listed service port beats a lower unlisted one */
    p = pkt("10.0.0.1", 1500, "10.0.0.2", 5060, IPPROTO_UDP, 0, SEC);
    cr_assert_eq(server_port_of(&p, &dir), 5060);
    cr_assert_eq(dir, DIR_TO_SERVER);
    /* both or neither service ports: the lower one */
    p = pkt("10.0.0.1", 6000, "10.0.0.2", 5000, IPPROTO_UDP, 0, SEC);
    cr_assert_eq(server_port_of(&p, &dir), 5000);
    cr_assert_eq(dir, DIR_TO_SERVER);
    p = pkt("10.0.0.1", 5000, "10.0.0.2", 6000, IPPROTO_UDP, 0, SEC);
    cr_assert_eq(server_port_of(&p, &dir), 5000);
    cr_assert_eq(dir, DIR_TO_CLIENT);
    p = pkt("10.0.0.1", 53, "10.0.0.2", 123, IPPROTO_UDP, 0, SEC);
    cr_assert_eq(server_port_of(&p, &dir), 53);
    cr_assert_eq(dir, DIR_TO_CLIENT);
    /* equal ports: the receiver is the server */
    p = pkt("10.0.0.1", 5000, "10.0.0.2", 5000, IPPROTO_UDP, 0, SEC);
    server_port_of(&p, &dir);
    cr_assert_eq(dir, DIR_TO_SERVER);
}

Test(flow, service_ports)
{
    static const uint16_t yes[] = {0,    1,    22,   161,  1023, 1719, 1720, 2000,
                                   2443, 3128, 5060, 5061, 8000, 8080, 8443};
    static const uint16_t no[] = {1024, 1500, 1721, 2001, 5062, 8081, 40000, 65535};
    for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++)
        cr_assert(flow_port_is_service(yes[i]), "%u", yes[i]);
    for (size_t i = 0; i < sizeof(no) / sizeof(no[0]); i++)
        cr_assert_not(flow_port_is_service(no[i]), "%u", no[i]);
}

Test(flow, vlan_tags_split_flows)
{
    struct recorder r = {0};
    struct flow_table *t = table(16, &r);
    enum pkt_dir dir;

    struct packet plain = pkt("192.168.1.1", 40000, "192.168.1.2", 161, IPPROTO_UDP, 0, SEC);
    struct packet v10 = plain;
    v10.vlan_count = 1;
    v10.vlan[0] = 10;
    struct packet v20 = plain;
    v20.vlan_count = 1;
    v20.vlan[0] = 20;
    struct packet q = plain;
    q.vlan_count = 2;
    q.vlan[0] = 10;
    q.vlan[1] = 20;

    struct flow *f0 = look(t, &plain, &dir, NULL);
    struct flow *f10 = look(t, &v10, &dir, NULL);
    struct flow *f20 = look(t, &v20, &dir, NULL);
    struct flow *fq = look(t, &q, &dir, NULL);
    cr_assert(f0 != f10 && f0 != f20 && f0 != fq && f10 != f20 && f10 != fq && f20 != fq);
    cr_assert_eq(flow_table_stats(t)->active, 4);
    cr_assert_eq(f10->vlan_count, 1);
    cr_assert_eq(f10->vlan[0], 10);
    cr_assert_eq(fq->vlan_count, 2);
    cr_assert_eq(fq->vlan[1], 20);
    cr_assert_neq(f0->flow_id, f10->flow_id);

    /* the reply on the same VLAN finds the tagged flow */
    struct packet back = pkt("192.168.1.2", 161, "192.168.1.1", 40000, IPPROTO_UDP, 0, 2 * SEC);
    back.vlan_count = 1;
    back.vlan[0] = 10;
    back.vlan[1] = 999; /* unused slot: ignored */
    cr_assert_eq(look(t, &back, &dir, NULL), f10);
    cr_assert_eq(dir, DIR_TO_CLIENT);
    flow_table_free(t);
}

Test(flow, ipv6)
{
    struct recorder r = {0};
    struct flow_table *t = table(16, &r);
    enum pkt_dir dir;
    bool is_new;

    struct packet a = pkt("2001:db8::1", 50000, "2001:db8::2", 80, IPPROTO_TCP, TH_SYN, SEC);
    struct flow *f = look(t, &a, &dir, &is_new);
    cr_assert(is_new);
    cr_assert_eq(dir, DIR_TO_SERVER);
    cr_assert_eq(f->cli.family, 6);
    struct packet b =
        pkt("2001:db8::2", 80, "2001:db8::1", 50000, IPPROTO_TCP, TH_SYN | TH_ACK, SEC);
    cr_assert_eq(look(t, &b, &dir, &is_new), f);
    cr_assert_not(is_new);
    cr_assert_eq(dir, DIR_TO_CLIENT);
    /* same last bytes, other address: another flow */
    struct packet c = pkt("2001:db9::1", 50000, "2001:db8::2", 80, IPPROTO_TCP, TH_SYN, SEC);
    cr_assert_neq(look(t, &c, &dir, &is_new), f);
    cr_assert(is_new);
    /* IPv4 with the same leading bytes is not an IPv6 flow */
    struct packet d = pkt("32.1.13.184", 50000, "32.1.13.184", 80, IPPROTO_TCP, TH_SYN, SEC);
    cr_assert(look(t, &d, &dir, &is_new) != f && is_new);
    cr_assert_eq(flow_table_stats(t)->active, 3);
    flow_table_free(t);
}

static uint64_t id_of(const struct packet *p)
{
    struct recorder r = {0};
    struct flow_table *t = table(4, &r);
    enum pkt_dir dir;
    uint64_t id = look(t, p, &dir, NULL)->flow_id;
    flow_table_free(t);
    cr_assert_neq(id, 0);
    cr_assert_lt(id, 1ull << 51);
    return id;
}

Test(flow, flow_id_stable)
{
    struct packet a = pkt("10.1.1.1", 1234, "10.2.2.2", 80, IPPROTO_TCP, TH_SYN, 1000 * SEC);
    struct packet rev = pkt("10.2.2.2", 80, "10.1.1.1", 1234, IPPROTO_TCP, 0, 1000 * SEC);
    struct packet later = a;
    later.ts_us += 1;
    struct packet other = a;
    other.sport = 1235;
    struct packet vlan = a;
    vlan.vlan_count = 1;
    vlan.vlan[0] = 7;

    uint64_t id = id_of(&a);
    cr_assert_eq(id_of(&a), id);
    cr_assert_eq(id_of(&rev), id, "the key is direction-free");
    cr_assert_neq(id_of(&later), id);
    cr_assert_neq(id_of(&other), id);
    cr_assert_neq(id_of(&vlan), id);

    /* many keys: no collisions among a few thousand */
    static uint64_t ids[4096];
    for (uint32_t i = 0; i < 4096; i++) {
        struct packet p = a;
        p.sport = (uint16_t)(1024 + i);
        ids[i] = id_of(&p);
        for (uint32_t j = 0; j < i; j++)
            if (ids[i] == ids[j])
                cr_assert_fail("ids %u and %u collide", i, j);
    }
}

Test(flow, lru_eviction)
{
    struct recorder r = {0};
    struct flow_table *t = table(4, &r);
    enum pkt_dir dir;
    bool is_new;
    uint64_t ids[6];

    for (uint16_t i = 1; i <= 4; i++) {
        struct packet p =
            pkt("10.0.0.1", (uint16_t)(40000 + i), "10.0.0.2", 53, IPPROTO_UDP, 0, i * SEC);
        ids[i] = look(t, &p, &dir, NULL)->flow_id;
    }
    /* flow 1 seen again: flow 2 is now the least recently used */
    struct packet p1 = pkt("10.0.0.2", 53, "10.0.0.1", 40001, IPPROTO_UDP, 0, 5 * SEC);
    look(t, &p1, &dir, &is_new);
    cr_assert_not(is_new);
    cr_assert_eq(r.n, 0);

    struct packet p5 = pkt("10.0.0.1", 40005, "10.0.0.2", 53, IPPROTO_UDP, 0, 6 * SEC);
    struct flow *f5 = look(t, &p5, &dir, &is_new);
    cr_assert(is_new);
    ids[5] = f5->flow_id;
    cr_assert_eq(r.n, 1);
    cr_assert_eq(r.log[0].why, FLOW_END_EVICTED);
    cr_assert_eq(r.log[0].cport, 40002, "evicted %u", r.log[0].cport);
    cr_assert_eq(r.log[0].flow_id, ids[2]);
    cr_assert_eq(f5->cport, 40005);
    cr_assert_eq(f5->pkts[0], 1);
    cr_assert_eq(f5->seen_dir, 1);
    const struct flow_stats *st = flow_table_stats(t);
    cr_assert_eq(st->evicted, 1);
    cr_assert_eq(st->active, 4);
    cr_assert_eq(st->active_max, 4);
    cr_assert_eq(st->created, 5);

    /* the evicted flow comes back as a new one, evicting flow 3 */
    struct packet p2 = pkt("10.0.0.1", 40002, "10.0.0.2", 53, IPPROTO_UDP, 0, 7 * SEC);
    look(t, &p2, &dir, &is_new);
    cr_assert(is_new);
    cr_assert_eq(r.n, 2);
    cr_assert_eq(r.log[1].cport, 40003);

    /* shutdown: oldest first: 4, 1, 5, 2 */
    flow_table_free(t);
    cr_assert_eq(r.n, 6);
    static const uint16_t want[] = {40004, 40001, 40005, 40002};
    for (size_t i = 0; i < 4; i++) {
        cr_assert_eq(r.log[2 + i].why, FLOW_END_SHUTDOWN);
        cr_assert_eq(r.log[2 + i].cport, want[i], "shutdown %zu: %u", i, r.log[2 + i].cport);
    }
}

static uint16_t tcp_flow(struct flow_table *t, uint16_t cport, const uint8_t *flags, size_t n)
{
    enum pkt_dir dir;
    for (size_t i = 0; i < n; i++) {
        bool from_server = (flags[i] & TH_SYN) && (flags[i] & TH_ACK);
        /* odd entries with 0x80 set are server packets */
        from_server = from_server || (flags[i] & 0x80);
        uint8_t fl = flags[i] & 0x7f;
        struct packet p = from_server ? pkt("10.9.9.9", 80, "10.0.0.1", cport, IPPROTO_TCP, fl, 0)
                                      : pkt("10.0.0.1", cport, "10.9.9.9", 80, IPPROTO_TCP, fl, 0);
        look(t, &p, &dir, NULL);
    }
    return cport;
}

#define SRV 0x80

Test(flow, tcp_states_and_timeouts)
{
    struct recorder r = {0};
    struct flow_table *t = table(64, &r);
    enum pkt_dir dir;

    static const uint8_t syn_only[] = {TH_SYN};
    static const uint8_t est[] = {TH_SYN, TH_SYN | TH_ACK, TH_ACK};
    static const uint8_t closing[] = {TH_SYN, TH_SYN | TH_ACK, TH_ACK, TH_FIN | TH_ACK};
    static const uint8_t closing2[] = {TH_SYN, TH_SYN | TH_ACK, TH_ACK, TH_FIN | TH_ACK,
                                       TH_FIN | TH_ACK}; /* the same side twice */
    static const uint8_t fins[] = {TH_SYN,          TH_SYN | TH_ACK,       TH_ACK,
                                   TH_FIN | TH_ACK, SRV | TH_FIN | TH_ACK, TH_ACK};
    static const uint8_t rst[] = {TH_SYN, SRV | TH_RST | TH_ACK};
    static const uint8_t mid[] = {TH_ACK, SRV | TH_ACK}; /* mid-stream pick-up */

    /* client port 40000 + n for flow n */
    tcp_flow(t, 40001, syn_only, sizeof(syn_only));
    tcp_flow(t, 40002, est, sizeof(est));
    tcp_flow(t, 40003, closing, sizeof(closing));
    tcp_flow(t, 40004, closing2, sizeof(closing2));
    tcp_flow(t, 40005, fins, sizeof(fins));
    tcp_flow(t, 40006, rst, sizeof(rst));
    tcp_flow(t, 40007, mid, sizeof(mid));
    struct packet u = pkt("10.0.0.1", 40008, "10.9.9.9", 53, IPPROTO_UDP, 0, 0);
    look(t, &u, &dir, NULL);

    static const uint8_t want_state[] = {0,
                                         FLOW_TCP_NEW,
                                         FLOW_TCP_ESTABLISHED,
                                         FLOW_TCP_CLOSING,
                                         FLOW_TCP_CLOSING,
                                         FLOW_TCP_CLOSED,
                                         FLOW_TCP_CLOSED,
                                         FLOW_TCP_ESTABLISHED};
    for (uint16_t n = 1; n <= 7; n++) {
        uint16_t port = (uint16_t)(40000 + n);
        struct packet p = pkt("10.0.0.1", port, "10.9.9.9", 80, IPPROTO_TCP, TH_ACK, 0);
        /* a plain ACK changes no state (and is at time 0, so no timing either) */
        struct flow *f = look(t, &p, &dir, NULL);
        cr_assert_eq(f->cport, port);
        cr_assert_eq(f->tcp_state, want_state[n], "flow %u: state %u", n, f->tcp_state);
    }
    cr_assert_eq(flow_table_stats(t)->active, 8);

    /* timeouts are strict: idle must exceed them */
    flow_expire(t, 10 * SEC);
    cr_assert_eq(r.n, 0);
    flow_expire(t, 10 * SEC + 1); /* closed: 10 s */
    cr_assert_eq(r.n, 2);
    flow_expire(t, 30 * SEC + 1); /* new: 30 s */
    cr_assert_eq(r.n, 3);
    cr_assert_eq(r.log[2].cport, 40001);
    flow_expire(t, 120 * SEC); /* closing: min(established, 120 s); UDP 120 s */
    cr_assert_eq(r.n, 3);
    flow_expire(t, 120 * SEC + 1);
    cr_assert_eq(r.n, 6);
    flow_expire(t, 3600 * SEC + 1); /* established */
    cr_assert_eq(r.n, 8);
    cr_assert_eq(r.by_reason[FLOW_END_TIMEOUT], 8);
    bool seen[9] = {false};
    for (size_t i = 0; i < r.n; i++) {
        uint16_t n = (uint16_t)(r.log[i].cport - 40000);
        cr_assert(n >= 1 && n <= 8, "cport %u", r.log[i].cport);
        cr_assert_not(seen[n], "ended twice");
        seen[n] = true;
    }
    const struct flow_stats *st = flow_table_stats(t);
    cr_assert_eq(st->timed_out, 8);
    cr_assert_eq(st->active, 0);
    flow_table_free(t);
    cr_assert_eq(r.n, 8);
}

Test(flow, expire_keeps_fresh_flows)
{
    struct recorder r = {0};
    struct flow_table *t = table(64, &r);
    enum pkt_dir dir;

    /* UDP flows seen at 0..9 s; expire at 125 s ends those idle > 120 s */
    for (uint16_t i = 0; i < 10; i++) {
        struct packet p =
            pkt("10.0.0.1", (uint16_t)(1000 + i), "10.0.0.2", 53, IPPROTO_UDP, 0, i * SEC);
        look(t, &p, &dir, NULL);
    }
    /* flow 0 refreshed at 9 s */
    struct packet p0 = pkt("10.0.0.1", 1000, "10.0.0.2", 53, IPPROTO_UDP, 0, 9 * SEC);
    look(t, &p0, &dir, NULL);
    flow_expire(t, 125 * SEC);
    /* 1001..1004 (idle 121..124 s); 1005 is idle exactly 120 s and stays */
    cr_assert_eq(r.n, 4);
    cr_assert_eq(r.log[0].cport, 1001);
    cr_assert_eq(r.log[3].cport, 1004);
    cr_assert_eq(flow_table_stats(t)->active, 6);
    flow_table_free(t);
    cr_assert_eq(r.n, 10);
}

Test(flow, time_going_backwards)
{
    struct recorder r = {0};
    struct flow_table *t = table(8, &r);
    enum pkt_dir dir;

    struct packet a = pkt("10.0.0.1", 5000, "10.0.0.2", 53, IPPROTO_UDP, 0, 500 * SEC);
    struct flow *f = look(t, &a, &dir, NULL);
    a.ts_us = 100 * SEC;
    cr_assert_eq(look(t, &a, &dir, NULL), f);
    cr_assert_eq(f->last_ts, 500 * SEC);
    cr_assert_eq(f->pkts[DIR_TO_SERVER], 2);
    flow_expire(t, 50 * SEC); /* "now" before the flow's last packet: idle 0 */
    flow_expire(t, 0);
    cr_assert_eq(r.n, 0);
    flow_expire(t, 620 * SEC);
    cr_assert_eq(r.n, 0);
    flow_expire(t, 620 * SEC + 1);
    cr_assert_eq(r.n, 1);
    flow_table_free(t);
    cr_assert_eq(r.n, 1);
}

Test(flow, shutdown_ends_all_once)
{
    struct recorder r = {0};
    struct flow_table *t = table(128, &r);
    enum pkt_dir dir;
    for (uint16_t i = 0; i < 100; i++) {
        struct packet p =
            pkt("10.0.0.1", (uint16_t)(2000 + i), "10.0.0.2", 80, IPPROTO_TCP, TH_SYN, i);
        look(t, &p, &dir, NULL);
    }
    cr_assert_null(flow_table_free(t));
    cr_assert_eq(r.n, 100);
    cr_assert_eq(r.by_reason[FLOW_END_SHUTDOWN], 100);
    for (uint16_t i = 0; i < 100; i++)
        cr_assert_eq(r.log[i].cport, 2000 + i, "oldest first");
    cr_assert_null(flow_table_free(NULL));
}

static uint64_t stress_ended;

static void count_end(void *user, struct flow *f, enum flow_end_reason why)
{
    (void)user;
    (void)why;
    cr_assert_neq(f->flow_id, 0);
    f->flow_id = 0; /* a second end of the same flow would trip the assert above */
    stress_ended++;
}

Test(flow, random_load_respects_cap)
{
    struct flow_limits lim = {.max_flows = 1000,
                              .tcp_new_us = 2 * SEC,
                              .tcp_established_us = 50 * SEC,
                              .tcp_closed_us = 1 * SEC,
                              .udp_us = 5 * SEC};
    stress_ended = 0;
    struct flow_table *t = flow_table_new(&lim, count_end, NULL);
    cr_assert_not_null(t);
    uint32_t s = 12345;
    uint64_t now = 1000 * SEC;
    const struct flow_stats *st = flow_table_stats(t);

    for (uint32_t i = 0; i < 200000; i++) {
        s ^= s << 13;
        s ^= s >> 17;
        s ^= s << 5;
        struct packet p;
        memset(&p, 0, sizeof(p));
        p.src.family = p.dst.family = 4;
        p.src.a[0] = 10;
        p.src.a[3] = (uint8_t)(s & 0x3f);
        p.dst.a[0] = 10;
        p.dst.a[1] = 1;
        p.dst.a[3] = (uint8_t)((s >> 6) & 0x3f);
        p.sport = (uint16_t)(1024 + (s >> 12) % 40); /* ~160k keys */
        p.dport = 80;
        p.ip_proto = (s >> 20) & 1 ? IPPROTO_TCP : IPPROTO_UDP;
        p.tcp_flags = (uint8_t)((s >> 21) & (TH_SYN | TH_ACK | TH_FIN | TH_RST));
        if ((s >> 26) & 1) { /* half the packets the other way */
            struct tw_addr a = p.src;
            p.src = p.dst;
            p.dst = a;
            p.dport = p.sport;
            p.sport = 80;
        }
        /* alternate busy phases (eviction) and quiet ones (timeouts) */
        now += (s >> 28) * (i / 20000 % 2 ? 100 : 10000);
        p.ts_us = (s >> 27) == 31 ? now - 3 * SEC : now; /* some late packets */
        p.wirelen = 64;

        enum pkt_dir dir;
        bool is_new;
        struct flow *f = flow_lookup(t, &p, &dir, &is_new);
        cr_assert_not_null(f);
        cr_assert_eq(flow_src_port(f, (int)dir), p.sport);
        cr_assert(tw_addr_eq(flow_src(f, (int)dir), &p.src));
        cr_assert_leq(st->active, 1000);
        if (i % 64 == 0)
            flow_expire(t, now);
        cr_assert_eq(stress_ended + st->active, st->created);
    }
    cr_assert_gt(st->created, 100000);
    cr_assert_gt(st->evicted, 0);
    cr_assert_gt(st->timed_out, 0);
    cr_assert_eq(st->active_max, 1000);
    cr_assert_eq(st->evicted + st->timed_out + st->active, st->created);
    uint64_t created = st->created;
    flow_table_free(t);
    cr_assert_eq(stress_ended, created);
}

/* ---- end order and exact expiry across timeout classes ---- */

struct end_rec {
    uint64_t flow_id, last_ts;
    uint16_t cport, sport;
    uint8_t proto, tcp_state;
    enum flow_end_reason why;
};

struct end_log {
    struct end_rec e[1024];
    size_t n;
};

static void on_end_log(void *user, struct flow *f, enum flow_end_reason why)
{
    struct end_log *l = user;
    cr_assert_lt(l->n, sizeof(l->e) / sizeof(l->e[0]));
    l->e[l->n++] =
        (struct end_rec){f->flow_id, f->last_ts, f->cport, f->sport, f->proto, f->tcp_state, why};
}

/* The 10.0.0.1 side's port, whichever side the flow took for the client. */
static uint16_t host_port(const struct end_rec *e)
{
    return e->cport == 80 || e->cport == 53 ? e->sport : e->cport;
}

/* Ends from index from on are in (last_ts, flow_id) order. */
static void assert_end_order(const struct end_log *l, size_t from)
{
    for (size_t i = from + 1; i < l->n; i++) {
        const struct end_rec *a = &l->e[i - 1], *b = &l->e[i];
        cr_assert(a->last_ts < b->last_ts || (a->last_ts == b->last_ts && a->flow_id < b->flow_id),
                  "end %zu (port %u, last %lu, id %lu) before end %zu (port %u, last %lu, id %lu)",
                  i - 1, a->cport, (unsigned long)a->last_ts, (unsigned long)a->flow_id, i,
                  b->cport, (unsigned long)b->last_ts, (unsigned long)b->flow_id);
    }
}

/* One packet: client 10.0.0.1:cport <-> 10.9.9.9 (port 80 for TCP, 53 for UDP). */
static struct flow *mixed_pkt(struct flow_table *t, uint16_t cport, uint8_t proto, uint8_t flags,
                              bool from_server, uint64_t ts)
{
    uint16_t svc = proto == IPPROTO_TCP ? 80 : 53;
    struct packet p = from_server ? pkt("10.9.9.9", svc, "10.0.0.1", cport, proto, flags, ts)
                                  : pkt("10.0.0.1", cport, "10.9.9.9", svc, proto, flags, ts);
    enum pkt_dir dir;
    return look(t, &p, &dir, NULL);
}

/*
 * Ten flows in all five timeout classes, seen at interleaved times (in
 * seconds; I and J both last seen at 15):
 *   A 2001 UDP           0            F 2006 TCP closing  8, 9, 10, FIN 11
 *   B 2002 TCP new       1            G 2007 TCP new      12
 *   C 2003 TCP closed    2, RST 3     H 2008 TCP closed   13, RST 14
 *   D 2004 UDP           4            I 2009 UDP          15
 *   E 2005 TCP est.      5, 6, 7      J 2010 TCP closed   15, RST 15
 * Timeouts: new 30 s, established 3600 s, closed 10 s, UDP 120 s, closing
 * min(established, 120 s) = 120 s.
 */
static void mixed_flows(struct flow_table *t, uint64_t ids[11])
{
    struct flow *f;
    f = mixed_pkt(t, 2001, IPPROTO_UDP, 0, false, 0);
    ids[1] = f->flow_id;
    f = mixed_pkt(t, 2002, IPPROTO_TCP, TH_SYN, false, 1 * SEC);
    ids[2] = f->flow_id;
    mixed_pkt(t, 2003, IPPROTO_TCP, TH_SYN, false, 2 * SEC);
    f = mixed_pkt(t, 2003, IPPROTO_TCP, TH_RST | TH_ACK, true, 3 * SEC);
    ids[3] = f->flow_id;
    cr_assert_eq(f->tcp_state, FLOW_TCP_CLOSED);
    f = mixed_pkt(t, 2004, IPPROTO_UDP, 0, true, 4 * SEC);
    ids[4] = f->flow_id;
    mixed_pkt(t, 2005, IPPROTO_TCP, TH_SYN, false, 5 * SEC);
    mixed_pkt(t, 2005, IPPROTO_TCP, TH_SYN | TH_ACK, true, 6 * SEC);
    f = mixed_pkt(t, 2005, IPPROTO_TCP, TH_ACK, false, 7 * SEC);
    ids[5] = f->flow_id;
    cr_assert_eq(f->tcp_state, FLOW_TCP_ESTABLISHED);
    mixed_pkt(t, 2006, IPPROTO_TCP, TH_SYN, false, 8 * SEC);
    mixed_pkt(t, 2006, IPPROTO_TCP, TH_SYN | TH_ACK, true, 9 * SEC);
    mixed_pkt(t, 2006, IPPROTO_TCP, TH_ACK, false, 10 * SEC);
    f = mixed_pkt(t, 2006, IPPROTO_TCP, TH_FIN | TH_ACK, false, 11 * SEC);
    ids[6] = f->flow_id;
    cr_assert_eq(f->tcp_state, FLOW_TCP_CLOSING);
    f = mixed_pkt(t, 2007, IPPROTO_TCP, TH_SYN, false, 12 * SEC);
    ids[7] = f->flow_id;
    mixed_pkt(t, 2008, IPPROTO_TCP, TH_SYN, false, 13 * SEC);
    f = mixed_pkt(t, 2008, IPPROTO_TCP, TH_RST, false, 14 * SEC);
    ids[8] = f->flow_id;
    f = mixed_pkt(t, 2009, IPPROTO_UDP, 0, false, 15 * SEC);
    ids[9] = f->flow_id;
    mixed_pkt(t, 2010, IPPROTO_TCP, TH_SYN, false, 15 * SEC);
    f = mixed_pkt(t, 2010, IPPROTO_TCP, TH_RST, true, 15 * SEC);
    ids[10] = f->flow_id;
    cr_assert_eq(f->last_ts, 15 * SEC);
    cr_assert_eq(flow_table_stats(t)->active, 10);
    cr_assert_neq(ids[9], ids[10]);
}

static struct flow_table *mixed_table(struct end_log *l, size_t max_flows)
{
    struct flow_limits lim = {.max_flows = max_flows,
                              .tcp_new_us = 30 * SEC,
                              .tcp_established_us = 3600 * SEC,
                              .tcp_closed_us = 10 * SEC,
                              .udp_us = 120 * SEC};
    struct flow_table *t = flow_table_new(&lim, on_end_log, l);
    cr_assert_not_null(t);
    return t;
}

/* Checks the ends from index from are exactly these client ports, in this order. */
static void assert_ended(const struct end_log *l, size_t from, const uint16_t *ports, size_t n,
                         enum flow_end_reason why)
{
    cr_assert_eq(l->n - from, n, "%zu flows ended, want %zu", l->n - from, n);
    for (size_t i = 0; i < n; i++) {
        cr_assert_eq(l->e[from + i].cport, ports[i], "end %zu: port %u, want %u", i,
                     l->e[from + i].cport, ports[i]);
        cr_assert_eq(l->e[from + i].why, why);
    }
}

Test(flow, end_all_oldest_first_across_classes)
{
    static struct end_log l;
    memset(&l, 0, sizeof(l));
    struct flow_table *t = mixed_table(&l, 64);
    uint64_t ids[11];
    mixed_flows(t, ids);

    /* per-class lists would give UDP A D I, new B G, est. E, closing F, closed C H J */
    flow_table_end_all(t);
    bool i_first = ids[9] < ids[10];
    uint16_t want[10] = {2001, 2002, 2003, 2004, 2005, 2006, 2007, 2008};
    want[8] = i_first ? 2009 : 2010;
    want[9] = i_first ? 2010 : 2009;
    assert_ended(&l, 0, want, 10, FLOW_END_SHUTDOWN);
    assert_end_order(&l, 0);
    for (size_t i = 0; i < 10; i++)
        cr_assert_eq(l.e[i].flow_id, ids[l.e[i].cport - 2000]);
    cr_assert_eq(flow_table_stats(t)->active, 0);

    /* the table stays usable, and flow_table_free ends nothing more */
    mixed_pkt(t, 3000, IPPROTO_UDP, 0, false, 20 * SEC);
    flow_table_free(t);
    cr_assert_eq(l.n, 11);
    cr_assert_eq(l.e[10].cport, 3000);
}

/* One expiry spanning every class ends them all in one (last_ts, flow_id) order. */
Test(flow, expire_oldest_first_across_classes)
{
    static struct end_log l;
    memset(&l, 0, sizeof(l));
    struct flow_table *t = mixed_table(&l, 64);
    uint64_t ids[11];
    mixed_flows(t, ids);

    /* at 200 s everything but the established E (3600 s) is idle too long */
    flow_expire(t, 200 * SEC);
    bool i_first = ids[9] < ids[10];
    uint16_t want[9] = {2001, 2002, 2003, 2004, 2006, 2007, 2008};
    want[7] = i_first ? 2009 : 2010;
    want[8] = i_first ? 2010 : 2009;
    assert_ended(&l, 0, want, 9, FLOW_END_TIMEOUT);
    assert_end_order(&l, 0);
    cr_assert_eq(flow_table_stats(t)->active, 1);
    cr_assert_eq(flow_table_stats(t)->timed_out, 9);
    flow_table_free(t);
    cr_assert_eq(l.n, 10);
    cr_assert_eq(l.e[9].cport, 2005);
    cr_assert_eq(l.e[9].why, FLOW_END_SHUTDOWN);
}

/* Step by step, each expiry ends exactly the flows idle beyond their class's timeout. */
Test(flow, expire_exactly_the_idle_flows)
{
    static struct end_log l;
    memset(&l, 0, sizeof(l));
    struct flow_table *t = mixed_table(&l, 64);
    uint64_t ids[11];
    mixed_flows(t, ids);

    static const struct {
        uint64_t now;
        uint16_t ports[2];
        size_t n;
    } steps[] = {
        {13 * SEC, {0}, 0},           /* C (closed, seen at 3 s) idle exactly 10 s stays */
        {14 * SEC, {2003}, 1},        /* C idle 11 s */
        {25 * SEC, {2008}, 1},        /* H idle 11 s; J idle exactly 10 s stays */
        {25 * SEC + 1, {2010}, 1},    /* J idle 10 s + 1 us */
        {42 * SEC, {2002}, 1},        /* B (new) idle 41 s; G idle exactly 30 s stays */
        {42 * SEC + 1, {2007}, 1},    /* G */
        {131 * SEC, {2001, 2004}, 2}, /* UDP A (131 s), D (127 s); F closing idle 120 s stays */
        {131 * SEC + 1, {2006}, 1},   /* F */
        {135 * SEC, {0}, 0},          /* I (UDP) idle exactly 120 s */
        {136 * SEC, {2009}, 1},       /* I */
        {3607 * SEC, {0}, 0},         /* E (established) idle exactly 3600 s */
        {3607 * SEC + 1, {2005}, 1},  /* E */
    };
    for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
        size_t from = l.n;
        flow_expire(t, steps[i].now);
        assert_ended(&l, from, steps[i].ports, steps[i].n, FLOW_END_TIMEOUT);
    }
    cr_assert_eq(flow_table_stats(t)->active, 0);
    cr_assert_eq(flow_table_stats(t)->timed_out, 10);
    flow_table_free(t);
    cr_assert_eq(l.n, 10);
}

/* A model of one flow for the random expiry tests. */
struct flow_model {
    bool alive;
    uint64_t last_ts;
    uint8_t proto, tcp_state;
};

static uint64_t model_timeout(const struct flow_model *m)
{
    if (m->proto != IPPROTO_TCP)
        return 120 * SEC;
    switch (m->tcp_state) {
        case FLOW_TCP_NEW:
            return 30 * SEC;
        case FLOW_TCP_ESTABLISHED:
            return 3600 * SEC;
        case FLOW_TCP_CLOSING:
            return 120 * SEC;
        default:
            return 10 * SEC;
    }
}

/*
 * 200 TCP and UDP flows under random traffic; after every expiry the flows
 * that ended are exactly those the model says were idle beyond their
 * class's timeout, in (last_ts, flow_id) order. late: some packets carry a
 * timestamp up to 3 s behind the clock (as a capture's can); such a packet
 * refreshes its flow at the table's clock (flow_table_clock in flow.h).
 */
static void random_expiry(bool late)
{
    enum { FLOWS = 200 };
    static struct end_log l;
    static struct flow_model m[FLOWS];
    memset(&l, 0, sizeof(l));
    memset(m, 0, sizeof(m));
    struct flow_table *t = mixed_table(&l, 256);
    static const uint8_t tcp_flags[] = {TH_SYN,          TH_SYN | TH_ACK, TH_ACK,
                                        TH_ACK | TH_PSH, TH_FIN | TH_ACK, TH_RST};
    uint32_t s = late ? 77u : 4242u;
    uint64_t now = 1000 * SEC, clock = 0;
    size_t checks = 0, ended = 0;

    for (unsigned step = 0; step < 20000; step++) {
        s ^= s << 13;
        s ^= s >> 17;
        s ^= s << 5;
        size_t k = s % FLOWS;
        uint8_t proto = k % 3 == 0 ? IPPROTO_UDP : IPPROTO_TCP;
        now += (s >> 8) % (2 * SEC);
        uint64_t ts = late && (s >> 29) == 7 ? now - 3 * SEC : now;
        uint8_t flags = proto == IPPROTO_TCP ? tcp_flags[(s >> 12) % 6] : 0;
        struct flow *f = mixed_pkt(t, (uint16_t)(10000 + k), proto, flags, (s >> 20) & 1, ts);
        /* a late packet counts as seen at the table's clock, the latest time so far */
        clock = ts > clock ? ts : clock;
        m[k].last_ts = clock;
        m[k].alive = true;
        m[k].proto = proto;
        m[k].tcp_state = f->tcp_state;
        cr_assert_eq(f->last_ts, m[k].last_ts);

        if (step % 16 != 15)
            continue;
        size_t from = l.n;
        flow_expire(t, now);
        bool want[FLOWS] = {false};
        size_t nwant = 0;
        for (size_t i = 0; i < FLOWS; i++) {
            if (m[i].alive && now > m[i].last_ts && now - m[i].last_ts > model_timeout(&m[i])) {
                want[i] = true;
                nwant++;
            }
        }
        for (size_t i = from; i < l.n; i++) {
            size_t j = host_port(&l.e[i]) - 10000u;
            cr_assert_lt(j, FLOWS);
            cr_assert_eq(l.e[i].why, FLOW_END_TIMEOUT);
            cr_assert(want[j], "step %u: flow %zu (proto %u, state %u, idle %lu us) ended early",
                      step, j, m[j].proto, m[j].tcp_state, (unsigned long)(now - m[j].last_ts));
            want[j] = false;
            m[j].alive = false;
        }
        for (size_t i = 0; i < FLOWS; i++)
            cr_assert_not(want[i],
                          "step %u: flow %zu (proto %u, state %u, idle %lu us > %lu) not ended",
                          step, i, m[i].proto, m[i].tcp_state, (unsigned long)(now - m[i].last_ts),
                          (unsigned long)model_timeout(&m[i]));
        cr_assert_eq(l.n - from, nwant);
        assert_end_order(&l, from);
        checks++;
        ended += nwant;
        l.n = 0;
    }
    cr_assert_gt(checks, 1000);
    cr_assert_gt(ended, 100, "the traffic should make flows time out");
    flow_table_free(t);
}

Test(flow, expire_exact_random_traffic) { random_expiry(false); }

Test(flow, expire_exact_with_late_packets) { random_expiry(true); }

/* end_all on a random mix of 500 flows: every flow once, in (last_ts, flow_id) order. */
Test(flow, end_all_random_mix)
{
    static struct end_log l;
    memset(&l, 0, sizeof(l));
    struct flow_table *t = mixed_table(&l, 512);
    static const uint8_t tcp_flags[] = {TH_SYN, TH_SYN | TH_ACK, TH_ACK, TH_FIN, TH_RST};
    uint32_t s = 99;
    for (unsigned i = 0; i < 3000; i++) {
        s ^= s << 13;
        s ^= s >> 17;
        s ^= s << 5;
        uint16_t k = (uint16_t)(s % 500);
        uint8_t proto = k % 2 ? IPPROTO_UDP : IPPROTO_TCP;
        /* times jump around: many ties, and last-seen order unlike arrival order */
        uint64_t ts = (uint64_t)((s >> 9) % 50) * SEC;
        mixed_pkt(t, (uint16_t)(20000 + k), proto,
                  proto == IPPROTO_TCP ? tcp_flags[(s >> 16) % 5] : 0, (s >> 20) & 1, ts);
    }
    size_t active = flow_table_stats(t)->active;
    cr_assert_gt(active, 400);
    flow_table_end_all(t);
    cr_assert_eq(l.n, active);
    assert_end_order(&l, 0);
    bool seen[500] = {false};
    for (size_t i = 0; i < l.n; i++) {
        size_t k = host_port(&l.e[i]) - 20000u;
        cr_assert_lt(k, 500);
        cr_assert_not(seen[k], "flow %zu ended twice", k);
        seen[k] = true;
        cr_assert_eq(l.e[i].why, FLOW_END_SHUTDOWN);
    }
    cr_assert_eq(flow_table_stats(t)->active, 0);
    flow_table_free(t);
    cr_assert_eq(l.n, active);
}
