"""The audit trail: who (`--actor`, DAIHOI_ACTOR, the OS user), newest first, offsets in JSON;
overrides listed and revoked, every change audited, status following the revocation."""

from __future__ import annotations

import json
import os
import pwd
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, select
from typer.testing import CliRunner

from flows.cli import app
from models import AuditEvent
from models.db import read_session, write_session
from models.enums import AuditAction, OrgKind
from models.settings import Settings, get_settings
from tasks.core.errors import UserError
from tests.helpers.factories import add_org
from tests.helpers.workbooks import nhan_su_book, person, seed_tree


def _run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args))
    if isinstance(result.exception, UserError):
        return result.exception.exit_code, result.output + result.exception.message
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.output + result.stderr


@pytest.fixture
def no_actor(monkeypatch: pytest.MonkeyPatch) -> None:
    """No DAIHOI_ACTOR, and the environment restored after `--actor` set it."""
    monkeypatch.delenv("DAIHOI_ACTOR", raising=False)
    get_settings.cache_clear()


def test_without_a_login_terminal_the_actor_is_the_os_user_not_unknown(
    monkeypatch: pytest.MonkeyPatch, no_actor: None
) -> None:
    def no_terminal() -> str:
        raise OSError(6, "No such device or address")

    monkeypatch.setattr(os, "getlogin", no_terminal)
    for name in ("USER", "LOGNAME", "USERNAME", "LNAME"):
        monkeypatch.delenv(name, raising=False)
    assert Settings().actor_name == pwd.getpwuid(os.geteuid()).pw_name


def test_the_actor_is_the_option_else_the_environment_else_the_os_user(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, no_actor: None
) -> None:
    seed_tree()
    book = nhan_su_book(tmp_path / "a.xlsx", [person()])
    assert _run("--actor", "Trần Thị Lan", "import", str(book), "--org", "CB-A")[0] == 0
    monkeypatch.setenv("DAIHOI_ACTOR", "vp-dang-uy")
    get_settings.cache_clear()
    args = ["override", "training", "--org", "CB-A", "--state", "done", "--from", "2025-03-01"]
    assert _run(*args, "--reason", "r1")[0] == 0
    monkeypatch.delenv("DAIHOI_ACTOR")
    get_settings.cache_clear()
    assert _run(*args, "--reason", "r2")[0] == 0
    with read_session() as s:
        actors = s.scalars(select(AuditEvent.actor).order_by(AuditEvent.id)).all()
    os_user = pwd.getpwuid(os.geteuid()).pw_name
    assert actors[0] == "Trần Thị Lan" and set(actors[:-2]) == {"Trần Thị Lan"}
    assert actors[-2:] == ["vp-dang-uy", os_user]


def _events(engine: Engine) -> dict[str, int]:
    # 13/03 09:30, 15/03 03:00 and 15/03 09:30 in Asia/Ho_Chi_Minh.
    times = {
        "old": datetime(2025, 3, 13, 2, 30, tzinfo=UTC),
        "mid": datetime(2025, 3, 14, 20, 0, tzinfo=UTC),
        "new": datetime(2025, 3, 15, 2, 30, tzinfo=UTC),
    }
    ids = {}
    with write_session() as s:
        root = add_org(s, "DU", OrgKind.TREN_CO_SO)
        a = add_org(s, "CB-A", parent=root)
        for n, at in times.items():
            event = AuditEvent(
                at=at,
                actor="vp",
                entity="candidate",
                entity_id=1,
                org_id=a.id,
                action=AuditAction.UPDATE,
                after={"n": n},
            )
            s.add(event)
            s.flush()
            ids[n] = event.id
    return ids


def _json(output: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in output.splitlines() if line.strip()]


@pytest.mark.db
def test_audit_lists_newest_first_and_limit_keeps_the_newest(engine: Engine) -> None:
    _events(engine)
    code, out = _run("audit", "--json")
    assert code == 0
    assert [e["after"]["n"] for e in _json(out)] == ["new", "mid", "old"]
    code, out = _run("audit", "--json", "--limit", "2")
    assert [e["after"]["n"] for e in _json(out)] == ["new", "mid"]


@pytest.mark.db
def test_audit_json_times_carry_their_offset(engine: Engine) -> None:
    _events(engine)
    newest = _json(_run("audit", "--json", "--limit", "1")[1])[0]
    assert newest["at"] == "2025-03-15T09:30:00+07:00"
    assert datetime.fromisoformat(newest["at"]) == datetime(2025, 3, 15, 2, 30, tzinfo=UTC)


@pytest.mark.db
def test_audit_since_is_a_day_in_asia_ho_chi_minh(engine: Engine) -> None:
    _events(engine)
    out = _run("audit", "--json", "--since", "15/03/2025")[1]
    assert [e["after"]["n"] for e in _json(out)] == ["new", "mid"]


@pytest.mark.parametrize(
    ("args", "line"),
    [
        (
            ["audit", "--entity", "candidat"],
            "--entity: 'candidat' không có; chọn một trong: candidate, inspection, remedy, "
            "disposition, attendance, override.",
        ),
        (["audit", "--limit", "0"], "--limit: cần một số nguyên dương (đã cho 0)."),
    ],
)
def test_a_bad_audit_filter_is_a_usage_error(engine: Engine, args: list[str], line: str) -> None:
    code, out = _run(*args)
    assert (code, out.strip()) == (2, line)
