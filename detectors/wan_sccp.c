typedef int tw_placeholder_wan_sccp;
