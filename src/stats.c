typedef int tw_placeholder_stats;
