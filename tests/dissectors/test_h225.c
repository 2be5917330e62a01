/*
 * test_h225.c - H.225.0 call signalling: TPKT framing (RFC 1006), Q.931
 * messages, the H323-UserInformation PER decode (ITU-T H.225.0, X.691)
 * and the call events.
 *
 * The "real" streams below are the TCP payloads of the shared captures
 * (../shared/pcaps), one array per TCP connection, with their packet times
 * (duplicated retransmissions and 1-byte TCP keep-alives left out); the
 * expected numbers are tshark 4.0's (../shared/pcaps/expected/h323_*.facts:
 * "call h225 <called> <calling>") and the other fields are what tshark -V
 * shows. A small harness plays the worker: it keeps the unconsumed bytes
 * of each direction and hands them to parse() again with the next data.
 */
#include <criterion/criterion.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "h225.h"
#include "helpers.h"
#include "q931.h"

struct h3msg {
    int frame;
    int dir; /* 0: client (the side not on 1720) to server */
    uint64_t ts;
    const char *hex;
};

/* real: h323_call_8003_to_98001_h245_rawip.pcapng, tcp.stream 0 (dir 0 = client to port 1720) */
static const struct h3msg call8003_s0[] = {
    {1, 0, 1430782131682993ull,
     "0300009b080200060504038090a26c0600a13830303370068039383030317e007a05209006000891"
     "4a000522c0b50000120f436973636f43616c6c4d616e61676572003100010200cb3340804fc428e4"
     "12815406000601c0a8b68200d50d800007000e32df0a06b81100804fc428e412815406000601c0a8"
     "b682010001000100010010a00100140140b50000120d82040020040001030003000103"},
    {2, 1, 1430782131685846ull,
     "0300003f08028006027e0033052180060008914a00042800b500001240013c050100044300110080"
     "4fc428e412815406000601c0a8b6820100010010800100"},
    {7, 1, 1430782131690781ull,
     "03000054080280060128003401017e0043052380060008914a00042800b500001240013c05010006"
     "c3001100804fc428e412815406000601c0a8b6820100010010a001000f0140b50000120881840004"
     "00010300"},
    {8, 1, 1430782131690871ull,
     "0300004b080280066e2701f128004c07000039383030317e00310528501900060008914a00040080"
     "4fc428e412815406000601c0a8b68210a001000f0140b5000012088184000400010300"},
    {9, 1, 1430782131690940ull,
     "0300004b080280066e2701f128004c07000039383030317e00310528501900060008914a00040080"
     "4fc428e412815406000601c0a8b68210a001000f0140b5000012088184000400010300"},
    {10, 1, 1430782131691294ull,
     "03000048080280066e2701f14c060081383030317e00310528501900060008914a000400804fc428"
     "e412815406000601c0a8b68210a001000f0140b5000012088184000400010300"},
    {13, 1, 1430782132698904ull,
     "0300006708028006031c001e0280887e005505280032c0060008914a00042800b500001240013c05"
     "0100000e32df69ab3200804fc428e412815406000601c0a8b68205800100010010a001001a0140b5"
     "00001213e0011000011e041e0281881840000400010300"},
    {14, 1, 1430782132698998ull,
     "0300006708028006031c001e0280837e005505280032c0060008914a00042800b500001240013c05"
     "0100000e32df69ab3200804fc428e412815406000601c0a8b68205800100010010a001001a0140b5"
     "00001213e0011000011e041e0281831840000400010300"},
    {15, 1, 1430782132699074ull,
     "03000048080280066e2701f14c060081383030317e00310528501900060008914a000400804fc428"
     "e412815406000601c0a8b68210a001000f0140b5000012088184000400010300"},
    {22, 1, 1430782132721497ull,
     "0300006e080280060704038090a228007e005b0522c0060008914a0004000e32df69ab322800b500"
     "001240013c05010000804fc428e412815406000601c0a8b6821d0c001100804fc428e41281540600"
     "0601c0a8b6820100010010a001000f0140b5000012088184000400010300"},
    {23, 1, 1430782132721578ull,
     "0300004a080280066e2701f128004c060081383030317e00310528501900060008914a000400804f"
     "c428e412815406000601c0a8b68210a001000f0140b5000012088184000400010300"},
    {54, 0, 1430782138596668ull,
     "03000032080200065a080280907e0022052580060008914a000511001100804fc428e41281540600"
     "0601c0a8b68210800100"},
    {55, 1, 1430782138597411ull,
     "03000032080280065a080280907e0022052580060008914a000411001100804fc428e41281540600"
     "0601c0a8b68210800100"},
};

/* real: h323_call_8003_to_98001_h245_rawip.pcapng, tcp.stream 1 (dir 0 = client to port 1720) */
static const struct h3msg call8003_s1[] = {
    {3, 0, 1430782131686365ull,
     "03000095080200070504038090a36c0600a13830303370068039383030317e007405208006000891"
     "4a00042800b500001240013c05010000804fc428e412815406000601c0a8b68200cd0d800007000e"
     "32df69b3521100804fc428e412815406000601c0a8b682010001000180018010a00180210140b500"
     "00121a81850004000103001127f8000000000000000000000000000000"},
    {4, 1, 1430782131689040ull,
     "0300006108028007027e0055052180060008914a000522c0b50000120f436973636f43616c6c4d61"
     "6e6167657200310110c01100804fc428e412815406000601c0a8b6820100010010a00100140140b5"
     "0000120d82040020040001030003000100"},
    {5, 1, 1430782131690187ull,
     "0300006208028007017e0056052380060008914a000522c0b50000120f436973636f43616c6c4d61"
     "6e61676572003101b0c0001100804fc428e412815406000601c0a8b6820100010010a00100140140"
     "b50000120d82040020040001030003000103"},
    {6, 1, 1430782131690529ull,
     "03000038080280076e2701f14c060081383030317e00210528501900060008914a000500804fc428"
     "e412815406000601c0a8b68210800100"},
    {11, 1, 1430782132697953ull,
     "03000088080280070704038090a24c060081383030317e006f0522c0060008914a0005000e32df0a"
     "916422c0b50000120f436973636f43616c6c4d616e61676572003100804fc428e412815406000601"
     "c0a8b6821d0c001100804fc428e412815406000601c0a8b6820100010010a00100160140b5000012"
     "0f820402200400010300010003000103"},
    {12, 1, 1430782132698034ull,
     "03000038080280076e2701f14c060081383030317e00210528501900060008914a000500804fc428"
     "e412815406000601c0a8b68210800100"},
    {56, 0, 1430782138598037ull,
     "03000032080200075a080280907e0022052580060008914a000411001100804fc428e41281540600"
     "0601c0a8b68210800100"},
};

/* real: h323_call_hold_resume.pcapng, tcp.stream 0 (dir 0 = client to port 1720) */
static const struct h3msg hold_s0[] = {
    {4, 0, 1556981823733955ull,
     "03000271080200060504038090a3280c5441432054455354205349506c0180700580313233347e02"
     "48052080060008914a00042800b500001240013c05010000b6579d676db311e999b6e3adc1443ebc"
     "00cd1d82000700ac126e3ad1be1100b6579d676db311e999b8e3adc1443ebc3402130000000c6013"
     "800b05000100ac126e3a2129801e400000060401004c6013801215000100ac126e3a212800ac126e"
     "3a2129800100010001800180010010a8018081870140b5000012817f600102000104817704038090"
     "a21c399e0100036774640000002e49414d2c0d0a4743492c62363537396436373664623331316539"
     "393962366533616463313434336562630d0a0d0a1803a98381001a9f8b0100a11402012f02010080"
     "0c54414320544553542053495034014070058031323334954107c48900000000000d809e81000367"
     "7464000000f549414d2c0d0a50524e2c6973646e2a2c2c4e492a2a2a2c0d0a5553492c726174652c"
     "632c732c632c310d0a5553492c6c6179312c756c61770d0a544d522c30300d0a43504e2c30302c2c"
     "752c313233340d0a4350432c30390d0a4643492c2c2c2c2c2c2c792c0d0a4743492c623635373736"
     "31313664623331316539383031616238333836316132396130300d0a47454e2c792c792c302c5441"
     "432054455354205349500d0a5546432c47454e2c352c66616368642c39663862303130300d0a5546"
     "432c47454e2c352c696e7064752c3032303132663032303130300d0a4d4c502c792c342c30303030"
     "2c3030303030300d0a0d0a350204677464012e49414d2c0d0a4743492c6236353739643637366462"
     "3331316539393962366533616463313434336562630d0a0d0a"},
    {6, 1, 1556981823736961ull,
     "0300005d08028006027e0051052180060008914a000522c0b50000120f436973636f43616c6c4d61"
     "6e6167657200310110c01100b6579d676db311e999b8e3adc1443ebc0100010010a00100100140b5"
     "00001209820400000400010300"},
    {7, 1, 1556981823783956ull,
     "0300005e08028006017e0052052380060008914a000522c0b50000120f436973636f43616c6c4d61"
     "6e61676572003101b0c0001100b6579d676db311e999b8e3adc1443ebc0100010010a00100100140"
     "b500001209820400000400010300"},
    {8, 1, 1556981823783956ull,
     "03000038080280066e2701f14c060081313233347e00210528501900060008914a000500b6579d67"
     "6db311e999b8e3adc1443ebc10800100"},
    {16, 1, 1556981824822955ull,
     "03000084080280060704038090a24c060081313233347e006b0522c0060008914a000500ac126e30"
     "b35322c0b50000120f436973636f43616c6c4d616e61676572003100b6579d676db311e999b6e3ad"
     "c1443ebc1d0c001100b6579d676db311e999b8e3adc1443ebc0100010010a00100120140b5000012"
     "0b8204020004000103000100"},
    {17, 1, 1556981824822955ull,
     "03000038080280066e2701f14c060081313233347e00210528501900060008914a000500b6579d67"
     "6db311e999b8e3adc1443ebc10800100"},
    {721, 1, 1556981838731956ull,
     "03000031080280062034013f7e0022052480060008914a00050b001100b6579d676db311e999b8e3"
     "adc1443ebc10800100"},
    {722, 1, 1556981838732948ull,
     "03000031080280062034013f7e0022052480060008914a00050b001100b6579d676db311e999b8e3"
     "adc1443ebc10800100"},
    {724, 1, 1556981838732948ull,
     "03000046080280066e2701f14c060081313233347e002f0528501900060008914a000500b6579d67"
     "6db311e999b8e3adc1443ebc10a001000d0140b500001206820002000100"},
};

/* real: h323_mixed_setup_and_ras.pcap, tcp.stream 0 (dir 0 = client to port 1720) */
static const struct h3msg mixed_s0[] = {
    {6, 0, 1027664341644134ull,
     "030000a0080277f40504038090a528086d2e6a656d6563007e00850520a8060008914a0004014006"
     "006d002e006a0065006d0065006322c00900003d1443616c6c67656e33323320706f67616373616d"
     "00000a302e39616c706861340000000a01061206b800f8fdf93ecd9ed6119ab2000476222017005d"
     "0d8007000a01038f80231100c0fef93ecd9ed6119ab2000476222017010001000100010002800100"},
    {10, 1, 1027664341866798ull,
     "030000400802f7f4027e0034052180060008914a000322c0000000000333313069005200f0c01100"
     "c0fef93ecd9ed6119ab20004762220170100010008800100"},
    {14, 1, 1027664342044196ull,
     "030000400802f7f4017e0034052380060008914a000322c000000000033331306900520150c01100"
     "c0fef93ecd9ed6119ab20004762220170100010008800100"},
    {18, 1, 1027664342671881ull,
     "030000610802f7f40728074d2e4a454d45437e004c0522c0060008914a0003000a01061204d022c0"
     "000000000333313069005200f8fdf93ecd9ed6119ab2000476222017170c001100c0fef93ecd9ed6"
     "119ab20004762220170100010008800100"},
};

/* real: h323_mixed_setup_and_ras.pcap, tcp.stream 2 (dir 0 = client to port 1720) */
static const struct h3msg mixed_s2[] = {
    {47, 0, 1140001613763449ull,
     "0300007e0802000105040388c0a56c04018031377e00670520a8060008914a000301400e00410042"
     "0049004c004900530020004300500058002000320030003000300080c0a8000106b8000000000000"
     "000000000000000000000000d10d8000110000000000000000000000000000000000010001000100"
     "010010800100"},
    {48, 1, 1140001613766500ull, "0300002b"},
    {50, 1, 1140001613767347ull,
     "08028001017e001f050380060008914a0002020120110000000000000000000000000000000000"},
};

/* real: h323_mixed_setup_and_ras.pcap, tcp.stream 3 (dir 0 = client to port 1720) */
static const struct h3msg mixed_s3[] = {
    {65, 0, 1198747081344407ull,
     "03000099080200010504039090a26c08c1353239353637327008c1393234363532367e00730520a8"
     "060008914a000401030085c89a5220ae01003d001102007a06b800003dfd30000048338000050403"
     "02010000cd0d800207001102007c06b81100004091fb7289f911802a050403020100010001000100"
     "010019017820140011696e666f406173656c73616e2e636f6d6f6d2810800100a1"},
    {66, 1, 1198747081402254ull,
     "0300002e080280015a7e00220525c0060008914a00045808110024ab157276fa18109a58001321f0"
     "699002800100"},
};

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* ---- the worker stand-in ---------------------------------------------------- */

#define MAX_REC 64

struct rec {
    enum dis_event_type type;
    uint8_t actor;
    int dir;
    uint64_t ts;
    struct ev_call call;
};

struct sim {
    void *state;
    uint8_t *buf[2];
    size_t len[2];
    struct rec ev[MAX_REC];
    int nev;
    int results[5];
    bool detached;
    const char *error;
};

static void on_emit(struct dis_ctx *ctx, const struct dis_event *ev)
{
    struct sim *s = ctx->user;
    cr_assert(ev->type == EV_CALL_SETUP || ev->type == EV_CALL_END);
    cr_assert_lt(s->nev, MAX_REC);
    /* every string is terminated within its array */
    cr_assert_lt(strnlen(ev->u.call.called, sizeof(ev->u.call.called)), sizeof(ev->u.call.called));
    cr_assert_lt(strnlen(ev->u.call.calling, sizeof(ev->u.call.calling)),
                 sizeof(ev->u.call.calling));
    cr_assert_lt(strnlen(ev->u.call.calling_name, sizeof(ev->u.call.calling_name)),
                 sizeof(ev->u.call.calling_name));
    cr_assert_lt(strnlen(ev->u.call.called_name, sizeof(ev->u.call.called_name)),
                 sizeof(ev->u.call.called_name));
    cr_assert_str_eq(ev->u.call.protocol, "h225");
    struct rec *r = &s->ev[s->nev++];
    r->type = ev->type;
    r->actor = ev->actor;
    r->dir = ev->dir;
    r->ts = ev->ts_us;
    r->call = ev->u.call;
}

static struct sim *sim_new(void)
{
    struct sim *s = calloc(1, sizeof(*s));
    cr_assert_not_null(s);
    cr_assert_gt(h225_dissector.state_size, 0);
    s->state = calloc(1, h225_dissector.state_size);
    cr_assert_not_null(s->state);
    return s;
}

static void sim_free(struct sim *s)
{
    free(s->buf[0]);
    free(s->buf[1]);
    free(s->state);
    free(s);
}

/* Appends data to dir's pending bytes and runs parse() over all of them, as the worker does. */
static enum dis_result sim_feed(struct sim *s, int dir, const uint8_t *p, size_t n, uint64_t ts,
                                uint64_t gap)
{
    if (s->detached)
        return DIS_NOT_MINE;
    if (gap)
        s->len[dir] = 0;
    uint8_t *nb = realloc(s->buf[dir], s->len[dir] + n + 1);
    cr_assert_not_null(nb);
    s->buf[dir] = nb;
    if (n)
        memcpy(nb + s->len[dir], p, n);
    s->len[dir] += n;

    /* an exact-size copy, so that ASan sees a read past the end */
    size_t len = s->len[dir];
    uint8_t *copy = malloc(len ? len : 1);
    cr_assert_not_null(copy);
    if (len)
        memcpy(copy, s->buf[dir], len);
    struct dis_ctx ctx = {.dir = dir, .ts_us = ts, .gap = gap, .emit = on_emit, .user = s};
    struct cursor c;
    cur_init(&c, copy, len);
    enum dis_result r = h225_dissector.parse(&ctx, s->state, &c);
    free(copy);
    cr_assert_lt((unsigned)r, 5u);
    s->results[r]++;
    switch (r) {
        case DIS_OK:
        case DIS_NEED_MORE:
            cr_assert_leq(ctx.consumed, len);
            memmove(s->buf[dir], s->buf[dir] + ctx.consumed, len - ctx.consumed);
            s->len[dir] = len - ctx.consumed;
            if (r == DIS_NEED_MORE)
                cr_assert_gt(ctx.needed, s->len[dir], "needs more than it has");
            break;
        case DIS_MALFORMED:
            cr_assert_not_null(ctx.error, "DIS_MALFORMED says why");
            s->error = ctx.error;
            s->len[dir] = 0;
            break;
        case DIS_TRUNCATED:
            s->len[dir] = 0;
            break;
        case DIS_NOT_MINE:
            s->detached = true;
            s->len[dir] = 0;
            break;
    }
    return r;
}

static enum dis_result sim_feed_hex(struct sim *s, int dir, const char *hex, uint64_t ts)
{
    size_t n;
    uint8_t *b = th_hex(hex, &n);
    enum dis_result r = sim_feed(s, dir, b, n, ts, 0);
    free(b);
    return r;
}

static void sim_play(struct sim *s, const struct h3msg *m, size_t n)
{
    for (size_t i = 0; i < n; i++)
        sim_feed_hex(s, m[i].dir, m[i].hex, m[i].ts);
}

static void sim_end_why(struct sim *s, int dir, bool reset, uint64_t ts, enum dis_end_reason why)
{
    struct dis_ctx ctx = {
        .dir = dir, .ts_us = ts, .end_reason = (uint8_t)why, .emit = on_emit, .user = s};
    h225_dissector.end(&ctx, s->state, reset);
}

static void sim_end(struct sim *s, int dir, bool reset, uint64_t ts)
{
    sim_end_why(s, dir, reset, ts, reset ? DIS_END_RST : DIS_END_FIN);
}

static uint64_t ts_of(const struct h3msg *m, size_t n, int frame)
{
    for (size_t i = 0; i < n; i++)
        if (m[i].frame == frame)
            return m[i].ts;
    cr_assert_fail("no frame %d", frame);
    return 0;
}

static const char *hex_of(const struct h3msg *m, size_t n, int frame)
{
    for (size_t i = 0; i < n; i++)
        if (m[i].frame == frame)
            return m[i].hex;
    cr_assert_fail("no frame %d", frame);
    return NULL;
}

static void assert_guid(const uint8_t *g, const char *hex)
{
    size_t n;
    uint8_t *want = th_hex(hex, &n);
    cr_assert_eq(n, 16);
    cr_assert_eq(memcmp(g, want, 16), 0, "guid differs from %s", hex);
    free(want);
}

static void assert_no_errors(const struct sim *s)
{
    cr_assert_eq(s->results[DIS_MALFORMED], 0, "malformed: %s", s->error ? s->error : "");
    cr_assert_eq(s->results[DIS_NOT_MINE], 0);
    cr_assert_eq(s->results[DIS_TRUNCATED], 0);
}

/* ---- real calls ----------------------------------------------------------------- */

Test(h225, call_8003_to_98001_first_connection)
{
    struct sim *s = sim_new();
    sim_play(s, call8003_s0, N(call8003_s0));
    assert_no_errors(s);
    cr_assert_eq(s->nev, 2);

    const struct rec *a = &s->ev[0];
    cr_assert_eq(a->type, EV_CALL_SETUP);
    cr_assert_eq(a->actor, EV_ACTOR_SENDER);
    cr_assert_eq(a->dir, 0);
    cr_assert_str_eq(a->call.called, "98001");
    cr_assert_str_eq(a->call.calling, "8003");
    cr_assert_str_eq(a->call.calling_name, "");
    cr_assert_eq(a->call.call_ref, 6);
    cr_assert_eq(a->call.direction, CALL_DIR_OUTBOUND);
    cr_assert_eq(a->call.number_source, CALL_SRC_SETUP);
    cr_assert_eq(a->call.start_us, ts_of(call8003_s0, N(call8003_s0), 1));
    cr_assert_eq(a->ts, a->call.start_us);
    cr_assert_eq(a->call.answer_us, 0);
    cr_assert(a->call.has_call_id);
    assert_guid(a->call.call_id, "804fc428e412815406000601c0a8b682");

    const struct rec *b = &s->ev[1];
    cr_assert_eq(b->type, EV_CALL_END);
    cr_assert_eq(b->actor, EV_ACTOR_CLIENT, "the endpoint that sent the Setup");
    cr_assert_str_eq(b->call.called, "98001");
    cr_assert_str_eq(b->call.calling, "8003");
    cr_assert_eq(b->call.start_us, a->call.start_us);
    cr_assert_eq(b->call.answer_us, ts_of(call8003_s0, N(call8003_s0), 22), "Connect, frame 22");
    cr_assert_eq(b->call.end_us, ts_of(call8003_s0, N(call8003_s0), 54), "Release Complete");
    cr_assert_eq(b->call.release_cause, 16);
    cr_assert(b->call.has_call_id);

    /* the late Release Complete from the other side (frame 55) found nothing; end adds nothing */
    sim_end(s, 0, false, 1);
    sim_end(s, 1, false, 2);
    cr_assert_eq(s->nev, 2);
    sim_free(s);
}

Test(h225, call_8003_to_98001_second_connection)
{
    struct sim *s = sim_new();
    sim_play(s, call8003_s1, N(call8003_s1));
    assert_no_errors(s);
    cr_assert_eq(s->nev, 2);
    cr_assert_eq(s->ev[0].type, EV_CALL_SETUP);
    cr_assert_str_eq(s->ev[0].call.called, "98001");
    cr_assert_str_eq(s->ev[0].call.calling, "8003");
    cr_assert_eq(s->ev[0].call.call_ref, 7);
    cr_assert_eq(s->ev[1].type, EV_CALL_END);
    cr_assert_eq(s->ev[1].call.answer_us, ts_of(call8003_s1, N(call8003_s1), 11));
    cr_assert_eq(s->ev[1].call.end_us, ts_of(call8003_s1, N(call8003_s1), 56));
    cr_assert_eq(s->ev[1].call.release_cause, 16);
    sim_free(s);
}

Test(h225, hold_resume_setup_and_connection_end)
{
    struct sim *s = sim_new();
    sim_play(s, hold_s0, N(hold_s0));
    assert_no_errors(s);
    cr_assert_eq(s->nev, 1);
    const struct rec *a = &s->ev[0];
    cr_assert_str_eq(a->call.called, "1234");
    cr_assert_str_eq(a->call.calling, "", "the calling number IE is empty");
    cr_assert_str_eq(a->call.calling_name, "TAC TEST SIP");
    assert_guid(a->call.call_id, "b6579d676db311e999b8e3adc1443ebc");

    sim_end(s, 0, false, 1556981900000000ull);
    cr_assert_eq(s->nev, 1, "half-closed: nothing yet");
    sim_end(s, 1, false, 1556981900000001ull);
    cr_assert_eq(s->nev, 2);
    const struct rec *b = &s->ev[1];
    cr_assert_eq(b->type, EV_CALL_END);
    cr_assert_eq(b->actor, EV_ACTOR_CLIENT);
    cr_assert_eq(b->call.answer_us, ts_of(hold_s0, N(hold_s0), 16));
    cr_assert_eq(b->call.end_us, 1556981900000001ull);
    cr_assert_eq(b->call.release_cause, 0);
    cr_assert_str_eq(b->call.called, "1234");
    sim_free(s);
}

Test(h225, mixed_jemec_h323_id_only)
{
    struct sim *s = sim_new();
    sim_play(s, mixed_s0, N(mixed_s0));
    assert_no_errors(s);
    cr_assert_eq(s->nev, 0, "no called number: no EV_CALL_SETUP");
    sim_end(s, 1, true, 99);
    cr_assert_eq(s->nev, 1, "a reset ends the calls at once");
    cr_assert_eq(s->ev[0].type, EV_CALL_END);
    cr_assert_str_eq(s->ev[0].call.called, "");
    cr_assert_str_eq(s->ev[0].call.calling, "");
    cr_assert_str_eq(s->ev[0].call.calling_name, "m.jemec", "from Display");
    cr_assert_eq(s->ev[0].call.call_ref, 0x77f4);
    cr_assert_eq(s->ev[0].call.start_us, ts_of(mixed_s0, N(mixed_s0), 6));
    assert_guid(s->ev[0].call.call_id, "c0fef93ecd9ed6119ab2000476222017");
    cr_assert_eq(s->ev[0].call.end_us, 99);
    cr_assert_eq(s->ev[0].call.answer_us, ts_of(mixed_s0, N(mixed_s0), 18));
    sim_free(s);
}

Test(h225, mixed_abilis_split_tpkt_header)
{
    struct sim *s = sim_new();
    /* frame 48 is the 4-byte TPKT header alone, frame 50 the Q.931 Alerting */
    sim_feed_hex(s, mixed_s2[0].dir, mixed_s2[0].hex, mixed_s2[0].ts);
    cr_assert_eq(sim_feed_hex(s, mixed_s2[1].dir, mixed_s2[1].hex, mixed_s2[1].ts), DIS_NEED_MORE);
    cr_assert_eq(s->len[1], 4);
    cr_assert_eq(sim_feed_hex(s, mixed_s2[2].dir, mixed_s2[2].hex, mixed_s2[2].ts), DIS_OK);
    cr_assert_eq(s->len[1], 0);
    assert_no_errors(s);
    cr_assert_eq(s->nev, 0);
    /* the capture ends with the connection open: the call's end is not known */
    sim_end_why(s, 0, false, 7, DIS_END_SHUTDOWN);
    sim_end_why(s, 1, false, 8, DIS_END_SHUTDOWN);
    cr_assert_eq(s->nev, 1);
    cr_assert_eq(s->ev[0].call.end_us, 0);
    cr_assert_eq(s->ev[0].type, EV_CALL_END);
    cr_assert_str_eq(s->ev[0].call.called, "");
    cr_assert_str_eq(s->ev[0].call.calling, "17");
    cr_assert_str_eq(s->ev[0].call.calling_name, "ABILIS CPX 2000", "from the h323-ID alias");
    cr_assert(s->ev[0].call.has_call_id);
    assert_guid(s->ev[0].call.call_id, "00000000000000000000000000000000");
    sim_free(s);
}

Test(h225, mixed_setup_with_extension_tshark_calls_malformed)
{
    /*
     * tshark stops in additionalSourceAddresses (an extension addition, an
     * open type skipped here) and calls frame 65 malformed; the Q.931
     * numbers and the callIdentifier (the one the RAS ARQ and DRQ of the
     * same capture carry) are read all the same.
     */
    struct sim *s = sim_new();
    sim_play(s, mixed_s3, N(mixed_s3));
    assert_no_errors(s);
    cr_assert_eq(s->nev, 2);
    cr_assert_str_eq(s->ev[0].call.called, "9246526");
    cr_assert_str_eq(s->ev[0].call.calling, "5295672");
    assert_guid(s->ev[0].call.call_id, "004091fb7289f911802a050403020100");
    cr_assert_eq(s->ev[1].type, EV_CALL_END);
    cr_assert_eq(s->ev[1].call.release_cause, 0, "no Cause IE");
    cr_assert_eq(s->ev[1].call.end_us, ts_of(mixed_s3, N(mixed_s3), 66));
    sim_free(s);
}

Test(h225, setup_from_the_server_side)
{
    struct sim *s = sim_new();
    sim_feed_hex(s, 1, call8003_s0[0].hex, 10);
    sim_feed_hex(s, 1, hex_of(call8003_s0, N(call8003_s0), 54), 20); /* frame 54, flag 0 */
    cr_assert_eq(s->nev, 2);
    cr_assert_eq(s->ev[0].dir, 1);
    cr_assert_eq(s->ev[0].call.direction, CALL_DIR_INBOUND);
    cr_assert_eq(s->ev[1].actor, EV_ACTOR_SERVER);
    cr_assert_eq(s->ev[1].call.end_us, 20);
    sim_free(s);
}

Test(h225, numbers_from_h225_aliases)
{
    /*
     * real frame 1 of h323_call_8003_to_98001 with its Calling and Called
     * party number IEs (8 bytes each) removed, TPKT length 0x9b - 16: the
     * called number comes from destinationAddress dialledDigits 98001.
     */
    const char *hex =
        "0300008b080200060504038090a27e007a052090060008914a000522"
        "c0b50000120f436973636f43616c6c4d616e61676572003100010200cb3340804fc428e412815406"
        "000601c0a8b68200d50d800007000e32df0a06b81100804fc428e412815406000601c0a8b6820100"
        "01000100010010a00100140140b50000120d82040020040001030003000103";
    struct sim *s = sim_new();
    cr_assert_eq(sim_feed_hex(s, 0, hex, 5), DIS_OK);
    cr_assert_eq(s->nev, 1);
    cr_assert_str_eq(s->ev[0].call.called, "98001");
    cr_assert_str_eq(s->ev[0].call.calling, "");
    sim_free(s);
}

Test(h225, malformed_per_keeps_q931_facts)
{
    /*
     * real frame 65 with the first PER octet changed from 20 to 27: the
     * h323-message-body index becomes 7, not a root alternative. The Setup
     * still makes a call from its Q.931 IEs; the message is reported malformed.
     */
    const char *hex =
        "03000099080200010504039090a26c08c1353239353637327008c1393234363532367e00730527a8"
        "060008914a000401030085c89a5220ae01003d001102007a06b800003dfd300000483380000504"
        "0302010000cd0d800207001102007c06b81100004091fb7289f911802a05040302010001000100"
        "0100010019017820140011696e666f406173656c73616e2e636f6d6f6d2810800100a1";
    struct sim *s = sim_new();
    cr_assert_eq(sim_feed_hex(s, 0, hex, 5), DIS_MALFORMED);
    cr_assert_eq(s->nev, 1);
    cr_assert_str_eq(s->ev[0].call.called, "9246526");
    cr_assert_str_eq(s->ev[0].call.calling, "5295672");
    cr_assert_not(s->ev[0].call.has_call_id);
    /* the flow goes on: the Release Complete ends the call */
    cr_assert_eq(sim_feed_hex(s, 1, mixed_s3[1].hex, 6), DIS_OK);
    cr_assert_eq(s->nev, 2);
    cr_assert_eq(s->ev[1].type, EV_CALL_END);
    sim_free(s);
}

/* ---- framing ------------------------------------------------------------------- */

static const struct h3msg *const all_streams[] = {call8003_s0, call8003_s1, hold_s0,
                                                  mixed_s0,    mixed_s2,    mixed_s3};
static const size_t all_lens[] = {N(call8003_s0), N(call8003_s1), N(hold_s0),
                                  N(mixed_s0),    N(mixed_s2),    N(mixed_s3)};

Test(h225, every_prefix_needs_more)
{
    for (size_t st = 0; st < N(all_streams); st++) {
        for (size_t i = 0; i < all_lens[st]; i++) {
            size_t n;
            uint8_t *b = th_hex(all_streams[st][i].hex, &n);
            if (n < 5 || b[0] != 3) {
                free(b);
                continue; /* frames 48 and 50: a TPKT split in two segments */
            }
            for (size_t len = 0; len < n; len++) {
                struct sim *s = sim_new();
                enum dis_result r = sim_feed(s, 0, b, len, 1, 0);
                cr_assert(r == DIS_NEED_MORE || (len == 0 && r == DIS_OK),
                          "stream %zu message %zu prefix %zu: %d", st, i, len, r);
                cr_assert_eq(s->nev, 0, "no event for a cut message");
                cr_assert_eq(s->len[0], len, "nothing consumed");
                /* the rest completes it */
                r = sim_feed(s, 0, b + len, n - len, 2, 0);
                cr_assert(r == DIS_OK, "stream %zu message %zu rest after %zu: %d", st, i, len, r);
                cr_assert_eq(s->len[0], 0);
                sim_free(s);
            }
            free(b);
        }
    }
}

Test(h225, split_anywhere_and_merged)
{
    /* the client side of the first 8003 connection: Setup then Release Complete */
    size_t n1, n2;
    uint8_t *a = th_hex(call8003_s0[0].hex, &n1);
    uint8_t *b = th_hex(hex_of(call8003_s0, N(call8003_s0), 54), &n2);
    uint8_t *all = malloc(n1 + n2);
    cr_assert_not_null(all);
    memcpy(all, a, n1);
    memcpy(all + n1, b, n2);
    for (size_t k = 0; k <= n1 + n2; k++) {
        struct sim *s = sim_new();
        sim_feed(s, 0, all, k, 1, 0);
        sim_feed(s, 0, all + k, n1 + n2 - k, 2, 0);
        cr_assert_eq(s->nev, 2, "split at %zu", k);
        cr_assert_eq(s->ev[0].type, EV_CALL_SETUP);
        cr_assert_eq(s->ev[1].type, EV_CALL_END);
        cr_assert_eq(s->len[0], 0);
        assert_no_errors(s);
        sim_free(s);
    }
    /* one byte at a time: the 625-byte Setup of h323_call_hold_resume */
    size_t n3;
    uint8_t *c = th_hex(hold_s0[0].hex, &n3);
    struct sim *s = sim_new();
    for (size_t i = 0; i < n3; i++)
        sim_feed(s, 0, c + i, 1, 1, 0);
    cr_assert_eq(s->nev, 1);
    cr_assert_str_eq(s->ev[0].call.called, "1234");
    sim_free(s);
    /* several TPKTs in one segment: the server side of the first 8003 connection */
    s = sim_new();
    sim_feed_hex(s, 0, call8003_s0[0].hex, 1);
    size_t total = 0, k = 0;
    uint8_t *merged = NULL;
    for (size_t i = 1; i < N(call8003_s0); i++) {
        if (call8003_s0[i].dir != 1)
            continue;
        size_t m;
        uint8_t *x = th_hex(call8003_s0[i].hex, &m);
        merged = realloc(merged, total + m);
        cr_assert_not_null(merged);
        memcpy(merged + total, x, m);
        total += m;
        k++;
        free(x);
    }
    cr_assert_eq(sim_feed(s, 1, merged, total, 2, 0), DIS_OK);
    cr_assert_eq(s->len[1], 0);
    cr_assert_gt(k, 5);
    /* Connect (frame 22) and the called side's Release Complete (frame 55, flag set) */
    cr_assert_eq(s->nev, 2);
    cr_assert_eq(s->ev[1].type, EV_CALL_END);
    cr_assert_eq(s->ev[1].call.answer_us, 2);
    cr_assert_eq(s->ev[1].call.release_cause, 16);
    sim_free(s);
    free(merged);
    free(a);
    free(b);
    free(c);
    free(all);
}

Test(h225, hostile_tpkt_headers)
{
    struct sim *s = sim_new();
    /* before any Q.931 was seen, a bad header means this is not H.225 */
    cr_assert_eq(sim_feed_hex(s, 0, "03 00 ff ff 08 02 00 01", 1), DIS_NOT_MINE);
    sim_free(s);

    s = sim_new();
    cr_assert_eq(sim_feed_hex(s, 0, call8003_s0[0].hex, 1), DIS_OK);
    /* length past the cap */
    cr_assert_eq(sim_feed_hex(s, 0, "03 00 ff ff 08 02 00 01", 2), DIS_MALFORMED);
    cr_assert_eq(s->len[0], 0, "the framing is lost: all dropped");
    /* length below the smallest message, and not the keep-alive */
    cr_assert_eq(sim_feed_hex(s, 0, "03 00 00 05 08", 3), DIS_MALFORMED);
    /* the third bad header gives up */
    cr_assert_eq(sim_feed_hex(s, 0, "04 00 00 0b 08 02 00 06 05 a1 a1", 4), DIS_NOT_MINE);
    sim_free(s);

    /* a wrong reserved octet */
    s = sim_new();
    sim_feed_hex(s, 0, call8003_s0[0].hex, 1);
    cr_assert_eq(sim_feed_hex(s, 0, "03 01 00 0b 08 02 00 06 05 a1 a1", 2), DIS_MALFORMED);
    /* a length just at the cap is waited for, not refused */
    cr_assert_eq(sim_feed_hex(s, 0, "03 00 20 00 08 02 00 07 05", 3), DIS_NEED_MORE);
    sim_free(s);
}

Test(h225, keepalive_and_non_q931)
{
    struct sim *s = sim_new();
    cr_assert_eq(sim_feed_hex(s, 0, "03 00 00 04", 1), DIS_OK, "an empty TPKT keep-alive");
    cr_assert_eq(s->len[0], 0);
    cr_assert_eq(sim_feed_hex(s, 0, call8003_s0[0].hex, 2), DIS_OK);
    cr_assert_eq(s->nev, 1);
    /* a TPKT with a bad Q.931 header after Q.931 was seen: malformed, the flow stays */
    cr_assert_eq(sim_feed_hex(s, 0, "03 00 00 08 09 02 00 06", 3), DIS_MALFORMED);
    cr_assert_eq(sim_feed_hex(s, 0, hex_of(call8003_s0, N(call8003_s0), 54), 4), DIS_OK);
    cr_assert_eq(s->nev, 2);
    sim_free(s);

    /* TPKT carrying H.245 (or anything but Q.931) first: not mine */
    s = sim_new();
    cr_assert_eq(sim_feed_hex(s, 0, "03 00 00 08 02 70 01 06", 1), DIS_NOT_MINE);
    sim_free(s);
}

Test(h225, resync_after_gap)
{
    size_t n1, n2;
    uint8_t *setup = th_hex(call8003_s0[0].hex, &n1);
    uint8_t *rc = th_hex(hex_of(call8003_s0, N(call8003_s0), 54), &n2);
    struct sim *s = sim_new();
    /* the Setup's first 30 bytes, then 50 bytes lost, then its tail and the Release Complete */
    cr_assert_eq(sim_feed(s, 0, setup, 30, 1, 0), DIS_NEED_MORE);
    uint8_t *rest = malloc(n1 - 80 + n2);
    cr_assert_not_null(rest);
    memcpy(rest, setup + 80, n1 - 80);
    memcpy(rest + n1 - 80, rc, n2);
    enum dis_result r = sim_feed(s, 0, rest, n1 - 80 + n2, 2, 50);
    cr_assert_eq(r, DIS_OK);
    cr_assert_eq(s->nev, 0, "no Setup was seen whole, the Release Complete finds no call");
    cr_assert_eq(s->len[0], 0);
    /* the next Setup is read normally */
    cr_assert_eq(sim_feed(s, 0, setup, n1, 3, 0), DIS_OK);
    cr_assert_eq(s->nev, 1);
    /* a gap with nothing recognisable after it keeps at most 4 bytes */
    cr_assert_eq(sim_feed(s, 0, setup + 5, 40, 4, 7), DIS_NEED_MORE);
    cr_assert_leq(s->len[0], 4);
    sim_free(s);
    free(setup);
    free(rc);
    free(rest);
}

/* ---- the call table ----------------------------------------------------------- */

/* hand-built Setup with call reference crv and called number "1": TPKT 13 bytes */
static void feed_mini_setup(struct sim *s, unsigned crv, uint64_t ts)
{
    char hex[64];
    snprintf(hex, sizeof(hex), "0300000d 0802%04x 05 700280 31", crv);
    cr_assert_eq(sim_feed_hex(s, 0, hex, ts), DIS_OK);
}

Test(h225, overlap_sending)
{
    struct sim *s = sim_new();
    /* hand-built: a Setup without any number, then Information with "12", then "3" */
    cr_assert_eq(sim_feed_hex(s, 0, "03000009 08020009 05", 1), DIS_OK);
    cr_assert_eq(s->nev, 0);
    cr_assert_eq(sim_feed_hex(s, 0, "0300000e 08020009 7b 70038031 32", 2), DIS_OK);
    cr_assert_eq(s->nev, 1);
    cr_assert_eq(s->ev[0].type, EV_CALL_SETUP);
    cr_assert_str_eq(s->ev[0].call.called, "12");
    cr_assert_eq(s->ev[0].call.start_us, 1);
    cr_assert_eq(sim_feed_hex(s, 0, "0300000d 08020009 7b 700280 33", 3), DIS_OK);
    /* Information from the called side does not add digits */
    cr_assert_eq(sim_feed_hex(s, 1, "0300000d 08028009 7b 700280 39", 4), DIS_OK);
    cr_assert_eq(s->nev, 1);
    cr_assert_eq(sim_feed_hex(s, 1, "03000009 08028009 5a", 5), DIS_OK);
    cr_assert_eq(s->nev, 2);
    cr_assert_str_eq(s->ev[1].call.called, "123");
    sim_free(s);
}

Test(h225, call_table_is_bounded)
{
    struct sim *s = sim_new();
    for (unsigned i = 1; i <= H225_MAX_CALLS + 1; i++)
        feed_mini_setup(s, i, i);
    cr_assert_eq(s->nev, H225_MAX_CALLS + 2, "17 setups, and the oldest ended to make room");
    cr_assert_eq(s->ev[H225_MAX_CALLS].type, EV_CALL_END);
    cr_assert_eq(s->ev[H225_MAX_CALLS].call.call_ref, 1);
    cr_assert_eq(s->ev[H225_MAX_CALLS + 1].type, EV_CALL_SETUP);
    sim_end(s, 0, true, 100);
    cr_assert_eq(s->nev, 2 * H225_MAX_CALLS + 2, "the end closes the 16 left");
    sim_end(s, 1, true, 101);
    cr_assert_eq(s->nev, 2 * H225_MAX_CALLS + 2);
    sim_free(s);
}

Test(h225, same_call_reference_twice)
{
    struct sim *s = sim_new();
    feed_mini_setup(s, 5, 1);
    feed_mini_setup(s, 5, 2);
    cr_assert_eq(s->nev, 3);
    cr_assert_eq(s->ev[1].type, EV_CALL_END);
    cr_assert_eq(s->ev[1].call.start_us, 1);
    /* the same value from the other side is another call */
    cr_assert_eq(sim_feed_hex(s, 1, "0300000d 08020005 05 700280 32", 3), DIS_OK);
    cr_assert_eq(s->nev, 4);
    /* Disconnect with a cause, then Release Complete without one, from the called side */
    cr_assert_eq(sim_feed_hex(s, 1, "0300000d 08028005 45 08028091", 4), DIS_OK);
    cr_assert_eq(sim_feed_hex(s, 1, "03000009 08028005 5a", 5), DIS_OK);
    cr_assert_eq(s->nev, 5);
    cr_assert_eq(s->ev[4].type, EV_CALL_END);
    cr_assert_str_eq(s->ev[4].call.called, "1");
    cr_assert_eq(s->ev[4].call.release_cause, 17);
    cr_assert_eq(s->ev[4].actor, EV_ACTOR_CLIENT);
    sim_free(s);
}

/* ---- probe ---------------------------------------------------------------------- */

static bool probe_hex(const char *hex)
{
    size_t n;
    uint8_t *b = th_hex(hex, &n);
    struct cursor c;
    cur_init(&c, b, n);
    bool r = h225_dissector.probe(&c, 0);
    free(b);
    return r;
}

Test(h225, probe)
{
    cr_assert(probe_hex(call8003_s0[0].hex));
    cr_assert(probe_hex("03"));
    cr_assert(probe_hex("03 00 00 9b"));
    cr_assert(probe_hex("03 00 00 04 03 00"), "keep-alive first");
    cr_assert_not(probe_hex("03 00 00 08 02 70 01 06"), "TPKT, but not Q.931");
    cr_assert_not(probe_hex("47 45 54 20 2f"), "GET /");
    cr_assert_not(probe_hex("03 00 ff ff 08"));
    cr_assert_not(probe_hex("03 00 00 05 08"));
    cr_assert_not(probe_hex("03 01"));
    cr_assert_eq(h225_dissector.ports[0], 1720);
    cr_assert_str_eq(h225_dissector.name, "h225");
}

/* ---- H323-UserInformation --------------------------------------------------------- */

/* The User-user contents (after the discriminator) of a real TPKT message. */
static uint8_t *uu_of(const char *tpkt_hex, size_t *ret_len, size_t *ret_off)
{
    size_t n;
    uint8_t *b = th_hex(tpkt_hex, &n);
    struct cursor c;
    struct q931_msg m;
    cur_init(&c, b, n);
    cur_skip(&c, 4);
    cr_assert_eq(q931_parse(&c, &m), 0);
    cr_assert(m.has_uu);
    *ret_len = m.uu_len;
    *ret_off = (size_t)(m.uu - b);
    return b;
}

Test(h225, setup_uuie_fields)
{
    size_t n, off;
    struct h225_uu u;
    const char *why = NULL;
    uint8_t *b = uu_of(call8003_s0[0].hex, &n, &off);
    cr_assert_eq(h225_decode_uu(b + off, n, &u, &why), 0, "%s", why ? why : "");
    cr_assert_eq(u.body, H225_BODY_SETUP);
    cr_assert_str_eq(h225_body_name(u.body), "setup");
    cr_assert(u.has_setup);
    cr_assert(u.setup.root_done);
    cr_assert_eq(u.setup.protocol_version, 5);
    cr_assert_not(u.setup.has_source_address);
    cr_assert(u.setup.has_destination_address);
    cr_assert_eq(u.setup.destination.count, 1);
    cr_assert_eq(u.setup.destination.a[0].type, H225_ALIAS_DIALLED_DIGITS);
    cr_assert_str_eq(u.setup.destination.a[0].value, "98001");
    cr_assert_str_eq(h225_alias_type_name(u.setup.destination.a[0].type), "dialledDigits");
    cr_assert_not(u.setup.active_mc);
    assert_guid(u.setup.conference_id, "804fc428e412815406000601c0a8b682");
    cr_assert_eq(u.setup.conference_goal, 0, "create");
    cr_assert_eq(u.setup.call_type, 0, "pointToPoint");
    cr_assert_eq(u.setup.source_call_signal_address.type, 0);
    cr_assert_eq(memcmp(u.setup.source_call_signal_address.ip, "\x0e\x32\xdf\x0a", 4), 0,
                 "14.50.223.10");
    cr_assert_eq(u.setup.source_call_signal_address.port, 1720);
    cr_assert(u.setup.has_call_id);
    free(b);

    b = uu_of(mixed_s0[0].hex, &n, &off);
    cr_assert_eq(h225_decode_uu(b + off, n, &u, &why), 0);
    cr_assert_eq(u.setup.protocol_version, 4);
    cr_assert_eq(u.setup.source.count, 1);
    cr_assert_eq(u.setup.source.a[0].type, H225_ALIAS_H323_ID);
    cr_assert_str_eq(u.setup.source.a[0].value, "m.jemec");
    cr_assert_not(u.setup.has_destination_address);
    free(b);

    b = uu_of(mixed_s2[0].hex, &n, &off);
    cr_assert_eq(h225_decode_uu(b + off, n, &u, &why), 0);
    cr_assert_eq(u.setup.protocol_version, 3);
    cr_assert_str_eq(u.setup.source.a[0].value, "ABILIS CPX 2000");
    cr_assert_eq(u.setup.dest_call_signal_address.type, 0);
    cr_assert_eq(memcmp(u.setup.dest_call_signal_address.ip, "\xc0\xa8\x00\x01", 4), 0);
    free(b);

    b = uu_of(mixed_s3[0].hex, &n, &off);
    cr_assert_eq(h225_decode_uu(b + off, n, &u, &why), 0);
    cr_assert_eq(u.setup.source.a[0].type, H225_ALIAS_DIALLED_DIGITS);
    cr_assert_str_eq(u.setup.source.a[0].value, "5295672");
    free(b);
}

Test(h225, other_bodies)
{
    /* real: callProceeding, alerting, notify (an extension alternative), releaseComplete */
    const struct {
        const char *hex;
        int body;
        const char *name;
    } v[] = {
        {call8003_s0[1].hex, H225_BODY_CALL_PROCEEDING, "callProceeding"}, /* frame 2 */
        {call8003_s0[2].hex, H225_BODY_ALERTING, "alerting"},              /* frame 7 */
        {call8003_s0[3].hex, H225_BODY_NOTIFY, "notify"},                  /* frame 8 */
        {call8003_s0[6].hex, H225_BODY_PROGRESS, "progress"},              /* frame 13 */
        {call8003_s0[9].hex, H225_BODY_CONNECT, "connect"},                /* frame 22 */
        {hex_of(call8003_s0, N(call8003_s0), 54), H225_BODY_RELEASE_COMPLETE, "releaseComplete"},
        {hold_s0[6].hex, H225_BODY_INFORMATION, "information"}, /* frame 721 */
    };
    for (size_t i = 0; i < N(v); i++) {
        size_t n, off;
        struct h225_uu u;
        const char *why = NULL;
        uint8_t *b = uu_of(v[i].hex, &n, &off);
        cr_assert_eq(h225_decode_uu(b + off, n, &u, &why), 0, "%zu: %s", i, why ? why : "");
        cr_assert_eq(u.body, v[i].body, "%zu", i);
        cr_assert_str_eq(h225_body_name(u.body), v[i].name);
        cr_assert_not(u.has_setup);
        free(b);
    }
    cr_assert_str_eq(h225_body_name(-1), "unknown");
    cr_assert_str_eq(h225_body_name(H225_BODY_COUNT), "unknown");
}

Test(h225, setup_uuie_every_prefix_is_truncated)
{
    const char *setups[] = {call8003_s0[0].hex, call8003_s1[0].hex, hold_s0[0].hex,
                            mixed_s0[0].hex,    mixed_s2[0].hex,    mixed_s3[0].hex};
    for (size_t v = 0; v < N(setups); v++) {
        size_t n, off;
        uint8_t *b = uu_of(setups[v], &n, &off);
        for (size_t len = 0; len < n; len++) {
            uint8_t *p = malloc(len ? len : 1);
            struct h225_uu u;
            const char *why = NULL;
            cr_assert_not_null(p);
            memcpy(p, b + off, len);
            int r = h225_decode_uu(p, len, &u, &why);
            cr_assert_eq(r, PER_TRUNCATED, "setup %zu prefix %zu/%zu: %d %s", v, len, n, r,
                         why ? why : "");
            free(p);
        }
        free(b);
    }
}

Test(h225, alias_helpers)
{
    struct h225_aliases a;
    char num[CALL_NUMBER_MAX + 1], name[8];
    memset(&a, 0, sizeof(a));
    a.kept = 3;
    a.a[0].type = H225_ALIAS_H323_ID;
    strcpy(a.a[0].value, "caf\xc3\xa9 bar");
    a.a[1].type = H225_ALIAS_DIALLED_DIGITS;
    strcpy(a.a[1].value, ",");
    a.a[2].type = H225_ALIAS_PARTY_NUMBER;
    strcpy(a.a[2].value, "0,11#2");
    cr_assert(h225_alias_number(&a, num));
    cr_assert_str_eq(num, "011#2", "the first alias with digits; ',' is a pause, dropped");
    cr_assert(h225_alias_name(&a, name, 5));
    cr_assert_str_eq(name, "caf", "not cut inside a UTF-8 character");
    a.kept = 0;
    cr_assert_not(h225_alias_number(&a, num));
    cr_assert_str_eq(num, "");
    cr_assert_not(h225_alias_name(&a, name, sizeof(name)));
}
