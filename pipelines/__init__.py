"""Item pipelines: validate, deduplicate, store. One component per module."""
