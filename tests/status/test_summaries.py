"""Status rules: stage summaries, the scope unit and the units' tree order."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import Engine

from models.db import write_session
from models.enums import OrgKind, OrgStatus, OverrideState, RemedyStatus, Stage
from tests.helpers.factories import add_org
from tests.helpers.status import STAGE_KEYS, add_inspection, add_override, root_only, states, status

pytestmark = pytest.mark.db


def test_stage_summary_counts_states_and_averages_progress_unweighted(engine: Engine) -> None:
    m1, m5 = date(2025, 3, 1), date(2025, 3, 5)
    with write_session() as s:
        root = root_only(s)
        done = add_org(s, "U1", parent=root)
        add_inspection(s, done, m1, m5)
        overdue = add_org(s, "U2", parent=root, congress=date(2025, 4, 10))  # due 03-26
        add_inspection(s, overdue, m1, m5)
        add_inspection(s, overdue, m1)
        add_org(s, "U3", parent=root, congress=date(2025, 4, 20))  # due 04-05: at risk
        on_track = add_org(s, "U4", parent=root)
        add_inspection(s, on_track, m1, m5, [(RemedyStatus.HOAN_THANH, m5)])
        add_org(s, "U5", parent=root)
        excused = add_org(s, "U6", parent=root)
        add_inspection(s, excused, m1)
        add_override(s, excused, Stage.INSPECTIONS, OverrideState.NOT_APPLICABLE, m1)
    doc = status(date(2025, 4, 1))
    assert states(doc, "inspections") == {
        "U1": "done",
        "U2": "overdue",
        "U3": "at_risk",
        "U4": "on_track",
        "U5": "not_started",
        "U6": "not_applicable",
    }
    # Unweighted: (1 + 0.5 + 0 + 0.5 + 0) ÷ 5 = 0.4 (weighted by items it would be 3 ÷ 5).
    assert doc["stages"]["inspections"] == {
        "units": 6,
        "applicable": 5,
        "done": 1,
        "overdue": 1,
        "at_risk": 1,
        "on_track": 1,
        "not_started": 1,
        "progress": 0.4,
    }


def test_scope_is_self_and_excluded_from_units_and_summaries(engine: Engine) -> None:
    m1 = date(2025, 3, 1)
    with write_session() as s:
        root = root_only(s)
        dbcs = add_org(s, "DBCS", OrgKind.DANG_BO_CO_SO, root)
        add_inspection(s, dbcs, m1, m1)
        c1 = add_org(s, "C1", OrgKind.CHI_BO_TRUC_THUOC, dbcs)
        add_inspection(s, c1, m1)
        c2 = add_org(s, "C2", OrgKind.DANG_BO_BO_PHAN, dbcs)
        c21 = add_org(s, "C21", OrgKind.CHI_BO_TRUC_THUOC, c2)
        add_inspection(s, c21, m1, m1)
        other = add_org(s, "OTHER", parent=root)
        add_inspection(s, other, m1, m1)
    doc = status(date(2025, 3, 10), scope="DBCS")
    assert doc["org"] == "DBCS"
    assert [(u["code"], u["parent"], u["depth"]) for u in doc["units"]] == [
        ("C1", "DBCS", 1),
        ("C2", "DBCS", 1),
        ("C21", "C2", 2),
    ]
    assert doc["self"]["code"] == "DBCS"
    assert doc["self"]["stages"]["inspections"]["state"] == "done"
    assert set(doc["self"]["stages"]) == set(STAGE_KEYS)
    summary = doc["stages"]["inspections"]
    assert (summary["units"], summary["applicable"], summary["done"]) == (3, 3, 1)
    assert summary["progress"] == round(1 / 3, 4)
    whole = status(date(2025, 3, 10))
    assert whole["self"]["code"] == "DU"
    assert [u["code"] for u in whole["units"]] == ["DBCS", "C1", "C2", "C21", "OTHER"]
    assert whole["stages"]["inspections"]["done"] == 3


def test_units_are_in_tree_order_depth_first_siblings_by_code(engine: Engine) -> None:
    with write_session() as s:
        root = root_only(s)
        b = add_org(s, "B", OrgKind.DANG_BO_CO_SO, root)  # created first: a smaller id
        a = add_org(s, "A", OrgKind.DANG_BO_CO_SO, root)
        for code in ("B2", "B10", "B1"):
            add_org(s, code, OrgKind.CHI_BO_TRUC_THUOC, b)
        add_org(s, "A1", OrgKind.CHI_BO_TRUC_THUOC, a)
    doc = status(date(2025, 3, 1))
    assert [u["code"] for u in doc["units"]] == ["A", "A1", "B", "B1", "B10", "B2"]
    for u in doc["units"]:
        assert set(u["stages"]) == set(STAGE_KEYS)


def test_dissolved_units_are_left_out_and_the_plan_follows_as_of(engine: Engine) -> None:
    with write_session() as s:
        root = root_only(s)
        add_org(s, "LIVE", parent=root)
        gone = add_org(s, "GONE", parent=root)
        add_inspection(s, gone, date(2025, 3, 1), date(2025, 3, 2))
        gone.status = OrgStatus.DISSOLVED
    before = status(date(2025, 4, 13), plan=None)
    assert before["plan"] == "ct35-2024"
    assert [u["code"] for u in before["units"]] == ["LIVE"]
    assert before["stages"]["inspections"]["units"] == 1
    assert before["stages"]["inspections"]["done"] == 0
    # Without --plan: the latest plan in effect on as_of (ct45-2025 from 2025-04-14).
    assert status(date(2025, 4, 14), plan=None)["plan"] == "ct45-2025"
