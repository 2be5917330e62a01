/*
 * dialpattern.h - Cisco dial-pattern matcher (after-hours block patterns).
 *
 * The CME after-hours feature and dial peers name numbers with Cisco's
 * dial-pattern syntax (Cisco Unified CME System Administrator Guide, "Call
 * Blocking"; Cisco IOS Voice Command Reference, destination-pattern):
 *
 *   0-9 * #     that key
 *   .           any one digit 0-9
 *   [2-5,7]     one digit from a class: digits, ranges, commas; [^...] negates
 *   T           any further digits (variable length); only at the end
 *   +           a literal '+' (E.164 form); only at the start
 *
 * A pattern matches a PREFIX of the dialled string (SPEC section 4): ".1876"
 * matches "918765550123". So a trailing T changes nothing here; it is
 * accepted because routers print it. A pattern is compiled once, when its
 * file is loaded, into one bit set per position; matching is then a walk of
 * at most DIALPATTERN_MAX_LEN positions, with no allocation.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define DIALPATTERN_MAX_LEN 64 /* characters of pattern text */

struct dialpattern {
    char text[DIALPATTERN_MAX_LEN + 1]; /* as written, for alerts and --check-config */
    uint8_t len;                        /* positions (dialled characters) to match */
    bool variable;                      /* ended in T */
    uint16_t set[DIALPATTERN_MAX_LEN];  /* per position: accepted symbols, bit DIALPATTERN_SYM_* */
};

/* Symbol bits of struct dialpattern.set: '0'..'9' are bits 0..9. */
#define DIALPATTERN_SYM_STAR  10
#define DIALPATTERN_SYM_HASH  11
#define DIALPATTERN_SYM_PLUS  12
#define DIALPATTERN_ANY_DIGIT 0x3ffu

/*
 * Compiles text into *ret. Returns 0, or -EINVAL with the reason in err
 * (without file and line: "unclosed '[' in '.1[2-4'"); *ret is untouched
 * on failure.
 */
int dialpattern_compile(const char *text, struct dialpattern *ret, char *err, size_t errlen);

/* True when p matches a prefix of the NUL-terminated dialled string. */
bool dialpattern_match(const struct dialpattern *p, const char *dialled);
