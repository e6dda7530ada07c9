"""The office renders a progress report from the page and downloads it, in a real browser:
the render is a background job whose page polls (htmx, every second) until the download link
appears; the file is the report Word opens. Screenshots of the job page are kept."""

from __future__ import annotations

import re
from typing import Any

from docx import Document

from tests.browser.conftest import ARTIFACTS, Site


def test_the_office_renders_a_progress_report_and_downloads_it(context: Any, site: Site) -> None:
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(f"{site.url}/dang-nhap")
    page.get_by_label("Tên đăng nhập").fill(site.checker_login)
    page.get_by_label("Mật khẩu").fill(site.checker_password)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(re.compile(r".*/tong-quan$"))

    page.get_by_role("link", name="Báo cáo", exact=True).click()
    page.wait_for_url(re.compile(r".*/bao-cao$"))
    page.get_by_label("Loại báo cáo").select_option("progress")
    assert page.get_by_label("Tính đến ngày").input_value() == "15/03/2025"
    page.get_by_role("button", name="Lập báo cáo").click()
    page.wait_for_url(re.compile(r".*/cong-viec/\d+$"))
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "job-running.png"))

    link = page.get_by_role("link", name=re.compile("Báo cáo tiến độ chuẩn bị đại hội"))
    link.wait_for(timeout=180_000)  # the embedded Prefect API starts with the first job
    assert "Đã xong" in page.locator("#trang-thai").inner_text()
    page.screenshot(path=str(ARTIFACTS / "job-done.png"))
    with page.expect_download() as info:
        link.click()
    download = info.value
    assert re.fullmatch(r"progress_.+_2025-03-15\.docx", download.suggested_filename)
    path = ARTIFACTS / download.suggested_filename
    download.save_as(str(path))
    text = "\n".join(p.text for p in Document(str(path)).paragraphs)
    assert "đến ngày 15/03/2025" in text

    # the archive lists it for download, too
    page.goto(f"{site.url}/bao-cao?kind=progress")
    assert page.get_by_role("link", name=re.compile("Tải về")).count() >= 1
    assert errors == [], errors
