"""Per-unit progress reports in one batch: each unit's document cut from its nearest common
scope's status is the one its own status gives (context, chart, summary, previous report), and
the batch writes the very files render_report writes, under the same archive keys."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, select

from models import Organisation, TrendPoint
from models.accounts import data_version
from models.db import read_session, write_session
from models.enums import OrgStatus
from models.feedback import Draft
from models.records import ReportArchive
from models.settings import get_settings
from tasks.demo.seed import DEFAULT_DEMO_AS_OF, seed_demo
from tasks.reports.api import render_report, render_unit_reports
from tasks.reports.plan import plan_documents, plan_unit_documents
from tasks.status.document import compute_status
from tasks.status.trend import trend_days
from tests.helpers.archive import archive_rows, counting

pytestmark = pytest.mark.db

AS_OF = DEFAULT_DEMO_AS_OF
EARLIER = AS_OF - timedelta(days=21)


def _units() -> list[tuple[str, str, int]]:
    """Every active unit: (code, path, depth), in path order."""
    with read_session() as session:
        rows = session.execute(
            select(Organisation.code, Organisation.path, Organisation.depth)
            .where(Organisation.status == OrgStatus.ACTIVE)
            .order_by(Organisation.path)
        ).all()
    return [(str(c), str(p), int(d)) for c, p, d in rows]


def _has_laggards(code: str) -> bool:
    [doc] = _single(code, AS_OF)[1]
    return bool(doc["context"]["laggards"])


@pytest.fixture
def demo(engine: Engine) -> Iterator[dict[str, Any]]:
    """The committee demo with an issued progress report of the root and draft ones of a few
    units three weeks earlier (so `previous` is read); the units a test picks by shape."""
    seed_demo(engine, scale="committee", seed=7, reset=True)
    units = _units()
    paths = [p for _, p, _ in units]

    def descendants(path: str) -> int:
        return sum(1 for p in paths if p != path and p.startswith(path))

    root = units[0][0]
    leaf = next(c for c, p, _ in reversed(units) if descendants(p) == 0)
    mid = max((u for u in units if u[2] == 1), key=lambda u: descendants(u[1]))[0]
    lagging = next(
        c for c, p, d in units if d >= 1 and c != mid and descendants(p) > 0 and _has_laggards(c)
    )
    render_report(kind="progress", scope=None, as_of=EARLIER, issue=True)
    render_unit_reports(kind="progress", units=[mid, lagging], as_of=EARLIER)
    yield {"root": root, "leaf": leaf, "mid": mid, "lagging": lagging, "units": units}


def _single(code: str, as_of: date) -> tuple[tuple[Any, ...], list[dict[str, Any]]]:
    with read_session() as session:
        req = plan_documents(
            session,
            settings=get_settings(),
            kind="progress",
            scope=code,
            as_of=as_of,
            plan=None,
            year=None,
            subtree=False,
        )
    return (req.scope, req.plan, req.term), [vars(d) for d in req.documents]


def _batch(codes: list[str], as_of: date) -> dict[str, tuple[tuple[Any, ...], list[Any]]]:
    with read_session() as session:
        requests = plan_unit_documents(
            session,
            settings=get_settings(),
            kind="progress",
            units=codes,
            as_of=as_of,
            plan=None,
        )
    assert [r.scope.code for r in requests] == codes
    return {
        r.scope.code: ((r.scope, r.plan, r.term), [vars(d) for d in r.documents]) for r in requests
    }


def _descendants(units: list[tuple[str, str, int]], path: str) -> int:
    return sum(1 for _, p, _ in units if p != path and p.startswith(path))


def _trend_points(code: str) -> dict[date, dict[str, Any]]:
    """The trend points filed for a unit (year: none) under the current data version."""
    with read_session() as session:
        version = data_version(session)
        rows = session.execute(
            select(TrendPoint.day, TrendPoint.stages)
            .join(Organisation, Organisation.id == TrendPoint.org_id)
            .where(
                Organisation.code == code,
                TrendPoint.year == 0,
                TrendPoint.data_version == version,
            )
        ).all()
    return {day: json.loads(stages) for day, stages in rows}


def test_each_units_planned_progress_report_is_the_one_of_its_own_status(
    demo: dict[str, Any],
) -> None:
    units = demo["units"]
    picked = [demo[k] for k in ("leaf", "mid", "lagging", "root")]
    children = [c for c, p, d in units if d == 2 and f"/{p.split('/')[2]}/" in p][:4]
    mid_path = next(p for c, p, _ in units if c == demo["mid"])
    under_mid = [c for c, p, _ in units if p.startswith(mid_path)]
    batches = [
        # Every unit, first: it cuts every charted unit's trend from one judgement of the
        # root a day and files the points, which the batches and reports after it read.
        [c for c, _, _ in units],
        picked,  # across branches, the root among them: the common scope is the root
        under_mid,  # the common scope is the first unit of the batch
        under_mid[1:],  # the common scope (mid) is not in the batch
        children,
    ]
    planned: dict[str, tuple[tuple[Any, ...], list[dict[str, Any]]]] = {}
    for codes in batches:
        for code, got in _batch(codes, AS_OF).items():
            assert planned.setdefault(code, got) == got, code  # each batch plans it alike
    # The filed points are what each unit's own `status --as-of DAY` states, every trend day
    # (the suite's 2 weeks; tests/status/test_decision_trend.py has the 12 of the product).
    days = trend_days(AS_OF, get_settings().trend_weeks)
    for code in (demo["root"], demo["mid"]):
        points = _trend_points(code)
        # and those the fixture's earlier renders filed (archiving moves no data version)
        assert set(days) <= set(points), code
        for day in sorted(points):
            with read_session() as session:
                doc = compute_status(session, scope=code, as_of=day)
            expected = {
                st: {k: e[k] for k in ("done", "applicable", "progress")}
                for st, e in doc["stages"].items()
            }
            assert points[day] == expected, (code, day)
    # Each shape planned alone (its own status and forecast; its trend read from the points
    # filed above): the picked units, a unit with units and a leaf at each depth, a leaf
    # whose common scope was not in its batch, a unit of the `children` batch.
    charted = {d: c for c, p, d in reversed(units) if _descendants(units, p)}
    leaves = {d: c for c, p, d in reversed(units) if not _descendants(units, p)}
    sample = [*picked, *charted.values(), *leaves.values(), under_mid[1], children[0]]
    own = {code: _single(code, AS_OF) for code in dict.fromkeys(sample)}
    for code, doc in own.items():
        assert planned[code] == doc, code
    # The cases the batch must cover did occur: a chart, no chart, a previous report, laggards.
    docs = {code: own[code][1][0] for code in picked}
    assert docs[demo["root"]]["images"] and docs[demo["mid"]]["images"]
    assert "trend" in docs[demo["mid"]]["images"]
    assert not docs[demo["leaf"]]["images"]
    assert docs[demo["root"]]["context"]["changes"]["previous_ref"]
    assert docs[demo["mid"]]["context"]["changes"]["previous"]
    assert docs[demo["lagging"]]["context"]["changes"]["lines"]
    assert docs[demo["lagging"]]["context"]["laggards"]
    assert len(charted) >= 2 and len(leaves) >= 3  # nested subtrees and leaves at depth ≥ 3


def test_a_unit_under_its_own_draft_is_judged_against_that_draft(
    demo: dict[str, Any],
) -> None:
    mid, leaf = demo["mid"], demo["leaf"]
    with write_session() as session:
        org_id = session.scalar(select(Organisation.id).where(Organisation.code == mid))
        session.add(
            Draft(scope_org_id=org_id, title="Dự thảo riêng", deadline=AS_OF - timedelta(days=3))
        )
    mid_path = next(p for c, p, _ in demo["units"] if c == mid)
    under_mid = [c for c, p, _ in demo["units"] if p.startswith(mid_path)][:3]
    codes = [demo["root"], leaf, *under_mid]
    with read_session() as session:  # the draft matters: the root's status judges otherwise
        wide = compute_status(session, scope=None, as_of=AS_OF)
        own = compute_status(session, scope=mid, as_of=AS_OF)
    entry = next(u for u in wide["units"] if u["code"] == under_mid[1])["stages"]["feedback"]
    assert entry != own["units"][0]["stages"]["feedback"]
    for code, got in _batch(codes, AS_OF).items():
        assert got == _single(code, AS_OF), code


def test_batched_progress_files_are_the_one_by_one_files_under_the_same_archive_keys(
    demo: dict[str, Any], tmp_path: Path
) -> None:
    codes = [demo[k] for k in ("leaf", "mid", "lagging", "root")]
    batch = render_unit_reports(kind="progress", units=codes, as_of=AS_OF, out_dir=tmp_path / "b")
    assert [r.subject for r in batch] == codes
    assert all(r.scope == r.subject and not r.reused and r.number is None for r in batch)
    rows = archive_rows()
    for r in batch:  # the one-by-one call finds each batched file under its own key
        again = render_report(kind="progress", scope=r.subject, as_of=AS_OF, out_dir=tmp_path)
        copy = tmp_path / r.path.name  # the archived bytes, copied into the folder asked for
        assert [(a.path, a.sha256, a.reused) for a in again] == [(copy, r.sha256, True)]
        assert copy.read_bytes() == r.path.read_bytes()
    assert archive_rows() == rows
    assert render_unit_reports(kind="progress", units=codes, as_of=AS_OF) == []
    with write_session() as session:  # forget today's rows: genuinely new one-by-one renders
        session.execute(ReportArchive.__table__.delete().where(ReportArchive.as_of == AS_OF))
    for r in batch:
        [single] = render_report(
            kind="progress", scope=r.subject, as_of=AS_OF, out_dir=tmp_path / "s"
        )
        assert not single.reused and single.path.name == r.path.name
        assert single.path.read_bytes() == r.path.read_bytes(), r.subject


def test_sql_statements_do_not_grow_with_the_number_of_units(
    demo: dict[str, Any], engine: Engine
) -> None:
    paths = [p for _, p, _ in demo["units"]]
    leaves = [c for c, p, _ in demo["units"] if sum(q.startswith(p) for q in paths) == 1]
    few, many = leaves[:3], leaves[3:40]
    with counting(engine) as small:
        assert len(render_unit_reports(kind="progress", units=few, as_of=AS_OF)) == 3
    with counting(engine) as large:
        assert len(render_unit_reports(kind="progress", units=many, as_of=AS_OF)) == len(many)
    assert len(large) == len(small)


CHART_ROWS = [
    [[3, 1, 0, 2, 1], [5, 0, 0, 0, 2], [0, 7, 0, 0, 0], [1, 1, 1, 1, 1]],
    [[0, 0, 7, 0, 0], [2, 2, 2, 1, 0], [1, 0, 0, 0, 6], [0, 0, 0, 0, 0]],
    [[7, 0, 0, 0, 0], [0, 0, 0, 0, 0], [0, 0, 0, 0, 0], [0, 0, 0, 0, 0]],
    [[0, 0, 0, 0, 0], [0, 0, 0, 0, 0], [0, 0, 0, 0, 0], [0, 0, 0, 0, 0]],
    [[120, 40, 3, 17, 9], [80, 80, 0, 20, 9], [189, 0, 0, 0, 0], [60, 60, 60, 9, 0]],
    [[40, 20, 10, 30, 20], [60, 10, 5, 40, 5], [90, 10, 0, 20, 0], [10, 30, 30, 20, 33]],
]


def _chart_input(rows: list[list[int]]) -> dict[str, dict[str, int]]:
    from tasks.reports import charts
    from tasks.reports.labels import STAGES

    states = [key for key, _, _ in charts.STATE_COLOURS]
    return {s: dict(zip(states, c, strict=True)) for s, c in zip(STAGES, rows, strict=True)}


def _matplotlib_stages(rows: list[list[int]]) -> Any:
    """The stages chart as matplotlib draws it with its bars (the reference), as pixels."""
    import numpy as np
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.ticker import MaxNLocator

    from tasks.reports import charts
    from tasks.reports.labels import STAGE_LABELS, STAGES

    fig, ax = charts._figure()
    canvas = FigureCanvasAgg(fig)
    labels = [STAGE_LABELS[s] for s in STAGES][::-1]
    left = [0.0] * len(STAGES)
    for k, (_key, label, colour) in enumerate(charts.STATE_COLOURS):
        values = [float(r[k]) for r in rows][::-1]
        ax.barh(labels, values, left=left, color=colour, label=label, height=0.6)
        left = [a + b for a, b in zip(left, values, strict=True)]
    ax.set_xlabel("Số đơn vị")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.22), ncol=3, fontsize=7, frameon=False)
    ax.tick_params(labelsize=8)
    ax.spines[["top", "right"]].set_visible(False)
    fig.tight_layout()
    canvas.draw()
    return np.asarray(canvas.buffer_rgba()).astype(int)


def _pixels(png: bytes) -> Any:
    import io

    import numpy as np
    from PIL import Image

    return np.asarray(Image.open(io.BytesIO(png)).convert("RGBA")).astype(int)


@pytest.mark.parametrize("rows", CHART_ROWS)
def test_a_stages_chart_is_the_picture_matplotlib_draws_with_its_bars(
    rows: list[list[int]],
) -> None:
    """The frame drawn once per x range with the bars filled in as pixels: the same axes,
    ticks, labels and legend, and bars in the same places, as matplotlib drawing the whole
    chart; only the bars' anti-aliased edges may differ."""
    from tasks.reports import charts

    ours = _pixels(charts.stages_chart(_chart_input(rows)))
    reference = _matplotlib_stages(rows)
    assert ours.shape == reference.shape
    differing = (abs(ours - reference).sum(axis=2) > 0).mean()
    assert differing < 0.002, f"{differing:.3%} of the pixels differ"


def test_charts_sharing_a_frame_do_not_draw_into_it() -> None:
    """Charts of the same x range share one frame: each fills its bars in a copy."""
    from tasks.reports import charts

    first = _chart_input([[3, 1, 0, 2, 1], [5, 0, 0, 0, 2], [0, 7, 0, 0, 0], [1, 1, 1, 1, 1]])
    same_range = _chart_input([[0, 0, 0, 0, 7], [1, 1, 1, 1, 1], [0, 7, 0, 0, 0], [2, 2, 2, 1, 0]])
    charts._stages_png.cache_clear()
    charts._stages_frame.cache_clear()
    before = charts.stages_chart(first)
    charts.stages_chart(same_range)
    charts._stages_png.cache_clear()
    assert charts.stages_chart(first) == before
    assert charts._stages_frame.cache_info().currsize == 1


def _chart_points(rows: list[list[tuple[int, int]]]) -> list[dict[str, Any]]:
    """Trend points from (done, applicable) per stage and week, the last week on 15/3/2025."""
    from tasks.reports.labels import STAGES

    weeks = len(rows[0])
    return [
        {
            "as_of": (date(2025, 3, 15) - timedelta(days=7 * (weeks - 1 - k))).isoformat(),
            "stages": {
                stage: {"done": rows[i][k][0], "applicable": rows[i][k][1], "progress": None}
                for i, stage in enumerate(STAGES)
            },
        }
        for k in range(weeks)
    ]


def _matplotlib_trend(points: list[dict[str, Any]]) -> Any:
    """The trend chart as matplotlib draws it whole (the reference), as pixels."""
    from tasks.reports import charts
    from tasks.reports.labels import STAGES

    fig, ax = charts._figure()
    days = [date.fromisoformat(p["as_of"]) for p in points]
    charts._draw_trend(ax, days, {s: charts._shares(points, s) for s in STAGES})
    fig.tight_layout()
    return _pixels(charts._png(fig))


TREND_ROWS = [
    [[(k % 4, 4) for k in range(13)], [(k, 12) for k in range(13)], [(1, 3)] * 13, [(0, 2)] * 13],
    # 0 % (on the x axis) and 100 %; a stage that never applies
    [[(0, 10)] * 13, [(10, 10)] * 13, [(0, 0)] * 13, [(5, 10)] * 13],
    # the first weeks without any point (autoscaling spans the weeks with one)
    [[(0, 0)] * 3 + [(k, 10) for k in range(10)]] * 4,
    [[(0, 0)] * 13] * 4,  # no point at all
    [[(3, 4)], [(1, 2)], [(0, 1)], [(1, 1)]],  # one week
]


@pytest.mark.parametrize("rows", TREND_ROWS)
def test_a_trend_chart_is_the_picture_matplotlib_draws_whole(
    rows: list[list[tuple[int, int]]],
) -> None:
    """Its frame (axes, ticks, labels, legend) drawn once and its lines and axis lines drawn
    over it: the picture matplotlib draws of the whole chart."""
    from tasks.reports import charts

    points = _chart_points(rows)
    ours = _pixels(charts.trend_chart(points))
    reference = _matplotlib_trend(points)
    assert ours.shape == reference.shape
    differing = (abs(ours - reference).sum(axis=2) > 0).mean()
    assert differing < 0.0005, f"{differing:.3%} of the pixels differ"


def test_trend_charts_sharing_a_frame_do_not_draw_into_it() -> None:
    from tasks.reports import charts

    first = _chart_points(TREND_ROWS[0])
    second = _chart_points(TREND_ROWS[1])
    charts._trend_png.cache_clear()
    charts._trend_frame.cache_clear()
    before = charts.trend_chart(first)
    assert charts.trend_chart(second) != before
    charts._trend_png.cache_clear()
    assert charts.trend_chart(first) == before
    assert charts._trend_frame.cache_info().currsize == 1
