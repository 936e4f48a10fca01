"""``newsdesk eval``: extraction scored against saved pages and their truth."""
