/*
 * test_prefix.c - prefix parsing, merging and lookup (src/prefix.c).
 */
#include <criterion/criterion.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "packet.h"
#include "prefix.h"

static struct tw_addr addr(const char *s)
{
    struct tw_addr a;
    memset(&a, 0, sizeof(a));
    cr_assert_eq(tw_addr_parse(s, &a), 0, "tw_addr_parse(%s)", s);
    return a;
}

static bool has(const struct prefix_set *s, const char *a)
{
    struct tw_addr x = addr(a);
    return prefix_set_contains(s, &x);
}

static struct prefix_set *set_of(const char *const *texts)
{
    struct prefix_set *s = prefix_set_new();
    char err[256];
    cr_assert(s);
    for (size_t i = 0; texts[i]; i++)
        cr_assert_eq(prefix_set_add(s, texts[i], err, sizeof(err)), 0, "%s: %s", texts[i], err);
    cr_assert_eq(prefix_set_freeze(s), 0);
    return s;
}

static void expect_error(const char *text, const char *want)
{
    struct prefix_set *s = prefix_set_new();
    char err[256] = "";
    cr_assert_eq(prefix_set_add(s, text, err, sizeof(err)), -EINVAL, "%s accepted", text);
    cr_assert_str_eq(err, want);
    cr_assert_eq(prefix_set_count(s), 0);
    prefix_set_free(s);
}

Test(prefix, ipv4_boundaries)
{
    static const char *const t[] = {"10.0.0.0/8", "192.168.1.0/24", NULL};
    struct prefix_set *s = set_of(t);
    cr_assert(has(s, "10.0.0.0"));
    cr_assert(has(s, "10.255.255.255"));
    cr_assert(!has(s, "9.255.255.255"));
    cr_assert(!has(s, "11.0.0.0"));
    cr_assert(has(s, "192.168.1.0"));
    cr_assert(has(s, "192.168.1.255"));
    cr_assert(!has(s, "192.168.0.255"));
    cr_assert(!has(s, "192.168.2.0"));
    cr_assert(!has(s, "::1"));
    cr_assert_eq(prefix_set_count(s), 2);
    prefix_set_free(s);
}

Test(prefix, ipv6_boundaries)
{
    static const char *const t[] = {"2001:db8::/32", "fe80::/10", "::1", NULL};
    struct prefix_set *s = set_of(t);
    cr_assert(has(s, "2001:db8::"));
    cr_assert(has(s, "2001:db8:ffff:ffff:ffff:ffff:ffff:ffff"));
    cr_assert(!has(s, "2001:db7:ffff:ffff:ffff:ffff:ffff:ffff"));
    cr_assert(!has(s, "2001:db9::"));
    cr_assert(has(s, "fe80::1"));
    cr_assert(has(s, "febf:ffff::1"));
    cr_assert(!has(s, "fec0::"));
    cr_assert(has(s, "::1"));
    cr_assert(!has(s, "::2"));
    cr_assert(!has(s, "::"));
    cr_assert(!has(s, "10.0.0.1"));
    prefix_set_free(s);
}

Test(prefix, ipv6_prefix_crossing_64_bits)
{
    static const char *const t[] = {"2001:db8:0:1:8000::/65", "2001:db8::/127", NULL};
    struct prefix_set *s = set_of(t);
    cr_assert(has(s, "2001:db8:0:1:8000::"));
    cr_assert(has(s, "2001:db8:0:1:ffff:ffff:ffff:ffff"));
    cr_assert(!has(s, "2001:db8:0:1:7fff:ffff:ffff:ffff"));
    cr_assert(!has(s, "2001:db8:0:2::"));
    cr_assert(has(s, "2001:db8::1"));
    cr_assert(!has(s, "2001:db8::2"));
    prefix_set_free(s);
}

Test(prefix, bare_addresses_are_host_prefixes)
{
    static const char *const t[] = {"192.0.2.7", "2001:db8::7", NULL};
    struct prefix_set *s = set_of(t);
    cr_assert(has(s, "192.0.2.7"));
    cr_assert(!has(s, "192.0.2.6"));
    cr_assert(!has(s, "192.0.2.8"));
    cr_assert(has(s, "2001:db8::7"));
    cr_assert(!has(s, "2001:db8::8"));
    prefix_set_free(s);
}

Test(prefix, default_routes)
{
    static const char *const t[] = {"0.0.0.0/0", "::/0", NULL};
    struct prefix_set *s = set_of(t);
    cr_assert(has(s, "0.0.0.0"));
    cr_assert(has(s, "255.255.255.255"));
    cr_assert(has(s, "::"));
    cr_assert(has(s, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"));
    prefix_set_free(s);
}

Test(prefix, merges_overlapping_and_adjacent_ranges)
{
    /* out of order, nested, overlapping and touching */
    static const char *const t[] = {"10.1.0.0/16",     "10.0.0.0/16",
                                    "10.0.128.0/17",   "10.3.0.0/16",
                                    "255.255.255.255", "255.255.255.0/24",
                                    "2001:db8:1::/48", "2001:db8::/48",
                                    "2001:db8:3::/48", NULL};
    struct prefix_set *s = set_of(t);
    cr_assert(has(s, "10.0.0.0"));
    cr_assert(has(s, "10.0.255.255"));
    cr_assert(has(s, "10.1.0.0"));
    cr_assert(has(s, "10.1.255.255"));
    cr_assert(!has(s, "10.2.0.0"));
    cr_assert(!has(s, "10.2.255.255"));
    cr_assert(has(s, "10.3.0.0"));
    cr_assert(!has(s, "10.4.0.0"));
    cr_assert(has(s, "255.255.255.255"));
    cr_assert(has(s, "255.255.255.0"));
    cr_assert(!has(s, "255.255.254.255"));
    cr_assert(has(s, "2001:db8:1:ffff::"));
    cr_assert(!has(s, "2001:db8:2::"));
    cr_assert(has(s, "2001:db8:3::1"));
    /* the texts are all kept */
    cr_assert_eq(prefix_set_count(s), 9);
    prefix_set_free(s);
}

Test(prefix, add_after_freeze_still_found)
{
    static const char *const t[] = {"10.0.0.0/8", NULL};
    struct prefix_set *s = set_of(t);
    char err[128];
    cr_assert_eq(prefix_set_add(s, "192.168.0.0/16", err, sizeof(err)), 0);
    cr_assert(has(s, "192.168.3.4"));
    cr_assert_eq(prefix_set_freeze(s), 0);
    cr_assert(has(s, "192.168.3.4"));
    cr_assert(has(s, "10.9.9.9"));
    prefix_set_free(s);
}

Test(prefix, empty_set_contains_nothing)
{
    struct prefix_set *s = prefix_set_new();
    cr_assert_eq(prefix_set_freeze(s), 0);
    cr_assert(!has(s, "10.0.0.1"));
    cr_assert(!has(s, "::1"));
    struct tw_addr unset;
    memset(&unset, 0, sizeof(unset));
    cr_assert(!prefix_set_contains(s, &unset));
    cr_assert_eq(prefix_set_count(s), 0);
    prefix_set_free(s);
    cr_assert_null(prefix_set_free(NULL));
}

Test(prefix, rejects_bad_text)
{
    expect_error("10.0.0/8", "'10.0.0/8' is not a CIDR prefix");
    expect_error("10.1.0.0/8", "'10.1.0.0/8' has host bits set");
    expect_error("10.0.0.1/31", "'10.0.0.1/31' has host bits set");
    expect_error("10.0.0.0/33", "'10.0.0.0/33' has a bad prefix length (0..32)");
    expect_error("10.0.0.0/", "'10.0.0.0/' has a bad prefix length (0..32)");
    expect_error("10.0.0.0/-1", "'10.0.0.0/-1' has a bad prefix length (0..32)");
    expect_error("10.0.0.0/8x", "'10.0.0.0/8x' has a bad prefix length (0..32)");
    expect_error("10.0.0.0/8/8", "'10.0.0.0/8/8' has a bad prefix length (0..32)");
    expect_error("256.0.0.0/8", "'256.0.0.0/8' is not a CIDR prefix");
    expect_error("lan", "'lan' is not a CIDR prefix");
    expect_error("/8", "'/8' is not a CIDR prefix");
    expect_error("", "empty prefix");
    expect_error("   ", "empty prefix");
    expect_error("2001:db8::/129", "'2001:db8::/129' has a bad prefix length (0..128)");
    expect_error("2001:db8::1/64", "'2001:db8::1/64' has host bits set");
    expect_error("2001:db8:::/32", "'2001:db8:::/32' is not a CIDR prefix");
    expect_error("2001:dg8::/32", "'2001:dg8::/32' is not a CIDR prefix");
    expect_error("fe80::1%eth0", "'fe80::1%eth0' is not a CIDR prefix");
}

Test(prefix, rejects_overlong_text)
{
    char big[200];
    memset(big, '1', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    struct prefix_set *s = prefix_set_new();
    char err[256];
    cr_assert_eq(prefix_set_add(s, big, err, sizeof(err)), -EINVAL);
    cr_assert(strstr(err, "is not a CIDR prefix"));
    prefix_set_free(s);
}

Test(prefix, trims_white_space)
{
    static const char *const t[] = {"  10.0.0.0/8\t", NULL};
    struct prefix_set *s = set_of(t);
    cr_assert(has(s, "10.1.2.3"));
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    prefix_set_print(s, f);
    fclose(f);
    cr_assert_str_eq(buf, "[10.0.0.0/8]");
    free(buf);
    prefix_set_free(s);
}

Test(prefix, print_keeps_texts_as_added)
{
    static const char *const t[] = {"192.168.0.0/16", "10.0.0.0/8", "2001:db8::/32", NULL};
    struct prefix_set *s = set_of(t);
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    prefix_set_print(s, f);
    fclose(f);
    cr_assert_str_eq(buf, "[192.168.0.0/16, 10.0.0.0/8, \"2001:db8::/32\"]");
    free(buf);
    prefix_set_free(s);

    s = prefix_set_new();
    buf = NULL;
    f = open_memstream(&buf, &len);
    prefix_set_print(s, f);
    fclose(f);
    cr_assert_str_eq(buf, "[]");
    free(buf);
    prefix_set_free(s);
}

Test(prefix, many_prefixes_binary_search)
{
    /* every other /24 in 10.0.0.0/16: 128 disjoint ranges */
    struct prefix_set *s = prefix_set_new();
    char text[32], err[128];
    for (int i = 254; i >= 0; i -= 2) {
        snprintf(text, sizeof(text), "10.0.%d.0/24", i);
        cr_assert_eq(prefix_set_add(s, text, err, sizeof(err)), 0, "%s", err);
    }
    cr_assert_eq(prefix_set_freeze(s), 0);
    for (int i = 0; i < 256; i++) {
        snprintf(text, sizeof(text), "10.0.%d.17", i);
        cr_assert_eq(has(s, text), i % 2 == 0, "%s", text);
    }
    prefix_set_free(s);
}
