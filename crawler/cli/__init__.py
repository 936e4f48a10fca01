"""The ``newsdesk`` command line: thin click adapters over the library.

:mod:`crawler.cli.app` has the command group; each command lives in a module of this
package, imported when the command is used.
"""

from crawler.cli.app import main

__all__ = ["main"]
