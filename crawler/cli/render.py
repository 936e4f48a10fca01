"""Turning query results into output: rich tables on a terminal, JSON/CSV for programs."""

from __future__ import annotations

import csv
import json
import re
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, TypeVar

import click
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.text import Text

# Marks around highlighted words that the terminal rendering turns into styles;
# control characters, so article text cannot forge them.
MARK_OPEN, MARK_CLOSE = "\x02", "\x03"
_MARKED = re.compile(f"{MARK_OPEN}(.*?){MARK_CLOSE}", re.DOTALL)
F = TypeVar("F", bound=Callable[..., Any])
SPARKS = "▁▂▃▄▅▆▇█"
BLOCKS = " ▏▎▍▌▋▊▉█"


def console() -> Console:
    return Console(highlight=False, emoji=False)


@contextmanager
def progress_bar(what: str, total: int | None, unit: str) -> Iterator[Callable[[], None]]:
    """A progress bar on stderr (done/total, rate, elapsed, time left); yields the
    function that counts one more done."""
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn(unit),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=Console(stderr=True), transient=False) as progress:
        task = progress.add_task(what, total=total)
        yield lambda: progress.advance(task)


def marked_text(text: str, style: str = "bold yellow") -> Text:
    """``text`` with the parts between highlight marks styled.

    >>> marked_text("a \\x02b\\x03 c").spans
    [Span(2, 3, 'bold yellow')]
    """
    result = Text()
    position = 0
    for match in _MARKED.finditer(text):
        result.append(text[position : match.start()])
        result.append(match[1], style=style)
        position = match.end()
    result.append(text[position:])
    return result


def sparkline(values: Sequence[int]) -> str:
    """One character per value, its height proportional to the value; ``·`` for zero.

    >>> sparkline([0, 1, 4, 8])
    '·▁▄█'
    """
    top = max(values, default=0) or 1
    return "".join(
        SPARKS[max(0, round(v / top * len(SPARKS)) - 1)] if v else "·" for v in values
    )


def buckets(values: Sequence[int], width: int) -> tuple[list[int], int]:
    """``values`` summed in runs of equal length so that at most ``width`` remain.

    Returns the sums and the run length.

    >>> buckets([1, 2, 3, 4, 5], 2)
    ([6, 9], 3)
    >>> buckets([1, 2], 5)
    ([1, 2], 1)
    """
    size = max(1, -(-len(values) // width))
    return [sum(values[i : i + size]) for i in range(0, len(values), size)], size


def bar(value: int, top: int, width: int = 30) -> str:
    """A horizontal bar ``width`` characters long at ``top``, in eighths of a character.

    >>> bar(4, 8, 4), bar(1, 8, 4), bar(0, 8, 4)
    ('██', '▌', '')
    """
    eighths = round(value / (top or 1) * width * 8)
    return ("█" * (eighths // 8) + BLOCKS[eighths % 8]).rstrip()


def write_json(rows: list[dict[str, Any]] | dict[str, Any]) -> None:
    click.echo(json.dumps(rows, ensure_ascii=False, indent=2))


def write_jsonl(rows: Iterable[dict[str, Any]]) -> None:
    for row in rows:
        click.echo(json.dumps(row, ensure_ascii=False))


def write_csv(rows: list[dict[str, Any]], columns: Sequence[str]) -> None:
    writer = csv.DictWriter(sys.stdout, fieldnames=list(columns), extrasaction="ignore")
    writer.writeheader()
    for row in rows:
        writer.writerow(
            {k: json.dumps(v, ensure_ascii=False) if isinstance(v, list | dict) else v
             for k, v in row.items()}
        )
