/*
 * test_eve.c - EVE common fields, timestamps, byte strings, alert objects.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "detector.h"
#include "eve.h"
#include "flow.h"

Test(eve, timestamp_format)
{
    char buf[40];
    /* 1088135207 = 2004-06-25T03:46:47Z (date -u -d @1088135207) */
    eve_format_time(1088135207ull * 1000000 + 123456, buf, sizeof(buf));
    cr_assert_str_eq(buf, "2004-06-25T03:46:47.123456+0000");
    eve_format_time(0, buf, sizeof(buf));
    cr_assert_str_eq(buf, "1970-01-01T00:00:00.000000+0000");
}

static void fill_flow(struct flow *f)
{
    memset(f, 0, sizeof(*f));
    f->flow_id = 1234567;
    tw_addr_parse("10.0.0.5", &f->cli);
    tw_addr_parse("10.0.0.1", &f->srv);
    f->cport = 40000;
    f->sport = 161;
    f->proto = 17;
    f->vlan_count = 2;
    f->vlan[0] = 100;
    f->vlan[1] = 20;
    f->app_proto = "snmp";
}

Test(eve, header_orients_src_to_the_sender)
{
    struct flow f;
    fill_flow(&f);
    struct eve_meta meta = {.host = "sensor1", .pcap_filename = "x.pcap"};
    json_t *o = eve_header(&meta, &f, DIR_TO_CLIENT, 0, "alert");
    char *s = eve_serialize(o);
    cr_assert_str_eq(s, "{\"timestamp\":\"1970-01-01T00:00:00.000000+0000\",\"flow_id\":1234567,"
                        "\"pcap_filename\":\"x.pcap\",\"event_type\":\"alert\",\"vlan\":[100,20],"
                        "\"src_ip\":\"10.0.0.1\",\"src_port\":161,\"dest_ip\":\"10.0.0.5\","
                        "\"dest_port\":40000,\"proto\":\"UDP\",\"app_proto\":\"snmp\","
                        "\"host\":\"sensor1\"}");
    free(s);
    json_decref(o);
}

Test(eve, bytes_kept_when_utf8_escaped_otherwise)
{
    json_t *o = json_object();
    const uint8_t ok[] = "caf\xc3\xa9";
    const uint8_t bad[] = {'a', 0xff, '\\', 0x01};
    eve_set_bytes(o, "a", ok, 5);
    eve_set_bytes(o, "b", bad, sizeof(bad));
    eve_set_bytes(o, "c", NULL, 0);
    cr_assert_str_eq(json_string_value(json_object_get(o, "a")), "caf\xc3\xa9");
    cr_assert_str_eq(json_string_value(json_object_get(o, "b")), "a\\xff\\x5c\\x01");
    cr_assert_str_eq(json_string_value(json_object_get(o, "c")), "");
    json_decref(o);
}

static json_t *captured;

static void sink(void *user, json_t *ev)
{
    (void)user;
    captured = ev;
}

Test(eve, alert_emit_builds_the_alert_object)
{
    struct flow f;
    fill_flow(&f);
    static const struct detector det = {
        .name = "demo",
        .sid = 9100099,
        .rev = 2,
        .signature = "TOLLWATCH demo",
        .category = "Testing",
        .severity = 2,
    };
    struct det_ctx ctx = {.sink = sink};
    struct dis_event ev = {.flow = &f, .dir = DIR_TO_SERVER, .ts_us = 5};
    json_t *extra = json_pack("{s:{s:s}}", "snmp", "community", "public");
    alert_emit(&ctx, &ev, &det, 1, extra);
    cr_assert_not_null(captured);
    json_t *a = json_object_get(captured, "alert");
    cr_assert_str_eq(json_string_value(json_object_get(a, "detector")), "demo");
    cr_assert_eq(json_integer_value(json_object_get(a, "signature_id")), 9100099);
    cr_assert_eq(json_integer_value(json_object_get(a, "severity")), 1);
    cr_assert_eq(json_integer_value(json_object_get(a, "gid")), 1);
    cr_assert_str_eq(json_string_value(json_object_get(a, "action")), "allowed");
    cr_assert_str_eq(json_string_value(json_object_get(captured, "src_ip")), "10.0.0.5");
    cr_assert_str_eq(
        json_string_value(json_object_get(json_object_get(captured, "snmp"), "community")),
        "public");
    json_decref(captured);
}
