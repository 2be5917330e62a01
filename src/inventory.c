/*
 * inventory.c - the phone inventory as a hash set of upper-case device names.
 *
 * config.c already normalises phones.inventory and phones.inventory_file:
 * device names upper-case, MACs (aa:bb:cc:dd:ee:ff, aabb.ccdd.eeff, 12 hex
 * digits) as "SEP" + 12 upper-case hex digits, the name a Cisco IP phone
 * registers with (CME: "ephone N" + "mac-address"). The set repeats that
 * normalisation (upper case, a MAC in any of those forms becomes SEP + MAC)
 * so that a configuration built by hand behaves the same; it does not
 * validate (config.c rejects bad entries). Lookups are case-
 * insensitive and allocation-free, so the detectors can call them per event.
 * The set is immutable once built and private to its owner.
 */
#include "inventory.h"

#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"

#define INV_MAC_HEX  12
#define INV_FNV_INIT 0xcbf29ce484222325ull
#define INV_FNV_MUL  0x100000001b3ull

struct inventory {
    char **names; /* distinct upper-case names */
    size_t count;
    size_t *slots; /* open addressing: index + 1 into names, 0 = empty */
    size_t mask;   /* slot count - 1 (a power of two) */
};

static bool inv_hex(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!isxdigit((unsigned char)s[i]))
            return false;
    return true;
}

static bool inv_bare_mac(const char *s)
{
    return strlen(s) == INV_MAC_HEX && inv_hex(s, INV_MAC_HEX);
}

/*
 * Reads a MAC in aabbccddeeff, aa:bb:cc:dd:ee:ff, aa-bb-cc-dd-ee-ff or
 * aabb.ccdd.eeff form into 12 hex digits plus NUL. true if it is one.
 */
static bool inv_mac(const char *s, char hex[INV_MAC_HEX + 1])
{
    size_t n = strlen(s), k = 0;
    if (n == 17 && (s[2] == ':' || s[2] == '-')) {
        for (size_t i = 0; i < n; i++) {
            if (i % 3 == 2 ? s[i] != s[2] : !isxdigit((unsigned char)s[i]))
                return false;
            if (i % 3 != 2)
                hex[k++] = s[i];
        }
    } else if (n == 14 && s[4] == '.' && s[9] == '.') {
        for (size_t i = 0; i < n; i++) {
            if (i == 4 || i == 9)
                continue;
            if (!isxdigit((unsigned char)s[i]))
                return false;
            hex[k++] = s[i];
        }
    } else if (inv_bare_mac(s)) {
        memcpy(hex, s, INV_MAC_HEX);
        k = INV_MAC_HEX;
    } else {
        return false;
    }
    hex[k] = '\0';
    return true;
}

/* The name a lookup compares: prefix ("SEP" for a bare MAC, else "") + s, upper-cased. */
static uint64_t inv_hash(const char *prefix, const char *s)
{
    uint64_t h = INV_FNV_INIT;
    for (const char *p = prefix; *p; p++) {
        h ^= (unsigned char)toupper((unsigned char)*p);
        h *= INV_FNV_MUL;
    }
    for (const char *p = s; *p; p++) {
        h ^= (unsigned char)toupper((unsigned char)*p);
        h *= INV_FNV_MUL;
    }
    return h;
}

/* True if stored (upper case) equals prefix + s, case-insensitively. */
static bool inv_equal(const char *stored, const char *prefix, const char *s)
{
    size_t pl = strlen(prefix);
    if (strncmp(stored, prefix, pl) != 0)
        return false;
    stored += pl;
    for (; *stored && *s; stored++, s++)
        if (*stored != (char)toupper((unsigned char)*s))
            return false;
    return *stored == '\0' && *s == '\0';
}

/* Slot holding prefix + s, or the empty slot where it would go. */
static size_t inv_probe(const struct inventory *inv, const char *prefix, const char *s)
{
    size_t i = (size_t)inv_hash(prefix, s) & inv->mask;
    while (inv->slots[i] && !inv_equal(inv->names[inv->slots[i] - 1], prefix, s))
        i = (i + 1) & inv->mask;
    return i;
}

struct inventory *inventory_new(const struct sensor_config *cfg)
{
    size_t n = cfg && cfg->inventory ? cfg->inventory_count : 0;
    size_t nslots = 16;
    struct inventory *inv = calloc(1, sizeof(*inv));

    if (!inv)
        return NULL;
    while (nslots < 2 * n)
        nslots *= 2;
    inv->mask = nslots - 1;
    inv->slots = calloc(nslots, sizeof(*inv->slots));
    inv->names = calloc(n ? n : 1, sizeof(*inv->names));
    if (!inv->slots || !inv->names)
        return inventory_free(inv);

    for (size_t k = 0; k < n; k++) {
        const char *entry = cfg->inventory[k];
        const char *prefix = "";
        char hex[INV_MAC_HEX + 1];
        if (!entry || !entry[0])
            continue;
        if (inv_mac(entry, hex)) {
            prefix = "SEP";
            entry = hex;
        }
        size_t i = inv_probe(inv, prefix, entry);
        if (inv->slots[i])
            continue; /* listed twice */
        size_t pl = strlen(prefix), el = strlen(entry);
        char *s = malloc(pl + el + 1);
        if (!s)
            return inventory_free(inv);
        memcpy(s, prefix, pl);
        for (size_t j = 0; j < el; j++)
            s[pl + j] = (char)toupper((unsigned char)entry[j]);
        s[pl + el] = '\0';
        inv->names[inv->count++] = s;
        inv->slots[i] = inv->count;
    }
    return inv;
}

struct inventory *inventory_free(struct inventory *inv)
{
    if (!inv)
        return NULL;
    for (size_t i = 0; i < inv->count; i++)
        free(inv->names[i]);
    free(inv->names);
    free(inv->slots);
    free(inv);
    return NULL;
}

size_t inventory_count(const struct inventory *inv) { return inv ? inv->count : 0; }

bool inventory_contains(const struct inventory *inv, const char *device_name)
{
    if (!inv || !inv->count || !device_name || !device_name[0])
        return false;
    if (inv->slots[inv_probe(inv, "", device_name)])
        return true;
    /* a bare MAC asked for: the phone registers as SEP + MAC */
    return inv_bare_mac(device_name) && inv->slots[inv_probe(inv, "SEP", device_name)];
}
