"""Undo (DESIGN.md "Imports that replace data", RELIABILITY.md G4): `daihoi import --undo`
puts a unit's form back as before an intake — status byte-identical at three dates — as a new
audited intake; the first intake's undo empties the form; a superseded intake needs --yes."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, func, select

from models import AuditEvent, IntakeRecord
from models.db import read_session
from models.enums import IntakeState
from models.queries import find_org
from tasks.core.errors import UserError
from tasks.intake.preview import snapshot
from tasks.intake.receive import ImportOptions, import_file
from tasks.intake.store import stored_path
from tasks.intake.undo import undo_intake
from tests.helpers.cli import run_cli
from tests.helpers.workbooks import nhan_su_book, person, seed_tree

pytestmark = pytest.mark.db

DAYS = ("2025-01-05", "2025-02-20", "2025-04-10")
NAMES = ["An", "Bình", "Chi", "Dũng", "Giang", "Hà"]


def _status() -> list[str]:
    out = []
    for day in DAYS:
        code, text = run_cli("status", "--json", "--as-of", day)
        assert code == 0, text
        out.append(text)
    return out


def _send(path: Path, rows: list[dict[str, object]], **opts: object) -> int:
    outcome = import_file(nhan_su_book(path, rows), ImportOptions("CB-A", confirm=True, **opts))
    assert outcome.state is IntakeState.ACCEPTED, [i.text() for i in outcome.issues]
    assert outcome.intake_id is not None
    return outcome.intake_id


def _cb_a_rows() -> dict[str, dict[tuple[object, ...], tuple[object, ...]]]:
    with read_session() as s:
        return snapshot(s, form="nhan-su", scope=find_org(s, code="CB-A"))


def test_undo_puts_the_units_list_back_with_byte_identical_status_at_three_dates(
    engine: Engine, tmp_path: Path
) -> None:
    seed_tree()
    first = [
        person(
            **{"Họ và tên": "Nguyễn Văn An", "Bước quy trình": 1, "Ngày qua bước": "05/01/2025"}
        ),
        person(**{"Họ và tên": "Lê Thị Bé", "Bước quy trình": 2, "Ngày qua bước": "10/02/2025"}),
    ]
    v1 = _send(tmp_path / "v1.xlsx", first)
    assert stored_path(_sha(v1)).is_file()
    wanted = _status()
    second = [
        person(
            **{"Họ và tên": "Nguyễn Văn An", "Bước quy trình": 4, "Ngày qua bước": "01/03/2025"}
        ),
        person(**{"Họ và tên": "Trần Văn Mới", "Bước quy trình": 3, "Ngày qua bước": "15/01/2025"}),
    ]
    v2 = _send(tmp_path / "v2.xlsx", second)
    assert _status() != wanted
    audit_before = _audit_rows()

    code, out = run_cli("import", "--undo", str(v2))

    assert code == 0, out
    assert "hoàn tác lần nhận số" in out
    assert _status() == wanted
    assert _audit_rows() > audit_before  # a new audited intake
    with read_session() as s:
        rec = s.scalars(select(IntakeRecord).order_by(IntakeRecord.id.desc())).first()
        assert rec is not None
        assert (rec.state, rec.undo_of_id, rec.file_name) == (IntakeState.ACCEPTED, v2, "v1.xlsx")
        assert s.get(IntakeRecord, v2).state is IntakeState.SUPERSEDED  # type: ignore[union-attr]


def test_undo_of_the_first_intake_empties_the_units_form(engine: Engine, tmp_path: Path) -> None:
    seed_tree()
    empty = _status()
    v1 = _send(tmp_path / "v1.xlsx", [person(), person(**{"Họ và tên": "Lê Thị Bé"})])

    plan, outcome = undo_intake(v1)

    assert plan.previous is None
    assert outcome.state is IntakeState.ACCEPTED
    assert _cb_a_rows() == {}
    assert _status() == empty


def test_undo_of_a_superseded_intake_says_so_and_needs_yes(engine: Engine, tmp_path: Path) -> None:
    seed_tree()
    v1 = _send(tmp_path / "v1.xlsx", [person()])
    _send(tmp_path / "v2.xlsx", [person(**{"Họ và tên": "Lê Thị Bé"})])
    rows = _cb_a_rows()

    code, out = run_cli("import", "--undo", str(v1))

    assert code == 1
    assert "đã được thay thế bởi lần nhận số" in out and "--yes" in out
    assert _cb_a_rows() == rows
    code, out = run_cli("import", "--undo", str(v1), "--yes")
    assert code == 0, out
    assert _cb_a_rows() == {}


def test_undo_of_an_unknown_or_rejected_intake_is_one_clear_line(
    engine: Engine, tmp_path: Path
) -> None:
    seed_tree()
    bad = import_file(
        nhan_su_book(tmp_path / "x.xlsx", [person(**{"Giới tính": "?"})]), ImportOptions("CB-A")
    )
    with pytest.raises(UserError, match="Không có lần nhận số 999"):
        undo_intake(999)
    with pytest.raises(UserError, match="không có gì để hoàn tác"):
        undo_intake(bad.intake_id or 0)


def _sha(intake_id: int) -> str:
    with read_session() as s:
        return s.scalars(select(IntakeRecord.sha256).where(IntakeRecord.id == intake_id)).one()


def _audit_rows() -> int:
    with read_session() as s:
        return s.scalar(select(func.count()).select_from(AuditEvent)) or 0


people = st.lists(st.sampled_from(NAMES), min_size=1, max_size=4, unique=True)


@settings(max_examples=5, deadline=None)
@given(first=people, second=people, steps=st.lists(st.integers(0, 4), min_size=4, max_size=4))
def test_import_another_version_undo_undo_leaves_the_first_state(
    engine: Engine,
    tmp_path_factory: pytest.TempPathFactory,
    first: list[str],
    second: list[str],
    steps: list[int],
) -> None:
    assume(first != second)
    tmp = tmp_path_factory.mktemp("undo")
    if not _has_tree():
        seed_tree()
    start = _cb_a_rows()

    def rows(names: list[str]) -> list[dict[str, object]]:
        return [
            person(
                **{
                    "Họ và tên": f"Nguyễn {n}",
                    "Bước quy trình": steps[i],
                    "Ngày qua bước": "10/01/2025" if steps[i] else None,
                }
            )
            for i, n in enumerate(names)
        ]

    a = _send(tmp / "a.xlsx", rows(first), received_on=date(2025, 3, 1))
    after_a = _cb_a_rows()
    b = _send(tmp / "b.xlsx", rows(second), received_on=date(2025, 3, 2))
    undo_intake(b)
    assert _cb_a_rows() == after_a
    undo_intake(a, confirm=True)  # the undo of b superseded a
    assert _cb_a_rows() == start


def _has_tree() -> bool:
    with read_session() as s:
        try:
            find_org(s, code="CB-A")
        except LookupError:
            return False
        return True
