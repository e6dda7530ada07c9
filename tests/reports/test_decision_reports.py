"""Decision support in the reports, opened with python-docx: the progress report's trend chart
and "Dự báo không kịp tiến độ"; the personnel list, the personnel summary and a reminder letter
say a short unit's shortfall in words."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import docx
import pytest
from sqlalchemy import Engine

from models.db import write_session
from models.enums import Gender
from tasks.reports.api import render_report
from tests.helpers.factories import add_org
from tests.helpers.status import add_inspection, add_passed, root_only

pytestmark = pytest.mark.db

D = date(2025, 4, 20)
SHORT_WORDS = (
    "cần bổ sung 01 nhân sự để đủ số lượng, 01 nhân sự nữ, 01 nhân sự dưới 40 tuổi, "
    "01 nhân sự có trình độ trên đại học"
)


@pytest.fixture
def tree(engine: Engine) -> None:
    with write_session(engine) as s:
        root = root_only(s)
        # Personnel overdue (congress 10/4, due 11/3): 3 men over 40 passed of 4 required.
        short = add_org(s, "SHORT", parent=root, congress=date(2025, 4, 10), name="Chi bộ Thiếu")
        add_passed(s, short, 3, date(2025, 2, 1), gender=Gender.NAM, born=date(1970, 1, 1),
                   education="Cử nhân")  # fmt: skip
        # Inspections: 1 of 2 concluded long before the window, nothing since: stalled.
        slow = add_org(s, "SLOW", parent=root, congress=date(2025, 12, 31), name="Chi bộ Chậm")
        add_inspection(s, slow, date(2025, 1, 1), date(2025, 2, 1))
        add_inspection(s, slow, date(2025, 1, 1))


def _text(path: Path) -> str:
    d = docx.Document(str(path))
    parts = [p.text for p in d.paragraphs]
    parts += [" | ".join(c.text for c in row.cells) for table in d.tables for row in table.rows]
    return "\n".join(parts)


def _render(kind: str, out: Path, scope: str | None = None, **kw: bool) -> list[Path]:
    return [r.path for r in render_report(kind=kind, scope=scope, as_of=D, out_dir=out, **kw)]


def test_the_progress_report_draws_the_trend_and_lists_the_forecast_late(
    tree: None, tmp_path: Path
) -> None:
    (path,) = _render("progress", tmp_path)
    text = _text(path)
    assert "III. DỰ BÁO KHÔNG KỊP TIẾN ĐỘ" in text
    rows = [
        line
        for line in text.splitlines()
        if line.startswith("Chi bộ Chậm") or "| Chi bộ Chậm |" in line
    ]
    assert any("Kiểm tra" in r and "Không tiến triển" in r and "16/12/2025" in r for r in rows)
    d = docx.Document(str(path))
    assert len(d.inline_shapes) == 2  # the stages chart and the trend chart
    assert "Tỷ lệ đơn vị hoàn thành từng nội dung qua các tuần:" in text


def test_the_personnel_documents_and_the_reminder_say_the_shortfall_in_words(
    tree: None, tmp_path: Path
) -> None:
    (unit_list,) = _render("personnel", tmp_path / "own", scope="SHORT")
    assert f"Để bảo đảm số lượng và cơ cấu, đơn vị {SHORT_WORDS}." in _text(unit_list)
    (summary,) = _render("personnel", tmp_path / "sum", subtree=True)
    text = _text(summary)
    assert "Các đơn vị còn thiếu nhân sự:" in text
    assert f"- Chi bộ Thiếu: {SHORT_WORDS}." in text
    letters = _render("reminders", tmp_path / "letters")
    (letter,) = [p for p in letters if "SHORT" in p.name]
    assert f"đơn vị {SHORT_WORDS} để bảo đảm số lượng và cơ cấu." in _text(letter)
