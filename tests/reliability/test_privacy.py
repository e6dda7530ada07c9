"""RELIABILITY.md F2–F4: no names or birth dates in flow parameters, DEBUG logs or artifacts;
an append-only audit row for every change of a person-edited record; no secrets in files."""

from __future__ import annotations

import json
import logging
import traceback
from pathlib import Path
from typing import Any

import pytest
import yaml
from sqlalchemy import Engine, select, text
from sqlalchemy.exc import DBAPIError, IntegrityError
from typer.testing import CliRunner

from flows.cli import app
from models import AuditEvent, Candidate
from models.db import read_session, write_session
from models.settings import get_settings
from tasks.demo.seed import DEFAULT_DEMO_AS_OF, seed_demo
from tests.helpers.workbooks import nhan_su_book, person, seed_tree, write_book

pytestmark = pytest.mark.db

ROOT = Path(__file__).resolve().parents[2]
runner = CliRunner()


OURS = ("prefect", "flows", "tasks", "models", "daihoi")


@pytest.fixture
def debug_logs(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Prefect's and daihoi's loggers at DEBUG whatever logging config Prefect applies during
    a run; every record they emit is kept."""
    lines: list[str] = []
    enabled = logging.Logger.isEnabledFor
    handle = logging.Logger.handle

    def is_enabled_for(self: logging.Logger, level: int) -> bool:
        return self.name.startswith(OURS) or enabled(self, level)

    def keep(self: logging.Logger, record: logging.LogRecord) -> None:
        if self.name.startswith(OURS):
            lines.append(f"{record.name} {record.getMessage()} {record.exc_text or ''}")
        handle(self, record)

    monkeypatch.setattr(logging.Logger, "isEnabledFor", is_enabled_for)
    monkeypatch.setattr(logging.Logger, "handle", keep)
    return lines


def _prefect_texts() -> tuple[list[str], list[str]]:
    """Every artifact (key, data, description) and every flow and task run's parameters."""
    from prefect import get_client

    with get_client(sync_client=True) as client:
        artifacts = [
            repr(a.key) + repr(a.data) + repr(a.description) for a in client.read_artifacts()
        ]
        runs = [
            json.dumps(r.parameters, default=str, ensure_ascii=False) + repr(r.state)
            for r in client.read_flow_runs()
        ]
        runs += [
            json.dumps(r.task_inputs, default=str, ensure_ascii=False) + repr(r.state)
            for r in client.read_task_runs()
        ]
    return artifacts, runs


def test_the_demo_at_debug_logs_no_name_or_birth_date(
    engine: Engine, harness: None, home: Path, debug_logs: list[str]
) -> None:
    from flows.preparation import prepare_congresses
    from flows.reminders import send_reminders

    seed_demo(engine)
    with read_session() as s:
        people = s.execute(select(Candidate.full_name, Candidate.birth_date)).all()
    signer = get_settings().issuer.signer_name  # printed on every report: the office's, public
    secrets = {name for name, _ in people if name != signer}
    for _, born in people:
        secrets |= {born.strftime("%d/%m/%Y"), born.isoformat()}
    assert len(people) > 500
    # The demo's main job: the two flows `daihoi demo` runs through Prefect.
    prepare_congresses(as_of=DEFAULT_DEMO_AS_OF)
    send_reminders(as_of=DEFAULT_DEMO_AS_OF)
    artifacts, runs = _prefect_texts()
    assert any("status-" in a for a in artifacts) and runs
    assert len(debug_logs) > 20
    found = []
    for where, lines in (("log", debug_logs), ("artifact", artifacts), ("run", runs)):
        blob = "\n".join(lines)
        found += [f"{where}: {s}" for s in secrets if s in blob]
    assert found == []
    print(
        f"F2: {len(debug_logs)} log lines, {len(artifacts)} artifacts, {len(runs)} runs "
        f"searched for {len(secrets)} names and dates: none found"
    )


def test_a_database_error_carries_no_values_of_the_row(engine: Engine) -> None:
    seed_tree()
    with pytest.raises(DBAPIError) as caught, write_session() as s:
        s.execute(
            text("INSERT INTO organisation (code, name, kind, path) VALUES (:c, :n, :k, '')"),
            {"c": "CB-A", "n": "Đoàn Thị Kín Đáo 29/07/1983", "k": "chi-bo-co-so"},
        )
    assert "SQL parameters hidden" in str(caught.value)
    # The whole chain as a traceback prints it (PostgreSQL's DETAIL line quotes the row).
    texts = [str(caught.value), str(caught.value.orig), repr(caught.value.orig)]
    texts += traceback.format_exception(caught.value)
    blob = "\n".join(texts)
    assert "Kín Đáo" not in blob and "29/07/1983" not in blob
    assert isinstance(caught.value, IntegrityError)  # the type (and SQLSTATE) stay


# F3 ---------------------------------------------------------------------------------------

KT = ["Mã cuộc", "Mã đơn vị", "Loại", "Hình thức", "Đối tượng", "Ngày bắt đầu", "Ngày kết luận"]
KP = [
    "Mã cuộc",
    "Mã đơn vị",
    "STT",
    "Yêu cầu khắc phục",
    "Hạn hoàn thành",
    "Trạng thái",
    "Ngày hoàn thành",
]


def _kiem_tra(path: Path, remedies: list[list[Any]]) -> Path:
    insp = ["KT-01", "CB-A", "Kiểm tra", "Thường xuyên", "Tổ chức đảng", "05/01/2025", "20/01/2025"]
    return write_book(path, {"Kiểm tra giám sát": (KT, [insp]), "Khắc phục": (KP, remedies)})


def _events() -> list[tuple[str, str, str]]:
    with read_session() as s:
        rows = s.execute(select(AuditEvent.entity, AuditEvent.action, AuditEvent.actor))
        return [(e, a.value, actor) for e, a, actor in rows]


def test_every_change_leaves_an_append_only_audit_row_listed_by_daihoi_audit(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tasks.intake.receive import ImportOptions, import_file

    monkeypatch.setenv("DAIHOI_ACTOR", "thu-ky")
    get_settings.cache_clear()
    seed_tree()
    opts = ImportOptions(sender_code="CB-A")
    steps = [
        nhan_su_book(tmp_path / "1.xlsx", [person(), person(**{"Họ và tên": "Lê Thị Bé"})]),
        nhan_su_book(tmp_path / "2.xlsx", [person(**{"Chức vụ hiện nay": "Phó Hiệu trưởng"})]),
        _kiem_tra(
            tmp_path / "3.xlsx",
            [["KT-01", "CB-A", 1, "Bổ sung", "01/04/2025", "Chưa thực hiện", None]],
        ),
        _kiem_tra(
            tmp_path / "4.xlsx",
            [["KT-01", "CB-A", 1, "Bổ sung", "01/05/2025", "Đang thực hiện", None]],
        ),
        _kiem_tra(tmp_path / "5.xlsx", []),
    ]
    for path in steps:
        outcome = import_file(path, opts)
        assert outcome.state.value == "accepted", [i.text() for i in outcome.issues]
    events = _events()
    assert {(e, a) for e, a, _ in events} >= {
        ("candidate", "create"),
        ("candidate", "update"),
        ("candidate", "delete"),
        ("inspection", "create"),
        ("remedy", "create"),
        ("remedy", "update"),
        ("remedy", "delete"),
    }
    assert {actor for _, _, actor in events} == {"thu-ky"}
    with read_session() as s:
        update = s.scalars(
            select(AuditEvent).where(
                AuditEvent.entity == "candidate", AuditEvent.action == "update"
            )
        ).first()
    assert update is not None and update.before and update.after and update.at
    assert update.before != update.after

    for sql in ("UPDATE audit_event SET actor = 'x'", "DELETE FROM audit_event"):
        with pytest.raises(DBAPIError, match="append-only"), engine.begin() as conn:
            conn.execute(text(sql))
    assert _events() == events

    listed = runner.invoke(app, ["audit", "--entity", "remedy", "--since", "2020-01-01", "--json"])
    assert listed.exit_code == 0, listed.output
    lines = [json.loads(line) for line in listed.stdout.splitlines()]
    assert {e["action"] for e in lines} == {"create", "update", "delete"}
    assert {e["entity"] for e in lines} == {"remedy"} and all(e["actor"] == "thu-ky" for e in lines)
    later = runner.invoke(app, ["audit", "--since", "2999-01-01", "--json"])
    assert later.exit_code == 0 and later.stdout.strip() == ""


# F4 ---------------------------------------------------------------------------------------


def test_no_database_password_in_prefect_yaml_or_the_backup_hint(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    spec = (ROOT / "prefect.yaml").read_text(encoding="utf-8")
    yaml.safe_load(spec)
    assert "postgresql://" not in spec and "password" not in spec.lower()
    from models.db import dispose_engines

    if engine.dialect.name == "postgresql":
        url = engine.url.set(password="hemmelig-42")
        monkeypatch.setenv("DAIHOI_DATABASE_URL", url.render_as_string(hide_password=False))
        get_settings.cache_clear()
        dispose_engines()
        result = runner.invoke(app, ["backup", "--out", "x.dump"])
        assert "hemmelig-42" not in result.output
