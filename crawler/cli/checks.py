"""Checking a crawl's command-line input before Scrapy starts, so mistakes are one line.

Scrapy reads settings deep inside its components: ``-s DOWNLOAD_TIMEOUT=soon``
would surface as a traceback in the log. Each check here raises
:func:`~crawler.cli.app.fail` with the option and the value named instead.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import click

from crawler.cli.app import fail, usage_error

if TYPE_CHECKING:
    from scrapy.settings import Settings


def _kind(default: Any) -> str | None:
    """What an override of a setting whose default is ``default`` must be.

    >>> _kind(True), _kind(30), _kind(0.5), _kind("x"), _kind(None)
    ('true or false', 'a number', 'a number', None, None)
    """
    if isinstance(default, bool):
        return "true or false"
    if isinstance(default, int | float):
        return "a number"  # Scrapy reads many integer defaults as floats (DOWNLOAD_DELAY)
    return None


def parse_overrides(overrides: tuple[str, ...], defaults: Settings) -> dict[str, str]:
    """The ``-s NAME=VALUE`` pairs as a dict, each checked by :func:`check_overrides`."""
    values: dict[str, str] = {}
    for pair in overrides:
        name, sep, value = pair.partition("=")
        if not sep or not name:
            raise click.BadParameter(f"expected NAME=VALUE, got {pair!r}", param_hint="-s")
        values[name] = value
    check_overrides(values, defaults)
    return values


def check_overrides(values: dict[str, str], defaults: Settings) -> None:
    """Every ``-s NAME=VALUE`` for a boolean or numeric setting must parse as one."""
    from scrapy.settings import Settings

    for name, value in values.items():
        kind = _kind(defaults.get(name))
        if kind is None:
            continue
        probe = Settings({name: value})
        try:
            probe.getbool(name) if kind == "true or false" else probe.getfloat(name)
        except ValueError:
            raise usage_error(f"-s {name}={value}: expected {kind}") from None


def check_base_url(url: str | None) -> None:
    """``--base-url`` must be an http(s) origin such as http://127.0.0.1:8000."""
    if url is None:
        return
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise usage_error(f"--base-url {url}: expected an http(s) URL such as http://127.0.0.1:8000")
    try:
        parts.port  # noqa: B018 - raises on a port out of range
    except ValueError as exc:
        raise usage_error(f"--base-url {url}: {exc}") from None


def check_log_file(path: str) -> None:
    """The log file's folder is created and the file can be appended to."""
    try:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        with open(path, "a", encoding="utf-8"):
            pass
    except OSError as exc:
        raise fail(f"{path}: cannot write the log: {exc.strerror or exc}") from None
