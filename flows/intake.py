"""Flow import_forms: validate and import the workbooks units dropped in the inbox."""

from __future__ import annotations

from typing import Any

from prefect import flow

from tasks.intake.steps import file_workbook, import_workbook, list_inbox, publish_intake_summary


@flow(name="import_forms")
def import_forms(inbox: str | None = None, org: str | None = None) -> dict[str, Any]:
    """Import waiting workbooks oldest first (only `inbox/<org>/` when an org code is given),
    each all-or-nothing; file them; publish counts. Returns the counts and the intake ids (the
    command line prints their rows of the register)."""
    results = []
    for waiting in list_inbox(inbox, org):
        result = import_workbook(waiting["path"], waiting["sender"], waiting["arrived"])
        file_workbook(waiting["path"], result["state"])
        results.append(result)
    return publish_intake_summary(results)
