"""`daihoi web`: the web application (uvicorn) on the configured database."""

from __future__ import annotations

from typing import Annotated

import typer

from flows.cli.common import console, open_database
from flows.prefect_env import prepare_prefect_env


def web(
    host: Annotated[str, typer.Option("--host", help="Địa chỉ lắng nghe.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="Cổng.")] = 8000,
) -> None:
    """Chạy ứng dụng web (tổng quan, trang đơn vị, biểu mẫu, tài khoản) trên cơ sở dữ liệu đã cấu hình.

    Ví dụ: daihoi web --port 8000
    """
    import uvicorn

    from tasks.accounts.admin import office_account_exists

    engine = open_database()
    if not office_account_exists(engine):
        console.print(
            "Chưa có tài khoản văn phòng: tạo bằng 'daihoi users add vanphong --role van-phong'.",
            soft_wrap=True,
        )
    shown = "localhost" if host in ("127.0.0.1", "0.0.0.0") else host
    console.print(
        f"Ứng dụng web: http://{shown}:{port}/  (Ctrl+C để dừng)", highlight=False, soft_wrap=True
    )
    # Background jobs run flows in this process: Prefect's home and quiet before it loads.
    prepare_prefect_env()
    # By its import string: flows.cli never imports flows.web (the two front ends stay apart).
    uvicorn.run("flows.web:create_app", factory=True, host=host, port=port, log_level="warning")


def register(app: typer.Typer) -> None:
    """Add `daihoi web`."""
    app.command("web")(web)
