"""`newsdesk demo` (what `make demo` runs): it stores the demo site, says so, and the
search it suggests works as printed, also before the virtual environment is activated."""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT

SCRIPT = Path(sys.executable).parent / "newsdesk"


@pytest.mark.skipif(not SCRIPT.exists(), reason="the newsdesk console script is not installed")
def test_demo_twice_and_its_suggested_search_works_as_printed(tmp_path: Path) -> None:
    env = {**os.environ, "PATH": "/usr/bin:/bin"}  # as on a fresh shell: the venv not active
    command = [str(SCRIPT), "demo", "--db", str(tmp_path / "news.db")]
    first = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, env=env)
    assert first.returncode == 0, first.stderr[-2000:]
    assert "demo: finished;" in first.stdout and "15 new" in first.stdout
    second = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, env=env)
    assert "Nothing new: every article on the demo site is already stored" in second.stdout
    line = next(x for x in first.stdout.splitlines() if x.startswith("Example search: "))
    suggested = shlex.split(line.removeprefix("Example search: "))
    assert suggested[0] == str(SCRIPT)  # not a bare `newsdesk` the shell cannot find
    search = subprocess.run([*suggested, "--db", str(tmp_path / "news.db")], cwd=ROOT,
                            capture_output=True, text=True, env=env)  # fmt: skip
    assert search.returncode == 0 and "NATO Thinks" in search.stdout
    line = next(x for x in first.stdout.splitlines() if x.startswith("Read one in full: "))
    show = subprocess.run([*shlex.split(line.removeprefix("Read one in full: ")), "--db",
                           str(tmp_path / "news.db")], cwd=ROOT, capture_output=True, text=True,
                          env=env)  # fmt: skip
    assert show.returncode == 0 and "NATO Thinks" in show.stdout
    line = next(x for x in first.stdout.splitlines() if x.startswith("Read them in a browser: "))
    serve = shlex.split(line.removeprefix("Read them in a browser: ").split(" (")[0])
    assert serve[:2] == [str(SCRIPT), "serve"] and serve[serve.index("--db") + 1] == str(
        tmp_path / "news.db"
    )  # the command test_serve.py runs and reads in a browser
