"""Wording and numbers in documents: the targets fraction, units sharing a name, a 100% cell
that is not done, comma decimals in what flows publish."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine

from models.db import write_session
from models.enums import OrgKind
from tasks.reports.api import render_report
from tasks.status.publish import overdue_markdown
from tests.helpers.documents import body_text, table_rows
from tests.helpers.factories import add_org
from tests.helpers.reports_tree import AS_OF, build_tree
from tests.helpers.status import add_candidate, root_only

pytestmark = pytest.mark.db
DAY = date(2025, 3, 20)


def test_the_targets_result_is_a_fraction_of_whole_numbers_that_wraps_between_them(
    engine: Engine, tmp_path: Path
) -> None:
    with write_session(engine) as s:
        build_tree(s)
    (made,) = render_report(kind="targets", scope=None, as_of=AS_OF, out_dir=tmp_path)
    results = [r[2] for r in table_rows(made.path) if r and r[0].isdigit()]
    assert results
    for cell in results:
        assert re.fullmatch(r"\d{1,3}(\.\d{3})* / \d{1,3}(\.\d{3})*", cell), cell


@pytest.fixture
def twins(engine: Engine) -> None:
    """Two Chi bộ of the same name under different Đảng bộ, both overdue; one of them has
    every candidate's steps summed to 100% without one at step 5."""
    with write_session(engine) as s:
        root = root_only(s)
        for code, parent_name in (("A", "Đảng bộ Trường Alpha"), ("B", "Đảng bộ Trường Beta")):
            parent = add_org(s, f"DB-{code}", OrgKind.DANG_BO_CO_SO, root, name=parent_name)
            twin = add_org(
                s,
                f"CB-{code}",
                OrgKind.CHI_BO_TRUC_THUOC,
                parent,
                name="Chi bộ Khoa Toán",
                congress=date(2025, 4, 1),
            )
        for _ in range(6):  # 6 × step 4 = 24 ≥ 5 × 4 required: progress 100%, none passed
            add_candidate(s, twin, {4: date(2025, 2, 1)})


def test_units_sharing_a_name_are_named_with_their_parent(twins: None, tmp_path: Path) -> None:
    (progress,) = render_report(kind="progress", scope=None, as_of=DAY, out_dir=tmp_path)
    names = {r[1] for r in table_rows(progress.path) if len(r) == 6 and r[0].isdigit()}
    assert {
        "Chi bộ Khoa Toán (Đảng bộ Trường Alpha)",
        "Chi bộ Khoa Toán (Đảng bộ Trường Beta)",
    } <= (names)
    letters = render_report(kind="reminders", scope=None, as_of=DAY, out_dir=tmp_path)
    addressed = [t for t in (body_text(r.path) for r in letters) if "Chi bộ Khoa Toán" in t]
    assert len(addressed) == 2
    assert any("Kính gửi: Chi bộ Khoa Toán (Đảng bộ Trường Beta)" in t for t in addressed)


def test_a_100_percent_cell_not_done_says_why(twins: None, tmp_path: Path) -> None:
    (progress,) = render_report(kind="progress", scope=None, as_of=DAY, out_dir=tmp_path)
    cells = [r[5] for r in table_rows(progress.path) if len(r) == 6 and "Beta" in r[1]]
    assert "100% (mới 0/4 đồng chí qua bước 5)" in cells
    assert not [c for r in table_rows(progress.path) for c in r if c == "100%"]


def test_published_markdown_writes_decimals_with_a_comma() -> None:
    stage = {
        "units": 3,
        "applicable": 3,
        "done": 1,
        "overdue": 0,
        "at_risk": 0,
        "on_track": 1,
        "not_started": 1,
        "progress": 0.5213,
    }
    doc = {
        "org": "DU",
        "as_of": "2025-03-20",
        "plan": "ct45-2025",
        "stages": dict.fromkeys(("personnel", "inspections", "feedback", "training"), stage),
        "units": [],
    }
    text = overdue_markdown(doc)
    assert "52,1%" in text and "52.1%" not in text
