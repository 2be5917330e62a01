/*
 * e164.h - dialled digits to an E.164 number, by the site's dial plan.
 *
 * Phones dial through the PBX's plan ("9" for an outside line, "1" + a
 * national number, "011" + an international one); high-risk destination
 * lists are written in E.164 ("+1876", "+882"). This module turns one into
 * the other with the dial plan of the config (SPEC section 3, dialplan:),
 * so that "918765550123", "18765550123" and "+18765550123" all meet the
 * list entry "+1876". ITU-T E.164 (numbers of at most 15 digits).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#define E164_MAX_DIGITS 15
#define E164_BUFSZ      (E164_MAX_DIGITS + 2) /* '+', digits, NUL */
#define E164_CODE_MAX   7                     /* digits of a dial-plan code kept */

struct e164_plan {
    char access_code[E164_CODE_MAX + 1];          /* "9"; "" = none */
    char national_prefix[E164_CODE_MAX + 1];      /* "1"; "" = none */
    char international_prefix[E164_CODE_MAX + 1]; /* "011"; "00" is always accepted too */
    char country_code[E164_CODE_MAX + 1];         /* "1" */
};

/*
 * Fills *ret from the dialplan strings (NULL = ""). Returns 0, or -EINVAL
 * when one is not a string of at most E164_CODE_MAX digits or the country
 * code is empty (*ret untouched).
 */
int e164_plan_init(struct e164_plan *ret, const char *access_code, const char *national_prefix,
                   const char *international_prefix, const char *country_code);

/*
 * Normalises the dialled string to "+<digits>" in ret. Returns true when it
 * is an E.164 number, false when not applicable: extensions and other short
 * numbers, emergency numbers, feature codes, local numbers without an area
 * code, anything longer than 15 digits. A single trailing '#' (the dial key)
 * is ignored.
 */
bool e164_normalize(const struct e164_plan *plan, const char *dialled, char ret[E164_BUFSZ]);

/*
 * True for emergency numbers (911, 112, 999, 933 test), dialled bare or
 * after the access code. The fraud detectors never flag them.
 */
bool e164_is_emergency(const struct e164_plan *plan, const char *dialled);
