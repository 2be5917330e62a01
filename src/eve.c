typedef int tw_placeholder_eve;
