"""The ``newsdesk`` command line: thin click adapters over the library.

Each module registers its commands on the group in :mod:`crawler.cli.app`.
"""

from crawler.cli import (  # noqa: F401  (importing a module registers its commands)
    browse,
    crawl,
    demo,
    eval,
    export,
    nightly,
    search,
    serve,
)
from crawler.cli.app import main

__all__ = ["main"]
