/*
 * test_dialpattern.c - the Cisco dial-pattern matcher (src/dialpattern.h).
 *
 * Tables of (pattern, dialled string, expected) covering every construct,
 * worked out by hand from the syntax (prefix match: the pattern must cover
 * the first characters of the dialled string), and of malformed patterns
 * with the reason they must give.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <string.h>

#include "dialpattern.h"

struct match_case {
    const char *pattern, *dialled;
    bool expect;
};

static const struct match_case matches[] = {
    /* '.' = any one digit: here the access code */
    {".1876", "918765550123", true},
    {".1876", "818765550123", true},
    {".1876", "91876", true},         /* exactly as long as the pattern */
    {".1876", "9187", false},         /* shorter than the pattern */
    {".1876", "", false},             /* nothing dialled */
    {".1876", "18765550123", false},  /* '.' takes the 1, then 8 is not 1 */
    {".1876", "*18765550123", false}, /* '.' is a digit, not '*' */
    {".1876", "#18765550123", false}, /* nor '#' */
    {".1876", "a18765550123", false}, /* nor anything else */
    {"..", "12", true},
    {"..", "1", false},
    /* plain digits */
    {"9011", "9011442071234567", true},
    {"9011", "9012442071234567", false},
    {"0", "0", true},
    {"0", "1", false},
    /* 'T': any further digits, zero included */
    {"9011T", "9011442071234567", true},
    {"9011T", "9011", true},
    {"9011T", "901", false},
    {"T", "", true},
    {"T", "2001", true},
    /* classes: ranges, commas, lists, negation */
    {"[2-5,7]", "2", true},
    {"[2-5,7]", "3", true},
    {"[2-5,7]", "5", true},
    {"[2-5,7]", "7", true},
    {"[2-5,7]", "1", false},
    {"[2-5,7]", "6", false},
    {"[2-5,7]", "8", false},
    {"[2-5,7]", "*", false},
    {"[0-9]", "0", true},
    {"[0-9]", "9", true},
    {"[0-9]", "#", false},
    {"[13]", "1", true},
    {"[13]", "3", true},
    {"[13]", "2", false},
    {"[5]", "5", true},
    {"[5-5]", "5", true},
    {"[5-5]", "4", false},
    {"[^0-8]", "9", true},
    {"[^0-8]", "5", false},
    {"[^0-8]", "*", false}, /* negation stays within the digits */
    {"[^1,3-5]", "2", true},
    {"[^1,3-5]", "6", true},
    {"[^1,3-5]", "1", false},
    {"[^1,3-5]", "4", false},
    {"91[2-9]..[2-9]......", "912125551234", true},
    {"91[2-9]..[2-9]......", "911125551234", false},
    {"91[2-9]..[2-9]......", "912121551234", false},
    {"91[2-9]..[2-9]......", "91212555123", false}, /* one digit short */
    /* '*', '#' */
    {"*67", "*675551234", true},
    {"*67", "#675551234", false},
    {"*67", "675551234", false},
    {"#", "#", true},
    {"#", "*", false},
    {"9#", "9#", true},
    /* leading '+' */
    {"+1876", "+18765550123", true},
    {"+1876", "18765550123", false},
    {"+...", "+441", true},
    {"+...", "+44", false},
    {"+", "+", true},
    {"+", "1", false},
    {".", "+", false}, /* '+' is no digit */
};

Test(dialpattern, match_table)
{
    for (size_t i = 0; i < sizeof(matches) / sizeof(matches[0]); i++) {
        const struct match_case *c = &matches[i];
        struct dialpattern p;
        char err[256] = "";
        cr_assert_eq(dialpattern_compile(c->pattern, &p, err, sizeof(err)), 0, "'%s': %s",
                     c->pattern, err);
        cr_assert_str_eq(p.text, c->pattern);
        cr_assert_eq(dialpattern_match(&p, c->dialled), c->expect, "'%s' vs '%s' should be %s",
                     c->pattern, c->dialled, c->expect ? "a match" : "no match");
    }
}

Test(dialpattern, compiled_form)
{
    struct dialpattern p;
    char err[128];
    cr_assert_eq(dialpattern_compile("+.[2-4]*#9T", &p, err, sizeof(err)), 0);
    cr_assert_eq(p.len, 6);
    cr_assert(p.variable);
    cr_assert_eq(p.set[0], 1u << DIALPATTERN_SYM_PLUS);
    cr_assert_eq(p.set[1], DIALPATTERN_ANY_DIGIT);
    cr_assert_eq(p.set[2], (1u << 2) | (1u << 3) | (1u << 4));
    cr_assert_eq(p.set[3], 1u << DIALPATTERN_SYM_STAR);
    cr_assert_eq(p.set[4], 1u << DIALPATTERN_SYM_HASH);
    cr_assert_eq(p.set[5], 1u << 9);
    cr_assert_eq(dialpattern_compile(".1876", &p, err, sizeof(err)), 0);
    cr_assert_eq(p.len, 5);
    cr_assert_not(p.variable);
}

Test(dialpattern, longest_pattern)
{
    char text[DIALPATTERN_MAX_LEN + 2], digits[DIALPATTERN_MAX_LEN + 1];
    struct dialpattern p;
    char err[128] = "";

    memset(text, '.', DIALPATTERN_MAX_LEN);
    text[DIALPATTERN_MAX_LEN] = '\0';
    memset(digits, '7', DIALPATTERN_MAX_LEN);
    digits[DIALPATTERN_MAX_LEN] = '\0';
    cr_assert_eq(dialpattern_compile(text, &p, err, sizeof(err)), 0, "%s", err);
    cr_assert_eq(p.len, DIALPATTERN_MAX_LEN);
    cr_assert(dialpattern_match(&p, digits));
    digits[DIALPATTERN_MAX_LEN - 1] = '\0';
    cr_assert_not(dialpattern_match(&p, digits));
}

struct error_case {
    const char *pattern, *reason;
};

static const struct error_case errors[] = {
    {"", "empty pattern"},
    {"[1-3", "unclosed '[' in '[1-3'"},
    {".1[2-", "unclosed '['"},
    {".1[", "unclosed '['"},
    {"[5-2]", "bad range '5-2'"},
    {"[1-]", "bad range '1-]'"},
    {"[1-a]", "bad range '1-a'"},
    {"[-5]", "unexpected '-' in class"},
    {"[]", "empty class"},
    {"[^]", "empty class"},
    {"[^0-9]", "class matches no digit"},
    {"[,1]", "empty item in class"},
    {"[1,,2]", "empty item in class"},
    {"[1,]", "empty item in class"},
    {"[a]", "unexpected 'a' in class"},
    {"[*]", "unexpected '*' in class"},
    {"[1^]", "unexpected '^' in class"},
    {"9T1", "'T' must be the last character"},
    {"TT", "'T' must be the last character"},
    {"9+1", "'+' is only allowed at the start"},
    {"++1", "'+' is only allowed at the start"},
    {"91x", "unexpected 'x' in pattern '91x'"},
    {"9t", "unexpected 't'"},
    {"]", "unexpected ']'"},
    {"9,1", "unexpected ','"},
    {"9%", "unexpected '%'"},
    {"9?", "unexpected '?'"},
    {"9$", "unexpected '$'"},
    {"9 1", "unexpected byte 0x20"},
    {"9\x01", "unexpected byte 0x01"},
};

Test(dialpattern, error_table)
{
    for (size_t i = 0; i < sizeof(errors) / sizeof(errors[0]); i++) {
        const struct error_case *c = &errors[i];
        struct dialpattern p;
        memset(&p, 0xa5, sizeof(p));
        struct dialpattern before = p;
        char err[256] = "";
        cr_assert_eq(dialpattern_compile(c->pattern, &p, err, sizeof(err)), -EINVAL,
                     "'%s' must fail", c->pattern);
        cr_assert_not_null(strstr(err, c->reason), "'%s': got '%s', want '%s'", c->pattern, err,
                           c->reason);
        cr_assert_eq(memcmp(&p, &before, sizeof(p)), 0, "'%s': *ret untouched", c->pattern);
    }
}

Test(dialpattern, too_long)
{
    char text[DIALPATTERN_MAX_LEN + 2];
    struct dialpattern p;
    char err[128] = "";
    memset(text, '9', sizeof(text) - 1);
    text[sizeof(text) - 1] = '\0';
    cr_assert_eq(dialpattern_compile(text, &p, err, sizeof(err)), -EINVAL);
    cr_assert_str_eq(err, "pattern longer than 64 characters");
}
