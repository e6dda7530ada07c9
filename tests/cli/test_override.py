"""`daihoi override`: recorded (the contract's form still works), listed, revoked from a date;
status follows; every change is in the audit trail."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import Engine, select
from typer.testing import CliRunner

from flows.cli import app
from models import AuditEvent
from models.db import read_session, write_session
from models.enums import OrgKind
from tasks.core.errors import UserError
from tasks.status.document import compute_status
from tests.helpers.factories import add_org


def _run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["--actor", "vp", *args])
    if isinstance(result.exception, UserError):
        return result.exception.exit_code, result.output + result.exception.message
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.output + result.stderr


@pytest.fixture(autouse=True)
def _actor_restored(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DAIHOI_ACTOR", raising=False)


def _personnel(day: date) -> str:
    with read_session() as s:
        doc = compute_status(s, scope=None, as_of=day)
    (unit,) = [u for u in doc["units"] if u["code"] == "CB-A"]
    return str(unit["stages"]["personnel"]["state"])


@pytest.mark.db
def test_a_revoked_override_stops_applying_from_its_revocation_date(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "200")
    with write_session() as s:
        root = add_org(s, "DU", OrgKind.TREN_CO_SO)
        add_org(s, "CB-A", parent=root, congress=date(2025, 6, 1))
    code, out = _run(
        "override", "personnel", "--org", "CB-A", "--state", "done",
        "--from", "2025-03-01", "--reason", "Chi bộ mới thành lập",
    )  # fmt: skip
    assert code == 0, out
    assert "Đã ghi quyết định số 1: CB-A — Nhân sự: Hoàn thành từ ngày 01/03/2025" in out
    assert _personnel(date(2025, 3, 11)) == "done"
    code, out = _run("override", "revoke", "1", "--reason", "Nhầm đơn vị", "--from", "12/03/2025")
    assert code == 0, out
    assert "thôi áp dụng từ ngày 12/03/2025 (người thu hồi: vp)" in out
    assert _personnel(date(2025, 3, 11)) == "done"  # history as it was
    assert _personnel(date(2025, 3, 12)) == "not_started"
    code, out = _run("override", "list")
    assert code == 0
    assert "Nhầm đơn vị" in out and "12/03/2025" in out and "Chi bộ mới thành lập" in out
    with read_session() as s:
        events = s.execute(
            select(AuditEvent.entity, AuditEvent.action, AuditEvent.actor, AuditEvent.after)
            .where(AuditEvent.entity == "override")
            .order_by(AuditEvent.id)
        ).all()
    assert [(e, a.value, who) for e, a, who, _ in events] == [
        ("override", "create", "vp"),
        ("override", "update", "vp"),
    ]
    assert events[1][3]["revoked_on"] == "2025-03-12"
    assert events[1][3]["revoke_reason"] == "Nhầm đơn vị"


def test_revoking_twice_or_an_unknown_override_says_so(engine: Engine) -> None:
    with write_session() as s:
        root = add_org(s, "DU", OrgKind.TREN_CO_SO)
        add_org(s, "CB-A", parent=root)
    args = ["--org", "CB-A", "--state", "done", "--from", "2025-03-01", "--reason", "x"]
    assert _run("override", "set", "inspections", *args)[0] == 0
    assert _run("override", "revoke", "1", "--reason", "sai", "--from", "2025-03-05")[0] == 0
    code, out = _run("override", "revoke", "1", "--reason", "lần nữa")
    assert (code, out.strip()) == (1, "Quyết định số 1 đã được thu hồi từ ngày 05/03/2025 (vp).")
    code, out = _run("override", "revoke", "9", "--reason", "x")
    assert (code, out.strip()) == (
        2,
        "Không có quyết định thủ công số 9 (xem: daihoi override list).",
    )
    code, out = _run("override", "revoke", "1", "--reason", " ")
    assert code == 2


def test_the_override_list_of_a_scope_with_none_says_so(engine: Engine) -> None:
    with write_session() as s:
        add_org(s, "DU", OrgKind.TREN_CO_SO)
    assert _run("override", "list") == (0, "Chưa có quyết định thủ công nào trong DU.\n")
