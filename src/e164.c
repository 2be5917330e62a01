typedef int tw_placeholder_e164;
