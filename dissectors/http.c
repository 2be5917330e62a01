typedef int tw_placeholder_http;
