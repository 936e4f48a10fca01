"""Start-up time of every newsdesk command: CPU and wall seconds of the whole process.

Each command runs as a user runs it (the installed ``newsdesk`` script), ``--reps``
times after one warm-up; the figures are medians of the process's own CPU time
(user + system, from ``wait4``) and wall time. The baseline in the same run is the
interpreter starting and importing click (``python -c "import click"``): what any
click command costs before it does anything. Target: every command, ``--help``
included, in at most 0.35 s of wall time, on an idle machine (on a shared one the wall
time also holds the waits for a core). The CPU time can exceed the wall time: numpy
(imported by sqlite-utils) starts its math library's threads.

    .venv/bin/python bench/startup.py --db output/news.db
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

TARGET_SECONDS = 0.35
ROOT = Path(__file__).resolve().parent.parent


def commands(db: str) -> dict[str, list[str]]:
    newsdesk = shutil.which("newsdesk", path=str(Path(sys.executable).parent)) or "newsdesk"
    runs = {
        "newsdesk --help": ["--help"],
        "newsdesk sites": ["sites"],
        "newsdesk search WORD": ["search", "river", "--db", db, "-f", "json"],
        "newsdesk show 1": ["show", "1", "--db", db, "-f", "json"],
        "newsdesk stats": ["stats", "--db", db, "-f", "json"],
        "newsdesk runs": ["runs", "--db", db],
    }
    for name in ("crawl", "sites", "demo", "dispatch", "eval", "import", "merge",
                 "reextract", "export", "runs", "schedule", "search", "serve", "show",
                 "stats"):  # fmt: skip
        runs[f"newsdesk {name} -h"] = [name, "-h"]
    return {label: [newsdesk, *args] for label, args in runs.items()}


def timed(command: list[str]) -> tuple[float, float]:
    """CPU seconds (user + system) and wall seconds of one run of ``command``."""
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)  # fmt: skip
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) not in (0, 1):
        raise SystemExit(f"{' '.join(command)}: exit status {status}")
    return usage.ru_utime + usage.ru_stime, wall


def medians(command: list[str], reps: int) -> tuple[float, float]:
    timed(command)  # warm-up: file caches
    runs = [timed(command) for _ in range(reps)]
    return statistics.median(c for c, _ in runs), statistics.median(w for _, w in runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default="output/news.db", help="a crawled database")
    parser.add_argument("--reps", type=int, default=7)
    args = parser.parse_args()
    base_cpu, base_wall = medians([sys.executable, "-c", "import click"], args.reps)
    print(f"baseline (python -c 'import click'): cpu {base_cpu:.3f} s, wall {base_wall:.3f} s")
    print("| command | cpu s (median) | wall s (median) | cpu / baseline | wall ≤ 0.35 s |")
    print("| --- | --- | --- | --- | --- |")
    for label, command in commands(args.db).items():
        cpu, wall = medians(command, args.reps)
        verdict = "met" if wall <= TARGET_SECONDS else "missed"
        print(f"| `{label}` | {cpu:.3f} | {wall:.3f} | {cpu / base_cpu:.1f}× | {verdict} |",
              flush=True)  # fmt: skip


if __name__ == "__main__":
    main()
