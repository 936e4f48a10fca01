"""A hostile news site on 127.0.0.1: good articles mixed with every fault a crawler meets.

``python -m tests.faultserver [--port 0] [--log FILE]`` prints
``serving faults at http://127.0.0.1:PORT/`` once it listens; :class:`FaultServer`
runs it as a subprocess. Each fault is one path (see ``FAULTS`` in
tests/e2e/test_faults.py for what the crawler must make of each); ``GOOD`` lists
the articles that must be stored. The site is declared in
tests/fixtures/faultsites/faulty.toml.
"""

from __future__ import annotations

import argparse
import re
import socket
import struct
import sys
import threading
import time
import zlib
from collections import Counter
from collections.abc import Callable
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from crawler.demo.server import ServerProcess

RETRY_AFTER_SECONDS = 1  # what the flaky page asks for: a wait the crawl honours
STALL_SECONDS = 5.0  # longer than the download timeout the tests set (2 s)
HUGE_BYTES = 11 * 1024 * 1024  # over the 10 MB DOWNLOAD_MAXSIZE
BIG_BYTES = 9 * 1024 * 1024  # a big article page under DOWNLOAD_MAXSIZE (``--big-pages N``)
BOMB_MEMBER = 16 * 1024 * 1024  # one gzip member inflates to 16 MB ...
BOMB_MEMBERS = 64  # ... and 64 of them to 1 GB, from about 1 MB on the wire

#: Articles that must be stored, exactly once each (path -> title).
GOOD = {
    f"/news/good-{n}.html": title
    for n, title in enumerate(
        [
            "Harbour Bridge Reopens After Repairs",
            "Library Extends Weekend Opening Hours",
            "Tram Line Extension Wins Approval",
            "Orchard Growers Report Record Apple Harvest",
            "Lifeboat Crew Rescues Stranded Kayakers",
            "Museum Returns Carved Panels to Village",
        ],
        start=1,
    )
}
GOOD |= {
    "/news/flaky-503.html": "Water Board Lifts Hosepipe Ban",
    "/news/cp1252-as-utf8.html": "Café Owners Win “Best Breakfast” – Again",
    "/news/no-charset.html": "Naïve Artists Show Work in Old Mill",
    "/news/malformed.html": "Choir Sings in Flooded Cathedral",
    "/news/date-1900.html": "Clock Tower Restored to Working Order",
    "/news/date-2999.html": "Schools Trial Four-Day Week",
    "/news/date-garbage.html": "Farmers Market Moves to Town Square",
    "/news/canonical-port.html": "Ferry Timetable Changes for Winter",
    "/news/canonical-ipv6.html": "Allotment Waiting List Grows Longer",
    "/news/deep-jsonld.html": "Bakery Wins Regional Bread Award",
    "/news/canonical-home-1.html": "Swimming Pool Reopens With New Slide",
    "/news/canonical-home-2.html": "Cycle Lane Plan Goes Out to Consultation",
    "/news/refreshed.html": "Sailing Club Celebrates Its Centenary",
    "/news/canonical-other.html": "Parking Charges Rise in Town Centre",
}
#: Good articles reached only through a meta refresh (from /news/refresh.html).
ONLY_BY_REFRESH = {"/news/refreshed.html"}

#: Broken rel=canonical links: the article is stored under the URL it was fetched from.
BAD_CANONICAL = {
    "/news/canonical-port.html": "http://faulty.test:99999/news/elsewhere.html",
    "/news/canonical-ipv6.html": "http://[faulty.test/news/elsewhere.html",
    # Two stories whose canonical is the home page: each must keep its own URL.
    "/news/canonical-home-1.html": "http://faulty.test/",
    "/news/canonical-home-2.html": "/",
    # A story whose canonical names another story (with other text): each keeps its URL.
    "/news/canonical-other.html": "/news/good-1.html",
}


def article_html(title: str, published: str = "2026-11-20T08:00:00+00:00", meta: str = "") -> str:
    """An article page of the fault site: headline, byline, date and four paragraphs."""
    words = title.lower().replace("“", "").replace("”", "")
    paragraphs = "".join(
        f"<p>{text}</p>"
        for text in (
            f"{title}: the story everyone in town is talking about this week.",
            f"Residents said the news that {words} came as a surprise.",
            f"Officials promised a full statement on how {words} will affect the coming year.",
            "More details are expected at the council meeting on Thursday evening.",
        )
    )
    return (
        f"<!doctype html><html lang='en'><head>{meta}<title>{title}</title></head><body>"
        f"<article><h1 class='headline'>{title}</h1>"
        f"<p class='byline'>By <span class='author'>Ann Lee</span></p>"
        f"<time class='published' datetime='{published}'>{published}</time>"
        f"<div class='story-body'>{paragraphs}</div></article></body></html>"
    )


def big_article_html(title: str, size: int = BIG_BYTES) -> str:
    """An article page of about ``size`` bytes whose story body holds all of it (some 1.5M
    words at 9 MB): every per-page stage sees a huge text."""
    filler = "<p>" + "The council report runs on, page after page, with more figures. " * 6 + "</p>"
    story = article_html(title)
    count = max(0, (size - len(story)) // len(filler))
    return story.replace("</div></article>", filler * count + "</div></article>")


def big_title(path: str) -> str:
    """The headline of a big page: ``/news/big-2.html`` -> ``Big Report Number 2``."""
    return f"Big Report Number {path.removeprefix('/news/big-').removesuffix('.html')}"


def _gzip_bomb() -> bytes:
    member = zlib.compressobj(9, zlib.DEFLATED, 31)
    data = member.compress(b"A" * BOMB_MEMBER) + member.flush()
    return data * BOMB_MEMBERS  # concatenated gzip members are one valid gzip stream


BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE urlset [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
 <url><loc>http://faulty.test/news/lol-&lol9;.html</loc></url>
 <url><loc>http://faulty.test/news/good-5.html</loc><lastmod>2026-11-25</lastmod></url>
</urlset>
"""

SITEMAP = """<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
 <url><loc>http://faulty.test/news/good-1.html</loc><lastmod>2026-11-27</lastmod></url>
 <url><loc>http://faulty.test/news/good-6.html</loc><lastmod>2026-11-26</lastmod></url>
 <url><loc>http://faulty.test/news/date-2999.html</loc></url>
</urlset>
"""

#: A sitemap whose dates no W3C or RFC 822 reader accepts: read at once, its entries undated.
UNREADABLE_DATES_ENTRIES = 5_000
SITEMAP_UNREADABLE_DATES = (
    '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
    + "".join(
        f"<url><loc>http://faulty.test/tags/topic-{n}.html</loc>"
        f"<lastmod>the {n}th day after the flood</lastmod></url>"
        for n in range(UNREADABLE_DATES_ENTRIES)
    )
    + "<url><loc>http://faulty.test/news/good-4.html</loc><lastmod>gestern</lastmod></url>"
    + "</urlset>"
)

#: JSON-LD that no recursive reader survives: one block nested 100,000 deep (json.loads
#: raises RecursionError), one article object whose author, keywords and image are nested
#: 600 deep (loaded, but deeper than Python frames allow to walk twice over).
DEEP_JSONLD = (
    '<script type="application/ld+json">' + "[" * 100_000 + "]" * 100_000 + "</script>"
    '<script type="application/ld+json">{"@type": "NewsArticle", "headline": "Deep", '
    + ", ".join(f'"{key}": ' + "[" * 600 + '"x"' + "]" * 600
                for key in ("author", "keywords", "image", "publisher"))  # fmt: skip
    + "}</script>"
)

#: A .xml.gz whose gzip stream breaks off, and a sitemap URL that answers with an HTML page.
CORRUPT_GZIP = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03" + bytes(range(7, 200))
HTML_SITEMAP = (
    "<!doctype html><html><body><h1>Site map</h1><a href='/news/good-1.html'>x</a></body></html>"
)
EMPTY_SITEMAP = '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"></urlset>'

#: A removed story answered with the site's error page and status 200.
SOFT_404 = (
    "<!doctype html><html lang='en'><head><title>Page not found | The Faulty Gazette</title>"
    "</head><body><nav><a href='/'>Home</a> <a href='/archive/page/1.html'>Archive</a></nav>"
    "<main><h1>Page not found</h1><p>Sorry, the page you were looking for has moved or no "
    "longer exists. Try the search box above, or browse the latest news from our newsroom "
    "on the home page.</p><p>If you followed a link from another site, please let them know "
    "that it is out of date.</p></main></body></html>"
)

ROBOTS = "User-agent: *\nDisallow: /news/members/\n"

MALFORMED = (
    b"<html><head><title>Choir Sings in Flooded Cathedral</title><body><div><div>"
    b"<article><h1 class='headline'>Choir Sings in Flooded Cathedral</h1>"
    b"<p class='byline'>By <span class='author'>Ann Lee</p>"
    b"<time class='published' datetime='2026-11-19'>19 Nov</time>"
    b"<div class='story-body'><p>The choir sang on, ankle-deep in water, \xff\xfe\x00 as the "
    b"river rose.<p>Nobody left <b>before the last hymn</i>, the organist said."
    b"</span></table><p>A collection raised money for repairs \x01\x02 to the nave."
    b"<p>The cathedral reopens next month</div></div></html></html> trailing \xc3 bytes"
)


class FaultHandler(BaseHTTPRequestHandler):
    """One method per kind of response; ``routes`` maps each path to one."""

    server: FaultHTTPServer
    arrived: float  # when the request being answered arrived (time.time())
    protocol_version = "HTTP/1.0"

    def do_GET(self) -> None:
        path = self.path.split("?")[0]
        self.arrived = self.server.count(self.path)
        route = ROUTES.get(path)
        if route is None and path.startswith(("/archive/page/", "/calendar/")):
            route = FaultHandler.trap
        if route is None and path in self.server.big_paths():
            route = FaultHandler.big
        (route or FaultHandler.not_found)(self)

    # -- helpers ---------------------------------------------------------------

    def send(self, status: int, body: bytes, content_type: str, **headers: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers.items():
            self.send_header(name.replace("_", "-"), value)
        self.end_headers()
        self.wfile.write(body)

    def html(self, text: str, status: int = 200, **headers: str) -> None:
        self.send(status, text.encode("utf-8"), "text/html; charset=utf-8", **headers)

    def page(self) -> None:
        self.html(article_html(GOOD[self.path.split("?")[0]]))

    def log_message(self, format: str, *args: Any) -> None:
        """Requests are counted, not logged."""

    # -- the site ----------------------------------------------------------------

    def home(self) -> None:
        linked = [path for path in GOOD if path not in ONLY_BY_REFRESH]
        links = [*linked, *FAULT_PATHS, "/news/moved.html", "/archive/page/1.html",
                 "/calendar/2026-11-28/", *self.server.big_paths()]  # fmt: skip
        items = "".join(f"<li><a href='{link}'>{link}</a></li>" for link in links)
        self.html(f"<html><body><h1>Faulty Gazette</h1><ul>{items}</ul></body></html>")

    def robots(self) -> None:
        if self.server.robots_status != 200:  # RFC 9309: a 5xx robots.txt disallows all
            self.html("<html><body>Service unavailable</body></html>", self.server.robots_status)
            return
        self.send(200, self.server.robots_text.encode(), "text/plain")

    def sitemap(self) -> None:
        self.send(200, SITEMAP.encode(), "application/xml")

    def sitemap_unreadable_dates(self) -> None:
        self.send(200, SITEMAP_UNREADABLE_DATES.encode(), "application/xml")

    def meta_refresh(self) -> None:
        """An old URL whose page sends the browser on to the story (an alias of it)."""
        refresh = "<meta http-equiv='refresh' content='0; url=/news/refreshed.html'>"
        self.html(f"<html><head>{refresh}</head><body>Moved</body></html>")

    def soft_404(self) -> None:
        self.html(SOFT_404)

    def removed_to_home(self) -> None:
        """A removed story redirected to the home page (a soft-404 too)."""
        self.redirect("/", 302)

    def sitemap_corrupt_gzip(self) -> None:
        self.send(200, CORRUPT_GZIP, "application/gzip")

    def sitemap_html(self) -> None:
        self.html(HTML_SITEMAP)

    def sitemap_empty(self) -> None:
        self.send(200, EMPTY_SITEMAP.encode(), "application/xml")

    def sitemap_moved(self) -> None:
        self.redirect("/pages/site-map.html", 301)

    def sitemap_bomb(self) -> None:
        self.send(200, BILLION_LAUGHS.encode(), "application/xml")

    def not_found(self) -> None:
        self.html("<html><body>Not here</body></html>", 404)

    # -- faults ----------------------------------------------------------------

    def flaky(self) -> None:
        """503 with Retry-After on the first request, the article afterwards."""
        if self.server.hits[self.path] == 1:
            busy = "<html><body>Busy</body></html>"
            self.html(busy, 503, Retry_After=str(RETRY_AFTER_SECONDS))
        else:
            self.page()

    def error_500(self) -> None:
        self.html("<html><body>Server error</body></html>", 500, Retry_After="120")

    def error_503(self) -> None:
        """A wait longer than NEWSDESK_RETRY_AFTER_MAX: dropped at once, never waited for."""
        self.html("<html><body>Down for maintenance</body></html>", 503, Retry_After="3600")

    def busy(self) -> None:
        """An unreadable Retry-After: retried at once, as if there were none."""
        self.html("<html><body>Busy</body></html>", 503, Retry_After="soon")

    def rate_limited(self) -> None:
        """429 always, with Retry-After as an HTTP-date 2-3 s ahead (see :func:`limited_until`)."""
        until = formatdate(limited_until(self.arrived), usegmt=True)
        self.html("<html><body>Slow down</body></html>", 429, Retry_After=until)

    def gone(self) -> None:
        self.html("<html><body>Gone</body></html>", 410)

    def stall(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", "5000")
        self.end_headers()
        self.wfile.write(b"<html><body><h1 class='headline'>Slow")
        self.wfile.flush()
        time.sleep(STALL_SECONDS)

    def _partial(self, declared: int) -> None:
        body = article_html("Partial Page").encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(declared))
        self.end_headers()
        self.wfile.write(body[: len(body) // 2])
        self.wfile.flush()

    def reset(self) -> None:
        """Half the body, then a TCP reset (SO_LINGER 0)."""
        self._partial(20_000)
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.wfile.close()  # the socket closes (and resets) only once its files are closed
        self.rfile.close()
        self.connection.close()

    def truncated(self) -> None:
        """Content-Length promises more than is sent; the connection closes cleanly."""
        self._partial(20_000)

    def cp1252_as_utf8(self) -> None:
        body = article_html(GOOD[self.path]).encode("cp1252")
        self.send(200, body, "text/html; charset=utf-8")

    def no_charset(self) -> None:
        self.send(200, article_html(GOOD[self.path]).encode("cp1252"), "text/html")

    def pdf(self) -> None:
        self.send(200, b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n", "application/pdf")

    def image(self) -> None:
        self.send(200, b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "image/png")

    def big(self) -> None:
        self.html(big_article_html(big_title(self.path)))

    def huge(self) -> None:
        filler = "<p>" + "Filler text for a page that is far too large. " * 20 + "</p>"
        body = article_html("Huge Page").replace("</body>", filler * 20_000 + "</body>")
        self.html(body[:HUGE_BYTES] if len(body) > HUGE_BYTES else body.ljust(HUGE_BYTES))

    def huge_streamed(self) -> None:
        """Over the size limit, without a Content-Length: only counting bytes can stop it."""
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.end_headers()
        chunk = b"<p>" + b"Streaming filler. " * 3000 + b"</p>"
        sent = 0
        try:
            while sent < HUGE_BYTES * 2:
                self.wfile.write(chunk)
                sent += len(chunk)
        except OSError:
            pass

    def gzip_bomb(self) -> None:
        self.send(200, self.server.bomb, "text/html; charset=utf-8", Content_Encoding="gzip")

    def redirect(self, location: str, status: int = 302) -> None:
        self.send_response(status)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def loop_a(self) -> None:
        self.redirect("/news/loop-b.html")

    def loop_b(self) -> None:
        self.redirect("/news/loop-a.html")

    def chain(self) -> None:
        step = int(self.path.partition("?n=")[2] or 0)
        self.redirect(f"/news/chain.html?n={step + 1}")

    def offsite(self) -> None:
        self.redirect("http://elsewhere.invalid/news/away.html")

    def moved(self) -> None:
        self.redirect("/news/good-2.html", 301)

    def members(self) -> None:
        self.html(article_html("Members Only Story"))

    def trap(self) -> None:
        """An endless archive: every page links to the next (and the calendar to both days)."""
        numbers = [int(n) for n in re.findall(r"\d+", self.path)]
        if self.path.startswith("/archive/"):
            links = [f"/archive/page/{numbers[0] + 1}.html"]
        else:
            year, month, day = numbers[:3]
            day_number = year * 372 + month * 31 + day
            links = [f"/calendar/{_day(day_number - 1)}/", f"/calendar/{_day(day_number + 1)}/"]
        items = "".join(f"<a href='{link}'>{link}</a>" for link in [*links, "/news/good-3.html"])
        self.html(f"<html><body>{items}</body></html>")

    def date_page(self) -> None:
        dates = {"/news/date-1900.html": "1900-01-01T00:00:00+00:00",
                 "/news/date-2999.html": "2999-12-31T00:00:00+00:00",
                 "/news/date-garbage.html": "the day after the flood, 99:99"}  # fmt: skip
        self.html(article_html(GOOD[self.path], published=dates[self.path]))

    def bad_canonical(self) -> None:
        link = f"<link rel='canonical' href='{BAD_CANONICAL[self.path]}'>"
        self.html(article_html(GOOD[self.path], meta=link))

    def deep_jsonld(self) -> None:
        self.html(article_html(GOOD[self.path], meta=DEEP_JSONLD))

    def malformed(self) -> None:
        self.send(200, MALFORMED, "text/html; charset=utf-8")


def limited_until(arrived: float) -> float:
    """When the 429 page asks to be retried: the start of the third second after the
    request ``arrived`` (an HTTP-date has whole seconds), so 2-3 s after it. At 1-2 s a
    crawl on a loaded machine sometimes read the answer once that time had passed, and
    rightly did not wait."""
    return float(int(arrived) + 3)


def _day(number: int) -> str:
    """A calendar-ish date from a day number (the trap never ends: it need not be real)."""
    year, rest = divmod(number, 372)
    month, day = divmod(rest, 31)
    return f"{year:04d}-{month:02d}-{day:02d}"


#: Bad pages linked from the home page.
FAULT_PATHS = [
    "/news/down-500.html",
    "/news/gone-503.html",
    "/news/busy-503.html",
    "/news/limited-429.html",
    "/news/missing-404.html",
    "/news/removed-410.html",
    "/news/stall.html",
    "/news/reset.html",
    "/news/truncated.html",
    "/news/annual-report.html",
    "/news/photo.html",
    "/news/huge.html",
    "/news/huge-streamed.html",
    "/news/gzip-bomb.html",
    "/news/loop-a.html",
    "/news/chain.html",
    "/news/away.html",
    "/news/members/secret.html",
    "/news/vanished.html",
    "/news/removed-story.html",
    "/news/refresh.html",
]

ROUTES: dict[str, Callable[[FaultHandler], None]] = {
    "/": FaultHandler.home,
    "/robots.txt": FaultHandler.robots,
    "/sitemap.xml": FaultHandler.sitemap,
    "/sitemap-bomb.xml": FaultHandler.sitemap_bomb,
    "/sitemap-dates.xml": FaultHandler.sitemap_unreadable_dates,
    "/sitemap-corrupt.xml.gz": FaultHandler.sitemap_corrupt_gzip,
    "/sitemap-html.xml": FaultHandler.sitemap_html,
    "/pages/site-map.html": FaultHandler.sitemap_html,
    "/sitemap-empty.xml": FaultHandler.sitemap_empty,
    "/sitemap-moved.xml": FaultHandler.sitemap_moved,
    **{path: FaultHandler.page for path in GOOD if path.startswith("/news/good-")},
    "/news/flaky-503.html": FaultHandler.flaky,
    "/news/cp1252-as-utf8.html": FaultHandler.cp1252_as_utf8,
    "/news/no-charset.html": FaultHandler.no_charset,
    "/news/malformed.html": FaultHandler.malformed,
    "/news/vanished.html": FaultHandler.soft_404,
    "/news/refresh.html": FaultHandler.meta_refresh,
    "/news/refreshed.html": FaultHandler.page,
    "/news/removed-story.html": FaultHandler.removed_to_home,
    "/news/deep-jsonld.html": FaultHandler.deep_jsonld,
    "/news/date-1900.html": FaultHandler.date_page,
    "/news/date-2999.html": FaultHandler.date_page,
    "/news/date-garbage.html": FaultHandler.date_page,
    **{path: FaultHandler.bad_canonical for path in BAD_CANONICAL},
    "/news/down-500.html": FaultHandler.error_500,
    "/news/gone-503.html": FaultHandler.error_503,
    "/news/busy-503.html": FaultHandler.busy,
    "/news/limited-429.html": FaultHandler.rate_limited,
    "/news/removed-410.html": FaultHandler.gone,
    "/news/stall.html": FaultHandler.stall,
    "/news/reset.html": FaultHandler.reset,
    "/news/truncated.html": FaultHandler.truncated,
    "/news/annual-report.html": FaultHandler.pdf,
    "/news/photo.html": FaultHandler.image,
    "/news/huge.html": FaultHandler.huge,
    "/news/huge-streamed.html": FaultHandler.huge_streamed,
    "/news/gzip-bomb.html": FaultHandler.gzip_bomb,
    "/news/loop-a.html": FaultHandler.loop_a,
    "/news/loop-b.html": FaultHandler.loop_b,
    "/news/chain.html": FaultHandler.chain,
    "/news/away.html": FaultHandler.offsite,
    "/news/moved.html": FaultHandler.moved,
    "/news/members/secret.html": FaultHandler.members,
}


class FaultHTTPServer(ThreadingHTTPServer):
    """Counts requests per path (``hits``) and appends them to ``log`` when given, one
    ``TIME PATH`` line each (TIME: seconds since the epoch, when the request arrived)."""

    daemon_threads = True
    request_queue_size = 64  # at the default 5, dropped SYNs hold requests back 1 s

    def __init__(
        self,
        port: int,
        log: Path | None,
        robots_status: int = 200,
        robots_text: str = ROBOTS,
        big_pages: int = 0,
    ) -> None:
        super().__init__(("127.0.0.1", port), FaultHandler)
        self.big_pages = big_pages
        self.robots_status = robots_status
        self.robots_text = robots_text
        self.hits: Counter[str] = Counter()
        self.lock = threading.Lock()
        self.log = log.open("a", encoding="utf-8") if log else None
        self.bomb = _gzip_bomb()

    def big_paths(self) -> list[str]:
        """The big article pages served (``--big-pages``)."""
        return [f"/news/big-{n}.html" for n in range(1, self.big_pages + 1)]

    def count(self, path: str) -> float:
        """Count a request to ``path``; the time it arrived."""
        with self.lock:
            arrived = time.time()
            self.hits[path] += 1
            if self.log is not None:
                self.log.write(f"{arrived:.3f} {path}\n")
                self.log.flush()
        return arrived

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that gave up (timeouts, size limits) is expected here: stay quiet."""


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--log", type=Path, help="append each requested path to this file")
    parser.add_argument("--robots-status", type=int, default=200, help="answer robots.txt so")
    parser.add_argument("--robots-text", default=ROBOTS, help="robots.txt, when answered 200")
    parser.add_argument("--big-pages", type=int, default=0, help="serve N pages of ~9 MB")
    args = parser.parse_args(argv)
    server = FaultHTTPServer(
        args.port, args.log, args.robots_status, args.robots_text, args.big_pages
    )
    print(f"serving faults at http://127.0.0.1:{server.server_address[1]}/", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


class FaultServer(ServerProcess):
    """Run the fault site in a subprocess; ``url`` is its origin."""

    def __init__(
        self,
        log: Path | None = None,
        robots_status: int = 200,
        robots_text: str = ROBOTS,
        big_pages: int = 0,
    ) -> None:
        command = [sys.executable, "-m", "tests.faultserver", "--robots-status", str(robots_status),
                   "--robots-text", robots_text, "--big-pages", str(big_pages)]  # fmt: skip
        if log:
            command += ["--log", str(log)]
        super().__init__(command, cwd=Path(__file__).resolve().parent.parent)


if __name__ == "__main__":
    main()
