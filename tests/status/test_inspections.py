"""Status rules, inspections: concluded and verified runs as of the date."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlalchemy import Engine

from models.db import write_session
from models.enums import RemedyStatus
from tests.helpers.factories import add_org
from tests.helpers.status import add_inspection, root_only, stage_of, status

pytestmark = pytest.mark.db


def test_inspection_rules_count_concluded_and_verified_as_of_the_date(engine: Engine) -> None:
    m1, m5, m8, m20 = date(2025, 3, 1), date(2025, 3, 5), date(2025, 3, 8), date(2025, 3, 20)
    with write_session() as s:
        root = root_only(s)
        orgs = {c: add_org(s, c, parent=root) for c in ("DONE-NV", "VERIFIED", "LATE-C", "NONE")}
        orgs["FUTURE"] = add_org(s, "FUTURE", parent=root)
        orgs["MIXED"] = add_org(s, "MIXED", parent=root)
        add_inspection(s, orgs["DONE-NV"], m1, m5, [(RemedyStatus.HOAN_THANH, m8)])
        add_inspection(s, orgs["VERIFIED"], m1, m5, [(RemedyStatus.XAC_NHAN, m8)])
        add_inspection(s, orgs["LATE-C"], m1, m20, [(RemedyStatus.CHUA, None)])
        add_inspection(s, orgs["FUTURE"], m20, m20)
        add_inspection(
            s,
            orgs["MIXED"],
            m1,
            m5,
            [(RemedyStatus.XAC_NHAN, m8), (RemedyStatus.DANG, None)],
        )
    doc = status(date(2025, 3, 15))

    def figures(code: str) -> tuple[Any, ...]:
        e = stage_of(doc, code, "inspections")
        return (e["state"], e["progress"], e["inspections"], e["concluded"], e["verified"])

    assert figures("DONE-NV") == ("on_track", 0.5, 1, 1, 0)  # Đã hoàn thành is not verified
    assert figures("VERIFIED") == ("done", 1.0, 1, 1, 1)
    assert stage_of(doc, "VERIFIED", "inspections")["done_on"] == "2025-03-08"
    assert figures("LATE-C") == ("not_started", 0.0, 1, 0, 0)  # concluded after as_of
    assert figures("NONE") == ("not_started", 0.0, 0, 0, 0)
    assert figures("FUTURE") == ("not_started", 0.0, 0, 0, 0)  # started after as_of
    assert figures("MIXED") == ("on_track", 0.6667, 1, 1, 1)  # (1 + 1) ÷ (1 + 2)
    # A verification dated after as_of does not count yet.
    early = stage_of(status(date(2025, 3, 7)), "VERIFIED", "inspections")
    assert (early["state"], early["progress"], early["verified"]) == ("on_track", 0.5, 0)


def test_inspection_done_on_is_the_start_of_the_last_done_run(engine: Engine) -> None:
    with write_session() as s:
        root = root_only(s)
        org = add_org(s, "U", parent=root)
        add_inspection(s, org, date(2025, 1, 2), date(2025, 1, 10))
        add_inspection(s, org, date(2025, 2, 1), date(2025, 2, 20))
    first = stage_of(status(date(2025, 1, 20)), "U", "inspections")
    assert (first["state"], first["done_on"]) == ("done", "2025-01-10")
    undone = stage_of(status(date(2025, 2, 10)), "U", "inspections")
    assert (undone["state"], undone["progress"], undone["done_on"]) == ("on_track", 0.5, None)
    again = stage_of(status(date(2025, 3, 1)), "U", "inspections")
    assert (again["state"], again["done_on"]) == ("done", "2025-02-20")
