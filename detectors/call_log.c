typedef int tw_placeholder_call_log;
