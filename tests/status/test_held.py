"""DESIGN.md "A congress already held": done by then stays done, not done by then is not
applicable (`dai-hoi-da-to-chuc`); a planned date past with no held date warns
`qua-ngay-du-kien`; no reminder letter to a unit whose congress was held."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine

from models.db import read_session, write_session
from models.enums import PartyRole
from models.queries import find_root
from tasks.reports.api import render_report
from tasks.reports.kinds.personnel import candidates_of_units
from tasks.reports.kinds.training import satisfied_pairs
from tests.helpers.documents import body_text
from tests.helpers.factories import add_org
from tests.helpers.status import (
    add_candidate,
    add_course,
    add_inspection,
    attend,
    root_only,
    status,
)

pytestmark = pytest.mark.db
AS_OF = date(2025, 3, 20)
HELD_ON = date(2025, 3, 10)


@pytest.fixture
def tree(engine: Engine) -> None:
    m1, m5, m15 = date(2025, 3, 1), date(2025, 3, 5), date(2025, 3, 15)
    with write_session(engine) as s:
        root = root_only(s)
        h1 = add_org(s, "H1", parent=root, name="Chi bộ Đã Họp", congress=HELD_ON, held=HELD_ON)
        add_inspection(s, h1, m1, m5)  # concluded before the congress: done
        h2 = add_org(s, "H2", parent=root, name="Chi bộ Họp Sớm", congress=HELD_ON, held=HELD_ON)
        add_inspection(s, h2, m1, m15)  # concluded only after the congress
        add_org(s, "P1", parent=root, name="Chi bộ Quá Ngày", congress=date(2025, 3, 7))
        add_org(s, "F1", parent=root, name="Chi bộ Sắp Họp", congress=date(2025, 6, 30))


def _stage(doc: dict, code: str, stage: str) -> dict:
    return next(u for u in doc["units"] if u["code"] == code)["stages"][stage]


def test_a_held_congress_keeps_done_stages_and_ends_the_others(tree: None) -> None:
    doc = status(AS_OF)
    assert _stage(doc, "H1", "inspections")["state"] == "done"
    assert "dai-hoi-da-to-chuc" not in _stage(doc, "H1", "inspections")["warnings"]
    for code, stage in (("H1", "personnel"), ("H2", "personnel"), ("H2", "inspections")):
        entry = _stage(doc, code, stage)
        assert entry["state"] == "not_applicable", (code, stage)
        assert entry["progress"] is None and "dai-hoi-da-to-chuc" in entry["warnings"]
    personnel = doc["stages"]["personnel"]
    assert (personnel["units"], personnel["applicable"]) == (4, 2)
    assert personnel["overdue"] == 1  # P1 only: its personnel was due 30 days before 07/03


def test_a_past_planned_date_without_a_held_date_warns(tree: None) -> None:
    doc = status(AS_OF)
    for stage in ("personnel", "inspections", "feedback", "training"):
        assert "qua-ngay-du-kien" in _stage(doc, "P1", stage)["warnings"]
        assert "qua-ngay-du-kien" not in _stage(doc, "F1", stage)["warnings"]
        assert "qua-ngay-du-kien" not in _stage(doc, "H1", stage)["warnings"]


def test_no_reminder_to_a_held_unit_and_a_past_date_is_spoken_of_in_the_past(
    tree: None, tmp_path: Path
) -> None:
    letters = render_report(kind="reminders", scope=None, as_of=AS_OF, out_dir=tmp_path)
    texts = {p.name: body_text(p) for p in tmp_path.glob("reminders_*.docx")}
    assert len(letters) == len(texts) == 1, sorted(texts)
    (text,) = texts.values()
    assert "Chi bộ Quá Ngày" in text
    assert "dự kiến tổ chức ngày 07/03/2025" not in text
    assert "được tổ chức ngày 07/03/2025; đến nay đã quá ngày này" in text
    (progress,) = render_report(kind="progress", scope=None, as_of=AS_OF, out_dir=tmp_path)
    report = body_text(progress.path)
    assert "Chi bộ Họp Sớm đã tổ chức đại hội khi chưa hoàn thành: nhân sự cấp ủy khóa mới; " in (
        report
    )


def test_personnel_lists_speak_of_a_held_or_past_congress_in_the_past(
    tree: None, tmp_path: Path
) -> None:
    texts = {}
    for code in ("H1", "P1", "F1"):
        (made,) = render_report(kind="personnel", scope=code, as_of=AS_OF, out_dir=tmp_path)
        texts[code] = body_text(made.path)
    assert "(đại hội đã tổ chức ngày 10/03/2025)" in texts["H1"]
    assert "(đại hội dự kiến ngày 07/03/2025, đã quá ngày dự kiến)" in texts["P1"]
    assert "(đại hội dự kiến ngày 30/06/2025)" in texts["F1"]


def test_a_held_units_personnel_list_reads_its_steps_as_of_its_congress(engine: Engine) -> None:
    # DESIGN.md: a held unit is judged on its facts dated by its congress; the personnel
    # list's candidates (and so the list's table and its summary) say the same.
    with write_session(engine) as s:
        root = root_only(s)
        h = add_org(s, "H9", parent=root, congress=HELD_ON, held=HELD_ON)
        add_candidate(s, h, {1: date(2025, 3, 1), 2: date(2025, 3, 5), 5: date(2025, 3, 15)})
        open_unit = add_org(s, "F9", parent=root, congress=date(2025, 6, 30))
        add_candidate(s, open_unit, {1: date(2025, 3, 1), 5: date(2025, 3, 15)})
        ids = (h.id, open_unit.id)
    with read_session(engine) as s:
        rows = candidates_of_units(s, org_ids=list(ids), as_of=AS_OF)
    assert [r.step for r in rows[ids[0]]] == [2]  # step 5 came after its congress of 10/03
    assert [r.step for r in rows[ids[1]]] == [5]  # no congress held: everything by as_of


def test_a_held_units_training_roles_count_sessions_by_its_congress(engine: Engine) -> None:
    with write_session(engine) as s:
        root = root_only(s)
        h = add_org(s, "H8", parent=root, congress=HELD_ON, held=HELD_ON)
        f = add_org(s, "F8", parent=root, congress=date(2025, 6, 30))
        (late,) = add_course(s, [(date(2025, 3, 15), (PartyRole.BI_THU,))])
        attend(s, late, h, PartyRole.BI_THU)  # after its congress of 10/03
        attend(s, late, f, PartyRole.BI_THU)
        ids = (h.id, f.id)
    with read_session(engine) as s:
        pairs = satisfied_pairs(s, scope_path=find_root(s).path, as_of=AS_OF)
    assert {org for org, _, _ in pairs} == {ids[1]}
