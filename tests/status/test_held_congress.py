"""DESIGN.md "A congress already held", exactly: a unit whose held date H is ≤ as_of is judged
on its facts dated ≤ H (each dated fact of "What as_of filters" read up to the unit's own
cutoff, min(as_of, H), in the same pass as every other unit), then a stage done by then stays
done and one not done by then is not applicable (`dai-hoi-da-to-chuc`)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from models import Draft, MilestoneOverride, Organisation
from models.db import write_session
from models.enums import CommentKind, OverrideState, PartyRole, RemedyStatus, Stage
from tests.helpers.factories import add_org
from tests.helpers.status import (
    add_candidate,
    add_course,
    add_draft,
    add_inspection,
    add_override,
    add_passed,
    add_submission,
    attend,
    root_only,
    stage_of,
    status,
)

pytestmark = pytest.mark.db
HELD_ON = date(2025, 3, 10)
AS_OF = date(2025, 3, 20)
BEFORE, EARLY, AFTER = date(2025, 3, 1), date(2025, 3, 5), date(2025, 3, 15)
HELD = "dai-hoi-da-to-chuc"
STAGES = ("personnel", "inspections", "feedback", "training")


def _held(s: Session, root: Organisation, code: str, **kw: Any) -> Organisation:
    """A Chi bộ (committee of 3: 4 candidates required) whose congress was held on HELD_ON."""
    return add_org(s, code, parent=root, congress=HELD_ON, held=HELD_ON, **kw)


def _revoked_override(
    s: Session, org: Organisation, stage: Stage, state: OverrideState, on: date, revoked: date
) -> None:
    s.add(
        MilestoneOverride(
            org_id=org.id,
            stage=stage,
            state=state,
            effective_from=on,
            reason="test",
            actor="t",
            revoked_on=revoked,
            revoke_reason="test",
            revoked_by="t",
        )
    )
    s.flush()


def _lapsed(entry: dict[str, Any]) -> bool:
    return entry["state"] == "not_applicable" and HELD in entry["warnings"]


def test_facts_dated_after_the_congress_do_not_make_a_stage_done(engine: Engine) -> None:
    with write_session() as s:
        root = root_only(s)
        draft = add_draft(s, root, date(2025, 3, 31))
        a = _held(s, root, "A")
        add_passed(s, a, 3, BEFORE)
        add_candidate(s, a, {3: BEFORE, 5: AFTER})  # the 4th passes after the congress
        add_submission(s, draft, a, AFTER, [(CommentKind.BO_SUNG, False)])
        add_inspection(s, a, BEFORE, AFTER)  # concluded after the congress
        # Concluded before it, its remedy verified only after it.
        add_inspection(s, a, BEFORE, EARLY, [(RemedyStatus.XAC_NHAN, AFTER)])
    entries = {stage: stage_of(status(AS_OF), "A", stage) for stage in STAGES}
    for stage in ("personnel", "inspections", "feedback"):
        assert _lapsed(entries[stage]), stage
    personnel = entries["personnel"]
    # The figures shown are those of the congress day, not of as_of.
    assert (personnel["passed"], personnel["candidates"]) == (3, 4)
    assert (entries["feedback"]["comments"], entries["feedback"]["late"]) == (0, False)
    inspections = entries["inspections"]
    assert (inspections["inspections"], inspections["concluded"]) == (2, 1)
    assert (inspections["remedies"], inspections["verified"]) == (1, 0)


def test_facts_dated_after_the_congress_do_not_undo_a_done_stage(engine: Engine) -> None:
    with write_session() as s:
        root = root_only(s)
        (first,) = add_course(s, [(BEFORE, (PartyRole.BI_THU,))])
        add_course(s, [(AFTER, (PartyRole.BI_THU,))])  # a second course, after the congress
        b = _held(s, root, "B")
        add_inspection(s, b, BEFORE, EARLY)
        add_inspection(s, b, AFTER)  # started after the congress, never concluded
        attend(s, first, b, PartyRole.BI_THU)
        add_passed(s, b, 4, BEFORE)
    doc = status(AS_OF)
    inspections = stage_of(doc, "B", "inspections")
    assert (inspections["state"], inspections["done_on"]) == ("done", "2025-03-05")
    assert (inspections["inspections"], inspections["progress"]) == (1, 1.0)
    training = stage_of(doc, "B", "training")
    assert (training["state"], training["pairs"], training["satisfied"]) == ("done", 1, 1)
    assert training["done_on"] == "2025-03-01" and HELD not in training["warnings"]
    assert stage_of(doc, "B", "personnel")["state"] == "done"
    # The rollup follows: the scope counts B done in both.
    for stage in ("inspections", "training"):
        summary = doc["stages"][stage]
        assert (summary["done"], summary["applicable"]) == (1, 1), stage


def test_an_override_dated_after_the_congress_is_ignored(engine: Engine) -> None:
    with write_session() as s:
        root = root_only(s)
        d = _held(s, root, "D")
        add_inspection(s, d, BEFORE, EARLY)
        add_override(s, d, Stage.INSPECTIONS, OverrideState.NOT_APPLICABLE, AFTER)
        add_override(s, d, Stage.PERSONNEL, OverrideState.DONE, AFTER)
        e = _held(s, root, "E")
        # In force on the congress day, revoked after it: it still decides that day.
        _revoked_override(s, e, Stage.PERSONNEL, OverrideState.DONE, BEFORE, AFTER)
    doc = status(AS_OF)
    assert stage_of(doc, "D", "inspections")["state"] == "done"
    assert _lapsed(stage_of(doc, "D", "personnel"))
    forced = stage_of(doc, "E", "personnel")
    assert (forced["state"], forced["done_on"]) == ("done", "2025-03-01")


def _with_facts_on_both_sides(s: Session, draft: Draft, org: Organisation) -> None:
    """Every kind of dated fact, some before and some after HELD_ON."""
    add_submission(s, draft, org, AFTER, [(CommentKind.BO_SUNG, True)])
    add_passed(s, org, 2, BEFORE)
    add_passed(s, org, 2, AFTER)
    add_candidate(s, org, {1: BEFORE, 4: AFTER})
    add_inspection(s, org, BEFORE, EARLY, [(RemedyStatus.XAC_NHAN, EARLY)])
    add_inspection(s, org, EARLY, AFTER, [(RemedyStatus.XAC_NHAN, AFTER)])
    first, later = add_course(s, [(BEFORE, (PartyRole.BI_THU,)), (AFTER, (PartyRole.CAP_UY_VIEN,))])
    attend(s, first, org, PartyRole.BI_THU)
    attend(s, later, org, PartyRole.CAP_UY_VIEN)
    add_override(s, org, Stage.FEEDBACK, OverrideState.DONE, AFTER)


def test_a_held_unit_is_what_a_replay_of_its_congress_day_gives(engine: Engine) -> None:
    with write_session() as s:
        root = root_only(s)
        draft = add_draft(s, root, date(2025, 3, 31))
        for code in ("R1", "R2"):
            _with_facts_on_both_sides(s, draft, _held(s, root, code))
        add_org(s, "OPEN", parent=root, congress=date(2025, 6, 30))
    for scope, codes in (("R1", ("R1",)), (None, ("R1", "R2"))):
        later, replay = status(AS_OF, scope), status(HELD_ON, scope)
        for code in codes:
            assert [stage_of(later, code, st) for st in STAGES] == [
                stage_of(replay, code, st) for st in STAGES
            ], (scope, code)
    leaf_later, leaf_replay = status(AS_OF, "R1"), status(HELD_ON, "R1")
    assert leaf_later["stages"] == leaf_replay["stages"]
    assert leaf_later["self"] == leaf_replay["self"]
    # And the replayed day is itself judged on the facts dated by then: personnel has 2 of 4.
    assert stage_of(leaf_replay, "R1", "personnel")["passed"] == 2


def test_a_unit_without_a_held_date_reads_every_fact_up_to_as_of(engine: Engine) -> None:
    with write_session() as s:
        root = root_only(s)
        held = _held(s, root, "H")
        past = add_org(s, "P", parent=root, congress=HELD_ON)  # planned, never recorded held
        later = add_org(s, "L", parent=root, congress=HELD_ON, held=date(2025, 3, 25))
        for org in (held, past, later):
            add_passed(s, org, 4, AFTER)
            add_inspection(s, org, BEFORE, EARLY)
            add_override(s, org, Stage.INSPECTIONS, OverrideState.NOT_APPLICABLE, AFTER)
    doc = status(AS_OF)
    assert _lapsed(stage_of(doc, "H", "personnel"))
    assert stage_of(doc, "H", "inspections")["state"] == "done"
    for code in ("P", "L"):  # no held date by as_of: every fact dated by as_of counts
        personnel = stage_of(doc, code, "personnel")
        assert (personnel["state"], personnel["passed"]) == ("done", 4), code
        inspections = stage_of(doc, code, "inspections")
        assert inspections["state"] == "not_applicable", code
        assert HELD not in inspections["warnings"], code
    assert "qua-ngay-du-kien" in stage_of(doc, "P", "personnel")["warnings"]
