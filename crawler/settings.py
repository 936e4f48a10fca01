"""Scrapy settings for newsdesk.

Every project-specific setting is prefixed ``NEWSDESK_`` and read once by the
component that owns it (in its ``from_crawler``).
"""

from __future__ import annotations

from crawler.fields import EXPORTED_FIELDS

BOT_NAME = "newsdesk"

SPIDER_MODULES: list[str] = []
SPIDER_LOADER_CLASS = "crawler.spiders.loader.SiteSpiderLoader"

USER_AGENT = "newsdesk/0.1 (+https://github.com/newsdesk/newsdesk)"
ROBOTSTXT_OBEY = True

# Politeness: a nightly crawl is not in a hurry.
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 4
# Outputs of one callback processed at once. A page gives at most one article and a listing
# page's requests only go to the scheduler; Scrapy's 100 starts 100 asyncio tasks per page
# (13% of a crawl's CPU, BENCHMARKS.md).
CONCURRENT_ITEMS = 4
DOWNLOAD_DELAY = 0.5
# Scrapy's downloader, holding a site to CONCURRENT_REQUESTS_PER_DOMAIN also without a delay
# (crawler/downloader.py).
DOWNLOADER = "crawler.downloader.SiteBoundDownloader"
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 0.5
AUTOTHROTTLE_MAX_DELAY = 10.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 2.0

DOWNLOAD_TIMEOUT = 30
DOWNLOAD_MAXSIZE = 10 * 1024 * 1024
DOWNLOAD_WARNSIZE = 2 * 1024 * 1024
RETRY_TIMES = 2
DEPTH_LIMIT = 5

# Feed exports (-o/-O) carry the article's fields, not the MinHash signature.
FEED_EXPORT_FIELDS = list(EXPORTED_FIELDS)

ITEM_PIPELINES = {
    "pipelines.validate.ValidatePipeline": 100,
    "pipelines.dedup.DedupPipeline": 200,
    "pipelines.neardup.NearDupPipeline": 250,
    "pipelines.store.StorePipeline": 300,
}

# Where articles go: `newsdesk crawl --db PATH` or `-s NEWSDESK_DB_PATH=...`; when empty, the
# NEWSDESK_DB_PATH environment variable, else output/news.db (store.database_path decides).
NEWSDESK_DB_PATH = ""
# Articles written per transaction.
NEWSDESK_STORE_BATCH_SIZE = 50
# ... or fewer, once the oldest waiting article has waited this many seconds.
NEWSDESK_STORE_MAX_WAIT = 2.0
# Extra folder of site declarations (*.toml) besides the bundled ones.
NEWSDESK_SITES_DIR = ""
# Whether the sites bundled in crawler/sites/ are declared too.
NEWSDESK_BUNDLED_SITES = True

FEED_EXPORT_ENCODING = "utf-8"
LOG_LEVEL = "INFO"
LOG_FORMATTER = "crawler.logformatter.NewsLogFormatter"

# Incremental crawls: stored articles are skipped, except those published (else first
# seen) within NEWSDESK_REVISIT_DAYS, which are fetched again with conditional requests.
DOWNLOADER_MIDDLEWARES: dict[str, int | None] = {
    "crawler.middlewares.incremental.IncrementalMiddleware": 560
}
# A mirror (`--base-url`, `-a base_url=...`): requests go there, responses come back under
# the site's own URLs (crawler/middlewares/mirror.py).
DOWNLOADER_MIDDLEWARES["crawler.middlewares.mirror.MirrorMiddleware"] = 40
NEWSDESK_INCREMENTAL = True
NEWSDESK_REVISIT_DAYS = 2

# Run records (crawl_runs, dropped_pages) and drift alerts: a run is `degraded` when a
# field's coverage falls NEWSDESK_DRIFT_DROP below the median of the site's last
# NEWSDESK_DRIFT_HISTORY finished runs (once it has NEWSDESK_DRIFT_MIN_RUNS of them).
EXTENSIONS = {"crawler.extensions.runs.RunRecorder": 500}
NEWSDESK_RUN_RECORDS = True
NEWSDESK_DRIFT_MIN_RUNS = 3
NEWSDESK_DRIFT_DROP = 0.3
NEWSDESK_DRIFT_HISTORY = 10
NEWSDESK_DRIFT_MIN_ARTICLES = 5  # coverage of a smaller run is not judged

# Near-duplicates (pipelines/neardup.py): a stored article whose body has an estimated
# Jaccard similarity (5-word shingles) at least this high links to the first-seen copy.
NEWSDESK_DEDUP_NEAR_THRESHOLD = 0.5

# Reliability against hostile sites (RELIABILITY.md): bounded redirects, retries and
# sizes; every page lost to them is named in dropped_pages; a failed retry is the
# site's fault (a dropped page), not an error of the crawl.
REDIRECT_MAX_TIMES = 5
RETRY_GIVE_UP_LOG_LEVEL = "WARNING"
DOWNLOAD_FAIL_ON_DATALOSS = True
DOWNLOADER_MIDDLEWARES["crawler.middlewares.charset.CharsetFallbackMiddleware"] = 570
# Meta refresh read from a page's first bytes (crawler/middlewares/metarefresh.py), not
# from the whole page decoded and kept on the response.
DOWNLOADER_MIDDLEWARES["scrapy.downloadermiddlewares.redirect.MetaRefreshMiddleware"] = None
DOWNLOADER_MIDDLEWARES["crawler.middlewares.metarefresh.HeadMetaRefreshMiddleware"] = 580
SPIDER_MIDDLEWARES = {
    "scrapy.spidermiddlewares.depth.DepthMiddleware": None,
    "crawler.middlewares.traps.RecordingDepthMiddleware": 900,
    "crawler.middlewares.mirror.MirrorSpiderMiddleware": 10,  # last on the way out
}
EXTENSIONS["crawler.extensions.redirects.RedirectRecorder"] = 510
# A scrapyd job must name its database (crawler/extensions/node.py).
EXTENSIONS["crawler.extensions.node.NodeDatabaseGuard"] = 0

# Rate limits (crawler/middlewares/retryafter.py): a 429 or 503 with Retry-After pauses the whole
# site for that long before the retry; a Retry-After over NEWSDESK_RETRY_AFTER_MAX
# seconds is not waited for (the page is dropped as http_429 / http_503).
DOWNLOADER_MIDDLEWARES["scrapy.downloadermiddlewares.retry.RetryMiddleware"] = None
DOWNLOADER_MIDDLEWARES["crawler.middlewares.retryafter.RetryAfterMiddleware"] = 550
NEWSDESK_RETRY_AFTER_MAX = 120

# The archive (pipelines/archive.py, crawler/middlewares/archive.py): with NEWSDESK_ARCHIVE_DIR
# set (`crawl --archive DIR`), each page that gave a stored article or a revision is written
# there as a WARC record, in files of about NEWSDESK_ARCHIVE_MAX_BYTES per run and site, before
# the store commits the article. NEWSDESK_ARCHIVE_INDEX records the source WARC record of
# imported pages (`newsdesk import` turns it on).
ITEM_PIPELINES["pipelines.archive.ArchivePipeline"] = 290
SPIDER_MIDDLEWARES["crawler.middlewares.archive.ArchiveSpiderMiddleware"] = 20

# Errors per site (crawler/extensions/errors.py): the ERROR records of this crawl alone,
# where Scrapy's log_count/ERROR counts every crawl in the process.
EXTENSIONS["crawler.extensions.errors.ErrorCounter"] = 490
NEWSDESK_ARCHIVE_DIR = ""
NEWSDESK_ARCHIVE_MAX_BYTES = 1024 * 1024 * 1024
NEWSDESK_ARCHIVE_INDEX = False

# robots.txt answering 5xx disallows the whole site, as RFC 9309 says
# (crawler/middlewares/robots.py).
# After Scrapy's RobotsTxtMiddleware (100), which stays on.
DOWNLOADER_MIDDLEWARES["crawler.middlewares.robots.ServerErrorRobotsMiddleware"] = 110

# Memory (crawler/extensions/memory.py): every NEWSDESK_MEMORY_TRIM_INTERVAL seconds the C
# library returns the memory freed by extraction to the system (0: never); without it a
# crawl's resident size grew with the number of pages.
EXTENSIONS["crawler.extensions.memory.MemoryTrimmer"] = 530
NEWSDESK_MEMORY_TRIM_INTERVAL = 0.5
# Python's garbage collector while the engine runs (crawler/extensions/collector.py): start-up
# objects frozen out of full passes, the youngest generation collected every this many
# allocations (0: the collector left as it is).
EXTENSIONS["crawler.extensions.collector.CollectorTuning"] = 540
NEWSDESK_GC_THRESHOLD = 5000

# Extraction in worker processes (crawler/extract/pool.py): how many (-1: one per core;
# 0: in the crawl's own process), and after how many pages a worker is replaced by a
# fresh one (what extraction libraries keep between pages cannot grow with a crawl).
NEWSDESK_EXTRACT_WORKERS = -1
NEWSDESK_EXTRACT_WORKER_PAGES = 500
# A site whose usual page (the median of its last five) takes less than this many ms of CPU
# to extract is extracted in the crawl's own process: a worker costs more (0: always workers).
NEWSDESK_EXTRACT_INLINE_MS = 3.0
