typedef int tw_placeholder_ber;
