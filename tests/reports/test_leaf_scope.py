"""DESIGN.md "A scope with no units": a leaf scope's own figures are its one row in status,
in its progress report and in its reminder letter."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from sqlalchemy import Engine

from models.db import write_session
from tests.helpers.cli import run_cli
from tests.helpers.documents import body_text, table_rows
from tests.helpers.reports_tree import AS_OF, LEAF, build_tree
from tests.helpers.status import root_only, status

pytestmark = pytest.mark.db
DAY = AS_OF.isoformat()


@pytest.fixture
def tree(engine: Engine) -> dict[str, int]:
    with write_session(engine) as session:
        return build_tree(session)


def _status(*extra: str) -> tuple[int, str]:
    return run_cli("status", "--org", LEAF[0], "--as-of", DAY, *extra)


def test_status_of_a_leaf_shows_its_own_figures_as_its_one_row(tree: dict[str, int]) -> None:
    code, out = _status("--json")
    assert code == 0, out
    doc = json.loads(out)
    assert [u["code"] for u in doc["units"]] == [LEAF[0]]
    row = doc["units"][0]
    assert row["stages"] == doc["self"]["stages"]
    # The scope itself, at its own depth, under its real parent (DESIGN's "parent": a code).
    assert row["parent"] == "ROOT" and row["depth"] == 0
    personnel = doc["stages"]["personnel"]
    assert personnel["units"] == 1 and personnel["applicable"] == 1
    assert personnel["overdue"] == int(doc["self"]["stages"]["personnel"]["state"] == "overdue")
    assert personnel["progress"] == doc["self"]["stages"]["personnel"]["progress"]
    code, text = _status()
    assert code == 0, text
    assert LEAF[0] in text and "— 1 đơn vị" in text and "— 0 đơn vị" not in text
    assert re.search(r"Nhân sự\s*│\s*1\s*│", text), text  # applicable: 1, not 0


def test_a_registry_of_its_root_alone_gives_the_roots_row_no_parent(engine: Engine) -> None:
    with write_session(engine) as session:
        root_only(session)
    doc = status(AS_OF)  # schema-valid
    assert [(u["code"], u["parent"], u["depth"]) for u in doc["units"]] == [("DU", None, 0)]


def test_progress_report_of_a_leaf_counts_it_tables_it_and_lists_it_overdue(
    tree: dict[str, int], tmp_path: Path
) -> None:
    code, out = run_cli(
        "report", "progress", "--org", LEAF[0], "--as-of", DAY, "--out", str(tmp_path)
    )
    assert code == 0, out
    (path,) = tmp_path.glob("progress_*.docx")
    text = body_text(path)
    assert "của 1 tổ chức đảng" in text and "của 0 tổ chức đảng" not in text
    assert "Chưa có đơn vị nào quá hạn" not in text
    laggards = [r for r in table_rows(path) if LEAF[1] in r]
    assert any("Quá hạn" in cell for r in laggards for cell in r)
    stages = [r for r in table_rows(path) if r and r[0].startswith("Nhân sự")]
    assert stages and stages[0][1] == "1"


def test_reminders_for_a_leaf_issue_its_one_letter(tree: dict[str, int], tmp_path: Path) -> None:
    code, out = run_cli(
        "report", "reminders", "--org", LEAF[0], "--as-of", DAY, "--out", str(tmp_path), "--issue"
    )
    assert code == 0, out
    (path,) = tmp_path.glob("reminders_*.docx")
    text = body_text(path)
    assert f"Kính gửi: {LEAF[1]}" in text or LEAF[1] in text
    assert "Nhân sự" in text
