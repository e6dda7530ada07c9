"""The office's first morning, in a real browser: activate with the one-time code, set a
password, open the dashboard, filter to overdue units, drill down to a unit, download its
form. The dashboard's screenshot is kept as a test artifact."""

from __future__ import annotations

import re
from typing import Any

from openpyxl import load_workbook

from tests.browser.conftest import ARTIFACTS, Site


def test_activate_open_the_dashboard_filter_drill_down_and_download(
    context: Any, site: Site
) -> None:
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))

    page.goto(f"{site.url}/tong-quan")
    assert "/dang-nhap?next=" in page.url
    page.get_by_role("link", name="Kích hoạt bằng mã kích hoạt").click()
    page.get_by_label("Tên đăng nhập").fill(site.office_login)
    page.get_by_label("Mã kích hoạt").fill(site.office_code.lower())
    page.get_by_label("Mật khẩu mới").fill(site.password)
    page.get_by_label("Nhập lại mật khẩu").fill(site.password)
    page.get_by_role("button", name="Kích hoạt và đăng nhập").click()
    page.wait_for_url(re.compile(r".*/tong-quan$"))

    assert page.get_by_role("heading", level=1).inner_text().startswith("Đảng bộ")
    assert "Tính đến ngày 15/03/2025" in page.locator(".meta").first.inner_text()
    assert page.get_by_label("Xem ngày").input_value() == "15/03/2025"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "dashboard.png"), full_page=False)

    # replay a past day, then step back to today a week at a time
    page.get_by_label("Xem ngày").fill("01/03/2025")
    page.get_by_role("button", name="Xem", exact=True).click()
    page.wait_for_url(re.compile(r".*as_of=01%2F03%2F2025.*"))
    assert "Tính đến ngày 01/03/2025" in page.locator(".meta").first.inner_text()
    for _ in range(2):
        page.get_by_role("link", name="7 ngày sau ▶").click()
        page.wait_for_load_state()
    assert "Tính đến ngày 15/03/2025" in page.locator(".meta").first.inner_text()

    total = page.locator("#heatmap .count").inner_text()
    page.get_by_label("Trạng thái").select_option("overdue")  # htmx swaps the heat map in place
    page.wait_for_function(
        "t => document.querySelector('#heatmap .count').innerText !== t", arg=total
    )
    assert "state=overdue" in page.url  # the filtered view is a link one can share
    rows = page.locator("table.heat tbody tr")
    assert rows.count() > 0
    for i in range(min(rows.count(), 20)):
        assert "Quá hạn" in rows.nth(i).inner_text()
    page.locator("#ban-do").screenshot(path=str(ARTIFACTS / "dashboard-overdue.png"))

    first = page.locator("table.heat tbody th a").first
    name = first.inner_text()
    first.click()
    page.wait_for_url(re.compile(r".*/don-vi/.+"))
    assert page.get_by_role("heading", level=1).inner_text() == name
    code = page.url.split("/don-vi/", 1)[1].split("?", 1)[0]
    page.screenshot(path=str(ARTIFACTS / "unit.png"), full_page=True)

    with page.expect_download() as info:
        page.get_by_role("link", name=re.compile("Danh sách trích ngang nhân sự")).click()
    download = info.value
    assert download.suggested_filename == f"nhan-su_{code}.xlsx"
    path = ARTIFACTS / download.suggested_filename
    download.save_as(str(path))
    meta = load_workbook(path)["_meta"]
    assert {r[0].value: r[1].value for r in meta.iter_rows()}["org_code"] == code

    page.get_by_role("button", name="Đăng xuất").click()
    page.wait_for_url(re.compile(r".*/dang-nhap$"))
    assert errors == [], errors
