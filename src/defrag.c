typedef int tw_placeholder_defrag;
