typedef int tw_placeholder_hrdest;
