"""Downloader and spider middlewares: incremental revisits, charsets, Retry-After, traps."""
