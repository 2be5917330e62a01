typedef int tw_placeholder_reasm;
