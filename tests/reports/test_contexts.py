"""Context builders: each supplies exactly what its template uses; the texts they compute."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import Engine

from models.db import read_session, write_session
from models.settings import get_settings
from tasks.reports.api import template_path
from tasks.reports.docx.render import load_template
from tasks.reports.kinds import KINDS
from tasks.reports.kinds.progress import PreviousReport, build_progress_context, progress_summary
from tasks.reports.kinds.targets import build_targets_context
from tasks.reports.plan import plan_documents
from tasks.status.delegates import Figures
from tests.helpers.reports_tree import AS_OF, build_tree


def _stage(done: int, overdue: int) -> dict[str, object]:
    return {
        "units": 3,
        "applicable": 3,
        "done": done,
        "overdue": overdue,
        "at_risk": 0,
        "on_track": 3 - done - overdue,
        "not_started": 0,
        "progress": 0.5,
        "late": 0,
        "comments": 4,
        "answered": 2,
    }


def _unit(code: str, personnel: str) -> dict[str, object]:
    other = {
        "state": "on_track",
        "progress": 0.5,
        "due": "2025-04-01",
        "done_on": None,
        "warnings": [],
    }
    return {
        "code": code,
        "name": f"Chi bộ {code}",
        "kind": "Chi bộ cơ sở",
        "parent": "R",
        "depth": 1,
        "congress_date": "2025-05-01",
        "stages": {
            "personnel": {**other, "state": personnel},
            "inspections": other,
            "feedback": other,
            "training": other,
        },
    }


def _status(units: list[dict[str, object]], done: int, overdue: int) -> dict[str, object]:
    stages = {
        s: _stage(done if s == "personnel" else 0, overdue if s == "personnel" else 0)
        for s in ("personnel", "inspections", "feedback", "training")
    }
    own = {"state": "on_track", "progress": 0.2, "due": None, "done_on": None, "warnings": []}
    return {
        "schema": 1,
        "as_of": "2025-03-15",
        "org": "R",
        "plan": "ct35-2024",
        "year": 2024,
        "stages": stages,
        "self": {"code": "R", "stages": dict.fromkeys(stages, own)},
        "targets": [],
        "units": units,
    }


def test_progress_report_says_what_changed_since_the_previous_one() -> None:
    before = _status([_unit("A", "overdue"), _unit("B", "on_track")], done=0, overdue=1)
    now = _status([_unit("A", "done"), _unit("B", "overdue")], done=1, overdue=1)
    previous = PreviousReport(date(2025, 3, 1), "Số 7-BC/ĐU", progress_summary(before))
    ctx = build_progress_context(
        doc={}, status=now, scope_name="R", previous=previous, has_chart=False
    )
    changes = ctx["changes"]
    assert changes["previous"] and changes["previous_ref"] == " (số 7-BC/ĐU)"
    assert changes["lines"][0] == (
        "Nhân sự cấp ủy khóa mới: hoàn thành 0 → 1 đơn vị (+1); quá hạn 1 → 1 đơn vị."
    )
    assert "Mới hoàn thành nội dung nhân sự cấp ủy khóa mới: Chi bộ A." in changes["lines"]
    assert "Mới quá hạn nội dung nhân sự cấp ủy khóa mới: Chi bộ B." in changes["lines"]
    assert [row["name"] for row in ctx["laggards"]] == ["Chi bộ B"]
    first = build_progress_context(
        doc={}, status=now, scope_name="R", previous=None, has_chart=False
    )
    assert first["changes"]["previous"] is False


def test_targets_are_listed_in_the_letters_order() -> None:
    status = _status([], 0, 0)
    status["targets"] = [
        {
            "code": code,
            "year": 2024,
            "numerator": 9,
            "denominator": 10,
            "actual": 0.9,
            "op": ">",
            "threshold": 0.9,
            "met": False,
            "reporting": 3,
            "population": 4,
        }
        for code in ("so-hoa", "tong-hop", "dang-ky-ctrhd")
    ]
    ctx = build_targets_context(doc={}, status=status, scope_name="R", has_chart=False)
    assert [t["text"][:3] for t in ctx["targets"]] == ["(1)", "(2)", "(6)"]
    assert ctx["targets"][0]["threshold"] == "> 90%" and ctx["targets"][0]["met"] == "Chưa đạt"
    assert ctx["summary"] == {"met": 0, "total": 2}


@pytest.mark.db
def test_each_context_builder_supplies_exactly_its_templates_variables(engine: Engine) -> None:
    with write_session(engine) as session:
        build_tree(session)
    settings = get_settings()
    seen = set()
    for kind in KINDS:
        for subtree in (False, True) if kind == "personnel" else (False,):
            with read_session(engine) as session:
                req = plan_documents(
                    session,
                    settings=settings,
                    kind=kind,
                    scope="CB-B" if kind == "personnel" and not subtree else None,
                    as_of=AS_OF,
                    plan=None,
                    year=None,
                    subtree=subtree,
                    delegates=Figures(total=12, ex_officio=3) if kind == "delegates" else None,
                )
            assert req.documents, kind
            for doc in req.documents:
                template = load_template(template_path(doc.template))
                assert template.variables == set(doc.context), doc.template
                seen.add(doc.template)
    assert len(seen) == 9
