"""`daihoi run FLOW`: one flow run now, in this process (Prefect)."""

from __future__ import annotations

import importlib
import logging
import os
import time
import urllib.request
from datetime import date
from typing import Annotated, Any

import typer

from flows.cli.common import (
    AsOfOption,
    OrgOption,
    PlanOption,
    console,
    open_database,
    optional_date,
    scope_or_fail,
)
from flows.prefect_env import prepare_prefect_env
from tasks.core.errors import UsageError, UserError
from tasks.core.text import vn_decimal, vn_int

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


class _QuietUserErrors(logging.Filter):
    """Drops Prefect's log records (and their tracebacks) of a run that failed on an error the
    user caused: the CLI prints that error as one line once the flow call re-raises it."""

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        if isinstance(error, UserError):
            return False
        return not (
            record.levelno >= logging.ERROR
            and "UserError" in record.getMessage()
            and record.getMessage().startswith(("Finished in state", "Task run failed", "Flow run"))
        )


_RUN_LOGGERS = ("prefect.flow_runs", "prefect.task_runs")


def run_flow(name: str, params: dict[str, Any]) -> Any:
    """Run a flow in this process (Prefect's ephemeral API unless PREFECT_API_URL is set)."""
    prepare_prefect_env()
    check_api_reachable()
    flow_fn = load_flow(name)
    quiet = _QuietUserErrors()
    loggers = [logging.getLogger(n) for n in _RUN_LOGGERS]
    for logger in loggers:
        logger.addFilter(quiet)
    try:
        return flow_fn(**params)
    finally:
        for logger in loggers:
            logger.removeFilter(quiet)


def check_flow_params(flow_name: str, org: str | None, day: date | None, plan: str | None) -> None:
    """What a flow would fail on later, checked before Prefect starts: the scope (an unknown
    code, or no units yet) and the plan."""
    if flow_name == "intake":  # --org: only that unit's inbox folder; unknown is exit 2
        if plan is not None:
            raise UsageError("Luồng 'intake' không nhận --plan.")
        if org is not None:
            from models.db import read_session

            with read_session() as session:
                scope_or_fail(session, org)
        return
    if flow_name not in SCOPED:
        if org is not None or plan is not None:
            raise UsageError(f"Luồng '{flow_name}' không nhận --org hay --plan.")
        return
    from models.db import read_session
    from tasks.core.plans import choose_plan
    from tasks.status.present import default_as_of

    with read_session() as session:
        scope_or_fail(session, org)
        as_of = day or default_as_of(session)
    if flow_name != "reminders":
        choose_plan(plan, as_of)
    elif plan is not None:
        raise UsageError("Luồng 'reminders' không nhận --plan.")


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
    check_flow_params(flow_name, org, day, plan)
    params: dict[str, Any] = {}
    if flow_name in SCOPED:
        params = {"scope": org, "as_of": day}
        if flow_name != "reminders":
            params["plan"] = plan
    elif flow_name == "intake" and org is not None:
        params = {"org": org.upper()}
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
            day = date.fromisoformat(result["as_of"])
            console.print(f"Ảnh chụp tiến độ ngày {day:%d/%m/%Y}: {state}.")
    elif isinstance(result, dict) and "summary" in result:
        s = result["summary"]
        console.print(
            f"{result['stage']}: {vn_int(s['done'])}/{vn_int(s['applicable'])} xong, "
            f"{vn_int(s['overdue'])} quá hạn, {vn_int(s['at_risk'])} sắp hạn "
            f"(ngày {date.fromisoformat(result['as_of']):%d/%m/%Y})."
        )
    elif flow_name == "intake" and isinstance(result, dict) and "intake_ids" in result:
        print_intake(result)
    elif result is not None:
        console.print(result)
    console.print(f"Xong luồng {FLOWS[flow_name][1]} trong {vn_decimal(seconds)} giây.")


def print_intake(result: dict[str, Any]) -> None:
    """The register's rows of the files the intake flow handled, then its counts."""
    from flows.cli.intake_list import print_register
    from models.db import read_session
    from tasks.intake.register import intake_register

    if not result["intake_ids"]:
        console.print("Hộp thư đến không có tệp nào chờ nhập.")
        return
    with read_session() as session:
        entries = intake_register(session, ids=result["intake_ids"])
    print_register(entries, title="Các tệp vừa xử lý")
    console.print(
        f"{vn_int(result['files'])} tệp: {vn_int(result['accepted'])} đã nhận, "
        f"{vn_int(result['duplicate'])} trùng, {vn_int(result['rejected'])} bị từ chối; "
        f"{vn_int(result['rows'])} dòng, {vn_int(result['errors'])} lỗi."
    )


def register(app: typer.Typer) -> None:
    """Add `daihoi run`."""
    app.command("run")(run)
