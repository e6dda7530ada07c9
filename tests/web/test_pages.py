"""The pages: the dashboard's figures, filters, paging and drill-down; the unit page's "what is
still missing"; forms as `daihoi forms` writes them; the audit trail; accounts; activation."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy import Engine
from typer.testing import CliRunner

from flows.cli import app as cli
from models.db import read_session
from models.queries import find_org
from tasks.accounts.admin import AccountError
from tasks.core.errors import UsageError
from tasks.intake.exports.forms import write_form
from tests.web.conftest import PASSWORD, Clock, World


def test_the_dashboard_shows_the_status_json_figures_in_vietnamese(
    client_for: Callable[[str], TestClient], world: World
) -> None:
    c = client_for("van-phong")
    doc = c.get("/api/v1/status?as_of=2025-03-15").json()
    html = c.get("/tong-quan?as_of=2025-03-15").text
    assert "Tính đến ngày <strong>15/03/2025</strong>" in html
    for stage in ("personnel", "inspections", "feedback", "training"):
        s = doc["stages"][stage]
        assert f"Hoàn thành <strong>{s['done']}</strong>/{s['applicable']}" in html
    assert "4 đơn vị" in html  # the heat map counts units(S)
    for code in ("DB-A", "CB-A1", "CB-A2", "CB-B"):
        assert f'href="/don-vi/{code}?as_of=2025-03-15"' in html
    # colour is never alone: every state cell carries its symbol and its word
    cells = re.findall(r'<td class="cell s-(\w+)">(.*?)</td>', html, flags=re.S)
    assert cells and all(
        ("Xong" in t or "hạn" in t or "Chưa làm" in t or "Không áp dụng" in t) for _, t in cells
    )


def test_filters_search_sort_and_drill_down(
    client_for: Callable[[str], TestClient], world: World
) -> None:
    c = client_for("van-phong")
    overdue = c.get("/tong-quan?as_of=2025-03-15&state=overdue").text
    doc = c.get("/api/v1/status?as_of=2025-03-15").json()
    late = [
        u["code"]
        for u in doc["units"]
        if any(e["state"] == "overdue" for e in u["stages"].values())
    ]
    assert f"{len(late)} đơn vị" in overdue
    assert all(f"/don-vi/{code}?" in overdue for code in late)
    found = c.get("/tong-quan?q=le quy don").text  # no diacritics typed
    assert "Chi bộ Lê Quý Đôn" in found and "/don-vi/CB-B?" not in found
    direct = c.get("/tong-quan?direct=1&sort=tree").text
    assert "/don-vi/CB-A1?" not in direct and "2 đơn vị trực thuộc" in direct
    drilled = c.get("/tong-quan?org=DB-A").text
    assert "<h1>Đảng bộ Trường A</h1>" in drilled and "/don-vi/CB-B?" not in drilled
    assert 'href="/tong-quan?org=DU-TEST' in drilled  # the breadcrumb back up
    fragment = c.get("/tong-quan?state=overdue", headers={"HX-Request": "true"}).text
    assert fragment.lstrip().startswith('<div id="heatmap">') and "<html" not in fragment


def test_heat_map_rows_are_paged_one_hundred_at_a_time() -> None:
    from tasks.status.heatmap import Filters, heat_page
    from tasks.status.memo import CachedStatus

    stage = {
        "state": "on_track",
        "progress": 0.5,
        "due": "2025-04-01",
        "done_on": None,
        "warnings": [],
    }
    units = [
        {
            "code": f"CB-{i:05d}",
            "name": f"Chi bộ {i}",
            "kind": "Chi bộ cơ sở",
            "parent": "ROOT",
            "depth": 1,
            "congress_date": None,
            "stages": {
                s: dict(stage) for s in ("personnel", "inspections", "feedback", "training")
            },
        }
        for i in range(10_000)
    ]
    units[9_999]["stages"]["training"] = {**stage, "state": "overdue", "due": "2025-01-01"}
    cached = CachedStatus(doc={"org": "ROOT", "as_of": "2025-03-15", "units": units}, version=1)
    first = heat_page(cached, Filters())
    assert len(first.rows) == 100 and first.total == 10_000 and first.pages == 100
    assert first.rows[0].unit["code"] == "CB-09999" and first.rows[0].lag == 73  # most behind first
    last = heat_page(cached, Filters(page=100, sort="tree"))
    assert [r.number for r in last.rows][:2] == [9901, 9902] and len(last.rows) == 100
    assert heat_page(cached, Filters(page=500)).page == 100
    only = heat_page(cached, Filters(stage="training", state="overdue"))
    assert only.total == 1


def test_the_unit_page_says_what_is_still_missing(
    client_for: Callable[[str], TestClient], world: World
) -> None:
    c = client_for("don-vi")
    html = c.get("/don-vi/CB-A1?as_of=2025-03-15").text
    assert "<h1>Chi bộ Lê Quý Đôn</h1>" in html
    assert "Đại hội dự kiến: <strong>20/03/2025</strong>" in html
    assert "Cần thêm 04 nhân sự qua bước 5 (đã có 00/04; 00 người trong danh sách)." in html
    assert "Chưa có cuộc kiểm tra, giám sát nào." in html
    assert "Chưa gửi văn bản góp ý dự thảo Báo cáo chính trị." in html
    assert 'href="/bieu-mau/nhan-su?org=CB-A1"' in html
    # a Chi bộ has no units under it: its own figures are the table above, not a "units" summary
    assert 'id="h-captren"' not in html
    parent = c.get("/don-vi/DB-A?as_of=2025-03-15").text
    assert "Đơn vị trực thuộc trực tiếp" in parent and "/don-vi/CB-A2?" in parent
    assert 'id="h-captren"' in parent
    assert f"/bao-cao/{world.reports['progress-DB-A']}/tai-ve" in parent


def test_a_form_download_is_what_daihoi_forms_writes(
    client_for: Callable[[str], TestClient], world: World, engine: Engine, tmp_path: Path
) -> None:
    r = client_for("don-vi").get("/bieu-mau/nhan-su?org=CB-A1")
    assert r.status_code == 200
    assert r.headers["content-disposition"] == (
        "attachment; filename=\"nhan-su_CB-A1.xlsx\"; filename*=UTF-8''nhan-su_CB-A1.xlsx"
    )
    got = load_workbook(io.BytesIO(r.content))
    out = tmp_path / "nhan-su_CB-A1.xlsx"
    with read_session(engine) as s:
        write_form(s, form="nhan-su", org=find_org(s, code="CB-A1"), out=out)
    want = load_workbook(out)
    assert got.sheetnames == want.sheetnames
    for name in want.sheetnames:
        assert [[c.value for c in row] for row in got[name].iter_rows()] == [
            [c.value for c in row] for row in want[name].iter_rows()
        ]


def test_a_download_name_is_ascii_safe_with_a_utf8_filename_star() -> None:
    from flows.web.downloads import attachment

    header = attachment('báo-cáo Đảng ủy";x.docx')["Content-Disposition"]
    assert header.startswith("attachment; filename=\"bao-cao_Dang_uy__x.docx\"; filename*=UTF-8''")
    assert "%C4%90" in header and '"' not in header.split("filename*=")[1]


def test_the_audit_trail_is_filterable_and_hides_personal_fields_from_leadership(
    client_for: Callable[[str], TestClient], world: World
) -> None:
    office = client_for("van-phong")
    html = office.get("/nhat-ky?entity=login").text
    assert "Đăng nhập" in html and "vp.office" in html
    assert "Tạo tài khoản" not in html
    accounts = office.get("/nhat-ky?entity=account").text
    assert "Tạo tài khoản" in accounts and PASSWORD not in accounts
    from tests.web.test_status_api import _override

    _override("CB-A1", "training", "2025-03-01")
    assert client_for("lanh-dao").get("/nhat-ky").status_code == 200


def test_the_accounts_page_adds_resets_and_disables_and_shows_a_code_once(
    client_for: Callable[[str], TestClient], anon: TestClient, world: World, clock: Clock
) -> None:
    office = client_for("van-phong")
    r = office.post("/tai-khoan", data={"login": "CB-B", "role": "don-vi", "org": "CB-B"})
    assert r.status_code == 200
    code = re.search(r'<p class="code-big">([A-Z0-9-]+)</p>', r.text)
    assert code is not None
    assert code.group(1) not in office.get("/tai-khoan").text  # shown on the answer only
    assert (
        office.post(
            "/tai-khoan", data={"login": "CB-B", "role": "don-vi", "org": "CB-B"}
        ).status_code
        == 400
    )
    assert office.post("/tai-khoan", data={"login": "x.y", "role": "don-vi"}).status_code == 400
    # the unit activates with it: a password, then it is logged in
    new = "mat-khau-don-vi-b"
    r = anon.post(
        "/kich-hoat",
        data={
            "login": "cb-b",
            "code": code.group(1).lower(),
            "password": new,
            "password_again": new,
        },
    )
    assert r.status_code == 303 and r.headers["location"] == "/don-vi/CB-B"
    assert anon.get("/don-vi/CB-B").status_code == 200
    # one-time: the same code again is refused
    r = anon.post("/kich-hoat", data={"login": "CB-B", "code": code.group(1), "password": new})
    assert r.status_code == 401
    # reset: a fresh code; the old session ends
    r = office.post("/tai-khoan/CB-B/cap-lai")
    fresh = re.search(r'<p class="code-big">([A-Z0-9-]+)</p>', r.text)
    assert fresh is not None and fresh.group(1) != code.group(1)
    assert anon.get("/don-vi/CB-B").status_code == 303
    # an expired code is refused
    clock.advance(days=15)
    r = anon.post("/kich-hoat", data={"login": "CB-B", "code": fresh.group(1), "password": new})
    assert r.status_code == 401
    assert office.post("/tai-khoan/CB-B/khoa").status_code == 303  # 15 idle days: logged out


def test_the_codes_workbook_gives_every_unit_an_account_and_a_code(
    client_for: Callable[[str], TestClient], world: World
) -> None:
    r = client_for("van-phong").post("/tai-khoan/ma-kich-hoat")
    assert r.status_code == 200 and r.headers["cache-control"] == "no-store"
    ws = load_workbook(io.BytesIO(r.content)).active
    rows = [[c.value for c in row] for row in ws.iter_rows(min_row=5)]
    # DB-A already has its account (with a password): the other three units get one and a code
    assert sorted(r[1] for r in rows) == ["CB-A1", "CB-A2", "CB-B"]
    assert all(re.fullmatch(r"[A-Z0-9]{4}(-[A-Z0-9]{4}){3}", r[4]) for r in rows)
    assert all(re.fullmatch(r"\d\d/\d\d/\d{4}", r[5]) for r in rows)


def test_users_commands_add_list_disable_reset_and_codes(
    world: World, engine: Engine, tmp_path: object
) -> None:
    runner = CliRunner()
    r = runner.invoke(
        cli, ["users", "add", "ban.thuong.truc", "--role", "lanh-dao", "--name", "Thường trực"]
    )
    assert r.exit_code == 0 and "Mã kích hoạt" in r.stdout
    r = runner.invoke(
        cli,
        ["users", "add", "CB-A1", "--role", "don-vi", "--org", "CB-A1", "--password-stdin"],
        input="mot-mat-khau-dai\n",
    )
    assert r.exit_code == 0 and "Mã kích hoạt" not in r.stdout
    # (CliRunner runs the app without main(): a user's error arrives as the exception main()
    # prints in one line with its exit code)
    for args in (["--role", "don-vi"], ["--role", "chu-tich"]):
        r = runner.invoke(cli, ["users", "add", "z.z", *args])
        assert isinstance(r.exception, UsageError) and r.exception.exit_code == 2
    r = runner.invoke(cli, ["users", "list", "--json"])
    listed = {line.split('"login": "')[1].split('"')[0]: line for line in r.stdout.splitlines()}
    assert (
        '"state": "pending"' in listed["ban.thuong.truc"] and '"state": "active"' in listed["CB-A1"]
    )
    assert runner.invoke(cli, ["users", "disable", "CB-A1"]).exit_code == 0
    assert '"state": "disabled"' in runner.invoke(cli, ["users", "list", "--json"]).stdout
    r = runner.invoke(cli, ["users", "reset", "CB-A1"])
    assert r.exit_code == 0 and "Mã kích hoạt" in r.stdout
    assert isinstance(runner.invoke(cli, ["users", "reset", "khong.co"]).exception, AccountError)
    out = f"{tmp_path}/codes.xlsx"
    r = runner.invoke(cli, ["users", "codes", "--out", out])
    assert r.exit_code == 0
    ws = load_workbook(out).active
    # DB-A, CB-A2, CB-B get accounts; CB-A1 (reset, no password) a fresh code
    assert sorted(row[1].value for row in ws.iter_rows(min_row=5)) == [
        "CB-A1",
        "CB-A2",
        "CB-B",
        "DB-A",
    ]


def test_daihoi_web_without_an_office_account_says_how_to_make_one(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    import uvicorn

    calls: list[dict[str, object]] = []
    monkeypatch.setattr(uvicorn, "run", lambda *a, **k: calls.append({"args": a, **k}))
    r = CliRunner().invoke(cli, ["web", "--port", "8123"])
    assert r.exit_code == 0
    assert "daihoi users add" in r.stdout and "--role van-phong" in r.stdout
    assert "http://localhost:8123/" in r.stdout
    assert calls and calls[0]["args"] == ("flows.web:create_app",) and calls[0]["factory"] is True


def test_the_demo_accounts_get_one_time_codes_never_a_password(
    world: World, engine: Engine
) -> None:
    from models.base import utcnow
    from tasks.accounts.demo import demo_accounts

    first = demo_accounts(engine, actor="test", now=utcnow())
    roles = {d.role.value for d in first}
    assert roles == {"van-phong", "lanh-dao", "to-bien-tap", "don-vi"}
    assert all(d.code and re.fullmatch(r"[A-Z0-9]{4}(-[A-Z0-9]{4}){3}", d.code) for d in first)
    again = demo_accounts(engine, actor="test", now=utcnow() + timedelta(minutes=1))
    assert [d.login for d in again] == [d.login for d in first]
    assert all(a.code != b.code for a, b in zip(first, again, strict=True))
