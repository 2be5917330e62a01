typedef int tw_placeholder_per;
