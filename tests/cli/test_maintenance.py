"""`daihoi backup` and `daihoi audit` through the command line."""

from __future__ import annotations

import json
import sqlite3
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine
from typer.testing import CliRunner

from flows.cli import app
from models import AuditEvent
from models.db import write_session
from models.enums import AuditAction, OrgKind
from tests.helpers.factories import add_org

runner = CliRunner()


def test_backup_copies_a_consistent_database(engine: Engine, tmp_path: Path) -> None:
    with write_session() as s:
        root = add_org(s, "DU", OrgKind.TREN_CO_SO)
        add_org(s, "CB-A", parent=root, congress=date(2025, 4, 1))
    out = tmp_path / "copy.sqlite"
    result = runner.invoke(app, ["backup", "--out", str(out)])
    assert result.exit_code == 0, result.output
    with sqlite3.connect(out) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("SELECT count(*) FROM organisation").fetchone()[0] == 2
    again = runner.invoke(app, ["backup", "--out", str(out)])
    assert again.exit_code == 1


@pytest.mark.db
def test_audit_lists_events_of_a_subtree_and_entity(engine: Engine) -> None:
    with write_session() as s:
        root = add_org(s, "DU", OrgKind.TREN_CO_SO)
        a = add_org(s, "CB-A", parent=root)
        b = add_org(s, "CB-B", parent=root)
        s.add(
            AuditEvent(
                actor="vp",
                entity="candidate",
                entity_id=1,
                org_id=a.id,
                action=AuditAction.CREATE,
                after={"step": 3},
            )
        )
        s.add(
            AuditEvent(
                actor="vp", entity="remedy", entity_id=2, org_id=a.id, action=AuditAction.UPDATE
            )
        )
        s.add(
            AuditEvent(
                actor="vp", entity="candidate", entity_id=3, org_id=b.id, action=AuditAction.DELETE
            )
        )
    result = runner.invoke(app, ["audit", "--entity", "candidate", "--org", "CB-A", "--json"])
    assert result.exit_code == 0, result.output
    events = [json.loads(line) for line in result.output.splitlines() if line.strip()]
    assert [(e["org"], e["entity"], e["action"], e["after"]) for e in events] == [
        ("CB-A", "candidate", "create", {"step": 3})
    ]
