typedef int tw_placeholder_inventory;
