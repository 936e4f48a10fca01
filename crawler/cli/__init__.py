"""The ``newsdesk`` command line: thin click adapters over the library.

Each module registers its commands on the group in :mod:`crawler.cli.app`.
"""

from crawler.cli import crawl, demo, eval, nightly, search  # noqa: F401  (registers the commands)
from crawler.cli.app import main

__all__ = ["main"]
