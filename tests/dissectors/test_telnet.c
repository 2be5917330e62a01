/*
 * test_telnet.c - the Telnet dissector: NVT/IAC decoding (RFC 854, 855),
 * line assembly and editing, prompts, and the login state machine that
 * emits EV_CREDENTIALS.
 *
 * Vectors marked "real" are the segments of the shared captures
 * (../shared/pcaps, see MANIFEST.md) in stream order, as tshark 4.0's
 * "follow,tcp,raw" prints them; the users, passwords and outcomes expected
 * from them were read from that dialogue (tshark "follow,tcp,ascii").
 * "Hand-built" dialogues follow what Cisco IOS prints on a vty (User Access
 * Verification, Username:, Password:, % Login invalid, % Bad secrets) and
 * what BSD and Linux login(1) print.
 *
 * The session helper plays the worker (src/worker.c stream_feed): each
 * segment is handed to parse() in an exactly sized copy (ASan sees
 * overreads), which must consume all of it.
 */
#include <criterion/criterion.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"
#include "telnet.h"

#define C2S DIR_TO_SERVER
#define S2C DIR_TO_CLIENT

struct step {
    int dir;
    const char *hex;
};

/* real: telnet_cooked_openbsd.pcap, segments 1-28 (line mode; ends with the first command) */

static const struct step cooked_openbsd[] = {
    {C2S, "fffd03fffb18fffb1ffffb20fffb21fffb22fffb27fffd05fffb23"},
    {S2C, "fffd25"},
    {C2S, "fffc25"},
    {S2C, "fffb03fffd18fffd1ffffd20fffd21fffd22fffa22010bfff0"},
    {C2S, "fffa1f00500020fff0fffa220301000003620304020f05000007621c08020409421a0a027f0b0215"
          "0f0211100213110000120000fff0fffd03fffa22010ffff0"},
    {S2C, "fffd27fffb05fffd23fffb26fffd26fffd24"},
    {C2S, "fffe26fffc26fffc24"},
    {S2C, "fffa2001fff0fffa2301fff0fffa2701fff0fffa1801fff0"},
    {C2S, "fffa2000393630302c39363030fff0fffa230062616d2e7a696e672e6f72673a302e30fff0fffa27"
          "0000444953504c41590162616d2e7a696e672e6f72673a302e30fff0fffa1800787465726d2d636f"
          "6c6f72fff0"},
    {S2C, "fffd01"},
    {C2S, "fffc01"},
    {S2C, "fffb01fffa2102fff0fffc01"},
    {C2S, "fffd01fffe01"},
    {S2C, "fffa2203058000118000128000fff0"},
    {S2C, "0d0a4f70656e4253442f6933383620286f6f662920287474797032290d0a0d0a"},
    {S2C, "6c6f67696e3a20"},
    {C2S, "66616b650d0a"},
    {S2C, "fffb01"},
    {C2S, "fffd01"},
    {S2C, "50617373776f72643a"},
    {C2S, "757365720d0a"},
    {S2C, "0d0a"},
    {S2C, "fffc01"},
    {C2S, "fffe01"},
    {S2C, "4c617374206c6f67696e3a20536174204e6f762032372032303a31313a3433206f6e207474797032"
          "2066726f6d2062616d2e7a696e672e6f72670d0a"},
    {S2C, "5761726e696e673a206e6f204b65726265726f73207469636b657473206973737565642e0d0a4f70"
          "656e42534420322e362d6265746120284f4f46292023343a20547565204f63742031322032303a34"
          "323a33322043445420313939390d0a0d0a57656c636f6d6520746f204f70656e4253443a20546865"
          "2070726f6163746976656c792073656375726520556e69782d6c696b65206f7065726174696e6720"
          "73797374656d2e0d0a0d0a506c6561736520757365207468652073656e6462756728312920757469"
          "6c69747920746f207265706f7274206275677320696e207468652073797374656d2e0d0a4265666f"
          "7265207265706f7274696e672061206275672c20706c656173652074727920746f20726570726f64"
          "756365206974207769746820746865206c61746573740d0a76657273696f6e206f66207468652063"
          "6f64652e20205769746820627567207265706f7274732c20706c656173652074727920746f20656e"
          "7375726520746861740d0a656e6f75676820696e666f726d6174696f6e20746f20726570726f6475"
          "6365207468652070726f626c656d20697320656e636c6f7365642c20616e6420696620610d0a6b6e"
          "6f776e2066697820666f72206974206578697374732c20696e636c75646520746861742061732077"
          "656c6c2e0d0a0d0a"},
    {S2C, "2420"},
    {C2S, "2f7362696e2f70696e67207777772e7961686f6f2e636f6d0d0a"},
};

/* real: telnet_raw_ubuntu.pcap, segments 1-46 (character mode; ends with the first key at the
 * shell) */

static const struct step raw_ubuntu[] = {
    {C2S, "fffd03fffb18fffb1ffffb20fffb21fffb22fffb27fffd05fffb23"},
    {S2C, "fffd18fffd20fffd23fffd27"},
    {S2C, "fffb03fffd1ffffd21fffe22fffb05fffa2001fff0fffa2301fff0fffa2701fff0fffa1801fff0"},
    {C2S, "fffa1f00be001afff0fffa200033383430302c3338343030fff0fffa23006c6170746f703a30fff0"
          "fffa270000444953504c4159016c6170746f703a30fff0fffa1800585445524d2d323536434f4c4f"
          "52fff0"},
    {S2C, "fffd01"},
    {C2S, "fffc01"},
    {S2C, "fffb01"},
    {C2S, "fffd01"},
    {S2C, "5562756e74752031382e30342e31204c54530d0a"},
    {S2C, "6c6170746f70206c6f67696e3a20"},
    {C2S, "73"},
    {S2C, "73"},
    {C2S, "68"},
    {S2C, "68"},
    {C2S, "65"},
    {S2C, "65"},
    {C2S, "6c"},
    {S2C, "6c"},
    {C2S, "6c"},
    {S2C, "6c"},
    {C2S, "63"},
    {S2C, "63"},
    {C2S, "6f"},
    {S2C, "6f"},
    {C2S, "64"},
    {S2C, "64"},
    {C2S, "65"},
    {S2C, "65"},
    {C2S, "0d00"},
    {S2C, "0d0a"},
    {S2C, "50617373776f72643a20"},
    {C2S, "73"},
    {C2S, "68"},
    {C2S, "65"},
    {C2S, "6c"},
    {C2S, "6c"},
    {C2S, "63"},
    {C2S, "6f"},
    {C2S, "64"},
    {C2S, "65"},
    {C2S, "0d00"},
    {S2C, "0d0a"},
    {S2C, "4c617374206c6f67696e3a204d6f6e204170722032322032313a33323a3138204345535420323031"
          "392066726f6d203139322e3136382e302e3131206f6e207074732f310d0a"},
    {S2C, "57656c636f6d6520746f205562756e74752031382e30342e31204c54532028474e552f4c696e7578"
          "20342e31352e302d33342d67656e65726963207838365f3634290d0a0d0a202a20446f63756d656e"
          "746174696f6e3a202068747470733a2f2f68656c702e7562756e74752e636f6d0d0a202a204d616e"
          "6167656d656e743a202020202068747470733a2f2f6c616e6473636170652e63616e6f6e6963616c"
          "2e636f6d0d0a202a20537570706f72743a202020202020202068747470733a2f2f7562756e74752e"
          "636f6d2f616476616e746167650d0a0d0a0d0a202a2043616e6f6e6963616c204c69766570617463"
          "6820697320617661696c61626c6520666f7220696e7374616c6c6174696f6e2e0d0a2020202d2052"
          "65647563652073797374656d207265626f6f747320616e6420696d70726f7665206b65726e656c20"
          "73656375726974792e2041637469766174652061743a0d0a202020202068747470733a2f2f756275"
          "6e74752e636f6d2f6c69766570617463680d0a"},
    {S2C, "1b5d303b7368656c6c636f6465406c6170746f703a207e071b5b30313b33326d7368656c6c636f64"
          "65406c6170746f701b5b30306d3a1b5b30313b33346d7e1b5b30306d2420"},
    {C2S, "65"},
};

/* real: telnet_raw_windows_administrator.pcap, segments 1-50 (NTLM refused, then a login typed per
 * character) */

static const struct step raw_windows[] = {
    {S2C, "fffd25fffb01fffb03fffd27fffd1ffffd00fffb00"},
    {C2S, "fffb25"},
    {S2C, "fffa25010f00fff0"},
    {C2S, "fffd01fffd03fffb27fffb1ffffa1f00500019fff0fffb00fffd00"},
    {S2C, "fffa2701fff0fffa270103534655544c4e5456455203534655544c4e544d4f4445fff0"},
    {C2S, "fffa25000f000028000000020000004e544c4d5353500001000000978208e2000000000000000000"
          "00000000000000060072170000000ffff0"},
    {S2C, "fffa25020f000188000000020000004e544c4d53535000020000000c000c003800000015828ae266"
          "16d1305d60259a000000000000000044004400440000000502ce0e0000000f4e0041005000490045"
          "00520002000c004e004100500049004500520001000c004e004100500049004500520004000c006e"
          "006100700069006500720003000c006e006100700069006500720000000000fff0"},
    {C2S, "fffa2700fff0fffa270003534655544c4e54564552013203534655544c4e544d4f444501436f6e73"
          "6f6c65fff0"},
    {C2S, "fffa25000f000244010000020000004e544c4d53535000030000001800180074000000a800a8008c"
          "0000000a000a005800000008000800620000000a000a006a0000001000100034010000158288e206"
          "0072170000000f98c5a3adcf5036856630ba08b381fb9c420049004c004c005300620069006c006c"
          "00420049004c004c0053001ee2a53aebdaf854ef3bffff3922d3a2213138ae32fc84db10e082209a"
          "bfd72ac0bc07b32227fa57680101000000000000fbc937d4038cca013138ae32fc84db1000000000"
          "02000c004e004100500049004500520001000c004e004100500049004500520004000c006e006100"
          "700069006500720003000c006e006100700069006500720008003000300000000000000000000000"
          "003000001dfb6bf47416948de1de0e88d51374d5f38973c37a1e4e071166b9a57166f0d800000000"
          "000000008ecc99b6439eda37aff9af6044e4155cfff0"},
    {S2C, "fffa25020f0004fff00d0a54656c6e65742073657276657220636f756c64206e6f74206c6f672079"
          "6f7520696e207573696e67204e544c4d2061757468656e7469636174696f6e2e0d0a596f75722070"
          "617373776f7264206d6179206861766520657870697265642e0d0a4c6f67696e207573696e672075"
          "7365726e616d6520616e642070617373776f72640d0a0d0a57656c636f6d6520746f204d6963726f"
          "736f66742054656c6e65742053657276696365200d0a0a0d6c6f67696e3a20"},
    {C2S, "41"},
    {S2C, "41"},
    {C2S, "64"},
    {S2C, "64"},
    {C2S, "6d"},
    {S2C, "6d"},
    {C2S, "69"},
    {S2C, "69"},
    {C2S, "6e"},
    {S2C, "6e"},
    {C2S, "69"},
    {S2C, "69"},
    {C2S, "73"},
    {S2C, "73"},
    {C2S, "74"},
    {S2C, "74"},
    {C2S, "72"},
    {S2C, "72"},
    {C2S, "61"},
    {S2C, "61"},
    {C2S, "74"},
    {S2C, "74"},
    {C2S, "6f"},
    {S2C, "6f"},
    {C2S, "72"},
    {S2C, "72"},
    {C2S, "0d0a"},
    {S2C, "0a0d70617373776f72643a20"},
    {C2S, "6e"},
    {C2S, "61"},
    {C2S, "7069"},
    {C2S, "6572"},
    {C2S, "0d0a"},
    {S2C, "fffd18"},
    {C2S, "fffb18"},
    {S2C, "fffa1801fff0"},
    {C2S, "fffa1800414e5349fff0"},
    {S2C, "1b5b313b31481b5b4b1b5b323b31481b5b4b1b5b333b31481b5b4b1b5b343b31481b5b4b1b5b353b"
          "31481b5b4b1b5b363b31481b5b4b1b5b373b31481b5b4b1b5b383b31481b5b4b1b5b393b31481b5b"
          "4b1b5b31303b31481b5b4b1b5b31313b31481b5b4b1b5b31323b31481b5b4b1b5b31333b31481b5b"
          "4b1b5b31343b31481b5b4b1b5b31353b31481b5b4b1b5b31363b31481b5b4b1b5b31373b31481b5b"
          "4b1b5b31383b31481b5b4b1b5b31393b31481b5b4b1b5b32303b31481b5b4b1b5b32313b31481b5b"
          "4b1b5b32323b31481b5b4b1b5b32333b31481b5b4b1b5b32343b31481b5b4b1b5b32353b31481b5b"
          "4b1b5b313b3148"},
    {S2C, "2a3d3d3d3d3d3d3d3d3d3d3d3d3d3d3d3d3d3d3d3d3d3d3d3d3d3d3d3d3d3d3d3d3d3d3d3d3d3d3d"
          "3d3d3d3d3d3d3d3d3d3d3d3d3d3d3d3d3d3d3d3d3d3d3d3d1b5b323b314857656c636f6d6520746f"
          "204d6963726f736f66742054656c6e6574205365727665722e1b5b333b31482a3d3d3d3d3d3d3d3d"
          "3d3d3d3d3d3d3d3d3d3d3d3d3d3d3d3d3d3d3d3d3d3d3d3d3d3d3d3d3d3d3d3d3d3d3d3d3d3d3d3d"
          "3d3d3d3d3d3d3d3d3d3d3d3d3d3d3d1b5b343b3148433a5c446f63756d656e747320616e64205365"
          "7474696e67735c41646d696e6973747261746f723e"},
    {C2S, "64"},
};

/* real: telnet_cisco_over_mpls_with_cdp.pcap, the whole telnet stream */

static const struct step cisco_none_set[] = {
    {C2S, "fffd03fffb1ffffb21"},
    {S2C, "fffb01fffb03fffd18fffd1f"},
    {C2S, "fffd01"},
    {C2S, "fffc18"},
    {C2S, "fffa1f00500018fff0"},
    {S2C, "0d0a0d0a50617373776f72642072657175697265642c20627574206e6f6e65207365740d0a"},
    {C2S, "0d0a"},
};

/* real: tcp23_binary_not_telnet_honeynet.pcap, segments 1-8 */

static const struct step honeynet[] = {
    {C2S, "fffa260001011213141516171819fff0"},
    {S2C, "fffd25"},
    {C2S, "fffa2607eb764f793854334d347a494433495649676b55366455386549477844734d367a79325a30"
          "58714b5643476c5253346852416a55497a634b775468547952556d49645861364667755095a80408"
          "a9a804085246346165736e37596d656773574130387a373343763050796b3262726a624952775a41"
          "664a4c77eb467864636d6f536b786f42575048776478616f6f4f5867376e4f696e41724c79566d58"
          "646b71384e754b523439366138335165716a37585075317264434e416962696176617934d9ead974"
          "24988b5c24a48d5ca300b93bdc3219bab93b31dcb03d0fb6c0666681c2d1c1314c832a4879f75eb7"
          "15a37a0e0ef8194fbdfcd84038c80ce86e95dc88e1a65fd03c2ed1cd34df9a172f0405dbc834120b"
          "c308dc5ee0ca0984570385e11c3648f96dca43601583479e236817e611b00bc7598cd5ae846e062d"
          "f02b6c58bdfa4c88f64da856a45b545a9cc4429cf4074ee989580944bdd467e8eb9a488cfb6248bc"
          "cfc5cbb45acc4bb52e1c11ec4edf5b8961386cef9563829cc560122b2c98237950fe44d7fbcb240b"
          "0ce4b5417e81ca829e0c878d32529cc669d2b6619b85ad415e2b521c175d2b0f733e7d8d49e4c647"
          "8b1e956c86b33dce7df72331800e95d5f8ec6887395c2d67e3d36ceb3f53e300dbd3ea58c981b8b6"
          "d23dc882b822fff0"},
    {S2C, "fffa26020102fff0"},
    {S2C, "52775a08fff0"},
    {C2S, "fffa2607eb764f793854334d347a494433495649676b55366455386549477844734d367a79325a30"
          "58714b5643476c5253346852416a55497a634b775468547952556d49645861364667755095a80408"
          "a9a804085246346165736e37596d656773574130387a373343763050796b3262726a624952775a41"
          "664a4c77eb467864636d6f536b786f42575048776478616f6f4f5867376e4f696e41724c79566d58"
          "646b71384e754b523439366138335165716a37585075317264434e416962696176617934d9ead974"
          "24988b5c24a48d5ca300b93bdc3219bab93b31dcb03d0fb6c0666681c2d1c1314c832a4879f75eb7"
          "15a37a0e0ef8194fbdfcd84038c80ce86e95dc88e1a65fd03c2ed1cd34df9a172f0405dbc834120b"
          "c308dc5ee0ca0984570385e11c3648f96dca43601583479e236817e611b00bc7598cd5ae846e062d"
          "f02b6c58bdfa4c88f64da856a45b545a9cc4429cf4074ee989580944bdd467e8eb9a488cfb6248bc"
          "cfc5cbb45acc4bb52e1c11ec4edf5b8961386cef9563829cc560122b2c98237950fe44d7fbcb240b"
          "0ce4b5417e81ca829e0c878d32529cc669d2b6619b85ad415e2b521c175d2b0f733e7d8d49e4c647"
          "8b1e956c86b33dce7df72331800e95d5f8ec6887395c2d67e3d36ceb3f53e300dbd3ea58c981b8b6"
          "d23dc882b822fff0"},
    {C2S, "56f09010f0130000e3fc551ad4000000"},
    {S2C, "56f0901000d04a28"},
};

/* ---- session: the worker's stream handling ------------------------------------ */

#define MAX_EV 64

struct sess {
    void *st;
    uint64_t ts;
    bool detached;
    int malformed;
    const char *error;
    struct dis_event ev[MAX_EV];
    int nev;
};

static void on_emit(struct dis_ctx *ctx, const struct dis_event *ev)
{
    struct sess *s = ctx->user;
    cr_assert_lt(s->nev, MAX_EV, "too many events");
    s->ev[s->nev++] = *ev; /* every field is inline or a static string */
}

static struct sess *sess_new(void)
{
    struct sess *s = calloc(1, sizeof(*s));
    cr_assert_not_null(s);
    s->st = calloc(1, telnet_dissector.state_size);
    cr_assert_not_null(s->st);
    s->ts = 1000000;
    return s;
}

static void sess_free(struct sess *s)
{
    if (telnet_dissector.state_free)
        telnet_dissector.state_free(s->st);
    free(s->st);
    free(s);
}

static enum dis_result feed_gap(struct sess *s, int dir, const void *data, size_t n, uint64_t gap)
{
    cr_assert_not(s->detached, "fed after DIS_NOT_MINE");
    uint8_t *copy = malloc(n ? n : 1); /* exact size, so ASan sees overreads */
    cr_assert_not_null(copy);
    if (n)
        memcpy(copy, data, n);
    struct dis_ctx ctx = {.dir = dir, .ts_us = ++s->ts, .gap = gap, .emit = on_emit, .user = s};
    struct cursor c;
    cur_init(&c, copy, n);
    enum dis_result r = telnet_dissector.parse(&ctx, s->st, &c);
    free(copy);
    switch (r) {
        case DIS_OK:
            cr_assert_eq(ctx.consumed, n, "DIS_OK consumes everything");
            break;
        case DIS_MALFORMED:
            cr_assert_not_null(ctx.error, "DIS_MALFORMED says why");
            cr_assert_eq(ctx.consumed, n);
            s->malformed++;
            s->error = ctx.error;
            break;
        case DIS_NOT_MINE:
            s->detached = true;
            break;
        default:
            cr_assert_fail("telnet never waits or truncates: result %d", r);
    }
    return r;
}

static enum dis_result feed(struct sess *s, int dir, const void *data, size_t n)
{
    return feed_gap(s, dir, data, n, 0);
}

/* A string literal, embedded NULs included. */
#define FEED(s, dir, lit) feed((s), (dir), (lit), sizeof(lit) - 1)

static void feed_hex(struct sess *s, int dir, const char *hex)
{
    size_t n;
    uint8_t *p = th_hex(hex, &n);
    feed(s, dir, p, n);
    free(p);
}

static void run_steps(struct sess *s, const struct step *st, size_t n)
{
    for (size_t i = 0; i < n && !s->detached; i++)
        feed_hex(s, st[i].dir, st[i].hex);
}

static void sess_end_reason(struct sess *s, int dir, bool reset, uint8_t reason)
{
    struct dis_ctx ctx = {
        .dir = dir, .ts_us = ++s->ts, .end_reason = reason, .emit = on_emit, .user = s};
    telnet_dissector.end(&ctx, s->st, reset);
}

static void sess_end(struct sess *s)
{
    sess_end_reason(s, C2S, false, DIS_END_FIN);
    sess_end_reason(s, S2C, false, DIS_END_FIN);
}

/* Character mode: the client sends each key alone; echo makes the server send it back. */
static void type_keys(struct sess *s, const char *text, bool echo)
{
    for (const char *p = text; *p; p++) {
        feed(s, C2S, p, 1);
        if (echo)
            feed(s, S2C, p, 1);
    }
}

static void assert_cred(const struct sess *s, int i, const char *user, const char *password,
                        size_t password_len, uint8_t outcome, bool enable, uint32_t attempt)
{
    cr_assert_lt(i, s->nev, "event %d missing (%d events)", i, s->nev);
    const struct dis_event *e = &s->ev[i];
    const struct ev_cred *c = &e->u.cred;
    cr_assert_eq(e->type, EV_CREDENTIALS);
    cr_assert_eq(e->actor, EV_ACTOR_CLIENT);
    cr_assert_eq(e->dir, C2S, "the client is the actor");
    cr_assert_str_eq(c->protocol, "telnet");
    if (user) {
        cr_assert(c->has_username, "event %d: a username", i);
        cr_assert_str_eq(c->username, user, "event %d: user '%s'", i, c->username);
    } else {
        cr_assert_not(c->has_username, "event %d: no username, got '%s'", i, c->username);
        cr_assert_str_eq(c->username, "");
    }
    cr_assert_str_eq(c->password, password, "event %d: password '%s'", i, c->password);
    cr_assert_eq(c->password_len, password_len, "event %d: password_len %zu", i, c->password_len);
    cr_assert_eq(c->outcome, outcome, "event %d: outcome %u", i, c->outcome);
    cr_assert_eq(c->enable, enable, "event %d: enable %d", i, c->enable);
    cr_assert_eq(c->attempt, attempt, "event %d: attempt %u", i, c->attempt);
    cr_assert_not(c->has_http);
}

static void ev_desc(const struct dis_event *e, char *buf, size_t n)
{
    const struct ev_cred *c = &e->u.cred;
    snprintf(buf, n, "type=%d actor=%u user=%d:%s pw=%s/%zu out=%u en=%d att=%u", e->type, e->actor,
             c->has_username, c->username, c->password, c->password_len, c->outcome, c->enable,
             c->attempt);
}

static void assert_same_events(const struct sess *a, const struct sess *b, const char *what)
{
    cr_assert_eq(a->nev, b->nev, "%s: %d events, expected %d", what, a->nev, b->nev);
    for (int i = 0; i < a->nev; i++) {
        char x[512], y[512];
        ev_desc(&a->ev[i], x, sizeof(x));
        ev_desc(&b->ev[i], y, sizeof(y));
        cr_assert_str_eq(x, y, "%s: event %d", what, i);
    }
}

/* ---- declaration and probe ------------------------------------------------------ */

Test(telnet, dissector_declaration)
{
    cr_assert_str_eq(telnet_dissector.name, "telnet");
    cr_assert_eq(telnet_dissector.l4, 6);
    cr_assert_eq(telnet_dissector.ports[0], 23);
    cr_assert_eq(telnet_dissector.ports[1], 0);
    cr_assert_eq(telnet_dissector.ndpi_ids[0], 77); /* NDPI_PROTOCOL_TELNET */
    cr_assert_eq(telnet_dissector.ndpi_ids[1], 0);
    cr_assert_gt(telnet_dissector.state_size, 0);
    cr_assert_not_null(telnet_dissector.probe);
    cr_assert_not_null(telnet_dissector.parse);
    cr_assert_not_null(telnet_dissector.end);
    cr_assert_eq(dissector_find("telnet"), &telnet_dissector);
}

static bool probe_bytes(const void *data, size_t n)
{
    uint8_t *copy = malloc(n ? n : 1);
    cr_assert_not_null(copy);
    if (n)
        memcpy(copy, data, n);
    struct cursor c;
    cur_init(&c, copy, n);
    bool r = telnet_dissector.probe(&c, C2S);
    cr_assert_eq(c.off, 0, "probe consumes nothing");
    free(copy);
    return r;
}

#define PROBE(lit) probe_bytes((lit), sizeof(lit) - 1)

static bool probe_hex(const char *hex)
{
    size_t n;
    uint8_t *p = th_hex(hex, &n);
    bool r = probe_bytes(p, n);
    free(p);
    return r;
}

Test(telnet, probe_accepts_telnet)
{
    /* IAC and every command byte from SE (0xf0) to DONT (0xfe) */
    for (int cmd = 0xf0; cmd <= 0xfe; cmd++) {
        uint8_t b[3] = {0xff, (uint8_t)cmd, 0x01};
        cr_assert(probe_bytes(b, 3), "IAC %02x", cmd);
        cr_assert(probe_bytes(b, 2), "IAC %02x", cmd);
    }
    cr_assert(PROBE("\xff"), "a lone IAC: too short to tell");
    cr_assert(PROBE("\r\n\r\nUser Access Verification\r\n\r\nUsername: "));
    cr_assert(PROBE("login: "));
    cr_assert(PROBE("\r\n\r\nPassword required, but none set\r\n"));
    cr_assert(PROBE("\x1b[1;1H\x1b[KWelcome\r\n"), "ANSI screen output");
    cr_assert(PROBE("Bienvenue \xc3\xa0 bord \xe2\x80\x94 login: "), "UTF-8 banner");
    cr_assert(PROBE("f"), "one key");
    cr_assert(PROBE("\r\n\xff\xfa\x1f\x00\x50\x00\x18\xff\xf0\x03\x04\x01\x02login: "),
              "binary SB content between text is skipped");
    /* real: the first segment of each capture */
    cr_assert(probe_hex(cooked_openbsd[0].hex));
    cr_assert(probe_hex(raw_windows[0].hex));
    cr_assert(probe_hex(cisco_none_set[0].hex));
    /* the honeynet stream starts as a well-formed IAC SB: it is claimed (and yields nothing) */
    cr_assert(probe_hex(honeynet[0].hex));
}

Test(telnet, probe_rejects_binary)
{
    cr_assert_not(PROBE("\xff\xff"), "IAC IAC is no way to start");
    cr_assert_not(PROBE("\xff\x01\x02"), "IAC and a non-command");
    cr_assert_not(probe_hex("16030100a5010000a10303 5a1b9c7d0e2f3a4b5c6d7e8f90a1b2c3d4e5f60718"
                            "293a4b5c6d7e8f"),
                  "TLS ClientHello");
    cr_assert_not(probe_hex("7f454c46020101000000000000000000 02003e0001000000c0104000"),
                  "ELF header");
    cr_assert_not(probe_hex("00000000 01000000 02000000 03000000"), "zeros and small ints");
    cr_assert(PROBE("\r\0\r\0\r\0login: "), "NUL after CR is text");
    /* real: honeynet segment 7, the binary that follows the ENCRYPT option */
    cr_assert_not(probe_hex(honeynet[6].hex));
    cr_assert_not(probe_hex(honeynet[7].hex));
}

/* ---- a hand-built line-mode IOS dialogue with IAC commands inside lines ------------ */

struct tstep {
    int dir;
    const char *s;
    size_t n;
};
#define T(d, lit)                                                                                  \
    {                                                                                              \
        (d), (lit), sizeof(lit) - 1                                                                \
    }

static const struct tstep ios_lines[] = {
    T(S2C, "\xff\xfb\x01\xff\xfb\x03\xff\xfd\x18\xff\xfd\x1f"),
    T(S2C, "\r\n\r\nUser Access Verification\r\n\r\nUsername: "),
    T(C2S, "\xff\xfd\x01\xff\xfd\x03\xff\xfb\x18\xff\xfb\x1f"
           "\xff\xfa\x1f\x00\x50\x00\x18\xff\xf0"),
    T(S2C, "\xff\xfa\x18\x01\xff\xf0"),
    T(C2S, "\xff\xfa\x18\x00VT100\xff\xf0"),
    T(C2S, "ad\xff\xf1mi\xff\xfb\x01n\r\n"),
    T(S2C, "\r\nPassword: "),
    T(C2S, "s\xff\xff"
           "cret\xff\xfa\x1f\x00\x50\x00\x18\xff\xf0!\r\0"),
    T(S2C, "\r\n\x1b[1m% Login invalid\x1b[0m\r\n\r\nUsername: "),
    T(C2S, "admin\r\n"),
    T(S2C, "\r\nPassword: "),
    T(C2S, "cisco\x08\x08sco\r\n"),
    T(S2C, "\r\n\r\nCME>"),
    T(C2S, "en\r\n"),
    T(S2C, "\r\nPassword: "),
    T(C2S, "x\xff\xf7yz\r\n"),
    T(S2C, "\r\nCME#"),
    T(C2S, "exit\r\n"),
};
#define IOS_LINES_N (sizeof(ios_lines) / sizeof(ios_lines[0]))

static void check_ios_lines(const struct sess *s)
{
    cr_assert_eq(s->nev, 3, "%d events", s->nev);
    assert_cred(s, 0, "admin", "s?cret!", 7, CRED_OUTCOME_FAILURE, false, 1);
    assert_cred(s, 1, "admin", "cissco", 6, CRED_OUTCOME_SUCCESS, false, 2);
    assert_cred(s, 2, "admin", "yz", 2, CRED_OUTCOME_SUCCESS, true, 3);
}

static struct sess *ios_lines_reference(void)
{
    struct sess *s = sess_new();
    for (size_t i = 0; i < IOS_LINES_N; i++)
        feed(s, ios_lines[i].dir, ios_lines[i].s, ios_lines[i].n);
    sess_end(s);
    return s;
}

Test(telnet, ios_line_mode_dialogue)
{
    struct sess *s = ios_lines_reference();
    check_ios_lines(s);
    cr_assert_eq(s->malformed, 0);
    sess_free(s);
}

Test(telnet, split_at_every_byte)
{
    struct sess *ref = ios_lines_reference();
    for (size_t i = 0; i < IOS_LINES_N; i++) {
        for (size_t k = 1; k < ios_lines[i].n; k++) {
            struct sess *s = sess_new();
            for (size_t j = 0; j < IOS_LINES_N; j++) {
                if (j == i) {
                    feed(s, ios_lines[j].dir, ios_lines[j].s, k);
                    feed(s, ios_lines[j].dir, ios_lines[j].s + k, ios_lines[j].n - k);
                } else {
                    feed(s, ios_lines[j].dir, ios_lines[j].s, ios_lines[j].n);
                }
            }
            sess_end(s);
            char what[48];
            snprintf(what, sizeof(what), "step %zu split at %zu", i, k);
            assert_same_events(s, ref, what);
            sess_free(s);
        }
    }
    /* and one byte at a time */
    struct sess *s = sess_new();
    for (size_t j = 0; j < IOS_LINES_N; j++)
        for (size_t k = 0; k < ios_lines[j].n; k++)
            feed(s, ios_lines[j].dir, ios_lines[j].s + k, 1);
    sess_end(s);
    assert_same_events(s, ref, "byte by byte");
    sess_free(s);
    sess_free(ref);
}

/*
 * Every truncation of the dialogue (the capture ends there, then both
 * directions end): the events are those of the whole dialogue so far, with
 * an outcome the whole dialogue agrees with or unknown, never a wrong one.
 */
Test(telnet, every_truncation)
{
    struct sess *ref = ios_lines_reference();
    size_t total = 0;
    for (size_t j = 0; j < IOS_LINES_N; j++)
        total += ios_lines[j].n;
    for (size_t cut = 0; cut <= total; cut++) {
        struct sess *s = sess_new();
        size_t left = cut;
        for (size_t j = 0; j < IOS_LINES_N && left; j++) {
            size_t n = ios_lines[j].n < left ? ios_lines[j].n : left;
            feed(s, ios_lines[j].dir, ios_lines[j].s, n);
            left -= n;
        }
        sess_end(s);
        cr_assert_leq(s->nev, ref->nev, "cut %zu", cut);
        for (int i = 0; i < s->nev; i++) {
            const struct ev_cred *a = &s->ev[i].u.cred, *b = &ref->ev[i].u.cred;
            cr_assert_str_eq(a->username, b->username, "cut %zu event %d", cut, i);
            cr_assert_str_eq(a->password, b->password, "cut %zu event %d", cut, i);
            cr_assert_eq(a->password_len, b->password_len, "cut %zu event %d", cut, i);
            cr_assert_eq(a->enable, b->enable, "cut %zu event %d", cut, i);
            cr_assert_eq(a->attempt, b->attempt, "cut %zu event %d", cut, i);
            cr_assert(a->outcome == b->outcome || a->outcome == CRED_OUTCOME_UNKNOWN,
                      "cut %zu event %d: outcome %u, whole dialogue %u", cut, i, a->outcome,
                      b->outcome);
        }
        sess_free(s);
    }
    sess_free(ref);
}

/* ---- NVT / IAC ------------------------------------------------------------------ */

/* Runs a Username/Password exchange whose username line is `user_line` (n bytes). */
static struct sess *login_with_user_line(const void *user_line, size_t n)
{
    struct sess *s = sess_new();
    FEED(s, S2C, "Username: ");
    feed(s, C2S, user_line, n);
    FEED(s, S2C, "\r\nPassword: ");
    FEED(s, C2S, "pw\r\n");
    FEED(s, S2C, "\r\nR1>");
    sess_end(s);
    return s;
}

#define LOGIN_USER_LINE(lit) login_with_user_line((lit), sizeof(lit) - 1)

static void assert_user_line(struct sess *s, const char *user)
{
    cr_assert_eq(s->nev, 1, "%d events", s->nev);
    assert_cred(s, 0, user, "pw", 2, CRED_OUTCOME_SUCCESS, false, 1);
    sess_free(s);
}

Test(telnet, iac_negotiation_is_not_data)
{
    /* WILL, WONT, DO, DONT with options, option byte 0xff included */
    assert_user_line(LOGIN_USER_LINE("a\xff\xfb\x01"
                                     "d\xff\xfc\x03m\xff\xfd\x18i\xff\xfe\xffn\r\n"),
                     "admin");
    /* an option byte that looks like CR or text is not data either */
    assert_user_line(LOGIN_USER_LINE("ad\xff\xfb\rmin\xff\xfdx\r\n"), "admin");
}

Test(telnet, iac_commands_are_not_data)
{
    assert_user_line(LOGIN_USER_LINE("a\xff\xf1"
                                     "d\xff\xf2m\xff\xf3i\xff\xf5\xff\xf6n\xff\xf9\xff\xf0\r\n"),
                     "admin");
    /* IAC followed by a byte that is no command is dropped with it */
    assert_user_line(LOGIN_USER_LINE("adm\xff\x41in\r\n"), "admin");
}

Test(telnet, iac_iac_is_a_data_ff)
{
    assert_user_line(LOGIN_USER_LINE("a\xff\xff\r\n"), "a?");
    struct sess *s = sess_new();
    FEED(s, S2C, "Password: ");
    FEED(s, C2S, "p\xff\xffw\r\n");
    FEED(s, S2C, "\r\nR1#");
    sess_end(s);
    cr_assert_eq(s->nev, 1);
    assert_cred(s, 0, NULL, "p?w", 3, CRED_OUTCOME_SUCCESS, false, 1);
    sess_free(s);
}

Test(telnet, subnegotiation_is_not_data)
{
    /* NAWS, TTYPE IS, an SB whose content holds IAC IAC, CR LF and text */
    assert_user_line(LOGIN_USER_LINE("ad\xff\xfa\x1f\x00\x50\x00\x18\xff\xf0"
                                     "m\xff\xfa\x18\x00xterm\xff\xf0"
                                     "i\xff\xfa\x18\x00\xff\xff\r\nroot\r\n\xff\xf0n\r\n"),
                     "admin");
    /* a server SB holding a prompt's text is no prompt */
    struct sess *s = sess_new();
    FEED(s, S2C, "\xff\xfa\x18\x01Password: \xff\xf0");
    FEED(s, C2S, "secret\r\n");
    sess_end(s);
    cr_assert_eq(s->nev, 0);
    sess_free(s);
}

Test(telnet, subnegotiation_ended_by_another_command)
{
    /* as BSD/netkit telnetd: IAC NOP inside SB ends the SB; what follows is data */
    assert_user_line(LOGIN_USER_LINE("\xff\xfa\x18\x00vt\xff\xf1"
                                     "admin\r\n"),
                     "admin");
    /* IAC WILL inside SB: the SB ends, WILL takes its option */
    assert_user_line(LOGIN_USER_LINE("\xff\xfa\x18\x00vt\xff\xfb\x01"
                                     "admin\r\n"),
                     "admin");
}

Test(telnet, new_environ_user_names_a_password_only_login)
{
    struct sess *s = sess_new();
    /* RFC 1572: IAC SB NEW-ENVIRON IS VAR "USER" VALUE "joe" USERVAR "X" VALUE "1" IAC SE */
    FEED(s, C2S, "\xff\xfa\x27\x00\x00USER\x01joe\x03X\x01\x31\xff\xf0");
    FEED(s, S2C, "Password: ");
    FEED(s, C2S, "pw\r\n");
    FEED(s, S2C, "Login incorrect\r\nlogin: ");
    FEED(s, C2S, "ann\r\n");
    FEED(s, S2C, "Password: ");
    FEED(s, C2S, "pw2\r\n");
    FEED(s, S2C, "$ ");
    sess_end(s);
    cr_assert_eq(s->nev, 2);
    assert_cred(s, 0, "joe", "pw", 2, CRED_OUTCOME_FAILURE, false, 1);
    assert_cred(s, 1, "ann", "pw2", 3, CRED_OUTCOME_SUCCESS, false, 2);
    sess_free(s);
}

/* ---- line assembly ------------------------------------------------------------------- */

Test(telnet, editing_keys)
{
    assert_user_line(LOGIN_USER_LINE("admx\x08in\r\n"), "admin");
    assert_user_line(LOGIN_USER_LINE("admx\x7fin\r\n"), "admin");
    assert_user_line(LOGIN_USER_LINE("\x08\x7f\x08"
                                     "admin\r\n"),
                     "admin"); /* erasing an empty line */
    assert_user_line(LOGIN_USER_LINE("root\x15"
                                     "admin\r\n"),
                     "admin");                                            /* ^U */
    assert_user_line(LOGIN_USER_LINE("admin guest  \x17\r\n"), "admin "); /* ^W */
    assert_user_line(LOGIN_USER_LINE("guest\x17"
                                     "admin\r\n"),
                     "admin");
    assert_user_line(LOGIN_USER_LINE("admx\xff\xf7in\r\n"), "admin"); /* IAC EC */
    assert_user_line(LOGIN_USER_LINE("root\xff\xf8"
                                     "admin\r\n"),
                     "admin");                                                 /* IAC EL */
    assert_user_line(LOGIN_USER_LINE("ad\x01\x02\x04\x1a\tmin\r\n"), "admin"); /* dropped */
    assert_user_line(LOGIN_USER_LINE("ad\x1b[Dmin\x1bOA\r\n"), "admin");       /* arrow keys */
}

Test(telnet, interrupt_abandons_the_line)
{
    struct sess *s = sess_new();
    FEED(s, S2C, "Password: ");
    FEED(s, C2S, "oops\x03");
    FEED(s, S2C, "\r\nPassword: ");
    FEED(s, C2S, "oops\xff\xf4");
    FEED(s, S2C, "\r\nPassword: ");
    FEED(s, C2S, "good\r\n");
    FEED(s, S2C, "\r\nR1>");
    sess_end(s);
    cr_assert_eq(s->nev, 1);
    assert_cred(s, 0, NULL, "good", 4, CRED_OUTCOME_SUCCESS, false, 1);
    sess_free(s);
}

Test(telnet, line_ends)
{
    /* CR NUL, CR LF, LF alone, CR alone; the NUL or LF may come in the next segment */
    static const char *const ends[] = {"\r", "\r\n", "\n"};
    for (size_t i = 0; i < 3; i++) {
        for (int split = 0; split < 2; split++) {
            struct sess *s = sess_new();
            FEED(s, S2C, "login: ");
            FEED(s, C2S, "fake");
            feed(s, C2S, ends[i], split ? 1 : strlen(ends[i]));
            if (split && strlen(ends[i]) > 1)
                feed(s, C2S, ends[i] + 1, 1);
            FEED(s, S2C, "\r\nPassword:");
            FEED(s, C2S, "user\r");
            FEED(s, C2S, "\0");
            FEED(s, S2C, "\r\n$ ");
            FEED(s, C2S, "ls\r");
            cr_assert_eq(s->nev, 1, "end %zu split %d", i, split);
            assert_cred(s, 0, "fake", "user", 4, CRED_OUTCOME_SUCCESS, false, 1);
            sess_free(s);
        }
    }
    /* a CR NUL pair is one end of line: the NUL does not start an empty line */
    struct sess *s = sess_new();
    FEED(s, S2C, "login: ");
    FEED(s, C2S, "fake\r");
    FEED(s, S2C, "\r\nPassword: ");
    FEED(s, C2S, "\0user\r\0");
    sess_end(s);
    cr_assert_eq(s->nev, 1);
    assert_cred(s, 0, "fake", "user", 4, CRED_OUTCOME_UNKNOWN, false, 1);
    sess_free(s);
}

Test(telnet, hostile_long_lines)
{
    struct sess *s = sess_new();
    char *big = malloc(100000);
    cr_assert_not_null(big);
    memset(big, 'A', 100000);
    /* a server line far longer than kept, with a failure text at its start, ends in a prompt */
    FEED(s, S2C, "Access denied ");
    feed(s, S2C, big, 100000);
    FEED(s, S2C, " Username: ");
    feed(s, C2S, big, 10000); /* a username of 10000 keys */
    FEED(s, C2S, "\r\n");
    FEED(s, S2C, "Password: ");
    memset(big, 'b', 1000);
    feed(s, C2S, big, 1000);
    FEED(s, C2S, "\x08\x08\r\n"); /* erase two of the cut keys */
    FEED(s, S2C, "\r\nR1>");
    sess_end(s);
    cr_assert_eq(s->nev, 1);
    char user[CRED_USER_MAX + 1], pw[CRED_PASSWORD_MAX + 1];
    memset(user, 'A', CRED_USER_MAX);
    user[CRED_USER_MAX] = '\0';
    memset(pw, 'b', CRED_PASSWORD_MAX);
    pw[CRED_PASSWORD_MAX] = '\0';
    assert_cred(s, 0, user, pw, 998, CRED_OUTCOME_SUCCESS, false, 1);
    sess_free(s);

    /* a long password erased back below the cap by ^W is the short rest */
    s = sess_new();
    FEED(s, S2C, "Password: ");
    FEED(s, C2S, "ok ");
    feed(s, C2S, big, 1000);
    FEED(s, C2S, "\x17\r\n");
    FEED(s, S2C, "\r\nR1>");
    sess_end(s);
    assert_cred(s, 0, NULL, "ok ", 3, CRED_OUTCOME_SUCCESS, false, 1);
    sess_free(s);
    free(big);
}

Test(telnet, hostile_escape_sequences)
{
    /* an OSC never terminated, a CSI with endless parameters: text comes back */
    struct sess *s = sess_new();
    char *big = malloc(5000);
    cr_assert_not_null(big);
    memset(big, '1', 5000);
    FEED(s, S2C, "\x1b]0;");
    feed(s, S2C, big, 5000);
    FEED(s, S2C, "\r\n\x1b[");
    feed(s, S2C, big, 5000);
    FEED(s, S2C, "\r\nUsername: ");
    FEED(s, C2S, "admin\r\n");
    FEED(s, S2C, "Password: ");
    FEED(s, C2S, "pw\r\n");
    FEED(s, S2C, "R1#");
    sess_end(s);
    assert_cred(s, 0, "admin", "pw", 2, CRED_OUTCOME_SUCCESS, false, 1);
    free(big);
    sess_free(s);
}

Test(telnet, hostile_subnegotiation)
{
    struct sess *s = sess_new();
    uint8_t *big = malloc(20000);
    cr_assert_not_null(big);
    memset(big, 'x', 20000);
    FEED(s, S2C, "Username: ");
    FEED(s, C2S, "\xff\xfa\x18");
    cr_assert_eq(feed(s, C2S, big, 20000), DIS_MALFORMED, "an SB longer than 16 KiB");
    cr_assert_str_eq(s->error, "telnet subnegotiation too long");
    cr_assert_eq(feed(s, C2S, big, 20000), DIS_OK, "reported once");
    FEED(s, C2S,
         "\xff\xf0"
         "admin\r\n");
    FEED(s, S2C, "Password: ");
    FEED(s, C2S, "pw\r\n");
    FEED(s, S2C, "R1>");
    sess_end(s);
    cr_assert_eq(s->nev, 1);
    assert_cred(s, 0, "admin", "pw", 2, CRED_OUTCOME_SUCCESS, false, 1);
    free(big);
    sess_free(s);
}

Test(telnet, gap_drops_the_line)
{
    struct sess *s = sess_new();
    FEED(s, S2C, "Password: ");
    FEED(s, C2S, "sec");
    feed_gap(s, C2S, "ret\r\n", 5, 3); /* keys were lost: the line is not what was typed */
    FEED(s, S2C, "\r\nR1>");
    sess_end(s);
    cr_assert_eq(s->nev, 0);
    sess_free(s);

    /* a gap in the server's output forgets its line */
    s = sess_new();
    FEED(s, S2C, "Pass");
    feed_gap(s, S2C, "word: ", 6, 10);
    FEED(s, C2S, "secret\r\n");
    sess_end(s);
    cr_assert_eq(s->nev, 0);
    sess_free(s);
}

/* ---- server output: prompts and messages ---------------------------------------------- */

Test(telnet, prompts_are_case_insensitive_with_spaces)
{
    static const char *const user_prompts[] = {
        "Username:",      "username: ", "USERNAME:  ", "login: ",
        "laptop login: ", "User Name:", "user:\t",     "Login:"};
    for (size_t i = 0; i < sizeof(user_prompts) / sizeof(user_prompts[0]); i++) {
        struct sess *s = sess_new();
        feed(s, S2C, user_prompts[i], strlen(user_prompts[i]));
        FEED(s, C2S, "joe\r\n");
        FEED(s, S2C, "\r\nPASSWORD: ");
        FEED(s, C2S, "pw\r\n");
        FEED(s, S2C, "\r\nR1>");
        sess_end(s);
        cr_assert_eq(s->nev, 1, "prompt '%s'", user_prompts[i]);
        assert_cred(s, 0, "joe", "pw", 2, CRED_OUTCOME_SUCCESS, false, 1);
        sess_free(s);
    }
    /* not prompts: a word inside another, the prompt not at the end */
    static const char *const others[] = {"Relogin:", "superuser:", "Last login: Mon Apr 22",
                                         "Last login:", "login: x"};
    for (size_t i = 0; i < sizeof(others) / sizeof(others[0]); i++) {
        struct sess *s = sess_new();
        feed(s, S2C, others[i], strlen(others[i]));
        FEED(s, C2S, "joe\r\n");
        FEED(s, S2C, "\r\nPassword: ");
        FEED(s, C2S, "pw\r\n");
        FEED(s, S2C, "\r\nR1>");
        sess_end(s);
        cr_assert_eq(s->nev, 1, "'%s'", others[i]);
        assert_cred(s, 0, NULL, "pw", 2, CRED_OUTCOME_SUCCESS, false, 1);
        sess_free(s);
    }
}

Test(telnet, ansi_escapes_are_stripped)
{
    struct sess *s = sess_new();
    /* colours around the prompt, split inside the escape sequences */
    FEED(s, S2C, "\x1b[1;3");
    FEED(s, S2C, "1mUser");
    FEED(s, S2C, "name:\x1b");
    FEED(s, S2C, "[0m ");
    FEED(s, C2S, "joe\r\n");
    FEED(s, S2C, "\x1b]0;title\x1b\\Password: ");
    FEED(s, C2S, "pw\r\n");
    /* Windows Telnet Service: cursor positioning breaks lines */
    FEED(s, S2C, "\x1b[1;1H\x1b[K*====\x1b[2;1HWelcome\x1b[4;1HC:\\Users\\joe>");
    FEED(s, C2S, "d");
    cr_assert_eq(s->nev, 1);
    assert_cred(s, 0, "joe", "pw", 2, CRED_OUTCOME_SUCCESS, false, 1);
    sess_free(s);
}

Test(telnet, shell_prompts_mean_success)
{
    static const char *const prompts[] = {
        "Router>", "CME#", "$ ", "C:\\>", "host% ", "\x1b]0;u@h: ~\x07\x1b[01;32mu@h\x1b[00m:~$ "};
    for (size_t i = 0; i < sizeof(prompts) / sizeof(prompts[0]); i++) {
        struct sess *s = sess_new();
        FEED(s, S2C, "login: ");
        FEED(s, C2S, "u\r\n");
        FEED(s, S2C, "Password:");
        FEED(s, C2S, "p\r\n");
        FEED(s, S2C, "\r\n");
        feed(s, S2C, prompts[i], strlen(prompts[i]));
        cr_assert_eq(s->nev, 0, "decided when the client answers");
        FEED(s, C2S, "l");
        cr_assert_eq(s->nev, 1, "prompt %zu", i);
        assert_cred(s, 0, "u", "p", 1, CRED_OUTCOME_SUCCESS, false, 1);
        sess_free(s);
    }
}

Test(telnet, failure_messages)
{
    static const char *const msgs[] = {
        "% Login invalid",
        "% Authentication failed",
        "Login incorrect",
        "Access denied",
        "% Bad passwords",
        "Permission denied, please try again.",
        "Logon failure: unknown user name or bad password.",
    };
    for (size_t i = 0; i < sizeof(msgs) / sizeof(msgs[0]); i++) {
        for (int with_eol = 0; with_eol < 2; with_eol++) {
            struct sess *s = sess_new();
            FEED(s, S2C, "Username: ");
            FEED(s, C2S, "u\r\n");
            FEED(s, S2C, "Password: ");
            FEED(s, C2S, "p\r\n");
            FEED(s, S2C, "\r\n");
            feed(s, S2C, msgs[i], strlen(msgs[i]));
            if (with_eol) {
                FEED(s, S2C, "\r\n");
                cr_assert_eq(s->nev, 1, "'%s': decided at its end of line", msgs[i]);
            }
            sess_end(s); /* without an end of line: the server's last words */
            cr_assert_eq(s->nev, 1, "'%s'", msgs[i]);
            assert_cred(s, 0, "u", "p", 1, CRED_OUTCOME_FAILURE, false, 1);
            sess_free(s);
        }
    }
}

Test(telnet, percent_lines_are_not_prompts)
{
    /* "%" then more: at no point is "% ..." a shell prompt, however it is cut */
    static const char *const tails[] = {"%", "% ", "%%", "  % "};
    for (size_t i = 0; i < sizeof(tails) / sizeof(tails[0]); i++) {
        struct sess *s = sess_new();
        FEED(s, S2C, "Password: ");
        FEED(s, C2S, "p\r\n");
        FEED(s, S2C, "\r\n");
        feed(s, S2C, tails[i], strlen(tails[i]));
        sess_end(s);
        cr_assert_eq(s->nev, 1);
        assert_cred(s, 0, NULL, "p", 1, CRED_OUTCOME_UNKNOWN, false, 1);
        sess_free(s);
    }
}

Test(telnet, last_login_is_not_a_prompt)
{
    /* the client types ahead while the server's line ends in "Last login:" */
    struct sess *s = sess_new();
    FEED(s, S2C, "login: ");
    FEED(s, C2S, "fake\r\n");
    FEED(s, S2C, "Password:");
    FEED(s, C2S, "user\r\n");
    FEED(s, S2C, "\r\nLast login:");
    FEED(s, C2S, "l");
    cr_assert_eq(s->nev, 0, "not a login prompt, so not a failure");
    FEED(s, S2C, " Sat Nov 27 20:11:43 on ttyp2\r\n$ ");
    FEED(s, C2S, "s\r\n");
    FEED(s, S2C, "\r\n$ ");
    FEED(s, C2S, "ls\r\n");
    sess_end(s);
    cr_assert_eq(s->nev, 1);
    assert_cred(s, 0, "fake", "user", 4, CRED_OUTCOME_SUCCESS, false, 1);
    sess_free(s);
}

Test(telnet, prompt_arriving_mid_line)
{
    /* the client starts typing before the prompt is shown (no echo) */
    struct sess *s = sess_new();
    FEED(s, S2C, "\r\n");
    FEED(s, C2S, "adm");
    FEED(s, S2C, "Username: ");
    FEED(s, C2S, "in\r\n");
    FEED(s, S2C, "Password: ");
    FEED(s, C2S, "pw\r\n");
    FEED(s, S2C, "R1>");
    sess_end(s);
    cr_assert_eq(s->nev, 1);
    assert_cred(s, 0, "admin", "pw", 2, CRED_OUTCOME_SUCCESS, false, 1);
    sess_free(s);
}

/* ---- IOS dialogues (hand-built, character mode like a real vty) ------------------------- */

static void ios_banner(struct sess *s)
{
    FEED(s, S2C, "\xff\xfb\x01\xff\xfb\x03\xff\xfd\x18\xff\xfd\x1f");
    FEED(s, C2S, "\xff\xfd\x01\xff\xfd\x03\xff\xfc\x18\xff\xfc\x1f");
    FEED(s, S2C, "\r\n\r\nUser Access Verification\r\n\r\n");
}

/* A key line in character mode: IOS echoes the username, never the password. */
static void ios_line(struct sess *s, const char *text, bool echo)
{
    type_keys(s, text, echo);
    FEED(s, C2S, "\r\0");
}

Test(telnet, ios_dialogue)
{
    struct sess *s = sess_new();
    ios_banner(s);
    FEED(s, S2C, "Username: ");
    ios_line(s, "admin", true);
    FEED(s, S2C, "\r\nPassword: ");
    ios_line(s, "wrongpass", false);
    FEED(s, S2C, "\r\n% Login invalid\r\n\r\n");
    cr_assert_eq(s->nev, 1, "the failure is known at the message");
    assert_cred(s, 0, "admin", "wrongpass", 9, CRED_OUTCOME_FAILURE, false, 1);
    FEED(s, S2C, "Username: ");
    ios_line(s, "admin", true);
    FEED(s, S2C, "\r\nPassword: ");
    ios_line(s, "cisco123", false);
    FEED(s, S2C, "\r\n\r\nCME>");
    ios_line(s, "enable", true);
    cr_assert_eq(s->nev, 2);
    assert_cred(s, 1, "admin", "cisco123", 8, CRED_OUTCOME_SUCCESS, false, 2);
    FEED(s, S2C, "\r\nPassword: ");
    ios_line(s, "enablepw1", false);
    FEED(s, S2C, "\r\nCME#");
    ios_line(s, "show run", true);
    cr_assert_eq(s->nev, 3);
    assert_cred(s, 2, "admin", "enablepw1", 9, CRED_OUTCOME_SUCCESS, true, 3);
    FEED(s, S2C, "\r\nBuilding configuration...\r\nCME#");
    ios_line(s, "exit", true);
    sess_end(s);
    cr_assert_eq(s->nev, 3);
    sess_free(s);
}

Test(telnet, ios_new_prompt_after_password_is_failure)
{
    struct sess *s = sess_new();
    ios_banner(s);
    FEED(s, S2C, "Username: ");
    ios_line(s, "bob", true);
    FEED(s, S2C, "\r\nPassword: ");
    ios_line(s, "one", false);
    FEED(s, S2C, "\r\n\r\nUsername: "); /* no message, a new prompt */
    ios_line(s, "bob", true);
    cr_assert_eq(s->nev, 1);
    assert_cred(s, 0, "bob", "one", 3, CRED_OUTCOME_FAILURE, false, 1);
    FEED(s, S2C, "\r\nPassword: ");
    ios_line(s, "two", false);
    FEED(s, S2C, "\r\nPassword: "); /* asked again */
    ios_line(s, "three", false);
    FEED(s, S2C, "\r\nR1>");
    sess_end(s);
    cr_assert_eq(s->nev, 3);
    assert_cred(s, 1, "bob", "two", 3, CRED_OUTCOME_FAILURE, false, 2);
    assert_cred(s, 2, "bob", "three", 5, CRED_OUTCOME_SUCCESS, false, 3);
    sess_free(s);
}

Test(telnet, ios_password_only_login)
{
    /* line vty with `password` and `login`: no username prompt */
    struct sess *s = sess_new();
    ios_banner(s);
    FEED(s, S2C, "Password: ");
    ios_line(s, "letmein", false);
    FEED(s, S2C, "\r\nPassword: ");
    ios_line(s, "cisco", false);
    FEED(s, S2C, "\r\nPassword: ");
    ios_line(s, "c1sco", false);
    FEED(s, S2C, "\r\n% Bad passwords\r\n");
    sess_end(s);
    cr_assert_eq(s->nev, 3);
    assert_cred(s, 0, NULL, "letmein", 7, CRED_OUTCOME_FAILURE, false, 1);
    assert_cred(s, 1, NULL, "cisco", 5, CRED_OUTCOME_FAILURE, false, 2);
    assert_cred(s, 2, NULL, "c1sco", 5, CRED_OUTCOME_FAILURE, false, 3);
    sess_free(s);

    s = sess_new();
    ios_banner(s);
    FEED(s, S2C, "Password: ");
    ios_line(s, "cisco", false);
    FEED(s, S2C, "\r\nRouter>");
    ios_line(s, "en", true);
    FEED(s, S2C, "\r\nPassword: ");
    ios_line(s, "class", false);
    FEED(s, S2C, "\r\nRouter#");
    sess_end(s);
    cr_assert_eq(s->nev, 2);
    assert_cred(s, 0, NULL, "cisco", 5, CRED_OUTCOME_SUCCESS, false, 1);
    assert_cred(s, 1, NULL, "class", 5, CRED_OUTCOME_SUCCESS, true, 2);
    sess_free(s);
}

Test(telnet, ios_enable_failures)
{
    struct sess *s = sess_new();
    ios_banner(s);
    FEED(s, S2C, "Username: ");
    ios_line(s, "ops", true);
    FEED(s, S2C, "\r\nPassword: ");
    ios_line(s, "opspw", false);
    FEED(s, S2C, "\r\nCME>");
    ios_line(s, "ENABLE 15", true);
    FEED(s, S2C, "\r\nPassword: ");
    ios_line(s, "e1", false);
    FEED(s, S2C, "\r\nPassword: ");
    ios_line(s, "e2", false);
    FEED(s, S2C, "\r\nPassword: ");
    ios_line(s, "e3", false);
    FEED(s, S2C, "\r\n% Bad secrets\r\n\r\nCME>");
    cr_assert_eq(s->nev, 4);
    ios_line(s, "show version", true); /* not enable: a password prompt now is no enable */
    FEED(s, S2C, "\r\nCME>");
    ios_line(s, "enable", true);
    FEED(s, S2C, "\r\nPassword: ");
    ios_line(s, "e4", false);
    FEED(s, S2C, "\r\n% Access denied\r\n\r\nCME>");
    ios_line(s, "e", true); /* too short to be enable */
    FEED(s, S2C, "\r\n% Ambiguous command:  \"e\"\r\nCME>");
    ios_line(s, "enable", true);
    FEED(s, S2C, "\r\nPassword: ");
    ios_line(s, "e5", false);
    FEED(s, S2C, "\r\nCME>"); /* back to user mode: not enabled */
    sess_end(s);
    cr_assert_eq(s->nev, 6);
    assert_cred(s, 0, "ops", "opspw", 5, CRED_OUTCOME_SUCCESS, false, 1);
    assert_cred(s, 1, "ops", "e1", 2, CRED_OUTCOME_FAILURE, true, 2);
    assert_cred(s, 2, "ops", "e2", 2, CRED_OUTCOME_FAILURE, true, 3);
    assert_cred(s, 3, "ops", "e3", 2, CRED_OUTCOME_FAILURE, true, 4);
    assert_cred(s, 4, "ops", "e4", 2, CRED_OUTCOME_FAILURE, true, 5);
    assert_cred(s, 5, "ops", "e5", 2, CRED_OUTCOME_FAILURE, true, 6);
    sess_free(s);
}

Test(telnet, empty_lines)
{
    struct sess *s = sess_new();
    FEED(s, S2C, "Username: ");
    FEED(s, C2S, "\r\n"); /* Enter at the username prompt: no username */
    FEED(s, S2C, "\r\nPassword: ");
    FEED(s, C2S, "\r\n"); /* and at the password prompt: nothing crossed the wire */
    FEED(s, S2C, "\r\n% Login invalid\r\n\r\nUsername: ");
    FEED(s, C2S, "joe\r\n");
    FEED(s, S2C, "\r\nPassword: ");
    FEED(s, C2S, "\r\n"); /* a named user with an empty password is an attempt */
    FEED(s, S2C, "\r\n% Login invalid\r\n");
    sess_end(s);
    cr_assert_eq(s->nev, 1);
    assert_cred(s, 0, "joe", "", 0, CRED_OUTCOME_FAILURE, false, 1);
    sess_free(s);
}

/* ---- outcome at the end of the connection ------------------------------------------------ */

static struct sess *pending_login(void)
{
    struct sess *s = sess_new();
    FEED(s, S2C, "Username: ");
    FEED(s, C2S, "joe\r\n");
    FEED(s, S2C, "\r\nPassword: ");
    FEED(s, C2S, "pw\r\n");
    cr_assert_eq(s->nev, 0);
    return s;
}

Test(telnet, outcome_unknown_at_end)
{
    /* the client side ends first: the server may still answer */
    struct sess *s = pending_login();
    sess_end_reason(s, C2S, false, DIS_END_FIN);
    cr_assert_eq(s->nev, 0);
    FEED(s, S2C, "\r\n% Login invalid\r\n");
    cr_assert_eq(s->nev, 1);
    assert_cred(s, 0, "joe", "pw", 2, CRED_OUTCOME_FAILURE, false, 1);
    sess_end_reason(s, S2C, false, DIS_END_FIN);
    cr_assert_eq(s->nev, 1, "once per attempt");
    sess_free(s);

    static const uint8_t reasons[] = {DIS_END_FIN, DIS_END_TIMEOUT, DIS_END_SHUTDOWN};
    for (size_t i = 0; i < sizeof(reasons); i++) {
        s = pending_login();
        sess_end_reason(s, C2S, false, reasons[i]);
        sess_end_reason(s, S2C, false, reasons[i]);
        cr_assert_eq(s->nev, 1);
        assert_cred(s, 0, "joe", "pw", 2, CRED_OUTCOME_UNKNOWN, false, 1);
        sess_free(s);
    }

    /* a reset on the client side ends the connection at once */
    s = pending_login();
    sess_end_reason(s, C2S, true, DIS_END_RST);
    cr_assert_eq(s->nev, 1);
    assert_cred(s, 0, "joe", "pw", 2, CRED_OUTCOME_UNKNOWN, false, 1);
    sess_end_reason(s, S2C, true, DIS_END_RST);
    cr_assert_eq(s->nev, 1);
    sess_free(s);

    /* the server's side ending is enough */
    s = pending_login();
    sess_end_reason(s, S2C, false, DIS_END_FIN);
    cr_assert_eq(s->nev, 1);
    sess_free(s);
}

Test(telnet, outcome_at_end_from_last_output)
{
    static const struct {
        const char *out;
        uint8_t outcome;
    } cases[] = {
        {"\r\nR1>", CRED_OUTCOME_SUCCESS},        {"\r\n% Login invalid", CRED_OUTCOME_FAILURE},
        {"\r\nPassword: ", CRED_OUTCOME_FAILURE}, {"\r\nUsername: ", CRED_OUTCOME_FAILURE},
        {"\r\n", CRED_OUTCOME_UNKNOWN},           {"\r\nWelcome", CRED_OUTCOME_UNKNOWN},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct sess *s = pending_login();
        feed(s, S2C, cases[i].out, strlen(cases[i].out));
        sess_end(s);
        cr_assert_eq(s->nev, 1);
        assert_cred(s, 0, "joe", "pw", 2, cases[i].outcome, false, 1);
        sess_free(s);
    }
    /* the password prompt the password answered is no new prompt */
    struct sess *s = pending_login();
    sess_end(s);
    assert_cred(s, 0, "joe", "pw", 2, CRED_OUTCOME_UNKNOWN, false, 1);
    sess_free(s);
}

/* ---- binary streams ---------------------------------------------------------------------- */

static uint32_t xorshift(uint32_t *x)
{
    *x ^= *x << 13;
    *x ^= *x >> 17;
    *x ^= *x << 5;
    return *x;
}

Test(telnet, binary_stream_is_given_up)
{
    struct sess *s = pending_login();
    uint8_t junk[600];
    uint32_t x = 12345;
    for (size_t i = 0; i < sizeof(junk); i++)
        junk[i] = (uint8_t)xorshift(&x);
    cr_assert_eq(feed(s, S2C, junk, sizeof(junk)), DIS_NOT_MINE);
    cr_assert_eq(s->nev, 1, "the pending attempt is flushed");
    assert_cred(s, 0, "joe", "pw", 2, CRED_OUTCOME_UNKNOWN, false, 1);
    sess_end(s);
    cr_assert_eq(s->nev, 1);
    sess_free(s);

    /* text with UTF-8 and a few stray controls is kept */
    s = sess_new();
    for (int i = 0; i < 40; i++)
        FEED(s, S2C,
             "Gr\xc3\xbc\xc3\x9f"
             "e \xe2\x80\x94 caf\xc3\xa9\x07\x0c\r\n");
    cr_assert_not(s->detached);
    sess_free(s);
}

/* ---- real captures ------------------------------------------------------------------------ */

Test(telnet, real_cooked_openbsd_line_mode)
{
    struct sess *s = sess_new();
    run_steps(s, cooked_openbsd, sizeof(cooked_openbsd) / sizeof(cooked_openbsd[0]));
    cr_assert_eq(s->nev, 1, "decided by the command typed at '$ '");
    assert_cred(s, 0, "fake", "user", 4, CRED_OUTCOME_SUCCESS, false, 1);
    sess_end(s);
    cr_assert_eq(s->nev, 1);
    cr_assert_eq(s->malformed, 0);
    sess_free(s);
}

Test(telnet, real_raw_ubuntu_character_mode)
{
    struct sess *s = sess_new();
    run_steps(s, raw_ubuntu, sizeof(raw_ubuntu) / sizeof(raw_ubuntu[0]));
    cr_assert_eq(s->nev, 1, "decided by the key typed at the coloured prompt");
    assert_cred(s, 0, "shellcode", "shellcode", 9, CRED_OUTCOME_SUCCESS, false, 1);
    sess_free(s);
}

Test(telnet, real_windows_ntlm_then_password)
{
    struct sess *s = sess_new();
    run_steps(s, raw_windows, sizeof(raw_windows) / sizeof(raw_windows[0]));
    cr_assert_eq(s->nev, 1);
    assert_cred(s, 0, "Administrator", "napier", 6, CRED_OUTCOME_SUCCESS, false, 1);
    cr_assert_eq(s->malformed, 0, "the NTLM subnegotiations are well formed");
    sess_free(s);
}

Test(telnet, real_cisco_password_none_set)
{
    struct sess *s = sess_new();
    run_steps(s, cisco_none_set, sizeof(cisco_none_set) / sizeof(cisco_none_set[0]));
    sess_end(s);
    cr_assert_eq(s->nev, 0);
    sess_free(s);
}

Test(telnet, real_honeynet_binary_yields_nothing)
{
    struct sess *s = sess_new();
    run_steps(s, honeynet, sizeof(honeynet) / sizeof(honeynet[0]));
    cr_assert_eq(s->malformed, 1);
    cr_assert_str_eq(s->error, "telnet ENCRYPT key id longer than 64 bytes (CVE-2011-4862)");
    if (!s->detached)
        sess_end(s);
    cr_assert_eq(s->nev, 0);
    sess_free(s);
}

Test(telnet, real_split_at_every_byte)
{
    /* the Windows dialogue: IAC, SB (NTLM), ANSI; every segment cut in two anywhere */
    size_t n = sizeof(raw_windows) / sizeof(raw_windows[0]);
    for (size_t i = 0; i < n; i++) {
        size_t len;
        uint8_t *p = th_hex(raw_windows[i].hex, &len);
        for (size_t k = 1; k < len; k++) {
            struct sess *s = sess_new();
            run_steps(s, raw_windows, i);
            feed(s, raw_windows[i].dir, p, k);
            feed(s, raw_windows[i].dir, p + k, len - k);
            run_steps(s, raw_windows + i + 1, n - i - 1);
            cr_assert_eq(s->nev, 1, "segment %zu cut at %zu", i, k);
            assert_cred(s, 0, "Administrator", "napier", 6, CRED_OUTCOME_SUCCESS, false, 1);
            sess_free(s);
        }
        free(p);
    }
}
