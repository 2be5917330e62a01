/*
 * telnet.c - Telnet dissector with a login state machine; see telnet.h.
 *
 * Telnet logins cross the wire in clear: this dissector follows the dialogue
 * between a client and a router (or any Telnet server) and emits one
 * EV_CREDENTIALS event per login attempt, with the username and password the
 * client typed and the outcome the server showed.
 *
 * References: RFC 854 (NVT, IAC commands), RFC 855 (option negotiation and
 * subnegotiation), RFC 857 (ECHO), RFC 858 (SUPPRESS-GO-AHEAD), RFC 1091
 * (TERMINAL-TYPE), RFC 1184 (LINEMODE), RFC 1572 (NEW-ENVIRON, for the USER
 * variable) and RFC 2946 (ENCRYPT, for one sanity check).
 *
 * Layers, per direction, byte by byte (parse() always consumes everything
 * and keeps its decoder state in the per-flow state, so commands, CR pairs
 * and escape sequences may be split across segments anywhere):
 *
 * 1. NVT (RFC 854/855): IAC IAC is a data 0xff; IAC WILL/WONT/DO/DONT take
 *    one option byte and are otherwise ignored (who echoes does not matter:
 *    the username is what the client sent, never the server's echo);
 *    IAC SB <option> ... IAC SE is a subnegotiation, kept up to
 *    TN_SB_KEEP bytes (IAC IAC inside it is a data 0xff); IAC followed by
 *    any other command inside SB ends the SB and is handled as that command,
 *    as BSD and netkit telnetd do. IAC EC, EL and IP from the client edit
 *    the line (RFC 1184 clients in LINEMODE send them); NOP, DM, BRK, AO,
 *    AYT, GA and SE outside SB are ignored. An SB longer than TN_SB_MAX, or
 *    an ENCRYPT ENC_KEYID/DEC_KEYID longer than 64 bytes (the telnetd
 *    overflow CVE-2011-4862), is reported as DIS_MALFORMED once per
 *    direction; the bytes keep being consumed as the server would.
 * 2. Data: CR NUL and CR LF are one end of line, as are CR and LF alone.
 *    ANSI escape sequences (ESC [ ... final, ESC ] ... BEL or ESC \, and
 *    two- or three-byte ESC forms) are removed; on the server side a cursor
 *    positioning (CSI H, f) or erase display (CSI J) breaks the line, since
 *    the Windows Telnet Service draws its screen that way.
 * 3. Client lines: typed keys are assembled into a line of at most
 *    TN_LINE_MAX bytes (the bytes cut are counted): BS and DEL erase a
 *    character, ^U kills the line, ^W erases the last word, ^C abandons the
 *    line; other control characters are dropped.
 *    Server output: the last TN_TAIL_MAX bytes of the current screen line.
 * 4. Login: when the client starts a line (its first key), the server's
 *    current line, if the server wrote anything since the client's previous
 *    line, is the prompt that line answers:
 *    - a username prompt ("Username:", "User Name:", "login:", "user:",
 *      case-insensitive, at the end of the output, optional trailing
 *      spaces): the line is the username;
 *    - "Password:": the line is a password: a login attempt, with the
 *      username typed for this login (or none: IOS "line vty" password
 *      logins; or the USER variable a client sent with NEW-ENVIRON), or,
 *      after an `enable` command (any abbreviation from "en") typed at a
 *      shell prompt, an enable attempt with the logged-in user's name;
 *    - a shell prompt (the output ends with '>', '#', '$' or '%' and
 *      optional spaces, e.g. "Router>", "CME#", "C:\>", "host% "; a line
 *      starting with '%', as IOS error messages do, is not a prompt): the
 *      line is a command.
 *    An attempt ends as a failure when the server writes a line with a
 *    failure message ("% Login invalid", "% Authentication failed", "Login
 *    incorrect", "Access denied", "% Bad passwords", "% Bad secrets", ...)
 *    or when the client answers a new username or password prompt; as a
 *    success when the client answers a shell prompt (an enable attempt
 *    needs a '#' prompt); when the connection ends first, the server's last
 *    output decides the same way, else the outcome is unknown. Deciding when
 *    the client answers, not when the server's output arrives, makes the
 *    result independent of how the stream was cut into segments ("Last
 *    login:" or "#4" cut at a segment end are not prompts). A password line
 *    that is empty with no username is not an attempt.
 *
 * Streams that turn out to be binary (too many control bytes or invalid
 * UTF-8 among the first TN_JUNK_WINDOW data bytes of a direction) are given
 * up with DIS_NOT_MINE, after flushing a pending attempt.
 */
#include "telnet.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>

#include <ndpi_protocol_ids.h>

#define TN_TCP        6
#define TN_PORT       23
#define TN_NDPI_PROTO NDPI_PROTOCOL_TELNET

#define TN_LINE_MAX     256   /* client line bytes kept */
#define TN_TAIL_MAX     256   /* server line bytes kept (the end of the line) */
#define TN_SB_KEEP      128   /* subnegotiation bytes kept for decoding */
#define TN_SB_MAX       16384 /* a longer subnegotiation is malformed */
#define TN_KEYID_MAX    64    /* RFC 2946 key ids: telnetd's buffer size */
#define TN_ESC_MAX      64    /* bytes of one CSI sequence */
#define TN_OSC_MAX      255   /* bytes of one OSC / string sequence */
#define TN_JUNK_WINDOW  512   /* data bytes per direction judged for binary content */
#define TN_JUNK_MAX     64    /* junk bytes in that window that give up */
#define TN_PROBE_WINDOW 64    /* bytes the probe looks at */

/* RFC 854 commands */
enum tn_cmd {
    TN_SE = 240,
    TN_NOP = 241,
    TN_DM = 242,
    TN_BRK = 243,
    TN_IP = 244,
    TN_AO = 245,
    TN_AYT = 246,
    TN_EC = 247,
    TN_EL = 248,
    TN_GA = 249,
    TN_SB = 250,
    TN_WILL = 251,
    TN_WONT = 252,
    TN_DO = 253,
    TN_DONT = 254,
    TN_IAC = 255,
};

#define TN_OPT_ENCRYPT     38 /* RFC 2946 */
#define TN_OPT_NEW_ENVIRON 39 /* RFC 1572 */
#define TN_ENC_KEYID       7
#define TN_DEC_KEYID       8
#define TN_ENV_IS          0
#define TN_ENV_INFO        2
#define TN_ENV_VAR         0
#define TN_ENV_VALUE       1
#define TN_ENV_ESC         2
#define TN_ENV_USERVAR     3

/* Characters after the data layer: bytes, or these markers. */
#define TN_CH_EOL   0x100 /* end of line */
#define TN_CH_BREAK 0x101 /* server: the cursor moved to another line */
#define TN_CH_ABORT 0x102 /* client: abandon the line (^C, IAC IP) */

#define TN_BS  0x08
#define TN_DEL 0x7f
#define TN_ESC 0x1b
#define TN_BEL 0x07
#define TN_NAK 0x15 /* ^U */
#define TN_ETB 0x17 /* ^W */
#define TN_ETX 0x03 /* ^C */

enum tn_nvt_state {
    TN_S_DATA = 0,
    TN_S_IAC,    /* after IAC */
    TN_S_OPT,    /* after IAC WILL/WONT/DO/DONT */
    TN_S_SB,     /* inside IAC SB ... */
    TN_S_SB_IAC, /* IAC inside SB */
};

enum tn_esc_state {
    TN_E_NONE = 0,
    TN_E_ESC, /* after ESC */
    TN_E_CSI, /* ESC [ parameters */
    TN_E_STR, /* ESC ] (OSC) or ESC P ^ _ X: up to BEL or ESC \ */
    TN_E_STR_ESC,
    TN_E_ONE, /* one more byte: ESC ( x, ESC O x, ... */
};

enum tn_prompt {
    TN_P_NONE = 0,
    TN_P_USER,
    TN_P_PASS,
    TN_P_SHELL,
};

struct tn_nvt {
    uint8_t state; /* enum tn_nvt_state */
    uint8_t esc;   /* enum tn_esc_state */
    uint8_t esc_len;
    uint8_t utf8_need; /* continuation bytes still expected */
    bool cr;           /* the last data byte was CR */
    bool sb_long;      /* the SB in progress was reported too long */
    bool flagged_long; /* reported once for this direction */
    bool flagged_keyid;
    uint32_t sb_len; /* bytes of the SB in progress, option byte included */
    uint8_t sb[TN_SB_KEEP];
    uint16_t data_seen; /* data bytes judged, up to TN_JUNK_WINDOW */
    uint16_t junk;
};

struct tn_line {
    uint8_t buf[TN_LINE_MAX];
    uint16_t len;
    uint32_t cut; /* bytes typed beyond TN_LINE_MAX */
    bool started;
    uint8_t prompt; /* enum tn_prompt the line answers */
};

struct tn_tail {
    char buf[TN_TAIL_MAX + 1]; /* NUL-terminated; never holds NUL */
    uint16_t len;
    bool fresh; /* the server wrote since the client's last line started */
};

struct tn_attempt {
    bool active;
    bool enable;
    bool has_user;
    char user[CRED_USER_MAX + 1];
    char password[CRED_PASSWORD_MAX + 1];
    size_t password_len;
};

struct tn_state {
    struct tn_nvt nvt[2];
    struct tn_line line;
    struct tn_tail tail;
    struct tn_attempt pending;
    char cur_user[CRED_USER_MAX + 1]; /* typed for the login in progress */
    bool has_cur_user;
    char login_user[CRED_USER_MAX + 1]; /* who logged in */
    bool has_login_user;
    bool logged_in;
    char env_user[CRED_USER_MAX + 1]; /* NEW-ENVIRON USER from the client */
    bool has_env_user;
    bool enable_armed; /* `enable` typed: the next password is the enable password */
    uint32_t attempts;
    uint8_t ended; /* bit per direction whose end() was called */
    bool gave_up;
    const char *error; /* malformation seen in the current parse() */
};

/* ---- text helpers --------------------------------------------------------- */

/* Control characters that text streams carry (not counted as binary); NUL only after CR. */
static bool tn_ctl_ok(uint8_t b)
{
    switch (b) {
        case TN_ETX:
        case 0x04: /* ^D */
        case TN_BEL:
        case TN_BS:
        case '\t':
        case '\n':
        case 0x0b:
        case 0x0c:
        case '\r':
        case 0x0e: /* SO, SI: character set shifts */
        case 0x0f:
        case TN_NAK:
        case TN_ETB:
        case 0x1a: /* ^Z */
        case TN_ESC:
            return true;
        default:
            return false;
    }
}

/* Continuation bytes a UTF-8 lead byte announces; -1 if b cannot start a sequence. */
static int tn_utf8_lead(uint8_t b)
{
    if (b >= 0xc2 && b <= 0xdf)
        return 1;
    if (b >= 0xe0 && b <= 0xef)
        return 2;
    if (b >= 0xf0 && b <= 0xf4)
        return 3;
    return -1;
}

/* Copies n bytes as printable ASCII ('?' for anything else), cut to fit, NUL-terminated. */
static void tn_copy_text(char *dst, size_t size, const uint8_t *src, size_t n)
{
    size_t k = n < size - 1 ? n : size - 1;
    for (size_t i = 0; i < k; i++)
        dst[i] = src[i] >= 0x20 && src[i] < 0x7f ? (char)src[i] : '?';
    dst[k] = '\0';
}

/* ---- outcome and events ----------------------------------------------------- */

static void tn_emit(struct dis_ctx *ctx, struct tn_state *st, uint8_t outcome)
{
    struct tn_attempt *a = &st->pending;
    if (!a->active)
        return;
    a->active = false;
    struct dis_event ev = {.type = EV_CREDENTIALS, .actor = EV_ACTOR_CLIENT};
    struct ev_cred *c = &ev.u.cred;
    c->protocol = "telnet";
    memcpy(c->username, a->user, sizeof(c->username));
    c->has_username = a->has_user;
    memcpy(c->password, a->password, sizeof(c->password));
    c->password_len = a->password_len;
    c->outcome = outcome;
    c->enable = a->enable;
    c->attempt = st->attempts;
    c->has_http = false;
    if (outcome == CRED_OUTCOME_SUCCESS) {
        if (a->enable) {
            st->enable_armed = false;
        } else {
            st->logged_in = true;
            st->has_login_user = a->has_user;
            memcpy(st->login_user, a->user, sizeof(st->login_user));
            st->has_cur_user = false;
        }
    }
    dis_emit(ctx, &ev);
}

static const char *const tn_failures[] = {
    "login invalid",      "login incorrect",     "login failed",     "logon failure",
    "invalid login",      "authentication fail", "access denied",    "permission denied",
    "bad password",       "bad secret",          "invalid password", "incorrect password",
    "password incorrect",
};

static bool tn_failure_text(const struct tn_tail *t)
{
    for (size_t i = 0; i < sizeof(tn_failures) / sizeof(tn_failures[0]); i++)
        if (strcasestr(t->buf, tn_failures[i]))
            return true;
    return false;
}

static bool tn_is_alnum(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* Whether buf[0..n) ends with word (case-insensitive) at a word boundary. */
static bool tn_ends_with_word(const char *buf, size_t n, const char *word)
{
    size_t k = strlen(word);
    if (k > n || strncasecmp(buf + (n - k), word, k) != 0)
        return false;
    return n == k || !tn_is_alnum(buf[n - k - 1]);
}

static const char *const tn_user_words[] = {"username", "user name", "login name", "login", "user"};

/* What the server's current line asks for; *ret_last gets a shell prompt's character. */
static uint8_t tn_classify(const struct tn_tail *t, char *ret_last)
{
    size_t n = t->len;
    while (n > 0 && (t->buf[n - 1] == ' ' || t->buf[n - 1] == '\t'))
        n--;
    if (n == 0)
        return TN_P_NONE;
    char last = t->buf[n - 1];
    if (last == ':') {
        if (tn_ends_with_word(t->buf, n - 1, "password"))
            return TN_P_PASS;
        if (tn_ends_with_word(t->buf, n - 1, "last login"))
            return TN_P_NONE; /* "Last login: <date>" cut after its colon */
        for (size_t i = 0; i < sizeof(tn_user_words) / sizeof(tn_user_words[0]); i++)
            if (tn_ends_with_word(t->buf, n - 1, tn_user_words[i]))
                return TN_P_USER;
        return TN_P_NONE;
    }
    if (last == '>' || last == '#' || last == '$' || last == '%') {
        size_t first = 0;
        while (first < n && (t->buf[first] == ' ' || t->buf[first] == '\t'))
            first++;
        if (last == '%' && (first == n - 1 || t->buf[first] == '%'))
            return TN_P_NONE; /* "%" alone or an IOS message line */
        *ret_last = last;
        return TN_P_SHELL;
    }
    return TN_P_NONE;
}

/*
 * Settles the pending attempt from the server's current line if it is
 * fresh (written since the client's last line began); with final, an
 * attempt nothing settles ends as unknown.
 */
static void tn_settle(struct dis_ctx *ctx, struct tn_state *st, bool final)
{
    if (!st->pending.active)
        return;
    uint8_t outcome = CRED_OUTCOME_UNKNOWN;
    if (st->tail.fresh) {
        char last = 0;
        uint8_t p = tn_classify(&st->tail, &last);
        if (tn_failure_text(&st->tail) || p == TN_P_USER || p == TN_P_PASS)
            outcome = CRED_OUTCOME_FAILURE;
        else if (p == TN_P_SHELL)
            outcome =
                !st->pending.enable || last == '#' ? CRED_OUTCOME_SUCCESS : CRED_OUTCOME_FAILURE;
    }
    if (outcome != CRED_OUTCOME_UNKNOWN || final)
        tn_emit(ctx, st, outcome);
}

/* ---- client lines ----------------------------------------------------------- */

/* Whether a command line is `enable` (abbreviated to at least "en", arguments allowed). */
static bool tn_is_enable(const struct tn_line *l)
{
    size_t i = 0, n = l->len;
    while (i < n && l->buf[i] == ' ')
        i++;
    size_t w = 0;
    while (i + w < n && l->buf[i + w] != ' ')
        w++;
    static const char enable[] = "enable";
    if (w < 2 || w > sizeof(enable) - 1 || l->cut)
        return false;
    for (size_t k = 0; k < w; k++) {
        uint8_t b = l->buf[i + k];
        if (b >= 'A' && b <= 'Z')
            b = (uint8_t)(b - 'A' + 'a');
        if (b != (uint8_t)enable[k])
            return false;
    }
    return true;
}

static void tn_line_start(struct dis_ctx *ctx, struct tn_state *st)
{
    struct tn_line *l = &st->line;
    char last = 0;
    l->started = true;
    l->len = 0;
    l->cut = 0;
    l->prompt = TN_P_NONE;
    if (!st->tail.fresh)
        return;
    tn_settle(ctx, st, false);
    l->prompt = tn_classify(&st->tail, &last);
    st->tail.fresh = false;
    if (l->prompt == TN_P_SHELL && !st->logged_in && !st->pending.active) {
        /* a shell without a password seen: whoever was named is logged in */
        st->logged_in = true;
        st->has_login_user = st->has_cur_user;
        memcpy(st->login_user, st->cur_user, sizeof(st->login_user));
        st->has_cur_user = false;
    }
}

static void tn_password_line(struct dis_ctx *ctx, struct tn_state *st)
{
    struct tn_line *l = &st->line;
    struct tn_attempt *a = &st->pending;
    tn_emit(ctx, st, CRED_OUTCOME_UNKNOWN); /* one still open: nothing settled it */
    memset(a, 0, sizeof(*a));
    a->enable = st->enable_armed;
    if (a->enable) {
        a->has_user = st->has_login_user;
        memcpy(a->user, st->login_user, sizeof(a->user));
    } else if (st->has_cur_user) {
        a->has_user = true;
        memcpy(a->user, st->cur_user, sizeof(a->user));
    } else if (st->has_env_user && !st->logged_in) {
        a->has_user = true;
        memcpy(a->user, st->env_user, sizeof(a->user));
    }
    a->password_len = (size_t)l->len + l->cut;
    if (a->password_len == 0 && !a->has_user)
        return; /* Enter at a password prompt: nothing crossed the wire */
    tn_copy_text(a->password, sizeof(a->password), l->buf, l->len);
    a->active = true;
    st->attempts++;
}

static void tn_line_end(struct dis_ctx *ctx, struct tn_state *st)
{
    struct tn_line *l = &st->line;
    uint8_t p = l->prompt;
    l->started = false;
    if (p == TN_P_NONE && st->tail.fresh) {
        /* typed ahead of the prompt, without echo: the prompt came meanwhile */
        char last = 0;
        tn_settle(ctx, st, false);
        p = tn_classify(&st->tail, &last);
        if (p != TN_P_NONE)
            st->tail.fresh = false;
    }
    switch (p) {
        case TN_P_USER:
            if (l->len + l->cut == 0)
                break;
            tn_copy_text(st->cur_user, sizeof(st->cur_user), l->buf, l->len);
            st->has_cur_user = true;
            st->enable_armed = false;
            break;
        case TN_P_PASS:
            tn_password_line(ctx, st);
            break;
        case TN_P_SHELL:
            st->enable_armed = tn_is_enable(l);
            break;
        default:
            break;
    }
    l->len = 0;
    l->cut = 0;
}

static void tn_client_char(struct dis_ctx *ctx, struct tn_state *st, int ch)
{
    struct tn_line *l = &st->line;
    if (ch == TN_CH_ABORT) {
        l->started = false;
        l->len = 0;
        l->cut = 0;
        return;
    }
    if (ch < 0x20 && ch != TN_BS && ch != TN_NAK && ch != TN_ETB)
        return; /* other control characters are not typed text */
    if (!l->started)
        tn_line_start(ctx, st);
    switch (ch) {
        case TN_CH_EOL:
            tn_line_end(ctx, st);
            break;
        case TN_BS:
        case TN_DEL:
            if (l->cut)
                l->cut--;
            else if (l->len)
                l->len--;
            break;
        case TN_NAK:
            l->len = 0;
            l->cut = 0;
            break;
        case TN_ETB:
            l->cut = 0;
            while (l->len && l->buf[l->len - 1] == ' ')
                l->len--;
            while (l->len && l->buf[l->len - 1] != ' ')
                l->len--;
            break;
        default:
            if (l->cut || l->len >= TN_LINE_MAX)
                l->cut++;
            else
                l->buf[l->len++] = (uint8_t)ch;
            break;
    }
}

/* ---- server output ---------------------------------------------------------- */

static void tn_server_char(struct dis_ctx *ctx, struct tn_state *st, int ch)
{
    struct tn_tail *t = &st->tail;
    switch (ch) {
        case TN_CH_EOL:
        case TN_CH_BREAK:
            if (st->pending.active && t->len && tn_failure_text(t))
                tn_emit(ctx, st, CRED_OUTCOME_FAILURE);
            t->len = 0;
            break;
        case TN_BS:
            if (t->len)
                t->len--;
            break;
        default:
            if (ch < 0x20 || ch > 0xff)
                return; /* BEL, NUL and friends change nothing shown */
            if (t->len >= TN_TAIL_MAX) {
                memmove(t->buf, t->buf + TN_TAIL_MAX / 2, TN_TAIL_MAX / 2);
                t->len = TN_TAIL_MAX / 2;
            }
            t->buf[t->len++] = (char)ch;
            break;
    }
    t->buf[t->len] = '\0';
    t->fresh = true;
}

/* ---- data layer: CR pairs, escape sequences ------------------------------------ */

static void tn_char(struct dis_ctx *ctx, struct tn_state *st, int dir, int ch)
{
    if (dir == DIR_TO_SERVER)
        tn_client_char(ctx, st, ch);
    else
        tn_server_char(ctx, st, ch);
}

static void tn_judge(struct tn_nvt *nv, uint8_t b)
{
    if (nv->data_seen >= TN_JUNK_WINDOW)
        return;
    nv->data_seen++;
    if (nv->utf8_need) {
        if ((b & 0xc0) == 0x80) {
            nv->utf8_need--;
            return;
        }
        nv->utf8_need = 0;
        nv->junk++; /* a sequence cut short */
    }
    if (b >= 0x80) {
        int need = tn_utf8_lead(b);
        if (need < 0)
            nv->junk++;
        else
            nv->utf8_need = (uint8_t)need;
    } else if (b < 0x20 && !tn_ctl_ok(b) && !(b == 0 && nv->cr)) {
        nv->junk++;
    }
}

/*
 * Runs b through the escape-sequence filter: returns b when it is text,
 * TN_CH_BREAK for a server line break drawn by escapes, -1 when swallowed.
 */
static int tn_unescape(struct tn_nvt *nv, uint8_t b, bool server)
{
    for (;;) {
        switch (nv->esc) {
            case TN_E_NONE:
                if (b == TN_ESC) {
                    nv->esc = TN_E_ESC;
                    nv->esc_len = 0;
                    return -1;
                }
                return b;
            case TN_E_ESC:
                nv->esc_len = 0;
                if (b == '[')
                    nv->esc = TN_E_CSI;
                else if (b == ']' || b == 'P' || b == '^' || b == '_' || b == 'X')
                    nv->esc = TN_E_STR;
                else if (b == '(' || b == ')' || b == '*' || b == '+' || b == 'O' || b == 'N' ||
                         b == '#' || b == '%' || b == ' ')
                    nv->esc = TN_E_ONE;
                else if (b < 0x20 && b != TN_ESC)
                    break; /* a control cancels: handle it as such */
                else
                    nv->esc = b == TN_ESC ? TN_E_ESC : TN_E_NONE;
                return -1;
            case TN_E_CSI:
                if (b >= 0x40 && b <= 0x7e) {
                    nv->esc = TN_E_NONE;
                    return server && (b == 'H' || b == 'f' || b == 'J') ? TN_CH_BREAK : -1;
                }
                if (b >= 0x20 && b < 0x40 && nv->esc_len++ < TN_ESC_MAX)
                    return -1;
                break; /* control or runaway: the sequence ends, b is itself */
            case TN_E_STR:
                if (b == TN_BEL) {
                    nv->esc = TN_E_NONE;
                    return -1;
                }
                if (b == TN_ESC) {
                    nv->esc = TN_E_STR_ESC;
                    return -1;
                }
                if (b >= 0x20 && nv->esc_len++ < TN_OSC_MAX)
                    return -1;
                break;
            case TN_E_STR_ESC:
                if (b == '\\') {
                    nv->esc = TN_E_NONE;
                    return -1;
                }
                nv->esc = TN_E_ESC; /* a new sequence starts at that ESC */
                continue;
            case TN_E_ONE:
            default:
                nv->esc = TN_E_NONE;
                return b < 0x20 ? b : -1;
        }
        nv->esc = TN_E_NONE;
        return b;
    }
}

static void tn_data(struct dis_ctx *ctx, struct tn_state *st, int dir, uint8_t b)
{
    struct tn_nvt *nv = &st->nvt[dir];
    tn_judge(nv, b);
    if (nv->cr) {
        nv->cr = false;
        if (b == '\n' || b == '\0')
            return; /* CR LF, CR NUL: the CR was the end of line */
    }
    if (b == '\r' || b == '\n') {
        nv->cr = b == '\r';
        nv->esc = TN_E_NONE;
        tn_char(ctx, st, dir, TN_CH_EOL);
        return;
    }
    int ch = tn_unescape(nv, b, dir == DIR_TO_CLIENT);
    if (ch == TN_ETX && dir == DIR_TO_SERVER)
        ch = TN_CH_ABORT;
    if (ch >= 0)
        tn_char(ctx, st, dir, ch);
}

/* ---- NVT: IAC commands and subnegotiation -------------------------------------- */

static void tn_command(struct dis_ctx *ctx, struct tn_state *st, int dir, uint8_t cmd)
{
    int ch;
    switch (cmd) {
        case TN_EC:
            ch = TN_BS;
            break;
        case TN_EL:
            ch = dir == DIR_TO_SERVER ? TN_NAK : TN_CH_BREAK;
            break;
        case TN_IP:
            if (dir != DIR_TO_SERVER)
                return;
            ch = TN_CH_ABORT;
            break;
        default:
            return; /* NOP, DM, BRK, AO, AYT, GA, stray SE */
    }
    tn_char(ctx, st, dir, ch);
}

/* RFC 1572: a client's NEW-ENVIRON IS/INFO may name the user (telnet -l). */
static void tn_environ(struct tn_state *st, size_t kept)
{
    struct cursor c;
    cur_init(&c, st->nvt[DIR_TO_SERVER].sb, kept);
    cur_skip(&c, 1); /* option */
    uint8_t how = cur_u8(&c);
    if (!cur_ok(&c) || (how != TN_ENV_IS && how != TN_ENV_INFO))
        return;
    while (cur_left(&c)) {
        uint8_t type = cur_u8(&c);
        uint8_t name[8], value[CRED_USER_MAX];
        size_t nlen = 0, vlen = 0;
        bool in_value = false, value_seen = false;
        while (cur_left(&c)) {
            int b = cur_peek(&c, 0);
            if (b == TN_ENV_VAR || b == TN_ENV_USERVAR)
                break;
            cur_skip(&c, 1);
            if (b == TN_ENV_VALUE) {
                in_value = true;
                value_seen = true;
                continue;
            }
            if (b == TN_ENV_ESC) {
                if (!cur_left(&c))
                    break;
                b = cur_u8(&c);
            }
            if (in_value && vlen < sizeof(value))
                value[vlen++] = (uint8_t)b;
            else if (!in_value && nlen < sizeof(name))
                name[nlen++] = (uint8_t)b;
        }
        if (type == TN_ENV_VAR && value_seen && vlen && nlen == 4 && memcmp(name, "USER", 4) == 0) {
            tn_copy_text(st->env_user, sizeof(st->env_user), value, vlen);
            st->has_env_user = true;
        }
    }
}

static void tn_sb_byte(struct tn_state *st, int dir, uint8_t b)
{
    struct tn_nvt *nv = &st->nvt[dir];
    if (nv->sb_len < TN_SB_KEEP)
        nv->sb[nv->sb_len] = b;
    if (nv->sb_len < UINT32_MAX)
        nv->sb_len++;
    if (nv->sb_len > TN_KEYID_MAX + 2 && nv->sb[0] == TN_OPT_ENCRYPT &&
        (nv->sb[1] == TN_ENC_KEYID || nv->sb[1] == TN_DEC_KEYID) && !nv->flagged_keyid) {
        nv->flagged_keyid = true;
        st->error = "telnet ENCRYPT key id longer than 64 bytes (CVE-2011-4862)";
    }
    if (nv->sb_len > TN_SB_MAX && !nv->sb_long) {
        nv->sb_long = true;
        if (!nv->flagged_long) {
            nv->flagged_long = true;
            st->error = "telnet subnegotiation too long";
        }
    }
}

static void tn_sb_done(struct tn_state *st, int dir)
{
    struct tn_nvt *nv = &st->nvt[dir];
    size_t kept = nv->sb_len < TN_SB_KEEP ? nv->sb_len : TN_SB_KEEP;
    if (dir == DIR_TO_SERVER && kept >= 2 && nv->sb[0] == TN_OPT_NEW_ENVIRON &&
        nv->sb_len <= TN_SB_KEEP)
        tn_environ(st, kept);
    nv->sb_len = 0;
    nv->sb_long = false;
}

static void tn_byte(struct dis_ctx *ctx, struct tn_state *st, int dir, uint8_t b)
{
    struct tn_nvt *nv = &st->nvt[dir];
    switch (nv->state) {
        case TN_S_DATA:
            if (b == TN_IAC)
                nv->state = TN_S_IAC;
            else
                tn_data(ctx, st, dir, b);
            return;
        case TN_S_IAC:
            nv->state = TN_S_DATA;
            if (b == TN_IAC) {
                tn_data(ctx, st, dir, b); /* IAC IAC: a data 0xff */
            } else if (b >= TN_WILL) {
                nv->state = TN_S_OPT;
            } else if (b == TN_SB) {
                nv->state = TN_S_SB;
                nv->sb_len = 0;
                nv->sb_long = false;
            } else if (b >= TN_SE) {
                tn_command(ctx, st, dir, b);
            } else if (nv->data_seen < TN_JUNK_WINDOW) {
                nv->junk++; /* not a command */
            }
            return;
        case TN_S_OPT:
            nv->state = TN_S_DATA; /* the option negotiated changes nothing here */
            return;
        case TN_S_SB:
            if (b == TN_IAC)
                nv->state = TN_S_SB_IAC;
            else
                tn_sb_byte(st, dir, b);
            return;
        case TN_S_SB_IAC:
        default:
            if (b == TN_IAC) {
                nv->state = TN_S_SB;
                tn_sb_byte(st, dir, b);
                return;
            }
            tn_sb_done(st, dir);
            nv->state = TN_S_DATA;
            if (b != TN_SE) {
                /* IAC and another command inside SB: the SB ends, the command counts */
                nv->state = TN_S_IAC;
                tn_byte(ctx, st, dir, b);
            }
            return;
    }
}

/* ---- dissector entry points ------------------------------------------------ */

static bool tn_text_byte(const struct cursor *c, size_t at, size_t *ret_len)
{
    int b = cur_peek(c, at);
    *ret_len = 1;
    if (b < 0)
        return false;
    if (b == 0)
        return at > 0 && cur_peek(c, at - 1) == '\r';
    if (b < 0x80)
        return b >= 0x20 || tn_ctl_ok((uint8_t)b);
    int need = tn_utf8_lead((uint8_t)b);
    if (need < 0)
        return false;
    for (int k = 1; k <= need; k++) {
        int n = cur_peek(c, at + (size_t)k);
        if (n < 0)
            return true; /* cut by the segment end: give it the benefit */
        if ((n & 0xc0) != 0x80)
            return false;
    }
    *ret_len = (size_t)need + 1;
    return true;
}

static bool telnet_probe(const struct cursor *c, int dir)
{
    (void)dir; /* either side may speak first */
    int b0 = cur_peek(c, 0);
    if (b0 < 0)
        return true;
    if (b0 == TN_IAC) {
        int b1 = cur_peek(c, 1);
        return b1 < 0 || (b1 >= TN_SE && b1 < TN_IAC);
    }
    /* a banner or prompt: mostly text, IAC commands allowed in between */
    size_t at = 0, seen = 0, text = 0;
    while (at < TN_PROBE_WINDOW && cur_peek(c, at) >= 0) {
        int b = cur_peek(c, at);
        if (b == TN_IAC) {
            int cmd = cur_peek(c, at + 1);
            at += cmd >= TN_WILL && cmd < TN_IAC ? 3 : 2;
            if (cmd == TN_SB) /* its content is binary by nature: skip to IAC SE */
                while (at < TN_PROBE_WINDOW && cur_peek(c, at) >= 0 &&
                       (cur_peek(c, at) != TN_IAC || cur_peek(c, at + 1) != TN_SE))
                    at++;
            continue;
        }
        size_t len;
        bool ok = tn_text_byte(c, at, &len);
        seen += len;
        if (ok)
            text += len;
        at += len;
    }
    return text * 4 >= seen * 3;
}

static void tn_gap(struct tn_state *st, int dir)
{
    struct tn_nvt *nv = &st->nvt[dir];
    nv->state = TN_S_DATA;
    nv->esc = TN_E_NONE;
    nv->cr = false;
    nv->utf8_need = 0;
    nv->sb_len = 0;
    nv->sb_long = false;
    if (dir == DIR_TO_SERVER) {
        /* a line with lost keys is not what was typed */
        st->line.started = false;
        st->line.len = 0;
        st->line.cut = 0;
    } else {
        st->tail.len = 0;
        st->tail.buf[0] = '\0';
        st->tail.fresh = false;
    }
}

static enum dis_result telnet_parse(struct dis_ctx *ctx, void *state, struct cursor *c)
{
    struct tn_state *st = state;
    int dir = ctx->dir == DIR_TO_CLIENT ? DIR_TO_CLIENT : DIR_TO_SERVER;

    ctx->consumed = cur_left(c);
    ctx->needed = 0;
    if (!st || st->gave_up)
        return DIS_NOT_MINE;
    if (ctx->gap)
        tn_gap(st, dir);
    st->error = NULL;
    struct tn_nvt *nv = &st->nvt[dir];
    while (cur_left(c)) {
        tn_byte(ctx, st, dir, cur_u8(c));
        if (nv->junk >= TN_JUNK_MAX) {
            /* binary, not a terminal dialogue */
            tn_emit(ctx, st, CRED_OUTCOME_UNKNOWN);
            st->gave_up = true;
            return DIS_NOT_MINE;
        }
    }
    if (st->error) {
        ctx->error = st->error;
        return DIS_MALFORMED;
    }
    return DIS_OK;
}

static void telnet_end(struct dis_ctx *ctx, void *state, bool reset)
{
    struct tn_state *st = state;
    int dir = ctx->dir == DIR_TO_CLIENT ? DIR_TO_CLIENT : DIR_TO_SERVER;
    if (!st)
        return;
    st->ended |= (uint8_t)(1u << dir);
    if (st->gave_up)
        return;
    /* the outcome comes from the server: wait for its side unless the connection is gone */
    if (dir == DIR_TO_CLIENT || reset || st->ended == 3)
        tn_settle(ctx, st, true);
}

const struct dissector telnet_dissector = {
    .name = "telnet",
    .l4 = TN_TCP,
    .ports = {TN_PORT},
    .ndpi_ids = {TN_NDPI_PROTO},
    .state_size = sizeof(struct tn_state),
    .probe = telnet_probe,
    .parse = telnet_parse,
    .end = telnet_end,
    .state_free = NULL,
};
