typedef int tw_placeholder_flow;
