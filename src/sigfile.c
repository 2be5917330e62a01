typedef int tw_placeholder_sigfile;
