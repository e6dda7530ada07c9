"""The flows end to end through Prefect's test harness; prefect.yaml resolves to real flows."""

from __future__ import annotations

import importlib
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml
from sqlalchemy import Engine, func, select

from models import CandidateStep, StatusSnapshot
from models.db import read_session, write_session
from models.enums import OrgKind
from tests.helpers.factories import add_org, candidate

ROOT = Path(__file__).resolve().parents[2]
AS_OF = date(2025, 3, 15)
SECRET_NAME = "Huỳnh Thị Bích Ngọc"
SECRET_BIRTH = date(1983, 7, 29)


def _seed(n_units: int) -> None:
    with write_session() as s:
        root = add_org(s, "DU", OrgKind.TREN_CO_SO, congress=date(2025, 8, 1), committee_size=15)
        for i in range(n_units):
            unit = add_org(
                s, f"CB-{i:03d}", parent=root, congress=date(2025, 4, 1), committee_size=3
            )
            if i == 0:
                cand = candidate(
                    unit.id,
                    SECRET_NAME,
                    name_key="huynh thi bich ngoc",
                    birth_date=SECRET_BIRTH,
                    joined_on=date(2008, 5, 19),
                    education="Thạc sĩ Ngữ văn",
                    current_position="Hiệu trưởng",
                )
                s.add(cand)
                s.flush()
                s.add(CandidateStep(candidate_id=cand.id, step=5, passed_on=date(2025, 3, 1)))


def _task_runs(flow_run_id: Any) -> list[Any]:
    from prefect import get_client
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId

    with get_client(sync_client=True) as client:
        return list(
            client.read_task_runs(
                flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=[flow_run_id]))
            )
        )


def _artifacts_text() -> str:
    from prefect import get_client

    with get_client(sync_client=True) as client:
        return "\n".join(repr(a.data) + repr(a.description) for a in client.read_artifacts())


def test_prepare_congresses_runs_end_to_end_and_publishes_codes_only(
    engine: Engine, harness: None
) -> None:
    from flows.preparation import prepare_congresses

    _seed(4)
    state = prepare_congresses(scope=None, as_of=AS_OF, return_state=True)
    assert state.is_completed()
    result = state.result()
    assert result["org"] == "DU"
    assert result["stages"]["personnel"]["units"] == 4
    assert result["snapshot"]["created"] is True
    text = _artifacts_text()
    assert "status-du" in text or "CB-000" in text
    assert SECRET_NAME not in text
    assert SECRET_BIRTH.isoformat() not in text and "29/07/1983" not in text


def test_prefect_task_runs_do_not_grow_with_units(engine: Engine, harness: None) -> None:
    from flows.preparation import prepare_congresses

    _seed(3)
    small = prepare_congresses(as_of=AS_OF, return_state=True)
    with write_session() as s:
        from models import Organisation

        root = s.scalars(select(Organisation).where(Organisation.code == "DU")).one()
        for i in range(40):
            add_org(s, f"CB-X{i:03d}", parent=root, congress=date(2025, 5, 1))
    large = prepare_congresses(as_of=date(2025, 3, 16), return_state=True)
    n_small = len(_task_runs(small.state_details.flow_run_id))
    n_large = len(_task_runs(large.state_details.flow_run_id))
    assert n_small == n_large
    assert n_small <= 25


def test_rollup_writes_one_snapshot_per_scope_per_day(engine: Engine, harness: None) -> None:
    from flows.rollup import rollup_status

    _seed(2)
    first = rollup_status(as_of=AS_OF)
    # New data the same day: the day's snapshot is immutable, figures of the re-run aside.
    with write_session() as s:
        from models import Organisation

        root = s.scalars(select(Organisation).where(Organisation.code == "DU")).one()
        add_org(s, "CB-NEW", parent=root, congress=date(2025, 4, 1))
    second = rollup_status(as_of=AS_OF)
    assert first["snapshot"]["created"] is True
    assert second["snapshot"] == {"created": False, "sha256": first["snapshot"]["sha256"]}
    with read_session() as s:
        assert s.scalar(select(func.count()).select_from(StatusSnapshot)) == 1
        payload = s.scalars(select(StatusSnapshot.payload)).one()
    assert len(payload["units"]) == 2
    third = rollup_status(as_of=date(2025, 3, 16))
    assert third["snapshot"]["created"] is True


def test_each_stage_flow_returns_its_digest(engine: Engine, harness: None) -> None:
    from flows.feedback import track_feedback
    from flows.inspections import track_inspections
    from flows.personnel import track_personnel
    from flows.training import track_training

    _seed(2)
    for flow_fn, stage in (
        (track_personnel, "personnel"),
        (track_inspections, "inspections"),
        (track_feedback, "feedback"),
        (track_training, "training"),
    ):
        digest = flow_fn(as_of=AS_OF)
        assert digest["stage"] == stage
        assert digest["summary"]["units"] == 2


def _deployments() -> list[dict[str, Any]]:
    return list(yaml.safe_load((ROOT / "prefect.yaml").read_text(encoding="utf-8"))["deployments"])


@pytest.mark.parametrize("spec", _deployments(), ids=lambda d: d["name"])
def test_every_prefect_yaml_entrypoint_resolves_to_a_flow(spec: dict[str, Any]) -> None:
    from prefect import Flow

    path, attr = spec["entrypoint"].split(":")
    assert (ROOT / path).is_file()
    module = importlib.import_module(path.removesuffix(".py").replace("/", "."))
    flow_obj = getattr(module, attr)
    assert isinstance(flow_obj, Flow)
    for schedule in spec.get("schedules", []):
        assert schedule["timezone"] == "Asia/Ho_Chi_Minh"
    assert spec["work_pool"]["name"] == "daihoi"
    params = set(flow_obj.parameters.properties)
    assert set(spec.get("parameters") or {}) <= params


def test_the_yearly_targets_deployment_renders_the_latest_years_targets_report(
    engine: Engine, harness: None, tmp_path: Path
) -> None:
    from flows.reports import write_report
    from tests.helpers.status import add_figures

    (spec,) = [d for d in _deployments() if (d.get("parameters") or {}).get("kind") == "targets"]
    assert spec["entrypoint"] == "flows/reports.py:write_report"
    (schedule,) = spec["schedules"]
    minute, hour, day, month, weekday = schedule["cron"].split()
    assert all(f.isdigit() for f in (minute, hour, day, month)) and weekday == "*"  # yearly
    _seed(2)
    with write_session() as s:
        from models import Organisation

        for unit in s.scalars(select(Organisation).where(Organisation.code.like("CB-%"))):
            add_figures(s, unit, 2024, members=10, registered=10)
    files = write_report(**spec["parameters"], as_of=AS_OF, out_dir=str(tmp_path))
    assert [(f["kind"], f["scope"]) for f in files] == [("targets", "DU")]
    assert Path(files[0]["path"]).parent == tmp_path


def test_write_report_flow_renders_the_delegate_allocation_for_its_figures(
    engine: Engine, harness: None, tmp_path: Path
) -> None:
    import docx

    from flows.reports import write_report

    _seed(2)  # two units of 20 members each
    figures = {"total": 11, "ex_officio": 2, "base": 1}
    (f,) = write_report("delegates", as_of=AS_OF, out_dir=str(tmp_path), delegates=figures)
    assert (f["kind"], f["scope"]) == ("delegates", "DU")
    rows = [[c.text for c in r.cells] for r in docx.Document(f["path"]).tables[1].rows]
    # R = 11 − 2 − 2 = 7 over 20 + 20: 3,5 each; the last seat by code (CB-000).
    assert [r[1:] for r in rows[1:3]] == [
        ["Chi bộ CB-000", "20", "1", "4", "5"],
        ["Chi bộ CB-001", "20", "1", "3", "4"],
    ]
    assert rows[-1][-1] == "11"


def test_write_report_flow_renders_then_returns_the_archived_file(
    engine: Engine, harness: None, tmp_path: Path
) -> None:
    from flows.reports import write_report

    _seed(2)
    first = write_report("inspections", as_of=AS_OF, out_dir=str(tmp_path))
    again = write_report("inspections", as_of=AS_OF, out_dir=str(tmp_path))
    assert [f["reused"] for f in first] == [False]
    assert [f["reused"] for f in again] == [True]
    assert again[0]["sha256"] == first[0]["sha256"]
    assert Path(first[0]["path"]).parent == tmp_path
