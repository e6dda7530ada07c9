"""One Jinja environment for the pages (templates/web, package data), its filters, and the
helper that renders a page or, for an htmx request, one block of the same template."""

from __future__ import annotations

from datetime import date, datetime
from functools import lru_cache
from importlib.resources import files
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from jinja2_fragments import render_block

from tasks.accounts.permissions import can
from tasks.core.dates import local_zone
from tasks.reports.labels import STAGE_LABELS, STATE_LABELS, TARGET_TEXTS

STAGES = ("personnel", "inspections", "feedback", "training")
FORECAST_TEXT = {"on_time": "Kịp hạn", "late": "Không kịp hạn", "stalled": "Không tiến triển"}
SHORT_STAGE = {
    "personnel": "Nhân sự",
    "inspections": "Kiểm tra",
    "feedback": "Góp ý",
    "training": "Tập huấn",
}
# The CLI's colours (green, cyan, yellow, red, magenta, dim), each with a symbol and a word.
STATES = {
    "done": ("✓", "Xong"),
    "on_track": ("●", "Đúng hạn"),
    "at_risk": ("!", "Sắp hạn"),
    "overdue": ("✕", "Quá hạn"),
    "not_started": ("○", "Chưa làm"),
    "not_applicable": ("–", "Không áp dụng"),
}
STATE_ORDER = ("overdue", "at_risk", "not_started", "on_track", "done", "not_applicable")
REPORT_KINDS = {
    "progress": "Báo cáo tiến độ chuẩn bị đại hội",
    "personnel": "Danh sách trích ngang nhân sự",
    "inspections": "Báo cáo kiểm tra, giám sát",
    "feedback": "Báo cáo tổng hợp, tiếp thu, giải trình",
    "training": "Báo cáo kết quả tập huấn",
    "targets": "Báo cáo thực hiện chỉ tiêu",
    "reminders": "Công văn đôn đốc",
    "delegates": "Bảng phân bổ số lượng đại biểu",
}
LEVELS = {
    "tren-co-so": "Cấp trên cơ sở",
    "co-so": "Cơ sở",
    "duoi-co-so": "Dưới cơ sở",
}


def vi_num(value: Any) -> str:
    """1234567 → 1.234.567; None → —."""
    if value is None:
        return "—"
    if isinstance(value, float) and not value.is_integer():
        return f"{value:,.1f}".replace(",", "\0").replace(".", ",").replace("\0", ".")
    return f"{int(value):,}".replace(",", ".")


def vi_pct(value: Any, digits: int = 1) -> str:
    """0.675 → 67,5%; 1 → 100%; None → —."""
    if value is None:
        return "—"
    pct = float(value) * 100
    text = f"{pct:.{digits}f}".rstrip("0").rstrip(".") if digits else f"{pct:.0f}"
    return text.replace(".", ",") + "%"


def vi_date(value: Any) -> str:
    """An ISO date (or date) as dd/mm/yyyy; None → —."""
    if value is None or value == "":
        return "—"
    day = date.fromisoformat(value) if isinstance(value, str) else value
    return f"{day:%d/%m/%Y}"


def vi_datetime(value: datetime | None) -> str:
    """A UTC time on the office's clock: dd/mm/yyyy HH:MM."""
    return "—" if value is None else value.astimezone(local_zone()).strftime("%d/%m/%Y %H:%M")


def _template_dir() -> str:
    return str(files("templates") / "web")


@lru_cache(maxsize=1)
def environment() -> Environment:
    """The pages' environment: autoescape on, StrictUndefined, the vi-VN filters."""
    env = Environment(
        loader=FileSystemLoader(_template_dir()),
        autoescape=select_autoescape(["html"], default=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(vi_num=vi_num, vi_pct=vi_pct, vi_date=vi_date, vi_datetime=vi_datetime)
    env.globals.update(
        STAGES=STAGES,
        STAGE_LABELS=STAGE_LABELS,
        SHORT_STAGE=SHORT_STAGE,
        FORECAST_TEXT=FORECAST_TEXT,
        STATES=STATES,
        STATE_LABELS=STATE_LABELS,
        STATE_ORDER=STATE_ORDER,
        LEVELS=LEVELS,
        REPORT_KINDS=REPORT_KINDS,
        TARGET_TEXTS=TARGET_TEXTS,
        can=can,
    )
    return env


def is_htmx(request: Request) -> bool:
    """An htmx request (it wants a fragment, not the whole page)."""
    return request.headers.get("hx-request") == "true"


def page(
    request: Request,
    name: str,
    context: dict[str, Any],
    *,
    block: str | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    """Render a page; an htmx request naming `block` gets that block of the same template."""
    ctx = {"request": request, "me": getattr(request.state, "principal", None), **context}
    ctx.setdefault("title", "")
    ctx.setdefault("nav", "")
    env = environment()
    if block is not None and is_htmx(request):
        html = render_block(env, name, block, ctx)
    else:
        html = env.get_template(name).render(ctx)
    response = HTMLResponse(html, status_code=status_code)
    response.headers["Vary"] = "HX-Request, Cookie"
    return response
