/*
 * eve.c - EVE JSON common fields, serialisation and alert_emit().
 *
 * Field names and order follow Suricata's EVE so that existing SIEM parsers
 * (Splunk TA, Elastic's suricata module, Wazuh decoders) ingest the events:
 * timestamp, flow_id, pcap_filename/in_iface, event_type, vlan, src_ip,
 * src_port, dest_ip, dest_port, proto, app_proto, host.
 */
#include "eve.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "detector.h"
#include "flow.h"
#include "worker.h"

char *eve_format_time(uint64_t ts_us, char *buf, size_t len)
{
    time_t secs = (time_t)(ts_us / 1000000);
    unsigned usec = (unsigned)(ts_us % 1000000);
    struct tm tm;
    if (!gmtime_r(&secs, &tm)) {
        snprintf(buf, len, "1970-01-01T00:00:00.000000+0000");
        return buf;
    }
    char date[24];
    strftime(date, sizeof(date), "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(buf, len, "%s.%06u+0000", date, usec);
    return buf;
}

static const char *proto_name(uint8_t proto)
{
    switch (proto) {
        case 6:
            return "TCP";
        case 17:
            return "UDP";
        default:
            return "IP";
    }
}

json_t *eve_header(const struct eve_meta *meta, const struct flow *f, int dir, uint64_t ts_us,
                   const char *event_type)
{
    char tbuf[40];
    json_t *o = json_object();
    if (!o)
        return NULL;
    json_object_set_new(o, "timestamp", json_string(eve_format_time(ts_us, tbuf, sizeof(tbuf))));
    if (f)
        json_object_set_new(o, "flow_id", json_integer((json_int_t)f->flow_id));
    if (meta && meta->in_iface)
        json_object_set_new(o, "in_iface", json_string(meta->in_iface));
    else if (meta && meta->pcap_filename)
        json_object_set_new(o, "pcap_filename", json_string(meta->pcap_filename));
    json_object_set_new(o, "event_type", json_string(event_type));
    if (f) {
        char a[TW_ADDRSTRLEN];
        if (f->vlan_count) {
            json_t *v = json_array();
            for (unsigned i = 0; i < f->vlan_count; i++)
                json_array_append_new(v, json_integer(f->vlan[i]));
            json_object_set_new(o, "vlan", v);
        }
        const struct tw_addr *src = dir == DIR_TO_SERVER ? &f->cli : &f->srv;
        const struct tw_addr *dst = dir == DIR_TO_SERVER ? &f->srv : &f->cli;
        json_object_set_new(o, "src_ip", json_string(tw_addr_fmt(src, a, sizeof(a))));
        json_object_set_new(o, "src_port",
                            json_integer(dir == DIR_TO_SERVER ? f->cport : f->sport));
        json_object_set_new(o, "dest_ip", json_string(tw_addr_fmt(dst, a, sizeof(a))));
        json_object_set_new(o, "dest_port",
                            json_integer(dir == DIR_TO_SERVER ? f->sport : f->cport));
        json_object_set_new(o, "proto", json_string(proto_name(f->proto)));
        if (f->app_proto)
            json_object_set_new(o, "app_proto", json_string(f->app_proto));
    }
    if (meta && meta->host)
        json_object_set_new(o, "host", json_string(meta->host));
    return o;
}

char *eve_serialize(const json_t *ev) { return json_dumps(ev, JSON_COMPACT | JSON_PRESERVE_ORDER); }

int eve_set_bytes(json_t *obj, const char *key, const uint8_t *p, size_t len)
{
    json_t *s = NULL;
    if (len == 0)
        s = json_string("");
    else
        s = json_stringn((const char *)p, len); /* NULL when not valid UTF-8 */
    if (!s) {
        /* Not UTF-8: printable ASCII kept, every other byte as \xNN. */
        size_t cap = len * 4 + 1;
        char *buf = malloc(cap);
        if (!buf)
            return -1;
        size_t o = 0;
        for (size_t i = 0; i < len; i++) {
            if (p[i] >= 0x20 && p[i] < 0x7f && p[i] != '\\')
                buf[o++] = (char)p[i];
            else
                o += (size_t)snprintf(buf + o, cap - o, "\\x%02x", p[i]);
        }
        s = json_stringn(buf, o);
        free(buf);
        if (!s)
            return -1;
    }
    return json_object_set_new(obj, key, s);
}

static void submit(struct det_ctx *ctx, json_t *o)
{
    if (ctx->sink)
        ctx->sink(ctx->user, o);
    else
        worker_submit(ctx->w, o);
}

void event_emit(struct det_ctx *ctx, const struct dis_event *ev, const char *event_type,
                json_t *extra)
{
    json_t *o = eve_header(ctx->meta, ev->flow, ev->dir, ev->ts_us, event_type);
    if (!o) {
        json_decref(extra);
        return;
    }
    if (extra) {
        json_object_update(o, extra);
        json_decref(extra);
    }
    submit(ctx, o);
}

void alert_emit(struct det_ctx *ctx, const struct dis_event *ev, const struct detector *det,
                int severity, json_t *extra)
{
    json_t *o = eve_header(ctx->meta, ev->flow, ev->dir, ev->ts_us, "alert");
    if (!o) {
        json_decref(extra);
        return;
    }
    json_t *a = json_object();
    json_object_set_new(a, "action", json_string("allowed"));
    json_object_set_new(a, "gid", json_integer(1));
    json_object_set_new(a, "signature_id", json_integer(det->sid));
    json_object_set_new(a, "rev", json_integer(det->rev));
    json_object_set_new(a, "signature", json_string(det->signature));
    json_object_set_new(a, "category", json_string(det->category));
    json_object_set_new(a, "severity", json_integer(severity));
    json_object_set_new(a, "detector", json_string(det->name));
    json_object_set_new(o, "alert", a);
    if (extra) {
        json_object_update(o, extra);
        json_decref(extra);
    }
    submit(ctx, o);
}
