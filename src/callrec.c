typedef int tw_placeholder_callrec;
