typedef int tw_placeholder_telnet;
