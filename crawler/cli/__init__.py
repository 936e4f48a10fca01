"""The ``newsdesk`` command line: thin click adapters over the library.

Each module registers its commands on the group in :mod:`crawler.cli.app`.
"""

import crawler.cli.browse  # noqa: F401  (show, stats)
import crawler.cli.export  # noqa: F401
import crawler.cli.serve  # noqa: F401
from crawler.cli import crawl, demo, search  # noqa: F401  (registers the commands)
from crawler.cli.app import main

__all__ = ["main"]
