typedef int tw_placeholder_h225ras;
