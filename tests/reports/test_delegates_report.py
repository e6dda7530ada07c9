"""The report kind `delegates` (Bảng phân bổ số lượng đại biểu), opened with python-docx: the
title, one row per direct child with its members and delegates, the totals, the method."""

from __future__ import annotations

from pathlib import Path

import docx
import pytest
from sqlalchemy import Engine, select

from models import Organisation
from models.db import write_session
from tasks.core.errors import UsageError
from tasks.reports.api import render_report
from tasks.status.delegates import Figures
from tests.helpers.reports_tree import AS_OF, LEAF, OTHER_UNITS, build_tree

pytestmark = pytest.mark.db


@pytest.fixture
def tree(engine: Engine) -> None:
    """The reports tree: ROOT → DBCS-A (1.200 official + 34 probationary), CB-B (266)."""
    with write_session(engine) as session:
        build_tree(session)
        orgs = {o.code: o for o in session.scalars(select(Organisation))}
        orgs["DBCS-A"].members_official, orgs["DBCS-A"].members_probationary = 1200, 34
        orgs["CB-B"].members_official = 266


def test_the_table_holds_each_direct_child_the_totals_and_the_method(
    tree: None, tmp_path: Path
) -> None:
    (f,) = render_report(
        kind="delegates",
        scope=None,
        as_of=AS_OF,
        out_dir=tmp_path,
        delegates=Figures(total=40, ex_officio=7, base=3),
    )
    assert f.path.name == f"delegates_ROOT_{AS_OF}.docx"
    d = docx.Document(str(f.path))
    texts = [p.text for p in d.paragraphs if p.text.strip()]
    assert texts[0] == "BẢNG PHÂN BỔ SỐ LƯỢNG ĐẠI BIỂU"
    assert texts[1] == "dự Đại hội đại biểu Đảng bộ Khối Thử nghiệm, nhiệm kỳ 2025 – 2030"
    assert "Số      -BC/ĐU" in d.tables[0].rows[0].cells[0].text
    # R = 40 − 7 − 6 = 27 over 1.234 + 266 (M = 1.500): 22,212 and 4,788 → 22 and 4, and
    # the last seat to the larger remainder, CB-B's.
    method = next(t for t in texts if t.startswith("Căn cứ số đảng viên của 2 tổ chức đảng"))
    assert "Tổng số 40 đại biểu, trong đó 7 đại biểu đương nhiên và 33 đại biểu" in method
    assert "27 đại biểu còn lại phân bổ theo tỷ lệ số đảng viên" in method
    assert "số dư lớn nhất" in method
    rows = [[c.text for c in r.cells] for r in d.tables[1].rows]
    assert rows == [
        [
            "STT",
            "Tổ chức đảng trực thuộc",
            "Số đảng viên",
            "Đại biểu cơ bản",
            "Phân bổ theo số đảng viên",
            "Số đại biểu",
        ],
        ["1", LEAF[1], "266", "3", "5", "8"],
        ["2", OTHER_UNITS["DBCS-A"], "1.234", "3", "22", "25"],
        ["", "Cộng", "1.500", "6", "27", "33"],
        ["", "Đại biểu đương nhiên", "", "", "", "7"],
        ["", "Tổng số đại biểu", "", "", "", "40"],
    ]


def test_without_its_figures_the_report_is_a_usage_error(tree: None, tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="--total"):
        render_report(kind="delegates", scope=None, as_of=AS_OF, out_dir=tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_too_few_delegates_for_the_base_quotas_writes_nothing(tree: None, tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="R = -1"):
        render_report(
            kind="delegates",
            scope=None,
            as_of=AS_OF,
            out_dir=tmp_path / "out",
            delegates=Figures(total=5, ex_officio=2, base=2),
        )
    assert not (tmp_path / "out").exists()
