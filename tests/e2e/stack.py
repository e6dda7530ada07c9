"""What the e2e tests start and stop: PostgreSQL databases, Prefect CLI processes, HTTP polls.

Every process is started in its own session (process group) and stopped with its whole group
and every descendant (Prefect starts flow runs in sessions of their own), so a failed test
leaves nothing running.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

from sqlalchemy import make_url, text

from models.db import build_engine

DEFAULT_ADMIN_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
LOOPBACK = "127.0.0.1"


def admin_url() -> str:
    """The PostgreSQL URL the test creates its databases through (CI's `db` test URL)."""
    return os.environ.get("DAIHOI_TEST_DATABASE_URL", DEFAULT_ADMIN_URL)


def postgres_reachable(url: str) -> bool:
    """Whether PostgreSQL answers at the URL's host and port."""
    parsed = make_url(url)
    try:
        with socket.create_connection((parsed.host or LOOPBACK, parsed.port or 5432), timeout=2):
            return True
    except OSError:
        return False


@contextmanager
def scratch_database(prefix: str) -> Iterator[str]:
    """A new, empty PostgreSQL database (its psycopg URL), dropped on exit even when in use."""
    base = make_url(admin_url())
    name = f"{prefix}_{uuid.uuid4().hex[:8]}"
    admin = build_engine(base.render_as_string(hide_password=False))
    try:
        with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        yield base.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def free_port() -> int:
    """A TCP port free on the loopback interface right now."""
    with socket.socket() as s:
        s.bind((LOOPBACK, 0))
        return int(s.getsockname()[1])


def _children() -> dict[int, list[int]]:
    """Parent pid → child pids, from /proc (Linux); empty elsewhere."""
    tree: dict[int, list[int]] = {}
    for entry in Path("/proc").glob("[0-9]*/stat"):
        with suppress(OSError, ValueError, IndexError):
            # The command name may hold spaces: the parent pid is the 2nd field after ')'.
            ppid = int(entry.read_text().rsplit(")", 1)[1].split()[1])
            tree.setdefault(ppid, []).append(int(entry.parent.name))
    return tree


def descendants(pid: int) -> list[int]:
    """Every process below `pid`, whatever session it moved into."""
    tree, found, todo = _children(), [], [pid]
    while todo:
        for child in tree.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


class Processes:
    """Background processes of a test, with their logs; `stop_all` ends every one of them."""

    def __init__(self, logs: Path) -> None:
        self.logs = logs
        self.started: list[tuple[str, subprocess.Popen[bytes]]] = []

    def start(self, name: str, args: list[str], *, env: dict[str, str], cwd: Path) -> None:
        """Start `args` in a new session, stdout and stderr into <logs>/<name>.log."""
        with (self.logs / f"{name}.log").open("wb") as log:
            proc = subprocess.Popen(
                args, env=env, cwd=cwd, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )
        self.started.append((name, proc))

    def stop_all(self, grace: float = 10.0) -> None:
        """SIGTERM each process group and every descendant; SIGKILL what outlives `grace`."""
        victims: set[int] = set()
        for _name, proc in reversed(self.started):
            if proc.poll() is None:
                victims.update([proc.pid, *descendants(proc.pid)])
        for pid in victims:
            with suppress(ProcessLookupError, PermissionError):
                os.killpg(pid, signal.SIGTERM)
            with suppress(ProcessLookupError, PermissionError):
                os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + grace
        for _name, proc in self.started:
            with suppress(subprocess.TimeoutExpired):
                proc.wait(timeout=max(0.1, deadline - time.monotonic()))
        while time.monotonic() < deadline and any(_alive(pid) for pid in victims):
            time.sleep(0.2)
        for pid in victims:
            if _alive(pid):
                with suppress(ProcessLookupError, PermissionError):
                    os.kill(pid, signal.SIGKILL)
        for _name, proc in self.started:
            if proc.poll() is None:
                proc.kill()
            proc.wait(timeout=10)

    def tails(self, lines: int = 40) -> str:
        """The last lines of every log, for a failure message."""
        parts = []
        for name, _proc in self.started:
            text_ = (self.logs / f"{name}.log").read_text(encoding="utf-8", errors="replace")
            parts.append(f"--- {name} ---\n" + "\n".join(text_.splitlines()[-lines:]))
        return "\n".join(parts)


def _alive(pid: int) -> bool:
    """Whether a process exists and is not a zombie."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"


def prefect_cli(
    args: list[str], *, env: dict[str, str], cwd: Path, timeout: float
) -> subprocess.CompletedProcess[str]:
    """Run `prefect ARGS` to completion (a failure raises with its output)."""
    result = subprocess.run(
        [sys.executable, "-m", "prefect", *args],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        start_new_session=True,
    )
    if result.returncode != 0:
        raise AssertionError(
            f"prefect {' '.join(args)} exited {result.returncode}:\n{result.stdout}\n{result.stderr}"
        )
    return result


def get_json(url: str) -> Any:
    """GET a JSON document."""
    with urllib.request.urlopen(url, timeout=5) as response:
        return json.loads(response.read())


def wait_for_health(api: str, *, seconds: float, server: subprocess.Popen[bytes]) -> None:
    """Poll <api>/health until it answers, the server dies, or `seconds` pass."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise AssertionError(f"the Prefect server exited with {server.returncode}")
        with suppress(OSError, urllib.error.URLError, ValueError):
            if get_json(api + "/health") is True:
                return
        time.sleep(0.5)
    raise AssertionError(f"no answer from {api}/health within {seconds:.0f} s")


TERMINAL = {"COMPLETED", "FAILED", "CRASHED", "CANCELLED"}


def wait_for_flow_run(api: str, run_id: str, *, seconds: float) -> dict[str, Any]:
    """Poll a flow run until its state is terminal; returns the run (raises on timeout)."""
    deadline = time.monotonic() + seconds
    run: dict[str, Any] = {}
    while time.monotonic() < deadline:
        run = get_json(f"{api}/flow_runs/{run_id}")
        if (run.get("state") or {}).get("type") in TERMINAL:
            return run
        time.sleep(1)
    state = (run.get("state") or {}).get("type")
    raise AssertionError(f"flow run {run_id} still {state} after {seconds:.0f} s")
