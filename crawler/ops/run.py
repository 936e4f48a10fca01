"""Running crawls from Python: the library behind ``newsdesk crawl`` and ``newsdesk demo``."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from scrapy.crawler import AsyncCrawlerProcess, Crawler
from scrapy.settings import Settings

from crawler import stats as keys
from crawler.extract.pool import stop_fork_server
from crawler.spiders.loader import declared_sites
from crawler.urls import check_url

if TYPE_CHECKING:
    from crawler.spiders.warc import ImportOptions


def project_settings(overrides: dict[str, Any] | None = None) -> Settings:
    """The project's settings (``crawler.settings``) with ``overrides`` on top."""
    settings = Settings()
    settings.setmodule("crawler.settings", priority="project")
    settings.update(overrides or {}, priority="cmdline")
    return settings


@dataclass
class CrawlResult:
    """What one site's crawl did, read from its Scrapy stats."""

    site: str
    stats: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_crawler(cls, site: str, crawler: Crawler) -> CrawlResult:
        stats = crawler.stats.get_stats() if crawler.stats else {}
        return cls(site, dict(stats))

    @property
    def finish_reason(self) -> str:
        return str(self.stats.get(keys.FINISH_REASON, "not finished"))

    @property
    def pages(self) -> int:
        return int(self.stats.get(keys.PAGES_FETCHED, 0))

    @property
    def new(self) -> int:
        return int(self.stats.get(keys.ARTICLES_NEW, 0))

    @property
    def updated(self) -> int:
        return int(self.stats.get(keys.ARTICLES_UPDATED, 0))

    @property
    def skipped(self) -> int:
        """Stored articles not downloaded again, and revisits answered 304."""
        stats = self.stats
        return int(
            stats.get(keys.INCREMENTAL_SKIPPED, 0) + stats.get(keys.INCREMENTAL_NOT_MODIFIED, 0)
        )

    @property
    def status(self) -> str:
        """The run's status as recorded in ``crawl_runs`` (finished, degraded, failed, ...)."""
        return str(self.stats.get(keys.RUN_STATUS, self.finish_reason))

    @property
    def alerts(self) -> list[str]:
        return list(self.stats.get(keys.ALERTS, []))

    @property
    def errors(self) -> int:
        return int(self.stats.get(keys.SITE_ERRORS, 0))

    @property
    def dropped(self) -> dict[str, int]:
        return keys.dropped_counts(self.stats)

    @property
    def storage_error(self) -> str | None:
        """Why the database could not be written, when it could not."""
        error = self.stats.get(keys.STORAGE_ERROR)
        return str(error) if error else None

    @property
    def ok(self) -> bool:
        return self.status == "finished" and self.errors == 0

    def summary(self) -> dict[str, Any]:
        """The run's summary as data (``crawl --format json``): what the summary line says.

        >>> CrawlResult("demo", {"finish_reason": "finished"}).summary()["status"]
        'finished'
        """
        return {
            "site": self.site,
            "status": self.status,
            "pages": self.pages,
            "new": self.new,
            "updated": self.updated,
            "already_stored": self.skipped,
            "dropped": self.dropped,
            "errors": self.errors,
            "alerts": self.alerts,
            "storage_error": self.storage_error,
        }


def start(process: AsyncCrawlerProcess) -> None:
    """Run the process's crawls to their end, then stop the extraction fork server they
    shared (:func:`crawler.extract.pool.stop_fork_server`)."""
    try:
        process.start()
    finally:
        stop_fork_server()


def run_crawl(
    site_names: list[str],
    settings: Settings,
    base_url: str | None = None,
    progress: bool = False,
) -> list[CrawlResult]:
    """Crawl the named sites in this process, concurrently; blocks until all finish.

    With ``progress``, a live table of every site's counters is shown on the terminal.
    Raises ``KeyError`` for a site nobody declared.
    """
    sites = declared_sites(settings)
    unknown = [name for name in site_names if name not in sites]
    if unknown:
        raise KeyError(f"unknown site {unknown[0]!r} (declared: {', '.join(sorted(sites))})")
    process = AsyncCrawlerProcess(settings)
    crawlers: list[tuple[str, Crawler]] = []
    for name in site_names:
        crawler = process.create_crawler(name)
        kwargs = {"base_url": base_url} if base_url else {}
        process.crawl(crawler, **kwargs)
        crawlers.append((name, crawler))
    display = None
    if progress:
        from crawler.ops.progress import Progress

        display = Progress(crawlers)
        display.start()
    try:
        start(process)
    finally:
        if display is not None:
            display.stop()
    return [CrawlResult.from_crawler(name, crawler) for name, crawler in crawlers]


def run_urls(urls: list[str], settings: Settings) -> CrawlResult:
    """Fetch and extract the given article URLs with the generic spider; blocks until done."""
    from crawler.spiders.generic import GenericSpider

    process = AsyncCrawlerProcess(settings)
    crawler = process.create_crawler(GenericSpider)
    process.crawl(crawler, urls=urls)
    start(process)
    return CrawlResult.from_crawler("urls", crawler)


def read_urls(path: str) -> list[str]:
    """The URLs of a file, one a line; blank lines and ``#`` comments are skipped.

    Raises ``ValueError`` naming the file and line of anything not an http(s) URL.
    """
    try:
        with open(path, encoding="utf-8") as handle:
            lines = handle.read().splitlines()
    except UnicodeDecodeError:
        raise ValueError(f"{path}: not a UTF-8 text file of URLs") from None
    urls = []
    for number, line in enumerate(lines, 1):
        text = line.strip()
        if not text or text.startswith("#"):
            continue
        check_url(text, f"{path}:{number}")
        urls.append(text)
    return urls


def run_import(paths: list[str], settings: Settings, options: ImportOptions) -> CrawlResult:
    """Import the article pages of WARC files through the pipelines; blocks until done.

    Each stored article's record is noted in ``article_archive`` (for ``show --html``
    and ``reextract``); the pages are not archived a second time. Raises ``KeyError``
    for a ``--site`` nobody declared.
    """
    from crawler.spiders.warc import WarcSpider

    sites = declared_sites(settings)
    if options.site and options.site not in sites:
        raise KeyError(f"unknown site {options.site!r} (declared: {', '.join(sorted(sites))})")
    settings = settings.copy()
    settings.set("NEWSDESK_ARCHIVE_DIR", "", priority="cmdline")
    settings.set("NEWSDESK_ARCHIVE_INDEX", True, priority="cmdline")
    process = AsyncCrawlerProcess(settings)
    crawler = process.create_crawler(WarcSpider)
    process.crawl(crawler, paths=tuple(paths), sites=sites, options=options)
    start(process)
    return CrawlResult.from_crawler("import", crawler)
