/*
 * test_config.c - defaults, YAML loading, validation messages and printing
 * of the sensor configuration (src/config.c).
 */
#include <criterion/criterion.h>

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "helpers.h"
#include "packet.h"
#include "prefix.h"

static bool in_set(const struct prefix_set *s, const char *a)
{
    struct tw_addr x;
    cr_assert_eq(tw_addr_parse(a, &x), 0, "%s", a);
    return prefix_set_contains(s, &x);
}

static struct sensor_config *load_ok(const char *yaml)
{
    struct sensor_config *c = NULL;
    char err[512] = "";
    int r = config_load_buffer("t.yaml", yaml, strlen(yaml), &c, err, sizeof(err));
    cr_assert_eq(r, 0, "load failed (%d): %s", r, err);
    cr_assert_not_null(c);
    return c;
}

/* Loads yaml as "t.yaml", expects -EINVAL and returns the message. */
static const char *load_err(const char *yaml)
{
    static char err[512];
    struct sensor_config *c = (struct sensor_config *)0x1;
    err[0] = '\0';
    int r = config_load_buffer("t.yaml", yaml, strlen(yaml), &c, err, sizeof(err));
    cr_assert_eq(r, -EINVAL, "expected -EINVAL, got %d for:\n%s", r, yaml);
    cr_assert_eq(c, (struct sensor_config *)0x1, "ret written on failure");
    return err;
}

static void expect_err(const char *yaml, const char *want)
{
    const char *got = load_err(yaml);
    cr_assert_str_eq(got, want, "for:\n%s", yaml);
}

static char *print_to_string(const struct sensor_config *c)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    cr_assert(f);
    config_print(c, f);
    fclose(f);
    return buf;
}

/* A fresh temporary folder (static buffer). */
static const char *temp_dir(void)
{
    static char dir[PATH_MAX];
    const char *tmp = getenv("TMPDIR");
    snprintf(dir, sizeof(dir), "%s/tw-cfg-XXXXXX", tmp ? tmp : "/tmp");
    cr_assert(mkdtemp(dir));
    return dir;
}

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    cr_assert(f, "%s", path);
    fputs(text, f);
    fclose(f);
}

/* ------------------------------------------------------------- defaults */

Test(config, defaults)
{
    struct sensor_config *c = config_defaults();
    cr_assert_not_null(c);
    char want[PATH_MAX];
    const char *src = getenv("TW_SOURCE_DIR");
    cr_assert(src, "tests run with TW_SOURCE_DIR");
    cr_assert_str_eq(config_data_dir(), src);

    cr_assert_null(c->source);
    char host[256];
    cr_assert_eq(gethostname(host, sizeof(host)), 0);
    cr_assert_str_eq(c->host, host);
    cr_assert_eq(prefix_set_count(c->lan), 3);
    cr_assert(in_set(c->lan, "10.1.2.3"));
    cr_assert(in_set(c->lan, "172.31.255.255"));
    cr_assert(!in_set(c->lan, "172.32.0.0"));
    cr_assert(in_set(c->lan, "192.168.44.1"));
    cr_assert(!in_set(c->lan, "8.8.8.8"));
    cr_assert_eq(prefix_set_count(c->management), 0);
    cr_assert_eq(prefix_set_count(c->gatekeepers), 0);
    cr_assert_eq(c->inventory_count, 0);
    cr_assert_str_eq(c->inventory_file, "");
    cr_assert_str_eq(c->router_config, "");
    cr_assert_str_eq(c->access_code, "9");
    cr_assert_str_eq(c->national_prefix, "1");
    cr_assert_str_eq(c->international_prefix, "011");
    cr_assert_str_eq(c->country_code, "1");
    snprintf(want, sizeof(want), "%s/signatures/after-hours.conf", src);
    cr_assert_str_eq(c->patterns_file, want);
    snprintf(want, sizeof(want), "%s/signatures/high-risk-destinations.txt", src);
    cr_assert_str_eq(c->high_risk_file, want);
    snprintf(want, sizeof(want), "%s/signatures/snmp-communities.txt", src);
    cr_assert_str_eq(c->communities_file, want);
    cr_assert_str_eq(c->timezone, "UTC");
    cr_assert(!c->log_passwords);
    cr_assert(c->eve_enabled);
    cr_assert_str_eq(c->eve_path, "-");
    cr_assert(!c->redis_enabled);
    cr_assert_str_eq(c->redis_url, "redis://127.0.0.1:6379/0");
    cr_assert_str_eq(c->redis_mode, "list");
    cr_assert_str_eq(c->redis_key, "tollwatch");
    cr_assert_str_eq(c->redis_spool_dir, "/var/spool/tollwatch");
    cr_assert_eq(c->redis_max_queue, 100000);
    cr_assert_eq(c->workers, 0);
    cr_assert_eq(c->ring_slots, 65536);
    cr_assert_eq(c->snaplen, 65535);
    cr_assert_eq(c->buffer_mb, 64);
    cr_assert_eq(c->stats_interval, 60);
    cr_assert_eq(c->max_flows, 65536);
    cr_assert_eq(c->flow_timeout_tcp_new, 30);
    cr_assert_eq(c->flow_timeout_tcp_established, 3600);
    cr_assert_eq(c->flow_timeout_tcp_closed, 10);
    cr_assert_eq(c->flow_timeout_udp, 120);
    cr_assert_eq(c->stream_dir_cap, 262144);
    cr_assert_eq(c->stream_global_cap, 67108864);
    cr_assert_eq(c->frag_max_datagrams, 1024);
    cr_assert_eq(c->frag_timeout, 30);
    config_free(c);
    cr_assert_null(config_free(NULL));
}

Test(config, empty_and_comment_only_files_are_defaults)
{
    static const char *const texts[] = {"", "# nothing here\n\n", "---\n", "~\n", "---\n...\n"};
    for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
        struct sensor_config *c = load_ok(texts[i]);
        cr_assert_str_eq(c->source, "t.yaml");
        cr_assert_eq(prefix_set_count(c->lan), 3);
        cr_assert_eq(c->snaplen, 65535);
        cr_assert_str_eq(c->eve_path, "-");
        config_free(c);
    }
}

Test(config, empty_sections_keep_defaults)
{
    struct sensor_config *c = load_ok("networks:\ncapture: {}\noutputs:\n  redis:\n");
    cr_assert_eq(prefix_set_count(c->lan), 3);
    cr_assert_eq(c->ring_slots, 65536);
    cr_assert(!c->redis_enabled);
    config_free(c);
}

/* ------------------------------------------------------------- full config */

static const char full_yaml[] =
    "# a complete configuration\n"
    "host: sensor-7\n"
    "networks:\n"
    "  lan: [10.10.0.0/16, \"2001:db8:10::/48\"]\n"
    "  management:\n"
    "    - 10.10.5.0/24\n"
    "    - 192.0.2.10\n"
    "  gatekeepers: [10.10.1.1]\n"
    "phones:\n"
    "  inventory: [SEP003094C38724, sep001122aabbcc, 00:11:22:33:44:55]\n"
    "  inventory_file: \"\"\n"
    "router_config: /etc/tollwatch/cme.cfg\n"
    "dialplan:\n"
    "  access_code: \"\"\n"
    "  national_prefix: 0\n"
    "  international_prefix: 00\n"
    "  country_code: 44\n"
    "fraud:\n"
    "  patterns_file: /etc/tollwatch/after-hours.conf\n"
    "  high_risk_file: /etc/tollwatch/hr.txt\n"
    "  timezone: Europe/London\n"
    "snmp:\n"
    "  communities_file: /etc/tollwatch/communities.txt\n"
    "credentials:\n"
    "  log_passwords: yes\n"
    "outputs:\n"
    "  eve: {enabled: false, path: /var/log/tollwatch/eve.json}\n"
    "  redis: {enabled: true, url: \"redis://u:secret@10.10.5.5:6380/2\", mode: stream,\n"
    "          key: tw-events, spool_dir: /var/spool/tw, max_queue: 5000}\n"
    "capture:\n"
    "  workers: 4\n"
    "  ring_slots: 4096\n"
    "  snaplen: 1514\n"
    "  buffer_mb: 128\n"
    "stats:\n"
    "  interval: 0\n"
    "limits:\n"
    "  max_flows: 1000\n"
    "  flow_timeout_tcp_new: 5\n"
    "  flow_timeout_tcp_established: 600\n"
    "  flow_timeout_tcp_closed: 2\n"
    "  flow_timeout_udp: 60\n"
    "  stream_dir_cap: 65536\n"
    "  stream_global_cap: 1048576\n"
    "  frag_max_datagrams: 64\n"
    "  frag_timeout: 15\n";

static void check_full(const struct sensor_config *c)
{
    cr_assert_str_eq(c->host, "sensor-7");
    cr_assert_eq(prefix_set_count(c->lan), 2);
    cr_assert(in_set(c->lan, "10.10.200.1"));
    cr_assert(!in_set(c->lan, "10.11.0.1"));
    cr_assert(!in_set(c->lan, "192.168.1.1")); /* replaced, not added to the defaults */
    cr_assert(in_set(c->lan, "2001:db8:10:ffff::1"));
    cr_assert_eq(prefix_set_count(c->management), 2);
    cr_assert(in_set(c->management, "10.10.5.77"));
    cr_assert(in_set(c->management, "192.0.2.10"));
    cr_assert(!in_set(c->management, "192.0.2.11"));
    cr_assert(in_set(c->gatekeepers, "10.10.1.1"));
    cr_assert_eq(c->inventory_count, 3);
    cr_assert_str_eq(c->inventory[0], "SEP003094C38724");
    cr_assert_str_eq(c->inventory[1], "SEP001122AABBCC");
    cr_assert_str_eq(c->inventory[2], "SEP001122334455");
    cr_assert_str_eq(c->inventory_file, "");
    cr_assert_str_eq(c->router_config, "/etc/tollwatch/cme.cfg");
    cr_assert_str_eq(c->access_code, "");
    cr_assert_str_eq(c->national_prefix, "0");
    cr_assert_str_eq(c->international_prefix, "00");
    cr_assert_str_eq(c->country_code, "44");
    cr_assert_str_eq(c->patterns_file, "/etc/tollwatch/after-hours.conf");
    cr_assert_str_eq(c->high_risk_file, "/etc/tollwatch/hr.txt");
    cr_assert_str_eq(c->timezone, "Europe/London");
    cr_assert_str_eq(c->communities_file, "/etc/tollwatch/communities.txt");
    cr_assert(c->log_passwords);
    cr_assert(!c->eve_enabled);
    cr_assert_str_eq(c->eve_path, "/var/log/tollwatch/eve.json");
    cr_assert(c->redis_enabled);
    cr_assert_str_eq(c->redis_mode, "stream");
    cr_assert_str_eq(c->redis_key, "tw-events");
    cr_assert_str_eq(c->redis_spool_dir, "/var/spool/tw");
    cr_assert_eq(c->redis_max_queue, 5000);
    cr_assert_eq(c->workers, 4);
    cr_assert_eq(c->ring_slots, 4096);
    cr_assert_eq(c->snaplen, 1514);
    cr_assert_eq(c->buffer_mb, 128);
    cr_assert_eq(c->stats_interval, 0);
    cr_assert_eq(c->max_flows, 1000);
    cr_assert_eq(c->flow_timeout_tcp_new, 5);
    cr_assert_eq(c->flow_timeout_tcp_established, 600);
    cr_assert_eq(c->flow_timeout_tcp_closed, 2);
    cr_assert_eq(c->flow_timeout_udp, 60);
    cr_assert_eq(c->stream_dir_cap, 65536);
    cr_assert_eq(c->stream_global_cap, 1048576);
    cr_assert_eq(c->frag_max_datagrams, 64);
    cr_assert_eq(c->frag_timeout, 15);
}

Test(config, full_valid_config)
{
    struct sensor_config *c = load_ok(full_yaml);
    check_full(c);
    cr_assert_str_eq(c->redis_url, "redis://u:secret@10.10.5.5:6380/2");
    config_free(c);
}

Test(config, load_from_file_names_path)
{
    const char *path = th_write_temp("full.yaml", full_yaml);
    struct sensor_config *c = NULL;
    char err[512] = "";
    cr_assert_eq(config_load(path, &c, err, sizeof(err)), 0, "%s", err);
    cr_assert_str_eq(c->source, path);
    check_full(c);
    config_free(c);
    unlink(path);

    path = th_write_temp("bad.yaml", "stats:\n  interval: soon\n");
    c = NULL;
    char want[600];
    cr_assert_eq(config_load(path, &c, err, sizeof(err)), -EINVAL);
    cr_assert_null(c);
    snprintf(want, sizeof(want), "%s:2: stats.interval: expected an integer, got 'soon'", path);
    cr_assert_str_eq(err, want);
    unlink(path);
}

Test(config, booleans_accept_yaml11_spellings)
{
    static const char *const yes[] = {"true", "True", "TRUE", "yes", "on", "\"true\""};
    static const char *const no[] = {"false", "False", "no", "NO", "off", "'false'"};
    char yaml[128];
    for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
        snprintf(yaml, sizeof(yaml), "credentials: {log_passwords: %s}\n", yes[i]);
        struct sensor_config *c = load_ok(yaml);
        cr_assert(c->log_passwords, "%s", yes[i]);
        config_free(c);
        snprintf(yaml, sizeof(yaml), "outputs: {eve: {enabled: %s}}\n", no[i]);
        c = load_ok(yaml);
        cr_assert(!c->eve_enabled, "%s", no[i]);
        config_free(c);
    }
}

Test(config, integer_range_edges)
{
    struct sensor_config *c = load_ok("capture: {workers: 64, snaplen: 64}\n"
                                      "stats: {interval: 86400}\n");
    cr_assert_eq(c->workers, 64);
    cr_assert_eq(c->snaplen, 64);
    cr_assert_eq(c->stats_interval, 86400);
    config_free(c);
    c = load_ok("capture: {workers: 0, snaplen: 262144}\n");
    cr_assert_eq(c->snaplen, 262144);
    config_free(c);
}

/* ------------------------------------------------------------- errors */

Test(config, unknown_keys)
{
    expect_err("networks:\n  lan: []\n  lna: []\n", "t.yaml:3: networks.lna: unknown key");
    expect_err("stats:\n  interval: 5\nstat:\n  interval: 5\n", "t.yaml:3: stat: unknown key");
    expect_err("outputs:\n  redis:\n    enabled: true\n    password: x\n",
               "t.yaml:4: outputs.redis.password: unknown key");
    expect_err("outputs: {eve: {enabled: true, file: x}}\n",
               "t.yaml:1: outputs.eve.file: unknown key");
    expect_err("limits:\n  max_flow: 3\n", "t.yaml:2: limits.max_flow: unknown key");
    expect_err("<<: {stats: {interval: 1}}\n", "t.yaml:1: <<: unknown key");
}

Test(config, duplicate_keys)
{
    expect_err("capture:\n  workers: 1\n  workers: 2\n",
               "t.yaml:3: capture.workers: duplicate key");
    expect_err("stats: {}\nnetworks: {}\nstats: {}\n", "t.yaml:3: stats: duplicate key");
}

Test(config, wrong_types)
{
    expect_err("networks:\n  lan:\n    a: 10.0.0.0/8\n",
               "t.yaml:3: networks.lan: expected a list of prefixes, got a mapping");
    expect_err("networks:\n  lan: 10.0.0.0/8\n",
               "t.yaml:2: networks.lan: expected a list of prefixes, got '10.0.0.0/8'");
    expect_err("networks:\n  lan:\n    - [10.0.0.0/8]\n",
               "t.yaml:3: networks.lan: expected a prefix, got a list");
    expect_err("networks: [10.0.0.0/8]\n", "t.yaml:1: networks: expected a mapping, got a list");
    expect_err("capture: 4\n", "t.yaml:1: capture: expected a mapping, got '4'");
    expect_err("capture:\n  workers: four\n",
               "t.yaml:2: capture.workers: expected an integer, got 'four'");
    expect_err("capture:\n  workers: 1.5\n",
               "t.yaml:2: capture.workers: expected an integer, got '1.5'");
    expect_err("capture:\n  workers:\n",
               "t.yaml:2: capture.workers: expected an integer, got nothing");
    expect_err("capture:\n  workers: [1]\n",
               "t.yaml:2: capture.workers: expected an integer, got a list");
    expect_err("credentials:\n  log_passwords: maybe\n",
               "t.yaml:2: credentials.log_passwords: expected true or false, got 'maybe'");
    expect_err("credentials:\n  log_passwords: 1\n",
               "t.yaml:2: credentials.log_passwords: expected true or false, got '1'");
    expect_err("fraud:\n  timezone: {a: b}\n",
               "t.yaml:2: fraud.timezone: expected a string, got a mapping");
    expect_err("phones:\n  inventory: {SEP003094C38724: 1}\n",
               "t.yaml:2: phones.inventory: expected a list of device names, got a mapping");
    expect_err("router_config: [a, b]\n", "t.yaml:1: router_config: expected a path, got a list");
    expect_err("- a\n- b\n", "t.yaml:1: expected a mapping, got a list");
    expect_err("just text\n", "t.yaml:1: expected a mapping, got 'just text'");
    expect_err("? [a, b]\n: c\n", "t.yaml:1: expected a key name, got a list");
}

Test(config, bad_prefixes_name_the_item_line)
{
    /* the message from SPEC section 1, on line 12 */
    expect_err("# tollwatch\n"
               "#\n"
               "host: s1\n"
               "\n"
               "capture:\n"
               "  workers: 2\n"
               "\n"
               "networks:\n"
               "  lan:\n"
               "    - 192.168.0.0/16\n"
               "    - 172.16.0.0/12\n"
               "    - 10.0.0/8\n",
               "t.yaml:12: networks.lan: '10.0.0/8' is not a CIDR prefix");
    expect_err("networks:\n  management: [10.0.0.0/8,\n    10.1.0.0/8]\n",
               "t.yaml:3: networks.management: '10.1.0.0/8' has host bits set");
    expect_err("networks:\n  gatekeepers: [\"2001:db8::/32\", \"2001:db8::zz/64\"]\n",
               "t.yaml:2: networks.gatekeepers: '2001:db8::zz/64' is not a CIDR prefix");
    expect_err("networks:\n  lan:\n  - \"2001:db8::1/32\"\n",
               "t.yaml:3: networks.lan: '2001:db8::1/32' has host bits set");
    expect_err("networks:\n  lan: [\"::/129\"]\n",
               "t.yaml:2: networks.lan: '::/129' has a bad prefix length (0..128)");
    expect_err("networks:\n  lan: [10.0.0.0/40]\n",
               "t.yaml:2: networks.lan: '10.0.0.0/40' has a bad prefix length (0..32)");
}

Test(config, bad_enumerations_and_strings)
{
    expect_err("outputs:\n  redis:\n    mode: lpush\n",
               "t.yaml:3: outputs.redis.mode: 'lpush' is not one of list, publish, stream");
    expect_err("outputs:\n  redis:\n    key: \"\"\n",
               "t.yaml:3: outputs.redis.key: must not be empty");
    expect_err("outputs:\n  eve:\n    path: \"\"\n",
               "t.yaml:3: outputs.eve.path: must not be empty (use \"-\" for stdout)");
    expect_err("host: \"\"\n", "t.yaml:1: host: must not be empty");
    expect_err("host: \"a\\tb\"\n", "t.yaml:1: host: control character in value");
    expect_err("host: \"a\\0b\"\n", "t.yaml:1: host: NUL byte in value");
    expect_err("dialplan:\n  country_code: 1a\n",
               "t.yaml:2: dialplan.country_code: '1a' must be 1 to 3 digits");
    expect_err("dialplan:\n  country_code: 1234\n",
               "t.yaml:2: dialplan.country_code: '1234' must be 1 to 3 digits");
    expect_err("dialplan:\n  access_code: 99999\n",
               "t.yaml:2: dialplan.access_code: '99999' must be 0 to 4 digits");
}

Test(config, out_of_range_integers)
{
    expect_err("capture:\n  workers: 300\n",
               "t.yaml:2: capture.workers: 300 is out of range 0..64");
    expect_err("capture:\n  workers: -1\n", "t.yaml:2: capture.workers: -1 is out of range 0..64");
    expect_err("capture:\n  snaplen: 63\n",
               "t.yaml:2: capture.snaplen: 63 is out of range 64..262144");
    expect_err("capture:\n  snaplen: 262145\n",
               "t.yaml:2: capture.snaplen: 262145 is out of range 64..262144");
    expect_err("stats:\n  interval: 86401\n",
               "t.yaml:2: stats.interval: 86401 is out of range 0..86400");
    expect_err("limits:\n  max_flows: 0\n",
               "t.yaml:2: limits.max_flows: 0 is out of range 1..16777216");
    expect_err("limits:\n  frag_timeout: 99999999999999999999999\n",
               "t.yaml:2: limits.frag_timeout: 99999999999999999999999 is out of range 1..3600");
    expect_err("outputs: {redis: {max_queue: 0}}\n",
               "t.yaml:1: outputs.redis.max_queue: 0 is out of range 1..100000000");
}

Test(config, yaml_syntax_errors_have_lines)
{
    expect_err("networks:\n  lan: [10.0.0.0/8\ncapture:\n  workers: 1\n",
               "t.yaml:3: YAML syntax error: did not find expected ',' or ']' "
               "(while parsing a flow sequence)");
    const char *e = load_err("stats:\n  interval: 5\n    extra: 1\n");
    cr_assert(!strncmp(e, "t.yaml:3: YAML syntax error: ", 29), "%s", e);
    e = load_err("a: *undefined\n");
    cr_assert(!strncmp(e, "t.yaml:1: YAML syntax error: ", 29), "%s", e);
    e = load_err("stats: {}\n\n\t- x\n");
    cr_assert(!strncmp(e, "t.yaml:3: YAML syntax error: ", 29), "%s", e);
}

Test(config, reader_errors_have_lines)
{
    static const char bin[] = "stats:\n  interval: 5\nhost: a\x01z\n";
    struct sensor_config *c = NULL;
    char err[512] = "";
    cr_assert_eq(config_load_buffer("t.yaml", bin, sizeof(bin) - 1, &c, err, sizeof(err)), -EINVAL);
    cr_assert(!strncmp(err, "t.yaml:3: YAML syntax error: ", 29), "%s", err);
    static const char nul[] = "stats:\n\0\n";
    cr_assert_eq(config_load_buffer("t.yaml", nul, sizeof(nul) - 1, &c, err, sizeof(err)), -EINVAL);
    cr_assert(!strncmp(err, "t.yaml:2: YAML syntax error: ", 29), "%s", err);
    cr_assert_null(c);
}

Test(config, one_document_only)
{
    expect_err("stats: {interval: 1}\n---\nstats: {interval: 2}\n",
               "t.yaml:3: only one YAML document is allowed");
}

Test(config, missing_file_is_enoent)
{
    struct sensor_config *c = NULL;
    char err[512] = "";
    cr_assert_eq(config_load("/nonexistent/tollwatch.yaml", &c, err, sizeof(err)), -ENOENT);
    cr_assert_str_eq(err, "/nonexistent/tollwatch.yaml: No such file or directory");
    cr_assert_null(c);
    cr_assert_eq(config_load("/tmp", &c, err, sizeof(err)), -EISDIR);
    cr_assert_str_eq(err, "/tmp: Is a directory");
}

Test(config, aliases_are_followed)
{
    struct sensor_config *c = load_ok("networks:\n  lan: &inside [10.0.0.0/8]\n"
                                      "  management: *inside\n");
    cr_assert(in_set(c->management, "10.2.3.4"));
    config_free(c);
    /* a cyclic alias only meets a type error, never endless recursion */
    expect_err("networks: &n\n  lan: *n\n",
               "t.yaml:1: networks.lan: expected a list of prefixes, got a mapping");
}

/* ------------------------------------------------------------- paths */

Test(config, relative_paths_resolve_against_config_folder)
{
    const char *dir = temp_dir();
    char sub[PATH_MAX], cfgpath[PATH_MAX + 64], inv[PATH_MAX + 64], want[3 * PATH_MAX];
    snprintf(sub, sizeof(sub), "%s/etc", dir);
    cr_assert_eq(mkdir(sub, 0700), 0);
    snprintf(inv, sizeof(inv), "%s/phones.txt", sub);
    write_file(inv, "SEP003094C38724\n");
    snprintf(cfgpath, sizeof(cfgpath), "%s/tw.yaml", sub);
    write_file(cfgpath, "phones:\n  inventory_file: phones.txt\n"
                        "router_config: ./cme/running.cfg\n"
                        "fraud:\n  patterns_file: sig/after-hours.conf\n"
                        "  high_risk_file: /abs/hr.txt\n"
                        "snmp:\n  communities_file: ../shared/comm.txt\n"
                        "outputs:\n  eve: {path: logs/eve.json}\n"
                        "  redis: {spool_dir: spool}\n");

    /* as an absolute path */
    struct sensor_config *c = NULL;
    char err[512] = "";
    cr_assert_eq(config_load(cfgpath, &c, err, sizeof(err)), 0, "%s", err);
    cr_assert_str_eq(c->inventory_file, inv);
    snprintf(want, sizeof(want), "%s/cme/running.cfg", sub);
    cr_assert_str_eq(c->router_config, want);
    snprintf(want, sizeof(want), "%s/sig/after-hours.conf", sub);
    cr_assert_str_eq(c->patterns_file, want);
    cr_assert_str_eq(c->high_risk_file, "/abs/hr.txt");
    snprintf(want, sizeof(want), "%s/../shared/comm.txt", sub);
    cr_assert_str_eq(c->communities_file, want);
    snprintf(want, sizeof(want), "%s/logs/eve.json", sub);
    cr_assert_str_eq(c->eve_path, want);
    snprintf(want, sizeof(want), "%s/spool", sub);
    cr_assert_str_eq(c->redis_spool_dir, want);
    cr_assert_eq(c->inventory_count, 1);
    config_free(c);

    /* as a path relative to the working folder: resolved to absolute paths */
    char oldcwd[PATH_MAX];
    cr_assert(getcwd(oldcwd, sizeof(oldcwd)));
    cr_assert_eq(chdir(dir), 0);
    char realsub[PATH_MAX];
    cr_assert(getcwd(realsub, sizeof(realsub)));
    strncat(realsub, "/etc", sizeof(realsub) - strlen(realsub) - 1);
    c = NULL;
    cr_assert_eq(config_load("./etc/tw.yaml", &c, err, sizeof(err)), 0, "%s", err);
    cr_assert_str_eq(c->source, "./etc/tw.yaml");
    snprintf(want, sizeof(want), "%s/phones.txt", realsub);
    cr_assert_str_eq(c->inventory_file, want);
    snprintf(want, sizeof(want), "%s/spool", realsub);
    cr_assert_str_eq(c->redis_spool_dir, want);
    config_free(c);
    cr_assert_eq(chdir(sub), 0);
    c = NULL;
    cr_assert_eq(config_load("tw.yaml", &c, err, sizeof(err)), 0, "%s", err);
    snprintf(want, sizeof(want), "%s/sig/after-hours.conf", realsub);
    cr_assert_str_eq(c->patterns_file, want);
    config_free(c);
    cr_assert_eq(chdir(oldcwd), 0);

    unlink(inv);
    unlink(cfgpath);
    rmdir(sub);
    rmdir(dir);
}

Test(config, eve_stdout_and_empty_paths_stay)
{
    struct sensor_config *c = load_ok("outputs: {eve: {path: \"-\"}}\n"
                                      "fraud: {patterns_file: \"\"}\nrouter_config: \"\"\n");
    cr_assert_str_eq(c->eve_path, "-");
    cr_assert_str_eq(c->patterns_file, "");
    cr_assert_str_eq(c->router_config, "");
    config_free(c);
}

/* ------------------------------------------------------------- inventory */

Test(config, inventory_normalisation)
{
    struct sensor_config *c = load_ok("phones:\n  inventory:\n"
                                      "    - SEP003094C38724\n"
                                      "    - sepaabbccddeeff\n"
                                      "    - aa:bb:cc:dd:ee:0f\n"
                                      "    - AA-BB-CC-DD-EE-10\n"
                                      "    - aabb.ccdd.ee11\n"
                                      "    - 001122334455\n"
                                      "    - ATA001122334455\n"
                                      "    - CSFjsmith\n");
    static const char *const want[] = {"SEP003094C38724", "SEPAABBCCDDEEFF", "SEPAABBCCDDEE0F",
                                       "SEPAABBCCDDEE10", "SEPAABBCCDDEE11", "SEP001122334455",
                                       "ATA001122334455", "CSFJSMITH"};
    cr_assert_eq(c->inventory_count, sizeof(want) / sizeof(want[0]));
    for (size_t i = 0; i < c->inventory_count; i++)
        cr_assert_str_eq(c->inventory[i], want[i]);
    config_free(c);

    c = load_ok("phones: {inventory: []}\n");
    cr_assert_eq(c->inventory_count, 0);
    config_free(c);
}

Test(config, invalid_inventory_entries)
{
    expect_err("phones:\n  inventory:\n    - SEP003094C38724\n    - SEP12\n",
               "t.yaml:4: phones.inventory: 'SEP12' is not a device name (e.g. SEP003094C38724) "
               "or MAC address");
    expect_err("phones:\n  inventory: [aa:bb:cc:dd:ee]\n",
               "t.yaml:2: phones.inventory: 'aa:bb:cc:dd:ee' is not a MAC address "
               "(aa:bb:cc:dd:ee:ff, aabb.ccdd.eeff or 12 hex digits)");
    expect_err("phones:\n  inventory: [aabbccddeef]\n",
               "t.yaml:2: phones.inventory: 'aabbccddeef' is not a MAC address "
               "(aa:bb:cc:dd:ee:ff, aabb.ccdd.eeff or 12 hex digits)");
    expect_err("phones:\n  inventory: [\"phone one\"]\n",
               "t.yaml:2: phones.inventory: 'phone one' is not a device name "
               "(e.g. SEP003094C38724) or MAC address");
    expect_err("phones:\n  inventory: [SEP0030941234567890]\n",
               "t.yaml:2: phones.inventory: 'SEP0030941234567890' is not a device name "
               "(e.g. SEP003094C38724) or MAC address");
    expect_err("phones:\n  inventory: [\"\"]\n",
               "t.yaml:2: phones.inventory: '' is not a device name (e.g. SEP003094C38724) or "
               "MAC address");
    expect_err("phones:\n  inventory: [[SEP003094C38724]]\n",
               "t.yaml:2: phones.inventory: expected a device name, got a list");
}

Test(config, inventory_file_appends_and_names_its_lines)
{
    const char *dir = temp_dir();
    char inv[PATH_MAX + 64], cfgpath[PATH_MAX + 64], want[3 * PATH_MAX];
    snprintf(inv, sizeof(inv), "%s/phones.txt", dir);
    write_file(inv, "# lobby phones\n"
                    "SEP003094C38724   # front desk\n"
                    "\n"
                    "00:30:94:c3:87:25\n");
    snprintf(cfgpath, sizeof(cfgpath), "%s/tw.yaml", dir);
    write_file(cfgpath, "phones:\n  inventory_file: phones.txt\n  inventory: [sep0030949999aa]\n");
    struct sensor_config *c = NULL;
    char err[512] = "";
    cr_assert_eq(config_load(cfgpath, &c, err, sizeof(err)), 0, "%s", err);
    cr_assert_eq(c->inventory_count, 3);
    cr_assert_str_eq(c->inventory[0], "SEP0030949999AA");
    cr_assert_str_eq(c->inventory[1], "SEP003094C38724");
    cr_assert_str_eq(c->inventory[2], "SEP003094C38725");
    cr_assert_str_eq(c->inventory_file, inv);
    config_free(c);

    /* a bad entry: the inventory file and its line */
    write_file(inv, "SEP003094C38724\n# comment\nnot a phone\n");
    c = NULL;
    cr_assert_eq(config_load(cfgpath, &c, err, sizeof(err)), -EINVAL);
    cr_assert_null(c);
    snprintf(want, sizeof(want),
             "%s:3: 'not a phone' is not a device name (e.g. SEP003094C38724) or MAC address", inv);
    cr_assert_str_eq(err, want);

    /* a missing inventory file: the config line that names it */
    unlink(inv);
    write_file(cfgpath, "host: x\nphones:\n  inventory_file: phones.txt\n");
    cr_assert_eq(config_load(cfgpath, &c, err, sizeof(err)), -ENOENT);
    snprintf(want, sizeof(want), "%s:3: phones.inventory_file: %s: No such file or directory",
             cfgpath, inv);
    cr_assert_str_eq(err, want);
    cr_assert_null(c);

    unlink(cfgpath);
    rmdir(dir);
}

/* ------------------------------------------------------------- printing */

Test(config, print_round_trips)
{
    struct sensor_config *c = load_ok(full_yaml);
    char *text = print_to_string(c);
    cr_assert(strstr(text, "lan: [10.10.0.0/16, \"2001:db8:10::/48\"]"), "%s", text);
    cr_assert(strstr(text, "# 3 devices in the inventory"), "%s", text);
    cr_assert(strstr(text, "- \"SEP001122334455\""), "%s", text);
    cr_assert(strstr(text, "mode: stream"), "%s", text);
    cr_assert(strstr(text, "frag_timeout: 15"), "%s", text);
    /* the redis password is not shown */
    cr_assert_null(strstr(text, "secret"), "%s", text);
    cr_assert(strstr(text, "redis://u:<redacted>@10.10.5.5:6380/2"), "%s", text);

    struct sensor_config *back = load_ok(text);
    check_full(back);
    char *again = print_to_string(back);
    cr_assert_str_eq(again, text);
    free(again);
    config_free(back);
    free(text);
    config_free(c);
}

Test(config, print_defaults_round_trips)
{
    struct sensor_config *c = config_defaults();
    char *text = print_to_string(c);
    cr_assert(!strncmp(text, "# tollwatch effective policy, from built-in defaults\n", 53), "%s",
              text);
    cr_assert(strstr(text, "inventory: []"), "%s", text);
    struct sensor_config *back = load_ok(text);
    cr_assert_str_eq(back->patterns_file, c->patterns_file);
    cr_assert_str_eq(back->host, c->host);
    cr_assert_str_eq(back->redis_url, c->redis_url);
    cr_assert_eq(prefix_set_count(back->lan), 3);
    cr_assert_eq(back->snaplen, c->snaplen);
    config_free(back);
    free(text);
    config_free(c);
}

Test(config, print_quotes_odd_strings)
{
    struct sensor_config *c = load_ok("host: \"sensor \\\"one\\\" #1: \\\\ok\"\n"
                                      "outputs: {redis: {key: \"a: b\"}}\n");
    cr_assert_str_eq(c->host, "sensor \"one\" #1: \\ok");
    char *text = print_to_string(c);
    struct sensor_config *back = load_ok(text);
    cr_assert_str_eq(back->host, c->host);
    cr_assert_str_eq(back->redis_key, "a: b");
    config_free(back);
    free(text);
    config_free(c);
}
