"""What the extraction workers' fork server holds before it forks a worker.

Imported once, by the fork server alone (:data:`crawler.extract.pool.PRELOAD`); importing
it does the work. A worker shares these pages with the fork server and its other workers
until it writes to them, so what every worker would otherwise build for itself is built
once per crawl:

- the extraction code and the libraries it loads only when a page needs them
  (trafilatura, htmldate, dateparser);
- the tables those libraries fill on the first page that needs them, and then keep:
  the stop words of every language justext knows (trafilatura's fallback, 11.5 MB of
  strings and a lower-cased set as large), the month names of every dateparser locale,
  and dateparser's word-splitting patterns of every locale, compiled by the first date
  no locale reads (35 MB);
- ``gc.freeze()``: the collector leaves these objects alone, so its passes in a worker
  do not write to (and so copy) the pages that hold them.

Measured on the real-page crawl (BENCHMARKS.md, memory): these tables grew each worker by
50-60 MB over its first few hundred pages.
"""

from __future__ import annotations

import gc

import crawler.extract.article  # noqa: F401  (the extraction code itself)

NO_DATE = "zz qq 1"  # read by no locale: dateparser tries, and so prepares, every one


def warm() -> None:
    """Build the extraction libraries' lasting tables now rather than on a worker's pages."""
    from htmldate.extractors import external_date_parser, month_words
    from justext.core import define_stoplist
    from trafilatura.external import jt_stoplist_init

    define_stoplist(jt_stoplist_init())  # both cached by the libraries, for every page
    month_words()
    external_date_parser(NO_DATE, "%Y-%m-%d")


warm()
gc.collect()  # what warming left as garbage is not frozen for the crawl's life
gc.freeze()
