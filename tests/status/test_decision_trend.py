"""Decision support, trend: each point equals a separate `status --as-of` run (across a plan
change), the cache answers a repeated trend without recomputing, a write makes it recompute."""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import Engine, func, select

from models import Organisation, TrendPoint
from models.db import read_session, write_session
from models.enums import CommentKind, PartyRole
from models.queries import resolve_scope
from tasks.status.trend import compute_trend, remember, subtree_trends
from tests.helpers.cli import run_cli
from tests.helpers.factories import add_org
from tests.helpers.status import (
    add_candidate,
    add_course,
    add_draft,
    add_inspection,
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


def test_a_batch_derives_each_units_trend_as_its_own(engine: Engine) -> None:
    _tree()
    with read_session() as s:
        root = resolve_scope(s, code=None)
        orgs = [root, resolve_scope(s, code="U1"), resolve_scope(s, code="U2")]
        batch = subtree_trends(s, scope=root, orgs=orgs, as_of=D, weeks=3)
        for org in orgs:
            own = compute_trend(s, scope=org, as_of=D, weeks=3).points
            assert batch[org.id] == own, org.code
