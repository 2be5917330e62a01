/*
 * config.c - the sensor configuration (SPEC section 3) and its YAML loader.
 *
 * The file is parsed with libyaml's document API into a node tree, then
 * walked against a static schema table (struct key): every mapping key must
 * be in the table, every value must have the table's type and range. Errors
 * name the file as given, the 1-based line of the offending node, and the
 * dotted key path ("t.yaml:3: networks.lna: unknown key"). The walk depth is
 * fixed by the schema, so aliases (even cyclic ones) cannot make it recurse
 * without bound.
 *
 * Relative paths resolve against the absolute folder of the config file;
 * the default signature paths live under config_data_dir().
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <yaml.h>

#include "prefix.h"
#include "schedule.h"
#include "sigfile.h"
#include "tw_build.h"

#define CONFIG_MAX_SIZE   (16u << 20) /* bytes of YAML accepted */
#define CONFIG_KEYPATH    192
#define DEVICE_NAME_MAX   15 /* SCCP device names: 16 bytes with the NUL */
#define DEFAULT_REDIS_URL "redis://127.0.0.1:6379/0"

/* ---------------------------------------------------------------- data dir */

static char data_dir[PATH_MAX];
static pthread_once_t data_dir_once = PTHREAD_ONCE_INIT;

static void data_dir_init(void)
{
    const char *env = getenv("TW_SOURCE_DIR");
    if (env && *env) {
        snprintf(data_dir, sizeof(data_dir), "%s", env);
        return;
    }
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
    if (n > 0) {
        exe[n] = '\0';
        char *slash = strrchr(exe, '/');
        if (slash && slash != exe)
            *slash = '\0';
        char build[PATH_MAX];
        if (realpath(TW_BUILD_DIR, build) && strcmp(build, exe) == 0) {
            snprintf(data_dir, sizeof(data_dir), "%s", TW_SOURCE_DIR);
            return;
        }
    }
    snprintf(data_dir, sizeof(data_dir), "%s", TW_DATADIR);
}

const char *config_data_dir(void)
{
    pthread_once(&data_dir_once, data_dir_init);
    return data_dir;
}

/* ---------------------------------------------------------------- defaults */

static char *dup_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static char *dup_printf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *s = NULL;
    int n = vasprintf(&s, fmt, ap);
    va_end(ap);
    return n < 0 ? NULL : s;
}

static struct prefix_set *default_set(const char *const *texts)
{
    struct prefix_set *s = prefix_set_new();
    if (!s)
        return NULL;
    char err[128];
    for (size_t i = 0; texts[i]; i++)
        if (prefix_set_add(s, texts[i], err, sizeof(err)) < 0)
            return prefix_set_free(s);
    if (prefix_set_freeze(s) < 0)
        return prefix_set_free(s);
    return s;
}

static char *default_host(void)
{
    char name[256];
    if (gethostname(name, sizeof(name)) < 0 || !name[0])
        return strdup("localhost");
    name[sizeof(name) - 1] = '\0';
    return strdup(name);
}

struct sensor_config *config_defaults(void)
{
    static const char *const lan[] = {"10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", NULL};
    static const char *const none[] = {NULL};
    struct sensor_config *c = calloc(1, sizeof(*c));
    if (!c)
        return NULL;
    const char *dd = config_data_dir();

    c->host = default_host();
    c->lan = default_set(lan);
    c->management = default_set(none);
    c->gatekeepers = default_set(none);
    c->inventory_file = strdup("");
    c->router_config = strdup("");
    c->access_code = strdup("9");
    c->national_prefix = strdup("1");
    c->international_prefix = strdup("011");
    c->country_code = strdup("1");
    c->patterns_file = dup_printf("%s/signatures/after-hours.conf", dd);
    c->high_risk_file = dup_printf("%s/signatures/high-risk-destinations.txt", dd);
    c->timezone = strdup("UTC");
    c->communities_file = dup_printf("%s/signatures/snmp-communities.txt", dd);
    c->log_passwords = false;
    c->eve_enabled = true;
    c->eve_path = strdup("-");
    c->redis_enabled = false;
    c->redis_url = strdup(DEFAULT_REDIS_URL);
    c->redis_mode = strdup("list");
    c->redis_key = strdup("tollwatch");
    c->redis_spool_dir = strdup("/var/spool/tollwatch");
    c->redis_max_queue = 100000;
    c->redis_drain_timeout = 30;
    c->workers = 0;
    c->ring_slots = 65536;
    c->snaplen = 65535;
    c->buffer_mb = 64;
    c->ring_mb = 32;
    c->stats_interval = 60;
    c->max_flows = 65536;
    c->flow_timeout_tcp_new = 30;
    c->flow_timeout_tcp_established = 3600;
    c->flow_timeout_tcp_closed = 10;
    c->flow_timeout_udp = 120;
    c->stream_dir_cap = 262144;
    c->stream_global_cap = 67108864;
    c->frag_max_datagrams = 1024;
    c->frag_timeout = 30;

    if (!c->host || !c->lan || !c->management || !c->gatekeepers || !c->inventory_file ||
        !c->router_config || !c->access_code || !c->national_prefix || !c->international_prefix ||
        !c->country_code || !c->patterns_file || !c->high_risk_file || !c->timezone ||
        !c->communities_file || !c->eve_path || !c->redis_url || !c->redis_mode || !c->redis_key ||
        !c->redis_spool_dir)
        return config_free(c);
    return c;
}

struct sensor_config *config_free(struct sensor_config *c)
{
    if (!c)
        return NULL;
    free(c->source);
    free(c->host);
    prefix_set_free(c->lan);
    prefix_set_free(c->management);
    prefix_set_free(c->gatekeepers);
    for (size_t i = 0; i < c->inventory_count; i++)
        free(c->inventory[i]);
    free(c->inventory);
    free(c->inventory_file);
    free(c->router_config);
    free(c->access_code);
    free(c->national_prefix);
    free(c->international_prefix);
    free(c->country_code);
    free(c->patterns_file);
    free(c->high_risk_file);
    free(c->timezone);
    free(c->communities_file);
    free(c->eve_path);
    free(c->redis_url);
    free(c->redis_mode);
    free(c->redis_key);
    free(c->redis_spool_dir);
    free(c);
    return NULL;
}

/* ---------------------------------------------------------------- inventory */

static bool all_hex(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!isxdigit((unsigned char)s[i]))
            return false;
    return true;
}

/*
 * Reads a MAC in aa:bb:cc:dd:ee:ff, aa-bb-cc-dd-ee-ff, aabb.ccdd.eeff or
 * aabbccddeeff form into 12 hex digits (not terminated). true if it is one.
 */
static bool parse_mac(const char *s, char hex[12])
{
    size_t n = strlen(s), k = 0;
    if (n == 12 && all_hex(s, 12)) {
        memcpy(hex, s, 12);
        return true;
    }
    if (n == 17 && (s[2] == ':' || s[2] == '-')) {
        for (size_t i = 0; i < 17; i++) {
            if (i % 3 == 2) {
                if (s[i] != s[2])
                    return false;
            } else if (isxdigit((unsigned char)s[i])) {
                hex[k++] = s[i];
            } else {
                return false;
            }
        }
        return true;
    }
    if (n == 14 && s[4] == '.' && s[9] == '.') {
        for (size_t i = 0; i < 14; i++) {
            if (i == 4 || i == 9)
                continue;
            if (!isxdigit((unsigned char)s[i]))
                return false;
            hex[k++] = s[i];
        }
        return true;
    }
    return false;
}

/*
 * Normalises one inventory entry into out (DEVICE_NAME_MAX + 1 bytes): a MAC
 * becomes "SEP" + 12 upper-case hex digits, a device name is upper-cased.
 * 0, or -EINVAL with the reason in err.
 */
static int inventory_normalise(const char *in, char *out, char *err, size_t errlen)
{
    char hex[12];
    size_t n = strlen(in);
    if (parse_mac(in, hex)) {
        memcpy(out, "SEP", 3);
        for (size_t i = 0; i < 12; i++)
            out[3 + i] = (char)toupper((unsigned char)hex[i]);
        out[15] = '\0';
        return 0;
    }
    bool macish = n > 0;
    bool sep = false;
    for (size_t i = 0; i < n; i++) {
        if (!isxdigit((unsigned char)in[i]) && in[i] != ':' && in[i] != '.' && in[i] != '-')
            macish = false;
        if (in[i] == ':' || in[i] == '.' || in[i] == '-')
            sep = true;
    }
    if (macish && (sep || all_hex(in, n))) {
        snprintf(err, errlen,
                 "'%.40s' is not a MAC address (aa:bb:cc:dd:ee:ff, aabb.ccdd.eeff "
                 "or 12 hex digits)",
                 in);
        return -EINVAL;
    }
    bool ok = n > 0 && n <= DEVICE_NAME_MAX && isalpha((unsigned char)in[0]);
    for (size_t i = 0; ok && i < n; i++)
        if (!isalnum((unsigned char)in[i]) && in[i] != '-' && in[i] != '_' && in[i] != '.')
            ok = false;
    if (ok && n >= 3 && strncasecmp(in, "SEP", 3) == 0 && (n != 15 || !all_hex(in + 3, 12)))
        ok = false;
    if (!ok) {
        snprintf(err, errlen, "'%.40s' is not a device name (e.g. SEP003094C38724) or MAC address",
                 in);
        return -EINVAL;
    }
    for (size_t i = 0; i < n; i++)
        out[i] = (char)toupper((unsigned char)in[i]);
    out[n] = '\0';
    return 0;
}

struct inventory {
    char **items;
    size_t count, cap;
};

static int inventory_add(struct inventory *inv, const char *text, char *err, size_t errlen)
{
    char name[DEVICE_NAME_MAX + 1];
    int ret = inventory_normalise(text, name, err, errlen);
    if (ret < 0)
        return ret;
    if (inv->count == inv->cap) {
        size_t ncap = inv->cap ? inv->cap * 2 : 16;
        char **n = realloc(inv->items, ncap * sizeof(*n));
        if (!n)
            return -ENOMEM;
        inv->items = n;
        inv->cap = ncap;
    }
    char *s = strdup(name);
    if (!s)
        return -ENOMEM;
    inv->items[inv->count++] = s;
    return 0;
}

static void inventory_clear(struct inventory *inv)
{
    for (size_t i = 0; i < inv->count; i++)
        free(inv->items[i]);
    free(inv->items);
    inv->items = NULL;
    inv->count = inv->cap = 0;
}

static int inventory_line(void *user, const char *line, unsigned lineno, char *err, size_t errlen)
{
    (void)lineno;
    return inventory_add(user, line, err, errlen);
}

/* ---------------------------------------------------------------- schema */

enum key_kind {
    K_MAP,       /* nested mapping: sub */
    K_PREFIXES,  /* list of CIDR prefixes -> struct prefix_set * */
    K_INVENTORY, /* list of device names / MACs */
    K_STRING,    /* min..max characters */
    K_DIGITS,    /* min..max decimal digits */
    K_PATH,      /* "" = none; relative to the config file's folder */
    K_EVE_PATH,  /* K_PATH, but "-" = stdout */
    K_MODE,      /* list | publish | stream */
    K_BOOL,
    K_INT,  /* int field, min..max */
    K_LONG, /* long field, min..max */
};

struct key {
    const char *name;
    enum key_kind kind;
    size_t off;
    long min, max;
    const struct key *sub;
};

#define F(field) offsetof(struct sensor_config, field)

static const struct key networks_keys[] = {
    {"lan", K_PREFIXES, F(lan), 0, 0, NULL},
    {"management", K_PREFIXES, F(management), 0, 0, NULL},
    {"gatekeepers", K_PREFIXES, F(gatekeepers), 0, 0, NULL},
    {NULL, K_MAP, 0, 0, 0, NULL},
};

static const struct key phones_keys[] = {
    {"inventory", K_INVENTORY, 0, 0, 0, NULL},
    {"inventory_file", K_PATH, F(inventory_file), 0, 0, NULL},
    {NULL, K_MAP, 0, 0, 0, NULL},
};

static const struct key dialplan_keys[] = {
    {"access_code", K_DIGITS, F(access_code), 0, 4, NULL},
    {"national_prefix", K_DIGITS, F(national_prefix), 0, 4, NULL},
    {"international_prefix", K_DIGITS, F(international_prefix), 1, 4, NULL},
    {"country_code", K_DIGITS, F(country_code), 1, 3, NULL},
    {NULL, K_MAP, 0, 0, 0, NULL},
};

static const struct key fraud_keys[] = {
    {"patterns_file", K_PATH, F(patterns_file), 0, 0, NULL},
    {"high_risk_file", K_PATH, F(high_risk_file), 0, 0, NULL},
    {"timezone", K_STRING, F(timezone), 1, 64, NULL},
    {NULL, K_MAP, 0, 0, 0, NULL},
};

static const struct key snmp_keys[] = {
    {"communities_file", K_PATH, F(communities_file), 0, 0, NULL},
    {NULL, K_MAP, 0, 0, 0, NULL},
};

static const struct key credentials_keys[] = {
    {"log_passwords", K_BOOL, F(log_passwords), 0, 0, NULL},
    {NULL, K_MAP, 0, 0, 0, NULL},
};

static const struct key eve_keys[] = {
    {"enabled", K_BOOL, F(eve_enabled), 0, 0, NULL},
    {"path", K_EVE_PATH, F(eve_path), 0, 0, NULL},
    {NULL, K_MAP, 0, 0, 0, NULL},
};

static const struct key redis_keys[] = {
    {"enabled", K_BOOL, F(redis_enabled), 0, 0, NULL},
    {"url", K_STRING, F(redis_url), 1, 1024, NULL},
    {"mode", K_MODE, F(redis_mode), 0, 0, NULL},
    {"key", K_STRING, F(redis_key), 1, 512, NULL},
    {"spool_dir", K_PATH, F(redis_spool_dir), 0, 0, NULL},
    {"max_queue", K_LONG, F(redis_max_queue), 1, 100000000, NULL},
    {"drain_timeout", K_LONG, F(redis_drain_timeout), 0, 86400, NULL},
    {NULL, K_MAP, 0, 0, 0, NULL},
};

static const struct key outputs_keys[] = {
    {"eve", K_MAP, 0, 0, 0, eve_keys},
    {"redis", K_MAP, 0, 0, 0, redis_keys},
    {NULL, K_MAP, 0, 0, 0, NULL},
};

static const struct key capture_keys[] = {
    {"workers", K_INT, F(workers), 0, 64, NULL}, /* PIPELINE_MAX_WORKERS */
    {"ring_slots", K_LONG, F(ring_slots), 16, 16777216, NULL},
    {"snaplen", K_INT, F(snaplen), 64, 262144, NULL},
    {"buffer_mb", K_INT, F(buffer_mb), 1, 4096, NULL},
    {"ring_mb", K_INT, F(ring_mb), 1, 4096, NULL},
    {NULL, K_MAP, 0, 0, 0, NULL},
};

static const struct key stats_keys[] = {
    {"interval", K_LONG, F(stats_interval), 0, 86400, NULL},
    {NULL, K_MAP, 0, 0, 0, NULL},
};

static const struct key limits_keys[] = {
    {"max_flows", K_LONG, F(max_flows), 1, 16777216, NULL},
    {"flow_timeout_tcp_new", K_LONG, F(flow_timeout_tcp_new), 1, 86400, NULL},
    {"flow_timeout_tcp_established", K_LONG, F(flow_timeout_tcp_established), 1, 604800, NULL},
    {"flow_timeout_tcp_closed", K_LONG, F(flow_timeout_tcp_closed), 1, 86400, NULL},
    {"flow_timeout_udp", K_LONG, F(flow_timeout_udp), 1, 86400, NULL},
    {"stream_dir_cap", K_LONG, F(stream_dir_cap), 4096, 1073741824L, NULL},
    {"stream_global_cap", K_LONG, F(stream_global_cap), 65536, 17179869184L, NULL},
    {"frag_max_datagrams", K_LONG, F(frag_max_datagrams), 0, 1048576, NULL},
    {"frag_timeout", K_LONG, F(frag_timeout), 1, 3600, NULL},
    {NULL, K_MAP, 0, 0, 0, NULL},
};

static const struct key top_keys[] = {
    {"host", K_STRING, F(host), 1, 255, NULL},
    {"networks", K_MAP, 0, 0, 0, networks_keys},
    {"phones", K_MAP, 0, 0, 0, phones_keys},
    {"router_config", K_PATH, F(router_config), 0, 0, NULL},
    {"dialplan", K_MAP, 0, 0, 0, dialplan_keys},
    {"fraud", K_MAP, 0, 0, 0, fraud_keys},
    {"snmp", K_MAP, 0, 0, 0, snmp_keys},
    {"credentials", K_MAP, 0, 0, 0, credentials_keys},
    {"outputs", K_MAP, 0, 0, 0, outputs_keys},
    {"capture", K_MAP, 0, 0, 0, capture_keys},
    {"stats", K_MAP, 0, 0, 0, stats_keys},
    {"limits", K_MAP, 0, 0, 0, limits_keys},
    {NULL, K_MAP, 0, 0, 0, NULL},
};

#undef F

/* ---------------------------------------------------------------- loader */

struct loader {
    const char *name; /* config path as given, for messages */
    char *dir;        /* absolute folder for relative paths */
    yaml_document_t *doc;
    struct sensor_config *cfg;
    struct inventory inventory;
    bool inventory_set;
    unsigned long inventory_file_line;
    char *err;
    size_t errlen;
};

static unsigned long node_line(const yaml_node_t *n)
{
    return n ? (unsigned long)n->start_mark.line + 1 : 1;
}

static int fail(struct loader *l, const yaml_node_t *n, const char *keypath, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int fail(struct loader *l, const yaml_node_t *n, const char *keypath, const char *fmt, ...)
{
    char reason[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(reason, sizeof(reason), fmt, ap);
    va_end(ap);
    if (keypath && *keypath)
        snprintf(l->err, l->errlen, "%s:%lu: %s: %s", l->name, node_line(n), keypath, reason);
    else
        snprintf(l->err, l->errlen, "%s:%lu: %s", l->name, node_line(n), reason);
    return -EINVAL;
}

static bool is_null(const yaml_node_t *n)
{
    if (n->type != YAML_SCALAR_NODE || n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
        return false;
    const char *v = (const char *)n->data.scalar.value;
    return !*v || !strcmp(v, "~") || !strcmp(v, "null") || !strcmp(v, "Null") || !strcmp(v, "NULL");
}

/* "a mapping", "a list" or the quoted scalar, for "expected X, got Y". */
static const char *describe(const yaml_node_t *n, char *buf, size_t len)
{
    if (n->type == YAML_MAPPING_NODE)
        return "a mapping";
    if (n->type == YAML_SEQUENCE_NODE)
        return "a list";
    if (is_null(n))
        return "nothing";
    snprintf(buf, len, "'%.40s'", (const char *)n->data.scalar.value);
    return buf;
}

/*
 * The text of a scalar node (NULL-ish plain scalars give ""), or an error for
 * other node types and embedded NUL bytes. what names the expected type.
 */
static int scalar_text(struct loader *l, const yaml_node_t *n, const char *kp, const char *what,
                       const char **ret)
{
    char buf[64];
    if (n->type != YAML_SCALAR_NODE)
        return fail(l, n, kp, "expected %s, got %s", what, describe(n, buf, sizeof(buf)));
    const char *v = (const char *)n->data.scalar.value;
    if (strlen(v) != n->data.scalar.length)
        return fail(l, n, kp, "NUL byte in value");
    *ret = is_null(n) ? "" : v;
    return 0;
}

static int set_string(char **field, const char *value)
{
    char *s = strdup(value);
    if (!s)
        return -ENOMEM;
    free(*field);
    *field = s;
    return 0;
}

static const char *skip_dot_slash(const char *p)
{
    while (p[0] == '.' && p[1] == '/') {
        p += 2;
        while (*p == '/')
            p++;
    }
    return p;
}

/* Absolute folder of the config file name (malloc'd), NULL on OOM. */
static char *config_dir(const char *name)
{
    const char *slash = strrchr(name, '/');
    if (name[0] == '/')
        return slash == name ? strdup("/") : strndup(name, (size_t)(slash - name));
    char cwd[PATH_MAX];
    if (!getcwd(cwd, sizeof(cwd)))
        snprintf(cwd, sizeof(cwd), ".");
    if (!slash)
        return strdup(cwd);
    const char *rel = skip_dot_slash(name);
    if (rel > slash || (size_t)(slash - rel) == 0 || ((size_t)(slash - rel) == 1 && rel[0] == '.'))
        return strdup(cwd);
    return dup_printf("%s%s%.*s", cwd, strcmp(cwd, "/") ? "/" : "", (int)(slash - rel), rel);
}

static char *resolve_path(const struct loader *l, const char *p)
{
    if (!*p || p[0] == '/')
        return strdup(p);
    const char *rel = skip_dot_slash(p);
    if (!*rel || !strcmp(rel, "."))
        return strdup(l->dir);
    size_t dl = strlen(l->dir);
    return dup_printf("%s%s%s", l->dir, dl && l->dir[dl - 1] == '/' ? "" : "/", rel);
}

static int parse_bool(const char *v, bool *ret)
{
    static const char *const yes[] = {"true", "True", "TRUE", "yes", "Yes",
                                      "YES",  "on",   "On",   "ON"};
    static const char *const no[] = {"false", "False", "FALSE", "no", "No",
                                     "NO",    "off",   "Off",   "OFF"};
    for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
        if (!strcmp(v, yes[i])) {
            *ret = true;
            return 0;
        }
        if (!strcmp(v, no[i])) {
            *ret = false;
            return 0;
        }
    }
    return -EINVAL;
}

/* Decimal integer with optional sign; -EINVAL if not one, -ERANGE past long. */
static int parse_long(const char *v, long *ret)
{
    const char *p = v;
    if (*p == '+' || *p == '-')
        p++;
    if (!*p)
        return -EINVAL;
    for (const char *q = p; *q; q++)
        if (*q < '0' || *q > '9')
            return -EINVAL;
    errno = 0;
    long x = strtol(v, NULL, 10);
    if (errno == ERANGE)
        return -ERANGE;
    *ret = x;
    return 0;
}

static int walk_map(struct loader *l, const yaml_node_t *map, const struct key *keys,
                    const char *path);

static int load_prefixes(struct loader *l, const yaml_node_t *v, const char *kp,
                         struct prefix_set **field)
{
    char buf[64];
    if (v->type != YAML_SEQUENCE_NODE && !is_null(v))
        return fail(l, v, kp, "expected a list of prefixes, got %s", describe(v, buf, sizeof(buf)));
    struct prefix_set *s = prefix_set_new();
    if (!s)
        return -ENOMEM;
    if (v->type == YAML_SEQUENCE_NODE) {
        for (yaml_node_item_t *it = v->data.sequence.items.start; it < v->data.sequence.items.top;
             it++) {
            const yaml_node_t *item = yaml_document_get_node(l->doc, *it);
            const char *text;
            if (!item) {
                prefix_set_free(s);
                return fail(l, v, kp, "bad list item");
            }
            int ret = scalar_text(l, item, kp, "a prefix", &text);
            if (ret < 0) {
                prefix_set_free(s);
                return ret;
            }
            char perr[256];
            ret = prefix_set_add(s, text, perr, sizeof(perr));
            if (ret < 0) {
                prefix_set_free(s);
                return ret == -EINVAL ? fail(l, item, kp, "%s", perr) : ret;
            }
        }
    }
    if (prefix_set_freeze(s) < 0) {
        prefix_set_free(s);
        return -ENOMEM;
    }
    prefix_set_free(*field);
    *field = s;
    return 0;
}

static int load_inventory(struct loader *l, const yaml_node_t *v, const char *kp)
{
    char buf[64];
    if (v->type != YAML_SEQUENCE_NODE && !is_null(v))
        return fail(l, v, kp, "expected a list of device names, got %s",
                    describe(v, buf, sizeof(buf)));
    inventory_clear(&l->inventory);
    l->inventory_set = true;
    if (v->type != YAML_SEQUENCE_NODE)
        return 0;
    for (yaml_node_item_t *it = v->data.sequence.items.start; it < v->data.sequence.items.top;
         it++) {
        const yaml_node_t *item = yaml_document_get_node(l->doc, *it);
        const char *text;
        if (!item)
            return fail(l, v, kp, "bad list item");
        int ret = scalar_text(l, item, kp, "a device name", &text);
        if (ret < 0)
            return ret;
        char ierr[256];
        ret = inventory_add(&l->inventory, text, ierr, sizeof(ierr));
        if (ret < 0)
            return ret == -EINVAL ? fail(l, item, kp, "%s", ierr) : ret;
    }
    return 0;
}

static int load_value(struct loader *l, const struct key *k, const yaml_node_t *v, const char *kp)
{
    char *base = (char *)l->cfg;
    char buf[64];
    const char *text = NULL;
    int ret;

    switch (k->kind) {
        case K_MAP:
            return walk_map(l, v, k->sub, kp);
        case K_PREFIXES:
            return load_prefixes(l, v, kp, (struct prefix_set **)(void *)(base + k->off));
        case K_INVENTORY:
            return load_inventory(l, v, kp);
        case K_STRING: {
            ret = scalar_text(l, v, kp, "a string", &text);
            if (ret < 0)
                return ret;
            size_t n = strlen(text);
            if ((long)n < k->min || (long)n > k->max) {
                if (n == 0)
                    return fail(l, v, kp, "must not be empty");
                return fail(l, v, kp, "must be %ld to %ld characters long", k->min, k->max);
            }
            for (size_t i = 0; i < n; i++)
                if ((unsigned char)text[i] < 0x20 || text[i] == 0x7f)
                    return fail(l, v, kp, "control character in value");
            if (k->off == offsetof(struct sensor_config, timezone)) {
                /* a zone the schedule cannot load is a config error at this line */
                struct schedule_tz *tz = NULL;
                char why[256];
                if (schedule_tz_load(text, &tz, why, sizeof(why)) < 0)
                    return fail(l, v, kp, "%s", why);
                schedule_tz_free(tz);
            }
            return set_string((char **)(void *)(base + k->off), text);
        }
        case K_DIGITS: {
            ret = scalar_text(l, v, kp, "a digit string", &text);
            if (ret < 0)
                return ret;
            size_t n = strlen(text);
            bool ok = (long)n >= k->min && (long)n <= k->max;
            for (size_t i = 0; ok && i < n; i++)
                if (text[i] < '0' || text[i] > '9')
                    ok = false;
            if (!ok)
                return fail(l, v, kp, "'%.40s' must be %ld to %ld digits", text, k->min, k->max);
            return set_string((char **)(void *)(base + k->off), text);
        }
        case K_PATH:
        case K_EVE_PATH: {
            ret = scalar_text(l, v, kp, "a path", &text);
            if (ret < 0)
                return ret;
            if (strlen(text) >= PATH_MAX)
                return fail(l, v, kp, "path too long");
            for (const char *p = text; *p; p++)
                if ((unsigned char)*p < 0x20)
                    return fail(l, v, kp, "control character in path");
            if (k->kind == K_EVE_PATH && !*text)
                return fail(l, v, kp, "must not be empty (use \"-\" for stdout)");
            char *resolved =
                k->kind == K_EVE_PATH && !strcmp(text, "-") ? strdup(text) : resolve_path(l, text);
            if (!resolved)
                return -ENOMEM;
            char **field = (char **)(void *)(base + k->off);
            free(*field);
            *field = resolved;
            if (k->off == offsetof(struct sensor_config, inventory_file))
                l->inventory_file_line = node_line(v);
            return 0;
        }
        case K_MODE:
            ret = scalar_text(l, v, kp, "a string", &text);
            if (ret < 0)
                return ret;
            if (strcmp(text, "list") && strcmp(text, "publish") && strcmp(text, "stream"))
                return fail(l, v, kp, "'%.40s' is not one of list, publish, stream", text);
            return set_string((char **)(void *)(base + k->off), text);
        case K_BOOL: {
            bool b;
            ret = scalar_text(l, v, kp, "true or false", &text);
            if (ret < 0)
                return ret;
            if (parse_bool(text, &b) < 0)
                return fail(l, v, kp, "expected true or false, got %s",
                            describe(v, buf, sizeof(buf)));
            *(bool *)(void *)(base + k->off) = b;
            return 0;
        }
        case K_INT:
        case K_LONG: {
            long x = 0;
            ret = scalar_text(l, v, kp, "an integer", &text);
            if (ret < 0)
                return ret;
            ret = parse_long(text, &x);
            if (ret == -EINVAL)
                return fail(l, v, kp, "expected an integer, got %s", describe(v, buf, sizeof(buf)));
            if (ret < 0 || x < k->min || x > k->max)
                return fail(l, v, kp, "%.40s is out of range %ld..%ld", text, k->min, k->max);
            if (k->kind == K_INT)
                *(int *)(void *)(base + k->off) = (int)x;
            else
                *(long *)(void *)(base + k->off) = x;
            return 0;
        }
    }
    return -EINVAL;
}

static int walk_map(struct loader *l, const yaml_node_t *map, const struct key *keys,
                    const char *path)
{
    char buf[64];
    if (is_null(map))
        return 0;
    if (map->type != YAML_MAPPING_NODE)
        return fail(l, map, path, "expected a mapping, got %s", describe(map, buf, sizeof(buf)));

    uint64_t seen = 0; /* the schema's tables have fewer than 64 keys */
    for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top;
         p++) {
        const yaml_node_t *k = yaml_document_get_node(l->doc, p->key);
        const yaml_node_t *v = yaml_document_get_node(l->doc, p->value);
        if (!k || !v)
            return fail(l, map, path, "bad mapping entry");
        if (k->type != YAML_SCALAR_NODE)
            return fail(l, k, path, "expected a key name, got %s", describe(k, buf, sizeof(buf)));
        const char *name = (const char *)k->data.scalar.value;
        char kp[CONFIG_KEYPATH];
        snprintf(kp, sizeof(kp), "%s%s%.64s", path, *path ? "." : "", name);
        if (strlen(name) != k->data.scalar.length)
            return fail(l, k, kp, "unknown key");
        size_t i;
        for (i = 0; keys[i].name; i++)
            if (!strcmp(keys[i].name, name))
                break;
        if (!keys[i].name)
            return fail(l, k, kp, "unknown key");
        if (seen & (UINT64_C(1) << i))
            return fail(l, k, kp, "duplicate key");
        seen |= UINT64_C(1) << i;
        int ret = load_value(l, &keys[i], v, kp);
        if (ret < 0)
            return ret;
    }
    return 0;
}

static unsigned long offset_line(const char *buf, size_t len, size_t off)
{
    unsigned long line = 1;
    for (size_t i = 0; i < off && i < len; i++)
        if (buf[i] == '\n')
            line++;
    return line;
}

static int yaml_fail(struct loader *l, const yaml_parser_t *p, const char *buf, size_t len)
{
    if (p->error == YAML_MEMORY_ERROR) {
        snprintf(l->err, l->errlen, "%s: out of memory", l->name);
        return -ENOMEM;
    }
    unsigned long line = p->error == YAML_READER_ERROR ? offset_line(buf, len, p->problem_offset)
                                                       : (unsigned long)p->problem_mark.line + 1;
    snprintf(l->err, l->errlen, "%s:%lu: YAML syntax error: %s%s%s%s", l->name, line,
             p->problem ? p->problem : "malformed YAML", p->context ? " (" : "",
             p->context ? p->context : "", p->context ? ")" : "");
    return -EINVAL;
}

/* Appends phones.inventory_file's entries to the loader's inventory. */
static int load_inventory_file(struct loader *l)
{
    const char *path = l->cfg->inventory_file;
    char serr[512];
    int ret = sigfile_read(path, inventory_line, &l->inventory, serr, sizeof(serr));
    if (ret == 0)
        return 0;
    if (ret == -ENOMEM) {
        snprintf(l->err, l->errlen, "%s: out of memory", path);
        return ret;
    }
    /* sigfile's "path:line: reason" already names the file; open errors get our line too */
    size_t pl = strlen(path);
    if (!strncmp(serr, path, pl) && serr[pl] == ':' && serr[pl + 1] != ' ')
        snprintf(l->err, l->errlen, "%s", serr);
    else
        snprintf(l->err, l->errlen, "%s:%lu: phones.inventory_file: %s", l->name,
                 l->inventory_file_line ? l->inventory_file_line : 1, serr);
    return ret;
}

int config_load_buffer(const char *name, const char *buf, size_t len, struct sensor_config **ret,
                       char *err, size_t errlen)
{
    struct loader l = {.name = name, .err = err, .errlen = errlen};
    yaml_parser_t parser;
    yaml_document_t doc;
    int r = 0;

    if (errlen)
        err[0] = '\0';
    l.cfg = config_defaults();
    l.dir = config_dir(name);
    if (!l.cfg || !l.dir) {
        snprintf(err, errlen, "%s: out of memory", name);
        config_free(l.cfg);
        free(l.dir);
        return -ENOMEM;
    }
    l.cfg->source = strdup(name);
    if (!l.cfg->source) {
        r = -ENOMEM;
        goto out_nodoc;
    }

    if (!yaml_parser_initialize(&parser)) {
        r = -ENOMEM;
        goto out_nodoc;
    }
    yaml_parser_set_input_string(&parser, (const unsigned char *)buf, len);
    if (!yaml_parser_load(&parser, &doc)) {
        r = yaml_fail(&l, &parser, buf, len);
        yaml_parser_delete(&parser);
        goto out_nodoc;
    }
    l.doc = &doc;
    yaml_node_t *root = yaml_document_get_root_node(&doc);
    if (root) {
        /* a second document in the stream is almost always a mistake */
        yaml_document_t next;
        if (!yaml_parser_load(&parser, &next)) {
            r = yaml_fail(&l, &parser, buf, len);
        } else {
            yaml_node_t *nroot = yaml_document_get_root_node(&next);
            if (nroot)
                r = fail(&l, nroot, "", "only one YAML document is allowed");
            yaml_document_delete(&next);
        }
        if (r == 0)
            r = walk_map(&l, root, top_keys, "");
    }
    yaml_parser_delete(&parser);
    if (r < 0)
        goto out;

    if (l.cfg->inventory_file[0]) {
        l.inventory_set = true;
        r = load_inventory_file(&l);
        if (r < 0)
            goto out;
    }
    if (l.inventory_set) {
        l.cfg->inventory = l.inventory.items;
        l.cfg->inventory_count = l.inventory.count;
        l.inventory.items = NULL;
        l.inventory.count = l.inventory.cap = 0;
    }

out:
    yaml_document_delete(&doc);
out_nodoc:
    inventory_clear(&l.inventory);
    free(l.dir);
    if (r < 0) {
        if (r == -ENOMEM && errlen && !err[0])
            snprintf(err, errlen, "%s: out of memory", name);
        config_free(l.cfg);
        return r;
    }
    *ret = l.cfg;
    return 0;
}

int config_load(const char *path, struct sensor_config **ret, char *err, size_t errlen)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        int e = errno;
        snprintf(err, errlen, "%s: %s", path, strerror(e));
        return -e;
    }
    size_t cap = 4096, len = 0;
    char *buf = malloc(cap);
    if (!buf) {
        close(fd);
        snprintf(err, errlen, "%s: out of memory", path);
        return -ENOMEM;
    }
    for (;;) {
        if (len == cap) {
            if (cap > CONFIG_MAX_SIZE) {
                free(buf);
                close(fd);
                snprintf(err, errlen, "%s: larger than %u MiB", path, CONFIG_MAX_SIZE >> 20);
                return -EFBIG;
            }
            char *n = realloc(buf, cap * 2);
            if (!n) {
                free(buf);
                close(fd);
                snprintf(err, errlen, "%s: out of memory", path);
                return -ENOMEM;
            }
            buf = n;
            cap *= 2;
        }
        ssize_t n = read(fd, buf + len, cap - len);
        if (n < 0) {
            int e = errno;
            if (e == EINTR)
                continue;
            free(buf);
            close(fd);
            snprintf(err, errlen, "%s: %s", path, strerror(e));
            return -e;
        }
        if (n == 0)
            break;
        len += (size_t)n;
    }
    close(fd);
    int r = config_load_buffer(path, buf, len, ret, err, errlen);
    free(buf);
    return r;
}

/* ---------------------------------------------------------------- printing */

/* Writes s as a YAML double-quoted scalar. */
static void put_str(FILE *out, const char *s)
{
    fputc('"', out);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\')
            fprintf(out, "\\%c", *p);
        else if (*p < 0x20 || *p == 0x7f)
            fprintf(out, "\\x%02x", *p);
        else
            fputc(*p, out);
    }
    fputc('"', out);
}

/* A redis URL with the password part of its userinfo replaced by "<redacted>". */
static void put_url(FILE *out, const char *url)
{
    const char *scheme = strstr(url, "://");
    const char *auth = scheme ? scheme + 3 : url;
    const char *at = strchr(auth, '@');
    const char *slash = strchr(auth, '/');
    const char *colon = at ? memchr(auth, ':', (size_t)(at - auth)) : NULL;
    if (!at || (slash && slash < at) || !colon) {
        put_str(out, url);
        return;
    }
    char *copy = dup_printf("%.*s<redacted>%s", (int)(colon + 1 - url), url, at);
    put_str(out, copy ? copy : "");
    free(copy);
}

void config_print(const struct sensor_config *c, FILE *out)
{
    fprintf(out, "# tollwatch effective policy, from %s\n",
            c->source ? c->source : "built-in defaults");
    fputs("host: ", out);
    put_str(out, c->host);
    fputs("\nnetworks:\n  lan: ", out);
    prefix_set_print(c->lan, out);
    fputs("\n  management: ", out);
    prefix_set_print(c->management, out);
    fputs("\n  gatekeepers: ", out);
    prefix_set_print(c->gatekeepers, out);

    fprintf(out, "\nphones:\n  # %zu device%s in the inventory\n", c->inventory_count,
            c->inventory_count == 1 ? "" : "s");
    if (!c->inventory_count) {
        fputs("  inventory: []\n", out);
    } else {
        fputs("  inventory:\n", out);
        for (size_t i = 0; i < c->inventory_count; i++) {
            fputs("    - ", out);
            put_str(out, c->inventory[i]);
            fputc('\n', out);
        }
    }
    if (c->inventory_file[0]) {
        fputs("  # entries read from inventory_file ", out);
        put_str(out, c->inventory_file);
        fputs(" are listed above\n", out);
    }
    fputs("  inventory_file: \"\"\n", out);

    fputs("router_config: ", out);
    put_str(out, c->router_config);
    fputs("\ndialplan:\n  access_code: ", out);
    put_str(out, c->access_code);
    fputs("\n  national_prefix: ", out);
    put_str(out, c->national_prefix);
    fputs("\n  international_prefix: ", out);
    put_str(out, c->international_prefix);
    fputs("\n  country_code: ", out);
    put_str(out, c->country_code);
    fputs("\nfraud:\n  patterns_file: ", out);
    put_str(out, c->patterns_file);
    fputs("\n  high_risk_file: ", out);
    put_str(out, c->high_risk_file);
    fputs("\n  timezone: ", out);
    put_str(out, c->timezone);
    fputs("\nsnmp:\n  communities_file: ", out);
    put_str(out, c->communities_file);
    fprintf(out, "\ncredentials:\n  log_passwords: %s\n", c->log_passwords ? "true" : "false");

    fprintf(out,
            "outputs:\n  eve:\n    enabled: %s\n    path: ", c->eve_enabled ? "true" : "false");
    put_str(out, c->eve_path);
    fprintf(out, "\n  redis:\n    enabled: %s\n    url: ", c->redis_enabled ? "true" : "false");
    put_url(out, c->redis_url);
    fprintf(out, "\n    mode: %s\n    key: ", c->redis_mode);
    put_str(out, c->redis_key);
    fputs("\n    spool_dir: ", out);
    put_str(out, c->redis_spool_dir);
    fprintf(out, "\n    max_queue: %ld\n    drain_timeout: %ld\n", c->redis_max_queue,
            c->redis_drain_timeout);

    fprintf(out,
            "capture:\n  workers: %d%s\n  ring_slots: %ld\n  ring_mb: %d\n  snaplen: %d\n"
            "  buffer_mb: %d\n",
            c->workers, c->workers ? "" : "            # 0 = auto", c->ring_slots, c->ring_mb,
            c->snaplen, c->buffer_mb);
    fprintf(out, "stats:\n  interval: %ld\n", c->stats_interval);
    fprintf(out,
            "limits:\n"
            "  max_flows: %ld\n"
            "  flow_timeout_tcp_new: %ld\n"
            "  flow_timeout_tcp_established: %ld\n"
            "  flow_timeout_tcp_closed: %ld\n"
            "  flow_timeout_udp: %ld\n"
            "  stream_dir_cap: %ld\n"
            "  stream_global_cap: %ld\n"
            "  frag_max_datagrams: %ld\n"
            "  frag_timeout: %ld\n",
            c->max_flows, c->flow_timeout_tcp_new, c->flow_timeout_tcp_established,
            c->flow_timeout_tcp_closed, c->flow_timeout_udp, c->stream_dir_cap,
            c->stream_global_cap, c->frag_max_datagrams, c->frag_timeout);
}
