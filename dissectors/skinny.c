typedef int tw_placeholder_skinny;
