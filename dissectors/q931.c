typedef int tw_placeholder_q931;
