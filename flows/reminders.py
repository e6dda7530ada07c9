"""Flow send_reminders: a reminder letter (công văn đôn đốc) to every overdue unit."""

from __future__ import annotations

from datetime import date
from typing import Any

from prefect import flow

from tasks.reports.steps import publish_reports, render_reports
from tasks.status.steps import resolve_as_of


@flow(name="send_reminders")
def send_reminders(
    scope: str | None = None, as_of: date | None = None, issue: bool = False
) -> dict[str, Any]:
    """Write one reminder letter per unit with an overdue stage; `issue` numbers them."""
    day = resolve_as_of(as_of)
    letters = render_reports("reminders", scope, day, issue=issue)
    if letters:
        publish_reports(letters[0]["scope"], day, letters)
    return {
        "as_of": day.isoformat(),
        "letters": len(letters),
        "from_archive": sum(1 for f in letters if f["reused"]),
        "units": [f["subject"] for f in letters],
        "numbers": [f["number"] for f in letters],
    }
