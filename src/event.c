typedef int tw_placeholder_event;
