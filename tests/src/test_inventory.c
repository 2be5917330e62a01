/*
 * test_inventory.c - the phone inventory set (src/inventory.c), built both
 * from a configuration loaded by config.c (normalised there) and from a
 * configuration filled by hand.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "helpers.h"
#include "inventory.h"

static struct sensor_config *load(const char *yaml)
{
    struct sensor_config *cfg = NULL;
    char err[512] = "";
    int r = config_load_buffer("inv.yaml", yaml, strlen(yaml), &cfg, err, sizeof(err));
    cr_assert_eq(r, 0, "config: %s", err);
    return cfg;
}

Test(inventory, defaults_are_empty)
{
    struct sensor_config *cfg = config_defaults();
    cr_assert_not_null(cfg);
    struct inventory *inv = inventory_new(cfg);
    cr_assert_not_null(inv);
    cr_assert_eq(inventory_count(inv), 0);
    cr_assert_not(inventory_contains(inv, "SEP003094C38724"));
    cr_assert_not(inventory_contains(inv, ""));
    cr_assert_null(inventory_free(inv));
    config_free(cfg);
}

Test(inventory, null_config_and_null_set)
{
    struct inventory *inv = inventory_new(NULL);
    cr_assert_not_null(inv);
    cr_assert_eq(inventory_count(inv), 0);
    inventory_free(inv);
    cr_assert_null(inventory_free(NULL));
    cr_assert_eq(inventory_count(NULL), 0);
    cr_assert_not(inventory_contains(NULL, "SEP003094C38724"));
}

Test(inventory, names_and_macs_from_config)
{
    struct sensor_config *cfg = load("phones:\n"
                                     "  inventory: [SEP001122334455, 0011.2233.44AA,\n"
                                     "              'aa:bb:cc:dd:ee:ff', 00-21-55-d5-48-ac,\n"
                                     "              sep003094c38724, ANC288093711081]\n");
    struct inventory *inv = inventory_new(cfg);
    cr_assert_not_null(inv);
    cr_assert_eq(inventory_count(inv), 6);
    cr_assert(inventory_contains(inv, "SEP001122334455"));
    cr_assert(inventory_contains(inv, "sep001122334455"), "any case");
    cr_assert(inventory_contains(inv, "SEP0011223344AA"), "the MAC form became SEP + MAC");
    cr_assert(inventory_contains(inv, "SEPAABBCCDDEEFF"));
    cr_assert(inventory_contains(inv, "SEP002155D548AC"));
    cr_assert(inventory_contains(inv, "SEP003094C38724"));
    cr_assert(inventory_contains(inv, "anc288093711081"));
    /* a bare MAC asked for matches its SEP name */
    cr_assert(inventory_contains(inv, "0011223344aa"));
    cr_assert_not(inventory_contains(inv, "SEP0011223344AB"));
    cr_assert_not(inventory_contains(inv, "SEP00112233445"), "a prefix is not a match");
    cr_assert_not(inventory_contains(inv, "SEP0011223344550"), "nor a longer name");
    cr_assert_not(inventory_contains(inv, "0011.2233.44AA"), "the wire never carries that form");
    cr_assert_not(inventory_contains(inv, "001122334455X"));
    cr_assert_not(inventory_contains(inv, ""));
    cr_assert_not(inventory_contains(inv, NULL));
    inventory_free(inv);
    config_free(cfg);
}

Test(inventory, inventory_file_entries)
{
    const char *path = th_write_temp("phones.txt", "# lobby phones\n"
                                                   "SEP00AABBCCDDEE\n"
                                                   "  00:11:22:33:44:66   # desk 12\n");
    char yaml[4200];
    snprintf(yaml, sizeof(yaml), "phones:\n  inventory: [SEP001122334455]\n  inventory_file: %s\n",
             path);
    struct sensor_config *cfg = load(yaml);
    struct inventory *inv = inventory_new(cfg);
    cr_assert_eq(inventory_count(inv), 3);
    cr_assert(inventory_contains(inv, "SEP001122334455"));
    cr_assert(inventory_contains(inv, "SEP00AABBCCDDEE"));
    cr_assert(inventory_contains(inv, "SEP001122334466"));
    inventory_free(inv);
    config_free(cfg);
}

Test(inventory, hand_built_config_and_duplicates)
{
    char a[] = "sep001122334455", b[] = "001122334455", c[] = "SEP001122334455",
         d[] = "Conf_Bridge-1", e[] = "", f[] = "00:11:22:33:44:55", g[] = "0011.2233.4466",
         h[] = "00-11-22-33-44-77", i[] = "00:11-22:33:44:55";
    char *names[] = {a, b, c, d, e, f, g, h, i, NULL};
    struct sensor_config cfg;
    memset(&cfg, 0, sizeof(cfg));
    cfg.inventory = names;
    cfg.inventory_count = 10;
    struct inventory *inv = inventory_new(&cfg);
    cr_assert_not_null(inv);
    cr_assert_eq(inventory_count(inv), 5, "four spellings of one phone, two more, a bridge, junk");
    cr_assert(inventory_contains(inv, "SEP001122334455"));
    cr_assert(inventory_contains(inv, "SEP001122334466"));
    cr_assert(inventory_contains(inv, "SEP001122334477"));
    cr_assert(inventory_contains(inv, "00:11-22:33:44:55"), "mixed separators: kept as a name");
    cr_assert(inventory_contains(inv, "CONF_BRIDGE-1"));
    cr_assert_not(inventory_contains(inv, "CONF_BRIDGE-2"));
    inventory_free(inv);
}

Test(inventory, many_entries)
{
    enum { N = 5000 };
    char **names = calloc(N, sizeof(*names));
    cr_assert_not_null(names);
    for (unsigned i = 0; i < N; i++) {
        names[i] = malloc(16);
        snprintf(names[i], 16, "SEP%012X", i * 7919u);
    }
    struct sensor_config cfg;
    memset(&cfg, 0, sizeof(cfg));
    cfg.inventory = names;
    cfg.inventory_count = N;
    struct inventory *inv = inventory_new(&cfg);
    cr_assert_eq(inventory_count(inv), N);
    for (unsigned i = 0; i < N; i++) {
        char q[16];
        snprintf(q, sizeof(q), "sep%012x", i * 7919u);
        cr_assert(inventory_contains(inv, q), "%s", q);
        snprintf(q, sizeof(q), "SEP%012X", i * 7919u + 1);
        cr_assert_not(inventory_contains(inv, q), "%s", q);
    }
    inventory_free(inv);
    for (unsigned i = 0; i < N; i++)
        free(names[i]);
    free(names);
}
