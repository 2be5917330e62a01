typedef int tw_placeholder_prefix;
