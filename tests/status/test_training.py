"""Status rules, training: required pairs and attendance as of the date."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlalchemy import Engine

from models.db import write_session
from models.enums import PartyRole, Presence
from tests.helpers.factories import add_org
from tests.helpers.status import add_course, attend, root_only, stage_of, status

pytestmark = pytest.mark.db


def test_training_pairs_follow_committee_size_and_attendance_as_of(engine: Engine) -> None:
    bt, pbt, cuv = PartyRole.BI_THU, PartyRole.PHO_BI_THU, PartyRole.CAP_UY_VIEN
    with write_session() as s:
        root = root_only(s)
        # K1 requires {bt, pbt} at S1 and {cuv} at S2: the union of its sessions' roles.
        s1, s2 = add_course(s, [(date(2025, 3, 1), (bt, pbt)), (date(2025, 3, 20), (cuv,))])
        (s3,) = add_course(s, [(date(2025, 3, 5), (bt,))])
        (s4,) = add_course(s, [(date(2025, 3, 6), (PartyRole.DANG_VIEN,))])  # no unit role
        t1 = add_org(s, "T1", parent=root, committee_size=3)  # 4 pairs
        attend(s, s1, t1, bt, Presence.DI_TRE)
        attend(s, s1, t1, pbt)
        attend(s, s2, t1, cuv)
        attend(s, s3, t1, bt, Presence.VANG_CO_PHEP)
        t2 = add_org(s, "T2", parent=root, committee_size=1)  # 2 pairs: K1 and K2 for bt
        attend(s, s1, t2, bt)
        attend(s, s1, t2, pbt)  # a role the unit does not have
        attend(s, s3, t2, bt)
        t3 = add_org(s, "T3", parent=root, committee_size=2)  # 3 pairs
        attend(s, s1, t3, bt, Presence.DI_TRE)
        attend(s, s3, t3, bt)
        attend(s, s2, t3, pbt)  # K1's pbt pair, at a K1 session that did not list pbt
        t4 = add_org(s, "T4", parent=root, committee_size=None)
        t5 = add_org(s, "T5", parent=root, committee_size=0)
        for org in (t4, t5):
            attend(s, s4, org, PartyRole.DANG_VIEN)
    mid = status(date(2025, 3, 10))
    late = status(date(2025, 3, 25))

    def fig(doc: dict[str, Any], code: str) -> tuple[Any, ...]:
        e = stage_of(doc, code, "training")
        return (e["state"], e["progress"], e["pairs"], e["satisfied"], e["done_on"])

    assert fig(late, "T1") == ("on_track", 0.75, 4, 3, None)
    # K2's session (3/5) adds its pair the day T2 attends it: done without a break since 3/1.
    assert fig(late, "T2") == ("done", 1.0, 2, 2, "2025-03-01")
    assert fig(mid, "T2") == ("done", 1.0, 2, 2, "2025-03-01")
    assert fig(mid, "T3") == ("on_track", 0.6667, 3, 2, None)
    assert fig(late, "T3") == ("done", 1.0, 3, 3, "2025-03-20")
    assert fig(mid, "T1") == ("on_track", 0.6667, 3, 2, None)  # the cuv session is not held yet
    for code in ("T4", "T5"):
        assert fig(late, code) == ("not_applicable", None, 0, 0, None)
    summary = late["stages"]["training"]
    assert (summary["units"], summary["applicable"], summary["done"]) == (5, 3, 2)
    assert summary["progress"] == round((0.75 + 1 + 1) / 3, 4)


def test_a_course_held_after_as_of_is_not_required_yet(engine: Engine) -> None:
    # DESIGN.md lists training session dates among the facts as_of filters: on a replayed day a
    # session not yet held does not exist, so neither do the roles it requires.
    with write_session() as s:
        root = root_only(s)
        (held,) = add_course(s, [(date(2025, 3, 1), (PartyRole.BI_THU,))])
        add_course(s, [(date(2025, 4, 1), (PartyRole.BI_THU,))])
        org = add_org(s, "U", parent=root, committee_size=1)
        attend(s, held, org, PartyRole.BI_THU)
    entry = stage_of(status(date(2025, 3, 10)), "U", "training")
    assert (entry["pairs"], entry["satisfied"], entry["progress"]) == (1, 1, 1.0)
    later = stage_of(status(date(2025, 4, 1)), "U", "training")
    assert (later["pairs"], later["satisfied"], later["progress"]) == (2, 1, 0.5)


def test_training_without_any_pair_is_not_applicable(engine: Engine) -> None:
    with write_session() as s:
        root = root_only(s)
        add_org(s, "U", parent=root, committee_size=3)
    doc = status(date(2025, 3, 1))
    assert stage_of(doc, "U", "training")["state"] == "not_applicable"
    assert doc["stages"]["training"] == {
        "units": 1,
        "applicable": 0,
        "done": 0,
        "overdue": 0,
        "at_risk": 0,
        "on_track": 0,
        "not_started": 0,
        "progress": None,
    }
