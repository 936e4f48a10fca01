"""Peak resident memory of one Python process, as the process itself saw it.

``python -c PEAK_RSS_WRAPPER MODULE PROG ARGS...`` runs ``python -m MODULE ARGS`` (with
``sys.argv[0]`` = PROG) and, at exit, prints ``PEAK <KiB>`` on stderr: the process's VmHWM,
read from /proc inside it. Not ``ru_maxrss`` from ``wait4``: on Linux a child's keeps the
parent's peak from before ``exec`` (pytest's, or a benchmark's own), which would hide the
process measured. Used by the memory tests and ``bench/warc_import.py``.
"""

from __future__ import annotations

import sys

PEAK_RSS_WRAPPER = """
import atexit, runpy, sys
def report():
    with open("/proc/self/status") as status:
        peak = next(line for line in status if line.startswith("VmHWM:"))
    sys.stderr.write("PEAK " + peak.split()[1] + "\\n")
atexit.register(report)
module, sys.argv = sys.argv[1], sys.argv[2:]
runpy.run_module(module, run_name="__main__")
"""


def measured(module: str, args: list[str], prog: str | None = None) -> list[str]:
    """The command that runs ``python -m MODULE ARGS`` and reports its peak at exit."""
    return [sys.executable, "-c", PEAK_RSS_WRAPPER, module, prog or module, *args]


def reported_peak_kib(output: str) -> int:
    """The peak resident memory (KiB) a :func:`measured` process printed."""
    return int(output.rsplit("PEAK ", 1)[1].split()[0])
