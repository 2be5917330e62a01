typedef int tw_placeholder_config;
