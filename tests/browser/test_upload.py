"""A unit sends its nhan-su form from the page, in a real browser: it drops a file with a bad
birth date onto the drop zone (a drop event carrying a DataTransfer, as a drag from the file
manager delivers it), sees the error located by sheet, row and column, downloads the error
workbook (a real .xlsx), chooses the fixed file with the file input and sends it, and its
unit page's personnel row then shows the stage the status computes from the new rows."""

from __future__ import annotations

import base64
import re
from datetime import date
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from sqlalchemy import select

from tests.browser.conftest import ARTIFACTS, Site
from tests.helpers.workbooks import nhan_su_book, person

AS_OF = date(2025, 3, 15)
PASSWORD = "mat-khau-don-vi-nop-1"
LOGIN = "donvi.nop"
DROP = """([name, data]) => {
  const bytes = Uint8Array.from(atob(data), (c) => c.charCodeAt(0));
  const dt = new DataTransfer();
  dt.items.add(new File([bytes], name, {
    type: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" }));
  return dt;
}"""


def _personnel(session: Any, code: str) -> dict[str, Any]:
    """The unit's personnel entry in the status document of its own scope."""
    from tasks.status.document import compute_status

    doc = compute_status(session, scope=code, as_of=AS_OF)
    entry: dict[str, Any] = next(u for u in doc["units"] if u["code"] == code)["stages"][
        "personnel"
    ]
    return entry


def _unit_without_candidates() -> str:
    """A unit of the demo whose personnel stage applies, is not done and has no rows yet; an
    account with a password for it."""
    from models import Candidate, Organisation
    from models.db import get_engine, read_session
    from models.enums import Role
    from tasks.status.document import compute_status
    from tests.helpers.accounts import account

    engine = get_engine()
    with read_session(engine) as s:
        doc = compute_status(s, scope=None, as_of=AS_OF)
        with_rows = set(
            s.scalars(
                select(Organisation.code).join(Candidate, Candidate.org_id == Organisation.id)
            )
        )
    code = next(
        u["code"]
        for u in doc["units"]
        if u["stages"]["personnel"]["state"] not in ("done", "not_applicable")
        and u["code"] not in with_rows
    )
    account(engine, LOGIN, Role.DON_VI, org_code=code, password=PASSWORD)
    return code


def _book(path: Path, code: str, *, bad: bool) -> Path:
    rows = [
        person(
            **{
                "Mã đơn vị": code,
                "Họ và tên": f"Người Thử Số {i}",
                "Bước quy trình": 5,
                "Ngày qua bước": "01/03/2025",
            }
        )
        for i in range(8)
    ]
    if bad:
        rows[1]["Ngày sinh"] = "31/02/1970"  # row 3 of the sheet, under the header
    return nhan_su_book(path, rows)


def _personnel_row(page: Any) -> str:
    """The personnel row of the unit page the browser shows."""
    row = page.locator("table.stages tbody tr").filter(has_text="Nhân sự cấp ủy khóa mới")
    return str(row.inner_text())


def test_a_unit_drops_a_bad_file_reads_its_errors_and_sends_the_fixed_one(
    context: Any, site: Site, tmp_path: Path
) -> None:
    from models.db import read_session
    from tasks.reports.labels import STATE_LABELS

    code = _unit_without_candidates()
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(f"{site.url}/dang-nhap")
    page.get_by_label("Tên đăng nhập").fill(LOGIN)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(re.compile(rf".*/don-vi/{code}$"))  # a unit's home is its own page
    before = _personnel_row(page)

    page.goto(f"{site.url}/nop")
    bad = _book(tmp_path / "nhan-su.xlsx", code, bad=True)
    transfer = page.evaluate_handle(DROP, [bad.name, base64.b64encode(bad.read_bytes()).decode()])
    page.dispatch_event("#nop-drop", "dragenter", {"dataTransfer": transfer})
    page.dispatch_event("#nop-drop", "drop", {"dataTransfer": transfer})
    assert page.locator("#nop-files").evaluate("i => i.files.length") == 1
    page.get_by_role("button", name="Gửi tệp").click()
    answer = page.locator("#ket-qua .upload-answer")
    answer.wait_for(timeout=15_000)
    text = answer.inner_text()
    assert "Bị từ chối" in text
    assert "Sheet 'Nhân sự', dòng 3, cột 'Ngày sinh'" in text and "31/02/1970" in text
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "upload-rejected.png"))

    with page.expect_download() as info:
        page.get_by_role("link", name=re.compile("Tải tệp lỗi")).first.click()
    saved = tmp_path / info.value.suggested_filename
    info.value.save_as(str(saved))
    assert saved.suffix == ".xlsx"
    book = load_workbook(saved)
    assert "Nhân sự" in book.sheetnames
    values = [c.value for row in book["Nhân sự"].iter_rows() for c in row]
    assert "31/02/1970" in values

    fixed = _book(tmp_path / "nhan-su-da-sua.xlsx", code, bad=False)
    page.set_input_files("#nop-files", str(fixed))
    page.get_by_role("button", name="Gửi tệp").click()
    page.locator("#ket-qua .upload-answer", has_text="Đã nhận").wait_for(timeout=15_000)
    assert "8 dòng" in page.locator("#ket-qua").inner_text()

    with read_session() as s:
        state = _personnel(s, code)["state"]
    page.goto(f"{site.url}/don-vi/{code}")
    after = _personnel_row(page)
    assert after != before
    assert STATE_LABELS[state] in after
    page.screenshot(path=str(ARTIFACTS / "upload-unit-after.png"))
    assert errors == [], errors
