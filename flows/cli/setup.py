"""`daihoi init`: create or upgrade the database and write an example configuration."""

from __future__ import annotations

from pathlib import Path

import typer

from flows.cli.common import console
from models.db import get_engine, write_session
from models.migrate import upgrade
from models.settings import EXAMPLE_TOML, get_settings
from tasks.core.plans import sync_plans


def prepare_home() -> Path | None:
    """Create $DAIHOI_HOME and its folders; write the example daihoi.toml (its path) if none."""
    settings = get_settings()
    settings.home.mkdir(parents=True, exist_ok=True)
    for sub in ("inbox", "reports", "templates"):
        (settings.home / sub).mkdir(exist_ok=True)
    toml = settings.home / "daihoi.toml"
    if toml.exists():
        return None
    toml.write_text(EXAMPLE_TOML, encoding="utf-8")
    return toml


def init() -> None:
    """Tạo hoặc nâng cấp cơ sở dữ liệu; ghi tệp cấu hình mẫu $DAIHOI_HOME/daihoi.toml nếu chưa có.

    Ví dụ: daihoi init
    """
    toml = prepare_home()
    if toml is not None:
        console.print(f"Đã tạo tệp cấu hình mẫu: {toml}")
    before, after = upgrade(get_engine())
    url = get_engine().url.render_as_string(hide_password=True)
    if before == after:
        console.print(f"Cơ sở dữ liệu đã ở phiên bản mới nhất ({after}): {url}")
    elif before is None:
        console.print(f"Đã tạo cơ sở dữ liệu (phiên bản {after}): {url}")
    else:
        console.print(f"Đã nâng cấp cơ sở dữ liệu {before} → {after}: {url}")
    with write_session(get_engine(), changes_data=False) as session:
        plans = sync_plans(session)
    console.print(f"Kế hoạch đã ghi vào cơ sở dữ liệu: {', '.join(sorted(plans))}")


def register(app: typer.Typer) -> None:
    """Add the set-up commands."""
    app.command("init")(init)
