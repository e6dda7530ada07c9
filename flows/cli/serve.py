"""`daihoi serve`: a local Prefect server (its UI on the host and port asked for) and every
deployment of prefect.yaml served on its schedules; SIGTERM or SIGINT stops all of it."""

from __future__ import annotations

import importlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType
from typing import IO, Annotated, Any

import typer
import yaml

from flows.cli.common import console, err_console, open_database
from flows.prefect_env import prepare_prefect_env
from models.settings import get_settings
from tasks.core.errors import UsageError, UserError

STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)
STOP_SECONDS = 15.0  # how long the server gets to stop gracefully before it is killed


def project_file() -> Path:
    """prefect.yaml: beside the package in a source checkout, else in the working directory."""
    here = Path(__file__).resolve().parents[2] / "prefect.yaml"
    return here if here.is_file() else Path.cwd() / "prefect.yaml"


def deployments_from_yaml(path: Path) -> list[dict[str, Any]]:
    """The deployments declared in prefect.yaml (the one source of names and schedules)."""
    if not path.is_file():
        raise UserError(f"Không tìm thấy {path}: hãy chạy lệnh trong thư mục mã nguồn daihoi.")
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return list(data.get("deployments", []))


def browser_host(host: str) -> str:
    """The host a browser reaches a server bound to `host` at (a wildcard: this machine's name)."""
    if host in ("0.0.0.0", "::", ""):
        return socket.getfqdn()
    return f"[{host}]" if ":" in host else host


def check_port_free(host: str, port: int) -> None:
    """Refuse, in one line, a port something else already holds (or a host we cannot bind)."""
    try:
        info = socket.getaddrinfo(host, port, socket.AF_UNSPEC, socket.SOCK_STREAM)
    except socket.gaierror as e:
        raise UsageError(f"--host: không nhận ra địa chỉ '{host}'.") from e
    family, kind, proto, _, address = info[0]
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(address)
        except OSError as e:
            raise UserError(
                f"Cổng {port} trên {host} đang được dùng (có thể một 'daihoi serve' khác đang "
                "chạy): hãy dừng nó hoặc chọn --port khác."
            ) from e


def server_env(api_url: str, host: str, port: int) -> dict[str, str]:
    """The child server's environment: its UI's API address follows the address it is served
    on (Prefect would otherwise tell the UI http://127.0.0.1:4200/api), unless the user set it."""
    env = dict(os.environ)
    env.pop("PREFECT_API_URL", None)
    env["PREFECT_SERVER_API_HOST"] = host
    env["PREFECT_SERVER_API_PORT"] = str(port)
    if not (env.get("PREFECT_UI_API_URL") or env.get("PREFECT_SERVER_UI_API_URL")):
        env["PREFECT_SERVER_UI_API_URL"] = api_url
    return env


def start_server(host: str, port: int, api_url: str, log: Path) -> subprocess.Popen[bytes]:
    """`prefect server start` in its own session (a terminal's Ctrl+C reaches us, and we stop
    it in order), its stdin a pipe it watches so that it never outlives us."""
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("ab") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "flows._server", "--host", host, "--port", str(port)],
            stdin=subprocess.PIPE,
            stdout=out,
            stderr=subprocess.STDOUT,
            env=server_env(api_url, host, port),
            start_new_session=True,
        )


def stop_server(server: subprocess.Popen[bytes]) -> None:
    """SIGTERM to the server's process group, then SIGKILL after STOP_SECONDS; wait for it."""
    _signal_group(server, signal.SIGTERM)
    try:
        server.wait(timeout=STOP_SECONDS)
    except subprocess.TimeoutExpired:
        _signal_group(server, signal.SIGKILL)
        server.wait()
    _signal_group(server, signal.SIGKILL)  # anything it left in its group
    stdin: IO[bytes] | None = server.stdin
    if stdin is not None:
        stdin.close()


def _signal_group(server: subprocess.Popen[bytes], signum: int) -> None:
    try:
        os.killpg(server.pid, signum)
    except (ProcessLookupError, PermissionError):
        pass


def wait_for_health(url: str, seconds: float, server: subprocess.Popen[bytes] | None) -> None:
    """Until the API answers /health; fail early when the server we started has exited."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server is not None and server.poll() is not None:
            raise UserError(
                f"Máy chủ Prefect dừng ngay khi khởi động (mã {server.returncode}); "
                f"xem nhật ký {server_log()}."
            )
        try:
            with urllib.request.urlopen(url + "/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise UserError(f"Máy chủ Prefect không phản hồi tại {url} sau {seconds:.0f} giây.")


def server_log() -> Path:
    """Where the child server's output goes: $PREFECT_HOME/server.log."""
    return Path(os.environ["PREFECT_HOME"]) / "server.log"


def _stop(signum: int, frame: FrameType | None) -> None:
    """SIGTERM (what a service manager sends) ends `serve` the way Ctrl+C does."""
    raise KeyboardInterrupt


@contextmanager
def stop_signals() -> Iterator[None]:
    """SIGTERM and SIGINT raise KeyboardInterrupt from here on (Prefect's runner replaces the
    SIGTERM handler while it serves, and stops gracefully); the previous handlers come back at
    the end."""
    previous = {s: signal.getsignal(s) for s in STOP_SIGNALS}
    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        yield
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)


@contextmanager
def signals_ignored() -> Iterator[None]:
    """No second signal interrupts the clean-up."""
    previous = {s: signal.signal(s, signal.SIG_IGN) for s in STOP_SIGNALS}
    try:
        yield
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)


def serve(
    port: Annotated[int, typer.Option("--port", help="Cổng của máy chủ Prefect.")] = 4200,
    host: Annotated[
        str, typer.Option("--host", help="Địa chỉ máy chủ Prefect lắng nghe (mặc định 127.0.0.1).")
    ] = "127.0.0.1",
) -> None:
    """Chạy máy chủ Prefect cục bộ và phục vụ mọi luồng theo lịch trong prefect.yaml.

    Dừng bằng Ctrl+C hoặc SIGTERM: máy chủ và các luồng đang chạy dừng theo.

    Ví dụ: daihoi serve --port 4200
    """
    if not 0 < port < 65536:
        raise UsageError(f"--port: {port} không phải cổng hợp lệ (1–65535).")
    prepare_prefect_env()
    open_database()
    specs = deployments_from_yaml(project_file())
    with stop_signals():
        server: subprocess.Popen[bytes] | None = None
        try:
            api = os.environ.get("PREFECT_API_URL")
            if api:  # the user's own server: fail fast when it does not answer
                from flows.cli.run import check_api_reachable

                check_api_reachable()
            else:
                check_port_free(host, port)
                api = f"http://{browser_host(host)}:{port}/api"
                server = start_server(host, port, api, server_log())
                os.environ["PREFECT_API_URL"] = api
                os.environ.setdefault("PREFECT_UI_URL", api.removesuffix("/api"))
            wait_for_health(api, 120, server)
            console.print(f"Giao diện Prefect: [bold]{api.removesuffix('/api')}[/]")
            serve_deployments(specs)
        except KeyboardInterrupt:
            err_console.print("Đang dừng máy chủ Prefect…")
        finally:
            with signals_ignored():
                if server is not None:
                    stop_server(server)


def serve_deployments(specs: list[dict[str, Any]]) -> None:
    """Serve each deployment of prefect.yaml from this process, on its schedules."""
    from prefect import serve as prefect_serve
    from prefect.client.schemas.schedules import CronSchedule

    # The crons are the office's clock: DAIHOI_TIMEZONE (prefect.yaml's zone is the default one,
    # what `prefect deploy --all` reads).
    zone = get_settings().timezone
    deployments = []
    for spec in specs:
        module_path, attr = spec["entrypoint"].split(":")
        module = module_path.removesuffix(".py").replace("/", ".")
        flow_fn = getattr(importlib.import_module(module), attr)
        schedules = [CronSchedule(cron=s["cron"], timezone=zone) for s in spec.get("schedules", [])]
        deployments.append(
            flow_fn.to_deployment(
                name=spec["name"],
                parameters=spec.get("parameters") or {},
                schedules=schedules,
                description=spec.get("description"),
            )
        )
        names = ", ".join(f"{s['cron']}" for s in spec.get("schedules", [])) or "theo yêu cầu"
        console.print(f"- {spec['name']} ({attr}): {names}")
    err_console.print("Nhấn Ctrl+C để dừng.")
    prefect_serve(*deployments, print_starting_message=False)


def register(app: typer.Typer) -> None:
    """Add `daihoi serve`."""
    app.command("serve")(serve)
