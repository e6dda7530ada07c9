"""`daihoi run FLOW` and `daihoi serve`: the commands that start Prefect."""

from __future__ import annotations

import importlib
import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Annotated, Any

import typer
import yaml

from flows.cli.common import (
    AsOfOption,
    OrgOption,
    PlanOption,
    console,
    err_console,
    open_database,
    optional_date,
    prepare_prefect_env,
)
from tasks.core.errors import UsageError, UserError

# Command-line name → (module, flow function); the deployments in prefect.yaml name the same.
FLOWS: dict[str, tuple[str, str]] = {
    "prepare": ("flows.preparation", "prepare_congresses"),
    "personnel": ("flows.personnel", "track_personnel"),
    "inspections": ("flows.inspections", "track_inspections"),
    "feedback": ("flows.feedback", "track_feedback"),
    "training": ("flows.training", "track_training"),
    "rollup": ("flows.rollup", "rollup_status"),
    "reminders": ("flows.reminders", "send_reminders"),
    "intake": ("flows.intake", "import_forms"),
}
# Flows started by other commands (`daihoi report --prefect`), not offered by `daihoi run`.
INTERNAL_FLOWS: dict[str, tuple[str, str]] = {"report": ("flows.reports", "write_report")}
SCOPED = {"prepare", "personnel", "inspections", "feedback", "training", "rollup", "reminders"}


def load_flow(name: str) -> Any:
    """The flow object for a command-line flow name."""
    module, attr = FLOWS.get(name) or INTERNAL_FLOWS[name]
    return getattr(importlib.import_module(module), attr)


def check_api_reachable() -> None:
    """With PREFECT_API_URL set, fail fast (touching nothing) when the server does not answer."""
    url = os.environ.get("PREFECT_API_URL")
    if not url:
        return
    try:
        with urllib.request.urlopen(url.rstrip("/") + "/health", timeout=5) as response:
            if response.status == 200:
                return
    except OSError as e:
        raise UserError(
            f"Không kết nối được máy chủ Prefect tại {url} ({e}). Hãy khởi động máy chủ "
            "hoặc bỏ biến PREFECT_API_URL để chạy ở chế độ nhúng."
        ) from e
    raise UserError(f"Máy chủ Prefect tại {url} không sẵn sàng.")


def run_flow(name: str, params: dict[str, Any]) -> Any:
    """Run a flow in this process (Prefect's ephemeral API unless PREFECT_API_URL is set)."""
    prepare_prefect_env()
    check_api_reachable()
    flow_fn = load_flow(name)
    return flow_fn(**params)


def run(
    flow_name: Annotated[str, typer.Argument(metavar="FLOW", help=" | ".join(FLOWS))],
    org: OrgOption = None,
    as_of: AsOfOption = None,
    plan: PlanOption = None,
) -> None:
    """Chạy một luồng công việc (Prefect) ngay bây giờ.

    FLOW: prepare | personnel | inspections | feedback | training | rollup | reminders | intake

    Ví dụ: daihoi run prepare --as-of 2025-03-15
    """
    if flow_name not in FLOWS:
        raise UsageError(f"Không có luồng '{flow_name}'. Chọn một trong: {', '.join(FLOWS)}.")
    day = optional_date(as_of)
    # An unreachable API fails before the database is opened: nothing is touched (prefect#20462).
    prepare_prefect_env()
    check_api_reachable()
    open_database()
    params: dict[str, Any] = {}
    if flow_name in SCOPED:
        params = {"scope": org, "as_of": day}
        if flow_name != "reminders":
            params["plan"] = plan
    started = time.perf_counter()
    with console.status(f"Đang chạy luồng {FLOWS[flow_name][1]}…"):
        result = run_flow(flow_name, params)
    seconds = time.perf_counter() - started
    print_result(flow_name, result, seconds)


def print_result(flow_name: str, result: Any, seconds: float) -> None:
    """A short Vietnamese account of what a flow returned."""
    if isinstance(result, dict) and "stages" in result and "org" in result:
        from flows.cli.status import render_summary

        console.print(render_summary(result))
        snap = result.get("snapshot")
        if isinstance(snap, dict):
            state = "đã ghi" if snap.get("created") else "đã có từ trước, giữ nguyên"
            console.print(f"Ảnh chụp tiến độ ngày {result['as_of']}: {state}.")
    elif isinstance(result, dict) and "summary" in result:
        s = result["summary"]
        console.print(
            f"{result['stage']}: {s['done']}/{s['applicable']} xong, {s['overdue']} quá hạn, "
            f"{s['at_risk']} sắp hạn (ngày {result['as_of']})."
        )
    elif result is not None:
        console.print(result)
    console.print(f"Xong luồng {FLOWS[flow_name][1]} trong {seconds:.1f} giây.")


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


def _wait_for_health(url: str, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url + "/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise UserError(f"Máy chủ Prefect không phản hồi tại {url} sau {seconds:.0f} giây.")


def serve(
    port: Annotated[int, typer.Option("--port", help="Cổng của máy chủ Prefect.")] = 4200,
) -> None:
    """Chạy máy chủ Prefect cục bộ và phục vụ mọi luồng theo lịch trong prefect.yaml.

    Ví dụ: daihoi serve
    """
    prepare_prefect_env()
    open_database()
    specs = deployments_from_yaml(project_file())
    server: subprocess.Popen[bytes] | None = None
    api = os.environ.get("PREFECT_API_URL")
    if not api:
        api = f"http://127.0.0.1:{port}/api"
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "prefect",
                "server",
                "start",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        os.environ["PREFECT_API_URL"] = api
    try:
        _wait_for_health(api, 120)
        console.print(f"Giao diện Prefect: [bold]{api.removesuffix('/api')}[/]")
        serve_deployments(specs)
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)


def serve_deployments(specs: list[dict[str, Any]]) -> None:
    """Serve each deployment of prefect.yaml from this process, on its schedules."""
    from prefect import serve as prefect_serve
    from prefect.client.schemas.schedules import CronSchedule

    deployments = []
    for spec in specs:
        module_path, attr = spec["entrypoint"].split(":")
        module = module_path.removesuffix(".py").replace("/", ".")
        flow_fn = getattr(importlib.import_module(module), attr)
        schedules = [
            CronSchedule(cron=s["cron"], timezone=s.get("timezone", "Asia/Ho_Chi_Minh"))
            for s in spec.get("schedules", [])
        ]
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
    prefect_serve(*deployments)


def register(app: typer.Typer) -> None:
    """Add `daihoi run` and `daihoi serve`."""
    app.command("run")(run)
    app.command("serve")(serve)
