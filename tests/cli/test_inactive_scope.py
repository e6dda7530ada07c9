"""A scope that names a merged or dissolved organisation has no preparation to follow: status,
reports and the web say so in one Vietnamese line (exit 2 on the command line), never a
traceback (the demo's merged CB-GDCN once raised a pandas TypeError)."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import Engine, update

from models.db import write_session
from models.enums import OrgStatus
from models.org import Organisation
from tests.helpers.cli import run_cli
from tests.helpers.factories import add_org
from tests.helpers.status import root_only

pytestmark = pytest.mark.db
DAY = "2025-03-20"


@pytest.fixture
def merged(engine: Engine) -> None:
    with write_session(engine) as s:
        root = root_only(s)
        keep = add_org(s, "CB-NHAN", parent=root, congress=date(2025, 4, 1))
        gone = add_org(s, "CB-CU", parent=root, congress=date(2025, 4, 1), held=date(2025, 3, 1))
        add_org(s, "CB-GIAI-THE", parent=root, congress=date(2025, 4, 1))
        s.execute(
            update(Organisation)
            .where(Organisation.id == gone.id)
            .values(status=OrgStatus.MERGED, merged_into_id=keep.id, valid_to=date(2024, 10, 1))
        )
        s.execute(
            update(Organisation)
            .where(Organisation.code == "CB-GIAI-THE")
            .values(status=OrgStatus.DISSOLVED, valid_to=date(2024, 10, 1))
        )


@pytest.mark.parametrize(
    "args",
    [("status",), ("status", "--json"), ("report", "progress"), ("report", "reminders")],
)
def test_a_merged_scope_is_one_line_naming_where_it_went(
    merged: None, args: tuple[str, ...]
) -> None:
    code, out = run_cli(*args, "--org", "CB-CU", "--as-of", DAY)
    assert code == 2, out
    assert "Traceback" not in out and len(out.strip().splitlines()) == 1, out
    assert "'CB-CU' đã sáp nhập vào đơn vị 'CB-NHAN'" in out


def test_a_dissolved_scope_is_one_line(merged: None) -> None:
    code, out = run_cli("status", "--org", "CB-GIAI-THE", "--as-of", DAY)
    assert code == 2 and "'CB-GIAI-THE' đã giải thể" in out, out


def test_an_active_scope_beside_them_is_unchanged(merged: None) -> None:
    code, out = run_cli("status", "--org", "CB-NHAN", "--as-of", DAY)
    assert code == 0 and "CB-NHAN" in out, out
