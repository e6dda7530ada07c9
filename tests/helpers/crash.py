"""Crash tests: a victim process paused at a chosen SQL statement (or after a delay) and killed
with SIGKILL, so what it leaves behind can be checked."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

# Counts the statements the victim sends; at statement CRASH_AT (or the first one starting with
# CRASH_ON) it signals through a file and waits to be killed: statements before it have run,
# that one has not.
PRELUDE = """
import os, time
from pathlib import Path
from sqlalchemy import event
from models.db import get_engine
_n = [0]
_stop = int(os.environ.get("CRASH_AT") or 0)
_on = os.environ.get("CRASH_ON") or None
@event.listens_for(get_engine(), "before_cursor_execute")
def _pause(_conn, _cursor, statement, *_args):
    _n[0] += 1
    if _n[0] == _stop or (_on and statement.lstrip().upper().startswith(_on)):
        Path(os.environ["CRASH_READY"]).write_text(str(_n[0]))
        time.sleep(120)
"""
EPILOGUE = "\nprint('STATEMENTS', _n[0])\n"


@dataclass
class Victim:
    """How a victim run ended: killed (at a statement or after a delay) or ran to the end."""

    killed: bool
    statements: int | None


def run_victim(
    body: str,
    *,
    home: Path,
    db_url: str,
    crash_at: int | None = None,
    crash_on: str | None = None,
    kill_after: float | None = None,
) -> Victim:
    """Run PRELUDE + body + EPILOGUE in a new interpreter; SIGKILL it at statement `crash_at`,
    at the first statement starting with `crash_on`, or `kill_after` seconds after it started."""
    ready = home / f"ready-{time.monotonic_ns()}"
    started = home / f"started-{time.monotonic_ns()}"
    env = {
        **os.environ,
        "DAIHOI_HOME": str(home),
        "DAIHOI_DATABASE_URL": db_url,
        "CRASH_AT": str(crash_at or 0),
        "CRASH_ON": crash_on or "",
        "CRASH_READY": str(ready),
    }
    code = PRELUDE + f"Path({str(started)!r}).touch()\n" + body + EPILOGUE
    proc = subprocess.Popen(
        [sys.executable, "-c", code],
        env=env,
        cwd=home,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 60
    while proc.poll() is None and time.monotonic() < deadline:
        if (crash_at or crash_on) and ready.exists():
            break
        if kill_after is not None and started.exists():
            time.sleep(kill_after)
            break
        time.sleep(0.005)
    if proc.poll() is None:
        os.kill(proc.pid, signal.SIGKILL)
        proc.communicate()
        return Victim(killed=True, statements=None)
    out, err = proc.communicate()
    assert proc.returncode == 0, err[-3000:]
    count = next(int(line.split()[1]) for line in out.splitlines() if line.startswith("STATEMENTS"))
    return Victim(killed=False, statements=count)


def sqlite_integrity(db_url: str) -> str:
    """PRAGMA integrity_check of a SQLite URL's file (opening it recovers the WAL)."""
    path = db_url.removeprefix("sqlite:///")
    with sqlite3.connect(path) as conn:
        return str(conn.execute("PRAGMA integrity_check").fetchone()[0])
