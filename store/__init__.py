"""The database as a library: opening it, its schema, writing articles, MinHash storage,
full-text search, queries, browsing and export. The pipelines, the CLI and Datasette read
and write through it."""
