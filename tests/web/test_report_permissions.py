"""WEB.md's permission rows for reports and their jobs, both ways: reports list and download
(all / all / feedback / X's subtree), render a draft report (all kinds / — / feedback / kinds
scoped to X), issue a number (office only), and a job's page (its requester and the office).
The runner here holds jobs queued: these tests are about who may ask, not the rendering."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select

from flows.web.jobs import JobRunner
from models.db import read_session
from models.jobs import WebJob
from tests.web.conftest import World

ROLES = ("van-phong", "lanh-dao", "to-bien-tap", "don-vi")

# (form fields, expected status for van-phong, lanh-dao, to-bien-tap, don-vi of DB-A)
RENDER: list[tuple[dict[str, str], tuple[int, int, int, int]]] = [
    ({"kind": "progress", "org": "DB-A"}, (303, 403, 403, 303)),
    ({"kind": "training", "org": "CB-A1", "as_of": "01/03/2025"}, (303, 403, 403, 303)),
    ({"kind": "progress", "org": "CB-B"}, (303, 403, 403, 404)),
    ({"kind": "targets", "org": "DU-TEST"}, (303, 403, 403, 404)),
    ({"kind": "feedback", "org": "DU-TEST"}, (303, 403, 303, 404)),
    ({"kind": "feedback", "org": "DB-A"}, (303, 403, 303, 303)),
    ({"kind": "progress", "org": "DB-A", "issue": "1"}, (303, 403, 403, 403)),
    ({"kind": "feedback", "org": "DB-A", "issue": "1"}, (303, 403, 403, 403)),
    ({"kind": "reminders", "org": "DB-A"}, (422, 403, 422, 422)),
    ({"kind": "khong-co", "org": "DB-A"}, (422, 403, 422, 422)),
    ({"kind": "delegates", "org": "DU-TEST"}, (422, 403, 403, 404)),  # T missing
    ({"kind": "delegates", "org": "DU-TEST", "total": "9"}, (303, 403, 403, 404)),
    ({"kind": "delegates", "org": "DB-A", "total": "9", "ex_officio": "2"}, (303, 403, 403, 303)),
    ({"kind": "progress", "org": "KHONG-CO"}, (404, 403, 403, 404)),
    ({"kind": "progress", "org": "DB-A", "as_of": "32/13/2025"}, (422, 403, 403, 422)),
]


class HeldRunner(JobRunner):
    """Records nothing more than the request did: jobs stay queued."""

    def submit(self, job_id: int) -> None:
        self.held = [*getattr(self, "held", []), job_id]


@pytest.fixture
def held(app) -> HeldRunner:  # type: ignore[no-untyped-def]
    runner = HeldRunner(app.state.engine, app.state.clock)
    app.state.jobs = runner
    return runner


def _jobs(engine: Engine) -> int:
    with read_session(engine) as s:
        return int(s.scalar(select(func.count()).select_from(WebJob)) or 0)


@pytest.mark.db
@pytest.mark.parametrize("role", ROLES)
def test_who_may_render_which_report_for_whom(
    client_for: Callable[[str], TestClient],
    world: World,
    engine: Engine,
    held: HeldRunner,
    role: str,
) -> None:
    client = client_for(role)
    column = ROLES.index(role)
    wrong = []
    for fields, expected in RENDER:
        before = _jobs(engine)
        r = client.post("/bao-cao", data=fields)
        made = _jobs(engine) - before
        if r.status_code != expected[column] or made != (1 if expected[column] == 303 else 0):
            wrong.append((fields, expected[column], r.status_code, made))
        if r.status_code == 303:
            assert client.get(r.headers["location"]).status_code == 200
    assert wrong == [], f"{role}: (fields, expected, got, jobs made) {wrong}"
    assert len(getattr(held, "held", [])) == sum(1 for _, e in RENDER if e[column] == 303)


@pytest.mark.parametrize(
    ("role", "shown", "hidden"),
    [
        ("van-phong", {"progress-DB-A", "progress-CB-B", "feedback-root"}, set()),
        ("lanh-dao", {"progress-DB-A", "progress-CB-B", "feedback-root"}, set()),
        ("to-bien-tap", {"feedback-root"}, {"progress-DB-A", "progress-CB-B"}),
        ("don-vi", {"progress-DB-A"}, {"progress-CB-B", "feedback-root"}),
    ],
)
def test_the_report_list_shows_exactly_the_reports_in_scope(
    client_for: Callable[[str], TestClient],
    world: World,
    role: str,
    shown: set[str],
    hidden: set[str],
) -> None:
    r = client_for(role).get("/bao-cao")
    assert r.status_code == 200
    for name in shown:
        assert f"/bao-cao/{world.reports[name]}/tai-ve" in r.text, name
    for name in hidden:
        assert f"/bao-cao/{world.reports[name]}/tai-ve" not in r.text, name
    may_render = role != "lanh-dao"
    assert ('method="post" action="/bao-cao"' in r.text) == may_render
    assert ('name="issue"' in r.text) == (role == "van-phong")


def test_the_report_list_filters_by_kind_day_and_unit(
    client_for: Callable[[str], TestClient], world: World
) -> None:
    office = client_for("van-phong")
    links = {n: f"/bao-cao/{i}/tai-ve" for n, i in world.reports.items()}
    only_feedback = office.get("/bao-cao?kind=feedback").text
    assert links["feedback-root"] in only_feedback and links["progress-DB-A"] not in only_feedback
    later = office.get("/bao-cao?tu=16/03/2025").text
    assert not any(link in later for link in links.values())
    that_day = office.get("/bao-cao?tu=2025-03-15&den=15/03/2025").text
    assert all(link in that_day for link in links.values())
    under_a = office.get("/bao-cao?org=DB-A").text
    assert links["progress-DB-A"] in under_a and links["progress-CB-B"] not in under_a
    bad = office.get("/bao-cao?tu=hom-qua")
    assert bad.status_code == 200 and 'role="alert"' in bad.text
    assert client_for("don-vi").get("/bao-cao?org=CB-B").status_code == 404


@pytest.mark.db
def test_a_job_page_is_seen_by_its_requester_and_the_office_only(
    client_for: Callable[[str], TestClient], world: World, held: HeldRunner
) -> None:
    unit = client_for("don-vi")
    office = client_for("van-phong")
    mine = unit.post("/bao-cao", data={"kind": "progress", "org": "CB-A1"}).headers["location"]
    theirs = office.post("/bao-cao", data={"kind": "progress", "org": "DB-A"}).headers["location"]
    assert "hx-trigger" in unit.get(mine).text  # queued: the page polls
    assert office.get(mine).status_code == 200
    assert unit.get(theirs).status_code == 404
    for role in ("lanh-dao", "to-bien-tap"):
        other = client_for(role)
        assert other.get(mine).status_code == other.get(theirs).status_code == 404
    assert unit.get("/cong-viec/999999").status_code == 404


def test_a_report_outside_the_unit_scope_is_not_found_by_id(
    client_for: Callable[[str], TestClient], world: World
) -> None:
    unit = client_for("don-vi")
    outside = unit.get(f"/bao-cao/{world.reports['progress-CB-B']}/tai-ve")
    missing = unit.get("/bao-cao/999999/tai-ve")
    assert outside.status_code == missing.status_code == 404
    assert "Trường B" not in outside.text
    assert unit.get(f"/bao-cao/{world.reports['progress-DB-A']}/tai-ve").status_code == 200


@pytest.mark.parametrize(
    ("method", "path"), [("GET", "/bao-cao"), ("POST", "/bao-cao"), ("GET", "/cong-viec/1")]
)
def test_report_and_job_pages_need_a_session(
    anon: TestClient, world: World, method: str, path: str
) -> None:
    r = anon.request(method, path, data={"kind": "progress"} if method == "POST" else None)
    assert r.status_code == 303 and r.headers["location"].startswith("/dang-nhap?next=")


def test_a_cross_site_render_request_is_refused_before_any_job(
    client_for: Callable[[str], TestClient], world: World, engine: Engine, held: HeldRunner
) -> None:
    office = client_for("van-phong")
    r = office.post(
        "/bao-cao", data={"kind": "progress"}, headers={"Origin": "https://evil.example"}
    )
    assert r.status_code == 403 and _jobs(engine) == 0
