/*
 * dialpattern.c - Cisco dial-pattern matcher; see dialpattern.h for the
 * syntax.
 *
 * Why compile: the detectors match every call setup against every block
 * pattern, so the text is checked and turned into per-position symbol sets
 * once, at load time, and errors reach the operator with file:line then,
 * not at the first call. Reference: Cisco Unified CME System Administrator
 * Guide, "Configuring Call Blocking" (after-hours block pattern), and the
 * Cisco IOS Voice Command Reference for destination-pattern (wildcards
 * '.', '[ ]', 'T').
 *
 * Choices: '.' and classes match digits 0-9 only, never '*' or '#'; a class
 * holds digits, "a-b" ranges and commas (commas optional, as "[13]"), with
 * an optional leading '^' for negation; '+' is literal and only first; 'T'
 * only last. Anything else (Cisco's regular-expression characters % ? $,
 * letters, ',' pauses outside a class) is an error, so a typo cannot turn
 * into a pattern that matches nothing or everything without a word.
 */
#include "dialpattern.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

/* Describes character c for an error message ("'x'" or "byte 0x01"). */
static const char *describe(char c, char *buf, size_t len)
{
    unsigned char u = (unsigned char)c;
    if (u >= 0x21 && u < 0x7f)
        snprintf(buf, len, "'%c'", c);
    else
        snprintf(buf, len, "byte 0x%02x", u);
    return buf;
}

/*
 * Parses the class starting after '[' at text[*pos]; on success *pos is
 * just past ']' and *ret_set holds the digits accepted.
 */
static int parse_class(const char *text, size_t *pos, uint16_t *ret_set, char *err, size_t errlen)
{
    size_t i = *pos;
    bool negate = false;
    uint16_t set = 0;
    char d[16];

    if (text[i] == '^') {
        negate = true;
        i++;
    }
    bool need_item = true; /* at the start, or after a comma */
    for (;; i++) {
        char c = text[i];
        if (c == '\0') {
            snprintf(err, errlen, "unclosed '[' in '%s'", text);
            return -EINVAL;
        }
        if (c == ']')
            break;
        if (c == ',') {
            if (need_item) {
                snprintf(err, errlen, "empty item in class in '%s'", text);
                return -EINVAL;
            }
            need_item = true;
            continue;
        }
        if (c < '0' || c > '9') {
            snprintf(err, errlen, "unexpected %s in class in '%s' (digits, '-', ',' only)",
                     describe(c, d, sizeof(d)), text);
            return -EINVAL;
        }
        int lo = c - '0', hi = lo;
        if (text[i + 1] == '-') {
            char h = text[i + 2];
            if (h == '\0') {
                snprintf(err, errlen, "unclosed '[' in '%s'", text);
                return -EINVAL;
            }
            if (h < '0' || h > '9' || h < c) {
                snprintf(err, errlen, "bad range '%c-%c' in '%s'", c,
                         h >= 0x21 && h < 0x7f ? h : '?', text);
                return -EINVAL;
            }
            hi = h - '0';
            i += 2;
        }
        for (int k = lo; k <= hi; k++)
            set = (uint16_t)(set | 1u << k);
        need_item = false;
    }
    if (need_item) {
        snprintf(err, errlen, "%s in '%s'", set ? "empty item in class" : "empty class", text);
        return -EINVAL;
    }
    if (negate)
        set = (uint16_t)(~set & DIALPATTERN_ANY_DIGIT);
    if (!set) {
        snprintf(err, errlen, "class matches no digit in '%s'", text);
        return -EINVAL;
    }
    *pos = i + 1;
    *ret_set = set;
    return 0;
}

int dialpattern_compile(const char *text, struct dialpattern *ret, char *err, size_t errlen)
{
    struct dialpattern p;
    size_t n = strnlen(text, DIALPATTERN_MAX_LEN + 1);
    char d[16];

    if (n == 0) {
        snprintf(err, errlen, "empty pattern");
        return -EINVAL;
    }
    if (n > DIALPATTERN_MAX_LEN) {
        snprintf(err, errlen, "pattern longer than %d characters", DIALPATTERN_MAX_LEN);
        return -EINVAL;
    }
    memset(&p, 0, sizeof(p));
    memcpy(p.text, text, n);
    for (size_t i = 0; i < n;) {
        char c = text[i];
        uint16_t set;
        if (c >= '0' && c <= '9') {
            set = (uint16_t)(1u << (c - '0'));
            i++;
        } else if (c == '*') {
            set = 1u << DIALPATTERN_SYM_STAR;
            i++;
        } else if (c == '#') {
            set = 1u << DIALPATTERN_SYM_HASH;
            i++;
        } else if (c == '.') {
            set = DIALPATTERN_ANY_DIGIT;
            i++;
        } else if (c == '+') {
            if (i != 0) {
                snprintf(err, errlen, "'+' is only allowed at the start, in '%s'", text);
                return -EINVAL;
            }
            set = 1u << DIALPATTERN_SYM_PLUS;
            i++;
        } else if (c == 'T') {
            if (i + 1 != n) {
                snprintf(err, errlen, "'T' must be the last character, in '%s'", text);
                return -EINVAL;
            }
            p.variable = true;
            break;
        } else if (c == '[') {
            i++;
            int r = parse_class(text, &i, &set, err, errlen);
            if (r < 0)
                return r;
        } else {
            snprintf(err, errlen,
                     "unexpected %s in pattern '%s' (allowed: 0-9 * # . [ ] T and a leading +)",
                     describe(c, d, sizeof(d)), text);
            return -EINVAL;
        }
        p.set[p.len++] = set;
    }
    *ret = p;
    return 0;
}

/* Symbol bit of a dialled character, or 0 for characters no pattern accepts. */
static uint16_t symbol(char c)
{
    if (c >= '0' && c <= '9')
        return (uint16_t)(1u << (c - '0'));
    if (c == '*')
        return 1u << DIALPATTERN_SYM_STAR;
    if (c == '#')
        return 1u << DIALPATTERN_SYM_HASH;
    if (c == '+')
        return 1u << DIALPATTERN_SYM_PLUS;
    return 0;
}

bool dialpattern_match(const struct dialpattern *p, const char *dialled)
{
    for (size_t i = 0; i < p->len; i++) {
        char c = dialled[i];
        if (c == '\0' || !(p->set[i] & symbol(c)))
            return false;
    }
    return true;
}
