"""Decision support on the web: the unit page's forecast and shortfalls; the dashboard loads
the forecast counts and the weekly trend after the page (as `status --trend` states them)."""

from __future__ import annotations

import re
from collections.abc import Callable

from fastapi.testclient import TestClient

from tests.web.conftest import World


def test_the_unit_page_shows_the_forecast_and_the_shortfall(
    client_for: Callable[[str], TestClient], world: World
) -> None:
    c = client_for("don-vi")
    html = c.get("/don-vi/DB-A?as_of=2025-03-15").text
    assert "Dự báo (tốc độ 28 ngày qua)" in html
    # Inspections due 26/03 (at risk), none yet: no pace at all.
    row = re.search(r"<th scope=\"row\">Kiểm tra, giám sát[^<]*</th>(.*?)</tr>", html, flags=re.S)
    assert row is not None and "Không tiến triển" in row.group(1)
    assert "Danh sách hiện có không đủ: cần giới thiệu thêm 04 nhân sự." in html


def test_the_dashboard_loads_the_forecast_and_the_trend_of_status(
    client_for: Callable[[str], TestClient], world: World, default_trend_weeks: int
) -> None:
    c = client_for("van-phong")
    page = c.get("/tong-quan?as_of=2025-03-15").text
    assert 'hx-get="/tong-quan/du-bao?org=DU-TEST&amp;as_of=2025-03-15"' in page
    part = c.get("/tong-quan/du-bao?org=DU-TEST&as_of=2025-03-15", headers={"HX-Request": "true"})
    assert part.status_code == 200 and "<html" not in part.text
    doc = c.get("/api/v1/status?as_of=2025-03-15").json()
    rows = re.findall(r'<th scope="row" class="date">(\d\d/\d\d/\d{4})</th>', part.text)
    assert len(rows) == 13 and rows[-1] == "15/03/2025" and rows[0] == "21/12/2024"
    last = part.text.rsplit('<th scope="row" class="date">15/03/2025</th>', 1)[1]
    s = doc["stages"]["personnel"]
    assert f"{s['done']}/{s['applicable']}" in last
    assert "số đơn vị dự báo không kịp hạn hoặc không tiến triển" in part.text
    full = c.get("/tong-quan/du-bao?org=DU-TEST&as_of=2025-03-15").text
    assert "<html" in full and "Dự báo và diễn biến" in full
