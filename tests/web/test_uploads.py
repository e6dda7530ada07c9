"""`/nop` (WEB.md "Pages", "Security" uploads): files through the same `import_file` as
`daihoi import`, answered per file in HTML or WEB.md's exact JSON; the sender is the account's
unit (or the `org` the office names); the register, one upload and its error workbook inside
the account's scope only; 413 while the body streams; confirm-before-removal; undo."""

from __future__ import annotations

import io
import json
import shutil
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import anyio
import openpyxl
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select

from flows.web import create_app
from models.db import build_engine, read_session
from models.enums import IntakeState
from models.records import IntakeRecord
from models.settings import get_settings
from tasks.intake.receive import ImportOptions, import_file
from tasks.status.memo import StatusMemo
from tests.helpers.accounts import unit_account
from tests.helpers.workbooks import counts, nhan_su_book, person
from tests.web.conftest import ORIGIN, PASSWORD, Clock, build_world, log_in

pytestmark = pytest.mark.db
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
JSON = {"Accept": "application/json"}
NAMES = [f"Người Số {chr(65 + i)}" for i in range(8)]
KEYS = {"name", "state", "form", "rows", "errors", "error_workbook"}


def _book(tmp_path: Path, name: str, rows: list[dict[str, Any]], org: str | None = None) -> bytes:
    meta = {"org_code": org} if org else None
    return nhan_su_book(tmp_path / name, rows, meta=meta).read_bytes()


def _people(names: list[str]) -> list[dict[str, Any]]:
    return [person(**{"Họ và tên": n}) for n in names]


def _post(
    client: TestClient, files: list[tuple[str, bytes]], *, as_json: bool = True, **data: str
) -> Any:
    return client.post(
        "/nop",
        files=[("files", (name, body, XLSX)) for name, body in files],
        data=data,
        headers=JSON if as_json else {},
    )


def _records(engine: Engine) -> int:
    with read_session(engine) as s:
        return s.scalar(select(func.count()).select_from(IntakeRecord)) or 0


@pytest.fixture
def unit_b(engine: Engine, accounts: dict[str, str]) -> str:
    """A second unit account, CB-B's (outside DB-A's subtree)."""
    unit_account(engine, "CB-B", password=PASSWORD)
    return "CB-B"


def test_a_unit_upload_is_accepted_and_answered_in_web_md_json_then_duplicate(
    client_for: Callable[[str], TestClient], engine: Engine, tmp_path: Path
) -> None:
    unit = client_for("don-vi")
    body = _book(tmp_path, "nhan-su_DB-A.xlsx", _people(NAMES[:2]), org="DB-A")

    r = _post(unit, [("nhan-su_DB-A.xlsx", body)])

    assert r.status_code == 200, r.text
    assert set(r.json()) == {"files"}
    (f,) = r.json()["files"]
    assert KEYS <= set(f)
    assert (f["name"], f["state"], f["form"], f["rows"]) == (
        "nhan-su_DB-A.xlsx",
        "accepted",
        "nhan-su",
        2,
    )
    assert f["errors"] == [] and f["error_workbook"] is None
    assert f["changes"] == [{"org": "DB-A", "existing": 0, "added": 2, "changed": 0, "removed": 0}]
    with read_session(engine) as s:
        rec = s.get(IntakeRecord, f["intake_id"])
        assert rec is not None and rec.actor == "DB-A" and rec.state is IntakeState.ACCEPTED

    again = _post(unit, [("lai.xlsx", body)]).json()["files"][0]
    assert again["state"] == "duplicate" and again["errors"] == []


def test_a_bad_file_is_rejected_with_every_error_located_and_its_workbook_for_that_unit_only(
    client_for: Callable[[str], TestClient], engine: Engine, tmp_path: Path, unit_b: str
) -> None:
    unit = client_for("don-vi")
    rows = [person(**{"Ngày sinh": "31/02/1970"}), person(**{"Họ và tên": "B", "Giới tính": "X"})]
    before = counts()

    f = _post(unit, [("sai.xlsx", _book(tmp_path, "sai.xlsx", rows, org="DB-A"))]).json()["files"][
        0
    ]

    assert f["state"] == "rejected" and f["form"] == "nhan-su"
    assert len(f["errors"]) >= 2
    assert all(set(e) == {"sheet", "row", "column", "message"} for e in f["errors"])
    assert {(e["sheet"], e["row"]) for e in f["errors"]} >= {("Nhân sự", 2), ("Nhân sự", 3)}
    assert any("31/02/1970" in e["message"] for e in f["errors"])
    assert counts() == before
    url = f["error_workbook"]
    assert url == f"/nop/{f['intake_id']}/loi.xlsx"
    for reader in (unit, client_for("van-phong")):
        got = reader.get(url)
        assert got.status_code == 200
        assert "filename*=UTF-8''" in got.headers["content-disposition"]
        assert "Nhân sự" in openpyxl.load_workbook(io.BytesIO(got.content)).sheetnames
    other = log_in(
        TestClient(unit.app, base_url=ORIGIN, headers={"Origin": ORIGIN}, follow_redirects=False),
        unit_b,
    )
    assert other.get(url).status_code == 404
    assert other.get(f"/nop/{f['intake_id']}").status_code == 404
    assert client_for("lanh-dao").get(url).status_code == 403
    assert client_for("to-bien-tap").get(url).status_code == 403


def test_a_unit_sending_another_units_file_is_refused_and_nothing_changes(
    client_for: Callable[[str], TestClient], engine: Engine, tmp_path: Path
) -> None:
    unit = client_for("don-vi")
    body = _book(tmp_path, "cb-b.xlsx", _people(NAMES[:2]), org="CB-B")
    before = counts()

    f = _post(unit, [("cb-b.xlsx", body)]).json()["files"][0]
    outside = _post(unit, [("cb-b.xlsx", body)], org="CB-B")
    inside = _post(unit, [("cb-b.xlsx", body)], org="CB-A1").json()["files"][0]

    assert f["state"] == "rejected"
    assert "CB-B" in f["errors"][0]["message"] and "DB-A" in f["errors"][0]["message"]
    assert outside.status_code == 404 and "error" in outside.json()  # JSON to a JSON client
    assert inside["state"] == "rejected"  # the sender stays the account's own unit
    assert counts() == before


def test_the_office_uploads_on_behalf_of_any_unit_and_others_may_not(
    client_for: Callable[[str], TestClient], engine: Engine, tmp_path: Path
) -> None:
    office = client_for("van-phong")
    body = _book(tmp_path, "cb-b.xlsx", _people(NAMES[:3]))

    f = _post(office, [("cb-b.xlsx", body)], org="CB-B").json()["files"][0]

    assert (f["state"], f["rows"]) == ("accepted", 3)
    with read_session(engine) as s:
        rec = s.get(IntakeRecord, f["intake_id"])
        assert rec is not None and rec.actor == "vp.office"
    assert _post(office, [("x.xlsx", body)], org="KHONG-CO").status_code == 404
    for role in ("lanh-dao", "to-bien-tap"):
        client = client_for(role)
        assert _post(client, [("x.xlsx", body)], org="CB-B").status_code == 403
        assert client.get("/nop").status_code == 403
        assert client.get(f"/nop/{f['intake_id']}").status_code == 403
    assert _records(engine) == 1


def test_the_register_and_one_upload_show_only_the_accounts_subtree(
    client_for: Callable[[str], TestClient], engine: Engine, tmp_path: Path
) -> None:
    office, unit = client_for("van-phong"), client_for("don-vi")
    mine = _post(unit, [("mine.xlsx", _book(tmp_path, "a.xlsx", _people(NAMES[:1]), "DB-A"))])
    theirs = _post(
        office, [("theirs.xlsx", _book(tmp_path, "b.xlsx", _people(NAMES[:2])))], org="CB-B"
    )
    mine_id = mine.json()["files"][0]["intake_id"]
    theirs_id = theirs.json()["files"][0]["intake_id"]

    listed = unit.get("/nop")
    everything = office.get("/nop")

    assert listed.status_code == 200
    assert f'href="/nop/{mine_id}"' in listed.text
    assert f'href="/nop/{theirs_id}"' not in listed.text
    assert (
        f'href="/nop/{mine_id}"' in everything.text
        and f'href="/nop/{theirs_id}"' in everything.text
    )
    assert unit.get(f"/nop/{mine_id}").status_code == 200
    assert unit.get(f"/nop/{theirs_id}").status_code == 404
    assert unit.get("/nop?org=CB-B").status_code == 404
    assert f'href="/nop/{theirs_id}"' not in office.get("/nop?form=don-vi").text
    assert f'href="/nop/{mine_id}"' in unit.get("/don-vi/DB-A").text


def test_a_good_upload_changes_the_status_api_exactly_as_import_file_on_a_twin_database(
    client_for: Callable[[str], TestClient],
    engine: Engine,
    tmp_path: Path,
    sqlite_template: Path,
) -> None:
    unit = client_for("don-vi")
    path = nhan_su_book(tmp_path / "nhan-su.xlsx", _people(NAMES[:4]), meta={"org_code": "DB-A"})
    before = unit.get("/api/v1/status?org=DB-A&as_of=2025-03-15").json()
    twin_file = tmp_path / "twin.sqlite"
    shutil.copyfile(sqlite_template, twin_file)
    twin = build_engine(f"sqlite:///{twin_file}")
    (tmp_path / "twin").mkdir()
    build_world(twin, tmp_path / "twin")

    f = _post(unit, [("nhan-su.xlsx", path.read_bytes())]).json()["files"][0]
    cli = import_file(path, ImportOptions(sender_code="DB-A"), engine=twin)
    after = unit.get("/api/v1/status?org=DB-A&as_of=2025-03-15")
    expected = StatusMemo().get(twin, scope="DB-A", as_of=datetime(2025, 3, 15).date())

    assert f["state"] == "accepted" and cli.state is IntakeState.ACCEPTED
    assert after.json() != before
    assert after.json() == json.loads(expected.text)
    twin.dispose()


@pytest.fixture
def small_limits(
    monkeypatch: pytest.MonkeyPatch, accounts: dict[str, str], clock: Clock
) -> Callable[[str], TestClient]:
    """role → a client of an app whose upload limits are 4 KB a file and 2 files."""
    monkeypatch.setenv("DAIHOI_WEB_MAX_UPLOAD_BYTES", "4096")
    monkeypatch.setenv("DAIHOI_WEB_MAX_UPLOAD_FILES", "2")
    get_settings.cache_clear()
    app = create_app(get_settings(), clock=clock)

    def make(role: str) -> TestClient:
        c = TestClient(app, base_url=ORIGIN, headers={"Origin": ORIGIN}, follow_redirects=False)
        return log_in(c, accounts[role])

    return make


def test_a_file_over_the_size_limit_or_one_file_too_many_is_413_and_nothing_recorded(
    small_limits: Callable[[str], TestClient], engine: Engine
) -> None:
    unit = small_limits("don-vi")
    big = _post(unit, [("big.xlsx", b"PK" + b"x" * 5000)])
    many = _post(unit, [(f"{i}.xlsx", b"PK small") for i in range(3)])
    whole = unit.post(
        "/nop",
        content=b"x" * (2 * 4096 + 1024 * 1024 + 1),
        headers={"Content-Type": "multipart/form-data; boundary=b"},
    )

    assert big.status_code == 413 and "4 KB" in big.json()["error"]
    assert "big.xlsx" in big.json()["error"]
    assert many.status_code == 413 and "2 tệp" in many.json()["error"]
    assert whole.status_code == 413
    assert _records(engine) == 0


def test_the_413_comes_before_the_rest_of_the_body_is_read(
    small_limits: Callable[[str], TestClient], engine: Engine
) -> None:
    unit = small_limits("don-vi")
    cookie = unit.cookies.get("daihoi_session")
    assert cookie
    head = (
        b'--b\r\nContent-Disposition: form-data; name="files"; filename="big.xlsx"\r\n'
        b"Content-Type: application/octet-stream\r\n\r\n"
    )
    chunks = [head] + [b"x" * 1024] * 100 + [b"\r\n--b--\r\n"]
    read = 0
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        nonlocal read
        if read < len(chunks):
            read += 1
            return {
                "type": "http.request",
                "body": chunks[read - 1],
                "more_body": read < len(chunks),
            }
        return {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/nop",
        "raw_path": b"/nop",
        "query_string": b"",
        "root_path": "",
        "server": ("testserver", 80),
        "client": ("127.0.0.1", 5000),
        "headers": [
            (b"host", b"testserver"),
            (b"origin", ORIGIN.encode()),
            (b"accept", b"application/json"),
            (b"cookie", f"daihoi_session={cookie}".encode()),
            (b"content-type", b"multipart/form-data; boundary=b"),
        ],
    }
    anyio.run(lambda: unit.app(scope, receive, send))

    assert sent[0]["status"] == 413
    assert read < 10  # 4 KB a file: the parser stops at the fifth kilobyte of a 100 KB body
    assert _records(engine) == 0


def test_the_plain_form_post_answers_a_page_and_htmx_gets_only_the_results_escaped(
    client_for: Callable[[str], TestClient], engine: Engine, tmp_path: Path
) -> None:
    unit = client_for("don-vi")
    good = _book(tmp_path, "a.xlsx", _people(NAMES[:2]), org="DB-A")
    bad = _book(tmp_path, "b.xlsx", [person(**{"Ngày sinh": "31/02/1970"})], org="DB-A")

    page = _post(unit, [("C:\\fakepath\\<b>tốt.xlsx", good)], as_json=False)
    fragment = unit.post(
        "/nop",
        files=[("files", ("<img src=x onerror=alert(1)>.xlsx", bad, XLSX))],
        headers={"HX-Request": "true"},
    )

    assert page.status_code == 200 and "<html" in page.text
    assert (
        "Đã nhận" in page.text and "&lt;b&gt;tốt.xlsx" in page.text and "fakepath" not in page.text
    )
    assert 'src="/static/upload.js"' in page.text and 'id="nop-files"' in page.text
    assert fragment.status_code == 200 and "<html" not in fragment.text
    assert 'id="ket-qua"' in fragment.text and "Bị từ chối" in fragment.text
    assert (
        "&lt;img src=x onerror=alert(1)&gt;" in fragment.text and "<img src=x" not in fragment.text
    )
    assert "31/02/1970" in fragment.text and "/loi.xlsx" in fragment.text


def test_an_upload_without_a_file_or_from_another_site_is_refused(
    client_for: Callable[[str], TestClient], engine: Engine
) -> None:
    unit = client_for("don-vi")
    empty = unit.post("/nop", files=[("files", ("", b"", XLSX))], headers=JSON)
    cross = unit.post(
        "/nop",
        files=[("files", ("a.xlsx", b"PK", XLSX))],
        headers={"Origin": "http://evil.example"},
    )
    assert empty.status_code == 400 and "Chưa chọn tệp" in empty.json()["error"]
    assert cross.status_code == 403
    assert _records(engine) == 0
