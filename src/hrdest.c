/*
 * hrdest.c - the high-risk destination list; see hrdest.h for the format.
 *
 * Why a separate list from the after-hours patterns: block patterns are
 * written in the router's dialled form and fire only after hours, while
 * IRSF and premium-rate fraud is about where the call goes, at any hour
 * and however it was dialled. So entries are E.164 prefixes (ITU-T E.164)
 * and the detector first normalises the dialled number (e164.h).
 *
 * Entries are kept in an array sorted by prefix text; a lookup tries the
 * number's own prefixes from the longest (15 digits) to the shortest with a
 * binary search each, so it costs at most 15 * log2(n) comparisons and no
 * allocation. Duplicate prefixes are an error naming both lines, so that
 * two descriptions cannot silently compete.
 */
#include "hrdest.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "e164.h"
#include "sigfile.h"

struct hrdest_list {
    struct hrdest_entry *e;
    size_t n, cap;
};

static bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\v' || c == '\f'; }

static bool category_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_' || c == '.';
}

static int parse_line(void *user, const char *line, unsigned lineno, char *err, size_t errlen)
{
    struct hrdest_list *l = user;
    struct hrdest_entry e;
    size_t i = 0;

    memset(&e, 0, sizeof(e));
    e.lineno = lineno;
    if (line[0] != '+') {
        snprintf(err, errlen, "expected an E.164 prefix ('+' and digits), got '%.40s'", line);
        return -EINVAL;
    }
    for (i = 1; line[i] >= '0' && line[i] <= '9'; i++)
        ;
    if (i == 1 || (line[i] && !is_blank(line[i]))) {
        size_t tok = i;
        while (line[tok] && !is_blank(line[tok]))
            tok++;
        snprintf(err, errlen, "expected an E.164 prefix ('+' and digits), got '%.*s'",
                 (int)(tok < 40 ? tok : 40), line);
        return -EINVAL;
    }
    if (i - 1 > E164_MAX_DIGITS) {
        snprintf(err, errlen, "prefix longer than %d digits", E164_MAX_DIGITS);
        return -EINVAL;
    }
    memcpy(e.prefix, line, i);
    e.prefix[i] = '\0';

    while (is_blank(line[i]))
        i++;
    size_t c0 = i;
    while (line[i] && !is_blank(line[i])) {
        if (!category_char(line[i])) {
            snprintf(err, errlen, "category must be letters, digits, '-', '_' or '.'");
            return -EINVAL;
        }
        i++;
    }
    if (i - c0 > HRDEST_CATEGORY_MAX) {
        snprintf(err, errlen, "category longer than %d characters", HRDEST_CATEGORY_MAX);
        return -EINVAL;
    }
    if (i == c0)
        snprintf(e.category, sizeof(e.category), "unspecified");
    else
        memcpy(e.category, line + c0, i - c0);
    while (is_blank(line[i]))
        i++;
    size_t dlen = strlen(line + i);
    if (dlen > HRDEST_DESCRIPTION_MAX) {
        snprintf(err, errlen, "description longer than %d bytes", HRDEST_DESCRIPTION_MAX);
        return -EINVAL;
    }
    if (l->n == HRDEST_MAX_ENTRIES) {
        snprintf(err, errlen, "more than %d prefixes", HRDEST_MAX_ENTRIES);
        return -EINVAL;
    }
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 32;
        struct hrdest_entry *ne = realloc(l->e, cap * sizeof(*ne));
        if (!ne)
            return -ENOMEM;
        l->e = ne;
        l->cap = cap;
    }
    e.description = strdup(line + i);
    if (!e.description)
        return -ENOMEM;
    l->e[l->n++] = e;
    return 0;
}

static int by_prefix(const void *a, const void *b)
{
    const struct hrdest_entry *x = a, *y = b;
    int c = strcmp(x->prefix, y->prefix);
    if (c)
        return c;
    return x->lineno < y->lineno ? -1 : x->lineno > y->lineno;
}

struct hrdest_list *hrdest_free(struct hrdest_list *l)
{
    if (!l)
        return NULL;
    for (size_t i = 0; i < l->n; i++)
        free(l->e[i].description);
    free(l->e);
    free(l);
    return NULL;
}

int hrdest_load(const char *path, struct hrdest_list **ret, char *err, size_t errlen)
{
    struct hrdest_list *l = calloc(1, sizeof(*l));
    if (!l) {
        snprintf(err, errlen, "%s: %s", path, strerror(ENOMEM));
        return -ENOMEM;
    }
    int r = sigfile_read(path, parse_line, l, err, errlen);
    if (r < 0) {
        hrdest_free(l);
        return r;
    }
    if (l->n > 1)
        qsort(l->e, l->n, sizeof(*l->e), by_prefix);
    for (size_t i = 1; i < l->n; i++) {
        if (strcmp(l->e[i - 1].prefix, l->e[i].prefix) == 0) {
            snprintf(err, errlen, "%s:%u: duplicate prefix %s (first at line %u)", path,
                     l->e[i].lineno, l->e[i].prefix, l->e[i - 1].lineno);
            hrdest_free(l);
            return -EINVAL;
        }
    }
    *ret = l;
    return 0;
}

size_t hrdest_count(const struct hrdest_list *l) { return l ? l->n : 0; }

const struct hrdest_entry *hrdest_entry_at(const struct hrdest_list *l, size_t i)
{
    return l && i < l->n ? &l->e[i] : NULL;
}

static int key_cmp(const void *key, const void *elem)
{
    return strcmp(key, ((const struct hrdest_entry *)elem)->prefix);
}

const struct hrdest_entry *hrdest_match(const struct hrdest_list *l, const char *e164)
{
    char key[E164_BUFSZ];
    size_t n;

    if (!l || !l->n || !e164 || e164[0] != '+')
        return NULL;
    for (n = 1; e164[n] >= '0' && e164[n] <= '9' && n <= E164_MAX_DIGITS; n++)
        ;
    if (e164[n] != '\0')
        return NULL; /* not "+digits" of at most 15 digits */
    memcpy(key, e164, n);
    for (; n > 1; n--) {
        key[n] = '\0';
        const struct hrdest_entry *e = bsearch(key, l->e, l->n, sizeof(*l->e), key_cmp);
        if (e)
            return e;
    }
    return NULL;
}

/* Writes s as a YAML double-quoted scalar. */
static void put_quoted(FILE *out, const char *s)
{
    fputc('"', out);
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            fprintf(out, "\\%c", c);
        else if (c < 0x20 || c == 0x7f)
            fprintf(out, "\\x%02x", c);
        else
            fputc(c, out);
    }
    fputc('"', out);
}

void hrdest_print(const struct hrdest_list *l, FILE *out)
{
    size_t n = hrdest_count(l);
    fprintf(out, "high_risk_destinations:%s  # %zu prefix%s\n", n ? "" : " []", n,
            n == 1 ? "" : "es");
    for (size_t i = 0; i < n; i++) {
        const struct hrdest_entry *e = &l->e[i];
        fprintf(out, "  - {prefix: \"%s\", category: ", e->prefix);
        put_quoted(out, e->category);
        fputs(", description: ", out);
        put_quoted(out, e->description);
        fputs("}\n", out);
    }
}
