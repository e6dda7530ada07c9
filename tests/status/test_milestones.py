"""Status rules, overrides and milestones: effective dates, done_on, due dates, window."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest
from sqlalchemy import Engine

from models.db import write_session
from models.enums import Gender, OrgKind, OverrideState, PartyRole, Presence, RemedyStatus, Stage
from tasks.status import milestones
from tests.helpers.factories import add_org
from tests.helpers.status import (
    STAGE_KEYS,
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
    states,
    status,
)

pytestmark = pytest.mark.db


def test_overrides_apply_from_their_effective_date(engine: Engine) -> None:
    with write_session() as s:
        root = root_only(s)
        forced = add_org(s, "FORCED", parent=root)
        add_override(s, forced, Stage.PERSONNEL, OverrideState.DONE, date(2025, 3, 10))
        excused = add_org(s, "EXCUSED", parent=root)
        add_inspection(s, excused, date(2025, 2, 1))
        add_override(s, excused, Stage.INSPECTIONS, OverrideState.NOT_APPLICABLE, date(2025, 3, 10))
        early = add_org(s, "EARLY", parent=root)
        add_inspection(s, early, date(2025, 1, 5), date(2025, 2, 1))
        add_override(s, early, Stage.INSPECTIONS, OverrideState.DONE, date(2025, 3, 1))
        flip = add_org(s, "FLIP", parent=root)
        add_override(s, flip, Stage.INSPECTIONS, OverrideState.NOT_APPLICABLE, date(2025, 3, 1))
        add_override(s, flip, Stage.INSPECTIONS, OverrideState.DONE, date(2025, 3, 12))
    before = status(date(2025, 3, 9))
    after = status(date(2025, 3, 12))
    fb = stage_of(before, "FORCED", "personnel")
    assert (fb["state"], fb["progress"], fb["done_on"]) == ("not_started", 0.0, None)
    fa = stage_of(after, "FORCED", "personnel")
    assert (fa["state"], fa["progress"], fa["done_on"]) == ("done", 1.0, "2025-03-10")
    assert before["stages"]["personnel"]["done"] == 0
    assert after["stages"]["personnel"]["done"] == 1
    assert states(before, "inspections") == {
        "FORCED": "not_started",
        "EXCUSED": "not_started",
        "EARLY": "done",
        "FLIP": "not_applicable",
    }
    assert states(after, "inspections") == {
        "FORCED": "not_started",
        "EXCUSED": "not_applicable",
        "EARLY": "done",
        "FLIP": "done",
    }
    assert stage_of(after, "EXCUSED", "inspections")["progress"] is None
    # An override on a unit already done keeps the earliest continuous done date.
    assert stage_of(after, "EARLY", "inspections")["done_on"] == "2025-02-01"
    assert stage_of(after, "FLIP", "inspections")["done_on"] == "2025-03-12"
    assert before["stages"]["inspections"] == {
        "units": 4,
        "applicable": 3,
        "done": 1,
        "overdue": 0,
        "at_risk": 0,
        "on_track": 0,
        "not_started": 2,
        "progress": round(1 / 3, 4),
    }
    assert after["stages"]["inspections"] == {
        "units": 4,
        "applicable": 3,
        "done": 2,
        "overdue": 0,
        "at_risk": 0,
        "on_track": 0,
        "not_started": 1,
        "progress": round(2 / 3, 4),
    }


def test_done_on_spans_an_earlier_data_run_joined_by_a_done_override(engine: Engine) -> None:
    with write_session() as s:
        root = root_only(s)
        u = add_org(s, "U", parent=root)
        add_inspection(s, u, date(2025, 3, 1), date(2025, 3, 1))  # done by data from 03-01 …
        add_inspection(s, u, date(2025, 3, 4), date(2025, 3, 7))  # … open 03-04 to 03-06
        add_override(s, u, Stage.INSPECTIONS, OverrideState.DONE, date(2025, 3, 2))
    # Done every day since 03-01: by data on 03-01, by the override from 03-02.
    assert stage_of(status(date(2025, 3, 3)), "U", "inspections")["done_on"] == "2025-03-01"
    assert stage_of(status(date(2025, 3, 5)), "U", "inspections")["done_on"] == "2025-03-01"


def test_done_on_is_where_the_current_run_of_done_days_began_replayed_day_by_day(
    engine: Engine,
) -> None:
    day = [date(2025, 3, d) for d in range(1, 13)]  # day[k] is 2025-03-(k+1)
    men = {"gender": Gender.NAM, "born": date(1970, 1, 1), "education": "Cử nhân"}
    bt, pbt = PartyRole.BI_THU, PartyRole.PHO_BI_THU
    with write_session() as s:
        root = root_only(s)
        # Personnel (required 2): done on 03-05, broken on 03-08 (2 women of 14 < ⌈2.1⌉),
        # done again on 03-10 (3 of 15 ≥ ⌈2.25⌉).
        p = add_org(s, "P", parent=root, committee_size=1)
        add_passed(s, p, 1, day[2])
        add_passed(s, p, 1, day[4])
        add_passed(s, p, 12, day[7], **men)
        add_passed(s, p, 1, day[9])
        # Inspections: done 03-04, reopened 03-06 by a new inspection, done again 03-09.
        i = add_org(s, "I", parent=root)
        add_inspection(s, i, day[1], day[3])
        add_inspection(s, i, day[5], day[6], [(RemedyStatus.XAC_NHAN, day[8])])
        # Feedback from its submission; training from the last pair satisfied.
        draft = add_draft(s, root, day[11])
        f = add_org(s, "F", parent=root)
        add_submission(s, draft, f, day[6])
        s1, s2 = add_course(s, [(day[1], (bt, pbt)), (day[5], ())])
        tr = add_org(s, "T", parent=root, committee_size=2)
        attend(s, s1, tr, bt, Presence.DI_TRE)
        attend(s, s2, tr, pbt)
        # An override makes a unit done before its data does; another excuses a unit.
        o = add_org(s, "O", parent=root)
        add_inspection(s, o, day[1], day[7])
        add_override(s, o, Stage.INSPECTIONS, OverrideState.DONE, day[4])
        n = add_org(s, "N", parent=root)
        add_inspection(s, n, day[1], day[2])
        add_override(s, n, Stage.INSPECTIONS, OverrideState.NOT_APPLICABLE, day[5])
    docs = [status(d) for d in day]
    entries = [
        {(u["code"], k): v for u in doc["units"] for k, v in u["stages"].items()} for doc in docs
    ]
    done_days = {key: [e[key]["state"] == "done" for e in entries] for key in entries[0]}
    assert done_days[("P", "personnel")] == [d in (4, 5, 6, 9, 10, 11) for d in range(12)]
    assert done_days[("I", "inspections")] == [d in (3, 4, 8, 9, 10, 11) for d in range(12)]
    assert done_days[("F", "feedback")] == [d >= 6 for d in range(12)]
    assert done_days[("T", "training")] == [d >= 5 for d in range(12)]
    assert done_days[("O", "inspections")] == [d >= 4 for d in range(12)]
    assert done_days[("N", "inspections")] == [d in (2, 3, 4) for d in range(12)]
    # Replayed day by day, done_on is the first day of the run of done days ending at as_of.
    for key, flags in done_days.items():
        assert not flags[0], key  # nothing is done on the first day
        for k, e in enumerate(entries):
            start = k
            while flags[k] and start > 0 and flags[start - 1]:
                start -= 1
            want = day[start].isoformat() if flags[k] else None
            assert e[key]["done_on"] == want, (key, day[k])


@pytest.mark.parametrize(
    ("as_of", "idle", "started"),
    [
        (date(2025, 6, 1), "overdue", "overdue"),  # due + 1
        (date(2025, 5, 31), "at_risk", "at_risk"),  # due
        (date(2025, 5, 17), "at_risk", "at_risk"),  # due − 14
        (date(2025, 5, 16), "not_started", "on_track"),  # due − 15
    ],
)
def test_milestone_state_at_the_edges_of_the_window(
    engine: Engine, as_of: date, idle: str, started: str
) -> None:
    with write_session() as s:
        root = root_only(s)
        add_org(s, "IDLE", parent=root, committee_size=1)  # congress 2025-06-30 (default)
        going = add_org(s, "STARTED", parent=root, committee_size=1)
        add_candidate(s, going, {2: date(2025, 1, 10)})
        done = add_org(s, "DONE", parent=root, committee_size=1)
        add_passed(s, done, 2, date(2025, 1, 10))
    doc = status(as_of)
    assert stage_of(doc, "IDLE", "personnel")["due"] == "2025-05-31"
    assert states(doc, "personnel") == {"IDLE": idle, "STARTED": started, "DONE": "done"}


def test_due_dates_per_stage_from_the_congress_date_of_the_unit_or_its_level(
    engine: Engine,
) -> None:
    with write_session() as s:
        root = root_only(s)
        add_org(s, "OWN", parent=root, congress=date(2025, 5, 20))
        dbcs = add_org(s, "DBCS", OrgKind.DANG_BO_CO_SO, root)
        add_org(s, "CELL", OrgKind.CHI_BO_TRUC_THUOC, dbcs)
    doc = status(date(2025, 3, 1))
    dues = {
        u["code"]: (u["congress_date"], *(u["stages"][k]["due"] for k in STAGE_KEYS))
        for u in doc["units"]
    }
    assert dues == {
        "OWN": ("2025-05-20", "2025-04-20", "2025-05-05", "2025-04-30", "2025-04-05"),
        "DBCS": ("2025-06-30", "2025-05-31", "2025-06-15", "2025-06-10", "2025-05-16"),
        "CELL": ("2025-05-31", "2025-05-01", "2025-05-16", "2025-05-11", "2025-04-16"),
    }
    assert doc["self"]["stages"]["personnel"]["due"] == "2025-08-01"  # 2025-08-31 − 30


def test_no_due_date_gives_on_track_or_not_started_with_a_warning() -> None:
    judged = pd.DataFrame(
        {
            "id": [1, 2, 3],
            "applicable": [True, True, True],
            "done": [False, False, True],
            "progress": [0.0, 0.5, 1.0],
            "done_on": [pd.NaT, pd.NaT, pd.Timestamp("2025-01-01")],
            "warnings": [(), (), ()],
        }
    )
    due = pd.Series([pd.NaT] * 3, dtype="datetime64[ns]")
    out = milestones.judge_states(judged, due, date(2030, 1, 1), 14)
    assert list(out["state"]) == ["not_started", "on_track", "done"]
    assert [list(w) for w in out["warnings"]] == [["no-due-date"], ["no-due-date"], []]
