typedef int tw_placeholder_pipeline;
