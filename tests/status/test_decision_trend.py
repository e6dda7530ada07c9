"""Decision support, trend: each point equals a separate `status --as-of` run (across a plan
change), the cache answers a repeated trend without recomputing, a write makes it recompute."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, delete, func, select

from models import Organisation, TrendPoint
from models.db import read_session, write_session
from models.enums import CommentKind, OrgKind, OverrideState, PartyRole, Stage
from models.queries import resolve_scope
from tasks.core.overrides import record_override
from tasks.status.trend import (
    DayFrames,
    compute_trend,
    point_stages,
    remember,
    remember_subtree,
    subtree_trends,
    trend_days,
)
from tests.helpers.cli import run_cli
from tests.helpers.factories import add_org
from tests.helpers.status import (
    add_candidate,
    add_course,
    add_draft,
    add_inspection,
    add_override,
    add_submission,
    attend,
    root_only,
    status,
    validator,
)

pytestmark = [pytest.mark.db, pytest.mark.usefixtures("default_trend_weeks")]

D = date(2025, 4, 20)


def _tree() -> None:
    with write_session() as s:
        root = root_only(s)
        draft = add_draft(s, root, date(2025, 4, 1))
        (sess,) = add_course(s, [(date(2025, 3, 5), (PartyRole.BI_THU,))])
        for i in range(4):
            org = add_org(s, f"U{i}", parent=root, congress=date(2025, 5, 10 + i))
            add_candidate(
                s, org, {k: date(2025, 3, 1) + timedelta(days=7 * k + i) for k in range(1, 6)}
            )
            add_inspection(s, org, date(2025, 2, 1 + i), date(2025, 3, 1) + timedelta(days=7 * i))
            if i % 2:
                add_submission(s, draft, org, date(2025, 3, 20 + i), [(CommentKind.BO_SUNG, True)])
                attend(s, sess, org, PartyRole.BI_THU)


def _trend(scope: str | None = None, weeks: int = 6) -> Any:
    with read_session() as s:
        ref = resolve_scope(s, code=scope)
        return compute_trend(s, scope=ref, as_of=D, weeks=weeks)


def test_each_point_equals_a_separate_as_of_run_under_its_own_days_plan(engine: Engine) -> None:
    _tree()
    trend = _trend()
    days = [p["as_of"] for p in trend.points]
    assert days[0] == (D - timedelta(days=42)).isoformat() and days[-1] == D.isoformat()
    assert len(days) == 7
    for point in trend.points:
        doc = status(date.fromisoformat(point["as_of"]), plan=None)
        expected = {
            stage: {k: doc["stages"][stage][k] for k in ("done", "applicable", "progress")}
            for stage in doc["stages"]
        }
        assert point["stages"] == expected, point["as_of"]
    # The plan changes inside the window (ct45-2025 from 14/4): both plans were used.
    plans = {status(date.fromisoformat(d), plan=None)["plan"] for d in days}
    assert plans == {"ct35-2024", "ct45-2025"}
    # Progress moves over the weeks (the fixture is not flat).
    assert len({json.dumps(p["stages"]) for p in trend.points}) > 3


def test_a_repeated_trend_recomputes_nothing_and_a_write_recomputes_its_points(
    engine: Engine,
) -> None:
    _tree()
    first = _trend()
    assert len(first.fresh) == 7
    remember(engine, first)
    again = _trend()
    assert again.fresh == {} and again.points == first.points
    with write_session() as s:
        org = s.scalars(select(Organisation).where(Organisation.code == "U0")).one()
        add_inspection(s, org, date(2025, 3, 1))  # U0 no longer done with inspections
    after = _trend()
    assert len(after.fresh) == 7 and after.version > first.version
    assert after.points[-1]["stages"]["inspections"] != first.points[-1]["stages"]["inspections"]
    assert after.points[-1]["stages"] == {
        k: {x: v for x, v in st.items() if x in ("done", "applicable", "progress")}
        for k, st in status(D, plan=None)["stages"].items()
    }
    remember(engine, after)
    with read_session() as s:
        versions = s.execute(
            select(TrendPoint.data_version, func.count()).group_by(TrendPoint.data_version)
        ).all()
    assert versions == [(after.version, 7)]  # the older version's points are dropped


def test_a_leaf_scopes_trend_is_its_own_figures(engine: Engine) -> None:
    _tree()
    points = _trend("U1", weeks=2).points
    doc = status(D, "U1", plan=None)
    own = doc["self"]["stages"]["inspections"]
    assert points[-1]["stages"]["inspections"] == {
        "done": int(own["state"] == "done"),
        "applicable": 1,
        "progress": own["progress"],
    }


def test_the_configured_trend_weeks_set_the_default_and_weeks_overrides_them(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    from models.settings import SettingsError, get_settings

    _tree()
    monkeypatch.setenv("DAIHOI_TREND_WEEKS", "4")
    get_settings.cache_clear()
    code, out = run_cli("status", "--json", "--trend", "--as-of", D.isoformat())
    assert code == 0 and [p["as_of"] for p in json.loads(out)["trend"]] == [
        (D - timedelta(days=7 * k)).isoformat() for k in range(4, -1, -1)
    ]
    code, out = run_cli("status", "--json", "--trend", "--weeks", "1", "--as-of", D.isoformat())
    assert code == 0 and len(json.loads(out)["trend"]) == 2
    monkeypatch.setenv("DAIHOI_TREND_WEEKS", "0")
    get_settings.cache_clear()
    with pytest.raises(SettingsError, match=r"DAIHOI_TREND_WEEKS .* cần từ 1 trở lên"):
        get_settings()


def test_status_trend_json_carries_13_points_and_the_forecast_and_plain_json_has_neither(
    engine: Engine, capsys: pytest.CaptureFixture[str]
) -> None:
    _tree()
    code, out = run_cli("status", "--json", "--as-of", D.isoformat())
    plain = json.loads(out)
    assert code == 0 and "trend" not in plain
    assert all("forecast" not in u["stages"][st] for u in plain["units"] for st in u["stages"])
    assert all("forecast_late" not in st for st in plain["stages"].values())
    code, out = run_cli("status", "--json", "--trend", "--as-of", D.isoformat())
    doc = json.loads(out)
    validator().validate(doc)
    assert code == 0 and len(doc["trend"]) == 13
    assert "forecast_late" in doc["stages"]["personnel"]
    with read_session() as s:
        assert s.scalar(select(func.count()).select_from(TrendPoint)) == 13
    # Apart from the additive keys, the document is the plain one.
    del doc["trend"]
    for st in doc["stages"].values():
        del st["forecast_late"]
    for u in [doc["self"], *doc["units"]]:
        for st in u["stages"].values():
            st.pop("forecast", None)
    assert doc == plain
    code, out = run_cli("status", "--trend", "--weeks", "2", "--as-of", D.isoformat())
    assert code == 0 and "Diễn biến theo tuần" in out
    assert run_cli("status", "--trend", "--weeks", "0")[0] == 2


def _deep_tree() -> None:
    """DU → A (A1, A2 → A21, A22), B (B1), C: subtrees of several depths, a leaf among them;
    every stage moving over the weeks, a done override joining a run of done days."""
    with write_session() as s:
        root = root_only(s)
        draft = add_draft(s, root, date(2025, 4, 1))
        (sess,) = add_course(s, [(date(2025, 3, 5), (PartyRole.BI_THU,))])
        a = add_org(s, "A", OrgKind.DANG_BO_CO_SO, parent=root, congress=date(2025, 5, 20))
        b = add_org(s, "B", OrgKind.DANG_BO_CO_SO, parent=root, congress=date(2025, 5, 25))
        a2 = add_org(s, "A2", OrgKind.DANG_BO_BO_PHAN, parent=a, congress=date(2025, 5, 12))
        leaves = [
            add_org(s, "A1", OrgKind.CHI_BO_TRUC_THUOC, parent=a, congress=date(2025, 5, 10)),
            add_org(s, "A21", OrgKind.CHI_BO_TRUC_THUOC, parent=a2, congress=date(2025, 5, 11)),
            add_org(s, "A22", OrgKind.CHI_BO_TRUC_THUOC, parent=a2, congress=date(2025, 5, 13)),
            add_org(s, "B1", OrgKind.CHI_BO_TRUC_THUOC, parent=b, congress=date(2025, 5, 14)),
            add_org(s, "C", parent=root, congress=date(2025, 5, 15)),
        ]
        b1 = leaves[3]
        for i, org in enumerate([a, b, a2, *leaves]):
            add_candidate(
                s, org, {k: date(2025, 3, 1) + timedelta(days=5 * k + 3 * i) for k in range(1, 6)}
            )
            if org is not b1:
                concluded = date(2025, 3, 1) + timedelta(days=6 * i)
                add_inspection(s, org, date(2025, 2, 1 + i), concluded)
            if i % 2:
                add_submission(s, draft, org, date(2025, 3, 20 + i), [(CommentKind.BO_SUNG, True)])
                attend(s, sess, org, PartyRole.BI_THU)
        # B1's inspections are done by its data from 01/3, reopened on 06/4 by an inspection
        # still open, and done by an override from 15/3 (inside the data's run): its status
        # has it done since 01/3 (the run the override joined), its data alone would not.
        add_inspection(s, b1, date(2025, 2, 1), date(2025, 3, 1))
        add_inspection(s, b1, date(2025, 4, 6))
        add_override(s, b1, Stage.INSPECTIONS, OverrideState.DONE, date(2025, 3, 15))


def _own_points(code: str | None, days: list[date]) -> list[dict[str, Any]]:
    """What `daihoi status --as-of DAY --org CODE` states of each day's "stages" (a leaf: its
    own row's figures), under the plan in force that day."""
    out = []
    for day in days:
        doc = status(day, code, plan=None)
        if doc["units"] == [] or [u["code"] for u in doc["units"]] == [doc["self"]["code"]]:
            stages = {
                st: {
                    "done": int(e["state"] == "done"),
                    "applicable": int(e["state"] != "not_applicable"),
                    "progress": e["progress"],
                }
                for st, e in doc["self"]["stages"].items()
            }
        else:
            stages = {
                st: {k: e[k] for k in ("done", "applicable", "progress")}
                for st, e in doc["stages"].items()
            }
        out.append({"as_of": day.isoformat(), "stages": stages})
    return out


def _refs(*codes: str | None) -> list[Any]:
    with read_session() as s:
        return [resolve_scope(s, code=c) for c in codes]


def test_a_batch_cuts_each_units_points_from_one_judgement_a_day_as_its_own_status_states(
    engine: Engine,
) -> None:
    _deep_tree()
    orgs = _refs(None, "A", "A2", "B1")  # the root, nested subtrees, a leaf
    days = trend_days(D, 2)
    with read_session() as s:
        frames = DayFrames(s, scope=orgs[0], plan=None)
        batch = subtree_trends(s, scope=orgs[0], orgs=orgs, as_of=D, weeks=2, frames=frames)
    assert frames.judged == days  # one judgement of the common scope per day
    for org in orgs:
        expected = _own_points(None if org.code == "DU" else org.code, days)
        assert batch.points[org.id] == expected, org.code
    assert len({json.dumps(p["stages"]) for p in batch.points[orgs[1].id]}) > 1  # not flat
    # The case the done override makes: B1 done since the run it joined (01/3), which its
    # data alone (reopened on 06/4) would not say; its points are its status's all the same.
    b1 = status(D, "B1", plan=None)["self"]["stages"]["inspections"]
    assert b1["state"] == "done" and b1["done_on"] == "2025-03-01"
    # A batch under A (the common scope A) cuts the same points as the root's batch.
    with read_session() as s:
        under = subtree_trends(s, scope=orgs[1], orgs=orgs[1:3], as_of=D, weeks=2)
    assert under.points == {o.id: batch.points[o.id] for o in orgs[1:3]}


def test_a_batch_files_its_points_for_each_unit_and_reads_them_back_until_a_write(
    engine: Engine,
) -> None:
    _deep_tree()
    root, a, _ = orgs = _refs(None, "A", "B")
    days = trend_days(D, 2)
    with read_session() as s:
        first = subtree_trends(s, scope=root, orgs=orgs, as_of=D, weeks=2)
    assert {i: len(f) for i, f in first.fresh.items()} == {o.id: 3 for o in orgs}
    remember_subtree(engine, first)
    with read_session() as s:
        frames = DayFrames(s, scope=root, plan=None)
        again = subtree_trends(s, scope=root, orgs=orgs, as_of=D, weeks=2, frames=frames)
        # A unit's own trend (its report, the CLI, the page) reads the batch's points.
        single = compute_trend(s, scope=a, as_of=D, weeks=2)
    assert again.fresh == {} and frames.judged == [] and again.points == first.points
    assert single.fresh == {} and single.points == first.points[a.id]
    with read_session() as s:  # a unit the cache lacks: the days it lacks are judged
        c = resolve_scope(s, code="C")
        frames = DayFrames(s, scope=root, plan=None)
        more = subtree_trends(s, scope=root, orgs=[a, c], as_of=D, weeks=2, frames=frames)
    assert set(more.fresh) == {c.id} and frames.judged == days
    assert more.points[c.id] == _own_points("C", days)
    with write_session() as s:
        org = s.scalars(select(Organisation).where(Organisation.code == "A1")).one()
        add_inspection(s, org, date(2025, 3, 1))  # A1 no longer done with inspections
    with read_session() as s:
        after = subtree_trends(s, scope=root, orgs=orgs, as_of=D, weeks=2)
    assert after.version > first.version and set(after.fresh) == {o.id for o in orgs}
    assert after.points[a.id] == _own_points("A", days) != first.points[a.id]
    remember_subtree(engine, after)
    with read_session() as s:
        versions = s.execute(
            select(TrendPoint.data_version, func.count()).group_by(TrendPoint.data_version)
        ).all()
    assert versions == [(after.version, 9)]  # the older version's points are dropped


# Economical invalidation (models.changes): a write that says what it touched spares the points
# it cannot change; a point is never stale.


def _batch(orgs: list[Any], weeks: int = 2) -> Any:
    with read_session() as s:
        return subtree_trends(s, scope=orgs[0], orgs=orgs, as_of=D, weeks=weeks)


def _recomputed(trends: Any, orgs: list[Any]) -> dict[str, list[str]]:
    """The days each org's points were computed for now (not read from the cache), by code."""
    code = {o.id: o.code for o in orgs}
    return {code[i]: sorted(d.isoformat() for d, _ in keys) for i, keys in trends.fresh.items()}


def _assert_fresh(trends: Any, orgs: list[Any]) -> None:
    """Every point (cached or not) is what a computation now gives."""
    with read_session() as s:
        for org in orgs:
            for point in trends.points[org.id]:
                day = date.fromisoformat(point["as_of"])
                fresh = point_stages(s, scope=org, day=day, plan=None, year=None)
                assert point["stages"] == fresh, (org.code, day)


def _override(code: str, on: date) -> None:
    """The unit's inspections not applicable from `on` (its subtree's applicable units drop)."""
    with write_session() as s:
        org = s.scalars(select(Organisation).where(Organisation.code == code)).one()
        record_override(
            s,
            org_id=org.id,
            stage=Stage.INSPECTIONS,
            state=OverrideState.NOT_APPLICABLE,
            effective_from=on,
            reason="test",
            actor="t",
        )


def test_a_write_under_one_district_spares_another_districts_points_and_recomputes_its_own(
    engine: Engine,
) -> None:
    _deep_tree()
    orgs = _refs(None, "A", "A2", "B", "B1")
    before = _batch(orgs)
    remember_subtree(engine, before)
    _override("A1", date(2025, 1, 1))  # before every trend day
    after = _batch(orgs)
    every = [d.isoformat() for d in trend_days(D, 2)]
    # The root and A (A1's ancestors) recompute; B's subtree and A's other branch A2 do not.
    assert _recomputed(after, orgs) == {"DU": every, "A": every}
    _assert_fresh(after, orgs)
    assert after.points[orgs[1].id] != before.points[orgs[1].id]  # A's points did change
    remember_subtree(engine, after)
    with read_session() as s:  # the root's own trend (the dashboard's) reads the new points
        assert compute_trend(s, scope=orgs[0], as_of=D, weeks=2).fresh == {}


def test_a_dated_write_spares_the_points_of_the_days_before_it(engine: Engine) -> None:
    _deep_tree()
    orgs = _refs(None, "A", "B")
    before = _batch(orgs)
    remember_subtree(engine, before)
    _override("B1", D - timedelta(days=3))  # in force from between the last two trend days
    after = _batch(orgs)
    assert _recomputed(after, orgs) == {"DU": [D.isoformat()], "B": [D.isoformat()]}
    _assert_fresh(after, orgs)
    b = orgs[2].id
    assert (
        after.points[b][-1] != before.points[b][-1]
        and after.points[b][:-1] == before.points[b][:-1]
    )


def test_an_import_of_a_units_form_spares_the_other_subtrees(
    engine: Engine, tmp_path: Path
) -> None:
    from tasks.intake.receive import ImportOptions, import_file
    from tests.helpers.workbooks import write_book

    _deep_tree()
    orgs = _refs(None, "A", "A2", "B")
    before = _batch(orgs)
    remember_subtree(engine, before)
    header = ["Mã cuộc", "Mã đơn vị", "Loại", "Hình thức", "Đối tượng", "Ngày bắt đầu"]
    row = ["KT-9", "A21", "Kiểm tra", "Chuyên đề", "Tổ chức đảng", "01/03/2025"]
    book = write_book(tmp_path / "kt.xlsx", {"Kiểm tra giám sát": (header, [row])})
    outcome = import_file(book, ImportOptions(sender_code="A21"))
    assert outcome.state.value == "accepted", [i.text() for i in outcome.issues]
    after = _batch(orgs)
    every = [d.isoformat() for d in trend_days(D, 2)]
    assert _recomputed(after, orgs) == {"DU": every, "A": every, "A2": every}  # not B
    _assert_fresh(after, orgs)
    assert after.points[orgs[2].id][-1] != before.points[orgs[2].id][-1]  # A21 reopened


def test_a_write_that_does_not_say_what_it_touched_recomputes_every_point(
    engine: Engine,
) -> None:
    _deep_tree()
    orgs = _refs(None, "A", "B")
    remember_subtree(engine, _batch(orgs))
    with write_session() as s:
        org = s.scalars(select(Organisation).where(Organisation.code == "B1")).one()
        add_inspection(s, org, date(2025, 3, 1))
    after = _batch(orgs)
    assert set(_recomputed(after, orgs)) == {"DU", "A", "B"}
    _assert_fresh(after, orgs)


def test_a_point_is_recomputed_when_a_version_since_it_has_no_record(engine: Engine) -> None:
    from models import DataChange

    _deep_tree()
    orgs = _refs(None, "B")
    remember_subtree(engine, _batch(orgs))
    _override("A1", D - timedelta(days=10))  # spares B
    with read_session() as s:
        assert subtree_trends(s, scope=orgs[0], orgs=orgs[1:], as_of=D, weeks=2).fresh == {}
    with write_session(changes_data=False) as s:  # its record pruned (or never filed)
        newest = s.scalar(select(func.max(DataChange.version)))
        s.execute(delete(DataChange).where(DataChange.version == newest))
    after = _batch(orgs)
    assert set(_recomputed(after, orgs)) == {"DU", "B"}
    _assert_fresh(after, orgs)


def test_processes_sharing_the_days_file_the_points_each_units_report_then_reads(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    from models.settings import get_settings
    from tasks.reports.plan import warm_unit_trends

    monkeypatch.setenv("DAIHOI_TREND_WEEKS", "2")
    get_settings.cache_clear()
    _deep_tree()
    days = trend_days(D, 2)
    codes = ["DU", "A", "A1", "A2", "A21", "A22", "B", "B1", "C"]
    with read_session() as s:  # two processes, each its share of the earlier days
        filed = [
            warm_unit_trends(s, units=codes, as_of=D, plan=None, days=share)
            for share in (days[0:1], days[1:2])
        ]
    assert filed == [4, 4]  # the units with units: DU, A, A2, B
    orgs = _refs(None, "A", "A2", "B")
    with read_session() as s:
        frames = DayFrames(s, scope=orgs[0], plan=None)
        batch = subtree_trends(s, scope=orgs[0], orgs=orgs, as_of=D, frames=frames)
    assert frames.judged == [D]  # the status's own day only (a report has its frames)
    for org in orgs:
        assert batch.points[org.id] == _own_points(None if org.code == "DU" else org.code, days)
