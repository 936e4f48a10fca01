"""`newsdesk import`: WARC records through the same pipelines as a crawl, bad files skipped."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from crawler.cli import main
from tests.conftest import query, run_cli
from tests.warcfiles import (
    DEMO_ORIGIN,
    Page,
    demo_pages,
    golden_pages,
    other_record,
    response,
    write_warc,
)


def test_domains_and_limit_choose_the_records(tmp_path: Path) -> None:
    pages = [page for _, page, _ in golden_pages()][:3]
    warc = write_warc(tmp_path / "mixed.warc.gz", demo_pages() + pages)
    db = tmp_path / "news.db"
    result = run_cli(
        "import", str(warc), "--db", str(db), "--domains", "loopback-ledger.test", "--limit", "3"
    )
    assert result.returncode == 0, result.stderr[-2000:]
    sites = [row["site"] for row in query(db, "select site from articles")]
    assert sites == ["demo"] * 3


def broken_files(folder: Path) -> dict[str, Path]:
    """One file per kind of bad input, and a mixed file of records that are no article page."""
    good = demo_pages()[:3]
    files = {"mixed": folder / "mixed.warc.gz"}
    with open(files["mixed"], "wb") as handle:
        writer = WARCWriter(handle, gzip=True)
        writer.write_record(writer.create_warcinfo_record("mixed.warc.gz", {"software": "test"}))
        response(writer, good[0])
        other_record(writer, f"{DEMO_ORIGIN}/notes.txt", "resource")
        other_record(writer, "dns:loopback-ledger.test", "response")
        other_record(writer, f"{DEMO_ORIGIN}/meta", "metadata")
        http = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
        writer.write_record(writer.create_revisit_record(
            f"{DEMO_ORIGIN}/again.html", "sha1:AAAA", good[0].url, "2026-01-01T00:00:00Z", http
        ))  # fmt: skip
        response(writer, Page(f"{DEMO_ORIGIN}/report.pdf", b"%PDF-1.4 x", "application/pdf"))
        response(writer, Page(f"{DEMO_ORIGIN}/gone.html", b"<html>gone</html>", status=404))
    whole = write_warc(folder / "whole.warc.gz", good[1:]).read_bytes()
    files["truncated"] = folder / "truncated.warc.gz"
    files["truncated"].write_bytes(whole[:-300])  # the last gzip member cut
    plain = write_warc(folder / "plain.warc", good[1:], gzip=False).read_bytes()
    second = plain.index(b"WARC/1.0", 10)
    files["wrong_length"] = folder / "wrong-length.warc"
    files["wrong_length"].write_bytes(plain[:second] + plain[second:].replace(
        b"Content-Length: ", b"Content-Length: 9", 1))  # fmt: skip
    files["empty"] = folder / "empty.warc.gz"
    files["empty"].write_bytes(b"")
    files["not_warc"] = folder / "notes.warc"
    files["not_warc"].write_text("these are notes, not a web archive\n" * 20)
    return files


@pytest.fixture(scope="module")
def bad_import(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Path], str]:
    folder = tmp_path_factory.mktemp("bad")
    files = broken_files(folder)
    db = folder / "news.db"
    result = run_cli("import", *map(str, files.values()), "--db", str(db))
    assert result.returncode == 0, result.stderr[-2000:]
    assert "Traceback" not in result.stderr
    return db, files, result.stdout


def test_bad_records_and_files_are_skipped_with_a_reason(
    bad_import: tuple[Path, dict[str, Path], str],
) -> None:
    db, files, _ = bad_import
    drops = {row["url"]: row["reason"] for row in query(db, "select * from dropped_pages")}
    assert drops[f"{DEMO_ORIGIN}/notes.txt"] == "not_http"
    assert drops["dns:loopback-ledger.test"] == "not_http"
    assert drops[f"{DEMO_ORIGIN}/again.html"] == "revisit"
    assert drops[f"{DEMO_ORIGIN}/report.pdf"] == "not_html"
    assert drops[f"{DEMO_ORIGIN}/gone.html"] == "http_404"
    by_file = {name: drops.get(str(path.resolve())) for name, path in files.items()}
    assert by_file == {
        "mixed": None,
        "truncated": "warc_corrupt",
        "wrong_length": "warc_corrupt",
        "empty": "warc_unreadable",
        "not_warc": "warc_unreadable",
    }


def test_records_before_a_corrupt_point_are_kept(
    bad_import: tuple[Path, dict[str, Path], str],
) -> None:
    db, _, stdout = bad_import
    urls = Counter(row["url"] for row in query(db, "select url from articles"))
    good = [page.url for page in demo_pages()[:3]]
    # mixed: its one page; truncated: the first of two; wrong length: the first of two
    assert urls == Counter({good[0]: 1, good[1]: 1})
    assert "import: finished; 5 pages fetched, 2 new" in stdout
    run = query(db, "select * from crawl_runs")[0]
    assert (run["site"], run["status"], run["articles_new"]) == ("import", "finished", 2)


def test_unknown_site_is_one_line(tmp_path: Path) -> None:
    warc = write_warc(tmp_path / "demo.warc.gz", demo_pages()[:1])
    args = ["import", str(warc), "--db", str(tmp_path / "n.db"), "--site", "nosuch"]
    result = CliRunner().invoke(main, args)  # refused before any crawl starts
    assert result.exit_code == 1
    assert result.output.startswith("Error: unknown site 'nosuch' (declared: ")


def test_import_help_has_an_example() -> None:
    result = CliRunner().invoke(main, ["import", "-h"])
    assert result.exit_code == 0 and "Example: newsdesk import" in result.output


def short_length_warc(path: Path) -> Path:
    """Two demo pages in a plain WARC without digests, the first record's Content-Length 10
    bytes short: warcio reads on into the gap and writes a warning on stderr."""
    plain = write_warc(path.with_suffix(".tmp"), demo_pages()[:2], gzip=False).read_bytes()
    lines = [line for line in plain.split(b"\r\n") if not line.startswith(b"WARC-Block-Digest")
             and not line.startswith(b"WARC-Payload-Digest")]  # fmt: skip
    data = b"\r\n".join(lines)
    start = data.index(b"Content-Length: ") + len(b"Content-Length: ")
    stop = data.index(b"\r\n", start)
    path.write_bytes(data[:start] + str(int(data[start:stop]) - 10).encode() + data[stop:])
    return path


def test_a_record_of_wrong_length_is_a_drop_not_a_warning_on_stderr(tmp_path: Path) -> None:
    warc, db = short_length_warc(tmp_path / "short.warc"), tmp_path / "news.db"
    result = run_cli("import", str(warc), "--db", str(db))
    assert result.returncode == 0, result.stderr[-2000:]
    assert "Content-Length" not in result.stderr and "Remainder" not in result.stderr
    first, second = demo_pages()[:2]
    drops = query(db, "select url, reason, detail from dropped_pages")
    assert [(d["url"], d["reason"]) for d in drops] == [(first.url, "warc_corrupt")]
    assert "Content-Length is invalid" in drops[0]["detail"]
    assert [row["url"] for row in query(db, "select url from articles")] == [second.url]
