/*
 * q931.c - Q.931 messages and information elements (ITU-T Q.931 section 4)
 * as H.225.0 call signalling uses them; see q931.h.
 *
 *   octet 1   protocol discriminator (0x08)
 *   octet 2   0000 LLLL: length of the call reference value
 *   octet 3.. call reference value; bit 8 of its first octet is the flag
 *             (0: from the side that assigned it, 1: to it)
 *   next      message type (bit 8 is 0)
 *   then      information elements:
 *             - single octet (bit 8 set): shift 1001 L CCC (L = non-locking),
 *               others carry no length
 *             - variable: identifier, length octet, contents; the
 *               User-user IE (0x7e) has a two-octet length in H.225.0
 *
 *   Calling party number (0x6c): octet 3 = ext | type (3 bits) | plan (4);
 *     when ext is 0, octet 3a = ext | presentation (2) | spare | screening (2);
 *     then IA5 digits. Called party number (0x70): octet 3, then digits.
 *   Cause (0x08): octet 3 = ext | coding (2) | spare | location (4), octet
 *     3a when ext is 0, octet 4 = ext | cause value (7).
 *   Display (0x28): IA5 characters.
 *   User-user (0x7e): protocol discriminator, then user information.
 */
#include "q931.h"

#include <string.h>

void q931_copy_digits(char *out, const uint8_t *p, size_t n)
{
    struct cursor c;
    size_t o = 0;

    cur_init(&c, p, n);
    while (cur_left(&c) > 0 && o < CALL_NUMBER_MAX) {
        char ch = (char)cur_u8(&c);
        if ((ch >= '0' && ch <= '9') || ch == '*' || ch == '#' || ch == '+')
            out[o++] = ch;
    }
    out[o] = '\0';
}

/* Printable ASCII of an IA5 text, at most cap - 1 characters. */
static void q931_copy_text(char *out, size_t cap, struct cursor *c)
{
    size_t o = 0;
    while (cur_left(c) > 0 && o + 1 < cap) {
        uint8_t ch = cur_u8(c);
        if (ch >= 0x20 && ch < 0x7f)
            out[o++] = (char)ch;
    }
    out[o] = '\0';
}

static void q931_party(struct cursor *ie, bool with_3a, uint8_t *ret_type_plan, bool *ret_has_3a,
                       uint8_t *ret_3a, char *out)
{
    out[0] = '\0';
    if (cur_left(ie) == 0)
        return;
    uint8_t o3 = cur_u8(ie);
    *ret_type_plan = o3 & 0x7f;
    if (with_3a && !(o3 & 0x80) && cur_left(ie) > 0) {
        *ret_has_3a = true;
        *ret_3a = cur_u8(ie);
    }
    q931_copy_digits(out, cur_ptr(ie), cur_left(ie));
}

static void q931_cause(struct cursor *ie, struct q931_msg *m)
{
    if (cur_left(ie) == 0)
        return;
    uint8_t o3 = cur_u8(ie);
    m->cause_location = o3 & 0x0f;
    if (!(o3 & 0x80))
        cur_skip(ie, 1); /* octet 3a: recommendation */
    if (cur_left(ie) > 0)
        m->cause_value = cur_u8(ie) & 0x7f;
}

static void q931_display(struct cursor *ie, struct q931_msg *m)
{
    /* some national variants put a display type octet (bit 8 set) first */
    int first = cur_peek(ie, 0);
    if (first >= 0x80)
        cur_skip(ie, 1);
    q931_copy_text(m->display, sizeof(m->display), ie);
}

static void q931_ie(uint8_t id, struct cursor *ie, struct q931_msg *m)
{
    switch (id) {
        case Q931_IE_BEARER_CAPABILITY:
            m->has_bearer = true;
            break;
        case Q931_IE_CAUSE:
            if (!m->has_cause) {
                m->has_cause = true;
                q931_cause(ie, m);
            }
            break;
        case Q931_IE_DISPLAY:
            if (!m->has_display) {
                m->has_display = true;
                q931_display(ie, m);
            }
            break;
        case Q931_IE_CALLING_NUMBER:
            if (!m->has_calling) {
                m->has_calling = true;
                q931_party(ie, true, &m->calling_type_plan, &m->has_calling_3a,
                           &m->calling_pres_screen, m->calling);
            }
            break;
        case Q931_IE_CALLED_NUMBER:
            if (!m->has_called) {
                bool no3a = false;
                uint8_t unused = 0;
                m->has_called = true;
                q931_party(ie, false, &m->called_type_plan, &no3a, &unused, m->called);
            }
            break;
        case Q931_IE_USER_USER:
            if (!m->has_uu) {
                m->has_uu = true;
                if (cur_left(ie) > 0) {
                    m->uu_pd = cur_u8(ie);
                    m->uu = cur_ptr(ie);
                    m->uu_len = cur_left(ie);
                }
            }
            break;
        default:
            break;
    }
}

int q931_parse(struct cursor *c, struct q931_msg *ret)
{
    unsigned locked = 0; /* active codeset (locking shift) */
    int once = -1;       /* codeset for the next IE only (non-locking shift) */

    memset(ret, 0, sizeof(*ret));
    if (cur_left(c) < 1)
        return Q931_TRUNCATED;
    if (cur_u8(c) != Q931_PROTOCOL_DISCRIMINATOR)
        return Q931_MALFORMED;
    if (cur_left(c) < 1)
        return Q931_TRUNCATED;
    uint8_t b = cur_u8(c);
    if ((b & 0xf0) || (b & 0x0f) > Q931_MAX_CRV_LEN)
        return Q931_MALFORMED;
    ret->crv_len = b & 0x0f;
    if (cur_left(c) < (size_t)ret->crv_len + 1)
        return Q931_TRUNCATED;
    if (ret->crv_len > 0) {
        uint8_t hi = cur_u8(c);
        ret->crv_flag = (hi & 0x80) != 0;
        ret->crv = hi & 0x7f;
        if (ret->crv_len == 2)
            ret->crv = (uint16_t)(ret->crv << 8 | cur_u8(c));
    }
    ret->type = cur_u8(c);
    if (ret->type == 0x00 && cur_left(c) > 0)
        cur_skip(c, 1); /* escape to a nationally specific message type */

    while (cur_left(c) > 0) {
        uint8_t id = cur_u8(c);
        unsigned cs = once >= 0 ? (unsigned)once : locked;
        size_t len;

        once = -1;
        ret->ie_count++;
        if (id & 0x80) {
            if ((id & 0xf0) == 0x90) { /* shift */
                if (id & 0x08)
                    once = id & 0x07;
                else
                    locked = id & 0x07;
            }
            continue;
        }
        if (cs == 0 && id == Q931_IE_USER_USER) {
            if (cur_left(c) < 2) {
                ret->ie_error = true;
                break;
            }
            len = cur_be16(c);
        } else {
            if (cur_left(c) < 1) {
                ret->ie_error = true;
                break;
            }
            len = cur_u8(c);
        }
        if (len > cur_left(c)) {
            ret->ie_error = true;
            break;
        }
        struct cursor ie = cur_sub(c, len);
        if (cs == 0)
            q931_ie(id, &ie, ret);
    }
    return 0;
}

const char *q931_msg_name(uint8_t type)
{
    switch (type) {
        case Q931_ALERTING:
            return "alerting";
        case Q931_CALL_PROCEEDING:
            return "call_proceeding";
        case Q931_PROGRESS:
            return "progress";
        case Q931_SETUP:
            return "setup";
        case Q931_CONNECT:
            return "connect";
        case Q931_SETUP_ACK:
            return "setup_acknowledge";
        case Q931_CONNECT_ACK:
            return "connect_acknowledge";
        case Q931_USER_INFORMATION:
            return "user_information";
        case Q931_DISCONNECT:
            return "disconnect";
        case Q931_RELEASE:
            return "release";
        case Q931_RELEASE_COMPLETE:
            return "release_complete";
        case Q931_FACILITY:
            return "facility";
        case Q931_NOTIFY:
            return "notify";
        case Q931_STATUS_ENQUIRY:
            return "status_enquiry";
        case Q931_INFORMATION:
            return "information";
        case Q931_STATUS:
            return "status";
        default:
            return "unknown";
    }
}
