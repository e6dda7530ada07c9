"""The sender must be named (DESIGN.md "Imports that replace data", RELIABILITY.md G1, G2):
never the root by default; the same bytes already accepted for another unit are refused."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine, select

from models import Candidate, IntakeRecord
from models.db import read_session
from models.enums import IntakeState
from tasks.intake.receive import ImportOptions, import_file
from tests.helpers.cli import run_cli
from tests.helpers.workbooks import counts, nhan_su_book, person, seed_tree

pytestmark = pytest.mark.db


def _people(n: int, prefix: str = "Người") -> list[dict[str, object]]:
    return [person(**{"Họ và tên": f"{prefix} Số {chr(65 + i)}"}) for i in range(n)]


def _active(org_code: str) -> int:
    from models import Organisation

    with read_session() as s:
        return len(
            s.scalars(
                select(Candidate.id)
                .join(Organisation, Organisation.id == Candidate.org_id)
                .where(Organisation.code == org_code, Candidate.active.is_(True))
            ).all()
        )


def test_a_hand_typed_list_without_meta_or_org_is_refused_and_the_root_keeps_its_list(
    engine: Engine, tmp_path: Path
) -> None:
    seed_tree()
    roots = nhan_su_book(tmp_path / "du.xlsx", _people(6, "Ủy viên"))
    assert import_file(roots, ImportOptions(sender_code="DU")).state is IntakeState.ACCEPTED
    before = counts()

    units = nhan_su_book(tmp_path / "a-units-list.xlsx", _people(3))
    outcome = import_file(units, ImportOptions())

    assert outcome.state is IntakeState.REJECTED
    assert "Không xác định được đơn vị gửi" in (outcome.message or "")
    assert "--org" in (outcome.message or "")
    assert counts() == before
    assert _active("DU") == 6


def test_the_cli_refuses_a_file_without_a_sender_and_says_how_to_name_it(
    engine: Engine, tmp_path: Path
) -> None:
    seed_tree()
    path = nhan_su_book(tmp_path / "x.xlsx", _people(2))
    before = counts()

    code, out = run_cli("import", str(path))

    assert code == 1
    assert "Không xác định được đơn vị gửi" in out
    assert counts() == before


def test_bytes_accepted_for_one_unit_are_refused_for_another_naming_the_first(
    engine: Engine, tmp_path: Path
) -> None:
    seed_tree()
    assert import_file(
        nhan_su_book(tmp_path / "b.xlsx", _people(5)), ImportOptions(sender_code="CB-B")
    ).accepted
    path = nhan_su_book(tmp_path / "a.xlsx", _people(3))
    first = import_file(path, ImportOptions(sender_code="CB-A"))
    assert first.state is IntakeState.ACCEPTED
    before = counts()

    # The same file dropped into CB-B's inbox folder: CB-B must keep its five candidates.
    again = import_file(path, ImportOptions(sender_code="CB-B"))

    assert again.state is IntakeState.REJECTED
    assert "'CB-A'" in (again.message or "") + " ".join(i.text() for i in again.issues)
    assert counts() == before
    assert _active("CB-B") == 5 and _active("CB-A") == 3
    with read_session() as s:
        rec = s.get(IntakeRecord, again.intake_id)
        assert rec is not None and rec.state is IntakeState.REJECTED


def test_bytes_accepted_for_a_unit_and_since_replaced_are_still_refused_for_another(
    engine: Engine, tmp_path: Path
) -> None:
    seed_tree()
    old = nhan_su_book(tmp_path / "old.xlsx", _people(3))
    assert import_file(old, ImportOptions(sender_code="CB-A")).accepted
    assert import_file(
        nhan_su_book(tmp_path / "new.xlsx", _people(4)), ImportOptions(sender_code="CB-A")
    ).accepted
    before = counts()

    outcome = import_file(old, ImportOptions(sender_code="CB-B"))

    assert outcome.state is IntakeState.REJECTED
    assert counts() == before


def test_the_same_bytes_again_for_the_same_unit_stay_a_duplicate(
    engine: Engine, tmp_path: Path
) -> None:
    seed_tree()
    path = nhan_su_book(tmp_path / "a.xlsx", _people(2))
    assert import_file(path, ImportOptions(sender_code="CB-A")).state is IntakeState.ACCEPTED
    assert import_file(path, ImportOptions(sender_code="CB-A")).state is IntakeState.DUPLICATE


def test_an_unknown_org_on_import_is_a_usage_error_and_nothing_is_read(
    engine: Engine, tmp_path: Path
) -> None:
    seed_tree()
    path = nhan_su_book(tmp_path / "x.xlsx", _people(2))
    before = counts()

    code, out = run_cli("import", str(path), "--org", "CB-KHONG-CO")

    assert code == 2
    assert "CB-KHONG-CO" in out
    assert counts() == before
    with read_session() as s:
        assert s.scalars(select(IntakeRecord.id)).all() == []
