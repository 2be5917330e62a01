typedef int tw_placeholder_snmp;
