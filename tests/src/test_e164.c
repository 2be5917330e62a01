/*
 * test_e164.c - dialled digits to E.164 (src/e164.h).
 *
 * Expected values worked out by hand from the dial plans: the SPEC default
 * (NANP: access 9, national 1, international 011, country 1), a German PBX
 * (access 0, national 0, international 00, country 49), a UK one without an
 * access code, and an Australian one (international prefix 0011).
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <string.h>

#include "e164.h"

struct norm_case {
    const char *dialled;
    const char *e164; /* NULL = not applicable */
};

static void check(const struct e164_plan *plan, const struct norm_case *cases, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        char out[E164_BUFSZ] = "untouched";
        bool ok = e164_normalize(plan, cases[i].dialled, out);
        if (cases[i].e164) {
            cr_assert(ok, "'%s' should normalise to %s", cases[i].dialled, cases[i].e164);
            cr_assert_str_eq(out, cases[i].e164, "'%s'", cases[i].dialled);
        } else {
            cr_assert_not(ok, "'%s' is not an E.164 number, got %s", cases[i].dialled, out);
        }
    }
}

static const struct norm_case nanp[] = {
    {"918765550123", "+18765550123"},      /* access + national prefix + number */
    {"9011442071234567", "+442071234567"}, /* access + 011 + international */
    {"900442071234567", "+442071234567"},  /* access + 00 + international */
    {"+8821234", "+8821234"},              /* already E.164 */
    {"2001", NULL},                        /* extension */
    {"18765550123", "+18765550123"},       /* no access code (H.225 after digit strip) */
    {"8765550123", "+18765550123"},        /* bare national number */
    {"911", NULL},                         /* emergency */
    {"9911", NULL},
    {"9725551234", "+19725551234"},    /* 9 is part of the area code here */
    {"99725551234", "+19725551234"},   /* access + bare national */
    {"918765550123#", "+18765550123"}, /* the dial key */
    {"011442071234567", "+442071234567"},
    {"9011442071", "+442071"}, /* an international number, not +1 901 ... */
    {"901144", NULL},          /* too little after the prefix */
    {"9011", NULL},
    {"5550123", NULL}, /* seven-digit local: area code unknown */
    {"95550123", NULL},
    {"1876555012", NULL},  /* 10 digits starting with 1: no NPA */
    {"11234567890", NULL}, /* national prefix + NPA starting with 1 */
    {"91123456789", NULL},
    {"*6718765550123", NULL}, /* feature code */
    {"9#", NULL},
    {"#", NULL},
    {"", NULL},
    {"+", NULL},
    {"+1", NULL}, /* too short to be a number */
    {"+12a", NULL},
    {"+123456789012345", "+123456789012345"},
    {"+1234567890123456", NULL},    /* 16 digits */
    {"90111234567890123456", NULL}, /* 17 digits after 011 */
    {"91876555012x", NULL},
    {"9 18765550123", NULL},
    {"2", NULL},
};

Test(e164, nanp_plan)
{
    struct e164_plan p;
    cr_assert_eq(e164_plan_init(&p, "9", "1", "011", "1"), 0);
    check(&p, nanp, sizeof(nanp) / sizeof(nanp[0]));
}

Test(e164, long_input)
{
    struct e164_plan p;
    char s[200];
    char out[E164_BUFSZ];
    cr_assert_eq(e164_plan_init(&p, "9", "1", "011", "1"), 0);
    memset(s, '1', sizeof(s) - 1);
    s[sizeof(s) - 1] = '\0';
    cr_assert_not(e164_normalize(&p, s, out));
    s[0] = '+';
    cr_assert_not(e164_normalize(&p, s, out));
}

static const struct norm_case german[] = {
    {"0004930123456", "+4930123456"}, /* access 0 + 00 + 49 ... */
    {"00301234567", "+49301234567"},  /* access 0 + national 0 + 30 1234567 */
    {"0301234567", "+49301234567"},   /* national without access code */
    {"030123", NULL},                 /* too short for a national number */
    {"0123", NULL},
    {"301234567", NULL},                 /* local: no national prefix, not NANP */
    {"00018765550123", "+18765550123"},  /* access + 00 1 876 ... */
    {"0018765550123", "+4918765550123"}, /* access + national 0 + 187 65550123 */
};

Test(e164, german_plan)
{
    struct e164_plan p;
    cr_assert_eq(e164_plan_init(&p, "0", "0", "00", "49"), 0);
    check(&p, german, sizeof(german) / sizeof(german[0]));
}

static const struct norm_case uk[] = {
    {"02071234567", "+442071234567"},
    {"00353112345678", "+353112345678"},
    {"2071234567", NULL}, /* no national prefix: a local number outside the NANP */
    {"999", NULL},
    {"011442071234567", NULL}, /* 011 is not the UK's international prefix */
};

Test(e164, plan_without_access_code)
{
    struct e164_plan p;
    cr_assert_eq(e164_plan_init(&p, "", "0", "00", "44"), 0);
    check(&p, uk, sizeof(uk) / sizeof(uk[0]));
    cr_assert_eq(e164_plan_init(&p, NULL, NULL, "00", "44"), 0);
    cr_assert_str_eq(p.access_code, "");
    cr_assert_str_eq(p.national_prefix, "");
}

static const struct norm_case australia[] = {
    /* 0011 must win over 00: "+114420..." would be wrong */
    {"000114420712345", "+4420712345"}, {"0011442071234567", "+442071234567"},
    {"00029876543", "+29876543"},    /* access + 00, still accepted */
    {"00298765432", "+61298765432"}, /* access + national 0 */
    {"0298765432", "+61298765432"},  /* national, no access code */
};

Test(e164, longest_international_prefix)
{
    struct e164_plan p;
    cr_assert_eq(e164_plan_init(&p, "0", "0", "0011", "61"), 0);
    check(&p, australia, sizeof(australia) / sizeof(australia[0]));
}

Test(e164, emergency)
{
    struct e164_plan p;
    cr_assert_eq(e164_plan_init(&p, "9", "1", "011", "1"), 0);
    static const char *const yes[] = {"911", "9911", "911#", "112", "9112", "999", "9999", "933"};
    static const char *const no[] = {"9111", "2001", "", "+911", "91911", "19115550123", "#"};
    for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++)
        cr_assert(e164_is_emergency(&p, yes[i]), "'%s'", yes[i]);
    for (size_t i = 0; i < sizeof(no) / sizeof(no[0]); i++)
        cr_assert_not(e164_is_emergency(&p, no[i]), "'%s'", no[i]);
}

Test(e164, plan_errors)
{
    struct e164_plan p;
    memset(&p, 0x5a, sizeof(p));
    struct e164_plan before = p;
    cr_assert_eq(e164_plan_init(&p, "9a", "1", "011", "1"), -EINVAL);
    cr_assert_eq(e164_plan_init(&p, "9", "1", "011", ""), -EINVAL);
    cr_assert_eq(e164_plan_init(&p, "9", "1", "011", NULL), -EINVAL);
    cr_assert_eq(e164_plan_init(&p, "12345678", "1", "011", "1"), -EINVAL);
    cr_assert_eq(e164_plan_init(&p, "9", "+1", "011", "1"), -EINVAL);
    cr_assert_eq(memcmp(&p, &before, sizeof(p)), 0, "untouched on failure");
    cr_assert_eq(e164_plan_init(&p, "1234567", "1", "011", "1"), 0);
}
