"""send_reminders through Prefect's test harness: one numbered letter per overdue unit, and a
re-run returns the same letters from the archive."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine

from models.db import write_session
from tests.helpers.reports_tree import AS_OF, build_tree


@pytest.mark.slow
def test_send_reminders_numbers_each_overdue_unit_once(
    harness: None, engine: Engine, home: Path
) -> None:
    from flows.reminders import send_reminders

    with write_session(engine) as session:
        build_tree(session)
    first = send_reminders(as_of=AS_OF, issue=True)
    assert first["letters"] == 4 and first["numbers"] == [1, 2, 3, 4]
    assert first["units"] == ["CB-B", "DBCS-A", "CB-A1", "CB-A2"]
    files = sorted(p.name for p in (home / "reports").iterdir())
    assert files == sorted(
        f"reminders_{u}_{AS_OF}_{n}.docx"
        for u, n in zip(first["units"], first["numbers"], strict=True)
    )
    again = send_reminders(as_of=AS_OF, issue=True)
    assert again["from_archive"] == 4 and again["numbers"] == first["numbers"]
