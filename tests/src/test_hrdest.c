/*
 * test_hrdest.c - the high-risk destination list (src/hrdest.h): format,
 * longest-prefix lookup, every malformed line named by file:line, and the
 * shipped signatures/high-risk-destinations.txt.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"
#include "hrdest.h"

static struct hrdest_list *load_text(const char *text)
{
    struct hrdest_list *l = NULL;
    char err[512] = "";
    const char *path = th_write_temp("hr.txt", text);
    cr_assert_eq(hrdest_load(path, &l, err, sizeof(err)), 0, "%s", err);
    cr_assert_not_null(l);
    return l;
}

static const char *match_prefix(const struct hrdest_list *l, const char *e164)
{
    const struct hrdest_entry *e = hrdest_match(l, e164);
    return e ? e->prefix : NULL;
}

Test(hrdest, format_and_longest_prefix)
{
    struct hrdest_list *l = load_text("# comment line\n"
                                      "\n"
                                      "+882 international-revenue-share International Networks\n"
                                      "+88216\tsatellite\tThuraya  (882 16)   # trailing comment\n"
                                      "  +1876   one-ring-scam   Jamaica\n"
                                      "+979\n"
                                      "+1900 premium-rate\n");
    cr_assert_eq(hrdest_count(l), 5);
    /* sorted by prefix text */
    cr_assert_str_eq(hrdest_entry_at(l, 0)->prefix, "+1876");
    cr_assert_str_eq(hrdest_entry_at(l, 1)->prefix, "+1900");
    cr_assert_str_eq(hrdest_entry_at(l, 2)->prefix, "+882");
    cr_assert_str_eq(hrdest_entry_at(l, 3)->prefix, "+88216");
    cr_assert_str_eq(hrdest_entry_at(l, 4)->prefix, "+979");
    cr_assert_null(hrdest_entry_at(l, 5));

    const struct hrdest_entry *e = hrdest_match(l, "+882161234567");
    cr_assert_not_null(e);
    cr_assert_str_eq(e->prefix, "+88216");
    cr_assert_str_eq(e->category, "satellite");
    cr_assert_str_eq(e->description, "Thuraya  (882 16)", "inner white space kept");
    cr_assert_eq(e->lineno, 4);

    e = hrdest_match(l, "+8821234");
    cr_assert_str_eq(e->prefix, "+882");
    cr_assert_str_eq(e->category, "international-revenue-share");
    cr_assert_str_eq(e->description, "International Networks");

    e = hrdest_match(l, "+9791234");
    cr_assert_str_eq(e->category, "unspecified", "no category given");
    cr_assert_str_eq(e->description, "");
    e = hrdest_match(l, "+19005551234");
    cr_assert_str_eq(e->category, "premium-rate");
    cr_assert_str_eq(e->description, "");

    cr_assert_str_eq(match_prefix(l, "+18765550123"), "+1876");
    cr_assert_str_eq(match_prefix(l, "+1876"), "+1876", "the prefix itself");
    cr_assert_str_eq(match_prefix(l, "+88216"), "+88216");
    cr_assert_str_eq(match_prefix(l, "+88215"), "+882");
    cr_assert_null(match_prefix(l, "+187"));
    cr_assert_null(match_prefix(l, "+12125551234"));
    cr_assert_null(match_prefix(l, "+881"));
    cr_assert_null(match_prefix(l, "+"));
    cr_assert_null(match_prefix(l, ""));
    cr_assert_null(match_prefix(l, "18765550123"), "not E.164");
    cr_assert_null(match_prefix(l, "+1876a"));
    cr_assert_null(match_prefix(l, "+1876 "));
    cr_assert_null(match_prefix(l, "+1876555012345678"), "16 digits");
    cr_assert_str_eq(match_prefix(l, "+187655501234567"), "+1876", "15 digits");
    cr_assert_null(hrdest_match(NULL, "+1876"));
    cr_assert_null(hrdest_match(l, NULL));
    hrdest_free(l);
    cr_assert_null(hrdest_free(NULL));
}

Test(hrdest, empty_file)
{
    struct hrdest_list *l = load_text("# nothing listed\n\n   \n");
    cr_assert_eq(hrdest_count(l), 0);
    cr_assert_null(hrdest_match(l, "+8821234"));
    hrdest_free(l);
    cr_assert_eq(hrdest_count(NULL), 0);
}

Test(hrdest, fifteen_digit_prefix)
{
    struct hrdest_list *l = load_text("+123456789012345 test exact\n");
    cr_assert_str_eq(match_prefix(l, "+123456789012345"), "+123456789012345");
    cr_assert_null(match_prefix(l, "+12345678901234"));
    hrdest_free(l);
}

struct bad_case {
    const char *line;
    const char *reason;
};

Test(hrdest, malformed_lines_name_file_and_line)
{
    char longcat[64], longdesc[400];
    snprintf(longcat, sizeof(longcat), "+1 %.*s x", 33, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJ");
    memset(longdesc, 'd', sizeof(longdesc));
    memcpy(longdesc, "+1 cat ", 7);
    longdesc[7 + 256] = '\0';
    const struct bad_case cases[] = {
        {"1876 one-ring-scam Jamaica", "expected an E.164 prefix ('+' and digits), got '1876"},
        {"+ premium-rate", "expected an E.164 prefix ('+' and digits), got '+'"},
        {"+12a4 x", "expected an E.164 prefix ('+' and digits), got '+12a4'"},
        {"+-1 x", "expected an E.164 prefix ('+' and digits), got '+-1'"},
        {"++1 x", "expected an E.164 prefix ('+' and digits), got '++1'"},
        {"+1234567890123456 x", "prefix longer than 15 digits"},
        {"+1 cat$gory x", "category must be letters, digits, '-', '_' or '.'"},
        {"+1 caté x", "category must be"},
        {longcat, "category longer than 32 characters"},
        {longdesc, "description longer than 255 bytes"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char text[1024], want[256], err[512] = "";
        struct hrdest_list *l = NULL;
        snprintf(text, sizeof(text), "# header\n+882 ok fine\n%s\n+883 ok fine\n", cases[i].line);
        const char *path = th_write_temp("bad.txt", text);
        cr_assert_eq(hrdest_load(path, &l, err, sizeof(err)), -EINVAL, "'%s'", cases[i].line);
        cr_assert_null(l);
        snprintf(want, sizeof(want), "%s:3: %s", path, cases[i].reason);
        cr_assert_not_null(strstr(err, want), "got '%s', want '%s'", err, want);
    }
}

Test(hrdest, duplicate_prefix)
{
    char err[512] = "";
    struct hrdest_list *l = NULL;
    const char *path = th_write_temp("dup.txt", "+882 a first\n+1876 b\n\n+882 c second\n");
    cr_assert_eq(hrdest_load(path, &l, err, sizeof(err)), -EINVAL);
    cr_assert_null(l);
    char want[256];
    snprintf(want, sizeof(want), "%s:4: duplicate prefix +882 (first at line 1)", path);
    cr_assert_str_eq(err, want);
}

Test(hrdest, unreadable_files)
{
    char err[512] = "";
    struct hrdest_list *l = NULL;
    cr_assert_eq(hrdest_load("/nonexistent/hr.txt", &l, err, sizeof(err)), -ENOENT);
    cr_assert_not_null(strstr(err, "/nonexistent/hr.txt: "), "%s", err);
    cr_assert_null(l);
    cr_assert_eq(hrdest_load("/", &l, err, sizeof(err)), -EISDIR);
    cr_assert_null(l);
}

Test(hrdest, shipped_list)
{
    char err[512] = "";
    struct hrdest_list *l = NULL;
    cr_assert_eq(
        hrdest_load(th_src_path("signatures/high-risk-destinations.txt"), &l, err, sizeof(err)), 0,
        "%s", err);
    cr_assert_geq(hrdest_count(l), 20);
    cr_assert_leq(hrdest_count(l), 60, "a few dozen lines");

    const struct hrdest_entry *e = hrdest_match(l, "+18765550123");
    cr_assert_not_null(e);
    cr_assert_str_eq(e->category, "one-ring-scam");
    e = hrdest_match(l, "+8816312345678");
    cr_assert_str_eq(e->prefix, "+8816");
    cr_assert_not_null(strstr(e->description, "Iridium"));
    e = hrdest_match(l, "+882161234567");
    cr_assert_str_eq(e->prefix, "+88216");
    e = hrdest_match(l, "+883140123456");
    cr_assert_str_eq(e->prefix, "+883");
    e = hrdest_match(l, "+19005551234");
    cr_assert_str_eq(e->category, "premium-rate");
    /* ordinary destinations are not listed */
    static const char *const fine[] = {"+12125551234", "+442071234567", "+4930123456",
                                       "+17875551234", "+13405551234",  "+18005551234"};
    for (size_t i = 0; i < sizeof(fine) / sizeof(fine[0]); i++)
        cr_assert_null(hrdest_match(l, fine[i]), "%s", fine[i]);
    /* every entry has a category and a description */
    for (size_t i = 0; i < hrdest_count(l); i++) {
        cr_assert_str_neq(hrdest_entry_at(l, i)->category, "unspecified");
        cr_assert_str_neq(hrdest_entry_at(l, i)->description, "");
    }
    hrdest_free(l);
}

Test(hrdest, print_as_yaml)
{
    struct hrdest_list *l = load_text("+882 irsf International \"Networks\"\n+1876 x Jamaica\n");
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    hrdest_print(l, f);
    fclose(f);
    cr_assert_str_eq(buf, "high_risk_destinations:  # 2 prefixes\n"
                          "  - {prefix: \"+1876\", category: \"x\", description: \"Jamaica\"}\n"
                          "  - {prefix: \"+882\", category: \"irsf\", description: "
                          "\"International \\\"Networks\\\"\"}\n");
    free(buf);
    hrdest_free(l);

    buf = NULL;
    f = open_memstream(&buf, &len);
    hrdest_print(NULL, f);
    fclose(f);
    cr_assert_str_eq(buf, "high_risk_destinations: []  # 0 prefixes\n");
    free(buf);
}
