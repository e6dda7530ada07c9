"""`/don-doc` (WEB.md "reminder letters": the office renders and lists, leadership lists, a
unit sees its own): the overdue units with what each is behind on, the same units and stages
as the status API; the letters archived for them; `POST /don-doc` records a job (office only)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select

from flows.web.jobs import JobRunner
from models.db import read_session, write_session
from models.jobs import WebJob
from models.records import ReportArchive
from tasks.reports.labels import STAGE_LABELS
from tests.web.conftest import AS_OF, World

ROLES = ("van-phong", "lanh-dao", "to-bien-tap", "don-vi")

MATRIX: list[tuple[str, str, dict[str, str] | None, tuple[int, int, int, int]]] = [
    ("GET", "/don-doc", None, (200, 200, 403, 200)),
    ("GET", "/don-doc?as_of=2025-03-15", None, (200, 200, 403, 200)),
    ("GET", "/don-doc?org=CB-A1", None, (200, 200, 403, 200)),
    ("GET", "/don-doc?org=CB-B", None, (200, 200, 403, 404)),
    ("POST", "/don-doc", {"as_of": "2025-03-15"}, (303, 403, 403, 403)),
    ("POST", "/don-doc", {"org": "DB-A", "issue": "1"}, (303, 403, 403, 403)),
    ("POST", "/don-doc", {"org": "KHONG-CO"}, (404, 403, 403, 403)),
    ("POST", "/don-doc", {"as_of": "hom-nay"}, (422, 403, 403, 403)),
]


class HeldRunner(JobRunner):
    """Jobs stay queued: these tests are about who may ask."""

    def submit(self, job_id: int) -> None:
        pass


@pytest.fixture
def held(app) -> None:  # type: ignore[no-untyped-def]
    app.state.jobs = HeldRunner(app.state.engine, app.state.clock)


def _letter(engine: Engine, world: World, tmp_path: Path, subject: str) -> int:
    path = tmp_path / f"reminders_{subject}.docx"
    path.write_bytes(b"PK\x03\x04 letter to " + subject.encode())
    with write_session(engine) as s:
        row = ReportArchive(
            kind="reminders",
            scope_org_id=world.ids["DU-TEST"],
            subject_org_id=world.ids[subject],
            as_of=AS_OF,
            plan="ct45-2025",
            doc_type="CV",
            number=None,
            term="2020-2025",
            path=str(path),
            sha256="1" * 64,
            template_sha256="1" * 64,
            context_sha256=subject.ljust(64, "1")[:64],
        )
        s.add(row)
        s.flush()
        return int(row.id)


@pytest.mark.db
@pytest.mark.parametrize("role", ROLES)
def test_who_may_see_and_render_reminder_letters(
    client_for: Callable[[str], TestClient], world: World, engine: Engine, held: None, role: str
) -> None:
    client = client_for(role)
    column = ROLES.index(role)
    wrong = []
    for method, path, data, expected in MATRIX:
        with read_session(engine) as s:
            before = s.scalar(select(func.count()).select_from(WebJob))
        r = client.request(method, path, data=data) if method == "POST" else client.get(path)
        with read_session(engine) as s:
            made = s.scalar(select(func.count()).select_from(WebJob)) - (before or 0)  # type: ignore[operator]
        if r.status_code != expected[column] or made != (expected[column] == 303):
            wrong.append((method, path, data, expected[column], r.status_code))
    assert wrong == [], f"{role}: {wrong}"


def test_the_office_sees_every_overdue_unit_with_what_it_is_behind_on(
    client_for: Callable[[str], TestClient], world: World
) -> None:
    office = client_for("van-phong")
    status = office.get("/api/v1/status?as_of=2025-03-15").json()
    overdue = {
        u["code"]: [s for s, e in u["stages"].items() if e["state"] == "overdue"]
        for u in status["units"]
    }
    overdue = {code: stages for code, stages in overdue.items() if stages}
    assert overdue, "the fixture has overdue units"
    html = office.get("/don-doc?as_of=15/03/2025").text
    assert f"Đơn vị quá hạn: {len(overdue)}" in html
    for code, stages in overdue.items():
        row = html.split(f'<span class="code">{code}</span>', 1)[1].split("</th>", 1)[1]
        row = row.split("<th", 1)[0]
        assert [s for s in STAGE_LABELS if STAGE_LABELS[s] in row] == stages, code
    for code in {u["code"] for u in status["units"]} - set(overdue):
        assert f'<span class="code">{code}</span>' not in html
    assert 'method="post" action="/don-doc"' in html and 'name="issue"' in html
    leader = client_for("lanh-dao").get("/don-doc?as_of=15/03/2025").text
    assert f"Đơn vị quá hạn: {len(overdue)}" in leader
    assert 'action="/don-doc"' not in leader.replace('method="get" action="/don-doc"', "")


def test_a_unit_sees_only_the_letters_addressed_to_it(
    client_for: Callable[[str], TestClient], world: World, engine: Engine, tmp_path: Path
) -> None:
    mine = _letter(engine, world, tmp_path, "DB-A")
    child = _letter(engine, world, tmp_path, "CB-A1")
    other = _letter(engine, world, tmp_path, "CB-B")
    unit = client_for("don-vi")
    html = unit.get("/don-doc").text
    assert f"/bao-cao/{mine}/tai-ve" in html
    assert f"/bao-cao/{other}/tai-ve" not in html and f"/bao-cao/{child}/tai-ve" not in html
    assert "Đơn vị quá hạn" not in html and 'action="/don-doc"' not in html
    assert unit.get(f"/bao-cao/{mine}/tai-ve").status_code == 200
    assert unit.get(f"/bao-cao/{other}/tai-ve").status_code == 404
    office = client_for("van-phong").get("/don-doc").text
    assert all(f"/bao-cao/{i}/tai-ve" in office for i in (mine, child, other))
