typedef int tw_placeholder_registry;
