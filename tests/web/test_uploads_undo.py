"""Confirm-before-removal and undo on the web (DESIGN.md "Imports that replace data"): a file
removing more than half of a unit's rows is kept, not imported, until the confirming POST; the
office undoes an accepted intake from its page, plan first, then confirmed and audited."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select

from flows.web.routes.uploads import PENDING_HOURS
from models import Candidate
from models.db import read_session
from models.records import AuditEvent, IntakeRecord
from models.settings import get_settings
from tests.helpers.workbooks import counts, nhan_su_book
from tests.web.test_uploads import JSON, NAMES, _people, _post

pytestmark = pytest.mark.db


def _names(engine: Engine) -> set[str]:
    with read_session(engine) as s:
        return set(s.scalars(select(Candidate.full_name).where(Candidate.active)))


def _book(tmp_path: Path, name: str, names: list[str]) -> bytes:
    return nhan_su_book(tmp_path / name, _people(names), meta={"org_code": "DB-A"}).read_bytes()


def test_a_file_removing_more_than_half_waits_for_confirmation_then_lands(
    client_for: Callable[[str], TestClient], engine: Engine, tmp_path: Path
) -> None:
    unit = client_for("don-vi")
    assert _post(unit, [("a.xlsx", _book(tmp_path, "a.xlsx", NAMES[:6]))]).status_code == 200
    before = counts()

    page = _post(unit, [("b.xlsx", _book(tmp_path, "b.xlsx", NAMES[:1]))], as_json=False)
    f = _post(unit, [("b.xlsx", _book(tmp_path, "b.xlsx", NAMES[:1]))]).json()["files"][0]

    assert page.status_code == 200
    assert "Chờ xác nhận" in page.text and 'name="xac_nhan"' in page.text
    assert f["state"] == "rejected" and f["needs_confirmation"] is True
    assert len(f["errors"]) == 1 and "quá một nửa" in f["errors"][0]["message"]
    assert f["changes"] == [{"org": "DB-A", "existing": 6, "added": 0, "changed": 0, "removed": 5}]
    assert counts() == before and len(_names(engine)) == 6

    done = unit.post("/nop", data=f["confirm"], files=[], headers=JSON)
    (g,) = done.json()["files"]

    assert (g["state"], g["rows"]) == ("accepted", 1)
    assert _names(engine) == {NAMES[0]}
    again = unit.post("/nop", data=f["confirm"], files=[], headers=JSON)
    assert again.status_code == 400 and "Không còn tệp chờ xác nhận" in again.json()["error"]


def test_confirm_on_the_request_imports_at_once_as_the_clis_yes(
    client_for: Callable[[str], TestClient], engine: Engine, tmp_path: Path
) -> None:
    unit = client_for("don-vi")
    _post(unit, [("a.xlsx", _book(tmp_path, "a.xlsx", NAMES[:6]))])
    f = _post(unit, [("b.xlsx", _book(tmp_path, "b.xlsx", NAMES[:1]))], confirm="1")
    assert f.json()["files"][0]["state"] == "accepted"
    assert _names(engine) == {NAMES[0]}


def test_a_confirmation_names_a_kept_file_of_its_own_sender_only(
    client_for: Callable[[str], TestClient], engine: Engine, tmp_path: Path
) -> None:
    unit, office = client_for("don-vi"), client_for("van-phong")
    _post(unit, [("a.xlsx", _book(tmp_path, "a.xlsx", NAMES[:6]))])
    f = _post(unit, [("b.xlsx", _book(tmp_path, "b.xlsx", NAMES[:1]))]).json()["files"][0]

    wrong = office.post("/nop", data={**f["confirm"], "org": "CB-B"}, files=[], headers=JSON)
    forged = unit.post("/nop", data={"xac_nhan": "../../x"}, files=[], headers=JSON)

    assert wrong.status_code == 400 and forged.status_code == 400
    assert len(_names(engine)) == 6


def test_the_office_undoes_an_intake_from_its_page_plan_first_then_confirmed_and_audited(
    client_for: Callable[[str], TestClient], engine: Engine, tmp_path: Path
) -> None:
    unit, office = client_for("don-vi"), client_for("van-phong")
    first = _post(unit, [("a.xlsx", _book(tmp_path, "a.xlsx", NAMES[:2]))]).json()["files"][0]
    kept = _names(engine)
    second = _post(unit, [("b.xlsx", _book(tmp_path, "b.xlsx", NAMES[2:5]))]).json()["files"][0]
    url = f"/nop/{second['intake_id']}"
    assert "Xem trước việc hoàn tác" in office.get(url).text
    assert "Xem trước việc hoàn tác" not in unit.get(url).text
    assert unit.post(f"{url}/hoan-tac").status_code == 403
    changed = counts()

    plan = office.post(f"{url}/hoan-tac")

    assert plan.status_code == 200
    assert f"áp dụng lại lần nhận số {first['intake_id']}" in plan.text
    assert "Xác nhận hoàn tác" in plan.text
    assert counts() == changed and _names(engine) == set(NAMES[2:5])

    done = office.post(f"{url}/hoan-tac", data={"xac_nhan": "1"})

    assert done.status_code == 200 and "Đã hoàn tác" in done.text
    assert _names(engine) == kept
    with read_session(engine) as s:
        undo = s.scalars(
            select(IntakeRecord).where(IntakeRecord.undo_of_id == second["intake_id"])
        ).one()
        actors = set(
            s.scalars(
                select(AuditEvent.actor).where(AuditEvent.id > 0).order_by(AuditEvent.id.desc())
            ).all()[:1]
        )
    assert undo.actor == "vp.office" and actors == {"vp.office"}
    assert f"lần nhận số {undo.id}" in office.get(url).text  # "undone by" on the page


def test_a_kept_file_not_confirmed_within_a_day_is_forgotten(
    client_for: Callable[[str], TestClient], engine: Engine, tmp_path: Path
) -> None:
    unit = client_for("don-vi")
    _post(unit, [("a.xlsx", _book(tmp_path, "a.xlsx", NAMES[:6]))])
    f = _post(unit, [("b.xlsx", _book(tmp_path, "b.xlsx", NAMES[:1]))]).json()["files"][0]
    (kept,) = (get_settings().home / "intake" / "cho-xac-nhan" / "DB-A").iterdir()
    old = time.time() - (PENDING_HOURS + 1) * 3600
    os.utime(kept, (old, old))
    g = _post(unit, [("c.xlsx", _book(tmp_path, "c.xlsx", [*NAMES[:1], "Khác"]))]).json()

    assert g["files"][0]["needs_confirmation"] and not kept.exists()
    late = unit.post("/nop", data=f["confirm"], headers=JSON)
    assert late.status_code == 400 and len(_names(engine)) == 6
