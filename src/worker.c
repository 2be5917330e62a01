typedef int tw_placeholder_worker;
