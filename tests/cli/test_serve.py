"""`daihoi serve`: the UI follows the port it is served on; SIGTERM or SIGINT at any moment
after start-up stops the Prefect server child (and everything else serve started)."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

pytestmark = [
    pytest.mark.slow,
    # Under xdist (--dist loadgroup) on one worker: the module's home is initialised once, and
    # two serve processes with their Prefect servers do not start at once on a 2-core machine.
    pytest.mark.xdist_group("serve"),
    pytest.mark.skipif(sys.platform != "linux", reason="reads the process tree from /proc"),
]


def _env(home: Path) -> dict[str, str]:
    env = {**os.environ, "DAIHOI_HOME": str(home), "PYTHONIOENCODING": "utf-8"}
    for key in ("DAIHOI_DATABASE_URL", "PREFECT_API_URL", "PREFECT_UI_API_URL", "PREFECT_HOME"):
        env.pop(key, None)
    return env


def _daihoi(home: Path, *args: str, **popen: object) -> subprocess.Popen[str]:
    code = "from flows.cli import main; main()"
    return subprocess.Popen(  # type: ignore[call-overload, no-any-return]
        [sys.executable, "-c", code, *args], env=_env(home), text=True, **popen
    )


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """One initialised DAIHOI_HOME for every start (Prefect migrates its database once)."""
    path = tmp_path_factory.mktemp("serve")
    init = _daihoi(path, "init", stdout=subprocess.DEVNULL)
    assert init.wait(timeout=120) == 0
    yield path


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _port_free(port: int) -> bool:
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


def _children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*/children"):
        try:
            found += [int(c) for c in task.read_text().split()]
        except (FileNotFoundError, ProcessLookupError):
            continue  # the thread (or process) ended between listing and reading
    return found


def _descendants(pid: int) -> set[int]:
    seen: set[int] = set()
    todo = _children(pid)
    while todo:
        child = todo.pop()
        if child not in seen:
            seen.add(child)
            todo += _children(child)
    return seen


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return False
    return state != "Z"


def _wait_for(check: Callable[[], bool], seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)


class Serving:
    """A `daihoi serve` process and the files its output goes to."""

    def __init__(self, home: Path, port: int, tmp: Path) -> None:
        self.port = port
        self.out, self.err = tmp / "out.txt", tmp / "err.txt"
        with self.out.open("w") as out, self.err.open("w") as err:
            self.process = _daihoi(home, "serve", "--port", str(port), stdout=out, stderr=err)

    def printed(self, text: str) -> bool:
        assert self.process.poll() is None, self.err.read_text()
        return text in self.out.read_text() + self.err.read_text()


# The moments after start-up a signal arrives: the server child has just been started (serve
# waits for its health check), the UI is up (deployments being registered), serving.
MOMENTS: dict[str, Callable[[Serving], bool]] = {
    "child-started": lambda s: bool(_children(s.process.pid)),
    "ui-up": lambda s: s.printed("Giao diện Prefect"),
    "serving": lambda s: s.printed("Nhấn Ctrl+C để dừng."),
}


@pytest.mark.parametrize(
    ("signum", "moment"),
    [
        (signal.SIGTERM, "child-started"),
        (signal.SIGTERM, "ui-up"),
        (signal.SIGTERM, "serving"),
        (signal.SIGINT, "child-started"),
        (signal.SIGINT, "serving"),
    ],
    ids=lambda v: v.name if isinstance(v, signal.Signals) else v,
)
def test_a_stop_signal_at_any_moment_stops_the_server_and_frees_the_port(
    home: Path, tmp_path: Path, signum: signal.Signals, moment: str
) -> None:
    serving = Serving(home, _free_port(), tmp_path)
    try:
        _wait_for(lambda: MOMENTS[moment](serving), 120, moment)
        if moment == "serving":
            time.sleep(1.0)
        started = _descendants(serving.process.pid)
        assert started, "serve started no server"
        serving.process.send_signal(signum)
        assert serving.process.wait(timeout=60) == 0, serving.err.read_text()
        assert not [p for p in started if _alive(p)], "a child of serve outlived it"
        assert _port_free(serving.port)
    finally:
        if serving.process.poll() is None:
            serving.process.kill()


def test_the_server_does_not_outlive_a_killed_serve(home: Path, tmp_path: Path) -> None:
    serving = Serving(home, _free_port(), tmp_path)
    _wait_for(lambda: bool(_children(serving.process.pid)), 120, "the server child")
    started = _descendants(serving.process.pid)
    serving.process.kill()  # no handler runs: the server sees its lifeline close
    serving.process.wait(timeout=10)
    _wait_for(lambda: not [p for p in started if _alive(p)], 20, "the orphaned server to stop")
    assert _port_free(serving.port)


def test_the_ui_points_its_api_at_the_port_it_is_served_on(home: Path, tmp_path: Path) -> None:
    serving = Serving(home, _free_port(), tmp_path)
    try:
        _wait_for(lambda: serving.printed("Giao diện Prefect"), 120, "the UI")
        url = f"http://127.0.0.1:{serving.port}/ui-settings"
        with urllib.request.urlopen(url, timeout=10) as response:
            settings = json.load(response)
        assert settings["api_url"] == f"http://127.0.0.1:{serving.port}/api"
    finally:
        serving.process.send_signal(signal.SIGTERM)
        serving.process.wait(timeout=60)


def test_serve_on_a_port_in_use_says_so_in_one_line(home: Path) -> None:
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        result = _daihoi(home, "serve", "--port", str(port), stderr=subprocess.PIPE)
        _, err = result.communicate(timeout=60)
    assert result.returncode == 1
    assert err.strip().splitlines() == [
        f"Lỗi: Cổng {port} trên 127.0.0.1 đang được dùng (có thể một 'daihoi serve' khác đang "
        "chạy): hãy dừng nó hoặc chọn --port khác."
    ]
