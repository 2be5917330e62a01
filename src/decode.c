typedef int tw_placeholder_decode;
