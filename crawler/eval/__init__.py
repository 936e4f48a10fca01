"""``newsdesk eval``: extraction scored against saved pages and their truth."""

EXTRACTORS = ("site", "generic", "trafilatura")  # what `newsdesk eval --extractor` takes
