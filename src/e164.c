/*
 * e164.c - dialled digits to E.164 by the site's dial plan; see e164.h.
 *
 * Rules, tried in order on the digits after the access code, then (when
 * no rule applies to those) on the digits as dialled, because an H.225 leg
 * after the router's digit stripping carries no access code ("9725551234"
 * is a Dallas number, not "9" + "725551234"). Digits that begin with an
 * international prefix after the access code are never read again another
 * way: "9011442071" is an international number being dialled, not +1 901.
 *
 *   +digits                          kept as is (3 to 15 digits)
 *   international prefix + digits    +digits ("011" as configured, and "00")
 *   national prefix + national no.   +country code + number
 *   bare national number             +1 + number, NANP only (10 digits, NXX)
 *
 * What a national number is: in the NANP (country code 1) exactly ten
 * digits whose first is 2-9 (an NPA, ATIS-0300076 / NANPA); elsewhere 6 or
 * more digits that keep the whole number within E.164's 15. Outside the
 * NANP a number without the national prefix is a local subscriber number
 * whose area code we cannot know: not applicable, as are extensions and
 * other short numbers (fewer digits than a national number), seven-digit
 * NANP local numbers, feature codes (*67, #...) and emergency numbers (911,
 * 112, 999; short, so they never normalise). The detectors also test
 * e164_is_emergency() so that no block pattern can flag an emergency call:
 * an IDS alert on a 911 call is noise at best, and a reason to block
 * emergency calling at worst.
 */
#include "e164.h"

#include <errno.h>
#include <string.h>

#define DIALLED_MAX 64 /* longer strings are not numbers we normalise */

static bool all_digits(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return false;
    return true;
}

static int copy_code(char *dst, const char *src, bool allow_empty)
{
    size_t n = src ? strlen(src) : 0;
    if (n > E164_CODE_MAX || (!allow_empty && n == 0) || !all_digits(src ? src : "", n))
        return -EINVAL;
    memcpy(dst, src ? src : "", n);
    dst[n] = '\0';
    return 0;
}

int e164_plan_init(struct e164_plan *ret, const char *access_code, const char *national_prefix,
                   const char *international_prefix, const char *country_code)
{
    struct e164_plan p;
    if (copy_code(p.access_code, access_code, true) < 0 ||
        copy_code(p.national_prefix, national_prefix, true) < 0 ||
        copy_code(p.international_prefix, international_prefix, true) < 0 ||
        copy_code(p.country_code, country_code, false) < 0)
        return -EINVAL;
    *ret = p;
    return 0;
}

static bool starts_with(const char *s, const char *prefix)
{
    size_t n = strlen(prefix);
    return n > 0 && strncmp(s, prefix, n) == 0;
}

static bool is_nanp(const struct e164_plan *p) { return strcmp(p->country_code, "1") == 0; }

/* True when the n digits of s are a national significant number of the plan's country. */
static bool national_number(const struct e164_plan *p, const char *s, size_t n)
{
    if (is_nanp(p))
        return n == 10 && s[0] >= '2' && s[0] <= '9';
    return n >= 6 && strlen(p->country_code) + n <= E164_MAX_DIGITS;
}

static bool put(char ret[E164_BUFSZ], const char *cc, const char *s, size_t n)
{
    size_t c = strlen(cc);
    if (c + n < 3 || c + n > E164_MAX_DIGITS)
        return false;
    ret[0] = '+';
    memcpy(ret + 1, cc, c);
    memcpy(ret + 1 + c, s, n);
    ret[1 + c + n] = '\0';
    return true;
}

/*
 * The rules of the file header on a string of n digits: 1 = normalised,
 * 0 = no rule applies, -1 = an international prefix was dialled but what
 * follows is no number (the caller must not try another reading).
 */
static int classify(const struct e164_plan *p, const char *s, size_t n, char ret[E164_BUFSZ])
{
    const char *intl[2] = {p->international_prefix, "00"};
    /* the longer international prefix first ("0011" before "00") */
    if (strlen(intl[0]) < strlen(intl[1])) {
        intl[1] = intl[0];
        intl[0] = "00";
    }
    for (size_t k = 0; k < 2; k++) {
        if (starts_with(s, intl[k])) {
            size_t l = strlen(intl[k]);
            return put(ret, "", s + l, n - l) ? 1 : -1;
        }
    }
    if (starts_with(s, p->national_prefix)) {
        size_t l = strlen(p->national_prefix);
        if (national_number(p, s + l, n - l))
            return put(ret, p->country_code, s + l, n - l) ? 1 : 0;
    }
    if (is_nanp(p) && national_number(p, s, n))
        return put(ret, p->country_code, s, n) ? 1 : 0;
    return 0;
}

/* Copies dialled without one trailing '#' into buf; false when too long. */
static bool trim(const char *dialled, char buf[DIALLED_MAX + 1], size_t *ret_len)
{
    size_t n = strnlen(dialled, DIALLED_MAX + 2);
    if (n > 0 && dialled[n - 1] == '#')
        n--;
    if (n == 0 || n > DIALLED_MAX)
        return false;
    memcpy(buf, dialled, n);
    buf[n] = '\0';
    *ret_len = n;
    return true;
}

bool e164_normalize(const struct e164_plan *plan, const char *dialled, char ret[E164_BUFSZ])
{
    char buf[DIALLED_MAX + 1];
    size_t n;

    if (!trim(dialled, buf, &n))
        return false;
    if (buf[0] == '+')
        return all_digits(buf + 1, n - 1) && put(ret, "", buf + 1, n - 1);
    if (!all_digits(buf, n))
        return false;
    size_t a = strlen(plan->access_code);
    if (a > 0 && a < n && strncmp(buf, plan->access_code, a) == 0) {
        int r = classify(plan, buf + a, n - a, ret);
        if (r != 0)
            return r > 0;
    }
    return classify(plan, buf, n, ret) > 0;
}

static bool emergency_code(const char *s)
{
    static const char *const codes[] = {"911", "112", "999", "933"};
    for (size_t i = 0; i < sizeof(codes) / sizeof(codes[0]); i++)
        if (strcmp(s, codes[i]) == 0)
            return true;
    return false;
}

bool e164_is_emergency(const struct e164_plan *plan, const char *dialled)
{
    char buf[DIALLED_MAX + 1];
    size_t n;

    if (!trim(dialled, buf, &n))
        return false;
    if (emergency_code(buf))
        return true;
    size_t a = strlen(plan->access_code);
    return a > 0 && a < n && strncmp(buf, plan->access_code, a) == 0 && emergency_code(buf + a);
}
