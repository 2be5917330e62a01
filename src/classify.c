typedef int tw_placeholder_classify;
