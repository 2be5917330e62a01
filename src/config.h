/*
 * config.h - the sensor configuration (SPEC section 3) and its YAML loader.
 *
 * config_defaults() gives the built-in policy; config_load() overlays a YAML
 * file on it, validating every key (unknown keys, wrong types, bad prefixes
 * are errors naming file:line). Relative paths in a file resolve against the
 * file's folder; the default signature paths resolve against the data
 * directory (see config_data_dir). The result is immutable once the workers
 * start; SIGHUP builds a new one.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct prefix_set;

struct sensor_config {
    char *source; /* config file path, or NULL for built-in defaults */
    char *host;   /* sensor name for the "host" field (default: gethostname) */

    struct prefix_set *lan;
    struct prefix_set *management;
    struct prefix_set *gatekeepers;

    char **inventory; /* device names / MACs from phones.inventory */
    size_t inventory_count;
    char *inventory_file; /* resolved path or "" */
    char *router_config;  /* resolved path or "" */

    char *access_code;
    char *national_prefix;
    char *international_prefix;
    char *country_code;

    char *patterns_file; /* resolved paths */
    char *high_risk_file;
    char *timezone;
    char *communities_file;

    bool log_passwords;

    bool eve_enabled;
    char *eve_path; /* "-" = stdout */

    bool redis_enabled;
    char *redis_url;
    char *redis_mode; /* list | publish | stream */
    char *redis_key;
    char *redis_spool_dir;
    long redis_max_queue;
    long redis_drain_timeout; /* seconds offline runs wait at exit for Redis */

    int workers; /* 0 = auto */
    long ring_slots;
    int snaplen;
    int buffer_mb;
    int ring_mb; /* packet bytes each worker's ring holds */

    long stats_interval; /* seconds; 0 disables periodic stats */

    /* limits: (tollwatch extension, documented in docs/configuration.md) */
    long max_flows;
    long flow_timeout_tcp_new, flow_timeout_tcp_established, flow_timeout_tcp_closed,
        flow_timeout_udp; /* seconds */
    long stream_dir_cap;  /* bytes held out of order per TCP direction */
    long stream_global_cap;
    long frag_max_datagrams;
    long frag_timeout; /* seconds */
};

/*
 * Built-in defaults; NULL on OOM. Signature paths point into the data
 * directory.
 */
struct sensor_config *config_defaults(void);

/*
 * Loads path over the defaults. Returns 0 and *ret on success; on failure a
 * negative errno and err holds "path:line: key: reason" (-EINVAL for bad
 * content, -ENOENT/-EACCES for an unreadable file, -ENOMEM).
 */
int config_load(const char *path, struct sensor_config **ret, char *err, size_t errlen);
/*
 * Same as config_load() for YAML text already in memory (len bytes, need not
 * be NUL-terminated). name stands for the file: it is used in messages and
 * its folder anchors relative paths. config_load() reads the file (at most
 * 16 MiB) and calls this.
 */
int config_load_buffer(const char *name, const char *buf, size_t len, struct sensor_config **ret,
                       char *err, size_t errlen);

struct sensor_config *config_free(struct sensor_config *cfg);

/* Prints the effective policy as YAML (what --check-config shows). */
void config_print(const struct sensor_config *cfg, FILE *out);

/*
 * Folder holding signatures/: the source tree when the running binary sits
 * in the build folder, else <datadir>/tollwatch.
 */
const char *config_data_dir(void);
