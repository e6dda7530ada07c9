"""Plans in the database: `init` writes each packaged plan version with its milestones, and
every archived report names the plan version it was judged by."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

import tasks.core.plans as plans_module
import tasks.reports.planning as planning_module
from models import PlanMilestone, PlanVersion, ReportArchive
from models.db import read_session, write_session
from models.enums import OrgKind, Stage
from tasks.core.plans import Plan, packaged_plans, sync_plans
from tasks.reports.api import render_report
from tests.helpers.cli import run_cli
from tests.helpers.factories import add_org

pytestmark = pytest.mark.db

AS_OF = date(2025, 3, 15)


def _stored(engine: Engine) -> list[tuple[str, str]]:
    with read_session(engine) as s:
        return [
            (r.name, r.sha256)
            for r in s.execute(
                select(PlanVersion.name, PlanVersion.sha256).order_by(PlanVersion.id)
            )
        ]


def test_init_writes_every_packaged_plan_once_with_its_milestones(engine: Engine) -> None:
    code, out = run_cli("init")
    assert code == 0, out
    expected = {(p.name, p.sha256) for p in packaged_plans().values()}
    assert set(_stored(engine)) == expected and len(expected) >= 2
    code, _ = run_cli("init")  # again: nothing new
    assert code == 0 and len(_stored(engine)) == len(expected)
    plan = packaged_plans()["ct45-2025"]
    with read_session(engine) as s:
        version = s.scalars(select(PlanVersion).where(PlanVersion.name == plan.name)).one()
        assert version.framework == plan.framework
        assert version.effective_from == plan.effective_from
        assert version.body["surplus_min"]["value"] == plan.surplus_min.value
        rows = s.execute(
            select(PlanMilestone.stage, PlanMilestone.level, PlanMilestone.offset_days).where(
                PlanMilestone.plan_id == version.id
            )
        ).all()
    assert {(r.stage, r.level, r.offset_days) for r in rows} == {
        (Stage(stage), level, rule.offset_days)
        for stage, rules in plan.milestones.items()
        for level, rule in rules.items()
    }


def _changed(plan: Plan) -> Plan:
    """The same plan with another surplus: a new file, so a new version."""
    surplus = plan.surplus_min.model_copy(update={"value": plan.surplus_min.value + 5})
    return plan.model_copy(update={"surplus_min": surplus, "sha256": "f" * 64})


def test_each_archived_report_names_the_plan_version_it_used(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with write_session(engine) as s:
        root = add_org(s, "DU", OrgKind.TREN_CO_SO, congress=date(2025, 8, 1), committee_size=15)
        add_org(s, "CB-A", parent=root, congress=date(2025, 4, 1), committee_size=3)
    (first,) = render_report(kind="inspections", scope=None, as_of=AS_OF, out_dir=tmp_path)
    original = packaged_plans()
    used = plans_module.choose_plan(None, AS_OF)
    # A later package ships a changed file for the same plan.
    changed = {**original, used.name: _changed(used)}
    monkeypatch.setattr(plans_module, "packaged_plans", lambda: changed)
    monkeypatch.setattr(planning_module, "packaged_plans", lambda: changed)
    later = date(2025, 3, 16)
    (second,) = render_report(kind="inspections", scope=None, as_of=later, out_dir=tmp_path)
    assert not first.reused and not second.reused
    with read_session(engine) as s:
        rows = s.execute(
            select(ReportArchive.as_of, PlanVersion.name, PlanVersion.sha256)
            .join(PlanVersion, PlanVersion.id == ReportArchive.plan_version_id)
            .order_by(ReportArchive.as_of)
        ).all()
        versions = s.scalar(
            select(func.count()).select_from(PlanVersion).where(PlanVersion.name == used.name)
        )
    assert [(r.as_of, r.name, r.sha256) for r in rows] == [
        (AS_OF, used.name, used.sha256),
        (later, used.name, "f" * 64),
    ]
    assert versions == 2  # the old version is kept as it was


def test_syncing_twice_returns_the_same_ids_and_writes_nothing_new(engine: Engine) -> None:
    with write_session(engine) as s:
        first = sync_plans(s)
    with write_session(engine) as s:
        again = sync_plans(s)
        milestones = s.scalar(select(func.count()).select_from(PlanMilestone))
    assert first == again and set(first) == set(packaged_plans())
    assert milestones == sum(
        len(rules) for p in packaged_plans().values() for rules in p.milestones.values()
    )
