typedef int tw_placeholder_output;
