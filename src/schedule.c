typedef int tw_placeholder_schedule;
